//! Every rule's `skillc explain` page, checked as Ruff checks its rules: with only that rule
//! enabled, the page's Bad example (a one-file family) makes the rule fire and its Good example
//! gives no finding. The Bad example's human rendering is snapshotted beside its input.

use crate::common;

use common::{skillc, tree};
use skillc::pipeline::{self, CheckOptions, Checked};
use skillc::registry;
use skillc_diagnostics::{RuleInfo, SourceMap, render_human};

/// Rules whose cause cannot be written as YAML text (I/O, encodings, layout across files).
const PROSE_ONLY: &[&str] = &[
    "read-error",
    "invalid-utf8",
    "file-too-large",
    "misplaced-family-section",
];

/// `yaml` as `fam/family.yaml` in a new directory, checked with only `rule` enabled; the paths
/// of the findings are relative to that directory (`fam/family.yaml`).
fn check_only(rule: &'static RuleInfo, yaml: &str) -> Checked {
    let dir = tree(&[("fam/family.yaml", yaml)]);
    let options = CheckOptions {
        only: Some(rule),
        ..CheckOptions::default()
    };
    let mut checked = pipeline::check(&[dir.path().join("fam")], &options);
    let mut relative = SourceMap::new();
    for (_, file) in checked.sources.files() {
        let path = file
            .path
            .strip_prefix(&format!("{}/", dir.path().display()));
        relative.add(path.unwrap_or(&file.path), file.text.clone());
    }
    checked.sources = relative;
    checked
}

fn codes(checked: &Checked) -> Vec<&'static str> {
    checked.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn every_rule_has_a_complete_page() {
    let rules = registry::all_rules();
    assert!(rules.len() >= 20, "{}", rules.len());
    let mut ids: Vec<&str> = rules.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rules.len(), "rule ids are unique");
    for rule in rules {
        let page = rule.page();
        assert!(page.starts_with(&format!("# {}\n", rule.id)), "{}", rule.id);
        for section in [
            "## What it does",
            "## Why",
            "## Bad",
            "## Good",
            "## How to fix",
            "## How to suppress",
        ] {
            assert!(
                page.contains(section),
                "{}: page lacks `{section}`",
                rule.id
            );
        }
    }
}

#[test]
fn every_bad_example_fires_its_rule_and_every_good_example_is_clean_with_only_that_rule() {
    let analysis: Vec<&str> = skillc_analysis::rules().map(|r| r.id).collect();
    for rule in registry::all_rules() {
        let id = rule.id;
        let (bad, good) = (rule.example("Bad"), rule.example("Good"));
        if PROSE_ONLY.contains(&id) {
            assert!(
                bad.is_none(),
                "{id} is listed as prose-only but has a YAML example"
            );
            continue;
        }
        let bad = bad.unwrap_or_else(|| panic!("{id}: no ```yaml block under ## Bad"));
        let good = good.unwrap_or_else(|| panic!("{id}: no ```yaml block under ## Good"));

        let checked = check_only(rule, &bad);
        let found: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.code == id)
            .collect();
        assert!(
            !found.is_empty(),
            "{id}: Bad example gave {:?}",
            codes(&checked)
        );
        for d in found {
            assert_eq!(d.severity, rule.default_severity, "{id}: severity");
            assert!(d.span.is_some(), "{id}: finding without a location");
            assert!(
                !analysis.contains(&id) || d.help.is_some(),
                "{id}: an analysis finding says how to fix it"
            );
        }

        let checked = check_only(rule, &good);
        assert_eq!(codes(&checked), Vec::<&str>::new(), "{id}: Good example");
        assert!(!checked.fails(), "{id}");
    }
}

#[test]
fn only_one_rule_keeps_its_findings_and_the_input_errors() {
    let find = |id: &str| registry::find(id).unwrap_or_else(|| panic!("{id}"));
    let raw_shell = find("raw-shell");
    let bad = raw_shell.example("Bad").expect("Bad");
    assert_eq!(codes(&check_only(raw_shell, &bad)), ["raw-shell"]);
    assert_eq!(
        codes(&check_only(find("uncovered-service"), &bad)),
        Vec::<&str>::new()
    );

    // An input error stops the run whichever rule is enabled.
    let broken = bad.replace("layer: L3", "layer: L9");
    let checked = check_only(raw_shell, &broken);
    assert_eq!(codes(&checked), ["invalid-value"]);
    assert!(checked.fails());
}

#[test]
fn every_bad_example_renders_readably() {
    for rule in registry::all_rules() {
        let Some(input) = rule.example("Bad") else {
            continue;
        };
        let checked = check_only(rule, &input);
        let human = render_human(&checked.sources, &checked.diagnostics, false, 100);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(rule.id);
        settings.set_prepend_module_to_snapshot(false);
        settings.set_omit_expression(true);
        settings.bind(|| {
            insta::assert_snapshot!(
                "rule",
                format!(
                    "# Input: fam/family.yaml\n{input}\n# skillc check fam, only {} enabled (exit {})\n{human}",
                    rule.id,
                    i32::from(checked.fails())
                )
            );
        });
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
