//! The rule pages: structure, and their Bad/Good examples checked at the expression level (the
//! whole-pipeline check of the same examples lives with the CLI).

mod common;

use common::Env;
use skillc_diagnostics::{Diagnostic, FileId, Severity, Span, Stage};
use skillc_expr::{RULES, Type, origin_for, parse, typecheck};

const FILE: FileId = FileId(0);

/// Runs every expression scalar of the example family (`probe:` and `detect:` lines) through
/// parse and typecheck, with spans in the example's own text.
fn expression_findings(yaml: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in yaml.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        for key in ["probe: ", "detect: "] {
            let Some(at) = body.find(key) else { continue };
            let start = at + key.len();
            let raw = &body[start..];
            assert!(raw.starts_with('\'') && raw.ends_with('\''), "{raw}");
            // Single-quoted YAML: '' is the only escape.
            let value = raw[1..raw.len() - 1].replace("''", "'");
            let scalar = Span::new(FILE, offset + start, offset + start + raw.len());
            let origin = origin_for(FILE, scalar, raw, &value);
            assert!(origin.content_start.is_some());
            let env = if key == "probe: " {
                Env::probe()
            } else {
                Env {
                    params: vec![("lock", Type::String)],
                    ..Env::skill()
                }
            };
            match parse(&value, &origin) {
                Ok(e) => out.extend(typecheck(&e, &env, Type::Bool)),
                Err(d) => out.push(d),
            }
        }
        offset += line.len();
    }
    out
}

#[test]
fn every_rule_has_a_complete_page() {
    let mut ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len(), "duplicate rule ids");
    for rule in RULES {
        assert!(rule.id.starts_with("expr-"), "{}", rule.id);
        assert!(
            rule.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{}",
            rule.id
        );
        assert_eq!(rule.stage, Stage::Expression);
        assert_eq!(rule.default_severity, Severity::Error);
        let page = rule.page();
        let headings: Vec<_> = page.lines().filter(|l| l.starts_with('#')).collect();
        assert_eq!(
            headings,
            [
                format!("# {}", rule.id).as_str(),
                "## What it does",
                "## Why",
                "## Bad",
                "## Good",
                "## How to fix",
                "## How to suppress"
            ],
            "{}",
            rule.id
        );
        assert_eq!(page.matches("```yaml").count(), 2, "{}", rule.id);
    }
}

#[test]
fn bad_examples_trigger_their_rule_and_good_ones_nothing() {
    for rule in RULES {
        let bad = rule.example("Bad").expect("a Bad example");
        let good = rule.example("Good").expect("a Good example");
        let found: Vec<_> = expression_findings(&bad).iter().map(|d| d.code).collect();
        assert!(
            found.contains(&rule.id),
            "Bad example of {}: {found:?}",
            rule.id
        );
        assert_eq!(
            expression_findings(&good),
            vec![],
            "Good example of {}",
            rule.id
        );
        assert!(bad.starts_with("family:\n  name: demo\n"), "{}", rule.id);
    }
}

#[test]
fn bad_example_findings_point_inside_the_yaml() {
    let rule = RULES
        .iter()
        .find(|r| r.id == "expr-unknown-function")
        .expect("rule");
    let bad = rule.example("Bad").expect("bad");
    let d = &expression_findings(&bad)[0];
    let span = d.span.expect("span");
    assert_eq!(&bad[span.start as usize..span.end as usize], "tpc");
}
