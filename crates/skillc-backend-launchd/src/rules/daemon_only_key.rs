use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-daemon-only-key
    ///
    /// ## What it does
    /// Reports `run.user`, `run.group` and `run.init_groups` on a `scope: session` service (a
    /// LaunchAgent).
    ///
    /// ## Why
    /// `UserName`, `GroupName` and `InitGroups` apply only to jobs in the privileged system domain; an
    /// agent always runs as the logged-in user, so the setting is ignored and the service does not run
    /// as the account it claims.
    ///
    /// The rule cannot be suppressed: the key would be emitted and ignored, or dropped, and either way
    /// the YAML would claim what the Mac does not do.
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
    ///       user: _web
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
    /// Remove `user`/`group`/`init_groups`, or make the service `scope: daemon` if it must run as that
    /// account.
    pub(crate) const DAEMON_ONLY_KEY = {
        id: "launchd-daemon-only-key",
        severity: Error,
        stage: Analysis,
        summary: "`user`, `group` or `init_groups` is set on a session service.",
        configurable: false,
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        if s.scope.value != skillc_ir::Scope::Session {
            continue;
        }
        let r = &s.run;
        let spans = [
            ("user", r.user.as_ref().map(|v| v.span)),
            ("group", r.group.as_ref().map(|v| v.span)),
            ("init_groups", r.flag("InitGroups").map(|v| v.span)),
        ];
        for (field, span) in spans {
            if let Some(span) = span {
                out.push(
                    DAEMON_ONLY_KEY
                        .finding(format!(
                            "`run.{field}` is set on the session service `{}`",
                            s.id.value
                        ))
                        .at(span, "only daemons can run as another account")
                        .with_label(s.scope.span, "a LaunchAgent runs as the logged-in user")
                        .with_help(format!(
                            "remove `{field}`, or make the service `scope: daemon`"
                        )),
                );
            }
        }
    }
}
