//! `skillc import PLIST... [--family NAME] [--out DIR]`: launchd property lists → a family.
//!
//! Nothing is written unless the whole family checks without an error and the round trip holds:
//! the YAML is checked in memory, each service's plist is built from it and compared with the
//! original key by key, and every difference must be one of the changes the importer recorded
//! (else it is a skillc bug, exit 3). The family directory is then written in a staging
//! directory beside it and renamed into place.

use crate::cli::{ImportArgs, ImportFormat, ImportLayer, ImportScope};
use crate::exit;
use crate::pipeline::{self, CheckOptions, MemoryFamily};
use serde_json::json;
use skillc_diagnostics::{Severity, render_short};
use skillc_import::{ChangeKind, Imported, Input, Options, Scope};
use std::collections::BTreeSet;
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Larger files are not launchd jobs (launchd itself refuses plists over a few MB).
const MAX_PLIST_BYTES: u64 = 4 * 1024 * 1024;

pub(crate) fn run(args: &ImportArgs) -> u8 {
    if !skillc_ir::is_id(&args.family) {
        eprintln!(
            "skillc: error: `{}` is not a family name (lowercase letters, digits and `-`, starting with a letter)",
            args.family
        );
        return exit::USAGE;
    }
    let (inputs, mut unreadable) = match collect(&args.paths) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("skillc: error: {e}");
            return exit::USAGE;
        }
    };
    if inputs.is_empty() && unreadable.is_empty() {
        eprintln!("skillc: error: no `*.plist` file found in the given paths");
        return exit::USAGE;
    }
    let options = Options {
        family: args.family.clone(),
        scope: args.scope.map(|s| match s {
            ImportScope::Daemon => Scope::Daemon,
            ImportScope::Session => Scope::Session,
        }),
        layer: match args.layer {
            ImportLayer::L1 => "L1",
            ImportLayer::L2 => "L2",
            ImportLayer::L3 => "L3",
        }
        .to_owned(),
        relabel: args.relabel.clone(),
    };
    // A job whose service does not check (a label launchd would refuse, a socket it could not
    // create) is refused with the findings, and the others are imported again without it.
    let family_dir = args.out.join(&args.family);
    let mut inputs = inputs;
    let mut not_checked = Vec::new();
    let (mut imported, verified) = loop {
        let imported = skillc_import::import(&inputs, &options);
        if imported.jobs.is_empty() {
            break (imported, None);
        }
        match verify(&imported, &family_dir) {
            Ok(v) => break (imported, Some(v)),
            Err(Failure::Findings(lines)) => {
                let mut bad = BTreeSet::new();
                for job in &imported.jobs {
                    let file = family_dir.join(&job.file).display().to_string();
                    let mine: Vec<&str> = lines
                        .iter()
                        .filter(|l| l.starts_with(&format!("{file}:")))
                        .map(|l| without_position(l.strip_prefix(&format!("{file}:")).unwrap_or(l)))
                        .collect();
                    if !mine.is_empty() {
                        bad.insert(job.source.clone());
                        not_checked.push(skillc_import::Refused {
                            source: job.source.clone(),
                            reason: format!("its service does not check: {}", mine.join("; ")),
                        });
                    }
                }
                if bad.is_empty() {
                    eprintln!("{}", lines.join("\n"));
                    eprintln!(
                        "skillc: internal error: the imported family does not check; nothing was written"
                    );
                    return exit::INTERNAL;
                }
                inputs.retain(|i| !bad.contains(&i.path));
            }
            Err(Failure::RoundTrip(text)) => {
                eprintln!("skillc: internal error: {text}; nothing was written");
                return exit::INTERNAL;
            }
        }
    };
    imported.refused.append(&mut unreadable);
    imported.refused.append(&mut not_checked);
    let warnings = verified.unwrap_or_default();

    let written = if args.dry_run || imported.jobs.is_empty() {
        false
    } else {
        if let Err(e) = write_family(&family_dir, &imported.files) {
            eprintln!("skillc: error: {e}; nothing was written");
            return exit::USAGE;
        }
        true
    };
    let summary = match args.format {
        ImportFormat::Human => human(&imported, &family_dir, &warnings, args.dry_run),
        ImportFormat::Json => {
            let mut s = serde_json::to_string_pretty(&json_summary(
                &imported,
                &family_dir,
                &warnings,
                written,
            ))
            .unwrap_or_default();
            s.push('\n');
            s
        }
    };
    if std::io::stdout().write_all(summary.as_bytes()).is_err() {
        return exit::USAGE;
    }
    if imported.refused.is_empty() {
        exit::OK
    } else {
        exit::FINDINGS
    }
}

