//! Expressions of the IR → POSIX sh conditions, using only tools macOS ships.
//!
//! A compiled condition is an sh command list whose exit status is the truth of the expression
//! (0 = true). Integer-valued functions become `"$(helper ...)"` words compared with `[ ... ]`.
//! Helper functions (`skillc_*`) and one function per `ready(...)` target are collected while
//! compiling and emitted once by [`ProbeCompiler::definitions`].
//!
//! | expression | sh (macOS tools) |
//! |---|---|
//! | `tcp("h:p")` | `nc -z -G <timeout> -- h p` (macOS `nc`: `-z` scan only, `-G` connect timeout in s) |
//! | `http(url)` | `curl -s -o /dev/null -w '%{http_code}' --max-time <timeout> --url url`, 0 when unreachable |
//! | `http_ca(url, ca)` | the same with `--cacert ca` (that CA file instead of the default bundle) |
//! | `http_mtls(url, ca, cert, key)` | the same with `--cert cert --key key` as well |
//! | `file_exists(p)` | `[ -e p ] && [ ! -d p ]` (sockets and FIFOs count as files) |
//! | `dir_exists(p)` | `[ -d p ]` |
//! | `exec(argv...)` | the command, output discarded, killed (TERM) after the probe timeout |
//! | `bus(name)` | the `launchctl print` of the job whose `mach_services` registers `name` shows the endpoint `"name"` with `active = 1` (it checked in); a `bus:` identity no job registers is `ready(provider)`; a name no known service provides or registers: `launchctl print system` mentions `"name"` |
//! | `ready(svc)` | `svc`'s own probe, inlined as a function (`running(svc)` without a probe, or where the probe reaches itself) |
//! | `loaded(svc)` | `launchctl print <domain>/<label>` succeeds |
//! | `running(svc)` | that output has a top-level `pid = N` line |
//! | `disabled(svc)` | `launchctl print-disabled <domain>` lists `"label" => true` (macOS ≤ 12) or `=> disabled` (13+) |
//! | `last_exit(svc)` / `runs(svc)` | the top-level `last exit code` / `runs` value; -1 when unknown (`(never exited)`, not loaded) |
//! | `pid_alive(f)` | `kill -0 "$(cat f)"` (digits only; a live PID of another user reads as dead for non-root) |
//! | `port_free(n)` | `! nc -z -G <timeout> -- 127.0.0.1 n` (loopback only) |
//! | `free_space(p)` | `100 - capacity%` of `df -P -- p`; -1 on failure |
//! | `log_contains(f, t)` | `grep -F -q -e t -- f` |
//! | `param("x")` | its compile-time value, quoted; a run-time parameter is read as `"$var"` (never spliced into code) where a string operand, an int comparison or a `port_free` port takes it |
//!
//! `launchctl print` is not an API; fields are read defensively: only top-level `key = value`
//! lines count (nested `{ }` blocks are skipped, whatever the indentation), and a missing field
//! is "unknown", never 0.

use crate::service::{Domain, ceil_secs, domain};
use skillc_diagnostics::Span;
use skillc_ir::expr::{Call, CmpOp, Duration, Expr, ExprKind, Func, LogicOp, ParamRef};
use skillc_ir::{Ir, ServiceId, Target};
use skillc_sh::{comment_text, is_representable, quote};
use std::collections::{BTreeMap, BTreeSet};

/// A compile-time value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    Bool(bool),
    Int(i64),
    Str(String),
    Duration(Duration),
}

/// Printed as the expression language writes it (`"text"`, `5`, `true`, `1m30s`).
impl std::fmt::Display for Literal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let e = Expr {
            kind: match self {
                Literal::Bool(b) => ExprKind::Bool(*b),
                Literal::Int(n) => ExprKind::Int(*n),
                Literal::Str(s) => ExprKind::Str(s.clone()),
                Literal::Duration(d) => ExprKind::Duration(*d),
            },
            span: Span::default(),
        };
        write!(f, "{e}")
    }
}

/// The value of a parameter in the expressions of one script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    /// Known at compile time.
    Lit(Literal),
    /// Read at run time from the shell variable `var` (already validated; `int`: digits only).
    Var { var: String, int: bool },
}

/// Why an expression cannot be compiled to sh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeError {
    pub message: String,
    pub span: Span,
}

impl ProbeError {
    fn new(span: Span, message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            span,
        }
    }
}

const RUNTIME_HERE: &str =
    "a run-time parameter cannot be used here (give it a default to fix it at compile time)";

/// Helper functions a compiled condition may call; emitted in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Helper {
    LaunchctlField,
    Running,
    LastExit,
    Runs,
    Endpoint,
    Disabled,
    Http,
    RunTimeout,
    PidAlive,
    FreeSpace,
}

