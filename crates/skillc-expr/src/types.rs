//! Value types and the environment a type check runs in.

/// The value types of the language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Type {
    Bool,
    Int,
    String,
    Duration,
    /// A service: the identifier `service`, or (in a service position) a service reference written
    /// as a string literal.
    Service,
}

impl Type {
    pub fn as_str(self) -> &'static str {
        match self {
            Type::Bool => "bool",
            Type::Int => "int",
            Type::String => "string",
            Type::Duration => "duration",
            Type::Service => "service",
        }
    }
}

impl std::fmt::Display for Type {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the caller knows about the context of an expression.
pub trait TypeEnv {
    /// The declared type of the skill (or action) parameter `name`.
    fn param_type(&self, name: &str) -> Option<Type>;
    /// Every parameter name, for "did you mean" suggestions.
    fn param_names(&self) -> Vec<String>;
    /// Whether the bare identifier `service` means something here.
    fn allows_service(&self) -> bool;
    /// Whether `param("...")` may be used here (skills and actions, not readiness probes).
    fn allows_params(&self) -> bool;
}
