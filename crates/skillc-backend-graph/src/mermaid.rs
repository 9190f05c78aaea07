//! Mermaid flowchart (renders on GitHub).

use super::{edges, sorted_services};
use skillc_ir::{DependencyKind, Ir, Layer, Scope, ServiceId};
use std::collections::HashMap;

fn text(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

pub fn to_mermaid(ir: &Ir) -> String {
    let services = sorted_services(ir);
    let node: HashMap<ServiceId, String> = services
        .iter()
        .enumerate()
        .map(|(i, &id)| (id, format!("s{i}")))
        .collect();
    let mut out = String::from("flowchart BT\n");
    for layer in [Layer::L1, Layer::L2, Layer::L3] {
        let members: Vec<_> = services
            .iter()
            .filter(|&&id| ir.service(id).layer.value == layer)
            .collect();
        if members.is_empty() {
            continue;
        }
        out.push_str(&format!("  subgraph {0}[\"{0}\"]\n", layer.as_str()));
        for &&id in &members {
            let name = text(&ir.service_name(id));
            let shape = match ir.service(id).scope.value {
                Scope::Daemon => format!("[\"{name}\"]"),
                Scope::Session => format!("(\"{name}\")"),
            };
            out.push_str(&format!("    {}{shape}\n", node[&id]));
        }
        out.push_str("  end\n");
    }
    for (from, to, kind) in edges(ir) {
        let arrow = match kind {
            DependencyKind::Requires => "-->",
            DependencyKind::Wants => "-.->",
        };
        out.push_str(&format!("  {} {arrow} {}\n", node[&from], node[&to]));
    }
    out
}
