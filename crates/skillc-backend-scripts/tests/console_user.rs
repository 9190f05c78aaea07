//! Agents are addressed in the gui domain of the user logged in at the console when a script runs
//! as root (sudo), as install.sh does, not in `gui/0`; with nobody logged in, a script whose target
//! is an agent stops before anything (exit 69) and the doctor reports its agents as not checked.
//! The console's owner is simulated by tests/harness/bsd/stat (`stat -f %u /dev/console`).

mod common;

use common::{Host, text};
use serde_json::json;
use std::path::{Path, PathBuf};

/// The lab fixture under `root` (a test build); its output root.
fn build(root: &Path) -> PathBuf {
    common::build_lab(root, true)
}

fn console(host: &Host, uid: Option<&str>) {
    let f = host.path().join("launchd/console");
    match uid {
        Some(u) => std::fs::write(f, u).expect("console"),
        None => {
            let _ = std::fs::remove_file(f);
        }
    }
}

/// The script as root (a test build's invoker root:0, i.e. `sudo SCRIPT`).
fn as_root(host: &Host, script: &Path, args: &[&str]) -> std::process::Output {
    host.command(script, args)
        .env("SKILLC_TEST_INVOKER", "root:0")
        .output()
        .expect("run")
}

#[test]
fn under_root_an_agent_is_addressed_in_the_console_users_domain() {
    for shell in common::shells() {
        let host = Host::new(&shell);
        let out = build(host.path());
        let s = out.join("lab/remediate/launchd-doctor--job-disabled--web.sh");
        let detected = |host: &Host| -> serde_json::Value {
            let o = as_root(host, &s, &["--json"]);
            assert_eq!(o.status.code(), Some(0), "{}", text(&o));
            serde_json::from_slice::<serde_json::Value>(&o.stdout).expect("json")["detected"]
                .clone()
        };
        for user in ["501", "502"] {
            console(&host, Some(user));
            let mine = format!("gui/{user}/org.example.lab.web");
            // Disabled in the console user's domain: found.
            host.service(&mine, &json!({ "disabled": true, "loaded": false }));
            host.service(
                "gui/0/org.example.lab.web",
                &json!({ "disabled": false, "loaded": true }),
            );
            assert_eq!(detected(&host), json!(true), "{user}");
            // Disabled only in root's own domain: not this agent's problem.
            host.service(
                &mine,
                &json!({ "disabled": false, "loaded": true, "running": true }),
            );
            host.service(
                "gui/0/org.example.lab.web",
                &json!({ "disabled": true, "loaded": false }),
            );
            assert_eq!(detected(&host), json!(false), "{user}");
        }
        let calls = std::fs::read_to_string(host.path().join("launchd/calls.log")).expect("calls");
        assert!(
            calls.contains("gui/501") && calls.contains("gui/502"),
            "{calls}"
        );
        assert!(!calls.contains("gui/0"), "{calls}");
    }
}

#[test]
fn with_nobody_at_the_console_an_agents_script_stops_before_anything() {
    for shell in common::shells() {
        let host = Host::new(&shell);
        let out = build(host.path());
        console(&host, None);
        host.service(
            "gui/0/org.example.lab.web",
            &json!({ "disabled": true, "loaded": false }),
        );
        let s = out.join("lab/remediate/launchd-doctor--job-disabled--web.sh");
        for args in [
            &["--apply"][..],
            &[][..],
            &["--detect"][..],
            &["--json"][..],
        ] {
            let o = as_root(&host, &s, args);
            assert_eq!(o.status.code(), Some(69), "{args:?}: {}", text(&o));
            let stderr = String::from_utf8_lossy(&o.stderr);
            assert!(
                stderr.contains("no user is logged in at the console"),
                "{stderr}"
            );
        }
        assert!(host.mutations().is_empty(), "{:?}", host.mutations());
        assert!(
            !host.audit_log().exists(),
            "nothing was audited: nothing ran"
        );
        // A daemon's script does not depend on the console.
        let store = out.join("lab/remediate/launchd-doctor--not-loaded--store.sh");
        let o = as_root(&host, &store, &[]);
        assert_ne!(o.status.code(), Some(69), "{}", text(&o));
    }
}

#[test]
fn the_doctor_reports_agents_as_not_checked_when_nobody_is_logged_in() {
    let shell = common::shells().remove(0);
    let host = Host::new(&shell);
    let out = build(host.path());
    host.service(
        "system/org.example.lab.store",
        &json!({ "loaded": true, "running": true }),
    );
    let doctor = out.join("lab/doctor.sh");
    let row = common::doctor_row;
    console(&host, None);
    let o = as_root(&host, &doctor, &["--json"]);
    let web = row(&o, "lab/web");
    assert_eq!(web["ready"], json!(null), "{web}");
    assert!(
        web["notes"]
            .as_str()
            .is_some_and(|n| n.contains("no user is logged in")),
        "{web}"
    );
    assert_eq!(web["failures"], json!([]));
    let table = as_root(&host, &doctor, &[]);
    assert!(
        String::from_utf8_lossy(&table.stdout).contains("not checked"),
        "{}",
        text(&table)
    );
    // Someone logs in: the agent is checked in that user's domain.
    console(&host, Some("501"));
    host.service(
        "gui/501/org.example.lab.web",
        &json!({ "loaded": true, "running": true }),
    );
    let o = as_root(&host, &doctor, &["--json"]);
    let web = row(&o, "lab/web");
    assert_ne!(web["ready"], json!(null), "{web}");
}

