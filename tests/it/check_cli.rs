//! `skillc check` as CI and pre-commit hooks use it: exit codes, JSON contract, every error of a
//! run reported with exact positions.

use crate::common;

use common::{check_json, codes, codes_of, skillc, tree};
use serde_json::Value;

const FAMILY: &str =
    "family:\n  name: shop\n  version: 1.0.0\n  description: A shop.\n  label_prefix: org.shop\n";

const SERVICES: &str = r#"services:
  db:
    description: Database.
    layer: L1
    scope: daemon
    run: { program: /usr/local/bin/db }
    readiness: { probe: 'tcp("127.0.0.1:5432")' }
  db:
    description: The same id again.
    layer: L1
    scope: daemon
    run: { program: /usr/local/bin/db2 }
  api:
    description: API.
    layer: L2
    scope: daemon
    run: { program: /usr/local/bin/api }
    requires: [db, cache]
    readiness: { probe: 'http("http://127.0.0.1/health") == "200"' }
"#;

fn corpus() -> tempfile::TempDir {
    tree(&[
        ("shop/family.yaml", FAMILY),
        // one structural error per file
        (
            "shop/typo.yaml",
            "services:\n  web:\n    description: Web.\n    layr: L3\n",
        ),
        (
            "shop/enum.yaml",
            "services:\n  web2:\n    description: Web.\n    layer: L3\n    scope: sesion\n",
        ),
        (
            "shop/duration.yaml",
            "services:\n  web3:\n    description: Web.\n    layer: L3\n    scope: session\n    run:\n      program: /bin/web\n      throttle: 10 seconds\n",
        ),
        ("shop/semantic.yaml", SERVICES),
    ])
}

fn find<'a>(json: &'a Value, code: &str) -> &'a Value {
    json["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {json:#}"))
}

fn pos(d: &Value) -> (String, u64, u64) {
    (
        d["file"].as_str().expect("file").to_owned(),
        d["line"].as_u64().expect("line"),
        d["column"].as_u64().expect("column"),
    )
}

#[test]
fn shipped_skills_are_clean() {
    let run = skillc(&["check", "skills", "examples/minimal"], &common::repo());
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("no findings"), "{}", run.stdout);
}

#[test]
fn every_error_of_a_run_is_reported_with_its_position() {
    let dir = corpus();
    let (code, json) = check_json(dir.path(), &["shop"]);
    assert_eq!(code, 1);
    // Each file's structural error ...
    assert_eq!(
        pos(find(&json, "unknown-key")),
        ("shop/typo.yaml".into(), 4, 5)
    );
    assert_eq!(find(&json, "unknown-key")["help"], "did you mean `layer`?");
    assert_eq!(
        pos(find(&json, "invalid-value")),
        ("shop/enum.yaml".into(), 5, 12)
    );
    // ... the duplicate YAML key stops semantic.yaml; a duplicate id across files is separate
    assert_eq!(
        pos(find(&json, "duplicate-key")),
        ("shop/semantic.yaml".into(), 8, 3)
    );
    assert_eq!(
        pos(find(&json, "invalid-duration")),
        ("shop/duration.yaml".into(), 8, 17)
    );
    let d = find(&json, "invalid-duration");
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(8), Some(27))
    );
}

#[test]
fn semantic_errors_in_one_file_are_all_reported() {
    // Without the YAML-level duplicate, the file parses and every semantic error shows.
    let semantic = SERVICES.replacen(
        "  db:\n    description: The same id again.",
        "  dbx:\n    description: The same id again.",
        1,
    );
    let dir = tree(&[
        ("shop/family.yaml", FAMILY),
        ("shop/semantic.yaml", &semantic),
        (
            "shop/more.yaml",
            "services:\n  dbx:\n    description: Defined in a second file.\n    layer: L1\n    scope: daemon\n    run: { program: /bin/x }\n",
        ),
    ]);
    let (code, json) = check_json(dir.path(), &["shop"]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&json),
        vec!["duplicate-id", "unresolved-reference", "expr-type-mismatch"],
        "{json:#}"
    );
    let dup = find(&json, "duplicate-id");
    assert_eq!(pos(dup), ("shop/semantic.yaml".into(), 8, 3));
    assert_eq!(dup["labels"][0]["file"], "shop/more.yaml");
    assert_eq!(dup["labels"][0]["line"], 2);
    let unresolved = find(&json, "unresolved-reference");
    assert_eq!(pos(unresolved), ("shop/semantic.yaml".into(), 18, 20));
    assert!(
        unresolved["message"]
            .as_str()
            .expect("msg")
            .contains("`cache`")
    );
    // The type error points inside the quoted expression, at the string literal.
    let ty = find(&json, "expr-type-mismatch");
    assert_eq!(ty["line"], 19);
    assert_eq!(ty["labels"].as_array().map(Vec::len), Some(1));
    let literal_col = semantic
        .lines()
        .nth(18)
        .expect("line 19")
        .find("\"200\"")
        .expect("literal")
        + 1;
    assert_eq!(
        ty["labels"][0]["column"].as_u64(),
        Some(literal_col as u64),
        "{ty:#}"
    );
}

