//! Hostile strings (quotes, `$(...)`, backquotes, newlines, globs, leading dashes) in every
//! field that reaches a script are passed through literally: the script is generated, run, and
//! its output and audit log hold the exact string.

mod common;

use common::{Host, text};
use proptest::prelude::*;

fn yaml_str(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn family(h: &str) -> String {
    let q = yaml_str(h);
    let prog = yaml_str(&format!("/usr/local/bin/{h}"));
    format!(
        r#"family:
  name: evil
  version: 1.0.0
  description: Hostile strings.
  label_prefix: org.example.evil
services:
  web:
    description: A web app.
    layer: L3
    scope: session
    capabilities: [serve_api]
    run:
      program: {prog}
      working_dir: {wd}
skills:
  echo:
    title: {q}
    severity: low
    applies_to: {{ services: [web] }}
    params:
      p: {{ type: string, default: {q} }}
    detect: 'true'
    diagnose:
      - {{ id: show, action: run, with: {{ argv: [/usr/bin/printf, "[%s]\n", "{{param.p}}", "{{service.program}}", {q}, "{{service.working_dir}}"], risk: read_only }} }}
    remediate:
      - {{ id: say, action: notify, with: {{ message: {q} }} }}
      - {{ id: when-check, action: notify, with: {{ message: "param file" }}, when: '!file_exists(param("p"))' }}
    verify: 'true'
policy:
  rules:
    - {{ match: {{}}, outcome: auto }}
"#,
        wd = yaml_str(&format!("/tmp/{h}")),
    )
}

fn check(h: &str, shell: &[String]) {
    let host = Host::new(shell);
    let fam = common::write_family(host.path(), "evil", &family(h));
    let (ir, diags) = common::load(&[fam]);
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{h:?}: {errors:#?}");
    let out = host.path().join("out");
    common::write_tree(&out, &common::emit_test(&common::exercised(ir)));
    let s = out.join("evil/remediate/evil--echo--web.sh");
    let o = host.run(&s, &["--apply"]);
    assert_eq!(o.status.code(), Some(0), "{h:?}: {}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    for want in [
        format!("[{h}]\n[/usr/local/bin/{h}]\n[{h}]\n[/tmp/{h}]\n"),
        format!("NOTE: {h}\n"),
    ] {
        assert!(
            stdout.contains(&want),
            "{h:?}: missing {want:?} in {}",
            text(&o)
        );
    }
    let audit = host.validate_audit();
    assert!(
        audit
            .iter()
            .any(|r| r["event"] == "notify" && r["message"] == h),
        "{h:?}: notify not in the audit log"
    );
    assert!(!host.path().join("pwned").exists());
}

fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("$(touch pwned)".to_owned()),
        Just("`touch pwned`".to_owned()),
        Just("\n".to_owned()),
        Just("*".to_owned()),
        Just("?[a]".to_owned()),
        Just("-rf".to_owned()),
        Just("--".to_owned()),
        Just("\\".to_owned()),
        Just("%s%n".to_owned()),
        Just("$HOME".to_owned()),
        Just(";|&<>".to_owned()),
        Just("\t".to_owned()),
        Just("é✓".to_owned()),
        "[a-z ]{0,4}",
    ];
    proptest::collection::vec(piece, 1..6).prop_map(|v| v.concat())
}

#[test]
fn fixed_hostile_strings_round_trip() {
    for shell in common::shells() {
        check(
            "-n 'a' \"b\" $(touch pwned) `touch pwned` *\n\\ %s $HOME",
            &shell,
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn hostile_strings_round_trip(h in hostile()) {
        let shell = common::shells().remove(0);
        check(&h, &shell);
    }
}
