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

/// `name=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assign {
    name: String,
    value: Word,
}

impl Assign {
    /// # Panics
    /// When `name` is not a valid sh variable name (a generator bug).
    pub fn new(name: impl Into<String>, value: Word) -> Self {
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
        write!(f, "{}={}", self.name, self.value)
    }
}
