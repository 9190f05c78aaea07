//! Function definitions.

use std::fmt;

/// `name() {\n\tbody\n}\n`; the body is one (possibly multi-line) rendered statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    name: String,
    body: String,
}

impl Function {
    /// # Panics
    /// When `name` is not a valid sh function name (a generator bug).
    pub fn new(name: impl Into<String>, body: impl fmt::Display) -> Self {
        let name = name.into();
        assert!(
            crate::word::is_name(&name),
            "not an sh function name: {name:?}"
        );
        Self {
            name,
            body: body.to_string(),
        }
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}() {{\n\t{}\n}}\n", self.name, self.body)
    }
}
