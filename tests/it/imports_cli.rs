//! Imports that the command line does not name: found in the repository or in the standard
//! library, checked as dependencies, reported on the user's own files.

use crate::common::{check_json, codes, repo, skillc, tool_available};
use std::path::Path;
use std::process::Command;

/// Copies `examples/quickstart` into `dir/name` (a user's own repository holds only that).
fn quickstart_into(dir: &Path, name: &str) {
    let src = repo().join("examples/quickstart");
    copy_dir(&src, &dir.join(name));
}

fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).expect("test fixture");
    for e in std::fs::read_dir(src).expect("test fixture") {
        let p = e.expect("test fixture").path();
        let to = dst.join(p.file_name().expect("test fixture"));
        if p.is_dir() {
            copy_dir(&p, &to);
        } else {
            std::fs::copy(&p, &to).expect("test fixture");
        }
    }
}

fn family(name: &str, imports: &str, rest: &str) -> String {
    format!(
        "family: {{ name: {name}, version: 1.0.0, description: Family {name}., label_prefix: org.{name}, imports: [{imports}] }}\n{rest}"
    )
}

#[test]
fn a_users_repository_gets_the_shipped_families_from_the_binary() {
    let dir = tempfile::tempdir().expect("test fixture");
    quickstart_into(dir.path(), "homelab");
    let (code, json) = check_json(dir.path(), &["homelab"]);
    assert_eq!(code, 0, "{json:#}");
    assert!(codes(&json).is_empty(), "{json:#}");
    assert_eq!(
        json["summary"]["families"], 1,
        "only the checked family is counted"
    );

    let out = dir.path().join("out");
    let run = skillc(&["build", "homelab", "--out", "out"], dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    let scripts: Vec<String> = std::fs::read_dir(out.join("homelab/remediate"))
        .expect("test fixture")
        .map(|e| {
            e.expect("test fixture")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        scripts
            .iter()
            .any(|s| s.starts_with("launchd-doctor--crash-loop--")),
        "the standard library's skills are built for the user's services: {scripts:?}"
    );
    assert!(
        scripts.iter().any(|s| s.starts_with("foundation-core--")),
        "{scripts:?}"
    );
    let top: Vec<String> = std::fs::read_dir(&out)
        .expect("test fixture")
        .map(|e| {
            e.expect("test fixture")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| !n.starts_with('.') && out.join(n).is_dir())
        .collect();
    assert_eq!(
        top,
        ["homelab"],
        "an imported family's own services, install scripts and doctor are not built"
    );
}

#[test]
fn a_finding_about_the_users_service_is_reported_on_the_users_file() {
    let dir = tempfile::tempdir().expect("test fixture");
    quickstart_into(dir.path(), "homelab");
    let services = dir.path().join("homelab/services.yaml");
    let text = std::fs::read_to_string(&services).expect("test fixture");
    let start = text
        .find("    readiness:\n      probe: 'file_exists(")
        .expect("test fixture");
    let end =
        start + text[start..].find("retries: 10\n").expect("test fixture") + "retries: 10\n".len();
    std::fs::write(&services, format!("{}{}", &text[..start], &text[end..])).expect("test fixture");

    let (code, json) = check_json(dir.path(), &["homelab/services.yaml"]);
    assert_eq!(code, 0, "warnings only: {json:#}");
    let diags = json["diagnostics"].as_array().expect("test fixture");
    assert!(!diags.is_empty(), "{json:#}");
    for d in diags {
        assert_eq!(d["code"], "unverified-remediation", "{d:#}");
        assert_eq!(d["file"], "homelab/services.yaml", "{d:#}");
        let line = usize::try_from(d["line"].as_u64().expect("a line")).expect("a line");
        assert_eq!(
            text.lines().nth(line - 1).expect("test fixture").trim(),
            "nightly-digest:",
            "at the service: {d:#}"
        );
        let related = d["labels"][0]["file"].as_str().expect("test fixture");
        assert!(
            related.starts_with("skillc:stdlib/") && related.contains("/launchd-doctor/skills/"),
            "the shipped skill is the related location: {d:#}"
        );
    }
}

#[test]
fn one_file_of_a_family_loads_its_imports_from_the_repository() {
    let base_services = "services:\n  db:\n    description: A database.\n    layer: L1\n    scope: daemon\n    capabilities: [storage]\n    run: { program: /usr/local/bin/db, user: _db }\n    readiness: { probe: 'tcp(\"127.0.0.1:5432\")' }\n";
    let apps_services = "services:\n  web:\n    description: A web app.\n    layer: L2\n    scope: daemon\n    capabilities: [serve_api]\n    requires: [base/db]\n    run: { program: /usr/local/bin/web, user: _web }\n    readiness: { probe: 'tcp(\"127.0.0.1:8080\")' }\n";
    let dir = crate::common::tree(&[
        ("skillc.toml", ""),
        ("families/base/family.yaml", &family("base", "", "")),
        ("families/base/services.yaml", base_services),
        ("families/apps/family.yaml", &family("apps", "base", "")),
        ("families/apps/services.yaml", apps_services),
    ]);
    let (code, json) = check_json(dir.path(), &["families/apps/services.yaml"]);
    assert_eq!(code, 0, "the import is found beside it: {json:#}");
    assert!(
        !codes(&json).contains(&"unresolved-reference".to_owned()),
        "{json:#}"
    );

    // An error in the imported family still stops the build, so it is reported.
    std::fs::write(
        dir.path().join("families/base/services.yaml"),
        base_services.replace("layer: L1", "layer: L9"),
    )
    .expect("test fixture");
    let (code, json) = check_json(dir.path(), &["families/apps/services.yaml"]);
    assert_eq!(code, 1, "{json:#}");
    assert!(
        json["diagnostics"]
            .as_array()
            .expect("test fixture")
            .iter()
            .any(|d| d["file"] == "families/base/services.yaml" && d["severity"] == "error"),
        "{json:#}"
    );

    // A name found nowhere is still an unresolved import, with the way out.
    let dir = crate::common::tree(&[
        ("skillc.toml", ""),
        ("apps/family.yaml", &family("apps", "nowhere", "")),
    ]);
    let (code, json) = check_json(dir.path(), &["apps"]);
    assert_eq!(code, 1);
    assert!(
        codes(&json).contains(&"unresolved-reference".to_owned()),
        "{json:#}"
    );
}

#[test]
fn a_local_family_of_the_same_name_takes_precedence_with_a_note() {
    let dir = tempfile::tempdir().expect("test fixture");
    quickstart_into(dir.path(), "homelab");
    copy_dir(
        &repo().join("skills/launchd-doctor"),
        &dir.path().join("vendor/launchd-doctor"),
    );
    // The local copy differs: one skill fewer.
    std::fs::remove_file(
        dir.path()
            .join("vendor/launchd-doctor/skills/crash-loop.yaml"),
    )
    .expect("test fixture");
    std::fs::write(dir.path().join("skillc.toml"), "").expect("test fixture");
    let run = skillc(&["build", "homelab", "--out", "out"], dir.path());
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("imported family `launchd-doctor` is loaded from")
            && run.stderr.contains("not from skillc's standard library"),
        "{}",
        run.stderr
    );
    let scripts: Vec<String> = std::fs::read_dir(dir.path().join("out/homelab/remediate"))
        .expect("test fixture")
        .map(|e| {
            e.expect("test fixture")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert!(
        scripts
            .iter()
            .any(|s| s.starts_with("launchd-doctor--not-loaded--"))
    );
    assert!(
        !scripts
            .iter()
            .any(|s| s.starts_with("launchd-doctor--crash-loop--")),
        "the local copy was used: {scripts:?}"
    );
}

#[test]
fn the_import_search_never_follows_a_symbolic_link_out_of_the_repository() {
    let outside = tempfile::tempdir().expect("test fixture");
    std::fs::create_dir_all(outside.path().join("evil")).expect("test fixture");
    std::fs::write(
        outside.path().join("evil/family.yaml"),
        family("evil", "", ""),
    )
    .expect("test fixture");
    let dir = crate::common::tree(&[
        ("skillc.toml", ""),
        ("apps/family.yaml", &family("apps", "evil", "")),
    ]);
    std::os::unix::fs::symlink(outside.path(), dir.path().join("linked")).expect("test fixture");
    let (code, json) = check_json(dir.path(), &["apps"]);
    assert_eq!(code, 1, "{json:#}");
    assert!(
        codes(&json).contains(&"unresolved-reference".to_owned()),
        "{json:#}"
    );
}

/// The real `pre-commit` (PyPI) runs this repository's hook on a user's repository: a broken
/// family fails with the diagnostic, the fixed one passes.
#[test]
fn pre_commit_try_repo_fails_on_a_broken_family_and_passes_once_fixed() {
    if !tool_available("pre-commit", &["--version"]) || !tool_available("git", &["--version"]) {
        return;
    }
    let work = tempfile::tempdir().expect("test fixture");
    let user = work.path().join("user-repo");
    quickstart_into(&user, "homelab");
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .args(args)
            .current_dir(&user)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.invalid")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.invalid")
            .output()
            .expect("test fixture");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q", "."]);
    let services = user.join("homelab/services.yaml");
    let good = std::fs::read_to_string(&services).expect("test fixture");
    std::fs::write(&services, good.replacen("layer: L2", "layer: L7", 1)).expect("test fixture");
    git(&["add", "-A"]);

    let bin_dir = Path::new(env!("CARGO_BIN_EXE_skillc"))
        .parent()
        .expect("test fixture")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let try_repo = || {
        Command::new("pre-commit")
            .args([
                "try-repo",
                &repo().to_string_lossy(),
                "skillc-check-system",
                "--all-files",
            ])
            .current_dir(&user)
            .env("PATH", &path)
            .env("PRE_COMMIT_HOME", work.path().join("pre-commit-home"))
            .env("NO_COLOR", "1")
            .env("SKILLC_NO_CACHE", "1")
            .output()
            .expect("test fixture")
    };
    let out = try_repo();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "a broken family fails the hook:\n{text}"
    );
    assert!(text.contains("homelab/services.yaml:"), "{text}");
    assert!(
        text.contains("L7"),
        "the diagnostic names the bad value:\n{text}"
    );
    assert!(
        !text.contains("not loaded"),
        "imports resolve from the binary:\n{text}"
    );

    std::fs::write(&services, &good).expect("test fixture");
    git(&["add", "-A"]);
    let out = try_repo();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "the fixed family passes:\n{text}");
    assert!(text.contains("Passed"), "{text}");
}

/// An L1 service that wants an L3 service of a family it does not import: adding the import
/// would only lead to a layer-violation, so the finding says both.
#[test]
fn a_reference_to_an_unimported_higher_layer_says_both_problems() {
    let low = "services:\n  db:\n    description: A database.\n    layer: L1\n    scope: daemon\n    capabilities: [storage]\n    wants: [apps/web]\n    run: { program: /usr/local/bin/db, user: _db }\n    readiness: { probe: 'tcp(\"127.0.0.1:5432\")' }\n";
    let high = "services:\n  web:\n    description: A web app.\n    layer: L3\n    scope: session\n    capabilities: [serve_api]\n    run: { program: /usr/local/bin/web }\n    readiness: { probe: 'tcp(\"127.0.0.1:8080\")' }\n";
    let dir = crate::common::tree(&[
        ("base/family.yaml", &family("base", "", "")),
        ("base/services.yaml", low),
        ("apps/family.yaml", &family("apps", "", "")),
        ("apps/services.yaml", high),
    ]);
    let (code, json) = check_json(dir.path(), &["base", "apps"]);
    assert_eq!(code, 1);
    let d = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "unresolved-reference")
        .unwrap_or_else(|| panic!("{json:#}"));
    let (message, help) = (
        d["message"].as_str().expect("message"),
        d["help"].as_str().expect("help"),
    );
    assert!(
        message.contains("not imported") && message.contains("L3"),
        "{message}"
    );
    assert!(
        help.contains("layer-violation") && !help.starts_with("add `apps`"),
        "{help}"
    );
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(7), Some(13)),
        "{d:#}"
    );

    // Same layer: the import is the whole fix, and the help says so.
    let dir = crate::common::tree(&[
        ("base/family.yaml", &family("base", "", "")),
        ("base/services.yaml", &low.replace("layer: L1", "layer: L3")),
        ("apps/family.yaml", &family("apps", "", "")),
        ("apps/services.yaml", high),
    ]);
    let (_, json) = check_json(dir.path(), &["base", "apps"]);
    let d = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "unresolved-reference")
        .unwrap_or_else(|| panic!("{json:#}"));
    assert!(
        d["help"]
            .as_str()
            .expect("help")
            .starts_with("add `apps` to `imports:`"),
        "{d:#}"
    );
}

