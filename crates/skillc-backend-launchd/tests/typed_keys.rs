//! Every key of launchd.plist(5) (as listed in the project's launchd reference, §1.2) has a typed
//! field that reaches the plist, read back by the `plist` crate, Python's plistlib and (when
//! installed) libplist's `plistutil`; the raw `launchd:` map refuses every key a field writes.

mod common;

use plist::Value;
use skillc_backend_launchd::{check, emit, plist_value};
use skillc_diagnostics::Diagnostic;
use std::process::Command;

const HEAD: &str = "family:\n  name: demo\n  version: 1.0.0\n  description: Demo family.\n  label_prefix: org.example\nservices:\n";

/// A daemon and an agent that between them write every typed field.
const EVERYTHING: &str = r#"  daemon:
    description: Every daemon-side field.
    layer: L1
    scope: daemon
    bus: org.example.daemon
    run:
      program: /usr/local/libexec/daemond
      argv0: daemond
      args: [--flag]
      env: { LOG: info }
      working_dir: /usr/local/var/daemon
      root_directory: /usr/local/var/jail
      user: _daemon
      group: _daemon
      init_groups: false
      session_types: [Aqua, Background, LoginWindow, StandardIO, System]
      keep_alive:
        successful_exit: false
        crashed: true
        path_state: { /var/run/daemon.enable: true, /var/run/daemon.off: false }
        other_job_enabled: { org.example.other: true }
        after_initial_demand: true
      run_at_load: true
      throttle: 30s
      exit_timeout: 1500ms
      sockets:
        http: { node_name: 127.0.0.1, service_name: 8080, family: IPv4, protocol: TCP, type: stream, passive: true, bonjour: web }
        dns:
          - { service_name: domain, type: dgram, protocol: UDP, family: IPv4v6, bonjour: [a, b] }
          - { service_name: 5353, type: dgram, family: IPv4, multicast_group: 224.0.0.251, bonjour: true }
        control: { path_name: /var/run/daemon.sock, path_owner: 0, path_group: 20, path_mode: "0660" }
        secure: { secure_socket_with_key: DAEMON_SOCK }
      inetd_compatibility: { wait: true }
      mach_services:
        org.example.daemon: true
        org.example.daemon.reset: { reset_at_close: true }
        org.example.daemon.hidden: { hide_until_check_in: true, reset_at_close: false }
      watch_paths: [/usr/local/etc/daemon.conf]
      queue_directories: [/usr/local/var/daemon/inbox]
      start_on_mount: true
      launch_events:
        com.apple.iokit.matching:
          usb: { IOProviderClass: IOUSBDevice, idVendor: 1452, IOMatchLaunchStream: true }
      limit_load_to_hardware: { model: ["MacBookPro18,1"] }
      limit_load_from_hardware: { machine: [x86_64] }
      stdin: /dev/null
      stdout: /usr/local/var/log/daemon.out.log
      stderr: /usr/local/var/log/daemon.err.log
      umask: "027"
      process_type: Interactive
      posix_spawn_type: TALApp
      nice: -5
      low_priority_io: true
      low_priority_background_io: false
      soft_limits: { core: 0, cpu: 60, data: 1, file_size: 2, memory_lock: 3, number_of_files: 256, number_of_processes: 64, resident_set_size: 4, stack: 8388608 }
      hard_limits: { number_of_files: 1024, stack: 67104768 }
      abandon_process_group: true
      enable_transactions: true
      enable_pressured_exit: false
      begin_transaction_at_shutdown: true
      launch_only_once: false
      materialize_dataless_files: true
      legacy_timers: true
      enable_globbing: false
      session_create: true
      debug: false
      wait_for_debugger: false
      associated_bundle_identifiers: [org.example.App, org.example.Helper]
  agent:
    description: The agent-side forms.
    layer: L3
    scope: session
    run:
      program: /Applications/Karabiner-Elements.app/Contents/MacOS/karabiner_console_user_server
      session_types: Aqua
      keep_alive: always
      associated_bundle_identifiers: org.pqrs.Karabiner-Elements.Settings
