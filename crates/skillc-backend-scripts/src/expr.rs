//! Skill expressions (`detect`, `verify`, `when`, `until`, `guard`) → sh conditions.
//!
//! [`skillc_sh::ProbeCompiler`] compiles everything but `param(...)`. Parameters are resolved
//! first: a parameter with a compile-time value becomes a literal in the tree (so the probe
//! compiler quotes it); a run-time parameter (`--param NAME=VALUE`) is read from a shell
//! variable as `"$var"`, never spliced into code.

use skillc_diagnostics::Span;
use skillc_expr::{CmpOp, Expr, ExprKind, LogicOp};
use skillc_sh::{ProbeCompiler, ProbeError};
use std::collections::BTreeMap;

/// The value of a parameter inside an expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PVal {
    /// Known at compile time: a string, int or bool literal.
    Lit(ExprKind),
    /// Read at run time from the shell variable `var` (already validated; `int`: digits only).
    Var { var: String, int: bool },
}

pub(crate) type Params = BTreeMap<String, PVal>;

pub(crate) struct ExprCx<'p> {
    pub(crate) params: &'p Params,
    /// Index of the service `service` means.
    pub(crate) subject: usize,
    pub(crate) timeout: u64,
}

fn err(span: Span, m: impl Into<String>) -> ProbeError {
    ProbeError {
        message: m.into(),
        span,
    }
}

fn sentinel(var: &str) -> String {
    format!("@@skillc-param-{var}@@")
}

/// Replaces `param("x")` with its literal, or (runtime) with a sentinel string literal when
/// `sentinels` is set; errors on unknown names.
fn subst(e: &Expr, cx: &ExprCx<'_>, sentinels: bool) -> Result<Expr, ProbeError> {
    let kind = match &e.kind {
        ExprKind::Call(c) if c.name == "param" => {
            let Some(ExprKind::Str(name)) = c.args.first().map(|a| &a.kind) else {
                return Err(err(e.span, "`param` needs a literal parameter name"));
            };
            match cx.params.get(name) {
                Some(PVal::Lit(k)) => k.clone(),
                Some(PVal::Var { var, .. }) if sentinels => ExprKind::Str(sentinel(var)),
                Some(PVal::Var { .. }) => e.kind.clone(),
                None => return Err(err(e.span, format!("`{name}` names no parameter"))),
            }
        }
        ExprKind::Call(c) => {
            let mut c = c.clone();
            for a in &mut c.args {
                *a = subst(a, cx, sentinels)?;
            }
            ExprKind::Call(c)
        }
        ExprKind::Not(i) => ExprKind::Not(Box::new(subst(i, cx, sentinels)?)),
        ExprKind::Logic {
            op,
            op_span,
            lhs,
            rhs,
        } => ExprKind::Logic {
            op: *op,
            op_span: *op_span,
            lhs: Box::new(subst(lhs, cx, sentinels)?),
            rhs: Box::new(subst(rhs, cx, sentinels)?),
        },
        ExprKind::Compare {
            op,
            op_span,
            lhs,
            rhs,
        } => ExprKind::Compare {
            op: *op,
            op_span: *op_span,
            lhs: Box::new(subst(lhs, cx, sentinels)?),
            rhs: Box::new(subst(rhs, cx, sentinels)?),
        },
        k => k.clone(),
    };
    Ok(Expr { kind, span: e.span })
}

/// Whether the (substituted) tree still reads a run-time parameter.
fn has_runtime(e: &Expr) -> bool {
    let mut found = false;
    e.visit(&mut |n| {
        if let ExprKind::Call(c) = &n.kind
            && c.name == "param"
        {
            found = true;
        }
    });
    found
}

fn runtime_var<'a>(e: &Expr, cx: &'a ExprCx<'_>) -> Option<(&'a str, bool)> {
    let ExprKind::Call(c) = &e.kind else {
        return None;
    };
    if c.name != "param" {
        return None;
    }
    let Some(ExprKind::Str(name)) = c.args.first().map(|a| &a.kind) else {
        return None;
    };
    match cx.params.get(name) {
        Some(PVal::Var { var, int }) => Some((var.as_str(), *int)),
        _ => None,
    }
}

