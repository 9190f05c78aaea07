//! JSON: services, edges and the start order.

use super::{edges, sorted_services, start_order};
use skillc_ir::{DependencyKind, Ir};

pub fn to_json(ir: &Ir) -> String {
    let services: Vec<_> = sorted_services(ir)
        .into_iter()
        .map(|id| {
            let s = ir.service(id);
            serde_json::json!({
                "name": ir.service_name(id),
                "family": ir.family(s.family).name.value,
                "id": s.id.value,
                "layer": s.layer.value.as_str(),
                "scope": s.scope.value.as_str(),
                "bus": s.bus.as_ref().map(|b| b.value.clone()),
                "label": s.label.value,
            })
        })
        .collect();
    let edges: Vec<_> = edges(ir)
        .into_iter()
        .map(|(from, to, kind)| {
            serde_json::json!({
                "from": ir.service_name(from),
                "to": ir.service_name(to),
                "kind": match kind { DependencyKind::Requires => "requires", DependencyKind::Wants => "wants" },
            })
        })
        .collect();
    let order: Option<Vec<String>> =
        start_order(ir).map(|o| o.into_iter().map(|id| ir.service_name(id)).collect());
    let doc = serde_json::json!({ "version": 1, "services": services, "edges": edges, "start_order": order });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}
