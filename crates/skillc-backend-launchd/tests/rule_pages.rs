//! Every `launchd-*` page: with only that rule enabled, the Bad example lowers cleanly and fires
//! the rule, and the Good example lowers cleanly and gives no finding of it.

mod common;

use skillc_backend_launchd::{check, rules};
use skillc_diagnostics::{Diagnostic, RuleInfo, Stage};

#[test]
fn pages_are_complete_and_ids_unique() {
    let mut ids: Vec<&str> = rules().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), rules().count());
    for r in rules() {
        assert!(r.id.starts_with("launchd-"), "{}", r.id);
        assert_eq!(r.stage, Stage::Analysis);
        let page = r.page();
        assert!(page.starts_with(&format!("# {}\n", r.id)), "{}", r.id);
        for section in [
            "## What it does",
            "## Why",
            "## Bad",
            "## Good",
            "## How to fix",
            "## How to suppress",
        ] {
            assert!(page.contains(section), "{}: {section}", r.id);
        }
    }
}

/// This backend's findings of one rule: the rule run alone.
fn only(rule: &RuleInfo, ir: &skillc_ir::Ir) -> Vec<Diagnostic> {
    check(ir)
        .into_iter()
        .filter(|d| d.code == rule.id)
        .collect()
}

#[test]
fn bad_examples_fire_their_rule_and_good_examples_not_with_only_that_rule() {
    for r in rules() {
        let bad = r
            .example("Bad")
            .unwrap_or_else(|| panic!("{}: no Bad", r.id));
        let (_t, ir, diags) = common::family(&bad);
        assert!(
            diags.is_empty(),
            "{}: Bad example does not lower cleanly: {diags:#?}",
            r.id
        );
        let found = only(r, &ir);
        assert!(!found.is_empty(), "{}: Bad example", r.id);
        assert_eq!(found[0].severity, r.default_severity, "{}", r.id);
        assert!(
            found[0].span.is_some(),
            "{}: finding without a location",
            r.id
        );

        let good = r
            .example("Good")
            .unwrap_or_else(|| panic!("{}: no Good", r.id));
        let (_t, ir, diags) = common::family(&good);
        assert!(diags.is_empty(), "{}: Good example: {diags:#?}", r.id);
        assert_eq!(only(r, &ir), vec![], "{}: Good example", r.id);
    }
}

#[test]
fn shipped_families_have_no_launchd_findings() {
    let ir = common::shipped();
    let found: Vec<(&str, String)> = check(&ir)
        .into_iter()
        .map(|d| (d.code, d.message))
        .collect();
    // Every key the shipped families set has a typed field: no escape hatch is left to warn about.
    assert_eq!(found, Vec::<(&str, String)>::new());
}
