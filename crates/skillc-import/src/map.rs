//! One launchd job (a plist dictionary) → the `run:` map of a service, key by key, with every
//! change recorded.

use crate::Scope;
use crate::change::{Change, ChangeKind};
use crate::keys::{self, canonical};
use crate::yaml::{Entry, Node};
use plist::{Dictionary, Value};

/// The result of mapping one job.
#[derive(Debug)]
pub(crate) struct Mapped {
    pub(crate) label: String,
    pub(crate) run: Vec<Entry>,
    pub(crate) changes: Vec<Change>,
    /// Comments for keys that could not be mapped, shown above `run:`.
    pub(crate) not_imported: Vec<String>,
    /// The job as read, keys in launchd's spelling (the first of two spellings kept): what the
    /// round trip compares with.
    pub(crate) original: Dictionary,
}

/// Why a job cannot be imported at all.
pub(crate) type Refusal = String;

struct Mapper {
    dict: Dictionary,
    daemon: bool,
    run: Vec<Entry>,
    changes: Vec<Change>,
    not_imported: Vec<String>,
}

/// A short rendering of a plist value for comments.
pub(crate) fn show(v: &Value) -> String {
    let text = match plist_to_json(v) {
        Some(j) => j.to_string(),
        None => match v {
            Value::Data(d) => format!("<data, {} bytes>", d.len()),
            Value::Date(_) => "<date>".to_owned(),
            _ => "<value with no JSON form>".to_owned(),
        },
    };
    if text.chars().count() > 120 {
        let cut: String = text.chars().take(117).collect();
        format!("{cut}...")
    } else {
        text
    }
}

/// A plist value as JSON (what `run.launchd` and `launch_events` hold); `None` for data, dates
/// and UIDs, which have no JSON form.
pub(crate) fn plist_to_json(v: &Value) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match v {
        Value::Boolean(b) => J::Bool(*b),
        Value::Integer(i) => {
            if let Some(n) = i.as_signed() {
                J::from(n)
            } else {
                J::from(i.as_unsigned()?)
            }
        }
        Value::Real(r) => J::from(serde_json::Number::from_f64(*r)?),
        Value::String(s) => J::String(s.clone()),
        Value::Array(a) => J::Array(a.iter().map(plist_to_json).collect::<Option<_>>()?),
        Value::Dictionary(d) => J::Object(
            d.iter()
                .map(|(k, v)| Some((k.clone(), plist_to_json(v)?)))
                .collect::<Option<_>>()?,
        ),
        _ => return None,
    })
}

/// Seconds as a skillc duration, largest unit first: 90 → `1m30s`, 0 → `0s`.
pub(crate) fn duration(secs: u64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut out = String::new();
    for (n, unit) in [(h, "h"), (m, "m"), (s, "s")] {
        if n > 0 {
            out.push_str(&format!("{n}{unit}"));
        }
    }
    out
}

/// A positive count of seconds (the callers checked `n > 0`).
fn secs(n: i128) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn int_of(v: &Value) -> Option<i128> {
    match v {
        Value::Integer(i) => i
            .as_signed()
            .map(i128::from)
            .or_else(|| i.as_unsigned().map(i128::from)),
        _ => None,
    }
}

fn is_absolute(p: &str) -> bool {
    p.starts_with('/')
}

fn strs(v: &Value) -> Option<Vec<String>> {
    match v {
        Value::Array(a) => a.iter().map(|x| x.as_string().map(str::to_owned)).collect(),
        _ => None,
    }
}

impl Mapper {
    fn take(&mut self, key: &str) -> Option<Value> {
        self.dict.remove(key)
    }

    fn put(&mut self, field: &str, node: Node) {
        self.run.push(Entry::new(field, node));
    }

    fn change(&mut self, key: &str, kind: ChangeKind, detail: impl Into<String>) {
        self.changes.push(Change {
            key: key.to_owned(),
            kind,
            detail: detail.into(),
        });
    }

    /// A dictionary or list with nothing in it: omitted, as it means nothing to launchd.
    fn omit_empty(&mut self, key: &str) {
        self.change(
            key,
            ChangeKind::Reshaped,
            "empty, which means nothing to launchd: omitted",
        );
    }

    /// A key (or a part of it) not imported: recorded, and a comment in the YAML.
    fn drop_key(&mut self, key: &str, value: &Value, why: &str) {
        self.not_imported
            .push(format!("{key} = {}: {why}", show(value)));
        self.change(key, ChangeKind::Dropped, why);
    }

    fn bool_field(&mut self, key: &str, field: &str) {
        if let Some(v) = self.take(key) {
            match v.as_boolean() {
                Some(b) => self.put(field, Node::Bool(b)),
                None => self.drop_key(key, &v, "launchd expects a boolean here"),
            }
        }
    }

    fn path_field(&mut self, key: &str, field: &str) {
        if let Some(v) = self.take(key) {
            match v.as_string() {
                Some(p) if is_absolute(p) => self.put(field, Node::Str(p.to_owned())),
                Some(_) => self.drop_key(
                    key,
                    &v,
                    "not an absolute path (launchd does no PATH lookup or `~` expansion here); write the absolute path",
                ),
                None => self.drop_key(key, &v, "launchd expects a string here"),
            }
        }
    }

