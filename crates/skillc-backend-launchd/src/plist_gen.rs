//! One service → one launchd property list.
//!
//! Key order is fixed: `Label` first, then every other key in byte-wise lexicographic order;
//! nested dictionaries are sorted the same way. Output is Apple's XML form (XML declaration,
//! DOCTYPE, `<plist version="1.0">`, tab indentation) with a trailing newline.

use crate::keys;
use crate::resolve::{gate_path, has_gate, keeps_alive};
use plist::{Dictionary, Value};
use skillc_backend_support::ceil_secs;
use skillc_ir::{
    Bonjour, Calendar, Ir, KeepAliveConditions, KeepAliveMode, Limit, MachService, PortOrName,
    Schedule, Scope, ServiceId, SockFamily, SockProtocol, SockType, Socket, Spanned,
};
use std::collections::BTreeMap;

/// `PATH` for daemons when `run.env` sets none: launchd's own default, root-owned system
/// directories only. `/usr/local/bin` and `/opt/homebrew/bin` are left out on purpose: Homebrew
/// makes them writable by an admin user, and a root daemon resolving tools there is a privilege
/// escalation path.
pub(crate) const DAEMON_PATH: &str = "/usr/bin:/bin:/usr/sbin:/sbin";

/// `PATH` for agents when `run.env` sets none: the system directories first (so nothing
/// user-writable shadows a system tool), then Intel and Apple-silicon Homebrew.
pub(crate) const AGENT_PATH: &str =
    "/usr/bin:/bin:/usr/sbin:/sbin:/usr/local/bin:/opt/homebrew/bin";

fn int(n: u64) -> Value {
    Value::Integer(n.into())
}

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

fn calendar_dict(c: &Calendar) -> Value {
    let mut d = Dictionary::new();
    // Alphabetical: Day, Hour, Minute, Month, Weekday.
    for (k, v) in [
        ("Day", c.day),
        ("Hour", c.hour),
        ("Minute", c.minute),
        ("Month", c.month),
        ("Weekday", c.weekday),
    ] {
        if let Some(v) = v {
            d.insert(k.to_owned(), int(u64::from(v)));
        }
    }
    Value::Dictionary(d)
}

/// A JSON value from the escape hatch as a plist value; objects get sorted keys.
pub(crate) fn json_to_plist(v: &serde_json::Value) -> Option<Value> {
    use serde_json::Value as J;
    Some(match v {
        J::Null => return None,
        J::Bool(b) => Value::Boolean(*b),
        J::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Integer(i.into())
            } else if let Some(u) = n.as_u64() {
                Value::Integer(u.into())
            } else {
                Value::Real(n.as_f64()?)
            }
        }
        J::String(x) => Value::String(x.clone()),
        J::Array(a) => Value::Array(a.iter().map(json_to_plist).collect::<Option<_>>()?),
        J::Object(o) => {
            let sorted: BTreeMap<&String, &serde_json::Value> = o.iter().collect();
            let mut d = Dictionary::new();
            for (k, v) in sorted {
                d.insert(k.clone(), json_to_plist(v)?);
            }
            Value::Dictionary(d)
        }
    })
}

fn b(v: bool) -> Value {
    Value::Boolean(v)
}

fn strs(items: &[Spanned<String>]) -> Value {
    Value::Array(items.iter().map(|x| s(&x.value)).collect())
}

/// A `dict<str, bool>` (PathState, OtherJobEnabled) with sorted keys.
fn bool_dict(items: &[(Spanned<String>, Spanned<bool>)]) -> Value {
    let sorted: BTreeMap<&str, bool> = items
        .iter()
        .map(|(k, v)| (k.value.as_str(), v.value))
        .collect();
    Value::Dictionary(
        sorted
            .into_iter()
            .map(|(k, v)| (k.to_owned(), b(v)))
            .collect(),
    )
}

