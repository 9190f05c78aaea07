use skillc_diagnostics::declare_rule;
use skillc_ir::{Scope, SessionType};

declare_rule! {
    /// # launchd-agent-system-session
    ///
    /// ## What it does
    /// Reports a session agent whose `run.session_types` is only `System`.
    ///
    /// ## Why
    /// `System` is the session type of the system domain, where daemons load. An agent is bootstrapped
    /// into a user's `gui/<uid>` (or `user/<uid>`) domain, whose sessions are `Aqua`, `Background`,
    /// `LoginWindow` or `StandardIO`: an agent limited to `System` is never loaded, and install.sh's
    /// `launchctl bootstrap` fails. Homebrew's agents list `System` beside the others, which is fine.
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
    ///       session_types: System
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
    ///       session_types: [Aqua, Background, System]
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
    /// Add the session the agent runs in (`Aqua` for a logged-in user, `Background` for a headless
    /// `user/<uid>` domain), or make it a daemon (`scope: daemon`).
    pub(crate) const AGENT_SYSTEM_SESSION = {
        id: "launchd-agent-system-session",
        severity: Error,
        stage: Analysis,
        summary: "A session agent limited to the `System` session type never loads.",
    }
}

pub(crate) fn check(ir: &skillc_ir::Ir, out: &mut Vec<skillc_diagnostics::Diagnostic>) {
    for s in &ir.services {
        let types = &s.run.session_types;
        if s.scope.value == Scope::Session
            && !types.is_empty()
            && types.iter().all(|t| t.value == SessionType::System)
        {
            out.push(
                AGENT_SYSTEM_SESSION
                    .finding(format!(
                        "agent `{}` loads only in the `System` session, which no user domain has",
                        s.id.value
                    ))
                    .at(types[0].span, "the system domain's session type")
                    .with_help(
                        "add `Aqua` (a logged-in user) or `Background`, or make it `scope: daemon`",
                    ),
            );
        }
    }
}