    fn daemon_only(&mut self, key: &str, v: &Value) -> bool {
        if self.daemon {
            return true;
        }
        self.drop_key(
            key,
            v,
            "honoured only for daemons: an agent runs as the user whose session loads it",
        );
        false
    }
}

/// Maps one job. `daemon`: the scope it is imported into.
pub(crate) fn map_job(mut dict: Dictionary, scope: Scope) -> Result<Mapped, Refusal> {
    let mut renamed = Vec::new();
    let mut normalized = Dictionary::new();
    let mut duplicates = Vec::new();
    for (k, v) in std::mem::take(&mut dict) {
        let key = canonical(&k).map_or_else(|| k.clone(), str::to_owned);
        if normalized.contains_key(&key) {
            duplicates.push((k, v));
            continue;
        }
        if key != k {
            renamed.push((k, key.clone()));
        }
        normalized.insert(key, v);
    }
    let original = normalized.clone();
    let label = match normalized.remove("Label") {
        Some(Value::String(l)) if !l.is_empty() => l,
        Some(_) => return Err("its `Label` is not a non-empty string".into()),
        None => return Err("it has no `Label`: not a launchd job".into()),
    };
    let mut m = Mapper {
        dict: normalized,
        daemon: scope == Scope::Daemon,
        run: Vec::new(),
        changes: Vec::new(),
        not_imported: Vec::new(),
    };
    for (from, to) in renamed {
        m.change(
            &to,
            ChangeKind::Reshaped,
            format!(
                "written as `{to}`: launchd compares keys ignoring case, `{from}` is the same key"
            ),
        );
    }
    for (k, v) in duplicates {
        m.drop_key(
            &k,
            &v,
            "the same key (ignoring case) appears twice; the first one is kept",
        );
    }

    program(&mut m)?;
    environment(&mut m);
    m.path_field("WorkingDirectory", "working_dir");
    m.path_field("RootDirectory", "root_directory");
    for (key, field) in [("UserName", "user"), ("GroupName", "group")] {
        if let Some(v) = m.take(key)
            && m.daemon_only(key, &v)
        {
            match v.as_string() {
                Some(s) if !s.is_empty() => m.put(field, Node::Str(s.to_owned())),
                _ => m.drop_key(key, &v, "launchd expects a non-empty string"),
            }
        }
    }
    if let Some(v) = m.take("InitGroups")
        && m.daemon_only("InitGroups", &v)
    {
        match v.as_boolean() {
            Some(b) => m.put("init_groups", Node::Bool(b)),
            None => m.drop_key("InitGroups", &v, "launchd expects a boolean here"),
        }
    }
    session_types(&mut m);
    let deprecated_keep_alive = deprecated(&mut m);
    let keeps_alive = keep_alive(&mut m, deprecated_keep_alive);
    let scheduled = schedule(&mut m);
    sockets(&mut m);
    if let Some(v) = m.take("inetdCompatibility") {
        match v
            .as_dictionary()
            .and_then(|d| Some((d, d.get("Wait")?.as_boolean()?)))
        {
            Some((d, w)) => {
                m.put(
                    "inetd_compatibility",
                    Node::Map(vec![Entry::new("wait", Node::Bool(w))]),
                );
                for (k, x) in d.iter().filter(|(k, _)| *k != "Wait") {
                    m.not_imported.push(format!(
                        "inetdCompatibility.{k} = {}: launchd.plist(5) documents only `Wait`",
                        show(x)
                    ));
                    m.change(
                        "inetdCompatibility",
                        ChangeKind::Dropped,
                        format!("`{k}` not mapped (launchd.plist(5) documents only `Wait`)"),
                    );
                }
            }
            None => m.drop_key(
                "inetdCompatibility",
                &v,
                "launchd expects a dictionary with a boolean `Wait`",
            ),
        }
    }
    let has_mach = mach_services(&mut m);
    for (key, field) in [
        ("WatchPaths", "watch_paths"),
        ("QueueDirectories", "queue_directories"),
    ] {
        if let Some(v) = m.take(key) {
            match strs(&v) {
                Some(p) if !p.is_empty() && p.iter().all(|p| is_absolute(p)) => {
                    m.put(field, Node::Seq(p.into_iter().map(Node::Str).collect()));
                }
                Some(p) if p.is_empty() => m.drop_key(key, &v, "an empty list watches nothing"),
                _ => m.drop_key(key, &v, "launchd expects a list of absolute paths"),
            }
        }
    }
    m.bool_field("StartOnMount", "start_on_mount");
    launch_events(&mut m);
    for (key, field) in [
        ("LimitLoadToHardware", "limit_load_to_hardware"),
        ("LimitLoadFromHardware", "limit_load_from_hardware"),
    ] {
        if let Some(v) = m.take(key) {
            let entries: Option<Vec<Entry>> = v.as_dictionary().and_then(|d| {
                d.iter()
                    .map(|(k, v)| {
                        Some(Entry::new(
                            k,
                            Node::Seq(strs(v)?.into_iter().map(Node::Str).collect()),
                        ))
                    })
                    .collect()
            });
            match entries {
                Some(e) if !e.is_empty() => m.put(field, Node::Map(e)),
                _ => m.drop_key(
                    key,
                    &v,
                    "launchd expects a dictionary of `hw.*` keys to lists of strings",
                ),
            }
        }
    }
    m.path_field("StandardInPath", "stdin");
    m.path_field("StandardOutPath", "stdout");
    m.path_field("StandardErrorPath", "stderr");
    umask(&mut m);
    for (key, field, allowed) in [
        (
            "ProcessType",
            "process_type",
            keys::PROCESS_TYPES.as_slice(),
        ),
        (
            "POSIXSpawnType",
            "posix_spawn_type",
            keys::POSIX_SPAWN_TYPES.as_slice(),
        ),
    ] {
        if let Some(v) = m.take(key) {
            match v.as_string() {
                Some(s) if allowed.contains(&s) => m.put(field, Node::Str(s.to_owned())),
                _ => m.drop_key(key, &v, &format!("not one of {}", allowed.join(", "))),
            }
        }
    }
    if let Some(v) = m.take("Nice") {
        match int_of(&v) {
            Some(n) if (-20..=19).contains(&n) => m.put("nice", Node::Int(n)),
            _ => m.drop_key("Nice", &v, "nice(3) takes an integer from -20 to 19"),
        }
    }
    for (key, field) in [
        ("SoftResourceLimits", "soft_limits"),
        ("HardResourceLimits", "hard_limits"),
    ] {
        limits(&mut m, key, field);
    }
    for (field, key) in keys::FLAGS {
        if !matches!(key, "InitGroups" | "StartOnMount") {
            m.bool_field(key, field);
        }
    }
    if let Some(v) = m.take("AssociatedBundleIdentifiers") {
        match (&v, strs(&v)) {
            (Value::String(s), _) => m.put("associated_bundle_identifiers", Node::Str(s.clone())),
            (_, Some(ids)) if !ids.is_empty() => m.put(
                "associated_bundle_identifiers",
                Node::Seq(ids.into_iter().map(Node::Str).collect()),
            ),
            _ => m.drop_key(
                "AssociatedBundleIdentifiers",
                &v,
                "launchd expects a string or a non-empty list of strings",
            ),
        }
    }
    if let Some(v) = m.take("BundleProgram") {
        m.drop_key(
            "BundleProgram",
            &v,
            "honoured only for plists registered through SMAppService, which skillc does not install; `program` is used",
        );
    }
    run_at_load(&mut m, keeps_alive, scheduled, has_mach);
    let kept_alive = m
        .run
        .iter()
        .any(|e| e.key == "keep_alive" && e.value != Node::Str("never".into()));
    if kept_alive && !m.run.iter().any(|e| e.key == "throttle") {
        m.change(
            "ThrottleInterval",
            ChangeKind::Default,
            "10 (launchd's default) written out for a job launchd restarts",
        );
    }
    raw(&mut m);

    Ok(Mapped {
        label,
        run: m.run,
        changes: m.changes,
        not_imported: m.not_imported,
        original,
    })
}

