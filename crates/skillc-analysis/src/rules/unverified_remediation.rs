use super::{Ctx, MAX_LISTED};
use skillc_diagnostics::{Diagnostic, Span, declare_rule};
use skillc_expr::ExprKind;
use skillc_ir::ServiceId;
use std::collections::HashSet;

declare_rule! {
    /// # unverified-remediation
    ///
    /// ## What it does
    /// Reports a skill whose `verify` does not really check that the fix worked:
    /// - `verify` is the constant `true`;
    /// - `verify` uses `ready(...)` of a service that declares no `readiness` probe, so `ready`
    ///   falls back to `running` ("the process exists"). This includes a skill without `verify`,
    ///   for which `ready(service)` is assumed, applied to such a service.
    ///
    /// ## Why
    /// A remediation is finished when the service serves again, not when the fix exited 0 or the
    /// process came back. A verify that cannot fail turns every run into a reported success, and
    /// the failure comes back unnoticed.
    ///
    /// ## Bad
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   worker:
    ///     description: A background worker.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/worker }
    /// skills:
    ///   worker-down:
    ///     title: The worker is not running
    ///     severity: medium
    ///     applies_to: { services: [worker] }
    ///     detect: '!running(service)'
    ///     remediate:
    ///       - { id: start, action: launchctl.kickstart, with: { target: service } }
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
    ///   worker:
    ///     description: A background worker.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/worker }
    ///     readiness: { probe: 'file_exists("/tmp/worker.heartbeat")' }
    /// skills:
    ///   worker-down:
    ///     title: The worker is not running
    ///     severity: medium
    ///     applies_to: { services: [worker] }
    ///     detect: '!running(service)'
    ///     remediate:
    ///       - { id: start, action: launchctl.kickstart, with: { target: service } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Declare `readiness:` on the service, or write a `verify` that checks what the fix is meant
    /// to restore (`running(service) && file_exists(...)`, `!disabled(service)`, ...).
    pub(crate) const UNVERIFIED_REMEDIATION = {
        id: "unverified-remediation",
        severity: Warning,
        stage: Analysis,
        summary: "A skill's verify cannot tell whether the fix worked.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for skill in &cx.ir.skills {
        let name = cx.skill_name(skill);
        if skill.verify.kind == ExprKind::Bool(true) {
            out.push(
                UNVERIFIED_REMEDIATION.finding(format!("skill `{name}` verifies nothing: its `verify` is `true`"),
                )
                .at(skill.verify.span, "always true")
                .with_help(
                    "verify that the service serves again, e.g. `verify: 'ready(service)'` on a \
                     service with a readiness probe",
                ),
            );
            continue;
        }
        // Services whose `ready` falls back to `running`, and the first call that relies on it.
        let mut weak: Vec<ServiceId> = Vec::new();
        let mut listed: HashSet<ServiceId> = HashSet::new();
        let mut at: Option<(Span, String)> = None;
        for (func, args, span) in skillc_expr::calls(&skill.verify) {
            if func != "ready" {
                continue;
            }
            let (found, shown): (Vec<ServiceId>, String) = match args.first().map(|a| &a.kind) {
                Some(ExprKind::Service) => (skill.targets.clone(), "service".to_owned()),
                Some(ExprKind::Str(r)) => (
                    cx.resolve(skill.family, r).into_iter().collect(),
                    format!("\"{r}\""),
                ),
                _ => continue,
            };
            let before = weak.len();
            for s in found {
                if cx.svc(s).readiness.is_none() && listed.insert(s) {
                    weak.push(s);
                }
            }
            if weak.len() > before && at.is_none() {
                at = Some((span, shown));
            }
        }
        let Some((span, arg)) = at else { continue };
        let names: Vec<String> = weak.iter().map(|&s| cx.name(s)).collect();
        let what = if skill.verify_defaulted {
            format!("skill `{name}` has no `verify`, so `ready(service)` is assumed")
        } else {
            format!("the verify of skill `{name}` relies on `ready({arg})`")
        };
        let mut diag = UNVERIFIED_REMEDIATION
            .finding(format!(
                "{what}, but {} declare{} no readiness ({}): `ready` falls back to `running`",
                if weak.len() == 1 {
                    "the service".to_owned()
                } else {
                    format!("{} services", weak.len())
                },
                if weak.len() == 1 { "s" } else { "" },
                super::list(&names)
            ))
            .at(
                span,
                if skill.verify_defaulted {
                    "`verify: ready(service)` is assumed for this skill"
                } else {
                    "only checks that the process exists here"
                },
            );
        for &s in weak.iter().take(MAX_LISTED) {
            diag = diag.with_label(cx.svc(s).id.span, "declares no `readiness:`");
        }
        out.push(diag.with_help(
            "declare `readiness:` on the service, or write a `verify` that checks what the fix \
             restores",
        ));
    }
}
