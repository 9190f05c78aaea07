//! `skillc.toml`: rule levels and the failure threshold, found by walking up from the checked paths.

use crate::registry;
use serde::Deserialize;
use skillc_diagnostics::{Severity, did_you_mean};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "skillc.toml";

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(rename = "fail-on")]
    fail_on: Option<FailOn>,
    rules: Option<BTreeMap<String, Level>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum FailOn {
    Error,
    Warning,
}

/// The configuration in force for a run.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Fail (exit 1) on warnings too.
    pub fail_on_warning: bool,
    pub levels: BTreeMap<String, Level>,
}

impl Config {
    /// The severity a finding of `rule` gets, or `None` when the rule is off.
    pub fn severity(&self, rule: &str, default: Severity) -> Option<Severity> {
        match self.levels.get(rule) {
            None => Some(default),
            Some(Level::Off) => None,
            Some(Level::Error) => Some(Severity::Error),
            Some(Level::Warning) => Some(Severity::Warning),
            Some(Level::Info) => Some(Severity::Info),
        }
    }
}

/// The nearest `skillc.toml` above the first path that has one (paths in the order given).
pub fn find(paths: &[PathBuf]) -> Option<PathBuf> {
    for p in paths {
        let start = std::fs::canonicalize(p).ok()?;
        let mut dir = if start.is_dir() {
            Some(start.as_path())
        } else {
            start.parent()
        };
        while let Some(d) = dir {
            let candidate = d.join(CONFIG_FILE);
            // Anything by that name counts (a directory is then an error, not silently skipped).
            if std::fs::symlink_metadata(&candidate).is_ok() {
                return Some(candidate);
            }
            dir = d.parent();
        }
    }
    None
}

/// Loads and validates a configuration file. Errors are usage errors (exit 2).
pub fn load(path: &Path) -> Result<Config, String> {
    if path.is_dir() {
        return Err(format!(
            "{}: is a directory, not a skillc configuration file",
            path.display()
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let file: File = toml::from_str(&text).map_err(|e| {
        let at = e.span().map(|s| {
            let line = text[..s.start].matches('\n').count() + 1;
            let col = s.start - text[..s.start].rfind('\n').map_or(0, |i| i + 1) + 1;
            format!(":{line}:{col}")
        });
        format!(
            "{}{}: {}",
            path.display(),
            at.unwrap_or_default(),
            e.message()
        )
    })?;
    let mut levels = BTreeMap::new();
    for (rule, level) in file.rules.unwrap_or_default() {
        let Some(info) = registry::find(&rule) else {
            let all = registry::all_rules();
            let hint = did_you_mean(&rule, all.iter().map(|r| r.id)).map_or_else(
                || " (`skillc explain --list` shows every rule)".to_owned(),
                |s| format!("; did you mean `{s}`?"),
            );
            return Err(format!(
                "{}: unknown rule `{rule}` in [rules]{hint}",
                path.display()
            ));
        };
        if !info.configurable && level != Level::Error {
            return Err(format!(
                "{}: rule `{rule}` reports input skillc cannot compile; its level cannot be changed",
                path.display()
            ));
        }
        levels.insert(rule, level);
    }
    Ok(Config {
        fail_on_warning: file.fail_on == Some(FailOn::Warning),
        levels,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join(CONFIG_FILE);
        std::fs::write(&path, text).expect("write");
        (dir, path)
    }

    #[test]
    fn reads_levels_and_fail_on() {
        let (_d, p) = write(
            "fail-on = \"warning\"\n[rules]\nlaunchd-raw-key = \"off\"\nlaunchd-throttle-too-low = \"error\"\n",
        );
        let c = load(&p).expect("valid");
        assert!(c.fail_on_warning);
        assert_eq!(c.severity("launchd-raw-key", Severity::Warning), None);
        assert_eq!(
            c.severity("launchd-throttle-too-low", Severity::Warning),
            Some(Severity::Error)
        );
        assert_eq!(
            c.severity("dependency-cycle", Severity::Error),
            Some(Severity::Error)
        );
    }

    #[test]
    fn unknown_keys_rules_and_locked_rules_are_errors() {
        let (_d, p) = write("fail_on = \"warning\"\n");
        let e = load(&p).expect_err("unknown key");
        assert!(e.contains(":1:1") && e.contains("fail_on"), "{e}");
        let (_d, p) = write("[rules]\nlaunchd-raw-ky = \"off\"\n");
        let e = load(&p).expect_err("unknown rule");
        assert!(e.contains("did you mean `launchd-raw-key`?"), "{e}");
        let (_d, p) = write("[rules]\nyaml-syntax = \"off\"\n");
        assert!(load(&p).expect_err("locked").contains("cannot be changed"));
        let (_d, p) = write("[rules]\nlaunchd-raw-key = \"loud\"\n");
        assert!(load(&p).is_err());
    }
}
