//! `skillc check`.

use crate::cli::{CheckArgs, Color, Format};
use crate::{exit, pipeline};
use skillc_diagnostics::{render_human, render_json, render_short};
use std::io::{IsTerminal, Write};

pub(crate) fn run(args: &CheckArgs) -> u8 {
    let checked = pipeline::check(&args.paths);
    if !checked.path_errors.is_empty() {
        for e in &checked.path_errors {
            eprintln!("skillc: error: {e}");
        }
        return exit::USAGE;
    }
    let out = match args.format {
        Format::Json => render_json(&checked.sources, &checked.diagnostics, &checked.summary),
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
        return exit::INTERNAL;
    }
    if checked.has_errors() {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn summary_line(s: &skillc_diagnostics::Summary) -> String {
    let scope = format!(
        "{} in {}",
        plural(s.files, "file"),
        plural(s.families, "family").replace("familys", "families")
    );
    if s.errors + s.warnings + s.infos == 0 {
        format!("skillc: no findings ({scope})\n")
    } else {
        format!(
            "skillc: {}, {}, {} ({scope})\n",
            plural(s.errors, "error"),
            plural(s.warnings, "warning"),
            plural(s.infos, "note")
        )
    }
}
