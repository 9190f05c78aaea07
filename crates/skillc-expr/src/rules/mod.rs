//! One file per rule; each doc comment is the rule's `skillc explain` page.

mod expr_arity;
mod expr_invalid_literal;
mod expr_syntax;
mod expr_type_mismatch;
mod expr_unknown_function;
mod expr_unknown_identifier;
mod expr_unknown_param;

pub(crate) use expr_arity::EXPR_ARITY;
pub(crate) use expr_invalid_literal::EXPR_INVALID_LITERAL;
pub(crate) use expr_syntax::EXPR_SYNTAX;
pub(crate) use expr_type_mismatch::EXPR_TYPE_MISMATCH;
pub(crate) use expr_unknown_function::EXPR_UNKNOWN_FUNCTION;
pub(crate) use expr_unknown_identifier::EXPR_UNKNOWN_IDENTIFIER;
pub(crate) use expr_unknown_param::EXPR_UNKNOWN_PARAM;

/// Every rule this crate reports.
pub(crate) const ALL: &[skillc_diagnostics::RuleInfo] = &[
    EXPR_SYNTAX,
    EXPR_INVALID_LITERAL,
    EXPR_UNKNOWN_IDENTIFIER,
    EXPR_UNKNOWN_FUNCTION,
    EXPR_ARITY,
    EXPR_TYPE_MISMATCH,
    EXPR_UNKNOWN_PARAM,
];
