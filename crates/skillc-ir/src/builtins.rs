//! The built-in action catalogue (part of the language: see `docs/language.md`).

use crate::model::{Action, ActionKind, ArgType, ParamSpec};
use skillc_syntax::ast::Risk;

/// A built-in action; backends match it exhaustively.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Builtin {
    Run,
    Shell,
    LaunchctlPrint,
    LaunchctlPrintDisabled,
    LaunchctlEnable,
    LaunchctlBootstrap,
    LaunchctlKickstart,
    LaunchctlBootout,
    FsMkdir,
    FsMoveAside,
    FsChmod,
    FsChown,
    FsRemove,
    FsTruncate,
    ProcSignal,
    WaitReady,
    Notify,
}

/// What the catalogue says about one built-in.
struct Spec {
    name: &'static str,
    description: &'static str,
    /// `None`: the step states the risk (`run`, `shell`).
    risk: Option<Risk>,
    needs_root: bool,
    params: &'static [(&'static str, ArgType, bool)],
}

const TARGET: (&str, ArgType, bool) = ("target", ArgType::Target, true);

impl Builtin {
    /// Every built-in, in catalogue order.
    pub const ALL: [Self; 17] = [
        Self::Run,
        Self::Shell,
        Self::LaunchctlPrint,
        Self::LaunchctlPrintDisabled,
        Self::LaunchctlEnable,
        Self::LaunchctlBootstrap,
        Self::LaunchctlKickstart,
        Self::LaunchctlBootout,
        Self::FsMkdir,
        Self::FsMoveAside,
        Self::FsChmod,
        Self::FsChown,
        Self::FsRemove,
        Self::FsTruncate,
        Self::ProcSignal,
        Self::WaitReady,
        Self::Notify,
    ];

