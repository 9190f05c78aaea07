//! `skillc explain RULE`: the rule's page.

use crate::cli::ExplainArgs;
use crate::{exit, registry};
use skillc_diagnostics::did_you_mean;

pub(crate) fn run(args: &ExplainArgs) -> u8 {
    if args.list {
        for r in registry::all_rules() {
            println!(
                "{:<28} {:<8} {}",
                r.id,
                r.default_severity.as_str(),
                r.summary
            );
        }
        return exit::OK;
    }
    let id = args.rule.as_deref().unwrap_or_default();
    if let Some(rule) = registry::find(id) {
        print!("{}", rule.page());
        return exit::OK;
    }
    let all = registry::all_rules();
    match did_you_mean(id, all.iter().map(|r| r.id)) {
        Some(s) => eprintln!("skillc: error: unknown rule `{id}`; did you mean `{s}`?"),
        None => eprintln!(
            "skillc: error: unknown rule `{id}`; `skillc explain --list` shows every rule"
        ),
    }
    exit::USAGE
}
