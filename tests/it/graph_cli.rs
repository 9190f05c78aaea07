//! `skillc graph`: DOT, Mermaid, JSON, the start order, and refusal on a cycle.

use crate::common;

use common::{check_json, repo, skillc, tree};

const FAMILY: &str = r#"family: { name: shop, version: 1.0.0, description: d, label_prefix: org.shop }
services:
  db:
    description: Database "primary".
    layer: L1
    scope: daemon
    bus: org.shop.db
    run: { program: /bin/db }
    readiness: { probe: 'tcp("127.0.0.1:5432")' }
  api:
    description: API.
    layer: L2
    scope: daemon
    run: { program: /bin/api }
    requires: [db]
    wants: [cache]
    readiness: { probe: 'tcp("127.0.0.1:80")' }
  cache:
    description: Cache.
    layer: L1
    scope: daemon
    run: { program: /bin/cache }
  ui:
    description: UI.
    layer: L3
    scope: session
    capabilities: [show_status]
    run: { program: /bin/ui }
    requires: [api]
"#;

#[test]
fn start_order_puts_dependencies_first_then_layers() {
    let dir = tree(&[("shop/family.yaml", FAMILY)]);
    let run = skillc(&["graph", "--order", "shop"], dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let names: Vec<&str> = run
        .stdout
        .lines()
        .map(|l| l.split('\t').next().expect("name"))
        .collect();
    assert_eq!(names, ["shop/cache", "shop/db", "shop/api", "shop/ui"]);
    assert!(run.stdout.contains("shop/ui\tL3\tsession"));
}

#[test]
fn dot_mermaid_and_json_show_nodes_by_layer_and_edges_by_kind() {
    let dir = tree(&[("shop/family.yaml", FAMILY)]);
    let dot = skillc(&["graph", "--format", "dot", "shop"], dir.path()).stdout;
    assert!(dot.starts_with("digraph skillc {"));
    assert!(dot.contains("subgraph cluster_L1 {"));
    assert!(dot.contains("\"shop/api\" -> \"shop/db\";"));
    assert!(dot.contains("\"shop/api\" -> \"shop/cache\" [style=dashed];"));
    assert!(
        dot.contains("label=\"shop/db\\nbus: org.shop.db\""),
        "{dot}"
    );

    let mermaid = skillc(&["graph", "--format", "mermaid", "shop"], dir.path()).stdout;
    assert!(mermaid.starts_with("flowchart BT\n"));
    assert!(
        mermaid.contains("(\"shop/ui\")"),
        "session services are rounded: {mermaid}"
    );
    assert_eq!(mermaid.matches("-.->").count(), 1);
    assert_eq!(mermaid.matches("-->").count(), 2);

    let json: serde_json::Value =
        serde_json::from_str(&skillc(&["graph", "--format", "json", "shop"], dir.path()).stdout)
            .expect("json");
    assert_eq!(json["start_order"][0], "shop/cache");
    assert_eq!(json["edges"].as_array().map(Vec::len), Some(3));
    assert_eq!(json["services"][0]["layer"], "L1");
}

#[test]
fn a_cycle_fails_with_the_same_diagnostic_as_check() {
    let cyclic = FAMILY.replace("    requires: [db]\n", "    requires: [db, ui]\n");
    let dir = tree(&[("shop/family.yaml", &cyclic)]);
    let graph = skillc(&["graph", "shop"], dir.path());
    assert_eq!(graph.code, 1);
    assert!(graph.stdout.is_empty());
    assert!(
        graph.stderr.contains("dependency-cycle"),
        "{}",
        graph.stderr
    );
    // Each error `check` reports, in the same file (check's other findings aside).
    let (_, json) = check_json(dir.path(), &["shop"]);
    let errors: Vec<_> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(!errors.is_empty(), "{json:#}");
    for d in errors {
        let at = format!("[{}:", d["file"].as_str().expect("file"));
        let message = d["message"].as_str().expect("message");
        assert!(
            graph.stderr.contains(message) && graph.stderr.contains(&at),
            "graph:\n{}\ncheck: {message} in {at}",
            graph.stderr
        );
    }
}

#[test]
fn the_shipped_families_have_a_start_order() {
    let run = skillc(&["graph", "--order", "skills"], &repo());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let layers: Vec<&str> = run
        .stdout
        .lines()
        .map(|l| l.split('\t').nth(1).expect("layer"))
        .collect();
    let mut sorted = layers.clone();
    sorted.sort_unstable();
    assert_eq!(layers, sorted, "lower layers start first");
}
