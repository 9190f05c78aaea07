//! launchd facts of a service that more than one backend needs.

use skillc_ir::{Scope, Service};
use skillc_sh::Domain;
use std::time::Duration;

/// Install directory of daemon plists.
pub const DAEMON_DIR: &str = "/Library/LaunchDaemons";
/// Install directory of agent plists.
pub const AGENT_DIR: &str = "/Library/LaunchAgents";

/// The directory the plist of a service with this scope is installed in.
pub fn plist_dir(scope: Scope) -> &'static str {
    match scope {
        Scope::Daemon => DAEMON_DIR,
        Scope::Session => AGENT_DIR,
    }
}

/// The launchd domain of a service: `system` for daemons, `gui/<uid>` for session agents.
pub fn domain(s: &Service) -> Domain {
    match s.scope.value {
        Scope::Daemon => Domain::System,
        Scope::Session => Domain::Gui,
    }
}

/// Whole seconds, rounded up, at least `min`.
pub fn ceil_secs(d: Duration, min: u64) -> u64 {
    let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    ms.div_ceil(1000).max(min)
}
