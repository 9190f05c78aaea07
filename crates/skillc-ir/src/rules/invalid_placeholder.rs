use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # invalid-placeholder
    ///
    /// ## What it does
    /// Reports placeholders in argv templates and string arguments that are not
    /// `{param.NAME}` of a declared parameter or `{service.FIELD}` of a known field (id, label,
    /// bus, program, stdout, stderr, working_dir). Text in braces counts as a placeholder when it
    /// has the shape `{word.word}` (so `{parm.lock}` is caught); any other brace text, such as
    /// `{}` for `find -exec` or a jq filter `{.name}`, is passed through literally.
    ///
    /// ## Why
    /// A placeholder that cannot be expanded would reach the script as literal text.
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
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
    /// skills:
    ///   web-down:
    ///     title: The web server does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: say, action: notify, with: { message: "{service.lable} is down" } }
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
    /// Use a declared parameter or a known service field.
    pub const INVALID_PLACEHOLDER = {
        id: "invalid-placeholder",
        severity: Error,
        stage: Lower,
        summary: "A {param.x} or {service.x} placeholder names nothing.",
        configurable: false,
    }
}
