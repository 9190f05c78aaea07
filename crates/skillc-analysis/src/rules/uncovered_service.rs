use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};

declare_rule! {
    /// # uncovered-service
    ///
    /// ## What it does
    /// Reports a service that no loaded skill applies to, in a family that takes part in
    /// remediation: the family declares skills of its own or imports a family that does.
    ///
    /// A family of services only (no skills, no imported skills) describes what to run and is
    /// compiled into launchd jobs; it is not reported.
    ///
    /// ## Why
    /// skillc exists to turn the ways a service fails into code. A service without a single skill
    /// has no automated remediation at all: its first morning failure is handled by hand, from
    /// memory. Importing a family of generic skills (such as `launchd-doctor`) covers the common
    /// launchd failures of every service at once.
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
    ///   worker:
    ///     description: A background worker.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/worker }
    ///     readiness: { probe: 'file_exists("/tmp/worker.heartbeat")' }
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
    ///   worker:
    ///     description: A background worker.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/worker }
    ///     readiness: { probe: 'file_exists("/tmp/worker.heartbeat")' }
    /// skills:
    ///   not-ready:
    ///     title: A service is not ready
    ///     severity: medium
    ///     applies_to: { services: [web, worker] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Write a skill for the ways the service fails (`applies_to: { services: [id] }`), widen the
    /// selector of an existing one, or import a family of generic skills.
    pub(crate) const UNCOVERED_SERVICE = {
        id: "uncovered-service",
        severity: Warning,
        stage: Analysis,
        summary: "No skill applies to a service.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let mut covered = vec![false; cx.ir.services.len()];
    for skill in &cx.ir.skills {
        for t in &skill.targets {
            covered[t.index()] = true;
        }
    }
    // Families that declare skills, then families that declare or import some.
    let mut has_skills = vec![false; cx.ir.families.len()];
    for skill in &cx.ir.skills {
        has_skills[skill.family.index()] = true;
    }
    let remediated: Vec<bool> = cx
        .ir
        .families
        .iter()
        .enumerate()
        .map(|(i, f)| has_skills[i] || f.imports.iter().any(|imp| has_skills[imp.value.index()]))
        .collect();
    for sid in cx
        .ir
        .service_ids()
        .filter(|s| !covered[s.index()] && remediated[cx.svc(*s).family.index()])
    {
        out.push(
            UNCOVERED_SERVICE.finding(format!("no skill covers service `{}`", cx.name(sid)),
            )
            .at(cx.svc(sid).id.span, "no remediation for this service")
            .with_help(
                "write a skill for the ways it fails (`applies_to: { services: [...] }`), widen an \
                 existing skill's `applies_to`, or import a family of generic skills such as \
                 launchd-doctor",
            ),
        );
    }
}
