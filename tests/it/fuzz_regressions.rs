//! Replays every input under `fuzz/regressions/<target>/` through the real binary: each must give
//! exit 0 or 1, a well-formed JSON report whose positions lie inside the files, and no internal
//! error. A crash the fuzzer finds is saved there (see fuzz/README.md) and stays fixed.
//!
//! - `load/*`: the bytes are one file of a family.
//! - `expr/*`: the text is the `detect` expression of a skill.
//! - `pipeline/*`: the bytes are split on 0xFF into `family.yaml`, `f1.yaml`, ... (as the fuzz
//!   target does).

use crate::common;

use common::{repo, skillc};
use std::path::{Path, PathBuf};

const FAMILY: &str = "family:\n  name: fz\n  version: 1.0.0\n  description: Fuzz regression.\n  label_prefix: org.example.fz\n";

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = repo().join("fuzz/regressions").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    files.retain(|p| p.is_file() && p.file_name().is_some_and(|n| n != "README.md"));
    files.sort();
    files
}

/// A YAML double-quoted scalar holding exactly `s`.
fn yaml_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn write_family(root: &Path, target: &str, data: &[u8]) {
    let fam = root.join("fam");
    std::fs::create_dir_all(&fam).expect("mkdir");
    match target {
        "load" => {
            std::fs::write(fam.join("family.yaml"), FAMILY).expect("write");
            std::fs::write(fam.join("input.yaml"), data).expect("write");
        }
        "expr" => {
            std::fs::write(fam.join("family.yaml"), FAMILY).expect("write");
            let expr = String::from_utf8_lossy(data);
            let skill = format!(
                "skills:\n  s:\n    title: t\n    severity: low\n    applies_to: {{ layers: [L1] }}\n    params: {{ lock: {{ type: path, default: /tmp/lock }}, port: {{ type: int, default: 1 }} }}\n    detect: {}\n    remediate:\n      - {{ id: say, action: notify, with: {{ message: hi }} }}\n",
                yaml_quoted(&expr)
            );
            std::fs::write(fam.join("skill.yaml"), skill).expect("write");
        }
        _ => {
            for (i, part) in data.split(|b| *b == 0xFF).take(8).enumerate() {
                let name = if i == 0 {
                    "family.yaml".to_owned()
                } else {
                    format!("f{i}.yaml")
                };
                std::fs::write(fam.join(name), part).expect("write");
            }
        }
    }
}

fn replay(target: &str) -> usize {
    let files = inputs(target);
    for path in &files {
        let data = std::fs::read(path).expect("read input");
        let tmp = tempfile::tempdir().expect("tmp");
        write_family(tmp.path(), target, &data);
        let run = skillc(&["check", "--format", "json", "fam"], tmp.path());
        let what = path.display();
        assert!(
            matches!(run.code, 0 | 1),
            "{what}: exit {}\nstderr: {}",
            run.code,
            run.stderr
        );
        assert!(
            !run.stderr.contains("internal error"),
            "{what}: {}",
            run.stderr
        );
        let json: serde_json::Value = serde_json::from_str(&run.stdout)
            .unwrap_or_else(|e| panic!("{what}: bad JSON ({e}): {}", run.stdout));
        for d in json["diagnostics"].as_array().expect("diagnostics") {
            assert!(d["line"].as_u64().is_some_and(|l| l >= 1), "{what}: {d}");
            assert!(d["column"].as_u64().is_some_and(|c| c >= 1), "{what}: {d}");
            assert!(
                (d["end_line"].as_u64(), d["end_column"].as_u64())
                    >= (d["line"].as_u64(), d["column"].as_u64()),
                "{what}: span ends before it starts: {d}"
            );
        }
    }
    files.len()
}

#[test]
fn load_regressions() {
    eprintln!("replayed {} load inputs", replay("load"));
}

#[test]
fn expr_regressions() {
    eprintln!("replayed {} expr inputs", replay("expr"));
}

#[test]
fn pipeline_regressions() {
    eprintln!("replayed {} pipeline inputs", replay("pipeline"));
}
