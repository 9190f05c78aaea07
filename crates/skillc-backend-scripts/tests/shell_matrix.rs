//! The shells a Mac may run as `/bin/sh`: macOS's `/bin/sh` re-executes bash 3.2, dash or zsh
//! (whichever `/private/var/select/sh` names). The same scenarios run under dash, `bash --posix`,
//! zsh as `sh` (a link named `sh`, so zsh emulates sh) and busybox `sh` with busybox's own
//! (non-GNU) applets first on `PATH`, and every shell must give the same transcript: exit codes,
//! output, the launchctl calls made, the final simulated state and the audit events.

mod common;

use common::Host;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The lab fixture under `root` (a test build); its output root.
fn build(root: &Path) -> PathBuf {
    common::build_lab(root, true)
}

fn which(tool: &str) -> Option<String> {
    let o = Command::new("sh")
        .args(["-c", "command -v \"$1\"", "sh", tool])
        .output()
        .ok()?;
    let p = String::from_utf8_lossy(&o.stdout).trim().to_owned();
    (o.status.success() && p.starts_with('/')).then_some(p)
}

/// A directory holding one link named `sh` to `target` (zsh and busybox pick their personality
/// from argv[0]).
fn sh_link(name: &str, target: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("skillc-matrix-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("mkdir");
    let sh = dir.join("sh");
    let _ = std::fs::remove_file(&sh);
    std::os::unix::fs::symlink(target, &sh).expect("symlink");
    sh
}

/// (name, shell argv, busybox applets first on PATH).
fn matrix() -> Vec<(&'static str, Vec<String>, bool)> {
    let mut out = Vec::new();
    for (name, argv) in [
        ("dash", vec!["dash"]),
        ("bash --posix", vec!["bash", "--posix"]),
    ] {
        if common::have_tool(argv[0]) {
            out.push((name, argv.iter().map(|s| (*s).to_owned()).collect(), false));
        }
    }
    if common::have_tool("zsh")
        && let Some(zsh) = which("zsh")
    {
        out.push((
            "zsh as sh",
            vec![sh_link("zsh", &zsh).display().to_string()],
            false,
        ));
    }
    if common::have_tool("busybox")
        && let Some(bb) = which("busybox")
    {
        out.push((
            "busybox sh",
            vec![sh_link("busybox", &bb).display().to_string()],
            true,
        ));
    }
    out
}

/// Puts every busybox applet into the host's `bin` (first on the scripts' PATH), except the
/// harness's own stand-ins (launchctl, nc, the BSD chmod/mv, python3) and the shells.
fn busybox_first(host: &Host) {
    let Some(bb) = which("busybox") else { return };
    let list = Command::new(&bb)
        .arg("--list")
        .output()
        .expect("busybox --list");
    let bin = host.path().join("bin");
    for applet in String::from_utf8_lossy(&list.stdout).lines() {
        let link = bin.join(applet);
        if applet.is_empty() || link.exists() || matches!(applet, "sh" | "ash" | "hush" | "bash") {
            continue;
        }
        std::os::unix::fs::symlink(&bb, &link).expect("applet link");
    }
}

/// Host-specific text replaced by stable tokens: the host's directory, hashes (plan hashes
/// cover the host's paths), then every number (times, durations, process ids) as `9`.
fn normalize(s: &str, host: &Host) -> String {
    let t = s
        .replace(&host.path().display().to_string(), "/ROOT")
        .replace(&format!("gui/{}", common::GUI_UID), "gui/UID");
    let mut out = String::with_capacity(t.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 16 {
            out.push_str("HASH");
        } else {
            out.extend(
                run.chars()
                    .map(|c| if c.is_ascii_digit() { '9' } else { c }),
            );
        }
        run.clear();
    };
    for c in t.chars() {
        if c.is_ascii_hexdigit() && !c.is_ascii_uppercase() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(if c.is_ascii_digit() { '9' } else { c });
        }
    }
    flush(&mut run, &mut out);
    // A number's length (a PID) is not the shell's doing either.
    let mut collapsed = String::with_capacity(out.len());
    for c in out.chars() {
        if !(c == '9' && collapsed.ends_with('9')) {
            collapsed.push(c);
        }
    }
    collapsed
}

/// One scenario's transcript under `shell`.
fn transcript(shell: &[String], busybox: bool) -> String {
    let host = Host::new(shell);
    if busybox {
        busybox_first(&host);
    }
    let out = build(host.path());
    if busybox {
        // The scripts' tools really are busybox's here.
        let awk = std::fs::read_link(host.path().join("bin/awk")).expect("awk is a link");
        assert!(awk.ends_with("busybox"), "{}", awk.display());
    }
    let web = format!("gui/{}/org.example.lab.web", common::GUI_UID);
    let mut log = String::new();
    let mut run = |label: &str, script: &Path, args: &[&str]| {
        let o = host.run(script, args);
        log.push_str(&format!(
            "== {label} {args:?}: exit {:?}\n{}\n-- stderr\n{}\n",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ));
    };
    // A disabled agent: plan, apply, apply again (a no-op).
    host.service(&web, &json!({ "disabled": true, "loaded": false }));
    let disabled = out.join("lab/remediate/launchd-doctor--job-disabled--web.sh");
    run("job-disabled", &disabled, &[]);
    run("job-disabled", &disabled, &["--apply"]);
    run("job-disabled", &disabled, &["--apply", "--json"]);
    // A crash loop, restarted until ready.
    host.service(
        &web,
        &json!({ "loaded": true, "running": false, "runs": 40, "last_exit": 1 }),
    );
    let crash = out.join("lab/remediate/launchd-doctor--crash-loop--web.sh");
    run("crash-loop", &crash, &["--json"]);
    run("crash-loop", &crash, &["--apply", "--json"]);
    // A run-time value refused before anything runs.
    run("crash-loop", &crash, &["--param", "nope=x"]);
    // The doctor of the family.
    let doctor = out.join("lab/doctor.sh");
    run("doctor", &doctor, &["--json"]);
    run("doctor", &doctor, &[]);
    log.push_str(&format!("== mutations\n{}\n", host.mutations().join("\n")));
    log.push_str(&format!("== state\n{}\n", host.state()));
    let events: Vec<String> = host
        .validate_audit()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["event"].as_str().unwrap_or(""),
                r["step"].as_str().unwrap_or("")
            )
        })
        .collect();
    log.push_str(&format!("== audit\n{}\n", events.join("\n")));
    normalize(&log, &host)
}

#[test]
fn every_shell_a_mac_may_run_gives_the_same_transcript() {
    let shells = matrix();
    let Some((first_name, first, first_bb)) = shells.first().cloned() else {
        return;
    };
    let reference = transcript(&first, first_bb);
    assert!(reference.contains("verify: passed"), "{reference}");
    for (name, shell, bb) in &shells[1..] {
        let t = transcript(shell, *bb);
        if t != reference {
            let diff: Vec<String> = reference
                .lines()
                .zip(t.lines())
                .filter(|(a, b)| a != b)
                .take(20)
                .map(|(a, b)| format!("  {first_name}: {a}\n  {name}: {b}"))
                .collect();
            panic!(
                "{name} differs from {first_name}:\n{}\n(lines: {} vs {})",
                diff.join("\n"),
                reference.lines().count(),
                t.lines().count()
            );
        }
    }
    if std::env::var("SKILLC_REQUIRE_TOOLS").as_deref() == Ok("1") {
        let names: Vec<&str> = shells.iter().map(|(n, _, _)| *n).collect();
        assert_eq!(names, ["dash", "bash --posix", "zsh as sh", "busybox sh"]);
    }
}
