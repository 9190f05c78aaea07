//! Every plist of the shipped families: independent parsers read back exactly what the IR says.

mod common;

use serde_json::{Value as J, json};
use skillc_analysis::CheckedIr;
use skillc_backend_launchd::{emit, gate_path, has_gate};
use skillc_ir::{Ir, KeepAliveMode, Schedule, Scope, ServiceId, SessionType};
use std::process::Command;

fn b(v: bool) -> J {
    json!({ "bool": v })
}
fn i(v: i64) -> J {
    json!({ "int": v })
}

/// What the plist of a service must hold, built from the IR field by field (tagged types: a
/// boolean is never confused with an integer or a string).
/// A raw `launchd:` value as the tagged tree the Python reader prints (bools and integers tagged,
/// strings, arrays and dicts as they are).
fn tagged(v: &J) -> J {
    match v {
        J::Bool(x) => b(*x),
        J::Number(n) => n.as_i64().map_or_else(|| json!({ "real": n }), i),
        J::Array(items) => J::Array(items.iter().map(tagged).collect()),
        J::Object(o) => J::Object(o.iter().map(|(k, v)| (k.clone(), tagged(v))).collect()),
        other => other.clone(),
    }
}

fn expected(ir: &Ir, id: ServiceId) -> J {
    let s = ir.service(id);
    let r = &s.run;
    let mut m = serde_json::Map::new();
    m.insert("Label".into(), json!(s.label.value));
    let mut argv = Vec::new();
    if has_gate(s) {
        argv.push(json!(gate_path(ir, id)));
    }
    argv.push(json!(r.program.value));
    argv.extend(r.args.iter().map(|a| json!(a.value)));
    m.insert("ProgramArguments".into(), J::Array(argv));
    let mut env = serde_json::Map::new();
    for (k, v) in &r.env {
        env.insert(k.value.clone(), json!(v.value));
    }
    let daemon = s.scope.value == Scope::Daemon;
    env.entry("PATH").or_insert_with(|| {
        json!(if daemon {
            "/usr/bin:/bin:/usr/sbin:/sbin"
        } else {
            "/usr/bin:/bin:/usr/sbin:/sbin:/usr/local/bin:/opt/homebrew/bin"
        })
    });
    m.insert("EnvironmentVariables".into(), J::Object(env));
    if let Some(w) = &r.working_dir {
        m.insert("WorkingDirectory".into(), json!(w.value));
    }
    if daemon {
        if let Some(u) = &r.user {
            m.insert("UserName".into(), json!(u.value));
        }
        if let Some(g) = &r.group {
            m.insert("GroupName".into(), json!(g.value));
        }
    } else {
        let names: Vec<J> = if r.session_types.is_empty() {
            vec![json!("Aqua")]
        } else {
            r.session_types
                .iter()
                .map(|t| {
                    json!(match t.value {
                        SessionType::Aqua => "Aqua",
                        SessionType::Background => "Background",
                        SessionType::LoginWindow => "LoginWindow",
                        SessionType::StandardIO => "StandardIO",
                        SessionType::System => "System",
                    })
                })
                .collect()
        };
        m.insert("LimitLoadToSessionType".into(), J::Array(names));
    }
    let secs = |d: std::time::Duration| i64::try_from(d.as_millis().div_ceil(1000)).expect("secs");
    // The shipped families use only these keep-alive forms.
    let kept = match &r.keep_alive.value {
        KeepAliveMode::Always => {
            m.insert("KeepAlive".into(), b(true));
            true
        }
        KeepAliveMode::Conditions(c) => {
            assert!(
                c.crashed.is_none() && c.path_state.is_empty(),
                "extend this test"
            );
            let se = c.successful_exit.as_ref().expect("successful_exit").value;
            m.insert("KeepAlive".into(), json!({ "SuccessfulExit": b(se) }));
            true
        }
        KeepAliveMode::Never => false,
    };
    if kept || r.throttle_set {
        m.insert("ThrottleInterval".into(), i(secs(r.throttle.value).max(1)));
    }
    let triggered = !r.mach_services.is_empty() || !r.sockets.is_empty();
    match r.run_at_load.as_ref().map(|x| x.value) {
        Some(v) => {
            m.insert("RunAtLoad".into(), b(v));
        }
        None if r.schedule.is_none() && (!triggered || kept) => {
            m.insert("RunAtLoad".into(), b(true));
        }
        None => {}
    }
    match r.schedule.as_ref().map(|s| &s.value) {
        None => {}
        Some(Schedule::Every(d)) => {
            m.insert("StartInterval".into(), i(secs(*d)));
        }
        Some(Schedule::Calendar(cs)) => {
            let arr = cs
                .iter()
                .map(|c| {
                    let mut d = serde_json::Map::new();
                    for (k, v) in [
                        ("Minute", c.minute),
                        ("Hour", c.hour),
                        ("Day", c.day),
                        ("Weekday", c.weekday),
                        ("Month", c.month),
                    ] {
                        if let Some(v) = v {
                            d.insert(k.into(), i(i64::from(v)));
                        }
                    }
                    J::Object(d)
                })
                .collect();
            m.insert("StartCalendarInterval".into(), J::Array(arr));
        }
    }
    if let Some(p) = &r.stdout {
        m.insert("StandardOutPath".into(), json!(p.value));
    }
    if let Some(p) = &r.stderr {
        m.insert("StandardErrorPath".into(), json!(p.value));
    }
    if let Some(u) = &r.umask {
        m.insert("Umask".into(), i(i64::from(u.value)));
    }
    // Only what `mach_services` registers; the `bus:` identity alone registers nothing.
    if !r.mach_services.is_empty() {
        let d: serde_json::Map<String, J> = r
            .mach_services
            .iter()
            .map(|ms| (ms.name.value.clone(), b(true)))
            .collect();
        m.insert("MachServices".into(), J::Object(d));
    }
    if let Some(t) = &r.process_type {
        m.insert("ProcessType".into(), json!(t.value.as_str()));
    }
    for f in &r.flags {
        m.insert(f.key.into(), b(f.value.value));
    }
    // One string stays a string (Karabiner's form), a list an array.
    if let [one] = r.associated_bundle_identifiers.as_slice()
        && r.associated_bundle_identifiers_one
    {
        m.insert("AssociatedBundleIdentifiers".into(), json!(one.value));
    } else if !r.associated_bundle_identifiers.is_empty() {
        let ids: Vec<J> = r
            .associated_bundle_identifiers
            .iter()
            .map(|x| json!(x.value))
            .collect();
        m.insert("AssociatedBundleIdentifiers".into(), J::Array(ids));
    }
    for (k, v) in &r.launchd {
        m.insert(k.value.clone(), tagged(&v.value));
    }
    J::Object(m)
}

