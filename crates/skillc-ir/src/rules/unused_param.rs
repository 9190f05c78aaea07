use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # unused-param
    ///
    /// ## What it does
    /// Reports an entry of a service's `params:` that no skill applied to the service declares.
    ///
    /// ## Why
    /// A service sets skill parameters by name (`params: { port: 8080 }`), for every skill
    /// applied to it that declares that parameter. A name none of them declares sets nothing:
    /// usually a typo (`prot`), or a skill that no longer applies to the service, so a run-time
    /// parameter is still asked for (`not checked: needs --param port=VALUE`).
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
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
    ///     params:
    ///       prot: 8080
    /// skills:
    ///   port-taken:
    ///     title: Something else holds the web server's port
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     params:
    ///       port: { type: int }
    ///     detect: '!running(service) && !port_free(param("port"))'
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
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
    ///     params:
    ///       port: 8080
    /// skills:
    ///   port-taken:
    ///     title: Something else holds the web server's port
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     params:
    ///       port: { type: int }
    ///     detect: '!running(service) && !port_free(param("port"))'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Name a parameter one of the skills applied to the service declares (`skillc catalog` lists
    /// the skills; each skill's `params:` its parameters), or remove the entry.
    pub const UNUSED_PARAM = {
        id: "unused-param",
        severity: Warning,
        stage: Lower,
        summary: "A service sets a parameter no skill applied to it declares.",
    }
}
