use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::{ActionKind, Ir, Risk};

declare_rule! {
    /// # mutating-action-without-guard
    ///
    /// ## What it does
    /// Reports a family action (an `actions:` entry) whose risk is `reversible` or higher and that
    /// has no `guard`.
    ///
    /// ## Why
    /// The guard is a read-only condition that says whether the action is needed. The generated
    /// scripts evaluate it in plan mode ("no change" instead of "would run") and again right
    /// before acting, so that a second `--apply` changes nothing. Without a guard the script must
    /// run the command every time, and the plan cannot tell what would actually change.
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
    ///       throttle: 10s
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
    /// actions:
    ///   rotate-log:
    ///     description: Rotate the web server's log now.
    ///     risk: reversible
    ///     params:
    ///       path: { type: path }
    ///     argv: [/usr/sbin/newsyslog, -F, "{param.path}"]
    /// skills:
    ///   web-down:
    ///     title: The web server does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: rotate, action: rotate-log, with: { path: /usr/local/var/log/web.log } }
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
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
    ///       throttle: 10s
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
    /// actions:
    ///   rotate-log:
    ///     description: Rotate the web server's log now.
    ///     risk: reversible
    ///     params:
    ///       path: { type: path }
    ///     argv: [/usr/sbin/newsyslog, -F, "{param.path}"]
    ///     guard: 'file_exists(param("path"))'
    /// skills:
    ///   web-down:
    ///     title: The web server does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: rotate, action: rotate-log, with: { path: /usr/local/var/log/web.log } }
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Add a `guard:` that is true exactly when the action has something to do, e.g.
    /// `guard: 'file_exists(param("path"))'` for a rotation, `'!dir_exists(param("dir"))'` for a
    /// creation.
    pub(crate) const MUTATING_ACTION_WITHOUT_GUARD = {
        id: "mutating-action-without-guard",
        severity: Warning,
        stage: Analysis,
        summary: "A family action that changes state has no idempotency guard.",
        configurable: true,
    }
}

pub(crate) fn check(ir: &Ir, out: &mut Vec<Diagnostic>) {
    for a in &ir.actions {
        if !matches!(a.kind, ActionKind::Declared { .. })
            || a.risk < Risk::Reversible
            || a.guard.is_some()
        {
            continue;
        }
        let Some(span) = a.span else { continue };
        out.push(
            MUTATING_ACTION_WITHOUT_GUARD.finding(format!(
                    "action `{}` is `{}` but has no `guard`: scripts cannot tell whether it is needed, and a second `--apply` runs it again",
                    a.name,
                    a.risk.as_str()
                ),
            )
            .at(span, "no `guard:`")
            .with_help("add `guard:` with a read-only condition that holds when the action has work to do"),
        );
    }
}
