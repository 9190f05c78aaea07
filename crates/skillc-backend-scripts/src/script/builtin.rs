//! What each built-in action runs: its command, its guard ("needed") and its plan text.

use super::DEFAULT_STEP_TIMEOUT_SECS;
use super::action::arg;
use super::steps::Gen;
use crate::resolve::{ceil_secs, domain};
use skillc_backend_support::Domain;
use skillc_ir::{Arg, ArgValue, Builtin, ServiceId};
use skillc_sh::{Assign, Command, Cond, Word, comment_text};
use std::fmt::Write as _;

/// A step's command (one or more lines of a step function), its guard and its text for people.
pub(super) struct Compiled {
    pub(super) body: String,
    pub(super) needed: Cond,
    pub(super) text: String,
}

/// A word for people (`<name>` for a run-time value), control characters escaped.
pub(super) fn text(w: &Word) -> String {
    comment_text(&w.text())
}

fn domain_text(d: Domain, label: &str) -> String {
    match d {
        Domain::System => format!("system/{}", comment_text(label)),
        Domain::Gui => format!("gui/<uid>/{}", comment_text(label)),
        Domain::User(user) => format!("gui/<uid of {user}>/{}", comment_text(label)),
    }
}

fn launchctl(sub: &str) -> Command {
    Command::new("launchctl").flag(sub)
}

/// `[ -e P ] || [ -L P ]` in a group: something (maybe a dangling symlink) is at `p`.
fn exists(p: &Word) -> Cond {
    Cond::Or(vec![
        Cond::test(&["-e"], p.clone()),
        Cond::test(&["-L"], p.clone()),
    ])
    .group()
}

impl Gen<'_, '_> {
    /// Records that the current step acts on path `p`: whether it is a symlink (and to what) is
    /// a fact of the plan, read again after the lock.
    fn path_fact(&mut self, p: &Word) {
        let read = Command::new("skillc_fact_path")
            .arg(Word::lit(self.step_id.clone()))
            .arg(p.clone());
        let _ = writeln!(self.facts, "\t{read}");
    }

