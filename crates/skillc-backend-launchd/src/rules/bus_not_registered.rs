use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-bus-not-registered
    ///
    /// ## What it does
    /// Reports a readiness probe that calls `bus("<name>")` on the service's own `bus:` name when
    /// `run.mach_services` does not register that name.
    ///
    /// ## Why
    /// `bus:` is the service's identity, what other services depend on; it is registered with launchd
    /// only when `run.mach_services` lists it, which is right only for a program that checks in for it.
    /// `bus(name)` holds when launchd shows the endpoint active, that is when the job has checked in;
    /// for a name that is not registered nothing can ever show that, so the service's own probe would
    /// stand for nothing better than "the process runs". Other services may still use `bus()` on the
    /// name: for an unregistered name it is the provider's readiness.
    ///
    /// ## Bad
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   web:
    ///     description: A web server.
    ///     layer: L3
    ///     scope: session
    ///     capabilities: [serve_api]
    ///     bus: org.example.web
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///     readiness:
    ///       probe: 'bus("org.example.web")'
    /// skills:
    ///   web-down:
    ///     title: The web server does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   web:
    ///     description: A web server.
    ///     layer: L3
    ///     scope: session
    ///     capabilities: [serve_api]
    ///     bus: org.example.web
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///       mach_services: { org.example.web: true }
    ///     readiness:
    ///       probe: 'bus("org.example.web")'
    /// skills:
    ///   web-down:
    ///     title: The web server does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// If the program checks in with launchd for the name, register it: `mach_services: {
    /// org.example.web: true }`. Otherwise probe what the program really serves (`tcp()`, `http()`,
    /// `file_exists()` of its socket).
    pub(crate) const BUS_NOT_REGISTERED = {
        id: "launchd-bus-not-registered",
        severity: Error,
        stage: Analysis,
        summary: "A readiness probe asks for its own bus name, which launchd does not register.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    use skillc_ir::expr::{ExprKind, Func};
    for s in &ir.services {
        let (Some(bus), Some(r)) = (&s.bus, &s.readiness) else {
            continue;
        };
        if s.registered_bus().is_some() {
            continue;
        }
        for (call, span) in r.probe.calls() {
            if !matches!(call.func, Func::Bus { .. }) {
                continue;
            }
            let Some(ExprKind::Str(name)) = call.args.first().map(|a| &a.kind) else {
                continue;
            };
            if !name.eq_ignore_ascii_case(&bus.value) {
                continue;
            }
            out.push(
                BUS_NOT_REGISTERED
                    .finding(format!(
                        "`bus(\"{name}\")` can never hold for `{}`: launchd does not register the name",
                        s.id.value
                    ))
                    .at(span, "waits for a check-in launchd never sees")
                    .with_label(bus.span, "the identity alone is not a Mach service")
                    .with_help(format!(
                        "if the program checks in for it, add `mach_services: {{ {}: true }}`; else probe what it serves",
                        bus.value
                    )),
            );
        }
    }
}
