//! launchd facts of a service that more than one backend needs.

use skillc_ir::{Scope, Service};
use skillc_sh::{Command, Dq, Word};
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

/// The launchd domain a service lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// `system/` (LaunchDaemons).
    System,
    /// `gui/<uid>/` of the user running the script (LaunchAgents).
    Gui,
}

impl Domain {
    /// The domain target as one sh word (`'system'`, `"gui/$(id -u)"`).
    pub fn word(self) -> Word {
        match self {
            Domain::System => Word::lit("system"),
            Domain::Gui => Word::quoted(vec![
                Dq::text("gui/"),
                Dq::Subst(Command::new("id").flag("-u")),
            ]),
        }
    }

    /// The service target `<domain>/<label>` as one sh word.
    pub fn target_word(self, label: &str) -> Word {
        match self {
            Domain::System => Word::lit(format!("system/{label}")),
            Domain::Gui => {
                let mut w = Word::quoted(vec![
                    Dq::text("gui/"),
                    Dq::Subst(Command::new("id").flag("-u")),
                    Dq::text("/"),
                ]);
                w.push_lit(label);
                w
            }
        }
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
