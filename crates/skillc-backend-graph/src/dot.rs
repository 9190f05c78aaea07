//! Graphviz DOT.

use super::{edges, sorted_services};
use skillc_ir::{DependencyKind, Ir, Layer, Scope};

fn quote(s: &str) -> String {
    format!(
        "\"{}\"",
        s.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

pub fn to_dot(ir: &Ir) -> String {
    let mut out =
        String::from("digraph skillc {\n  rankdir=BT;\n  node [fontname=\"Helvetica\"];\n");
    let services = sorted_services(ir);
    for layer in [Layer::L1, Layer::L2, Layer::L3] {
        let members: Vec<_> = services
            .iter()
            .filter(|&&id| ir.service(id).layer.value == layer)
            .collect();
        if members.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "  subgraph cluster_{} {{\n    label={};\n",
            layer.as_str(),
            quote(layer.as_str())
        ));
        for &&id in &members {
            let s = ir.service(id);
            let mut label = ir.service_name(id);
            if let Some(bus) = &s.bus {
                label.push_str(&format!("\nbus: {}", bus.value));
            }
            let shape = match s.scope.value {
                Scope::Daemon => "box",
                Scope::Session => "box, style=rounded",
            };
            out.push_str(&format!(
                "    {} [label={}, shape={shape}];\n",
                quote(&ir.service_name(id)),
                quote(&label)
            ));
        }
        out.push_str("  }\n");
    }
    for (from, to, kind) in edges(ir) {
        let style = match kind {
            DependencyKind::Requires => "",
            DependencyKind::Wants => " [style=dashed]",
        };
        out.push_str(&format!(
            "  {} -> {}{style};\n",
            quote(&ir.service_name(from)),
            quote(&ir.service_name(to))
        ));
    }
    out.push_str("}\n");
    out
}
