//! Expressions after lowering (as rust-analyzer separates HIR from syntax): every service operand
//! is a resolved [`Target`], `bus("name")` carries the service that declares the name, and
//! `param("x")` is the parameter it reads. Lowering builds these from [`skillc_expr::Expr`] and
//! reports what does not resolve; nothing later resolves a name again.

use crate::model::{ServiceId, Target};
use skillc_diagnostics::Span;
pub use skillc_expr::{CmpOp, Duration, LogicOp, Type};
use std::fmt;

/// One node of a resolved expression; `span` is its byte range in the YAML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    Bool(bool),
    Int(i64),
    Str(String),
    Duration(Duration),
    /// An operand in a service position: `service` or a quoted reference.
    Service(ServiceRef),
    /// `param("name")`.
    Param(ParamRef),
    Not(Box<Expr>),
    Logic {
        op: LogicOp,
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Compare {
        op: CmpOp,
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    Call(Call),
}

/// A resolved service operand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRef {
    /// [`Target::Applied`] for `service`: the service the probe or skill is evaluated for.
    pub target: Target,
    /// The reference as written (`bus`, `family/bus`, `bus:org.x`); `None` for `service`. Kept for
    /// messages and printing only.
    pub written: Option<String>,
}

/// A parameter read by `param("name")`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParamRef {
    /// Index into the enclosing skill's (or action's) parameters.
    pub index: usize,
    pub name: String,
    pub ty: Type,
}

/// A call of a built-in function other than `param`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub func: Func,
    pub name_span: Span,
    pub args: Vec<Expr>,
}

/// The built-in functions (see [`skillc_expr::FUNCTIONS`] for their signatures).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Func {
    Tcp,
    Http,
    /// `http_ca(url, ca_file)`: trusting only the CA certificates in `ca_file`.
    HttpCa,
    /// `http_mtls(url, ca_file, cert_file, key_file)`: also presenting a client certificate.
    HttpMtls,
    FileExists,
    DirExists,
    Exec,
    /// `bus(name)`; `provider` is the service declaring a literal name, resolved by lowering.
    Bus {
        provider: Option<ServiceId>,
    },
    Ready,
    Loaded,
    Running,
    Disabled,
    LastExit,
    Runs,
    PidAlive,
    PortFree,
    FreeSpace,
    LogContains,
}

impl Func {
    /// The function called `name`; `param` is not a call in this tree, and `bus` gets no provider.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "tcp" => Func::Tcp,
            "http" => Func::Http,
            "http_ca" => Func::HttpCa,
            "http_mtls" => Func::HttpMtls,
            "file_exists" => Func::FileExists,
            "dir_exists" => Func::DirExists,
            "exec" => Func::Exec,
            "bus" => Func::Bus { provider: None },
            "ready" => Func::Ready,
            "loaded" => Func::Loaded,
            "running" => Func::Running,
            "disabled" => Func::Disabled,
            "last_exit" => Func::LastExit,
            "runs" => Func::Runs,
            "pid_alive" => Func::PidAlive,
            "port_free" => Func::PortFree,
            "free_space" => Func::FreeSpace,
            "log_contains" => Func::LogContains,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Func::Tcp => "tcp",
            Func::Http => "http",
            Func::HttpCa => "http_ca",
            Func::HttpMtls => "http_mtls",
            Func::FileExists => "file_exists",
            Func::DirExists => "dir_exists",
            Func::Exec => "exec",
            Func::Bus { .. } => "bus",
            Func::Ready => "ready",
            Func::Loaded => "loaded",
            Func::Running => "running",
            Func::Disabled => "disabled",
            Func::LastExit => "last_exit",
            Func::Runs => "runs",
            Func::PidAlive => "pid_alive",
            Func::PortFree => "port_free",
            Func::FreeSpace => "free_space",
            Func::LogContains => "log_contains",
        }
    }
}

impl Expr {
    /// `ready(service)` spanning `span` (the default `verify`).
    pub fn ready_of_subject(span: Span) -> Self {
        Expr {
            kind: ExprKind::Call(Call {
                func: Func::Ready,
                name_span: span,
                args: vec![Expr {
                    kind: ExprKind::Service(ServiceRef {
                        target: Target::Applied,
                        written: None,
                    }),
                    span,
                }],
            }),
            span,
        }
    }

    /// Every call in the tree, parents before children, left to right.
    pub fn calls(&self) -> Vec<(&Call, Span)> {
        let mut out = Vec::new();
        self.visit(&mut |e| {
            if let ExprKind::Call(c) = &e.kind {
                out.push((c, e.span));
            }
        });
        out
    }

    fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
        f(self);
        match &self.kind {
            ExprKind::Not(inner) => inner.visit(f),
            ExprKind::Logic { lhs, rhs, .. } | ExprKind::Compare { lhs, rhs, .. } => {
                lhs.visit(f);
                rhs.visit(f);
            }
            ExprKind::Call(call) => {
                for arg in &call.args {
                    arg.visit(f);
                }
            }
            ExprKind::Bool(_)
            | ExprKind::Int(_)
            | ExprKind::Str(_)
            | ExprKind::Duration(_)
            | ExprKind::Service(_)
            | ExprKind::Param(_) => {}
        }
    }

    /// Binding strength for printing: higher binds tighter.
    fn precedence(&self) -> u8 {
        match &self.kind {
            ExprKind::Logic {
                op: LogicOp::Or, ..
            } => 1,
            ExprKind::Logic {
                op: LogicOp::And, ..
            } => 2,
            ExprKind::Not(_) => 3,
            ExprKind::Compare { .. } => 4,
            _ => 5,
        }
    }

    fn fmt_child(&self, f: &mut fmt::Formatter<'_>, parens: bool) -> fmt::Result {
        if parens {
            write!(f, "({self})")
        } else {
            write!(f, "{self}")
        }
    }
}

fn write_string_literal(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for ch in s.chars() {
        if ch == '"' || ch == '\\' {
            f.write_str("\\")?;
        }
        write!(f, "{ch}")?;
    }
    f.write_str("\"")
}

/// The canonical form of the syntax tree it was lowered from (see [`skillc_expr::Expr`]'s
/// `Display`): references print as written.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Bool(b) => write!(f, "{b}"),
            ExprKind::Int(n) => write!(f, "{n}"),
            ExprKind::Str(s) => write_string_literal(f, s),
            ExprKind::Duration(d) => write!(f, "{d}"),
            ExprKind::Service(r) => match &r.written {
                Some(text) => write_string_literal(f, text),
                None => f.write_str("service"),
            },
            ExprKind::Param(p) => {
                f.write_str("param(")?;
                write_string_literal(f, &p.name)?;
                f.write_str(")")
            }
            ExprKind::Not(inner) => {
                f.write_str("!")?;
                let nested_not = matches!(inner.kind, ExprKind::Not(_));
                inner.fmt_child(f, !nested_not && inner.precedence() < 5)
            }
            ExprKind::Logic { op, lhs, rhs, .. } => {
                let own = self.precedence();
                lhs.fmt_child(f, lhs.precedence() < own)?;
                write!(f, " {} ", op.as_str())?;
                rhs.fmt_child(f, rhs.precedence() <= own)
            }
            ExprKind::Compare { op, lhs, rhs, .. } => {
                lhs.fmt_child(f, lhs.precedence() < 5)?;
                write!(f, " {} ", op.as_str())?;
                rhs.fmt_child(f, rhs.precedence() < 5)
            }
            ExprKind::Call(call) => {
                write!(f, "{}(", call.func.name())?;
                for (i, arg) in call.args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{arg}")?;
                }
                f.write_str(")")
            }
        }
    }
}
