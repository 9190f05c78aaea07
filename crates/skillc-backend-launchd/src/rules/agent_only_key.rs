use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-agent-only-key
    ///
    /// ## What it does
    /// Reports `run.session_types` on a `scope: daemon` service (a LaunchDaemon) that does not list
    /// `System`, the session type of the system domain.
    ///
    /// ## Why
    /// `LimitLoadToSessionType` limits the sessions a job loads in, and a LaunchDaemon is loaded in the
    /// system domain, whose session type is `System`. Limited to `Aqua` or `Background` only, the
    /// daemon is never loaded. Listing `System` among others (Homebrew emits all five) is what makes
    /// one plist load in every domain; skillc emits the list as written.
    ///
    /// The rule cannot be suppressed: the plist would not load where install.sh puts it.
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
    ///       session_types: [Aqua, Background, LoginWindow, StandardIO, System]
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
    /// Remove `session_types` from the daemon, add `System` to it, or make the service `scope:
    /// session`.
    pub(crate) const AGENT_ONLY_KEY = {
        id: "launchd-agent-only-key",
        severity: Error,
        stage: Analysis,
        summary: "`session_types` on a daemon does not include `System`.",
        configurable: false,
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        if s.scope.value != skillc_ir::Scope::Daemon {
            continue;
        }
        let types = &s.run.session_types;
        if let Some(first) = types.first()
            && !types
                .iter()
                .any(|t| t.value == skillc_ir::SessionType::System)
        {
            out.push(
                AGENT_ONLY_KEY
                    .finding(format!(
                        "`run.session_types` of the daemon `{}` does not include `System`",
                        s.id.value
                    ))
                    .at(first.span, "the system domain's session type is `System`")
                    .with_label(s.scope.span, "a LaunchDaemon")
                    .with_help("remove `session_types`, add `System`, or make the service `scope: session`"),
            );
        }
    }
}
