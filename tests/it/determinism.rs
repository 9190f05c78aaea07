//! Determinism: the same input gives byte-identical `--format json` output, whatever order the
//! files were written in, whatever order the families are named on the command line, whatever
//! names their directories have, and from one run to the next.

use crate::common;

use common::{skillc, snapshot};
use serde_json::Value;
use std::path::Path;

/// Families whose lowering is clean, so every analysis rule runs: a dependency cycle across two
/// files, layer and scope violations, a label conflict, a bus-name conflict across families
/// (case-insensitive), missing readiness across families, unreachable skills, uncovered services.
const ANALYSIS: &[(&str, &str)] = &[
    (
        "alpha/family.yaml",
        "family:\n  name: alpha\n  version: 1.0.0\n  description: Alpha.\n  label_prefix: org.example.alpha\n",
    ),
    (
        "alpha/services/a.yaml",
        "services:
  a1:
    description: first
    layer: L1
    scope: daemon
    bus: org.example.shared
    run: { program: /usr/local/bin/a1, start_timeout: 30s }
    requires: [a2]
    readiness: { probe: 'tcp(\"127.0.0.1:1\")', timeout: 1s, interval: 2s, retries: 5 }
  a2:
    description: second
    layer: L1
    scope: daemon
    run: { program: /usr/local/bin/a2, start_timeout: 30s }
    requires: [a3]
    readiness: { probe: 'tcp(\"127.0.0.1:2\")', timeout: 1s, interval: 2s, retries: 5 }
",
    ),
    (
        "alpha/services/b.yaml",
        "services:
  a3:
    description: third
    layer: L2
    scope: session
    label: org.example.same
    run: { program: /usr/local/bin/a3, start_timeout: 30s }
    requires: [a1]
    readiness: { probe: 'tcp(\"127.0.0.1:3\")', timeout: 1s, interval: 2s, retries: 5 }
  a4:
    description: fourth
    layer: L1
    scope: daemon
    label: org.example.same
    run: { program: /usr/local/bin/a4 }
    wants: [a3]
",
    ),
    (
        "alpha/skills.yaml",
        "skills:
  nothing:
    title: applies to nothing
    severity: low
    applies_to: { tags: [nope] }
    detect: 'true'
    remediate:
      - { id: say, action: notify, with: { message: hi } }
  loop-kick:
    title: restarts a1 and a2 in a loop
    severity: low
    applies_to: { services: [a1, a2] }
    detect: '!ready(service)'
    remediate:
      - { id: kick, action: launchctl.kickstart, with: { target: a2 } }
      - { id: kick-too, action: launchctl.kickstart, with: { target: a1 } }
",
    ),
    (
        "beta/family.yaml",
        "family:\n  name: beta\n  version: 1.0.0\n  description: Beta.\n  label_prefix: org.example.beta\n  imports: [alpha]\n",
    ),
    (
        "beta/services.yaml",
        "services:
  b1:
    description: beta one
    layer: L1
    scope: daemon
    bus: ORG.EXAMPLE.SHARED
    run: { program: /usr/local/bin/b1 }
    requires: [alpha/a4]
  b2:
    description: beta two
    layer: L3
    scope: session
    capabilities: [spawn_programs]
    run: { program: /usr/local/bin/b2 }
    wants: [b1, alpha/a1]
",
    ),
];

/// A family whose lowering fails in several files at once: a service id defined in two files,
/// unresolved references with suggestions, a bad duration, an invalid id, a YAML error.
const LOWERING: &[(&str, &str)] = &[
    (
        "gamma/family.yaml",
        "family:\n  name: gamma\n  version: 1.0.0\n  description: Gamma.\n  label_prefix: org.example.gamma\n",
    ),
    (
        "gamma/one.yaml",
        "services:
  web:
    description: web one
    layer: L3
    scope: session
    run: { program: /usr/local/bin/web, throttle: 10 parsecs }
    requires: [databse, cache]
",
    ),
    (
        "gamma/two.yaml",
        "services:
  web:
    description: web two
    layer: L3
    scope: session
    run: { program: /usr/local/bin/web2 }
  database:
    description: db
    layer: L1
    scope: daemon
    run: { program: /usr/local/bin/db }
  Bad_Id:
    description: bad
    layer: L1
    scope: daemon
    run: { program: /usr/local/bin/bad }
",
    ),
    ("gamma/zz/broken.yaml", "skills:\n  x: [\n"),
    (
        "gamma/aa/skills.yaml",
        "skills:
  s:
    title: t
    severity: low
    applies_to: { services: [wbe] }
    detect: 'redy(service) && param(\"nope\")'
    remediate:
      - { id: k, action: launchctl.kickstrt, with: { target: service } }
",
    ),
];

