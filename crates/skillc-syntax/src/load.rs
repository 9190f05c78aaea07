//! Reading the files of every family into a [`SourceMap`] and parsing them.

use crate::ParseCache;
use crate::ast::{Document, FamilyDecl};
use crate::discover::{FamilyDir, discover};
use crate::{BrokenItem, Recovered, Sp, rules, yaml};
use skillc_diagnostics::{Diagnostic, FileId, SourceMap, Span, parallel};
use std::fs;
use std::path::{Path, PathBuf};

/// Files larger than this are refused (`file-too-large`).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// One file that parsed.
#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub file: FileId,
    pub doc: Document,
}

/// One family: its `family:` section (when `family.yaml` parsed and held one) and its files.
#[derive(Debug, Clone)]
pub struct LoadedFamily {
    pub root: PathBuf,
    pub family_file: FileId,
    pub decl: Option<Sp<FamilyDecl>>,
    pub files: Vec<ParsedFile>,
    /// Files that did not parse at all (their diagnostics are in [`Loaded::diagnostics`]).
    pub broken_files: usize,
    /// Items left out of files that parsed in part: they had errors (in
    /// [`Loaded::diagnostics`]). A reference to one of them is not "unknown".
    pub lost: Vec<Lost>,
    /// Loaded only because a checked family imports it (from the repository or skillc's standard
    /// library): its services are not built and its findings are not reported.
    pub dependency: bool,
}

/// An item left out of a file because it had an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lost {
    pub file: FileId,
    pub broken: crate::Broken,
}

/// Everything read in one run.
#[derive(Debug, Default)]
pub struct Loaded {
    pub sources: SourceMap,
    pub families: Vec<LoadedFamily>,
    pub diagnostics: Vec<Diagnostic>,
    /// Paths that do not exist or hold no family: usage errors.
    pub path_errors: Vec<String>,
}

/// Finds and reads every family under `paths`. Files are read in order, parsed in parallel (one
/// thread per core: parsing dominates a check), and assembled in order, so the result does not
/// depend on scheduling.
pub fn load_paths(paths: &[PathBuf]) -> Loaded {
    load_paths_cached(paths, None)
}

/// [`load_paths`], taking documents from `cache` where it has them and adding the others.
pub fn load_paths_cached(paths: &[PathBuf], cache: Option<&ParseCache>) -> Loaded {
    let (dirs, path_errors) = discover(paths);
    let mut loaded = Loaded {
        path_errors,
        ..Loaded::default()
    };
    load_dirs(&mut loaded, &dirs, cache, false);
    loaded
}

/// Reads and parses the families `dirs` into `loaded`, after those it already holds; `dependency`
/// marks them as loaded only for a checked family's imports.
pub fn load_dirs(
    loaded: &mut Loaded,
    dirs: &[FamilyDir],
    cache: Option<&ParseCache>,
    dependency: bool,
) {
    let read: Vec<Vec<(FileId, bool)>> = dirs
        .iter()
        .map(|dir| match &dir.embedded {
            Some(texts) => dir
                .files
                .iter()
                .zip(texts)
                .map(|(path, text)| (loaded.sources.add(display(path), text.clone()), true))
                .collect(),
            None => dir
                .files
                .iter()
                .map(|path| read_source(path, &mut loaded.sources, &mut loaded.diagnostics))
                .collect(),
        })
        .collect();
    let wanted: Vec<FileId> = read
        .iter()
        .flatten()
        .filter(|(_, ok)| *ok)
        .map(|(id, _)| *id)
        .collect();
    let mut parsed = parse_all(&loaded.sources, &wanted, cache);
    for (dir, files) in dirs.iter().zip(read) {
        let mut fam = assemble_family(
            dir,
            &files,
            &mut parsed,
            &mut loaded.sources,
            &mut loaded.diagnostics,
        );
        fam.dependency = dependency;
        loaded.families.push(fam);
    }
}

type Parsed = Result<Document, Box<Recovered>>;

/// Parses `files` on every core; the result is indexed by `FileId`.
fn parse_all(
    sources: &SourceMap,
    files: &[FileId],
    cache: Option<&ParseCache>,
) -> Vec<Option<Parsed>> {
    let mut out: Vec<Option<Parsed>> = (0..sources.len()).map(|_| None).collect();
    let parse = |&id: &FileId| {
        sources
            .get(id)
            .map(|source| (id, parse_one(source, id, cache)))
    };
    let parsed = parallel::map(files, parallel::Options::new(2), parse);
    for (id, r) in parsed.into_iter().flatten() {
        out[id.0 as usize] = Some(r);
    }
    out
}

fn parse_one(
    source: &skillc_diagnostics::SourceFile,
    id: FileId,
    cache: Option<&ParseCache>,
) -> Parsed {
    let Some(cache) = cache else {
        return yaml::parse_document_all(source, id);
    };
    let key = cache.key(&source.text);
    if let Some(doc) = cache.get(&key) {
        return Ok(doc);
    }
    let parsed = yaml::parse_document_all(source, id);
    if let Ok(doc) = &parsed {
        cache.put(key, doc);
    }
    parsed
}

