use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::{Risk, StepKind};

declare_rule! {
    /// # diagnose-not-read-only
    ///
    /// ## What it does
    /// Reports a step under `diagnose` (at any depth) that uses a built-in or family action whose
    /// risk is not `read_only` (`fs.remove`, `launchctl.kickstart`, a family action that changes
    /// something). A `run` or `shell` step that states a risk above `read_only` is allowed: it is
    /// the way to run a command skillc cannot prove read-only (`unproven-read-only`), and it obeys
    /// the policy like any step: plan mode never runs it; `--apply` runs it after the gate.
    ///
    /// ## Why
    /// Diagnosis gathers evidence, and it runs before the plan is shown and before any approval is
    /// asked: a generated script runs `diagnose`'s read-only steps even in plan (dry-run) mode. An
    /// action whose whole purpose is to change state does not belong there; put it in `remediate`.
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
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   web-down:
    ///     title: The web app does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service)'
    ///     diagnose:
    ///       - { id: show-state, action: launchctl.print, with: { target: service } }
    ///       - { id: clear-cache, action: fs.remove, with: { path: /tmp/web-cache } }
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
    ///   web:
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   web-down:
    ///     title: The web app does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service)'
    ///     diagnose:
    ///       - { id: show-state, action: launchctl.print, with: { target: service } }
    ///       - { id: cache-size, action: run, with: { argv: [/usr/bin/du, -sh, /tmp/web-cache], risk: read_only } }
    ///     remediate:
    ///       - { id: clear-cache, action: fs.remove, with: { path: /tmp/web-cache } }
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Move the step to `remediate`, where the policy decides whether it runs, or replace it with
    /// a read-only action (`launchctl.print`, `run` of a command skillc proves read-only,
    /// `notify`).
    pub(crate) const DIAGNOSE_NOT_READ_ONLY = {
        id: "diagnose-not-read-only",
        severity: Error,
        stage: Analysis,
        summary: "A diagnose step is not read-only.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for skill in &cx.ir.skills {
        super::walk(&skill.diagnose, &mut |step| {
            let StepKind::Action { action, risk, .. } = &step.kind else {
                return;
            };
            if *risk == Risk::ReadOnly {
                return;
            }
            let act = cx.ir.action(action.value);
            // `run` / `shell` with a stated risk obey the policy: deferred past the gate.
            if act.risk_from_step {
                return;
            }
            let diag = DIAGNOSE_NOT_READ_ONLY
                .finding(format!(
                    "diagnose step `{}` of skill `{}` is `{}`, not read-only",
                    step.id.value,
                    cx.skill_name(skill),
                    risk.as_str()
                ))
                .at(
                    action.span,
                    format!("`{}` is `{}`", act.name, risk.as_str()),
                );
            out.push(diag.with_help(
                "diagnose only gathers evidence and runs before any approval: move the step to \
                 `remediate`, or use a read-only action (a `run` of a command skillc cannot prove \
                 read-only states its real risk and then runs only after the gate)",
            ));
        });
    }
}
