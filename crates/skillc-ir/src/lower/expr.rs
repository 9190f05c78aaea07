//! Expressions inside YAML scalars: parse, type-check, resolve the service references they name.

use super::context::Cx;
use super::declare::Decls;
use super::refs::Reach;
use crate::model::{FamilyId, Param};
use skillc_diagnostics::{FileId, parallel};
use skillc_expr::{Expr, Origin, Type, TypeEnv, origin_for};
use skillc_syntax::Sp;
use skillc_syntax::ast::{self, ExprText, ParamType};

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
        let expr = match self.parse_cached(text.value.as_str(), &origin) {
            Ok(e) => e,
            Err(d) => {
                self.emit(*d);
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

impl Cx<'_> {
    /// Parses `text` once per distinct text; later occurrences reuse the tree with their own spans
    /// (generic skills repeat the same expressions for every family).
    fn parse_cached(
        &mut self,
        text: &str,
        origin: &Origin,
    ) -> Result<Expr, Box<skillc_diagnostics::Diagnostic>> {
        if let Some(cached) = self.expr_cache.get(text) {
            return Ok(cached.rebased(origin));
        }
        match skillc_expr::parse(text, &Origin::exact(FileId(0), 0, text.len())) {
            Ok(base) => {
                let expr = base.rebased(origin);
                self.expr_cache.insert(text.to_owned(), base);
                Ok(expr)
            }
            // Errors are parsed again in place, so the diagnostic points into the YAML.
            Err(_) => skillc_expr::parse(text, origin).map_err(Box::new),
        }
    }
}

fn placeholder(origin: Origin) -> Expr {
    Expr {
        kind: skillc_expr::ExprKind::Bool(true),
        span: origin.scalar,
    }
}

/// Every expression text of the declarations.
fn texts<'l>(decls: &Decls<'l>) -> Vec<&'l str> {
    fn steps<'l>(list: &'l [Sp<ast::Step>], out: &mut Vec<&'l str>) {
        for s in list {
            out.extend(s.when.as_ref().map(|w| w.value.as_str()));
            for nested in [&s.sequence, &s.parallel].into_iter().flatten() {
                steps(nested, out);
            }
            if let Some(l) = &s.loop_ {
                out.extend(l.until.as_ref().map(|u| u.value.as_str()));
                steps(&l.steps, out);
            }
        }
    }
    let mut out = Vec::new();
    for s in &decls.services {
        out.extend(s.body.readiness.as_ref().map(|r| r.probe.value.as_str()));
    }
    for a in &decls.actions {
        out.extend(a.body.guard.as_ref().map(|g| g.value.as_str()));
    }
    for k in &decls.skills {
        let k = &k.body.value;
        out.push(k.detect.value.as_str());
        out.extend(k.verify.as_ref().map(|v| v.value.as_str()));
        steps(k.diagnose.as_deref().unwrap_or_default(), &mut out);
        steps(&k.remediate, &mut out);
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Parses every distinct expression text on every core before lowering, which then only rebases
/// cached trees (expression parsing is the bulk of lowering). Texts that do not parse are left
/// out: lowering parses them in place to report the error at its position.
pub(crate) fn prefill_cache(cx: &mut Cx<'_>, decls: &Decls<'_>) {
    let texts = texts(decls);
    let parse = |t: &&str| {
        skillc_expr::parse(t, &Origin::exact(FileId(0), 0, t.len()))
            .ok()
            .map(|e| ((*t).to_owned(), e))
    };
    let parsed = parallel::map(&texts, parallel::Options::new(64), parse);
    cx.expr_cache.extend(parsed.into_iter().flatten());
}