/// Compiles expressions; collects the helper and `ready` functions they need.
#[derive(Debug)]
pub struct ProbeCompiler<'a> {
    ir: &'a Ir,
    helpers: BTreeSet<Helper>,
    /// Service → function name.
    ready_names: BTreeMap<ServiceId, String>,
    /// Function name → full definition text.
    ready_defs: BTreeMap<String, String>,
    /// The values of `ready_names`, for `fresh_name` (one compiler may serve every service).
    used_names: BTreeSet<String>,
    in_progress: Vec<ServiceId>,
    /// A run-time parameter reached a position that cannot read it from a variable (a bus name)
    /// inside the operand being compiled.
    runtime_misplaced: bool,
}

/// What an expression is compiled against.
#[derive(Debug, Clone, Copy)]
struct Cx<'p> {
    /// What `service` means.
    subject: ServiceId,
    timeout: u64,
    /// The parameters `param(...)` reads; `None` in a readiness probe.
    params: Option<&'p [ParamValue]>,
}

/// One sh word of a string operand.
enum Word {
    Lit(String),
    Var(String),
}

impl Word {
    fn render(&self) -> String {
        match self {
            Word::Lit(s) => quote(s),
            Word::Var(v) => format!("\"${v}\""),
        }
    }
}

/// An operand's compile-time value.
enum Value<'e> {
    Bool(bool),
    Int(i64),
    Str(&'e str),
    Duration(Duration),
}

impl<'a> ProbeCompiler<'a> {
    pub fn new(ir: &'a Ir) -> Self {
        Self {
            ir,
            helpers: BTreeSet::new(),
            ready_names: BTreeMap::new(),
            ready_defs: BTreeMap::new(),
            used_names: BTreeSet::new(),
            in_progress: Vec::new(),
            runtime_misplaced: false,
        }
    }

    /// Compiles a readiness probe (no parameters) evaluated for service `subject` (what
    /// `service` means) with a per-call timeout of `timeout_secs`.
    pub fn condition(
        &mut self,
        expr: &Expr,
        subject: ServiceId,
        timeout_secs: u64,
    ) -> Result<String, ProbeError> {
        let cx = Cx {
            subject,
            timeout: timeout_secs.max(1),
            params: None,
        };
        self.cond(expr, cx)
    }

    /// Compiles a skill expression (`detect`, `verify`, `when`, `until`, a guard) for `subject`;
    /// `params` holds the value of each parameter of the enclosing skill or action, by index.
    pub fn skill_condition(
        &mut self,
        expr: &Expr,
        subject: ServiceId,
        timeout_secs: u64,
        params: &[ParamValue],
    ) -> Result<String, ProbeError> {
        let cx = Cx {
            subject,
            timeout: timeout_secs.max(1),
            params: Some(params),
        };
        self.runtime_cond(expr, cx)
    }

    /// An sh command that succeeds when service `id` is ready: a call of a function holding its
    /// own probe (`running` when it has none), defined on first use. Inside that probe, a
    /// `ready(...)` that leads back to `id` reads as `running(id)`.
    pub fn ready_function(&mut self, id: ServiceId) -> Result<String, ProbeError> {
        let ir = self.ir;
        let s = ir
            .services
            .get(id.index())
            .ok_or_else(|| ProbeError::new(Span::default(), "unknown service"))?;
        let target = domain(s).target_word(&s.label.value);
        if self.in_progress.contains(&id) {
            // A probe that reaches itself through `ready(...)` cannot wait for itself: the inner
            // `ready` reads as `running`, as for a service without a probe.
            self.helpers.insert(Helper::Running);
            self.helpers.insert(Helper::LaunchctlField);
            return Ok(format!("skillc_running {target}"));
        }
        if let Some(name) = self.ready_names.get(&id) {
            return Ok(name.clone());
        }
        let name = self.fresh_name(&s.label.value);
        self.used_names.insert(name.clone());
        self.ready_names.insert(id, name.clone());
        self.in_progress.push(id);
        let body = if let Some(r) = &s.readiness {
            self.condition(&r.probe, id, ceil_secs(r.timeout.value, 1))
        } else {
            self.helpers.insert(Helper::Running);
            self.helpers.insert(Helper::LaunchctlField);
            Ok(format!("skillc_running {target}"))
        };
        self.in_progress.pop();
        let body = body?;
        let what = match &s.readiness {
            Some(r) => r.probe.to_string(),
            None => "no readiness probe: running(service)".to_owned(),
        };
        let def = format!(
            "# ready: {} ({}): {}\n{name}() {{\n\t{body}\n}}\n",
            comment_text(&ir.service_name(id)),
            comment_text(&s.label.value),
            comment_text(&what),
        );
        self.ready_defs.insert(name.clone(), def);
        Ok(name)
    }

