use super::Ctx;
use skillc_diagnostics::{Diagnostic, declare_rule};
use skillc_ir::expr::{Call, Expr, ExprKind, Func};
use skillc_ir::read_only::{ArgShape, prove, template_shape};
use skillc_ir::{ActionKind, ArgValue, Builtin, Ir, Risk, Skill, StepKind};

declare_rule! {
    /// # unproven-read-only
    ///
    /// ## What it does
    /// Reports a command that must be read-only but that skillc cannot prove so: an `exec()` in a
    /// skill's `detect` or `verify`, and a `run` or `shell` step (in `diagnose` or `remediate`)
    /// that states `risk: read_only`. skillc proves a command read-only only when its program is
    /// on its allowlist of read-only programs with an argument shape that program documents as
    /// changing nothing (`skillc_ir::read_only::PROGRAMS`: `/bin/cat`, `/usr/bin/stat`, `/bin/ls`,
    /// `/usr/bin/grep`, `/usr/bin/pgrep`, `/usr/sbin/lsof`, `launchctl print`/`list`,
    /// `plutil -lint`, `xattr -p`, `codesign --verify`, `openssl x509 -noout`, `route get`,
    /// `find` without `-exec`/`-delete`, …), or when it is exactly the argv of a family action
    /// that declares `risk: read_only` (the family's catalogue, where a family vouches once for
    /// its own tool). A `shell` script is never proven.
    ///
    /// ## Why
    /// `detect` and `verify` run during plan mode and in the doctor, before anything is approved,
    /// and a `read_only` step runs unattended under every usual policy: the promise that plan
    /// mode changes nothing, and the policy itself, would otherwise rest on what a step claims
    /// about itself. Run-time values are never options (the generated script refuses values
    /// that start with `-`), so only what the skill itself writes is judged.
    ///
    /// ## Bad
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   web:
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   web-down:
    ///     title: The web app does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service) && exec("/usr/bin/perl", "-e", "unlink shift", "/tmp/web.lock")'
    ///     diagnose:
    ///       - { id: cache, action: run, with: { argv: [/usr/bin/find, /tmp/web-cache, -delete], risk: read_only } }
    ///     remediate:
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## Good
    /// ```yaml
    /// family:
    ///   name: demo
    ///   version: 1.0.0
    ///   description: Demo family.
    ///   label_prefix: org.example
    /// services:
    ///   web:
    ///     description: A web app.
    ///     layer: L3
    ///     scope: session
    ///     run: { program: /usr/local/bin/web }
    ///     readiness: { probe: 'tcp("127.0.0.1:8080")' }
    /// skills:
    ///   web-down:
    ///     title: The web app does not answer
    ///     severity: medium
    ///     applies_to: { services: [web] }
    ///     detect: '!ready(service) && exec("/usr/bin/grep", "-q", "fatal", "/tmp/web.log")'
    ///     diagnose:
    ///       - { id: cache, action: run, with: { argv: [/usr/bin/find, /tmp/web-cache, -type, f], risk: read_only } }
    ///     remediate:
    ///       - { id: clear-cache, action: run, with: { argv: [/usr/bin/find, /tmp/web-cache, -delete], risk: reversible } }
    ///       - { id: restart, action: launchctl.kickstart, with: { target: service, kill: true } }
    /// policy:
    ///   rules:
    ///     - { match: {}, outcome: confirm }
    /// ```
    ///
    /// ## How to fix
    /// Use a command skillc knows to be read-only (the allowlist above), state the step's real
    /// risk (a step that changes something belongs in `remediate`, where the policy decides), or,
    /// for a family's own tool, declare it once as a family action with `risk: read_only` and
    /// call exactly that argv.
    pub(crate) const UNPROVEN_READ_ONLY = {
        id: "unproven-read-only",
        severity: Error,
        stage: Analysis,
        summary: "A command that must be read-only is not provably so.",
        configurable: false,
    }
}

