//! Families that a checked family imports but the command line did not name. They are looked up,
//! in this order, among the families of the repository (the directory holding the nearest
//! `skillc.toml`, else the git work tree, else the directories beside the checked families) and
//! in skillc's standard library ([`crate::stdlib`]), and loaded as dependencies: their skills
//! apply to the checked services, their own services are not built, and only their errors are
//! reported. A family of the repository shadows the standard library's family of the same name.

use crate::stdlib;
use skillc_diagnostics::{Diagnostic, FileId, Label, SourceMap, Span};
use skillc_syntax::{FamilyDir, Loaded, ParseCache, discover, load_dirs};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Where an imported family was found; one line each, for the person running the check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub name: String,
    /// The directory, or `None` for the standard library.
    pub dir: Option<PathBuf>,
    /// The standard library has a family of this name that `dir` shadows.
    pub shadows_stdlib: bool,
}

impl Found {
    pub fn describe(&self) -> String {
        match (&self.dir, self.shadows_stdlib) {
            (None, _) => format!(
                "imported family `{}` is skillc {}'s standard library copy",
                self.name,
                env!("CARGO_PKG_VERSION")
            ),
            (Some(dir), false) => {
                format!(
                    "imported family `{}` is loaded from {}",
                    self.name,
                    dir.display()
                )
            }
            (Some(dir), true) => format!(
                "imported family `{}` is loaded from {}, not from skillc's standard library",
                self.name,
                dir.display()
            ),
        }
    }
}

/// Loads, as dependencies, every family that the families in `loaded` import (transitively) and
/// that it does not hold. Names found nowhere are left for lowering to report.
pub fn load_imports(
    paths: &[PathBuf],
    loaded: &mut Loaded,
    cache: Option<&ParseCache>,
) -> Vec<Found> {
    resolve(Some(paths), loaded, cache)
}

/// [`load_imports`] from the standard library only: for a family held in memory, which has no
/// repository around it.
pub fn load_stdlib_imports(loaded: &mut Loaded) -> Vec<Found> {
    resolve(None, loaded, None)
}

/// `paths` are the checked paths, whose repository is searched; `None` searches none.
fn resolve(
    paths: Option<&[PathBuf]>,
    loaded: &mut Loaded,
    cache: Option<&ParseCache>,
) -> Vec<Found> {
    let mut found = Vec::new();
    let mut repository: Option<BTreeMap<String, FamilyDir>> = None;
    let mut given_up: BTreeSet<String> = BTreeSet::new();
    loop {
        let have = names(loaded);
        let missing: BTreeSet<String> = loaded
            .families
            .iter()
            .filter_map(|f| f.decl.as_ref())
            .flat_map(|d| d.value.imports.iter().flatten())
            .map(|i| i.value.as_str().to_owned())
            .filter(|n| !have.contains(n) && !given_up.contains(n))
            .collect();
        if missing.is_empty() {
            break;
        }
        let repo = repository.get_or_insert_with(|| {
            paths.map_or_else(BTreeMap::new, |paths| repository_families(paths, loaded))
        });
        let mut dirs = Vec::new();
        for name in missing {
            let std_family = stdlib::FAMILIES.iter().find(|f| f.name == name);
            if let Some(dir) = repo.remove(&name) {
                found.push(Found {
                    name: name.clone(),
                    dir: Some(dir.root.clone()),
                    shadows_stdlib: std_family.is_some_and(|f| !same_files(&dir, f)),
                });
                dirs.push(dir);
            } else if let Some(family) = std_family {
                found.push(Found {
                    name: name.clone(),
                    dir: None,
                    shadows_stdlib: false,
                });
                dirs.push(embedded(family));
            }
            given_up.insert(name);
        }
        if dirs.is_empty() {
            break;
        }
        load_dirs(loaded, &dirs, cache, true);
    }
    found
}

/// Whether `dir` holds exactly the standard library family's files (a checkout of skillc itself,
/// or a vendored copy of this release): then which one is loaded makes no difference.
fn same_files(dir: &FamilyDir, family: &stdlib::StdFamily) -> bool {
    dir.files.len() == family.files.len()
        && family.files.iter().all(|(path, text)| {
            fs::read(dir.root.join(path)).is_ok_and(|bytes| bytes == text.as_bytes())
        })
}

fn names(loaded: &Loaded) -> BTreeSet<String> {
    loaded
        .families
        .iter()
        .filter_map(|f| f.decl.as_ref())
        .map(|d| d.value.name.value.as_str().to_owned())
        .collect()
}

/// The standard library family as a directory whose files are in memory.
fn embedded(family: &stdlib::StdFamily) -> FamilyDir {
    let root =
        PathBuf::from(format!("skillc:stdlib/{}", env!("CARGO_PKG_VERSION"))).join(family.name);
    FamilyDir {
        files: family
            .files
            .iter()
            .map(|(path, _)| root.join(path))
            .collect(),
        root,
        unreadable: Vec::new(),
        embedded: Some(
            family
                .files
                .iter()
                .map(|(_, text)| (*text).into())
                .collect(),
        ),
    }
}

