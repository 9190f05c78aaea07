use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-mach-service-false
    ///
    /// ## What it does
    /// Reports `run.mach_services` entries written as `false`.
    ///
    /// ## Why
    /// launchd.plist(5) takes `true` or a dictionary of options for each name; there is no `false`.
    /// skillc does not emit the entry, so the YAML lists a name launchd never hears of.
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
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///       keep_alive: never
    ///       mach_services: { org.example.web: false }
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
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
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///       keep_alive: never
    ///       mach_services: { org.example.web: true }
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
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
    /// Remove the name to not register it, or write `true`.
    pub(crate) const MACH_SERVICE_FALSE = {
        id: "launchd-mach-service-false",
        severity: Error,
        stage: Analysis,
        summary: "A `mach_services` entry is `false`.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for m in &s.run.mach_services {
            if !m.enabled.value {
                out.push(
                    MACH_SERVICE_FALSE
                        .finding(format!(
                            "Mach service `{}` of `{}` is `false`",
                            m.name.value, s.id.value
                        ))
                        .at(m.enabled.span, "launchd takes `true` or options")
                        .with_help("remove the name to not register it, or write `true`"),
                );
            }
        }
    }
}
