use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};

declare_rule! {
    /// # self-dependency
    ///
    /// ## What it does
    /// Reports a service that lists itself in its own `requires` or `wants` (by id, `family/id` or
    /// its own `bus:` name).
    ///
    /// ## Why
    /// The start gate would wait for the service to be ready before starting it: it never starts.
    /// This is the smallest dependency cycle, reported on its own because the fix is always the
    /// same.
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
    ///     description: A web server.
    ///     layer: L3
    ///     scope: session
    ///     bus: org.example.web
    ///     run: { program: /usr/local/bin/web }
    ///     requires: ["bus:org.example.web"]
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   web-down:
    ///     title: The web server does not answer
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
    ///     description: A web server.
    ///     layer: L3
    ///     scope: session
    ///     bus: org.example.web
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   web-down:
    ///     title: The web server does not answer
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
    /// ## How to fix
    /// Remove the entry. If the service must wait for something of its own (a socket, a lock),
    /// put that condition in its `readiness` probe instead.
    pub(crate) const SELF_DEPENDENCY = {
        id: "self-dependency",
        severity: Error,
        stage: Analysis,
        summary: "A service depends on itself.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for sid in cx.ir.service_ids() {
        let s = cx.svc(sid);
        for d in s.dependencies().filter(|d| d.target == sid) {
            let how = if d.text.starts_with("bus:") {
                " (through its own bus name)"
            } else {
                ""
            };
            out.push(
                SELF_DEPENDENCY
                    .finding(format!("service `{}` depends on itself{how}", cx.name(sid)))
                    .at(
                        d.span,
                        format!("`{}` {} itself", s.id.value, d.kind.as_str()),
                    )
                    .with_label(s.id.span, "the service is declared here")
                    .with_help(format!(
                        "remove `{}` from `{}`: a service cannot wait for itself to start",
                        d.text,
                        d.kind.as_str()
                    )),
            );
        }
    }
}
