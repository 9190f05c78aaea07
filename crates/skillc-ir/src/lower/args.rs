//! Arguments of a step (`with:`) checked against the action's parameters.

use super::context::Cx;
use super::refs::Reach;
use crate::duration::parse_duration;
use crate::model::{Arg, ArgType, ArgValue, FamilyId, Risk, Spanned, Target};
use crate::rules;
use indexmap::IndexMap;
use skillc_diagnostics::{FileId, Span, did_you_mean};
use skillc_syntax::Sp;
use skillc_syntax::ast::WithValue;

/// Signals `proc.signal` accepts.
const SIGNALS: &[&str] = &[
    "HUP", "INT", "QUIT", "KILL", "TERM", "USR1", "USR2", "STOP", "CONT", "INFO", "WINCH",
];

pub(crate) struct ArgScope<'p> {
    pub(crate) family: FamilyId,
    pub(crate) file: FileId,
    /// Skill parameters visible to `{param.x}`.
    pub(crate) params: &'p [String],
}

fn arg_error(cx: &mut Cx<'_>, message: String, span: Span, label: &str, help: String) {
    cx.emit(
        rules::ACTION_ARGUMENT
            .finding(message)
            .at(span, label)
            .with_help(help),
    );
}

/// Lowers `with:` for an action; returns the arguments that are valid.
pub(crate) fn lower_args(
    cx: &mut Cx<'_>,
    scope: &ArgScope<'_>,
    action_index: usize,
    with: Option<&IndexMap<Sp<String>, Sp<WithValue>>>,
    step_span: Span,
) -> Vec<Arg> {
    let action = cx.ir.actions[action_index].clone();
    let mut out = Vec::new();
    for (key, value) in with.into_iter().flatten() {
        let key_span = key.span(scope.file);
        let Some(param) = action.param(&key.value) else {
            let names: Vec<&str> = action.params.iter().map(|p| p.name.as_str()).collect();
            let help = did_you_mean(&key.value, names.iter().copied()).map_or_else(
                || format!("`{}` takes: {}", action.name, names.join(", ")),
                |s| format!("did you mean `{s}`?"),
            );
            arg_error(
                cx,
                format!("`{}` has no parameter `{}`", action.name, key.value),
                key_span,
                "unknown parameter",
                help,
            );
            continue;
        };
        let span = value.span(scope.file);
        if let Some(v) = convert(cx, scope, param.ty, &value.value, span) {
            out.push(Arg {
                name: Spanned::new(key.value.clone(), key_span),
                value: Spanned::new(v, span),
            });
        }
    }
    for p in action.params.iter().filter(|p| p.required) {
        if !with.is_some_and(|w| w.keys().any(|k| k.value == p.name)) {
            arg_error(
                cx,
                format!("`{}` needs the parameter `{}`", action.name, p.name),
                step_span,
                "missing parameter",
                format!("add `{}: <{}>` under `with:`", p.name, p.ty.as_str()),
            );
        }
    }
    if action.name == "proc.signal" {
        let given = ["pidfile", "pid"]
            .iter()
            .filter(|n| out.iter().any(|a| a.name.value == **n))
            .count();
        if given != 1 {
            arg_error(
                cx,
                "`proc.signal` needs exactly one of `pidfile` and `pid`".to_owned(),
                step_span,
                "which process?",
                "give `pidfile:` (preferred: it is checked for liveness) or `pid:`".to_owned(),
            );
        }
    }
    out
}

fn type_error(cx: &mut Cx<'_>, ty: ArgType, span: Span) {
    arg_error(
        cx,
        format!("expected a {}", ty.as_str()),
        span,
        "wrong type",
        format!("write a {} here", ty.as_str()),
    );
}

