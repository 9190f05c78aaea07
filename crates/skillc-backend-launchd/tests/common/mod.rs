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
