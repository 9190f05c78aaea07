//! Attacks on signed approvals and on "approve what runs": each test tries to break one guarantee
//! the way a hostile local user or a careless operator would, under `dash` and `bash --posix`
//! (`common::shells()`), and asserts that it holds.
//!
//! The family (`sec`, below): `svc`, a daemon run as `nobody` whose program is `/ROOT/bin/svcd`
//! (a copy of `sleep`); `edge`, the same on L3, where the policy lets everything run unattended;
//! `reset` runs a destructive step on `svc` with two run-time values and needs two approvals from
//! `ops`; `stop-old` signals the PID in a run-time pidfile on `edge` (auto; under `--require
//! approve`, one approval). Approvers' keys are made by real `ssh-keygen` in their own
//! temp dirs (`common::Signer`); the host only gets their public keys (`common::trust`).

mod common;

use common::{Host, Signer, approval, now, text};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

const FAMILY: &str = r#"
family:
  name: sec
  version: 1.0.0
  description: Approval attack scenarios.
  label_prefix: org.example.sec
services:
  svc:
    description: A daemon run by nobody.
    layer: L2
    scope: daemon
    capabilities: [schedule_tasks]
    run:
      program: /ROOT/bin/svcd
      user: nobody
      working_dir: /ROOT/svc
  edge:
    description: An L3 daemon run by nobody (its steps run unattended).
    layer: L3
    scope: daemon
    capabilities: [serve_api]
    run:
      program: /ROOT/bin/svcd
      user: nobody
      working_dir: /ROOT/edge
  other:
    description: Another daemon.
    layer: L2
    scope: daemon
    capabilities: [schedule_tasks]
    run:
      program: /ROOT/bin/otherd
      working_dir: /ROOT/other
skills:
  reset:
    title: Reset with two run-time values
    severity: low
    applies_to: { services: [svc, other] }
    params:
      a: { type: string }
      b: { type: string }
      marker: { type: path, default: "{service.working_dir}/broken" }
    detect: 'file_exists(param("marker"))'
    remediate:
      - { id: reset, action: run, with: { argv: [/bin/sh, -c, 'printf "%s|%s" "$1" "$2" > "$3"; rm -f "$4"', sh, "{param.a}", "{param.b}", "{service.working_dir}/done", "{service.working_dir}/broken"], risk: destructive } }
    verify: '!file_exists(param("marker"))'
    on_failure: stop
  stop-old:
    title: Signal the process in a pidfile
    severity: low
    applies_to: { services: [edge] }
    params:
      pidfile: { type: path }
    detect: 'file_exists(param("pidfile"))'
    remediate:
      - { id: stop, action: proc.signal, with: { pidfile: "{param.pidfile}", signal: TERM } }
    verify: 'file_exists(param("pidfile"))'
    on_failure: stop
  tidy:
    title: Move a run-time path aside
    severity: low
    applies_to: { services: [edge] }
    params:
      path: { type: path }
    detect: 'file_exists(param("path"))'
    remediate:
      - { id: aside, action: fs.move_aside, with: { path: "{param.path}" } }
    verify: '!file_exists(param("path"))'
    on_failure: stop
policy:
  roles:
    ops: [alice, bob]
  rules:
    - { match: { risk: read_only }, outcome: auto }
    - { match: { risk: reversible }, outcome: auto }
    - { match: { risk: disruptive }, outcome: auto }
    - { match: { risk: destructive }, outcome: { approve: { count: 2, roles: [ops] } } }
    - { match: { risk: destructive, layer: L3 }, outcome: auto }
  runners:
    ops: ["*"]
"#;

/// The family built under `root` (its /ROOT), with its dirs and programs.
fn build(root: &Path) -> PathBuf {
    let yaml = FAMILY.replace("/ROOT", &root.display().to_string());
    let fam = common::write_family(&root.join("src"), "sec", &yaml);
    let ir = common::load_ok(&[fam]);
    let out = root.join("out");
    common::write_tree(&out, &common::emit_test(&ir));
    for d in ["svc", "edge", "other", "bin"] {
        std::fs::create_dir_all(root.join(d)).expect("mkdir");
    }
    for p in ["svcd", "otherd"] {
        std::fs::copy("/bin/sleep", root.join("bin").join(p)).expect("copy sleep");
    }
    // Service processes run as nobody, who must reach the programs.
    std::fs::set_permissions(root, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    out
}

fn script(host: &Host, skill: &str, svc: &str) -> PathBuf {
    host.path()
        .join(format!("out/sec/remediate/sec--{skill}--{svc}.sh"))
}

fn tools() -> bool {
    common::have_tool("ssh-keygen") && common::have_tool("openssl")
}

/// Runs `f` once per shell, on a fresh host with the family built and alice and bob trusted.
fn each_shell(f: impl Fn(&Host, &Signer, &Signer)) {
    if !tools() {
        return;
    }
    let alice = Signer::new("alice");
    let bob = Signer::new("bob");
    for shell in common::shells() {
        let host = Host::new(&shell);
        build(host.path());
        common::trust(&host, &alice);
        common::trust(&host, &bob);
        f(&host, &alice, &bob);
        host.validate_audit();
    }
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(o)))
}

