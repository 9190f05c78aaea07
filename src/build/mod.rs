//! The output tree: what every backend emits, the manifest, and the atomic writer.

mod manifest;
mod write;

pub(crate) use manifest::{MANIFEST_FILE, manifest};
pub(crate) use write::{WriteError, write_file, write_tree};

/// One file of the output tree (relative `/`-separated path, bytes, executable bit); every
/// backend emits this type.
pub(crate) use skillc_backend_launchd::OutputFile;

/// Every backend's files for a checked IR, sorted by path.
pub(crate) fn emit(ir: &skillc_ir::Ir) -> Vec<OutputFile> {
    let mut files: Vec<OutputFile> = skillc_backend_launchd::emit(ir)
        .into_iter()
        .chain(skillc_backend_scripts::emit(ir))
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}
