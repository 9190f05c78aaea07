//! Readiness expressions → POSIX sh conditions, using only tools macOS ships.
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
//! | `file_exists(p)` | `[ -e p ] && [ ! -d p ]` (sockets and FIFOs count as files) |
//! | `dir_exists(p)` | `[ -d p ]` |
//! | `exec(argv...)` | the command, output discarded, killed (TERM) after the probe timeout |
//! | `bus(name)` | the provider's `launchctl print` shows the endpoint `"name"` with `active = 1`; for a name no known service provides, `launchctl print system` mentions `"name"` |
//! | `ready(svc)` | `svc`'s own probe, inlined as a function (`running(svc)` without a probe, or where the probe reaches itself) |
//! | `loaded(svc)` | `launchctl print <domain>/<label>` succeeds |
//! | `running(svc)` | that output has a top-level `pid = N` line |
//! | `disabled(svc)` | `launchctl print-disabled <domain>` lists `"label" => true` (macOS ≤ 12) or `=> disabled` (13+) |
//! | `last_exit(svc)` / `runs(svc)` | the top-level `last exit code` / `runs` value; -1 when unknown (`(never exited)`, not loaded) |
//! | `pid_alive(f)` | `kill -0 "$(cat f)"` (digits only; a live PID of another user reads as dead for non-root) |
//! | `port_free(n)` | `! nc -z -G <timeout> -- 127.0.0.1 n` (loopback only) |
//! | `free_space(p)` | `100 - capacity%` of `df -P -- p`; -1 on failure |
//! | `log_contains(f, t)` | `grep -F -q -e t -- f` |
//!
//! `launchctl print` is not an API; fields are read defensively: only top-level `key = value`
//! lines count (nested `{ }` blocks are skipped, whatever the indentation), and a missing field
//! is "unknown", never 0.

use crate::quote;
use skillc_diagnostics::Span;
use skillc_expr::{CmpOp, Expr, ExprKind, LogicOp};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// The launchd domain a service lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Domain {
    /// `system/` (LaunchDaemons).
    System,
    /// `gui/<uid>/` of the user running the script (LaunchAgents).
    Gui,
}

impl Domain {
    /// The domain target as one sh word (`'system'`, `"gui/$(id -u)"`).
    pub fn word(self) -> String {
        match self {
            Domain::System => "'system'".to_owned(),
            Domain::Gui => "\"gui/$(id -u)\"".to_owned(),
        }
    }

    /// The service target `<domain>/<label>` as one sh word.
    pub fn target_word(self, label: &str) -> String {
        match self {
            Domain::System => quote(&format!("system/{label}")),
            Domain::Gui => format!("\"gui/$(id -u)/\"{}", quote(label)),
        }
    }
}

/// A service's readiness probe.
#[derive(Debug, Clone)]
pub struct Probe {
    pub expr: Expr,
    /// Per-attempt timeout in whole seconds (at least 1).
    pub timeout_secs: u64,
}

/// What the compiler needs to know about a service.
#[derive(Debug, Clone)]
pub struct Target {
    /// launchd Label.
    pub label: String,
    pub domain: Domain,
    /// `family/id`, for comments and messages.
    pub name: String,
    pub readiness: Option<Probe>,
}

/// Resolves services for the compiler. Services are named by opaque indices.
pub trait Resolver {
    /// The service with index `id`.
    fn target(&self, id: usize) -> Option<Target>;
    /// A service reference string (`"bus"`, `"family/bus"`, `"bus:org.x"`) written in a probe of
    /// service `from`.
    fn resolve(&self, from: usize, reference: &str) -> Option<usize>;
    /// The service whose bus name is `name` (case-insensitive).
    fn bus_provider(&self, name: &str) -> Option<usize>;
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
pub struct ProbeCompiler<'r> {
    resolver: &'r dyn Resolver,
    helpers: BTreeSet<Helper>,
    /// Service index → function name.
    ready_names: BTreeMap<usize, String>,
    /// Function name → full definition text.
    ready_defs: BTreeMap<String, String>,
    /// The values of `ready_names`, for `fresh_name` (one compiler may serve every service).
    used_names: BTreeSet<String>,
    in_progress: Vec<usize>,
}

