//! Simple commands, redirections and assignments.

use crate::word::Word;
use std::fmt;

/// A simple command: its argv, then its redirections.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Command {
    argv: Vec<Word>,
    redirects: Vec<Redirect>,
}

/// A redirection: `[fd]op target` (`>/dev/null`, `2>&1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Redirect {
    /// `>/dev/null`
    OutToNull,
    /// `2>&1`
    ErrToOut,
    /// `>&2`
    OutToErr,
    /// `2>/dev/null`
    ErrToNull,
}

impl Command {
    /// A command whose argv starts with the bare `program` (`launchctl`, a function name).
    pub fn new(program: &str) -> Self {
        Self {
            argv: vec![Word::bare(program)],
            redirects: Vec::new(),
        }
    }

    /// A command of the words `argv`.
    pub fn from_argv(argv: Vec<Word>) -> Self {
        Self {
            argv,
            redirects: Vec::new(),
        }
    }

    /// Appends an argument.
    #[must_use]
    pub fn arg(mut self, w: Word) -> Self {
        self.argv.push(w);
        self
    }

    /// Appends a bare argument (an option or number).
    #[must_use]
    pub fn flag(self, s: &str) -> Self {
        self.arg(Word::bare(s))
    }

    /// Appends arguments.
    #[must_use]
    pub fn args(mut self, ws: impl IntoIterator<Item = Word>) -> Self {
        self.argv.extend(ws);
        self
    }

    /// Appends a redirection.
    #[must_use]
    pub fn redirect(mut self, r: Redirect) -> Self {
        self.redirects.push(r);
        self
    }

    /// The command with no output (`>/dev/null 2>&1`).
    #[must_use]
    pub fn quiet(self) -> Self {
        self.redirect(Redirect::OutToNull)
            .redirect(Redirect::ErrToOut)
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, w) in self.argv.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{w}")?;
        }
        for r in &self.redirects {
            f.write_str(match r {
                Redirect::OutToNull => " >/dev/null",
                Redirect::ErrToOut => " 2>&1",
                Redirect::OutToErr => " >&2",
                Redirect::ErrToNull => " 2>/dev/null",
            })?;
        }
        Ok(())
    }
}

/// `name=value`, or an assignment from a parameter expansion (only safe here: the right side
/// of an assignment is neither split nor globbed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assign {
    name: String,
    value: Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Value {
    Word(Word),
    /// `${name:-word}`: keeps a value set by the environment, else `word`.
    Default(Word),
    /// `${var#prefix}`.
    StripPrefix {
        var: String,
        prefix: Word,
    },
}

impl Assign {
    /// # Panics
    /// When `name` is not a valid sh variable name (a generator bug).
    pub fn new(name: impl Into<String>, value: Word) -> Self {
        Self::to(name, Value::Word(value))
    }

    /// `name=${name:-default}`: the environment's value when set and not empty, else `default`.
    ///
    /// # Panics
    /// When `name` is not a valid sh variable name (a generator bug).
    pub fn or_default(name: impl Into<String>, default: Word) -> Self {
        Self::to(name, Value::Default(default))
    }

    /// `name=${var#prefix}`: `var` without a leading `prefix` (matched literally).
    ///
    /// # Panics
    /// When `name` or `var` is not a valid sh variable name or positional parameter (a
    /// generator bug).
    pub fn strip_prefix(name: impl Into<String>, var: &str, prefix: Word) -> Self {
        let positional = !var.is_empty() && var.bytes().all(|b| b.is_ascii_digit());
        assert!(
            crate::word::is_name(var) || positional,
            "not an sh parameter: {var:?}"
        );
        Self::to(
            name,
            Value::StripPrefix {
                var: var.to_owned(),
                prefix,
            },
        )
    }

    fn to(name: impl Into<String>, value: Value) -> Self {
        let name = name.into();
        assert!(
            crate::word::is_name(&name),
            "not an sh variable name: {name:?}"
        );
        Self { name, value }
    }
}

impl fmt::Display for Assign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = &self.name;
        match &self.value {
            Value::Word(w) => write!(f, "{name}={w}"),
            Value::Default(w) => write!(f, "{name}=${{{name}:-{w}}}"),
            Value::StripPrefix { var, prefix } => write!(f, "{name}=${{{var}#{prefix}}}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_assignments_and_redirections() {
        assert_eq!(
            Assign::or_default("LOG", Word::lit("/var/log/x")).to_string(),
            "LOG=${LOG:-'/var/log/x'}"
        );
        assert_eq!(
            Assign::strip_prefix("p_x", "2", Word::lit("x=")).to_string(),
            "p_x=${2#'x='}"
        );
        let c = Command::new("printf")
            .arg(Word::lit("%s\\n"))
            .redirect(Redirect::OutToErr);
        assert_eq!(c.to_string(), "printf '%s\\n' >&2");
    }
}
