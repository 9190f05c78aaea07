//! Rule `expr-unknown-identifier`.

skillc_diagnostics::declare_rule! {
/// # expr-unknown-identifier
///
/// ## What it does
/// Reports a bare name (a word not followed by `(`) that the language does not know. The only
/// names are `true`, `false` and `service` (the service the skill is applied to, or in a readiness
/// probe the service itself). Also reported when `service` is used where no service is in scope.
///
/// ## Why
/// Service references and other text are strings and must be quoted; a bare word is most often a
/// forgotten pair of quotes, and guessing would hide typos.
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
///     readiness:
///       probe: 'tcp("127.0.0.1:8080") && ready(web)'
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
///     readiness:
///       probe: 'tcp("127.0.0.1:8080") && ready(service)'
/// ```
///
/// ## How to fix
/// Quote service references and other text (`ready("web")`), or use `service` for the service the
/// expression belongs to.
    pub(crate) const EXPR_UNKNOWN_IDENTIFIER = {
        id: "expr-unknown-identifier",
        severity: Error,
        stage: Expression,
        summary: "a bare name other than `service`, `true` or `false`",
        configurable: false,
    }
}