"#;

fn ir_of(services: &str) -> (tempfile::TempDir, skillc_ir::Ir, Vec<Diagnostic>) {
    common::family(&format!("{HEAD}{services}"))
}

fn dict(v: &Value) -> &plist::Dictionary {
    v.as_dictionary().expect("a dictionary")
}

fn plist_of(ir: &skillc_ir::Ir, id: &str) -> Value {
    let sid = ir
        .service_ids()
        .find(|s| ir.service(*s).id.value == id)
        .expect("service");
    plist_value(ir, sid)
}

fn xml(v: &Value) -> String {
    let mut out = Vec::new();
    v.to_writer_xml(&mut out).expect("xml");
    String::from_utf8(out).expect("utf-8")
}

fn parse(text: &str) -> Value {
    Value::from_reader_xml(std::io::Cursor::new(text.as_bytes())).expect("plist xml")
}

fn b(v: bool) -> Value {
    Value::Boolean(v)
}
fn i(v: i64) -> Value {
    Value::Integer(v.into())
}
fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}
fn arr(v: &[&str]) -> Value {
    Value::Array(v.iter().map(|x| s(x)).collect())
}

#[test]
fn every_typed_field_reaches_the_plist_with_its_value() {
    let (_t, ir, diags) = ir_of(EVERYTHING);
    assert!(diags.is_empty(), "{diags:#?}");
    let d = plist_of(&ir, "daemon");
    let d = dict(&d);
    let want: &[(&str, Value)] = &[
        ("Program", s("/usr/local/libexec/daemond")),
        ("ProgramArguments", arr(&["daemond", "--flag"])),
        ("WorkingDirectory", s("/usr/local/var/daemon")),
        ("RootDirectory", s("/usr/local/var/jail")),
        ("UserName", s("_daemon")),
        ("GroupName", s("_daemon")),
        ("InitGroups", b(false)),
        (
            "LimitLoadToSessionType",
            arr(&["Aqua", "Background", "LoginWindow", "StandardIO", "System"]),
        ),
        ("RunAtLoad", b(true)),
        ("ThrottleInterval", i(30)),
        ("ExitTimeOut", i(2)),
        ("inetdCompatibility", parse_dict("<key>Wait</key><true/>")),
        ("WatchPaths", arr(&["/usr/local/etc/daemon.conf"])),
        ("QueueDirectories", arr(&["/usr/local/var/daemon/inbox"])),
        ("StartOnMount", b(true)),
        ("StandardInPath", s("/dev/null")),
        ("StandardOutPath", s("/usr/local/var/log/daemon.out.log")),
        ("StandardErrorPath", s("/usr/local/var/log/daemon.err.log")),
        ("Umask", i(23)),
        ("ProcessType", s("Interactive")),
        ("POSIXSpawnType", s("TALApp")),
        ("Nice", i(-5)),
        ("LowPriorityIO", b(true)),
        ("LowPriorityBackgroundIO", b(false)),
        ("AbandonProcessGroup", b(true)),
        ("EnableTransactions", b(true)),
        ("EnablePressuredExit", b(false)),
        ("BeginTransactionAtShutdown", b(true)),
        ("LaunchOnlyOnce", b(false)),
        ("MaterializeDatalessFiles", b(true)),
        ("LegacyTimers", b(true)),
        ("EnableGlobbing", b(false)),
        ("SessionCreate", b(true)),
        ("Debug", b(false)),
        ("WaitForDebugger", b(false)),
        (
            "AssociatedBundleIdentifiers",
            arr(&["org.example.App", "org.example.Helper"]),
        ),
        (
            "LimitLoadToHardware",
            parse_dict("<key>model</key><array><string>MacBookPro18,1</string></array>"),
        ),
        (
            "LimitLoadFromHardware",
            parse_dict("<key>machine</key><array><string>x86_64</string></array>"),
        ),
        (
            "KeepAlive",
            parse_dict(
                "<key>AfterInitialDemand</key><true/><key>Crashed</key><true/>\
                 <key>OtherJobEnabled</key><dict><key>org.example.other</key><true/></dict>\
                 <key>PathState</key><dict><key>/var/run/daemon.enable</key><true/><key>/var/run/daemon.off</key><false/></dict>\
                 <key>SuccessfulExit</key><false/>",
            ),
        ),
        (
            "MachServices",
            parse_dict(
                "<key>org.example.daemon</key><true/>\
                 <key>org.example.daemon.hidden</key><dict><key>HideUntilCheckIn</key><true/><key>ResetAtClose</key><false/></dict>\
                 <key>org.example.daemon.reset</key><dict><key>ResetAtClose</key><true/></dict>",
            ),
        ),
        (
            "SoftResourceLimits",
            parse_dict(
                "<key>CPU</key><integer>60</integer><key>Core</key><integer>0</integer>\
                 <key>Data</key><integer>1</integer><key>FileSize</key><integer>2</integer>\
                 <key>MemoryLock</key><integer>3</integer><key>NumberOfFiles</key><integer>256</integer>\
                 <key>NumberOfProcesses</key><integer>64</integer><key>ResidentSetSize</key><integer>4</integer>\
                 <key>Stack</key><integer>8388608</integer>",
            ),
        ),
        (
            "HardResourceLimits",
            parse_dict(
                "<key>NumberOfFiles</key><integer>1024</integer><key>Stack</key><integer>67104768</integer>",
            ),
        ),
        (
            "LaunchEvents",
            parse_dict(
                "<key>com.apple.iokit.matching</key><dict><key>usb</key><dict>\
                 <key>IOMatchLaunchStream</key><true/><key>IOProviderClass</key><string>IOUSBDevice</string>\
                 <key>idVendor</key><integer>1452</integer></dict></dict>",
            ),
        ),
        (
            "Sockets",
            parse_dict(
                "<key>control</key><dict><key>SockPathGroup</key><integer>20</integer>\
                 <key>SockPathMode</key><integer>432</integer><key>SockPathName</key><string>/var/run/daemon.sock</string>\
                 <key>SockPathOwner</key><integer>0</integer></dict>\
                 <key>dns</key><array>\
                 <dict><key>Bonjour</key><array><string>a</string><string>b</string></array><key>SockFamily</key><string>IPv4v6</string>\
                 <key>SockProtocol</key><string>UDP</string><key>SockServiceName</key><string>domain</string><key>SockType</key><string>dgram</string></dict>\
                 <dict><key>Bonjour</key><true/><key>MulticastGroup</key><string>224.0.0.251</string><key>SockFamily</key><string>IPv4</string>\
                 <key>SockServiceName</key><integer>5353</integer><key>SockType</key><string>dgram</string></dict>\
                 </array>\
                 <key>http</key><dict><key>Bonjour</key><string>web</string><key>SockFamily</key><string>IPv4</string>\
                 <key>SockNodeName</key><string>127.0.0.1</string><key>SockPassive</key><true/>\
                 <key>SockProtocol</key><string>TCP</string><key>SockServiceName</key><integer>8080</integer>\
                 <key>SockType</key><string>stream</string></dict>\
                 <key>secure</key><dict><key>SecureSocketWithKey</key><string>DAEMON_SOCK</string></dict>",
            ),
        ),
    ];
    for (key, value) in want {
        assert_eq!(d.get(key), Some(value), "{key}");
    }
    let env = dict(d.get("EnvironmentVariables").expect("env"));
    assert_eq!(env.get("LOG"), Some(&s("info")));

    // The agent: one-string forms are emitted as strings, as written.
    let a = plist_of(&ir, "agent");
    let a = dict(&a);
    assert_eq!(a.get("LimitLoadToSessionType"), Some(&s("Aqua")));
    assert_eq!(
        a.get("AssociatedBundleIdentifiers"),
        Some(&s("org.pqrs.Karabiner-Elements.Settings"))
    );
    assert_eq!(a.get("KeepAlive"), Some(&b(true)));
    assert_eq!(a.get("Program"), None, "no argv0: ProgramArguments[0] only");
}

