//! Compiling a skill's steps into sh functions, plan lines and gate lines.

use super::EXPR_TIMEOUT_SECS;
use crate::resolve::{Params, ceil_secs, expand, param_word};
use skillc_backend_support::{ParamValue, ProbeCompiler, ProbeError};
use skillc_ir::expr::Expr;
use skillc_ir::{ArgValue, Ir, ServiceId, Skill, Step, StepKind, Target};
use skillc_sh::{Command, Cond, Dq, Function, Word, comment_text};
use std::fmt::Write as _;

/// The compiler of one script's steps; the text it accumulates goes into the script's functions.
pub(super) struct Gen<'a, 'r> {
    pub(super) ir: &'a Ir,
    pub(super) skill: &'a Skill,
    pub(super) skill_name: String,
    pub(super) applied: ServiceId,
    pub(super) params: &'a Params,
    /// The skill's parameter values in declaration order, as `param(...)` reads them.
    pub(super) param_values: Vec<ParamValue>,
    pub(super) pc: ProbeCompiler<'r>,
    pub(super) n: usize,
    pub(super) fns: String,
    pub(super) plan: String,
    pub(super) gates: String,
    /// The body of `skillc_facts`: reads what the steps act on (pidfiles' PIDs, symlinks).
    pub(super) facts: String,
    /// The id of the action step being compiled (facts are named by it).
    pub(super) step_id: String,
    /// Checks of path arguments built from run-time values, run before anything else
    /// (`skillc_check_path`).
    pub(super) checks: String,
    pub(super) errors: Vec<ProbeError>,
}

impl Gen<'_, '_> {
    /// Compiles a skill expression.
    pub(super) fn cond(&mut self, e: &Expr) -> String {
        let params = std::mem::take(&mut self.param_values);
        let c = self.cond_with(e, &params);
        self.param_values = params;
        c
    }

    /// Compiles an expression that reads `params` (a declared action's guard reads the action's).
    pub(super) fn cond_with(&mut self, e: &Expr, params: &[ParamValue]) -> String {
        match self
            .pc
            .skill_condition(e, self.applied, EXPR_TIMEOUT_SECS, params)
        {
            Ok(c) => c,
            Err(err) => {
                self.errors.push(err);
                "false".to_owned()
            }
        }
    }

    pub(super) fn word(&self, v: Option<&ArgValue>) -> Word {
        let svc = self.ir.service(self.applied);
        match v {
            Some(ArgValue::String(s)) => expand(s, svc, &|n| param_word(self.params, n)),
            Some(ArgValue::Int(n)) => Word::lit(n.to_string()),
            Some(ArgValue::Bool(b)) => Word::lit(b.to_string()),
            // As a skill parameter of type duration expands: its canonical text (`1m30s`).
            Some(ArgValue::Duration(d)) => Word::lit(skillc_ir::duration::format_duration(*d)),
            _ => Word::default(),
        }
    }

    pub(super) fn target_of(&self, t: Target) -> ServiceId {
        match t {
            Target::Applied => self.applied,
            Target::Service(s) => s,
        }
    }

    /// Compiles `steps` into functions; returns their function names.
    fn steps(&mut self, steps: &[Step], in_loop: bool, gate: bool, depth: usize) -> Vec<String> {
        steps
            .iter()
            .map(|s| self.step(s, in_loop, gate, depth))
            .collect()
    }

    /// For a group step (`n`) with a `when`: defines `skillc_g<n>_when`, and returns the check
    /// that opens the group's function. In the plan, the group's steps read `skip` while its
    /// condition is false (`group_plan_enter`/`group_plan_leave` around their plan lines).
    fn when_check(&mut self, s: &Step, n: usize) -> String {
        match &s.when {
            Some(w) => {
                let c = self.cond(w);
                let name = format!("skillc_g{n}_when");
                let _ = write!(
                    self.fns,
                    "# when of `{}`\n{}\n",
                    comment_text(&s.id.value),
                    Function::new(&name, Cond::Compiled(c))
                );
                let skip = say(format!(
                    "  skip      {}: its when-condition is false",
                    s.id.value
                ));
                format!(
                    "\tif {}; then\n\t\t{skip}\n\t\treturn 0\n\tfi\n",
                    !Cond::from(Command::new(&name))
                )
            }
            None => String::new(),
        }
    }

    fn group_plan_enter(&mut self, s: &Step, n: usize) {
        if s.when.is_some() {
            let _ = writeln!(
                self.plan,
                "\tskillc_pg{n}=$SKILLC_PLAN_SKIP\n\tif [ \"$SKILLC_PLAN_SKIP\" -eq 0 ] && ! skillc_g{n}_when; then\n\t\tSKILLC_PLAN_SKIP=1\n\tfi"
            );
        }
    }

    fn group_plan_leave(&mut self, s: &Step, n: usize) {
        if s.when.is_some() {
            let _ = writeln!(self.plan, "\tSKILLC_PLAN_SKIP=$skillc_pg{n}");
        }
    }

    fn plan_note(&mut self, depth: usize, text: &str) {
        let pad = "  ".repeat(depth + 1);
        let _ = writeln!(
            self.plan,
            "\t{}",
            say(comment_text(&format!("{pad}{text}")))
        );
    }

