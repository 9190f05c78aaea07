//! Rules about suppressions, reported after every stage has run.

mod suppression_reason;
mod unknown_rule;
mod unsuppressible_rule;
mod unused_suppression;

pub(crate) use suppression_reason::SUPPRESSION_REASON;
pub(crate) use unknown_rule::UNKNOWN_RULE;
pub(crate) use unsuppressible_rule::UNSUPPRESSIBLE_RULE;
pub(crate) use unused_suppression::UNUSED_SUPPRESSION;

pub(crate) const RULES: &[skillc_diagnostics::RuleInfo] = &[
    UNUSED_SUPPRESSION,
    UNKNOWN_RULE,
    UNSUPPRESSIBLE_RULE,
    SUPPRESSION_REASON,
];
