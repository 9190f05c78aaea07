//! The typed IR: what the skill files mean, with every reference resolved and every node spanned.
//!
//! [`lower`] builds it from the syntax tree and reports what cannot be resolved (unknown
//! references, duplicate ids, bad durations, expression errors). Analysis and backends work on the
//! IR only; they never see YAML.

pub mod builtins;
pub mod duration;
pub mod expr;
mod lower;
pub mod model;
pub mod read_only;
pub mod rules;

pub use builtins::Builtin;
pub use lower::placeholders::{SERVICE_FIELDS, placeholders};
pub use lower::{lower, lower_strict};
pub use model::*;
