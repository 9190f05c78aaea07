//! One remediation script: a skill applied to one service.

use crate::expr::{self, ExprCx, PVal, Params};
use crate::policy::{self, Decision};
use crate::resolve::{
    IrResolver, Piece, ceil_secs, display, domain, expand, literal, param_pieces, render,
};
use crate::runtime::RUNTIME;
use crate::token::{APPROVERS_DIR, hex};
use crate::{AUDIT_LOG, STATE_DIR, script_path};
use sha2::{Digest, Sha256};
use skillc_backend_support::exit::SOFTWARE as EXIT_INTERNAL;
use skillc_expr::{Expr, ExprKind};
use skillc_ir::{
    ActionKind, Arg, ArgValue, FamilyId, Ir, OnFailure, Outcome, ParamType, Risk, ServiceId, Skill,
    SkillId, Step, StepKind, Target,
};
use skillc_sh::{Domain, ProbeCompiler, ProbeError, comment_text, quote};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Seconds a step may run when neither the step nor its action says.
pub const DEFAULT_STEP_TIMEOUT_SECS: u64 = 60;
/// File-wide shellcheck exceptions, with the reason next to them.
const SHELLCHECK_DIRECTIVE: &str = "# Step functions are called by name (\"skillc_s$1\"), which shellcheck cannot follow (SC2317);\n\
# quoted literals keep `$` and backquotes on purpose (SC2016).\n\
# shellcheck disable=SC2317,SC2016\n";
/// Per-probe timeout inside skill expressions (`detect`, `when`, ...).
const EXPR_TIMEOUT_SECS: u64 = 5;

/// A run-time parameter (`--param NAME=VALUE`): one without a default.
pub(crate) struct RuntimeParam {
    pub(crate) name: String,
    pub(crate) var: String,
    pub(crate) int: bool,
}

/// The skill's parameters for one target: compile-time literals and run-time variables.
pub(crate) fn skill_params(
    ir: &Ir,
    skill: &Skill,
    target: ServiceId,
) -> (Params, Vec<RuntimeParam>) {
    let svc = ir.service(target);
    let mut params = Params::new();
    let mut runtime = Vec::new();
    for p in &skill.params {
        let name = p.name.value.clone();
        if let Some(d) = &p.default {
            let kind = match &d.value {
                ArgValue::String(s) => {
                    let pieces = expand(s, svc, &|_| None);
                    ExprKind::Str(literal(&pieces).unwrap_or_default())
                }
                ArgValue::Int(n) => ExprKind::Int(*n),
                ArgValue::Bool(b) => ExprKind::Bool(*b),
                ArgValue::Duration(d) => ExprKind::Duration(skillc_expr::Duration::from_millis(
                    u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
                )),
                _ => ExprKind::Str(String::new()),
            };
            params.insert(name, PVal::Lit(kind));
        } else {
            let mut var: String = format!(
                "p_{}",
                name.chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect::<String>()
            );
            if runtime.iter().any(|r: &RuntimeParam| r.var == var) {
                var = format!("{var}_{}", runtime.len());
            }
            let int = p.ty == ParamType::Int;
            params.insert(
                name.clone(),
                PVal::Var {
                    var: var.clone(),
                    int,
                },
            );
            runtime.push(RuntimeParam { name, var, int });
        }
    }
    (params, runtime)
}

fn outcome_name(o: Option<&Outcome>) -> &'static str {
    match o {
        Some(Outcome::Auto) => "auto",
        Some(Outcome::Confirm) => "confirm",
        Some(Outcome::Approve { .. }) => "approve",
        Some(Outcome::Deny) | None => "deny",
    }
}

fn json(s: &str) -> String {
    serde_json::Value::String(s.to_owned()).to_string()
}

fn arg<'a>(args: &'a [Arg], name: &str) -> Option<&'a ArgValue> {
    args.iter()
        .find(|a| a.name.value == name)
        .map(|a| &a.value.value)
}

struct Gen<'a, 'r> {
    ir: &'a Ir,
    skill: &'a Skill,
    skill_name: String,
    applied: ServiceId,
    params: &'a Params,
    pc: ProbeCompiler<'r>,
    n: usize,
    fns: String,
    plan: String,
    gates: String,
    errors: Vec<ProbeError>,
}

impl Gen<'_, '_> {
    /// Compiles a skill expression; its service references are written relative to `home` (the
    /// skill's family, or a declared action's family for its guard), not to the applied service's.
    fn cond_in(&mut self, home: FamilyId, e: &Expr, params: &Params) -> String {
        let e = crate::resolve::qualify(e, self.ir, home);
        self.cond_qualified(&e, params)
    }

    fn cond(&mut self, e: &Expr, params: &Params) -> String {
        self.cond_in(self.skill.family, e, params)
    }

    fn cond_qualified(&mut self, e: &Expr, params: &Params) -> String {
        let cx = ExprCx {
            params,
            subject: self.applied.index(),
            timeout: EXPR_TIMEOUT_SECS,
        };
        match expr::condition(&mut self.pc, e, &cx) {
            Ok(c) => c,
            Err(err) => {
                self.errors.push(err);
                "false".to_owned()
            }
        }
    }

