use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-init-groups-without-user
    ///
    /// ## What it does
    /// Reports `run.init_groups` on a daemon that sets no `run.user`.
    ///
    /// ## Why
    /// launchd calls initgroups(3) only when it switches to the job's `UserName`: without a user the
    /// job runs as root with root's groups and the key does nothing, so whoever reads the YAML is told
    /// something about group membership that is not true.
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
    ///     scope: daemon
    ///     capabilities: [serve_api]
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///       init_groups: false
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
    ///     scope: daemon
    ///     capabilities: [serve_api]
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///       user: _web
    ///       init_groups: false
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
    /// Set `run.user` (and `run.group`), or remove `init_groups`.
    pub(crate) const INIT_GROUPS_WITHOUT_USER = {
        id: "launchd-init-groups-without-user",
        severity: Warning,
        stage: Analysis,
        summary: "`init_groups` on a daemon without `user` does nothing.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        if s.run.user.is_some() {
            continue;
        }
        if let Some(f) = s.run.flag("InitGroups") {
            out.push(
                INIT_GROUPS_WITHOUT_USER
                    .finding(format!(
                        "`init_groups` of `{}` does nothing without `user`",
                        s.id.value
                    ))
                    .at(
                        f.span,
                        "launchd calls initgroups(3) only when it switches user",
                    )
                    .with_help("set `run.user`, or remove `init_groups`"),
            );
        }
    }
}
