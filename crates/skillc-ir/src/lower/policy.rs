//! Pass 3d: policies — roles, rules, runners, capability limits.

use super::context::Cx;
use super::declare::Decls;
use crate::model::{Outcome, Policy, PolicyId, PolicyRule, Role, Runner, Spanned};
use crate::rules;
use skillc_diagnostics::{Span, did_you_mean};
use skillc_syntax::ast;

pub(crate) fn lower_policies(cx: &mut Cx<'_>, decls: &Decls<'_>) {
    for input in &decls.policies {
        let (file, fam, p) = (input.file, input.family, &input.body.value);
        let mut roles: Vec<Role> = Vec::new();
        for (name, members) in p.roles.iter().flatten() {
            cx.check_id(file, name, "role");
            roles.push(Role {
                name: Spanned::new(name.value.0.clone(), name.span(file)),
                members: members
                    .iter()
                    .map(|m| Spanned::new(m.value.clone(), m.span(file)))
                    .collect(),
            });
        }
        let role_names: Vec<String> = roles.iter().map(|r| r.name.value.clone()).collect();
        let find_role = |cx: &mut Cx<'_>, name: &str, span: Span| -> Option<usize> {
            let found = role_names.iter().position(|r| r == name);
            if found.is_none() {
                let help = did_you_mean(name, role_names.iter().map(String::as_str)).map_or_else(
                    || "declare the role under `policy.roles`".to_owned(),
                    |s| format!("did you mean `{s}`?"),
                );
                cx.emit(
                    rules::UNRESOLVED_REFERENCE
                        .finding(format!("unknown role `{name}`"))
                        .at(span, "no role of this name")
                        .with_help(help),
                );
            }
            found
        };
        let mut rules_out = Vec::new();
        for rule in p.rules.iter().flatten() {
            let m = &rule.matches.value;
            let family = m.family.as_ref().and_then(|f| {
                let span = f.span(file);
                cx.resolve_family(f.value.as_str(), span)
                    .map(|id| Spanned::new(id, span))
            });
            let outcome = match &rule.outcome.value {
                ast::Outcome::Auto => Outcome::Auto,
                ast::Outcome::Confirm => Outcome::Confirm,
                ast::Outcome::Deny => Outcome::Deny,
                ast::Outcome::Approve(a) => Outcome::Approve {
                    count: a.count.value,
                    roles: a
                        .roles
                        .iter()
                        .filter_map(|r| find_role(cx, r.value.as_str(), r.span(file)))
                        .collect(),
                },
            };
            rules_out.push(PolicyRule {
                risk: m.risk.as_ref().map(|r| r.value),
                family,
                layer: m.layer.as_ref().map(|l| l.value),
                scope: m.scope.as_ref().map(|s| s.value),
                outcome: Spanned::new(outcome, rule.outcome.span(file)),
                span: rule.span(file),
            });
        }
        let mut runners = Vec::new();
        for (role, patterns) in p.runners.iter().flatten() {
            let role_span = role.span(file);
            let Some(role_index) = find_role(cx, role.value.as_str(), role_span) else {
                continue;
            };
            let mut grants = Vec::new();
            for pat in patterns {
                let span = pat.span(file);
                if let Some(g) = runner_pattern(cx, &pat.value, span) {
                    grants.push(Spanned::new(g, span));
                }
            }
            runners.push(Runner {
                role: role_index,
                role_span,
                grants,
            });
        }
        let capabilities = p
            .capabilities
            .iter()
            .flatten()
            .map(|(layer, caps)| {
                (
                    Spanned::new(layer.value, layer.span(file)),
                    caps.iter()
                        .map(|c| Spanned::new(c.value, c.span(file)))
                        .collect(),
                )
            })
            .collect();
        let id = PolicyId::from_index(cx.ir.policies.len());
        cx.ir.policies.push(Policy {
            family: fam,
            span: input.body.span(file),
            roles,
            rules: rules_out,
            runners,
            capabilities,
        });
        cx.ir.families[fam.index()].policy = Some(id);
    }
}

type Grant = (
    Option<crate::model::FamilyId>,
    Option<crate::model::SkillId>,
);

/// `*`, `family/*` or `family/skill`.
fn runner_pattern(cx: &mut Cx<'_>, pat: &str, span: Span) -> Option<Grant> {
    if pat == "*" {
        return Some((None, None));
    }
    let Some((fam, skill)) = pat.split_once('/') else {
        cx.emit(
            rules::UNRESOLVED_REFERENCE
                .finding(format!("`{pat}` is not a skill pattern"))
                .at(span, "expected `family/skill`, `family/*` or `*`")
                .with_help("name skills with their family, e.g. `launchd-doctor/*`"),
        );
        return None;
    };
    let fid = cx.resolve_family(fam, span)?;
    if skill == "*" {
        return Some((Some(fid), None));
    }
    cx.resolve_skill(fid, skill, span)
        .map(|sid| (Some(fid), Some(sid)))
}