    fn word(&self, v: Option<&ArgValue>) -> Vec<Piece> {
        let svc = self.ir.service(self.applied);
        match v {
            Some(ArgValue::String(s)) => expand(s, svc, &|n| param_pieces(self.params, n)),
            Some(ArgValue::Int(n)) => vec![Piece::Lit(n.to_string())],
            Some(ArgValue::Bool(b)) => vec![Piece::Lit(b.to_string())],
            _ => vec![],
        }
    }

    fn target_of(&self, t: Target) -> ServiceId {
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
                let c = self.cond(w, &self.params.clone());
                let _ = write!(
                    self.fns,
                    "# when of `{}`\nskillc_g{n}_when() {{\n\t{c}\n}}\n\n",
                    comment_text(&s.id.value)
                );
                format!(
                    "\tif ! skillc_g{n}_when; then\n\t\tskillc_say {}\n\t\treturn 0\n\tfi\n",
                    quote(&format!(
                        "  skip      {}: its when-condition is false",
                        s.id.value
                    ))
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
            "\tskillc_say {}",
            quote(&comment_text(&format!("{pad}{text}")))
        );
    }

    fn step(&mut self, s: &Step, in_loop: bool, gate: bool, depth: usize) -> String {
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
                let until_c = until.as_ref().map(|u| self.cond(u, &self.params.clone()));
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
                let _ = writeln!(body, "\t\tskillc_i{n}=$((skillc_i{n} + 1))");
                let _ = writeln!(
                    body,
                    "\t\tskillc_say \"  attempt $skillc_i{n} of {max}: {}\"",
                    comment_text(id).replace(['"', '$', '`', '\\'], "_")
                );
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
                        "\tskillc_say {}",
                        quote(&format!(
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

    #[allow(clippy::too_many_arguments, clippy::many_single_char_names)]
    fn action_step(
        &mut self,
        s: &Step,
        n: usize,
        action_id: skillc_ir::ActionId,
        args: &[Arg],
        risk: Risk,
        target: Target,
        in_loop: bool,
        gate: bool,
    ) -> String {
        let ir = self.ir;
        let action = ir.action(action_id);
        let t = self.target_of(target);
        let tsvc = ir.service(t);
        let dom = domain(tsvc);
        let tword = dom.target_word(&tsvc.label.value);
        let tname = ir.service_name(t);
        let decision: Decision = policy::decide(ir, self.skill.family, risk, t);
        let outcome = outcome_name(decision.outcome.as_ref());
        let (count, who) = match (&decision.outcome, decision.policy) {
            (Some(Outcome::Approve { count, roles }), Some(p)) => {
                (*count, policy::approvers(ir, p, roles).join("\n"))
            }
            _ => (0, String::new()),
        };
        let mut timeout = s
            .timeout
            .as_ref()
            .map(|t| ceil_secs(t.value, 1))
            .or_else(|| match arg(args, "timeout") {
                Some(ArgValue::Duration(d)) => Some(ceil_secs(*d, 1)),
                _ => None,
            })
            .or_else(|| action.timeout.map(|d| ceil_secs(d, 1)))
            .unwrap_or(DEFAULT_STEP_TIMEOUT_SECS);

        // The command, its guard ("needed") and a text for the plan.
        let mut needed = "true".to_owned();
        let (body, text): (String, String) = match &action.kind {
            ActionKind::Builtin(name) => {
                let path_w = |g: &Self, k: &str| g.word(arg(args, k));
                match *name {
                    "run" => {
                        let words: Vec<Vec<Piece>> = match arg(args, "argv") {
                            Some(ArgValue::List(l)) => l
                                .iter()
                                .map(|x| self.word(Some(&ArgValue::String(x.clone()))))
                                .collect(),
                            _ => vec![],
                        };
                        let cmd: Vec<String> = words.iter().map(|w| render(w)).collect();
                        let txt: Vec<String> = words.iter().map(|w| display(w)).collect();
                        if cmd.is_empty() {
                            ("false".to_owned(), "(empty argv)".to_owned())
                        } else {
                            (cmd.join(" "), txt.join(" "))
                        }
                    }
                    "shell" => {
                        let script = self.word(arg(args, "script"));
                        (
                            format!("/bin/sh -c {} skillc-step", render(&script)),
                            format!("sh -c {}", display(&script)),
                        )
                    }
                    "launchctl.print" => (
                        format!("launchctl print {tword}"),
                        format!(
                            "launchctl print {} ({tname})",
                            domain_text(dom, &tsvc.label.value)
                        ),
                    ),
                    "launchctl.print_disabled" => (
                        format!("launchctl print-disabled {}", dom.word()),
                        format!(
                            "launchctl print-disabled {}",
                            domain_text(dom, "").trim_end_matches('/')
                        ),
                    ),
                    "launchctl.enable" => {
                        needed = format!(
                            "skillc_disabled {} {}",
                            dom.word(),
                            quote(&tsvc.label.value)
                        );
                        // Register the helper with the probe compiler.
                        let _ = self.pc.condition(
                            &call("disabled", service_expr()),
                            self.applied.index(),
                            1,
                        );
                        (
                            format!("launchctl enable {tword}"),
                            format!("launchctl enable {}", domain_text(dom, &tsvc.label.value)),
                        )
                    }
                    "launchctl.bootstrap" => {
                        let dir = match tsvc.scope.value {
                            skillc_ir::Scope::Daemon => skillc_backend_support::DAEMON_DIR,
                            skillc_ir::Scope::Session => skillc_backend_support::AGENT_DIR,
                        };
                        let plist = format!("{dir}/{}.plist", tsvc.label.value);
                        needed = format!("! launchctl print {tword} >/dev/null 2>&1");
                        (
                            format!("launchctl bootstrap {} {}", dom.word(), quote(&plist)),
                            format!(
                                "launchctl bootstrap {} {}",
                                domain_text(dom, "").trim_end_matches('/'),
                                comment_text(&plist)
                            ),
                        )
                    }
                    "launchctl.kickstart" => {
                        let kill = matches!(arg(args, "kill"), Some(ArgValue::Bool(true)));
                        let k = if kill { "-k " } else { "" };
                        (
                            format!("launchctl kickstart {k}{tword}"),
                            format!(
                                "launchctl kickstart {k}{}",
                                domain_text(dom, &tsvc.label.value)
                            ),
                        )
                    }
                    "launchctl.bootout" => {
                        needed = format!("launchctl print {tword} >/dev/null 2>&1");
                        (
                            format!("launchctl bootout {tword}"),
                            format!("launchctl bootout {}", domain_text(dom, &tsvc.label.value)),
                        )
                    }
                    "fs.mkdir" => {
                        let p = path_w(self, "path");
                        let pw = render(&p);
                        needed = format!("[ ! -d {pw} ]");
                        let mut cmd = format!("mkdir -p -- {pw}");
                        let mut txt = format!("mkdir -p {}", display(&p));
                        if let Some(m) = arg(args, "mode") {
                            let m = self.word(Some(m));
                            let _ = write!(cmd, " &&\n\t\tchmod -- {} {pw}", render(&m));
                            let _ = write!(txt, "; chmod {}", display(&m));
                        }
                        if let Some(o) = arg(args, "owner") {
                            let o = self.word(Some(o));
                            let _ = write!(cmd, " &&\n\t\tchown -- {} {pw}", render(&o));
                            let _ = write!(txt, "; chown {}", display(&o));
                        }
                        (cmd, txt)
                    }
                    "fs.move_aside" => {
                        let p = path_w(self, "path");
                        let pw = render(&p);
                        needed = format!("{{ [ -e {pw} ] || [ -L {pw} ]; }}");
                        (
                            format!("skillc_move_aside {pw}"),
                            format!("mv {} {}.skillc-<timestamp>", display(&p), display(&p)),
                        )
                    }
                    // Deletes (a directory with its contents; a symlink itself, not its target):
                    // the action is destructive, so the policy decides who may run it.
                    "fs.remove" => {
                        let p = path_w(self, "path");
                        let pw = render(&p);
                        needed = format!("{{ [ -e {pw} ] || [ -L {pw} ]; }}");
                        (format!("rm -rf -- {pw}"), format!("rm -rf {}", display(&p)))
                    }
                    "fs.chmod" => {
                        let p = path_w(self, "path");
                        let m = path_w(self, "mode");
                        (
                            format!("chmod -- {} {}", render(&m), render(&p)),
                            format!("chmod {} {}", display(&m), display(&p)),
                        )
                    }
                    "fs.chown" => {
                        let p = path_w(self, "path");
                        let o = path_w(self, "owner");
                        (
                            format!("chown -- {} {}", render(&o), render(&p)),
                            format!("chown {} {}", display(&o), display(&p)),
                        )
                    }
                    "proc.signal" => {
                        let sig = match arg(args, "signal") {
                            Some(v) => self.word(Some(v)),
                            None => vec![Piece::Lit("TERM".to_owned())],
                        };
                        if let Some(pf) = arg(args, "pidfile") {
                            let p = self.word(Some(pf));
                            let _ = self.pc.condition(
                                &call("pid_alive", str_arg("x")),
                                self.applied.index(),
                                1,
                            );
                            needed = format!("skillc_pid_alive {}", render(&p));
                            (
                                format!("skillc_signal_pidfile {} {}", render(&sig), render(&p)),
                                format!("kill -{} $(cat {})", display(&sig), display(&p)),
                            )
                        } else {
                            let p = self.word(arg(args, "pid"));
                            (
                                format!("kill -s {} {}", render(&sig), render(&p)),
                                format!("kill -{} {}", display(&sig), display(&p)),
                            )
                        }
                    }
                    "wait.ready" => {
                        let secs = match arg(args, "timeout") {
                            Some(ArgValue::Duration(d)) => ceil_secs(*d, 1),
                            _ => DEFAULT_STEP_TIMEOUT_SECS,
                        };
                        timeout = timeout.max(secs + 10);
                        match self.pc.ready_function(t.index()) {
                            Ok(f) => (
                                format!("skillc_wait_ready {f} {secs}"),
                                format!("wait up to {secs} s until {tname} is ready"),
                            ),
                            Err(e) => {
                                self.errors.push(e);
                                ("false".to_owned(), String::new())
                            }
                        }
                    }
                    "notify" => {
                        let m = self.word(arg(args, "message"));
                        (
                            format!("skillc_notify {}", render(&m)),
                            format!("notify: {}", display(&m)),
                        )
                    }
                    other => (
                        format!(
                            "skillc_warn {}\n\t\treturn 70",
                            quote(&format!("unknown built-in action {other}"))
                        ),
                        format!("unknown action {other}"),
                    ),
                }
            }
            ActionKind::Declared { argv } => {
                // Action parameters: the step's arguments (skill placeholders expanded).
                let mut aparams = Params::new();
                let mut apieces: BTreeMap<String, Vec<Piece>> = BTreeMap::new();
                let mut prelude = String::new();
                for (i, p) in action.params.iter().enumerate() {
                    let v = arg(args, &p.name);
                    let pieces = self.word(v);
                    let val = match (v, literal(&pieces)) {
                        (Some(ArgValue::Int(k)), _) => PVal::Lit(ExprKind::Int(*k)),
                        (Some(ArgValue::Bool(b)), _) => PVal::Lit(ExprKind::Bool(*b)),
                        (_, Some(text)) => PVal::Lit(ExprKind::Str(text)),
                        (_, None) => {
                            let var = format!("skillc_a{n}_{i}");
                            let _ = writeln!(prelude, "\t{var}={}", render(&pieces));
                            PVal::Var { var, int: false }
                        }
                    };
                    aparams.insert(p.name.clone(), val);
                    apieces.insert(p.name.clone(), pieces);
                }
                let svc = ir.service(self.applied);
                let words: Vec<Vec<Piece>> = argv
                    .iter()
                    .map(|a| expand(&a.value, svc, &|k| apieces.get(k).cloned()))
                    .collect();
                if let Some(g) = &action.guard {
                    let home = action.family.unwrap_or(self.skill.family);
                    let c = self.cond_in(home, g, &aparams);
                    needed = format!("{{\n{prelude}\t{c}\n\t}}");
                }
                let cmd: Vec<String> = words.iter().map(|w| render(w)).collect();
                let txt: Vec<String> = words.iter().map(|w| display(w)).collect();
                (
                    format!("{{\n{prelude}\t{}\n\t}}", cmd.join(" ")),
                    txt.join(" "),
                )
            }
        };

        let when = match &s.when {
            Some(w) => self.cond(w, &self.params.clone()),
            None => "true".to_owned(),
        };
        let id = &s.id.value;
        let meta = format!(
            "\"step\":{},\"action\":{},\"step_target\":{},\"risk\":\"{}\",\"effective_risk\":\"{}\",\"outcome\":\"{outcome}\"",
            json(id),
            json(&action.name),
            json(&tname),
            risk.as_str(),
            decision.effective.as_str(),
        );
        let raised = if decision.effective == risk {
            String::new()
        } else {
            format!(", {} on this target", decision.effective.as_str())
        };
        let decided = match (&decision.outcome, count) {
            (Some(Outcome::Approve { .. }), c) => {
                format!("approve ({c} of: {})", who.replace('\n', ", "))
            }
            (None, _) => "deny (no policy rule matches)".to_owned(),
            (Some(o), _) => outcome_name(Some(o)).to_owned(),
        };
        let _ = write!(
            self.fns,
            "# step `{}`: {} on {} ({}{raised}); policy: {}; timeout {timeout} s\n\
             skillc_s{n}() {{\n\t{body}\n}}\n\
             skillc_s{n}_when() {{\n\t{when}\n}}\n\
             skillc_s{n}_needed() {{\n\t{needed}\n}}\n\
             skillc_x{n}() {{\n\tskillc_step {n} {} {} {timeout}\n}}\n\n",
            comment_text(id),
            comment_text(&action.name),
            comment_text(&tname),
            risk.as_str(),
            comment_text(&decided),
            quote(id),
            quote(&meta),
        );
        if in_loop {
            let _ = writeln!(
                self.plan,
                "\tskillc_plan_line {} {} {} {} repeats",
                quote(id),
                quote(&meta),
                quote(outcome),
                quote(&text)
            );
        } else {
            let _ = writeln!(
                self.plan,
                "\tskillc_plan_step {n} {} {} {} {}",
                quote(id),
                quote(&meta),
                quote(outcome),
                quote(&text)
            );
        }
        if gate {
            let _ = writeln!(
                self.gates,
                "\tskillc_gate_step {} {} {} {} {}",
                quote(id),
                quote(&meta),
                quote(outcome),
                quote(&count.to_string()),
                quote(&who)
            );
        }
        format!("skillc_x{n}")
    }
}

fn domain_text(d: Domain, label: &str) -> String {
    match d {
        Domain::System => format!("system/{}", comment_text(label)),
        Domain::Gui => format!("gui/<uid>/{}", comment_text(label)),
    }
}

fn call(name: &str, arg: Expr) -> Expr {
    Expr {
        kind: ExprKind::Call(skillc_expr::Call {
            name: name.to_owned(),
            name_span: skillc_diagnostics::Span::default(),
            args: vec![arg],
        }),
        span: skillc_diagnostics::Span::default(),
    }
}

fn str_arg(s: &str) -> Expr {
    Expr {
        kind: ExprKind::Str(s.to_owned()),
        span: skillc_diagnostics::Span::default(),
    }
}

fn service_expr() -> Expr {
    Expr {
        kind: ExprKind::Service,
        span: skillc_diagnostics::Span::default(),
    }
}

/// The strictest compile-time outcome of every action step under `steps`.
fn strictest(ir: &Ir, skill: &Skill, applied: ServiceId, steps: &[Step]) -> &'static str {
    let mut best: (u8, u32) = (0, 0);
    let mut name = "auto";
    let mut visit = Vec::new();
    for s in steps {
        collect_actions(s, &mut visit);
    }
    for (risk, target) in visit {
        let t = match target {
            Target::Applied => applied,
            Target::Service(s) => s,
        };
        let d = policy::decide(ir, skill.family, risk, t);
        let k = d.outcome.as_ref().map_or((3, 0), policy::strictness);
        if k > best || name == "auto" && k.0 > 0 {
            best = k;
            name = outcome_name(d.outcome.as_ref());
        }
    }
    name
}

fn collect_actions(s: &Step, out: &mut Vec<(Risk, Target)>) {
    match &s.kind {
        StepKind::Action { risk, target, .. } => out.push((*risk, *target)),
        StepKind::Sequence(v) | StepKind::Parallel(v) | StepKind::Loop { steps: v, .. } => {
            for c in v {
                collect_actions(c, out);
            }
        }
    }
}

/// What [`remediation_script`] found it could not compile.
pub(crate) fn compile_errors(ir: &Ir, skill: SkillId, target: ServiceId) -> Vec<ProbeError> {
    generate(ir, skill, target, Want::Errors).1
}

/// What `generate` is for: a whole script, or only the expression compiler's errors (`check`
/// stops once every expression and step is compiled, before the header, plan hash and runtime).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Script,
    Errors,
}

/// The script of `skill` applied to `target`.
pub fn remediation_script(ir: &Ir, skill: SkillId, target: ServiceId) -> String {
    generate(ir, skill, target, Want::Script).0
}

fn generate(
    ir: &Ir,
    skill_id: SkillId,
    target: ServiceId,
    want: Want,
) -> (String, Vec<ProbeError>) {
    let skill = ir.skill(skill_id);
    let svc = ir.service(target);
    let skill_name = ir.skill_name(skill_id);
    let target_name = ir.service_name(target);
    let (params, runtime) = skill_params(ir, skill, target);
    let resolver = IrResolver { ir };
    let mut g = Gen {
        ir,
        skill,
        skill_name: skill_name.clone(),
        applied: target,
        params: &params,
        pc: ProbeCompiler::new(&resolver),
        n: 0,
        fns: String::new(),
        plan: String::new(),
        gates: String::new(),
        errors: Vec::new(),
    };
    let detect = g.cond(&skill.detect, &params);
    let verify = g.cond(&skill.verify, &params);

    // Diagnose: each top-level step runs now when it is `auto`, else after the gate.
    let mut diag = String::new();
    for s in &skill.diagnose {
        let o = strictest(ir, skill, target, std::slice::from_ref(s));
        let f = g.step(s, false, true, 0);
        let _ = writeln!(
            diag,
            "\tskillc_diag {f} {} {} \"$1\"",
            quote(&s.id.value),
            quote(o)
        );
    }
    let diag_plan = std::mem::take(&mut g.plan);
    let mut apply = String::new();
    for s in &skill.remediate {
        let f = g.step(s, false, true, 0);
        let _ = writeln!(apply, "\t{f} || return 1");
    }
    if apply.is_empty() {
        apply.push_str("\treturn 0\n");
    }
    let _ = &g.skill_name;
    let errors = std::mem::take(&mut g.errors);
    if want == Want::Errors {
        return (String::new(), errors);
    }
    let fam = ir.family(skill.family);
    let label = &svc.label.value;
    let static_json = format!(
        "\"skill\":{},\"skill_version\":{},\"target\":{},\"label\":{},\"domain\":\"{}\"",
        json(&skill_name),
        json(&fam.version.value),
        json(&target_name),
        json(label),
        match domain(svc) {
            Domain::System => "system",
            Domain::Gui => "gui",
        }
    );
    let next = match &skill.on_failure.value {
        OnFailure::Next(n) => {
            let ns = ir.skill(*n);
            let path = ns
                .targets
                .contains(&target)
                .then(|| script_path(ir, *n, target));
            format!(
                "{{\"skill\":{},\"script\":{}}}",
                json(&ir.skill_name(*n)),
                path.map_or_else(|| "null".to_owned(), |p| json(&p))
            )
        }
        _ => "null".to_owned(),
    };
    let on_failure = match &skill.on_failure.value {
        OnFailure::Escalate => "escalate: a person must look at this target".to_owned(),
        OnFailure::Stop => "stop: no further automatic remediation".to_owned(),
        OnFailure::Next(n) => format!("next: try skill {}", ir.skill_name(*n)),
    };
    let defs = g.pc.definitions();
    let all_approvers = ir
        .governing_policy(target, skill.family)
        .map(|p| policy::all_approvers(ir, p).join("\n"))
        .unwrap_or_default();

    // The plan hash covers everything the script does (not its comments' wording).
    let mut canon = String::new();
    let _ = write!(
        canon,
        "skillc-plan-v1\n{static_json}\n{detect}\n{verify}\n{}\n{}\n{diag}\n{apply}\n{}\n{defs}\n{next}\n",
        g.fns, g.gates, g.plan
    );
    for (k, v) in &params {
        let _ = writeln!(canon, "param {k} = {v:?}");
    }
    let plan_base = hex(&Sha256::digest(canon.as_bytes()));

    let mut out = String::new();
    let _ = writeln!(out, "#!/bin/sh");
    out.push_str(SHELLCHECK_DIRECTIVE);
    let _ = writeln!(
        out,
        "# skillc remediation: {} applied to {} ({}, {} domain).",
        comment_text(&skill_name),
        comment_text(&target_name),
        comment_text(label),
        match domain(svc) {
            Domain::System => "system",
            Domain::Gui => "gui/<uid>",
        }
    );
    let _ = writeln!(out, "# {}", comment_text(&skill.title));
    let _ = writeln!(
        out,
        "# Generated by skillc from {} {}. Do not edit: approvals are bound to the plan hash.",
        comment_text(&fam.name.value),
        comment_text(&fam.version.value)
    );
    out.push_str(
        "#\n\
         # Phases: detect -> diagnose (read-only) -> plan -> [--apply:] lock -> approval gate -> apply\n\
         # -> verify -> on failure. Without --apply it prints the plan and changes nothing.\n\
         #\n\
         # Usage: SCRIPT [--apply] [--json] [--detect] [--require confirm|approve|deny]\n\
         #               [--token TOKEN]... [--wait SECONDS] [--param NAME=VALUE]...\n\
         #   --detect   only evaluate detect: exit 0 when the failure is present, 1 when not.\n\
         #   --require  raise every step's policy outcome to at least this (never lowers it);\n\
         #              SKILLC_REQUIRE does the same.\n\
         #   --token    an approval token (see skillc approve); repeat for several approvers.\n\
         # Exit codes (EXIT_CODES.md): 0 healthy/fixed/plan printed, 3 verification failed,\n\
         # 64 usage, 65 bad parameter value, 69 tool missing, 70 internal error, 73 cannot write\n\
         # state or audit log, 75 another remediation holds the target's lock, 77 denied, not\n\
         # confirmed or approval missing (nothing changed).\n\
         # Environment (tests only; sudo's env_reset drops them): SKILLC_AUDIT_LOG, SKILLC_STATE_DIR,\n\
         # SKILLC_APPROVERS_DIR redirect the audit log, state and approver keys.\n",
    );
    let _ = writeln!(
        out,
        "# On verification failure: {}.",
        comment_text(&on_failure)
    );
    out.push_str("set -u\n\n");
    if !errors.is_empty() {
        let msgs: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
        let _ = writeln!(
            out,
            "printf 'skillc: %s\\n' {} >&2\nexit {EXIT_INTERNAL}",
            quote(&format!(
                "this script could not be compiled ({}); run skillc check",
                msgs.join("; ")
            ))
        );
        return (out, errors);
    }
    let lock_name: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let _ = writeln!(out, "SKILLC_SKILL={}", quote(&skill_name));
    let _ = writeln!(out, "SKILLC_TARGET={}", quote(&target_name));
    let _ = writeln!(out, "SKILLC_J_STATIC={}", quote(&static_json));
    let _ = writeln!(out, "SKILLC_J_NEXT={}", quote(&next));
    let _ = writeln!(out, "SKILLC_PLAN_BASE={}", quote(&plan_base));
    let _ = writeln!(out, "SKILLC_ALL_APPROVERS={}", quote(&all_approvers));
    let _ = writeln!(
        out,
        "SKILLC_AUDIT_LOG=${{SKILLC_AUDIT_LOG:-{}}}",
        quote(AUDIT_LOG)
    );
    let _ = writeln!(
        out,
        "SKILLC_STATE_DIR=${{SKILLC_STATE_DIR:-{}}}",
        quote(STATE_DIR)
    );
    let _ = writeln!(
        out,
        "SKILLC_APPROVERS_DIR=${{SKILLC_APPROVERS_DIR:-{}}}",
        quote(APPROVERS_DIR)
    );
    let _ = writeln!(
        out,
        "SKILLC_LOCK_DIR=\"$SKILLC_STATE_DIR/locks/\"{}",
        quote(&lock_name)
    );
    out.push_str(
        "SKILLC_NL='\n'\n\
         SKILLC_MODE=plan\nSKILLC_JSON=0\nSKILLC_DETECT_ONLY=0\nSKILLC_WAIT=0\nSKILLC_TOKENS=''\n\
         SKILLC_REQUIRE_ENV=${SKILLC_REQUIRE:-}\nSKILLC_REQUIRE=auto\nSKILLC_LOCKED=0\nSKILLC_TMP=''\nSKILLC_AUDIT_OK=0\nSKILLC_DETECTED=null\n\
         SKILLC_J_STEPS=''\nSKILLC_PLAN_SKIP=0\nSKILLC_PLAN_HASH=$SKILLC_PLAN_BASE\n\
         SKILLC_RUN_ID=\"$(date -u +%Y%m%dT%H%M%SZ)-$$\"\n\n",
    );
    // Parameters.
    out.push_str("# Parameters fixed at compile time (rebuild to change them):\n");
    for (k, v) in &params {
        if let PVal::Lit(kind) = v {
            let e = Expr {
                kind: kind.clone(),
                span: skillc_diagnostics::Span::default(),
            };
            let _ = writeln!(
                out,
                "#   {} = {}",
                comment_text(k),
                comment_text(&e.to_string())
            );
        }
    }
    if runtime.is_empty() {
        out.push_str("# No run-time parameters.\n\n");
    } else {
        out.push_str("# Run-time parameters (required: --param NAME=VALUE):\n");
        for r in &runtime {
            let _ = writeln!(out, "{}=''", r.var);
        }
        out.push('\n');
    }
    out.push_str(RUNTIME);
    out.push_str(
        "\n# skillc_diag FUNCTION ID OUTCOME PHASE: run a diagnose step now (phase `now`) when the\n\
         # policy lets it run unattended, else after the gate (phase `gated`, --apply only).\n\
         skillc_diag() {\n\
         \tif [ \"$(skillc_stricter \"$3\")\" = auto ]; then\n\
         \t\t[ \"$4\" = now ] || return 0\n\
         \telif [ \"$4\" = now ]; then\n\
         \t\tskillc_say \"  deferred  $2: needs $(skillc_stricter \"$3\"); runs after the gate with --apply\"\n\
         \t\treturn 0\n\
         \tfi\n\
         \t\"$1\" || skillc_say \"  (diagnose step $2 failed; continuing)\"\n\
         }\n\n",
    );
    out.push_str("# ---- compiled from the skill ---------------------------------------------------------\n\n");
    out.push_str(&defs);
    let _ = writeln!(
        out,
        "# detect: {}\nskillc_detect() {{\n\t{detect}\n}}\n",
        comment_text(&skill.detect.to_string())
    );
    let _ = writeln!(
        out,
        "# verify: {}\nskillc_verify() {{\n\t{verify}\n}}\n",
        comment_text(&skill.verify.to_string())
    );
    out.push_str(&g.fns);
    let _ = writeln!(out, "skillc_diagnose() {{\n{diag}\t:\n}}\n");
    let _ = writeln!(
        out,
        "skillc_plan() {{\n\tskillc_say 'diagnose steps:'\n{diag_plan}\tskillc_say 'remediation steps:'\n{}\t:\n}}\n",
        g.plan
    );
    let _ = writeln!(out, "skillc_gates() {{\n{}\t:\n}}\n", g.gates);
    let _ = writeln!(out, "skillc_apply() {{\n{apply}}}\n");

    // Arguments.
    out.push_str("# ---- main ----------------------------------------------------------------------------\n\n");
    out.push_str("if [ -n \"${SKILLC_REQUIRE_ENV:-}\" ]; then\n\tskillc_set_require \"$SKILLC_REQUIRE_ENV\"\nfi\n");
    out.push_str(
        "while [ \"$#\" -gt 0 ]; do\n\tcase $1 in\n\
         \t\t--apply) SKILLC_MODE=apply ;;\n\
         \t\t--json) SKILLC_JSON=1 ;;\n\
         \t\t--detect) SKILLC_DETECT_ONLY=1 ;;\n\
         \t\t--require)\n\t\t\t[ \"$#\" -ge 2 ] || skillc_usage 64\n\t\t\tskillc_set_require \"$2\"\n\t\t\tshift\n\t\t\t;;\n\
         \t\t--token)\n\t\t\t[ \"$#\" -ge 2 ] || skillc_usage 64\n\t\t\tSKILLC_TOKENS=\"$SKILLC_TOKENS$2$SKILLC_NL\"\n\t\t\tshift\n\t\t\t;;\n\
         \t\t--wait)\n\t\t\t[ \"$#\" -ge 2 ] || skillc_usage 64\n\t\t\tcase $2 in\n\t\t\t\t'' | *[!0-9]*) skillc_usage 64 ;;\n\t\t\tesac\n\t\t\tSKILLC_WAIT=$2\n\t\t\tshift\n\t\t\t;;\n\
         \t\t--param)\n\t\t\t[ \"$#\" -ge 2 ] || skillc_usage 64\n\t\t\tcase $2 in\n",
    );
    for r in &runtime {
        let check = if r.int {
            format!(
                "\n\t\t\t\t\tcase ${var} in\n\t\t\t\t\t\t'' | *[!0-9]* | ??????????*)\n\t\t\t\t\t\t\tskillc_warn {}\n\t\t\t\t\t\t\texit 65\n\t\t\t\t\t\t\t;;\n\t\t\t\t\tesac",
                quote(&format!(
                    "parameter {} must be a non-negative integer",
                    r.name
                )),
                var = r.var
            )
        } else {
            String::new()
        };
        let _ = writeln!(
            out,
            "\t\t\t\t{}*)\n\t\t\t\t\t{var}=${{2#{}}}{check}\n\t\t\t\t\t;;",
            quote(&format!("{}=", r.name)),
            quote(&format!("{}=", r.name)),
            var = r.var
        );
    }
    out.push_str(
        "\t\t\t\t*)\n\t\t\t\t\tskillc_warn \"unknown parameter, or one fixed at compile time: ${2%%=*}\"\n\t\t\t\t\texit 64\n\t\t\t\t\t;;\n\t\t\tesac\n\t\t\tshift\n\t\t\t;;\n\
         \t\t-h | --help) skillc_usage 0 ;;\n\
         \t\t*) skillc_usage 64 ;;\n\tesac\n\tshift\ndone\n",
    );
    if !runtime.is_empty() {
        let mut base = String::from("\"$SKILLC_PLAN_BASE\"");
        for r in &runtime {
            let _ = writeln!(
                out,
                "if [ -z \"${var}\" ]; then\n\tskillc_warn {}\n\texit 64\nfi",
                quote(&format!(
                    "missing required parameter: --param {}=VALUE",
                    r.name
                )),
                var = r.var
            );
            let _ = write!(base, " {}\"${}\"", quote(&format!("{}=", r.name)), r.var);
        }
        let _ = writeln!(
            out,
            "command -v openssl >/dev/null 2>&1 || {{\n\tskillc_warn 'openssl is needed to hash the plan'\n\texit 69\n}}\n\
             SKILLC_PLAN_HASH=$(printf '%s\\n' {base} | skillc_sha256)"
        );
    }
    out.push_str(
        "command -v launchctl >/dev/null 2>&1 || {\n\tskillc_warn 'launchctl not found (this script runs on macOS)'\n\texit 69\n}\n\
         if [ \"$SKILLC_DETECT_ONLY\" -eq 1 ]; then\n\tif skillc_detect; then\n\t\texit 0\n\tfi\n\texit 1\nfi\n\
         SKILLC_TMP=$(mktemp -d \"${TMPDIR:-/tmp}/skillc.XXXXXX\") || {\n\tskillc_warn 'cannot create a temporary directory'\n\texit 73\n}\n\
         trap skillc_cleanup EXIT\ntrap 'exit 130' INT\ntrap 'exit 143' TERM HUP\n\n\
         # The audit log: required to apply; plan mode goes on without it (and says so).\n\
         if mkdir -p \"${SKILLC_AUDIT_LOG%/*}\" 2>/dev/null && : >>\"$SKILLC_AUDIT_LOG\" 2>/dev/null; then\n\
         \tSKILLC_AUDIT_OK=1\nelif [ \"$SKILLC_MODE\" = apply ]; then\n\
         \tskillc_die 73 error \"cannot append to the audit log $SKILLC_AUDIT_LOG\"\nelse\n\
         \tskillc_warn \"cannot append to the audit log $SKILLC_AUDIT_LOG; plan mode continues without it\"\nfi\n\
         skillc_audit run_start \"\\\"require\\\":\\\"$SKILLC_REQUIRE\\\"\"\n",
    );
    let _ = writeln!(
        out,
        "skillc_say {}",
        quote(&comment_text(&format!(
            "skillc {skill_name} on {target_name} ({label}): {}",
            skill.title
        )))
    );
    out.push_str(
        "skillc_say \"plan hash $SKILLC_PLAN_HASH\"\n\n\
         # detect\n\
         if skillc_detect; then\n\tSKILLC_DETECTED=true\n\tskillc_audit detect '\"detected\":true'\n\
         \tskillc_say 'detect: the failure is present'\nelse\n\tSKILLC_DETECTED=false\n\
         \tskillc_audit detect '\"detected\":false'\n\tskillc_say 'detect: not present; nothing to do'\n\
         \tskillc_finish 0 healthy\nfi\n\n\
         # diagnose (read-only)\nskillc_say 'diagnose:'\nskillc_diagnose now\n\n\
         # plan\nskillc_say 'plan:'\nskillc_plan\n\
         if [ \"$SKILLC_MODE\" = plan ]; then\n\tskillc_say 'plan only: nothing was changed (run with --apply to act)'\n\
         \tskillc_finish 0 planned\nfi\n\n\
         # apply: one remediation per target at a time, then the policy gate\n\
         skillc_lock\n\
         if ! skillc_detect; then\n\tskillc_say 'the failure went away while waiting for the lock; nothing to do'\n\
         \tskillc_finish 0 healthy\nfi\n\
         skillc_gate\nskillc_diagnose gated\nskillc_say 'apply:'\n\
         if skillc_apply; then\n\tskillc_audit apply_end '\"status\":\"ok\"'\nelse\n\
         \tskillc_audit apply_end '\"status\":\"failed\"'\n\tskillc_say 'a step failed; remaining steps were not run'\nfi\n\n\
         # verify (independent of the steps' exit codes)\n\
         if skillc_verify; then\n\tskillc_audit verify '\"status\":\"passed\"'\n\tskillc_say 'verify: passed'\n\
         \tskillc_finish 0 fixed\nfi\n\
         skillc_audit verify '\"status\":\"failed\"'\n",
    );
    let _ = writeln!(
        out,
        "skillc_say {}\nskillc_finish 3 verify_failed",
        quote(&comment_text(&format!("verify: FAILED; {on_failure}")))
    );
    (out, errors)
}
