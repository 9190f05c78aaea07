//! Every rule's `skillc explain` page: its Bad example must trigger exactly that rule, its Good
//! example nothing. The examples run through the real binary as one-file families.

mod common;

use common::{check_json, codes, skillc, tree};

/// Rules whose cause cannot be written as YAML text (I/O, encodings, layout across files).
const PROSE_ONLY: &[&str] = &[
    "read-error",
    "invalid-utf8",
    "file-too-large",
    "misplaced-family-section",
];

fn rule_ids() -> Vec<String> {
    let run = skillc(&["explain", "--list"], &common::repo());
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.stdout
        .lines()
        .map(|l| l.split_whitespace().next().expect("id").to_owned())
        .collect()
}

fn example(page: &str, section: &str) -> Option<String> {
    let heading = format!("## {section}");
    let after = &page[page.find(&heading)? + heading.len()..];
    let next_heading = after.find("\n## ").unwrap_or(after.len());
    let body = &after[..next_heading];
    let start = body.find("```yaml\n")? + "```yaml\n".len();
    let end = start + body[start..].find("```")?;
    Some(body[start..end].to_owned())
}

#[test]
fn every_rule_has_a_complete_page() {
    let ids = rule_ids();
    assert!(ids.len() >= 20, "{ids:?}");
    for id in &ids {
        let run = skillc(&["explain", id], &common::repo());
        assert_eq!(run.code, 0, "{id}");
        for section in [
            "# ",
            "## What it does",
            "## Why",
            "## Bad",
            "## Good",
            "## How to fix",
        ] {
            assert!(run.stdout.contains(section), "{id}: page lacks `{section}`");
        }
        assert!(
            run.stdout.starts_with(&format!("# {id}\n")),
            "{id}: page title"
        );
    }
}

#[test]
fn every_bad_example_triggers_its_rule_and_every_good_example_is_clean() {
    for id in rule_ids() {
        let page = skillc(&["explain", &id], &common::repo()).stdout;
        let (bad, good) = (example(&page, "Bad"), example(&page, "Good"));
        if PROSE_ONLY.contains(&id.as_str()) {
            assert!(
                bad.is_none(),
                "{id} is listed as prose-only but has a YAML example"
            );
            continue;
        }
        let bad = bad.unwrap_or_else(|| panic!("{id}: no ```yaml block under ## Bad"));
        let good = good.unwrap_or_else(|| panic!("{id}: no ```yaml block under ## Good"));

        let dir = tree(&[("fam/family.yaml", &bad)]);
        let (code, json) = check_json(dir.path(), &["fam"]);
        let found = codes(&json);
        assert!(
            !found.is_empty() && found.iter().all(|c| *c == id),
            "{id}: Bad example gave {found:?}"
        );
        let is_error = json["diagnostics"][0]["severity"] == "error";
        assert_eq!(code, i32::from(is_error), "{id}: exit code");

        let dir = tree(&[("fam/family.yaml", &good)]);
        let (code, json) = check_json(dir.path(), &["fam"]);
        assert_eq!(
            codes(&json),
            Vec::<String>::new(),
            "{id}: Good example is not clean"
        );
        assert_eq!(code, 0, "{id}");
    }
}

#[test]
fn explain_suggests_close_rule_ids() {
    let run = skillc(&["explain", "unknown-kye"], &common::repo());
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `unknown-key`?"),
        "{}",
        run.stderr
    );
}

#[test]
fn committed_rule_docs_are_fresh() {
    let dir = tempfile::tempdir().expect("tmp");
    let run = skillc(
        &["explain", "--out", dir.path().to_str().expect("utf8")],
        &common::repo(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let committed = common::repo().join("docs/rules");
    let mut names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("ls")
        .map(|e| e.expect("entry").file_name())
        .collect();
    names.sort();
    let mut committed_names: Vec<_> = std::fs::read_dir(&committed)
        .expect("docs/rules exists")
        .map(|e| e.expect("entry").file_name())
        .collect();
    committed_names.sort();
    assert_eq!(
        names, committed_names,
        "docs/rules is stale: run `cargo run -- explain --out docs/rules`"
    );
    for name in names {
        let fresh = std::fs::read_to_string(dir.path().join(&name)).expect("fresh");
        let old = std::fs::read_to_string(committed.join(&name)).expect("committed");
        assert!(
            fresh == old,
            "docs/rules/{} is stale: run `cargo run -- explain --out docs/rules`",
            name.to_string_lossy()
        );
    }
}