    fn fresh_name(&self, label: &str) -> String {
        let mut base = String::from("skillc_ready_");
        for ch in label.chars() {
            base.push(if ch.is_ascii_alphanumeric() { ch } else { '_' });
        }
        let mut name = base.clone();
        let mut n = 2;
        while self.used_names.contains(&name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        name
    }

    /// Every helper and `ready` function used so far, as sh function definitions.
    pub fn definitions(&self) -> String {
        let mut out = String::new();
        for h in &self.helpers {
            out.push_str(helper_def(*h));
            out.push('\n');
        }
        for def in self.ready_defs.values() {
            out.push_str(def);
            out.push('\n');
        }
        out
    }

    /// Makes sure the helper functions `disabled(service)` uses are defined.
    pub fn use_disabled(&mut self) {
        self.helpers.insert(Helper::Disabled);
    }

    /// Makes sure the helper function `pid_alive(...)` uses is defined.
    pub fn use_pid_alive(&mut self) {
        self.helpers.insert(Helper::PidAlive);
    }
}

/// The structure around run-time parameters: `!`, `&&`, `||`, comparisons and `port_free` read
/// them from variables; any other operand that holds one is compiled as a whole by
/// [`ProbeCompiler::operand_root`].
impl ProbeCompiler<'_> {
    fn runtime_cond(&mut self, e: &Expr, cx: Cx<'_>) -> Result<String, ProbeError> {
        if !has_runtime(e, cx) {
            return self.cond(e, cx);
        }
        match &e.kind {
            ExprKind::Not(inner) => Ok(format!("! {}", self.runtime_grouped(inner, cx)?)),
            ExprKind::Logic { op, lhs, rhs, .. } => {
                let l = self.runtime_grouped(lhs, cx)?;
                let r = self.runtime_grouped(rhs, cx)?;
                Ok(format!("{l} {} {r}", logic_op(*op)))
            }
            ExprKind::Compare { op, lhs, rhs, .. } => {
                let l = self.runtime_int_word(lhs, cx)?;
                let r = self.runtime_int_word(rhs, cx)?;
                Ok(format!("[ {l} {} {r} ]", test_op(*op)))
            }
            ExprKind::Call(c) if c.func == Func::PortFree => {
                match c.args.first().and_then(|a| runtime_var(a, cx)) {
                    Some((var, true)) => Ok(format!(
                        "{{ ! nc -z -G {} -- 127.0.0.1 \"${var}\" >/dev/null 2>&1; }}",
                        cx.timeout
                    )),
                    _ => Err(ProbeError::new(e.span, "`port_free` needs an int port")),
                }
            }
            _ => self.operand_root(e.span, |pc| pc.cond(e, cx)),
        }
    }

    fn runtime_grouped(&mut self, e: &Expr, cx: Cx<'_>) -> Result<String, ProbeError> {
        let c = self.runtime_cond(e, cx)?;
        Ok(group(e, c))
    }

    fn runtime_int_word(&mut self, e: &Expr, cx: Cx<'_>) -> Result<String, ProbeError> {
        if let Some((var, int)) = runtime_var(e, cx) {
            return if int {
                Ok(format!("\"${var}\""))
            } else {
                Err(ProbeError::new(
                    e.span,
                    "only int parameters can be compared",
                ))
            };
        }
        match value(e, cx) {
            Some(Value::Int(n)) => Ok(n.to_string()),
            Some(Value::Bool(b)) => Ok(if b { "1" } else { "0" }.to_owned()),
            _ => self.operand_root(e.span, |pc| pc.int_word(e, cx)),
        }
    }

    /// Compiles one operand whole; a run-time parameter that reached a position no variable
    /// can fill fails it.
    fn operand_root(
        &mut self,
        span: Span,
        compile: impl FnOnce(&mut Self) -> Result<String, ProbeError>,
    ) -> Result<String, ProbeError> {
        self.runtime_misplaced = false;
        let out = compile(self)?;
        if std::mem::take(&mut self.runtime_misplaced) {
            return Err(ProbeError::new(span, RUNTIME_HERE));
        }
        Ok(out)
    }
}

