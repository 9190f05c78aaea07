//! Writing the output tree atomically: everything goes into a staging directory next to the
//! target, which then replaces the previous tree by rename. A failure at any point before the swap
//! leaves the previous tree as it was; the staging directory is removed.

use super::{MANIFEST_FILE, OutputFile, PlannedFile};
use skillc_backend_support::parallel;
use std::fmt;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

#[derive(Debug)]
pub enum WriteError {
    /// The target exists and is not something skillc may replace.
    Refused(String),
    Io(String),
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WriteError::Refused(m) | WriteError::Io(m) => f.write_str(m),
        }
    }
}

/// Writes one new file: (path, bytes, mode). Called from several threads; tests inject failures
/// through it.
pub type FileWriter<'a> = dyn Fn(&Path, &[u8], u32) -> io::Result<()> + Sync + 'a;

/// A file of the finished tree: what the manifest records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub path: String,
    pub executable: bool,
    pub sha256: [u8; 32],
}

/// Whether `dir` may be replaced: absent, empty, or a previous skillc build (its manifest says so).
fn replaceable(dir: &Path) -> Result<(), WriteError> {
    let meta = match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(WriteError::Io(format!("{}: {e}", dir.display()))),
        Ok(m) => m,
    };
    if !meta.is_dir() {
        return Err(WriteError::Refused(format!(
            "{} exists and is not a directory; refusing to replace it",
            dir.display()
        )));
    }
    let empty = fs::read_dir(dir)
        .map_err(|e| WriteError::Io(format!("{}: {e}", dir.display())))?
        .next()
        .is_none();
    if empty {
        return Ok(());
    }
    let manifest = fs::read_to_string(dir.join(MANIFEST_FILE)).unwrap_or_default();
    let ours = serde_json::from_str::<serde_json::Value>(&manifest)
        .is_ok_and(|v| v["generator"] == "skillc");
    if ours {
        Ok(())
    } else {
        Err(WriteError::Refused(format!(
            "{} is not empty and holds no skillc manifest.json; refusing to replace it (choose another --out)",
            dir.display()
        )))
    }
}

/// A relative path made only of normal components (no `..`, no root, no empty parts).
fn safe_relative(path: &str) -> Result<PathBuf, WriteError> {
    let p = Path::new(path);
    if !path.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_))) {
        Ok(p.to_path_buf())
    } else {
        Err(WriteError::Io(format!(
            "refusing to write outside the output tree: {path}"
        )))
    }
}

fn staging_name(out: &Path, what: &str) -> PathBuf {
    let name = out
        .file_name()
        .map_or_else(|| "build".into(), |n| n.to_string_lossy().into_owned());
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    parent.join(format!(".{name}.skillc-{what}-{}", std::process::id()))
}

