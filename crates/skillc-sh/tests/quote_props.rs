//! Property test: any string without NUL, quoted, reaches a program byte for byte.

use proptest::prelude::*;
use std::process::Command;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn quoted_words_reach_printf_unchanged(s in "[^\u{0}]{0,40}") {
        let script = format!("printf '%s' {}", skillc_sh::quote(&s));
        let out = Command::new("sh").arg("-c").arg(&script).output().expect("sh");
        prop_assert!(out.status.success());
        prop_assert_eq!(String::from_utf8_lossy(&out.stdout), s);
    }
}