/// Python plistlib with a dict type that refuses duplicate keys; prints a tagged JSON tree.
const PY: &str = r#"
import json, plistlib, sys
class Strict(dict):
    def __setitem__(self, k, v):
        if k in self:
            raise ValueError("duplicate key " + k)
        dict.__setitem__(self, k, v)
def tag(v):
    if type(v) is bool: return {"bool": v}
    if type(v) is int: return {"int": v}
    if type(v) is str: return v
    if type(v) is list: return [tag(x) for x in v]
    if isinstance(v, dict): return {k: tag(x) for k, x in v.items()}
    raise TypeError(type(v).__name__)
out = {}
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        out[path] = tag(plistlib.load(f, fmt=plistlib.FMT_XML, dict_type=Strict))
print(json.dumps(out))
"#;

fn plists(ir: &CheckedIr) -> Vec<(ServiceId, String, Vec<u8>)> {
    let files = emit(ir);
    ir.service_ids()
        .map(|id| {
            let s = ir.service(id);
            let dir = if s.scope.value == Scope::Daemon {
                "LaunchDaemons"
            } else {
                "LaunchAgents"
            };
            let path = format!(
                "{}/{dir}/{}.plist",
                ir.family(s.family).name.value,
                s.label.value
            );
            let f = files
                .iter()
                .find(|f| f.path == path)
                .unwrap_or_else(|| panic!("no {path}"));
            assert!(!f.executable);
            (id, path, f.bytes.clone())
        })
        .collect()
}

