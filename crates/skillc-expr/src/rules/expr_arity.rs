//! Rule `expr-arity`.

skillc_diagnostics::declare_rule! {
/// # expr-arity
///
/// ## What it does
/// Reports a call with too few or too many arguments for the function, e.g. `tcp` with two
/// arguments or `exec` with none (it takes a program and any number of further arguments).
///
/// ## Why
/// An argument that the function does not take is a mistake that would otherwise be silently
/// ignored, and a missing one has no default.
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
///       probe: 'tcp("127.0.0.1", 8080) && http("http://127.0.0.1:8080/health") == 200'
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
/// Call the function with the arguments of the signature shown in the help line, e.g.
/// `tcp("host:port")` with the port inside the string.
    pub(crate) const EXPR_ARITY = {
        id: "expr-arity",
        severity: Error,
        stage: Expression,
        summary: "a function is called with the wrong number of arguments",
        configurable: false,
    }
}