impl<'a> ProbeCompiler<'a> {
    fn cond(&mut self, e: &Expr, cx: Cx<'_>) -> Result<String, ProbeError> {
        match &e.kind {
            ExprKind::Not(inner) => {
                let c = self.grouped(inner, cx)?;
                Ok(format!("! {c}"))
            }
            ExprKind::Logic { op, lhs, rhs, .. } => {
                let l = self.grouped(lhs, cx)?;
                let r = self.grouped(rhs, cx)?;
                Ok(format!("{l} {} {r}", logic_op(*op)))
            }
            ExprKind::Compare { op, lhs, rhs, .. } => self.compare(*op, lhs, rhs, cx),
            ExprKind::Call(call) => self.bool_call(e, call, cx),
            ExprKind::Param(_) if cx.params.is_none() => Err(ProbeError::new(
                e.span,
                "`param(...)` has no value in a readiness probe",
            )),
            _ => match value(e, cx) {
                Some(Value::Bool(true)) => Ok("true".to_owned()),
                Some(Value::Bool(false)) => Ok("false".to_owned()),
                _ => Err(ProbeError::new(
                    e.span,
                    "this expression is not a condition a probe can evaluate",
                )),
            },
        }
    }

    /// An operand of `&&`, `||` or `!`: lists and negations go in `{ ...; }`, because sh gives
    /// `&&` and `||` equal precedence and allows one `!` per pipeline; simple commands and
    /// brace groups stay as they are.
    fn grouped(&mut self, e: &Expr, cx: Cx<'_>) -> Result<String, ProbeError> {
        let c = self.cond(e, cx)?;
        Ok(group(e, c))
    }

    fn compare(
        &mut self,
        op: CmpOp,
        lhs: &Expr,
        rhs: &Expr,
        cx: Cx<'_>,
    ) -> Result<String, ProbeError> {
        // Literal against literal folds at compile time.
        if let Some(v) = fold(op, value(lhs, cx), value(rhs, cx)) {
            return Ok(if v { "true" } else { "false" }.to_owned());
        }
        let l = self.int_word(lhs, cx)?;
        let r = self.int_word(rhs, cx)?;
        Ok(format!("[ {l} {} {r} ]", test_op(op)))
    }

    /// An integer-valued operand as one sh word. Booleans become 1/0 so `==`/`!=` work on them.
    fn int_word(&mut self, e: &Expr, cx: Cx<'_>) -> Result<String, ProbeError> {
        match &e.kind {
            ExprKind::Call(call) => match call.func {
                Func::Http | Func::HttpCa | Func::HttpMtls => {
                    let url = Self::str_arg(call.args.first(), e.span, cx)?;
                    // CA, certificate and key files: absolute paths, never a silent `-k`.
                    let mut files = String::new();
                    for arg in call.args.iter().skip(1) {
                        let w = Self::str_arg(Some(arg), e.span, cx)?;
                        if let Word::Lit(path) = &w
                            && !path.starts_with('/')
                        {
                            return Err(ProbeError::new(
                                arg.span,
                                format!(
                                    "`{}` takes absolute paths to its PEM files",
                                    call.func.name()
                                ),
                            ));
                        }
                        files.push(' ');
                        files.push_str(&w.render());
                    }
                    self.helpers.insert(Helper::Http);
                    Ok(format!(
                        "\"$(skillc_http {} {}{files})\"",
                        url.render(),
                        cx.timeout
                    ))
                }
                Func::LastExit | Func::Runs => {
                    let (domain, label) = self.service_arg(call.args.first(), e.span, cx)?;
                    let (helper, f) = if call.func == Func::Runs {
                        (Helper::Runs, "skillc_runs")
                    } else {
                        (Helper::LastExit, "skillc_last_exit")
                    };
                    self.helpers.insert(helper);
                    self.helpers.insert(Helper::LaunchctlField);
                    Ok(format!("\"$({f} {})\"", domain.target_word(label)))
                }
                Func::FreeSpace => {
                    let path = Self::str_arg(call.args.first(), e.span, cx)?;
                    self.helpers.insert(Helper::FreeSpace);
                    Ok(format!("\"$(skillc_free_space {})\"", path.render()))
                }
                _ => self.cond_as_int(e, cx),
            },
            ExprKind::Not(_) | ExprKind::Logic { .. } | ExprKind::Compare { .. } => {
                self.cond_as_int(e, cx)
            }
            ExprKind::Param(_) if cx.params.is_none() => self.cond_as_int(e, cx),
            _ => match value(e, cx) {
                Some(Value::Int(n)) => Ok(n.to_string()),
                Some(Value::Bool(b)) => Ok(if b { "1" } else { "0" }.to_owned()),
                _ => Err(ProbeError::new(
                    e.span,
                    "a probe can compare only integers, booleans and literals",
                )),
            },
        }
    }

    fn cond_as_int(&mut self, e: &Expr, cx: Cx<'_>) -> Result<String, ProbeError> {
        let c = self.cond(e, cx)?;
        Ok(format!("\"$(if {c}; then echo 1; else echo 0; fi)\""))
    }