impl std::fmt::Debug for ProbeCompiler<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProbeCompiler")
            .field("helpers", &self.helpers)
            .field("ready_names", &self.ready_names)
            .finish_non_exhaustive()
    }
}

/// Makes text safe to put after `#` in a script: control characters (a newline would end the
/// comment and start code) become `\xNN`.
pub fn comment_text(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        if ch.is_control() {
            let _ = write!(out, "\\x{:02x}", u32::from(ch));
        } else {
            out.push(ch);
        }
    }
    out
}

impl<'r> ProbeCompiler<'r> {
    pub fn new(resolver: &'r dyn Resolver) -> Self {
        Self {
            resolver,
            helpers: BTreeSet::new(),
            ready_names: BTreeMap::new(),
            ready_defs: BTreeMap::new(),
            used_names: BTreeSet::new(),
            in_progress: Vec::new(),
        }
    }

    /// Compiles a boolean expression evaluated for service `subject` (what `service` means) with
    /// a per-call timeout of `timeout_secs`.
    pub fn condition(
        &mut self,
        expr: &Expr,
        subject: usize,
        timeout_secs: u64,
    ) -> Result<String, ProbeError> {
        let cx = Cx {
            subject,
            timeout: timeout_secs.max(1),
        };
        self.cond(expr, cx)
    }

