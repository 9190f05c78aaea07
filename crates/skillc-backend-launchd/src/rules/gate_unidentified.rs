use skillc_diagnostics::declare_rule;
use skillc_ir::Scope;

declare_rule! {
    /// # launchd-gate-unidentified
    ///
    /// ## What it does
    /// Suggests `run.associated_bundle_identifiers` for a session agent that starts through a
    /// readiness gate (it `requires` another service) and names no app it belongs to.
    ///
    /// ## Why
    /// With a gate, the plist's `ProgramArguments[0]` is skillc's gate script, not the program. On
    /// macOS 13 and later, System Settings → General → Login Items lists background items by what
    /// they run, so the user sees an unidentified shell script from an unknown developer, and may
    /// switch it off. `AssociatedBundleIdentifiers` makes Login Items show the app instead.
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
    ///       program: /Applications/Web.app/Contents/MacOS/web
    ///       throttle: 10s
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
    ///     requires: [db]
    ///     run:
    ///       program: /Applications/Web.app/Contents/MacOS/web
    ///       throttle: 10s
    ///       associated_bundle_identifiers: com.example.web
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
    /// ## How to fix
    /// Set `associated_bundle_identifiers` to the bundle id of the app the agent belongs to (one
    /// string, or a list).
    pub(crate) const GATE_UNIDENTIFIED = {
        id: "launchd-gate-unidentified",
        severity: Info,
        stage: Analysis,
        summary: "An agent started through a gate names no app for Login Items to show.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        if s.scope.value == Scope::Session
            && s.run.associated_bundle_identifiers.is_empty()
            && let Some(dep) = s.requires.first()
        {
            out.push(
                GATE_UNIDENTIFIED
                    .finding(format!(
                        "Login Items will show `{}` as skillc's gate script, not as an app",
                        s.id.value
                    ))
                    .at(dep.span, "this dependency puts a gate script in front of the program")
                    .with_help(
                        "set `run.associated_bundle_identifiers` to the bundle id of the app the agent belongs to",
                    ),
            );
        }
    }
}
