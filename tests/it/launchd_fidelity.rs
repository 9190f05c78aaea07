//! A green `skillc build` never drops a launchd key (issue 15, "silent wrong output"): a refusing
//! rule cannot be suppressed, and a key the user insists on is emitted exactly as written.

use crate::common::{skillc, tree};

fn family(run_extra: &str, scope: &str) -> String {
    format!(
        "family:\n  name: demo\n  version: 1.0.0\n  description: Demo.\n  label_prefix: org.example\nservices:\n  web:\n    description: A web server.\n    layer: L3\n    scope: {scope}\n    capabilities: [serve_api]\n    run:\n      program: /usr/local/bin/web\n{run_extra}    readiness:\n      probe: 'tcp(\"127.0.0.1:8080\")'\nskills:\n  web-down:\n    title: The web server does not answer\n    severity: medium\n    applies_to: {{ services: [web] }}\n    detect: '!ready(service)'\n    remediate:\n      - {{ id: restart, action: launchctl.kickstart, with: {{ target: service, kill: true }} }}\npolicy:\n  rules:\n    - {{ match: {{}}, outcome: confirm }}\n"
    )
}

fn build(text: &str, toml: Option<&str>) -> (i32, String, Option<plist::Value>) {
    let mut files = vec![("fam/family.yaml", text)];
    if let Some(t) = toml {
        files.push(("skillc.toml", t));
    }
    let dir = tree(&files);
    let out = dir.path().join("out");
    let run = skillc(
        &["build", "fam", "--out", out.to_str().expect("utf8")],
        dir.path(),
    );
    let plist = ["LaunchAgents", "LaunchDaemons"]
        .iter()
        .map(|d| out.join(format!("demo/{d}/org.example.web.plist")))
        .find(|p| p.exists())
        .map(|p| plist::Value::from_file(p).expect("plist"));
    (run.code, format!("{}{}", run.stdout, run.stderr), plist)
}

#[test]
fn a_suppressed_refusal_is_still_a_failed_build_with_no_plist() {
    let cases = [
        (
            "launchd-key-conflict",
            "      launchd: { KeepAlive: false }\n",
            "session",
        ),
        (
            "launchd-deprecated-key",
            "      launchd: { OnDemand: false }\n",
            "session",
        ),
        ("launchd-daemon-only-key", "      user: _web\n", "session"),
        (
            "launchd-agent-only-key",
            "      session_types: [Aqua]\n",
            "daemon",
        ),
    ];
    for (rule, line, scope) in cases {
        let suppressed = format!("      # skillc: ignore[{rule}] we know better\n{line}");
        let (code, out, plist) = build(&family(&suppressed, scope), None);
        assert_ne!(code, 0, "{rule}: a suppressed refusal built green:\n{out}");
        assert!(out.contains(rule), "{rule}: {out}");
        assert!(out.contains("unsuppressible-rule"), "{rule}: {out}");
        assert!(plist.is_none(), "{rule}: a plist was written");
        // Nor can skillc.toml turn it off.
        let (code, out, plist) = build(
            &family(line, scope),
            Some(&format!("[rules]\n{rule} = \"off\"\n")),
        );
        assert_ne!(
            code, 0,
            "{rule}: turned off in skillc.toml, built green:\n{out}"
        );
        assert!(plist.is_none(), "{rule}");
    }
}

#[test]
fn a_suppressed_unknown_key_is_emitted_exactly_as_written() {
    let line = "      # skillc: ignore[launchd-unknown-key] ProcesTypes is new in macOS 27\n      launchd: { ProcesTypes: [Interactive, 3, true] }\n";
    let (code, out, plist) = build(&family(line, "session"), None);
    assert_eq!(code, 0, "{out}");
    let plist = plist.expect("plist written");
    assert_eq!(
        plist
            .as_dictionary()
            .and_then(|d| d.get("ProcesTypes"))
            .cloned(),
        Some(plist::Value::Array(vec![
            plist::Value::String("Interactive".into()),
            plist::Value::Integer(3.into()),
            plist::Value::Boolean(true),
        ]))
    );
}

#[test]
fn throttle_with_keep_alive_never_reaches_the_plist() {
    let line = "      keep_alive: never\n      throttle: 45s\n";
    let (code, out, plist) = build(&family(line, "session"), None);
    assert_eq!(code, 0, "{out}");
    let d = plist.expect("plist");
    let d = d.as_dictionary().expect("dict");
    assert_eq!(
        d.get("ThrottleInterval"),
        Some(&plist::Value::Integer(45.into()))
    );
    assert_eq!(d.get("KeepAlive"), None);
}
