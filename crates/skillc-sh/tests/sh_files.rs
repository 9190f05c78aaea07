//! Every fixed piece of generated shell (`crates/*/src/**/*.sh`, loaded with `include_str!`)
//! passes `shellcheck -s sh` on its own.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Each file is a fragment of a generated script: the rest of the script sets the variables it
/// reads (SC2153, SC2154) and reads the ones it sets (SC2034). The whole scripts are
/// shellchecked without these exceptions by the backends' tests.
const FRAGMENT_EXCLUSIONS: &str = "SC2034,SC2153,SC2154";

fn sh_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            sh_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "sh") {
            out.push(p);
        }
    }
}

/// Whether an external tool is on PATH. When it is absent, prints a notice and returns false,
/// unless `SKILLC_REQUIRE_TOOLS=1`, which makes the test fail.
fn have_tool(name: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg("command -v \"$1\" >/dev/null 2>&1")
        .arg("sh")
        .arg(name)
        .status()
        .is_ok_and(|s| s.success());
    if !found {
        assert!(
            std::env::var("SKILLC_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "`{name}` is required (SKILLC_REQUIRE_TOOLS=1) but not on PATH"
        );
        eprintln!("notice: `{name}` not on PATH; skipping the checks that need it");
    }
    found
}

#[test]
fn every_sh_file_passes_shellcheck_on_its_own() {
    let crates = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("crates dir");
    let mut files = Vec::new();
    for krate in std::fs::read_dir(crates).expect("read crates") {
        let src = krate.expect("crate entry").path().join("src");
        if src.is_dir() {
            sh_files(&src, &mut files);
        }
    }
    assert!(
        files.iter().any(|f| f.ends_with("sh/json_str.sh")),
        "the runtime files were not found under {}: {files:?}",
        crates.display()
    );
    if !have_tool("shellcheck") {
        return;
    }
    let failures: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let out = Command::new("shellcheck")
                .args(["-s", "sh", "-e", FRAGMENT_EXCLUSIONS])
                .arg(f)
                .output()
                .expect("run shellcheck");
            (!out.status.success())
                .then(|| format!("{}:\n{}", f.display(), String::from_utf8_lossy(&out.stdout)))
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
