use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};

declare_rule! {
    /// # layer-violation
    ///
    /// ## What it does
    /// Reports a dependency (`requires` or `wants`) on a service of a higher layer: L1 on L2 or L3,
    /// L2 on L3. A service may depend on services of its own layer or below.
    ///
    /// ## Why
    /// Layers are the start order of the whole system: the foundation (L1) comes up first, then the
    /// platform (L2), then the applications (L3). A foundation service that waits for an
    /// application inverts it, so an app outage takes the foundation down with it.
    ///
    /// ## Bad
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   store:
    ///     description: Storage.
    ///     layer: L2
    ///     scope: session
    ///     run: { program: /usr/local/bin/store }
    ///     wants: [web]
    ///     readiness: { probe: 'tcp("127.0.0.1:9000")' }
    ///   web:
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   not-ready:
    ///     title: A service does not answer
    ///     severity: medium
    ///     applies_to: { scopes: [session] }
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
    ///   store:
    ///     description: Storage.
    ///     layer: L2
    ///     scope: session
    ///     run: { program: /usr/local/bin/store }
    ///     readiness: { probe: 'tcp("127.0.0.1:9000")' }
    ///   web:
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web }
    ///     wants: [store]
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   not-ready:
    ///     title: A service does not answer
    ///     severity: medium
    ///     applies_to: { scopes: [session] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Turn the dependency around (the higher layer depends on the lower one), or move one of the
    /// services to the layer it really belongs to.
    pub(crate) const LAYER_VIOLATION = {
        id: "layer-violation",
        severity: Error,
        stage: Analysis,
        summary: "A service depends on a service of a higher layer.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for sid in cx.ir.service_ids() {
        let s = cx.svc(sid);
        for d in s.dependencies() {
            let t = cx.svc(d.target);
            if t.layer.value <= s.layer.value {
                continue;
            }
            let (from, to) = (s.layer.value.as_str(), t.layer.value.as_str());
            out.push(
                LAYER_VIOLATION.finding(format!(
                        "{from} service `{}` {} `{}`, a service of the higher layer {to}",
                        cx.name(sid),
                        d.kind.as_str(),
                        cx.name(d.target)
                    ),
                )
                .at(d.span, format!("{from} depends on {to} here"))
                .with_label(t.layer.span, format!("`{}` is {to}", t.id.value))
                .with_help(format!(
                    "a service depends only on its own layer or below (L3 → L3/L2/L1, L2 → L2/L1, \
                     L1 → L1): remove the dependency, or move `{}` to {to} or `{}` to {from}",
                    s.id.value, t.id.value
                )),
            );
        }
    }
}
