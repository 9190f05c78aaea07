use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # unsuppressible-rule
    ///
    /// ## What it does
    /// Reports a suppression comment that names a rule which cannot be suppressed, because it
    /// reports input skillc cannot compile (YAML syntax, unresolved references, expression
    /// errors, ...; `skillc explain RULE` says so on the rule's page).
    ///
    /// ## Why
    /// Such a finding is not a judgement to waive: the build cannot go on without a fix, so a
    /// suppression of it would only look like it did something.
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
    ///     # skillc: ignore[unresolved-reference] the database moves next sprint
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
    /// Remove the suppression and fix the input the rule reports.
    pub(crate) const UNSUPPRESSIBLE_RULE = {
        id: "unsuppressible-rule",
        severity: Error,
        stage: Config,
        summary: "A suppression names a rule that cannot be suppressed.",
        configurable: false,
    }
}
