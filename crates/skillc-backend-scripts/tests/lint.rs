//! Every generated script (shipped families, examples/minimal, test fixtures) is POSIX sh that
//! `sh -n` accepts and `shellcheck -s sh` finds nothing in; output is deterministic.

mod common;

use skillc_backend_scripts::emit;
use std::process::Command;

fn all_outputs() -> Vec<(String, Vec<skillc_backend_support::OutputFile>)> {
    let mut out = vec![
        ("skills".to_owned(), emit(&common::shipped())),
        (
            "minimal".to_owned(),
            emit(&common::load_ok(&[common::repo().join("examples/minimal")])),
        ),
    ];
    let fixtures = common::crate_dir().join("tests/fixtures");
    let mut dirs: Vec<_> = std::fs::read_dir(&fixtures)
        .expect("fixtures")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    dirs.sort();
    for d in dirs {
        let ir = common::load_ok(&[d.clone(), common::repo().join("skills/launchd-doctor")]);
        out.push((d.display().to_string(), emit(&ir)));
    }
    out
}

#[test]
fn scripts_pass_sh_n_and_shellcheck() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut paths = Vec::new();
    for (i, (_, files)) in all_outputs().iter().enumerate() {
        let root = dir.path().join(i.to_string());
        common::write_tree(&root, files);
        for f in files {
            assert!(f.executable, "{}", f.path);
            assert!(f.bytes.starts_with(b"#!/bin/sh\n"), "{}", f.path);
            paths.push(root.join(&f.path));
        }
    }
    assert!(paths.len() > 50, "{}", paths.len());
    for shell in ["sh", "dash", "bash"] {
        if shell != "sh" && !common::have_tool(shell) {
            continue;
        }
        for p in &paths {
            let out = Command::new(shell)
                .arg("-n")
                .arg(p)
                .output()
                .expect("sh -n");
            assert!(
                out.status.success(),
                "{shell} -n {}: {}",
                p.display(),
                common::text(&out)
            );
        }
    }
    if common::have_tool("shellcheck") {
        // shellcheck is slow and there are a few hundred scripts, most of which differ only in
        // quoted literals (labels, paths, messages), which cannot change what shellcheck finds
        // (SC2016 is disabled in the files on purpose). Check one script per code shape.
        // SKILLC_FULL_SHELLCHECK=1 checks every file.
        let full = std::env::var("SKILLC_FULL_SHELLCHECK").as_deref() == Ok("1");
        let mut shapes = std::collections::BTreeMap::new();
        for (i, p) in paths.iter().enumerate() {
            if full {
                shapes.insert(i.to_string(), p.clone());
                continue;
            }
            let text = std::fs::read_to_string(p).expect("read");
            shapes.entry(shape(&text)).or_insert_with(|| p.clone());
        }
        let paths: Vec<std::path::PathBuf> = shapes.into_values().collect();
        eprintln!("shellcheck: {} distinct script shapes", paths.len());
        // Several shellcheck processes at once: there are a few hundred scripts.
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
        let per = paths.len().div_ceil(threads);
        let results: Vec<std::process::Output> = std::thread::scope(|s| {
            let handles: Vec<_> = paths
                .chunks(per)
                .map(|chunk| {
                    s.spawn(move || {
                        Command::new("shellcheck")
                            .args(["-s", "sh", "-f", "gcc"])
                            .args(chunk)
                            .output()
                            .expect("shellcheck")
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("thread"))
                .collect()
        });
        for out in results {
            assert!(out.status.success(), "shellcheck:\n{}", common::text(&out));
        }
    }
}

/// The script with comments dropped and every single-quoted literal replaced by `'_'`.
fn shape(text: &str) -> String {
    // Probe helpers (fixed texts from skillc-sh) appear in different subsets per service.
    const HELPERS: &[&str] = &[
        "skillc_lc_field() {",
        "skillc_running() {",
        "skillc_last_exit() {",
        "skillc_runs() {",
        "skillc_endpoint_active() {",
        "skillc_disabled() {",
        "skillc_http() {",
        "skillc_run_timeout() {",
        "skillc_pid_alive() {",
        "skillc_free_space() {",
    ];
    let mut out = String::new();
    let mut ready_body = false;
    let mut in_helper = false;
    for line in text.lines() {
        let t = line.trim_start();
        if in_helper {
            in_helper = line != "}";
            continue;
        }
        if HELPERS.contains(&line) {
            in_helper = true;
            continue;
        }
        // Readiness functions hold the service's own probe, compiled by skillc-sh (whose tests
        // shellcheck every probe form); here they count as one shape.
        if ready_body {
            ready_body = false;
            out.push_str("\t:\n");
            continue;
        }
        if t.starts_with("skillc_ready_") && t.ends_with("() {") {
            ready_body = true;
            out.push_str("skillc_ready_X() {\n");
            continue;
        }
        if let Some(i) = line.find("skillc_ready_") {
            // The function's name follows the label.
            let end = line[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(line.len(), |e| i + e);
            out.push_str(&line[..i]);
            out.push_str("skillc_ready_X");
            out.push_str(&line[end..]);
            out.push('\n');
            continue;
        }
        if t.is_empty() || t.starts_with('#') && !t.starts_with("# shellcheck") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    // Domains: both forms occur in some script of every skill that has both scopes.
    let out = out
        .replace("\"gui/$(id -u)/\"'", "'")
        .replace("\"gui/$(id -u)\"", "'system'");
    let mut res = String::with_capacity(out.len());
    let (mut sq, mut esc) = (false, false);
    for c in out.chars() {
        if sq {
            if c == '\'' {
                sq = false;
                res.push_str("_'");
            }
            continue;
        }
        if esc {
            esc = false;
        } else if c == '\\' {
            esc = true;
        } else if c == '\'' {
            sq = true;
        }
        res.push(c);
    }
    res
}

#[test]
fn output_is_deterministic_sorted_and_laid_out() {
    let ir = common::shipped();
    let a = emit(&ir);
    let b = emit(&common::shipped());
    assert_eq!(a, b);
    let mut sorted = a.clone();
    sorted.sort_by(|x, y| x.path.cmp(&y.path));
    assert_eq!(a, sorted);
    let paths: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
    assert!(paths.contains(&"foundation-core/doctor.sh"), "{paths:?}");
    assert!(
        paths.contains(&"foundation-core/remediate/launchd-doctor--job-disabled--bus.sh"),
        "{paths:?}"
    );
    assert!(
        paths.contains(&"foundation-core/remediate/foundation-core--stale-pidfile--scheduler.sh"),
        "{paths:?}"
    );
    assert!(
        !paths.iter().any(|p| p.starts_with("launchd-doctor/")),
        "{paths:?}"
    );
    for f in &a {
        let text = String::from_utf8(f.bytes.clone()).expect("utf8");
        assert!(!text.contains("eval "), "{}", f.path);
        assert!(
            !text.contains("exit 70\n") || f.path.ends_with("doctor.sh"),
            "{} could not be compiled",
            f.path
        );
    }
}