fn program(m: &mut Mapper) -> Result<(), Refusal> {
    let program = m.take("Program");
    let argv = m.take("ProgramArguments");
    let program = match program {
        None => None,
        Some(Value::String(p)) => Some(p),
        Some(_) => return Err("its `Program` is not a string".into()),
    };
    let argv: Vec<String> = match argv {
        None => Vec::new(),
        Some(v) => strs(&v).ok_or("its `ProgramArguments` is not a list of strings")?,
    };
    let (path, argv0, args) = match (program, argv.split_first()) {
        (Some(p), Some((first, rest))) => {
            let argv0 = (first != &p).then(|| first.clone());
            if argv0.is_none() {
                m.change(
                    "Program",
                    ChangeKind::Reshaped,
                    "the same path as `ProgramArguments[0]`: written once, as `ProgramArguments[0]`",
                );
            }
            (p, argv0, rest.to_vec())
        }
        (Some(p), None) => {
            m.change(
                "ProgramArguments",
                ChangeKind::Reshaped,
                "`Program` alone written as `ProgramArguments` = [the program]: the same argv",
            );
            m.change(
                "Program",
                ChangeKind::Reshaped,
                "written as `ProgramArguments[0]`",
            );
            (p, None, Vec::new())
        }
        (None, Some((first, rest))) => (first.clone(), None, rest.to_vec()),
        (None, None) => {
            return Err("it has neither `Program` nor `ProgramArguments`: nothing to run".into());
        }
    };
    if !is_absolute(&path) {
        return Err(format!(
            "its program `{path}` is not an absolute path: launchd would look it up in /usr/bin:/bin:/usr/sbin:/sbin at each spawn, and skillc needs the path written out (edit the plist or import it and set `run.program`)"
        ));
    }
    m.put("program", Node::Str(path));
    if let Some(a) = argv0 {
        m.put("argv0", Node::Str(a));
    }
    if !args.is_empty() {
        m.put("args", Node::Seq(args.into_iter().map(Node::Str).collect()));
    }
    Ok(())
}

