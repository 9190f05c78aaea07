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

/// Id syntax of the language: `[a-z][a-z0-9-]*`, at most 64 characters.
pub fn is_id(s: &str) -> bool {
    s.len() <= 64
        && s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A macOS short user name skillc accepts for a per-user agent (`for_user`): a letter or `_`,
/// then letters, digits, `_`, `.` or `-`, at most 255 bytes (what a shell expands as `~name`
/// and sudo(8) `-u` takes without quoting), and not `root`, which has no gui session.
pub fn is_user_name(s: &str) -> bool {
    s.len() <= 255
        && s != "root"
        && s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
}

pub use lower::placeholders::{SERVICE_FIELDS, placeholders};
pub use lower::{lower, lower_strict};
pub use model::*;
