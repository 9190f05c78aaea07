use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # invalid-value
    ///
    /// ## What it does
    /// Reports a value outside an enumeration (layer, scope, risk, capability, outcome ...), and lists the allowed values.
    ///
    /// ## Why
    /// skillc's guarantees rest on these values; a guess would be unsafe.
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
    ///     layer: L4
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
    /// Use one of the listed values.
    pub const INVALID_VALUE = {
        id: "invalid-value",
        severity: Error,
        stage: Load,
        summary: "A value is not one of the allowed choices.",
        configurable: false,
    }
}
