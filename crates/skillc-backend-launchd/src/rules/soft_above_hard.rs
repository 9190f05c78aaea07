use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-soft-above-hard
    ///
    /// ## What it does
    /// Reports a `run.soft_limits` entry larger than the `run.hard_limits` entry of the same resource.
    ///
    /// ## Why
    /// setrlimit(2) refuses a soft limit above the hard one (EINVAL): launchd cannot apply the pair,
    /// and the job runs with limits the YAML does not say.
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
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///       soft_limits: { number_of_files: 4096 }
    ///       hard_limits: { number_of_files: 1024 }
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
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
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///       soft_limits: { number_of_files: 1024 }
    ///       hard_limits: { number_of_files: 4096 }
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
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
    /// Lower the soft limit to at most the hard limit, or raise the hard limit.
    pub(crate) const SOFT_ABOVE_HARD = {
        id: "launchd-soft-above-hard",
        severity: Error,
        stage: Analysis,
        summary: "A soft resource limit is above the hard limit of the same resource.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        for soft in &s.run.soft_limits {
            if let Some(hard) = s.run.hard_limits.iter().find(|h| h.key == soft.key)
                && soft.value.value > hard.value.value
            {
                out.push(
                    SOFT_ABOVE_HARD
                        .finding(format!(
                            "soft `{}` of `{}` is above its hard limit",
                            soft.field, s.id.value
                        ))
                        .at(soft.value.span, format!("soft limit {}", soft.value.value))
                        .with_label(hard.value.span, format!("hard limit {}", hard.value.value))
                        .with_help("the soft limit must not exceed the hard limit"),
                );
            }
        }
    }
}
