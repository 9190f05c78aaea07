//! The parse cache: documents already parsed, keyed by the SHA-256 of their text.
//!
//! Parsing YAML is most of a check (see BENCHMARKS.md), and a pre-commit hook or an editor checks
//! the same files again and again. One cache file per project (the set of paths checked) lives in
//! the cache directory; an entry is the syntax tree of one file, spans included, encoded with
//! MessagePack. Only files that parsed are cached; a file with an error is parsed every time, so
//! its diagnostic is always the parser's own.
//!
//! Safety: an entry is found by the hash of the exact text, salted with the skillc version and
//! the source of the syntax tree's types and of its (de)serialization (`TREE_SOURCES`: any change
//! to the tree's shape or encoding changes the salt), so a hit is the tree that parsing that text
//! produces. An entry that does not decode is a miss. The
//! file is rewritten (atomically, mode 0600) with just the entries this run used, so it holds
//! one project's files and never grows past them; cache files of other projects unused for
//! `MAX_AGE_DAYS` are removed when a cache is saved.
//!
//! Layout: `skillc-parse-cache 1\n`, the 32-byte salt, the SHA-256 of the rest (a damaged file
//! is ignored whole: a flipped byte could otherwise decode to another valid tree), then entries
//! of a 32-byte key, a little-endian `u32` length and that many bytes.

use crate::ast::Document;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

const MAGIC: &[u8] = b"skillc-parse-cache 1\n";
/// A project's cache file not written for this long is removed (by any save in the directory).
const MAX_AGE_DAYS: u64 = 30;
/// The code that decides what a cached tree is: any edit to it invalidates every cache.
const TREE_SOURCES: &[&str] = &[
    include_str!("ast/mod.rs"),
    include_str!("ast/action.rs"),
    include_str!("ast/common.rs"),
    include_str!("ast/family.rs"),
    include_str!("ast/policy.rs"),
    include_str!("ast/service.rs"),
    include_str!("ast/shapes.rs"),
    include_str!("ast/skill.rs"),
    include_str!("sp.rs"),
    include_str!("yaml/mod.rs"),
    include_str!("yaml/spans.rs"),
    include_str!("cache.rs"),
];
/// Cache files larger than this are ignored (and replaced).
const MAX_CACHE_BYTES: u64 = 512 * 1024 * 1024;

type Key = [u8; 32];