fn keep_alive_value(c: &KeepAliveConditions) -> Value {
    let mut d: BTreeMap<&str, Value> = BTreeMap::new();
    if let Some(v) = &c.after_initial_demand {
        d.insert("AfterInitialDemand", b(v.value));
    }
    if let Some(v) = &c.crashed {
        d.insert("Crashed", b(v.value));
    }
    if !c.other_job_enabled.is_empty() {
        d.insert("OtherJobEnabled", bool_dict(&c.other_job_enabled));
    }
    if !c.path_state.is_empty() {
        d.insert("PathState", bool_dict(&c.path_state));
    }
    if let Some(v) = &c.successful_exit {
        d.insert("SuccessfulExit", b(v.value));
    }
    Value::Dictionary(d.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn socket_value(x: &Socket) -> Value {
    let mut d: BTreeMap<&str, Value> = BTreeMap::new();
    if let Some(v) = &x.bonjour {
        d.insert(
            "Bonjour",
            match &v.value {
                Bonjour::Flag(f) => b(*f),
                Bonjour::Name(n) => s(n),
                Bonjour::Names(n) => Value::Array(n.iter().map(|n| s(n)).collect()),
            },
        );
    }
    if let Some(v) = &x.multicast_group {
        d.insert("MulticastGroup", s(&v.value));
    }
    if let Some(v) = &x.secure_socket_with_key {
        d.insert("SecureSocketWithKey", s(&v.value));
    }
    if let Some(v) = &x.family {
        d.insert(
            "SockFamily",
            s(match v.value {
                SockFamily::IPv4 => "IPv4",
                SockFamily::IPv6 => "IPv6",
                SockFamily::IPv4v6 => "IPv4v6",
                SockFamily::Unix => "Unix",
            }),
        );
    }
    if let Some(v) = &x.node_name {
        d.insert("SockNodeName", s(&v.value));
    }
    if let Some(v) = &x.passive {
        d.insert("SockPassive", b(v.value));
    }
    if let Some(v) = &x.path_group {
        d.insert("SockPathGroup", int(u64::from(v.value)));
    }
    // Decimal: a plist has no octal integers.
    if let Some(v) = &x.path_mode {
        d.insert("SockPathMode", int(u64::from(v.value)));
    }
    if let Some(v) = &x.path_name {
        d.insert("SockPathName", s(&v.value));
    }
    if let Some(v) = &x.path_owner {
        d.insert("SockPathOwner", int(u64::from(v.value)));
    }
    if let Some(v) = &x.protocol {
        d.insert(
            "SockProtocol",
            s(match v.value {
                SockProtocol::Tcp => "TCP",
                SockProtocol::Udp => "UDP",
            }),
        );
    }
    if let Some(v) = &x.service_name {
        d.insert(
            "SockServiceName",
            match &v.value {
                PortOrName::Port(p) => int(u64::from(*p)),
                PortOrName::Name(n) => s(n),
            },
        );
    }
    if let Some(v) = &x.sock_type {
        d.insert(
            "SockType",
            s(match v.value {
                SockType::Stream => "stream",
                SockType::Dgram => "dgram",
                SockType::Seqpacket => "seqpacket",
            }),
        );
    }
    Value::Dictionary(d.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn limits_value(limits: &[Limit]) -> Value {
    let sorted: BTreeMap<&str, u64> = limits.iter().map(|l| (l.key, l.value.value)).collect();
    Value::Dictionary(
        sorted
            .into_iter()
            .map(|(k, v)| (k.to_owned(), int(v)))
            .collect(),
    )
}

fn hardware_value(items: &[(Spanned<String>, Vec<Spanned<String>>)]) -> Value {
    let sorted: BTreeMap<&str, Value> = items
        .iter()
        .map(|(k, v)| (k.value.as_str(), strs(v)))
        .collect();
    Value::Dictionary(sorted.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// The property list of a service as a typed tree (keys in emission order).
pub fn plist_value(ir: &Ir, id: ServiceId) -> Value {
    let svc = ir.service(id);
    let run = &svc.run;
    let daemon = svc.scope.value == Scope::Daemon;
    let mut keys: BTreeMap<String, Value> = BTreeMap::new();

    let mut argv = Vec::new();
    if has_gate(svc) {
        // sh's `exec` cannot set argv[0]: `argv0` with a gate is refused (launchd-argv0-gate).
        argv.push(s(&gate_path(ir, id)));
        argv.push(s(&run.program.value));
    } else if let Some(argv0) = &run.argv0 {
        keys.insert("Program".into(), s(&run.program.value));
        argv.push(s(&argv0.value));
    } else {
        argv.push(s(&run.program.value));
    }
    argv.extend(run.args.iter().map(|a| s(&a.value)));
    keys.insert("ProgramArguments".into(), Value::Array(argv));

    let mut env: BTreeMap<String, Value> = run
        .env
        .iter()
        .map(|(k, v)| (k.value.clone(), s(&v.value)))
        .collect();
    env.entry("PATH".into())
        .or_insert_with(|| s(if daemon { DAEMON_PATH } else { AGENT_PATH }));
    keys.insert(
        "EnvironmentVariables".into(),
        Value::Dictionary(env.into_iter().collect()),
    );

    if let Some(wd) = &run.working_dir {
        keys.insert("WorkingDirectory".into(), s(&wd.value));
    }
    if let Some(r) = &run.root_directory {
        keys.insert("RootDirectory".into(), s(&r.value));
    }
    // `user`/`group` on an agent and a daemon's `session_types` without `System` are refused by
    // unsuppressible rules (launchd-daemon-only-key, launchd-agent-only-key): nothing is dropped.
    if let Some(u) = &run.user {
        keys.insert("UserName".into(), s(&u.value));
    }
    if let Some(g) = &run.group {
        keys.insert("GroupName".into(), s(&g.value));
    }
    // Agents default to `[Aqua]`; a daemon gets the key only when written (it must list
    // `System`, launchd-agent-only-key), as written.
    if !daemon || !run.session_types.is_empty() {
        let types = if run.session_types.is_empty() {
            Value::Array(vec![s("Aqua")])
        } else if run.session_types_one {
            s(run.session_types[0].value.as_str())
        } else {
            Value::Array(
                run.session_types
                    .iter()
                    .map(|t| s(t.value.as_str()))
                    .collect(),
            )
        };
        keys.insert("LimitLoadToSessionType".into(), types);
    }
    match &run.keep_alive.value {
        KeepAliveMode::Always => {
            keys.insert("KeepAlive".into(), b(true));
        }
        KeepAliveMode::Conditions(c) if !c.is_empty() => {
            keys.insert("KeepAlive".into(), keep_alive_value(c));
        }
        KeepAliveMode::Conditions(_) | KeepAliveMode::Never => {}
    }
    // A written throttle is always honoured: launchd spaces every spawn by it, on-demand and
    // scheduled ones too. The default is written only for jobs launchd restarts.
    if keeps_alive(svc) || run.throttle_set {
        keys.insert(
            "ThrottleInterval".into(),
            int(ceil_secs(run.throttle.value, 1)),
        );
    }
    match &run.run_at_load {
        Some(r) => {
            keys.insert("RunAtLoad".into(), b(r.value));
        }
        None if run.runs_at_load() => {
            keys.insert("RunAtLoad".into(), b(true));
        }
        None => {}
    }
    match run.schedule.as_ref().map(|s| &s.value) {
        None => {}
        Some(Schedule::Every(d)) => {
            keys.insert("StartInterval".into(), int(ceil_secs(*d, 1)));
        }
        Some(Schedule::Calendar(entries)) => {
            keys.insert(
                "StartCalendarInterval".into(),
                Value::Array(entries.iter().map(calendar_dict).collect()),
            );
        }
    }
    if let Some(t) = &run.exit_timeout {
        keys.insert("ExitTimeOut".into(), int(ceil_secs(t.value, 0)));
    }
    if let Some(p) = &run.stdin {
        keys.insert("StandardInPath".into(), s(&p.value));
    }
    if let Some(p) = &run.stdout {
        keys.insert("StandardOutPath".into(), s(&p.value));
    }
    if let Some(p) = &run.stderr {
        keys.insert("StandardErrorPath".into(), s(&p.value));
    }
    if let Some(u) = &run.umask {
        keys.insert("Umask".into(), int(u64::from(u.value)));
    }
    if !run.sockets.is_empty() {
        let mut d: BTreeMap<&str, Value> = BTreeMap::new();
        for g in &run.sockets {
            let v = if g.one && g.sockets.len() == 1 {
                socket_value(&g.sockets[0].value)
            } else {
                Value::Array(g.sockets.iter().map(|x| socket_value(&x.value)).collect())
            };
            d.insert(g.name.value.as_str(), v);
        }
        keys.insert(
            "Sockets".into(),
            Value::Dictionary(d.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
        );
    }
    if let Some(w) = &run.inetd_wait {
        let mut d = Dictionary::new();
        d.insert("Wait".into(), b(w.value));
        keys.insert("inetdCompatibility".into(), Value::Dictionary(d));
    }
    // Only names declared in `mach_services`: the `bus:` identity alone registers nothing
    // (a program that never checks in would leave the name dead, and `bus()` false forever).
    let mach: Vec<&MachService> = run
        .mach_services
        .iter()
        .filter(|m| m.enabled.value)
        .collect();
    if !mach.is_empty() {
        let mut d: BTreeMap<&str, Value> = BTreeMap::new();
        for m in mach {
            let v = if m.options {
                let mut o = Dictionary::new();
                if let Some(h) = &m.hide_until_check_in {
                    o.insert("HideUntilCheckIn".into(), b(h.value));
                }
                if let Some(r) = &m.reset_at_close {
                    o.insert("ResetAtClose".into(), b(r.value));
                }
                Value::Dictionary(o)
            } else {
                b(true)
            };
            d.insert(m.name.value.as_str(), v);
        }
        keys.insert(
            "MachServices".into(),
            Value::Dictionary(d.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
        );
    }
    if !run.watch_paths.is_empty() {
        keys.insert("WatchPaths".into(), strs(&run.watch_paths));
    }
    if !run.queue_directories.is_empty() {
        keys.insert("QueueDirectories".into(), strs(&run.queue_directories));
    }
    if !run.launch_events.is_empty() {
        let streams: BTreeMap<&str, Value> = run
            .launch_events
            .iter()
            .map(|(stream, events)| {
                let sorted: BTreeMap<&str, Value> = events
                    .iter()
                    .filter_map(|(k, v)| Some((k.value.as_str(), json_to_plist(&v.value)?)))
                    .collect();
                (
                    stream.value.as_str(),
                    Value::Dictionary(sorted.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
                )
            })
            .collect();
        keys.insert(
            "LaunchEvents".into(),
            Value::Dictionary(
                streams
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect(),
            ),
        );
    }
    if !run.limit_load_to_hardware.is_empty() {
        keys.insert(
            "LimitLoadToHardware".into(),
            hardware_value(&run.limit_load_to_hardware),
        );
    }
    if !run.limit_load_from_hardware.is_empty() {
        keys.insert(
            "LimitLoadFromHardware".into(),
            hardware_value(&run.limit_load_from_hardware),
        );
    }
    if let Some(t) = &run.process_type {
        keys.insert("ProcessType".into(), s(t.value.as_str()));
    }
    if let Some(t) = &run.posix_spawn_type {
        keys.insert("POSIXSpawnType".into(), s(t.value.as_str()));
    }
    if let Some(n) = &run.nice {
        keys.insert("Nice".into(), Value::Integer(n.value.into()));
    }
    if !run.soft_limits.is_empty() {
        keys.insert("SoftResourceLimits".into(), limits_value(&run.soft_limits));
    }
    if !run.hard_limits.is_empty() {
        keys.insert("HardResourceLimits".into(), limits_value(&run.hard_limits));
    }
    for f in &run.flags {
        keys.insert(f.key.into(), b(f.value.value));
    }
    if !run.associated_bundle_identifiers.is_empty() {
        let v = if run.associated_bundle_identifiers_one {
            s(&run.associated_bundle_identifiers[0].value)
        } else {
            strs(&run.associated_bundle_identifiers)
        };
        keys.insert("AssociatedBundleIdentifiers".into(), v);
    }
    for (k, v) in &run.launchd {
        if keys::emitted(&k.value, &v.value)
            && let Some(pv) = json_to_plist(&v.value)
        {
            keys.insert(k.value.clone(), pv);
        }
    }

    let mut dict = Dictionary::new();
    dict.insert("Label".into(), s(&svc.label.value));
    for (k, v) in keys {
        dict.insert(k, v);
    }
    Value::Dictionary(dict)
}

/// Serializes a plist tree as Apple XML with a trailing newline.
pub(crate) fn to_xml(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail for a tree built from strings, integers and booleans.
    if value.to_writer_xml(&mut out).is_err() {
        out.clear();
    }
    if out.last() != Some(&b'\n') {
        out.push(b'\n');
    }
    out
}
