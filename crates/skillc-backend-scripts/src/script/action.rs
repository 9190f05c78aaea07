//! One action step: its command, guard and plan text (builtin or declared action), and its
//! function, plan line and gate line.

use super::DEFAULT_STEP_TIMEOUT_SECS;
use super::audit::json;
use super::builtin::{Compiled, text as text_of};
use super::outcome::outcome_name;
use super::steps::Gen;
use crate::policy::{self, Decision};
use crate::resolve::{ceil_secs, expand};
use skillc_backend_support::{Literal, ParamValue as PVal};
use skillc_ir::{ActionKind, Arg, ArgType, ArgValue, Outcome, Risk, Step, Target};
use skillc_sh::{Assign, Command, Cond, Function, Word, comment_text};
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
        self.step_id.clone_from(&s.id.value);
        let Compiled { body, needed, text } = match &action.kind {
            ActionKind::Builtin(b) => self.builtin(*b, args, t, &mut timeout),
            ActionKind::Declared { argv } => {
                // Action parameters: the step's arguments (skill placeholders expanded).
                let mut aparams = Vec::with_capacity(action.params.len());
                let mut awords: BTreeMap<String, Word> = BTreeMap::new();
                let mut prelude = String::new();
                for (i, p) in action.params.iter().enumerate() {
                    // A parameter the step does not pass takes the action's default.
                    let v = arg(args, &p.name).or(p.default.as_ref());
                    let word = self.word(v);
                    let val = match (v, word.literal()) {
                        (Some(ArgValue::Int(k)), _) => PVal::Lit(Literal::Int(*k)),
                        (Some(ArgValue::Bool(b)), _) => PVal::Lit(Literal::Bool(*b)),
                        (_, Some(text)) => PVal::Lit(Literal::Str(text)),
                        (_, None) => {
                            let var = format!("skillc_a{n}_{i}");
                            let _ = writeln!(prelude, "\t{}", Assign::new(&var, word.clone()));
                            PVal::Var { var, int: false }
                        }
                    };
                    aparams.push(val);
                    awords.insert(p.name.clone(), word);
                }
                let svc = ir.service(self.applied);
                let words: Vec<Word> = argv
                    .iter()
                    .map(|a| expand(&a.value, svc, &|k| awords.get(k).cloned()))
                    .collect();
                // The parameters' assignments, then the guard or the command, in one block.
                let needed = match &action.guard {
                    Some(g) => {
                        let c = self.cond_with(g, &aparams);
                        Cond::Compiled(format!("{{\n{prelude}\t{c}\n\t}}"))
                    }
                    None => Cond::always(),
                };
                let txt: Vec<String> = words.iter().map(text_of).collect();
                Compiled {
                    // In a process group of its own (skillc_pg), like `run`.
                    body: format!(
                        "{{\n{prelude}\t{}\n\t}}",
                        Command::new("skillc_pg").args(words)
                    ),
                    needed,
                    text: txt.join(" "),
                }
            }
        };

        // A path argument built from run-time values is checked before anything runs: it
        // must stay absolute, with no `.` or `..` component (skillc_check_path).
        for p in &action.params {
            if p.ty != ArgType::Path {
                continue;
            }
            let w = self.word(arg(args, &p.name).or(p.default.as_ref()));
            if w.literal().is_none() {
                let check = Command::new("skillc_check_path")
                    .arg(Word::lit(s.id.value.clone()))
                    .arg(Word::lit(p.name.clone()))
                    .arg(w);
                let _ = writeln!(self.checks, "{check}");
            }
        }

        let when = match &s.when {
            Some(w) => Cond::Compiled(self.cond(w)),
            None => Cond::always(),
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
        let step = Command::new("skillc_step")
            .arg(Word::bare(n.to_string()))
            .arg(Word::lit(id.clone()))
            .arg(Word::lit(meta.clone()))
            .arg(Word::bare(timeout.to_string()));
        let _ = write!(
            self.fns,
            "# step `{}`: {} on {} ({}{raised}); policy: {}; timeout {timeout} s\n{}{}{}{}\n",
            comment_text(id),
            comment_text(&action.name),
            comment_text(&tname),
            risk.as_str(),
            comment_text(&decided),
            Function::new(format!("skillc_s{n}"), body),
            Function::new(format!("skillc_s{n}_when"), when),
            Function::new(format!("skillc_s{n}_needed"), needed),
            Function::new(format!("skillc_x{n}"), step),
        );
        let line = if in_loop {
            Command::new("skillc_plan_line")
        } else {
            Command::new("skillc_plan_step").arg(Word::bare(n.to_string()))
        };
        let mut line = line.args([
            Word::lit(id.clone()),
            Word::lit(meta.clone()),
            Word::lit(outcome),
            Word::lit(text),
        ]);
        if in_loop {
            line = line.flag("repeats");
        }
        let _ = writeln!(self.plan, "\t{line}");
        if gate {
            let line = Command::new("skillc_gate_step").args([
                Word::lit(id.clone()),
                Word::lit(meta),
                Word::lit(outcome),
                Word::lit(count.to_string()),
                Word::lit(who),
            ]);
            let _ = writeln!(self.gates, "\t{line}");
        }
        format!("skillc_x{n}")
    }
}

pub(super) fn arg<'a>(args: &'a [Arg], name: &str) -> Option<&'a ArgValue> {
    args.iter()
        .find(|a| a.name.value == name)
        .map(|a| &a.value.value)
}
