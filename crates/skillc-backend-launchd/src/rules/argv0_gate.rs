use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # launchd-argv0-gate
    ///
    /// ## What it does
    /// Reports `run.argv0` on a service with `requires` (it is started through its readiness gate).
    ///
    /// ## Why
    /// The gate is a POSIX sh script that ends in `exec "$@"`, and sh's `exec` cannot give the program
    /// an argv[0] of its own (`exec -a` is not POSIX and dash has none). The program would see its path
    /// as argv[0], not the name the YAML gives. The rule cannot be suppressed, because the name would
    /// be dropped.
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
    ///     requires: [db]
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///       argv0: web-server
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
    ///   db:
    ///     description: A database.
    ///     layer: L3
    ///     scope: session
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
    ///     run:
    ///       program: /usr/local/bin/web
    ///       throttle: 10s
    ///       argv0: web-server
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
    /// Drop `argv0` (the program sees its path), or drop `requires` and let the program wait for its
    /// dependencies itself.
    pub(crate) const ARGV0_GATE = {
        id: "launchd-argv0-gate",
        severity: Error,
        stage: Analysis,
        summary: "`argv0` on a service started through a readiness gate.",
        configurable: false,
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        if let Some(a) = &s.run.argv0
            && let Some(dep) = s.requires.first()
        {
            out.push(
                ARGV0_GATE
                    .finding(format!(
                        "`{}` cannot get its own argv[0] through the readiness gate",
                        s.id.value
                    ))
                    .at(a.span, "the gate's `exec` cannot set argv[0]")
                    .with_label(
                        dep.span,
                        "this dependency puts a gate in front of the program",
                    )
                    .with_help("drop `argv0`, or drop `requires`"),
            );
        }
    }
}