/// The plan (`--json`) of `s` with `args`.
fn plan(host: &Host, s: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["--json"];
    a.extend_from_slice(args);
    let o = host.run(s, &a);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    json(&o)
}

fn hash(v: &serde_json::Value) -> String {
    v["plan_hash"].as_str().expect("plan_hash").to_owned()
}

/// `args` then `--token T` for each token.
fn with_tokens<'a>(args: &[&'a str], tokens: &'a [String]) -> Vec<&'a str> {
    let mut v = args.to_vec();
    for t in tokens {
        v.extend(["--token", t.as_str()]);
    }
    v
}

/// Runs `script args` on `host` from `/bin/sh -c 'PRE; exec "$@"'` (`$1`, then `$0`, is `arg0`):
/// PRE sets something up in the process that becomes the script (same PID), e.g. its umask.
fn wrapped(host: &Host, pre: &str, arg0: &str, s: &Path, args: &[&str]) -> Output {
    let base = host.command(s, args);
    let mut cmd = std::process::Command::new("/bin/sh");
    cmd.arg("-c")
        .arg(format!("{pre}; shift; exec \"$@\""))
        .arg("sh")
        .arg(arg0)
        .arg(base.get_program())
        .args(base.get_args());
    for (k, v) in base.get_envs() {
        match v {
            Some(v) => cmd.env(k, v),
            None => cmd.env_remove(k),
        };
    }
    cmd.current_dir(host.path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run")
}

/// The statuses of the audit's approval events.
fn approval_statuses(host: &Host) -> Vec<String> {
    host.validate_audit()
        .iter()
        .filter(|r| r["event"] == "approval")
        .filter_map(|r| r["status"].as_str().map(str::to_owned))
        .collect()
}

fn broken(host: &Host, svc: &str) {
    std::fs::write(host.path().join(svc).join("broken"), "x").expect("broken");
}

fn is_broken(host: &Host, svc: &str) -> bool {
    host.path().join(svc).join("broken").exists()
}

const RESET_ARGS: &[&str] = &["--param", "a=one", "--param", "b=two"];

fn reset_apply(host: &Host, tokens: &[String]) -> Output {
    let s = script(host, "reset", "svc");
    host.run(
        &s,
        &with_tokens(&[&["--apply"], RESET_ARGS].concat(), tokens),
    )
}

#[test]
fn two_approvals_fix_and_a_replayed_token_is_refused() {
    each_shell(|host, alice, bob| {
        broken(host, "svc");
        let s = script(host, "reset", "svc");
        let h = hash(&plan(host, &s, RESET_ARGS));
        let tokens = [
            alice.approve("sec/reset", "sec/svc", &h),
            bob.approve("sec/reset", "sec/svc", &h),
        ];
        let o = reset_apply(host, &tokens);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(!is_broken(host, "svc"));
        // Replay: broken again, the same two tokens.
        broken(host, "svc");
        let o = reset_apply(host, &tokens);
        assert_eq!(o.status.code(), Some(77), "{}", text(&o));
        assert!(is_broken(host, "svc"), "a replayed approval ran the step");
        assert_eq!(
            approval_statuses(host)
                .iter()
                .filter(|s| *s == "used")
                .count(),
            2
        );
        // The records are the nonces, in a 0700 dir (fixed umask 077).
        let used = host.path().join("state/used-tokens");
        let mode = std::fs::metadata(&used)
            .expect("used-tokens")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700, "{mode:o}");
        assert_eq!(std::fs::read_dir(&used).expect("read").count(), 2);
    });
}

#[test]
fn used_token_records_are_private_under_umask_000() {
    each_shell(|host, alice, bob| {
        broken(host, "svc");
        let s = script(host, "reset", "svc");
        let h = hash(&plan(host, &s, RESET_ARGS));
        let tokens = [
            alice.approve("sec/reset", "sec/svc", &h),
            bob.approve("sec/reset", "sec/svc", &h),
        ];
        // The invoker's umask is 000.
        let args = with_tokens(&[&["--apply"], RESET_ARGS].concat(), &tokens);
        let o = wrapped(host, "umask 000", "", &s, &args);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let used = host.path().join("state/used-tokens");
        for e in std::iter::once(used.clone()).chain(
            std::fs::read_dir(&used)
                .expect("read")
                .map(|e| e.expect("e").path()),
        ) {
            let m = std::fs::metadata(&e).expect("meta").permissions().mode() & 0o777;
            assert_eq!(m & 0o022, 0, "{} is {m:o} under umask 000", e.display());
        }
    });
}