/// `12:9: error: ...` → `error: ...`: the line is in YAML that was never written.
fn without_position(line: &str) -> &str {
    let mut rest = line;
    for _ in 0..2 {
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || !rest[digits..].starts_with(':') {
            return line;
        }
        rest = &rest[digits + 1..];
    }
    rest.trim_start()
}

/// The inputs: files as given, directories' `*.plist` files sorted by name. Files that cannot
/// be read are refused (reported, not fatal); a path that does not exist is a usage error.
fn collect(paths: &[PathBuf]) -> Result<(Vec<Input>, Vec<skillc_import::Refused>), String> {
    let mut files = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|f| f.extension().is_some_and(|x| x == "plist") && f.is_file())
                .collect();
            found.sort();
            files.extend(found);
        } else {
            files.push(p.clone());
        }
    }
    let mut inputs = Vec::new();
    let mut refused = Vec::new();
    let mut seen = BTreeSet::new();
    for f in files {
        if !seen.insert(f.clone()) {
            continue;
        }
        let path = f.display().to_string();
        let read = std::fs::metadata(&f).and_then(|m| {
            if m.len() > MAX_PLIST_BYTES {
                Err(std::io::Error::other(format!(
                    "larger than {} MiB: not a launchd job",
                    MAX_PLIST_BYTES >> 20
                )))
            } else {
                std::fs::read(&f)
            }
        });
        match read {
            Ok(bytes) => inputs.push(Input { path, bytes }),
            Err(e) => refused.push(skillc_import::Refused {
                source: path,
                reason: format!("cannot be read: {e}"),
            }),
        }
    }
    Ok((inputs, refused))
}

enum Failure {
    /// The errors, one `file:line:col: ...` line each.
    Findings(Vec<String>),
    RoundTrip(String),
}

/// A finding of the imported YAML: `file:line:col: severity: message [rule]`.
type Warning = String;

/// Checks the YAML in memory and compares every rebuilt plist with its original.
fn verify(imported: &Imported, family_dir: &Path) -> Result<Vec<Warning>, Failure> {
    let family = MemoryFamily {
        root: family_dir.to_path_buf(),
        files: imported
            .files
            .iter()
            .map(|(p, t)| (PathBuf::from(p), t.clone()))
            .collect(),
    };
    let checked = pipeline::check_memory(&family, &CheckOptions::default());
    let own: Vec<_> = checked
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .cloned()
        .collect();
    let Ok(ir) = &checked.ir else {
        let errors: Vec<_> = own.iter().filter(|d| d.is_error()).cloned().collect();
        let text = render_short(&checked.sources, &errors);
        return Err(Failure::Findings(text.lines().map(str::to_owned).collect()));
    };
    for job in &imported.jobs {
        let Some(id) = ir
            .service_ids()
            .find(|&s| ir.service(s).label.value == job.label)
        else {
            return Err(Failure::RoundTrip(format!(
                "the service of `{}` is missing from the checked family",
                job.label
            )));
        };
        let plist::Value::Dictionary(rebuilt) = skillc_backend_launchd::plist_value(ir, id) else {
            return Err(Failure::RoundTrip("a plist is not a dictionary".into()));
        };
        let changed: BTreeSet<&str> = job.changes.iter().map(|c| c.key.as_str()).collect();
        let keys: BTreeSet<&String> = job.original.keys().chain(rebuilt.keys()).collect();
        for key in keys {
            if job.original.get(key) != rebuilt.get(key) && !changed.contains(&key[..]) {
                return Err(Failure::RoundTrip(format!(
                    "importing {} changed `{key}` without saying so (original {:?}, built {:?})",
                    job.source,
                    job.original.get(key),
                    rebuilt.get(key)
                )));
            }
        }
    }
    let text = render_short(&checked.sources, &own);
    Ok(text.lines().map(str::to_owned).collect())
}

