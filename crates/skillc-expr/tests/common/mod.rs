//! Helpers shared by the integration tests.
#![allow(dead_code)]

use skillc_diagnostics::{Diagnostic, FileId, Span};
use skillc_expr::{Expr, Origin, Type, TypeEnv, parse, typecheck};

pub(crate) const FILE: FileId = FileId(7);
/// Every exact-origin test puts the expression at this byte offset.
pub(crate) const BASE: u32 = 100;

pub(crate) fn origin(text: &str) -> Origin {
    Origin::exact(FILE, BASE, text.len())
}

pub(crate) fn ok(text: &str) -> Expr {
    parse(text, &origin(text)).unwrap_or_else(|d| panic!("{text:?} should parse: {d:?}"))
}

pub(crate) fn err(text: &str) -> Diagnostic {
    match parse(text, &origin(text)) {
        Ok(e) => panic!("{text:?} should not parse, got {e}"),
        Err(d) => d,
    }
}

/// The local (expression-relative) byte range of a span.
pub(crate) fn local(span: Option<Span>) -> (u32, u32) {
    let s = span.expect("a span");
    assert_eq!(s.file, FILE);
    (s.start - BASE, s.end - BASE)
}

/// A skill with parameters `lock: string`, `port: int`, `grace: duration`, `peer: service`.
#[derive(Debug, Clone)]
pub(crate) struct Env {
    pub(crate) params: Vec<(&'static str, Type)>,
    pub(crate) service: bool,
    pub(crate) allow_params: bool,
}

impl Env {
    pub(crate) fn skill() -> Self {
        Self {
            params: vec![
                ("lock", Type::String),
                ("port", Type::Int),
                ("grace", Type::Duration),
                ("peer", Type::Service),
            ],
            service: true,
            allow_params: true,
        }
    }

    pub(crate) fn probe() -> Self {
        Self {
            params: Vec::new(),
            service: true,
            allow_params: false,
        }
    }
}

impl TypeEnv for Env {
    fn param_type(&self, name: &str) -> Option<Type> {
        self.params
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, t)| *t)
    }
    fn param_names(&self) -> Vec<String> {
        self.params.iter().map(|(n, _)| (*n).to_owned()).collect()
    }
    fn allows_service(&self) -> bool {
        self.service
    }
    fn allows_params(&self) -> bool {
        self.allow_params
    }
}

/// Parses (must succeed) and type checks as a bool condition.
pub(crate) fn check(text: &str, env: &Env) -> Vec<Diagnostic> {
    typecheck(&ok(text), env, Type::Bool)
}
