use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # unknown-rule
    ///
    /// ## What it does
    /// Reports a suppression comment that names a rule id skillc does not know (with the closest
    /// id). A rule that exists but cannot be suppressed is `unsuppressible-rule`.
    ///
    /// ## Why
    /// A misspelt rule id would silently suppress nothing, and the finding meant would be hidden
    /// nowhere and fixed nowhere.
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
    ///     # skillc: ignore[launchd-raw-ky] legacy script, tracked in OPS-12
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
    /// Use an id from `skillc explain --list`.
    pub(crate) const UNKNOWN_RULE = {
        id: "unknown-rule",
        severity: Error,
        stage: Config,
        summary: "A suppression names a rule that does not exist.",
        configurable: false,
    }
}
