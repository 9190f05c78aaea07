//! The skillc expression language.
//!
//! Expressions live in single-line YAML scalars (`readiness.probe`, `detect`, `verify`, `when`,
//! `until`, `guard`). [`parse`] turns the text into a spanned [`Expr`] (every node carries a span
//! in the YAML file, computed from an [`Origin`]); [`typecheck`] checks it against a [`TypeEnv`]
//! and collects every error; [`service_refs`] and [`calls`] expose what later stages resolve.
//!
//! Grammar, loosest binding first: `||`, `&&`, prefix `!`, comparisons `== != < <= > >=`
//! (non-associative: `a == b == c` is an error), then operands: parenthesised expressions, string
//! literals (`"text"`, escapes `\"` and `\\` only), integers (decimal, 64-bit; a `-` written
//! directly before the digits makes a negative literal, as in `last_exit(service) == -1`),
//! durations (`5s`, `250ms`, `1m30s`, `2h`), `true`, `false`, `service`, and calls `name(args)`.

mod ast;
mod check;
mod functions;
mod origin;
mod parse;
mod rules;
mod types;

pub use ast::{Call, CmpOp, Duration, Expr, ExprKind, LogicOp};
pub use check::{calls, service_refs, typecheck};
pub use functions::{FUNCTIONS, Function, Param, Returns, function};
pub use origin::{Origin, origin_for};
pub use parse::parse;
pub use types::{Type, TypeEnv};

/// Every rule id this crate reports, with its `skillc explain` page.
pub const RULES: &[skillc_diagnostics::RuleInfo] = rules::ALL;
