//! The analyzer rules of the script backend, one per file; each file holds the rule's
//! `skillc explain` page and its check.

mod expr_unsupported;
mod mutating_action_without_guard;

use skillc_diagnostics::{Check, Diagnostic};
use skillc_ir::Ir;

/// A rule of this stage and the function that reports its findings.
pub(crate) type Rule = Check<fn(&Ir, &mut Vec<Diagnostic>)>;

/// Every rule of this backend, in report order.
pub(crate) const ALL: &[Rule] = &[
    Check::new(
        &mutating_action_without_guard::MUTATING_ACTION_WITHOUT_GUARD,
        mutating_action_without_guard::check,
    ),
    Check::new(
        &expr_unsupported::SCRIPT_EXPR_UNSUPPORTED,
        expr_unsupported::check,
    ),
];

pub(crate) fn run_all(ir: &Ir, out: &mut Vec<Diagnostic>) {
    for rule in ALL {
        (rule.run)(ir, out);
    }
}
