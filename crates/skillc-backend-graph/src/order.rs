//! Start order: dependencies before dependents, lower layers first, then by family and id.

use super::key;
use skillc_ir::{Ir, ServiceId};
use std::collections::BTreeSet;

/// A topological order of all services over `requires` and `wants`, or `None` when the graph has
/// a cycle (the analyzer reports cycles; callers only order checked IR).
pub fn start_order(ir: &Ir) -> Option<Vec<ServiceId>> {
    let n = ir.services.len();
    let mut pending = vec![0usize; n];
    let mut dependents: Vec<Vec<ServiceId>> = vec![Vec::new(); n];
    for id in ir.service_ids() {
        let mut targets: Vec<ServiceId> = ir.service(id).dependencies().map(|d| d.target).collect();
        targets.sort_unstable();
        targets.dedup();
        for t in targets {
            pending[id.index()] += 1;
            dependents[t.index()].push(id);
        }
    }
    let mut ready: BTreeSet<(skillc_ir::Layer, String, String, ServiceId)> = ir
        .service_ids()
        .filter(|id| pending[id.index()] == 0)
        .map(|id| {
            let (l, f, s) = key(ir, id);
            (l, f, s, id)
        })
        .collect();
    let mut order = Vec::with_capacity(n);
    while let Some(first) = ready.pop_first() {
        let id = first.3;
        order.push(id);
        for &d in &dependents[id.index()] {
            pending[d.index()] -= 1;
            if pending[d.index()] == 0 {
                let (l, f, s) = key(ir, d);
                ready.insert((l, f, s, d));
            }
        }
    }
    (order.len() == n).then_some(order)
}