/// Writes `files` as the tree `out`, replacing a previous build: every file is rendered, hashed
/// and written (or reused) on every core, one at a time per thread; then `last` builds the final
/// file (the manifest) from what was written, in path order. `write_file` performs each write
/// (tests inject failures through it).
pub fn write_tree(
    out: &Path,
    files: &[PlannedFile<'_>],
    last: impl FnOnce(&[Written]) -> OutputFile,
    write_file: &FileWriter<'_>,
) -> Result<(), WriteError> {
    replaceable(out)?;
    let io_err = |what: &Path, e: io::Error| WriteError::Io(format!("{}: {e}", what.display()));
    let rel: Vec<PathBuf> = files
        .iter()
        .map(|f| safe_relative(&f.path))
        .collect::<Result<_, _>>()?;
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
    }
    let staging = staging_name(out, "new");
    let _ = fs::remove_dir_all(&staging);
    fs::create_dir(&staging).map_err(|e| io_err(&staging, e))?;
    let previous = fs::symlink_metadata(out)
        .is_ok_and(|m| m.is_dir())
        .then_some(out);
    let result = fill(&staging, previous, files, &rel, write_file)
        .and_then(|written| {
            let file = last(&written);
            let path = staging.join(safe_relative(&file.path)?);
            write_file(&path, &file.bytes, mode(file.executable)).map_err(|e| io_err(&path, e))
        })
        .and_then(|()| swap(&staging, out));
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn mode(executable: bool) -> u32 {
    if executable { 0o755 } else { 0o644 }
}

/// Renders, hashes and writes every file into `staging`. Threads take the next file from a shared
/// counter, so memory holds one file per thread; the first error stops them all.
fn fill(
    staging: &Path,
    previous: Option<&Path>,
    files: &[PlannedFile<'_>],
    rel: &[PathBuf],
    write_file: &FileWriter<'_>,
) -> Result<Vec<Written>, WriteError> {
    use sha2::{Digest, Sha256};
    use std::os::unix::fs::MetadataExt;
    let owner = fs::metadata(staging)
        .map_err(|e| WriteError::Io(format!("{}: {e}", staging.display())))?
        .uid();
    let dirs: std::collections::BTreeSet<&Path> = rel.iter().filter_map(|r| r.parent()).collect();
    for dir in dirs {
        let dir = staging.join(dir);
        fs::create_dir_all(&dir).map_err(|e| WriteError::Io(format!("{}: {e}", dir.display())))?;
    }
    let one = |i: usize| -> Result<[u8; 32], WriteError> {
        let f = &files[i];
        let bytes = f.render();
        let sha256: [u8; 32] = Sha256::digest(&bytes).into();
        let path = staging.join(&rel[i]);
        let mode = mode(f.executable);
        if let Some(prev) = previous
            && reuse(&prev.join(&rel[i]), &path, &bytes, mode, owner)
        {
            return Ok(sha256);
        }
        write_file(&path, &bytes, mode)
            .map_err(|e| WriteError::Io(format!("{}: {e}", path.display())))?;
        Ok(sha256)
    };
    // Files are independent: written on every core, one at a time each (never the whole tree in
    // memory); the first error in path order wins, so the error reported does not depend on
    // scheduling.
    let indices: Vec<usize> = (0..files.len()).collect();
    let digests = parallel::try_map(&indices, parallel::Options::new(64), |&i| one(i))?;
    Ok(digests
        .into_iter()
        .zip(files)
        .map(|(sha256, f)| Written {
            path: f.path.clone(),
            executable: f.executable,
            sha256,
        })
        .collect())
}

/// Hard-links the previous build's file `old` to `new` when it is exactly what would be written:
/// a regular file of ours, linked nowhere else, with `mode` and these bytes. A rebuild then
/// allocates no inode for an unchanged file, and removing the previous tree frees none. Any doubt
/// (or a failed link) means a fresh write.
fn reuse(old: &Path, new: &Path, bytes: &[u8], mode: u32, owner: u32) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = fs::symlink_metadata(old) else {
        return false;
    };
    let same_shape = meta.is_file()
        && meta.nlink() == 1
        && meta.uid() == owner
        && meta.mode() & 0o7777 == mode
        && meta.len() == bytes.len() as u64;
    same_shape
        && fs::read(old).is_ok_and(|old_bytes| old_bytes == bytes)
        && fs::hard_link(old, new).is_ok()
}

/// Replaces `out` by `staging`. The old tree is moved aside first and restored if the second
/// rename fails.
fn swap(staging: &Path, out: &Path) -> Result<(), WriteError> {
    let old = staging_name(out, "old");
    let _ = fs::remove_dir_all(&old);
    let had_old = fs::symlink_metadata(out).is_ok();
    if had_old {
        fs::rename(out, &old).map_err(|e| WriteError::Io(format!("{}: {e}", out.display())))?;
    }
    if let Err(e) = fs::rename(staging, out) {
        if had_old {
            let _ = fs::rename(&old, out);
        }
        return Err(WriteError::Io(format!("{}: {e}", out.display())));
    }
    if had_old {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(())
}

/// The normal file writer: a new file (the staging directory is fresh) with `mode` exactly (the
/// umask does not apply), written in one go.
pub fn write_file(path: &Path, bytes: &[u8], mode: u32) -> io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(path)?;
    f.write_all(bytes)?;
    if f.metadata()?.permissions().mode() & 0o777 != mode {
        // A umask took bits away at creation.
        f.set_permissions(fs::Permissions::from_mode(mode))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, text: &str) -> OutputFile {
        OutputFile {
            path: path.to_owned(),
            bytes: text.as_bytes().to_vec(),
            executable: false,
        }
    }

    fn manifest() -> OutputFile {
        file(MANIFEST_FILE, "{\"generator\": \"skillc\"}\n")
    }

    /// Writes `files` (the manifest last, as a build does) with `writer`; returns what the
    /// manifest would record.
    fn build(
        out: &Path,
        files: &[OutputFile],
        writer: &FileWriter<'_>,
    ) -> Result<Vec<Written>, WriteError> {
        let (last, rest): (Vec<_>, Vec<_>) =
            files.iter().cloned().partition(|f| f.path == MANIFEST_FILE);
        let planned: Vec<PlannedFile<'_>> = rest
            .into_iter()
            .map(|f| PlannedFile::new(f.path, f.executable, move || f.bytes.clone()))
            .collect();
        let mut seen = Vec::new();
        write_tree(
            out,
            &planned,
            |written| {
                seen = written.to_vec();
                last.into_iter().next().unwrap_or_else(manifest)
            },
            writer,
        )?;
        Ok(seen)
    }

    fn read(dir: &Path) -> Vec<(String, String)> {
        let mut out = Vec::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in fs::read_dir(&d).expect("read_dir") {
                let p = e.expect("entry").path();
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p
                        .strip_prefix(dir)
                        .expect("prefix")
                        .to_string_lossy()
                        .into_owned();
                    out.push((rel, fs::read_to_string(&p).expect("read")));
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn a_rebuild_reuses_unchanged_files_and_rewrites_the_rest() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("build");
        let ino = |rel: &str| fs::metadata(out.join(rel)).expect("meta").ino();
        let first = vec![
            file("same.sh", "same"),
            file("changed.sh", "old"),
            file("edited.sh", "as built"),
            file("linked.sh", "linked"),
            manifest(),
        ];
        build(&out, &first, &write_file).expect("first build");
        let (same, changed, edited, linked) = (
            ino("same.sh"),
            ino("changed.sh"),
            ino("edited.sh"),
            ino("linked.sh"),
        );
        // Someone edits a built file in place (same length), and links another elsewhere.
        fs::write(out.join("edited.sh"), "by hand!").expect("edit");
        let elsewhere = tmp.path().join("elsewhere");
        fs::hard_link(out.join("linked.sh"), &elsewhere).expect("link");

        let second = vec![
            file("same.sh", "same"),
            file("changed.sh", "new"),
            file("edited.sh", "as built"),
            file("linked.sh", "linked"),
            manifest(),
        ];
        build(&out, &second, &write_file).expect("second build");
        assert_eq!(ino("same.sh"), same, "an unchanged file is reused");
        assert_ne!(ino("changed.sh"), changed);
        assert_ne!(ino("edited.sh"), edited, "a hand-edited file is rewritten");
        assert_ne!(
            ino("linked.sh"),
            linked,
            "a file linked elsewhere is not shared"
        );
        assert_eq!(read(&out), {
            let mut want: Vec<(String, String)> = second
                .iter()
                .map(|f| {
                    (
                        f.path.clone(),
                        String::from_utf8_lossy(&f.bytes).into_owned(),
                    )
                })
                .collect();
            want.sort();
            want
        });
        assert_eq!(fs::metadata(out.join("same.sh")).expect("meta").nlink(), 1);
        assert_eq!(fs::read_to_string(&elsewhere).expect("read"), "linked");
    }

    #[test]
    fn a_failure_midway_leaves_the_previous_tree_intact() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("build");
        let first = vec![file("a/x.plist", "one"), file("b.sh", "two"), manifest()];
        build(&out, &first, &write_file).expect("first build");
        let before = read(&out);

        let second = vec![
            file("a/x.plist", "ONE"),
            file("b.sh", "TWO"),
            file("c.sh", "3"),
            manifest(),
        ];
        let written = std::sync::atomic::AtomicUsize::new(0);
        let failing = |p: &Path, b: &[u8], mode: u32| {
            if written.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 1 {
                return Err(io::Error::other("disk full (injected)"));
            }
            write_file(p, b, mode)
        };
        let err = build(&out, &second, &failing).expect_err("injected failure");
        assert!(err.to_string().contains("disk full"), "{err}");
        assert_eq!(read(&out), before, "previous tree unchanged");
        let leftovers: Vec<_> = fs::read_dir(tmp.path())
            .expect("ls")
            .map(|e| e.expect("e").file_name())
            .collect();
        assert_eq!(
            leftovers,
            vec![std::ffi::OsString::from("build")],
            "no staging left behind"
        );

        build(&out, &second, &write_file).expect("second build");
        assert_eq!(read(&out).len(), 4);
        assert_eq!(
            fs::read_to_string(out.join("a/x.plist")).expect("read"),
            "ONE"
        );
    }

    #[test]
    fn refuses_to_replace_foreign_directories_and_files() {
        let tmp = tempfile::tempdir().expect("tmp");
        let home_like = tmp.path().join("documents");
        fs::create_dir(&home_like).expect("mkdir");
        fs::write(home_like.join("thesis.txt"), "precious").expect("write");
        let err = build(&home_like, &[manifest()], &write_file).expect_err("refused");
        assert!(matches!(err, WriteError::Refused(_)), "{err}");
        assert_eq!(
            fs::read_to_string(home_like.join("thesis.txt")).expect("kept"),
            "precious"
        );

        let a_file = tmp.path().join("file");
        fs::write(&a_file, "x").expect("write");
        let err = build(&a_file, &[manifest()], &write_file).expect_err("refused");
        assert!(err.to_string().contains("not a directory"), "{err}");
    }

    #[test]
    fn never_writes_outside_the_tree() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("build");
        for bad in ["../escape", "/abs", "a/../../b", ""] {
            let err = build(&out, &[file(bad, "x"), manifest()], &write_file).expect_err(bad);
            assert!(err.to_string().contains("outside"), "{bad}: {err}");
        }
        assert!(!tmp.path().join("escape").exists());
        assert!(!out.exists());
    }

    fn many(n: usize, tag: &str) -> Vec<OutputFile> {
        let mut files: Vec<OutputFile> = (0..n)
            .map(|i| file(&format!("d{}/f{i:04}.sh", i % 7), &format!("{tag} {i}")))
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files.push(manifest());
        files
    }

    #[test]
    fn a_large_tree_is_written_on_every_core_and_recorded_in_path_order() {
        use sha2::{Digest, Sha256};
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("build");
        let files = many(500, "v1");
        let seen = build(&out, &files, &write_file).expect("build");
        let want: Vec<Written> = files[..500]
            .iter()
            .map(|f| Written {
                path: f.path.clone(),
                executable: f.executable,
                sha256: Sha256::digest(&f.bytes).into(),
            })
            .collect();
        assert_eq!(seen, want);
        assert_eq!(read(&out).len(), 501);
        assert_eq!(
            fs::read_to_string(out.join("d3/f0010.sh")).expect("read"),
            "v1 10"
        );
    }

    #[test]
    fn a_failing_write_among_many_threads_is_reported_and_changes_nothing() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("build");
        build(&out, &many(500, "v1"), &write_file).expect("first build");
        let before = read(&out);
        let failing = |p: &Path, b: &[u8], mode: u32| {
            if p.ends_with("d2/f0303.sh") || p.ends_with("d5/f0404.sh") {
                return Err(io::Error::other("disk full (injected)"));
            }
            write_file(p, b, mode)
        };
        let err = build(&out, &many(500, "v2"), &failing).expect_err("injected");
        // Both may fail depending on scheduling; the first in path order is the one reported.
        assert!(err.to_string().contains("d2/f0303.sh: disk full"), "{err}");
        assert_eq!(read(&out), before, "previous tree unchanged");
        assert_eq!(
            fs::read_dir(tmp.path()).expect("ls").count(),
            1,
            "no staging left"
        );
    }
}
