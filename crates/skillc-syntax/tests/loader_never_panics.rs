//! The loader turns any input into a document or a diagnostic inside the file; it never panics.

use proptest::prelude::*;
use skillc_diagnostics::SourceMap;
use skillc_syntax::{parse_document, parse_document_all};

const SEED: &str = "family:\n  name: demo\n  version: 1.0.0\n  description: d\nservices:\n  web:\n    description: \"A web server\"\n    layer: L3\n    scope: session\n    run: { program: /bin/web, args: [a, 'b'] }\n    requires: [db, bus:org.x]\n    readiness: { probe: 'tcp(\"127.0.0.1:80\")', timeout: 1s }\nskills:\n  s:\n    title: t\n    severity: low\n    applies_to: { tags: [x] }\n    detect: 'true'\n    remediate:\n      - id: l\n        loop: { max: 3, steps: [{ id: k, action: notify, with: { message: hi } }] }\npolicy:\n  rules:\n    - { match: { risk: read_only }, outcome: { approve: { count: 1, roles: [ops] } } }\n";

fn check(text: &str) {
    let mut map = SourceMap::new();
    let id = map.add("fuzz.yaml", text);
    let file = map.get(id).expect("file");
    if let Err(d) = parse_document(file, id) {
        let span = d.span.expect("every load error has a span");
        assert!(
            span.start <= span.end && span.end as usize <= text.len(),
            "span {span:?} outside the file"
        );
        assert!(
            text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize)
        );
        assert!(!d.message.is_empty());
    }
    // Finding every error: each one placed inside the file, the first one the same, and no
    // document with an item that had an error.
    let first = parse_document(file, id).err();
    match parse_document_all(file, id) {
        Ok(_) => assert!(first.is_none(), "all-errors parse found none: {first:?}"),
        Err(rec) => {
            assert!(!rec.diagnostics.is_empty());
            assert!(rec.diagnostics.len() <= skillc_syntax::MAX_ERRORS_PER_FILE);
            for d in &rec.diagnostics {
                let span = d.span.expect("every load error has a span");
                assert!(span.start <= span.end && span.end as usize <= text.len());
                assert!(
                    text.is_char_boundary(span.start as usize)
                        && text.is_char_boundary(span.end as usize)
                );
                assert!(!d.message.is_empty());
            }
            let first = first.expect("the first-error parse fails too");
            assert!(
                rec.diagnostics.iter().any(|d| d.code == first.code),
                "first {first:?} not among {:?}",
                rec.diagnostics
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text(text in "\\PC{0,300}") {
        check(&text);
    }

    #[test]
    fn yaml_shaped_noise(text in "([a-z]{1,6}|[:\\-\\[\\]{},'\"&*!|>#\\n ]|  ){0,120}") {
        check(&text);
    }

    #[test]
    fn mutated_valid_documents(cut in 0usize..SEED.len(), insert in "\\PC{0,8}", drop in 0usize..6) {
        let mut text = SEED.to_owned();
        let mut at = cut;
        while !text.is_char_boundary(at) { at -= 1; }
        let end = (at + drop).min(text.len());
        let end = (end..=text.len()).find(|i| text.is_char_boundary(*i)).unwrap_or(text.len());
        text.replace_range(at..end, &insert);
        check(&text);
    }
}

#[test]
fn the_seed_document_parses() {
    let mut map = SourceMap::new();
    let id = map.add("seed.yaml", SEED);
    let doc = parse_document(map.get(id).expect("file"), id).expect("seed parses");
    assert_eq!(doc.services.map(|s| s.len()), Some(1));
    assert_eq!(doc.skills.map(|s| s.len()), Some(1));
}

#[test]
fn very_deep_nesting_is_a_diagnostic() {
    let text = format!(
        "policy:\n  roles:\n    ops: {}{}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    check(&text);
    let mut map = SourceMap::new();
    let id = map.add("deep.yaml", text.as_str());
    let d = parse_document(map.get(id).expect("file"), id).expect_err("too deep");
    assert_eq!(d.code, "yaml-limits", "{d:?}");
}