fn convert(
    cx: &mut Cx<'_>,
    scope: &ArgScope<'_>,
    ty: ArgType,
    v: &WithValue,
    span: Span,
) -> Option<ArgValue> {
    let has_nul = match v {
        WithValue::String(s) => s.contains('\0'),
        WithValue::List(items) => items.iter().any(|s| s.contains('\0')),
        _ => false,
    };
    if has_nul {
        arg_error(
            cx,
            "a NUL character cannot be passed to a command".to_owned(),
            span,
            "holds NUL",
            "no program argument, environment value or file name can carry NUL; remove it"
                .to_owned(),
        );
        return None;
    }
    match (ty, v) {
        (ArgType::Bool, WithValue::Bool(b)) => Some(ArgValue::Bool(*b)),
        (ArgType::Int, WithValue::Int(i)) => Some(ArgValue::Int(*i)),
        (ArgType::Argv, WithValue::List(items)) => {
            if items.is_empty() {
                arg_error(
                    cx,
                    "`argv` is empty".to_owned(),
                    span,
                    "no command",
                    "give the program and its arguments".to_owned(),
                );
                return None;
            }
            for item in items {
                cx.check_placeholders(item, span, scope.params);
            }
            let program = &items[0];
            if !program.starts_with('/') && !program.starts_with('{') {
                arg_error(
                    cx,
                    format!("`{program}` is not an absolute path"),
                    span,
                    "relative program",
                    "write the program's absolute path (e.g. `/bin/cat`); scripts do not search PATH".to_owned(),
                );
                return None;
            }
            Some(ArgValue::List(items.clone()))
        }
        (ArgType::Target, WithValue::String(s)) => {
            if s == "service" {
                return Some(ArgValue::Target(Target::Applied));
            }
            cx.resolve_service(scope.family, s, span, Reach::Imports)
                .map(|id| ArgValue::Target(Target::Service(id)))
        }
        (ArgType::Risk, WithValue::String(s)) => {
            let found = Risk::ALL.iter().find(|r| r.as_str() == s).copied();
            if found.is_none() {
                arg_error(
                    cx,
                    format!("`{s}` is not a risk"),
                    span,
                    "unknown risk",
                    "one of: read_only, reversible, disruptive, destructive".to_owned(),
                );
            }
            found.map(ArgValue::Risk)
        }
        (ArgType::Duration, WithValue::String(s)) => match parse_duration(s) {
            Ok(d) => Some(ArgValue::Duration(d)),
            Err(why) => {
                cx.emit(
                    rules::INVALID_DURATION
                        .finding(format!("invalid duration `{s}`: {why}"))
                        .at(span, "not a duration")
                        .with_help("write a number and a unit: `250ms`, `5s`, `1m30s`, `2h`"),
                );
                None
            }
        },
        (ArgType::Mode, WithValue::String(s)) => {
            if (3..=4).contains(&s.len()) && u32::from_str_radix(s, 8).is_ok() {
                Some(ArgValue::String(s.clone()))
            } else {
                arg_error(
                    cx,
                    format!("`{s}` is not an octal mode"),
                    span,
                    "not octal",
                    "write a quoted octal mode such as `\"0755\"`".to_owned(),
                );
                None
            }
        }
        (ArgType::Signal, WithValue::String(s)) => {
            let name = s.strip_prefix("SIG").unwrap_or(s);
            if SIGNALS.contains(&name) {
                Some(ArgValue::String(name.to_owned()))
            } else {
                let help = did_you_mean(name, SIGNALS.iter().copied()).map_or_else(
                    || format!("one of: {}", SIGNALS.join(", ")),
                    |x| format!("did you mean `{x}`?"),
                );
                arg_error(
                    cx,
                    format!("`{s}` is not a signal name"),
                    span,
                    "unknown signal",
                    help,
                );
                None
            }
        }
        (ArgType::Path, WithValue::String(s)) => {
            cx.check_placeholders(s, span, scope.params);
            if !s.starts_with('/') && !s.starts_with('{') {
                arg_error(
                    cx,
                    format!("`{s}` is not an absolute path"),
                    span,
                    "relative path",
                    "scripts run from an unknown directory; write an absolute path or a placeholder".to_owned(),
                );
                return None;
            }
            Some(ArgValue::String(s.clone()))
        }
        (ArgType::String, WithValue::String(s)) => {
            cx.check_placeholders(s, span, scope.params);
            Some(ArgValue::String(s.clone()))
        }
        (ty, _) => {
            type_error(cx, ty, span);
            None
        }
    }
}
