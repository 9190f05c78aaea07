//! End-to-end scenarios: generated scripts run under `dash` and `bash --posix` against a
//! simulated launchctl (tests/harness/launchctl) and a temporary file system; every audit log
//! is validated against the repository's schemas/audit.schema.json.

mod common;

use common::{Host, text};
use serde_json::json;
use std::path::{Path, PathBuf};

/// The lab fixture under `root` (a test build); its output root.
fn build(root: &Path) -> PathBuf {
    common::build_lab(root, true)
}

fn web() -> String {
    format!("gui/{}/org.example.lab.web", common::GUI_UID)
}

const STORE: &str = "system/org.example.lab.store";

fn script(out: &Path, name: &str) -> PathBuf {
    out.join("lab/remediate").join(name)
}

fn scenario(f: impl Fn(&Host, &Path, &Path)) {
    for shell in common::shells() {
        let host = Host::new(&shell);
        let out = build(host.path());
        f(&host, host.path(), &out);
        host.validate_audit();
    }
}

#[test]
fn disabled_job_is_enabled_and_verified_plan_changes_nothing_second_apply_is_a_no_op() {
    scenario(|host, _root, out| {
        host.service(&web(), &json!({ "disabled": true, "loaded": false }));
        let s = script(out, "launchd-doctor--job-disabled--web.sh");

        let plan = host.run(&s, &[]);
        assert_eq!(plan.status.code(), Some(0), "{}", text(&plan));
        let stdout = String::from_utf8_lossy(&plan.stdout);
        assert!(
            stdout.contains("would_run") && stdout.contains("launchctl enable"),
            "{stdout}"
        );
        assert!(
            host.mutations().is_empty(),
            "plan mode changed state: {:?}",
            host.mutations()
        );
        assert_eq!(host.state()[web()]["disabled"], json!(true));

        let apply = host.run(&s, &["--apply"]);
        assert_eq!(apply.status.code(), Some(0), "{}", text(&apply));
        let st = &host.state()[web()];
        assert_eq!(st["disabled"], json!(false), "{st}");
        assert_eq!(st["running"], json!(true), "{st}");
        assert!(String::from_utf8_lossy(&apply.stdout).contains("verify: passed"));
        let before = host.mutations().len();

        let again = host.run(&s, &["--apply", "--json"]);
        assert_eq!(again.status.code(), Some(0), "{}", text(&again));
        assert_eq!(
            host.mutations().len(),
            before,
            "second --apply changed something"
        );
        let result: serde_json::Value = serde_json::from_slice(&again.stdout).expect("json result");
        assert_eq!(result["status"], json!("healthy"));
        assert_eq!(result["detected"], json!(false));

        let events: Vec<String> = host
            .validate_audit()
            .iter()
            .map(|r| r["event"].as_str().unwrap_or("").to_owned())
            .collect();
        for e in [
            "run_start",
            "detect",
            "plan",
            "lock_acquired",
            "decision",
            "step_start",
            "step_end",
            "verify",
            "run_end",
        ] {
            assert!(events.iter().any(|x| x == e), "no {e} in {events:?}");
        }
    });
}

/// A PID that no process has: a child that has exited and been reaped.
fn dead_pid() -> u32 {
    let mut c = std::process::Command::new("true").spawn().expect("spawn");
    let pid = c.id();
    c.wait().expect("wait");
    pid
}

