use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-keepalive-empty
    ///
    /// ## What it does
    /// Warns for `run.keep_alive: {}`: a condition map without any condition.
    ///
    /// ## Why
    /// launchd keeps a job alive while any of its conditions holds; with none, nothing keeps it alive,
    /// and skillc emits no `KeepAlive`. The YAML reads like a kept-alive service and is the same as
    /// `never`.
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
    ///       keep_alive: {}
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
    ///       keep_alive: { crashed: true }
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
    /// Write the condition (`successful_exit`, `crashed`, ...), or `keep_alive: never`.
    pub(crate) const KEEPALIVE_EMPTY = {
        id: "launchd-keepalive-empty",
        severity: Warning,
        stage: Analysis,
        summary: "`keep_alive` is an empty condition map.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        if let skillc_ir::KeepAliveMode::Conditions(c) = &s.run.keep_alive.value
            && c.is_empty()
            && c.network_state.is_none()
        {
            out.push(
                KEEPALIVE_EMPTY
                    .finding(format!("`keep_alive` of `{}` has no condition", s.id.value))
                    .at(s.run.keep_alive.span, "keeps nothing alive")
                    .with_help("write a condition, or `keep_alive: never`"),
            );
        }
    }
}
