//! POSIX sh emission shared by every script skillc generates.
//!
//! * [`quote`]: the one audited quoting function; every value interpolated into a script goes
//!   through it.
//! * [`Word`], [`Command`], [`Cond`], [`Function`]: the shell the generators emit, as values;
//!   every literal in them is rendered with [`quote`], and nothing else escapes.
//! * [`comment_text`]: makes arbitrary text safe inside a `#` comment.
//! * [`ProbeCompiler`]: readiness expressions (`skillc_expr::Expr`) → sh conditions that use only
//!   tools macOS ships (`nc`, `curl`, `launchctl`, `awk`, `grep`, `df`, `kill`, `test`).
//!
//! Generated code is POSIX sh (no bash-isms: no `local`, `[[`, arrays, `$'..'`, `pipefail`) and is
//! checked with `shellcheck -s sh` and run under `sh` and `dash` in the tests.

mod command;
mod cond;
mod function;
mod probe;
mod quote;
mod word;

pub use command::{Assign, Command, Redirect};
pub use cond::Cond;
pub use function::Function;
pub use word::{Dq, Word};

pub use probe::{
    Domain, Probe, ProbeCompiler, ProbeError, Resolver, Target, comment_text, split_addr,
};
pub use quote::{is_representable, quote};
