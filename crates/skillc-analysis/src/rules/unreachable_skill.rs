use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};

declare_rule! {
    /// # unreachable-skill
    ///
    /// ## What it does
    /// Reports a skill whose `applies_to` selects none of the loaded services. The candidates are
    /// the services of the skill's own family and of every loaded family that imports it.
    ///
    /// A family of generic skills with no services of its own (like `launchd-doctor`) gets this
    /// warning when it is checked alone; check it together with a family that imports it
    /// (`skillc check skills/`) to see which services it covers.
    ///
    /// ## Why
    /// A skill that applies to nothing is dead code: it is never compiled into a script, so the
    /// failure it describes is not handled anywhere, usually because of a typo in a tag or a
    /// layer/scope combination that no service has.
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
    ///     tags: [listens-tcp]
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   web-down:
    ///     title: The web app does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    ///   port-busy:
    ///     title: Another process holds the port
    ///     severity: medium
    ///     applies_to: { tags: [listens-tcp], scopes: [daemon] }
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
    ///   web:
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     tags: [listens-tcp]
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   web-down:
    ///     title: The web app does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    ///   port-busy:
    ///     title: Another process holds the port
    ///     severity: medium
    ///     applies_to: { tags: [listens-tcp] }
    ///     detect: '!running(service)'
    ///     remediate:
    ///       - { id: start, action: launchctl.kickstart, with: { target: service } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Fix the selector (tags, layers, scopes, services, families), or check the family together
    /// with the families that import it.
    pub(crate) const UNREACHABLE_SKILL = {
        id: "unreachable-skill",
        severity: Warning,
        stage: Analysis,
        summary: "A skill applies to no loaded service.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for skill in cx.ir.skills.iter().filter(|s| s.targets.is_empty()) {
        let fam = cx.ir.family(skill.family);
        let own_services = cx.ir.services.iter().any(|s| s.family == skill.family);
        let help = if own_services {
            "fix the `applies_to` selector: kinds combine with AND, values within a kind with OR"
                .to_owned()
        } else {
            format!(
                "family `{}` has no services of its own: check it together with a family that \
                 imports it, or fix the `applies_to` selector",
                fam.name.value
            )
        };
        out.push(
            UNREACHABLE_SKILL
                .finding(format!(
                    "skill `{}` applies to no loaded service",
                    cx.skill_name(skill)
                ))
                .at(skill.id.span, "this skill never runs")
                .with_label(skill.applies_to.span, "selects nothing")
                .with_help(help),
        );
    }
}
