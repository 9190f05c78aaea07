//! Helpers shared by the backend's integration tests.

#![allow(dead_code, unreachable_pub)]

use skillc_analysis::CheckedIr;
use skillc_diagnostics::Diagnostic;
use skillc_ir::Ir;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Loads and lowers every family under `paths`; returns the IR and every diagnostic so far.
pub fn load(paths: &[PathBuf]) -> (Ir, Vec<Diagnostic>) {
    let loaded = skillc_syntax::load_paths(paths);
    assert!(loaded.path_errors.is_empty(), "{:?}", loaded.path_errors);
    let (ir, mut diags) = skillc_ir::lower(&loaded);
    diags.extend(loaded.diagnostics.iter().cloned());
    (ir, diags)
}

/// `ir` certified as the pipeline does: the analysis rules and the launchd check run, and any
/// error among their findings fails the test.
pub fn checked(ir: Ir) -> CheckedIr {
    let analysis = skillc_analysis::analyze(ir, &[skillc_backend_launchd::check]);
    let found = analysis.diagnostics.clone();
    analysis.certify(&found).unwrap_or_else(|_| {
        let errors: Vec<_> = found.iter().filter(|d| d.is_error()).collect();
        panic!("analysis reports errors: {errors:#?}")
    })
}

/// `ir` as the backend takes it, whatever analysis finds: these tests exercise the generators,
/// also on families `skillc build` would refuse. Analysis still runs over it.
pub fn exercised(ir: Ir) -> CheckedIr {
    skillc_analysis::analyze(ir, &[])
        .certify(&[])
        .unwrap_or_else(|_| unreachable!("nothing is left to refuse"))
}

/// The shipped families and the examples users copy, which must lower and pass analysis without
/// errors.
pub fn shipped() -> CheckedIr {
    let (ir, diags) = load(&[
        repo().join("skills"),
        repo().join("examples/minimal"),
        repo().join("examples/quickstart"),
    ]);
    let errors: Vec<_> = diags.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    checked(ir)
}

/// One family made of `family.yaml` = `text`, in a temp dir.
pub fn family(text: &str) -> (tempfile::TempDir, Ir, Vec<Diagnostic>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let fam = dir.path().join("fam");
    std::fs::create_dir_all(&fam).expect("mkdir");
    std::fs::write(fam.join("family.yaml"), text).expect("write");
    let (ir, diags) = load(&[fam]);
    (dir, ir, diags)
}

/// Whether an external tool is on PATH. When it is absent, prints a notice and returns false,
/// unless `SKILLC_REQUIRE_TOOLS=1`, which makes the test fail.
pub fn have_tool(name: &str) -> bool {
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

/// Writes the output files under `root`, with the executable bit where asked.
pub fn write_tree(root: &Path, files: &[skillc_backend_support::OutputFile]) {
    use std::os::unix::fs::PermissionsExt;
    for f in files {
        let p = root.join(&f.path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, &f.bytes).expect("write");
        let mode = if f.executable { 0o755 } else { 0o644 };
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(mode)).expect("chmod");
    }
}

/// A check cannot run here because `what` is missing: a notice, or a failure under
/// SKILLC_REQUIRE_TOOLS=1 (CI, where every tool is installed).
pub fn tool_missing(what: &str) {
    assert!(
        std::env::var("SKILLC_REQUIRE_TOOLS").as_deref() != Ok("1"),
        "{what} (SKILLC_REQUIRE_TOOLS=1)"
    );
    eprintln!("notice: {what}; skipping the checks that need it");
}

/// `sh`, `dash`, `bash --posix`, zsh as `sh` (a link named `sh`: zsh emulates sh) and busybox
/// `sh`, whose directory also holds every busybox applet, first on the gate's PATH (after the
/// test's own shims): the shells a Mac's `/bin/sh` may be, and a non-GNU userland.
pub fn shells() -> Vec<Vec<String>> {
    let found = |name: &str| -> Option<String> {
        let o = Command::new("sh")
            .args(["-c", "command -v \"$1\"", "sh", name])
            .output()
            .ok()?;
        let p = String::from_utf8_lossy(&o.stdout).trim().to_owned();
        (o.status.success() && !p.is_empty()).then_some(p)
    };
    let mut out = vec![vec!["sh".to_owned()]];
    for (name, extra) in [("dash", None), ("bash", Some("--posix"))] {
        if have_tool(name) {
            let mut v = vec![name.to_owned()];
            v.extend(extra.map(str::to_owned));
            out.push(v);
        }
    }
    for name in ["zsh", "busybox"] {
        if !have_tool(name) {
            continue;
        }
        let Some(path) = found(name) else { continue };
        let dir = std::env::temp_dir().join(format!("skillc-gates-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let link = |applet: &str| {
            let l = dir.join(applet);
            // Tests running at once make the same links: one that exists already is fine.
            match std::os::unix::fs::symlink(&path, &l) {
                Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => panic!("symlink: {e}"),
                _ => {}
            }
        };
        link("sh");
        if name == "busybox" {
            let list = Command::new(&path)
                .arg("--list")
                .output()
                .expect("busybox --list");
            for applet in String::from_utf8_lossy(&list.stdout).lines() {
                if !applet.is_empty() && !matches!(applet, "nc" | "sh" | "ash" | "hush") {
                    link(applet);
                }
            }
        }
        out.push(vec![dir.join("sh").display().to_string()]);
    }
    out
}

/// The busybox applets' directory when `shell` is busybox's `sh`.
pub fn applets_of(shell: &[String]) -> Option<PathBuf> {
    let dir = Path::new(&shell[0]).parent()?;
    dir.join("awk").exists().then(|| dir.to_path_buf())
}
