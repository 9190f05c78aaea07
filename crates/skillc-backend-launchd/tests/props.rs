//! Property tests: random service strings survive plist emission exactly; strings XML cannot
//! hold never produce a plist and are reported.

mod common;

use proptest::prelude::*;
use skillc_backend_launchd::{check, emit, plist_value};

fn yaml_dq(s: &str) -> String {
    // A YAML double-quoted scalar that denotes exactly `s`.
    let mut out = String::from("\"");
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            // YAML streams may not hold C0/C1 controls raw; escape them and a few look-alikes.
            c if (c as u32) < 0x20
                || (0x7f..=0x9f).contains(&(c as u32))
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
                ) =>
            {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_plist(path: &str) -> bool {
    std::path::Path::new(path)
        .extension()
        .is_some_and(|e| e == "plist")
}

fn family(arg: &str, env_value: &str) -> String {
    format!(
        r"family:
  name: demo
  version: 1.0.0
  description: Demo family.
  label_prefix: org.example
services:
  web:
    description: A web server.
    layer: L3
    scope: session
    capabilities: [serve_api]
    run:
      program: /usr/local/bin/web
      args: [{}]
      env: {{ VALUE: {} }}
",
        yaml_dq(arg),
        yaml_dq(env_value)
    )
}

/// Characters XML 1.0 can hold (no C0 controls but tab/LF/CR, no U+FFFE/U+FFFF).
fn xml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        any::<char>().prop_filter("xml", |c| {
            !((*c < ' ' && !matches!(c, '\t' | '\n' | '\r'))
                || *c == '\u{FFFE}'
                || *c == '\u{FFFF}')
        }),
        prop::sample::select(vec![
            '\'', '"', '$', '`', '<', '>', '&', ']', '\n', '\r', '\t', '-', '\\'
        ]),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn valid_strings_round_trip(arg in prop::collection::vec(xml_char(), 0..24), val in prop::collection::vec(xml_char(), 0..24)) {
        let arg: String = arg.into_iter().collect();
        let val: String = val.into_iter().collect();
        let (_t, ir, diags) = common::family(&family(&arg, &val));
        prop_assert!(diags.iter().all(|d| !d.is_error()), "{:?}", diags);
        prop_assert_eq!(&ir.services[0].run.args[0].value, &arg);
        let found = check(&ir);
        prop_assert!(found.iter().all(|d| !d.is_error()), "{:?}", found);
        let ir = common::exercised(ir);
        let files = emit(&ir);
        let f = files.iter().find(|f| is_plist(&f.path)).expect("plist");
        let v = plist::Value::from_reader_xml(std::io::Cursor::new(&f.bytes))
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        let d = v.as_dictionary().expect("dict");
        let argv = d["ProgramArguments"].as_array().expect("argv");
        prop_assert_eq!(argv[1].as_string(), Some(arg.as_str()));
        let env = d["EnvironmentVariables"].as_dictionary().expect("env");
        prop_assert_eq!(env["VALUE"].as_string(), Some(val.as_str()));
        prop_assert_eq!(&v, &plist_value(&ir, ir.service_ids().next().expect("id")));
    }

    #[test]
    fn xml_illegal_strings_never_make_a_plist(
        prefix in "[a-z]{0,5}",
        bad in prop_oneof![(1u32..0x20).prop_filter("not tab/lf/cr", |c| ![9, 10, 13].contains(c)), Just(0xFFFE), Just(0xFFFF)],
        in_env in any::<bool>(),
    ) {
        let bad = char::from_u32(bad).expect("char");
        let s = format!("{prefix}{bad}");
        let yaml = if in_env { family("ok", &s) } else { family(&s, "ok") };
        let (_t, ir, diags) = common::family(&yaml);
        prop_assume!(diags.iter().all(|d| !d.is_error()));
        let err = check(&ir);
        prop_assert!(err.iter().any(|d| d.code == "launchd-xml-illegal-char" && d.span.is_some()));
        // emit's own defence: even an IR certified in spite of the finding gets no plist.
        let ir = common::exercised(ir);
        prop_assert!(emit(&ir).iter().all(|f| !is_plist(&f.path)));
    }
}