    pub(super) fn step(&mut self, s: &Step, in_loop: bool, gate: bool, depth: usize) -> String {
        let group = !matches!(s.kind, StepKind::Action { .. });
        let f = self.step_body(s, in_loop, gate, depth);
        match (&s.timeout, group) {
            (Some(t), true) => {
                // A group's time limit: a deadline every step inside shares (the earlier of it
                // and an enclosing one), restored when the group returns.
                let secs = ceil_secs(t.value, 1);
                let _ = writeln!(
                    self.fns,
                    "# `{}` within {secs} s
{f}_t() {{
	skillc_dl_{f}=$SKILLC_DEADLINE
	SKILLC_DEADLINE=$(skillc_deadline {secs})
	{f}
	skillc_rc_{f}=$?
	SKILLC_DEADLINE=$skillc_dl_{f}
	return \"$skillc_rc_{f}\"
}}
",
                    comment_text(&s.id.value)
                );
                format!("{f}_t")
            }
            _ => f,
        }
    }

    fn step_body(&mut self, s: &Step, in_loop: bool, gate: bool, depth: usize) -> String {
        self.n += 1;
        let n = self.n;
        let f = format!("skillc_x{n}");
        let id = &s.id.value;
        match &s.kind {
            StepKind::Action {
                action,
                args,
                risk,
                target,
            } => self.action_step(s, n, action.value, args, *risk, *target, in_loop, gate),
            StepKind::Sequence(inner) => {
                self.plan_note(depth, &format!("sequence {id}:"));
                let when = self.when_check(s, n);
                self.group_plan_enter(s, n);
                let names = self.steps(inner, in_loop, gate, depth + 1);
                self.group_plan_leave(s, n);
                let mut body = format!("# sequence `{}`\n{f}() {{\n{when}", comment_text(id));
                for c in names {
                    let _ = writeln!(body, "\t{c} || return 1");
                }
                body.push_str("}\n\n");
                self.fns.push_str(&body);
                f
            }
            StepKind::Parallel(inner) => {
                self.plan_note(
                    depth,
                    &format!("parallel {id} (all branches at once; any failure fails the group):"),
                );
                let when = self.when_check(s, n);
                self.group_plan_enter(s, n);
                let names = self.steps(inner, in_loop, gate, depth + 1);
                self.group_plan_leave(s, n);
                let mut body = format!(
                    "# parallel `{}`: background jobs, all awaited\n{f}() {{\n{when}",
                    comment_text(id)
                );
                for (i, c) in names.iter().enumerate() {
                    let _ = writeln!(body, "\t{c} &\n\tskillc_j{n}_{i}=$!");
                }
                let _ = writeln!(body, "\tskillc_ok{n}=0");
                for i in 0..names.len() {
                    let _ = writeln!(body, "\twait \"$skillc_j{n}_{i}\" || skillc_ok{n}=1");
                }
                let _ = writeln!(body, "\treturn \"$skillc_ok{n}\"\n}}\n");
                self.fns.push_str(&body);
                f
            }
            StepKind::Loop {
                max,
                until,
                backoff,
                steps,
                ..
            } => {
                let max = max.as_ref().map_or(1, |m| m.value.max(1));
                let backoff = backoff.as_ref().map_or(0, |b| ceil_secs(b.value, 0));
                let until_text = until
                    .as_ref()
                    .map_or_else(|| "none".to_owned(), ToString::to_string);
                self.plan_note(
                    depth,
                    &format!(
                        "loop {id}: at most {max} attempts, {backoff} s apart, until {until_text}:"
                    ),
                );
                let when = self.when_check(s, n);
                let until_c = until.as_ref().map(|u| self.cond(u));
                self.group_plan_enter(s, n);
                let names = self.steps(steps, true, gate, depth + 1);
                self.group_plan_leave(s, n);
                let mut body = format!(
                    "# loop `{}`: at most {max} attempts, {backoff} s apart, until {}\n{f}() {{\n{when}",
                    comment_text(id),
                    comment_text(&until_text)
                );
                let _ = writeln!(
                    body,
                    "\tskillc_i{n}=0\n\twhile [ \"$skillc_i{n}\" -lt {max} ]; do"
                );
                let _ = writeln!(
                    body,
                    "\t\tif skillc_expired; then\n\t\t\t{}\n\t\t\treturn 1\n\t\tfi",
                    say(format!("  loop {}: out of time", comment_text(id)))
                );
                let _ = writeln!(body, "\t\tskillc_i{n}=$((skillc_i{n} + 1))");
                let attempt = Command::new("skillc_say").arg(Word::quoted(vec![
                    Dq::text("  attempt "),
                    Dq::var(format!("skillc_i{n}")),
                    Dq::text(format!(" of {max}: {}", comment_text(id))),
                ]));
                let _ = writeln!(body, "\t\t{attempt}");
                let _ = writeln!(body, "\t\tskillc_ok{n}=0");
                for c in &names {
                    let _ = writeln!(
                        body,
                        "\t\tif [ \"$skillc_ok{n}\" -eq 0 ]; then {c} || skillc_ok{n}=1; fi"
                    );
                }
                if let Some(u) = &until_c {
                    let _ = writeln!(body, "\t\tif {{ {u}; }}; then\n\t\t\treturn 0\n\t\tfi");
                }
                if backoff > 0 {
                    let _ = writeln!(
                        body,
                        "\t\tif [ \"$skillc_i{n}\" -lt {max} ]; then\n\t\t\tsleep {backoff}\n\t\tfi"
                    );
                }
                body.push_str("\tdone\n");
                if until_c.is_some() {
                    let _ = writeln!(
                        body,
                        "\t{}",
                        say(format!(
                            "  loop {}: condition still false after {max} attempts",
                            comment_text(id)
                        ))
                    );
                }
                body.push_str("\treturn 0\n}\n\n");
                self.fns.push_str(&body);
                f
            }
        }
    }
}

/// `skillc_say TEXT`.
pub(super) fn say(text: String) -> Command {
    Command::new("skillc_say").arg(Word::lit(text))
}
