//! JSON text for the audit records and `--json` results.

use crate::resolve::domain;
use crate::script_path;
use skillc_backend_support::Domain;
use skillc_ir::{Ir, OnFailure, ServiceId, SkillId};

pub(super) fn json(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

/// The fields every audit record of this script carries (`skill` .. `domain`).
pub(super) fn static_fields(ir: &Ir, skill_id: SkillId, target: ServiceId) -> String {
    let skill = ir.skill(skill_id);
    let svc = ir.service(target);
    let fam = ir.family(skill.family);
    format!(
        "\"skill\":{},\"skill_version\":{},\"target\":{},\"label\":{},\"domain\":\"{}\"",
        json(&ir.skill_name(skill_id)),
        json(&fam.version.value),
        json(&ir.service_name(target)),
        json(&svc.label.value),
        match domain(svc) {
            Domain::System => "system",
            Domain::Gui | Domain::User(_) => "gui",
        }
    )
}

/// The `next` skill of an `on_failure: next`, with its script for this target, or `null`.
pub(super) fn next_skill(ir: &Ir, skill_id: SkillId, target: ServiceId) -> String {
    match &ir.skill(skill_id).on_failure.value {
        OnFailure::Next(n) => {
            let ns = ir.skill(*n);
            let path = ns
                .targets
                .contains(&target)
                .then(|| script_path(ir, *n, target));
            format!(
                "{{\"skill\":{},\"script\":{}}}",
                json(&ir.skill_name(*n)),
                path.map_or_else(|| "null".to_owned(), |p| json(&p))
            )
        }
        _ => "null".to_owned(),
    }
}