/// Compiles with the probe compiler, substituting run-time parameters through sentinels.
fn via_sentinels(
    pc: &mut ProbeCompiler<'_>,
    e: &Expr,
    cx: &ExprCx<'_>,
) -> Result<String, ProbeError> {
    let s = subst(e, cx, true)?;
    let mut out = pc.condition(&s, cx.subject, cx.timeout).map_err(|e| {
        if e.message.contains("@@skillc-param-") {
            err(
                e.span,
                "a run-time parameter cannot be used here (give it a default to fix it at compile time)",
            )
        } else {
            e
        }
    })?;
    for v in cx.params.values() {
        if let PVal::Var { var, .. } = v {
            out = out.replace(&skillc_sh::quote(&sentinel(var)), &format!("\"${var}\""));
        }
    }
    if out.contains("@@skillc-param-") {
        return Err(err(
            e.span,
            "a run-time parameter cannot be used here (give it a default to fix it at compile time)",
        ));
    }
    Ok(out)
}

/// A boolean expression → an sh command list whose status is its truth.
pub(crate) fn condition(
    pc: &mut ProbeCompiler<'_>,
    e: &Expr,
    cx: &ExprCx<'_>,
) -> Result<String, ProbeError> {
    let e = subst(e, cx, false)?;
    cond(pc, &e, cx)
}

fn cond(pc: &mut ProbeCompiler<'_>, e: &Expr, cx: &ExprCx<'_>) -> Result<String, ProbeError> {
    if !has_runtime(e) {
        return pc.condition(e, cx.subject, cx.timeout);
    }
    match &e.kind {
        ExprKind::Not(inner) => Ok(format!("! {}", grouped(pc, inner, cx)?)),
        ExprKind::Logic { op, lhs, rhs, .. } => {
            let l = grouped(pc, lhs, cx)?;
            let r = grouped(pc, rhs, cx)?;
            let op = match op {
                LogicOp::And => "&&",
                LogicOp::Or => "||",
            };
            Ok(format!("{l} {op} {r}"))
        }
        ExprKind::Compare { op, lhs, rhs, .. } => {
            let l = int_word(pc, lhs, cx)?;
            let r = int_word(pc, rhs, cx)?;
            Ok(format!("[ {l} {} {r} ]", test_op(*op)))
        }
        ExprKind::Call(c) if c.name == "port_free" => {
            match c.args.first().and_then(|a| runtime_var(a, cx)) {
                Some((var, true)) => Ok(format!(
                    "{{ ! nc -z -G {} -- 127.0.0.1 \"${var}\" >/dev/null 2>&1; }}",
                    cx.timeout
                )),
                _ => Err(err(e.span, "`port_free` needs an int port")),
            }
        }
        _ => via_sentinels(pc, e, cx),
    }
}

fn grouped(pc: &mut ProbeCompiler<'_>, e: &Expr, cx: &ExprCx<'_>) -> Result<String, ProbeError> {
    let c = cond(pc, e, cx)?;
    Ok(match e.kind {
        ExprKind::Logic { .. } | ExprKind::Not(_) => format!("{{ {c}; }}"),
        _ => c,
    })
}

fn test_op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "-eq",
        CmpOp::Ne => "-ne",
        CmpOp::Lt => "-lt",
        CmpOp::Le => "-le",
        CmpOp::Gt => "-gt",
        CmpOp::Ge => "-ge",
    }
}

/// An integer operand as one sh word.
fn int_word(pc: &mut ProbeCompiler<'_>, e: &Expr, cx: &ExprCx<'_>) -> Result<String, ProbeError> {
    if let Some((var, int)) = runtime_var(e, cx) {
        return if int {
            Ok(format!("\"${var}\""))
        } else {
            Err(err(e.span, "only int parameters can be compared"))
        };
    }
    match &e.kind {
        ExprKind::Int(n) => Ok(n.to_string()),
        ExprKind::Bool(b) => Ok(if *b { "1" } else { "0" }.to_owned()),
        _ => {
            // The probe compiler's own operand word: compile `e == 0` and take the left side.
            let probe = Expr {
                kind: ExprKind::Compare {
                    op: CmpOp::Eq,
                    op_span: e.span,
                    lhs: Box::new(e.clone()),
                    rhs: Box::new(Expr {
                        kind: ExprKind::Int(0),
                        span: e.span,
                    }),
                },
                span: e.span,
            };
            let c = via_sentinels(pc, &probe, cx)?;
            c.strip_prefix("[ ")
                .and_then(|c| c.strip_suffix(" -eq 0 ]"))
                .map(str::to_owned)
                .ok_or_else(|| err(e.span, "this operand cannot be compared in a script"))
        }
    }
}