    fn bool_call(&mut self, e: &Expr, call: &Call, cx: Cx<'_>) -> Result<String, ProbeError> {
        let first = call.args.first();
        let arg_span = first.map_or(e.span, |a| a.span);
        match call.func {
            Func::Tcp => {
                let addr = match Self::str_arg(first, e.span, cx)? {
                    Word::Lit(addr) => addr,
                    Word::Var(_) => return Err(ProbeError::new(arg_span, RUNTIME_HERE)),
                };
                let (host, port) = split_addr(&addr).ok_or_else(|| {
                    ProbeError::new(
                        arg_span,
                        format!("`{addr}` is not `host:port` with a port from 1 to 65535"),
                    )
                })?;
                Ok(format!(
                    "nc -z -G {} -- {} {} >/dev/null 2>&1",
                    cx.timeout,
                    quote(host),
                    quote(port)
                ))
            }
            Func::FileExists => {
                let p = Self::str_arg(first, e.span, cx)?.render();
                Ok(format!("{{ [ -e {p} ] && [ ! -d {p} ]; }}"))
            }
            Func::DirExists => Ok(format!(
                "[ -d {} ]",
                Self::str_arg(first, e.span, cx)?.render()
            )),
            Func::Exec => {
                let mut words = Vec::new();
                for a in &call.args {
                    words.push(Self::str_arg(Some(a), e.span, cx)?.render());
                }
                self.helpers.insert(Helper::RunTimeout);
                Ok(format!(
                    "skillc_run_timeout {} {}",
                    cx.timeout,
                    words.join(" ")
                ))
            }
            Func::Bus { provider } => {
                let name = match Self::str_arg(first, e.span, cx)? {
                    Word::Lit(name) => name,
                    Word::Var(_) => {
                        self.runtime_misplaced = true;
                        return Ok("false".to_owned());
                    }
                };
                // A literal name was resolved by lowering; a parameter's compile-time value
                // (a `{service.bus}` default differs per target) is looked up in the bus table
                // lowering built.
                let provider = match first.map(|a| &a.kind) {
                    Some(ExprKind::Str(_)) => provider,
                    _ => self.ir.bus_provider(&name),
                };
                // The job whose `MachServices` registers the name exactly: its endpoint is
                // active once the job has checked in. A bus identity that is not registered
                // (the program never checks in) is as ready as its provider.
                let registrar = self.ir.mach_registrar(&name);
                match (registrar, provider) {
                    (Some(id), _) => {
                        let s = self.ir.service(id);
                        self.helpers.insert(Helper::Endpoint);
                        Ok(format!(
                            "skillc_endpoint_active {} {}",
                            domain(s).target_word(&s.label.value),
                            quote(&name)
                        ))
                    }
                    (None, Some(id)) => self.ready_function(id),
                    (None, None) => Ok(format!(
                        "launchctl print system 2>/dev/null | grep -F -q -e {}",
                        quote(&format!("\"{name}\""))
                    )),
                }
            }
            Func::Ready => {
                let id = Self::service_id(first, e.span, cx)?;
                self.ready_function(id)
            }
            Func::Loaded => {
                let (domain, label) = self.service_arg(first, e.span, cx)?;
                Ok(format!(
                    "launchctl print {} >/dev/null 2>&1",
                    domain.target_word(label)
                ))
            }
            Func::Running => {
                let (domain, label) = self.service_arg(first, e.span, cx)?;
                self.helpers.insert(Helper::Running);
                self.helpers.insert(Helper::LaunchctlField);
                Ok(format!("skillc_running {}", domain.target_word(label)))
            }
            Func::Disabled => {
                let (domain, label) = self.service_arg(first, e.span, cx)?;
                self.helpers.insert(Helper::Disabled);
                Ok(format!(
                    "skillc_disabled {} {}",
                    domain.word(),
                    quote(label)
                ))
            }
            Func::PidAlive => {
                let p = Self::str_arg(first, e.span, cx)?;
                self.helpers.insert(Helper::PidAlive);
                Ok(format!("skillc_pid_alive {}", p.render()))
            }
            Func::PortFree => {
                let port = match first.and_then(|a| value(a, cx)) {
                    Some(Value::Int(n)) if (1..=65535).contains(&n) => n,
                    _ => {
                        return Err(ProbeError::new(
                            arg_span,
                            "`port_free` needs a literal port from 1 to 65535",
                        ));
                    }
                };
                Ok(format!(
                    "{{ ! nc -z -G {} -- 127.0.0.1 {port} >/dev/null 2>&1; }}",
                    cx.timeout
                ))
            }
            Func::LogContains => {
                let path = Self::str_arg(first, e.span, cx)?;
                let text = Self::str_arg(call.args.get(1), e.span, cx)?;
                if let Word::Lit(t) = &text
                    && (t.contains('\n') || t.is_empty())
                {
                    return Err(ProbeError::new(
                        call.args.get(1).map_or(e.span, |a| a.span),
                        "`log_contains` text must be non-empty and on one line (grep reads a newline as a second pattern)",
                    ));
                }
                Ok(format!(
                    "grep -F -q -e {} -- {} 2>/dev/null",
                    text.render(),
                    path.render()
                ))
            }
            Func::Http
            | Func::HttpCa
            | Func::HttpMtls
            | Func::LastExit
            | Func::Runs
            | Func::FreeSpace => Err(ProbeError::new(
                e.span,
                format!(
                    "`{}` is an integer; compare it, e.g. `== 200`",
                    call.func.name()
                ),
            )),
        }
    }

