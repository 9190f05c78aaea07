//! load → lower → analyze, shared by every command that checks; timed per phase.

use crate::config::{self, Config};
use crate::{partial, registry, suppress};
use skillc_analysis::CheckedIr;
use skillc_diagnostics::{Diagnostic, RuleInfo, Severity, SourceMap, Span, Summary};
use skillc_ir::Ir;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Time spent in each phase.
#[derive(Debug, Default, Clone)]
pub struct Timings {
    /// Parse cache (hits, misses), when one was used.
    pub cache: Option<(usize, usize)>,
    pub load: Duration,
    pub lower: Duration,
    pub analyze: Duration,
    pub emit: Duration,
}

impl Timings {
    pub fn render(&self) -> String {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        let total = self.load + self.lower + self.analyze + self.emit;
        let cache = match self.cache {
            Some((hits, misses)) => format!(" (parse cache: {hits} hits, {misses} misses)"),
            None => String::new(),
        };
        format!(
            "skillc: timings: load {:.1} ms{cache}, lower {:.1} ms, analyze {:.1} ms, emit {:.1} ms, total {:.1} ms\n",
            ms(self.load),
            ms(self.lower),
            ms(self.analyze),
            ms(self.emit),
            ms(total)
        )
    }
}

/// The outcome of checking some paths.
#[derive(Debug)]
pub struct Checked {
    pub sources: SourceMap,
    /// The checked IR when lowering and analysis left no error, else the IR as lowered (with
    /// errors, analysis ran over its sound part: see [`Summary::not_analysed`]).
    pub ir: Result<CheckedIr, Box<Ir>>,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// Paths that do not exist or hold no family, a bad `skillc.toml`: usage errors (exit 2).
    pub usage_errors: Vec<String>,
    pub timings: Timings,
    pub config: Config,
    /// Imported families loaded from the repository or the standard library, and from where.
    pub imported: Vec<crate::imports::Found>,
}

impl Checked {
    /// The IR, checked or not.
    pub fn ir(&self) -> &Ir {
        match &self.ir {
            Ok(checked) => checked,
            Err(ir) => ir,
        }
    }

    /// Whether the build must refuse: any error-level finding.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Whether `check` fails: an error, or a warning under `fail-on = "warning"`.
    pub fn fails(&self) -> bool {
        self.has_errors()
            || self.config.fail_on_warning
                && self
                    .diagnostics
                    .iter()
                    .any(|d| d.severity == Severity::Warning)
    }
}

/// How a check runs; every field has a default, so a caller names only what it changes.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Whether parsed documents may come from the parse cache.
    pub cache: Cache,
    /// Run with only this rule enabled, as a rule's own tests do: of the findings of rules that
    /// configuration can turn off, only this rule's are kept (after suppressions). Input errors,
    /// which nothing turns off, are kept.
    pub only: Option<&'static RuleInfo>,
}

/// Whether a run may reuse parsed documents.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Cache {
    /// The parse cache (`$SKILLC_CACHE_DIR`, else the XDG or home cache directory), unless
    /// SKILLC_NO_CACHE=1.
    Use,
    /// Parse every file (`--no-cache`, and always for `build`: what it compiles comes from the
    /// sources alone). The default: a library caller's run reads its inputs and writes nothing.
    #[default]
    Off,
}

impl Cache {
    pub fn unless(no_cache: bool) -> Self {
        if no_cache { Self::Off } else { Self::Use }
    }
}

