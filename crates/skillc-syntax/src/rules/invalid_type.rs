use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # invalid-type
    ///
    /// ## What it does
    /// Reports a value of the wrong YAML type: a list where a string is expected, a string where a number is expected, `yes` where a boolean is expected.
    ///
    /// ## Why
    /// A value of the wrong type cannot mean what the author intended.
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
    ///       program: [/usr/local/bin/web]
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
    /// Write the value with the type the schema states (`schemas/skillc.schema.json`).
    pub const INVALID_TYPE = {
        id: "invalid-type",
        severity: Error,
        stage: Load,
        summary: "A value has the wrong type.",
        configurable: false,
    }
}
