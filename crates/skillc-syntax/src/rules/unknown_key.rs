use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # unknown-key
    ///
    /// ## What it does
    /// Reports keys that the language does not define at that place, and suggests the closest known key.
    ///
    /// ## Why
    /// A misspelt key (`requries:`) would otherwise be silently ignored, and the dependency it meant to declare would be lost.
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
    ///     layr: L3
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
    /// Use the suggested key, or remove the key. `docs/language.md` lists every key.
    pub const UNKNOWN_KEY = {
        id: "unknown-key",
        severity: Error,
        stage: Load,
        summary: "A mapping holds a key the language does not define.",
        configurable: false,
    }
}