#[test]
fn the_same_approver_twice_counts_once() {
    each_shell(|host, alice, _bob| {
        broken(host, "svc");
        let s = script(host, "reset", "svc");
        let h = hash(&plan(host, &s, RESET_ARGS));
        let one = alice.approve("sec/reset", "sec/svc", &h);
        // Two tokens of alice (two nonces), and one of them twice.
        let tokens = [one.clone(), one, alice.approve("sec/reset", "sec/svc", &h)];
        let o = reset_apply(host, &tokens);
        assert_eq!(o.status.code(), Some(77), "{}", text(&o));
        assert!(is_broken(host, "svc"));
        let audit = host.validate_audit();
        assert!(
            audit.iter().any(|r| r["event"] == "decision"
                && r["status"] == "approval_missing"
                && r["approvals"] == 1
                && r["required"] == 2),
            "{audit:#?}"
        );
        assert!(approval_statuses(host).contains(&"duplicate".to_owned()));
    });
}

#[test]
fn a_key_not_in_the_trust_file_cannot_mint_a_token() {
    if !tools() {
        return;
    }
    let mallory = Signer::new("mallory");
    each_shell(|host, alice, _bob| {
        broken(host, "svc");
        let s = script(host, "reset", "svc");
        let h = hash(&plan(host, &s, RESET_ARGS));
        // mallory signs statements naming alice and bob with her own key; and one naming herself.
        let tokens = [
            mallory.sign(&approval("alice", "sec/reset", "sec/svc", &h, now() + 600)),
            mallory.sign(&approval("bob", "sec/reset", "sec/svc", &h, now() + 600)),
            mallory.sign(&approval(
                "mallory",
                "sec/reset",
                "sec/svc",
                &h,
                now() + 600,
            )),
        ];
        let o = reset_apply(host, &tokens);
        assert_eq!(o.status.code(), Some(77), "{}", text(&o));
        assert!(is_broken(host, "svc"));
        let st = approval_statuses(host);
        assert_eq!(
            st.iter().filter(|s| *s == "bad_signature").count(),
            2,
            "{st:?}"
        );
        assert!(st.contains(&"not_an_approver".to_owned()), "{st:?}");
        // A token of alice whose signature body was swapped for mallory's: bad signature.
        let good = alice.approve("sec/reset", "sec/svc", &h);
        let forged = mallory.sign(&approval("alice", "sec/reset", "sec/svc", &h, now() + 600));
        let (head, _) = good.rsplit_once(':').expect("sig");
        let (_, sig) = forged.rsplit_once(':').expect("sig");
        let o = reset_apply(host, &[format!("{head}:{sig}")]);
        assert_eq!(o.status.code(), Some(77), "{}", text(&o));
    });
}

#[test]
fn an_expired_token_is_refused() {
    each_shell(|host, alice, bob| {
        broken(host, "svc");
        let s = script(host, "reset", "svc");
        let h = hash(&plan(host, &s, RESET_ARGS));
        let tokens = [
            alice.sign(&approval("alice", "sec/reset", "sec/svc", &h, now() - 1)),
            bob.sign(&approval("bob", "sec/reset", "sec/svc", &h, 1000)),
        ];
        let o = reset_apply(host, &tokens);
        assert_eq!(o.status.code(), Some(77), "{}", text(&o));
        assert!(is_broken(host, "svc"));
        assert_eq!(approval_statuses(host), ["expired", "expired"]);
    });
}

#[test]
fn a_token_for_another_plan_target_or_skill_is_refused() {
    each_shell(|host, alice, bob| {
        broken(host, "svc");
        broken(host, "other");
        let s = script(host, "reset", "svc");
        let h = hash(&plan(host, &s, RESET_ARGS));
        let other = plan(host, &s, &["--param", "a=one", "--param", "b=three"]);
        assert_ne!(hash(&other), h, "other run-time values, same plan hash");
        let h_other_target = hash(&plan(host, &script(host, "reset", "other"), RESET_ARGS));
        for (why, skill, target, hh) in [
            ("wrong_plan", "sec/reset", "sec/svc", hash(&other)),
            ("wrong_target", "sec/reset", "sec/other", h.clone()),
            ("wrong_skill", "sec/stop-old", "sec/svc", h.clone()),
            ("wrong_plan", "sec/reset", "sec/svc", h_other_target.clone()),
        ] {
            let tokens = [
                alice.approve(skill, target, &hh),
                bob.approve(skill, target, &hh),
            ];
            let o = reset_apply(host, &tokens);
            assert_eq!(o.status.code(), Some(77), "{why}: {}", text(&o));
            assert!(is_broken(host, "svc"), "{why}");
            let st = approval_statuses(host);
            assert_eq!(st[st.len() - 2..], [why, why], "{st:?}");
        }
        // The other target's approvals do not apply here either: they are for its script.
        let tokens = [
            alice.approve("sec/reset", "sec/other", &h_other_target),
            bob.approve("sec/reset", "sec/other", &h_other_target),
        ];
        let o = reset_apply(host, &tokens);
        assert_eq!(o.status.code(), Some(77), "{}", text(&o));
    });
}