    /// Compiles built-in `b` run with `args` on service `t`; may raise the step's `timeout`.
    pub(super) fn builtin(
        &mut self,
        b: Builtin,
        args: &[Arg],
        t: ServiceId,
        timeout: &mut u64,
    ) -> Compiled {
        let ir = self.ir;
        let tsvc = ir.service(t);
        let dom = domain(tsvc);
        let label = &tsvc.label.value;
        let tword = || dom.target_word(label);
        let tname = ir.service_name(t);
        let done = |cmd: Command, text: String| Compiled {
            body: cmd.to_string(),
            needed: Cond::always(),
            text,
        };
        let guarded = |cmd: Command, needed: Cond, text: String| Compiled {
            body: cmd.to_string(),
            needed,
            text,
        };
        match b {
            Builtin::Run => {
                let words: Vec<Word> = match arg(args, "argv") {
                    Some(ArgValue::List(l)) => l
                        .iter()
                        .map(|x| self.word(Some(&ArgValue::String(x.clone()))))
                        .collect(),
                    _ => vec![],
                };
                if words.is_empty() {
                    return guarded(
                        Command::new("false"),
                        Cond::always(),
                        "(empty argv)".to_owned(),
                    );
                }
                let txt: Vec<String> = words.iter().map(text).collect();
                // In a process group of its own (skillc_pg): whatever it leaves behind is ended.
                done(Command::new("skillc_pg").args(words), txt.join(" "))
            }
            Builtin::Shell => {
                let script = self.word(arg(args, "script"));
                let txt = format!("sh -c {}", text(&script));
                done(
                    Command::new("skillc_pg")
                        .flag("/bin/sh")
                        .flag("-c")
                        .arg(script)
                        .flag("skillc-step"),
                    txt,
                )
            }
            Builtin::LaunchctlPrint => done(
                launchctl("print").arg(tword()),
                format!("launchctl print {} ({tname})", domain_text(dom, label)),
            ),
            Builtin::LaunchctlPrintDisabled => done(
                launchctl("print-disabled").arg(dom.word()),
                format!(
                    "launchctl print-disabled {}",
                    domain_text(dom, "").trim_end_matches('/')
                ),
            ),
            Builtin::LaunchctlEnable => {
                // Register the helper with the probe compiler.
                self.pc.use_disabled();
                guarded(
                    launchctl("enable").arg(tword()),
                    Command::new("skillc_disabled")
                        .arg(dom.word())
                        .arg(Word::lit(label.clone()))
                        .into(),
                    format!("launchctl enable {}", domain_text(dom, label)),
                )
            }
            Builtin::LaunchctlBootstrap => {
                let dir = match tsvc.scope.value {
                    skillc_ir::Scope::Daemon => skillc_backend_support::DAEMON_DIR,
                    skillc_ir::Scope::Session => skillc_backend_support::AGENT_DIR,
                };
                let plist = format!("{dir}/{label}.plist");
                let txt = format!(
                    "launchctl bootstrap {} {}",
                    domain_text(dom, "").trim_end_matches('/'),
                    comment_text(&plist)
                );
                guarded(
                    launchctl("bootstrap").arg(dom.word()).arg(Word::lit(plist)),
                    !Cond::from(launchctl("print").arg(tword()).quiet()),
                    txt,
                )
            }
            Builtin::LaunchctlKickstart => {
                let kill = matches!(arg(args, "kill"), Some(ArgValue::Bool(true)));
                let mut cmd = launchctl("kickstart");
                if kill {
                    cmd = cmd.flag("-k");
                }
                let k = if kill { "-k " } else { "" };
                done(
                    cmd.arg(tword()),
                    format!("launchctl kickstart {k}{}", domain_text(dom, label)),
                )
            }
            Builtin::LaunchctlBootout => guarded(
                launchctl("bootout").arg(tword()),
                launchctl("print").arg(tword()).quiet().into(),
                format!("launchctl bootout {}", domain_text(dom, label)),
            ),
            Builtin::FsMkdir => {
                let p = self.word(arg(args, "path"));
                self.path_fact(&p);
                // Never through a planted symbolic link (skillc_mkdir, skillc_chmod, skillc_chown).
                let mut cmds = vec![Command::new("skillc_mkdir").arg(p.clone())];
                let mut txt = format!("mkdir -p {}", text(&p));
                if let Some(m) = arg(args, "mode") {
                    let m = self.word(Some(m));
                    txt.push_str(&format!("; chmod {}", text(&m)));
                    cmds.push(Command::new("skillc_chmod").arg(m).arg(p.clone()));
                }
                if let Some(o) = arg(args, "owner") {
                    let o = self.word(Some(o));
                    txt.push_str(&format!("; chown {}", text(&o)));
                    cmds.push(Command::new("skillc_chown").arg(o).arg(p.clone()));
                }
                let lines: Vec<String> = cmds.iter().map(ToString::to_string).collect();
                Compiled {
                    // One `&&` list, a command per line.
                    body: lines.join(" &&\n\t\t"),
                    needed: Cond::test(&["!", "-d"], p),
                    text: txt,
                }
            }
            Builtin::FsMoveAside => {
                let p = self.word(arg(args, "path"));
                self.path_fact(&p);
                let txt = format!("mv {} {}.skillc-<timestamp>", text(&p), text(&p));
                guarded(
                    Command::new("skillc_move_aside").arg(p.clone()),
                    exists(&p),
                    txt,
                )
            }
            // Deletes (a directory with its contents; a symlink itself, not its target; never
            // through a link a service user planted): the action is destructive, so the policy
            // decides who may run it.
            Builtin::FsRemove => {
                let p = self.word(arg(args, "path"));
                self.path_fact(&p);
                let txt = format!("rm -rf {}", text(&p));
                guarded(
                    Command::new("skillc_remove").arg(p.clone()),
                    exists(&p),
                    txt,
                )
            }
            // Empties a regular file in place (launchd keeps the job's log open: a rename would
            // free nothing and leave the job writing to the old file); never through a link.
            Builtin::FsTruncate => {
                let p = self.word(arg(args, "path"));
                self.path_fact(&p);
                let txt = format!("truncate {}", text(&p));
                guarded(
                    Command::new("skillc_truncate").arg(p.clone()),
                    Cond::test(&["-s"], p),
                    txt,
                )
            }
            Builtin::FsChmod => {
                let p = self.word(arg(args, "path"));
                self.path_fact(&p);
                let m = self.word(arg(args, "mode"));
                let txt = format!("chmod {} {}", text(&m), text(&p));
                // Refused on a symbolic link; never follows one (skillc_chmod).
                done(Command::new("skillc_chmod").arg(m).arg(p), txt)
            }
            Builtin::FsChown => {
                let p = self.word(arg(args, "path"));
                self.path_fact(&p);
                let o = self.word(arg(args, "owner"));
                let txt = format!("chown {} {}", text(&o), text(&p));
                // Refused on a symbolic link; never follows one (skillc_chown).
                done(Command::new("skillc_chown").arg(o).arg(p), txt)
            }
            Builtin::ProcSignal => {
                let sig = match arg(args, "signal") {
                    Some(v) => self.word(Some(v)),
                    None => Word::lit("TERM"),
                };
                if let Some(pf) = arg(args, "pidfile") {
                    let p = self.word(Some(pf));
                    self.pc.use_pid_alive();
                    // The PID is a fact of the plan: read once when planning (and again after the
                    // lock, which refuses a change); the step signals that PID, never re-reading.
                    let var = format!("SKILLC_F{}", self.n);
                    let read = Command::new("skillc_fact_pid")
                        .arg(Word::lit(self.step_id.clone()))
                        .arg(p.clone());
                    let _ = writeln!(
                        self.facts,
                        "\t{read}\n\t{}",
                        Assign::new(&var, Word::var("SKILLC_FACT_PID"))
                    );
                    // Whose process it must be: the service's user (root for a daemon without
                    // one; any user for a session agent without one) running its program.
                    let user = match (&tsvc.run.user, tsvc.scope.value) {
                        (Some(u), _) => u.value.clone(),
                        (None, skillc_ir::Scope::Daemon) => "root".to_owned(),
                        (None, skillc_ir::Scope::Session) => String::new(),
                    };
                    let program = tsvc.run.program.value.clone();
                    let txt = format!(
                        "kill -{} <the PID in {} when planned> (if it runs {} as {})",
                        text(&sig),
                        text(&p),
                        comment_text(&program),
                        if user.is_empty() { "any user" } else { &user }
                    );
                    guarded(
                        Command::new("skillc_signal_pid")
                            .arg(sig)
                            .arg(Word::var(var))
                            .arg(Word::lit(user))
                            .arg(Word::lit(program)),
                        Command::new("skillc_pid_alive").arg(p).into(),
                        txt,
                    )
                } else {
                    let p = self.word(arg(args, "pid"));
                    let txt = format!("kill -{} {}", text(&sig), text(&p));
                    done(Command::new("kill").flag("-s").arg(sig).arg(p), txt)
                }
            }
            Builtin::WaitReady => {
                let secs = match arg(args, "timeout") {
                    Some(ArgValue::Duration(d)) => ceil_secs(*d, 1),
                    _ => DEFAULT_STEP_TIMEOUT_SECS,
                };
                *timeout = (*timeout).max(secs + 10);
                match self.pc.ready_function(t) {
                    Ok(f) => done(
                        Command::new("skillc_wait_ready")
                            .arg(Word::bare(f))
                            .arg(Word::bare(secs.to_string())),
                        format!("wait up to {secs} s until {tname} is ready"),
                    ),
                    Err(e) => {
                        self.errors.push(e);
                        done(Command::new("false"), String::new())
                    }
                }
            }
            Builtin::Notify => {
                let m = self.word(arg(args, "message"));
                let txt = format!("notify: {}", text(&m));
                done(Command::new("skillc_notify").arg(m), txt)
            }
        }
    }
}
