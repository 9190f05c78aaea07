//! The tool manifest and the tool definitions derived from it, on the shipped skills and on small
//! families: deterministic, within MCP's naming rules, denied targets never offered, runners
//! applied, and a tree that changed after the build refused.

use serde_json::Value;
use skillc_mcp::model::{TOOLS_FILE, ToolManifest, manifest, manifest_bytes};
use skillc_mcp::server::client_name;
use skillc_mcp::tools::{definitions, valid_name};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn lower(paths: &[PathBuf]) -> skillc_ir::Ir {
    let loaded = skillc_syntax::load_paths(paths);
    assert!(loaded.path_errors.is_empty(), "{:?}", loaded.path_errors);
    skillc_ir::lower(&loaded).0
}

fn shipped() -> skillc_ir::Ir {
    lower(&[repo().join("skills")])
}

fn names(m: &ToolManifest, user: Option<&str>) -> Vec<String> {
    definitions(m, user).into_iter().map(|d| d.name).collect()
}

#[test]
fn the_shipped_tools_are_deterministic_valid_and_sorted() {
    let ir = shipped();
    let a = manifest_bytes(&ir);
    let b = manifest_bytes(&shipped());
    assert_eq!(a, b, "two builds of the same skills differ");
    let m = manifest(&ir);
    let file: Value = serde_json::from_slice(&a).expect("manifest");
    assert_eq!(file["tools"], serde_json::to_value(&m.tools).expect("json"));
    let all = names(&m, None);
    assert!(all.len() > 50, "{}", all.len());
    let mut sorted = all.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(all, sorted, "tools are sorted by name and unique");
    let exported: Vec<&str> = m.tools.iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(
        exported, all,
        "the exported tools are the server's for a runner of everything"
    );
    for t in &m.tools {
        let n = t["name"].as_str().expect("name");
        assert!(valid_name(n), "{n}");
        assert_eq!(t["inputSchema"]["type"], "object", "{n}");
        assert_eq!(t["inputSchema"]["additionalProperties"], false, "{n}");
        assert_eq!(t["outputSchema"]["type"], "object", "{n}");
        let a = &t["annotations"];
        assert_eq!(a["openWorldHint"], false, "{n}");
        let apply = n.rsplit('.').next() == Some("apply");
        assert_eq!(a["readOnlyHint"], !apply, "{n}");
        if apply {
            let risky = matches!(
                t["_meta"]["skillc/max_risk"].as_str(),
                Some("disruptive" | "destructive")
            );
            assert_eq!(a["destructiveHint"], risky, "{n}");
            let props = t["inputSchema"]["properties"].as_object().expect("props");
            assert!(props.contains_key("plan_hash"), "{n}");
            for k in props.keys() {
                assert!(
                    ["target", "params", "plan_hash", "approvals"].contains(&k.as_str()),
                    "{n}: argument {k}"
                );
            }
        }
    }
    // Every script the manifest names is one the script backend writes.
    let checked = skillc_analysis::analyze(ir, &[])
        .certify(&[])
        .unwrap_or_else(|_| unreachable!("nothing is refused"));
    let files: Vec<String> = skillc_backend_scripts::plan(&checked)
        .into_iter()
        .map(|f| f.path)
        .collect();
    for s in &m.skills {
        for t in &s.targets {
            assert!(files.contains(&t.script), "{} is not written", t.script);
        }
    }
    for f in &m.families {
        assert!(files.contains(&f.doctor), "{}", f.doctor);
    }
}

#[test]
fn denied_targets_are_never_offered_and_runners_decide_the_rest() {
    let m = manifest(&shipped());
    for d in definitions(&m, None) {
        if d.verb == skillc_mcp::tools::Verb::Doctor {
            continue;
        }
        let s = &m.skills[d.index];
        let offered: Vec<&Value> = d.json["inputSchema"]["properties"]["target"]["enum"]
            .as_array()
            .expect("enum")
            .iter()
            .collect();
        for t in &s.targets {
            let listed = offered.iter().any(|o| *o == t.target.as_str());
            assert_eq!(listed, !t.denied(), "{}: {}", d.name, t.target);
        }
    }
    // foundation-core's policy: ops run everything, oncall (dave) a list, root nothing.
    let alice = names(&m, Some("alice"));
    let dave = names(&m, Some("dave"));
    let root = names(&m, Some("root"));
    assert_eq!(alice, names(&m, None));
    assert!(dave.len() < alice.len());
    assert!(dave.iter().all(|n| alice.contains(n)));
    assert!(dave.contains(&"foundation-core.stale-pidfile.apply".to_owned()));
    assert!(
        !dave
            .iter()
            .any(|n| n.starts_with("foundation-core.storage-volume-not-mounted."))
    );
    assert_eq!(
        root,
        ["foundation-core.doctor"],
        "root is in no runner role"
    );
}

