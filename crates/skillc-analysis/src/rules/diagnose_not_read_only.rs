use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::{ArgValue, Risk, StepKind};

declare_rule! {
    /// # diagnose-not-read-only
    ///
    /// ## What it does
    /// Reports a step under `diagnose` (at any depth) whose risk is not `read_only`: a built-in or
    /// family action that changes something, or a `run`/`shell` step that states another risk.
    ///
    /// ## Why
    /// Diagnosis gathers evidence, and it runs before the plan is shown and before any approval is
    /// asked: a generated script runs `diagnose` even in plan (dry-run) mode. A step there that
    /// changes state would run without the policy's say.
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
    ///       - { id: clear-cache, action: run, with: { argv: [/bin/rm, -rf, /tmp/web-cache], risk: destructive } }
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
    ///       - { id: clear-cache, action: run, with: { argv: [/bin/rm, -rf, /tmp/web-cache], risk: destructive } }
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Move the step to `remediate`, where the policy decides whether it runs, or replace it with
    /// a read-only action (`launchctl.print`, `run` with `risk: read_only`, `notify`).
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
            let StepKind::Action {
                action, risk, args, ..
            } = &step.kind
            else {
                return;
            };
            if *risk == Risk::ReadOnly {
                return;
            }
            let act = cx.ir.action(action.value);
            let mut diag = DIAGNOSE_NOT_READ_ONLY.finding(format!(
                "diagnose step `{}` of skill `{}` is `{}`, not read-only",
                step.id.value,
                cx.skill_name(skill),
                risk.as_str()
            ));
            let stated = args
                .iter()
                .find(|a| a.name.value == "risk" && matches!(a.value.value, ArgValue::Risk(_)));
            diag = match stated {
                Some(a) if act.risk_from_step => diag
                    .at(a.value.span, format!("stated `{}`", risk.as_str()))
                    .with_label(action.span, format!("`{}` in `diagnose`", act.name)),
                _ => diag.at(
                    action.span,
                    format!("`{}` is `{}`", act.name, risk.as_str()),
                ),
            };
            out.push(diag.with_help(
                "diagnose only gathers evidence and runs before any approval: move the step to \
                 `remediate`, or use a read-only action",
            ));
        });
    }
}
