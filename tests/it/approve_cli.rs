//! `skillc approve` mints tokens the generated scripts verify: checked here with Python's `hmac`,
//! independently of skillc's own code.

use crate::common;

use common::{repo, skillc};

#[test]
fn mints_a_token_bound_to_skill_target_plan_and_expiry() {
    let dir = tempfile::tempdir().expect("tmp");
    let key = "3f1c".repeat(16);
    let key_file = dir.path().join("alice.key");
    std::fs::write(&key_file, format!("{key}\n")).expect("write");
    let run = skillc(
        &[
            "approve",
            "--key",
            key_file.to_str().expect("utf8"),
            "--skill",
            "launchd-doctor/job-disabled",
            "--target",
            "foundation-core/bus",
            "--plan-hash",
            "ABCDEF0123",
            "--expires-in",
            "10m",
        ],
        &repo(),
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let token = run.stdout.trim();
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 4, "{token}");
    assert_eq!(parts[0], "skillc1");
    let expires: u64 = parts[2].parse().expect("expiry");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("time")
        .as_secs();
    assert!(
        (now + 590..=now + 610).contains(&expires),
        "{expires} vs {now}"
    );
    let script = "import hashlib,hmac,sys; k,msg=sys.argv[1],sys.argv[2]; print(hashlib.sha256(k.encode()).hexdigest()[:16], hmac.new(k.encode(), msg.encode(), hashlib.sha256).hexdigest())";
    let msg = format!(
        "skillc-approval-v1\nlaunchd-doctor/job-disabled\nfoundation-core/bus\nabcdef0123\n{expires}"
    );
    let out = std::process::Command::new("python3")
        .args(["-c", script, &key, &msg])
        .output()
        .expect("python3");
    let expected = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert_eq!(format!("{} {}", parts[1], parts[3]), expected);
}

#[test]
fn refuses_bad_input() {
    let dir = tempfile::tempdir().expect("tmp");
    let short = dir.path().join("short.key");
    std::fs::write(&short, "abc\n").expect("write");
    let good = dir.path().join("good.key");
    std::fs::write(&good, "a".repeat(64)).expect("write");
    let base = |key: &std::path::Path, skill: &str, hash: &str, exp: &str| {
        skillc(
            &[
                "approve",
                "--key",
                key.to_str().expect("utf8"),
                "--skill",
                skill,
                "--target",
                "fc/bus",
                "--plan-hash",
                hash,
                "--expires-in",
                exp,
            ],
            &repo(),
        )
    };
    assert!(
        base(&short, "fc/s", "ab", "5m")
            .stderr
            .contains("at least 32")
    );
    assert!(
        base(&good, "no-family", "ab", "5m")
            .stderr
            .contains("family/id")
    );
    assert!(
        base(&good, "fc/s", "not hex", "5m")
            .stderr
            .contains("--plan-hash")
    );
    assert!(
        base(&good, "fc/s", "ab", "48h")
            .stderr
            .contains("at most 24h")
    );
    assert!(
        base(&dir.path().join("missing"), "fc/s", "ab", "5m")
            .stderr
            .contains("cannot read")
    );
    assert_eq!(base(&good, "fc/s", "ab", "5m").code, 0);
}
