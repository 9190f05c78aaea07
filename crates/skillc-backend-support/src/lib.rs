//! What every skillc backend needs, so that no backend depends on another: the files a backend
//! emits, the launchd facts of a service (domain, plist directory), whole-second durations, the
//! exit codes of every generated script, the one dependency order of services, the resolver the
//! probe compiler uses, and (re-exported from `skillc-diagnostics`) the one parallel map.

pub mod exit;
mod order;
mod output;
mod resolve;
mod service;

pub use skillc_diagnostics::parallel;

pub use order::{Edges, Order, OrderSpec, Ties, dependency_order};
pub use output::{OutputFile, PlannedFile};
pub use resolve::IrResolver;
pub use service::{AGENT_DIR, DAEMON_DIR, ceil_secs, domain, plist_dir};
