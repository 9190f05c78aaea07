//! Pass 3b: declared actions (argv templates with typed parameters).

use super::context::Cx;
use super::declare::Decls;
use super::expr::Env;
use super::skills::lower_params;
use crate::model::{Action, ActionKind, ArgType, ParamSpec, Spanned};
use skillc_syntax::ast::ParamType;

pub(crate) fn arg_type(ty: ParamType) -> ArgType {
    match ty {
        ParamType::String => ArgType::String,
        ParamType::Path => ArgType::Path,
        ParamType::Int => ArgType::Int,
        ParamType::Bool => ArgType::Bool,
        ParamType::Duration => ArgType::Duration,
        ParamType::Service => ArgType::Target,
    }
}

pub(crate) fn lower_actions(cx: &mut Cx<'_>, decls: &Decls<'_>) {
    for item in &decls.actions {
        let (file, fam, a) = (item.file, item.family, &item.body.value);
        let params = lower_params(cx, fam, file, a.params.as_ref());
        let names: Vec<String> = params.iter().map(|p| p.name.value.clone()).collect();
        for arg in &a.argv {
            cx.check_placeholders(&arg.value, arg.span(file), &names);
        }
        let guard = a.guard.as_ref().map(|g| {
            cx.expr(
                fam,
                file,
                g,
                &Env {
                    params: Some(&params),
                },
            )
        });
        let timeout = a
            .timeout
            .as_ref()
            .and_then(|t| cx.duration(file, t))
            .map(|t| t.value);
        let action = Action {
            name: item.key.value.0.clone(),
            family: Some(fam),
            description: a.description.value.clone(),
            kind: ActionKind::Declared {
                argv: a
                    .argv
                    .iter()
                    .map(|s| Spanned::new(s.value.clone(), s.span(file)))
                    .collect(),
            },
            risk: a.risk.value,
            risk_from_step: false,
            needs_root: a.needs_root.as_ref().is_some_and(|n| n.value),
            params: params
                .iter()
                .map(|p| ParamSpec {
                    name: p.name.value.clone(),
                    ty: arg_type(p.ty),
                    required: p.default.is_none(),
                    default: p.default.as_ref().map(|d| d.value.clone()),
                    span: Some(p.name.span),
                })
                .collect(),
            guard,
            timeout,
            span: Some(item.key.span(file)),
        };
        cx.ir.actions.push(action);
    }
}
