//! The analysis rules, one per file. [`Ctx`] holds what every rule shares, built once per run.

mod bus_name_conflict;
mod capability_violation;
mod dependency_cycle;
mod diagnose_not_read_only;
mod label_conflict;
mod layer_violation;
mod missing_readiness;
mod on_failure_cycle;
mod policy_ambiguous;
mod policy_uncovered;
mod policy_unsatisfiable;
mod privilege_escalation;
mod raw_shell;
mod readiness_timing;
mod remediation_cascade;
mod scope_violation;
mod self_dependency;
mod service_field_unset;
mod unbounded_loop;
mod uncovered_service;
mod unproven_read_only;
mod unreachable_skill;
mod unverified_remediation;

use skillc_diagnostics::{Check, Diagnostic};
use skillc_ir::{Ir, Layer, Risk, Scope, Service, ServiceId, Skill, Step, StepKind, Target};
use std::collections::HashMap;

/// A rule of this stage and the function that reports its findings.
pub(crate) type Rule = Check<fn(&Ctx<'_>, &mut Vec<Diagnostic>)>;

/// Every analysis rule with its check, in report order.
pub(crate) const ALL: &[Rule] = &[
    Check::new(&dependency_cycle::DEPENDENCY_CYCLE, dependency_cycle::check),
    Check::new(&self_dependency::SELF_DEPENDENCY, self_dependency::check),
    Check::new(&layer_violation::LAYER_VIOLATION, layer_violation::check),
    Check::new(&scope_violation::SCOPE_VIOLATION, scope_violation::check),
    Check::new(
        &missing_readiness::MISSING_READINESS,
        missing_readiness::check,
    ),
    Check::new(&readiness_timing::READINESS_TIMING, readiness_timing::check),
    Check::new(
        &bus_name_conflict::BUS_NAME_CONFLICT,
        bus_name_conflict::check,
    ),
    Check::new(&label_conflict::LABEL_CONFLICT, label_conflict::check),
    Check::new(
        &capability_violation::CAPABILITY_VIOLATION,
        capability_violation::check,
    ),
    Check::new(
        &unverified_remediation::UNVERIFIED_REMEDIATION,
        unverified_remediation::check,
    ),
    Check::new(&unbounded_loop::UNBOUNDED_LOOP, unbounded_loop::check),
    Check::new(
        &unreachable_skill::UNREACHABLE_SKILL,
        unreachable_skill::check,
    ),
    Check::new(
        &uncovered_service::UNCOVERED_SERVICE,
        uncovered_service::check,
    ),
    Check::new(
        &remediation_cascade::REMEDIATION_CASCADE,
        remediation_cascade::check,
    ),
    Check::new(&on_failure_cycle::ON_FAILURE_CYCLE, on_failure_cycle::check),
    Check::new(&policy_uncovered::POLICY_UNCOVERED, policy_uncovered::check),
    Check::new(&policy_ambiguous::POLICY_AMBIGUOUS, policy_ambiguous::check),
    Check::new(
        &policy_unsatisfiable::POLICY_UNSATISFIABLE,
        policy_unsatisfiable::check,
    ),
    Check::new(
        &privilege_escalation::PRIVILEGE_ESCALATION,
        privilege_escalation::check,
    ),
    Check::new(
        &diagnose_not_read_only::DIAGNOSE_NOT_READ_ONLY,
        diagnose_not_read_only::check,
    ),
    Check::new(
        &unproven_read_only::UNPROVEN_READ_ONLY,
        unproven_read_only::check,
    ),
    Check::new(&raw_shell::RAW_SHELL, raw_shell::check),
    Check::new(
        &service_field_unset::SERVICE_FIELD_UNSET,
        service_field_unset::check,
    ),
];

/// The strongly connected components with more than one node, each sorted, in sorted order: the
/// cycles of a graph whose node indices are service indices.
pub(crate) fn cycles<E>(g: &petgraph::graph::DiGraph<(), E>) -> Vec<Vec<usize>> {
    let mut sccs: Vec<Vec<usize>> = petgraph::algo::tarjan_scc(g)
        .into_iter()
        .filter(|c| c.len() > 1)
        .map(|c| {
            let mut v: Vec<usize> = c
                .into_iter()
                .map(petgraph::graph::NodeIndex::index)
                .collect();
            v.sort_unstable();
            v
        })
        .collect();
    sccs.sort();
    sccs
}

pub(crate) fn run_all(ir: &Ir, out: &mut Vec<Diagnostic>) {
    let cx = Ctx::new(ir);
    for rule in ALL {
        (rule.run)(&cx, out);
    }
}

/// At most this many services are named (and labelled) in one finding; the rest are counted.
pub(crate) const MAX_LISTED: usize = 8;

/// What every rule shares: the IR and how to name things in messages.
pub(crate) struct Ctx<'a> {
    pub(crate) ir: &'a Ir,
    /// Name services `family/id` (several families loaded) or just `id` (one family).
    qualify: bool,
}

