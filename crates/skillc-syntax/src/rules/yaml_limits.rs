use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # yaml-limits
    ///
    /// ## What it does
    /// Reports alias chains that expand into huge documents ("billion laughs"), nesting deeper than 64 levels, and documents with too many nodes.
    ///
    /// ## Why
    /// Such input would exhaust memory or time; no real skill file needs it.
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
    ///       launchd:
    ///         A: &a [x, x, x, x, x, x, x, x, x, x]
    ///         B: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
    ///         C: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]
    ///         D: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]
    ///         E: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]
    ///         F: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]
    ///         G: [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]
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
    /// Write the values out, or split the file.
    pub const YAML_LIMITS = {
        id: "yaml-limits",
        severity: Error,
        stage: Load,
        summary: "The file exceeds the YAML size, depth or alias limits.",
        configurable: false,
    }
}
