//! Rule `expr-unknown-function`.

skillc_diagnostics::declare_rule! {
/// # expr-unknown-function
///
/// ## What it does
/// Reports a call `name(...)` whose name is not one of the built-in functions (`tcp`, `http`,
/// `file_exists`, `dir_exists`, `exec`, `bus`, `ready`, `loaded`, `running`, `disabled`, `last_exit`,
/// `runs`, `pid_alive`, `port_free`, `free_space`, `log_contains`, `param`), with the closest name
/// as a suggestion.
///
/// ## Why
/// Each backend implements exactly these functions; an unknown one could not be evaluated by a
/// readiness gate or a remediation script.
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
///       probe: 'tpc("127.0.0.1:8080") && http("http://127.0.0.1:8080/health") == 200'
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
/// Use the suggested name, or another built-in function from the table in the language reference.
/// For checks the table does not cover, use `exec("/path/to/check", "arg")`, which holds when the
/// command exits 0.
    pub(crate) const EXPR_UNKNOWN_FUNCTION = {
        id: "expr-unknown-function",
        severity: Error,
        stage: Expression,
        summary: "a call to a function that does not exist",
        configurable: false,
    }
}
