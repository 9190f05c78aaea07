use super::{Ctx, MAX_LISTED, plural};
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::{Dependency, DependencyKind, ServiceId};

declare_rule! {
    /// # missing-readiness
    ///
    /// ## What it does
    /// Reports a service that another service hard-depends on (`requires`) but that declares no
    /// `readiness` probe. The finding points at the service and labels every `requires` entry that
    /// names it. (`wants` never waits for readiness, so it does not count.)
    ///
    /// ## Why
    /// The start gate of each dependent waits until the dependency is *ready*. Without a probe,
    /// "ready" can only mean "its process exists", which is exactly the morning failure the gate
    /// is there to prevent: the dependent starts while the dependency is still opening its socket.
    ///
    /// ## Bad
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   db:
    ///     description: The database.
    ///     layer: L2
    ///     scope: session
    ///     run: { program: /usr/local/bin/db }
    ///   web:
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web }
    ///     requires: [db]
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   not-running:
    ///     title: A service is not running
    ///     severity: medium
    ///     applies_to: { scopes: [session] }
    ///     detect: '!running(service)'
    ///     remediate:
    ///       - { id: start, action: launchctl.kickstart, with: { target: service } }
    ///     verify: 'running(service)'
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
    ///   db:
    ///     description: The database.
    ///     layer: L2
    ///     scope: session
    ///     run: { program: /usr/local/bin/db }
    ///     readiness: { probe: 'tcp("127.0.0.1:5432")' }
    ///   web:
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web }
    ///     requires: [db]
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   not-running:
    ///     title: A service is not running
    ///     severity: medium
    ///     applies_to: { scopes: [session] }
    ///     detect: '!running(service)'
    ///     remediate:
    ///       - { id: start, action: launchctl.kickstart, with: { target: service } }
    ///     verify: 'running(service)'
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Add a `readiness:` block whose probe holds only when the service actually serves: a port
    /// accepts (`tcp`), a health endpoint answers (`http(...) == 200`), a socket file exists, its
    /// bus name is registered (`bus`). If the dependents only need to start after it, not wait for
    /// it, use `wants` instead of `requires`.
    pub(crate) const MISSING_READINESS = {
        id: "missing-readiness",
        severity: Error,
        stage: Analysis,
        summary: "A service that others require declares no readiness probe.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let ir = cx.ir;
    let mut required_by: Vec<Vec<(ServiceId, &Dependency)>> = vec![Vec::new(); ir.services.len()];
    for sid in ir.service_ids() {
        for d in &cx.svc(sid).requires {
            debug_assert_eq!(d.kind, DependencyKind::Requires);
            if d.target != sid && cx.svc(d.target).readiness.is_none() {
                required_by[d.target.index()].push((sid, d));
            }
        }
    }
    for target in ir.service_ids() {
        let deps = &required_by[target.index()];
        if deps.is_empty() {
            continue;
        }
        let t = cx.svc(target);
        let names: Vec<String> = deps.iter().map(|(s, _)| cx.name(*s)).collect();
        let mut diag = MISSING_READINESS
            .finding(format!(
                "`{}` declares no readiness, but {} service{} require{} it: {}",
                cx.name(target),
                deps.len(),
                plural(deps.len()),
                if deps.len() == 1 { "s" } else { "" },
                super::list(&names)
            ))
            .at(t.id.span, "no `readiness:` on this service");
        for (s, d) in deps.iter().take(MAX_LISTED) {
            diag = diag.with_label(
                d.span,
                format!(
                    "`{}` waits here until `{}` is ready",
                    cx.svc(*s).id.value,
                    t.id.value
                ),
            );
        }
        out.push(diag.with_help(format!(
            "add `readiness:` to `{}` with a probe that holds only when it serves (a port, a \
             health endpoint, a socket, its bus name), or use `wants` if the dependents need not \
             wait for it",
            t.id.value
        )));
    }
}
