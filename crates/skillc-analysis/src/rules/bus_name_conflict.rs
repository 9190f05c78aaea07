use super::Ctx;
use skillc_diagnostics::{Diagnostic, Span, declare_rule};
use skillc_ir::ServiceId;
use std::collections::HashMap;

declare_rule! {
    /// # bus-name-conflict
    ///
    /// ## What it does
    /// Reports two or more services, in any of the loaded families, that claim the same `bus`
    /// name. Names are compared case-insensitively (`org.Example.Web` and `org.example.web`
    /// clash). Every claim is labelled.
    ///
    /// ## Why
    /// The bus name is the service's identity: peers find it by that name, `bus:` dependencies
    /// resolve through it, and launchd registers it for exactly one job (`MachServices`). Two
    /// claimants means one of them silently loses, and a `bus:` dependency may wait for the wrong
    /// service.
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
    ///     bus: org.example.web
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    ///   web-next:
    ///     description: The next version of the web app.
    ///     layer: L3
    ///     scope: session
    ///     bus: org.Example.Web
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
    ///     bus: org.example.web
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    ///   web-next:
    ///     description: The next version of the web app.
    ///     layer: L3
    ///     scope: session
    ///     bus: org.example.web-next
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
    /// Give each service its own bus name; if one service replaces the other, remove the old one.
    pub(crate) const BUS_NAME_CONFLICT = {
        id: "bus-name-conflict",
        severity: Error,
        stage: Analysis,
        summary: "Two services claim the same bus name.",
        configurable: true,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let claims = cx.ir.service_ids().filter_map(|sid| {
        cx.svc(sid)
            .bus
            .as_ref()
            .map(|b| (sid, b.value.as_str(), b.span))
    });
    for group in conflicts(claims) {
        let (first, name, first_span) = group[0];
        let (second, _, second_span) = group[1];
        let others: Vec<String> = group[1..].iter().map(|(s, _, _)| cx.name(*s)).collect();
        let mut diag = BUS_NAME_CONFLICT
            .finding(format!(
                "bus name `{name}` is claimed by `{}` and by {}",
                cx.name(first),
                super::list(&others)
            ))
            .at(
                second_span,
                format!("`{}` claims it here", cx.svc(second).id.value),
            )
            .with_label(
                first_span,
                format!("`{}` claims it first", cx.svc(first).id.value),
            );
        for (s, _, span) in &group[2..] {
            diag = diag.with_label(*span, format!("`{}` claims it too", cx.svc(*s).id.value));
        }
        out.push(diag.with_help(
            "a bus name is a service's identity: give every service its own (names are compared \
             case-insensitively, across all loaded families)",
        ));
    }
}

/// Groups of two or more claims of the same name (case-insensitive), in order of first claim.
pub(crate) fn conflicts<'a>(
    claims: impl Iterator<Item = (ServiceId, &'a str, Span)>,
) -> Vec<Vec<(ServiceId, &'a str, Span)>> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut groups: Vec<Vec<(ServiceId, &'a str, Span)>> = Vec::new();
    for claim in claims {
        let key = claim.1.to_lowercase();
        if let Some(&i) = index.get(&key) {
            groups[i].push(claim);
        } else {
            index.insert(key, groups.len());
            groups.push(vec![claim]);
        }
    }
    groups.retain(|g| g.len() > 1);
    groups
}
