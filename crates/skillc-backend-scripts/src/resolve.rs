//! Service facts for scripts: domains, the probe compiler's resolver, placeholder expansion.

use crate::expr::{PVal, Params};
use skillc_expr::ExprKind;
use skillc_expr::{Call, Expr, Type};
use skillc_ir::{FamilyId, Ir, Service};
use skillc_sh::quote;

pub(crate) use skillc_backend_support::{ceil_secs, domain};

/// `expr` with every bare service reference in a service position (`ready("bus")`) qualified
/// with `home`'s name (`ready("foundation-core/bus")`): the probe compiler resolves bare names
/// relative to the service a probe runs for, which for a skill imported from another family is
/// the wrong family. Lowering has already checked that every reference resolves from `home`.
pub(crate) fn qualify(expr: &Expr, ir: &Ir, home: FamilyId) -> Expr {
    let kind = match &expr.kind {
        ExprKind::Call(c) => {
            let function = skillc_expr::function(&c.name);
            let args = c
                .args
                .iter()
                .enumerate()
                .map(|(i, a)| match &a.kind {
                    ExprKind::Str(s)
                        if function
                            .and_then(|f| f.param_at(i))
                            .is_some_and(|p| p.ty == Type::Service)
                            && !s.contains('/')
                            && !s.starts_with("bus:") =>
                    {
                        Expr {
                            kind: ExprKind::Str(format!("{}/{s}", ir.family(home).name.value)),
                            span: a.span,
                        }
                    }
                    _ => qualify(a, ir, home),
                })
                .collect();
            ExprKind::Call(Call {
                name: c.name.clone(),
                name_span: c.name_span,
                args,
            })
        }
        ExprKind::Not(e) => ExprKind::Not(Box::new(qualify(e, ir, home))),
        ExprKind::Logic {
            op,
            op_span,
            lhs,
            rhs,
        } => ExprKind::Logic {
            op: *op,
            op_span: *op_span,
            lhs: Box::new(qualify(lhs, ir, home)),
            rhs: Box::new(qualify(rhs, ir, home)),
        },
        ExprKind::Compare {
            op,
            op_span,
            lhs,
            rhs,
        } => ExprKind::Compare {
            op: *op,
            op_span: *op_span,
            lhs: Box::new(qualify(lhs, ir, home)),
            rhs: Box::new(qualify(rhs, ir, home)),
        },
        leaf => leaf.clone(),
    };
    Expr {
        kind,
        span: expr.span,
    }
}

pub(crate) use skillc_backend_support::IrResolver;

/// A piece of one sh word: literal text or a shell variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    Lit(String),
    Var(String),
}

/// Pieces → one sh word (`'lit'"$var"...`; `''` when empty).
pub(crate) fn render(pieces: &[Piece]) -> String {
    if pieces.is_empty() {
        return "''".to_owned();
    }
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Lit(s) => out.push_str(&quote(s)),
            Piece::Var(v) => {
                out.push_str("\"$");
                out.push_str(v);
                out.push('"');
            }
        }
    }
    out
}

/// Pieces → text for people (`<name>` for a run-time value), control characters escaped.
pub(crate) fn display(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Lit(s) => out.push_str(s),
            Piece::Var(v) => {
                out.push('<');
                out.push_str(v);
                out.push('>');
            }
        }
    }
    skillc_sh::comment_text(&out)
}

/// The literal text when every piece is literal.
pub(crate) fn literal(pieces: &[Piece]) -> Option<String> {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Lit(s) => out.push_str(s),
            Piece::Var(_) => return None,
        }
    }
    Some(out)
}

fn push(out: &mut Vec<Piece>, p: Piece) {
    if let (Piece::Lit(s), Some(Piece::Lit(last))) = (&p, out.last_mut()) {
        last.push_str(s);
        return;
    }
    if p != Piece::Lit(String::new()) {
        out.push(p);
    }
}

/// A service field a placeholder may read; absent optional fields are empty.
pub(crate) fn service_field(s: &Service, field: &str) -> Option<String> {
    let opt = |o: &Option<skillc_ir::Spanned<String>>| {
        o.as_ref().map(|v| v.value.clone()).unwrap_or_default()
    };
    Some(match field {
        "id" => s.id.value.clone(),
        "label" => s.label.value.clone(),
        "bus" => opt(&s.bus),
        "program" => s.run.program.value.clone(),
        "stdout" => opt(&s.run.stdout),
        "stderr" => opt(&s.run.stderr),
        "working_dir" => opt(&s.run.working_dir),
        _ => return None,
    })
}

/// Expands `{service.FIELD}` (of `svc`) and `{param.NAME}` (through `param`) in `template`.
/// Unknown placeholders stay literal (lowering already reported them).
pub(crate) fn expand(
    template: &str,
    svc: &Service,
    param: &dyn Fn(&str) -> Option<Vec<Piece>>,
) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + close];
        push(&mut out, Piece::Lit(rest[..open].to_owned()));
        let value = match inner.split_once('.') {
            Some(("service", f)) => service_field(svc, f).map(|v| vec![Piece::Lit(v)]),
            Some(("param", n)) => param(n),
            _ => None,
        };
        match value {
            Some(v) => {
                for p in v {
                    push(&mut out, p);
                }
            }
            None => push(&mut out, Piece::Lit(rest[open..=open + close].to_owned())),
        }
        rest = &rest[open + close + 1..];
    }
    push(&mut out, Piece::Lit(rest.to_owned()));
    out
}

/// A skill parameter's value as pieces.
pub(crate) fn param_pieces(params: &Params, name: &str) -> Option<Vec<Piece>> {
    Some(match params.get(name)? {
        PVal::Lit(ExprKind::Str(s)) => vec![Piece::Lit(s.clone())],
        PVal::Lit(ExprKind::Int(n)) => vec![Piece::Lit(n.to_string())],
        PVal::Lit(ExprKind::Bool(b)) => vec![Piece::Lit(b.to_string())],
        PVal::Lit(ExprKind::Duration(d)) => vec![Piece::Lit(d.to_string())],
        PVal::Lit(_) => vec![],
        PVal::Var { var, .. } => vec![Piece::Var(var.clone())],
    })
}