/// A project's parse cache; shared by the parsing threads.
#[derive(Debug)]
pub struct ParseCache {
    file: PathBuf,
    salt: Key,
    /// Entries read from the cache file: key → encoded document.
    stored: HashMap<Key, Vec<u8>>,
    /// Keys of the stored entries this run used.
    used: Mutex<Vec<Key>>,
    /// Entries this run added.
    added: Mutex<Vec<(Key, Vec<u8>)>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl ParseCache {
    /// The cache of the project made of `paths`, kept in `dir`. A missing, unreadable or
    /// foreign cache file gives an empty cache.
    pub fn open(dir: &Path, paths: &[PathBuf]) -> Self {
        let mut project = Sha256::new();
        for p in paths {
            let abs = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
            project.update(abs.to_string_lossy().as_bytes());
            project.update([0]);
        }
        let name = project.finalize()[..12]
            .iter()
            .fold(String::new(), |mut hex, b| {
                use std::fmt::Write as _;
                let _ = write!(hex, "{b:02x}");
                hex
            });
        let mut salt = Sha256::new();
        salt.update(env!("CARGO_PKG_VERSION").as_bytes());
        salt.update([0]);
        for source in TREE_SOURCES {
            salt.update((source.len() as u64).to_le_bytes());
            salt.update(source.as_bytes());
        }
        let salt: Key = salt.finalize().into();
        let file = dir.join(format!("parse-{name}.bin"));
        let stored = read_entries(&file, &salt).unwrap_or_default();
        Self {
            file,
            salt,
            stored,
            used: Mutex::new(Vec::new()),
            added: Mutex::new(Vec::new()),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        }
    }

    /// The key of a file's text.
    pub(crate) fn key(&self, text: &str) -> Key {
        let mut h = Sha256::new();
        h.update(self.salt);
        h.update(text.as_bytes());
        h.finalize().into()
    }

    /// The cached document of the text with `key`, if any.
    pub(crate) fn get(&self, key: &Key) -> Option<Document> {
        let Some(bytes) = self.stored.get(key) else {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        let Ok(doc) = crate::yaml::decoding_cached(|| rmp_serde::from_slice::<Document>(bytes))
        else {
            self.misses.fetch_add(1, Ordering::Relaxed);
            return None;
        };
        self.hits.fetch_add(1, Ordering::Relaxed);
        lock(&self.used).push(*key);
        Some(doc)
    }

    /// Records the document parsed from the text with `key`.
    pub(crate) fn put(&self, key: Key, doc: &Document) {
        if let Ok(bytes) = rmp_serde::to_vec(doc) {
            lock(&self.added).push((key, bytes));
        }
    }

    /// (hits, misses) so far.
    pub fn stats(&self) -> (usize, usize) {
        (
            self.hits.load(Ordering::Relaxed),
            self.misses.load(Ordering::Relaxed),
        )
    }

    /// Writes the entries this run used, unless the file already holds exactly those. Errors
    /// are returned for the caller to ignore or report: a cache never fails a check.
    pub fn save(&self) -> std::io::Result<()> {
        let added = std::mem::take(&mut *lock(&self.added));
        let mut used: Vec<(Key, &[u8])> = lock(&self.used)
            .iter()
            .filter_map(|k| self.stored.get(k).map(|b| (*k, b.as_slice())))
            .collect();
        used.sort_by_key(|a| a.0);
        used.dedup_by(|a, b| a.0 == b.0);
        if added.is_empty() && used.len() == self.stored.len() {
            return Ok(()); // the file holds exactly what this run used
        }
        // A fresh entry replaces a stored one with the same key (which did not decode): the
        // sort is stable and `dedup` keeps the first.
        let mut used: Vec<(Key, &[u8])> = added
            .iter()
            .map(|(k, b)| (*k, b.as_slice()))
            .chain(used)
            .collect();
        used.sort_by_key(|a| a.0);
        used.dedup_by(|a, b| a.0 == b.0);
        let dir = self.file.parent().unwrap_or_else(|| Path::new("."));
        create_private_dir(dir)?;
        let mut body = Vec::with_capacity(used.iter().map(|(_, b)| b.len() + 36).sum());
        for (key, bytes) in &used {
            let Ok(len) = u32::try_from(bytes.len()) else {
                continue;
            };
            body.extend_from_slice(key);
            body.extend_from_slice(&len.to_le_bytes());
            body.extend_from_slice(bytes);
        }
        let mut out = Vec::with_capacity(MAGIC.len() + 64 + body.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.salt);
        out.extend_from_slice(&Sha256::digest(&body));
        out.extend_from_slice(&body);
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            self.file
                .file_name()
                .map_or_else(Default::default, |n| n.to_string_lossy()),
            std::process::id()
        ));
        let written = write_private(&tmp, &out).and_then(|()| std::fs::rename(&tmp, &self.file));
        if written.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        remove_stale(dir, &self.file);
        written
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes other projects' cache files (and leftover temporary files) in `dir` that were not
/// written for [`MAX_AGE_DAYS`].
fn remove_stale(dir: &Path, keep: &Path) {
    let max_age = std::time::Duration::from_secs(MAX_AGE_DAYS * 86_400);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        let ours = (name.starts_with("parse-") && name.ends_with(".bin"))
            || (name.starts_with(".parse-") && name.ends_with(".tmp"));
        let path = e.path();
        if !ours || path == keep {
            continue;
        }
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > max_age);
        if old {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// The entries of a cache file made with `salt`; `None` for anything else.
fn read_entries(file: &Path, salt: &Key) -> Option<HashMap<Key, Vec<u8>>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    std::fs::File::open(file)
        .ok()?
        .take(MAX_CACHE_BYTES + 1)
        .read_to_end(&mut bytes)
        .ok()?;
    if bytes.len() as u64 > MAX_CACHE_BYTES {
        return None;
    }
    let rest = bytes.strip_prefix(MAGIC)?;
    let (file_salt, rest) = rest.split_at_checked(32)?;
    let (digest, mut rest) = rest.split_at_checked(32)?;
    if file_salt != salt || digest != Sha256::digest(rest).as_slice() {
        return None;
    }
    let mut entries = HashMap::new();
    while !rest.is_empty() {
        let (key, tail) = rest.split_at_checked(32)?;
        let (len, tail) = tail.split_at_checked(4)?;
        let len = usize::try_from(u32::from_le_bytes(len.try_into().ok()?)).ok()?;
        let (entry, tail) = tail.split_at_checked(len)?;
        entries.insert(key.try_into().ok()?, entry.to_vec());
        rest = tail;
    }
    Some(entries)
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    // No fsync: a cache file lost to a crash is a miss, and the rename keeps it whole or absent.
    f.write_all(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Document {
        let mut sources = skillc_diagnostics::SourceMap::new();
        let id = sources.add("f.yaml", text);
        crate::parse_document(sources.get(id).expect("source"), id).expect("parses")
    }

    /// Every YAML file of the shipped families and examples comes back from the cache as the
    /// tree the parser made, spans included.
    #[test]
    fn documents_round_trip() {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let mut files = Vec::new();
        let mut dirs = vec![repo.join("skills"), repo.join("examples")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).expect("dir").flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "yaml") {
                    files.push(p);
                }
            }
        }
        assert!(files.len() > 40, "{}", files.len());
        let mut round_tripped = 0;
        for f in files {
            let text = std::fs::read_to_string(&f).expect("read");
            let mut sources = skillc_diagnostics::SourceMap::new();
            let id = sources.add("f.yaml", text.as_str());
            let Ok(doc) = crate::parse_document(sources.get(id).expect("source"), id) else {
                continue; // a broken example
            };
            let bytes = rmp_serde::to_vec(&doc).expect("encode");
            let back = crate::yaml::decoding_cached(|| rmp_serde::from_slice::<Document>(&bytes))
                .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
            assert_eq!(format!("{back:?}"), format!("{doc:?}"), "{}", f.display());
            round_tripped += 1;
        }
        assert!(round_tripped > 40, "{round_tripped}");
    }