    /// A string operand: a literal (quoted when rendered) or a run-time parameter's variable.
    fn str_arg(arg: Option<&Expr>, span: Span, cx: Cx<'_>) -> Result<Word, ProbeError> {
        let span = arg.map_or(span, |a| a.span);
        if let Some((var, _)) = arg.and_then(|a| runtime_var(a, cx)) {
            return Ok(Word::Var(var.to_owned()));
        }
        match arg.and_then(|a| value(a, cx)) {
            Some(Value::Str(s)) if is_representable(s) => Ok(Word::Lit(s.to_owned())),
            Some(Value::Str(_)) => Err(ProbeError::new(
                span,
                "the string holds a NUL character, which no command argument can carry",
            )),
            _ => Err(ProbeError::new(
                span,
                "a probe argument must be a string literal",
            )),
        }
    }

    fn service_id(arg: Option<&Expr>, span: Span, cx: Cx<'_>) -> Result<ServiceId, ProbeError> {
        let span = arg.map_or(span, |a| a.span);
        match arg.map(|a| &a.kind) {
            Some(ExprKind::Service(r)) => Ok(match r.target {
                Target::Applied => cx.subject,
                Target::Service(id) => id,
            }),
            Some(ExprKind::Param(p)) if cx.params.is_some() => match param(p, cx)? {
                ParamValue::Var { .. } => Err(ProbeError::new(span, RUNTIME_HERE)),
                // Lowering resolves only references written in the expression.
                ParamValue::Lit(l) => Err(ProbeError::new(
                    span,
                    format!(
                        "`{}` does not name a known service",
                        match l {
                            Literal::Str(s) => s.as_str(),
                            _ => "",
                        }
                    ),
                )),
            },
            _ => Err(ProbeError::new(
                span,
                "expected `service` or a service reference string",
            )),
        }
    }

    fn service_arg(
        &self,
        arg: Option<&Expr>,
        span: Span,
        cx: Cx<'_>,
    ) -> Result<(Domain<'a>, &'a str), ProbeError> {
        let id = Self::service_id(arg, span, cx)?;
        let ir = self.ir;
        let s = ir
            .services
            .get(id.index())
            .ok_or_else(|| ProbeError::new(span, "unknown service"))?;
        Ok((domain(s), s.label.value.as_str()))
    }
}

/// The value of parameter `p`.
fn param<'p>(p: &ParamRef, cx: Cx<'p>) -> Result<&'p ParamValue, ProbeError> {
    cx.params
        .and_then(|ps| ps.get(p.index))
        .ok_or_else(|| ProbeError::new(Span::default(), format!("`{}` names no parameter", p.name)))
}

/// A literal, or a parameter with a compile-time value.
fn value<'e>(e: &'e Expr, cx: Cx<'e>) -> Option<Value<'e>> {
    let lit = match &e.kind {
        ExprKind::Bool(b) => return Some(Value::Bool(*b)),
        ExprKind::Int(n) => return Some(Value::Int(*n)),
        ExprKind::Str(s) => return Some(Value::Str(s)),
        ExprKind::Duration(d) => return Some(Value::Duration(*d)),
        ExprKind::Param(p) => match param(p, cx).ok()? {
            ParamValue::Lit(l) => l,
            ParamValue::Var { .. } => return None,
        },
        _ => return None,
    };
    Some(match lit {
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Int(n) => Value::Int(*n),
        Literal::Str(s) => Value::Str(s),
        Literal::Duration(d) => Value::Duration(*d),
    })
}

/// The variable of a run-time parameter.
fn runtime_var<'p>(e: &Expr, cx: Cx<'p>) -> Option<(&'p str, bool)> {
    let ExprKind::Param(p) = &e.kind else {
        return None;
    };
    match param(p, cx).ok()? {
        ParamValue::Var { var, int } => Some((var.as_str(), *int)),
        ParamValue::Lit(_) => None,
    }
}

