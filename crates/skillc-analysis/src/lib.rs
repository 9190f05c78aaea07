//! Static analysis over the IR. Each rule lives in its own file under `rules/`; its doc comment
//! is its `skillc explain` page.

mod checked;
mod rules;

pub use checked::{Analysis, CheckedIr, Pass, analyze};

use skillc_diagnostics::RuleInfo;

/// Every analysis rule, in report order.
pub fn rules() -> impl Iterator<Item = &'static RuleInfo> {
    rules::ALL.iter().map(|check| check.rule)
}