fn parse_dict(inner: &str) -> Value {
    parse(&format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><plist version=\"1.0\"><dict>{inner}</dict></plist>"
    ))
}

/// Every key of launchd.plist(5) in the reference's §1.2, and how skillc takes it.
const KEYS_1_2: &[&str] = &[
    "Label",
    "UserName",
    "GroupName",
    "InitGroups",
    "Program",
    "ProgramArguments",
    "EnableGlobbing",
    "EnableTransactions",
    "EnablePressuredExit",
    "KeepAlive",
    "RunAtLoad",
    "RootDirectory",
    "WorkingDirectory",
    "EnvironmentVariables",
    "Umask",
    "ExitTimeOut",
    "ThrottleInterval",
    "WatchPaths",
    "QueueDirectories",
    "StartOnMount",
    "StandardInPath",
    "StandardOutPath",
    "StandardErrorPath",
    "Debug",
    "WaitForDebugger",
    "SoftResourceLimits",
    "HardResourceLimits",
    "Nice",
    "ProcessType",
    "AbandonProcessGroup",
    "LowPriorityIO",
    "LowPriorityBackgroundIO",
    "MaterializeDatalessFiles",
    "LaunchOnlyOnce",
    "LegacyTimers",
    "MachServices",
    "Sockets",
    "LaunchEvents",
    "inetdCompatibility",
    "LimitLoadToHardware",
    "LimitLoadFromHardware",
    "LimitLoadToSessionType",
    "SessionCreate",
    "AssociatedBundleIdentifiers",
    // Named by the issue beside §1.2.
    "POSIXSpawnType",
    "BeginTransactionAtShutdown",
];
/// §1.2's scheduling keys, written from `schedule:` (covered by plists.rs on the shipped families).
const SCHEDULE_KEYS: &[&str] = &["StartInterval", "StartCalendarInterval"];
/// §1.2's deprecated / no-op keys: no field, refused in the raw map.
const DEPRECATED: &[&str] = &[
    "OnDemand",
    "ServiceIPC",
    "TimeOut",
    "HopefullyExitsFirst",
    "HopefullyExitsLast",
    "LimitLoadToHosts",
    "LimitLoadFromHosts",
    "Disabled",
];

