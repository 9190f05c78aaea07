//! The output tree: what every backend emits, the manifest, and the atomic writer.

mod manifest;
mod write;

pub use manifest::{MANIFEST_FILE, manifest, test_manifest};
pub use write::{FileWriter, WriteError, Written, write_file, write_tree};

/// One file of the output tree (relative `/`-separated path, bytes, executable bit); every
/// backend emits this type.
pub use skillc_backend_support::{OutputFile, PlannedFile};

/// Every backend's files for a checked IR, sorted by path, rendered when written.
pub fn plan(ir: &skillc_analysis::CheckedIr) -> Vec<PlannedFile<'_>> {
    plan_with(ir, skillc_backend_support::Options::default())
}

/// [`plan`] with build options (a test build), the same for every backend.
pub fn plan_with(
    ir: &skillc_analysis::CheckedIr,
    options: skillc_backend_support::Options,
) -> Vec<PlannedFile<'_>> {
    let mut files: Vec<PlannedFile<'_>> = skillc_backend_launchd::plan_with(ir, options)
        .into_iter()
        .chain(skillc_backend_scripts::plan_with(ir, options))
        .chain(std::iter::once(PlannedFile::new(
            skillc_mcp::TOOLS_FILE.to_owned(),
            false,
            move || skillc_mcp::manifest_bytes(ir),
        )))
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}
