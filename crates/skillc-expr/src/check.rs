//! Type checking, and queries over a checked tree.

use crate::ast::{Call, CmpOp, Expr, ExprKind};
use crate::functions::{FUNCTIONS, Function, Returns, function};
use crate::rules;
use crate::types::{Type, TypeEnv};
use skillc_diagnostics::{Diagnostic, Span, did_you_mean};

/// Checks `expr` against `env`; the whole expression must have type `expected`. Returns every
/// error found (an error in one part does not hide errors in others, and does not cascade).
pub fn typecheck(expr: &Expr, env: &dyn TypeEnv, expected: Type) -> Vec<Diagnostic> {
    let mut checker = Checker {
        env,
        diags: Vec::new(),
    };
    if expected == Type::Service && matches!(expr.kind, ExprKind::Str(_)) {
        return checker.diags;
    }
    if let Some(found) = checker.infer(expr)
        && found != expected
    {
        let mut d = rules::EXPR_TYPE_MISMATCH
            .finding(format!("expected a {expected} expression, found {found}"))
            .at(expr.span, format!("this is {found}"));
        if expected == Type::Bool && found == Type::Int {
            d = d
                .with_help("compare the number to get a condition, e.g. `... == 200` or `... > 0`");
        }
        checker.diags.push(d);
    }
    checker.diags
}

struct Checker<'a> {
    env: &'a dyn TypeEnv,
    diags: Vec<Diagnostic>,
}

fn mismatch(message: String) -> Diagnostic {
    rules::EXPR_TYPE_MISMATCH.finding(message)
}

