use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::StepKind;

declare_rule! {
    /// # unbounded-loop
    ///
    /// ## What it does
    /// Reports a `loop` step without `max`, or with `max: 0`.
    ///
    /// ## Why
    /// A remediation holds the remediation lock and runs under a time bound. A loop without a
    /// maximum retries forever when its `until` never holds (the service is really broken), and a
    /// loop with `max: 0` never runs its body, which is never what was meant. Both hide the
    /// failure instead of escalating it.
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
    ///       - id: restart-until-ready
    ///         loop:
    ///           until: 'ready(service)'
    ///           backoff: 5s
    ///           steps:
    ///             - { id: kick, action: launchctl.kickstart, with: { target: service, kill: true } }
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
    ///       - id: restart-until-ready
    ///         loop:
    ///           max: 3
    ///           until: 'ready(service)'
    ///           backoff: 5s
    ///           steps:
    ///             - { id: kick, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Give the loop a `max` of at least 1 (and an `until` that says when to stop early); let
    /// `on_failure` escalate when the loop runs out.
    pub(crate) const UNBOUNDED_LOOP = {
        id: "unbounded-loop",
        severity: Error,
        stage: Analysis,
        summary: "A loop step has no maximum number of rounds.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for skill in &cx.ir.skills {
        for step in super::all_steps(skill) {
            let StepKind::Loop {
                max, until, span, ..
            } = &step.kind
            else {
                continue;
            };
            let id = &step.id.value;
            let skill_name = cx.skill_name(skill);
            let diag = match max {
                Some(m) if m.value > 0 => continue,
                Some(m) => UNBOUNDED_LOOP
                    .finding(format!(
                        "loop `{id}` of skill `{skill_name}` has `max: 0` and never runs"
                    ))
                    .at(m.span, "zero rounds")
                    .with_help("use `max: 1` or more, or remove the loop"),
                None => {
                    let why = if until.is_some() {
                        "it repeats until its `until` holds, which may never happen"
                    } else {
                        "it has no `until` either, so it repeats forever"
                    };
                    UNBOUNDED_LOOP
                        .finding(format!(
                            "loop `{id}` of skill `{skill_name}` has no `max`: {why}"
                        ))
                        .at(step.id.span, "unbounded loop")
                        .with_label(*span, "add `max:` here")
                        .with_help(
                            "add `max: N` (at least 1) and let `on_failure` escalate when the loop \
                         runs out",
                        )
                }
            };
            out.push(diag);
        }
    }
}