/// Writes the family into a staging directory beside `dir`, then renames it into place. `dir`
/// must not exist, or be an empty directory; files are created exclusively, never through a
/// symbolic link.
fn write_family(dir: &Path, files: &[(String, String)]) -> Result<(), String> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(format!("{}: {e}", dir.display())),
        Ok(m) if m.is_dir() && !m.file_type().is_symlink() => {
            let empty = std::fs::read_dir(dir)
                .map_err(|e| format!("{}: {e}", dir.display()))?
                .next()
                .is_none();
            if !empty {
                return Err(format!(
                    "{} exists and is not empty; choose another --out or --family",
                    dir.display()
                ));
            }
        }
        Ok(_) => {
            return Err(format!(
                "{} exists and is not a directory; choose another --out or --family",
                dir.display()
            ));
        }
    }
    let parent = dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let staging = parent.join(format!(".{name}.skillc-import-{}", std::process::id()));
    std::fs::create_dir(&staging).map_err(|e| format!("{}: {e}", staging.display()))?;
    let result = (|| {
        for (rel, text) in files {
            let path = staging.join(rel);
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)?;
            }
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&path)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
        }
        std::fs::rename(&staging, dir)
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_dir_all(&staging);
        format!("cannot write {}: {e}", dir.display())
    })
}

fn human(imported: &Imported, dir: &Path, warnings: &[Warning], dry_run: bool) -> String {
    let mut out = String::new();
    let n = imported.jobs.len();
    let verb = if dry_run { "would import" } else { "imported" };
    out.push_str(&format!(
        "skillc import: {verb} {n} job{} into {}\n",
        if n == 1 { "" } else { "s" },
        dir.display()
    ));
    if let Some(p) = &imported.label_prefix {
        out.push_str(&format!("  label_prefix: {p}\n"));
    }
    for job in &imported.jobs {
        out.push_str(&format!(
            "  {} ({}, {} plist) -> {} as {} (scope from {})\n",
            job.source,
            job.label,
            job.format.as_str(),
            job.file,
            job.scope.as_str(),
            job.scope_from
        ));
        for c in &job.changes {
            let tag = match c.kind {
                ChangeKind::Dropped => "not imported",
                ChangeKind::Replaced => "replaced",
                ChangeKind::Default => "default written",
                ChangeKind::Reshaped => "reshaped",
            };
            out.push_str(&format!("      {tag}: {}: {}\n", c.key, c.detail));
        }
    }
    if !imported.refused.is_empty() {
        out.push_str(&format!("  refused {}:\n", imported.refused.len()));
        for r in &imported.refused {
            out.push_str(&format!("    {}: {}\n", r.source, r.reason));
        }
    }
    if n > 0 {
        out.push_str(&format!(
            "  check: no error, {} warning{}\n",
            warnings.len(),
            if warnings.len() == 1 { "" } else { "s" }
        ));
        for w in warnings {
            out.push_str(&format!("    {w}\n"));
        }
        out.push_str("  round trip: `skillc build` writes every original key as it was, except the changes listed\n");
        out.push_str("  next: set each service's layer, add readiness, then `skillc check`\n");
    }
    out
}

fn json_summary(
    imported: &Imported,
    dir: &Path,
    warnings: &[Warning],
    written: bool,
) -> serde_json::Value {
    json!({
        "family_dir": dir.display().to_string(),
        "written": written,
        "label_prefix": imported.label_prefix,
        "jobs": imported.jobs.iter().map(|j| json!({
            "source": j.source,
            "format": j.format.as_str(),
            "label": j.label,
            "id": j.id,
            "file": j.file,
            "scope": j.scope.as_str(),
            "scope_from": j.scope_from,
            "changes": j.changes.iter().map(|c| json!({
                "key": c.key,
                "kind": c.kind.as_str(),
                "detail": c.detail,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "refused": imported.refused.iter().map(|r| json!({
            "source": r.source,
            "reason": r.reason,
        })).collect::<Vec<_>>(),
        "warnings": warnings,
    })
}
