use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-agent-only-key
    ///
    /// ## What it does
    /// Reports `run.session_types` on a `scope: daemon` service (a LaunchDaemon).
    ///
    /// ## Why
    /// `LimitLoadToSessionType` is meaningful only for agents: the system domain has no login
    /// sessions. On a daemon it is at best ignored and at worst stops the job from loading.
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
    ///     scope: daemon
    ///     capabilities: [serve_api]
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///       session_types: [Aqua]
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
    ///     scope: daemon
    ///     capabilities: [serve_api]
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
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
    /// Remove `session_types`, or make the service `scope: session`.
    pub(crate) const AGENT_ONLY_KEY = {
        id: "launchd-agent-only-key",
        severity: Error,
        stage: Analysis,
        summary: "`session_types` is set on a daemon.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        if s.scope.value != skillc_ir::Scope::Daemon {
            continue;
        }
        if let Some(first) = s.run.session_types.first() {
            out.push(
                AGENT_ONLY_KEY
                    .finding(format!(
                        "`run.session_types` is set on the daemon `{}`",
                        s.id.value
                    ))
                    .at(first.span, "the system domain has no login sessions")
                    .with_label(s.scope.span, "a LaunchDaemon")
                    .with_help("remove `session_types`, or make the service `scope: session`"),
            );
        }
    }
}