/// Every family of the repository the checked paths are in, by the name its `family.yaml`
/// declares (the first by path when two declare the same name), except those already loaded.
fn repository_families(paths: &[PathBuf], loaded: &Loaded) -> BTreeMap<String, FamilyDir> {
    let loaded_roots: BTreeSet<PathBuf> =
        loaded.families.iter().map(|f| canonical(&f.root)).collect();
    let search: Vec<PathBuf> = match repository_root(paths) {
        Some(root) => vec![root],
        None => loaded
            .families
            .iter()
            .filter_map(|f| canonical(&f.root).parent().map(Path::to_path_buf))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    let mut roots = Vec::new();
    for dir in &search {
        family_roots(dir, 0, &mut roots);
    }
    // Shown as the user would type them: relative to the working directory when under it.
    let cwd = std::env::current_dir().ok().map(|d| canonical(&d));
    let roots = roots.into_iter().map(|root| match &cwd {
        Some(cwd) => root
            .strip_prefix(cwd)
            .ok()
            .filter(|rel| !rel.as_os_str().is_empty())
            .map_or(root.clone(), Path::to_path_buf),
        None => root,
    });
    let mut out = BTreeMap::new();
    for root in roots {
        if loaded_roots.contains(&canonical(&root)) {
            continue;
        }
        let Some(name) = declared_name(&root.join("family.yaml")) else {
            continue;
        };
        if out.contains_key(&name) {
            continue;
        }
        let (dirs, _) = discover(std::slice::from_ref(&root));
        if let Some(dir) = dirs.into_iter().find(|d| d.root == root) {
            out.insert(name, dir);
        }
    }
    out
}

/// Directories that are never searched for imported families: hidden ones and the usual build,
/// dependency and virtual-environment directories (as ruff's default `exclude`).
const SKIPPED: &[&str] = &[
    "target",
    "node_modules",
    "venv",
    "dist",
    "build",
    "_build",
    "__pypackages__",
    "buck-out",
];

/// How deep below the repository root a family may be.
const MAX_DEPTH: usize = 8;

/// Directories holding `family.yaml` under `dir`, sorted, never through a symbolic link.
fn family_roots(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if depth > MAX_DEPTH {
        return;
    }
    if fs::symlink_metadata(dir.join("family.yaml")).is_ok_and(|m| m.is_file()) {
        out.push(dir.to_path_buf());
    }
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    let mut subdirs: Vec<PathBuf> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            !name.starts_with('.') && !SKIPPED.contains(&name.as_ref())
        })
        .map(|e| e.path())
        .collect();
    subdirs.sort();
    for sub in subdirs {
        family_roots(&sub, depth + 1, out);
    }
}

fn canonical(p: &Path) -> PathBuf {
    fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// The directory holding the nearest `skillc.toml`, else the nearest git work tree, above the
/// first path.
fn repository_root(paths: &[PathBuf]) -> Option<PathBuf> {
    if let Some(config) = crate::config::find(paths) {
        return config.parent().map(Path::to_path_buf);
    }
    let start = canonical(paths.first()?);
    start
        .ancestors()
        .find(|d| fs::symlink_metadata(d.join(".git")).is_ok())
        .map(Path::to_path_buf)
}

/// The name a `family.yaml` declares, when it parses.
fn declared_name(path: &Path) -> Option<String> {
    let meta = fs::metadata(path).ok()?;
    if meta.len() > skillc_syntax::MAX_FILE_BYTES {
        return None;
    }
    let text = fs::read_to_string(path).ok()?;
    let mut sources = SourceMap::new();
    let id: FileId = sources.add(path.display().to_string(), text);
    let doc = skillc_syntax::parse_document(sources.get(id)?, id).ok()?;
    Some(doc.family?.value.name.value.as_str().to_owned())
}

/// What is reported of the dependencies (files from `first_dependency_file` on): a finding there
/// that also points into a checked file is moved to that place (the skill stays a related
/// location: the fix is the user's, e.g. a service without readiness); other findings there are
/// dropped unless they are errors, which would stop the build.
pub fn report_on_checked(
    diagnostics: Vec<Diagnostic>,
    first_dependency_file: usize,
) -> Vec<Diagnostic> {
    let checked = |s: &Span| (s.file.0 as usize) < first_dependency_file;
    diagnostics
        .into_iter()
        .filter_map(|mut d| {
            let Some(primary) = d.span else {
                return Some(d);
            };
            if checked(&primary) {
                return Some(d);
            }
            if let Some(i) = d.labels.iter().position(|l| checked(&l.span)) {
                let moved = d.labels.remove(i);
                d.labels.insert(
                    0,
                    Label {
                        span: primary,
                        message: d.label.take().unwrap_or_default(),
                    },
                );
                d.span = Some(moved.span);
                d.label = (!moved.message.is_empty()).then_some(moved.message);
                return Some(d);
            }
            d.is_error().then_some(d)
        })
        .collect()
}
