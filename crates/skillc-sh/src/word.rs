//! One sh word built from parts, rendered with [`quote`] for every literal.

use crate::command::Command;
use crate::quote::quote;
use std::fmt;

/// One sh word: literals, variables and bare generator tokens, concatenated.
///
/// Rendering never escapes anything itself: a literal is always [`quote`]d, a variable is
/// `"$name"`, and a bare token is written as-is only when no character of it is special to sh
/// (else it is quoted like a literal). The empty word renders as `''`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Word {
    parts: Vec<Part>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// Quoted with [`quote`]; adjacent literals are merged, empty ones dropped.
    Lit(String),
    /// A keyword, option, number or function name of the generator: no quoting needed.
    Bare(String),
    /// `"..."` around text and variables.
    Quoted(Vec<Dq>),
}

/// A piece inside a double-quoted part of a [`Word`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dq {
    /// Text; one holding `"`, `$`, `` ` `` or `\` is written in a [`quote`]d run between the
    /// double quotes rather than escaped.
    Text(String),
    /// `$name` (`${name}` when a name character follows).
    Var(String),
    /// `$(command)`.
    Subst(Command),
}

/// Whether `s` is a valid sh variable name.
pub(crate) fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Whether `s` means itself unquoted in any argument position: no expansion, globbing,
/// splitting, tilde, comment, assignment or operator character.
fn is_bare(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./:@%+,-".contains(c))
}

fn needs_single_quotes_in_dq(s: &str) -> bool {
    s.contains(['"', '$', '`', '\\'])
}

impl Word {
    /// A literal value: always [`quote`]d (`''` when empty).
    pub fn lit(s: impl Into<String>) -> Self {
        let mut w = Self::default();
        w.push_lit(&s.into());
        w
    }

    /// `"$name"`.
    ///
    /// # Panics
    /// When `name` is not a valid sh variable name (a generator bug).
    pub fn var(name: impl Into<String>) -> Self {
        Self::quoted(vec![Dq::var(name)])
    }

    /// A generator token (`launchctl`, `-k`, `--`, `0755`, a function name): written as-is when
    /// it needs no quoting, else quoted like a literal.
    pub fn bare(s: impl Into<String>) -> Self {
        let s = s.into();
        if is_bare(&s) {
            Self {
                parts: vec![Part::Bare(s)],
            }
        } else {
            Self::lit(s)
        }
    }

    /// `"..."` around `pieces`.
    pub fn quoted(pieces: Vec<Dq>) -> Self {
        Self {
            parts: vec![Part::Quoted(pieces)],
        }
    }

    /// Appends literal text (merged into a preceding literal; nothing when empty).
    pub fn push_lit(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        if let Some(Part::Lit(last)) = self.parts.last_mut() {
            last.push_str(s);
        } else {
            self.parts.push(Part::Lit(s.to_owned()));
        }
    }

    /// Appends `other`, as one word.
    pub fn push(&mut self, other: Self) {
        for p in other.parts {
            match p {
                Part::Lit(s) => self.push_lit(&s),
                p => self.parts.push(p),
            }
        }
    }

    /// The words concatenated into one.
    pub fn concat(words: impl IntoIterator<Item = Self>) -> Self {
        let mut out = Self::default();
        for w in words {
            out.push(w);
        }
        out
    }

    /// The value when the word holds no variable or substitution.
    pub fn literal(&self) -> Option<String> {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) | Part::Bare(s) => out.push_str(s),
                Part::Quoted(q) => {
                    for d in q {
                        match d {
                            Dq::Text(s) => out.push_str(s),
                            Dq::Var(_) | Dq::Subst(_) => return None,
                        }
                    }
                }
            }
        }
        Some(out)
    }

    /// The word for people: its value, with `<name>` for a variable and `$(command)` for a
    /// substitution. Not sh: callers put it through `comment_text` or [`quote`].
    pub fn text(&self) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Lit(s) | Part::Bare(s) => out.push_str(s),
                Part::Quoted(q) => {
                    for d in q {
                        match d {
                            Dq::Text(s) => out.push_str(s),
                            Dq::Var(v) => {
                                out.push('<');
                                out.push_str(v);
                                out.push('>');
                            }
                            Dq::Subst(c) => {
                                out.push_str("$(");
                                out.push_str(&c.to_string());
                                out.push(')');
                            }
                        }
                    }
                }
            }
        }
        out
    }
}

impl Dq {
    /// Text inside double quotes.
    pub fn text(s: impl Into<String>) -> Self {
        Self::Text(s.into())
    }

    /// `$name`; `name` may also be a positional parameter (`1`).
    ///
    /// # Panics
    /// When `name` is neither an sh variable name nor a positional parameter (a generator bug).
    pub fn var(name: impl Into<String>) -> Self {
        let name = name.into();
        let positional = !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit());
        assert!(
            is_name(&name) || positional,
            "not an sh variable name: {name:?}"
        );
        Self::Var(name)
    }
}

impl fmt::Display for Word {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.parts.is_empty() {
            return f.write_str("''");
        }
        for p in &self.parts {
            match p {
                Part::Lit(s) => f.write_str(&quote(s))?,
                Part::Bare(s) => f.write_str(s)?,
                Part::Quoted(q) => write_quoted(f, q)?,
            }
        }
        Ok(())
    }
}

fn write_quoted(f: &mut fmt::Formatter<'_>, pieces: &[Dq]) -> fmt::Result {
    f.write_str("\"")?;
    for (i, d) in pieces.iter().enumerate() {
        match d {
            Dq::Text(s) if needs_single_quotes_in_dq(s) => write!(f, "\"{}\"", quote(s))?,
            Dq::Text(s) => f.write_str(s)?,
            Dq::Var(v) => {
                let joins = match pieces.get(i + 1) {
                    Some(Dq::Text(t)) if !needs_single_quotes_in_dq(t) => t
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_'),
                    _ => false,
                };
                if joins {
                    write!(f, "${{{v}}}")?;
                } else {
                    write!(f, "${v}")?;
                }
            }
            Dq::Subst(c) => write!(f, "$({c})")?,
        }
    }
    f.write_str("\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_each_part_kind() {
        assert_eq!(Word::lit("").to_string(), "''");
        assert_eq!(Word::default().to_string(), "''");
        assert_eq!(Word::lit("a b").to_string(), "'a b'");
        assert_eq!(Word::var("x").to_string(), "\"$x\"");
        assert_eq!(Word::bare("-k").to_string(), "-k");
        assert_eq!(Word::bare("a b").to_string(), "'a b'");
        let mut w = Word::lit("/srv/");
        w.push(Word::var("p_dir"));
        w.push_lit("/log");
        assert_eq!(w.to_string(), "'/srv/'\"$p_dir\"'/log'");
        assert_eq!(w.text(), "/srv/<p_dir>/log");
        assert_eq!(w.literal(), None);
        assert_eq!(
            Word::concat([Word::lit("a"), Word::lit(""), Word::lit("b")]).to_string(),
            "'ab'"
        );
    }

    #[test]
    fn double_quoted_text_with_specials_is_single_quoted_not_escaped() {
        let w = Word::quoted(vec![
            Dq::text("n "),
            Dq::var("i"),
            Dq::text(": "),
            Dq::text("a$b"),
        ]);
        assert_eq!(w.to_string(), "\"n $i: \"'a$b'\"\"");
        let w = Word::quoted(vec![Dq::var("i"), Dq::text("x")]);
        assert_eq!(w.to_string(), "\"${i}x\"");
    }
}
