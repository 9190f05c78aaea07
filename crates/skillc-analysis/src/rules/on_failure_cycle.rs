use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::OnFailure;

declare_rule! {
    /// # on-failure-cycle
    ///
    /// ## What it does
    /// Reports skills whose `on_failure: { next: ... }` chain comes back to a skill already on
    /// it: `a` hands over to `b` when its verification fails, and `b` hands over to `a` (or `a`
    /// names itself). Each cycle is reported once, with a label on every `on_failure` on it.
    ///
    /// ## Why
    /// When verification fails, a generated script runs the next skill's script on the same
    /// target. A cycle would run the same remediations over and over on a service that stays
    /// broken; the scripts also stop a chain after a few hand-overs, but a chain that can never
    /// end is a mistake in the family.
    ///
    /// ## Bad
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   api:
    ///     description: The API server.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/api }
    ///     readiness: { probe: 'tcp("127.0.0.1:8081")' }
    /// skills:
    ///   soft-restart:
    ///     title: The API does not answer
    ///     severity: medium
    ///     applies_to: { services: [api] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: kick, action: launchctl.kickstart, with: { target: service } }
    ///     on_failure: { next: hard-restart }
    ///   hard-restart:
    ///     title: The API does not answer after a soft restart
    ///     severity: medium
    ///     applies_to: { services: [api] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: kill, action: launchctl.kickstart, with: { target: service, kill: true } }
    ///     on_failure: { next: soft-restart }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
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
    ///   api:
    ///     description: The API server.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/api }
    ///     readiness: { probe: 'tcp("127.0.0.1:8081")' }
    /// skills:
    ///   soft-restart:
    ///     title: The API does not answer
    ///     severity: medium
    ///     applies_to: { services: [api] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: kick, action: launchctl.kickstart, with: { target: service } }
    ///     on_failure: { next: hard-restart }
    ///   hard-restart:
    ///     title: The API does not answer after a soft restart
    ///     severity: medium
    ///     applies_to: { services: [api] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: kill, action: launchctl.kickstart, with: { target: service, kill: true } }
    ///     on_failure: escalate
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// End every chain with `escalate` or `stop`: the last skill that can help hands over to a
    /// person.
    pub(crate) const ON_FAILURE_CYCLE = {
        id: "on-failure-cycle",
        severity: Error,
        stage: Analysis,
        summary: "`on_failure: next` hands over in a circle.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let ir = cx.ir;
    let next = |i: usize| match ir.skills[i].on_failure.value {
        OnFailure::Next(n) => Some(n.index()),
        _ => None,
    };
    // Each skill has at most one successor: walk from every skill not yet placed, and a walk
    // that meets its own path has found a cycle (reported once, from its first skill by name).
    let mut state = vec![0u8; ir.skills.len()]; // 0 new, 1 on the current walk, 2 done
    for start in 0..ir.skills.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            if state[i] != 0 {
                if state[i] == 1 {
                    let from = path.iter().position(|&p| p == i).unwrap_or(0);
                    report(cx, &path[from..], out);
                }
                break;
            }
            state[i] = 1;
            path.push(i);
            at = next(i);
        }
        for &p in &path {
            state[p] = 2;
        }
    }
}

fn report(cx: &Ctx<'_>, cycle: &[usize], out: &mut Vec<Diagnostic>) {
    let ir = cx.ir;
    let name = |i: usize| cx.skill_name(&ir.skills[i]);
    let first = (0..cycle.len())
        .min_by_key(|&k| name(cycle[k]))
        .unwrap_or(0);
    let ordered: Vec<usize> = cycle[first..]
        .iter()
        .chain(&cycle[..first])
        .copied()
        .collect();
    let mut names: Vec<String> = ordered.iter().map(|&i| name(i)).collect();
    names.push(name(ordered[0]));
    let mut d: Option<Diagnostic> = None;
    for (k, &i) in ordered.iter().enumerate() {
        let to = ordered[(k + 1) % ordered.len()];
        let span = ir.skills[i].on_failure.span;
        let text = format!("`{}` hands over to `{}`", name(i), name(to));
        d = Some(match d {
            None => ON_FAILURE_CYCLE
                .finding(format!(
                    "`on_failure: next` hands over in a circle: {}",
                    names.join(" → ")
                ))
                .at(span, text),
            Some(d) => d.with_label(span, text),
        });
    }
    if let Some(d) = d {
        out.push(d.with_help("end the chain with `on_failure: escalate` (or `stop`)"));
    }
}
