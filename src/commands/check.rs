//! `skillc check`.

use crate::cli::{CheckArgs, Color, Format};
use crate::pipeline::Checked;
use crate::registry;
use crate::{exit, pipeline};
use skillc_diagnostics::{
    SarifTool, render_github, render_human, render_json, render_sarif, render_short,
};
use std::io::{IsTerminal, Write};

pub(crate) fn run(args: &CheckArgs) -> u8 {
    let checked = pipeline::check(
        &args.paths,
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
                information_uri: env!("CARGO_PKG_REPOSITORY"),
                rules_base_uri: concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/rules"),
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
    if s.errors + s.warnings + s.infos == 0 {
        format!("skillc: no findings ({scope}{suppressed})\n")
    } else {
        format!(
            "skillc: {}, {}, {} ({scope}{suppressed})\n",
            plural(s.errors, "error", "errors"),
            plural(s.warnings, "warning", "warnings"),
            plural(s.infos, "note", "notes")
        )
    }
}
