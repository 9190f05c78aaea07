//! Property tests: a rendered [`Word`] read back by a real shell (`dash -c`) is its value, for
//! any strings in it; a literal is always quoted.

use proptest::prelude::*;
use skillc_sh::{Dq, Word};
use std::process::Command;

/// `dash` when on PATH, else `sh` (with a notice; a failure under `SKILLC_REQUIRE_TOOLS=1`).
fn shell() -> &'static str {
    static SHELL: std::sync::OnceLock<&'static str> = std::sync::OnceLock::new();
    SHELL.get_or_init(|| {
        let found = Command::new("sh")
            .arg("-c")
            .arg("command -v dash >/dev/null 2>&1")
            .status()
            .is_ok_and(|s| s.success());
        if found {
            return "dash";
        }
        assert!(
            std::env::var("SKILLC_REQUIRE_TOOLS").as_deref() != Ok("1"),
            "`dash` is required (SKILLC_REQUIRE_TOOLS=1) but not on PATH"
        );
        eprintln!("notice: `dash` not on PATH; reading words back with `sh`");
        "sh"
    })
}

/// What the shell prints for `printf '%s' WORD` with `$v` set to `v`.
fn dash_value(word: &Word, v: &str) -> String {
    let script = format!("printf '%s' {word}");
    let out = Command::new(shell())
        .arg("-c")
        .arg(&script)
        .env("v", v)
        .output()
        .expect("shell");
    assert!(out.status.success(), "{script}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn a_literal_is_always_single_quoted(s in "[^\u{0}]{0,40}") {
        let w = Word::lit(s.clone()).to_string();
        prop_assert!(w.starts_with('\'') && w.ends_with('\'') && w.len() >= 2);
        prop_assert_eq!(w, skillc_sh::quote(&s));
    }

    #[test]
    fn literals_variables_and_tokens_read_back_as_their_value(
        a in "[^\u{0}]{0,20}",
        v in "[^\u{0}]{0,20}",
        b in "[^\u{0}]{0,20}",
        t in "[^\u{0}]{0,12}",
    ) {
        let mut w = Word::lit(a.clone());
        w.push(Word::var("v"));
        w.push(Word::bare(t.clone()));
        w.push_lit(&b);
        prop_assert_eq!(dash_value(&w, &v), format!("{a}{v}{t}{b}"));
    }

    #[test]
    fn double_quoted_text_reads_back_as_its_value(
        a in "[^\u{0}]{0,20}",
        v in "[^\u{0}]{0,20}",
        b in "[^\u{0}]{0,20}",
    ) {
        let w = Word::quoted(vec![Dq::text(a.clone()), Dq::var("v"), Dq::text(b.clone())]);
        prop_assert_eq!(dash_value(&w, &v), format!("{a}{v}{b}"));
    }
}
