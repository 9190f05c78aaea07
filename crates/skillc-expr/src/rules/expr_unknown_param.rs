//! Rule `expr-unknown-param`.

skillc_diagnostics::declare_rule! {
/// # expr-unknown-param
///
/// ## What it does
/// Reports `param("name")` where the skill (or action) declares no parameter of that name, with
/// the closest declared name as a suggestion; and any use of `param` where there are no parameters at
/// all, such as a readiness probe.
///
/// ## Why
/// A parameter that does not exist has no value and no type, so the expression could not be
/// evaluated.
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
///       probe: 'tcp("127.0.0.1:8080") && http("http://127.0.0.1:8080/health") == 200'
/// skills:
///   stale-lock:
///     title: A stale lock file blocks start after a crash
///     severity: high
///     applies_to: { services: [web] }
///     params:
///       lock: { type: path, default: /tmp/web.lock }
///     detect: '!ready(service) && file_exists(param("lok"))'
///     remediate:
///       - { id: move-lock, action: fs.move_aside, with: { path: "{param.lock}" } }
///     verify: ready(service)
///     on_failure: escalate
/// policy:
///   rules:
///     - { match: {}, outcome: confirm }
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
/// skills:
///   stale-lock:
///     title: A stale lock file blocks start after a crash
///     severity: high
///     applies_to: { services: [web] }
///     params:
///       lock: { type: path, default: /tmp/web.lock }
///     detect: '!ready(service) && file_exists(param("lock"))'
///     remediate:
///       - { id: move-lock, action: fs.move_aside, with: { path: "{param.lock}" } }
///     verify: ready(service)
///     on_failure: escalate
/// policy:
///   rules:
///     - { match: {}, outcome: confirm }
/// ```
///
/// ## How to fix
/// Correct the name, or declare the parameter under the skill's `params:`.
    pub(crate) const EXPR_UNKNOWN_PARAM = {
        id: "expr-unknown-param",
        severity: Error,
        stage: Expression,
        summary: "`param(...)` names no declared parameter",
        configurable: false,
    }
}
