//! Assembling one script: header, constants, parameters, runtime, compiled functions and main.

use super::Want;
use super::audit::{next_skill, static_fields};
use super::outcome::strictest;
use super::params::skill_params;
use super::steps::{Gen, say};
use crate::policy;
use crate::resolve::domain;
use crate::runtime::{MAIN_PHASES, MAIN_START, RUNTIME, environment, variant};
use crate::token::{ALLOWED_SIGNERS, hex};
use crate::{AUDIT_LOG, STATE_DIR};
use sha2::{Digest, Sha256};
use skillc_backend_support::exit::SOFTWARE as EXIT_INTERNAL;
use skillc_backend_support::{Domain, ParamValue, ProbeCompiler, ProbeError};
use skillc_ir::{Ir, OnFailure, Risk, ServiceId, SkillId, StepKind};
use skillc_sh::{Assign, Command, Cond, Dq, Redirect, Word, comment_text};
use std::fmt::Write as _;

/// File-wide shellcheck exceptions, with the reason next to them.
const SHELLCHECK_DIRECTIVE: &str = "# Step functions are called by name (\"skillc_s$1\"), which shellcheck cannot follow (SC2317);\n\
# quoted literals keep `$` and backquotes on purpose (SC2016).\n\
# shellcheck disable=SC2317,SC2016\n";

