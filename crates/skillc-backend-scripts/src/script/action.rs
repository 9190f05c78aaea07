//! One action step: its command, guard and plan text (builtin or declared action), and its
//! function, plan line and gate line.

use super::DEFAULT_STEP_TIMEOUT_SECS;
use super::audit::json;
use super::outcome::outcome_name;
use super::steps::Gen;
use crate::expr::{PVal, Params};
use crate::policy::{self, Decision};
use crate::resolve::{Piece, ceil_secs, display, domain, expand, literal, render};
use skillc_expr::{Expr, ExprKind};
use skillc_ir::{ActionKind, Arg, ArgValue, Outcome, Risk, Step, Target};
use skillc_sh::{Domain, comment_text, quote};
use std::collections::BTreeMap;
use std::fmt::Write as _;

impl Gen<'_, '_> {
    #[allow(clippy::too_many_arguments, clippy::many_single_char_names)]
    pub(super) fn action_step(
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

fn arg<'a>(args: &'a [Arg], name: &str) -> Option<&'a ArgValue> {
    args.iter()
        .find(|a| a.name.value == name)
        .map(|a| &a.value.value)
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
