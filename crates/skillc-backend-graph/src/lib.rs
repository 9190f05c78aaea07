//! The dependency graph of checked services: DOT, Mermaid, JSON, SVG, a self-contained HTML page,
//! and the start order.
//!
//! Nodes are grouped by layer and shaped by scope (daemons are boxes, session agents rounded);
//! hard dependencies (`requires`) are solid edges, soft ones (`wants`) dashed. Everything is sorted,
//! so the output is byte-identical for the same input.

mod dot;
mod json;
mod mermaid;
mod svg;

pub use dot::to_dot;
pub use json::to_json;
pub use mermaid::to_mermaid;
pub use svg::{Findings, to_html, to_svg};

use skillc_backend_support::{Edges, OrderSpec, Ties, dependency_order};
use skillc_ir::{DependencyKind, Ir, ServiceId};

/// Every service, dependencies (`requires` and `wants`) before dependents; of the services
/// ready, the lower layer first, then family and id. `None` when the graph has a cycle (the
/// analyzer reports cycles; callers only order checked IR).
pub fn start_order(ir: &Ir) -> Option<Vec<ServiceId>> {
    let spec = OrderSpec {
        family: None,
        edges: Edges::RequiresAndWants,
        ties: Ties::SmallestReady,
    };
    let order = dependency_order(ir, spec);
    order.acyclic.then_some(order.services)
}

/// Services sorted by layer, family name, id: the order nodes are printed in.
fn sorted_services(ir: &Ir) -> Vec<ServiceId> {
    let mut ids: Vec<ServiceId> = ir.service_ids().collect();
    ids.sort_by_key(|&id| key(ir, id));
    ids
}

fn key(ir: &Ir, id: ServiceId) -> (skillc_ir::Layer, String, String) {
    let s = ir.service(id);
    (
        s.layer.value,
        ir.family(s.family).name.value.clone(),
        s.id.value.clone(),
    )
}

/// Every edge (dependent, dependency, kind), sorted.
fn edges(ir: &Ir) -> Vec<(ServiceId, ServiceId, DependencyKind)> {
    let mut out: Vec<_> = ir
        .service_ids()
        .flat_map(|from| {
            ir.service(from)
                .dependencies()
                .map(move |d| (from, d.target, d.kind))
        })
        .collect();
    out.sort_by_key(|(a, b, k)| (key(ir, *a), key(ir, *b), matches!(k, DependencyKind::Wants)));
    out.dedup();
    out
}
