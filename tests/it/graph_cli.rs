//! `skillc graph`: DOT, Mermaid, JSON, the start order, and refusal on a cycle.

use crate::common;

use common::{check_json, repo, skillc, tree};
use std::path::Path;

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
    run: { program: /bin/ui, associated_bundle_identifiers: org.shop.UI }
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

/// The picture: layer bands, scopes, edge kinds, readiness and coverage on every node, hostile
/// text escaped, and a finding's edge in red even though the graph has errors.
#[test]
fn svg_and_html_draw_layers_scopes_edges_and_findings() {
    let hostile = FAMILY.replace(
        "Database \"primary\".",
        "Database <script>alert(1)</script> & \"primary\".",
    );
    let dir = tree(&[("shop/family.yaml", &hostile)]);
    let run = skillc(&["graph", "--format", "svg", "shop"], dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let svg = &run.stdout;
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    for layer in ["L1", "L2", "L3"] {
        assert!(
            svg.contains(&format!("class=\"band\" data-layer=\"{layer}\"")),
            "{layer}"
        );
    }
    assert!(
        svg.contains(r#"class="node daemon ready" data-service="shop/db""#),
        "{svg}"
    );
    assert!(
        svg.contains(r#"class="node session unready" data-service="shop/ui""#),
        "{svg}"
    );
    assert!(svg.contains(r#"<path class="edge requires" data-from="shop/api" data-to="shop/db""#));
    assert!(svg.contains(r#"<path class="edge wants" data-from="shop/api" data-to="shop/cache""#));
    assert!(
        svg.contains("ready: tcp(&quot;127.0.0.1:5432&quot;)"),
        "the probe as written"
    );
    assert!(!svg.contains("<script>"), "text is escaped");
    assert!(svg.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;primary&quot;"));
    // The XML parses (Python's parser: independent of ours).
    if common::tool_available("python3", &["--version"]) {
        let path = dir.path().join("g.svg");
        std::fs::write(&path, svg).expect("write");
        let out = std::process::Command::new("python3")
            .args(["-c", "import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); print(len(r.findall('.//{http://www.w3.org/2000/svg}g')))"])
            .arg(&path)
            .output()
            .expect("python3");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // A layer violation: the graph has an error, the picture is drawn, the edge is red, exit 1.
    let bad = FAMILY.replace(
        "    run: { program: /bin/cache }\n",
        "    run: { program: /bin/cache }\n    requires: [panel]\n  panel:\n    description: Panel.\n    layer: L3\n    scope: session\n    capabilities: [show_status]\n    run: { program: /bin/panel }\n",
    );
    let dir = tree(&[("shop/family.yaml", &bad)]);
    let run = skillc(&["graph", "--format", "html", "shop"], dir.path());
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("layer-violation"), "{}", run.stderr);
    let html = &run.stdout;
    assert!(
        html.contains(
            r#"<path class="edge requires problem" data-from="shop/cache" data-to="shop/panel""#
        ),
        "{html}"
    );
    assert!(html.contains("stroke=\"#d00\""), "drawn in red");
    assert!(html.contains("data-count=\"1\""), "one edge with a finding");
    assert!(
        !html.contains(" src=") && !html.contains(" href="),
        "self-contained: nothing is loaded from elsewhere"
    );
    assert!(html.contains("default-src 'none'"));
}

/// The page in a real browser (Debian's Chromium, headless): it renders to a screenshot, its
/// script runs, and the family filter (also `#family=` in the address) hides the other families.
#[test]
fn the_html_graph_renders_in_a_real_browser() {
    let browser = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| {
            std::process::Command::new(b)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let Some(browser) = browser else {
        common::tool_available("chromium", &["--version"]);
        return;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("graph.html");
    let run = skillc(
        &["graph", "--format", "html", "skills", "examples"],
        &repo(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    std::fs::write(&page, &run.stdout).expect("write");
    let total = run.stdout.matches("<g class=\"node ").count();
    let homelab = run
        .stdout
        .matches("data-family=\"homelab\" data-layer")
        .count();
    assert!(total > homelab && homelab > 0);

    let chrome = |args: &[&str], url: String| {
        let profile = dir.path().join("profile");
        std::process::Command::new(browser)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(args)
            .arg(url)
            .current_dir(dir.path())
            .output()
            .expect("browser")
    };
    let shot = Path::new(env!("CARGO_TARGET_TMPDIR")).join("graph.png");
    let _ = std::fs::remove_file(&shot);
    let out = chrome(
        &[
            "--window-size=1800,1000",
            &format!("--screenshot={}", shot.display()),
        ],
        format!("file://{}", page.display()),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let png = std::fs::read(&shot).expect("a screenshot is written");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());

    let out = chrome(
        &["--dump-dom"],
        format!("file://{}#family=homelab", page.display()),
    );
    let dom = String::from_utf8_lossy(&out.stdout);
    assert!(
        dom.contains("data-ready=\"true\""),
        "the page's script ran: {dom}"
    );
    assert!(
        dom.contains(&format!(
            "data-shown=\"{homelab}\">{homelab} of {total} services shown"
        )),
        "{dom}"
    );
    assert_eq!(
        dom.matches("<g class=\"node ").count(),
        total,
        "every node is still in the page"
    );
    assert_eq!(
        dom.matches(" hidden\" data-service=").count(),
        total - homelab,
        "the other families' nodes are hidden"
    );
}
