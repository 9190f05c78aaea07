//! The remediation-script backend of skillc: one POSIX sh script per remediation skill and service
//! it applies to, one doctor per family with services, and the analyzer rules this backend needs.
//!
//! Output layout (paths relative to the output root, `/`-separated; every script executable):
//!
//! | path | what |
//! |---|---|
//! | `<family-of-target>/remediate/<skill-family>--<skill-id>--<service-id>.sh` | skill applied to one service |
//! | `<family>/doctor.sh` | status of every service of the family in start order; runs the matching skills |
//!
//! The scripts live with the family that owns the service (launchd-doctor's generic skills
//! applied to foundation-core's services land in `foundation-core/remediate/`), next to that
//! family's plists from the launchd backend. They are self-contained (no shared library): an
//! operator reads one file. The exit codes are in `docs/exit-codes.md` (defined in
//! [`skillc_backend_support::exit`]), the audit record in
//! `schemas/audit.schema.json` (repository root), approval tokens in [`token`].
//!
//! [`check`] is a pass of analysis; [`emit`] and [`plan`] take the checked IR it certified.
//! Should an expression still not compile, the script for it prints why and exits 70
//! (`script-expr-unsupported`).

mod doctor;
mod parallel;
pub mod policy;
mod resolve;
pub mod rules;
mod runtime;
mod script;
pub mod token;

pub use script::{DEFAULT_STEP_TIMEOUT_SECS, remediation_script, remediation_script_with};

use doctor::doctor_script;

use skillc_analysis::CheckedIr;
use skillc_backend_support::{OutputFile, PlannedFile};
use skillc_diagnostics::{Diagnostic, RuleInfo};
use skillc_ir::{Ir, ServiceId, SkillId};

/// How the scripts are built (the options every backend shares): a test build's scripts honour
/// `SKILLC_AUDIT_LOG`, `SKILLC_STATE_DIR`, `SKILLC_ALLOWED_SIGNERS` (locations), `SKILLC_TEST_PATH`
/// (put before the fixed PATH), `SKILLC_TEST_SHELL` (the shell they re-execute under) and
/// `SKILLC_TEST_INVOKER` (`USER:UID`, who runs them); a normal build refuses to run when any of
/// them is set.
pub use skillc_backend_support::Options;

/// Default audit log (JSON lines); `SKILLC_AUDIT_LOG` redirects it in test builds.
pub(crate) const AUDIT_LOG: &str = "/var/log/skillc/audit.jsonl";
/// Default state directory (locks, used approval tokens); `SKILLC_STATE_DIR` redirects it.
pub(crate) const STATE_DIR: &str = "/var/db/skillc";

/// Every rule of this backend with its `skillc explain` page.
pub fn rules() -> impl Iterator<Item = &'static RuleInfo> {
    rules::ALL.iter().map(|check| check.rule)
}

/// Runs this backend's rules over a lowered IR.
pub fn check(ir: &Ir) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    rules::run_all(ir, &mut out);
    out
}

/// Every (skill, service) pair that gets a script, in IR order.
pub(crate) fn skill_runs(ir: &Ir) -> Vec<(SkillId, ServiceId)> {
    ir.skill_ids()
        .flat_map(|k| ir.skill(k).targets.iter().map(move |&t| (k, t)))
        .filter(|&(_, t)| !ir.family(ir.service(t).family).dependency)
        .collect()
}

/// `<skill-family>--<skill-id>--<service-id>.sh`
pub(crate) fn script_file_name(ir: &Ir, skill: SkillId, target: ServiceId) -> String {
    let k = ir.skill(skill);
    format!(
        "{}--{}--{}.sh",
        ir.family(k.family).name.value,
        k.id.value,
        ir.service(target).id.value
    )
}

/// The output path of the script of `skill` applied to `target`.
pub(crate) fn script_path(ir: &Ir, skill: SkillId, target: ServiceId) -> String {
    format!(
        "{}/remediate/{}",
        ir.family(ir.service(target).family).name.value,
        script_file_name(ir, skill, target)
    )
}

/// Every output file, sorted by path; the same IR gives the same bytes.
pub fn emit(ir: &CheckedIr) -> Vec<OutputFile> {
    emit_with(ir, Options::default())
}

/// [`emit`] with build options.
pub fn emit_with(ir: &CheckedIr, options: Options) -> Vec<OutputFile> {
    // Scripts are independent: rendered on every core, kept in order.
    let planned = plan_with(ir, options);
    parallel::map_in_order(&planned, 16, PlannedFile::render)
        .into_iter()
        .zip(planned)
        .map(|(bytes, p)| OutputFile {
            path: p.path,
            bytes,
            executable: p.executable,
        })
        .collect()
}

/// [`emit`]'s files, sorted by path, rendered only when asked.
pub fn plan(ir: &CheckedIr) -> Vec<PlannedFile<'_>> {
    plan_with(ir, Options::default())
}

/// [`plan`] with build options.
pub fn plan_with(ir: &CheckedIr, options: Options) -> Vec<PlannedFile<'_>> {
    let ir: &Ir = ir;
    let mut files: Vec<PlannedFile<'_>> = skill_runs(ir)
        .into_iter()
        .map(|(skill, target)| {
            PlannedFile::new(script_path(ir, skill, target), true, move || {
                remediation_script_with(ir, skill, target, options).into_bytes()
            })
        })
        .collect();
    for (i, fam) in ir.families.iter().enumerate() {
        let fid = skillc_ir::FamilyId(u32::try_from(i).unwrap_or(u32::MAX));
        if fam.dependency || !ir.services.iter().any(|s| s.family == fid) {
            continue;
        }
        files.push(PlannedFile::new(
            format!("{}/doctor.sh", fam.name.value),
            true,
            move || doctor_script(ir, fid, options).into_bytes(),
        ));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}
