//! `skillc check`.

use crate::cli::{CheckArgs, Color, Format};
use crate::pipeline::Checked;
use crate::registry;
use crate::{exit, pipeline};
use skillc_diagnostics::{
    SarifTool, render_github, render_human, render_json, render_sarif, render_short,
};
use std::io::{IsTerminal, Write};

/// The project's public home, for SARIF's `informationUri` and rule `helpUri`s: none while
/// `Cargo.toml` names a host under `.invalid`, the TLD reserved never to resolve (RFC 2606).
fn home() -> Option<&'static str> {
    let repo = env!("CARGO_PKG_REPOSITORY");
    (!repo.is_empty() && !repo.contains(".invalid")).then_some(repo)
}

pub(crate) fn run(args: &CheckArgs) -> u8 {
    let checked = pipeline::check(
        &crate::cli::family_paths(&args.paths),
        &pipeline::CheckOptions {
            cache: pipeline::Cache::unless(args.no_cache),
            ..Default::default()
        },
    );
    if let Some(code) = report(args, &checked) {
        return code;
    }
    if args.timings {
        eprint!("{}", checked.timings.render());
    }
    let code = if checked.fails() {
        exit::FINDINGS
    } else {
        exit::OK
    };
    // The process exits next: leave the IR and sources to the OS instead of freeing them.
    std::mem::forget(checked);
    code
}

/// Prints the findings in the requested format. Returns an exit code when the run must stop
/// (usage errors, broken stdout).
pub(crate) fn report(args: &CheckArgs, checked: &Checked) -> Option<u8> {
    if !checked.usage_errors.is_empty() {
        for e in &checked.usage_errors {
            eprintln!("skillc: error: {e}");
        }
        return Some(exit::USAGE);
    }
    for found in checked.imported.iter().filter(|f| f.shadows_stdlib) {
        eprintln!("skillc: note: {}", found.describe());
    }
    let out = match args.format() {
        Format::Json => render_json(&checked.sources, &checked.diagnostics, &checked.summary),
        Format::Github => render_github(&checked.sources, &checked.diagnostics),
        Format::Sarif => render_sarif(
            &checked.sources,
            &checked.diagnostics,
            &registry::all_rules(),
            SarifTool {
                version: env!("CARGO_PKG_VERSION"),
                information_uri: home(),
                rules_base_uri: home()
                    .map(|_| concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules")),
            },
        ),
        Format::Short => render_short(&checked.sources, &checked.diagnostics),
        Format::Human => {
            let color = match args.color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            let mut s = render_human(&checked.sources, &checked.diagnostics, color, 100);
            s.push_str(&summary_line(&checked.summary));
            s
        }
    };
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(out.as_bytes())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return Some(exit::INTERNAL);
    }
    None
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn summary_line(s: &skillc_diagnostics::Summary) -> String {
    let scope = format!(
        "{} in {}",
        plural(s.files, "file", "files"),
        plural(s.families, "family", "families")
    );
    let suppressed = if s.suppressed > 0 {
        format!(", {} suppressed", s.suppressed)
    } else {
        String::new()
    };
    let mut line = if s.errors + s.warnings + s.infos == 0 {
        format!("skillc: no findings ({scope}{suppressed})\n")
    } else {
        format!(
            "skillc: {}, {}, {} ({scope}{suppressed})\n",
            plural(s.errors, "error", "errors"),
            plural(s.warnings, "warning", "warnings"),
            plural(s.infos, "note", "notes")
        )
    };
    line.push_str(&not_analysed(&s.not_analysed));
    line
}

/// Most items listed after the summary; the JSON summary lists every one.
const MAX_NOT_ANALYSED: usize = 20;

/// What the analysis rules did not run over, one line each.
fn not_analysed(items: &[skillc_diagnostics::NotAnalysed]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "skillc: analysis skipped {} (fix the errors above to analyse {}):\n",
        plural(items.len(), "part", "parts"),
        if items.len() == 1 { "it" } else { "them" }
    );
    for i in items.iter().take(MAX_NOT_ANALYSED) {
        let at = match (&i.file, i.line, i.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}: "),
            (Some(f), _, _) => format!("{f}: "),
            _ => String::new(),
        };
        out.push_str(&format!("  {at}{} `{}`: {}\n", i.kind, i.name, i.reason));
    }
    if items.len() > MAX_NOT_ANALYSED {
        out.push_str(&format!(
            "  and {} more (`--format json` lists every one)\n",
            items.len() - MAX_NOT_ANALYSED
        ));
    }
    out
}
