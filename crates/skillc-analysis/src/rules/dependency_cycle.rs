use super::{Ctx, cycle_through};
use petgraph::graph::{DiGraph, NodeIndex};
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::ServiceId;

declare_rule! {
    /// # dependency-cycle
    ///
    /// ## What it does
    /// Reports services that depend on each other in a circle, through `requires`, `wants` or both:
    /// one finding per strongly connected group of services, with the whole cycle in the message
    /// (`web → api → db → web`) and a label at every dependency entry inside the group, in
    /// whichever file or family it is written. A service that depends on itself directly is
    /// `self-dependency`.
    ///
    /// ## Why
    /// Each service's start gate waits for its `requires`, and `wants` orders the start after its
    /// target: around a cycle every service waits for the next one, so none of them ever starts
    /// (or, with `wants`, the order is undefined and changes from boot to boot).
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
    ///     description: The web front end.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web }
    ///     requires: [api]
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    ///   api:
    ///     description: The API server.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/api }
    ///     requires: [db]
    ///     readiness: { probe: 'tcp("127.0.0.1:8081")' }
    ///   db:
    ///     description: The database.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/db }
    ///     wants: [web]
    ///     readiness: { probe: 'tcp("127.0.0.1:5432")' }
    /// skills:
    ///   not-ready:
    ///     title: A service does not answer
    ///     severity: medium
    ///     applies_to: { scopes: [session] }
    ///     detect: '!ready(service)'
    ///     remediate:
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
    ///     description: The web front end.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web }
    ///     requires: [api]
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    ///   api:
    ///     description: The API server.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/api }
    ///     requires: [db]
    ///     readiness: { probe: 'tcp("127.0.0.1:8081")' }
    ///   db:
    ///     description: The database.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/db }
    ///     readiness: { probe: 'tcp("127.0.0.1:5432")' }
    /// skills:
    ///   not-ready:
    ///     title: A service does not answer
    ///     severity: medium
    ///     applies_to: { scopes: [session] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Decide which service really comes first and remove the dependency that points the other
    /// way (every labelled entry is a candidate). If two services need each other at run time but
    /// not to start, keep only the dependency the start really needs, and let the other side retry
    /// its connection.
    pub(crate) const DEPENDENCY_CYCLE = {
        id: "dependency-cycle",
        severity: Error,
        stage: Analysis,
        summary: "Services depend on each other in a circle.",
        configurable: true,
    }
}

/// Longest cycle written out in full in the message (in services, the start counted twice).
const MAX_PATH: usize = 16;
/// At most this many dependency entries are labelled in one finding.
const MAX_LABELS: usize = 64;

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let ir = cx.ir;
    let mut g: DiGraph<(), ()> = DiGraph::with_capacity(ir.services.len(), ir.services.len());
    for _ in ir.service_ids() {
        g.add_node(());
    }
    for sid in ir.service_ids() {
        for d in cx.svc(sid).dependencies() {
            if d.target != sid {
                g.add_edge(
                    NodeIndex::new(sid.index()),
                    NodeIndex::new(d.target.index()),
                    (),
                );
            }
        }
    }
    let mut inside = vec![false; ir.services.len()];
    let sccs = super::cycles(&g);
    for scc in sccs {
        for &n in &scc {
            inside[n] = true;
        }
        report(cx, &scc, &inside, out);
        for &n in &scc {
            inside[n] = false;
        }
    }
}

fn report(cx: &Ctx<'_>, scc: &[usize], inside: &[bool], out: &mut Vec<Diagnostic>) {
    let ir = cx.ir;
    let sid = |i: usize| ServiceId(u32::try_from(i).unwrap_or(u32::MAX));
    // Start at the service that sorts first by name, so the message does not depend on load order.
    let start = scc
        .iter()
        .copied()
        .min_by_key(|&i| ir.service_name(sid(i)))
        .unwrap_or(scc[0]);
    let succ = |n: usize| -> Vec<usize> {
        cx.svc(sid(n))
            .dependencies()
            .map(|d| d.target.index())
            .collect()
    };
    let cycle = cycle_through(start, inside, succ);
    let mut names: Vec<String> = cycle.iter().map(|&i| cx.name(sid(i))).collect();
    names.push(cx.name(sid(start)));
    // A very long cycle is shown by its ends; the labels still show every edge (up to a cap).
    let path = if names.len() > MAX_PATH {
        let n = names.len();
        format!(
            "{} → … {} more … → {} (a cycle of {} services)",
            names[..6].join(" → "),
            n - 9,
            names[n - 3..].join(" → "),
            n - 1
        )
    } else {
        names.join(" → ")
    };
    let first = cycle[0];
    let second = cycle.get(1).copied().unwrap_or(first);

    let mut primary = None;
    let mut labels = Vec::new();
    for &n in scc {
        for d in cx.svc(sid(n)).dependencies() {
            let t = d.target.index();
            if t == n || !inside[t] {
                continue;
            }
            let text = format!(
                "`{}` {} `{}`",
                cx.name(sid(n)),
                d.kind.as_str(),
                cx.name(d.target)
            );
            if primary.is_none() && n == first && t == second {
                primary = Some((d.span, text));
            } else {
                labels.push((d.span, text));
            }
        }
    }
    let Some((span, text)) = primary else {
        return;
    };
    let mut diag = DEPENDENCY_CYCLE
        .finding(format!("dependency cycle: {path}"))
        .at(span, text);
    let hidden = labels.len().saturating_sub(MAX_LABELS);
    for (s, t) in labels.into_iter().take(MAX_LABELS) {
        diag = diag.with_label(s, t);
    }
    if hidden > 0 {
        diag = diag.with_note(format!(
            "{hidden} more dependencies inside the cycle are not labelled"
        ));
    }
    if scc.len() > cycle.len() {
        let mut all: Vec<String> = scc.iter().map(|&i| cx.name(sid(i))).collect();
        all.sort();
        diag = diag.with_note(format!(
            "{} services depend on each other here: {}",
            scc.len(),
            super::list(&all)
        ));
    }
    diag = diag.with_help(format!(
        "remove one of the {} dependencies inside the cycle (each is labelled) so that no service \
         waits, even indirectly, for itself",
        scc_edges(cx, scc, inside)
    ));
    out.push(diag);
}

fn scc_edges(cx: &Ctx<'_>, scc: &[usize], inside: &[bool]) -> usize {
    scc.iter()
        .map(|&n| {
            cx.svc(ServiceId(u32::try_from(n).unwrap_or(u32::MAX)))
                .dependencies()
                .filter(|d| d.target.index() != n && inside[d.target.index()])
                .count()
        })
        .sum()
}
