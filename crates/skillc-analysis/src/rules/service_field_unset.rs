use super::Ctx;
use skillc_diagnostics::{Diagnostic, Span, declare_rule};
use skillc_ir::{ActionKind, ArgValue, Service, Skill, StepKind, placeholders};

declare_rule! {
    /// # service-field-unset
    ///
    /// ## What it does
    /// Reports a skill that uses `{service.bus}`, `{service.stdout}`, `{service.stderr}` or
    /// `{service.working_dir}` (in a parameter default, a step argument or a family action's argv)
    /// while a service it applies to does not declare that field.
    ///
    /// ## Why
    /// The placeholder would expand to nothing in that service's script: `tail ""` or a lock path
    /// under `/` instead of the working directory. Generic skills (launchd-doctor) rely on these
    /// fields, so a service they cover must declare what they read.
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
    ///       - { id: show-log, action: run, with: { argv: [/usr/bin/tail, -n, "50", "{service.stderr}"], risk: read_only } }
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
    ///     run: { program: /usr/local/bin/web, stderr: /Users/Shared/web/web.err.log }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   web-down:
    ///     title: The web app does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: show-log, action: run, with: { argv: [/usr/bin/tail, -n, "50", "{service.stderr}"], risk: read_only } }
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Declare the field on the service (`run.stderr`, `run.stdout`, `run.working_dir`, `bus`), or
    /// narrow the skill's `applies_to` so it does not select that service.
    pub(crate) const SERVICE_FIELD_UNSET = {
        id: "service-field-unset",
        severity: Error,
        stage: Analysis,
        summary: "A skill reads a service field that a service it applies to does not declare.",
        configurable: true,
    }
}

fn has(service: &Service, field: &str) -> bool {
    match field {
        "bus" => service.bus.is_some(),
        "stdout" => service.run.stdout.is_some(),
        "stderr" => service.run.stderr.is_some(),
        "working_dir" => service.run.working_dir.is_some(),
        _ => true,
    }
}

/// Every optional service field a skill's strings read, with the span to blame (first use).
fn fields_used(cx: &Ctx<'_>, skill: &Skill) -> Vec<(&'static str, Span)> {
    let mut out: Vec<(&'static str, Span)> = Vec::new();
    let mut note = |text: &str, span: Span| {
        for (inner, _, _) in placeholders(text) {
            let Some(field) = inner.strip_prefix("service.") else {
                continue;
            };
            if let Some(f) = ["bus", "stdout", "stderr", "working_dir"]
                .into_iter()
                .find(|f| *f == field)
                && !out.iter().any(|(g, _)| *g == f)
            {
                out.push((f, span));
            }
        }
    };
    for p in &skill.params {
        if let Some(d) = &p.default
            && let ArgValue::String(s) = &d.value
        {
            note(s, d.span);
        }
    }
    for step in super::all_steps(skill) {
        let StepKind::Action { action, args, .. } = &step.kind else {
            continue;
        };
        for a in args {
            match &a.value.value {
                ArgValue::String(s) => note(s, a.value.span),
                ArgValue::List(items) => items.iter().for_each(|s| note(s, a.value.span)),
                _ => {}
            }
        }
        if let ActionKind::Declared { argv } = &cx.ir.action(action.value).kind {
            for arg in argv {
                note(&arg.value, action.span);
            }
        }
    }
    out
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for skill in &cx.ir.skills {
        for (field, span) in fields_used(cx, skill) {
            let missing: Vec<_> = skill
                .targets
                .iter()
                .filter(|&&t| !has(cx.svc(t), field))
                .collect();
            let Some(&&first) = missing.first() else {
                continue;
            };
            let mut d = SERVICE_FIELD_UNSET.finding(format!(
                    "skill `{}` reads `{{service.{field}}}`, which {} service{} it applies to {} not declare",
                    cx.skill_name(skill),
                    missing.len(),
                    if missing.len() == 1 { "" } else { "s" },
                    if missing.len() == 1 { "does" } else { "do" },
                ),
            )
            .at(span, format!("`{{service.{field}}}` is read here"));
            for &&t in missing.iter().take(8) {
                d = d.with_label(
                    cx.svc(t).id.span,
                    format!("`{}` declares no `{field}`", cx.ir.service_name(t)),
                );
            }
            if missing.len() > 8 {
                d = d.with_note(format!("and {} more services", missing.len() - 8));
            }
            out.push(d.with_help(format!(
                "declare `{field}` on {}, or narrow the skill's `applies_to`",
                cx.ir.service_name(first)
            )));
        }
    }
}
