use super::{Ctx, effective_risk};
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::{PolicyId, PolicyRule, Risk, Service, ServiceId, StepKind};
use std::collections::HashSet;

declare_rule! {
    /// # policy-uncovered
    ///
    /// ## What it does
    /// Checks every action step of every skill, for every service the skill applies to, against
    /// the policy that governs it, and reports the steps that no policy rule matches.
    ///
    /// - The step acts on its `target` (or on the service the skill is applied to).
    /// - Its **effective risk** is the action's risk, raised one level when that target is a
    ///   daemon or an L1 service (never above `destructive`).
    /// - The **governing policy** is the policy of the family that owns the target; when that
    ///   family has none, the policy of the skill's own family. No policy at all means nothing
    ///   covers the step.
    /// - A rule matches when each of its `match` keys (`risk`, `family`, `layer`, `scope`) equals
    ///   the step's effective risk and the target's family, layer and scope.
    ///
    /// ## Why
    /// The policy is what decides whether a step runs on its own, asks for confirmation, needs
    /// approvals or is denied. A step that no rule matches has no decision: the generated script
    /// would have to guess, and skillc never guesses about authority.
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
    ///     layer: L1
    ///     scope: daemon
    ///     run: { program: /usr/local/bin/store }
    ///     readiness: { probe: 'tcp("127.0.0.1:9000")' }
    /// skills:
    ///   store-down:
    ///     title: The store does not answer
    ///     severity: high
    ///     applies_to: { services: [store] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: { risk: read_only }, outcome: auto }
    ///     - { match: { risk: reversible }, outcome: auto }
    ///     - { match: { risk: disruptive }, outcome: confirm }
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
    ///     layer: L1
    ///     scope: daemon
    ///     run: { program: /usr/local/bin/store }
    ///     readiness: { probe: 'tcp("127.0.0.1:9000")' }
    /// skills:
    ///   store-down:
    ///     title: The store does not answer
    ///     severity: high
    ///     applies_to: { services: [store] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: { risk: read_only }, outcome: auto }
    ///     - { match: { risk: reversible }, outcome: auto }
    ///     - { match: { risk: disruptive }, outcome: confirm }
    ///     - { match: { risk: destructive }, outcome: confirm }
    /// ```
    ///
    /// (`launchctl.kickstart` is `disruptive`; on an L1 daemon it is matched as `destructive`.)
    ///
    /// ## How to fix
    /// Add a rule that matches: a "floor" rule per risk (`{ match: { risk: destructive }, ... }`)
    /// covers every step of that effective risk. Remember that daemons and L1 services raise the
    /// risk one level.
    pub(crate) const POLICY_UNCOVERED = {
        id: "policy-uncovered",
        severity: Error,
        stage: Analysis,
        summary: "A remediation step matches no policy rule.",
        configurable: true,
    }
}

pub(crate) fn rule_matches(rule: &PolicyRule, risk: Risk, target: &Service) -> bool {
    rule.risk.is_none_or(|r| r == risk)
        && rule
            .family
            .as_ref()
            .is_none_or(|f| f.value == target.family)
        && rule.layer.is_none_or(|l| l == target.layer.value)
        && rule.scope.is_none_or(|s| s == target.scope.value)
}

struct Miss {
    target: ServiceId,
    risk: Risk,
    eff: Risk,
    policy: Option<PolicyId>,
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let ir = cx.ir;
    for skill in &ir.skills {
        for step in super::all_steps(skill) {
            let StepKind::Action {
                action,
                risk,
                target,
                ..
            } = &step.kind
            else {
                continue;
            };
            let mut misses: Vec<Miss> = Vec::new();
            let mut seen: HashSet<ServiceId> = HashSet::new();
            for &applied in &skill.targets {
                let t = Ctx::step_target(*target, applied);
                if !seen.insert(t) {
                    continue;
                }
                let svc = cx.svc(t);
                let eff = effective_risk(*risk, svc);
                let policy = ir.governing_policy(t, skill.family);
                let covered = policy
                    .is_some_and(|p| ir.policy(p).rules.iter().any(|r| rule_matches(r, eff, svc)));
                if !covered {
                    misses.push(Miss {
                        target: t,
                        risk: *risk,
                        eff,
                        policy,
                    });
                }
            }
            if misses.is_empty() {
                continue;
            }
            let skill_name = cx.skill_name(skill);
            let id = &step.id.value;
            let describe = |m: &Miss| {
                let s = cx.svc(m.target);
                let raised = if m.eff == m.risk {
                    String::new()
                } else {
                    format!(", raised from `{}`", m.risk.as_str())
                };
                format!(
                    "`{}` (effective risk `{}`{raised}; {} {})",
                    cx.name(m.target),
                    m.eff.as_str(),
                    s.layer.value.as_str(),
                    s.scope.value.as_str()
                )
            };
            let first = &misses[0];
            let message = if misses.iter().all(|m| m.policy.is_none()) {
                format!(
                    "no policy governs step `{id}` of skill `{skill_name}`: neither the target's \
                     family nor the skill's family has a `policy`"
                )
            } else if misses.len() == 1 {
                format!(
                    "no policy rule matches step `{id}` of skill `{skill_name}` on {}",
                    describe(first)
                )
            } else {
                let shown: Vec<String> = misses
                    .iter()
                    .take(super::MAX_LISTED)
                    .map(describe)
                    .collect();
                let more = misses.len().saturating_sub(super::MAX_LISTED);
                format!(
                    "no policy rule matches step `{id}` of skill `{skill_name}` on {} services: {}{}",
                    misses.len(),
                    shown.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                )
            };
            let act = &ir.action(action.value).name;
            let label = if misses.len() == 1 && first.eff != first.risk {
                format!(
                    "`{act}` is `{}`, matched as `{}`",
                    risk.as_str(),
                    first.eff.as_str()
                )
            } else {
                format!("`{act}` is `{}`", risk.as_str())
            };
            let mut diag = POLICY_UNCOVERED.finding(message).at(action.span, label);
            let mut policies: Vec<PolicyId> = misses.iter().filter_map(|m| m.policy).collect();
            policies.sort();
            policies.dedup();
            for p in &policies {
                let pol = ir.policy(*p);
                diag = diag.with_label(
                    pol.span,
                    format!(
                        "the policy of `{}` governs this step but has no matching rule",
                        ir.family(pol.family).name.value
                    ),
                );
            }
            let help = if policies.is_empty() {
                format!(
                    "add a `policy:` to family `{}` (or to the target's family), with a rule for \
                     `{}` steps",
                    ir.family(skill.family).name.value,
                    first.eff.as_str()
                )
            } else {
                format!(
                    "add a rule such as `- {{ match: {{ risk: {} }}, outcome: confirm }}`; daemons \
                     and L1 services raise a step's risk one level",
                    first.eff.as_str()
                )
            };
            out.push(diag.with_help(help));
        }
    }
}
