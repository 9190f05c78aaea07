//! Pass 3c: skills — parameters, selectors, expressions, steps, on-failure.

use super::args::ArgScope;
use super::context::Cx;
use super::declare::{Decls, Item};
use super::expr::Env;
use super::refs::Reach;
use super::steps::lower_steps;
use crate::expr::Expr;
use crate::model::{AppliesTo, ArgValue, FamilyId, OnFailure, Param, ServiceId, Skill, Spanned};
use crate::rules;
use indexmap::IndexMap;
use skillc_diagnostics::FileId;
use skillc_syntax::Sp;
use skillc_syntax::ast::{self, Id, ParamDecl, ParamType, ScalarValue};
use std::collections::{HashMap, HashSet};

/// A parameter's value as written (a `default`, or a service's `params:` entry), checked against
/// the parameter's type; `what` names it in the messages.
fn typed_value(
    cx: &mut Cx<'_>,
    file: FileId,
    ty: ParamType,
    d: &Sp<ScalarValue>,
    what: &str,
) -> Option<Spanned<ArgValue>> {
    let span = d.span(file);
    let value = match (ty, &d.value) {
        (ParamType::Bool, ScalarValue::Bool(b)) => Some(ArgValue::Bool(*b)),
        (ParamType::Int, ScalarValue::Int(i)) => Some(ArgValue::Int(*i)),
        (ParamType::String | ParamType::Path | ParamType::Service, ScalarValue::String(s))
            if s.contains('\0') =>
        {
            // It can only reach a command, a file name or an environment value.
            cx.emit(
                rules::ACTION_ARGUMENT
                    .finding("a NUL character cannot be passed to a command")
                    .at(span, "holds NUL")
                    .with_help("a parameter's value reaches commands and file names, which cannot carry NUL; remove it"),
            );
            None
        }
        (ParamType::String | ParamType::Path | ParamType::Service, ScalarValue::String(s)) => {
            cx.check_placeholders(s, span, &[]);
            Some(ArgValue::String(s.clone()))
        }
        (ParamType::Duration, ScalarValue::String(s)) => {
            let text = Sp::new(ast::DurationText(s.clone()), d.start, d.end);
            cx.duration(file, &text)
                .map(|v| ArgValue::Duration(v.value))
        }
        (ty, _) => {
            cx.emit(
                rules::ACTION_ARGUMENT
                    .finding(format!("{what} does not fit type `{}`", ty.as_str()))
                    .at(span, "wrong type")
                    .with_help(format!("write a {} {what}, or change `type:`", ty.as_str())),
            );
            None
        }
    };
    value.map(|v| Spanned::new(v, span))
}

pub(crate) fn lower_params(
    cx: &mut Cx<'_>,
    _family: FamilyId,
    file: FileId,
    params: Option<&IndexMap<Sp<Id>, Sp<ParamDecl>>>,
) -> Vec<Param> {
    let mut out = Vec::new();
    for (name, decl) in params.into_iter().flatten() {
        cx.check_id(file, name, "parameter");
        let default = decl
            .default
            .as_ref()
            .and_then(|d| typed_value(cx, file, decl.ty.value, d, "default"));
        out.push(Param {
            name: Spanned::new(name.value.0.clone(), name.span(file)),
            ty: decl.ty.value,
            default,
        });
    }
    out
}

pub(crate) fn lower_skills(cx: &mut Cx<'_>, decls: &Decls<'_>) {
    cx.ir.skills.reserve_exact(decls.skills.len());
    for item in &decls.skills {
        let skill = lower_skill(cx, item);
        cx.ir.skills.push(skill);
    }
    let scope = Candidates::new(&cx.ir);
    let targets: Vec<Vec<ServiceId>> = (0..cx.ir.skills.len())
        .map(|i| select(cx, &scope, i))
        .collect();
    for (skill, t) in cx.ir.skills.iter_mut().zip(targets) {
        skill.targets = t;
    }
    bind_service_params(cx, decls);
}

