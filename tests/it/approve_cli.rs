//! `skillc approve` signs what it shows with the approver's SSH key (`ssh-keygen -Y sign`): the
//! tokens it prints are checked here with `ssh-keygen -Y verify` against an `allowed_signers`
//! file, over the statement rebuilt from the documented format, independently of skillc's code.

use crate::common;

use common::{repo, skillc};
use std::path::{Path, PathBuf};
use std::process::Command;

const HASH: &str = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

fn have_ssh_keygen() -> bool {
    let ok = Command::new("ssh-keygen").arg("-?").output().is_ok();
    if !ok {
        assert!(
            std::env::var("SKILLC_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "ssh-keygen is missing (SKILLC_REQUIRE_TOOLS=1)"
        );
        eprintln!("notice: ssh-keygen is not on PATH; skipping");
    }
    ok
}

/// A new ed25519 key pair in `dir` (no passphrase); returns the private key's path.
fn keygen(dir: &Path, name: &str) -> PathBuf {
    let key = dir.join(name);
    let o = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    key
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8")
}

/// Verifies `token` for `principal` with ssh-keygen against `key`'s public half.
fn verify(dir: &Path, key: &Path, principal: &str, token: &str) -> Result<(), String> {
    let f: Vec<&str> = token.split(':').collect();
    assert_eq!(f.len(), 8, "{token}");
    assert_eq!(f[0], "skillc2");
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("pub");
    let signers = dir.join("allowed_signers");
    std::fs::write(&signers, format!("{principal} {public}")).expect("write");
    let sig = dir.join("token.sig");
    std::fs::write(
        &sig,
        format!(
            "-----BEGIN SSH SIGNATURE-----\n{}\n-----END SSH SIGNATURE-----\n",
            f[7]
        ),
    )
    .expect("write");
    let msg = format!(
        "skillc-approval-v2\nskill={}\ntarget={}\nplan={}\nexpires={}\nnonce={}\napprover={}\n",
        f[1], f[2], f[3], f[4], f[5], f[6]
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg("printf '%s' \"$1\" | ssh-keygen -Y verify -f \"$2\" -I \"$3\" -n skillc-approval -s \"$4\"")
        .args(["sh", &msg, s(&signers), principal, s(&sig)])
        .output()
        .expect("verify");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn signs_a_token_bound_to_skill_target_plan_expiry_nonce_and_approver() {
    if !have_ssh_keygen() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let key = keygen(dir.path(), "alice");
    let args = [
        "approve",
        "--key",
        s(&key),
        "--approver",
        "alice",
        "--skill",
        "launchd-doctor/job-disabled",
        "--target",
        "foundation-core/bus",
        "--plan-hash",
        &HASH.to_uppercase(),
        "--expires-in",
        "10m",
    ];
    let run = skillc(&args, &repo());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let token = run.stdout.trim();
    let f: Vec<&str> = token.split(':').collect();
    assert_eq!(
        f[1..4],
        ["launchd-doctor/job-disabled", "foundation-core/bus", HASH]
    );
    assert_eq!(f[6], "alice");
    let expires: u64 = f[4].parse().expect("expiry");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs();
    assert!(
        (now + 590..=now + 610).contains(&expires),
        "{expires} vs {now}"
    );
    assert!(f[5].len() == 32 && f[5].chars().all(|c| c.is_ascii_hexdigit()));
    // What is signed is shown first.
    for shown in [
        "launchd-doctor/job-disabled",
        "foundation-core/bus",
        HASH,
        "alice",
    ] {
        assert!(run.stderr.contains(shown), "{shown}: {}", run.stderr);
    }
    verify(dir.path(), &key, "alice", token).expect("ssh-keygen verifies the token");
    // The approver is inside the signature: renamed to bob (even where bob's key is alice's),
    // another key, an edited field: no.
    let renamed = token.replace(":alice:", ":bob:");
    assert!(verify(dir.path(), &key, "bob", &renamed).is_err());
    let other = keygen(dir.path(), "mallory");
    assert!(verify(dir.path(), &other, "alice", token).is_err());
    let edited = token.replace(":foundation-core/bus:", ":foundation-core/identity:");
    assert!(verify(dir.path(), &key, "alice", &edited).is_err());
    // A second token for the same plan has another nonce.
    let again = skillc(&args, &repo());
    assert_ne!(again.stdout.split(':').nth(5), Some(f[5]));
}

#[test]
fn signs_with_a_key_held_by_ssh_agent() {
    if !have_ssh_keygen() || Command::new("ssh-agent").arg("-?").output().is_err() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let key = keygen(dir.path(), "alice");
    let public = key.with_extension("pub");
    // The private key goes into the agent and off the disk; --key names the public key.
    let script = format!(
        "eval \"$(ssh-agent -s)\" >/dev/null && ssh-add -q \"$1\" 2>/dev/null && mv \"$1\" \"$1.gone\" && \
         \"$2\" approve --key \"$3\" --approver alice --skill fc/s --target fc/bus --plan-hash {HASH}; \
         rc=$?; ssh-agent -k >/dev/null; exit $rc"
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .args(["sh", s(&key), env!("CARGO_BIN_EXE_skillc"), s(&public)])
        .env_remove("SSH_AUTH_SOCK")
        .output()
        .expect("sh");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    verify(dir.path(), &key, "alice", &token).expect("the agent's signature verifies");
}

/// A plan as a script's `--json` prints it in plan mode.
fn plan_json(hash: &str) -> String {
    serde_json::json!({
        "schema_version": 1, "skill": "foundation-core/gateway-port-in-use", "skill_version": "1.0.0",
        "target": "foundation-core/mobile-gateway", "label": "org.sovereign.mobile-gateway",
        "domain": "system", "mode": "plan", "plan_hash": hash, "run_id": "20260101T000000Z-1",
        "params": { "port": "8443\nrm -rf /" },
        "facts": { "stop-orphan": { "pidfile": "/x/gw.pid", "pid": 4242, "uid": 0, "program": "gw" } },
        "detected": true, "status": "planned", "exit": 0,
        "steps": [{ "step": "stop-orphan", "action": "proc.signal", "step_target": "foundation-core/mobile-gateway",
                    "risk": "disruptive", "effective_risk": "destructive", "outcome": "approve",
                    "plan": "would_run", "run_outcome": "approve" }],
        "next_skill": null
    })
    .to_string()
}

#[test]
fn signs_from_the_plan_json_showing_values_facts_and_steps_and_shows_a_token() {
    if !have_ssh_keygen() {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let key = keygen(dir.path(), "alice");
    let plan = dir.path().join("plan.json");
    std::fs::write(&plan, plan_json(HASH)).expect("write");
    let run = skillc(
        &[
            "approve",
            "--plan",
            s(&plan),
            "--key",
            s(&key),
            "--approver",
            "alice",
        ],
        &repo(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    for shown in [
        "foundation-core/gateway-port-in-use",
        "foundation-core/mobile-gateway",
        HASH,
        // The value is shown escaped: its newline cannot fake another line.
        "port = \"8443\\nrm -rf /\"",
        "\"pid\":4242",
        "stop-orphan",
        "proc.signal",
        "expires",
    ] {
        assert!(run.stderr.contains(shown), "{shown}: {}", run.stderr);
    }
    let token = run.stdout.trim().to_owned();
    verify(dir.path(), &key, "alice", &token).expect("verifies");

    let show = skillc(&["approve", "--show", &token], &repo());
    assert_eq!(show.code, 0, "{}", show.stderr);
    for shown in [
        "foundation-core/gateway-port-in-use",
        "foundation-core/mobile-gateway",
        HASH,
        "alice",
        "nonce",
    ] {
        assert!(show.stdout.contains(shown), "{shown}: {}", show.stdout);
    }
    let show = skillc(&["approve", "--show", &token, "--plan", s(&plan)], &repo());
    assert_eq!(show.code, 0, "{}", show.stderr);
    assert!(show.stdout.contains("stop-orphan"), "{}", show.stdout);
    // The token against another plan: said so, exit 2.
    let other = dir.path().join("other.json");
    std::fs::write(&other, plan_json(&"0".repeat(64))).expect("write");
    let show = skillc(&["approve", "--show", &token, "--plan", s(&other)], &repo());
    assert_eq!(show.code, 2);
    assert!(show.stderr.contains("not this plan"), "{}", show.stderr);
}

#[test]
fn refuses_bad_input_with_a_usage_error() {
    let dir = tempfile::tempdir().expect("tmp");
    let key = dir.path().join("id");
    std::fs::write(&key, "not a key").expect("write");
    let base = |extra: &[&str]| {
        let mut a = vec!["approve"];
        a.extend_from_slice(extra);
        skillc(&a, &repo())
    };
    let k = s(&key);
    let full = |approver: &str, skill: &str, hash: &str, exp: &str| {
        base(&[
            "--key",
            k,
            "--approver",
            approver,
            "--skill",
            skill,
            "--target",
            "fc/bus",
            "--plan-hash",
            hash,
            "--expires-in",
            exp,
        ])
    };
    let cases = [
        (full("alice", "no-family", HASH, "5m"), "family/id"),
        (full("alice", "fc/s", "not hex", "5m"), "--plan-hash"),
        (full("alice", "fc/s", "abcd", "5m"), "--plan-hash"),
        (full("alice", "fc/s", HASH, "48h"), "at most 24h"),
        (full("al ice", "fc/s", HASH, "5m"), "not a valid name"),
        (full("alice\nbob", "fc/s", HASH, "5m"), "not a valid name"),
        (
            base(&[
                "--key",
                k,
                "--approver=-alice",
                "--skill",
                "fc/s",
                "--target",
                "fc/b",
                "--plan-hash",
                HASH,
            ]),
            "not a valid name",
        ),
        (
            base(&[
                "--key",
                k,
                "--skill",
                "fc/s",
                "--target",
                "fc/b",
                "--plan-hash",
                HASH,
            ]),
            "--approver",
        ),
        (
            base(&[
                "--approver",
                "alice",
                "--skill",
                "fc/s",
                "--target",
                "fc/b",
                "--plan-hash",
                HASH,
            ]),
            "--key",
        ),
        (
            base(&["--key", k, "--approver", "alice", "--skill", "fc/s"]),
            "--plan FILE",
        ),
        (
            base(&[
                "--key",
                s(&dir.path().join("missing")),
                "--approver",
                "alice",
                "--skill",
                "fc/s",
                "--target",
                "fc/b",
                "--plan-hash",
                HASH,
            ]),
            "cannot read",
        ),
        (base(&["--show", "skillc1.abc.1.def"]), "--show"),
        (base(&["--show", "skillc2:a/b:c/d:x:1:y:z:sig"]), "--show"),
        (
            base(&[
                "--key",
                k,
                "--approver",
                "alice",
                "--plan",
                s(&dir.path().join("none.json")),
            ]),
            "cannot read",
        ),
    ];
    for (run, want) in &cases {
        assert_eq!(run.code, 2, "{want}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{want}: {}", run.stderr);
        assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    }
    // Plans that are not plans.
    let p = dir.path().join("p.json");
    for (text, want) in [
        ("{", "not the JSON"),
        ("[]", "no string field"),
        (
            &plan_json(HASH).replace("\"planned\"", "\"healthy\""),
            "nothing to approve",
        ),
        (
            &plan_json(HASH).replace("\"plan\",", "\"apply\","),
            "not a plan",
        ),
        (&plan_json("zz"), "--plan-hash"),
    ] {
        std::fs::write(&p, text).expect("write");
        let run = base(&["--key", k, "--approver", "alice", "--plan", s(&p)]);
        assert_eq!(run.code, 2, "{want}: {}", run.stderr);
        assert!(run.stderr.contains(want), "{want}: {}", run.stderr);
    }
    // A file that is not a key: ssh-keygen's refusal, said as skillc's usage error.
    let run = full("alice", "fc/s", HASH, "5m");
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("could not sign"), "{}", run.stderr);
}

/// A `--key` or `--plan` that is a device, a FIFO or a huge file is refused before anything reads
/// it: `--key /dev/zero` used to be handed to ssh-keygen, which read it until memory ran out.
#[test]
fn a_key_or_plan_that_is_not_a_small_regular_file_is_refused_without_reading_it() {
    let dir = tempfile::tempdir().expect("tmp");
    let big = dir.path().join("big-key");
    std::fs::write(&big, vec![b'A'; 65 * 1024]).expect("write");
    let with_key = |key: &str| {
        skillc(
            &[
                "approve",
                "--key",
                key,
                "--approver",
                "alice",
                "--skill",
                "fc/s",
                "--target",
                "fc/b",
                "--plan-hash",
                HASH,
            ],
            &repo(),
        )
    };
    let with_plan = |plan: &str| {
        skillc(
            &[
                "approve",
                "--key",
                s(&big),
                "--approver",
                "alice",
                "--plan",
                plan,
            ],
            &repo(),
        )
    };
    let start = std::time::Instant::now();
    let cases = [
        (with_key("/dev/zero"), "/dev/zero is not a regular file"),
        (with_key(s(dir.path())), "is not a regular file"),
        (with_key(s(&big)), "an SSH key file is at most 65536 bytes"),
        (with_plan("/dev/zero"), "/dev/zero is not a regular file"),
    ];
    for (run, want) in cases {
        assert_eq!(run.code, 2, "{want}: {}{}", run.stdout, run.stderr);
        assert!(run.stderr.contains(want), "want {want:?} in {}", run.stderr);
        assert!(run.stdout.is_empty(), "{}", run.stdout);
    }
    assert!(start.elapsed() < std::time::Duration::from_secs(20));
}
