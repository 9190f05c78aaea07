use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-mach-service-conflict
    ///
    /// ## What it does
    /// Reports a `run.mach_services` name that another service of the same launchd domain (daemons:
    /// `system`; agents: the user's `gui/<uid>`) also registers, and a name that is the `bus:` identity
    /// of a different service.
    ///
    /// ## Why
    /// launchd registers a Mach name once per domain: the second job's registration fails and its
    /// clients reach the first job, or nothing. A name that is another service's bus identity splits
    /// one identity between two jobs: `requires: ["bus:<name>"]` waits for one service while
    /// `bus("<name>")` watches the other's check-in.
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
    ///     capabilities: [serve_api]
    ///     bus: org.example.web
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///       mach_services: { org.example.db: true }
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
    ///   db:
    ///     description: A database.
    ///     layer: L3
    ///     scope: session
    ///     bus: org.example.db
    ///     run:
    ///       program: /usr/local/bin/db
    ///       throttle: 10s
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:5432")'
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
    ///     capabilities: [serve_api]
    ///     bus: org.example.web
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///       mach_services: { org.example.web: true }
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
    ///   db:
    ///     description: A database.
    ///     layer: L3
    ///     scope: session
    ///     bus: org.example.db
    ///     run:
    ///       program: /usr/local/bin/db
    ///       throttle: 10s
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:5432")'
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
    /// Register each name in one service only, the one whose program checks in for it, and keep a bus
    /// identity and its Mach name on the same service.
    pub(crate) const MACH_SERVICE_CONFLICT = {
        id: "launchd-mach-service-conflict",
        severity: Error,
        stage: Analysis,
        summary: "A Mach service name is registered twice, or is another service's bus identity.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    use std::collections::HashMap;
    let mut first: HashMap<(bool, &str), &skillc_ir::Service> = HashMap::new();
    for s in &ir.services {
        let daemon = s.scope.value == skillc_ir::Scope::Daemon;
        for m in s.run.mach_services.iter().filter(|m| m.enabled.value) {
            let name = m.name.value.as_str();
            if let Some(owner) = first.get(&(daemon, name)) {
                out.push(
                    MACH_SERVICE_CONFLICT
                        .finding(format!(
                            "`{name}` is registered by both `{}` and `{}`",
                            owner.id.value, s.id.value
                        ))
                        .at(m.name.span, "registered again in the same launchd domain")
                        .with_label(owner.id.span, "registered first by this service")
                        .with_help(
                            "register the name in the one service whose program checks in for it",
                        ),
                );
            } else {
                first.insert((daemon, name), s);
            }
            if let Some(provider) = ir.bus_provider(name).map(|id| ir.service(id))
                && !std::ptr::eq(provider, s)
            {
                out.push(
                    MACH_SERVICE_CONFLICT
                        .finding(format!(
                            "`{}` registers `{name}`, the bus identity of `{}`",
                            s.id.value, provider.id.value
                        ))
                        .at(m.name.span, "a Mach name of this service")
                        .with_label(
                            provider.bus.as_ref().map_or(provider.id.span, |b| b.span),
                            "the identity others depend on",
                        )
                        .with_help("keep a bus identity and its Mach name on the same service"),
                );
            }
        }
    }
}
