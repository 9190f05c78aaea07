//! The built-in function table, shared with the docs generator and the backends.

use crate::types::Type;
use std::fmt::Write as _;

/// A declared parameter of a built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    /// For [`Type::Service`] a string literal is accepted too: a service reference resolved by the
    /// caller (see [`crate::service_refs`]).
    pub ty: Type,
}

/// What a function returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Returns {
    Type(Type),
    /// The declared type of the skill parameter named by the (string literal) argument: `param`.
    ParamType,
}

/// One built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Function {
    pub name: &'static str,
    pub params: &'static [Param],
    /// The last parameter may be repeated zero or more times.
    pub variadic: bool,
    pub returns: Returns,
    /// One line, for docs and `help`.
    pub doc: &'static str,
}

impl Function {
    /// The fewest arguments a call takes.
    pub fn min_args(&self) -> usize {
        if self.variadic {
            self.params.len().saturating_sub(1)
        } else {
            self.params.len()
        }
    }

    /// The most arguments a call takes; `None` when variadic.
    pub fn max_args(&self) -> Option<usize> {
        (!self.variadic).then_some(self.params.len())
    }

    /// The declared parameter an argument at `index` binds to.
    pub fn param_at(&self, index: usize) -> Option<&'static Param> {
        match self.params.get(index) {
            Some(p) => Some(p),
            None if self.variadic => self.params.last(),
            None => None,
        }
    }

    /// `exec(argv0: string, args: string...) -> bool`
    pub fn signature(&self) -> String {
        let mut s = format!("{}(", self.name);
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                s.push_str(", ");
            }
            let dots = if self.variadic && i + 1 == self.params.len() {
                "..."
            } else {
                ""
            };
            let ty = if self.name == "param" {
                "string literal"
            } else {
                p.ty.as_str()
            };
            let _ = write!(s, "{}: {ty}{dots}", p.name);
        }
        s.push_str(") -> ");
        match self.returns {
            Returns::Type(t) => s.push_str(t.as_str()),
            Returns::ParamType => s.push_str("<type of the parameter>"),
        }
        s
    }
}

const fn p(name: &'static str, ty: Type) -> Param {
    Param { name, ty }
}

const fn f(
    name: &'static str,
    params: &'static [Param],
    returns: Type,
    doc: &'static str,
) -> Function {
    Function {
        name,
        params,
        variadic: false,
        returns: Returns::Type(returns),
        doc,
    }
}

/// Every built-in function, in documentation order.
pub const FUNCTIONS: &[Function] = &[
    f(
        "tcp",
        &[p("addr", Type::String)],
        Type::Bool,
        "A TCP connect to `host:port` succeeds.",
    ),
    f(
        "http",
        &[p("url", Type::String)],
        Type::Int,
        "HTTP status of a GET (0 when unreachable).",
    ),
    f(
        "http_ca",
        &[p("url", Type::String), p("ca_file", Type::String)],
        Type::Int,
        "HTTP status of a GET over TLS verified against the CA certificates (PEM) in `ca_file` only (0 when unreachable or untrusted).",
    ),
    f(
        "http_mtls",
        &[
            p("url", Type::String),
            p("ca_file", Type::String),
            p("cert_file", Type::String),
            p("key_file", Type::String),
        ],
        Type::Int,
        "`http_ca`, presenting the client certificate `cert_file` with its key `key_file` (PEM).",
    ),
    f(
        "file_exists",
        &[p("path", Type::String)],
        Type::Bool,
        "The path exists and is a file.",
    ),
    f(
        "dir_exists",
        &[p("path", Type::String)],
        Type::Bool,
        "The path exists and is a directory.",
    ),
    Function {
        name: "exec",
        params: &[p("argv0", Type::String), p("args", Type::String)],
        variadic: true,
        returns: Returns::Type(Type::Bool),
        doc: "The command (argv, no shell) exits 0.",
    },
    f(
        "bus",
        &[p("name", Type::String)],
        Type::Bool,
        "The bus name is registered.",
    ),
    f(
        "ready",
        &[p("svc", Type::Service)],
        Type::Bool,
        "The service's readiness probe holds (falls back to `running` without a probe).",
    ),
    f(
        "loaded",
        &[p("svc", Type::Service)],
        Type::Bool,
        "launchd has the service loaded.",
    ),
    f(
        "running",
        &[p("svc", Type::Service)],
        Type::Bool,
        "The service has a running process.",
    ),
    f(
        "disabled",
        &[p("svc", Type::Service)],
        Type::Bool,
        "launchd has the service disabled.",
    ),
    f(
        "last_exit",
        &[p("svc", Type::Service)],
        Type::Int,
        "The service's last exit code (-1 when unknown).",
    ),
    f(
        "runs",
        &[p("svc", Type::Service)],
        Type::Int,
        "launchd's run count of the service.",
    ),
    f(
        "pid_alive",
        &[p("pidfile", Type::String)],
        Type::Bool,
        "The PID in the file is a live process.",
    ),
    f(
        "port_free",
        &[p("port", Type::Int)],
        Type::Bool,
        "Nothing listens on the port.",
    ),
    f(
        "free_space",
        &[p("path", Type::String)],
        Type::Int,
        "Percent free on the volume holding the path.",
    ),
    f(
        "log_contains",
        &[p("path", Type::String), p("text", Type::String)],
        Type::Bool,
        "The file contains the text.",
    ),
    Function {
        name: "param",
        params: &[p("name", Type::String)],
        variadic: false,
        returns: Returns::ParamType,
        doc: "The value of the skill parameter named by the string literal.",
    },
];

/// The built-in function called `name`.
pub fn function(name: &str) -> Option<&'static Function> {
    FUNCTIONS.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_signatures_read_well() {
        let mut names: Vec<_> = FUNCTIONS.iter().map(|f| f.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), FUNCTIONS.len());
        assert_eq!(
            function("exec").map(Function::signature).as_deref(),
            Some("exec(argv0: string, args: string...) -> bool")
        );
        assert_eq!(
            function("param").map(Function::signature).as_deref(),
            Some("param(name: string literal) -> <type of the parameter>")
        );
    }

    #[test]
    fn variadic_arity_and_binding() {
        let exec = function("exec").expect("exec");
        assert_eq!((exec.min_args(), exec.max_args()), (1, None));
        assert_eq!(exec.param_at(5).map(|p| p.name), Some("args"));
        let tcp = function("tcp").expect("tcp");
        assert_eq!((tcp.min_args(), tcp.max_args()), (1, Some(1)));
        assert_eq!(tcp.param_at(1), None);
    }
}
