//! Service facts for scripts: domains, the probe compiler's resolver, placeholder expansion.

use crate::expr::{PVal, Params};
use skillc_expr::ExprKind;
use skillc_expr::{Call, Expr, Type};
use skillc_ir::{FamilyId, Ir, Service};
use skillc_sh::{Command, Domain, Dq, Word};

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

/// Expands `{service.FIELD}` (of `svc`) and `{param.NAME}` (through `param`) in `template`, as
/// one sh word. Unknown placeholders stay literal (lowering already reported them).
pub(crate) fn expand(template: &str, svc: &Service, param: &dyn Fn(&str) -> Option<Word>) -> Word {
    let mut out = Word::default();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + close];
        out.push_lit(&rest[..open]);
        let value = match inner.split_once('.') {
            Some(("service", f)) => service_field(svc, f).map(Word::lit),
            Some(("param", n)) => param(n),
            _ => None,
        };
        match value {
            Some(v) => out.push(v),
            None => out.push_lit(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_lit(rest);
    out
}

/// A skill parameter's value as an sh word.
pub(crate) fn param_word(params: &Params, name: &str) -> Option<Word> {
    Some(match params.get(name)? {
        PVal::Lit(ExprKind::Str(s)) => Word::lit(s.clone()),
        PVal::Lit(ExprKind::Int(n)) => Word::lit(n.to_string()),
        PVal::Lit(ExprKind::Bool(b)) => Word::lit(b.to_string()),
        PVal::Lit(ExprKind::Duration(d)) => Word::lit(d.to_string()),
        PVal::Lit(_) => Word::default(),
        PVal::Var { var, .. } => Word::var(var.clone()),
    })
}

/// A launchd domain as one sh word (`'system'`, `"gui/$(id -u)"`).
pub(crate) fn domain_word(d: Domain) -> Word {
    match d {
        Domain::System => Word::lit("system"),
        Domain::Gui => Word::quoted(vec![
            Dq::text("gui/"),
            Dq::Subst(Command::new("id").flag("-u")),
        ]),
    }
}

/// The service target `<domain>/<label>` as one sh word.
pub(crate) fn target_word(d: Domain, label: &str) -> Word {
    match d {
        Domain::System => Word::lit(format!("system/{label}")),
        Domain::Gui => {
            let mut w = Word::quoted(vec![
                Dq::text("gui/"),
                Dq::Subst(Command::new("id").flag("-u")),
                Dq::text("/"),
            ]);
            w.push_lit(label);
            w
        }
    }
}