/// Whether the tree reads a run-time parameter.
fn has_runtime(e: &Expr, cx: Cx<'_>) -> bool {
    match &e.kind {
        ExprKind::Param(_) => runtime_var(e, cx).is_some(),
        ExprKind::Not(inner) => has_runtime(inner, cx),
        ExprKind::Logic { lhs, rhs, .. } | ExprKind::Compare { lhs, rhs, .. } => {
            has_runtime(lhs, cx) || has_runtime(rhs, cx)
        }
        ExprKind::Call(c) => c.args.iter().any(|a| has_runtime(a, cx)),
        ExprKind::Bool(_)
        | ExprKind::Int(_)
        | ExprKind::Str(_)
        | ExprKind::Duration(_)
        | ExprKind::Service(_) => false,
    }
}

fn group(e: &Expr, c: String) -> String {
    match e.kind {
        ExprKind::Logic { .. } | ExprKind::Not(_) => format!("{{ {c}; }}"),
        _ => c,
    }
}

fn logic_op(op: LogicOp) -> &'static str {
    match op {
        LogicOp::And => "&&",
        LogicOp::Or => "||",
    }
}

fn test_op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "-eq",
        CmpOp::Ne => "-ne",
        CmpOp::Lt => "-lt",
        CmpOp::Le => "-le",
        CmpOp::Gt => "-gt",
        CmpOp::Ge => "-ge",
    }
}

/// Compares two literals of the same kind at compile time.
fn fold(op: CmpOp, lhs: Option<Value<'_>>, rhs: Option<Value<'_>>) -> Option<bool> {
    let ord = match (lhs?, rhs?) {
        (Value::Int(a), Value::Int(b)) => a.cmp(&b),
        (Value::Str(a), Value::Str(b)) => a.cmp(b),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(&b),
        (Value::Duration(a), Value::Duration(b)) => a.cmp(&b),
        _ => return None,
    };
    Some(match op {
        CmpOp::Eq => ord.is_eq(),
        CmpOp::Ne => ord.is_ne(),
        CmpOp::Lt => ord.is_lt(),
        CmpOp::Le => ord.is_le(),
        CmpOp::Gt => ord.is_gt(),
        CmpOp::Ge => ord.is_ge(),
    })
}

/// Splits `host:port` (IPv6 as `[::1]:80`); the port must be 1–65535 and the host non-empty.
fn split_addr(addr: &str) -> Option<(&str, &str)> {
    let (host, port) = addr.rsplit_once(':')?;
    let host = match host.strip_prefix('[') {
        Some(h) => h.strip_suffix(']')?,
        None => host,
    };
    let ok_port = !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
    (ok_port && !host.is_empty()).then_some((host, port))
}

