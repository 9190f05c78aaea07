//! `skillc catalog`: every failure mode (skill) of the checked families, with its risk and the
//! approval the policy demands. The README's failure-mode table is this command's output.

use crate::cli::{CatalogArgs, CatalogFormat};
use crate::{exit, pipeline};
use skillc_backend_scripts::policy::{decide, strictness};
use skillc_ir::{Ir, Outcome, Risk, SkillId, StepKind};

struct Row {
    skill: String,
    family: String,
    symptom: String,
    severity: &'static str,
    risk: Option<Risk>,
    services: usize,
    approval: String,
}

fn severity(s: skillc_ir::SkillSeverity) -> &'static str {
    match s {
        skillc_ir::SkillSeverity::Low => "low",
        skillc_ir::SkillSeverity::Medium => "medium",
        skillc_ir::SkillSeverity::High => "high",
        skillc_ir::SkillSeverity::Critical => "critical",
    }
}

fn outcome_text(ir: &Ir, family: skillc_ir::FamilyId, o: Option<&Outcome>) -> String {
    match o {
        None => "uncovered".to_owned(),
        Some(Outcome::Auto) => "auto".to_owned(),
        Some(Outcome::Confirm) => "confirm".to_owned(),
        Some(Outcome::Deny) => "deny".to_owned(),
        Some(Outcome::Approve { count, roles }) => {
            let names: Vec<String> = ir
                .family(family)
                .policy
                .map(|p| {
                    roles
                        .iter()
                        .map(|&r| ir.policy(p).roles[r].name.value.clone())
                        .collect()
                })
                .unwrap_or_default();
            format!("approve {count} ({})", names.join(", "))
        }
    }
}

fn row(ir: &Ir, id: SkillId) -> Row {
    let skill = ir.skill(id);
    let steps = skill.all_steps();
    let risks: Vec<(Risk, skillc_ir::Target)> = steps
        .iter()
        .filter_map(|s| match &s.kind {
            StepKind::Action { risk, target, .. } => Some((*risk, *target)),
            _ => None,
        })
        .collect();
    // The strictest decision over every step and every service the skill applies to.
    let mut strictest: Option<(Option<Outcome>, skillc_ir::FamilyId)> = None;
    for &applied in &skill.targets {
        for &(risk, target) in &risks {
            let target = match target {
                skillc_ir::Target::Applied => applied,
                skillc_ir::Target::Service(s) => s,
            };
            let d = decide(ir, skill.family, risk, target);
            let family = d.policy.map_or(skill.family, |p| ir.policy(p).family);
            let key = |o: &Option<Outcome>| o.as_ref().map_or((4, 0), strictness);
            if strictest
                .as_ref()
                .is_none_or(|(o, _)| key(&d.outcome) > key(o))
            {
                strictest = Some((d.outcome, family));
            }
        }
    }
    Row {
        skill: skill.id.value.clone(),
        family: ir.family(skill.family).name.value.clone(),
        symptom: skill.title.replace('|', "\\|"),
        severity: severity(skill.severity),
        risk: risks.iter().map(|(r, _)| *r).max(),
        services: skill.targets.len(),
        approval: match &strictest {
            None => "—".to_owned(),
            Some((o, f)) => outcome_text(ir, *f, o.as_ref()),
        },
    }
}

pub(crate) fn markdown(ir: &Ir) -> String {
    let mut rows: Vec<Row> = ir.skill_ids().map(|id| row(ir, id)).collect();
    rows.sort_by(|a, b| (&a.family, &a.skill).cmp(&(&b.family, &b.skill)));
    let mut out = String::from(
        "| failure mode | family | symptom | severity | highest step risk | services | strictest approval |\n|---|---|---|---|---|---:|---|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            r.skill,
            r.family,
            r.symptom,
            r.severity,
            r.risk.map_or("—", Risk::as_str),
            r.services,
            r.approval
        ));
    }
    out
}

pub(crate) fn run(args: &CatalogArgs) -> u8 {
    let checked = pipeline::check(
        &crate::cli::family_paths(&args.paths),
        &pipeline::CheckOptions {
            cache: pipeline::Cache::Use,
            ..Default::default()
        },
    );
    if !checked.usage_errors.is_empty() {
        for e in &checked.usage_errors {
            eprintln!("skillc: error: {e}");
        }
        return exit::USAGE;
    }
    if checked.has_errors() {
        eprintln!("skillc: catalog refused: `skillc check` reports errors");
        return exit::FINDINGS;
    }
    let ir = checked.ir();
    match args.format {
        CatalogFormat::Markdown => print!("{}", markdown(ir)),
        CatalogFormat::Json => {
            let rows: Vec<_> = ir
                .skill_ids()
                .map(|id| {
                    let r = row(ir, id);
                    serde_json::json!({
                        "skill": format!("{}/{}", r.family, r.skill),
                        "title": ir.skill(id).title,
                        "severity": r.severity,
                        "highest_risk": r.risk.map(Risk::as_str),
                        "services": r.services,
                        "strictest_approval": r.approval,
                    })
                })
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&rows).unwrap_or_default()
            );
        }
    }
    exit::OK
}
