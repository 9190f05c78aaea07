//! The analyzer rules of the script backend, one per file; each file holds the rule's
//! `skillc explain` page and its check.

mod expr_unsupported;
mod mutating_action_without_guard;

pub use expr_unsupported::SCRIPT_EXPR_UNSUPPORTED;
pub use mutating_action_without_guard::MUTATING_ACTION_WITHOUT_GUARD;

use skillc_diagnostics::{Diagnostic, RuleInfo};
use skillc_ir::Ir;

/// Every rule of this backend, in report order.
pub const RULES: &[RuleInfo] = &[MUTATING_ACTION_WITHOUT_GUARD, SCRIPT_EXPR_UNSUPPORTED];

pub(crate) fn run_all(ir: &Ir, out: &mut Vec<Diagnostic>) {
    mutating_action_without_guard::check(ir, out);
    expr_unsupported::check(ir, out);
}
