//! The compile-time policy decision for one step on one target, exactly as the analyzer sees it
//! (`policy-uncovered`, `policy-ambiguous`): effective risk = the step's risk raised one level on
//! a daemon or an L1 target; the governing policy is the target family's, else the skill
//! family's; the matching rule with the most match keys wins.

use skillc_ir::{
    FamilyId, Ir, Layer, Outcome, PolicyId, PolicyRule, Risk, Scope, Service, ServiceId, SkillId,
};

/// What the compiler decided for a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The step's own risk.
    pub risk: Risk,
    /// The risk the policy is matched against.
    pub effective: Risk,
    pub policy: Option<PolicyId>,
    /// `None`: no rule matches (the analyzer reports `policy-uncovered`); scripts treat it as
    /// `deny`.
    pub outcome: Option<Outcome>,
}

/// One level up for a daemon or an L1 target (never above destructive).
pub(crate) fn effective_risk(risk: Risk, target: &Service) -> Risk {
    if target.scope.value == Scope::Daemon || target.layer.value == Layer::L1 {
        risk.raised()
    } else {
        risk
    }
}

/// Whether `rule` matches a step of effective risk `risk` on `target`.
pub(crate) fn rule_matches(rule: &PolicyRule, risk: Risk, target: &Service) -> bool {
    rule.risk.is_none_or(|r| r == risk)
        && rule
            .family
            .as_ref()
            .is_none_or(|f| f.value == target.family)
        && rule.layer.is_none_or(|l| l == target.layer.value)
        && rule.scope.is_none_or(|s| s == target.scope.value)
}

/// How strict an outcome is: auto < confirm < approve (more approvers stricter) < deny.
pub fn strictness(o: &Outcome) -> (u8, u32) {
    match o {
        Outcome::Auto => (0, 0),
        Outcome::Confirm => (1, 0),
        Outcome::Approve { count, .. } => (2, *count),
        Outcome::Deny => (3, 0),
    }
}

/// Decides a step of risk `risk`, acting on `target`, of a skill of family `skill_family`.
///
/// Equally specific matching rules with different outcomes are a `policy-ambiguous` error; should
/// a script be generated anyway, the strictest of them wins (fail closed).
pub fn decide(ir: &Ir, skill_family: FamilyId, risk: Risk, target: ServiceId) -> Decision {
    let svc = ir.service(target);
    let effective = effective_risk(risk, svc);
    let policy = ir.governing_policy(target, skill_family);
    let outcome = policy.and_then(|p| {
        let rules = &ir.policy(p).rules;
        let hits: Vec<&PolicyRule> = rules
            .iter()
            .filter(|r| rule_matches(r, effective, svc))
            .collect();
        let top = hits.iter().map(|r| r.specificity()).max()?;
        hits.into_iter()
            .filter(|r| r.specificity() == top)
            .map(|r| r.outcome.value.clone())
            .max_by_key(strictness)
    });
    Decision {
        risk,
        effective,
        policy,
        outcome,
    }
}

/// The names of the members of the given roles of a policy, sorted, deduplicated.
pub(crate) fn approvers(ir: &Ir, policy: PolicyId, roles: &[usize]) -> Vec<String> {
    let pol = ir.policy(policy);
    let mut out: Vec<String> = roles
        .iter()
        .filter_map(|&r| pol.roles.get(r))
        .flat_map(|r| r.members.iter().map(|m| m.value.clone()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Every member of every role of a policy (who may approve when a run is made stricter).
pub(crate) fn all_approvers(ir: &Ir, policy: PolicyId) -> Vec<String> {
    let all: Vec<usize> = (0..ir.policy(policy).roles.len()).collect();
    approvers(ir, policy, &all)
}

/// Who may run `skill` on `target` with `--apply`: the members of every role whose `runners`
/// patterns match the skill, sorted, deduplicated; `None` when the governing policy names no
/// runners at all (then whoever may execute the script may run it; docs/security.md).
pub fn runners(ir: &Ir, skill: SkillId, target: ServiceId) -> Option<Vec<String>> {
    let k = ir.skill(skill);
    let p = ir.governing_policy(target, k.family)?;
    let pol = ir.policy(p);
    if pol.runners.is_empty() {
        return None;
    }
    let roles: Vec<usize> = pol
        .runners
        .iter()
        .filter(|r| {
            r.grants.iter().any(|g| match g.value {
                (None, _) => true,
                (Some(f), None) => f == k.family,
                (Some(_), Some(s)) => s == skill,
            })
        })
        .map(|r| r.role)
        .collect();
    Some(approvers(ir, p, &roles))
}
