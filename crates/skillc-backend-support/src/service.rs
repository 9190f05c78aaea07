//! launchd facts of a service that more than one backend needs.

use skillc_ir::{Scope, Service};
use skillc_sh::{Command, Dq, Redirect, Word};
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

/// `text` for a normal or a test build: lines from `#@test-build` to `#@end` are kept only in
/// test builds, lines from `#@normal-build` to `#@end` only in normal builds (the markers go).
pub fn build_variant(text: &str, test_build: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut keep = true;
    for line in text.split_inclusive('\n') {
        match line.trim() {
            "#@test-build" => keep = test_build,
            "#@normal-build" => keep = !test_build,
            "#@end" => keep = true,
            _ if keep => out.push_str(line),
            _ => {}
        }
    }
    out
}

/// When the generated sh `script` addresses an agent's domain ([`GUI_UID_VAR`]), inserts the code
/// that sets it (`sh/gui_uid.sh`) right after the script's `set -u` line and the blank line after
/// it. `test_build`: honour `SKILLC_TEST_INVOKER` (USER:UID).
pub fn insert_gui_uid(script: &mut String, test_build: bool) {
    const AFTER: &str = "set -u\n\n";
    if script.contains(GUI_UID_VAR)
        && let Some(at) = script.find(AFTER)
    {
        let code = build_variant(include_str!("sh/gui_uid.sh"), test_build);
        script.insert_str(at + AFTER.len(), &code);
    }
}

/// How the output is built; every backend takes the same options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Output for a test harness: scripts honour `SKILLC_TEST_PATH` (put before the fixed
    /// system PATH, for stand-ins of macOS tools) and the script backend's other overrides
    /// (`SKILLC_AUDIT_LOG`, `SKILLC_STATE_DIR`, `SKILLC_ALLOWED_SIGNERS`, `SKILLC_TEST_SHELL`,
    /// `SKILLC_TEST_INVOKER`). A normal build ignores or refuses them. Never install a test build.
    pub test_build: bool,
}

/// The lines that fix a generated script's `PATH` to the system directories
/// (`/usr/bin:/bin:/usr/sbin:/sbin`), so every tool it runs is the one macOS ships, whatever PATH
/// it was started with; a test build puts `SKILLC_TEST_PATH` first.
pub fn system_path(test_build: bool) -> String {
    build_variant(include_str!("sh/system_path.sh"), test_build)
}

/// The launchd domain a service lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain<'a> {
    /// `system/` (LaunchDaemons).
    System,
    /// `gui/<uid>/` of the user running the script, or under root of the console user
    /// (LaunchAgents): `$SKILLC_GUI_UID`, set by [`insert_gui_uid`].
    Gui,
    /// `gui/<uid>/` of the named user (a per-user agent, `for_user`), whoever runs the script:
    /// the uid is looked up when the script runs (`id -u USER`).
    User(&'a str),
}

impl Domain<'_> {
    /// The domain target as one sh word (`'system'`, `"gui/$SKILLC_GUI_UID"`,
    /// `"gui/$(id -u alice 2>/dev/null)"`).
    pub fn word(self) -> Word {
        match self {
            Domain::System => Word::lit("system"),
            Domain::Gui => Word::quoted(vec![Dq::text("gui/"), Dq::var(GUI_UID_VAR)]),
            Domain::User(name) => Word::quoted(vec![Dq::text("gui/"), Dq::Subst(uid_of(name))]),
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
            Domain::User(name) => {
                let mut w = Word::quoted(vec![
                    Dq::text("gui/"),
                    Dq::Subst(uid_of(name)),
                    Dq::text("/"),
                ]);
                w.push_lit(label);
                w
            }
        }
    }

    /// The domain for people: `system`, `gui/<console uid>`, `gui/<uid of alice>`.
    pub fn text(self) -> String {
        match self {
            Domain::System => "system".to_owned(),
            Domain::Gui => "gui/<console uid>".to_owned(),
            Domain::User(name) => format!("gui/<uid of {name}>"),
        }
    }
}

/// `id -u USER 2>/dev/null`: the uid of a per-user agent's user (id(1)).
pub fn uid_of(user: &str) -> Command {
    Command::new("id")
        .flag("-u")
        .arg(Word::lit(user))
        .redirect(Redirect::ErrToNull)
}

/// The launchd domain of a service: `system` for daemons, `gui/<uid>` for session agents (of the
/// named user for a per-user agent).
pub fn domain(s: &Service) -> Domain<'_> {
    match (s.scope.value, &s.for_user) {
        (Scope::Daemon, _) => Domain::System,
        (Scope::Session, None) => Domain::Gui,
        (Scope::Session, Some(user)) => Domain::User(&user.value),
    }
}

/// Whole seconds, rounded up, at least `min`.
pub fn ceil_secs(d: Duration, min: u64) -> u64 {
    let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    ms.div_ceil(1000).max(min)
}
