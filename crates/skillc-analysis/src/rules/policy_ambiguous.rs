use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::{FamilyId, Layer, Outcome, Policy, PolicyRule, Risk, Scope};
use std::collections::BTreeMap;

declare_rule! {
    /// # policy-ambiguous
    ///
    /// ## What it does
    /// Reports two rules of one policy that have the same specificity (number of `match` keys),
    /// different outcomes, and can both be the most specific match of some step: for some
    /// effective risk, family, layer and scope, both match and no rule with more keys does.
    ///
    /// Two rules can both match when, for each key, one of them leaves it out or both give the
    /// same value. Only combinations a step can really have count: an effective risk of
    /// `read_only` never happens on a daemon or an L1 service (their risk is raised).
    ///
    /// ## Why
    /// The most specific rule decides a step's outcome. Between two equally specific rules with
    /// different outcomes nothing decides: the answer would depend on the order of the rules,
    /// which the policy language deliberately does not give a meaning.
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
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    ///     - { match: { risk: disruptive, scope: session }, outcome: confirm }
    ///     - { match: { risk: disruptive, layer: L3 }, outcome: auto }
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
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    ///     - { match: { risk: disruptive, scope: session }, outcome: confirm }
    ///     - { match: { risk: disruptive, layer: L3 }, outcome: auto }
    ///     - { match: { risk: disruptive, layer: L3, scope: session }, outcome: auto }
    /// ```
    ///
    /// ## How to fix
    /// Add a more specific rule for the overlap (as in the example), make the two rules disjoint,
    /// or give them the same outcome. The easy way to stay clear: one floor rule per risk, then
    /// narrower rules that all use the same combination of keys.
    pub(crate) const POLICY_AMBIGUOUS = {
        id: "policy-ambiguous",
        severity: Error,
        stage: Analysis,
        summary: "Two equally specific policy rules with different outcomes overlap.",
        configurable: true,
    }
}

/// A concrete (effective risk, family, layer, scope) a step can have; `None` family is any
/// family the policy does not name.
#[derive(Clone, Copy)]
struct Point {
    risk: Risk,
    family: Option<FamilyId>,
    layer: Layer,
    scope: Scope,
}

fn matches(rule: &PolicyRule, p: Point) -> bool {
    rule.risk.is_none_or(|r| r == p.risk)
        && rule
            .family
            .as_ref()
            .is_none_or(|f| Some(f.value) == p.family)
        && rule.layer.is_none_or(|l| l == p.layer)
        && rule.scope.is_none_or(|s| s == p.scope)
}

fn same_outcome(a: &Outcome, b: &Outcome) -> bool {
    match (a, b) {
        (
            Outcome::Approve {
                count: c1,
                roles: r1,
            },
            Outcome::Approve {
                count: c2,
                roles: r2,
            },
        ) => {
            let (mut r1, mut r2) = (r1.clone(), r2.clone());
            r1.sort_unstable();
            r1.dedup();
            r2.sort_unstable();
            r2.dedup();
            c1 == c2 && r1 == r2
        }
        _ => a == b,
    }
}

pub(crate) fn show_outcome(policy: &Policy, o: &Outcome) -> String {
    match o {
        Outcome::Auto => "auto".to_owned(),
        Outcome::Confirm => "confirm".to_owned(),
        Outcome::Deny => "deny".to_owned(),
        Outcome::Approve { count, roles } => {
            let names: Vec<&str> = roles
                .iter()
                .filter_map(|&r| policy.roles.get(r).map(|r| r.name.value.as_str()))
                .collect();
            format!("approve {count} from [{}]", names.join(", "))
        }
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for policy in &cx.ir.policies {
        let rules = &policy.rules;
        let mut families: Vec<Option<FamilyId>> = rules
            .iter()
            .filter_map(|r| r.family.as_ref().map(|f| Some(f.value)))
            .collect();
        families.sort();
        families.dedup();
        families.push(None);
        // (i, j) → the first point where both are the deciding, conflicting rules.
        let mut pairs: BTreeMap<(usize, usize), Point> = BTreeMap::new();
        for risk in Risk::ALL {
            for &family in &families {
                for layer in [Layer::L1, Layer::L2, Layer::L3] {
                    for scope in [Scope::Daemon, Scope::Session] {
                        // read_only is raised on daemons and L1: no step has this combination.
                        if risk == Risk::ReadOnly && (layer == Layer::L1 || scope == Scope::Daemon)
                        {
                            continue;
                        }
                        let p = Point {
                            risk,
                            family,
                            layer,
                            scope,
                        };
                        let hits: Vec<usize> = (0..rules.len())
                            .filter(|&i| matches(&rules[i], p))
                            .collect();
                        let Some(top) = hits.iter().map(|&i| rules[i].specificity()).max() else {
                            continue;
                        };
                        let best: Vec<usize> = hits
                            .into_iter()
                            .filter(|&i| rules[i].specificity() == top)
                            .collect();
                        for (x, &i) in best.iter().enumerate() {
                            for &j in &best[x + 1..] {
                                if !same_outcome(&rules[i].outcome.value, &rules[j].outcome.value) {
                                    pairs.entry((i, j)).or_insert(p);
                                }
                            }
                        }
                    }
                }
            }
        }
        for ((i, j), p) in pairs {
            let (a, b) = (&rules[i], &rules[j]);
            let fam = p
                .family
                .map(|f| format!(" of family `{}`", cx.ir.family(f).name.value))
                .unwrap_or_default();
            let keys = a.specificity();
            out.push(
                POLICY_AMBIGUOUS.finding(format!(
                        "policy rules {} and {} of `{}` are equally specific ({keys} key{}) and can both decide \
                         the same step (e.g. a `{}` step on an {} {} service{fam}), with different outcomes: \
                         `{}` and `{}`",
                        i + 1,
                        j + 1,
                        cx.ir.family(policy.family).name.value,
                        super::plural(keys),
                        p.risk.as_str(),
                        p.layer.as_str(),
                        p.scope.as_str(),
                        show_outcome(policy, &a.outcome.value),
                        show_outcome(policy, &b.outcome.value),
                    ),
                )
                .at(b.span, format!("rule {}: `{}`", j + 1, show_outcome(policy, &b.outcome.value)))
                .with_label(a.span, format!("rule {}: `{}`", i + 1, show_outcome(policy, &a.outcome.value)))
                .with_help(overlap_help(cx, a, b)),
            );
        }
    }
}

/// The `match` of both rules together, as a more specific rule that would settle the overlap.
fn overlap_help(cx: &Ctx<'_>, a: &PolicyRule, b: &PolicyRule) -> String {
    let mut keys: Vec<String> = Vec::new();
    if let Some(r) = a.risk.or(b.risk) {
        keys.push(format!("risk: {}", r.as_str()));
    }
    if let Some(f) = a.family.as_ref().or(b.family.as_ref()) {
        keys.push(format!("family: {}", cx.ir.family(f.value).name.value));
    }
    if let Some(l) = a.layer.or(b.layer) {
        keys.push(format!("layer: {}", l.as_str()));
    }
    if let Some(s) = a.scope.or(b.scope) {
        keys.push(format!("scope: {}", s.as_str()));
    }
    if keys.len() > a.specificity() {
        format!(
            "add a more specific rule for the overlap, `match: {{ {} }}`, make the two rules \
             disjoint, or give them the same outcome",
            keys.join(", ")
        )
    } else {
        "the two rules match exactly the same steps: remove one of them".to_owned()
    }
}
