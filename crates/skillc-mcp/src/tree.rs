//! A built output tree as the server sees it: `manifest.json` (every file with its SHA-256),
//! the tool manifest it lists, and each script checked against its hash before it runs.

use crate::model::{TOOLS_FILE, TOOLS_VERSION, ToolManifest};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Component, Path, PathBuf};

#[derive(Debug)]
pub struct Tree {
    pub root: PathBuf,
    /// `"test_build": true` in the manifest: the scripts honour the harness's overrides, and so
    /// does the server (`SKILLC_TEST_INVOKER`).
    pub test_build: bool,
    hashes: HashMap<String, String>,
    pub tools: ToolManifest,
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .fold(String::with_capacity(64), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn relative(path: &str) -> Option<&Path> {
    let p = Path::new(path);
    (!path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)))).then_some(p)
}

impl Tree {
    /// Reads the tree at `root`; every message names what is wrong and what to do.
    pub fn load(root: &Path) -> Result<Tree, String> {
        let mpath = root.join("manifest.json");
        let text = std::fs::read_to_string(&mpath).map_err(|e| {
            format!(
                "{}: cannot read it ({e}); --tree must name the output directory of `skillc build`",
                mpath.display()
            )
        })?;
        let doc: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| format!("{}: not a skillc build manifest: {e}", mpath.display()))?;
        if doc["generator"] != "skillc" {
            return Err(format!(
                "{}: not a skillc build manifest (no \"generator\": \"skillc\")",
                mpath.display()
            ));
        }
        let mut hashes = HashMap::new();
        for f in doc["files"].as_array().map_or(&[][..], Vec::as_slice) {
            if let (Some(p), Some(h)) = (f["path"].as_str(), f["sha256"].as_str()) {
                hashes.insert(p.to_owned(), h.to_owned());
            }
        }
        let Some(want) = hashes.get(TOOLS_FILE) else {
            return Err(format!(
                "{}: lists no {TOOLS_FILE}; rebuild the tree with this skillc (`skillc build`)",
                mpath.display()
            ));
        };
        let tpath = root.join(TOOLS_FILE);
        let bytes = std::fs::read(&tpath)
            .map_err(|e| format!("{}: cannot read it: {e}", tpath.display()))?;
        if &sha256_hex(&bytes) != want {
            return Err(format!(
                "{}: does not match the SHA-256 in manifest.json; the tree was changed after it was built: rebuild it",
                tpath.display()
            ));
        }
        let tools: ToolManifest = serde_json::from_slice(&bytes)
            .map_err(|e| format!("{}: not a skillc tool manifest: {e}", tpath.display()))?;
        if tools.tools_version != TOOLS_VERSION {
            return Err(format!(
                "{}: tool manifest version {} (this skillc reads {TOOLS_VERSION}); rebuild the tree",
                tpath.display(),
                tools.tools_version
            ));
        }
        Ok(Tree {
            root: root.to_path_buf(),
            test_build: doc["test_build"] == true,
            hashes,
            tools,
        })
    }

    /// The absolute path of the tree file `rel`, once its content matches the manifest.
    pub fn checked(&self, rel: &str) -> Result<PathBuf, String> {
        let (Some(p), Some(want)) = (relative(rel), self.hashes.get(rel)) else {
            return Err(format!("{rel} is not a file of this build"));
        };
        let path = self.root.join(p);
        let meta =
            std::fs::symlink_metadata(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if !meta.is_file() {
            return Err(format!("{}: not a regular file", path.display()));
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if &sha256_hex(&bytes) != want {
            return Err(format!(
                "{}: does not match the SHA-256 in manifest.json; refusing to run a script that changed after the build",
                path.display()
            ));
        }
        Ok(path)
    }
}
