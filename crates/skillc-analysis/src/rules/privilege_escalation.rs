use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::{ArgValue, Risk, Scope, ServiceId, StepKind, Target};

declare_rule! {
    /// # privilege-escalation
    ///
    /// ## What it does
    /// Reports a step that would give a skill applied to a **session** service more authority than
    /// a login session has:
    /// - the step changes a **daemon** (its `target` is a daemon and its risk is above
    ///   `read_only`: enable, bootstrap, kickstart, bootout, a disruptive `run`, ...); or
    /// - the step's action needs root (`fs.chown`, or a family action with `needs_root: true`).
    ///
    /// Read-only steps on daemons (`launchctl.print`, `wait.ready`) are fine: an agent may look
    /// at and wait for the system services it depends on.
    ///
    /// ## Why
    /// A session service is a per-user LaunchAgent; its skills run as that user. Letting them
    /// restart a system daemon or run root-only commands means a user-level failure mode can
    /// reach system-level state, crossing the boundary that scopes exist to draw.
    ///
    /// ## Bad
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   store:
    ///     description: Storage daemon.
    ///     layer: L2
    ///     scope: daemon
    ///     run: { program: /usr/local/bin/store }
    ///     readiness: { probe: 'tcp("127.0.0.1:9000")' }
    ///   agent:
    ///     description: Per-user agent.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/agent }
    ///     requires: [store]
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   store-down:
    ///     title: The store does not answer
    ///     severity: high
    ///     applies_to: { services: [store] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    ///   agent-stuck:
    ///     title: The agent cannot reach the store
    ///     severity: medium
    ///     applies_to: { services: [agent] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart-store, action: launchctl.kickstart, with: { target: store, kill: true } }
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
    ///   store:
    ///     description: Storage daemon.
    ///     layer: L2
    ///     scope: daemon
    ///     run: { program: /usr/local/bin/store }
    ///     readiness: { probe: 'tcp("127.0.0.1:9000")' }
    ///   agent:
    ///     description: Per-user agent.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/agent }
    ///     requires: [store]
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   store-down:
    ///     title: The store does not answer
    ///     severity: high
    ///     applies_to: { services: [store] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    ///   agent-stuck:
    ///     title: The agent cannot reach the store
    ///     severity: medium
    ///     applies_to: { services: [agent] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: wait-store, action: wait.ready, with: { target: store, timeout: 2m } }
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Move the step into a skill applied to the daemon (its own remediation runs with the
    /// daemon's authority and under its policy), wait for the daemon instead of changing it
    /// (`wait.ready`), or narrow the skill's `applies_to` to `scopes: [daemon]`.
    pub(crate) const PRIVILEGE_ESCALATION = {
        id: "privilege-escalation",
        severity: Error,
        stage: Analysis,
        summary: "A skill applied to a session service changes a daemon or needs root.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for skill in &cx.ir.skills {
        let sessions: Vec<ServiceId> = skill
            .targets
            .iter()
            .copied()
            .filter(|&s| cx.svc(s).scope.value == Scope::Session)
            .collect();
        if sessions.is_empty() {
            continue;
        }
        let names: Vec<String> = sessions.iter().map(|&s| cx.name(s)).collect();
        let on = if sessions.len() == 1 {
            format!("session service {}", super::list(&names))
        } else {
            format!(
                "{} session services ({})",
                sessions.len(),
                super::list(&names)
            )
        };
        for step in super::all_steps(skill) {
            let StepKind::Action {
                action,
                risk,
                target,
                args,
            } = &step.kind
            else {
                continue;
            };
            let act = cx.ir.action(action.value);
            let skill_name = cx.skill_name(skill);
            let id = &step.id.value;
            if let Target::Service(t) = target
                && cx.svc(*t).scope.value == Scope::Daemon
                && *risk > Risk::ReadOnly
            {
                let tspan = args
                    .iter()
                    .find(|a| {
                        a.name.value == "target" && matches!(a.value.value, ArgValue::Target(_))
                    })
                    .map_or(action.span, |a| a.value.span);
                out.push(
                    PRIVILEGE_ESCALATION
                        .finding(format!(
                            "skill `{skill_name}` is applied to {on}, but step `{id}` changes \
                             daemon `{}` (`{}`, {})",
                            cx.name(*t),
                            act.name,
                            risk.as_str()
                        ))
                        .at(tspan, format!("`{}` is a daemon", cx.svc(*t).id.value))
                        .with_label(
                            action.span,
                            format!("`{}` is `{}`", act.name, risk.as_str()),
                        )
                        .with_label(skill.applies_to.span, "applies to session services")
                        .with_help(format!(
                            "move the step into a skill applied to `{}`, wait for it instead \
                         (`wait.ready`), or narrow `applies_to` to daemons",
                            cx.svc(*t).id.value
                        )),
                );
            }
            if act.needs_root {
                let mut diag = PRIVILEGE_ESCALATION
                    .finding(format!(
                        "skill `{skill_name}` is applied to {on}, but step `{id}` uses `{}`, \
                         which needs root",
                        act.name
                    ))
                    .at(action.span, "needs root");
                if let Some(span) = act.span {
                    diag = diag.with_label(span, "declared with `needs_root: true`");
                }
                out.push(
                    diag.with_label(skill.applies_to.span, "applies to session services")
                        .with_help(
                            "a session service's skills run as the logged-in user: narrow \
                             `applies_to` to `scopes: [daemon]`, or use an action that does not \
                             need root",
                        ),
                );
            }
        }
    }
}
