//! The output tree: what every backend emits, the manifest, and the atomic writer.

mod manifest;
mod write;

pub use manifest::{MANIFEST_FILE, manifest};
pub use write::{FileWriter, WriteError, Written, write_file, write_tree};

/// One file of the output tree (relative `/`-separated path, bytes, executable bit); every
/// backend emits this type.
pub use skillc_backend_support::{OutputFile, PlannedFile};

/// Every backend's files for a checked IR, sorted by path, rendered when written.
pub fn plan(ir: &skillc_ir::Ir) -> Vec<PlannedFile<'_>> {
    let mut files: Vec<PlannedFile<'_>> = skillc_backend_launchd::plan(ir)
        .into_iter()
        .chain(skillc_backend_scripts::plan(ir))
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}