pub(crate) fn check(cx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for skill in &cx.ir.skills {
        for (what, e) in [("detect", &skill.detect), ("verify", &skill.verify)] {
            if what == "verify" && skill.verify_defaulted {
                continue;
            }
            each_exec(e, &mut |call| {
                let argv: Vec<ArgShape> = call.args.iter().map(|a| expr_shape(skill, a)).collect();
                if let Err(why) = prove(&argv) {
                    if vouched(cx.ir, skill, &argv) {
                        return;
                    }
                    out.push(
                        UNPROVEN_READ_ONLY
                            .finding(format!(
                                "an `exec()` in the {what} of skill `{}` is not provably read-only",
                                cx.skill_name(skill)
                            ))
                            .at(call.name_span, format!("{why}; {what} runs in plan mode"))
                            .with_help(
                                "use a command skillc knows to be read-only (`skillc explain \
                                 unproven-read-only` lists them), or declare the family's own tool \
                                 once as a family action with `risk: read_only` and call exactly \
                                 its argv",
                            ),
                    );
                }
            });
        }
        for step in super::all_steps(skill) {
            let StepKind::Action {
                action, args, risk, ..
            } = &step.kind
            else {
                continue;
            };
            if *risk != Risk::ReadOnly {
                continue;
            }
            let act = cx.ir.action(action.value);
            let stated = args
                .iter()
                .find(|a| a.name.value == "risk")
                .map_or(action.span, |a| a.value.span);
            let why = match act.kind {
                ActionKind::Builtin(Builtin::Shell) => {
                    "a shell script is never proven read-only".to_owned()
                }
                ActionKind::Builtin(Builtin::Run) => {
                    let argv: Vec<ArgShape> = match args
                        .iter()
                        .find(|a| a.name.value == "argv")
                        .map(|a| &a.value.value)
                    {
                        Some(ArgValue::List(l)) => {
                            l.iter().map(|s| string_shape(skill, s)).collect()
                        }
                        _ => Vec::new(),
                    };
                    match prove(&argv) {
                        Ok(()) => continue,
                        Err(why) => why,
                    }
                }
                _ => continue,
            };
            out.push(
                UNPROVEN_READ_ONLY
                    .finding(format!(
                        "step `{}` of skill `{}` states `read_only`, which skillc cannot prove",
                        step.id.value,
                        cx.skill_name(skill)
                    ))
                    .at(stated, why)
                    .with_label(action.span, format!("`{}`", act.name))
                    .with_help(
                        "state the step's real risk (a step that changes something belongs in \
                         `remediate`), use a command skillc knows to be read-only, or a family \
                         action declared `read_only`",
                    ),
            );
        }
    }
}

/// Calls `f` on every `exec(...)` in `e`.
fn each_exec<'e>(e: &'e Expr, f: &mut impl FnMut(&'e Call)) {
    match &e.kind {
        ExprKind::Call(c) => {
            if c.func == Func::Exec {
                f(c);
            }
            for a in &c.args {
                each_exec(a, f);
            }
        }
        ExprKind::Not(x) => each_exec(x, f),
        ExprKind::Logic { lhs, rhs, .. } | ExprKind::Compare { lhs, rhs, .. } => {
            each_exec(lhs, f);
            each_exec(rhs, f);
        }
        _ => {}
    }
}

/// A skill parameter's value when it is known when compiling (a default without placeholders).
fn literal_param(skill: &Skill, name: &str) -> Option<String> {
    let p = skill.params.iter().find(|p| p.name.value == name)?;
    match &p.default.as_ref()?.value {
        ArgValue::String(s) => match template_shape(s, &|_| None) {
            ArgShape::Lit(t) => Some(t),
            ArgShape::Value { .. } => None,
        },
        ArgValue::Int(n) => Some(n.to_string()),
        ArgValue::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The shape of an argv string of a step of `skill`.
fn string_shape(skill: &Skill, s: &str) -> ArgShape {
    template_shape(s, &|n| literal_param(skill, n))
}

/// The shape of an argument of `exec()`.
fn expr_shape(skill: &Skill, e: &Expr) -> ArgShape {
    match &e.kind {
        ExprKind::Str(s) => ArgShape::Lit(s.clone()),
        ExprKind::Int(n) => ArgShape::Lit(n.to_string()),
        ExprKind::Param(p) => match literal_param(skill, &p.name) {
            Some(v) => ArgShape::Lit(v),
            None => ArgShape::Value {
                prefix: String::new(),
            },
        },
        _ => ArgShape::Value {
            prefix: String::new(),
        },
    }
}

/// Whether `argv` is exactly the argv of a family action declared `read_only` that `skill` can
/// use (of its own family or one it imports): each literal the same, a placeholder of the
/// action matching any argument.
fn vouched(ir: &Ir, skill: &Skill, argv: &[ArgShape]) -> bool {
    let fam = ir.family(skill.family);
    ir.actions.iter().any(|a| {
        let visible = a
            .family
            .is_some_and(|f| f == skill.family || fam.imports.iter().any(|i| i.value == f));
        let ActionKind::Declared { argv: template } = &a.kind else {
            return false;
        };
        visible
            && a.risk == Risk::ReadOnly
            && template.len() == argv.len()
            && template.iter().zip(argv).all(|(t, x)| {
                // A placeholder of the action takes any argument; a literal must be the same.
                t.value.contains('{') || matches!(x, ArgShape::Lit(y) if *y == t.value)
            })
    })
}
