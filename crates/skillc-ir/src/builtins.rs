//! The built-in action catalogue (part of the language: see `docs/language.md`).

use crate::model::{Action, ActionKind, ArgType, ParamSpec};
use skillc_syntax::ast::Risk;

struct Builtin {
    name: &'static str,
    description: &'static str,
    /// `None`: the step states the risk (`run`, `shell`).
    risk: Option<Risk>,
    needs_root: bool,
    params: &'static [(&'static str, ArgType, bool)],
}

const TARGET: (&str, ArgType, bool) = ("target", ArgType::Target, true);

const BUILTINS: &[Builtin] = &[
    Builtin {
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
    Builtin {
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
    Builtin {
        name: "launchctl.print",
        description: "Show the launchd state of the target (`launchctl print`).",
        risk: Some(Risk::ReadOnly),
        needs_root: false,
        params: &[TARGET],
    },
    Builtin {
        name: "launchctl.print_disabled",
        description: "Show the disabled-services list of the target's domain.",
        risk: Some(Risk::ReadOnly),
        needs_root: false,
        params: &[TARGET],
    },
    Builtin {
        name: "launchctl.enable",
        description: "Enable the target's label in its domain (`launchctl enable`).",
        risk: Some(Risk::Reversible),
        needs_root: false,
        params: &[TARGET],
    },
    Builtin {
        name: "launchctl.bootstrap",
        description: "Load the target's plist into its domain (`launchctl bootstrap`).",
        risk: Some(Risk::Reversible),
        needs_root: false,
        params: &[TARGET],
    },
    Builtin {
        name: "launchctl.kickstart",
        description: "Start the target now; with `kill`, restart it (`launchctl kickstart [-k]`).",
        risk: Some(Risk::Disruptive),
        needs_root: false,
        params: &[TARGET, ("kill", ArgType::Bool, false)],
    },
    Builtin {
        name: "launchctl.bootout",
        description: "Unload the target from its domain (`launchctl bootout`).",
        risk: Some(Risk::Disruptive),
        needs_root: false,
        params: &[TARGET],
    },
    Builtin {
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
    Builtin {
        name: "fs.move_aside",
        description: "Rename a file to `<path>.skillc-<timestamp>` instead of deleting it.",
        risk: Some(Risk::Reversible),
        needs_root: false,
        params: &[("path", ArgType::Path, true)],
    },
    Builtin {
        name: "fs.chmod",
        description: "Change a file's mode.",
        risk: Some(Risk::Reversible),
        needs_root: false,
        params: &[("path", ArgType::Path, true), ("mode", ArgType::Mode, true)],
    },
    Builtin {
        name: "fs.chown",
        description: "Change a file's owner (`user[:group]`).",
        risk: Some(Risk::Reversible),
        needs_root: true,
        params: &[
            ("path", ArgType::Path, true),
            ("owner", ArgType::String, true),
        ],
    },
    Builtin {
        name: "fs.remove",
        description: "Delete a file or directory.",
        risk: Some(Risk::Destructive),
        needs_root: false,
        params: &[("path", ArgType::Path, true)],
    },
    Builtin {
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
    Builtin {
        name: "wait.ready",
        description: "Wait until the target's readiness probe holds, up to a timeout.",
        risk: Some(Risk::ReadOnly),
        needs_root: false,
        params: &[TARGET, ("timeout", ArgType::Duration, false)],
    },
    Builtin {
        name: "notify",
        description: "Tell the operator something (log and audit record).",
        risk: Some(Risk::ReadOnly),
        needs_root: false,
        params: &[("message", ArgType::String, true)],
    },
];

/// Every built-in action, in catalogue order.
pub fn builtin_actions() -> Vec<Action> {
    BUILTINS
        .iter()
        .map(|b| Action {
            name: b.name.to_owned(),
            family: None,
            description: b.description.to_owned(),
            kind: ActionKind::Builtin(b.name),
            risk: b.risk.unwrap_or(Risk::Destructive),
            risk_from_step: b.risk.is_none(),
            needs_root: b.needs_root,
            params: b
                .params
                .iter()
                .map(|(name, ty, required)| ParamSpec {
                    name: (*name).to_owned(),
                    ty: *ty,
                    required: *required,
                    span: None,
                })
                .collect(),
            guard: None,
            timeout: None,
            span: None,
        })
        .collect()
}

/// Names of all built-ins (for suggestions).
pub fn builtin_names() -> impl Iterator<Item = &'static str> {
    BUILTINS.iter().map(|b| b.name)
}
