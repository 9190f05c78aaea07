//! Finding families on disk: a family is a directory holding `family.yaml`; its files are every
//! `*.yaml`/`*.yml` below it, skipping hidden directories and nested families.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// One family directory and the files that belong to it, `family.yaml` first, the rest sorted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FamilyDir {
    pub root: PathBuf,
    pub files: Vec<PathBuf>,
    /// Entries that could not be read while walking (path, reason).
    pub unreadable: Vec<(PathBuf, String)>,
    /// The files' texts when the family is held in memory (the standard library built into
    /// skillc, a family given by a library caller), in the order of `files`; `None` for a family
    /// read from disk.
    pub embedded: Option<Vec<std::sync::Arc<str>>>,
}

/// The families found under `paths`, sorted by root, each once. A path that is a file selects the
/// family it belongs to. Paths that do not exist or belong to no family are returned as errors
/// (usage errors: the caller exits 2).
pub fn discover(paths: &[PathBuf]) -> (Vec<FamilyDir>, Vec<String>) {
    let mut roots: Vec<PathBuf> = Vec::new();
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    let mut errors = Vec::new();
    for path in paths {
        let meta = match fs::metadata(path) {
            Ok(m) => m,
            Err(e) => {
                errors.push(format!("{}: {}", path.display(), io_reason(&e)));
                continue;
            }
        };
        let before = roots.len();
        let errors_before = errors.len();
        if meta.is_file() {
            if let Some(root) = enclosing_family(path) {
                push_root(root, &mut roots, &mut seen);
            }
        } else {
            let within = fs::canonicalize(path).unwrap_or_else(|_| path.clone());
            let mut walk = Walk {
                within: &within,
                roots: &mut roots,
                seen: &mut seen,
                visited: BTreeSet::new(),
                errors: &mut errors,
            };
            walk.find_roots(path);
        }
        if roots.len() == before && errors.len() == errors_before && !already_covered(path, &roots)
        {
            errors.push(format!(
                "{}: no skill family here (a family is a directory holding family.yaml)",
                path.display()
            ));
        }
    }
    let mut families: Vec<FamilyDir> = roots.into_iter().map(collect_family).collect();
    families.sort_by(|a, b| a.root.cmp(&b.root));
    (families, errors)
}

fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::InvalidFilename => "the path or a name in it is too long".to_owned(),
        std::io::ErrorKind::NotADirectory => "a part of the path is not a directory".to_owned(),
        _ => e.to_string(),
    }
}

/// Where a symbolic link at `link` leads when that is outside `root` (both canonical), else
/// `None`: the walk never leaves the directory it was asked to walk through a link.
fn leaves(link: &Path, root: &Path) -> Option<PathBuf> {
    if !fs::symlink_metadata(link).is_ok_and(|m| m.is_symlink()) {
        return None;
    }
    match fs::canonicalize(link) {
        Ok(target) if target.starts_with(root) => None,
        Ok(target) => Some(target),
        Err(_) => None,
    }
}

fn already_covered(path: &Path, roots: &[PathBuf]) -> bool {
    let Ok(canon) = fs::canonicalize(path) else {
        return false;
    };
    roots
        .iter()
        .filter_map(|r| fs::canonicalize(r).ok())
        .any(|r| canon.starts_with(&r) || r.starts_with(&canon))
}

fn push_root(root: PathBuf, roots: &mut Vec<PathBuf>, seen: &mut BTreeSet<PathBuf>) {
    let key = fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
    if seen.insert(key) {
        roots.push(root);
    }
}

fn is_hidden(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// The nearest ancestor directory (or the file's own directory) that holds `family.yaml`.
fn enclosing_family(file: &Path) -> Option<PathBuf> {
    let mut dir = file.parent().map(Path::to_path_buf);
    while let Some(d) = dir {
        let probe = if d.as_os_str().is_empty() {
            PathBuf::from("family.yaml")
        } else {
            d.join("family.yaml")
        };
        if probe.is_file() {
            return Some(if d.as_os_str().is_empty() {
                PathBuf::from(".")
            } else {
                d
            });
        }
        dir = d.parent().map(Path::to_path_buf);
    }
    None
}

/// The search for families under one path given on the command line.
struct Walk<'a> {
    /// The canonical path given: symbolic links that lead out of it are not followed.
    within: &'a Path,
    roots: &'a mut Vec<PathBuf>,
    seen: &'a mut BTreeSet<PathBuf>,
    visited: BTreeSet<PathBuf>,
    errors: &'a mut Vec<String>,
}

