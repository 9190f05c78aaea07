//! What every skillc backend needs, so that no backend depends on another: the files a backend
//! emits, the launchd facts of a service (domain, plist directory), whole-second durations, the
//! exit codes of every generated script, and the resolver the probe compiler uses.

pub mod exit;
mod output;
mod resolve;
mod service;

pub use output::{OutputFile, PlannedFile};
pub use resolve::IrResolver;
pub use service::{AGENT_DIR, DAEMON_DIR, ceil_secs, domain, plist_dir};
