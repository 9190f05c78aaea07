use super::Ctx;
use super::bus_name_conflict::conflicts;
use skillc_diagnostics::{Diagnostic, declare_rule};

declare_rule! {
    /// # label-conflict
    ///
    /// ## What it does
    /// Reports two or more services, in any of the loaded families, with the same launchd `Label`
    /// (written as `label:` or defaulted to `<label_prefix>.<id>`), compared case-insensitively.
    ///
    /// ## Why
    /// launchd keeps one job per label in a domain, and the label is also the plist's file name
    /// (`<label>.plist`); on the default case-insensitive macOS file system `Org.X.plist` and
    /// `org.x.plist` are the same file. One of the two services would overwrite the other at
    /// install time.
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
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    ///   web-next:
    ///     description: The next version of the web app.
    ///     layer: L3
    ///     scope: session
    ///     label: org.example.web
    ///     run: { program: /usr/local/bin/web-next }
    ///     readiness: { probe: 'tcp("127.0.0.1:8081")' }
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
    ///   web:
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    ///   web-next:
    ///     description: The next version of the web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web-next }
    ///     readiness: { probe: 'tcp("127.0.0.1:8081")' }
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
    /// Give each service its own `label:`, or drop the explicit label so the default
    /// `<label_prefix>.<id>` applies.
    pub(crate) const LABEL_CONFLICT = {
        id: "label-conflict",
        severity: Error,
        stage: Analysis,
        summary: "Two services have the same launchd label.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let claims = cx.ir.service_ids().map(|sid| {
        let l = &cx.svc(sid).label;
        (sid, l.value.as_str(), l.span)
    });
    for group in conflicts(claims) {
        let (first, name, first_span) = group[0];
        let (second, _, second_span) = group[1];
        let others: Vec<String> = group[1..].iter().map(|(s, _, _)| cx.name(*s)).collect();
        let mut diag = LABEL_CONFLICT
            .finding(format!(
                "launchd label `{name}` is used by `{}` and by {}",
                cx.name(first),
                super::list(&others)
            ))
            .at(
                second_span,
                format!("label of `{}`", cx.svc(second).id.value),
            )
            .with_label(first_span, format!("label of `{}`", cx.svc(first).id.value));
        for (s, _, span) in &group[2..] {
            diag = diag.with_label(*span, format!("label of `{}`", cx.svc(*s).id.value));
        }
        out.push(diag.with_help(
            "launchd keeps one job per label and the plist is named after it: give every service \
             its own `label:` (compared case-insensitively, like macOS file names)",
        ));
    }
}
