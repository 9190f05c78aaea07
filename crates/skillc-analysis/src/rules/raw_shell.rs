use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::{ActionKind, StepKind};

declare_rule! {
    /// # raw-shell
    ///
    /// ## What it does
    /// Reports every step that uses the built-in `shell` action.
    ///
    /// ## Why
    /// A shell script is parsed again at run time: placeholders inside it can split into several
    /// words or run as code, quoting mistakes only show up on the broken machine, and the step's
    /// risk is whatever its author claims. `run` with an argv list, or a family action (an argv
    /// template), passes each value as exactly one argument and never involves a shell.
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
    ///     remediate:
    ///       - { id: clear-cache, action: shell, with: { script: "rm -rf /tmp/web-cache/*", risk: reversible } }
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
    ///     remediate:
    ///       - { id: clear-cache, action: fs.move_aside, with: { path: /tmp/web-cache } }
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Use `run` with `argv: [...]`, a built-in action (`fs.*`, `launchctl.*`, `proc.signal`), or
    /// declare a family action. If a shell is really needed, suppress the finding with a reason.
    pub(crate) const RAW_SHELL = {
        id: "raw-shell",
        severity: Warning,
        stage: Analysis,
        summary: "A step runs a raw shell script.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for skill in &cx.ir.skills {
        for step in super::all_steps(skill) {
            let StepKind::Action { action, .. } = &step.kind else {
                continue;
            };
            if cx.ir.action(action.value).kind != ActionKind::Builtin("shell") {
                continue;
            }
            out.push(
                RAW_SHELL.finding(format!(
                        "step `{}` of skill `{}` runs a raw shell script",
                        step.id.value,
                        cx.skill_name(skill)
                    ),
                )
                .at(action.span, "re-parsed by a shell at run time")
                .with_help(
                    "use `run` with an argv list, a built-in action, or a family action (an argv \
                     template): each value then stays exactly one argument",
                ),
            );
        }
    }
}
