use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # unresolved-reference
    ///
    /// ## What it does
    /// Reports a reference that does not resolve: a dependency (`requires`, `wants`), an import, an
    /// action, a role, a skill in `on_failure` or `runners`, a service in `applies_to` or in an
    /// expression, a `bus:` name. It suggests the closest name.
    ///
    /// ## Why
    /// An unresolved dependency means the start gate cannot wait for it; an unresolved action
    /// cannot run. skillc never guesses what was meant.
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
    ///     requires: [databse]
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
    /// Fix the name (see the suggestion), declare the item, import its family, or pass the family's
    /// directory to skillc.
    pub const UNRESOLVED_REFERENCE = {
        id: "unresolved-reference",
        severity: Error,
        stage: Lower,
        summary: "A reference names nothing that is loaded.",
        configurable: false,
    }
}
