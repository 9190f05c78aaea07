//! load → lower → analyze, shared by every command that checks.

use skillc_diagnostics::{Diagnostic, Severity, SourceMap, Summary};
use std::path::PathBuf;

/// The outcome of checking some paths.
pub(crate) struct Checked {
    pub(crate) sources: SourceMap,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) summary: Summary,
    /// Paths that do not exist or hold no family (usage errors).
    pub(crate) path_errors: Vec<String>,
}

impl Checked {
    pub(crate) fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

pub(crate) fn check(paths: &[PathBuf]) -> Checked {
    let loaded = skillc_syntax::load_paths(paths);
    let (ir, mut diagnostics) = skillc_ir::lower(&loaded);
    diagnostics.extend(loaded.diagnostics.iter().cloned());
    // Analysis needs a whole IR: with errors from earlier stages it would report their echoes.
    if !diagnostics.iter().any(Diagnostic::is_error) {
        diagnostics.extend(skillc_analysis::analyze(&ir));
    }
    let sources = loaded.sources;
    sort(&sources, &mut diagnostics);
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    let summary = Summary {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        suppressed: 0,
        files: sources.len(),
        families: loaded.families.len(),
    };
    Checked {
        sources,
        diagnostics,
        summary,
        path_errors: loaded.path_errors,
    }
}

/// Sorted by file, line, column, code; identical findings once.
fn sort(sources: &SourceMap, diags: &mut Vec<Diagnostic>) {
    let key = |d: &Diagnostic| {
        let (path, start) = match d.span {
            Some(s) => (sources.path(s.file).to_owned(), s.start),
            None => (String::new(), 0),
        };
        (path, start, d.code, d.message.clone())
    };
    diags.sort_by_cached_key(key);
    diags.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
}
