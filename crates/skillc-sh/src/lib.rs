//! POSIX sh emission shared by every script skillc generates.
//!
//! * [`quote`]: the one audited quoting function; every value interpolated into a script goes
//!   through it.
//! * [`Word`], [`Command`], [`Cond`], [`Function`]: the shell the generators emit, as values;
//!   every literal in them is rendered with [`quote`], and nothing else escapes.
//! * [`comment_text`]: makes arbitrary text safe inside a `#` comment.
//!
//! Generated code is POSIX sh (no bash-isms: no `local`, `[[`, arrays, `$'..'`, `pipefail`) and is
//! checked with `shellcheck -s sh` and run under `sh` and `dash` in the tests.

mod command;
mod cond;
mod function;
mod quote;
mod word;

pub use command::{Assign, Command, Redirect};
pub use cond::Cond;
pub use function::Function;
pub use word::{Dq, Word};

pub use quote::{is_representable, quote};

use std::fmt::Write as _;

/// Makes text safe to put after `#` in a script: control characters (a newline would end the
/// comment and start code) become `\xNN`.
pub fn comment_text(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if ch.is_control() {
            let _ = write!(out, "\\x{:02x}", u32::from(ch));
        } else {
            out.push(ch);
        }
    }
    out
}
