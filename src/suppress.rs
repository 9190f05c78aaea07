//! Applies `skillc.toml` levels and `# skillc: ignore[...]` comments to a run's findings.

use crate::config::{Config, Level};
use crate::registry;
use crate::rules::{SUPPRESSION_REASON, UNKNOWN_RULE, UNSUPPRESSIBLE_RULE, UNUSED_SUPPRESSION};
use skillc_diagnostics::{Diagnostic, SourceMap, did_you_mean};
use skillc_syntax::find_suppressions;

/// Returns the findings that remain and how many were suppressed by comments in the checked files
/// (those before `first_dependency_file`; imported families' own suppressions are not counted).
///
/// `analyzed` says whether every rule ran: when an error stopped the pipeline early, a
/// suppression may be unused only because its rule never ran, so none is reported unused.
pub fn apply(
    sources: &SourceMap,
    diagnostics: Vec<Diagnostic>,
    config: &Config,
    analyzed: bool,
    first_dependency_file: usize,
) -> (Vec<Diagnostic>, usize) {
    let mut kept: Vec<Diagnostic> = Vec::new();
    let suppressions = find_suppressions(sources);
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.rules.len()])
        .collect();
    let mut suppressed = 0;
    let mut extra = Vec::new();
    for (i, s) in suppressions.iter().enumerate() {
        if s.reason.is_none() {
            extra.push(
                SUPPRESSION_REASON
                    .finding("suppression without a reason")
                    .at(s.span, "say why this finding is acceptable")
                    .with_help(
                        "write the reason after the bracket: `# skillc: ignore[rule-id] reason`",
                    ),
            );
        }
        for (j, (rule, span)) in s.rules.iter().enumerate() {
            match registry::find(rule) {
                None => {
                    let all = registry::all_rules();
                    let help = did_you_mean(rule, all.iter().map(|r| r.id)).map_or_else(
                        || "`skillc explain --list` shows every rule".to_owned(),
                        |s| format!("did you mean `{s}`?"),
                    );
                    extra.push(
                        UNKNOWN_RULE
                            .finding(format!("unknown rule `{rule}` in a suppression"))
                            .at(*span, "no rule of this id")
                            .with_help(help),
                    );
                    used[i][j] = true;
                }
                Some(info) if !info.configurable => {
                    extra.push(
                        UNSUPPRESSIBLE_RULE
                            .finding(format!("rule `{rule}` cannot be suppressed"))
                            .at(*span, "not suppressible")
                            .with_help(
                                "it reports input skillc cannot compile; fix the input instead",
                            ),
                    );
                    used[i][j] = true;
                }
                Some(_) if config.levels.get(rule.as_str()) == Some(&Level::Off) => {
                    used[i][j] = true;
                }
                Some(_) => {}
            }
        }
    }
    for mut d in diagnostics {
        match config.severity(d.code, d.severity) {
            None => continue,
            Some(sev) => d.severity = sev,
        }
        let hit = d.span.and_then(|span| {
            let file = sources.get(span.file)?;
            let line = file.line_col(span.start).0;
            suppressions.iter().enumerate().find_map(|(i, s)| {
                let j = s.rules.iter().position(|(r, _)| r == d.code)?;
                (s.span.file == span.file && s.target_line == line && s.reason.is_some())
                    .then_some((i, j))
            })
        });
        match hit {
            Some((i, j)) if registry::find(d.code).is_some_and(|r| r.configurable) => {
                used[i][j] = true;
                if (suppressions[i].span.file.0 as usize) < first_dependency_file {
                    suppressed += 1;
                }
            }
            _ => kept.push(d),
        }
    }
    for (i, s) in suppressions.iter().enumerate() {
        if s.reason.is_none() || !analyzed {
            continue;
        }
        for (j, (rule, span)) in s.rules.iter().enumerate() {
            if !used[i][j] {
                let d = UNUSED_SUPPRESSION
                    .finding(format!("suppression of `{rule}` matches no finding"))
                    .at(*span, "nothing to suppress on the line it covers")
                    .with_help(
                        "remove it, or move it to the line of the finding (or just above it)",
                    );
                if let Some(sev) = config.severity(UNUSED_SUPPRESSION.id, d.severity) {
                    extra.push(Diagnostic { severity: sev, ..d });
                }
            }
        }
    }
    kept.extend(extra);
    (kept, suppressed)
}
