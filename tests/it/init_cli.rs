//! `skillc init`, `skillc completions`, `skillc man`.

use crate::common::{check_json, codes, skillc, tool_available};
use std::path::Path;
use std::process::Command;

fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    crate::common::snapshot(dir)
}

#[test]
fn init_writes_a_repository_that_checks_clean_and_builds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("homelab");
    std::fs::create_dir(&repo).expect("mkdir");
    let run = skillc(&["init"], &repo);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written: Vec<String> = files(&repo).into_keys().collect();
    assert_eq!(
        written,
        [
            ".pre-commit-config.yaml",
            "homelab/family.yaml",
            "homelab/policy.yaml",
            "homelab/services.yaml",
            "homelab/skills/web-unhealthy.yaml",
            "skillc.schema.json",
            "skillc.toml",
        ]
    );
    let (code, json) = check_json(&repo, &["homelab"]);
    assert_eq!(code, 0, "{json:#}");
    assert!(codes(&json).is_empty(), "no finding at all: {json:#}");
    // Without a path, `check` checks the repository's families (no ./skills here: `.`).
    let (code, json) = check_json(&repo, &[]);
    assert_eq!(code, 0, "{json:#}");
    assert_eq!(json["summary"]["families"], 1, "{json:#}");

    let run = skillc(&["build", "homelab", "--out", "build"], &repo);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        repo.join("build/homelab/LaunchAgents/org.example.homelab.web.plist")
            .is_file()
    );
    assert!(
        repo.join("build/homelab/remediate/homelab--web-unhealthy--web.sh")
            .is_file()
    );

    // The schema the files point at is the one skillc writes, and it validates them.
    let schema = std::fs::read_to_string(repo.join("skillc.schema.json")).expect("schema");
    assert_eq!(schema, skillc(&["schema"], &repo).stdout);
    if tool_available("check-jsonschema", &["--version"]) {
        let out = Command::new("check-jsonschema")
            .arg("--schemafile")
            .arg(repo.join("skillc.schema.json"))
            .args([
                "homelab/family.yaml",
                "homelab/services.yaml",
                "homelab/policy.yaml",
                "homelab/skills/web-unhealthy.yaml",
            ])
            .current_dir(&repo)
            .output()
            .expect("check-jsonschema");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn init_overwrites_nothing_and_follows_no_planted_link() {
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path();
    let precious = dir.path().join("precious");
    std::fs::write(&precious, "keep me").expect("write");
    std::fs::write(repo.join("skillc.toml"), "fail-on = \"error\"\n").expect("write");
    let run = skillc(&["init", ".", "--name", "demo"], repo);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("skillc.toml exists; nothing was written"),
        "{}",
        run.stderr
    );
    assert!(!repo.join("demo").exists(), "nothing was written");
    assert_eq!(
        std::fs::read_to_string(repo.join("skillc.toml")).expect("read"),
        "fail-on = \"error\"\n"
    );

    // A symbolic link where a file would go (even a dangling one) counts as existing.
    std::fs::remove_file(repo.join("skillc.toml")).expect("rm");
    std::os::unix::fs::symlink(&precious, repo.join(".pre-commit-config.yaml")).expect("ln");
    let run = skillc(&["init", ".", "--name", "demo"], repo);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert_eq!(std::fs::read_to_string(&precious).expect("read"), "keep me");
    assert!(!repo.join("demo").exists());

    for bad in ["Demo", "1demo", "de--mo", "demo-", "de mo", "../x"] {
        let run = skillc(&["init", "sub", "--name", bad], repo);
        assert_eq!(run.code, 2, "{bad}: {}", run.stderr);
        assert!(
            run.stderr.contains("not a family name"),
            "{bad}: {}",
            run.stderr
        );
        assert!(!repo.join("sub").exists(), "{bad}");
    }
}