fn environment(m: &mut Mapper) {
    let mut entries = Vec::new();
    let mut has_path = false;
    if let Some(v) = m.take("EnvironmentVariables") {
        match v.as_dictionary() {
            Some(d) => {
                for (k, val) in d {
                    if let Some(s) = val.as_string() {
                        has_path |= k == "PATH";
                        entries.push(Entry::new(k, Node::Str(s.to_owned())));
                    } else {
                        {
                            m.not_imported.push(format!(
                                "EnvironmentVariables.{k} = {}: launchd takes only string values and ignores this one",
                                show(val)
                            ));
                            m.change(
                                "EnvironmentVariables",
                                ChangeKind::Dropped,
                                format!("`{k}` is not a string (launchd ignores it)"),
                            );
                        }
                    }
                }
            }
            None => m.drop_key(
                "EnvironmentVariables",
                &v,
                "launchd expects a dictionary of strings",
            ),
        }
    }
    if !has_path {
        let what = if m.daemon {
            "launchd's own default `PATH` (/usr/bin:/bin:/usr/sbin:/sbin) written out"
        } else {
            "skillc's agent `PATH` added: the system directories, then /usr/local/bin and /opt/homebrew/bin (launchd's default has only the first four)"
        };
        m.change("EnvironmentVariables", ChangeKind::Default, what);
    }
    if !entries.is_empty() {
        m.put("env", Node::Map(entries));
    }
}

fn session_types(m: &mut Mapper) {
    let Some(v) = m.take("LimitLoadToSessionType") else {
        if !m.daemon {
            m.change(
                "LimitLoadToSessionType",
                ChangeKind::Default,
                "[Aqua] written out: the session an agent loads in by default",
            );
        }
        return;
    };
    let (types, one) = match &v {
        Value::String(s) => (Some(vec![s.clone()]), true),
        other => (strs(other), false),
    };
    let Some(types) = types.filter(|t| !t.is_empty()) else {
        m.drop_key(
            "LimitLoadToSessionType",
            &v,
            "launchd expects a session type or a list of them",
        );
        return;
    };
    if let Some(bad) = types
        .iter()
        .find(|t| !keys::SESSION_TYPES.contains(&t.as_str()))
    {
        m.drop_key(
            "LimitLoadToSessionType",
            &v,
            &format!(
                "`{bad}` is not a session type ({})",
                keys::SESSION_TYPES.join(", ")
            ),
        );
        return;
    }
    if m.daemon && !types.iter().any(|t| t == "System") {
        m.drop_key(
            "LimitLoadToSessionType",
            &v,
            "a daemon loads only in the `System` session; this list would keep it from loading",
        );
        return;
    }
    let node = if one {
        Node::Str(types[0].clone())
    } else {
        Node::Seq(types.into_iter().map(Node::Str).collect())
    };
    m.put("session_types", node);
}

/// Deprecated keys: replaced or removed. Returns `OnDemand`'s keep-alive meaning, when it has one.
fn deprecated(m: &mut Mapper) -> Option<bool> {
    let mut keep_alive = None;
    for (key, _, instead) in keys::DEPRECATED {
        let Some(v) = m.take(key) else { continue };
        if *key == "OnDemand" {
            match v.as_boolean() {
                Some(false) => {
                    keep_alive = Some(true);
                    m.change(
                        key,
                        ChangeKind::Replaced,
                        "`OnDemand` false (a 10.4-era key) replaced by `keep_alive: always` (`KeepAlive` true), what it meant",
                    );
                }
                _ => m.change(
                    key,
                    ChangeKind::Replaced,
                    "`OnDemand` true does nothing today: removed",
                ),
            }
            continue;
        }
        let detail = if *key == "Disabled" && v.as_boolean() == Some(true) {
            "`Disabled` true removed: install.sh runs `launchctl enable`, so the job WILL be enabled; leave the service out of the family, or run `launchctl disable` after installing, to keep it off".to_owned()
        } else {
            format!("no longer honoured by launchd, removed; use {instead}")
        };
        m.not_imported
            .push(format!("{key} = {}: {detail}", show(&v)));
        m.change(key, ChangeKind::Replaced, detail);
    }
    keep_alive
}

