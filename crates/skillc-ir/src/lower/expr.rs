//! Expressions inside YAML scalars: parse, type-check, resolve the service references they name.

use super::context::Cx;
use super::refs::Reach;
use crate::model::{FamilyId, Param};
use skillc_diagnostics::FileId;
use skillc_expr::{Expr, Origin, Type, TypeEnv, origin_for};
use skillc_syntax::Sp;
use skillc_syntax::ast::{ExprText, ParamType};

/// The context an expression is checked in.
pub(crate) struct Env<'p> {
    /// Parameters `param("x")` may read; `None` where params are not allowed (readiness).
    pub(crate) params: Option<&'p [Param]>,
}

pub(crate) fn param_type(ty: ParamType) -> Type {
    match ty {
        ParamType::String | ParamType::Path => Type::String,
        ParamType::Int => Type::Int,
        ParamType::Bool => Type::Bool,
        ParamType::Duration => Type::Duration,
        ParamType::Service => Type::Service,
    }
}

impl TypeEnv for Env<'_> {
    fn param_type(&self, name: &str) -> Option<Type> {
        self.params?
            .iter()
            .find(|p| p.name.value == name)
            .map(|p| param_type(p.ty))
    }
    fn param_names(&self) -> Vec<String> {
        self.params
            .map(|ps| ps.iter().map(|p| p.name.value.clone()).collect())
            .unwrap_or_default()
    }
    fn allows_service(&self) -> bool {
        true
    }
    fn allows_params(&self) -> bool {
        self.params.is_some()
    }
}

impl Cx<'_> {
    /// Parses and checks a boolean expression. On a syntax error the error is reported and a
    /// `true` placeholder spanning the scalar is returned, so the IR stays whole (it is never
    /// used: the run has an error).
    pub(crate) fn expr(
        &mut self,
        family: FamilyId,
        file: FileId,
        text: &Sp<ExprText>,
        env: &Env<'_>,
    ) -> Expr {
        let scalar = text.span(file);
        let raw = self.text(scalar);
        let origin = origin_for(file, scalar, raw, text.value.as_str());
        let expr = match skillc_expr::parse(text.value.as_str(), &origin) {
            Ok(e) => e,
            Err(d) => {
                self.emit(d);
                return placeholder(origin);
            }
        };
        let errors = skillc_expr::typecheck(&expr, env, Type::Bool);
        self.diags.extend(errors);
        for (reference, span) in skillc_expr::service_refs(&expr) {
            self.resolve_service(family, &reference, span, Reach::Imports);
        }
        expr
    }
}

fn placeholder(origin: Origin) -> Expr {
    Expr {
        kind: skillc_expr::ExprKind::Bool(true),
        span: origin.scalar,
    }
}
