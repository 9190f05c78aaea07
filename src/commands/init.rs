//! `skillc init [DIR] [--name NAME]`: a repository scaffold that checks clean and builds.
//!
//! Writes the family `DIR/NAME/` (one service, one skill, a policy) and, at `DIR`, `skillc.toml`,
//! the JSON Schema the files point at and a pre-commit configuration. Nothing is overwritten: every file is created exclusively (never
//! through a symbolic link), and when one already exists nothing at all is written.

use crate::cli::InitArgs;
use crate::exit;
use std::io::Write as _;
use std::path::{Path, PathBuf};

const FAMILY: &str = include_str!("init/family.yaml");
const SERVICES: &str = include_str!("init/services.yaml");
const SKILL: &str = include_str!("init/skills/web-unhealthy.yaml");
const POLICY: &str = include_str!("init/policy.yaml");
const CONFIG: &str = include_str!("init/skillc.toml");
const PRE_COMMIT: &str = include_str!("init/pre-commit-config.yaml");

pub(crate) fn run(args: &InitArgs) -> u8 {
    let dir = &args.dir;
    let name = match args.name.clone().or_else(|| default_name(dir)) {
        Some(n) if is_id(&n) => n,
        Some(n) => {
            eprintln!(
                "skillc: error: `{n}` is not a family name (lowercase letters, digits and `-`, starting with a letter); pass --name"
            );
            return exit::USAGE;
        }
        None => {
            eprintln!(
                "skillc: error: cannot name the family after {}; pass --name",
                dir.display()
            );
            return exit::USAGE;
        }
    };
    let user = std::env::var("SUDO_USER")
        .or_else(|_| std::env::var("USER"))
        .ok()
        .filter(|u| is_id(u))
        .unwrap_or_else(|| "me".to_owned());
    let fill = |t: &str| {
        t.replace("@NAME@", &name)
            .replace("@PREFIX@", &format!("org.example.{name}"))
            .replace("@USER@", &user)
    };
    let files: Vec<(String, String)> = vec![
        (format!("{name}/family.yaml"), fill(FAMILY)),
        (format!("{name}/services.yaml"), fill(SERVICES)),
        (format!("{name}/skills/web-unhealthy.yaml"), fill(SKILL)),
        (format!("{name}/policy.yaml"), fill(POLICY)),
        ("skillc.toml".to_owned(), CONFIG.to_owned()),
        (
            super::schema::SCHEMA_FILE.to_owned(),
            skillc_syntax::json_schema_string(),
        ),
        (".pre-commit-config.yaml".to_owned(), fill(PRE_COMMIT)),
    ];
    let existing: Vec<PathBuf> = files
        .iter()
        .map(|(p, _)| dir.join(p))
        .filter(|p| std::fs::symlink_metadata(p).is_ok())
        .collect();
    if !existing.is_empty() {
        for p in &existing {
            eprintln!("skillc: error: {} exists; nothing was written", p.display());
        }
        return exit::USAGE;
    }
    let mut written = Vec::new();
    for (rel, text) in &files {
        let path = dir.join(rel);
        if let Err(e) = create_new(&path, text) {
            eprintln!("skillc: error: cannot write {}: {e}", path.display());
            for p in written.iter().rev() {
                let _ = std::fs::remove_file(p);
            }
            return exit::USAGE;
        }
        written.push(path);
    }
    println!(
        "skillc: created family `{name}` in {} ({} files). Next:\n  skillc check {0}\n  skillc build {0} --out build",
        dir.join(&name).display(),
        files.len()
    );
    exit::OK
}

/// Creates `path` (and its parent directories) holding `text`; fails when anything is there.
fn create_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// The directory's name, lowercased, as a family name.
fn default_name(dir: &Path) -> Option<String> {
    let abs = std::path::absolute(dir).ok()?;
    let base = abs.file_name()?.to_string_lossy().to_lowercase();
    let name: String = base
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    Some(name.trim_matches('-').to_owned())
}

/// Id syntax: a lowercase letter, then lowercase letters, digits and single `-`.
fn is_id(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.len() <= 64
}
