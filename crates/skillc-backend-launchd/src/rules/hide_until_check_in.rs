use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-hide-until-check-in
    ///
    /// ## What it does
    /// Warns for `hide_until_check_in: true` on an entry of `run.mach_services`.
    ///
    /// ## Why
    /// launchd logs "The HideUntilCheckIn property is an architectural performance issue. Please
    /// transition away from it.": clients looking the name up before the job checks in fail instead of
    /// being queued, which is the race on-demand launch exists to remove.
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
    ///       mach_services: { org.example.web: { hide_until_check_in: true } }
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
    /// Register the name plainly (`org.example.web: true`) and let launchd queue messages until the job
    /// checks in.
    pub(crate) const HIDE_UNTIL_CHECK_IN = {
        id: "launchd-hide-until-check-in",
        severity: Warning,
        stage: Analysis,
        summary: "A Mach service uses `hide_until_check_in`.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for m in &s.run.mach_services {
            if let Some(h) = m.hide_until_check_in.as_ref().filter(|h| h.value) {
                out.push(
                    HIDE_UNTIL_CHECK_IN
                        .finding(format!("`{}` hides `{}` until it checks in", s.id.value, m.name.value))
                        .at(h.span, "an architectural performance issue (launchd)")
                        .with_help("remove `hide_until_check_in`; launchd queues messages until the job checks in"),
                );
            }
        }
    }
}
