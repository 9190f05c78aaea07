//! What every skillc backend needs, so that no backend depends on another: the files a backend
//! emits, the launchd facts of a service (domain, plist directory), whole-second durations, the
//! exit codes of every generated script, the one dependency order of services, the compiler from
//! IR expressions to sh conditions ([`ProbeCompiler`]), and (re-exported from
//! `skillc-diagnostics`) the one parallel map.

pub mod exit;
mod order;
mod output;
mod probe;
mod service;

pub use skillc_diagnostics::parallel;

pub use order::{Edges, Order, OrderSpec, Ties, dependency_order};
pub use output::{OutputFile, PlannedFile};
pub use probe::{Literal, ParamValue, ProbeCompiler, ProbeError};
pub use service::{
    AGENT_DIR, DAEMON_DIR, Domain, GUI_UID_VAR, Options, build_variant, ceil_secs, domain,
    insert_gui_uid, plist_dir, system_path, uid_of,
};
