//! One service → one launchd property list.
//!
//! Key order is fixed: `Label` first, then every other key in byte-wise lexicographic order;
//! nested dictionaries are sorted the same way. Output is Apple's XML form (XML declaration,
//! DOCTYPE, `<plist version="1.0">`, tab indentation) with a trailing newline.

use crate::keys;
use crate::resolve::{gate_path, has_gate, keeps_alive};
use plist::{Dictionary, Value};
use skillc_backend_support::ceil_secs;
use skillc_ir::{Calendar, Ir, KeepAlive, Schedule, Scope, ServiceId, SessionType};
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

fn session_type_name(t: SessionType) -> &'static str {
    match t {
        SessionType::Aqua => "Aqua",
        SessionType::Background => "Background",
        SessionType::LoginWindow => "LoginWindow",
        SessionType::StandardIO => "StandardIO",
    }
}

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

/// The property list of a service as a typed tree (keys in emission order).
pub fn plist_value(ir: &Ir, id: ServiceId) -> Value {
    let svc = ir.service(id);
    let run = &svc.run;
    let daemon = svc.scope.value == Scope::Daemon;
    let mut keys: BTreeMap<String, Value> = BTreeMap::new();

    let mut argv = Vec::new();
    if has_gate(svc) {
        argv.push(s(&gate_path(ir, id)));
    }
    argv.push(s(&run.program.value));
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
    if daemon {
        if let Some(u) = &run.user {
            keys.insert("UserName".into(), s(&u.value));
        }
        if let Some(g) = &run.group {
            keys.insert("GroupName".into(), s(&g.value));
        }
    } else {
        let types: Vec<Value> = if run.session_types.is_empty() {
            vec![s("Aqua")]
        } else {
            run.session_types
                .iter()
                .map(|t| s(session_type_name(t.value)))
                .collect()
        };
        keys.insert("LimitLoadToSessionType".into(), Value::Array(types));
    }
    match run.keep_alive.value {
        KeepAlive::Always => {
            keys.insert("KeepAlive".into(), Value::Boolean(true));
        }
        KeepAlive::OnFailure => {
            let mut d = Dictionary::new();
            d.insert("SuccessfulExit".into(), Value::Boolean(false));
            keys.insert("KeepAlive".into(), Value::Dictionary(d));
        }
        KeepAlive::Never => {}
    }
    if keeps_alive(svc) {
        keys.insert(
            "ThrottleInterval".into(),
            int(ceil_secs(run.throttle.value, 1)),
        );
    }
    match run.schedule.as_ref().map(|s| &s.value) {
        None => {
            keys.insert("RunAtLoad".into(), Value::Boolean(true));
        }
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
    if let Some(p) = &run.stdout {
        keys.insert("StandardOutPath".into(), s(&p.value));
    }
    if let Some(p) = &run.stderr {
        keys.insert("StandardErrorPath".into(), s(&p.value));
    }
    if let Some(u) = &run.umask {
        keys.insert("Umask".into(), int(u64::from(u.value)));
    }
    if let Some(bus) = &svc.bus {
        let mut d = Dictionary::new();
        d.insert(bus.value.clone(), Value::Boolean(true));
        keys.insert("MachServices".into(), Value::Dictionary(d));
    }
    for (k, v) in &run.launchd {
        if keys::accepted(&k.value, &v.value)
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
