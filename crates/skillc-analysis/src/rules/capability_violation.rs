use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::{Capability, Layer};

declare_rule! {
    /// # capability-violation
    ///
    /// ## What it does
    /// Reports a capability that a service holds but that its layer may not hold.
    ///
    /// The allowance per layer comes from the `capabilities` section of the policy of the
    /// service's own family, for each layer that section names. For a layer it does not name (or
    /// without a policy) the defaults apply:
    /// - **L3** may hold only `capture_input`, `route_tasks`, `show_status` and `serve_api`;
    /// - **L1** and **L2** may hold any capability (list them in the policy to narrow them, e.g.
    ///   `L1: [serve_bus, identity, secrets, storage, network]`).
    ///
    /// ## Why
    /// L3 components are not app factories: a mobile-app gateway may capture input, route tasks to
    /// the platform and show status, and nothing more. An L3 service that can spawn programs or
    /// control services is a path from an app-store app to arbitrary code on the host.
    ///
    /// ## Bad
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   gateway:
    ///     description: Gateway for the mobile app.
    ///     layer: L3
    ///     scope: session
    ///     capabilities: [capture_input, spawn_programs]
    ///     run: { program: /usr/local/bin/gateway }
    ///     readiness: { probe: 'tcp("127.0.0.1:8443")' }
    /// skills:
    ///   gateway-down:
    ///     title: The gateway does not answer
    ///     severity: medium
    ///     applies_to: { services: [gateway] }
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
    ///   gateway:
    ///     description: Gateway for the mobile app.
    ///     layer: L3
    ///     scope: session
    ///     capabilities: [capture_input, route_tasks]
    ///     run: { program: /usr/local/bin/gateway }
    ///     readiness: { probe: 'tcp("127.0.0.1:8443")' }
    /// skills:
    ///   gateway-down:
    ///     title: The gateway does not answer
    ///     severity: medium
    ///     applies_to: { services: [gateway] }
    ///     detect: '!ready(service)'
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Drop the capability and route the work to a lower-layer service that may hold it (an L3
    /// gateway routes a task to an L2 engine, which spawns the program). If the policy is too
    /// narrow, widen that layer's list under `policy.capabilities`.
    pub(crate) const CAPABILITY_VIOLATION = {
        id: "capability-violation",
        severity: Error,
        stage: Analysis,
        summary: "A service holds a capability its layer may not hold.",
        configurable: true,
    }
}

/// What L3 may hold unless a policy says otherwise; L1 and L2 may hold anything by default.
const L3_DEFAULT: [Capability; 4] = [
    Capability::CaptureInput,
    Capability::RouteTasks,
    Capability::ShowStatus,
    Capability::ServeApi,
];

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for sid in cx.ir.service_ids() {
        let s = cx.svc(sid);
        let layer = s.layer.value;
        let over = cx.ir.family(s.family).policy.and_then(|p| {
            cx.ir
                .policy(p)
                .capabilities
                .iter()
                .find(|(l, _)| l.value == layer)
        });
        for cap in &s.capabilities {
            let allowed = match over {
                Some((_, list)) => list.iter().any(|c| c.value == cap.value),
                None => layer != Layer::L3 || L3_DEFAULT.contains(&cap.value),
            };
            if allowed {
                continue;
            }
            let c = cap.value.as_str();
            let factory = layer == Layer::L3
                && matches!(
                    cap.value,
                    Capability::SpawnPrograms | Capability::ControlServices
                );
            let message = if factory {
                format!(
                    "L3 service `{}` holds `{c}`: an L3 component cannot become an app factory",
                    cx.name(sid)
                )
            } else {
                format!(
                    "{} service `{}` holds `{c}`, which layer {} may not hold",
                    layer.as_str(),
                    cx.name(sid),
                    layer.as_str()
                )
            };
            let mut diag = CAPABILITY_VIOLATION
                .finding(message)
                .at(cap.span, format!("not allowed in {}", layer.as_str()))
                .with_label(
                    s.layer.span,
                    format!("`{}` is {}", s.id.value, layer.as_str()),
                );
            let allowed_list = |caps: &mut dyn Iterator<Item = Capability>| {
                caps.map(|c| format!("`{}`", c.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            diag = match over {
                Some((l, list)) => diag
                    .with_label(
                        l.span,
                        format!(
                            "the policy of `{}` allows {} only: {}",
                            cx.ir.family(s.family).name.value,
                            layer.as_str(),
                            allowed_list(&mut list.iter().map(|c| c.value))
                        ),
                    )
                    .with_help(format!(
                        "drop `{c}` and route the work to a service of a layer that may hold it, \
                         or add `{c}` to `{}` under the policy's `capabilities`",
                        layer.as_str()
                    )),
                None => diag.with_help(format!(
                    "by default an L3 service may hold only {}: drop `{c}` and route the work to \
                     an L2 service, or allow it for L3 under the policy's `capabilities`",
                    allowed_list(&mut L3_DEFAULT.iter().copied())
                )),
            };
            out.push(diag);
        }
    }
}