#[test]
fn stale_lock_is_moved_aside_only_when_its_pid_is_dead() {
    scenario(|host, root, out| {
        let s = script(out, "launchd-doctor--stale-lock--web.sh");
        let lock = root.join("web/lock");
        host.service(
            &web(),
            &json!({ "loaded": true, "running": false, "runs": 3, "last_exit": 1 }),
        );

        // A live holder: not stale, nothing happens.
        std::fs::write(&lock, format!("{}\n", std::process::id())).expect("lock");
        let live = host.run(&s, &["--apply"]);
        assert_eq!(live.status.code(), Some(0), "{}", text(&live));
        assert!(lock.exists(), "a live lock was moved");
        assert!(host.mutations().is_empty(), "{:?}", host.mutations());

        // A dead holder: moved aside (not deleted), the job restarted and verified.
        std::fs::write(&lock, format!("{}\n", dead_pid())).expect("lock");
        let dead = host.run(&s, &["--apply"]);
        assert_eq!(dead.status.code(), Some(0), "{}", text(&dead));
        assert!(!lock.exists(), "the stale lock is still there");
        let moved: Vec<_> = std::fs::read_dir(root.join("web"))
            .expect("dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().starts_with("lock.skillc-"))
            .collect();
        assert_eq!(moved.len(), 1, "lock not moved aside");
        assert_eq!(host.state()[web()]["running"], json!(true));
    });
}

#[test]
fn crash_loop_is_restarted_until_ready() {
    scenario(|host, _root, out| {
        let s = script(out, "launchd-doctor--crash-loop--web.sh");
        host.service(
            &web(),
            &json!({ "loaded": true, "running": false, "runs": 40, "last_exit": 1 }),
        );
        let o = host.run(&s, &["--apply"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(
            host.mutations()
                .iter()
                .any(|m| m.starts_with("kickstart -k ")),
            "{:?}",
            host.mutations()
        );
        assert_eq!(host.state()[web()]["running"], json!(true));
    });
}

#[test]
fn a_failure_that_stays_hands_over_to_the_next_skill_and_still_fails_verification() {
    for shell in common::shells() {
        let host = Host::new(&shell);
        let out = build(host.path());
        std::fs::write(host.path().join("web/never"), "x").expect("marker");
        std::fs::write(host.path().join("web/broken"), "x").expect("marker");
        let s = script(&out, "lab--never-fixed--web.sh");
        let o = host.run(&s, &["--apply", "--json"]);
        assert_eq!(o.status.code(), Some(3), "{}", text(&o));
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(r["status"], json!("verify_failed"));
        assert_eq!(
            r["next_skill"]["script"],
            json!("lab/remediate/lab--slow-fix--web.sh")
        );
        // The next skill ran on the same target (its own failure fixed), and this skill's
        // verification was evaluated again afterwards.
        assert_eq!(r["next_result"]["skill"], json!("lab/slow-fix"), "{r}");
        assert_eq!(r["next_result"]["status"], json!("fixed"), "{r}");
        assert!(!host.path().join("web/broken").exists());
        assert!(host.path().join("web/never").exists());
        let lines = host.validate_audit();
        let events: Vec<&str> = lines.iter().filter_map(|l| l["event"].as_str()).collect();
        let at = |e: &str| events.iter().position(|x| *x == e).unwrap_or(usize::MAX);
        assert!(at("next_skill") < at("next_end"), "{events:?}");
        // A hand-over depth at the bound does not hand over again.
        std::fs::write(host.path().join("web/broken"), "x").expect("marker");
        let o = host.run(&s, &["--apply", "--json", "--chain", "4"]);
        assert_eq!(o.status.code(), Some(3), "{}", text(&o));
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        assert_eq!(r["next_result"], json!(null));
        assert!(host.path().join("web/broken").exists());
    }
}

fn plan_hash(host: &Host, s: &Path) -> String {
    let o = host.run(s, &["--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    r["plan_hash"].as_str().expect("plan_hash").to_owned()
}

#[test]
fn approval_gate_needs_a_valid_token_which_works_once() {
    if !common::have_tool("ssh-keygen") {
        return;
    }
    let alice = common::Signer::new("alice");
    let mallory = common::Signer::new("mallory");
    scenario(|host, _root, out| {
        let s = script(out, "launchd-doctor--crash-loop--store.sh");
        let broken = json!({ "loaded": true, "running": false, "runs": 40, "last_exit": 1 });
        host.service(STORE, &broken);
        common::trust(host, &alice);
        common::trust(host, &mallory);

        // No token: refused, nothing changed.
        let o = host.run(&s, &["--apply"]);
        assert_eq!(o.status.code(), Some(77), "{}", text(&o));
        assert!(host.mutations().is_empty(), "{:?}", host.mutations());

        let hash = plan_hash(host, &s);
        let future = common::now() + 600;
        let skill = "launchd-doctor/crash-loop";
        let target = "lab/store";
        // Wrong plan, expired, a trusted key of nobody in the role, another skill, garbage.
        let bad = [
            alice.sign(&common::approval(
                "alice",
                skill,
                target,
                &"0".repeat(64),
                future,
            )),
            alice.sign(&common::approval("alice", skill, target, &hash, 1000)),
            mallory.sign(&common::approval("mallory", skill, target, &hash, future)),
            alice.sign(&common::approval(
                "alice",
                "lab/slow-fix",
                target,
                &hash,
                future,
            )),
            "skillc2:$(touch /tmp/pwned):1:x".to_owned(),
        ];
        let mut args = vec!["--apply"];
        for b in &bad {
            args.extend(["--token", b.as_str()]);
        }
        let o = host.run(&s, &args);
        assert_eq!(o.status.code(), Some(77), "{}", text(&o));
        assert!(host.mutations().is_empty(), "{:?}", host.mutations());
        let audit = host.validate_audit();
        for st in [
            "wrong_plan",
            "expired",
            "not_an_approver",
            "wrong_skill",
            "malformed",
        ] {
            assert!(
                audit
                    .iter()
                    .any(|r| r["event"] == "approval" && r["status"] == st),
                "{st}"
            );
        }
        assert!(audit.iter().any(|r| r["status"] == "approval_missing"));

        let token = alice.approve(skill, target, &hash);
        let ok = host.run(&s, &["--apply", "--token", &token]);
        assert_eq!(ok.status.code(), Some(0), "{}", text(&ok));
        assert_eq!(host.state()[STORE]["running"], json!(true));

        // Broken again: the same token is spent.
        host.service(STORE, &broken);
        let n = host.mutations().len();
        let again = host.run(&s, &["--apply", "--token", &token]);
        assert_eq!(again.status.code(), Some(77), "{}", text(&again));
        assert_eq!(host.mutations().len(), n);
        let audit = host.validate_audit();
        assert!(
            audit
                .iter()
                .any(|r| r["event"] == "approval" && r["status"] == "used")
        );
        assert!(audit.iter().any(|r| r["event"] == "approval"
            && r["status"] == "valid"
            && r["approver"] == "alice"
            && r["key"].as_str().is_some_and(|k| k.starts_with("SHA256:"))));
    });
}

#[test]
fn flags_and_environment_only_make_a_run_stricter() {
    let shell = common::shells().remove(0);
    let host = Host::new(&shell);
    let out = build(host.path());
    let s = script(&out, "launchd-doctor--job-disabled--web.sh");
    host.service(&web(), &json!({ "disabled": true, "loaded": false }));
    // confirm without a terminal: refused.
    let o = host.run(&s, &["--apply", "--require", "confirm"]);
    assert_eq!(o.status.code(), Some(77), "{}", text(&o));
    // deny from the environment; a flag cannot lower it.
    let o = host
        .command(&s, &["--apply", "--require", "auto"])
        .env("SKILLC_REQUIRE", "deny")
        .output()
        .expect("run");
    assert_eq!(o.status.code(), Some(77), "{}", text(&o));
    let o = host.run(&s, &["--apply", "--require", "bogus"]);
    assert_eq!(o.status.code(), Some(64), "{}", text(&o));
    assert!(host.mutations().is_empty(), "{:?}", host.mutations());
    host.validate_audit();
}

#[test]
fn concurrent_runs_on_one_target_one_refuses_and_a_dead_owners_lock_is_reclaimed() {
    let shell = common::shells().remove(0);
    let host = Host::new(&shell);
    let root = host.path().to_path_buf();
    let out = build(&root);
    let s = script(&out, "lab--slow-fix--web.sh");
    std::fs::write(root.join("web/broken"), "x").expect("marker");
    let first = host
        .command(&s, &["--apply"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let lock = root.join("state/locks/org.example.lab.web");
    for _ in 0..100 {
        if lock.join("pid").exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(lock.exists(), "first run never took the lock");
    let second = host.run(&s, &["--apply"]);
    assert_eq!(second.status.code(), Some(75), "{}", text(&second));
    let first = first.wait_with_output().expect("wait");
    assert_eq!(first.status.code(), Some(0), "{}", text(&first));
    assert!(!lock.exists(), "lock not released");

    // A lock left by a dead process is reclaimed (and audited).
    std::fs::create_dir_all(&lock).expect("mkdir");
    std::fs::write(lock.join("pid"), format!("{}\n", dead_pid())).expect("pid");
    std::fs::write(root.join("web/broken"), "x").expect("marker");
    let o = host.run(&s, &["--apply"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let audit = host.validate_audit();
    assert!(audit.iter().any(|r| r["event"] == "lock_reclaimed"));
}

#[test]
fn a_step_timeout_kills_the_whole_process_tree() {
    let shell = common::shells().remove(0);
    let host = Host::new(&shell);
    let root = host.path().to_path_buf();
    let out = build(&root);
    std::fs::write(root.join("web/hang"), "x").expect("marker");
    let s = script(&out, "lab--hang--web.sh");
    let t0 = std::time::Instant::now();
    let o = host.run(&s, &["--apply"]);
    assert!(t0.elapsed().as_secs() < 20, "took {:?}", t0.elapsed());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("TIMEOUT"),
        "{}",
        text(&o)
    );
    assert!(
        !String::from_utf8_lossy(&o.stdout)
            .lines()
            .any(|l| l.trim() == "survived"),
        "the step went on after its timeout: {}",
        text(&o)
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    let ps = std::process::Command::new("ps")
        .args(["-A", "-o", "args="])
        .output()
        .expect("ps");
    assert!(
        !String::from_utf8_lossy(&ps.stdout)
            .lines()
            .any(|l| l.trim() == "sleep 37"),
        "a child of the timed-out step survived"
    );
    let audit = host.validate_audit();
    assert!(
        audit
            .iter()
            .any(|r| r["event"] == "step_end" && r["status"] == "timeout")
    );
}

#[test]
fn parallel_loop_and_run_time_parameters() {
    scenario(|host, root, out| {
        let s = script(out, "lab--fan-out--web.sh");
        std::fs::write(root.join("web/fan"), "x").expect("marker");
        let o = host.run(&s, &[]);
        assert_eq!(o.status.code(), Some(64), "missing --param: {}", text(&o));
        let o = host.run(&s, &["--param", "port=8$(id)"]);
        assert_eq!(o.status.code(), Some(65), "{}", text(&o));
        let o = host.run(&s, &["--param", "nope=1"]);
        assert_eq!(o.status.code(), Some(64), "{}", text(&o));
        let o = host.run(&s, &["--apply", "--param", "port=1"]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let stdout = String::from_utf8_lossy(&o.stdout);
        assert!(
            stdout.contains("a-1") && stdout.contains("\nb\n"),
            "{stdout}"
        );
        assert!(!root.join("web/fan").exists());
    });
}

#[test]
fn doctor_reports_in_start_order_and_runs_matching_skills() {
    let shell = common::shells().remove(0);
    let host = Host::new(&shell);
    let out = build(host.path());
    host.service(&web(), &json!({ "disabled": true, "loaded": false }));
    host.service(
        STORE,
        &json!({ "loaded": true, "running": true, "runs": 1 }),
    );
    let d = out.join("lab/doctor.sh");
    let o = host.run(&d, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let stdout = String::from_utf8_lossy(&o.stdout);
    let store = stdout.find("lab/store").expect("store row");
    let webrow = stdout.find("lab/web").expect("web row");
    assert!(store < webrow, "L2 before L3:\n{stdout}");
    assert!(
        stdout.contains("failure: launchd-doctor/job-disabled"),
        "{stdout}"
    );
    assert!(host.mutations().is_empty());
    let o = host.run(&d, &["--json", "--apply"]);
    let r: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&o)));
    assert_eq!(r["services"][0]["service"], json!("lab/store"));
    assert_eq!(
        r["services"][1]["failures"][0],
        json!("launchd-doctor/job-disabled")
    );
    assert_eq!(r["services"][1]["runs"][0]["status"], json!("fixed"));
    assert_eq!(host.state()[web()]["disabled"], json!(false));
    host.validate_audit();
}

/// A family action's parameters reach its command: one the step does not pass takes the
/// action's default, and a duration expands to its text (both once compiled to `''`).
#[test]
fn family_action_defaults_and_durations_reach_the_command() {
    let shell = common::shells().remove(0);
    let host = Host::new(&shell);
    let root = host.path();
    let yaml = format!(
        "family:\n  name: act\n  version: 1.0.0\n  description: Actions.\n  label_prefix: org.example.act\n\
services:\n  web:\n    description: A web app.\n    layer: L3\n    scope: session\n    run: {{ program: {r}/bin/web }}\n\
actions:\n  purge:\n    description: Purge old files.\n    risk: reversible\n    params:\n      age: {{ type: duration }}\n      mode: {{ type: string, default: gentle }}\n      out: {{ type: path, default: {r}/purged }}\n\
\x20   argv: [/bin/sh, -c, 'echo \"$@\" > \"$0\"', \"{{param.out}}\", --keep-newer, \"{{param.age}}\", --mode, \"{{param.mode}}\"]\n\
skills:\n  full:\n    title: Too many old files\n    severity: low\n    applies_to: {{ services: [web] }}\n    detect: 'file_exists(\"{r}/full\")'\n\
\x20   remediate:\n      - {{ id: purge, action: purge, with: {{ age: 90m }} }}\n    verify: 'true'\n    on_failure: stop\n\
policy:\n  rules:\n    - {{ match: {{}}, outcome: auto }}\n",
        r = root.display()
    );
    let fam = common::write_family(&root.join("src"), "act", &yaml);
    let ir = common::load_ok(&[fam]);
    let out = root.join("out");
    common::write_tree(&out, &common::emit_test(&ir));
    std::fs::write(root.join("full"), "x").expect("marker");
    let o = host.run(&out.join("act/remediate/act--full--web.sh"), &["--apply"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(root.join("purged")).expect("the command ran"),
        "--keep-newer 1h30m --mode gentle\n"
    );
}

/// `doctor.sh --param NAME=VALUE` checks the skills that take the run-time parameter NAME (and
/// passes it to their remediation); without it they are listed as not checked.
#[test]
fn the_doctor_passes_run_time_parameters_to_the_skills_that_take_them() {
    let shell = common::shells().remove(0);
    let host = Host::new(&shell);
    let out = build(host.path());
    host.service(&web(), &json!({ "loaded": true, "running": true }));
    std::fs::write(host.path().join("web/fan"), "").expect("marker");
    let doctor = out.join("lab/doctor.sh");
    let web_row = |o: &std::process::Output| common::doctor_row(o, "lab/web");
    let o = host.run(&doctor, &["--json"]);
    let row = web_row(&o);
    assert!(
        row["notes"]
            .as_str()
            .is_some_and(|n| n.contains("lab/fan-out not checked: needs --param port=VALUE")),
        "{row}"
    );
    // A free port: fan-out's detect holds, and its plan gets the value.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let o = host.run(&doctor, &["--json", "--param", &format!("port={port}")]);
    let row = web_row(&o);
    assert!(
        row["failures"]
            .as_array()
            .expect("failures")
            .iter()
            .any(|f| f == "lab/fan-out"),
        "{row}"
    );
    let run = row["runs"]
        .as_array()
        .expect("runs")
        .iter()
        .find(|r| r["skill"] == "lab/fan-out")
        .cloned()
        .expect("fan-out planned");
    assert_eq!(run["params"]["port"], json!(port.to_string()), "{run}");
    assert!(
        !row["notes"]
            .as_str()
            .unwrap_or("")
            .contains("fan-out not checked"),
        "{row}"
    );
    // A hostile value reaches the script as one argument, which refuses it (exit 65): the
    // doctor reports the skill as not checkable, runs nothing for it, and changes nothing.
    for hostile in [
        "port=-x",
        "port=$(touch /tmp/skillc-doctor-pwned)",
        "port=1;id",
    ] {
        let o = host.run(&doctor, &["--json", "--param", hostile]);
        let row = web_row(&o);
        assert!(
            row["notes"]
                .as_str()
                .is_some_and(|n| n.contains("lab/fan-out could not be checked (exit 65)")),
            "{hostile}: {row}"
        );
        assert!(
            !row["runs"]
                .as_array()
                .expect("runs")
                .iter()
                .any(|r| r["skill"] == "lab/fan-out")
        );
    }
    assert!(!std::path::Path::new("/tmp/skillc-doctor-pwned").exists());
    assert!(host.mutations().is_empty(), "{:?}", host.mutations());
    // Bad --param values are refused before anything runs.
    for bad in ["port", "Port=1", "=1", "por t=1"] {
        let o = host.run(&doctor, &["--param", bad]);
        assert_eq!(o.status.code(), Some(64), "{bad}: {}", text(&o));
    }
}

/// A service that sets a skill's parameter itself (`params:`) gets it compiled into its script:
/// the doctor checks the skill without `--param`, the plan uses the value, and the script refuses
/// a `--param` for it (exit 64) rather than let a caller override the service's own value.
#[test]
fn a_parameter_the_service_sets_is_compiled_in_and_cannot_be_overridden() {
    let shell = common::shells().remove(0);
    let host = Host::new(&shell);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let out = common::build_lab_with(host.path(), true, |y| {
        let edited = y.replacen(
            "    tags: [uses-lockfile]\n",
            &format!("    tags: [uses-lockfile]\n    params:\n      port: {port}\n"),
            1,
        );
        assert_ne!(edited, y);
        edited
    });
    host.service(&web(), &json!({ "loaded": true, "running": true }));
    std::fs::write(host.path().join("web/fan"), "").expect("marker");
    let o = host.run(&out.join("lab/doctor.sh"), &["--json"]);
    let row = common::doctor_row(&o, "lab/web");
    assert!(
        !row["notes"].as_str().unwrap_or("").contains("fan-out"),
        "checked without --param: {row}"
    );
    assert!(
        row["failures"]
            .as_array()
            .expect("failures")
            .iter()
            .any(|f| f == "lab/fan-out"),
        "the port is free, so fan-out's detect holds: {row}"
    );
    let script = out.join("lab/remediate/lab--fan-out--web.sh");
    let text_of = std::fs::read_to_string(&script).expect("script");
    assert!(text_of.contains(&format!("a-{port}")), "compiled in");
    let o = host.run(&script, &["--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let o = host.run(&script, &["--param", "port=1"]);
    assert_eq!(o.status.code(), Some(64), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("fixed at compile time: port"),
        "{}",
        text(&o)
    );
}
