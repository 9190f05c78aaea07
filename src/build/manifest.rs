//! `manifest.json`: every file with its sha256, the skillc version and the hash of the input.

use super::{OutputFile, Written};
use sha2::{Digest, Sha256};
use skillc_diagnostics::SourceMap;
use skillc_ir::Ir;
use std::fmt::Write as _;
use std::path::Path;

pub const MANIFEST_FILE: &str = "manifest.json";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The manifest for `files` (in path order). The inputs are every file of every family of `ir`,
/// hashed by content and by `<family>/<path under the family>`, in that order: the hash depends
/// neither on discovery order nor on where the checkout lives.
pub fn manifest(files: &[Written], sources: &SourceMap, ir: &Ir) -> OutputFile {
    manifest_of(files, &inputs(sources, ir), false)
}

/// [`manifest`] of a test build (`"test_build": true`).
pub fn test_manifest(files: &[Written], sources: &SourceMap, ir: &Ir) -> OutputFile {
    manifest_of(files, &inputs(sources, ir), true)
}

fn inputs<'a>(sources: &'a SourceMap, ir: &Ir) -> Vec<(String, &'a str)> {
    let mut inputs: Vec<(String, &str)> = ir
        .families
        .iter()
        .flat_map(|fam| {
            fam.files.iter().filter_map(|&id| {
                let file = sources.get(id)?;
                let path = Path::new(&file.path);
                let rel = path.strip_prefix(&fam.root).unwrap_or(path);
                let rel = rel.to_string_lossy();
                Some((format!("{}/{rel}", fam.name.value), &*file.text))
            })
        })
        .collect();
    inputs.sort_unstable();
    inputs.dedup();
    inputs
}

fn manifest_of(files: &[Written], inputs: &[(String, &str)], test_build: bool) -> OutputFile {
    let mut h = Sha256::new();
    for (path, text) in inputs {
        h.update((path.len() as u64).to_le_bytes());
        h.update(path.as_bytes());
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    let entries: Vec<serde_json::Value> = files
        .iter()
        .map(|f| {
            serde_json::json!({
                "path": f.path,
                "sha256": hex(&f.sha256),
                "executable": f.executable,
            })
        })
        .collect();
    let mut doc = serde_json::json!({
        "generator": "skillc",
        "skillc_version": env!("CARGO_PKG_VERSION"),
        "manifest_version": 1,
        "input_sha256": hex(&h.finalize()),
        "input_files": inputs.len(),
        "files": entries,
    });
    if test_build {
        doc["test_build"] = serde_json::Value::Bool(true);
    }
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    OutputFile {
        path: MANIFEST_FILE.to_owned(),
        bytes,
        executable: false,
    }
}