/// Import cycles are allowed (docs/language.md, "Where imports are found"): each family sees the
/// other's services, and each one's skills apply to the other's services.
#[test]
fn families_that_import_each_other_check_clean() {
    let a = "services:\n  db:\n    description: A database.\n    layer: L2\n    scope: daemon\n    capabilities: [storage]\n    run: { program: /usr/local/bin/db, user: _db }\n    readiness: { probe: 'tcp(\"127.0.0.1:5432\")' }\n";
    let b = "services:\n  web:\n    description: A web app.\n    layer: L2\n    scope: daemon\n    capabilities: [serve_api]\n    requires: [base/db]\n    run: { program: /usr/local/bin/web, user: _web }\n    readiness: { probe: 'tcp(\"127.0.0.1:8080\")' }\n";
    let dir = crate::common::tree(&[
        ("skillc.toml", ""),
        ("base/family.yaml", &family("base", "apps", "")),
        ("base/services.yaml", a),
        ("apps/family.yaml", &family("apps", "base", "")),
        ("apps/services.yaml", b),
    ]);
    for paths in [&["base", "apps"][..], &["apps/services.yaml"][..]] {
        let (code, json) = check_json(dir.path(), paths);
        assert_eq!(code, 0, "{paths:?}: {json:#}");
        assert!(codes(&json).is_empty(), "{paths:?}: {json:#}");
    }
}