#[test]
fn a_family_whose_every_step_is_denied_offers_only_its_doctor() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fam = dir.path().join("d");
    std::fs::create_dir_all(&fam).expect("mkdir");
    std::fs::write(
        fam.join("family.yaml"),
        r#"
family: { name: d, version: 1.0.0, description: Denied., label_prefix: org.example.d }
services:
  s: { description: S., layer: L3, scope: daemon, capabilities: [serve_api], run: { program: /bin/sleep } }
skills:
  wipe:
    title: Wipe
    severity: low
    applies_to: { services: [s] }
    detect: 'file_exists("/nonexistent")'
    remediate:
      - { id: wipe, action: run, with: { argv: [/bin/true], risk: destructive } }
    verify: '!file_exists("/nonexistent")'
    on_failure: stop
policy:
  rules:
    - { match: { risk: destructive }, outcome: deny }
    - { match: { risk: read_only }, outcome: auto }
"#,
    )
    .expect("write");
    let m = manifest(&lower(&[fam]));
    assert_eq!(names(&m, None), ["d.doctor"]);
    assert_eq!(m.skills[0].targets[0].steps[0].outcome, "deny");
}

#[test]
fn client_names_reach_the_scripts_only_as_safe_characters() {
    for (raw, want) in [
        (Some("claude-code"), "claude-code"),
        (Some("Claude Code/2.1"), "Claude_Code_2.1"),
        (Some("-rf"), "_rf"),
        (Some("a\nb\u{0}c"), "a_b_c"),
        (Some("é"), "_"),
        (Some(""), "unnamed-client"),
        (None, "unnamed-client"),
    ] {
        assert_eq!(client_name(raw), want, "{raw:?}");
    }
    let long = "x".repeat(500);
    assert_eq!(client_name(Some(&long)).len(), 64);
}

#[test]
fn a_tree_changed_after_the_build_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("tree");
    std::fs::create_dir_all(out.join("f/remediate")).expect("mkdir");
    let tools = manifest_bytes(&shipped());
    let script = b"#!/bin/sh\necho '{}'\n".to_vec();
    let sha = |b: &[u8]| {
        use sha2::Digest as _;
        sha2::Sha256::digest(b)
            .iter()
            .fold(String::new(), |mut s, x| {
                use std::fmt::Write as _;
                let _ = write!(s, "{x:02x}");
                s
            })
    };
    std::fs::write(out.join(TOOLS_FILE), &tools).expect("write");
    std::fs::write(out.join("f/remediate/x.sh"), &script).expect("write");
    let manifest_json = serde_json::json!({
        "generator": "skillc",
        "files": [
            {"path": TOOLS_FILE, "sha256": sha(&tools), "executable": false},
            {"path": "f/remediate/x.sh", "sha256": sha(&script), "executable": true},
        ]
    });
    std::fs::write(out.join("manifest.json"), manifest_json.to_string()).expect("write");
    let tree = skillc_mcp::Tree::load(&out).expect("loads");
    assert!(tree.checked("f/remediate/x.sh").is_ok());
    for bad in ["../manifest.json", "/etc/passwd", "f/remediate/y.sh", ""] {
        assert!(tree.checked(bad).is_err(), "{bad}");
    }
    // A script changed after the build is not run.
    std::fs::write(out.join("f/remediate/x.sh"), b"#!/bin/sh\nrm -rf /\n").expect("write");
    let e = tree.checked("f/remediate/x.sh").expect_err("changed");
    assert!(e.contains("changed after the build"), "{e}");
    // A tool manifest changed after the build: the tree is refused.
    let mut t = tools.clone();
    t.extend_from_slice(b" ");
    std::fs::write(out.join(TOOLS_FILE), &t).expect("write");
    let e = skillc_mcp::Tree::load(&out).expect_err("tampered");
    assert!(e.contains("rebuild"), "{e}");
    // Not a skillc tree at all.
    std::fs::write(out.join("manifest.json"), "{}").expect("write");
    assert!(skillc_mcp::Tree::load(&out).is_err());
    assert!(skillc_mcp::Tree::load(&dir.path().join("missing")).is_err());
}

/// A parameter a target sets itself (`params:`) is listed as bound for that target, and the
/// tool no longer requires it: the quickstart's media-index sets `port` for port-in-use.
#[test]
fn a_parameter_a_service_sets_is_bound_for_that_target_only() {
    let ir = lower(&[repo().join("skills"), repo().join("examples/quickstart")]);
    let m = manifest(&ir);
    let skill = m
        .skills
        .iter()
        .find(|s| s.skill == "launchd-doctor/port-in-use")
        .expect("port-in-use");
    assert!(skill.params.iter().any(|p| p.name == "port"));
    let bound: Vec<(&str, &[String])> = skill
        .targets
        .iter()
        .map(|t| (t.target.as_str(), t.bound.as_slice()))
        .collect();
    for (target, b) in &bound {
        if *target == "homelab/media-index" {
            assert_eq!(*b, ["port".to_owned()], "{bound:?}");
        } else {
            assert!(b.is_empty(), "{target}: {b:?}");
        }
    }
    let tool = definitions(&m, None)
        .into_iter()
        .find(|d| d.name == "launchd-doctor.port-in-use.plan")
        .expect("tool");
    let required = &tool.json["inputSchema"]["properties"]["params"]["required"];
    assert!(
        !required
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x == "port")),
        "{required}"
    );
}
