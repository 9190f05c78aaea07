//! `manifest.json`: every file with its sha256, the skillc version and the hash of the input.

use super::OutputFile;
use sha2::{Digest, Sha256};
use skillc_diagnostics::SourceMap;
use std::fmt::Write as _;

pub(crate) const MANIFEST_FILE: &str = "manifest.json";

fn hex(bytes: &[u8]) -> String {
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The manifest for `files`; `sources` are the inputs (hashed by path and content, in path order,
/// so the hash does not depend on discovery order).
pub(crate) fn manifest(files: &[OutputFile], sources: &SourceMap) -> OutputFile {
    let mut inputs: Vec<(&str, &str)> = sources
        .files()
        .map(|(_, f)| (f.path.as_str(), &*f.text))
        .collect();
    inputs.sort_unstable();
    let mut h = Sha256::new();
    for (path, text) in &inputs {
        h.update((path.len() as u64).to_le_bytes());
        h.update(path.as_bytes());
        h.update((text.len() as u64).to_le_bytes());
        h.update(text.as_bytes());
    }
    let digests = digests(files);
    let entries: Vec<serde_json::Value> = files
        .iter()
        .zip(&digests)
        .map(|(f, sha)| {
            serde_json::json!({
                "path": f.path,
                "sha256": sha,
                "executable": f.executable,
            })
        })
        .collect();
    let doc = serde_json::json!({
        "generator": "skillc",
        "skillc_version": env!("CARGO_PKG_VERSION"),
        "manifest_version": 1,
        "input_sha256": hex(&h.finalize()),
        "input_files": inputs.len(),
        "files": entries,
    });
    let mut bytes = serde_json::to_vec_pretty(&doc).unwrap_or_default();
    bytes.push(b'\n');
    OutputFile {
        path: MANIFEST_FILE.to_owned(),
        bytes,
        executable: false,
    }
}

/// The hex SHA-256 of every file, in order, hashed on every core (a large build writes hundreds
/// of megabytes).
fn digests(files: &[OutputFile]) -> Vec<String> {
    let one = |f: &OutputFile| hex(&Sha256::digest(&f.bytes));
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, 8);
    if threads == 1 || files.len() < 64 {
        return files.iter().map(one).collect();
    }
    std::thread::scope(|scope| {
        let workers: Vec<_> = files
            .chunks(files.len().div_ceil(threads))
            .map(|part| scope.spawn(move || part.iter().map(one).collect::<Vec<_>>()))
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}
