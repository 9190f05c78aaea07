//! The dependency order places every service once, respects every followed edge of an acyclic
//! graph, and depends on names, not on the order services are declared in.

use proptest::prelude::*;
use skillc_backend_support::{Edges, OrderSpec, Ties, dependency_order};
use skillc_ir::{DependencyKind, FamilyId, Ir};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// A service: its layer (0..3) and the indices of earlier services it requires and wants.
#[derive(Debug, Clone)]
struct Svc {
    layer: usize,
    requires: Vec<usize>,
    wants: Vec<usize>,
}

fn services() -> impl Strategy<Value = Vec<Svc>> {
    (1usize..14).prop_flat_map(|n| {
        (0..n)
            .map(|i| {
                let earlier = || proptest::collection::btree_set(0..i.max(1), 0..=i.min(3));
                (0usize..3, earlier(), earlier()).prop_map(move |(layer, r, w)| Svc {
                    layer,
                    requires: r.into_iter().filter(|&d| d < i).collect(),
                    wants: w.into_iter().filter(|&d| d < i).collect(),
                })
            })
            .collect::<Vec<_>>()
    })
}

/// A family named `demo` whose services are declared in `order`.
fn lower(svcs: &[Svc], order: &[usize]) -> Ir {
    let mut yaml = String::from(
        "family:\n  name: demo\n  version: 1.0.0\n  description: Demo.\n  label_prefix: org.example\nservices:\n",
    );
    let list = |v: &[usize]| {
        v.iter()
            .map(|d| format!("s{d:02}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    for &i in order {
        let s = &svcs[i];
        let _ = write!(
            yaml,
            "  s{i:02}:\n    description: A service.\n    layer: L{}\n    scope: daemon\n    \
             run: {{ program: /bin/true }}\n    requires: [{}]\n    wants: [{}]\n    \
             readiness: {{ probe: 'running(\"s{i:02}\")', timeout: 1s, interval: 1s, retries: 1 }}\n",
            s.layer + 1,
            list(&s.requires),
            list(&s.wants),
        );
    }
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("family.yaml"), yaml).expect("write");
    skillc_ir::lower(&skillc_syntax::load_paths(&[dir.path().to_path_buf()])).0
}

const SPECS: [(Edges, Ties); 2] = [
    (Edges::RequiresAndWants, Ties::SmallestReady),
    (Edges::RequiresNotAbove, Ties::DepthFirst),
];

fn names(ir: &Ir, spec: OrderSpec) -> Vec<String> {
    dependency_order(ir, spec)
        .services
        .into_iter()
        .map(|id| ir.service_name(id))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn order_respects_every_dependency_and_ignores_declaration_order(svcs in services()) {
        let forward: Vec<usize> = (0..svcs.len()).collect();
        let backward: Vec<usize> = forward.iter().rev().copied().collect();
        let (ir, reversed) = (lower(&svcs, &forward), lower(&svcs, &backward));
        prop_assert_eq!(ir.services.len(), svcs.len());
        for (edges, ties) in SPECS {
            for family in [None, Some(FamilyId(0))] {
                let spec = OrderSpec { family, edges, ties };
                let order = dependency_order(&ir, spec);
                prop_assert!(order.acyclic);
                let placed: BTreeSet<_> = order.services.iter().copied().collect();
                prop_assert_eq!(placed.len(), ir.services.len());
                let position = |id| order.services.iter().position(|&s| s == id);
                for id in ir.service_ids() {
                    let s = ir.service(id);
                    for d in s.dependencies() {
                        let followed = match edges {
                            Edges::RequiresAndWants => true,
                            Edges::RequiresNotAbove => {
                                d.kind == DependencyKind::Requires
                                    && ir.service(d.target).layer.value <= s.layer.value
                            }
                        };
                        if followed {
                            prop_assert!(position(d.target) < position(id), "{} before {}", d.text, s.id.value);
                        }
                    }
                }
                prop_assert_eq!(names(&ir, spec), names(&reversed, spec));
            }
        }
    }
}

#[test]
fn a_cycle_is_reported_and_every_service_still_placed() {
    let svcs = [
        Svc {
            layer: 0,
            requires: vec![1],
            wants: vec![],
        },
        Svc {
            layer: 0,
            requires: vec![0],
            wants: vec![],
        },
        Svc {
            layer: 0,
            requires: vec![],
            wants: vec![],
        },
    ];
    let ir = lower(&svcs, &[0, 1, 2]);
    for (edges, ties) in SPECS {
        let order = dependency_order(
            &ir,
            OrderSpec {
                family: None,
                edges,
                ties,
            },
        );
        assert!(!order.acyclic);
        assert_eq!(order.services.len(), 3);
    }
}
