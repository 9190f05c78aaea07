//! `skillc build`: refuses on errors, writes a complete tree with a manifest, deterministically and
//! atomically, and never replaces a directory that is not a skillc build.

use crate::common;

use common::{repo, skillc, snapshot, tree};
use std::path::Path;

fn build(out: &Path) -> common::Run {
    skillc(
        &[
            "build",
            "skills",
            "examples/minimal",
            "--out",
            out.to_str().expect("utf8"),
        ],
        &repo(),
    )
}

#[test]
fn builds_the_shipped_families_with_a_manifest() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("build");
    let run = build(&out);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    let files = snapshot(&out);
    assert!(
        files
            .keys()
            .any(|k| k.starts_with("foundation-core/LaunchDaemons/org.sovereign."))
    );
    assert!(
        files.keys().any(|k| k.starts_with("minimal/LaunchAgents/")),
        "{:?}",
        files.keys()
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&files["manifest.json"]).expect("manifest");
    assert_eq!(manifest["generator"], "skillc");
    assert_eq!(manifest["skillc_version"], env!("CARGO_PKG_VERSION"));
    let listed = manifest["files"].as_array().expect("files");
    assert_eq!(
        listed.len(),
        files.len() - 1,
        "every file but the manifest is listed"
    );
    for entry in listed {
        let path = entry["path"].as_str().expect("path");
        let bytes = &files[path];
        let digest = sha256_hex(bytes);
        assert_eq!(entry["sha256"], digest, "{path}");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(out.join(path))
                .expect("meta")
                .permissions()
                .mode()
                & 0o777;
            assert_eq!(
                mode,
                if entry["executable"] == true {
                    0o755
                } else {
                    0o644
                },
                "{path}"
            );
        }
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    use std::fmt::Write;
    Sha256::digest(bytes)
        .iter()
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

#[test]
fn building_twice_gives_identical_bytes() {
    let tmp = tempfile::tempdir().expect("tmp");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert_eq!(build(&a).code, 0);
    assert_eq!(build(&b).code, 0);
    assert_eq!(snapshot(&a), snapshot(&b));
    // Rebuilding over a previous build replaces it and gives the same tree.
    assert_eq!(build(&a).code, 0);
    assert_eq!(snapshot(&a), snapshot(&b));
}

#[test]
fn errors_refuse_the_build_and_keep_the_previous_tree() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("build");
    assert_eq!(build(&out).code, 0);
    let before = snapshot(&out);
    let broken = tree(&[(
        "fam/family.yaml",
        "family: { name: fam, version: 1.0.0, description: d, label_prefix: org.x }\nservices:\n  a:\n    description: d\n    layer: L1\n    scope: daemon\n    run: { program: /bin/a }\n    requires: [nope]\n",
    )]);
    let run = skillc(
        &["build", "fam", "--out", out.to_str().expect("utf8")],
        broken.path(),
    );
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("nothing was written"), "{}", run.stderr);
    assert_eq!(snapshot(&out), before);
    let fresh = tmp.path().join("never");
    let run = skillc(
        &["build", "fam", "--out", fresh.to_str().expect("utf8")],
        broken.path(),
    );
    assert_eq!(run.code, 1);
    assert!(!fresh.exists(), "no partial output");
}

#[test]
fn refuses_to_replace_a_file_or_a_foreign_directory() {
    let tmp = tempfile::tempdir().expect("tmp");
    let file = tmp.path().join("out");
    std::fs::write(&file, "not a dir").expect("write");
    let run = build(&file);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("not a directory"), "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&file).expect("kept"), "not a dir");

    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).expect("mkdir");
    std::fs::write(docs.join("notes.txt"), "mine").expect("write");
    let run = build(&docs);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("refusing to replace"), "{}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(docs.join("notes.txt")).expect("kept"),
        "mine"
    );
}