#[test]
fn run_time_values_that_would_end_their_field_early_never_collide() {
    each_shell(|host, alice, bob| {
        broken(host, "svc");
        let s = script(host, "reset", "svc");
        // Under the old `printf '%s\n' name=value` framing these were the lines a=1, b=2, b=3;
        // newlines are now refused outright (65, see tests/run_time_values.rs).
        let o = host.run(&s, &["--param", "a=1\nb=2", "--param", "b=3"]);
        assert_eq!(o.status.code(), Some(65), "{}", text(&o));
        // Unescaped JSON framing would make both `"a":"1","b":"2","b":"3"`.
        let first = ["--param", r#"a=1","b":"2"#, "--param", "b=3"];
        let second = ["--param", "a=1", "--param", r#"b=2","b":"3"#];
        let p1 = plan(host, &s, &first);
        let p2 = plan(host, &s, &second);
        assert_ne!(hash(&p1), hash(&p2));
        // What is approved is shown: the values are in --json and in the plan text.
        assert_eq!(p1["params"]["a"], r#"1","b":"2"#);
        assert_eq!(p2["params"]["b"], r#"2","b":"3"#);
        let o = host.run(&s, &first);
        assert!(
            String::from_utf8_lossy(&o.stdout).contains(r#"  a = "1\",\"b\":\"2""#),
            "{}",
            text(&o)
        );
        // Approvals of the first do not apply the second.
        let tokens = [
            alice.approve("sec/reset", "sec/svc", &hash(&p1)),
            bob.approve("sec/reset", "sec/svc", &hash(&p1)),
        ];
        let o = host.run(
            &s,
            &with_tokens(&[&["--apply"][..], &second].concat(), &tokens),
        );
        assert_eq!(o.status.code(), Some(77), "{}", text(&o));
        assert!(is_broken(host, "svc"));
        let o = host.run(
            &s,
            &with_tokens(&[&["--apply"][..], &first].concat(), &tokens),
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert_eq!(
            std::fs::read_to_string(host.path().join("svc/done")).expect("done"),
            r#"1","b":"2|3"#
        );
    });
}

/// Two tokens (alice, bob) for the reset plan of `host`.
fn reset_tokens(host: &Host, alice: &Signer, bob: &Signer) -> [String; 2] {
    let h = hash(&plan(host, &script(host, "reset", "svc"), RESET_ARGS));
    [
        alice.approve("sec/reset", "sec/svc", &h),
        bob.approve("sec/reset", "sec/svc", &h),
    ]
}

/// `tokens` are refused with `why` (audited) and the step does not run.
fn refused(host: &Host, tokens: &[String], why: &str) {
    let o = reset_apply(host, tokens);
    assert_eq!(o.status.code(), Some(77), "{why}: {}", text(&o));
    assert!(is_broken(host, "svc"), "{why}");
    let st = approval_statuses(host);
    assert!(st.contains(&why.to_owned()), "{why}: {st:?}\n{}", text(&o));
    std::fs::write(host.audit_log(), "").expect("truncate");
}

#[test]
fn hostile_trust_files_are_refused() {
    each_shell(|host, alice, bob| {
        broken(host, "svc");
        let tokens = reset_tokens(host, alice, bob);
        let f = host.allowed_signers();
        let good = std::fs::read_to_string(&f).expect("trust");
        let reset = || {
            let _ = std::fs::remove_file(&f);
            std::fs::write(&f, &good).expect("write");
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            std::fs::set_permissions(
                f.parent().expect("dir"),
                std::fs::Permissions::from_mode(0o755),
            )
            .expect("chmod");
        };
        // Owned by another user (nobody), who could then add their own key.
        std::os::unix::fs::chown(&f, Some(65534), Some(65534)).expect("chown");
        refused(host, &tokens, "untrusted_signers");
        reset();
        // Group- or other-writable.
        for mode in [0o664, 0o646] {
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(mode)).expect("chmod");
            refused(host, &tokens, "untrusted_signers");
        }
        reset();
        // In a directory others may write (they could swap the file).
        std::fs::set_permissions(
            f.parent().expect("dir"),
            std::fs::Permissions::from_mode(0o777),
        )
        .expect("chmod");
        refused(host, &tokens, "untrusted_signers");
        reset();
        // A symlink, even to a good file; a directory.
        let real = host.path().join("etc/real_signers");
        std::fs::write(&real, &good).expect("write");
        std::fs::remove_file(&f).expect("rm");
        std::os::unix::fs::symlink(&real, &f).expect("symlink");
        refused(host, &tokens, "untrusted_signers");
        std::fs::remove_file(&f).expect("rm");
        std::fs::create_dir(&f).expect("mkdir");
        refused(host, &tokens, "untrusted_signers");
        std::fs::remove_dir(&f).expect("rmdir");
        // Empty: no approvers.
        std::fs::write(&f, "").expect("empty");
        refused(host, &tokens, "unknown_approver");
        // Patterns and odd principals in the file do not name alice or bob.
        let odd = good
            .replacen("alice ", "al* ", 1)
            .replacen("bob ", "\"bob\" ", 1);
        std::fs::write(&f, odd).expect("write");
        refused(host, &tokens, "unknown_approver");
        reset();
        let audit_reason = {
            std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o666)).expect("chmod");
            let o = reset_apply(host, &tokens);
            assert_eq!(o.status.code(), Some(77));
            assert!(
                String::from_utf8_lossy(&o.stderr).contains("refusing the approvers' trust file"),
                "{}",
                text(&o)
            );
            host.validate_audit()
                .iter()
                .find(|r| r["status"] == "untrusted_signers" && r.get("reason").is_some())
                .map(|r| r["reason"].clone())
        };
        assert!(
            audit_reason.is_some_and(|r| r.as_str().is_some_and(|r| r.contains("write"))),
            "the audit says why"
        );
        reset();
        // And the same tokens still work once the file is sound.
        let o = reset_apply(host, &tokens);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    });
}

#[test]
fn principals_with_odd_characters_are_malformed() {
    each_shell(|host, alice, bob| {
        broken(host, "svc");
        let [a, _] = reset_tokens(host, alice, bob);
        let fields: Vec<&str> = a.split(':').collect();
        for who in [
            "al ice",
            "-alice",
            "alice\nbob",
            "../alice",
            "alice,bob",
            "alice*",
            "",
            "$(touch pwned)",
            &"a".repeat(65),
        ] {
            let mut f = fields.clone();
            f[6] = who;
            let t = f.join(":");
            refused(host, &[t], "malformed");
        }
        for bad in [
            a.replace("skillc2:", "skillc1:"),
            format!("{a}:extra"),
            a.replacen(':', "::", 1),
            a.replace(fields[5], "../../../../tmp/x"),
            a.replace(fields[4], "1e9"),
        ] {
            refused(host, &[bad], "malformed");
        }
        assert!(!host.path().join("pwned").exists());
    });
}

#[test]
fn no_private_key_material_is_on_the_host_during_verification() {
    each_shell(|host, alice, bob| {
        broken(host, "svc");
        let h = hash(&plan(host, &script(host, "reset", "svc"), RESET_ARGS));
        let private: Vec<String> = [alice, bob]
            .iter()
            .map(|s| std::fs::read_to_string(&s.key).expect("private key"))
            .collect();
        // Body lines of the private keys (never on the host, in a process's arguments or
        // environment).
        let secrets: Vec<String> = private
            .iter()
            .flat_map(|k| {
                k.lines()
                    .filter(|l| !l.starts_with("-----"))
                    .map(str::to_owned)
            })
            .collect();
        // Many verifications per run (bad signatures still run ssh-keygen -Y verify), with a
        // `ps` snapshot loop beside them, until a snapshot caught one (bounded).
        let mut caught = false;
        let mut snapshots = String::new();
        for _ in 0..20 {
            let tokens: Vec<String> = (0..12)
                .map(|i| {
                    let who = if i % 2 == 0 { alice } else { bob };
                    let t = who.approve("sec/reset", "sec/svc", &h);
                    // Spoil the signature's last base64 group: a bad signature, still verified.
                    let (head, sig) = t.rsplit_once(':').expect("sig");
                    format!("{head}:{}AAAA", &sig[..sig.len() - 4])
                })
                .collect();
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let snap = {
                let stop = stop.clone();
                std::thread::spawn(move || {
                    let mut all = String::new();
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        if let Ok(o) = std::process::Command::new("ps")
                            .args(["-e", "-ww", "-o", "args="])
                            .output()
                        {
                            all.push_str(&String::from_utf8_lossy(&o.stdout));
                        }
                        // Environments too (readable to root, as a local attacker's own would be).
                        if let Ok(d) = std::fs::read_dir("/proc") {
                            for e in d.flatten() {
                                if let Ok(b) = std::fs::read(e.path().join("environ"))
                                    && String::from_utf8_lossy(&b).contains("SKILLC_")
                                {
                                    all.push_str(&String::from_utf8_lossy(&b).replace('\0', "\n"));
                                }
                            }
                        }
                    }
                    all
                })
            };
            let o = reset_apply(host, &tokens);
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            let all = snap.join().expect("snapshots");
            assert_eq!(o.status.code(), Some(77), "{}", text(&o));
            caught |= all.contains("-Y verify");
            snapshots.push_str(&all);
            if caught {
                break;
            }
        }
        assert!(caught, "no snapshot caught ssh-keygen -Y verify in 20 runs");
        for s in &secrets {
            assert!(
                !snapshots.contains(s.as_str()),
                "private key material in ps/environ"
            );
        }
        assert!(!snapshots.contains("PRIVATE KEY"));
        // The host dir holds public keys only.
        let mut stack = vec![host.path().to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).expect("read").flatten() {
                let p = e.path();
                if p.is_dir() && !p.is_symlink() {
                    stack.push(p);
                } else if let Ok(b) = std::fs::read(&p) {
                    let t = String::from_utf8_lossy(&b);
                    assert!(
                        !t.contains("PRIVATE KEY"),
                        "{} holds a private key",
                        p.display()
                    );
                    for s in &secrets {
                        assert!(
                            !t.contains(s.as_str()),
                            "{} holds key material",
                            p.display()
                        );
                    }
                }
            }
        }
        let trust = std::fs::read_to_string(host.allowed_signers()).expect("trust");
        assert!(trust.lines().all(|l| l.contains("ssh-ed25519 ")), "{trust}");
    });
}

// ---- pidfiles ----------------------------------------------------------------------------------

/// Whether service processes can be started as another user (util-linux `setsid`, `setpriv`).
fn procs() -> bool {
    common::have_tool("setsid") && common::have_tool("setpriv")
}

/// A process that runs `program` (a copy of sleep) as `uid`, in its own session (as launchd's
/// jobs are), killed on drop.
struct Proc(u32);

impl Proc {
    fn spawn(program: &Path, uid: u32) -> Self {
        let o = std::process::Command::new("sh")
            .args([
                "-c",
                "setsid setpriv --reuid \"$2\" --regid \"$2\" --clear-groups \"$1\" 300 >/dev/null 2>&1 </dev/null & echo $!",
                "sh",
            ])
            .arg(program)
            .arg(uid.to_string())
            .output()
            .expect("spawn");
        let pid = String::from_utf8_lossy(&o.stdout)
            .trim()
            .parse()
            .expect("pid");
        let p = Self(pid);
        // setsid and setpriv exec the program: wait until the PID runs it (bounded).
        let name = program
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        for _ in 0..500 {
            if p.comm().is_some_and(|c| c == name) {
                return p;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("{} never ran {name}", p.0);
    }

    fn comm(&self) -> Option<String> {
        let o = std::process::Command::new("ps")
            .args(["-o", "comm=", "-p", &self.0.to_string()])
            .output()
            .ok()?;
        let c = String::from_utf8_lossy(&o.stdout).trim().to_owned();
        (!c.is_empty()).then_some(c)
    }

    fn alive(&self) -> bool {
        let o = std::process::Command::new("ps")
            .args(["-o", "stat=", "-p", &self.0.to_string()])
            .output()
            .expect("ps");
        let st = String::from_utf8_lossy(&o.stdout);
        !st.trim().is_empty() && !st.trim_start().starts_with('Z')
    }

    /// Waits (bounded) until the process is gone.
    fn gone(&self) -> bool {
        for _ in 0..500 {
            if !self.alive() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = std::process::Command::new("kill")
            .args(["-KILL", &self.0.to_string()])
            .status();
    }
}

fn pidfile(host: &Host, content: &str) -> (PathBuf, String) {
    let p = host.path().join("edge/edge.pid");
    std::fs::write(&p, content).expect("pidfile");
    let arg = format!("pidfile={}", p.display());
    (p, arg)
}

#[test]
fn a_pidfile_of_the_service_is_signalled_and_its_pid_is_in_the_plan() {
    if !procs() {
        return;
    }
    each_shell(|host, _alice, _bob| {
        let svcd = Proc::spawn(&host.path().join("bin/svcd"), 65534);
        let (_, arg) = pidfile(host, &format!("{}\n", svcd.0));
        let s = script(host, "stop-old", "edge");
        let p = plan(host, &s, &["--param", &arg]);
        assert_eq!(p["facts"]["stop"]["pid"], svcd.0, "{p:#}");
        assert_eq!(p["facts"]["stop"]["uid"], 65534);
        let o = host.run(&s, &["--param", &arg]);
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(out.contains(&format!("holds PID {}", svcd.0)), "{out}");
        let o = host.run(&s, &["--apply", "--param", &arg]);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        assert!(svcd.gone(), "the service's process was not signalled");
    });
}

#[test]
fn a_pidfile_holding_pid_0_1_the_script_or_a_foreign_process_is_refused() {
    if !procs() {
        return;
    }
    each_shell(|host, _alice, _bob| {
        let s = script(host, "stop-old", "edge");
        let refuse = |content: &str, why: &str, wrapper: Option<&str>| {
            let (p, arg) = pidfile(host, content);
            let p = p.display().to_string();
            let o = match wrapper {
                None => host.run(&s, &["--apply", "--param", &arg]),
                Some(w) => wrapped(host, w, &p, &s, &["--apply", "--param", &arg]),
            };
            let err = String::from_utf8_lossy(&o.stderr);
            assert!(
                err.contains("not signalling") && err.contains(why),
                "{content:?}: {}",
                text(&o)
            );
            // (The step fails; this skill's verify does not look at the process.)
            let audit = host.validate_audit();
            assert!(
                audit
                    .iter()
                    .any(|r| r["event"] == "step_end" && r["status"] == "failed"),
                "{audit:#?}"
            );
        };
        // 0 and 1 (kill 0 would signal the script's own group; 1 is init / launchd).
        refuse("0\n", "PID 0 is never a service's", None);
        refuse("1\n", "is never a service's", None);
        // The script's own PID: the wrapper writes $$ and then execs the script (same PID).
        refuse("", "this script or its parent", Some("echo $$ >\"$1\""));
        // A process in the script's process group.
        refuse(
            "",
            "in this script's process group",
            Some("sleep 30 >/dev/null 2>&1 </dev/null & echo $! >\"$1\""),
        );
        let stray = std::fs::read_to_string(host.path().join("edge/edge.pid")).expect("pid");
        let _ = std::process::Command::new("kill")
            .arg(stray.trim())
            .status();
        // An unrelated process: right user, other program; right program, other user (root).
        let other = Proc::spawn(&host.path().join("bin/otherd"), 65534);
        refuse(&format!("{}\n", other.0), "not the service's program", None);
        assert!(other.alive(), "the unrelated process was signalled");
        let as_root = Proc::spawn(&host.path().join("bin/svcd"), 0);
        refuse(
            &format!("{}\n", as_root.0),
            "not to the service's user",
            None,
        );
        assert!(as_root.alive(), "root's process was signalled");
    });
}

#[test]
fn a_pidfile_changed_between_plan_and_apply_is_refused() {
    if !procs() {
        return;
    }
    each_shell(|host, alice, _bob| {
        let first = Proc::spawn(&host.path().join("bin/svcd"), 65534);
        let second = Proc::spawn(&host.path().join("bin/svcd"), 65534);
        let (pidf, arg) = pidfile(host, &format!("{}\n", first.0));
        // Under approval: the approver saw PID `first`; the pidfile now names `second`.
        let s = script(host, "stop-old", "edge");
        let planned = hash(&plan(host, &s, &["--param", &arg]));
        let tokens = [alice.approve("sec/stop-old", "sec/edge", &planned)];
        std::fs::write(&pidf, format!("{}\n", second.0)).expect("pidfile");
        let out = host.run(
            &s,
            &with_tokens(
                &["--apply", "--require", "approve", "--param", &arg],
                &tokens,
            ),
        );
        assert_eq!(out.status.code(), Some(77), "{}", text(&out));
        assert!(first.alive() && second.alive());
        assert!(approval_statuses(host).contains(&"wrong_plan".to_owned()));

        // Unattended: changed after the plan was read, while the run waits for the lock.
        std::fs::write(&pidf, format!("{}\n", first.0)).expect("pidfile");
        let locks = host.path().join("state/locks");
        let lock = locks.join("org.example.sec.edge");
        std::fs::create_dir_all(&lock).expect("lock");
        let holder = std::process::Command::new("sleep")
            .arg("120")
            .spawn()
            .expect("holder");
        std::fs::write(lock.join("pid"), format!("{}\n", holder.id())).expect("pid");
        std::fs::write(host.audit_log(), "").expect("truncate");
        let child = host
            .command(&s, &["--apply", "--wait", "120", "--param", &arg])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run");
        // Wait (bounded) until it planned, then change the pidfile and release the lock.
        let mut planned = false;
        for _ in 0..600 {
            let a = std::fs::read_to_string(host.audit_log()).unwrap_or_default();
            if a.lines()
                .any(|l| l.contains("\"event\":\"plan\"") && l.contains("\"mode\":\"apply\""))
            {
                planned = true;
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        assert!(planned, "the run never planned");
        std::fs::write(&pidf, format!("{}\n", second.0)).expect("pidfile");
        std::fs::remove_dir_all(&lock).expect("release");
        let mut holder = holder;
        let _ = holder.kill();
        let _ = holder.wait();
        let out = child.wait_with_output().expect("wait");
        assert_eq!(out.status.code(), Some(77), "{}", text(&out));
        assert!(first.alive() && second.alive(), "a process was signalled");
        let audit = host.validate_audit();
        let r = audit
            .iter()
            .find(|r| r["event"] == "facts")
            .unwrap_or_else(|| panic!("no facts record: {audit:#?}"));
        assert_eq!(r["status"], "facts_changed");
        assert_eq!(r["planned_facts"]["stop"]["pid"], first.0);
        assert_eq!(r["facts"]["stop"]["pid"], second.0);
        assert!(
            audit
                .iter()
                .any(|r| r["event"] == "run_end" && r["status"] == "facts_changed")
        );
    });
}

#[test]
fn a_path_that_became_a_symlink_after_the_plan_is_refused() {
    each_shell(|host, alice, _bob| {
        let s = script(host, "tidy", "edge");
        let target = host.path().join("edge/data");
        std::fs::write(&target, "x").expect("write");
        let arg = format!("path={}", target.display());
        let p = plan(host, &s, &["--param", &arg]);
        assert_eq!(
            p["facts"]["aside"]["symlink_to"],
            serde_json::Value::Null,
            "{p:#}"
        );
        let token = [alice.approve("sec/tidy", "sec/edge", &hash(&p))];
        // Swapped for a symlink to something precious after the approval.
        let precious = host.path().join("precious");
        std::fs::write(&precious, "keep").expect("write");
        std::fs::remove_file(&target).expect("rm");
        std::os::unix::fs::symlink(&precious, &target).expect("symlink");
        let p2 = plan(host, &s, &["--param", &arg]);
        assert_eq!(
            p2["facts"]["aside"]["symlink_to"],
            precious.display().to_string()
        );
        assert_ne!(hash(&p2), hash(&p));
        let o = host.run(
            &s,
            &with_tokens(
                &["--apply", "--require", "approve", "--param", &arg],
                &token,
            ),
        );
        assert_eq!(o.status.code(), Some(77), "{}", text(&o));
        assert!(target.is_symlink(), "the step ran");
        assert!(approval_statuses(host).contains(&"wrong_plan".to_owned()));
    });
}

#[test]
fn the_confirmation_prompt_shows_the_run_time_values_and_facts() {
    if !procs() {
        return;
    }
    if !common::have_tool("python3") {
        return;
    }
    each_shell(|host, _alice, _bob| {
        let svcd = Proc::spawn(&host.path().join("bin/svcd"), 65534);
        let (_, arg) = pidfile(host, &format!("{}\n", svcd.0));
        let s = script(host, "stop-old", "edge");
        // pty-yes types `yes` at the prompt and copies the terminal to our stderr.
        let pty = common::crate_dir().join("tests/harness/pty-yes");
        let base = host.command(&s, &["--apply", "--require", "confirm", "--param", &arg]);
        let mut cmd = std::process::Command::new(&pty);
        cmd.arg(base.get_program()).args(base.get_args());
        for (k, v) in base.get_envs() {
            match v {
                Some(v) => cmd.env(k, v),
                None => cmd.env_remove(k),
            };
        }
        let o = cmd.current_dir(host.path()).output().expect("pty-yes");
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
        let err = String::from_utf8_lossy(&o.stderr);
        let prompt = err.split("Type yes to continue").next().expect("prompt");
        assert!(prompt.contains("with the run-time values"), "{err}");
        assert!(prompt.contains(&format!("\"pid\":{}", svcd.0)), "{err}");
        assert!(svcd.gone());
    });
}

#[test]
fn a_used_tokens_dir_another_user_controls_is_refused() {
    each_shell(|host, alice, bob| {
        broken(host, "svc");
        let tokens = reset_tokens(host, alice, bob);
        let state = host.path().join("state");
        let used = state.join("used-tokens");
        std::fs::create_dir_all(&state).expect("mkdir");
        // Planted as a symlink to a dir its planter can empty (to replay), then as a dir of
        // theirs, then one anyone may write.
        let theirs = host.path().join("theirs");
        std::fs::create_dir_all(&theirs).expect("mkdir");
        std::os::unix::fs::symlink(&theirs, &used).expect("symlink");
        let check = |what: &str| {
            let o = reset_apply(host, &tokens);
            // Refused as an unsafe location before the lock is taken (docs/security.md).
            assert_eq!(o.status.code(), Some(78), "{what}: {}", text(&o));
            assert!(is_broken(host, "svc"), "{what}: the step ran");
            assert!(
                String::from_utf8_lossy(&o.stderr).contains("refusing the used-token directory"),
                "{what}: {}",
                text(&o)
            );
        };
        check("symlink");
        std::fs::remove_file(&used).expect("rm");
        std::fs::create_dir(&used).expect("mkdir");
        std::os::unix::fs::chown(&used, Some(65534), Some(65534)).expect("chown");
        check("owned by nobody");
        std::os::unix::fs::chown(&used, Some(0), Some(0)).expect("chown");
        std::fs::set_permissions(&used, std::fs::Permissions::from_mode(0o777)).expect("chmod");
        check("mode 0777");
        assert_eq!(std::fs::read_dir(&theirs).expect("read").count(), 0);
        // Sound again: the same (unused) tokens work.
        std::fs::set_permissions(&used, std::fs::Permissions::from_mode(0o700)).expect("chmod");
        let o = reset_apply(host, &tokens);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    });
}
