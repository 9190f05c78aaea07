//! Rule `expr-syntax`.

skillc_diagnostics::declare_rule! {
/// # expr-syntax
///
/// ## What it does
/// Reports an expression that does not follow the grammar of the expression language: a missing
/// operand or parenthesis, an unknown operator, an unterminated string, chained comparisons such as
/// `a == b == c`, or nesting deeper than 64 parentheses. The finding points at the exact character
/// where the expression stops making sense (or at the whole scalar when the YAML value uses escapes).
///
/// ## Why
/// An expression that cannot be parsed cannot be checked or compiled; skillc stops at the first
/// syntax error of each expression.
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
///       probe: 'tcp("127.0.0.1:8080") && && http("http://127.0.0.1:8080/health") == 200'
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
/// Read the "expected ..." list of the message: it names what may appear at the marked position.
/// Operators are `||`, `&&`, `!`, `==`, `!=`, `<`, `<=`, `>`, `>=`; strings use double quotes;
/// comparisons do not chain, so write `(a == b) == c` or, more likely, `a == b && b == c`.
    pub(crate) const EXPR_SYNTAX = {
        id: "expr-syntax",
        severity: Error,
        stage: Expression,
        summary: "an expression is not well formed",
        configurable: false,
    }
}
