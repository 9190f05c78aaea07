use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::Outcome;
use std::collections::BTreeSet;

declare_rule! {
    /// # policy-unsatisfiable
    ///
    /// ## What it does
    /// Reports an `approve` outcome that asks for more approvals than there are people in its
    /// roles: `count` is larger than the number of distinct members of the listed roles together
    /// (a person in two of the roles counts once).
    ///
    /// ## Why
    /// Approvals must come from different people. A step that needs three approvals from a role
    /// of two can never run, so the rule is a `deny` in disguise, and one that nobody notices
    /// until the night it is needed.
    ///
    /// ## Bad
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   web:
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   web-down:
    ///     title: The web app does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   roles:
    ///     ops: [alice, bob]
    ///     oncall: [bob]
    ///   rules:
    ///     - { match: {}, outcome: { approve: { count: 3, roles: [ops, oncall] } } }
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   web:
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   web-down:
    ///     title: The web app does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   roles:
    ///     ops: [alice, bob]
    ///     oncall: [bob, carol]
    ///   rules:
    ///     - { match: {}, outcome: { approve: { count: 3, roles: [ops, oncall] } } }
    /// ```
    ///
    /// ## How to fix
    /// Lower `count`, add people to the roles, or list more roles.
    pub(crate) const POLICY_UNSATISFIABLE = {
        id: "policy-unsatisfiable",
        severity: Error,
        stage: Analysis,
        summary: "An approval needs more approvers than its roles have members.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for policy in &cx.ir.policies {
        for rule in &policy.rules {
            let Outcome::Approve { count, roles } = &rule.outcome.value else {
                continue;
            };
            let members: BTreeSet<&str> = roles
                .iter()
                .filter_map(|&r| policy.roles.get(r))
                .flat_map(|r| r.members.iter().map(|m| m.value.as_str()))
                .collect();
            let have = members.len();
            if usize::try_from(*count).unwrap_or(usize::MAX) <= have {
                continue;
            }
            let names: Vec<String> = roles
                .iter()
                .filter_map(|&r| policy.roles.get(r))
                .map(|r| r.name.value.clone())
                .collect();
            let mut diag = POLICY_UNSATISFIABLE
                .finding(format!(
                    "this rule needs {count} approvals from {}, which ha{} only {have} distinct \
                     member{}: it can never be satisfied",
                    super::list(&names),
                    if names.len() == 1 { "s" } else { "ve" },
                    super::plural(have)
                ))
                .at(rule.outcome.span, format!("{count} approvals needed"));
            for &r in roles {
                if let Some(role) = policy.roles.get(r) {
                    diag = diag.with_label(
                        role.name.span,
                        format!(
                            "`{}` has {} member{}",
                            role.name.value,
                            role.members.len(),
                            super::plural(role.members.len())
                        ),
                    );
                }
            }
            out.push(diag.with_help(format!(
                "lower `count` to at most {have}, add people to the roles, or list more roles \
                 (approvals come from distinct people)"
            )));
        }
    }
}