/// `KeepAlive`. Returns what the `keep_alive` written implies for `RunAtLoad` by default.
fn keep_alive(m: &mut Mapper, from_on_demand: Option<bool>) -> bool {
    let Some(v) = m.take("KeepAlive") else {
        if from_on_demand == Some(true) {
            m.put("keep_alive", Node::Str("always".into()));
            m.change(
                "KeepAlive",
                ChangeKind::Replaced,
                "true, from `OnDemand` false",
            );
            return true;
        }
        m.put("keep_alive", Node::Str("never".into()));
        return false;
    };
    match &v {
        Value::Boolean(true) => {
            m.put("keep_alive", Node::Str("always".into()));
            true
        }
        Value::Boolean(false) => {
            m.put("keep_alive", Node::Str("never".into()));
            m.change(
                "KeepAlive",
                ChangeKind::Reshaped,
                "false is launchd's default: written as `keep_alive: never`, which emits no key",
            );
            false
        }
        Value::Dictionary(d) => {
            let mut entries = Vec::new();
            let mut successful_exit = None;
            for (k, val) in d {
                match (k.as_str(), val) {
                    ("SuccessfulExit", Value::Boolean(b)) => successful_exit = Some(*b),
                    ("Crashed", Value::Boolean(b)) => {
                        entries.push(Entry::new("crashed", Node::Bool(*b)));
                    }
                    ("AfterInitialDemand", Value::Boolean(b)) => {
                        entries.push(Entry::new("after_initial_demand", Node::Bool(*b)));
                    }
                    ("PathState" | "OtherJobEnabled", Value::Dictionary(sub))
                        if sub.values().all(|x| x.as_boolean().is_some()) && !sub.is_empty() =>
                    {
                        let field = if k == "PathState" {
                            "path_state"
                        } else {
                            "other_job_enabled"
                        };
                        let inner = sub
                            .iter()
                            .map(|(p, b)| {
                                Entry::new(p, Node::Bool(b.as_boolean().unwrap_or(false)))
                            })
                            .collect();
                        entries.push(Entry::new(field, Node::Map(inner)));
                    }
                    ("NetworkState", _) => {
                        m.not_imported.push(format!(
                            "KeepAlive.NetworkState = {}: no longer implemented by launchd; wait for the network inside the job",
                            show(val)
                        ));
                        m.change(
                            "KeepAlive",
                            ChangeKind::Replaced,
                            "`NetworkState` removed: launchd no longer implements it",
                        );
                    }
                    _ => {
                        m.not_imported.push(format!(
                            "KeepAlive.{k} = {}: not a keep-alive condition of launchd.plist(5) with this type",
                            show(val)
                        ));
                        m.change(
                            "KeepAlive",
                            ChangeKind::Dropped,
                            format!("condition `{k}` not mapped"),
                        );
                    }
                }
            }
            if let Some(b) = successful_exit {
                entries.insert(0, Entry::new("successful_exit", Node::Bool(b)));
            }
            if entries.is_empty() {
                m.put("keep_alive", Node::Str("never".into()));
                m.change(
                    "KeepAlive",
                    ChangeKind::Reshaped,
                    "a dictionary with no condition keeps nothing alive: written as `keep_alive: never`",
                );
                false
            } else if entries.len() == 1 && successful_exit == Some(false) {
                m.put("keep_alive", Node::Str("on_failure".into()));
                true
            } else {
                m.put("keep_alive", Node::Map(entries));
                successful_exit.is_some()
            }
        }
        other => {
            m.drop_key(
                "KeepAlive",
                other,
                "launchd expects a boolean or a dictionary of conditions",
            );
            m.put("keep_alive", Node::Str("never".into()));
            false
        }
    }
}

/// `StartInterval` / `StartCalendarInterval`, and `ThrottleInterval`, `ExitTimeOut`. Returns
/// whether a schedule was written.
fn schedule(m: &mut Mapper) -> bool {
    if let Some(v) = m.take("ThrottleInterval") {
        match int_of(&v) {
            Some(n) if n > 0 => m.put("throttle", Node::Verbatim(duration(secs(n)))),
            _ => m.drop_key(
                "ThrottleInterval",
                &v,
                "skillc takes a throttle of at least one second (0 lets a crashing job respawn without pause); launchd's default of 10 s applies",
            ),
        }
    }
    if let Some(v) = m.take("ExitTimeOut") {
        match int_of(&v) {
            Some(n) if n > 0 => m.put("exit_timeout", Node::Verbatim(duration(secs(n)))),
            Some(0) => m.put("exit_timeout", Node::Verbatim("0s".into())),
            _ => m.drop_key("ExitTimeOut", &v, "launchd expects a number of seconds"),
        }
    }
    let interval = m.take("StartInterval");
    let calendar = m.take("StartCalendarInterval");
    let mut written = false;
    if let Some(v) = calendar {
        let (entries, one) = match &v {
            Value::Dictionary(d) => (Some(vec![d.clone()]), true),
            Value::Array(a) => (
                a.iter()
                    .map(|x| x.as_dictionary().cloned())
                    .collect::<Option<Vec<_>>>(),
                false,
            ),
            _ => (None, false),
        };
        match entries
            .filter(|e| !e.is_empty())
            .map(|e| calendar_entries(&e))
        {
            Some(Ok(nodes)) => {
                m.put(
                    "schedule",
                    Node::Map(vec![Entry::new("calendar", Node::Seq(nodes))]),
                );
                if one {
                    m.change(
                        "StartCalendarInterval",
                        ChangeKind::Reshaped,
                        "one dictionary written as a list of one entry (launchd reads both)",
                    );
                }
                written = true;
            }
            Some(Err(why)) => m.drop_key("StartCalendarInterval", &v, &why),
            None => m.drop_key(
                "StartCalendarInterval",
                &v,
                "launchd expects a dictionary or a non-empty list of dictionaries",
            ),
        }
    }
    if let Some(v) = interval {
        match int_of(&v) {
            Some(_) if written => m.drop_key(
                "StartInterval",
                &v,
                "a job has one schedule in skillc and this one also has `StartCalendarInterval`; add a calendar entry instead",
            ),
            Some(n) if n > 0 => {
                m.put(
                    "schedule",
                    Node::Map(vec![Entry::new("every", Node::Verbatim(duration(secs(n))))]),
                );
                written = true;
            }
            _ => m.drop_key("StartInterval", &v, "launchd expects a positive number of seconds"),
        }
    }
    written
}