fn helper_def(h: Helper) -> &'static str {
    match h {
        Helper::LaunchctlField => {
            r#"# skillc_lc_field TARGET KEY: the value of the top-level `KEY = value` line of
# `launchctl print TARGET` (nested blocks skipped, any indentation); nothing when absent.
skillc_lc_field() {
	launchctl print "$1" 2>/dev/null | SKILLC_KEY=$2 awk '
		/= [{][ \t]*$/ { depth++; next }
		/^[ \t]*[}][ \t]*$/ { depth--; next }
		depth == 1 {
			line = $0
			sub(/^[ \t]+/, "", line)
			prefix = ENVIRON["SKILLC_KEY"] " = "
			if (substr(line, 1, length(prefix)) == prefix) {
				print substr(line, length(prefix) + 1)
				exit
			}
		}'
}
"#
        }
        Helper::Running => {
            r#"# skillc_running TARGET: launchd reports a pid (only a pid proves the job is up).
skillc_running() {
	[ -n "$(skillc_lc_field "$1" pid)" ]
}
"#
        }
        Helper::LastExit => {
            r#"# skillc_last_exit TARGET: the number of `last exit code = N[: NAME]`; -1 when unknown.
skillc_last_exit() {
	skillc_v=$(skillc_lc_field "$1" 'last exit code')
	skillc_v=${skillc_v%%:*}
	case $skillc_v in
		'' | - | *[!0-9-]* | ?*-*) echo -1 ;;
		*) echo "$skillc_v" ;;
	esac
}
"#
        }
        Helper::Runs => {
            r#"# skillc_runs TARGET: launchd's `runs = N`; -1 when unknown (not loaded).
skillc_runs() {
	skillc_v=$(skillc_lc_field "$1" runs)
	case $skillc_v in
		'' | *[!0-9]*) echo -1 ;;
		*) echo "$skillc_v" ;;
	esac
}
"#
        }
        Helper::Endpoint => {
            r#"# skillc_endpoint_active TARGET NAME: the job's Mach endpoint "NAME" is listed with
# `active = 1` (the job checked in for its bus name).
skillc_endpoint_active() {
	launchctl print "$1" 2>/dev/null | SKILLC_NAME=$2 awk '
		BEGIN { want = "\"" ENVIRON["SKILLC_NAME"] "\" = {"; inside = 0; found = 0 }
		{ line = $0; sub(/^[ \t]+/, "", line); sub(/[ \t]+$/, "", line) }
		inside == 0 && line == want { inside = 1; next }
		inside == 1 && line == "}" { inside = 0; next }
		inside == 1 && line == "active = 1" { found = 1 }
		END { exit (found ? 0 : 1) }'
}
"#
        }
        Helper::Disabled => {
            r#"# skillc_disabled DOMAIN LABEL: `launchctl print-disabled DOMAIN` lists the label as
# `=> true` (macOS 12 and older) or `=> disabled` (13 and later).
skillc_disabled() {
	launchctl print-disabled "$1" 2>/dev/null | SKILLC_LABEL=$2 awk '
		BEGIN { want = "\"" ENVIRON["SKILLC_LABEL"] "\""; found = 0 }
		$1 == want && $2 == "=>" && ($3 == "true" || $3 == "disabled") { found = 1 }
		END { exit (found ? 0 : 1) }'
}
"#
        }
        Helper::Http => {
            r#"# skillc_http URL SECONDS [CA_FILE [CERT_FILE KEY_FILE]]: the HTTP status of a GET, 0 when
# unreachable; with CA_FILE, the server's certificate is verified against that PEM bundle instead
# of the default one; with CERT_FILE and KEY_FILE a client certificate is presented. TLS is always
# verified (never -k).
skillc_http() {
	case $# in
	2) skillc_v=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$2" --url "$1" 2>/dev/null) || skillc_v=0 ;;
	3) skillc_v=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$2" --cacert "$3" --url "$1" 2>/dev/null) || skillc_v=0 ;;
	*) skillc_v=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$2" --cacert "$3" --cert "$4" --key "$5" --url "$1" 2>/dev/null) || skillc_v=0 ;;
	esac
	case $skillc_v in
		'' | *[!0-9]*) skillc_v=0 ;;
	esac
	skillc_v=${skillc_v#"${skillc_v%%[!0]*}"}
	echo "${skillc_v:-0}"
}
"#
        }
        Helper::RunTimeout => {
            r#"# skillc_run_timeout SECONDS ARGV...: run ARGV (output discarded); TERM it after SECONDS, KILL
# it 2 seconds later if it is still there (a probe that ignores TERM). macOS ships no timeout(1),
# so a background watchdog does it; the watchdog's own sleep ends with it.
skillc_run_timeout() {
	skillc_t=$1
	shift
	"$@" >/dev/null 2>&1 </dev/null &
	skillc_p=$!
	(
		sleep "$skillc_t" &
		skillc_s=$!
		trap 'kill "$skillc_s" 2>/dev/null; exit 0' TERM
		wait "$skillc_s"
		kill -TERM "$skillc_p" 2>/dev/null || exit 0
		sleep 2 &
		skillc_s=$!
		wait "$skillc_s"
		kill -KILL "$skillc_p" 2>/dev/null
	) >/dev/null 2>&1 </dev/null &
	skillc_w=$!
	# dash and busybox sh print "Terminated" to the wait's stderr when a signal ended the job.
	wait "$skillc_p" 2>/dev/null
	skillc_rc=$?
	kill -TERM "$skillc_w" 2>/dev/null
	wait "$skillc_w" 2>/dev/null
	return "$skillc_rc"
}
"#
        }
        Helper::PidAlive => {
            r#"# skillc_pid_alive FILE: FILE holds a PID (digits only) of a live process.
skillc_pid_alive() {
	skillc_v=$(tr -d ' \t\r\n' 2>/dev/null <"$1") || return 1
	case $skillc_v in
		'' | *[!0-9]*) return 1 ;;
	esac
	kill -0 "$skillc_v" 2>/dev/null
}
"#
        }
        Helper::FreeSpace => {
            r#"# skillc_free_space PATH: percent free on the volume holding PATH (df -P); -1 on failure.
skillc_free_space() {
	skillc_v=$(df -P -- "$1" 2>/dev/null | awk 'NR == 2 {
		for (i = 1; i <= NF; i++) if ($i ~ /^[0-9]+%$/) { sub(/%$/, "", $i); print 100 - $i; exit }
	}')
	case $skillc_v in
		'' | *[!0-9]*) echo -1 ;;
		*) echo "$skillc_v" ;;
	esac
}
"#
        }
    }
}