impl<'a> Ctx<'a> {
    fn new(ir: &'a Ir) -> Self {
        Self {
            ir,
            qualify: ir.families.len() > 1,
        }
    }

    pub(crate) fn svc(&self, id: ServiceId) -> &'a Service {
        self.ir.service(id)
    }

    /// A service's name as shown in messages.
    pub(crate) fn name(&self, id: ServiceId) -> String {
        if self.qualify {
            self.ir.service_name(id)
        } else {
            self.ir.service(id).id.value.clone()
        }
    }

    /// A skill's name as shown in messages.
    pub(crate) fn skill_name(&self, skill: &Skill) -> String {
        if self.qualify {
            format!(
                "{}/{}",
                self.ir.family(skill.family).name.value,
                skill.id.value
            )
        } else {
            skill.id.value.clone()
        }
    }

    /// The service a step acts on when its skill is applied to `applied`.
    pub(crate) fn step_target(target: Target, applied: ServiceId) -> ServiceId {
        match target {
            Target::Applied => applied,
            Target::Service(s) => s,
        }
    }
}

/// The risk policy rules are matched against: one level up for a daemon or an L1 target.
pub(crate) fn effective_risk(risk: Risk, target: &Service) -> Risk {
    if target.scope.value == Scope::Daemon || target.layer.value == Layer::L1 {
        risk.raised()
    } else {
        risk
    }
}

/// Calls `f` on every step, depth first.
pub(crate) fn walk<'s>(steps: &'s [Step], f: &mut impl FnMut(&'s Step)) {
    for s in steps {
        f(s);
        match &s.kind {
            StepKind::Action { .. } => {}
            StepKind::Sequence(inner) | StepKind::Parallel(inner) => walk(inner, f),
            StepKind::Loop { steps, .. } => walk(steps, f),
        }
    }
}

/// Every step of a skill, diagnose first.
pub(crate) fn all_steps(skill: &Skill) -> Vec<&Step> {
    let mut out = Vec::new();
    walk(&skill.diagnose, &mut |s| out.push(s));
    walk(&skill.remediate, &mut |s| out.push(s));
    out
}

/// `a, b, c` (backquoted), at most [`MAX_LISTED`] names, then `and N more`.
pub(crate) fn list(names: &[String]) -> String {
    let mut shown: Vec<String> = names
        .iter()
        .take(MAX_LISTED)
        .map(|n| format!("`{n}`"))
        .collect();
    if names.len() > MAX_LISTED {
        shown.push(format!("and {} more", names.len() - MAX_LISTED));
    }
    shown.join(", ")
}

/// `s` when `n` is not one.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A shortest cycle through `start` that stays inside one strongly connected component
/// (`inside`), found breadth first; `succ` lists a node's successors in a stable order. The
/// result starts at `start` and does not repeat it at the end.
pub(crate) fn cycle_through(
    start: usize,
    inside: &[bool],
    succ: impl Fn(usize) -> Vec<usize>,
) -> Vec<usize> {
    let mut parent: HashMap<usize, usize> = HashMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(n) = queue.pop_front() {
        for m in succ(n) {
            if !inside[m] {
                continue;
            }
            if m == start {
                let mut path = vec![n];
                let mut cur = n;
                while cur != start {
                    cur = parent[&cur];
                    path.push(cur);
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(m) {
                e.insert(n);
                queue.push_back(m);
            }
        }
    }
    vec![start]
}
