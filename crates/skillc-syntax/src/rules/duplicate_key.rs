use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # duplicate-key
    ///
    /// ## What it does
    /// Reports a key written twice in the same mapping.
    ///
    /// ## Why
    /// YAML parsers disagree on which copy wins; skillc refuses to guess.
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
    ///     layer: L2
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
    /// Keep one of the two entries.
    pub const DUPLICATE_KEY = {
        id: "duplicate-key",
        severity: Error,
        stage: Load,
        summary: "A key appears twice in one mapping.",
        configurable: false,
    }
}
