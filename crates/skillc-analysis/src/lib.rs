//! Static analysis over the IR. Each rule lives in its own file under `rules/`; its doc comment
//! is its `skillc explain` page.

mod rules;

use skillc_diagnostics::{Diagnostic, RuleInfo};
use skillc_ir::Ir;

/// Every analysis rule, in report order.
pub fn rules() -> impl Iterator<Item = &'static RuleInfo> {
    rules::ALL.iter().map(|check| check.rule)
}

/// Runs every analysis rule over a fully lowered IR.
pub fn analyze(ir: &Ir) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    rules::run_all(ir, &mut out);
    out
}
