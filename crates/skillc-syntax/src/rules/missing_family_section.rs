use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # missing-family-section
    ///
    /// ## What it does
    /// Reports a `family.yaml` without its `family:` section, which names and versions the family.
    ///
    /// ## Why
    /// Without a name, nothing can import or reference the family.
    ///
    /// ## Bad
    /// ```yaml
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
    /// Add `family: { name, version, description }` to `family.yaml`.
    pub const MISSING_FAMILY_SECTION = {
        id: "missing-family-section",
        severity: Error,
        stage: Load,
        summary: "family.yaml has no `family:` section.",
        configurable: false,
    }
}
