use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # missing-key
    ///
    /// ## What it does
    /// Reports a mapping that lacks a required key, such as a service without `layer`.
    ///
    /// ## Why
    /// Required keys carry what the analyzer needs to prove start order, layering and scope.
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
    ///     scope: session
    ///     capabilities: [serve_api]
    ///     run:
    ///       program: /usr/local/bin/web
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
    /// ```
    ///
    /// ## How to fix
    /// Add the key.
    pub const MISSING_KEY = {
        id: "missing-key",
        severity: Error,
        stage: Load,
        summary: "A required key is absent.",
        configurable: false,
    }
}