    /// Every two-form value (`OneOrMany`, `ScalarOrMap`, `MapOrList`) in both forms: the parser
    /// keeps the spans of the inner nodes, and the cache gives back the same tree.
    #[test]
    fn two_form_values_keep_their_spans_and_round_trip() {
        let text = "services:
  a:
    description: d
    layer: L1
    scope: session
    run:
      program: /x
      session_types: [Aqua, System]
      keep_alive: { crashed: true, path_state: { /p: false } }
      mach_services: { m.one: true, m.two: { reset_at_close: true } }
      sockets:
        one: { service_name: 80, bonjour: [x, y] }
        many: [{ path_name: /s }, { service_name: http, bonjour: true }]
      associated_bundle_identifiers: org.example.App
  b:
    description: d
    layer: L1
    scope: session
    run:
      program: /x
      session_types: Background
      keep_alive: never
      associated_bundle_identifiers: [org.a, org.b]
";
        let mut sources = skillc_diagnostics::SourceMap::new();
        let id = sources.add("f.yaml", text);
        let doc = crate::parse_document(sources.get(id).expect("source"), id).expect("parses");
        let services = doc.services.as_ref().expect("services");
        let run_a = &services[0].value.run.value;
        let slice = |start: u32, end: u32| &text[start as usize..end as usize];
        let Some(crate::ast::OneOrMany::Many(types)) =
            run_a.session_types.as_ref().map(|t| &t.value)
        else {
            panic!("a list")
        };
        assert_eq!(slice(types[1].start, types[1].end), "System");
        let Some(crate::ast::ScalarOrMap::Map(c)) = run_a.keep_alive.as_ref().map(|k| &k.value)
        else {
            panic!("a map")
        };
        let crashed = c.crashed.as_ref().expect("crashed");
        assert_eq!(slice(crashed.start, crashed.end), "true");
        let sockets = run_a.sockets.as_ref().expect("sockets");
        let (name, many) = sockets.get_index(1).expect("many");
        assert_eq!(name.value, "many");
        let crate::ast::MapOrList::Many(list) = &many.value else {
            panic!("a list")
        };
        let path = list[0].value.path_name.as_ref().expect("path");
        assert_eq!(slice(path.start, path.end), "/s");
        let run_b = &services[1].value.run.value;
        assert!(matches!(
            run_b.session_types.as_ref().map(|t| &t.value),
            Some(crate::ast::OneOrMany::One(
                crate::ast::SessionType::Background
            ))
        ));

        let bytes = rmp_serde::to_vec(&doc).expect("encode");
        let back = crate::yaml::decoding_cached(|| rmp_serde::from_slice::<Document>(&bytes))
            .expect("decode");
        assert_eq!(format!("{back:?}"), format!("{doc:?}"));
    }

    #[test]
    fn a_wrong_shape_is_a_type_error_at_the_value() {
        for (value, shape) in [("[always]", "list"), ("{ crashed: 3 }", "boolean")] {
            let text = format!(
                "services:\n  a:\n    description: d\n    layer: L1\n    scope: session\n    run:\n      program: /x\n      keep_alive: {value}\n"
            );
            let mut sources = skillc_diagnostics::SourceMap::new();
            let id = sources.add("f.yaml", text.as_str());
            let d = *crate::parse_document(sources.get(id).expect("source"), id)
                .expect_err("a wrong shape");
            assert_eq!(d.code, "invalid-type", "{value}: {d:?}");
            assert!(
                d.message.contains(shape) || d.message.contains("expected"),
                "{value}: {}",
                d.message
            );
            let span = d.span.expect("span");
            assert!(
                span.start as usize >= text.find("keep_alive").expect("key"),
                "{value}: {span:?}"
            );
        }
    }

