//! The one quoting function every generated script uses.

/// Quotes `s` as exactly one POSIX sh word that expands to `s`, byte for byte.
///
/// The word is always single-quoted, and each `'` inside `s` is written as `'\''` (close the
/// quote, an escaped quote, reopen). Why this is safe for any string:
///
/// * Inside single quotes POSIX sh (XCU 2.2.2) gives **no** character a special meaning: no
///   parameter expansion (`$HOME`, `${x}`), no command substitution (`$(...)`, backticks), no
///   arithmetic, no backslash escapes, no globbing (`*`, `?`, `[`), no tilde expansion, no field
///   splitting, and newlines, tabs and other control characters are literal. The only character
///   that can end the quoting is `'` itself, and that is exactly the one we never leave inside.
/// * `\'` outside quotes is a literal `'` (backslash quoting, XCU 2.2.1).
/// * Adjacent quoted pieces form one word, so `'a'\''b'` is the single word `a'b`.
/// * The empty string becomes `''`, an empty argument rather than none.
/// * Multi-byte UTF-8 is copied unchanged; the shell treats the bytes as opaque.
///
/// What quoting cannot do, and callers must handle:
///
/// * **Leading dashes.** A quoted `-rf` is still the argument `-rf`; a command may take it as an
///   option. Pass `--` before operands (or `-e` for grep patterns, `--url` for curl) or prefix
///   relative paths with `./`.
/// * **NUL.** No POSIX shell word, argument or environment value can hold a NUL byte. Strings
///   holding one are rejected before emission (launchd's XML cannot hold it either).
///
/// ```
/// use skillc_sh::quote;
/// assert_eq!(quote("plain"), "'plain'");
/// assert_eq!(quote("it's"), "'it'\\''s'");
/// assert_eq!(quote(""), "''");
/// assert_eq!(quote("$(rm -rf /)"), "'$(rm -rf /)'");
/// ```
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for (i, piece) in s.split('\'').enumerate() {
        if i > 0 {
            out.push_str("'\\''");
        }
        out.push_str(piece);
    }
    out.push('\'');
    out
}

/// Whether a string can be passed to a program at all: it holds no NUL byte.
pub fn is_representable(s: &str) -> bool {
    !s.contains('\0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_single_quotes_and_keeps_everything_else() {
        assert_eq!(quote("a'b"), "'a'\\''b'");
        assert_eq!(quote("''"), "''\\'''\\'''");
        assert_eq!(quote("a\nb"), "'a\nb'");
        assert_eq!(quote("`id`"), "'`id`'");
        assert_eq!(quote("*"), "'*'");
        assert_eq!(quote("~root"), "'~root'");
        assert_eq!(quote("--x"), "'--x'");
    }

    /// The definition, one character at a time: what `quote` must equal for every string.
    fn reference(s: &str) -> String {
        let mut out = String::from("'");
        for ch in s.chars() {
            if ch == '\'' {
                out.push_str("'\\''");
            } else {
                out.push(ch);
            }
        }
        out.push('\'');
        out
    }

    proptest::proptest! {
        #[test]
        fn equals_the_character_by_character_definition(s in "(?s).{0,40}|[' a]{0,12}") {
            proptest::prop_assert_eq!(quote(&s), reference(&s));
        }
    }

    #[test]
    fn nul_is_not_representable() {
        assert!(is_representable("a\u{1}b"));
        assert!(!is_representable("a\0b"));
    }
}
