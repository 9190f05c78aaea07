use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # yaml-syntax
    ///
    /// ## What it does
    /// Reports YAML the parser cannot read: bad indentation, tabs used for
    /// indentation, unclosed quotes or brackets.
    ///
    /// ## Why
    /// Nothing else in the file can be checked until it parses.
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
    ///     description: "A web server.
    ///     layer: L3
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
    /// Fix the syntax at the reported position. Indent with spaces only.
    pub const YAML_SYNTAX = {
        id: "yaml-syntax",
        severity: Error,
        stage: Load,
        summary: "The file is not valid YAML.",
        configurable: false,
    }
}
