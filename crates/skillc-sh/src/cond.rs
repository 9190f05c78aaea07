//! Conditions: what `if`, `while`, `&&` and `||` test.

use crate::command::Command;
use crate::word::Word;
use std::fmt;

/// A condition, rendered on one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    /// A command's exit status.
    Command(Command),
    /// `[ ops... operand ]`: unary test operators (`!`, `-d`) before one operand.
    Test {
        ops: Vec<&'static str>,
        operand: Word,
    },
    /// `! cond`.
    Not(Box<Cond>),
    /// `a && b && ...`.
    And(Vec<Cond>),
    /// `a || b || ...`.
    Or(Vec<Cond>),
    /// `{ cond; }`.
    Group(Box<Cond>),
    /// Rendered by the probe compiler; goes when it emits this type.
    Compiled(String),
}

impl Cond {
    /// `true`.
    pub fn always() -> Self {
        Self::Command(Command::new("true"))
    }

    /// `false`.
    pub fn never() -> Self {
        Self::Command(Command::new("false"))
    }

    /// `[ ops... operand ]`.
    ///
    /// # Panics
    /// When an operator is not `!` or a unary `-x` (a generator bug).
    pub fn test(ops: &[&'static str], operand: Word) -> Self {
        for op in ops {
            let b = op.as_bytes();
            assert!(
                *op == "!" || (b.len() == 2 && b[0] == b'-' && b[1].is_ascii_alphabetic()),
                "not a unary test operator: {op:?}"
            );
        }
        Self::Test {
            ops: ops.to_vec(),
            operand,
        }
    }

    /// `{ self; }`.
    #[must_use]
    pub fn group(self) -> Self {
        Self::Group(Box::new(self))
    }
}

impl std::ops::Not for Cond {
    type Output = Self;

    /// `! self`.
    fn not(self) -> Self {
        Self::Not(Box::new(self))
    }
}

impl From<Command> for Cond {
    fn from(c: Command) -> Self {
        Self::Command(c)
    }
}

fn join(f: &mut fmt::Formatter<'_>, cs: &[Cond], op: &str) -> fmt::Result {
    for (i, c) in cs.iter().enumerate() {
        if i > 0 {
            f.write_str(op)?;
        }
        write!(f, "{c}")?;
    }
    Ok(())
}

impl fmt::Display for Cond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Command(c) => write!(f, "{c}"),
            Self::Test { ops, operand } => {
                f.write_str("[")?;
                for op in ops {
                    write!(f, " {op}")?;
                }
                write!(f, " {operand} ]")
            }
            Self::Not(c) => write!(f, "! {c}"),
            Self::And(cs) => join(f, cs, " && "),
            Self::Or(cs) => join(f, cs, " || "),
            Self::Group(c) => write!(f, "{{ {c}; }}"),
            Self::Compiled(s) => f.write_str(s),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_tests_negations_lists_and_groups() {
        let p = || Word::lit("/var/x");
        assert_eq!(
            Cond::test(&["!", "-d"], p()).to_string(),
            "[ ! -d '/var/x' ]"
        );
        let either = Cond::Or(vec![Cond::test(&["-e"], p()), Cond::test(&["-L"], p())]);
        assert_eq!(
            either.group().to_string(),
            "{ [ -e '/var/x' ] || [ -L '/var/x' ]; }"
        );
        let loaded = Command::new("launchctl")
            .flag("print")
            .arg(Word::lit("system/a.b"))
            .quiet();
        assert_eq!(
            (!Cond::from(loaded)).to_string(),
            "! launchctl print 'system/a.b' >/dev/null 2>&1"
        );
        assert_eq!(
            Cond::And(vec![Cond::always(), Cond::never()]).to_string(),
            "true && false"
        );
    }
}
