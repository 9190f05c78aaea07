//! The launchd backend of skillc: property lists, readiness gates, install and uninstall scripts,
//! and the `launchd-*` analyzer rules.
//!
//! Output layout per family (paths relative to the output root, `/`-separated):
//!
//! | path | what |
//! |---|---|
//! | `<family>/LaunchDaemons/<Label>.plist` | `scope: daemon` services |
//! | `<family>/LaunchAgents/<Label>.plist` | `scope: session` services |
//! | `<family>/gates/<service-id>.sh` | readiness gate of each service with `requires` (executable) |
//! | `<family>/install.sh`, `<family>/uninstall.sh` | installers (executable) |
//! | `install.sh`, `uninstall.sh` | every family's installer, imported families first (executable) |
//!
//! Installed paths: daemons in `/Library/LaunchDaemons`, agents in `/Library/LaunchAgents`, gates
//! in `/usr/local/libexec/skillc/<family>/gates/<service-id>.sh` (the path the plist's
//! `ProgramArguments[0]` names). [`check`] is a pass of analysis; [`emit`] and [`plan`] take the
//! checked IR it certified.

mod gate;
mod install;
pub mod keys;
mod plist_gen;
mod resolve;
pub mod rules;

pub use gate::gate_script;
pub use plist_gen::plist_value;
pub use resolve::{gate_path, has_gate};

use install::{install_script, tree_script, uninstall_script};
use plist_gen::to_xml;

use skillc_analysis::CheckedIr;
use skillc_backend_support::{Options, OutputFile, PlannedFile};
use skillc_diagnostics::{Diagnostic, RuleInfo};
use skillc_ir::{Ir, Scope};

/// Every `launchd-*` rule with its `skillc explain` page.
pub fn rules() -> impl Iterator<Item = &'static RuleInfo> {
    rules::ALL.iter().map(|check| check.rule)
}

/// Runs every `launchd-*` rule over a lowered IR.
pub fn check(ir: &Ir) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    rules::run_all(ir, &mut out);
    out
}

/// Every output file of every family, sorted by path; the same IR gives the same bytes.
///
/// Even so it never writes a plist that XML cannot hold: a service with an XML-illegal string
/// gets no plist (`launchd-xml-illegal-char` reports it).
pub fn emit(ir: &CheckedIr) -> Vec<OutputFile> {
    emit_with(ir, Options::default())
}

/// [`emit`] with build options (a test build's gates and installers take their tools from
/// `SKILLC_TEST_PATH` first).
pub fn emit_with(ir: &CheckedIr, options: Options) -> Vec<OutputFile> {
    plan_with(ir, options)
        .into_iter()
        .map(PlannedFile::into_output)
        .collect()
}

/// [`emit`]'s files, sorted by path, rendered only when asked.
pub fn plan(ir: &CheckedIr) -> Vec<PlannedFile<'_>> {
    plan_with(ir, Options::default())
}

/// [`plan`] with build options.
pub fn plan_with(ir: &CheckedIr, options: Options) -> Vec<PlannedFile<'_>> {
    let ir: &Ir = ir;
    let mut files = Vec::new();
    for id in ir.service_ids() {
        let s = ir.service(id);
        if ir.family(s.family).dependency {
            continue;
        }
        let family = &ir.family(s.family).name.value;
        if rules::xml_findings(s).is_empty() {
            let dir = match s.scope.value {
                Scope::Daemon => "LaunchDaemons",
                Scope::Session => "LaunchAgents",
            };
            files.push(PlannedFile::new(
                format!("{family}/{dir}/{}.plist", s.label.value),
                false,
                move || to_xml(&plist_value(ir, id)),
            ));
        }
        if has_gate(s) {
            files.push(PlannedFile::new(
                format!("{family}/gates/{}.sh", s.id.value),
                true,
                move || gate_script(ir, id, options).into_bytes(),
            ));
        }
    }
    for (i, fam) in ir.families.iter().enumerate() {
        let fid = skillc_ir::FamilyId(u32::try_from(i).unwrap_or(u32::MAX));
        if fam.dependency || !ir.services.iter().any(|s| s.family == fid) {
            continue;
        }
        files.push(PlannedFile::new(
            format!("{}/install.sh", fam.name.value),
            true,
            move || install_script(ir, fid, options).into_bytes(),
        ));
        files.push(PlannedFile::new(
            format!("{}/uninstall.sh", fam.name.value),
            true,
            move || uninstall_script(ir, fid, options).into_bytes(),
        ));
    }
    if !install::family_order(ir).is_empty() {
        files.push(PlannedFile::new("install.sh".to_owned(), true, move || {
            tree_script(ir, false, options).into_bytes()
        }));
        files.push(PlannedFile::new(
            "uninstall.sh".to_owned(),
            true,
            move || tree_script(ir, true, options).into_bytes(),
        ));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}