#[test]
fn every_current_key_of_the_reference_is_written_by_a_field() {
    let (_t, ir, diags) = ir_of(EVERYTHING);
    assert!(diags.is_empty(), "{diags:#?}");
    let d = plist_of(&ir, "daemon");
    let a = plist_of(&ir, "agent");
    for key in KEYS_1_2 {
        assert!(
            dict(&d).contains_key(key) || dict(&a).contains_key(key),
            "{key} has no field that writes it"
        );
    }
}

fn raw(key: &str, value: &str) -> String {
    format!(
        "  web:\n    description: d\n    layer: L3\n    scope: session\n    run:\n      program: /usr/local/bin/web\n      launchd: {{ {key}: {value} }}\n"
    )
}

fn codes_for(services: &str) -> Vec<&'static str> {
    let (_t, ir, diags) = ir_of(services);
    assert!(diags.is_empty(), "{diags:#?}");
    check(&ir).into_iter().map(|d| d.code).collect()
}

#[test]
fn the_raw_map_refuses_every_key_a_field_writes_and_every_deprecated_key() {
    for key in KEYS_1_2
        .iter()
        .chain(SCHEDULE_KEYS)
        .chain(&["BundleProgram"])
    {
        let codes = codes_for(&raw(key, "true"));
        assert!(codes.contains(&"launchd-key-conflict"), "{key}: {codes:?}");
        assert!(!codes.contains(&"launchd-raw-key"), "{key}: {codes:?}");
        // launchd compares keys ignoring case: so does the refusal.
        let lower = key.to_ascii_lowercase();
        let codes = codes_for(&raw(&lower, "true"));
        assert!(
            codes.contains(&"launchd-key-conflict"),
            "{lower}: {codes:?}"
        );
    }
    for key in DEPRECATED {
        let codes = codes_for(&raw(key, "true"));
        assert_eq!(codes, ["launchd-deprecated-key"], "{key}");
    }
    let (_t, ir, _) = ir_of(&raw("KeepAlive", "true"));
    let d = check(&ir)
        .into_iter()
        .find(|d| d.code == "launchd-key-conflict")
        .expect("finding");
    assert_eq!(d.help.as_deref(), Some("use `run.keep_alive` instead"));
}