/// Each service's `params:` values, for every skill applied to it that declares the name, checked
/// against that parameter's type (once per service, name and type); a name no such skill declares
/// is `unused-param`.
fn bind_service_params(cx: &mut Cx<'_>, decls: &Decls<'_>) {
    let mut used: HashSet<(usize, String)> = HashSet::new();
    let mut checked: HashMap<(usize, String, ParamType), Option<Spanned<ArgValue>>> =
        HashMap::new();
    for k in 0..cx.ir.skills.len() {
        let mut bindings = Vec::new();
        let (targets, params): (Vec<ServiceId>, Vec<(String, ParamType)>) = {
            let skill = &cx.ir.skills[k];
            (
                skill.targets.clone(),
                skill
                    .params
                    .iter()
                    .map(|p| (p.name.value.clone(), p.ty))
                    .collect(),
            )
        };
        for t in targets {
            let Some(item) = decls.services.get(t.index()) else {
                continue;
            };
            let Some(values) = item.body.value.params.as_ref() else {
                continue;
            };
            for (pi, (name, ty)) in params.iter().enumerate() {
                let Some(v) = values
                    .iter()
                    .find(|(n, _)| n.value.0 == *name)
                    .map(|(_, v)| v)
                else {
                    continue;
                };
                used.insert((t.index(), name.clone()));
                let value = checked
                    .entry((t.index(), name.clone(), *ty))
                    .or_insert_with(|| typed_value(cx, item.file, *ty, v, "value"))
                    .clone();
                if let Some(value) = value {
                    bindings.push(crate::model::Binding {
                        target: t,
                        param: pi,
                        value,
                    });
                }
            }
        }
        cx.ir.skills[k].bindings = bindings;
    }
    for (i, item) in decls.services.iter().enumerate() {
        for (name, _) in item.body.value.params.iter().flatten() {
            cx.check_id(item.file, name, "parameter");
            if !used.contains(&(i, name.value.0.clone())) {
                cx.emit(
                    rules::UNUSED_PARAM
                        .finding(format!(
                            "no skill applied to `{}` declares a parameter `{}`",
                            item.key.value.0, name.value.0
                        ))
                        .at(name.span(item.file), "sets nothing")
                        .with_help("name a parameter of a skill applied to this service (`skillc catalog` lists them), or remove the entry"),
                );
            }
        }
    }
}

fn lower_skill(cx: &mut Cx<'_>, item: &Item<'_, ast::Skill>) -> Skill {
    let (file, fam, s) = (item.file, item.family, &item.body.value);
    let params = lower_params(cx, fam, file, s.params.as_ref());
    let env = Env {
        params: Some(&params),
    };
    let detect = cx.expr(fam, file, &s.detect, &env);
    let (verify, verify_defaulted) = match &s.verify {
        Some(v) => (cx.expr(fam, file, v, &env), false),
        None => (Expr::ready_of_subject(item.key.span(file)), true),
    };
    let names: Vec<String> = params.iter().map(|p| p.name.value.clone()).collect();
    let scope = ArgScope {
        family: fam,
        file,
        params: &names,
    };
    let mut seen = HashSet::new();
    let diagnose = lower_steps(
        cx,
        &scope,
        &env,
        s.diagnose.as_deref().unwrap_or_default(),
        &mut seen,
    );
    let remediate = lower_steps(cx, &scope, &env, &s.remediate, &mut seen);
    let on_failure = match &s.on_failure {
        None => Spanned::new(OnFailure::Escalate, item.key.span(file)),
        Some(o) => {
            let span = o.span(file);
            let v = match &o.value {
                ast::OnFailure::Escalate => OnFailure::Escalate,
                ast::OnFailure::Stop => OnFailure::Stop,
                ast::OnFailure::Next(next) => {
                    match cx.resolve_skill(fam, next.value.as_str(), next.span(file)) {
                        Some(id) => OnFailure::Next(id),
                        None => OnFailure::Escalate,
                    }
                }
            };
            Spanned::new(v, span)
        }
    };
    let a = &s.applies_to.value;
    let applies_to = AppliesTo {
        services: a.services.as_ref().map(|refs| {
            refs.iter()
                .filter_map(|r| {
                    let span = r.span(file);
                    cx.resolve_service(fam, r.value.as_str(), span, Reach::ImportsAndImporters)
                        .map(|id| Spanned::new(id, span))
                })
                .collect()
        }),
        families: a.families.as_ref().map(|names| {
            names
                .iter()
                .filter_map(|n| {
                    let span = n.span(file);
                    cx.resolve_family(n.value.as_str(), span)
                        .map(|id| Spanned::new(id, span))
                })
                .collect()
        }),
        layers: a
            .layers
            .as_ref()
            .map(|v| v.iter().map(|l| l.value).collect()),
        scopes: a
            .scopes
            .as_ref()
            .map(|v| v.iter().map(|l| l.value).collect()),
        tags: a
            .tags
            .as_ref()
            .map(|v| v.iter().map(|t| t.value.clone()).collect()),
        span: s.applies_to.span(file),
    };
    Skill {
        id: Spanned::new(item.key.value.0.clone(), item.key.span(file)),
        family: fam,
        title: s.title.value.clone(),
        description: s.description.as_ref().map(|d| d.value.clone()),
        severity: s.severity.value,
        applies_to,
        params,
        detect,
        diagnose,
        remediate,
        verify,
        verify_defaulted,
        on_failure,
        timeout: s.timeout.as_ref().and_then(|t| cx.duration(file, t)),
        targets: Vec::new(),
        bindings: Vec::new(),
    }
}