impl Checker<'_> {
    /// The type of `e`, or `None` when it has an error already reported.
    fn infer(&mut self, e: &Expr) -> Option<Type> {
        match &e.kind {
            ExprKind::Bool(_) => Some(Type::Bool),
            ExprKind::Int(_) => Some(Type::Int),
            ExprKind::Str(_) => Some(Type::String),
            ExprKind::Duration(_) => Some(Type::Duration),
            ExprKind::Service => {
                if self.env.allows_service() {
                    Some(Type::Service)
                } else {
                    self.diags.push(
                        rules::EXPR_UNKNOWN_IDENTIFIER
                            .finding("`service` is not available here")
                            .at(e.span, "no service is in scope")
                            .with_help("name the service as a quoted reference, e.g. `\"bus\"`"),
                    );
                    None
                }
            }
            ExprKind::Not(inner) => {
                self.want_bool(inner, "`!`");
                Some(Type::Bool)
            }
            ExprKind::Logic { op, lhs, rhs, .. } => {
                let what = format!("`{}`", op.as_str());
                self.want_bool(lhs, &what);
                self.want_bool(rhs, &what);
                Some(Type::Bool)
            }
            ExprKind::Compare { op, lhs, rhs, .. } => {
                let l = self.infer(lhs);
                let r = self.infer(rhs);
                if let (Some(l), Some(r)) = (l, r) {
                    self.compare(*op, (lhs, l), (rhs, r));
                }
                Some(Type::Bool)
            }
            ExprKind::Call(call) => self.call(call, e.span),
        }
    }

    fn want_bool(&mut self, e: &Expr, what: &str) {
        if let Some(t) = self.infer(e)
            && t != Type::Bool
        {
            self.diags.push(
                mismatch(format!("{what} needs a bool operand, found {t}"))
                    .at(e.span, format!("this is {t}")),
            );
        }
    }

    fn compare(&mut self, op: CmpOp, lhs: (&Expr, Type), rhs: (&Expr, Type)) {
        let (l, r) = (lhs.1, rhs.1);
        let sym = op.as_str();
        let message = if l != r {
            format!("`{sym}` compares {l} with {r}")
        } else if l == Type::Service {
            format!("`{sym}` cannot compare services")
        } else if !op.is_equality() && !matches!(l, Type::Int | Type::Duration) {
            format!("`{sym}` orders ints or durations, not {l}s")
        } else {
            return;
        };
        let mut d = mismatch(message)
            .at(lhs.0.span, format!("this is {l}"))
            .with_label(rhs.0.span, format!("this is {r}"));
        let quoted_number = |e: &Expr, other: Type| match &e.kind {
            ExprKind::Str(s) if other == Type::Int && s.parse::<i64>().is_ok() => Some(s.clone()),
            _ => None,
        };
        if let Some(s) = quoted_number(rhs.0, l).or_else(|| quoted_number(lhs.0, r)) {
            d = d.with_help(format!("write the number without quotes: `{s}`"));
        }
        if l == Type::Service {
            d = d.with_help(
                "services have no value to compare; test their state instead, e.g. `ready(\"bus\")`",
            );
        }
        self.diags.push(d);
    }

    fn call(&mut self, call: &Call, span: Span) -> Option<Type> {
        let Some(func) = function(&call.name) else {
            let mut d = rules::EXPR_UNKNOWN_FUNCTION
                .finding(format!("unknown function `{}`", call.name))
                .at(call.name_span, "not a built-in function");
            d = match did_you_mean(&call.name, FUNCTIONS.iter().map(|f| f.name)) {
                Some(s) => d.with_help(format!("did you mean `{s}`?")),
                None => d.with_note(format!(
                    "the functions are {}",
                    FUNCTIONS
                        .iter()
                        .map(|f| format!("`{}`", f.name))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            };
            self.diags.push(d);
            for arg in &call.args {
                self.infer(arg);
            }
            return None;
        };
        self.arity(func, call, span);
        if let Returns::ParamType = func.returns {
            return self.param(call, span);
        }
        for (i, arg) in call.args.iter().enumerate() {
            match func.param_at(i) {
                Some(p) => self.argument(func, p.ty, arg),
                None => {
                    self.infer(arg);
                }
            }
        }
        match func.returns {
            Returns::Type(t) => Some(t),
            Returns::ParamType => None,
        }
    }

    fn arity(&mut self, func: &Function, call: &Call, span: Span) {
        let n = call.args.len();
        let min = func.min_args();
        let max = func.max_args();
        let plural = |k: usize| if k == 1 { "argument" } else { "arguments" };
        let takes = match max {
            Some(max) if max == min => format!("{min} {}", plural(min)),
            Some(max) => format!("{min} to {max} arguments"),
            None => format!("at least {min} {}", plural(min)),
        };
        let d = if n < min {
            let missing: Vec<_> = func.params[n..min]
                .iter()
                .map(|p| format!("`{}`", p.name))
                .collect();
            rules::EXPR_ARITY
                .finding(format!(
                    "`{}` takes {takes} but {n} {} given",
                    func.name,
                    were(n)
                ))
                .at(span, format!("missing {}", missing.join(", ")))
        } else if let Some(max) = max.filter(|&m| n > m) {
            let extra = join(call.args[max].span, call.args[n - 1].span);
            rules::EXPR_ARITY
                .finding(format!(
                    "`{}` takes {takes} but {n} {} given",
                    func.name,
                    were(n)
                ))
                .at(
                    extra,
                    if n - max == 1 {
                        "unexpected argument".to_owned()
                    } else {
                        format!("{} unexpected arguments", n - max)
                    },
                )
        } else {
            return;
        };
        self.diags
            .push(d.with_help(format!("the signature is `{}`", func.signature())));
    }

    /// `param("name")`: the argument must be a string literal naming a declared parameter.
    fn param(&mut self, call: &Call, span: Span) -> Option<Type> {
        let arg = call.args.first()?;
        for extra in &call.args[1..] {
            self.infer(extra);
        }
        let ExprKind::Str(name) = &arg.kind else {
            self.infer(arg);
            self.diags.push(
                mismatch("`param` needs a string literal naming a parameter".to_owned())
                    .at(arg.span, "not a string literal")
                    .with_help("write the parameter name in double quotes, e.g. `param(\"lock\")`"),
            );
            return None;
        };
        if !self.env.allows_params() {
            self.diags.push(
                rules::EXPR_UNKNOWN_PARAM
                    .finding("`param` is not available here")
                    .at(span, "no parameters in this context")
                    .with_note("parameters exist only in skills and actions"),
            );
            return None;
        }
        if let Some(t) = self.env.param_type(name) {
            return Some(t);
        }
        let names = self.env.param_names();
        let mut d = rules::EXPR_UNKNOWN_PARAM
            .finding(format!("unknown parameter `{name}`"))
            .at(arg.span, "no parameter of this name");
        d = if let Some(s) = did_you_mean(name, names.iter().map(String::as_str)) {
            d.with_help(format!("did you mean `{s}`?"))
        } else if names.is_empty() {
            d.with_help("declare it under `params:`; there are no parameters yet")
        } else {
            let mut sorted = names.clone();
            sorted.sort();
            let list: Vec<_> = sorted.iter().map(|n| format!("`{n}`")).collect();
            d.with_help(format!(
                "declare it under `params:`, or use one of {}",
                list.join(", ")
            ))
        };
        self.diags.push(d);
        None
    }

    fn argument(&mut self, func: &Function, want: Type, arg: &Expr) {
        if want == Type::Service && matches!(arg.kind, ExprKind::Str(_)) {
            return; // a service reference, resolved by the caller
        }
        let Some(found) = self.infer(arg) else { return };
        if found == want {
            return;
        }
        let mut d = mismatch(format!(
            "`{}` expects {} {want}, found {found}",
            func.name,
            article(want)
        ))
        .at(arg.span, format!("this is {found}"));
        if want == Type::Service {
            d = d.with_help(
                "pass `service` or a service reference in double quotes, e.g. `\"bus\"` or `\"foundation-core/bus\"`",
            );
        } else if want == Type::String {
            d = d.with_help("write text in double quotes");
        }
        self.diags
            .push(d.with_note(format!("the signature is `{}`", func.signature())));
    }
}

fn were(n: usize) -> &'static str {
    if n == 1 { "was" } else { "were" }
}

fn article(t: Type) -> &'static str {
    if t == Type::Int { "an" } else { "a" }
}

fn join(a: Span, b: Span) -> Span {
    Span {
        file: a.file,
        start: a.start.min(b.start),
        end: a.end.max(b.end),
    }
}

/// String literals used where a service is expected (`ready("bus")`), with their spans: service
/// references the caller resolves.
pub fn service_refs(expr: &Expr) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    expr.visit(&mut |e| {
        if let ExprKind::Call(call) = &e.kind
            && let Some(func) = function(&call.name)
        {
            for (i, arg) in call.args.iter().enumerate() {
                if let (Some(p), ExprKind::Str(s)) = (func.param_at(i), &arg.kind)
                    && p.ty == Type::Service
                {
                    out.push((s.clone(), arg.span));
                }
            }
        }
    });
    out
}

/// Every call in the tree, outermost first: the function name, the arguments and the span of the
/// whole call.
pub fn calls(expr: &Expr) -> Vec<(&str, &[Expr], Span)> {
    let mut out = Vec::new();
    expr.visit(&mut |e| {
        if let ExprKind::Call(call) = &e.kind {
            out.push((call.name.as_str(), call.args.as_slice(), e.span));
        }
    });
    out
}
