use super::{Ctx, cycle_through};
use petgraph::graph::{DiGraph, NodeIndex};
use skillc_diagnostics::{Diagnostic, Span, declare_rule};
use skillc_ir::{Risk, ServiceId, StepKind, Target};
use std::collections::HashSet;

declare_rule! {
    /// # remediation-cascade
    ///
    /// ## What it does
    /// Reports remediations that disrupt each other in a circle. A skill applied to service `A`
    /// *disrupts* service `B` when one of its steps with risk `disruptive` or `destructive`
    /// (`launchctl.kickstart`, `launchctl.bootout`, `proc.signal`, a disruptive `run` or family
    /// action, ...) explicitly targets `B`, another service (`target: b`). When these "disrupts"
    /// edges form a cycle (A's skill restarts B, and B's skill restarts A, possibly through more
    /// services), the finding shows the cycle and labels every step on it.
    ///
    /// Steps that act on the service the skill is applied to (`target: service`) are the normal
    /// case and never count; read-only and reversible steps (`wait.ready`, `launchctl.print`,
    /// `launchctl.enable`) never count either.
    ///
    /// ## Why
    /// Restarting `B` while fixing `A` makes `B` fail, which triggers `B`'s remediation, which
    /// restarts `A` again: a restart storm (the `OnFailure=` ping-pong of systemd units) that
    /// keeps both services down and the remediation lock busy.
    ///
    /// ## Bad
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   api:
    ///     description: The API server.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/api }
    ///     readiness: { probe: 'tcp("127.0.0.1:8081")' }
    ///   cache:
    ///     description: The cache in front of the API.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/cache }
    ///     readiness: { probe: 'tcp("127.0.0.1:6379")' }
    /// skills:
    ///   api-stale:
    ///     title: The API serves stale data
    ///     severity: medium
    ///     applies_to: { services: [api] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: flush-cache, action: launchctl.kickstart, with: { target: cache, kill: true } }
    ///   cache-cold:
    ///     title: The cache lost its connection to the API
    ///     severity: medium
    ///     applies_to: { services: [cache] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart-api, action: launchctl.kickstart, with: { target: api, kill: true } }
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
    ///   api:
    ///     description: The API server.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/api }
    ///     readiness: { probe: 'tcp("127.0.0.1:8081")' }
    ///   cache:
    ///     description: The cache in front of the API.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/cache }
    ///     readiness: { probe: 'tcp("127.0.0.1:6379")' }
    /// skills:
    ///   api-stale:
    ///     title: The API serves stale data
    ///     severity: medium
    ///     applies_to: { services: [api] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: flush-cache, action: launchctl.kickstart, with: { target: cache, kill: true } }
    ///   cache-cold:
    ///     title: The cache lost its connection to the API
    ///     severity: medium
    ///     applies_to: { services: [cache] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: wait-api, action: wait.ready, with: { target: api, timeout: 1m } }
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Let each skill disrupt only the service it is applied to, and wait for the other one
    /// (`wait.ready`) instead of restarting it; or merge the two failure modes into one skill
    /// that restarts both in a fixed order.
    pub(crate) const REMEDIATION_CASCADE = {
        id: "remediation-cascade",
        severity: Warning,
        stage: Analysis,
        summary: "Remediation skills restart each other's services in a circle.",
        configurable: true,
    }
}

/// One "disrupts" edge: a step of a skill applied to the source acts on the target.
struct Edge {
    skill: usize,
    step_id: String,
    action: String,
    span: Span,
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let ir = cx.ir;
    let mut g: DiGraph<(), Edge> = DiGraph::new();
    for _ in ir.service_ids() {
        g.add_node(());
    }
    let mut any = false;
    for (k, skill) in ir.skills.iter().enumerate() {
        for step in super::all_steps(skill) {
            let StepKind::Action {
                action,
                risk,
                target: Target::Service(to),
                ..
            } = &step.kind
            else {
                continue;
            };
            if *risk < Risk::Disruptive {
                continue;
            }
            for &from in &skill.targets {
                if from != *to {
                    any = true;
                    g.add_edge(
                        NodeIndex::new(from.index()),
                        NodeIndex::new(to.index()),
                        Edge {
                            skill: k,
                            step_id: step.id.value.clone(),
                            action: ir.action(action.value).name.clone(),
                            span: action.span,
                        },
                    );
                }
            }
        }
    }
    if !any {
        return;
    }
    let sid = |i: usize| ServiceId(u32::try_from(i).unwrap_or(u32::MAX));
    let mut inside = vec![false; ir.services.len()];
    let sccs = super::cycles(&g);
    for scc in sccs {
        for &n in &scc {
            inside[n] = true;
        }
        let start = scc
            .iter()
            .copied()
            .min_by_key(|&i| ir.service_name(sid(i)))
            .unwrap_or(scc[0]);
        let succ = |n: usize| -> Vec<usize> {
            let mut v: Vec<usize> = g
                .edges(NodeIndex::new(n))
                .map(|e| petgraph::visit::EdgeRef::target(&e).index())
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        let cycle = cycle_through(start, &inside, succ);
        let mut names: Vec<String> = cycle.iter().map(|&i| cx.name(sid(i))).collect();
        names.push(cx.name(sid(start)));

        // One label per step (a generic skill's step is one place in the YAML, whatever it
        // targets), in a stable order.
        let mut edges: Vec<(usize, usize, &Edge)> = Vec::new();
        for &n in &scc {
            for e in g.edges(NodeIndex::new(n)) {
                let t = petgraph::visit::EdgeRef::target(&e).index();
                if inside[t] {
                    edges.push((n, t, e.weight()));
                }
            }
        }
        edges.sort_by_key(|(n, t, e)| (ir.service_name(sid(*n)), ir.service_name(sid(*t)), e.span));
        let first_hop = (cycle[0], cycle.get(1).copied().unwrap_or(cycle[0]));
        edges.sort_by_key(|(n, t, _)| (*n, *t) != first_hop);
        let mut seen: HashSet<Span> = HashSet::new();
        let mut diag: Option<Diagnostic> = None;
        for (n, t, e) in edges {
            if !seen.insert(e.span) {
                continue;
            }
            let text = format!(
                "skill `{}` applied to `{}` runs `{}` (step `{}`) on `{}`",
                cx.skill_name(&ir.skills[e.skill]),
                cx.name(sid(n)),
                e.action,
                e.step_id,
                cx.name(sid(t))
            );
            diag = Some(match diag {
                None => REMEDIATION_CASCADE
                    .finding(format!(
                        "remediations disrupt each other in a circle: {}",
                        names.join(" → ")
                    ))
                    .at(e.span, text),
                Some(d) => d.with_label(e.span, text),
            });
        }
        if let Some(d) = diag {
            out.push(d.with_help(
                "let each skill disrupt only the service it is applied to and wait for the others \
                 (`wait.ready`), or merge the failure modes into one skill that restarts the \
                 services in a fixed order",
            ));
        }
        for &n in &scc {
            inside[n] = false;
        }
    }
}
