use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::Scope;

declare_rule! {
    /// # scope-violation
    ///
    /// ## What it does
    /// Reports a daemon that depends (`requires` or `wants`) on a session service. A session
    /// service may depend on daemons, never the other way round.
    ///
    /// ## Why
    /// A daemon starts at boot, before anyone logs in, and runs in the system domain; a session
    /// service exists only while its user is logged in, once per user. The daemon's start gate
    /// would wait for something that may never exist, and cannot even tell whose session to wait
    /// for.
    ///
    /// ## Bad
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   indexer:
    ///     description: System-wide indexer.
    ///     layer: L3
    ///     scope: daemon
    ///     run: { program: /usr/local/bin/indexer }
    ///     requires: [agent]
    ///     readiness: { probe: 'tcp("127.0.0.1:9000")' }
    ///   agent:
    ///     description: Per-user agent.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/agent }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   not-ready:
    ///     title: A service does not answer
    ///     severity: medium
    ///     applies_to: { scopes: [daemon, session] }
    ///     detect: '!ready(service)'
    ///     remediate:
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
    ///   indexer:
    ///     description: System-wide indexer.
    ///     layer: L3
    ///     scope: daemon
    ///     run: { program: /usr/local/bin/indexer }
    ///     readiness: { probe: 'tcp("127.0.0.1:9000")' }
    ///   agent:
    ///     description: Per-user agent.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/agent }
    ///     requires: [indexer]
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   not-ready:
    ///     title: A service does not answer
    ///     severity: medium
    ///     applies_to: { scopes: [daemon, session] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Turn the dependency around (the session service depends on the daemon), or make the
    /// dependency a daemon too if it must exist before login.
    pub(crate) const SCOPE_VIOLATION = {
        id: "scope-violation",
        severity: Error,
        stage: Analysis,
        summary: "A daemon depends on a session service.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for sid in cx.ir.service_ids() {
        let s = cx.svc(sid);
        if s.scope.value != Scope::Daemon {
            continue;
        }
        for d in s.dependencies() {
            let t = cx.svc(d.target);
            if t.scope.value != Scope::Session {
                continue;
            }
            out.push(
                SCOPE_VIOLATION.finding(format!(
                        "daemon `{}` {} `{}`, a session service",
                        cx.name(sid),
                        d.kind.as_str(),
                        cx.name(d.target)
                    ),
                )
                .at(d.span, "a daemon depends on a session service here")
                .with_label(
                    t.scope.span,
                    format!("`{}` exists only in a login session", t.id.value),
                )
                .with_help(format!(
                    "a daemon starts before anyone logs in and cannot wait for a per-user service: \
                     remove the dependency, let `{}` depend on `{}` instead, or make `{}` a daemon",
                    t.id.value, s.id.value, t.id.value
                )),
            );
        }
    }
}