pub(super) fn generate(
    ir: &Ir,
    skill_id: SkillId,
    target: ServiceId,
    want: Want,
    options: crate::Options,
) -> (String, Vec<ProbeError>) {
    let skill = ir.skill(skill_id);
    let svc = ir.service(target);
    let skill_name = ir.skill_name(skill_id);
    let target_name = ir.service_name(target);
    let (params, runtime) = skill_params(ir, skill, target);
    let param_values = skill
        .params
        .iter()
        .filter_map(|p| params.get(&p.name.value).cloned())
        .collect();
    let mut g = Gen {
        ir,
        skill,
        skill_name: skill_name.clone(),
        applied: target,
        params: &params,
        param_values,
        pc: ProbeCompiler::new(ir),
        n: 0,
        fns: String::new(),
        plan: String::new(),
        gates: String::new(),
        facts: String::new(),
        checks: String::new(),
        step_id: String::new(),
        errors: Vec::new(),
    };
    let detect = g.cond(&skill.detect);
    let verify = g.cond(&skill.verify);

    // Diagnose: each top-level step runs now when it is `auto`, else after the gate.
    let mut diag = String::new();
    for s in &skill.diagnose {
        let o = strictest(ir, skill, target, std::slice::from_ref(s));
        let f = g.step(s, false, true, 0);
        // Plan mode runs only read-only steps, whatever the policy says (a step that changes
        // something waits for the gate even when the policy lets it run unattended).
        let read_only = s.flattened().into_iter().all(|x| match &x.kind {
            StepKind::Action { risk, .. } => matches!(risk, Risk::ReadOnly),
            _ => true,
        });
        let run = Command::new("skillc_diag")
            .arg(Word::bare(f))
            .arg(Word::lit(s.id.value.clone()))
            .arg(Word::lit(o))
            .arg(Word::var("1"))
            .arg(Word::bare(if read_only { "read_only" } else { "changes" }));
        let _ = writeln!(diag, "\t{run}");
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
    let static_json = static_fields(ir, skill_id, target);
    let next = next_skill(ir, skill_id, target);
    let (next_name, next_file) = match &skill.on_failure.value {
        OnFailure::Next(n) => (
            ir.skill_name(*n),
            if ir.skill(*n).targets.contains(&target) {
                crate::script_file_name(ir, *n, target)
            } else {
                String::new()
            },
        ),
        _ => (String::new(), String::new()),
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
        "skillc-plan-v2\n{static_json}\n{detect}\n{verify}\n{}\n{}\n{diag}\n{apply}\n{}\n{defs}\n{next}\n{}\n",
        g.fns, g.gates, g.plan, g.facts
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
        domain(svc).text()
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
         #               [--client NAME] [--confirmed PLAN_HASH]\n\
         #   --detect   only evaluate detect: exit 0 when the failure is present, 1 when not.\n\
         #   --require  raise every step's policy outcome to at least this (never lowers it);\n\
         #              SKILLC_REQUIRE does the same.\n\
         #   --token    an approval token (`skillc approve`: an ssh-keygen signature of this plan by an\n\
         #              approver of the policy whose public key is in the trust file); repeat for\n\
         #              several approvers. The plan hash covers the compiled plan, every run-time\n\
         #              value and every fact read at plan time that a step acts on.\n\
         #   --client   the program that runs this script for someone (e.g. an MCP client through\n\
         #              `skillc mcp`): 1-64 of A-Z a-z 0-9 . _ @ + -; in every audit line.\n\
         #   --confirmed  with --client: the caller asked a person, who confirmed this plan hash\n\
         #              (instead of the terminal prompt); any other hash is not a confirmation.\n\
         # Exit codes (skillc's docs/exit-codes.md): 0 healthy/fixed/plan printed, 3 verification failed,\n\
         # 64 usage, 65 bad parameter value, 69 tool missing, 70 internal error, 73 cannot write\n\
         # state or audit log, 75 another remediation holds the target's lock, 77 not a runner,\n\
         # denied, not confirmed or approval missing, 78 unsafe state or audit location (nothing\n\
         # changed).\n\
         # Environment: the script re-executes itself under `env -i` with a fixed PATH, locale and\n\
         # umask (docs/security.md); it keeps only SUDO_USER/SUDO_UID (who invoked sudo) and\n\
         # SKILLC_REQUIRE (stricter only).\n",
    );
    let _ = writeln!(
        out,
        "# On verification failure: {}.",
        comment_text(&on_failure)
    );
    if options.test_build {
        out.push_str("# A TEST BUILD (skillc build --test-build): it honours location overrides; never install it.\n");
    }
    out.push_str(&environment(options));
    out.push_str("set -u\n\n");
    if !errors.is_empty() {
        let msgs: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
        let warn = Command::new("printf")
            .arg(Word::lit("skillc: %s\\n"))
            .arg(Word::lit(format!(
                "this script could not be compiled ({}); run skillc check",
                msgs.join("; ")
            )))
            .redirect(Redirect::OutToErr);
        let _ = writeln!(out, "{warn}\nexit {EXIT_INTERNAL}");
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
    for (name, value) in [
        ("SKILLC_SKILL", &skill_name),
        ("SKILLC_TARGET", &target_name),
        ("SKILLC_J_STATIC", &static_json),
        ("SKILLC_J_NEXT", &next),
        ("SKILLC_NEXT_SKILL", &next_name),
        ("SKILLC_NEXT_FILE", &next_file),
        ("SKILLC_PLAN_BASE", &plan_base),
        ("SKILLC_ALL_APPROVERS", &all_approvers),
    ] {
        let _ = writeln!(out, "{}", Assign::new(name, Word::lit(value.clone())));
    }
    let runners =
        policy::runners(ir, skill_id, target).map_or_else(|| "*".to_owned(), |r| r.join("\n"));
    let _ = writeln!(out, "{}", Assign::new("SKILLC_RUNNERS", Word::lit(runners)));
    let skill_timeout = skill
        .timeout
        .as_ref()
        .map_or(0, |t| crate::resolve::ceil_secs(t.value, 1));
    let _ = writeln!(out, "SKILLC_SKILL_TIMEOUT={skill_timeout}");
    for (name, default) in [
        ("SKILLC_AUDIT_LOG", AUDIT_LOG),
        ("SKILLC_STATE_DIR", STATE_DIR),
        ("SKILLC_ALLOWED_SIGNERS", ALLOWED_SIGNERS),
    ] {
        let assign = if options.test_build {
            Assign::or_default(name, Word::lit(default))
        } else {
            Assign::new(name, Word::lit(default))
        };
        let _ = writeln!(out, "{assign}");
    }
    let lock_dir = Word::concat([
        Word::quoted(vec![Dq::var("SKILLC_STATE_DIR"), Dq::text("/locks/")]),
        Word::lit(lock_name),
    ]);
    let _ = writeln!(out, "{}", Assign::new("SKILLC_LOCK_DIR", lock_dir));
    out.push_str(
        "SKILLC_NL='\n'\n\
         SKILLC_MODE=plan\nSKILLC_JSON=0\nSKILLC_DETECT_ONLY=0\nSKILLC_WAIT=0\nSKILLC_TOKENS=''\nSKILLC_CLIENT=''\nSKILLC_CONFIRMED=''\n\
         SKILLC_REQUIRE_ENV=${SKILLC_REQUIRE:-}\nSKILLC_REQUIRE=auto\nSKILLC_LOCKED=0\nSKILLC_TMP=''\nSKILLC_AUDIT_OK=0\nSKILLC_DETECTED=null\n\
         SKILLC_J_STEPS=''\nSKILLC_J_NEXT_RESULT=null\nSKILLC_CHAIN=0\nSKILLC_DEADLINE=0\nSKILLC_STEP_PID=''\nSKILLC_STEP_PG=''\nSKILLC_STEP_WD=''\nSKILLC_STEP_FIELDS=''\nSKILLC_LOCK_OWNER=''\nSKILLC_GROUPS=''\nSKILLC_J_PARAMS=''\nSKILLC_PARAMS_TEXT=''\nSKILLC_J_FACTS=''\nSKILLC_FACTS_TEXT=''\nSKILLC_FACT_PID=''\nSKILLC_BAD_VALUE=''\nSKILLC_BAD_TEXT=''\nSKILLC_PLAN_SKIP=0\nSKILLC_PLAN_HASH=$SKILLC_PLAN_BASE\n\
         SKILLC_RUN_ID=\"$(date -u +%Y%m%dT%H%M%SZ)-$$\"\n\n",
    );
    // Parameters.
    out.push_str("# Parameters fixed at compile time (rebuild to change them):\n");
    for (k, v) in &params {
        if let ParamValue::Lit(lit) = v {
            let _ = writeln!(
                out,
                "#   {} = {}",
                comment_text(k),
                comment_text(&lit.to_string())
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
    out.push_str(&variant(RUNTIME, options));
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
    let _ = writeln!(
        out,
        "# What the steps act on, read when planning and again after the lock.\nskillc_facts() {{\n{}\t:\n}}\n",
        g.facts
    );
    let _ = writeln!(out, "skillc_diagnose() {{\n{diag}\t:\n}}\n");
    let _ = writeln!(
        out,
        "skillc_plan() {{\n\tskillc_plan_values\n\tskillc_say 'diagnose steps:'\n{diag_plan}\tskillc_say 'remediation steps:'\n{}\t:\n}}\n",
        g.plan
    );
    let _ = writeln!(out, "skillc_gates() {{\n{}\t:\n}}\n", g.gates);
    let _ = writeln!(out, "skillc_apply() {{\n{apply}}}\n");

    // Arguments.
    out.push_str("# ---- main ----------------------------------------------------------------------------\n\n");
    out.push_str("skillc_invoker\n");
    out.push_str("if [ -n \"${SKILLC_REQUIRE_ENV:-}\" ]; then\n\tskillc_set_require \"$SKILLC_REQUIRE_ENV\"\nfi\n");
    out.push_str(
        "while [ \"$#\" -gt 0 ]; do\n\tcase $1 in\n\
         \t\t--apply) SKILLC_MODE=apply ;;\n\
         \t\t--json) SKILLC_JSON=1 ;;\n\
         \t\t--detect) SKILLC_DETECT_ONLY=1 ;;\n\
         \t\t--require)\n\t\t\t[ \"$#\" -ge 2 ] || skillc_usage 64\n\t\t\tskillc_set_require \"$2\"\n\t\t\tshift\n\t\t\t;;\n\
         \t\t--token)\n\t\t\t[ \"$#\" -ge 2 ] || skillc_usage 64\n\t\t\tSKILLC_TOKENS=\"$SKILLC_TOKENS$2$SKILLC_NL\"\n\t\t\tshift\n\t\t\t;;\n\
         \t\t--client)\n\t\t\t[ \"$#\" -ge 2 ] || skillc_usage 64\n\t\t\tskillc_set_client \"$2\"\n\t\t\tshift\n\t\t\t;;\n\
         \t\t--confirmed)\n\t\t\t[ \"$#\" -ge 2 ] || skillc_usage 64\n\t\t\tcase $2 in\n\t\t\t\t*[!0-9a-f]*) skillc_usage 64 ;;\n\t\t\tesac\n\t\t\t[ \"${#2}\" -eq 64 ] || skillc_usage 64\n\t\t\tSKILLC_CONFIRMED=$2\n\t\t\tshift\n\t\t\t;;\n\
         \t\t--chain)\n\t\t\t[ \"$#\" -ge 2 ] || skillc_usage 64\n\t\t\tcase $2 in\n\t\t\t\t'' | *[!0-9]* | ???*) skillc_usage 64 ;;\n\t\t\tesac\n\t\t\tSKILLC_CHAIN=$2\n\t\t\tshift\n\t\t\t;;\n\
         \t\t--wait)\n\t\t\t[ \"$#\" -ge 2 ] || skillc_usage 64\n\t\t\tcase $2 in\n\t\t\t\t'' | *[!0-9]*) skillc_usage 64 ;;\n\t\t\tesac\n\t\t\tSKILLC_WAIT=$2\n\t\t\tshift\n\t\t\t;;\n\
         \t\t--param)\n\t\t\t[ \"$#\" -ge 2 ] || skillc_usage 64\n\t\t\tcase $2 in\n",
    );
    for r in &runtime {
        let prefix = format!("{}=", r.name);
        // A case pattern: the quoted `NAME=`, then any value.
        let _ = writeln!(
            out,
            "\t\t\t\t{}*)\n\t\t\t\t\t{}\n\t\t\t\t\t;;",
            Word::lit(prefix.clone()),
            Assign::strip_prefix(r.var.clone(), "2", Word::lit(prefix)),
        );
    }
    out.push_str(
        "\t\t\t\t*)\n\t\t\t\t\tskillc_warn \"unknown parameter, or one fixed at compile time: ${2%%=*}\"\n\t\t\t\t\texit 64\n\t\t\t\t\t;;\n\t\t\tesac\n\t\t\tshift\n\t\t\t;;\n\
         \t\t-h | --help) skillc_usage 0 ;;\n\
         \t\t*) skillc_usage 64 ;;\n\tesac\n\tshift\ndone\n",
    );
    for r in &runtime {
        let _ = writeln!(
            out,
            "if {}; then\n\t{}\n\texit 64\nfi",
            Cond::test(&["-z"], Word::var(r.var.clone())),
            warn(format!(
                "missing required parameter: --param {}=VALUE",
                r.name
            )),
        );
    }
    // Every run-time value, then every path argument built from run-time values, is checked
    // before anything reads or runs it (skillc_check_value / skillc_check_path, sh/values.sh).
    for r in &runtime {
        let _ = writeln!(
            out,
            "{}",
            Command::new("skillc_check_value")
                .arg(Word::lit(r.name.clone()))
                .arg(Word::bare(r.ty))
                .arg(Word::var(r.var.clone()))
        );
    }
    out.push_str(&g.checks);
    // The run-time values as JSON members (`"name":"value"`; the value escaped by
    // skillc_json_str) and as text for the plan; then the facts; the plan hash covers both.
    for (i, r) in runtime.iter().enumerate() {
        let key = serde_json::to_string(&r.name).unwrap_or_default();
        let comma = if i == 0 { "" } else { "," };
        let _ = writeln!(
            out,
            "skillc_jv=$(skillc_json_str \"${var}\")\n{}\n{}",
            Assign::new(
                "SKILLC_J_PARAMS",
                Word::concat([
                    Word::var("SKILLC_J_PARAMS"),
                    Word::lit(format!("{comma}{key}:")),
                    Word::var("skillc_jv"),
                ]),
            ),
            Assign::new(
                "SKILLC_PARAMS_TEXT",
                Word::concat([
                    Word::var("SKILLC_PARAMS_TEXT"),
                    Word::lit(format!("  {} = ", r.name)),
                    Word::var("skillc_jv"),
                    Word::var("SKILLC_NL"),
                ]),
            ),
            var = r.var
        );
    }
    if !runtime.is_empty() || !g.facts.is_empty() {
        let _ = writeln!(
            out,
            "if [ -z \"$SKILLC_BAD_VALUE\" ]; then\n\tskillc_facts\nfi\n\
             command -v openssl >/dev/null 2>&1 || {{\n\tskillc_warn 'openssl is needed to hash the plan'\n\texit 69\n}}\n\
             SKILLC_PLAN_HASH=$(skillc_plan_hash)"
        );
    }
    match domain(svc) {
        Domain::Gui => out.push_str(AGENT_NEEDS_CONSOLE_USER),
        Domain::User(user) => {
            let session = Command::new("launchctl")
                .flag("print")
                .arg(Domain::User(user).word())
                .redirect(Redirect::OutToNull)
                .redirect(Redirect::ErrToNull);
            let warn = Command::new("skillc_warn").arg(Word::quoted(vec![
                Dq::text(format!("{user} is not logged in (no gui domain): ")),
                Dq::var("SKILLC_TARGET"),
                Dq::text(format!(
                    " is a per-user agent of {user}; run this again while {user} is logged in"
                )),
            ]));
            let _ = writeln!(out, "if ! {session}; then\n\t{warn}\n\texit 69\nfi");
        }
        Domain::System => {}
    }
    out.push_str(MAIN_START);
    let title = comment_text(&format!(
        "skillc {skill_name} on {target_name} ({label}): {}",
        skill.title
    ));
    let _ = writeln!(out, "{}", say(title));
    out.push_str(MAIN_PHASES);
    let failed = comment_text(&format!("verify: FAILED; {on_failure}"));
    let _ = writeln!(out, "{}", say(failed));
    if matches!(skill.on_failure.value, OnFailure::Next(_)) {
        out.push_str("skillc_run_next\n");
    }
    out.push_str("skillc_finish 3 verify_failed\n");
    // The agents' domain, first thing after the environment: the target's, or one a step or a
    // probe names.
    skillc_backend_support::insert_gui_uid(&mut out, options.test_build);
    (out, errors)
}

/// An agent lives in the gui domain of the user logged in at the console (under root): with
/// nobody logged in there is no such domain, and nothing to detect or fix.
const AGENT_NEEDS_CONSOLE_USER: &str = "if [ -z \"$SKILLC_GUI_UID\" ]; then\n\tskillc_warn \"no user is logged in at the console: $SKILLC_TARGET is an agent, in that user's gui domain; run this again once someone is logged in, or as the agent's user\"\n\texit 69\nfi\n";

/// `skillc_warn TEXT`.
fn warn(text: String) -> Command {
    Command::new("skillc_warn").arg(Word::lit(text))
}