#[test]
fn refusing_rules_cannot_be_suppressed() {
    for id in [
        "launchd-key-conflict",
        "launchd-deprecated-key",
        "launchd-daemon-only-key",
        "launchd-agent-only-key",
        "launchd-raw-key-type",
        "launchd-argv0-gate",
    ] {
        let r = skillc_backend_launchd::rules()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("{id}"));
        assert!(!r.configurable, "{id} must not be suppressible");
    }
    let unknown = skillc_backend_launchd::rules()
        .find(|r| r.id == "launchd-unknown-key")
        .expect("rule");
    assert!(
        unknown.configurable,
        "a suppressed unknown key is emitted as written"
    );
}

#[test]
fn an_undocumented_raw_key_is_emitted_exactly_as_written() {
    let (_t, ir, diags) = ir_of(&raw(
        "JetsamProperties",
        "{ JetsamPriority: 40, JetsamMemoryLimit: 300 }",
    ));
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(
        check(&ir).into_iter().map(|d| d.code).collect::<Vec<_>>(),
        ["launchd-raw-key"]
    );
    let p = plist_of(&ir, "web");
    assert_eq!(
        dict(&p).get("JetsamProperties"),
        Some(&parse_dict(
            "<key>JetsamMemoryLimit</key><integer>300</integer><key>JetsamPriority</key><integer>40</integer>"
        ))
    );
}

#[test]
fn a_near_miss_is_an_error_and_emitted_as_written_when_the_user_insists() {
    let (_t, ir, _) = ir_of(&raw("ProcesType", "Interactive"));
    let found = check(&ir);
    assert_eq!(
        found.iter().map(|d| d.code).collect::<Vec<_>>(),
        ["launchd-unknown-key"]
    );
    assert!(
        found[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("`ProcessType`") && h.contains("run.process_type")),
        "{:?}",
        found[0].help
    );
    // Were the finding suppressed, the key is in the plist exactly as written (never dropped).
    let p = plist_of(&ir, "web");
    assert_eq!(dict(&p).get("ProcesType"), Some(&s("Interactive")));
}

#[test]
fn a_written_throttle_is_honoured_without_keep_alive() {
    let svc = "  job:\n    description: d\n    layer: L3\n    scope: session\n    run:\n      program: /usr/local/bin/job\n      keep_alive: never\n      throttle: 60s\n      mach_services: { org.example.job: true }\n";
    let (_t, ir, diags) = ir_of(svc);
    assert!(diags.is_empty(), "{diags:#?}");
    let p = plist_of(&ir, "job");
    assert_eq!(dict(&p).get("ThrottleInterval"), Some(&i(60)));
    assert_eq!(dict(&p).get("KeepAlive"), None);
    // On demand: started by its Mach service, not at load.
    assert_eq!(dict(&p).get("RunAtLoad"), None);
    // Without a written throttle, a job launchd never restarts gets none.
    let (_t, ir, _) = ir_of(&svc.replace("      throttle: 60s\n", ""));
    assert_eq!(dict(&plist_of(&ir, "job")).get("ThrottleInterval"), None);
}

