//! Attacks on one remediation at a time and on bounded time (docs/security.md): a stale lock
//! raced by many runs, empty and PID-1 locks, a run that must not release another run's lock,
//! Ctrl-C / SIGTERM / SIGHUP / SIGPIPE mid-step, children a step leaves behind, and group and
//! skill time limits. Under `dash` and `bash --posix` (and zsh as `sh` where it matters).

mod common;

use common::{Host, text};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A family whose steps record when they run (paths under `root`).
fn family(root: &Path) -> String {
    let r = root.display();
    format!(
        "family:\n  name: lt\n  version: 1.0.0\n  description: Lifetimes.\n  label_prefix: org.example.lt\n\
services:\n  web:\n    description: A web app.\n    layer: L3\n    scope: session\n    run: {{ program: {r}/bin/web }}\n\
skills:\n\
\x20 crit:\n    title: A critical section\n    severity: low\n    applies_to: {{ services: [web] }}\n    detect: 'file_exists(\"{r}/crit\")'\n\
\x20   remediate:\n      - {{ id: crit, action: run, with: {{ argv: [/bin/sh, -c, 'echo enter $$ >>{r}/log; sleep 1; echo leave $$ >>{r}/log'], risk: reversible }} }}\n\
\x20   verify: 'true'\n    on_failure: stop\n\
\x20 slow:\n    title: A slow step\n    severity: low\n    applies_to: {{ services: [web] }}\n    detect: 'file_exists(\"{r}/slow\")'\n\
\x20   remediate:\n      - {{ id: slow, action: run, with: {{ argv: [/bin/sh, -c, 'echo $$ >{r}/slow.pid; sleep 40; echo done >{r}/slow.done'], risk: reversible, timeout: 60s }} }}\n\
\x20   verify: 'true'\n    on_failure: stop\n\
\x20 forker:\n    title: A step that leaves children behind\n    severity: low\n    applies_to: {{ services: [web] }}\n    detect: 'file_exists(\"{r}/fork\")'\n\
\x20   remediate:\n      - {{ id: fork, action: run, with: {{ argv: [/bin/sh, -c, 'sleep 41 & echo $! >{r}/child.pid; (sleep 42 & echo $! >{r}/grandchild.pid); echo started'], risk: reversible }} }}\n\
\x20   verify: 'true'\n    on_failure: stop\n\
\x20 grouped:\n    title: A sequence with a time limit\n    severity: low\n    applies_to: {{ services: [web] }}\n    detect: 'file_exists(\"{r}/group\")'\n\
\x20   remediate:\n      - id: both\n        timeout: 2s\n        sequence:\n          - {{ id: long, action: run, with: {{ argv: [/bin/sleep, '30'], risk: reversible, timeout: 60s }} }}\n          - {{ id: after, action: run, with: {{ argv: [/bin/sh, -c, 'echo ran >{r}/after'], risk: reversible }} }}\n\
\x20   verify: 'true'\n    on_failure: stop\n\
\x20 limited:\n    title: A skill with a time limit\n    severity: low\n    applies_to: {{ services: [web] }}\n    detect: 'file_exists(\"{r}/limit\")'\n    timeout: 2s\n\
\x20   remediate:\n      - {{ id: long, action: run, with: {{ argv: [/bin/sleep, '30'], risk: reversible, timeout: 60s }} }}\n\
\x20   verify: 'true'\n    on_failure: stop\n\
policy:\n  rules:\n    - {{ match: {{}}, outcome: auto }}\n"
    )
}

fn build(root: &Path) -> PathBuf {
    let fam = common::write_family(&root.join("src"), "lt", &family(root));
    let ir = common::load_ok(&[fam]);
    let out = root.join("out");
    common::write_tree(&out, &common::emit_test(&ir));
    std::fs::create_dir_all(root.join("bin")).expect("mkdir");
    out
}

fn script(out: &Path, skill: &str) -> PathBuf {
    out.join(format!("lt/remediate/lt--{skill}--web.sh"))
}

fn lock(root: &Path) -> PathBuf {
    root.join("state/locks/org.example.lt.web")
}

fn dead_pid() -> u32 {
    let mut c = Command::new("true").spawn().expect("spawn");
    let pid = c.id();
    c.wait().expect("wait");
    pid
}

/// Whether `pid` still runs (a zombie, dead but not yet reaped by its new parent, does not).
fn alive(pid: &str) -> bool {
    Command::new("ps")
        .args(["-o", "stat=", "-p", pid.trim()])
        .output()
        .is_ok_and(|o| {
            let stat = String::from_utf8_lossy(&o.stdout);
            let stat = stat.trim();
            !stat.is_empty() && !stat.starts_with('Z')
        })
}

