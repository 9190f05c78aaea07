//! load → lower → analyze, shared by every command that checks; timed per phase.

use crate::config::{self, Config};
use crate::suppress;
use skillc_diagnostics::{Diagnostic, Severity, SourceMap, Summary};
use skillc_ir::Ir;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Time spent in each phase.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Timings {
    pub(crate) load: Duration,
    pub(crate) lower: Duration,
    pub(crate) analyze: Duration,
    pub(crate) emit: Duration,
}

impl Timings {
    pub(crate) fn render(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let total = self.load + self.lower + self.analyze + self.emit;
        format!(
            "skillc: timings: load {:.1} ms, lower {:.1} ms, analyze {:.1} ms, emit {:.1} ms, total {:.1} ms\n",
            ms(self.load),
            ms(self.lower),
            ms(self.analyze),
            ms(self.emit),
            ms(total)
        )
    }
}

/// The outcome of checking some paths.
pub(crate) struct Checked {
    pub(crate) sources: SourceMap,
    pub(crate) ir: Ir,
    pub(crate) diagnostics: Vec<Diagnostic>,
    pub(crate) summary: Summary,
    /// Paths that do not exist or hold no family, a bad `skillc.toml`: usage errors (exit 2).
    pub(crate) usage_errors: Vec<String>,
    pub(crate) timings: Timings,
    pub(crate) config: Config,
}

impl Checked {
    /// Whether the build must refuse: any error-level finding.
    pub(crate) fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Whether `check` fails: an error, or a warning under `fail-on = "warning"`.
    pub(crate) fn fails(&self) -> bool {
        self.has_errors()
            || self.config.fail_on_warning
                && self
                    .diagnostics
                    .iter()
                    .any(|d| d.severity == Severity::Warning)
    }
}

pub(crate) fn check(paths: &[PathBuf]) -> Checked {
    let mut timings = Timings::default();
    let (config, config_error) = match config::find(paths).map(|p| config::load(&p)) {
        None => (Config::default(), None),
        Some(Ok(c)) => (c, None),
        Some(Err(e)) => (Config::default(), Some(e)),
    };
    let t = Instant::now();
    let loaded = skillc_syntax::load_paths(paths);
    timings.load = t.elapsed();

    let t = Instant::now();
    let (ir, mut diagnostics) = skillc_ir::lower(&loaded);
    diagnostics.extend(loaded.diagnostics.iter().cloned());
    timings.lower = t.elapsed();

    // Analysis needs a whole IR: with errors from earlier stages it would report their echoes.
    let t = Instant::now();
    let analyzed = !diagnostics.iter().any(Diagnostic::is_error);
    if analyzed {
        diagnostics.extend(skillc_analysis::analyze(&ir));
        diagnostics.extend(skillc_backend_launchd::check(&ir));
        diagnostics.extend(skillc_backend_scripts::check(&ir));
    }
    timings.analyze = t.elapsed();

    let sources = loaded.sources;
    let (mut diagnostics, suppressed) = suppress::apply(&sources, diagnostics, &config, analyzed);
    sort(&sources, &mut diagnostics);
    let mut summary = summarize(&diagnostics, sources.len(), loaded.families.len());
    summary.suppressed = suppressed;
    let mut usage_errors = loaded.path_errors;
    usage_errors.extend(config_error);
    Checked {
        sources,
        ir,
        diagnostics,
        summary,
        usage_errors,
        timings,
        config,
    }
}

pub(crate) fn summarize(diagnostics: &[Diagnostic], files: usize, families: usize) -> Summary {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    Summary {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        suppressed: 0,
        files,
        families,
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
