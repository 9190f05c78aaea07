//! What every skillc backend needs, so that no backend depends on another: the files a backend
//! emits, the launchd facts of a service (domain, plist directory), whole-second durations, the
//! exit codes of every generated script, and the compiler from IR expressions to sh conditions
//! ([`ProbeCompiler`]).

pub mod exit;
mod output;
mod probe;
mod service;

pub use output::{OutputFile, PlannedFile};
pub use probe::{Literal, ParamValue, ProbeCompiler, ProbeError};
pub use service::{AGENT_DIR, DAEMON_DIR, Domain, ceil_secs, domain, plist_dir};