#[test]
fn run_at_load_defaults_follow_the_triggers_and_the_keep_alive() {
    let job = |run: &str| {
        format!(
            "  job:\n    description: d\n    layer: L3\n    scope: session\n    run:\n      program: /usr/local/bin/job\n{run}"
        )
    };
    let at_load = |run: &str| {
        let (_t, ir, diags) = ir_of(&job(run));
        assert!(diags.is_empty(), "{run}: {diags:#?}");
        dict(&plist_of(&ir, "job")).get("RunAtLoad").cloned()
    };
    // Nothing else starts it: started at load (tailscaled-style).
    assert_eq!(at_load("      keep_alive: never\n"), Some(b(true)));
    // On-demand triggers: not spawned at load.
    for trigger in [
        "      sockets: { s: { service_name: 8080 } }\n",
        "      mach_services: { org.example.job: true }\n",
        "      watch_paths: [/etc/x]\n",
        "      queue_directories: [/var/spool/x]\n",
        "      start_on_mount: true\n",
        "      launch_events: { com.apple.notifyd.matching: { e: { Notification: x } } }\n",
    ] {
        assert_eq!(
            at_load(&format!("      keep_alive: never\n{trigger}")),
            None,
            "{trigger}"
        );
        // Explicitly asked for: emitted as written.
        assert_eq!(
            at_load(&format!(
                "      keep_alive: never\n      run_at_load: true\n{trigger}"
            )),
            Some(b(true)),
            "{trigger}"
        );
    }
    // Kept alive: launchd starts it at load anyway, and the plist says so.
    assert_eq!(
        at_load("      mach_services: { org.example.job: true }\n"),
        Some(b(true))
    );
    assert_eq!(
        at_load(
            "      run_at_load: false\n      keep_alive: never\n      mach_services: { org.example.job: true }\n"
        ),
        Some(b(false))
    );
    // Scheduled: not at load unless asked.
    assert_eq!(
        at_load("      keep_alive: never\n      schedule: { every: 1h }\n"),
        None
    );
    assert_eq!(
        at_load(
            "      keep_alive: never\n      run_at_load: true\n      schedule: { every: 1h }\n"
        ),
        Some(b(true))
    );
}

#[test]
fn the_bus_identity_alone_registers_no_mach_service() {
    let svc = "  db:\n    description: d\n    layer: L1\n    scope: daemon\n    bus: org.example.db\n    run:\n      program: /usr/local/bin/db\n    readiness:\n      probe: 'tcp(\"127.0.0.1:5432\")'\n";
    let (_t, ir, diags) = ir_of(svc);
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(dict(&plist_of(&ir, "db")).get("MachServices"), None);
    // Registered only when declared, for a program that checks in.
    let (_t, ir, _) = ir_of(&svc.replace(
        "      program: /usr/local/bin/db\n",
        "      program: /usr/local/bin/db\n      mach_services: { org.example.db: true }\n",
    ));
    assert_eq!(
        dict(&plist_of(&ir, "db")).get("MachServices"),
        Some(&parse_dict("<key>org.example.db</key><true/>"))
    );
}

/// Python's plistlib: parses, and prints the tree with bools and ints tagged.
const PY: &str = r#"
import json, plistlib, sys
def tag(v):
    if type(v) is bool: return {"bool": v}
    if type(v) is int: return {"int": v}
    if type(v) is str: return v
    if type(v) is list: return [tag(x) for x in v]
    if isinstance(v, dict): return {k: tag(x) for k, x in v.items()}
    raise TypeError(type(v).__name__)
print(json.dumps({p: tag(plistlib.load(open(p, "rb"), fmt=plistlib.FMT_XML)) for p in sys.argv[1:]}))
"#;