/// Writes `files` under `root`, in the given order, renaming the family directories through
/// `rename` (old top-level name → new).
fn write(root: &Path, files: &[(&str, &str)], rename: &[(&str, &str)]) {
    for (path, text) in files {
        let mut path = (*path).to_owned();
        for (from, to) in rename {
            if let Some(rest) = path.strip_prefix(&format!("{from}/")) {
                path = format!("{to}/{rest}");
            }
        }
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    }
}

fn check(cwd: &Path, paths: &[&str]) -> String {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(paths);
    let run = skillc(&args, cwd);
    assert!(
        matches!(run.code, 0 | 1),
        "exit {}: {}",
        run.code,
        run.stderr
    );
    let json: Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert!(
        !json["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .is_empty(),
        "the scenario should produce findings"
    );
    run.stdout
}

/// The names in one directory, in the order the file system lists them.
fn listing(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .expect("read_dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

fn reversed<'a>(files: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    files.iter().rev().copied().collect()
}

fn assert_same(what: &str, a: &str, b: &str) {
    if a != b {
        let line = a
            .lines()
            .zip(b.lines())
            .position(|(x, y)| x != y)
            .unwrap_or(0);
        panic!(
            "{what}: output differs from line {}\n--- first\n{}\n--- second\n{}",
            line + 1,
            a.lines()
                .skip(line.saturating_sub(3))
                .take(12)
                .collect::<Vec<_>>()
                .join("\n"),
            b.lines()
                .skip(line.saturating_sub(3))
                .take(12)
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
}

#[test]
fn json_output_does_not_depend_on_the_order_files_were_written() {
    for (scenario, files, paths) in [
        ("analysis", ANALYSIS, &["alpha", "beta"][..]),
        ("lowering", LOWERING, &["gamma"][..]),
    ] {
        let forward = tempfile::tempdir().expect("tmp");
        let backward = tempfile::tempdir().expect("tmp");
        write(forward.path(), files, &[]);
        write(backward.path(), &reversed(files), &[]);
        let family = paths[0];
        if listing(&forward.path().join(family)) == listing(&backward.path().join(family)) {
            eprintln!(
                "notice: this file system lists {scenario} files in the same order either way; \
                 the test still checks run-to-run stability"
            );
        }
        let a = check(forward.path(), paths);
        let b = check(backward.path(), paths);
        assert_same(&format!("{scenario}: written forward vs backward"), &a, &b);
    }
}

#[test]
fn json_output_does_not_depend_on_the_order_of_paths_on_the_command_line() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), ANALYSIS, &[]);
    let reference = check(tmp.path(), &["alpha", "beta"]);
    for paths in [
        &["beta", "alpha"][..],
        &["beta/services.yaml", "alpha"][..],
        &["alpha/services/b.yaml", "beta", "alpha/skills.yaml"][..],
        &["beta", "alpha", "beta"][..],
    ] {
        let out = check(tmp.path(), paths);
        assert_same(&format!("check {paths:?}"), &reference, &out);
    }
}

#[test]
fn json_output_is_identical_across_runs() {
    let tmp = tempfile::tempdir().expect("tmp");
    write(tmp.path(), ANALYSIS, &[]);
    write(tmp.path(), LOWERING, &[]);
    for paths in [&["alpha", "beta"][..], &["gamma"][..]] {
        let first = check(tmp.path(), paths);
        for run in 2..=4 {
            let again = check(tmp.path(), paths);
            assert_same(&format!("run {run} of {paths:?}"), &first, &again);
        }
    }
}

/// With the family directories named so that they sort the other way round (`alpha` in `zz-…`,
/// `beta` in `aa-…`, and then swapped), the findings are the same once the directory names are
/// mapped back: nothing depends on which family was discovered first.
///
/// Today `bus-name-conflict` (and any "claimed first" finding) takes the first service in
/// discovery order, i.e. in directory-name order, so renaming a directory moves the error (and
/// any suppression comment that silences it) to the other service.
#[test]
fn findings_do_not_depend_on_which_family_is_discovered_first() {
    let normalized = |dir_alpha: &str, dir_beta: &str| -> Value {
        let tmp = tempfile::tempdir().expect("tmp");
        write(
            tmp.path(),
            ANALYSIS,
            &[("alpha", dir_alpha), ("beta", dir_beta)],
        );
        let out = check(tmp.path(), &[dir_alpha, dir_beta]);
        let out = out
            .replace(&format!("\"{dir_alpha}/"), "\"ALPHA/")
            .replace(&format!("\"{dir_beta}/"), "\"BETA/");
        let mut json: Value = serde_json::from_str(&out).expect("JSON");
        let diags = json["diagnostics"].as_array_mut().expect("diagnostics");
        diags.sort_by_key(|d| {
            (
                d["file"].as_str().unwrap_or_default().to_owned(),
                d["line"].as_u64(),
                d["column"].as_u64(),
                d["code"].as_str().unwrap_or_default().to_owned(),
                d["message"].as_str().unwrap_or_default().to_owned(),
            )
        });
        json
    };
    let alpha_first = normalized("aa-one", "zz-two");
    let beta_first = normalized("zz-one", "aa-two");
    assert_eq!(alpha_first, beta_first);
}

/// `skillc build` twice over the same input written in different orders gives byte-identical
/// trees (same file names, same bytes).
#[test]
fn build_output_is_byte_identical() {
    let clean: Vec<(&str, &str)> = vec![
        (
            "fam/family.yaml",
            "family:\n  name: fam\n  version: 1.0.0\n  description: d\n  label_prefix: org.example.fam\n",
        ),
        (
            "fam/services.yaml",
            "services:
  db:
    description: db
    layer: L1
    scope: daemon
    run: { program: /usr/local/bin/db, start_timeout: 30s, env: { B: \"2\", A: \"1\", C: \"3\" } }
    readiness: { probe: 'tcp(\"127.0.0.1:5432\")', timeout: 1s, interval: 2s, retries: 10 }
  web:
    description: web
    layer: L3
    scope: session
    run: { program: /usr/local/bin/web, args: [--db, \"127.0.0.1:5432\"], start_timeout: 30s }
    requires: [db]
    readiness: { probe: 'http(\"http://127.0.0.1:8080/health\") == 200', timeout: 1s, interval: 2s, retries: 10 }
",
        ),
        (
            "fam/skills.yaml",
            "skills:
  restart:
    title: restart when not ready
    severity: low
    applies_to: { layers: [L1, L3] }
    detect: 'running(service) && !ready(service)'
    remediate:
      - { id: kick, action: launchctl.kickstart, with: { target: service, kill: true } }
",
        ),
        (
            "fam/policy.yaml",
            "policy:\n  roles: { ops: [a, b] }\n  rules:\n    - { match: {}, outcome: confirm }\n  runners: { ops: [\"*\"] }\n",
        ),
    ];
    let a = tempfile::tempdir().expect("tmp");
    let b = tempfile::tempdir().expect("tmp");
    write(a.path(), &clean, &[]);
    write(b.path(), &reversed(&clean), &[]);
    for dir in [a.path(), b.path()] {
        let run = skillc(&["build", "fam", "--out", "out"], dir);
        assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    }
    let (ta, tb) = (
        snapshot(&a.path().join("out")),
        snapshot(&b.path().join("out")),
    );
    assert!(!ta.is_empty(), "empty build");
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for ((name, x), (_, y)) in ta.iter().zip(&tb) {
        assert!(x == y, "{name} differs between the two builds");
    }
    // And a second build over the first output is identical too.
    let run = skillc(&["build", "fam", "--out", "out"], a.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(snapshot(&a.path().join("out")), ta, "rebuild differs");
}

/// A build confined to one core (files rendered, hashed and written one after another) and a build
/// on every core (several threads taking files from a shared counter) give the same tree, manifest
/// included.
#[test]
fn build_output_does_not_depend_on_the_number_of_cores() {
    if !common::tool_available("taskset", &["-c", "0", "true"]) {
        return;
    }
    if std::thread::available_parallelism().map_or(1, std::num::NonZero::get) < 2 {
        eprintln!("notice: one core only; both builds run on one thread");
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let skills = common::repo().join("skills");
    let skills = skills.to_str().expect("utf-8 path");
    let many = skillc(&["build", skills, "--out", "many"], tmp.path());
    assert_eq!(many.code, 0, "{}{}", many.stdout, many.stderr);
    let one = std::process::Command::new("taskset")
        .args([
            "-c",
            "0",
            env!("CARGO_BIN_EXE_skillc"),
            "build",
            skills,
            "--out",
            "one",
        ])
        .current_dir(tmp.path())
        .env("SKILLC_CACHE_DIR", common::cache_dir())
        .output()
        .expect("run skillc under taskset");
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    let (a, b) = (
        snapshot(&tmp.path().join("many")),
        snapshot(&tmp.path().join("one")),
    );
    assert!(
        a.len() > 64,
        "enough files for the parallel writer: {}",
        a.len()
    );
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(
            x == y,
            "{name} differs between the one-core and the many-core build"
        );
    }
}