/// Where parse caches live: `$SKILLC_CACHE_DIR`, else `$XDG_CACHE_HOME/skillc`, else
/// `~/.cache/skillc`; `None` when SKILLC_NO_CACHE=1 or no home is known.
fn cache_dir() -> Option<PathBuf> {
    let set = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
    if set("SKILLC_NO_CACHE").is_some_and(|v| v != "0") {
        return None;
    }
    set("SKILLC_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| set("XDG_CACHE_HOME").map(|d| PathBuf::from(d).join("skillc")))
        .or_else(|| set("HOME").map(|d| PathBuf::from(d).join(".cache/skillc")))
        .filter(|d| d.is_absolute())
}

/// Loads, lowers and analyzes the families under `paths`, then applies `skillc.toml` and
/// suppression comments. Never fails: unreadable paths and a bad configuration are
/// [`Checked::usage_errors`].
pub fn check(paths: &[PathBuf], options: &CheckOptions) -> Checked {
    let mut timings = Timings::default();
    let (config, config_error) = match config::find(paths).map(|p| config::load(&p)) {
        None => (Config::default(), None),
        Some(Ok(c)) => (c, None),
        Some(Err(e)) => (Config::default(), Some(e)),
    };
    let t = Instant::now();
    let cache = match options.cache {
        Cache::Use => cache_dir().map(|dir| skillc_syntax::ParseCache::open(&dir, paths)),
        Cache::Off => None,
    };
    let mut loaded = skillc_syntax::load_paths_cached(paths, cache.as_ref());
    let first_dependency_file = loaded.sources.len();
    let imported = crate::imports::load_imports(paths, &mut loaded, cache.as_ref());
    if let Some(cache) = &cache {
        // A cache never fails a check: a cache that cannot be written is a slower next run.
        let _ = cache.save();
        timings.cache = Some(cache.stats());
    }
    timings.load = t.elapsed();
    if let Some(e) = config_error {
        loaded.path_errors.push(e);
    }
    let loads = Loads {
        loaded,
        first_dependency_file,
        imported,
        config,
        timings,
    };
    check_loaded(loads, options)
}

/// A family held in memory: its root (a name for messages, never read) and its files, as paths
/// relative to the root and their texts.
#[derive(Debug, Clone)]
pub struct MemoryFamily {
    pub root: PathBuf,
    pub files: Vec<(PathBuf, String)>,
}

/// [`check`] of one family held in memory, with the default configuration: nothing is read from
/// disk but the standard library's families (built into skillc) for its imports. For fuzzing and
/// for front ends that hold sources in memory.
pub fn check_memory(family: &MemoryFamily, options: &CheckOptions) -> Checked {
    let mut timings = Timings::default();
    let t = Instant::now();
    let dir = skillc_syntax::FamilyDir {
        root: family.root.clone(),
        files: family
            .files
            .iter()
            .map(|(p, _)| family.root.join(p))
            .collect(),
        unreadable: Vec::new(),
        embedded: Some(
            family
                .files
                .iter()
                .map(|(_, t)| t.as_str().into())
                .collect(),
        ),
    };
    let mut loaded = skillc_syntax::Loaded::default();
    skillc_syntax::load_dirs(&mut loaded, &[dir], None, false);
    let first_dependency_file = loaded.sources.len();
    let imported = crate::imports::load_stdlib_imports(&mut loaded);
    timings.load = t.elapsed();
    let loads = Loads {
        loaded,
        first_dependency_file,
        imported,
        config: Config::default(),
        timings,
    };
    check_loaded(loads, options)
}

/// What loading produced, for [`check_loaded`].
struct Loads {
    loaded: skillc_syntax::Loaded,
    /// Files from this one on were loaded for imports only.
    first_dependency_file: usize,
    imported: Vec<crate::imports::Found>,
    config: Config,
    timings: Timings,
}

fn check_loaded(loads: Loads, options: &CheckOptions) -> Checked {
    let Loads {
        loaded,
        first_dependency_file,
        imported,
        config,
        mut timings,
    } = loads;

    let t = Instant::now();
    let (ir, mut diagnostics) = skillc_ir::lower(&loaded);
    diagnostics.extend(loaded.diagnostics.iter().cloned());
    timings.lower = t.elapsed();

    // Analysis runs over what is sound: with errors, over the items that lowered without one and
    // depend on nothing that did not (see `partial`). The backends' codegen checks run beside the
    // analysis rules, each on its own thread.
    let t = Instant::now();
    let passes: &[skillc_analysis::Pass] =
        &[skillc_backend_scripts::check, skillc_backend_launchd::check];
    let whole = !diagnostics.iter().any(Diagnostic::is_error);
    let mut not_analysed = Vec::new();
    let analysis = if whole {
        let mut a = skillc_analysis::analyze(ir, passes);
        diagnostics.append(&mut a.diagnostics);
        Ok(a)
    } else {
        let mut part = partial::sound_part(&loaded.sources, &loaded.families, &diagnostics, &ir);
        if let Some(sound) = part.ir.take() {
            let a = skillc_analysis::analyze(sound, passes);
            diagnostics.extend(a.diagnostics.into_iter().filter(|d| part.keeps(d)));
        }
        not_analysed = part.not_analysed;
        Err(Box::new(ir))
    };
    timings.analyze = t.elapsed();

    let sources = loaded.sources;
    let families = loaded.families.iter().filter(|f| !f.dependency).count();
    // The syntax trees are done with, and every command exits soon after: the OS reclaims them
    // faster than freeing every node one by one.
    std::mem::forget(loaded.families);
    let (diagnostics, suppressed) =
        suppress::apply(&sources, diagnostics, &config, whole, first_dependency_file);
    let mut diagnostics = crate::imports::report_on_checked(diagnostics, first_dependency_file);
    // What the build may emit is decided on every remaining finding, before `only` narrows them.
    let ir = analysis.and_then(|a| a.certify(&diagnostics));
    if let Some(only) = options.only {
        diagnostics.retain(|d| {
            d.code == only.id || registry::find(d.code).is_none_or(|rule| !rule.configurable)
        });
    }
    point_at_keys(&sources, &mut diagnostics);
    sort(&sources, &mut diagnostics);
    let mut summary = summarize(&diagnostics, first_dependency_file, families);
    summary.suppressed = suppressed;
    summary.not_analysed = not_analysed;
    let usage_errors = loaded.path_errors;
    Checked {
        sources,
        ir,
        diagnostics,
        summary,
        usage_errors,
        timings,
        config,
        imported,
    }
}

fn summarize(diagnostics: &[Diagnostic], files: usize, families: usize) -> Summary {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    Summary {
        errors: count(Severity::Error),
        warnings: count(Severity::Warning),
        infos: count(Severity::Info),
        suppressed: 0,
        files,
        families,
        not_analysed: Vec::new(),
    }
}

/// A finding of lowering or analysis placed on a mapping points at the `{` of a flow mapping (a
/// default of `run: { ... }`, say) or at the first key of a block mapping: move it to the key that
/// owns the mapping, which names what the finding is about.
fn point_at_keys(sources: &SourceMap, diags: &mut [Diagnostic]) {
    let key_of = |span: Span| -> Option<Span> {
        let text: &str = &sources.get(span.file)?.text;
        let at = span.start as usize;
        if text.as_bytes().get(at) != Some(&b'{') {
            return block_owner(text, span);
        }
        let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let before = text[line_start..at].trim_end();
        let key = before.strip_suffix(':')?.trim_end();
        let word_start = key.rfind([' ', '{', ',', '[']).map_or(0, |i| i + 1);
        let word = key[word_start..].trim_matches(['"', '\'']);
        if word.is_empty() || word == "-" {
            return None;
        }
        let start = line_start + key[..word_start].len() + key[word_start..].find(word)?;
        Some(Span::new(span.file, start, start + word.len()))
    };
    for d in diags {
        // A wrong value found while reading is the value itself, braces and all.
        if skillc_syntax::rules::RULES.iter().any(|r| r.id == d.code) {
            continue;
        }
        if let Some(span) = d.span
            && let Some(key) = key_of(span)
        {
            d.span = Some(key);
        }
        for label in &mut d.labels {
            if let Some(key) = key_of(label.span) {
                label.span = key;
            }
        }
    }
}

/// The key owning the block mapping `span` covers: the mapping starts a line (after its
/// indentation) with `key:` and holds more than its first key; its owner is the nearest line above
/// with less indentation, which ends in `owner:`. A span on a key or a scalar is not a mapping.
fn block_owner(text: &str, span: Span) -> Option<Span> {
    let (at, end) = (span.start as usize, span.end as usize);
    let line_start = text[..at].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent = &text[line_start..at];
    if indent.is_empty() || indent.bytes().any(|b| b != b' ') {
        return None;
    }
    // A block mapping's span is empty (at its first key) or covers more than that key.
    let covered = if at == end {
        let line = &text[at..];
        &line[..line.find(['\n', '\r']).unwrap_or(line.len())]
    } else {
        text.get(at..end)?
    };
    let first_key = covered.find(':')?;
    let after = &covered[first_key + 1..];
    if !(after.is_empty() || after.starts_with([' ', '\n', '\r']))
        || covered[..first_key].contains('\n')
    {
        return None;
    }
    let mut line_end = line_start;
    while line_end > 0 {
        let prev_end = line_end - 1;
        let prev_start = text[..prev_end].rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let line = &text[prev_start..prev_end];
        line_end = prev_start;
        let trimmed = line.trim_start_matches(' ');
        if trimmed.trim().is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if line.len() - trimmed.len() >= indent.len() {
            return None;
        }
        let body = trimmed.split(" #").next()?.trim_end();
        let key = body.strip_suffix(':')?.trim_start_matches("- ").trim();
        let key = key.trim_matches(['"', '\'']);
        if key.is_empty() || key.contains(": ") {
            return None;
        }
        let start = prev_start + line.find(key)?;
        return Some(Span::new(span.file, start, start + key.len()));
    }
    None
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
