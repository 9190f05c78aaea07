//! `skillc.toml` (rule levels, fail-on, strict keys) and `# skillc: ignore[...]` comments.

use crate::common;

use common::{check_json, codes_of, skillc, tree};

/// What these tests are about: the one finding of [`family`], and the findings suppressions and
/// configuration give rise to.
const ABOUT: &[&str] = &[
    "launchd-raw-key",
    "suppression-reason",
    "unused-suppression",
    "unknown-rule",
    "unsuppressible-rule",
    "unresolved-reference",
];

fn codes(json: &serde_json::Value) -> Vec<String> {
    codes_of(json, ABOUT)
}

/// The `launchd-raw-key` finding.
fn raw_key(json: &serde_json::Value) -> &serde_json::Value {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "launchd-raw-key")
        .unwrap_or_else(|| panic!("no launchd-raw-key in {json:#}"))
}

/// A clean family with one warning-level finding: a raw launchd key on `web`.
fn family(comment: &str) -> String {
    format!(
        "family:\n  name: demo\n  version: 1.0.0\n  description: Demo.\n  label_prefix: org.example\nservices:\n  web:\n    description: A web server.\n    layer: L3\n    scope: session\n    capabilities: [serve_api]\n    run:\n      program: /usr/local/bin/web\n{comment}      launchd: {{ JetsamProperties: {{ JetsamPriority: 40 }} }}\n    readiness:\n      probe: 'tcp(\"127.0.0.1:8080\")'\nskills:\n  web-down:\n    title: The web server does not answer\n    severity: medium\n    applies_to: {{ services: [web] }}\n    detect: '!ready(service)'\n    remediate:\n      - {{ id: restart, action: launchctl.kickstart, with: {{ target: service, kill: true }} }}\npolicy:\n  rules:\n    - {{ match: {{}}, outcome: confirm }}\n"
    )
}

#[test]
fn a_warning_passes_unless_fail_on_warning() {
    let dir = tree(&[("fam/family.yaml", &family(""))]);
    let (code, json) = check_json(dir.path(), &["fam"]);
    assert_eq!(codes(&json), ["launchd-raw-key"]);
    assert_eq!(raw_key(&json)["severity"], "warning");
    assert_eq!(code, 0);

    std::fs::write(dir.path().join("skillc.toml"), "fail-on = \"warning\"\n").expect("write");
    let (code, _) = check_json(dir.path(), &["fam"]);
    assert_eq!(code, 1);
}

#[test]
fn rule_levels_raise_lower_and_silence() {
    let dir = tree(&[
        ("fam/family.yaml", &family("")),
        ("skillc.toml", "[rules]\nlaunchd-raw-key = \"error\"\n"),
    ]);
    let (code, json) = check_json(dir.path(), &["fam"]);
    assert_eq!(
        (code, raw_key(&json)["severity"].as_str()),
        (1, Some("error"))
    );

    std::fs::write(
        dir.path().join("skillc.toml"),
        "[rules]\nlaunchd-raw-key = \"off\"\n",
    )
    .expect("write");
    let (code, json) = check_json(dir.path(), &["fam"]);
    assert_eq!((code, codes(&json).len()), (0, 0));
}

#[test]
fn the_config_is_found_by_walking_up_from_the_checked_path() {
    let dir = tree(&[
        ("repo/skills/fam/family.yaml", &family("")),
        ("repo/skillc.toml", "[rules]\nlaunchd-raw-key = \"off\"\n"),
    ]);
    let (_, json) = check_json(&dir.path().join("repo/skills"), &["fam"]);
    assert!(codes(&json).is_empty(), "{json:#}");
}

#[test]
fn bad_configs_are_usage_errors() {
    for (text, expect) in [
        ("fail_on = \"warning\"\n", "unknown field `fail_on`"),
        (
            "[rules]\nlaunchd-raw-ky = \"off\"\n",
            "did you mean `launchd-raw-key`?",
        ),
        ("[rules]\nyaml-syntax = \"off\"\n", "cannot be changed"),
        ("[rules]\nlaunchd-raw-key = \"quiet\"\n", "skillc.toml:2:19"),
    ] {
        let dir = tree(&[("fam/family.yaml", &family("")), ("skillc.toml", text)]);
        let run = skillc(&["check", "fam"], dir.path());
        assert_eq!(run.code, 2, "{text}");
        assert!(run.stderr.contains(expect), "{text}: {}", run.stderr);
    }
}

#[test]
fn a_suppression_with_a_reason_silences_and_is_counted() {
    let own_line =
        family("      # skillc: ignore[launchd-raw-key] the jetsam band keeps the bus alive\n");
    let dir = tree(&[("fam/family.yaml", &own_line)]);
    let (code, json) = check_json(dir.path(), &["fam"]);
    assert_eq!((code, codes(&json).len()), (0, 0), "{json:#}");
    assert_eq!(json["summary"]["suppressed"], 1);

    let trailing = family("").replace(
        "launchd: { JetsamProperties: { JetsamPriority: 40 } }",
        "launchd: { JetsamProperties: { JetsamPriority: 40 } } # skillc: ignore[launchd-raw-key] needed",
    );
    let dir = tree(&[("fam/family.yaml", &trailing)]);
    let (_, json) = check_json(dir.path(), &["fam"]);
    assert_eq!(json["summary"]["suppressed"], 1);
}

#[test]
fn suppressions_without_reason_unknown_or_unused_are_reported() {
    let no_reason = family("      # skillc: ignore[launchd-raw-key]\n");
    let dir = tree(&[("fam/family.yaml", &no_reason)]);
    let (code, json) = check_json(dir.path(), &["fam"]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&json),
        ["suppression-reason", "launchd-raw-key"],
        "a reasonless comment suppresses nothing"
    );

    let wrong_line = family("").replace(
        "    readiness:\n",
        "    # skillc: ignore[launchd-raw-key] wrong place\n    readiness:\n",
    );
    let dir = tree(&[("fam/family.yaml", &wrong_line)]);
    let (_, json) = check_json(dir.path(), &["fam"]);
    assert_eq!(codes(&json), ["launchd-raw-key", "unused-suppression"]);

    let locked = family("      # skillc: ignore[unresolved-reference, no-such-rule] try\n");
    let dir = tree(&[("fam/family.yaml", &locked)]);
    let (_, json) = check_json(dir.path(), &["fam"]);
    // A rule that exists but cannot be suppressed has its own code.
    assert_eq!(
        codes(&json),
        ["unsuppressible-rule", "unknown-rule", "launchd-raw-key"]
    );
}

#[test]
fn suppressions_are_not_called_unused_when_an_error_stopped_the_analysis() {
    let text =
        family("      # skillc: ignore[launchd-raw-key] the jetsam band keeps the bus alive\n")
            .replace("    readiness:\n", "    requires: [nope]\n    readiness:\n");
    let dir = tree(&[("fam/family.yaml", &text)]);
    let (code, json) = check_json(dir.path(), &["fam"]);
    assert_eq!(code, 1);
    assert_eq!(codes(&json), ["unresolved-reference"], "{json:#}");
}