fn calendar_entries(dicts: &[Dictionary]) -> Result<Vec<Node>, String> {
    let mut out = Vec::new();
    for d in dicts {
        let mut entries = Vec::new();
        for (field, key, range) in [
            ("minute", "Minute", 0..=59),
            ("hour", "Hour", 0..=23),
            ("day", "Day", 1..=31),
            ("weekday", "Weekday", 0..=7),
            ("month", "Month", 1..=12),
        ] {
            if let Some(v) = d.get(key) {
                match int_of(v) {
                    Some(n) if range.contains(&n) => entries.push(Entry::new(field, Node::Int(n))),
                    _ => return Err(format!("`{key}` must be an integer in {range:?}")),
                }
            }
        }
        if let Some(k) = d
            .keys()
            .find(|k| !matches!(k.as_str(), "Minute" | "Hour" | "Day" | "Weekday" | "Month"))
        {
            return Err(format!(
                "`{k}` is not a calendar field (Minute, Hour, Day, Weekday, Month)"
            ));
        }
        out.push(Node::Map(entries));
    }
    Ok(out)
}

fn sockets(m: &mut Mapper) {
    let Some(v) = m.take("Sockets") else { return };
    let Some(d) = v.as_dictionary() else {
        m.drop_key(
            "Sockets",
            &v,
            "launchd expects a dictionary of socket names",
        );
        return;
    };
    let mut groups = Vec::new();
    for (name, val) in d {
        let mut unknown = Vec::new();
        let mut one = |x: &Value| {
            x.as_dictionary()
                .ok_or_else(|| "a socket must be a dictionary".to_owned())
                .and_then(socket)
                .map(|(entries, mut u)| {
                    unknown.append(&mut u);
                    Node::Map(entries)
                })
        };
        let node = match val {
            Value::Dictionary(_) => one(val),
            Value::Array(a) if !a.is_empty() => a
                .iter()
                .map(&mut one)
                .collect::<Result<Vec<_>, _>>()
                .map(Node::Seq),
            _ => Err("launchd expects a dictionary or a list of dictionaries".to_owned()),
        };
        for (kind, u) in unknown {
            if kind == ChangeKind::Dropped {
                m.not_imported.push(format!("Sockets.{name}: {u}"));
            }
            m.change("Sockets", kind, format!("socket `{name}`: {u}"));
        }
        match node {
            Ok(n) => groups.push(Entry::new(name, n)),
            Err(why) => {
                m.not_imported
                    .push(format!("Sockets.{name} = {}: {why}", show(val)));
                m.change(
                    "Sockets",
                    ChangeKind::Dropped,
                    format!("socket `{name}`: {why}"),
                );
            }
        }
    }
    if !groups.is_empty() {
        m.put("sockets", Node::Map(groups));
    } else if d.is_empty() {
        m.omit_empty("Sockets");
    }
}

/// One socket's fields, and what changed in it: keys that are not socket keys of
/// launchd.plist(5) (dropped), values written in another form (reshaped).
type SocketChanges = Vec<(ChangeKind, String)>;

fn socket(d: &Dictionary) -> Result<(Vec<Entry>, SocketChanges), String> {
    let mut out = Vec::new();
    let mut unknown = Vec::new();
    for (k, v) in d {
        let bad = || format!("`{k}` = {} has the wrong type", show(v));
        let entry = match k.as_str() {
            "SockType" => match v.as_string().map(str::to_ascii_lowercase) {
                Some(t) if matches!(t.as_str(), "stream" | "dgram" | "seqpacket") => {
                    if v.as_string() != Some(t.as_str()) {
                        unknown.push((
                            ChangeKind::Reshaped,
                            format!(
                                "`SockType` = {} written `{t}` (launchd ignores the case)",
                                show(v)
                            ),
                        ));
                    }
                    Entry::new("type", Node::Str(t))
                }
                _ => return Err(bad()),
            },
            "SockPassive" => Entry::new("passive", Node::Bool(v.as_boolean().ok_or_else(bad)?)),
            "SockNodeName" => Entry::new(
                "node_name",
                Node::Str(v.as_string().ok_or_else(bad)?.to_owned()),
            ),
            "SockServiceName" => match (v.as_string(), int_of(v)) {
                (Some(s), _) => Entry::new("service_name", Node::Str(s.to_owned())),
                (_, Some(p)) if (0..=65535).contains(&p) => {
                    Entry::new("service_name", Node::Int(p))
                }
                _ => return Err(bad()),
            },
            "SockFamily" => match v.as_string() {
                Some(f) if matches!(f, "IPv4" | "IPv6" | "IPv4v6" | "Unix") => {
                    Entry::new("family", Node::Str(f.to_owned()))
                }
                _ => return Err(bad()),
            },
            "SockProtocol" => match v.as_string() {
                Some(p) if matches!(p, "TCP" | "UDP") => {
                    Entry::new("protocol", Node::Str(p.to_owned()))
                }
                _ => return Err(bad()),
            },
            "SockPathName" => Entry::new(
                "path_name",
                Node::Str(v.as_string().ok_or_else(bad)?.to_owned()),
            ),
            "SockPathOwner" | "SockPathGroup" => {
                let n = int_of(v)
                    .filter(|n| (0..=i128::from(u32::MAX)).contains(n))
                    .ok_or_else(bad)?;
                Entry::new(
                    if k == "SockPathOwner" {
                        "path_owner"
                    } else {
                        "path_group"
                    },
                    Node::Int(n),
                )
            }
            "SockPathMode" => {
                let n = int_of(v).ok_or_else(bad)?;
                // S_IFSOCK (0140000) written into the mode, as CUPS ships it: chmod(2) takes only
                // the permission bits, so the file-type bits mean nothing.
                let n = if n > 0o7777 && n & !0o7777 == 0o140_000 {
                    unknown.push((
                        ChangeKind::Reshaped,
                        format!("`SockPathMode` = {n} ({n:o} octal) written as `{:04o}`: its file-type bits (S_IFSOCK) mean nothing to chmod(2)", n & 0o7777),
                    ));
                    n & 0o7777
                } else {
                    n
                };
                if !(0..=0o7777).contains(&n) {
                    return Err(bad());
                }
                Entry::new("path_mode", Node::Str(format!("{n:04o}")))
            }
            "SecureSocketWithKey" => Entry::new(
                "secure_socket_with_key",
                Node::Str(v.as_string().ok_or_else(bad)?.to_owned()),
            ),
            "Bonjour" => match v {
                Value::Boolean(b) => Entry::new("bonjour", Node::Bool(*b)),
                Value::String(s) => Entry::new("bonjour", Node::Str(s.clone())),
                other => {
                    let names = strs(other).filter(|n| !n.is_empty()).ok_or_else(bad)?;
                    Entry::new(
                        "bonjour",
                        Node::Seq(names.into_iter().map(Node::Str).collect()),
                    )
                }
            },
            "MulticastGroup" => Entry::new(
                "multicast_group",
                Node::Str(v.as_string().ok_or_else(bad)?.to_owned()),
            ),
            _ => {
                unknown.push((
                    ChangeKind::Dropped,
                    format!("`{k}` = {}: not a socket key of launchd.plist(5)", show(v)),
                ));
                continue;
            }
        };
        out.push(entry);
    }
    Ok((out, unknown))
}