/// Waits (up to `secs`) for `f`.
fn until(secs: u64, mut f: impl FnMut() -> bool) -> bool {
    let end = Instant::now() + Duration::from_secs(secs);
    while Instant::now() < end {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    f()
}

/// Waits for a child (up to `secs`), killing it if it does not end.
fn wait_for(child: &mut Child, secs: u64) -> Option<std::process::ExitStatus> {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            return Some(s);
        }
        if Instant::now() > end {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Whether the enter/leave log shows two runs inside the critical section at once; returns how
/// many entered.
fn overlaps(log: &str) -> (bool, usize) {
    let mut inside = 0;
    let mut entered = 0;
    let mut overlap = false;
    for l in log.lines() {
        if l.starts_with("enter") {
            inside += 1;
            entered += 1;
            overlap |= inside > 1;
        } else if l.starts_with("leave") {
            inside -= 1;
        }
    }
    (overlap, entered)
}

fn plant_stale_lock(root: &Path) {
    let l = lock(root);
    let _ = std::fs::remove_dir_all(&l);
    std::fs::create_dir_all(&l).expect("mkdir");
    std::fs::write(l.join("pid"), format!("{}\n", dead_pid())).expect("pid");
}

#[test]
fn twenty_runs_racing_for_a_stale_lock_never_hold_it_together() {
    for shell in common::shells() {
        let host = Host::new(&shell);
        let root = host.path().to_path_buf();
        let s = script(&build(&root), "crit");
        std::fs::write(root.join("crit"), "x").expect("marker");
        for round in 0..3 {
            let _ = std::fs::remove_file(root.join("log"));
            plant_stale_lock(&root);
            let mut runs: Vec<Child> = (0..20)
                .map(|_| {
                    host.command(&s, &["--apply"])
                        .stdout(Stdio::null())
                        .stderr(Stdio::null())
                        .spawn()
                        .expect("spawn")
                })
                .collect();
            let mut codes = Vec::new();
            for r in &mut runs {
                codes.push(wait_for(r, 120).and_then(|s| s.code()));
            }
            let log = std::fs::read_to_string(root.join("log")).unwrap_or_default();
            let (overlap, entered) = overlaps(&log);
            assert!(
                !overlap,
                "{shell:?} round {round}: two runs at once:\n{log}"
            );
            assert!(
                entered >= 1,
                "{shell:?} round {round}: no run got the lock: {codes:?}"
            );
            assert!(
                codes.iter().all(|c| matches!(c, Some(0 | 75))),
                "{shell:?} round {round}: {codes:?}"
            );
            assert_eq!(
                codes.iter().filter(|c| **c == Some(0)).count(),
                entered,
                "{shell:?} round {round}: {codes:?}\n{log}"
            );
            assert!(!lock(&root).exists(), "{shell:?}: the lock was left behind");
        }
        // Contenders that wait all get their turn, one at a time.
        let _ = std::fs::remove_file(root.join("log"));
        plant_stale_lock(&root);
        let mut runs: Vec<Child> = (0..5)
            .map(|_| {
                host.command(&s, &["--apply", "--wait", "60"])
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .expect("spawn")
            })
            .collect();
        for r in &mut runs {
            assert_eq!(wait_for(r, 180).and_then(|s| s.code()), Some(0));
        }
        let log = std::fs::read_to_string(root.join("log")).unwrap_or_default();
        assert_eq!(overlaps(&log), (false, 5), "{log}");
        host.validate_audit();
    }
}

/// Sets a path's modification time `secs` into the past.
fn age(p: &Path, secs: u64) {
    let f = std::fs::File::open(p).expect("open");
    f.set_modified(std::time::SystemTime::now() - Duration::from_secs(secs))
        .expect("set mtime");
}

#[test]
fn empty_and_pid_1_locks_are_reclaimed_after_a_minute_and_not_before() {
    for shell in common::shells() {
        let host = Host::new(&shell);
        let root = host.path().to_path_buf();
        let s = script(&build(&root), "crit");
        std::fs::write(root.join("crit"), "x").expect("marker");
        for content in [None, Some("1\n"), Some("0\n"), Some("garbage\n")] {
            let l = lock(&root);
            let _ = std::fs::remove_dir_all(&l);
            std::fs::create_dir_all(&l).expect("mkdir");
            if let Some(c) = content {
                std::fs::write(l.join("pid"), c).expect("pid");
            }
            // Fresh: it may be a run that is just writing its line; not taken.
            let o = host.run(&s, &["--apply"]);
            assert_eq!(o.status.code(), Some(75), "{content:?}: {}", text(&o));
            assert!(l.exists());
            // Older than a minute (find -mmin +1 rounds up): reclaimed, moved aside.
            age(&l, 150);
            let o = host.run(&s, &["--apply"]);
            assert_eq!(o.status.code(), Some(0), "{content:?}: {}", text(&o));
            assert!(!l.exists(), "{content:?}");
            assert!(
                String::from_utf8_lossy(&o.stdout).contains("reclaimed a stale lock"),
                "{}",
                text(&o)
            );
        }
        // A live process that is not a skillc run (a reused PID) does not hold a lock for ever.
        let mut other = Command::new("sleep").arg("30").spawn().expect("sleep");
        let l = lock(&root);
        std::fs::create_dir_all(&l).expect("mkdir");
        std::fs::write(
            l.join("pid"),
            format!("{} 20260101T000000Z-1 lt--crit--web.sh\n", other.id()),
        )
        .expect("pid");
        let o = host.run(&s, &["--apply"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let _ = other.kill();
        let _ = other.wait();
        host.validate_audit();
    }
}

#[test]
fn a_run_never_removes_a_lock_that_is_not_its_own() {
    for shell in common::shells() {
        let host = Host::new(&shell);
        let root = host.path().to_path_buf();
        let s = script(&build(&root), "slow");
        std::fs::write(root.join("slow"), "x").expect("marker");
        let mut run = host
            .command(&s, &["--apply"])
            .stdout(Stdio::null())
            .spawn()
            .expect("spawn");
        let pidfile = root.join("slow.pid");
        assert!(until(30, || pidfile.exists()), "the step never started");
        // Another run's lock now sits at the path (as after a wrong reclaim).
        let theirs = format!(
            "{} 20260101T000000Z-7 lt--crit--web.sh\n",
            std::process::id()
        );
        std::fs::write(lock(&root).join("pid"), &theirs).expect("pid");
        let step = std::fs::read_to_string(&pidfile).expect("pid");
        Command::new("kill")
            .arg(step.trim())
            .status()
            .expect("kill");
        wait_for(&mut run, 60).expect("the run ended");
        assert_eq!(
            std::fs::read_to_string(lock(&root).join("pid")).expect("the lock is still there"),
            theirs
        );
    }
}

/// Runs the slow skill in its own process group, waits for its step to start, sends `signal`
/// (to the whole group, as a terminal's Ctrl-C does, when `group`), and checks that the step's
/// processes are gone, the lock released only after that, and the audit says interrupted.
fn interrupt(shell: &[String], signal: &str, group: bool, code: i32) {
    let host = Host::new(shell);
    let root = host.path().to_path_buf();
    let s = script(&build(&root), "slow");
    std::fs::write(root.join("slow"), "x").expect("marker");
    let mut cmd = host.command(&s, &["--apply"]);
    cmd.stdout(Stdio::null()).process_group(0);
    let mut run = cmd.spawn().expect("spawn");
    let pidfile = root.join("slow.pid");
    assert!(until(30, || pidfile.exists()), "the step never started");
    let step = std::fs::read_to_string(&pidfile).expect("pid");
    let target = if group {
        format!("-{}", run.id())
    } else {
        run.id().to_string()
    };
    Command::new("kill")
        .args([&format!("-{signal}"), "--", &target])
        .status()
        .expect("kill");
    let status = wait_for(&mut run, 30).expect("the run did not end after the signal");
    assert_eq!(status.code(), Some(code), "{shell:?} {signal}");
    assert!(
        !alive(&step),
        "{shell:?} {signal}: the step outlived the run"
    );
    assert!(!root.join("slow.done").exists());
    assert!(
        !lock(&root).exists(),
        "{shell:?} {signal}: the lock was left"
    );
    let lines = host.validate_audit();
    let interrupted = |event: &str| {
        lines
            .iter()
            .any(|l| l["event"] == event && l["status"] == "interrupted")
    };
    assert!(interrupted("step_end"), "{shell:?} {signal}: {lines:#?}");
    assert!(interrupted("run_end"), "{shell:?} {signal}: {lines:#?}");
    // A second --apply right after runs alone: nothing of the first is left to run beside it.
    std::fs::remove_file(&pidfile).expect("rm");
    let o = host.run(&script(&root.join("out"), "crit"), &["--apply"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn ctrl_c_sigterm_and_sighup_mid_step_end_the_step_before_the_lock_is_released() {
    for shell in common::shells() {
        interrupt(&shell, "INT", true, 130);
        interrupt(&shell, "TERM", false, 143);
        interrupt(&shell, "HUP", false, 129);
    }
}

#[test]
fn a_reader_that_goes_away_leaves_no_lock_and_the_run_is_audited() {
    for shell in common::shells() {
        let host = Host::new(&shell);
        let root = host.path().to_path_buf();
        let s = script(&build(&root), "crit");
        std::fs::write(root.join("crit"), "x").expect("marker");
        // `| head -c1`: the first byte is read, then every write gets SIGPIPE.
        let c = host.command(&s, &["--apply"]);
        let prog = c.get_program().to_owned();
        let args: Vec<_> = c.get_args().map(ToOwned::to_owned).collect();
        let mut piped = Command::new("sh");
        piped
            .arg("-c")
            .arg("\"$@\" | head -c1 >/dev/null")
            .arg("sh")
            .arg(prog)
            .args(args);
        for (k, v) in c.get_envs() {
            if let Some(v) = v {
                piped.env(k, v);
            }
        }
        let mut run = piped
            .current_dir(&root)
            .stdin(Stdio::null())
            .spawn()
            .expect("spawn");
        wait_for(&mut run, 60).expect("the pipeline hung");
        assert!(until(10, || !lock(&root).exists()), "a stale lock was left");
        let lines = host.validate_audit();
        assert!(
            lines.iter().any(|l| l["event"] == "run_end"),
            "no run_end: {lines:#?}"
        );
    }
}

/// `--apply | cat` returns when the run ends, and nothing the step started is left, also what
/// it backgrounded or double-forked: its command runs in a process group of its own (made with
/// perl's setpgrp, the same under every shell), which the script ends after the step. Under dash,
/// bash and zsh as `sh`.
#[test]
fn nothing_a_step_started_outlives_the_run() {
    let mut shells = common::shells();
    if common::have_tool("zsh") {
        let tmp = std::env::temp_dir().join(format!("skillc-zsh-sh-{}", std::process::id()));
        std::fs::create_dir_all(&tmp).expect("mkdir");
        let sh = tmp.join("sh");
        let _ = std::fs::remove_file(&sh);
        let zsh = String::from_utf8(
            Command::new("sh")
                .args(["-c", "command -v zsh"])
                .output()
                .expect("zsh")
                .stdout,
        )
        .expect("utf8");
        std::os::unix::fs::symlink(zsh.trim(), &sh).expect("symlink");
        shells.push(vec![sh.display().to_string()]);
    }
    if !Path::new("/usr/bin/perl").exists() {
        common::tool_missing("/usr/bin/perl (makes a step's command a process group)");
        return;
    }
    for shell in shells {
        let host = Host::new(&shell);
        let root = host.path().to_path_buf();
        let s = script(&build(&root), "forker");
        std::fs::write(root.join("fork"), "x").expect("marker");
        let c = host.command(&s, &["--apply"]);
        let prog = c.get_program().to_owned();
        let args: Vec<_> = c.get_args().map(ToOwned::to_owned).collect();
        let mut piped = Command::new("sh");
        piped
            .arg("-c")
            .arg("\"$@\" | cat >/dev/null")
            .arg("sh")
            .arg(prog)
            .args(args);
        for (k, v) in c.get_envs() {
            if let Some(v) = v {
                piped.env(k, v);
            }
        }
        let mut run = piped
            .current_dir(&root)
            .stdin(Stdio::null())
            .spawn()
            .expect("spawn");
        let status = wait_for(&mut run, 30).expect("`--apply | cat` hung on a left-over child");
        assert!(status.success(), "{shell:?}");
        for f in ["child.pid", "grandchild.pid"] {
            let pid = std::fs::read_to_string(root.join(f)).expect(f);
            assert!(
                until(5, || !alive(&pid)),
                "{shell:?}: {f} {pid} outlived the run"
            );
        }
    }
}

#[test]
fn group_and_skill_time_limits_are_enforced() {
    for shell in common::shells() {
        let host = Host::new(&shell);
        let root = host.path().to_path_buf();
        let out = build(&root);
        for (skill, marker) in [("grouped", "group"), ("limited", "limit")] {
            std::fs::write(root.join(marker), "x").expect("marker");
            let t = Instant::now();
            let o = host.run(&script(&out, skill), &["--apply", "--json"]);
            let took = t.elapsed();
            // The step sleeps 30 s under a 60 s step limit; the 2 s limit above it must win.
            assert!(took < Duration::from_secs(20), "{skill}: took {took:?}");
            let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
            assert_eq!(r["status"], "fixed", "{skill}: {}", text(&o));
            // The ended step leaves no job notice (dash and busybox sh print "Terminated").
            assert!(
                !String::from_utf8_lossy(&o.stderr).contains("Terminated"),
                "{shell:?} {skill}: {}",
                text(&o)
            );
            let lines = host.validate_audit();
            assert!(
                lines.iter().any(|l| l["event"] == "step_end"
                    && l["skill"] == format!("lt/{skill}")
                    && l["status"] == "timeout"),
                "{skill}: {lines:#?}"
            );
            std::fs::remove_file(root.join(marker)).expect("rm");
        }
        // The step after the timed-out one in the group did not run.
        assert!(!root.join("after").exists());
    }
}