/// The generated pre-commit configuration works with the real `pre-commit` (PyPI).
#[test]
fn the_generated_pre_commit_configuration_runs_the_check() {
    if !tool_available("pre-commit", &["--version"]) || !tool_available("git", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let repo = dir.path().join("lab");
    std::fs::create_dir(&repo).expect("mkdir");
    assert_eq!(skillc(&["init"], &repo).code, 0);
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .args(args)
            .current_dir(&repo)
            .status()
            .expect("git")
            .success();
        assert!(ok, "git {args:?}");
    };
    git(&["init", "-q", "."]);
    git(&["add", "-A"]);
    let bin = Path::new(env!("CARGO_BIN_EXE_skillc"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let pre_commit = |args: &[&str]| {
        Command::new("pre-commit")
            .args(args)
            .current_dir(&repo)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", dir.path().join("pre-commit-home"))
            .env("SKILLC_NO_CACHE", "1")
            .output()
            .expect("pre-commit")
    };
    let out = pre_commit(&["validate-config", ".pre-commit-config.yaml"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = pre_commit(&["run", "--all-files"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("skillc check") && text.contains("Passed"),
        "{text}"
    );

    let services = repo.join("lab/services.yaml");
    let good = std::fs::read_to_string(&services).expect("read");
    std::fs::write(&services, good.replace("scope: session", "scope: sesion")).expect("write");
    git(&["add", "-A"]);
    let out = pre_commit(&["run", "--all-files"]);
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("lab/services.yaml:") && text.contains("sesion"),
        "{text}"
    );
}

#[test]
fn completions_load_in_their_shells() {
    let dir = tempfile::tempdir().expect("tempdir");
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let run = skillc(&["completions", shell], dir.path());
        assert_eq!(run.code, 0, "{shell}: {}", run.stderr);
        for sub in ["check", "build", "approve", "explain", "init"] {
            assert!(run.stdout.contains(sub), "{shell} completes `{sub}`");
        }
        std::fs::write(dir.path().join(shell), &run.stdout).expect("write");
    }
    let script = dir.path().join("bash");
    if tool_available("bash", &["--version"]) {
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!(
                ". '{}' && complete -p skillc && COMP_WORDS=(skillc ch); COMP_CWORD=1; _skillc skillc ch skillc && printf '%s\\n' \"${{COMPREPLY[@]}}\"",
                script.display()
            ))
            .output()
            .expect("bash");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{text}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("-F _skillc skillc"), "{text}");
        assert!(
            text.lines().any(|l| l == "check"),
            "`skillc ch<TAB>` offers check: {text}"
        );
    }
    if tool_available("zsh", &["--version"]) {
        let out = Command::new("zsh")
            .arg("-n")
            .arg(dir.path().join("zsh"))
            .output()
            .expect("zsh");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    if tool_available("fish", &["--version"]) {
        let out = Command::new("fish")
            .arg("-c")
            .arg(format!(
                "source '{}'; complete -C 'skillc ch'",
                dir.path().join("fish").display()
            ))
            .output()
            .expect("fish");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.lines().any(|l| l.starts_with("check")), "{text}");
    }
}

#[test]
fn the_man_pages_render() {
    let dir = tempfile::tempdir().expect("tempdir");
    let run = skillc(&["man"], dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains(".TH skillc 1"), "{}", run.stdout);
    assert!(run.stdout.contains(".SH NAME"));
    let run = skillc(&["man", "--out", "man"], dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    for page in [
        "skillc.1",
        "skillc-check.1",
        "skillc-build.1",
        "skillc-approve.1",
        "skillc-init.1",
    ] {
        assert!(dir.path().join("man").join(page).is_file(), "{page}");
    }
    if tool_available("groff", &["--version"]) {
        let out = Command::new("groff")
            .args(["-man", "-Tutf8", "-ww", "-P-cbou"])
            .arg(dir.path().join("man/skillc-check.1"))
            .output()
            .expect("groff");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success());
        assert!(text.contains("--format"), "{text}");
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains("warning"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