#[test]
fn json_output_follows_the_contract() {
    let dir = corpus();
    let (_, json) = check_json(dir.path(), &["shop"]);
    assert_eq!(json["version"], 1);
    let diags = json["diagnostics"].as_array().expect("array");
    for d in diags {
        for key in [
            "code",
            "severity",
            "message",
            "file",
            "line",
            "column",
            "end_line",
            "end_column",
            "labels",
            "help",
        ] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
        assert!(["error", "warning", "info"].contains(&d["severity"].as_str().expect("severity")));
    }
    let keys: Vec<_> = diags
        .iter()
        .map(|d| {
            (
                d["file"].as_str().map(str::to_owned),
                d["line"].as_u64(),
                d["column"].as_u64(),
                d["code"].as_str().map(str::to_owned),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys, sorted,
        "diagnostics are sorted by file, line, column, code"
    );
    assert_eq!(json["summary"]["errors"].as_u64(), Some(diags.len() as u64));
    assert_eq!(json["summary"]["families"], 1);
    assert_eq!(json["summary"]["files"], 5);
}

#[test]
fn short_format_is_one_line_per_finding() {
    let dir = corpus();
    let run = skillc(&["check", "--format", "short", "shop"], dir.path());
    assert_eq!(run.code, 1);
    assert!(
        run.stdout
            .lines()
            .any(|l| l == "shop/typo.yaml:4:5: error: unknown key `layr` [unknown-key]"),
        "{}",
        run.stdout
    );
    // The duplicate key does not hide the other errors of its file: the second `db` is left
    // out and the rest of the file is still checked.
    for line in [
        "shop/semantic.yaml:8:3: error: duplicate key `db` [duplicate-key]",
        "shop/semantic.yaml:18:20: error: unknown service `cache` in family `shop` [unresolved-reference]",
        "shop/semantic.yaml:19:26: error: `==` compares int with string [expr-type-mismatch]",
    ] {
        assert!(
            run.stdout.lines().any(|l| l == line),
            "{line}\n{}",
            run.stdout
        );
    }
    assert_eq!(run.stdout.lines().count(), 6, "{}", run.stdout);
}

#[test]
fn exit_code_two_for_usage_errors_and_missing_paths() {
    let dir = corpus();
    let run = skillc(&["check", "does-not-exist"], dir.path());
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .contains("does-not-exist: no such file or directory"),
        "{}",
        run.stderr
    );
    let run = skillc(&["check", "--format", "xml", "shop"], dir.path());
    assert_eq!(run.code, 2);
    let empty = tree(&[("notes/readme.yaml", "a: 1\n")]);
    let run = skillc(&["check", "notes"], empty.path());
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("no skill family here"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_file_argument_checks_its_family() {
    let dir = corpus();
    let (code, json) = check_json(dir.path(), &["shop/typo.yaml"]);
    assert_eq!(code, 1);
    assert_eq!(json["summary"]["files"], 5, "the whole family is loaded");
}

#[test]
fn version_and_help_work() {
    let run = skillc(&["--version"], &common::repo());
    assert_eq!(run.code, 0);
    assert!(run.stdout.starts_with("skillc "));
    let run = skillc(&["help"], &common::repo());
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("check"));
}

#[test]
fn bus_references_obey_imports() {
    let a = "family: { name: a, version: 1.0.0, description: d, label_prefix: org.a }\nservices:\n  x:\n    description: d\n    layer: L1\n    scope: daemon\n    bus: org.a.x\n    run: { program: /bin/x }\n    readiness: { probe: 'bus(\"org.a.x\")' }\n";
    let b = "family: { name: b, version: 1.0.0, description: d, label_prefix: org.b }\nservices:\n  y:\n    description: d\n    layer: L1\n    scope: daemon\n    run: { program: /bin/y }\n    requires: [\"bus:ORG.A.X\"]\n";
    let dir = tree(&[("a/family.yaml", a), ("b/family.yaml", b)]);
    let (code, json) = check_json(dir.path(), &["a", "b"]);
    assert_eq!(code, 1);
    let d = find(&json, "unresolved-reference");
    assert_eq!(pos(d), ("b/family.yaml".into(), 8, 16));
    assert!(
        d["message"]
            .as_str()
            .expect("msg")
            .contains("does not import"),
        "{d}"
    );

    let b_imports = b.replacen(
        "label_prefix: org.b }",
        "label_prefix: org.b, imports: [a] }",
        1,
    );
    let dir = tree(&[("a/family.yaml", a), ("b/family.yaml", &b_imports)]);
    let (_, json) = check_json(dir.path(), &["a", "b"]);
    assert!(
        !codes(&json).contains(&"unresolved-reference".to_owned()),
        "{json:#}"
    );
}

#[test]
fn a_file_that_does_not_parse_causes_no_echo_errors() {
    let dir = tree(&[
        ("shop/family.yaml", FAMILY),
        (
            "shop/services.yaml",
            "services:\n  db:\n    description: \"unclosed\n",
        ),
        (
            "shop/api.yaml",
            "services:\n  api:\n    description: API.\n    layer: L2\n    scope: daemon\n    run: { program: /bin/api }\n    requires: [db]\n",
        ),
    ]);
    let (code, json) = check_json(dir.path(), &["shop"]);
    assert_eq!(code, 1);
    assert_eq!(
        codes(&json),
        ["yaml-syntax"],
        "only the cause, not `db` unresolved: {json:#}"
    );
}

#[test]
fn literal_braces_pass_and_nul_is_refused_in_command_arguments() {
    // The step states `reversible`: `find -exec` is not provably read-only (unproven-read-only),
    // and a diagnose step that changes something is deferred past the gate.
    let fam = |argv: &str| {
        format!(
            "family: {{ name: demo, version: 1.0.0, description: D., label_prefix: org.example }}\nservices:\n  web: {{ description: W., layer: L3, scope: session, capabilities: [serve_api], run: {{ program: /usr/local/bin/web, working_dir: /tmp/w }}, readiness: {{ probe: 'tcp(\"127.0.0.1:9000\")' }} }}\nskills:\n  clean:\n    title: T\n    severity: low\n    applies_to: {{ services: [web] }}\n    detect: '!ready(service)'\n    diagnose: [{{ id: look, action: run, with: {{ argv: {argv}, risk: reversible }} }}]\n    remediate: [{{ id: kick, action: launchctl.kickstart, with: {{ target: service }} }}]\npolicy: {{ rules: [{{ match: {{}}, outcome: confirm }}] }}\n"
        )
    };
    let ok = fam(r#"[/usr/bin/find, "{service.working_dir}", -exec, /bin/ls, "{}", ";", "{.a}"]"#);
    let dir = tree(&[("fam/family.yaml", &ok)]);
    let (code, json) = check_json(dir.path(), &["fam"]);
    assert_eq!(
        (
            code,
            codes_of(&json, &["invalid-placeholder", "action-argument"])
        ),
        (0, Vec::<String>::new()),
        "{json:#}"
    );

    let typo = fam(r#"[/usr/bin/jq, "{parm.x}"]"#);
    let dir = tree(&[("fam/family.yaml", &typo)]);
    assert_eq!(
        codes(&check_json(dir.path(), &["fam"]).1),
        ["invalid-placeholder"]
    );

    let nul = fam(r#"[/bin/echo, "a\0b"]"#);
    let dir = tree(&[("fam/family.yaml", &nul)]);
    let (code, json) = check_json(dir.path(), &["fam"]);
    assert_eq!(
        (code, codes(&json)),
        (1, vec!["action-argument".to_owned()])
    );
}

/// A service's `params:` value is checked against the type of the parameter it sets, and a wrong
/// one is blamed at the value itself; a name no applied skill declares is `unused-param` at the key.
#[test]
fn service_parameter_values_are_typed_and_blamed_at_their_position() {
    let family = format!(
        "{FAMILY}services:\n  web:\n    description: Web.\n    layer: L1\n    scope: daemon\n    run: {{ program: /usr/local/bin/web }}\n    params:\n      port: not-a-number\n      prot: 1\nskills:\n  taken:\n    title: Port taken\n    severity: low\n    applies_to: {{ services: [web] }}\n    params:\n      port: {{ type: int }}\n    detect: '!port_free(param(\"port\"))'\n    remediate:\n      - {{ id: kick, action: launchctl.kickstart, with: {{ target: service }} }}\npolicy:\n  rules:\n    - {{ match: {{}}, outcome: confirm }}\n"
    );
    let dir = tree(&[("shop/family.yaml", &family)]);
    let (code, json) = check_json(dir.path(), &["shop"]);
    assert_eq!(code, 1, "{json}");
    let find = |code: &str| -> Value {
        json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .find(|d| d["code"] == code)
            .cloned()
            .unwrap_or_else(|| panic!("{code}: {json}"))
    };
    let ty = find("action-argument");
    assert_eq!(
        (ty["line"].as_u64(), ty["column"].as_u64()),
        (Some(13), Some(13)),
        "{ty}"
    );
    assert!(
        ty["message"]
            .as_str()
            .is_some_and(|m| m.contains("value does not fit type `int`")),
        "{ty}"
    );
    let unused = find("unused-param");
    assert_eq!(
        (unused["line"].as_u64(), unused["column"].as_u64()),
        (Some(14), Some(7)),
        "{unused}"
    );
}
