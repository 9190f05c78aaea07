use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};
use std::time::Duration;

declare_rule! {
    /// # readiness-timing
    ///
    /// ## What it does
    /// Checks the numbers of each `readiness` block:
    /// - the probe `timeout` must be shorter than the `interval` between attempts;
    /// - `retries` must be at least 1;
    /// - the start-up budget, `interval × retries` (the time the probe may take to first succeed),
    ///   must fit within the service's `run.start_timeout` when that is set.
    ///
    /// ## Why
    /// A timeout as long as the interval makes attempts overlap, or never leaves time between them.
    /// Zero retries means the service can never be ready. A budget longer than `start_timeout`
    /// means the start gate and `wait.ready` give up on the service while its own probe would
    /// still be trying: it is declared failed before it had the chance it was promised.
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
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web, start_timeout: 30s }
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
    ///       timeout: 2s
    ///       interval: 2s
    ///       retries: 30
    /// skills:
    ///   web-down:
    ///     title: The web app does not answer
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
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web, start_timeout: 1m }
    ///     readiness:
    ///       probe: 'tcp("127.0.0.1:8080")'
    ///       timeout: 1s
    ///       interval: 2s
    ///       retries: 30
    /// skills:
    ///   web-down:
    ///     title: The web app does not answer
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
    /// Make `timeout` shorter than `interval`; use at least one retry; raise `start_timeout` to at
    /// least `interval × retries`, or lower `retries` or `interval`.
    pub(crate) const READINESS_TIMING = {
        id: "readiness-timing",
        severity: Warning,
        stage: Analysis,
        summary: "A readiness probe's timeout, retries or budget do not fit together.",
        configurable: true,
    }
}

fn show(d: Duration) -> String {
    skillc_ir::expr::Duration::from_millis(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .to_string()
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for sid in cx.ir.service_ids() {
        let s = cx.svc(sid);
        let Some(r) = &s.readiness else { continue };
        let name = cx.name(sid);
        if r.timeout.value >= r.interval.value {
            out.push(
                READINESS_TIMING.finding(format!(
                        "readiness probe of `{name}`: timeout {} is not shorter than the interval {}",
                        show(r.timeout.value),
                        show(r.interval.value)
                    ),
                )
                .at(r.timeout.span, format!("each attempt may take {}", show(r.timeout.value)))
                .with_label(
                    r.interval.span,
                    format!("a new attempt starts every {}", show(r.interval.value)),
                )
                .with_help("make `timeout` shorter than `interval`, so one attempt ends before the next starts"),
            );
        }
        if r.retries.value == 0 {
            out.push(
                READINESS_TIMING
                    .finding(format!(
                        "readiness probe of `{name}` has 0 retries: it can never become ready"
                    ))
                    .at(r.retries.span, "no attempt at all")
                    .with_help("use at least `retries: 1`"),
            );
        }
        if let Some(limit) = &s.run.start_timeout {
            // A product too large for a duration is said to be so, never printed as if exact.
            let budget = r.interval.value.checked_mul(r.retries.value);
            let shown = budget.map_or_else(|| "more than any duration".to_owned(), show);
            if budget.is_none_or(|b| b > limit.value) {
                let help = match budget {
                    Some(b) => format!(
                        "raise `start_timeout` to at least {}, or lower `retries` or `interval`",
                        show(b)
                    ),
                    None => "lower `retries` or `interval`".to_owned(),
                };
                out.push(
                    READINESS_TIMING
                        .finding(format!(
                            "readiness budget of `{name}` ({} × {} = {shown}) exceeds its start_timeout {}",
                            r.retries.value,
                            show(r.interval.value),
                            show(limit.value)
                        ))
                        .at(
                            limit.span,
                            format!("the start gate gives up after {}", show(limit.value)),
                        )
                        .with_label(r.retries.span, format!("the probe may try for {shown}"))
                        .with_help(help),
                );
            }
        }
    }
}