impl Walk<'_> {
    /// Records every family at or below `dir`, nested families too (each is its own family; the
    /// outer one does not take their files).
    fn find_roots(&mut self, dir: &Path) {
        let Ok(canon) = fs::canonicalize(dir) else {
            return;
        };
        if !self.visited.insert(canon) {
            return;
        }
        if dir.join("family.yaml").is_file() {
            push_root(dir.to_path_buf(), self.roots, self.seen);
        }
        let rd = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => {
                self.errors
                    .push(format!("{}: {}", dir.display(), io_reason(&e)));
                return;
            }
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for entry in entries {
            if is_hidden(&entry) || !entry.is_dir() || leaves(&entry, self.within).is_some() {
                continue;
            }
            self.find_roots(&entry);
        }
    }
}

fn collect_family(root: PathBuf) -> FamilyDir {
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    let mut visited = BTreeSet::new();
    let canon = fs::canonicalize(&root).unwrap_or_else(|_| root.clone());
    let mut walk = Collect {
        root: &root,
        canon: &canon,
        files: &mut files,
        unreadable: &mut unreadable,
        visited: &mut visited,
    };
    walk.collect_files(&root);
    let family_yaml = root.join("family.yaml");
    files.sort();
    files.retain(|f| f != &family_yaml);
    files.insert(0, family_yaml);
    FamilyDir {
        root,
        files,
        unreadable,
        embedded: None,
    }
}

/// The files of one family.
struct Collect<'a> {
    root: &'a Path,
    /// The family root, canonical: symbolic links that lead out of it are not followed.
    canon: &'a Path,
    files: &'a mut Vec<PathBuf>,
    unreadable: &'a mut Vec<(PathBuf, String)>,
    visited: &'a mut BTreeSet<PathBuf>,
}