#[test]
fn independent_readers_agree_on_the_everything_plists() {
    let (_t, ir, diags) = ir_of(EVERYTHING);
    assert!(diags.is_empty(), "{diags:#?}");
    let files = emit(&common::exercised(ir));
    let dir = tempfile::tempdir().expect("tempdir");
    let mut paths = Vec::new();
    for f in files.iter().filter(|f| {
        std::path::Path::new(&f.path)
            .extension()
            .is_some_and(|e| e == "plist")
    }) {
        let v = Value::from_reader_xml(std::io::Cursor::new(&f.bytes)).expect("plist crate");
        // The emitted XML is what plist_value says, byte for byte through the plist crate.
        assert_eq!(xml(&v), xml(&parse(&String::from_utf8_lossy(&f.bytes))));
        let p = dir.path().join(f.path.replace('/', "_"));
        std::fs::write(&p, &f.bytes).expect("write");
        paths.push(p);
    }
    assert_eq!(paths.len(), 2);
    // Python's plistlib: parses, and sees the same keys with the same types.
    let out = Command::new("python3")
        .arg("-c")
        .arg(PY)
        .args(&paths)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let daemon = paths
        .iter()
        .find(|p| p.display().to_string().contains("org.example.daemon"))
        .expect("daemon plist");
    let d = &got[daemon.display().to_string()];
    assert_eq!(d["Nice"], serde_json::json!({ "int": -5 }));
    assert_eq!(d["Umask"], serde_json::json!({ "int": 23 }));
    assert_eq!(
        d["Sockets"]["control"]["SockPathMode"],
        serde_json::json!({ "int": 432 })
    );
    assert_eq!(
        d["KeepAlive"]["PathState"]["/var/run/daemon.off"],
        serde_json::json!({ "bool": false })
    );
    assert_eq!(
        d["ProgramArguments"],
        serde_json::json!(["daemond", "--flag"])
    );
    assert_eq!(
        d["Program"],
        serde_json::json!("/usr/local/libexec/daemond")
    );
    let agent = paths
        .iter()
        .find(|p| p.display().to_string().contains("org.example.agent"))
        .expect("agent plist");
    assert_eq!(
        got[agent.display().to_string()]["AssociatedBundleIdentifiers"],
        serde_json::json!("org.pqrs.Karabiner-Elements.Settings")
    );

    // libplist: XML → binary → XML keeps the tree.
    if !common::have_tool("plistutil") {
        return;
    }
    for p in &paths {
        let bin = dir.path().join("out.bin");
        let back = dir.path().join("back.plist");
        let _ = std::fs::remove_file(&bin);
        let _ = Command::new("plistutil")
            .arg("-i")
            .arg(p)
            .args(["-f", "bin", "-o"])
            .arg(&bin)
            .status();
        assert!(
            std::fs::read(&bin)
                .unwrap_or_default()
                .starts_with(b"bplist00")
        );
        let _ = Command::new("plistutil")
            .arg("-i")
            .arg(&bin)
            .args(["-f", "xml", "-o"])
            .arg(&back)
            .status();
        let a = Value::from_file(p).expect("ours");
        let b = Value::from_file(&back).expect("libplist's");
        assert_eq!(a, b, "{}", p.display());
    }
}

#[test]
fn a_null_in_a_launch_event_is_refused_not_dropped() {
    let svc = "  job:\n    description: d\n    layer: L3\n    scope: session\n    run:\n      program: /usr/local/bin/job\n      keep_alive: never\n      launch_events: { com.apple.notifyd.matching: { e: ~ } }\n";
    let (_t, ir, diags) = ir_of(svc);
    assert!(diags.is_empty(), "{diags:#?}");
    let codes: Vec<&str> = check(&ir).into_iter().map(|d| d.code).collect();
    assert_eq!(codes, ["launchd-raw-key-type"]);
    let r = skillc_backend_launchd::rules()
        .find(|r| r.id == "launchd-raw-key-type")
        .expect("rule");
    assert!(!r.configurable);
}