/// `MachServices`. Returns whether a name was registered.
fn mach_services(m: &mut Mapper) -> bool {
    let Some(v) = m.take("MachServices") else {
        return false;
    };
    let Some(d) = v.as_dictionary() else {
        m.drop_key(
            "MachServices",
            &v,
            "launchd expects a dictionary of service names",
        );
        return false;
    };
    let mut entries = Vec::new();
    for (name, val) in d {
        match val {
            Value::Boolean(true) => entries.push(Entry::new(name, Node::Bool(true))),
            Value::Boolean(false) => {
                m.not_imported.push(format!(
                    "MachServices.{name} = false: registers nothing (launchd ignores it)"
                ));
                m.change(
                    "MachServices",
                    ChangeKind::Dropped,
                    format!("`{name}` = false registers nothing"),
                );
            }
            Value::Dictionary(o)
                if o.iter().all(|(k, x)| {
                    matches!(k.as_str(), "ResetAtClose" | "HideUntilCheckIn")
                        && x.as_boolean().is_some()
                }) =>
            {
                let mut opts = Vec::new();
                for (k, field) in [
                    ("ResetAtClose", "reset_at_close"),
                    ("HideUntilCheckIn", "hide_until_check_in"),
                ] {
                    if let Some(b) = o.get(k).and_then(Value::as_boolean) {
                        opts.push(Entry::new(field, Node::Bool(b)));
                    }
                }
                entries.push(Entry::new(name, Node::Map(opts)));
            }
            other => {
                m.not_imported.push(format!(
                    "MachServices.{name} = {}: options are `ResetAtClose` and `HideUntilCheckIn` (booleans)",
                    show(other)
                ));
                m.change(
                    "MachServices",
                    ChangeKind::Dropped,
                    format!("`{name}` has options skillc does not know"),
                );
            }
        }
    }
    let any = !entries.is_empty();
    if any {
        m.put("mach_services", Node::Map(entries));
    } else if d.is_empty() {
        m.omit_empty("MachServices");
    }
    any
}

fn launch_events(m: &mut Mapper) {
    let Some(v) = m.take("LaunchEvents") else {
        return;
    };
    let Some(d) = v.as_dictionary() else {
        m.drop_key(
            "LaunchEvents",
            &v,
            "launchd expects a dictionary of event streams",
        );
        return;
    };
    let mut streams = Vec::new();
    for (stream, events) in d {
        let Some(events) = events.as_dictionary() else {
            m.not_imported
                .push(format!("LaunchEvents.{stream}: not a dictionary of events"));
            m.change(
                "LaunchEvents",
                ChangeKind::Dropped,
                format!("stream `{stream}` is not a dictionary"),
            );
            continue;
        };
        let mut out = Vec::new();
        for (name, descriptor) in events {
            if let Some(j) = plist_to_json(descriptor) {
                out.push(Entry::new(name, json_node(&j)));
            } else {
                {
                    m.not_imported.push(format!(
                        "LaunchEvents.{stream}.{name} = {}: holds data or a date, which skill YAML cannot write",
                        show(descriptor)
                    ));
                    m.change(
                        "LaunchEvents",
                        ChangeKind::Dropped,
                        format!("event `{stream}.{name}` holds data or a date"),
                    );
                }
            }
        }
        if !out.is_empty() {
            streams.push(Entry::new(stream, Node::Map(out)));
        }
    }
    if !streams.is_empty() {
        m.put("launch_events", Node::Map(streams));
    } else if d.is_empty() {
        m.omit_empty("LaunchEvents");
    }
}