    /// The name a step's `action:` uses (`launchctl.kickstart`).
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The parameters: name, type, required.
    pub fn params(self) -> &'static [(&'static str, ArgType, bool)] {
        self.spec().params
    }

    fn spec(self) -> Spec {
        match self {
            Self::Run => Spec {
                name: "run",
                description: "Run a command (argv, no shell) with a stated risk.",
                risk: None,
                needs_root: false,
                params: &[
                    ("argv", ArgType::Argv, true),
                    ("risk", ArgType::Risk, true),
                    ("timeout", ArgType::Duration, false),
                ],
            },
            Self::Shell => Spec {
                name: "shell",
                description: "Run a POSIX sh script with a stated risk (warned: prefer `run`).",
                risk: None,
                needs_root: false,
                params: &[
                    ("script", ArgType::String, true),
                    ("risk", ArgType::Risk, true),
                    ("timeout", ArgType::Duration, false),
                ],
            },
            Self::LaunchctlPrint => Spec {
                name: "launchctl.print",
                description: "Show the launchd state of the target (`launchctl print`).",
                risk: Some(Risk::ReadOnly),
                needs_root: false,
                params: &[TARGET],
            },
            Self::LaunchctlPrintDisabled => Spec {
                name: "launchctl.print_disabled",
                description: "Show the disabled-services list of the target's domain.",
                risk: Some(Risk::ReadOnly),
                needs_root: false,
                params: &[TARGET],
            },
            Self::LaunchctlEnable => Spec {
                name: "launchctl.enable",
                description: "Enable the target's label in its domain (`launchctl enable`).",
                risk: Some(Risk::Reversible),
                needs_root: false,
                params: &[TARGET],
            },
            Self::LaunchctlBootstrap => Spec {
                name: "launchctl.bootstrap",
                description: "Load the target's plist into its domain (`launchctl bootstrap`).",
                risk: Some(Risk::Reversible),
                needs_root: false,
                params: &[TARGET],
            },
            Self::LaunchctlKickstart => Spec {
                name: "launchctl.kickstart",
                description: "Start the target now; with `kill`, restart it (`launchctl kickstart [-k]`).",
                risk: Some(Risk::Disruptive),
                needs_root: false,
                params: &[TARGET, ("kill", ArgType::Bool, false)],
            },
            Self::LaunchctlBootout => Spec {
                name: "launchctl.bootout",
                description: "Unload the target from its domain (`launchctl bootout`).",
                risk: Some(Risk::Disruptive),
                needs_root: false,
                params: &[TARGET],
            },
            Self::FsMkdir => Spec {
                name: "fs.mkdir",
                description: "Create a directory (and parents) with a mode and owner.",
                risk: Some(Risk::Reversible),
                needs_root: false,
                params: &[
                    ("path", ArgType::Path, true),
                    ("mode", ArgType::Mode, false),
                    ("owner", ArgType::String, false),
                ],
            },
            Self::FsMoveAside => Spec {
                name: "fs.move_aside",
                description: "Rename a file to `<path>.skillc-<timestamp>` instead of deleting it.",
                risk: Some(Risk::Reversible),
                needs_root: false,
                params: &[("path", ArgType::Path, true)],
            },
            Self::FsChmod => Spec {
                name: "fs.chmod",
                description: "Change a file's mode.",
                risk: Some(Risk::Reversible),
                needs_root: false,
                params: &[("path", ArgType::Path, true), ("mode", ArgType::Mode, true)],
            },
            Self::FsChown => Spec {
                name: "fs.chown",
                description: "Change a file's owner (`user[:group]`).",
                risk: Some(Risk::Reversible),
                needs_root: true,
                params: &[
                    ("path", ArgType::Path, true),
                    ("owner", ArgType::String, true),
                ],
            },
            Self::FsRemove => Spec {
                name: "fs.remove",
                description: "Delete a file or directory.",
                risk: Some(Risk::Destructive),
                needs_root: false,
                params: &[("path", ArgType::Path, true)],
            },
            Self::FsTruncate => Spec {
                name: "fs.truncate",
                description: "Empty a file in place: its inode, owner and mode stay, so a process that has it open (launchd's descriptor of a job's log) keeps writing to it, and its space is freed at once.",
                risk: Some(Risk::Destructive),
                needs_root: false,
                params: &[("path", ArgType::Path, true)],
            },
            Self::ProcSignal => Spec {
                name: "proc.signal",
                description: "Send a signal to the process in a PID file, or to a PID.",
                risk: Some(Risk::Disruptive),
                needs_root: false,
                params: &[
                    ("pidfile", ArgType::Path, false),
                    ("pid", ArgType::Int, false),
                    ("signal", ArgType::Signal, false),
                ],
            },
            Self::WaitReady => Spec {
                name: "wait.ready",
                description: "Wait until the target's readiness probe holds, up to a timeout.",
                risk: Some(Risk::ReadOnly),
                needs_root: false,
                params: &[TARGET, ("timeout", ArgType::Duration, false)],
            },
            Self::Notify => Spec {
                name: "notify",
                description: "Tell the operator something (log and audit record).",
                risk: Some(Risk::ReadOnly),
                needs_root: false,
                params: &[("message", ArgType::String, true)],
            },
        }
    }
}

/// Every built-in action, in catalogue order.
pub fn builtin_actions() -> Vec<Action> {
    Builtin::ALL
        .iter()
        .map(|&b| {
            let spec = b.spec();
            Action {
                name: b.name().to_owned(),
                family: None,
                description: spec.description.to_owned(),
                kind: ActionKind::Builtin(b),
                risk: spec.risk.unwrap_or(Risk::Destructive),
                risk_from_step: spec.risk.is_none(),
                needs_root: spec.needs_root,
                params: b
                    .params()
                    .iter()
                    .map(|(name, ty, required)| ParamSpec {
                        name: (*name).to_owned(),
                        ty: *ty,
                        required: *required,
                        default: None,
                        span: None,
                    })
                    .collect(),
                guard: None,
                timeout: None,
                span: None,
            }
        })
        .collect()
}

/// Names of all built-ins (for suggestions).
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    Builtin::ALL.iter().map(|b| b.name())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn the_catalogue_lists_each_builtin_once_under_a_distinct_name() {
        let variants: BTreeSet<String> = Builtin::ALL.iter().map(|b| format!("{b:?}")).collect();
        let names: BTreeSet<&str> = builtin_names().collect();
        assert_eq!(variants.len(), Builtin::ALL.len());
        assert_eq!(names.len(), Builtin::ALL.len());
    }
}