    /// An sh command that succeeds when service `id` is ready: a call of a function holding its
    /// own probe (`running` when it has none), defined on first use. Inside that probe, a
    /// `ready(...)` that leads back to `id` reads as `running(id)`.
    pub fn ready_function(&mut self, id: usize) -> Result<String, ProbeError> {
        if self.in_progress.contains(&id) {
            // A probe that reaches itself through `ready(...)` cannot wait for itself: the inner
            // `ready` reads as `running`, as for a service without a probe.
            let t = self
                .resolver
                .target(id)
                .ok_or_else(|| ProbeError::new(Span::default(), "unknown service"))?;
            self.helpers.insert(Helper::Running);
            self.helpers.insert(Helper::LaunchctlField);
            return Ok(format!("skillc_running {}", t.domain.target_word(&t.label)));
        }
        if let Some(name) = self.ready_names.get(&id) {
            return Ok(name.clone());
        }
        let target = self
            .resolver
            .target(id)
            .ok_or_else(|| ProbeError::new(Span::default(), "unknown service"))?;
        let name = self.fresh_name(&target.label);
        self.used_names.insert(name.clone());
        self.ready_names.insert(id, name.clone());
        self.in_progress.push(id);
        let body = if let Some(probe) = &target.readiness {
            self.condition(&probe.expr, id, probe.timeout_secs)
        } else {
            self.helpers.insert(Helper::Running);
            self.helpers.insert(Helper::LaunchctlField);
            Ok(format!(
                "skillc_running {}",
                target.domain.target_word(&target.label)
            ))
        };
        self.in_progress.pop();
        let body = body?;
        let what = match &target.readiness {
            Some(p) => p.expr.to_string(),
            None => "no readiness probe: running(service)".to_owned(),
        };
        let def = format!(
            "# ready: {} ({}): {}\n{name}() {{\n\t{body}\n}}\n",
            comment_text(&target.name),
            comment_text(&target.label),
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

    fn cond(&mut self, e: &Expr, cx: Cx) -> Result<String, ProbeError> {
        match &e.kind {
            ExprKind::Bool(true) => Ok("true".to_owned()),
            ExprKind::Bool(false) => Ok("false".to_owned()),
            ExprKind::Not(inner) => {
                let c = self.grouped(inner, cx)?;
                Ok(format!("! {c}"))
            }
            ExprKind::Logic { op, lhs, rhs, .. } => {
                let l = self.grouped(lhs, cx)?;
                let r = self.grouped(rhs, cx)?;
                let op = match op {
                    LogicOp::And => "&&",
                    LogicOp::Or => "||",
                };
                Ok(format!("{l} {op} {r}"))
            }
            ExprKind::Compare { op, lhs, rhs, .. } => self.compare(*op, lhs, rhs, cx),
            ExprKind::Call(call) => self.bool_call(e, call, cx),
            _ => Err(ProbeError::new(
                e.span,
                "this expression is not a condition a probe can evaluate",
            )),
        }
    }

    /// An operand of `&&`, `||` or `!`: lists and negations go in `{ ...; }`, because sh gives
    /// `&&` and `||` equal precedence and allows one `!` per pipeline; simple commands and
    /// brace groups stay as they are.
    fn grouped(&mut self, e: &Expr, cx: Cx) -> Result<String, ProbeError> {
        let c = self.cond(e, cx)?;
        Ok(match e.kind {
            ExprKind::Logic { .. } | ExprKind::Not(_) => format!("{{ {c}; }}"),
            _ => c,
        })
    }

    fn compare(&mut self, op: CmpOp, lhs: &Expr, rhs: &Expr, cx: Cx) -> Result<String, ProbeError> {
        // Literal against literal folds at compile time.
        if let Some(v) = fold(op, lhs, rhs) {
            return Ok(if v { "true" } else { "false" }.to_owned());
        }
        let l = self.int_word(lhs, cx)?;
        let r = self.int_word(rhs, cx)?;
        let test = match op {
            CmpOp::Eq => "-eq",
            CmpOp::Ne => "-ne",
            CmpOp::Lt => "-lt",
            CmpOp::Le => "-le",
            CmpOp::Gt => "-gt",
            CmpOp::Ge => "-ge",
        };
        Ok(format!("[ {l} {test} {r} ]"))
    }

    /// An integer-valued operand as one sh word. Booleans become 1/0 so `==`/`!=` work on them.
    fn int_word(&mut self, e: &Expr, cx: Cx) -> Result<String, ProbeError> {
        match &e.kind {
            ExprKind::Int(n) => Ok(n.to_string()),
            ExprKind::Bool(b) => Ok(if *b { "1" } else { "0" }.to_owned()),
            ExprKind::Call(call) => match call.name.as_str() {
                "http" => {
                    let url = Self::str_arg(call.args.first(), e.span)?;
                    self.helpers.insert(Helper::Http);
                    Ok(format!("\"$(skillc_http {} {})\"", quote(&url), cx.timeout))
                }
                "last_exit" | "runs" => {
                    let t = self.service_arg(call.args.first(), e.span, cx)?;
                    let (helper, f) = if call.name == "runs" {
                        (Helper::Runs, "skillc_runs")
                    } else {
                        (Helper::LastExit, "skillc_last_exit")
                    };
                    self.helpers.insert(helper);
                    self.helpers.insert(Helper::LaunchctlField);
                    Ok(format!("\"$({f} {})\"", t.domain.target_word(&t.label)))
                }
                "free_space" => {
                    let path = Self::str_arg(call.args.first(), e.span)?;
                    self.helpers.insert(Helper::FreeSpace);
                    Ok(format!("\"$(skillc_free_space {})\"", quote(&path)))
                }
                _ => {
                    let c = self.cond(e, cx)?;
                    Ok(format!("\"$(if {c}; then echo 1; else echo 0; fi)\""))
                }
            },
            ExprKind::Not(_) | ExprKind::Logic { .. } | ExprKind::Compare { .. } => {
                let c = self.cond(e, cx)?;
                Ok(format!("\"$(if {c}; then echo 1; else echo 0; fi)\""))
            }
            _ => Err(ProbeError::new(
                e.span,
                "a probe can compare only integers, booleans and literals",
            )),
        }
    }

    fn bool_call(
        &mut self,
        e: &Expr,
        call: &skillc_expr::Call,
        cx: Cx,
    ) -> Result<String, ProbeError> {
        let first = call.args.first();
        match call.name.as_str() {
            "tcp" => {
                let addr = Self::str_arg(first, e.span)?;
                let (host, port) = split_addr(&addr).ok_or_else(|| {
                    ProbeError::new(
                        first.map_or(e.span, |a| a.span),
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
            "file_exists" => {
                let p = quote(&Self::str_arg(first, e.span)?);
                Ok(format!("{{ [ -e {p} ] && [ ! -d {p} ]; }}"))
            }
            "dir_exists" => Ok(format!("[ -d {} ]", quote(&Self::str_arg(first, e.span)?))),
            "exec" => {
                let mut words = Vec::new();
                for a in &call.args {
                    words.push(quote(&Self::str_arg(Some(a), e.span)?));
                }
                self.helpers.insert(Helper::RunTimeout);
                Ok(format!(
                    "skillc_run_timeout {} {}",
                    cx.timeout,
                    words.join(" ")
                ))
            }
            "bus" => {
                let name = Self::str_arg(first, e.span)?;
                match self
                    .resolver
                    .bus_provider(&name)
                    .and_then(|id| self.resolver.target(id))
                {
                    Some(t) => {
                        self.helpers.insert(Helper::Endpoint);
                        Ok(format!(
                            "skillc_endpoint_active {} {}",
                            t.domain.target_word(&t.label),
                            quote(&name)
                        ))
                    }
                    None => Ok(format!(
                        "launchctl print system 2>/dev/null | grep -F -q -e {}",
                        quote(&format!("\"{name}\""))
                    )),
                }
            }
            "ready" => {
                let id = self.service_id(first, e.span, cx)?;
                self.ready_function(id)
            }
            "loaded" => {
                let t = self.service_arg(first, e.span, cx)?;
                Ok(format!(
                    "launchctl print {} >/dev/null 2>&1",
                    t.domain.target_word(&t.label)
                ))
            }
            "running" => {
                let t = self.service_arg(first, e.span, cx)?;
                self.helpers.insert(Helper::Running);
                self.helpers.insert(Helper::LaunchctlField);
                Ok(format!("skillc_running {}", t.domain.target_word(&t.label)))
            }
            "disabled" => {
                let t = self.service_arg(first, e.span, cx)?;
                self.helpers.insert(Helper::Disabled);
                Ok(format!(
                    "skillc_disabled {} {}",
                    t.domain.word(),
                    quote(&t.label)
                ))
            }
            "pid_alive" => {
                let p = Self::str_arg(first, e.span)?;
                self.helpers.insert(Helper::PidAlive);
                Ok(format!("skillc_pid_alive {}", quote(&p)))
            }
            "port_free" => {
                let port = match first.map(|a| &a.kind) {
                    Some(ExprKind::Int(n)) if (1..=65535).contains(n) => *n,
                    _ => {
                        return Err(ProbeError::new(
                            first.map_or(e.span, |a| a.span),
                            "`port_free` needs a literal port from 1 to 65535",
                        ));
                    }
                };
                Ok(format!(
                    "{{ ! nc -z -G {} -- 127.0.0.1 {port} >/dev/null 2>&1; }}",
                    cx.timeout
                ))
            }
            "log_contains" => {
                let path = Self::str_arg(first, e.span)?;
                let text = Self::str_arg(call.args.get(1), e.span)?;
                if text.contains('\n') || text.is_empty() {
                    return Err(ProbeError::new(
                        call.args.get(1).map_or(e.span, |a| a.span),
                        "`log_contains` text must be non-empty and on one line (grep reads a newline as a second pattern)",
                    ));
                }
                Ok(format!(
                    "grep -F -q -e {} -- {} 2>/dev/null",
                    quote(&text),
                    quote(&path)
                ))
            }
            "http" | "last_exit" | "runs" | "free_space" => Err(ProbeError::new(
                e.span,
                format!("`{}` is an integer; compare it, e.g. `== 200`", call.name),
            )),
            "param" => Err(ProbeError::new(
                e.span,
                "`param(...)` has no value in a readiness probe",
            )),
            other => Err(ProbeError::new(
                call.name_span,
                format!("`{other}` cannot be compiled to a shell probe"),
            )),
        }
    }

    fn str_arg(arg: Option<&Expr>, span: Span) -> Result<String, ProbeError> {
        match arg.map(|a| &a.kind) {
            Some(ExprKind::Str(s)) if crate::is_representable(s) => Ok(s.clone()),
            Some(ExprKind::Str(_)) => Err(ProbeError::new(
                arg.map_or(span, |a| a.span),
                "the string holds a NUL character, which no command argument can carry",
            )),
            _ => Err(ProbeError::new(
                arg.map_or(span, |a| a.span),
                "a probe argument must be a string literal",
            )),
        }
    }

    fn service_id(&self, arg: Option<&Expr>, span: Span, cx: Cx) -> Result<usize, ProbeError> {
        let span = arg.map_or(span, |a| a.span);
        match arg.map(|a| &a.kind) {
            Some(ExprKind::Service) => Ok(cx.subject),
            Some(ExprKind::Str(s)) => self.resolver.resolve(cx.subject, s).ok_or_else(|| {
                ProbeError::new(span, format!("`{s}` does not name a known service"))
            }),
            _ => Err(ProbeError::new(
                span,
                "expected `service` or a service reference string",
            )),
        }
    }

    fn service_arg(&self, arg: Option<&Expr>, span: Span, cx: Cx) -> Result<Target, ProbeError> {
        let id = self.service_id(arg, span, cx)?;
        self.resolver
            .target(id)
            .ok_or_else(|| ProbeError::new(span, "unknown service"))
    }
}

#[derive(Debug, Clone, Copy)]
struct Cx {
    subject: usize,
    timeout: u64,
}

/// Compares two literals of the same kind at compile time.
fn fold(op: CmpOp, lhs: &Expr, rhs: &Expr) -> Option<bool> {
    use std::cmp::Ordering;
    let ord: Ordering = match (&lhs.kind, &rhs.kind) {
        (ExprKind::Int(a), ExprKind::Int(b)) => a.cmp(b),
        (ExprKind::Str(a), ExprKind::Str(b)) => a.cmp(b),
        (ExprKind::Bool(a), ExprKind::Bool(b)) => a.cmp(b),
        (ExprKind::Duration(a), ExprKind::Duration(b)) => a.cmp(b),
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
pub fn split_addr(addr: &str) -> Option<(&str, &str)> {
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
            r#"# skillc_http URL SECONDS: the HTTP status of a GET, 0 when unreachable.
skillc_http() {
	skillc_v=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$2" --url "$1" 2>/dev/null) || skillc_v=0
	case $skillc_v in
		'' | *[!0-9]*) skillc_v=0 ;;
	esac
	skillc_v=${skillc_v#"${skillc_v%%[!0]*}"}
	echo "${skillc_v:-0}"
}
"#
        }
        Helper::RunTimeout => {
            r#"# skillc_run_timeout SECONDS ARGV...: run ARGV (output discarded); TERM it after SECONDS.
# macOS ships no timeout(1), so a background watchdog does it.
skillc_run_timeout() {
	skillc_t=$1
	shift
	"$@" >/dev/null 2>&1 </dev/null &
	skillc_p=$!
	(sleep "$skillc_t"; kill -TERM "$skillc_p" 2>/dev/null) >/dev/null 2>&1 </dev/null &
	skillc_w=$!
	wait "$skillc_p"
	skillc_rc=$?
	kill "$skillc_w" 2>/dev/null
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
