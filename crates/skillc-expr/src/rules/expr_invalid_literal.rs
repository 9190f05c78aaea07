//! Rule `expr-invalid-literal`.

skillc_diagnostics::declare_rule! {
/// # expr-invalid-literal
///
/// ## What it does
/// Reports a literal that looks right but has no value: a string escape other than `\"` and `\\`,
/// an integer that does not fit in 64 bits, a duration with an unknown unit, a unit without a number,
/// units out of descending order (`30s1m`), or a negative duration.
///
/// ## Why
/// Every literal must mean exactly one thing to every backend. Escapes such as `\n` or `\t` mean
/// different things in YAML, shells and Rust, so the language has only the two it needs, and
/// durations have one spelling per value.
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
///       probe: 'tcp("127.0.0.1\:8080") && http("http://127.0.0.1:8080/health") == 200'
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
///       probe: 'tcp("127.0.0.1:8080") && http("http://127.0.0.1:8080/health") == 200'
/// ```
///
/// ## How to fix
/// Write strings without escapes where you can (only `\"` and `\\` exist); write integers in
/// range (−9223372036854775808 to 9223372036854775807); write durations as numbers with the units
/// `h`, `m`, `s`, `ms` in that order, each at most once: `1m30s`, `250ms`, `2h`.
    pub(crate) const EXPR_INVALID_LITERAL = {
        id: "expr-invalid-literal",
        severity: Error,
        stage: Expression,
        summary: "a literal is malformed",
        configurable: false,
    }
}
