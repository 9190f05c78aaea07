//! launchd facts of a service that more than one backend needs.

use skillc_ir::{Scope, Service};
use skillc_sh::{Dq, Word};
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

/// The shell variable holding the uid of the `gui/<uid>` domain agents are addressed in.
pub const GUI_UID_VAR: &str = "SKILLC_GUI_UID";

/// The sh code that sets [`GUI_UID_VAR`] (see `sh/gui_uid.sh`): every generated script that
/// addresses an agent runs it first. `test_build`: honour `SKILLC_TEST_INVOKER` (USER:UID).
pub fn gui_uid_sh(test_build: bool) -> String {
    let mut out = String::new();
    let mut keep = true;
    for line in include_str!("sh/gui_uid.sh").split_inclusive('\n') {
        match line.trim() {
            "#@test-build" => keep = test_build,
            "#@end" => keep = true,
            _ if keep => out.push_str(line),
            _ => {}
        }
    }
    out
}

/// Whether generated sh text addresses an agent's domain.
pub fn uses_gui_uid(text: &str) -> bool {
    text.contains(GUI_UID_VAR)
}

/// The launchd domain a service lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// `system/` (LaunchDaemons).
    System,
    /// `gui/<uid>/` of the user running the script, or under root of the console user
    /// (LaunchAgents): `$SKILLC_GUI_UID`, set by [`gui_uid_sh`].
    Gui,
}

impl Domain {
    /// The domain target as one sh word (`'system'`, `"gui/$SKILLC_GUI_UID"`).
    pub fn word(self) -> Word {
        match self {
            Domain::System => Word::lit("system"),
            Domain::Gui => Word::quoted(vec![Dq::text("gui/"), Dq::var(GUI_UID_VAR)]),
        }
    }

    /// The service target `<domain>/<label>` as one sh word.
    pub fn target_word(self, label: &str) -> Word {
        match self {
            Domain::System => Word::lit(format!("system/{label}")),
            Domain::Gui => {
                let mut w =
                    Word::quoted(vec![Dq::text("gui/"), Dq::var(GUI_UID_VAR), Dq::text("/")]);
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