impl Collect<'_> {
    fn collect_files(&mut self, dir: &Path) {
        match fs::canonicalize(dir) {
            Ok(canon) => {
                if !self.visited.insert(canon) {
                    self.unreadable.push((
                        dir.to_path_buf(),
                        "symbolic-link loop: this directory was already visited".to_owned(),
                    ));
                    return;
                }
            }
            Err(e) => {
                self.unreadable.push((dir.to_path_buf(), io_reason(&e)));
                return;
            }
        }
        let rd = match fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => {
                self.unreadable.push((dir.to_path_buf(), io_reason(&e)));
                return;
            }
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for entry in entries {
            if is_hidden(&entry) {
                continue;
            }
            let meta = match fs::metadata(&entry) {
                Ok(m) => m,
                Err(e) => {
                    if is_yaml(&entry) || fs::symlink_metadata(&entry).is_ok_and(|m| m.is_symlink())
                    {
                        self.unreadable.push((entry.clone(), io_reason(&e)));
                    }
                    continue;
                }
            };
            if (meta.is_dir() || is_yaml(&entry))
                && let Some(target) = leaves(&entry, self.canon)
            {
                self.unreadable.push((
                    entry,
                    format!(
                        "a symbolic link out of the family (to {}); not followed",
                        target.display()
                    ),
                ));
                continue;
            }
            if meta.is_dir() {
                if entry != self.root && entry.join("family.yaml").is_file() {
                    continue;
                }
                self.collect_files(&entry);
            } else if is_yaml(&entry) {
                if meta.is_file() {
                    self.files.push(entry);
                } else {
                    // A FIFO would block the read forever, a device would never end.
                    self.unreadable.push((
                        entry,
                        "not a regular file (a FIFO, socket or device)".to_owned(),
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(p: &Path) {
        fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        fs::write(p, "").expect("write");
    }

    #[test]
    fn finds_families_and_their_files_skipping_hidden_and_nested_ones_apart() {
        let tmp = tempfile::tempdir().expect("tmp");
        let t = tmp.path();
        touch(&t.join("a/family.yaml"));
        touch(&t.join("a/services/z.yaml"));
        touch(&t.join("a/b.yml"));
        touch(&t.join("a/notes.txt"));
        touch(&t.join("a/.hidden/x.yaml"));
        touch(&t.join("a/nested/family.yaml"));
        touch(&t.join("a/nested/n.yaml"));
        let (fams, errs) = discover(&[t.to_path_buf()]);
        assert!(errs.is_empty(), "{errs:?}");
        let roots: Vec<_> = fams.iter().map(|f| f.root.clone()).collect();
        // A family nested in another is a family of its own; the outer one does not take its files.
        assert_eq!(roots, vec![t.join("a"), t.join("a/nested")]);
        assert_eq!(
            fams[0].files,
            vec![
                t.join("a/family.yaml"),
                t.join("a/b.yml"),
                t.join("a/services/z.yaml")
            ]
        );
        assert_eq!(
            fams[1].files,
            vec![t.join("a/nested/family.yaml"), t.join("a/nested/n.yaml")]
        );
    }

    #[test]
    fn symbolic_links_out_of_a_family_are_reported_not_followed() {
        let tmp = tempfile::tempdir().expect("tmp");
        let t = tmp.path();
        touch(&t.join("fam/family.yaml"));
        touch(&t.join("fam/sub/in.yaml"));
        touch(&t.join("outside/secret.yaml"));
        touch(&t.join("fam/../sibling.yaml"));
        std::os::unix::fs::symlink("/", t.join("fam/root")).expect("symlink");
        std::os::unix::fs::symlink("..", t.join("fam/up")).expect("symlink");
        std::os::unix::fs::symlink(t.join("outside/secret.yaml"), t.join("fam/s.yaml"))
            .expect("symlink");
        // A link that stays inside the family is followed.
        std::os::unix::fs::symlink(t.join("fam/sub"), t.join("fam/alias")).expect("symlink");
        let (fams, errs) = discover(&[t.join("fam")]);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(fams.len(), 1);
        assert_eq!(
            fams[0].files,
            vec![t.join("fam/family.yaml"), t.join("fam/alias/in.yaml")]
        );
        let mut out: Vec<(PathBuf, bool)> = fams[0]
            .unreadable
            .iter()
            .map(|(p, why)| (p.clone(), why.contains("out of the family")))
            .collect();
        out.sort();
        assert_eq!(
            out,
            vec![
                (t.join("fam/root"), true),
                (t.join("fam/s.yaml"), true),
                (t.join("fam/sub"), false),
                (t.join("fam/up"), true),
            ],
            "{:?}",
            fams[0].unreadable
        );
    }

    #[test]
    fn searching_for_families_does_not_leave_the_path_through_a_link() {
        let tmp = tempfile::tempdir().expect("tmp");
        let t = tmp.path();
        touch(&t.join("elsewhere/fam/family.yaml"));
        touch(&t.join("repo/mine/family.yaml"));
        std::os::unix::fs::symlink(t.join("elsewhere"), t.join("repo/link")).expect("symlink");
        std::os::unix::fs::symlink("/", t.join("repo/root")).expect("symlink");
        let (fams, errs) = discover(&[t.join("repo")]);
        assert!(errs.is_empty(), "{errs:?}");
        let roots: Vec<_> = fams.iter().map(|f| f.root.clone()).collect();
        assert_eq!(roots, vec![t.join("repo/mine")]);
    }

    #[test]
    fn a_path_too_long_is_said_in_skillc_words() {
        let long = PathBuf::from(format!("/tmp/{}", "x".repeat(5000)));
        let (_, errs) = discover(&[long]);
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].ends_with("the path or a name in it is too long"),
            "{errs:?}"
        );
    }

    #[test]
    fn a_file_selects_its_family_and_missing_paths_are_errors() {
        let tmp = tempfile::tempdir().expect("tmp");
        let t = tmp.path();
        touch(&t.join("fam/family.yaml"));
        touch(&t.join("fam/s/x.yaml"));
        let (fams, errs) = discover(&[t.join("fam/s/x.yaml"), t.join("fam"), t.join("nope")]);
        assert_eq!(fams.len(), 1);
        assert_eq!(errs.len(), 1);
        assert!(errs[0].contains("no such file"), "{errs:?}");
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_reported_not_followed_forever() {
        let tmp = tempfile::tempdir().expect("tmp");
        let t = tmp.path();
        touch(&t.join("fam/family.yaml"));
        touch(&t.join("fam/sub/x.yaml"));
        std::os::unix::fs::symlink(t.join("fam/sub"), t.join("fam/sub/loop")).expect("symlink");
        let (fams, _) = discover(&[t.join("fam")]);
        assert_eq!(
            fams[0].files,
            vec![t.join("fam/family.yaml"), t.join("fam/sub/x.yaml")]
        );
        assert_eq!(fams[0].unreadable.len(), 1);
        assert!(fams[0].unreadable[0].1.contains("loop"));
    }
}
