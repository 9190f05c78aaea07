//! The spanned expression tree and its canonical printing.

use skillc_diagnostics::Span;
use std::fmt;

/// One node of an expression. `span` is a byte range in the YAML file (see [`crate::Origin`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExprKind {
    Bool(bool),
    Int(i64),
    /// A string literal, escapes resolved.
    Str(String),
    /// A duration literal.
    Duration(Duration),
    /// The bare identifier `service`.
    Service,
    /// Prefix `!`.
    Not(Box<Expr>),
    /// `&&` or `||`.
    Logic {
        op: LogicOp,
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// One of `== != < <= > >=`.
    Compare {
        op: CmpOp,
        op_span: Span,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `name(args)`; `span` of the node covers the name through the closing parenthesis.
    Call(Call),
}

/// A function call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub name: String,
    pub name_span: Span,
    /// Each argument carries its own span.
    pub args: Vec<Expr>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogicOp {
    And,
    Or,
}

impl LogicOp {
    pub fn as_str(self) -> &'static str {
        match self {
            LogicOp::And => "&&",
            LogicOp::Or => "||",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }

    /// `==` and `!=`, which compare any two values of the same type (except services).
    pub fn is_equality(self) -> bool {
        matches!(self, CmpOp::Eq | CmpOp::Ne)
    }

    pub(crate) fn from_token(s: &str) -> Option<Self> {
        Some(match s {
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            "<" => CmpOp::Lt,
            "<=" => CmpOp::Le,
            ">" => CmpOp::Gt,
            ">=" => CmpOp::Ge,
            _ => return None,
        })
    }
}

/// A duration in milliseconds. Printed canonically as descending `h`, `m`, `s`, `ms` components
/// (`1h30m`, `250ms`, `0s`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Duration {
    pub millis: u64,
}

impl Duration {
    pub fn from_millis(millis: u64) -> Self {
        Self { millis }
    }

    pub fn as_std(self) -> std::time::Duration {
        std::time::Duration::from_millis(self.millis)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.millis == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.millis;
        for (unit, size) in [("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)] {
            let n = rest / size;
            rest %= size;
            if n > 0 {
                write!(f, "{n}{unit}")?;
            }
        }
        Ok(())
    }
}

impl Expr {
    /// The same tree with every span moved to `origin`: an expression parsed once at
    /// `Origin::exact(_, 0, len)` stands for the same text anywhere (parse caches use this).
    #[must_use]
    pub fn rebased(&self, origin: &crate::Origin) -> Expr {
        let at = |s: Span| origin.span(s.start as usize, s.end as usize);
        let kind = match &self.kind {
            ExprKind::Not(e) => ExprKind::Not(Box::new(e.rebased(origin))),
            ExprKind::Logic {
                op,
                op_span,
                lhs,
                rhs,
            } => ExprKind::Logic {
                op: *op,
                op_span: at(*op_span),
                lhs: Box::new(lhs.rebased(origin)),
                rhs: Box::new(rhs.rebased(origin)),
            },
            ExprKind::Compare {
                op,
                op_span,
                lhs,
                rhs,
            } => ExprKind::Compare {
                op: *op,
                op_span: at(*op_span),
                lhs: Box::new(lhs.rebased(origin)),
                rhs: Box::new(rhs.rebased(origin)),
            },
            ExprKind::Call(c) => ExprKind::Call(Call {
                name: c.name.clone(),
                name_span: at(c.name_span),
                args: c.args.iter().map(|a| a.rebased(origin)).collect(),
            }),
            leaf => leaf.clone(),
        };
        Expr {
            kind,
            span: at(self.span),
        }
    }

    /// Calls `f` on this node and every node below it, parents before children, left to right.
    pub fn visit<'a>(&'a self, f: &mut dyn FnMut(&'a Expr)) {
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
            | ExprKind::Service => {}
        }
    }

    /// Equality that ignores every span: the same tree, wherever it was written.
    pub fn same_structure(&self, other: &Expr) -> bool {
        match (&self.kind, &other.kind) {
            (ExprKind::Bool(a), ExprKind::Bool(b)) => a == b,
            (ExprKind::Int(a), ExprKind::Int(b)) => a == b,
            (ExprKind::Str(a), ExprKind::Str(b)) => a == b,
            (ExprKind::Duration(a), ExprKind::Duration(b)) => a == b,
            (ExprKind::Service, ExprKind::Service) => true,
            (ExprKind::Not(a), ExprKind::Not(b)) => a.same_structure(b),
            (
                ExprKind::Logic {
                    op: o1,
                    lhs: l1,
                    rhs: r1,
                    ..
                },
                ExprKind::Logic {
                    op: o2,
                    lhs: l2,
                    rhs: r2,
                    ..
                },
            ) => o1 == o2 && l1.same_structure(l2) && r1.same_structure(r2),
            (
                ExprKind::Compare {
                    op: o1,
                    lhs: l1,
                    rhs: r1,
                    ..
                },
                ExprKind::Compare {
                    op: o2,
                    lhs: l2,
                    rhs: r2,
                    ..
                },
            ) => o1 == o2 && l1.same_structure(l2) && r1.same_structure(r2),
            (ExprKind::Call(a), ExprKind::Call(b)) => {
                a.name == b.name
                    && a.args.len() == b.args.len()
                    && a.args.iter().zip(&b.args).all(|(x, y)| x.same_structure(y))
            }
            _ => false,
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

/// Writes `s` as a double-quoted literal, escaping `"` and `\`.
pub(crate) fn write_string_literal(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for ch in s.chars() {
        if ch == '"' || ch == '\\' {
            f.write_str("\\")?;
        }
        write!(f, "{ch}")?;
    }
    f.write_str("\"")
}

/// The canonical form: single spaces around binary operators, no space after `!` or inside calls
/// (`, ` between arguments), and only the parentheses the precedence needs, plus parentheses around
/// a comparison under `!` (`!(a == b)`) for readability. `parse` of this text gives the same tree.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ExprKind::Bool(b) => write!(f, "{b}"),
            ExprKind::Int(n) => write!(f, "{n}"),
            ExprKind::Str(s) => write_string_literal(f, s),
            ExprKind::Duration(d) => write!(f, "{d}"),
            ExprKind::Service => f.write_str("service"),
            ExprKind::Not(inner) => {
                f.write_str("!")?;
                let nested_not = matches!(inner.kind, ExprKind::Not(_));
                inner.fmt_child(f, !nested_not && inner.precedence() < 5)
            }
            ExprKind::Logic { op, lhs, rhs, .. } => {
                let own = self.precedence();
                // Left-associative: a left child of the same operator needs no parentheses.
                lhs.fmt_child(f, lhs.precedence() < own)?;
                write!(f, " {} ", op.as_str())?;
                rhs.fmt_child(f, rhs.precedence() <= own)
            }
            ExprKind::Compare { op, lhs, rhs, .. } => {
                // Non-associative, and operands are plain operands in the grammar.
                lhs.fmt_child(f, lhs.precedence() < 5)?;
                write!(f, " {} ", op.as_str())?;
                rhs.fmt_child(f, rhs.precedence() < 5)
            }
            ExprKind::Call(call) => {
                write!(f, "{}(", call.name)?;
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