fn display(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

/// Reads at most [`MAX_FILE_BYTES`] + 1 bytes, so the limit holds even when the reported size is
/// wrong (special files, files growing while read).
fn read_bounded(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut bytes = Vec::new();
    fs::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than the {MAX_FILE_BYTES}-byte limit"
        )));
    }
    Ok(bytes)
}

/// Reads a file into the source map; returns `None` (with a diagnostic) when it cannot be used.
fn read_source(
    path: &Path,
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> (FileId, bool) {
    let size = fs::metadata(path).map_or(0, |m| m.len());
    if size > MAX_FILE_BYTES {
        let id = sources.add(display(path), "");
        diags.push(
            rules::FILE_TOO_LARGE
                .finding(format!(
                    "file is {size} bytes; the limit is {MAX_FILE_BYTES}"
                ))
                .at(Span::file_start(id), "")
                .with_help("split the file; skill files are small"),
        );
        return (id, false);
    }
    match read_bounded(path) {
        Err(e) => {
            let id = sources.add(display(path), "");
            diags.push(
                rules::READ_ERROR
                    .finding(format!("cannot read file: {e}"))
                    .at(Span::file_start(id), "")
                    .with_help("fix the file's permissions, or remove it from the family"),
            );
            (id, false)
        }
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => {
                if let Some(nul) = text.find('\0') {
                    let id = sources.add(display(path), text);
                    diags.push(
                        rules::INVALID_UTF8
                            .finding("file holds a NUL byte")
                            .at(Span::new(id, nul, nul + 1), "NUL byte here")
                            .with_help("skill files are text; remove the NUL byte"),
                    );
                    return (id, false);
                }
                (sources.add(display(path), text), true)
            }
            Err(e) => {
                let bad = e.utf8_error().valid_up_to();
                let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
                let id = sources.add(display(path), text);
                diags.push(
                    rules::INVALID_UTF8
                        .finding("file is not valid UTF-8")
                        .at(Span::new(id, bad, bad + 1), "invalid byte here")
                        .with_help("re-encode the file as UTF-8"),
                );
                (id, false)
            }
        },
    }
}

fn assemble_family(
    dir: &FamilyDir,
    files: &[(FileId, bool)],
    parsed: &mut [Option<Parsed>],
    sources: &mut SourceMap,
    diags: &mut Vec<Diagnostic>,
) -> LoadedFamily {
    let mut family = LoadedFamily {
        root: dir.root.clone(),
        family_file: FileId(0),
        decl: None,
        files: Vec::new(),
        broken_files: 0,
        lost: Vec::new(),
        dependency: false,
    };
    for (i, &(id, readable)) in files.iter().enumerate() {
        let is_family_yaml = i == 0;
        if is_family_yaml {
            family.family_file = id;
        }
        let result = if readable {
            parsed[id.0 as usize].take()
        } else {
            None
        };
        let Some(result) = result else {
            family.broken_files += 1;
            continue;
        };
        let (mut doc, family_broken) = match result {
            Ok(doc) => (doc, false),
            Err(rec) => {
                let rec = *rec;
                diags.extend(rec.diagnostics);
                let Some(doc) = rec.doc else {
                    family.broken_files += 1;
                    continue;
                };
                let family_broken = rec.broken.iter().any(|b| b.item == BrokenItem::Family);
                family.lost.extend(
                    rec.broken
                        .into_iter()
                        .filter(|b| b.item != BrokenItem::Family)
                        .map(|broken| Lost { file: id, broken }),
                );
                (doc, family_broken)
            }
        };
        if is_family_yaml {
            family.decl = doc.family.take();
            if family.decl.is_none() && !family_broken {
                diags.push(
                    rules::MISSING_FAMILY_SECTION
                        .finding("family.yaml has no `family:` section")
                        .at(Span::file_start(id), "")
                        .with_help("add `family: { name, version, description }`"),
                );
            }
        } else if let Some(decl) = doc.family.take() {
            diags.push(
                rules::MISPLACED_FAMILY_SECTION
                    .finding("`family:` may appear only in family.yaml")
                    .at(decl.span(id), "")
                    .with_help(format!(
                        "move it to {}",
                        display(&dir.root.join("family.yaml"))
                    )),
            );
        }
        family.files.push(ParsedFile { file: id, doc });
    }
    for (path, reason) in &dir.unreadable {
        let id = sources.add(display(path), "");
        diags.push(
            rules::READ_ERROR
                .finding(format!("cannot read: {reason}"))
                .at(Span::file_start(id), "")
                .with_help("fix or remove the entry; the family is checked without it"),
        );
    }
    family
}
