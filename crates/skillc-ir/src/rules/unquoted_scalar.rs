use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # unquoted-scalar
    ///
    /// ## What it does
    /// Reports a `run.env` value, `run.umask` or socket `path_mode` written as a plain (unquoted)
    /// scalar that another YAML reader would take for something else: a YAML 1.1 boolean or null
    /// (`yes`, `no`, `on`, `off`, `y`, `~`, ...) or a number (`1.0`, `0x1F`, `1e3`, `0027`, `1:30`).
    ///
    /// ## Why
    /// skillc reads these fields as the text written, so the plist gets exactly `no` or `0027`.
    /// Other tools on the same files do not: a YAML 1.1 parser (PyYAML, many linters, an editor's
    /// language server) reads `no` as `false` and `0027` as the octal number 23, a YAML 1.2 parser
    /// reads `0027` as the decimal 27; a script that rewrites the file writes those back. Quoted,
    /// every reader agrees. (yamllint's `truthy` rule warns about the same trap.)
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
    ///       umask: 0027
    ///       env: { VERBOSE: no }
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
    ///       umask: "027"
    ///       env: { VERBOSE: "no" }
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
    /// Quote the value: `"no"`, `"027"`.
    pub const UNQUOTED_SCALAR = {
        id: "unquoted-scalar",
        severity: Warning,
        stage: Lower,
        summary: "A string value written unquoted that other YAML readers take for a boolean or number.",
    }
}

/// What a YAML 1.1 or 1.2 reader takes the plain scalar `text` for, when not a string.
pub(crate) fn reading_of(text: &str) -> Option<&'static str> {
    const BOOLS: &[&str] = &[
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
        "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    ];
    if BOOLS.contains(&text) {
        return Some("a boolean");
    }
    if matches!(text, "~" | "null" | "Null" | "NULL") {
        return Some("null");
    }
    let t = text.strip_prefix(['+', '-']).unwrap_or(text);
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '_');
    let hex = t
        .strip_prefix("0x")
        .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit() || c == '_'));
    let octal = t.strip_prefix("0o").is_some_and(digits);
    let sexagesimal = t.contains(':') && t.split(':').all(digits);
    let (mantissa, exponent) = match t.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e.strip_prefix(['+', '-']).unwrap_or(e))),
        None => (t, None),
    };
    let float_like = {
        let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        (digits(int) || (int.is_empty() && digits(frac)))
            && (frac.is_empty() || digits(frac))
            && exponent.is_none_or(digits)
    };
    let special = matches!(t, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN");
    (hex || octal || sexagesimal || float_like || special).then_some("a number")
}

#[cfg(test)]
mod tests {
    use super::reading_of;

    #[test]
    fn what_other_readers_see() {
        for (text, want) in [
            ("no", Some("a boolean")),
            ("On", Some("a boolean")),
            ("~", Some("null")),
            ("0027", Some("a number")),
            ("1.0", Some("a number")),
            ("0x1F", Some("a number")),
            ("1e3", Some("a number")),
            ("-5", Some("a number")),
            ("1:30", Some("a number")),
            (".inf", Some("a number")),
            ("nope", None),
            ("1.0.0", None),
            ("v1", None),
            ("/usr/bin", None),
            ("info", None),
            ("10s", None),
        ] {
            assert_eq!(reading_of(text), want, "{text}");
        }
    }
}
