//! Rule `expr-type-mismatch`.

skillc_diagnostics::declare_rule! {
/// # expr-type-mismatch
///
/// ## What it does
/// Reports a value of the wrong type: an argument that does not match the function's parameter,
/// operands of `!`, `&&` or `||` that are not `bool`, a comparison between different types (or an
/// ordering `<` `<=` `>` `>=` of values other than two ints or two durations, or an equality between
/// services), an argument of `param` that is not a string literal, and an expression that is not a
/// `bool` where a condition is needed.
///
/// ## Why
/// Conditions are compiled into readiness gates and remediation scripts; a type error there would
/// be a probe that is always false or a script that fails at run time.
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
///       probe: 'tcp("127.0.0.1:8080") && http("http://127.0.0.1:8080/health") == "200"'
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
/// Make both sides of a comparison the same type (`http(...)` is an int: compare with `200`, not
/// `"200"`), compare int results to get a condition (`runs(service) > 3`), and pass a service as
/// `service` or as a quoted reference (`"bus"`, `"foundation-core/bus"`, `"bus:org.x"`).
    pub(crate) const EXPR_TYPE_MISMATCH = {
        id: "expr-type-mismatch",
        severity: Error,
        stage: Expression,
        summary: "a value of one type is used where another is needed",
        configurable: false,
    }
}