    #[test]
    fn hit_after_save_and_miss_after_change() {
        let dir = tempfile::tempdir().expect("tmp");
        let paths = [dir.path().to_path_buf()];
        let text = "services:\n  a:\n    description: x\n    layer: L1\n    scope: daemon\n    run: { program: /bin/a }\n";
        let cache = ParseCache::open(dir.path(), &paths);
        let key = cache.key(text);
        assert!(cache.get(&key).is_none());
        cache.put(key, &parse(text));
        cache.save().expect("save");

        let cache = ParseCache::open(dir.path(), &paths);
        let doc = cache.get(&cache.key(text)).expect("hit");
        assert_eq!(format!("{doc:?}"), format!("{:?}", parse(text)));
        assert!(
            cache
                .get(&cache.key(&text.replace("/bin/a", "/bin/b")))
                .is_none()
        );
        assert_eq!(cache.stats(), (1, 1));
    }

    #[test]
    fn corrupt_or_truncated_files_are_empty_caches() {
        let dir = tempfile::tempdir().expect("tmp");
        let paths = [dir.path().to_path_buf()];
        let text = "actions: {}\n";
        let cache = ParseCache::open(dir.path(), &paths);
        cache.put(cache.key(text), &parse(text));
        cache.save().expect("save");
        let file = std::fs::read_dir(dir.path())
            .expect("dir")
            .flatten()
            .find(|e| e.file_name().to_string_lossy().starts_with("parse-"))
            .expect("cache file")
            .path();
        let good = std::fs::read(&file).expect("read");
        for bad in [
            good[..good.len() - 1].to_vec(),
            good[..MAGIC.len() + 10].to_vec(),
            b"garbage".to_vec(),
        ] {
            std::fs::write(&file, &bad).expect("write");
            let cache = ParseCache::open(dir.path(), &paths);
            assert!(cache.get(&cache.key(text)).is_none());
        }
        // An entry whose bytes do not decode is a miss, not a panic.
        let mut flipped = good.clone();
        let n = flipped.len();
        flipped[n - 2] ^= 0xff;
        flipped[n - 1] ^= 0xff;
        std::fs::write(&file, &flipped).expect("write");
        let cache = ParseCache::open(dir.path(), &paths);
        let key = cache.key(text);
        if cache.get(&key).is_none() {
            cache.put(key, &parse(text));
            cache.save().expect("save");
            let cache = ParseCache::open(dir.path(), &paths);
            assert!(
                cache.get(&key).is_some(),
                "the fresh entry replaced the bad one"
            );
        }
    }

    #[test]
    fn other_projects_caches_unused_for_a_month_are_removed() {
        let dir = tempfile::tempdir().expect("tmp");
        let old = dir.path().join("parse-0123456789abcdef01234567.bin");
        let recent = dir.path().join("parse-89abcdef0123456789abcdef.bin");
        let foreign = dir.path().join("notes.txt");
        for p in [&old, &recent, &foreign] {
            std::fs::write(p, "x").expect("write");
        }
        let month = std::time::Duration::from_secs((MAX_AGE_DAYS + 1) * 86_400);
        for p in [&old, &foreign] {
            std::fs::File::options()
                .write(true)
                .open(p)
                .expect("open")
                .set_modified(std::time::SystemTime::now() - month)
                .expect("mtime");
        }
        let cache = ParseCache::open(dir.path(), &[dir.path().to_path_buf()]);
        cache.put(cache.key("{}\n"), &Document::default());
        cache.save().expect("save");
        assert!(!old.exists(), "a month-old cache file is kept");
        assert!(recent.exists() && foreign.exists());
        // recent, foreign and this project's new file
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 3);
    }

    #[test]
    fn cache_file_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let sub = dir.path().join("c");
        let cache = ParseCache::open(&sub, &[dir.path().to_path_buf()]);
        cache.put(cache.key("{}\n"), &Document::default());
        cache.save().expect("save");
        let mode = |p: &Path| std::fs::metadata(p).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode(&sub), 0o700);
        for e in std::fs::read_dir(&sub).expect("dir").flatten() {
            assert_eq!(mode(&e.path()), 0o600, "{}", e.path().display());
        }
    }
}
