//! Pass 2: give every service, action and skill an id, and report duplicates across files.

use super::context::Cx;
use super::families::FamilyInput;
use crate::model::{ActionId, FamilyId, ServiceId, SkillId};
use skillc_diagnostics::{FileId, Span};
use skillc_syntax::Sp;
use skillc_syntax::ast::{ActionDecl, Id, Policy, Service, Skill};
use std::collections::HashMap;

pub(crate) struct Item<'l, T> {
    pub(crate) family: FamilyId,
    pub(crate) file: FileId,
    pub(crate) key: &'l Sp<Id>,
    pub(crate) body: &'l Sp<T>,
}

pub(crate) struct PolicyInput<'l> {
    pub(crate) family: FamilyId,
    pub(crate) file: FileId,
    pub(crate) body: &'l Sp<Policy>,
}

/// Declarations in id order: `services[i]` becomes `ServiceId(i)`, and so on.
pub(crate) struct Decls<'l> {
    pub(crate) services: Vec<Item<'l, Service>>,
    pub(crate) actions: Vec<Item<'l, ActionDecl>>,
    pub(crate) skills: Vec<Item<'l, Skill>>,
    pub(crate) policies: Vec<PolicyInput<'l>>,
}

pub(crate) fn declare<'l>(cx: &mut Cx<'_>, fams: &[FamilyInput<'l>]) -> Decls<'l> {
    let services: usize = fams
        .iter()
        .flat_map(|f| &f.loaded.files)
        .map(|pf| pf.doc.services.as_ref().map_or(0, indexmap::IndexMap::len))
        .sum();
    cx.service_by_name.reserve(services);
    cx.service_family.reserve(services);
    cx.service_by_bus.reserve(services);
    let mut decls = Decls {
        services: Vec::with_capacity(services),
        actions: Vec::new(),
        skills: Vec::new(),
        policies: Vec::new(),
    };
    let builtin_count = cx.ir.actions.len();
    for fam in fams {
        let mut first_span: HashMap<(&str, String), Span> = HashMap::new();
        let mut policy_span: Option<Span> = None;
        for pf in &fam.loaded.files {
            let file = pf.file;
            for (key, body) in pf.doc.services.iter().flatten() {
                if !declare_one(cx, &mut first_span, "service", file, key) {
                    continue;
                }
                let id = ServiceId::from_index(decls.services.len());
                cx.service_by_name.insert((fam.id, key.value.0.clone()), id);
                cx.service_family.push(fam.id);
                if let Some(bus) = &body.bus {
                    cx.service_by_bus
                        .entry(bus.value.to_lowercase())
                        .or_insert(id);
                }
                decls.services.push(Item {
                    family: fam.id,
                    file,
                    key,
                    body,
                });
            }
            for (key, body) in pf.doc.actions.iter().flatten() {
                if !declare_one(cx, &mut first_span, "action", file, key) {
                    continue;
                }
                let id = ActionId::from_index(builtin_count + decls.actions.len());
                cx.action_by_name
                    .insert((Some(fam.id), key.value.0.clone()), id);
                decls.actions.push(Item {
                    family: fam.id,
                    file,
                    key,
                    body,
                });
            }
            for (key, body) in pf.doc.skills.iter().flatten() {
                if !declare_one(cx, &mut first_span, "skill", file, key) {
                    continue;
                }
                let id = SkillId::from_index(decls.skills.len());
                cx.skill_by_name.insert((fam.id, key.value.0.clone()), id);
                decls.skills.push(Item {
                    family: fam.id,
                    file,
                    key,
                    body,
                });
            }
            if let Some(policy) = &pf.doc.policy {
                let span = policy.span(file);
                if let Some(first) = policy_span {
                    cx.duplicate(
                        "policy of family",
                        &cx.ir.family(fam.id).name.value.clone(),
                        span,
                        first,
                    );
                    continue;
                }
                policy_span = Some(span);
                decls.policies.push(PolicyInput {
                    family: fam.id,
                    file,
                    body: policy,
                });
            }
        }
    }
    decls
}

/// Checks the id and registers it; false when it is a duplicate (reported).
fn declare_one(
    cx: &mut Cx<'_>,
    first_span: &mut HashMap<(&str, String), Span>,
    what: &'static str,
    file: FileId,
    key: &Sp<Id>,
) -> bool {
    // An invalid id is reported but still declared, so references to it do not cascade.
    cx.check_id(file, key, what);
    let span = key.span(file);
    let name = key.value.0.clone();
    if let Some(&first) = first_span.get(&(what, name.clone())) {
        cx.duplicate(what, &name, span, first);
        return false;
    }
    first_span.insert((what, name), span);
    true
}