#[test]
fn output_is_sorted_deterministic_and_laid_out_per_family() {
    let ir = common::shipped();
    let a = emit(&ir);
    let b = emit(&common::shipped());
    assert_eq!(a, b, "same IR, same bytes");
    let paths: Vec<&str> = a.iter().map(|f| f.path.as_str()).collect();
    let mut sorted = paths.clone();
    sorted.sort_unstable();
    assert_eq!(paths, sorted);
    for f in &a {
        let exec = std::path::Path::new(&f.path)
            .extension()
            .is_some_and(|e| e == "sh");
        assert_eq!(f.executable, exec, "{}", f.path);
        assert!(
            !f.path.starts_with("launchd-doctor/"),
            "launchd-doctor has no services: {}",
            f.path
        );
        // Everything is under a family's directory, but the tree's own installers.
        if matches!(f.path.as_str(), "install.sh" | "uninstall.sh") {
            continue;
        }
        let family = f.path.split('/').next().unwrap_or_default();
        assert!(
            ir.families.iter().any(|fam| fam.name.value == family),
            "{}",
            f.path
        );
    }
    assert!(paths.contains(&"install.sh") && paths.contains(&"uninstall.sh"));
    assert!(paths.contains(&"foundation-core/install.sh"));
    assert!(paths.contains(&"foundation-core/uninstall.sh"));
    assert!(paths.contains(&"foundation-core/LaunchDaemons/org.sovereign.busd.plist"));
    assert!(paths.contains(&"foundation-core/LaunchAgents/org.sovereign.session-agent.plist"));
    assert!(paths.contains(&"foundation-core/gates/identity.sh"));
    assert!(
        !paths.contains(&"foundation-core/gates/bus.sh"),
        "bus requires nothing"
    );
}

#[test]
fn every_plist_has_the_apple_header_label_first_and_a_trailing_newline() {
    let ir = common::shipped();
    for (id, path, bytes) in plists(&ir) {
        let text = String::from_utf8(bytes).expect("utf-8");
        assert!(
            text.starts_with(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n<plist version=\"1.0\">\n<dict>\n\t<key>Label</key>\n"
            ),
            "{path}"
        );
        assert!(text.ends_with("</plist>\n"), "{path}");
        assert!(!text.contains("CDATA"));
        // Top-level keys after Label are sorted.
        let keys: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("\t<key>")?.strip_suffix("</key>"))
            .collect();
        assert_eq!(keys[0], "Label");
        let mut rest = keys[1..].to_vec();
        rest.sort_unstable();
        assert_eq!(keys[1..], rest[..], "{path}");
        assert!(path.ends_with(&format!("/{}.plist", ir.service(id).label.value)));
    }
}

#[test]
fn plistlib_reads_back_what_the_ir_says() {
    let ir = common::shipped();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut args = Vec::new();
    let mut want = serde_json::Map::new();
    for (id, path, bytes) in plists(&ir) {
        let p = dir.path().join(path.replace('/', "_"));
        std::fs::write(&p, bytes).expect("write");
        want.insert(p.display().to_string(), expected(&ir, id));
        args.push(p.display().to_string());
    }
    let out = Command::new("python3")
        .arg("-c")
        .arg(PY)
        .args(&args)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: J = serde_json::from_slice(&out.stdout).expect("json");
    for (path, want) in &want {
        assert_eq!(&got[path], want, "{path}");
    }
    assert_eq!(got.as_object().map(serde_json::Map::len), Some(want.len()));
}

#[test]
fn the_rust_plist_crate_reads_back_the_same_tree() {
    let ir = common::shipped();
    for (id, path, bytes) in plists(&ir) {
        let v = plist::Value::from_reader_xml(std::io::Cursor::new(&bytes))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(v, skillc_backend_launchd::plist_value(&ir, id), "{path}");
    }
}

#[test]
fn plistutil_round_trips_xml_to_binary_to_xml() {
    if !common::have_tool("plistutil") {
        return;
    }
    let ir = common::shipped();
    let dir = tempfile::tempdir().expect("tempdir");
    for (id, path, bytes) in plists(&ir) {
        let xml = dir.path().join("in.plist");
        let bin = dir.path().join("out.bin");
        let back = dir.path().join("back.plist");
        let _ = std::fs::remove_file(&bin);
        std::fs::write(&xml, &bytes).expect("write");
        // plistutil 2.2 exits 0 even on failure: check that the output exists instead.
        let _ = Command::new("plistutil")
            .args(["-i"])
            .arg(&xml)
            .args(["-f", "bin", "-o"])
            .arg(&bin)
            .status();
        let bin_bytes = std::fs::read(&bin).unwrap_or_default();
        assert!(
            bin_bytes.starts_with(b"bplist00"),
            "{path}: no binary plist"
        );
        let _ = Command::new("plistutil")
            .args(["-i"])
            .arg(&bin)
            .args(["-f", "xml", "-o"])
            .arg(&back)
            .status();
        let v = plist::Value::from_file(&back).unwrap_or_else(|e| panic!("{path}: {e}"));
        let want = skillc_backend_launchd::plist_value(&ir, id);
        // libplist sorts nothing away and keeps types; compare as trees.
        assert_eq!(v, want, "{path}");
    }
}
