//! Machine formats for CI: SARIF 2.1.0 (parsed with serde-sarif's types and validated against the
//! OASIS schema), GitHub annotations (chosen automatically under GitHub Actions), short lines.

use crate::common;

use common::{repo, skillc, tool_available, tree};
use std::process::Command;

const BAD: &str = "family:\n  name: shop\n  version: 1.0.0\n  description: A shop.\n  label_prefix: org.shop\nservices:\n  api:\n    description: API, with a \"quoted\" word.\n    layer: L2\n    scope: daemon\n    run: { program: /usr/local/bin/api }\n    requires: [databse]\n";

#[test]
fn sarif_parses_with_serde_sarif_and_has_rules_and_fingerprints() {
    let dir = tree(&[("shop/family.yaml", BAD)]);
    let run = skillc(&["check", "--format", "sarif", "shop"], dir.path());
    assert_eq!(run.code, 1);
    let log: serde_sarif::sarif::Sarif =
        serde_json::from_str(&run.stdout).expect("valid SARIF types");
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("json");
    assert_eq!(json["version"], "2.1.0");
    let run0 = &log.runs[0];
    let rules = run0.tool.driver.rules.as_ref().expect("rules");
    assert!(rules.len() > 20);
    let results = run0.results.as_ref().expect("results");
    assert_eq!(results.len(), 1);
    let r = &results[0];
    assert_eq!(r.rule_id.as_deref(), Some("unresolved-reference"));
    let idx = usize::try_from(r.rule_index.expect("index")).expect("index");
    assert_eq!(rules[idx].id, "unresolved-reference");
    assert!(
        rules[idx]
            .help
            .as_ref()
            .expect("help")
            .text
            .contains("## Bad")
    );
    // No placeholder URI: Cargo.toml's repository is under `.invalid` (it never resolves), so
    // there is no informationUri or helpUri, and the page itself is the rule's help.
    let repository = env!("CARGO_PKG_REPOSITORY");
    if repository.contains(".invalid") {
        assert_eq!(rules[idx].help_uri, None);
        assert_eq!(run0.tool.driver.information_uri, None);
        assert!(!run.stdout.contains(".invalid"), "no placeholder anywhere");
    } else {
        assert!(
            rules[idx]
                .help_uri
                .as_deref()
                .expect("uri")
                .ends_with("/unresolved-reference.md")
        );
    }
    let region =
        json["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"].clone();
    assert_eq!(
        (region["startLine"].as_i64(), region["startColumn"].as_i64()),
        (Some(12), Some(16))
    );
    assert_eq!(
        json["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "shop/family.yaml"
    );
    let fp = r.partial_fingerprints.as_ref().expect("fingerprints")["skillc/v1"].clone();

    // The fingerprint survives lines added above the finding.
    let shifted = BAD.replacen("services:", "# a comment\n\nservices:", 1);
    let dir = tree(&[("shop/family.yaml", &shifted)]);
    let json: serde_json::Value =
        serde_json::from_str(&skillc(&["check", "--format", "sarif", "shop"], dir.path()).stdout)
            .expect("json");
    assert_eq!(
        json["runs"][0]["results"][0]["partialFingerprints"]["skillc/v1"],
        fp
    );
    assert_eq!(
        json["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        14
    );
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    if !tool_available("python3", &["-c", "import jsonschema"]) {
        return;
    }
    let dir = tree(&[("shop/family.yaml", BAD)]);
    let out = dir.path().join("out.sarif");
    let run = skillc(&["check", "--format", "sarif", "shop"], dir.path());
    std::fs::write(&out, run.stdout).expect("write");
    let check = Command::new("python3")
        .arg("-c")
        .arg("import json,sys,jsonschema; s=json.load(open(sys.argv[1])); jsonschema.validators.validator_for(s).check_schema(s); jsonschema.validate(json.load(open(sys.argv[2])), s); print('valid')")
        .arg(repo().join("tests/fixtures/sarif-2.1.0.schema.json"))
        .arg(&out)
        .output()
        .expect("python3");
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn github_annotations_are_the_default_under_github_actions() {
    let dir = tree(&[("shop/family.yaml", BAD)]);
    let out = Command::new(env!("CARGO_BIN_EXE_skillc"))
        .args(["check", "shop"])
        .current_dir(dir.path())
        .env("GITHUB_ACTIONS", "true")
        .env("SKILLC_CACHE_DIR", common::cache_dir())
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.starts_with("::error file=shop/family.yaml,line=12,col=16,endLine=12,endColumn=23,title=skillc unresolved-reference::unknown service `databse`"),
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().count(),
        1,
        "newlines inside messages are escaped"
    );
}

/// After wide characters on a line, every format points at the same character: JSON and short
/// count characters, the human header does too (miette alone counts bytes), and SARIF says its
/// columns are code points (`columnKind`), not the UTF-16 units it would otherwise mean.
#[test]
fn columns_after_wide_characters_agree_in_every_format() {
    let text = BAD.replace(
        "    requires: [databse]\n",
        "    tags: [\"🦀🦀\", \"é\"]\n    requires: [\"😀\", databse]\n",
    );
    let dir = tree(&[("shop/family.yaml", &text)]);
    let json: serde_json::Value =
        serde_json::from_str(&skillc(&["check", "--format", "json", "shop"], dir.path()).stdout)
            .expect("json");
    let d = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| {
            d["code"] == "unresolved-reference"
                && d["message"].as_str().is_some_and(|m| m.contains("databse"))
        })
        .expect("finding")
        .clone();
    let (line, col) = (
        d["line"].as_u64().expect("line"),
        d["column"].as_u64().expect("col"),
    );
    // The character at that column is the start of `databse`.
    let src_line = text
        .lines()
        .nth(usize::try_from(line - 1).expect("line"))
        .expect("line");
    let at: String = src_line
        .chars()
        .skip(usize::try_from(col - 1).expect("col"))
        .collect();
    assert!(at.starts_with("databse"), "{line}:{col} points at {at:?}");
    assert!(col > 20, "{col}: the wide characters come first");
    let short = skillc(&["check", "--format", "short", "shop"], dir.path()).stdout;
    assert!(
        short.contains(&format!("shop/family.yaml:{line}:{col}:")),
        "{short}"
    );
    let human = skillc(&["check", "--format", "human", "shop"], dir.path()).stdout;
    assert!(
        human.contains(&format!("[shop/family.yaml:{line}:{col}]")),
        "{human}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&skillc(&["check", "--format", "sarif", "shop"], dir.path()).stdout)
            .expect("sarif");
    assert_eq!(sarif["runs"][0]["columnKind"], "unicodeCodePoints");
    let regions: Vec<(Option<u64>, Option<u64>)> = sarif["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            let region = &r["locations"][0]["physicalLocation"]["region"];
            (region["startLine"].as_u64(), region["startColumn"].as_u64())
        })
        .collect();
    assert!(regions.contains(&(Some(line), Some(col))), "{regions:?}");
}

/// Labels far apart in one file get a snippet each (their lines and one line of context), not one
/// snippet with everything between them: a dependency cycle over services 50 lines apart.
#[test]
fn far_apart_labels_get_their_own_snippets() {
    let svc = |n: &str, req: &str| {
        let mut filler = String::new();
        for i in 0..40 {
            filler.push_str("      # filler line ");
            filler.push_str(&i.to_string());
            filler.push('\n');
        }
        format!(
            "  {n}:\n    description: Service {n}.\n    layer: L1\n    scope: daemon\n    requires: [{req}]\n    run:\n      program: /bin/{n}\n{filler}    readiness:\n      probe: 'tcp(\"127.0.0.1:80\")'\n"
        )
    };
    let text = format!(
        "family: {{ name: fam, version: 1.0.0, description: d, label_prefix: org.fam }}\nservices:\n{}{}{}",
        svc("a", "b"),
        svc("b", "c"),
        svc("c", "a")
    );
    let dir = crate::common::tree(&[("fam/family.yaml", &text)]);
    let run = crate::common::skillc(&["check", "--format", "human", "fam"], dir.path());
    assert_eq!(run.code, 1);
    let out = &run.stdout;
    for edge in ["`a` requires `b`", "`b` requires `c`", "`c` requires `a`"] {
        assert!(out.contains(edge), "{out}");
    }
    assert!(
        !out.contains("filler line"),
        "a snippet spans the lines between labels:\n{out}"
    );
    assert!(out.lines().count() < 40, "{out}");
}
