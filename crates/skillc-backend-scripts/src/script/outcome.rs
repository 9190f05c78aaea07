//! Policy outcomes of action steps, as the plan and the approval gate name them.

use crate::policy;
use skillc_ir::{Ir, Outcome, Risk, ServiceId, Skill, Step, StepKind, Target};

pub(super) fn outcome_name(o: Option<&Outcome>) -> &'static str {
    match o {
        Some(Outcome::Auto) => "auto",
        Some(Outcome::Confirm) => "confirm",
        Some(Outcome::Approve { .. }) => "approve",
        Some(Outcome::Deny) | None => "deny",
    }
}

/// The strictest compile-time outcome of every action step under `steps`.
pub(super) fn strictest(
    ir: &Ir,
    skill: &Skill,
    applied: ServiceId,
    steps: &[Step],
) -> &'static str {
    let mut best: (u8, u32) = (0, 0);
    let mut name = "auto";
    let mut visit = Vec::new();
    for s in steps {
        collect_actions(s, &mut visit);
    }
    for (risk, target) in visit {
        let t = match target {
            Target::Applied => applied,
            Target::Service(s) => s,
        };
        let d = policy::decide(ir, skill.family, risk, t);
        let k = d.outcome.as_ref().map_or((3, 0), policy::strictness);
        if k > best || name == "auto" && k.0 > 0 {
            best = k;
            name = outcome_name(d.outcome.as_ref());
        }
    }
    name
}

fn collect_actions(s: &Step, out: &mut Vec<(Risk, Target)>) {
    match &s.kind {
        StepKind::Action { risk, target, .. } => out.push((*risk, *target)),
        StepKind::Sequence(v) | StepKind::Parallel(v) | StepKind::Loop { steps: v, .. } => {
            for c in v {
                collect_actions(c, out);
            }
        }
    }
}