/// A JSON value as YAML nodes (JSON-like values of `launch_events` and `launchd`).
pub(crate) fn json_node(j: &serde_json::Value) -> Node {
    use serde_json::Value as J;
    match j {
        J::Bool(b) => Node::Bool(*b),
        J::Number(n) => match n
            .as_i64()
            .map(i128::from)
            .or_else(|| n.as_u64().map(i128::from))
        {
            Some(i) => Node::Int(i),
            // A real: written as its JSON text, which YAML reads as the same float.
            None => Node::Verbatim(n.to_string()),
        },
        J::String(s) => Node::Str(s.clone()),
        J::Array(a) => Node::Seq(a.iter().map(json_node).collect()),
        J::Object(o) => Node::Map(o.iter().map(|(k, v)| Entry::new(k, json_node(v))).collect()),
        J::Null => Node::Str(String::new()),
    }
}

fn umask(m: &mut Mapper) {
    let Some(v) = m.take("Umask") else { return };
    let mask = match &v {
        Value::String(s) => u32::from_str_radix(s, 8).ok(),
        other => int_of(other).and_then(|n| u32::try_from(n).ok()),
    };
    match mask.filter(|n| *n <= 0o777) {
        Some(n) => {
            m.put("umask", Node::Str(format!("{n:03o}")));
            let detail = if v.as_string().is_some() {
                "an octal string, emitted as the integer launchd stores"
            } else {
                "written as the octal string skillc takes; emitted as the same integer"
            };
            if v.as_string().is_some() {
                m.change("Umask", ChangeKind::Reshaped, detail);
            }
        }
        None => m.drop_key("Umask", &v, "not a file-creation mask (0 to 0777)"),
    }
}

fn limits(m: &mut Mapper, key: &str, field: &str) {
    let Some(value) = m.take(key) else { return };
    let Some(dict) = value.as_dictionary() else {
        m.drop_key(
            key,
            &value,
            "launchd expects a dictionary of resource limits",
        );
        return;
    };
    let mut entries = Vec::new();
    for (k, val) in dict {
        match (keys::LIMITS.iter().find(|(_, lk)| lk == k), int_of(val)) {
            (Some((name, _)), Some(n)) if n >= 0 => entries.push(Entry::new(name, Node::Int(n))),
            _ => {
                m.not_imported.push(format!(
                    "{key}.{k} = {}: not a resource limit with an integer value",
                    show(val)
                ));
                m.change(key, ChangeKind::Dropped, format!("`{k}` not mapped"));
            }
        }
    }
    if !entries.is_empty() {
        m.put(field, Node::Map(entries));
    } else if dict.is_empty() {
        m.omit_empty(key);
    }
}

/// `RunAtLoad` as written; absent, `run_at_load: false` is written where skillc's default would
/// otherwise start the job at load.
fn run_at_load(m: &mut Mapper, keeps_alive_at_load: bool, scheduled: bool, has_mach: bool) {
    match m.take("RunAtLoad") {
        Some(Value::Boolean(b)) => m.put("run_at_load", Node::Bool(b)),
        Some(v) => m.drop_key("RunAtLoad", &v, "launchd expects a boolean here"),
        None => {
            let has = |f: &str| m.run.iter().any(|e| e.key == f);
            let on_demand = has("sockets")
                || has_mach
                || has("watch_paths")
                || has("queue_directories")
                || m.run
                    .iter()
                    .any(|e| e.key == "start_on_mount" && e.value == Node::Bool(true))
                || has("launch_events");
            let skillc_default = !scheduled && (!on_demand || keeps_alive_at_load);
            if skillc_default {
                m.put("run_at_load", Node::Bool(false));
                m.change(
                    "RunAtLoad",
                    ChangeKind::Default,
                    "false (launchd's default) written out, so that skillc's default of starting a job at load does not apply",
                );
            }
        }
    }
}

/// Whatever is left: keys skillc has no field for go to `run.launchd`, copied as written.
fn raw(m: &mut Mapper) {
    let rest = std::mem::take(&mut m.dict);
    let mut entries = Vec::new();
    for (k, v) in &rest {
        match plist_to_json(v) {
            Some(j) => {
                let mut e = Entry::new(k, json_node(&j));
                if let Some(near) = keys::near_miss(k) {
                    // launchd ignores a key it does not know; the original had it, so it is kept
                    // as written and the typo finding is suppressed with the reason.
                    e.above.push(format!(
                        "skillc: ignore[launchd-unknown-key] imported as written from the original plist (did it mean `{near}`?)"
                    ));
                }
                entries.push(e);
            }
            None => m.drop_key(k, v, "holds data or a date, which skill YAML cannot write"),
        }
    }
    if !entries.is_empty() {
        let mut e = Entry::new("launchd", Node::Map(entries));
        e.above.push(
            "skillc import: keys skillc has no field for, copied into the plist as written".into(),
        );
        m.run.push(e);
    }
}
