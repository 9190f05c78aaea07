//! Attacks on what a generated script takes from whoever runs it (docs/security.md, "The
//! invoker's environment"): location overrides, PATH, exported shell functions, hostile
//! variables, umask 000, unsafe state and audit locations, and `runners`. Each runs under
//! `dash` and `bash --posix` against the simulated host of `e2e.rs`.

mod common;

use common::{Host, text};
use serde_json::json;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The lab fixture under `root`, built as a test build (`test`) or a normal one.
fn build(root: &Path, test: bool) -> PathBuf {
    common::build_lab(root, test)
}

fn uid() -> String {
    let o = Command::new("id").arg("-u").output().expect("id");
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

fn is_root() -> bool {
    uid() == "0"
}

fn web() -> String {
    format!("gui/{}/org.example.lab.web", common::GUI_UID)
}

/// A host with a disabled web job and the script that fixes it (a mutating skill).
fn victim(shell: &[String], test: bool) -> (Host, PathBuf) {
    let host = Host::new(shell);
    let out = build(host.path(), test);
    host.service(&web(), &json!({ "disabled": true, "loaded": false }));
    let s = out.join("lab/remediate/launchd-doctor--job-disabled--web.sh");
    (host, s)
}

/// A directory of fake tools, each of which records that it ran in `marker`.
fn evil_bin(dir: &Path, marker: &Path, tools: &[&str]) -> PathBuf {
    let bin = dir.join("evil-bin");
    std::fs::create_dir_all(&bin).expect("mkdir");
    for t in tools {
        let p = bin.join(t);
        std::fs::write(
            &p,
            format!("#!/bin/sh\necho {t} >>'{}'\nexit 0\n", marker.display()),
        )
        .expect("write");
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    bin
}

fn mode(p: &Path) -> u32 {
    std::fs::symlink_metadata(p)
        .expect("stat")
        .permissions()
        .mode()
        & 0o7777
}

#[test]
fn a_normal_build_refuses_every_location_override() {
    for shell in common::shells() {
        let (host, s) = victim(&shell, false);
        let elsewhere = host.path().join("attacker");
        std::fs::create_dir_all(&elsewhere).expect("mkdir");
        for var in [
            "SKILLC_AUDIT_LOG",
            "SKILLC_STATE_DIR",
            "SKILLC_APPROVERS_DIR",
            "SKILLC_ALLOWED_SIGNERS",
            "SKILLC_TEST_PATH",
            "SKILLC_TEST_SHELL",
            "SKILLC_TEST_INVOKER",
        ] {
            let o = Command::new(&shell[0])
                .args(&shell[1..])
                .arg(&s)
                .arg("--apply")
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env(var, elsewhere.join("x"))
                .current_dir(host.path())
                .output()
                .expect("run");
            assert_eq!(o.status.code(), Some(64), "{var}: {}", text(&o));
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains("only by scripts built for tests"),
                "{var}: {err}"
            );
            assert_eq!(
                std::fs::read_dir(&elsewhere).expect("ls").count(),
                0,
                "{var}: something was written to the override"
            );
        }
        assert!(host.mutations().is_empty(), "{:?}", host.mutations());
    }
}

#[test]
fn the_callers_path_is_never_searched() {
    for shell in common::shells() {
        let (host, s) = victim(&shell, true);
        let marker = host.path().join("pwned");
        let tools = [
            "launchctl",
            "date",
            "id",
            "ps",
            "mkdir",
            "sed",
            "awk",
            "cat",
            "rm",
            "mv",
            "ls",
            "openssl",
            "ssh-keygen",
            "sleep",
            "mktemp",
            "env",
            "sort",
            "tr",
            "cut",
        ];
        let evil = evil_bin(host.path(), &marker, &tools);
        let o = host
            .command(&s, &["--apply"])
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    evil.display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(
            !marker.exists(),
            "a tool from the caller's PATH ran: {}",
            std::fs::read_to_string(&marker).unwrap_or_default()
        );
        assert_eq!(host.state()[web()]["disabled"], json!(false));
        host.validate_audit();
    }
}

#[test]
fn exported_shell_functions_are_dropped_before_anything_runs() {
    if !common::have_tool("bash") {
        return;
    }
    let shell = vec!["bash".to_owned(), "--posix".to_owned()];
    let (host, s) = victim(&shell, true);
    let marker = host.path().join("pwned");
    let body = format!("() {{ echo \"$0\" >>'{}'; return 0; }}", marker.display());
    let funcs = [
        "printf",
        "test",
        "id",
        "launchctl",
        "mkdir",
        "date",
        "sed",
        "cat",
        "read",
        "command",
        "kill",
        "wait",
        "ps",
        "awk",
        "openssl",
        "ssh-keygen",
        "cd",
        "pwd",
        "umask",
    ];
    let with_functions = |extra: Option<(&str, &str)>| {
        let mut c = host.command(&s, &["--apply"]);
        for f in funcs {
            c.env(format!("BASH_FUNC_{f}%%"), &body);
        }
        if let Some((k, v)) = extra {
            c.env(k, v);
        }
        c.output().expect("run")
    };
    let o = with_functions(None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        !marker.exists(),
        "an exported function ran: {}",
        std::fs::read_to_string(&marker).unwrap_or_default()
    );
    assert_eq!(host.state()[web()]["disabled"], json!(false));

    // Claiming to be the clean re-execution does not skip the check: the run is refused.
    host.service(&web(), &json!({ "disabled": true, "loaded": false }));
    let before = host.mutations().len();
    let o = with_functions(Some(("SKILLC_ENV_PASS", "1")));
    assert_eq!(o.status.code(), Some(78), "{}", text(&o));
    assert!(!marker.exists(), "an exported function ran");
    assert_eq!(host.mutations().len(), before, "something changed");
}

#[test]
fn hostile_variables_do_not_reach_the_script_or_its_tools() {
    for shell in common::shells() {
        let (host, s) = victim(&shell, true);
        let marker = host.path().join("pwned");
        let attacker = host.path().join("attacker-tmp");
        std::fs::create_dir_all(&attacker).expect("mkdir");
        let rc = host.path().join("evilrc");
        std::fs::write(&rc, format!("echo rc >>'{}'\n", marker.display())).expect("rc");
        let cnf = host.path().join("evil.cnf");
        std::fs::write(&cnf, "openssl_conf = nonsense\n[nonsense\n").expect("cnf");
        let o = host
            .command(&s, &["--apply"])
            .env("TMPDIR", &attacker)
            .env("ENV", &rc)
            .env("BASH_ENV", &rc)
            .env("OPENSSL_CONF", &cnf)
            .env("IFS", "/")
            .env("CDPATH", &attacker)
            .env("LC_ALL", "xx_XX.bogus")
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(!marker.exists(), "a startup file from the environment ran");
        assert_eq!(
            std::fs::read_dir(&attacker).expect("ls").count(),
            0,
            "the run used the caller's TMPDIR"
        );
        assert_eq!(host.state()[web()]["disabled"], json!(false));
    }
}

#[test]
fn under_umask_000_state_and_audit_stay_private() {
    for shell in common::shells() {
        let (host, s) = victim(&shell, true);
        let c = host.command(&s, &["--apply"]);
        // Run the shell from `sh -c 'umask 000; exec "$@"'`, as a careless operator's login would.
        let prog = c.get_program().to_owned();
        let args: Vec<_> = c.get_args().map(ToOwned::to_owned).collect();
        let mut wrapped = Command::new("sh");
        wrapped
            .arg("-c")
            .arg("umask 000; exec \"$@\"")
            .arg("sh")
            .arg(prog)
            .args(args);
        for (k, v) in c.get_envs() {
            match v {
                Some(v) => wrapped.env(k, v),
                None => wrapped.env_remove(k),
            };
        }
        wrapped
            .current_dir(host.path())
            .stdin(std::process::Stdio::null());
        let o = wrapped.output().expect("run");
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let state = host.path().join("state");
        for d in [
            state.clone(),
            state.join("locks"),
            state.join("used-tokens"),
        ] {
            assert_eq!(mode(&d), 0o700, "{}", d.display());
        }
        assert_eq!(mode(&host.audit_log()), 0o600);
    }
}

#[test]
fn unsafe_state_and_audit_locations_are_refused_before_any_change() {
    for shell in common::shells() {
        // The state directory writable by others.
        let (host, s) = victim(&shell, true);
        let state = host.path().join("state");
        std::fs::create_dir_all(&state).expect("mkdir");
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let o = host.run(&s, &["--apply"]);
        assert_eq!(o.status.code(), Some(78), "{}", text(&o));
        assert!(String::from_utf8_lossy(&o.stderr).contains("writable by group or others"));
        assert!(host.mutations().is_empty(), "{:?}", host.mutations());
        // The lock directory a symbolic link to somewhere the attacker controls.
        std::fs::set_permissions(&state, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        let elsewhere = host.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).expect("mkdir");
        std::os::unix::fs::symlink(&elsewhere, state.join("locks")).expect("symlink");
        let o = host.run(&s, &["--apply"]);
        assert_eq!(o.status.code(), Some(78), "{}", text(&o));
        assert!(String::from_utf8_lossy(&o.stderr).contains("symbolic link"));
        assert_eq!(std::fs::read_dir(&elsewhere).expect("ls").count(), 0);
        assert!(host.mutations().is_empty(), "{:?}", host.mutations());
        std::fs::remove_file(state.join("locks")).expect("rm");
        // A directory above the state writable by others (not sticky).
        let shared = host.path().join("shared");
        std::fs::create_dir_all(shared.join("state")).expect("mkdir");
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        let o = host
            .command(&s, &["--apply"])
            .env("SKILLC_STATE_DIR", shared.join("state"))
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(78), "{}", text(&o));
        assert!(String::from_utf8_lossy(&o.stderr).contains("above it"));
        assert!(host.mutations().is_empty(), "{:?}", host.mutations());
        // The state directory owned by another user.
        if is_root() {
            std::os::unix::fs::chown(&state, Some(65534), Some(65534)).expect("chown");
            let o = host.run(&s, &["--apply"]);
            assert_eq!(o.status.code(), Some(78), "{}", text(&o));
            assert!(String::from_utf8_lossy(&o.stderr).contains("owned by uid 65534"));
            assert!(host.mutations().is_empty(), "{:?}", host.mutations());
            std::os::unix::fs::chown(&state, Some(0), Some(0)).expect("chown");
        } else {
            common::tool_missing("root (to chown the state directory to another user)");
        }
        // The audit log a symbolic link to a file it must not write: apply refuses, plan goes on
        // without the audit log, and the file is untouched either way.
        let precious = host.path().join("precious");
        std::fs::write(&precious, "keep\n").expect("write");
        let _ = std::fs::remove_file(host.audit_log());
        std::os::unix::fs::symlink(&precious, host.audit_log()).expect("symlink");
        let o = host.run(&s, &["--apply"]);
        assert_eq!(o.status.code(), Some(78), "{}", text(&o));
        assert!(host.mutations().is_empty(), "{:?}", host.mutations());
        let o = host.run(&s, &[]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(String::from_utf8_lossy(&o.stderr).contains("continues without it"));
        assert_eq!(std::fs::read_to_string(&precious).expect("read"), "keep\n");
        std::fs::remove_file(host.audit_log()).expect("rm");
        // Once safe, the same run goes through.
        let o = host.run(&s, &["--apply"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert_eq!(host.state()[web()]["disabled"], json!(false));
    }
}

#[test]
fn runners_are_enforced_against_the_real_invoker_and_every_audit_line_names_it() {
    for shell in common::shells() {
        let (host, s) = victim(&shell, true);
        // mallory is in no role of the lab policy's runners; the job is disabled in her own
        // gui domain too (a run as mallory addresses hers).
        host.service(
            "gui/1234/org.example.lab.web",
            &json!({ "disabled": true, "loaded": false }),
        );
        let o = host
            .command(&s, &["--apply", "--json"])
            .env("SKILLC_TEST_INVOKER", "mallory:1234")
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(77), "{}", text(&o));
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(r["status"], json!("not_a_runner"));
        assert_eq!(r["invoker"], json!({ "user": "mallory", "uid": 1234 }));
        assert!(host.mutations().is_empty(), "{:?}", host.mutations());
        // Plan mode is open to anyone who may execute the script.
        let o = host
            .command(&s, &[])
            .env("SKILLC_TEST_INVOKER", "mallory:1234")
            .output()
            .expect("run");
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        // alice (role ops) may.
        let o = host.run(&s, &["--apply"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let lines = host.validate_audit();
        assert!(lines.iter().all(|l| l["invoker"]["user"].is_string()));
        assert!(
            lines
                .iter()
                .any(|l| l["event"] == "runner" && l["invoker"]["user"] == "mallory")
        );
        assert!(
            lines
                .iter()
                .any(|l| l["event"] == "run_end" && l["invoker"]["user"] == "alice")
        );
    }
}

/// Without the test-build invoker, the invoker is the real user, or SUDO_USER only when the
/// real user is root (a user cannot claim to be someone else by setting SUDO_USER).
#[test]
fn sudo_user_counts_only_under_root() {
    if !is_root() {
        common::tool_missing("root (to run as root and as a second local user)");
        return;
    }
    for shell in common::shells() {
        let (host, s) = victim(&shell, true);
        let run = |sudo_user: &str| {
            host.command(&s, &["--apply", "--json"])
                .env_remove("SKILLC_TEST_INVOKER")
                .env("SUDO_USER", sudo_user)
                .env("SUDO_UID", "502")
                .output()
                .expect("run")
        };
        for bad in ["mallory", "alice\nx", "-alice", ""] {
            let o = run(bad);
            assert_eq!(o.status.code(), Some(77), "{bad:?}: {}", text(&o));
            assert!(host.mutations().is_empty(), "{:?}", host.mutations());
        }
        let o = run("bob");
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(r["invoker"], json!({ "user": "bob", "uid": 502 }));

        // A second local user (nobody) claiming SUDO_USER=alice is still nobody.
        if !common::have_tool("setpriv") {
            continue;
        }
        let (host, s) = victim(&shell, true);
        // nobody's own GUI domain holds the disabled job too, so detect fires for it.
        host.service(
            "gui/65534/org.example.lab.web",
            &json!({ "disabled": true, "loaded": false }),
        );
        chown_tree(host.path(), 65534);
        let mut c = host.command(&s, &["--apply", "--json"]);
        c.env_remove("SKILLC_TEST_INVOKER")
            .env("SUDO_USER", "alice")
            .env("SUDO_UID", "501");
        let prog = c.get_program().to_owned();
        let args: Vec<_> = c.get_args().map(ToOwned::to_owned).collect();
        let mut as_nobody = Command::new("setpriv");
        as_nobody
            .args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
            .arg(prog)
            .args(args);
        for (k, v) in c.get_envs() {
            if let Some(v) = v {
                as_nobody.env(k, v);
            } else {
                as_nobody.env_remove(k);
            }
        }
        as_nobody
            .current_dir(host.path())
            .stdin(std::process::Stdio::null());
        let o = as_nobody.output().expect("setpriv");
        assert_eq!(o.status.code(), Some(77), "{}", text(&o));
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(r["status"], json!("not_a_runner"));
        assert_eq!(r["invoker"]["uid"], json!(65534));
        assert!(host.mutations().is_empty(), "{:?}", host.mutations());
    }
}

fn chown_tree(p: &Path, uid: u32) {
    std::os::unix::fs::lchown(p, Some(uid), Some(uid)).expect("chown");
    if p.is_dir() && !p.is_symlink() {
        for e in std::fs::read_dir(p).expect("ls") {
            chown_tree(&e.expect("entry").path(), uid);
        }
    }
}

/// macOS lets an administrator point /bin/sh at zsh: zsh started as `sh` (sh emulation) adds
/// LOGNAME and SHLVL to its environment, and the clean re-execution still works under it.
#[test]
fn the_clean_environment_holds_under_zsh_as_sh() {
    if !common::have_tool("zsh") {
        return;
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let zsh = String::from_utf8(
        Command::new("sh")
            .args(["-c", "command -v zsh"])
            .output()
            .expect("zsh")
            .stdout,
    )
    .expect("utf8");
    let sh = tmp.path().join("sh");
    std::os::unix::fs::symlink(zsh.trim(), &sh).expect("symlink");
    let shell = vec![sh.display().to_string()];
    let (host, s) = victim(&shell, true);
    let marker = host.path().join("pwned");
    let evil = evil_bin(host.path(), &marker, &["launchctl", "id", "date"]);
    let o = host
        .command(&s, &["--apply"])
        .env(
            "PATH",
            format!(
                "{}:{}",
                evil.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .env("TMPDIR", host.path().join("nowhere"))
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(!marker.exists(), "a tool from the caller's PATH ran");
    assert_eq!(host.state()[web()]["disabled"], json!(false));
    host.validate_audit();
}
