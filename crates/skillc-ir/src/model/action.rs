use super::{FamilyId, Spanned};
use crate::builtins::Builtin;
use crate::expr::Expr;
use skillc_diagnostics::Span;
use skillc_syntax::ast::Risk;
use std::time::Duration;

/// Type of an action argument (`with:` value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArgType {
    String,
    Path,
    Int,
    Bool,
    Duration,
    /// `service` or a service reference.
    Target,
    /// A risk level (`run`/`shell` state theirs).
    Risk,
    /// A list of strings.
    Argv,
    /// An octal file mode as a string, e.g. `"0755"`.
    Mode,
    /// A signal name, e.g. `TERM`.
    Signal,
}

impl ArgType {
    pub fn as_str(self) -> &'static str {
        match self {
            ArgType::String => "string",
            ArgType::Path => "path",
            ArgType::Int => "int",
            ArgType::Bool => "bool",
            ArgType::Duration => "duration",
            ArgType::Target => "service reference",
            ArgType::Risk => "risk",
            ArgType::Argv => "list of strings",
            ArgType::Mode => "octal mode string",
            ArgType::Signal => "signal name",
        }
    }
}

/// A parameter an action takes.
#[derive(Debug, Clone)]
pub struct ParamSpec {
    pub name: String,
    pub ty: ArgType,
    pub required: bool,
    /// The declared default (declared actions only): used when a step does not pass the
    /// parameter.
    pub default: Option<super::ArgValue>,
    pub span: Option<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionKind {
    /// One of the built-in actions.
    Builtin(Builtin),
    /// An argv template declared by a family.
    Declared { argv: Vec<Spanned<String>> },
}

/// An action a step can use.
#[derive(Debug, Clone)]
pub struct Action {
    /// `launchctl.kickstart` for built-ins, the id for declared actions.
    pub name: String,
    /// The declaring family; `None` for built-ins.
    pub family: Option<FamilyId>,
    pub description: String,
    pub kind: ActionKind,
    /// Inherent risk; for `run` and `shell` the step states it (`risk_from_step`).
    pub risk: Risk,
    pub risk_from_step: bool,
    pub needs_root: bool,
    pub params: Vec<ParamSpec>,
    pub guard: Option<Expr>,
    pub timeout: Option<Duration>,
    pub span: Option<Span>,
}

impl Action {
    pub fn param(&self, name: &str) -> Option<&ParamSpec> {
        self.params.iter().find(|p| p.name == name)
    }
}
