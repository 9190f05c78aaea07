//! Expressions inside YAML scalars: parse, type-check, resolve the service references they name.

use super::context::Cx;
use super::declare::Decls;
use super::refs::Reach;
use crate::expr::{Call, Expr, ExprKind, Func, ParamRef, ServiceRef};
use crate::model::{FamilyId, Param, Target};
use skillc_diagnostics::{FileId, parallel};
use skillc_expr::{Origin, Type, TypeEnv, origin_for};
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
    /// Parses, checks and resolves a boolean expression. On an error the error is reported and a
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
                return placeholder(&origin);
            }
        };
        let errors = skillc_expr::typecheck(&expr, env, Type::Bool);
        let typed = errors.is_empty();
        self.diags.extend(errors);
        match self.resolve_expr(family, &expr, env) {
            Some(e) if typed => e,
            _ => placeholder(&origin),
        }
    }

    /// The resolved tree; `None` when a reference does not resolve (reported) or the tree does
    /// not type-check (reported by `typecheck`). Every service reference is resolved, even after
    /// a failure, so each is reported.
    fn resolve_expr(
        &mut self,
        family: FamilyId,
        e: &skillc_expr::Expr,
        env: &Env<'_>,
    ) -> Option<Expr> {
        use skillc_expr::ExprKind as S;
        let kind = match &e.kind {
            S::Bool(b) => ExprKind::Bool(*b),
            S::Int(n) => ExprKind::Int(*n),
            S::Str(s) => ExprKind::Str(s.clone()),
            S::Duration(d) => ExprKind::Duration(*d),
            S::Service => ExprKind::Service(ServiceRef {
                target: Target::Applied,
                written: None,
            }),
            S::Not(inner) => ExprKind::Not(Box::new(self.resolve_expr(family, inner, env)?)),
            S::Logic {
                op,
                op_span,
                lhs,
                rhs,
            } => {
                let l = self.resolve_expr(family, lhs, env);
                let r = self.resolve_expr(family, rhs, env);
                ExprKind::Logic {
                    op: *op,
                    op_span: *op_span,
                    lhs: Box::new(l?),
                    rhs: Box::new(r?),
                }
            }
            S::Compare {
                op,
                op_span,
                lhs,
                rhs,
            } => {
                let l = self.resolve_expr(family, lhs, env);
                let r = self.resolve_expr(family, rhs, env);
                ExprKind::Compare {
                    op: *op,
                    op_span: *op_span,
                    lhs: Box::new(l?),
                    rhs: Box::new(r?),
                }
            }
            S::Call(call) => self.resolve_call(family, call, env)?,
        };
        Some(Expr { kind, span: e.span })
    }

    fn resolve_call(
        &mut self,
        family: FamilyId,
        call: &skillc_expr::Call,
        env: &Env<'_>,
    ) -> Option<ExprKind> {
        use skillc_expr::ExprKind as S;
        let function = skillc_expr::function(&call.name);
        let mut args = Vec::with_capacity(call.args.len());
        let mut whole = true;
        for (i, arg) in call.args.iter().enumerate() {
            let service_position = function
                .and_then(|f| f.param_at(i))
                .is_some_and(|p| p.ty == Type::Service);
            let resolved = match &arg.kind {
                S::Str(text) if service_position => self
                    .resolve_service(family, text, arg.span, Reach::Imports)
                    .map(|id| Expr {
                        kind: ExprKind::Service(ServiceRef {
                            target: Target::Service(id),
                            written: Some(text.clone()),
                        }),
                        span: arg.span,
                    }),
                _ => self.resolve_expr(family, arg, env),
            };
            whole &= resolved.is_some();
            args.extend(resolved);
        }
        if call.name == "param" {
            let Some(ExprKind::Str(name)) = args.first().map(|a| &a.kind) else {
                return None;
            };
            let params = env.params?;
            let index = params.iter().position(|p| &p.name.value == name)?;
            return Some(ExprKind::Param(ParamRef {
                index,
                name: name.clone(),
                ty: param_type(params[index].ty),
            }));
        }
        let mut func = Func::from_name(&call.name)?;
        if !whole {
            return None;
        }
        if let (Func::Bus { provider }, Some(ExprKind::Str(name))) =
            (&mut func, args.first().map(|a| &a.kind))
        {
            *provider = self.service_by_bus.get(&name.to_lowercase()).copied();
        }
        Some(ExprKind::Call(Call {
            func,
            name_span: call.name_span,
            args,
        }))
    }
}

impl Cx<'_> {
    /// Parses `text` once per distinct text; later occurrences reuse the tree with their own spans
    /// (generic skills repeat the same expressions for every family).
    fn parse_cached(
        &mut self,
        text: &str,
        origin: &Origin,
    ) -> Result<skillc_expr::Expr, Box<skillc_diagnostics::Diagnostic>> {
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

fn placeholder(origin: &Origin) -> Expr {
    Expr {
        kind: ExprKind::Bool(true),
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
