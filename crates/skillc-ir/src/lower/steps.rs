//! Steps: exactly one of action / sequence / parallel / loop; ids unique within a skill.

use super::args::{ArgScope, lower_args};
use super::context::Cx;
use super::expr::Env;
use crate::model::{ArgValue, Spanned, Step, StepKind, Target};
use crate::rules;
use skillc_syntax::Sp;
use skillc_syntax::ast;
use std::collections::HashSet;

pub(crate) fn lower_steps(
    cx: &mut Cx<'_>,
    scope: &ArgScope<'_>,
    env: &Env<'_>,
    steps: &[Sp<ast::Step>],
    seen: &mut HashSet<String>,
) -> Vec<Step> {
    steps
        .iter()
        .filter_map(|s| lower_step(cx, scope, env, s, seen))
        .collect()
}

fn lower_step(
    cx: &mut Cx<'_>,
    scope: &ArgScope<'_>,
    env: &Env<'_>,
    step: &Sp<ast::Step>,
    seen: &mut HashSet<String>,
) -> Option<Step> {
    let file = scope.file;
    let s = &step.value;
    let span = step.span(file);
    let id_span = s.id.span(file);
    cx.check_id(file, &s.id, "step");
    if !seen.insert(s.id.value.0.clone()) {
        cx.emit(
            rules::DUPLICATE_ID
                .finding(format!(
                    "step `{}` is defined twice in this skill",
                    s.id.value
                ))
                .at(id_span, "defined again here")
                .with_help("step ids are unique within a skill (the audit log names steps by id)"),
        );
    }
    let forms = usize::from(s.action.is_some())
        + usize::from(s.sequence.is_some())
        + usize::from(s.parallel.is_some())
        + usize::from(s.loop_.is_some());
    if forms != 1 {
        cx.emit(
            rules::INVALID_STEP
                .finding(format!(
                    "step `{}` needs exactly one of `action`, `sequence`, `parallel`, `loop`",
                    s.id.value
                ))
                .at(
                    id_span,
                    if forms == 0 {
                        "this step does nothing"
                    } else {
                        "more than one kind"
                    },
                )
                .with_help("split it into several steps, or nest them in a `sequence:`"),
        );
        return None;
    }
    if s.with.is_some() && s.action.is_none() {
        cx.emit(
            rules::INVALID_STEP
                .finding("`with:` belongs to an `action:` step")
                .at(id_span, "not an action step")
                .with_help("move `with:` to the action step it configures"),
        );
    }
    let kind = if let Some(action) = &s.action {
        let aspan = action.span(file);
        let aid = cx.resolve_action(scope.family, &action.value, aspan)?;
        let args = lower_args(cx, scope, aid.index(), s.with.as_ref(), span);
        let stated = args.iter().find_map(|a| match a.value.value {
            ArgValue::Risk(r) if a.name.value == "risk" => Some(r),
            _ => None,
        });
        let target = args
            .iter()
            .find_map(|a| match a.value.value {
                ArgValue::Target(t) if a.name.value == "target" => Some(t),
                _ => None,
            })
            .unwrap_or(Target::Applied);
        let act = cx.ir.action(aid);
        let risk = if act.risk_from_step {
            stated.unwrap_or(act.risk)
        } else {
            act.risk
        };
        StepKind::Action {
            action: Spanned::new(aid, aspan),
            args,
            risk,
            target,
        }
    } else if let Some(seq) = &s.sequence {
        StepKind::Sequence(lower_steps(cx, scope, env, seq, seen))
    } else if let Some(par) = &s.parallel {
        StepKind::Parallel(lower_steps(cx, scope, env, par, seen))
    } else {
        let l = s.loop_.as_ref()?;
        StepKind::Loop {
            max: l.max.as_ref().map(|m| Spanned::new(m.value, m.span(file))),
            until: l
                .until
                .as_ref()
                .map(|u| cx.expr(scope.family, file, u, env)),
            backoff: l.backoff.as_ref().and_then(|b| cx.duration(file, b)),
            steps: lower_steps(cx, scope, env, &l.steps, seen),
            span: l.span(file),
        }
    };
    Some(Step {
        id: Spanned::new(s.id.value.0.clone(), id_span),
        description: s.description.as_ref().map(|d| d.value.clone()),
        kind,
        when: s.when.as_ref().map(|w| cx.expr(scope.family, file, w, env)),
        timeout: s.timeout.as_ref().and_then(|t| cx.duration(file, t)),
        span,
    })
}