/// The services a skill applies to: those of its own family and of every family importing it,
/// filtered by the selector.
/// The services a skill of each family may apply to: those of the family itself and of every
/// family that imports it, grouped by family (so `select` looks at hundreds of services, not every
/// service of a 10,000-service repository for each skill).
struct Candidates {
    by_family: Vec<Vec<ServiceId>>,
    /// Family → itself and the families importing it.
    visible_to: Vec<Vec<FamilyId>>,
}

impl Candidates {
    fn new(ir: &crate::model::Ir) -> Self {
        let n = ir.families.len();
        let mut by_family = vec![Vec::new(); n];
        for sid in ir.service_ids() {
            if let Some(v) = by_family.get_mut(ir.service(sid).family.index()) {
                v.push(sid);
            }
        }
        let mut visible_to: Vec<Vec<FamilyId>> =
            (0..n).map(|i| vec![FamilyId::from_index(i)]).collect();
        for (i, fam) in ir.families.iter().enumerate() {
            for imported in &fam.imports {
                if let Some(v) = visible_to.get_mut(imported.value.index()) {
                    v.push(FamilyId::from_index(i));
                }
            }
        }
        for v in &mut visible_to {
            v.sort_unstable();
            v.dedup();
        }
        Self {
            by_family,
            visible_to,
        }
    }
}

/// The services `applies_to` selects among those the skill's family can see, in service order.
fn select(cx: &Cx<'_>, scope: &Candidates, index: usize) -> Vec<ServiceId> {
    let skill = &cx.ir.skills[index];
    let a = &skill.applies_to;
    let mut out: Vec<ServiceId> = scope
        .visible_to
        .get(skill.family.index())
        .into_iter()
        .flatten()
        .filter_map(|f| scope.by_family.get(f.index()))
        .flatten()
        .copied()
        .filter(|&sid| {
            let svc = cx.ir.service(sid);
            a.services
                .as_ref()
                .is_none_or(|v| v.iter().any(|s| s.value == sid))
                && a.families
                    .as_ref()
                    .is_none_or(|v| v.iter().any(|f| f.value == svc.family))
                && a.layers
                    .as_ref()
                    .is_none_or(|v| v.contains(&svc.layer.value))
                && a.scopes
                    .as_ref()
                    .is_none_or(|v| v.contains(&svc.scope.value))
                && a.tags
                    .as_ref()
                    .is_none_or(|v| svc.tags.iter().any(|t| v.contains(&t.value)))
        })
        .collect();
    out.sort_unstable();
    out
}