/// `--test-build` is the only way to get scripts that honour the location overrides: its
/// manifest and every script's header say so, and a normal build's script refuses them.
#[test]
fn only_a_test_build_honours_location_overrides() {
    let tmp = tempfile::tempdir().expect("tmp");
    let normal = tmp.path().join("normal");
    let test = tmp.path().join("test");
    assert_eq!(build(&normal).code, 0);
    let run = skillc(
        &[
            "build",
            "skills",
            "examples/minimal",
            "--test-build",
            "--out",
            test.to_str().expect("utf8"),
        ],
        &repo(),
    );
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("a test build: never install it"),
        "{}",
        run.stdout
    );
    let (n, t) = (snapshot(&normal), snapshot(&test));
    let nm: serde_json::Value = serde_json::from_slice(&n["manifest.json"]).expect("manifest");
    let tm: serde_json::Value = serde_json::from_slice(&t["manifest.json"]).expect("manifest");
    assert_eq!(nm.get("test_build"), None);
    assert_eq!(tm["test_build"], serde_json::json!(true));
    let scripts: Vec<&String> = n
        .keys()
        .filter(|k| Path::new(k).extension().is_some_and(|e| e == "sh"))
        .collect();
    assert!(scripts.len() > 20);
    for k in scripts.iter().filter(|k| k.contains("/remediate/")) {
        let (a, b) = (
            String::from_utf8_lossy(&n[*k]).into_owned(),
            String::from_utf8_lossy(&t[*k]).into_owned(),
        );
        assert!(
            !a.contains("TEST BUILD") && !a.contains("SKILLC_TEST_PATH:-"),
            "{k}"
        );
        assert!(b.contains("A TEST BUILD"), "{k}");
    }
    // A normal build's script run with an override: refused before anything else happens.
    let k = scripts
        .iter()
        .find(|k| k.contains("/remediate/"))
        .expect("a remediation script");
    let state = tmp.path().join("state");
    let o = std::process::Command::new("sh")
        .arg(normal.join(k))
        .arg("--apply")
        .env("SKILLC_STATE_DIR", &state)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("sh");
    assert_eq!(
        o.status.code(),
        Some(64),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!state.exists());
}

/// `manifest.json` of the same sources is the same wherever the checkout lives and however the
/// paths are spelt.
#[test]
fn the_manifest_does_not_depend_on_where_the_checkout_lives() {
    let work = tempfile::tempdir().expect("tempdir");
    let copy = |to: &Path| {
        for fam in [
            "skills/foundation-core",
            "skills/launchd-doctor",
            "examples/quickstart",
        ] {
            let status = std::process::Command::new("cp")
                .args(["-R"])
                .arg(common::repo().join(fam))
                .arg(to.join(fam))
                .status()
                .expect("cp");
            assert!(status.success());
        }
    };
    let a = work.path().join("a/repo");
    let b = work.path().join("b/c/checkout");
    for dir in [&a, &b] {
        std::fs::create_dir_all(dir.join("skills")).expect("mkdir");
        std::fs::create_dir_all(dir.join("examples")).expect("mkdir");
        copy(dir);
    }
    let manifest = |args: &[&str], out: &str| {
        let mut all = vec!["build"];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--out", out]);
        let run = common::skillc(&all, work.path());
        assert_eq!(run.code, 0, "{}", run.stderr);
        let text =
            std::fs::read_to_string(work.path().join(out).join("manifest.json")).expect("manifest");
        serde_json::from_str::<serde_json::Value>(&text).expect("JSON")
    };
    let one = manifest(&["a/repo/skills", "a/repo/examples/quickstart"], "out-a");
    let two = manifest(
        &["./b/c/checkout/examples/quickstart", "b/c/checkout/skills/"],
        "out-b",
    );
    assert_eq!(one["input_sha256"], two["input_sha256"]);
    assert_eq!(one, two);
    // And it does change with the content.
    std::fs::write(
        b.join("examples/quickstart/services.yaml"),
        std::fs::read_to_string(b.join("examples/quickstart/services.yaml")).expect("read")
            + "\n# changed\n",
    )
    .expect("write");
    let three = manifest(
        &["b/c/checkout/skills", "b/c/checkout/examples/quickstart"],
        "out-c",
    );
    assert_ne!(one["input_sha256"], three["input_sha256"]);
}
