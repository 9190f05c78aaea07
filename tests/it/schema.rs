//! The committed JSON Schema is fresh, and the shipped skill files validate against it with an
//! independent validator (Python's `jsonschema`, draft 2020-12).

use crate::common;

use common::{repo, skillc, tool_available, yaml_files};
use std::process::Command;

#[test]
fn committed_schema_is_fresh() {
    let run = skillc(&["schema"], &repo());
    assert_eq!(run.code, 0);
    let committed =
        std::fs::read_to_string(repo().join("schemas/skillc.schema.json")).expect("schema");
    assert!(
        run.stdout == committed,
        "schemas/skillc.schema.json is stale: run `cargo run -- schema --out schemas`"
    );
}

#[test]
fn schema_out_writes_the_same_file() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = dir.path().join("nested/dir");
    let run = skillc(&["schema", "--out", out.to_str().expect("utf8")], &repo());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written = std::fs::read_to_string(out.join("skillc.schema.json")).expect("written");
    assert_eq!(written, skillc(&["schema"], &repo()).stdout);
}

const VALIDATE: &str = r#"
import json, sys, yaml, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
v = jsonschema.Draft202012Validator(schema)
bad = 0
for path in sys.argv[2:]:
    doc = yaml.safe_load(open(path)) or {}
    for e in v.iter_errors(doc):
        bad += 1
        print(f"{path}: {'/'.join(map(str, e.absolute_path))}: {e.message}")
print(f"checked {len(sys.argv) - 2} files, {bad} errors")
sys.exit(1 if bad else 0)
"#;

fn validate(files: &[std::path::PathBuf]) -> (bool, String) {
    let out = Command::new("python3")
        .arg("-c")
        .arg(VALIDATE)
        .arg(repo().join("schemas/skillc.schema.json"))
        .args(files)
        .output()
        .expect("python3");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn shipped_files_validate_against_the_schema() {
    if !tool_available("python3", &["-c", "import jsonschema, yaml"]) {
        return;
    }
    let mut files = yaml_files(&repo().join("skills"));
    files.extend(yaml_files(&repo().join("examples/minimal")));
    assert!(files.len() > 10);
    let (ok, out) = validate(&files);
    assert!(ok, "{out}");
    assert!(
        out.contains(&format!("checked {} files, 0 errors", files.len())),
        "{out}"
    );
}

#[test]
fn the_validator_rejects_what_skillc_rejects() {
    if !tool_available("python3", &["-c", "import jsonschema, yaml"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let cases = [
        (
            "typo.yaml",
            "services:\n  web:\n    description: d\n    layr: L1\n    scope: daemon\n    run: { program: /x }\n",
        ),
        (
            "enum.yaml",
            "services:\n  web:\n    description: d\n    layer: L4\n    scope: daemon\n    run: { program: /x }\n",
        ),
        (
            "id.yaml",
            "services:\n  Web:\n    description: d\n    layer: L1\n    scope: daemon\n    run: { program: /x }\n",
        ),
        (
            "duration.yaml",
            "services:\n  web:\n    description: d\n    layer: L1\n    scope: daemon\n    run: { program: /x, throttle: \"10\" }\n",
        ),
    ];
    for (name, text) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("write");
        let (ok, out) = validate(&[path]);
        assert!(!ok, "{name} should be rejected: {out}");
    }
}