/// Under a real `sudo` (real uid 0, SUDO_USER/SUDO_UID set), the domain is the console user's,
/// not the sudo caller's.
#[test]
fn under_real_sudo_the_console_user_wins_over_the_sudo_caller() {
    let uid = std::process::Command::new("id")
        .arg("-u")
        .output()
        .expect("id");
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        common::tool_missing("root (to run as root)");
        return;
    }
    let shell = common::shells().remove(0);
    let host = Host::new(&shell);
    let out = build(host.path());
    console(&host, Some("502"));
    host.service(
        "gui/502/org.example.lab.web",
        &json!({ "disabled": true, "loaded": false }),
    );
    host.service(
        "gui/501/org.example.lab.web",
        &json!({ "disabled": true, "loaded": false }),
    );
    let s = out.join("lab/remediate/launchd-doctor--job-disabled--web.sh");
    let o = host
        .command(&s, &["--apply", "--json"])
        .env_remove("SKILLC_TEST_INVOKER")
        .env("SUDO_USER", "alice")
        .env("SUDO_UID", "501")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        host.state()["gui/502/org.example.lab.web"]["disabled"],
        json!(false)
    );
    assert_eq!(
        host.state()["gui/501/org.example.lab.web"]["disabled"],
        json!(true)
    );
}

/// The lab with `web` a per-user agent of `daemon` (a user every macOS and Linux has, uid 1).
fn build_per_user(root: &Path) -> PathBuf {
    common::build_lab_with(root, true, |y| {
        let edited = y.replacen(
            "    scope: session\n",
            "    scope: session\n    for_user: daemon\n",
            1,
        );
        assert_ne!(edited, y);
        edited
    })
}

fn uid_of(user: &str) -> String {
    let o = std::process::Command::new("id")
        .args(["-u", user])
        .output()
        .expect("id");
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

fn logged_in(host: &Host, uids: &[&str]) {
    let list: String = uids
        .iter()
        .map(|u| format!("{u}\n"))
        .collect::<Vec<_>>()
        .concat();
    std::fs::write(host.path().join("launchd/gui_sessions"), list).expect("gui_sessions");
}

/// A per-user agent lives in its user's gui domain, whoever runs the script and whoever is at the
/// console; while its user is not logged in its scripts stop (69) and the doctor skips it.
#[test]
fn a_per_user_agent_is_addressed_in_its_users_domain_only() {
    let uid = uid_of("daemon");
    assert!(!uid.is_empty(), "the user `daemon` exists");
    for shell in common::shells() {
        let host = Host::new(&shell);
        let out = build_per_user(host.path());
        let s = out.join("lab/remediate/launchd-doctor--job-disabled--web.sh");
        console(&host, Some("501"));
        let theirs = format!("gui/{uid}/org.example.lab.web");
        host.service(&theirs, &json!({ "disabled": true, "loaded": false }));
        host.service(
            "gui/501/org.example.lab.web",
            &json!({ "disabled": false, "loaded": true, "running": true }),
        );
        logged_in(&host, &["501", &uid]);
        for invoker in ["root:0", "alice:501"] {
            let o = host
                .command(&s, &["--json"])
                .env("SKILLC_TEST_INVOKER", invoker)
                .output()
                .expect("run");
            assert_eq!(o.status.code(), Some(0), "{invoker}: {}", text(&o));
            let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
            assert_eq!(r["detected"], json!(true), "{invoker}: {r}");
        }
        // Applied by alice (a runner of the lab's policy), who is at the console.
        let as_alice = |args: &[&str]| {
            host.command(&s, args)
                .env("SKILLC_TEST_INVOKER", "alice:501")
                .output()
                .expect("run")
        };
        let o = as_alice(&["--apply"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert_eq!(host.state()[&theirs]["disabled"], json!(false));
        let calls = std::fs::read_to_string(host.path().join("launchd/calls.log")).expect("calls");
        assert!(
            !calls.contains("gui/501/") && !calls.contains("gui/0"),
            "{calls}"
        );

        // Its user logs out: the script stops before anything; the console user is irrelevant.
        host.service(&theirs, &json!({ "disabled": true, "loaded": false }));
        logged_in(&host, &["501"]);
        let before = host.mutations().len();
        let o = as_alice(&["--apply"]);
        assert_eq!(o.status.code(), Some(69), "{}", text(&o));
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("daemon is not logged in"),
            "{}",
            text(&o)
        );
        assert_eq!(host.mutations().len(), before, "nothing changed");
    }
}

#[test]
fn the_doctor_skips_a_per_user_agent_whose_user_is_not_logged_in() {
    let uid = uid_of("daemon");
    let shell = common::shells().remove(0);
    let host = Host::new(&shell);
    let out = build_per_user(host.path());
    host.service(
        "system/org.example.lab.store",
        &json!({ "loaded": true, "running": true }),
    );
    console(&host, Some("501"));
    logged_in(&host, &["501"]);
    let doctor = out.join("lab/doctor.sh");
    let web = |host: &Host| common::doctor_row(&as_root(host, &doctor, &["--json"]), "lab/web");
    let row = web(&host);
    assert_eq!(row["ready"], json!(null), "{row}");
    assert!(
        row["notes"]
            .as_str()
            .is_some_and(|n| n.contains("daemon is not logged in")),
        "{row}"
    );
    logged_in(&host, &["501", &uid]);
    host.service(
        &format!("gui/{uid}/org.example.lab.web"),
        &json!({ "loaded": true, "running": true }),
    );
    let row = web(&host);
    assert_ne!(row["ready"], json!(null), "{row}");
}
