//! Adversarial inputs: every class of hostile input gets a clear diagnostic (rule id and position
//! through `--format json`), the right exit code, and bounded time and memory.
//!
//! Fixtures are generated here, never committed. Every run of the binary goes through [`guarded`]:
//! a wall-clock limit (the process group is killed when it is exceeded) and, on Linux, the peak
//! RSS from `/usr/bin/time -f %M` (or `/proc/<pid>/status` `VmHWM` while polling when `time` is
//! absent; the memory assertion is skipped with a notice when neither works).

use crate::common;

use common::{repo, tool_available};
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Wall-clock limit of one run: a guard against hangs and blow-ups (a debug build on a loaded
/// 2-core machine), not a speed target; those are benchmarks (BENCHMARKS.md).
const TIME_LIMIT: Duration = Duration::from_secs(60);
/// Peak RSS limit of one run (the debug binary), in KiB.
const MEMORY_LIMIT_KB: u64 = 256 * 1024;

#[derive(Debug)]
struct Guarded {
    code: i32,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    /// Peak resident set size in KiB, when it could be measured.
    peak_kb: Option<u64>,
}

impl Guarded {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "bad JSON ({e}): {}\nstderr: {}",
                self.stdout.chars().take(2000).collect::<String>(),
                self.stderr
            )
        })
    }

    /// Exit 0 or 1, nothing that looks like a crash, within the time and memory limits.
    fn assert_sane(&self, what: &str) {
        assert!(
            matches!(self.code, 0 | 1),
            "{what}: exit {} (want 0 or 1)\nstderr: {}",
            self.code,
            self.stderr
        );
        assert!(
            !self.stderr.contains("internal error") && !self.stderr.contains("panicked"),
            "{what}: crashed\nstderr: {}",
            self.stderr
        );
        assert!(self.elapsed < TIME_LIMIT, "{what}: took {:?}", self.elapsed);
        if let Some(kb) = self.peak_kb {
            assert!(
                kb < MEMORY_LIMIT_KB,
                "{what}: peak RSS {kb} KiB (limit {MEMORY_LIMIT_KB} KiB)"
            );
        }
    }
}

fn gnu_time() -> Option<&'static Path> {
    let p = Path::new("/usr/bin/time");
    let works = Command::new(p)
        .args(["-f", "%M", "true"])
        .output()
        .is_ok_and(|o| o.status.success());
    works.then_some(p)
}

fn read_kb(path: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines().rev().find_map(|l| l.trim().parse().ok())
}

#[cfg(target_os = "linux")]
fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[cfg(not(target_os = "linux"))]
fn vm_hwm_kb(_pid: u32) -> Option<u64> {
    None
}

#[cfg(unix)]
fn own_process_group(cmd: &mut Command) {
    use std::os::unix::process::CommandExt as _;
    cmd.process_group(0);
}

#[cfg(not(unix))]
fn own_process_group(_cmd: &mut Command) {}

fn kill_group(child: &mut std::process::Child) {
    if cfg!(unix) {
        let _ = Command::new("kill")
            .args(["-s", "KILL", "--", &format!("-{}", child.id())])
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs `skillc args` in `cwd` under the time limit, measuring peak memory when possible.
fn guarded(args: &[&str], cwd: &Path) -> Guarded {
    let scratch = tempfile::tempdir().expect("scratch dir");
    let out_path = scratch.path().join("stdout");
    let err_path = scratch.path().join("stderr");
    let rss_path = scratch.path().join("rss");
    let time = gnu_time();
    let bin = env!("CARGO_BIN_EXE_skillc");
    let mut cmd = if let Some(t) = time {
        let mut c = Command::new(t);
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&rss_path)
            .arg(bin)
            .args(args);
        c
    } else {
        let mut c = Command::new(bin);
        c.args(args);
        c
    };
    cmd.current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env("SKILLC_CACHE_DIR", common::cache_dir())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"));
    own_process_group(&mut cmd);
    let start = Instant::now();
    let mut child = cmd.spawn().expect("spawn skillc");
    let mut polled_kb = None;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if time.is_none() {
            polled_kb = vm_hwm_kb(child.id()).max(polled_kb);
        }
        if start.elapsed() > TIME_LIMIT {
            kill_group(&mut child);
            panic!(
                "skillc {args:?} ran longer than {TIME_LIMIT:?}; killed\nstderr so far: {}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let elapsed = start.elapsed();
    let peak_kb = match time {
        Some(_) => read_kb(&rss_path),
        None => polled_kb,
    };
    Guarded {
        code: status.code().unwrap_or(-1),
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
        elapsed,
        peak_kb,
    }
}

/// `skillc check --format json PATHS` under the guard.
fn check(cwd: &Path, paths: &[&str]) -> Guarded {
    let mut args = vec!["check", "--format", "json"];
    args.extend_from_slice(paths);
    let run = guarded(&args, cwd);
    if run.peak_kb.is_none() {
        eprintln!("notice: peak memory not measurable here; memory assertion skipped");
    }
    run
}

fn codes(json: &Value) -> Vec<String> {
    json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| d["code"].as_str().expect("code").to_owned())
        .collect()
}

/// The one diagnostic with `code`; fails with the whole report otherwise.
fn only<'j>(json: &'j Value, code: &str) -> &'j Value {
    let found: Vec<&Value> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == code)
        .collect();
    assert_eq!(found.len(), 1, "want one `{code}`, got: {json:#}");
    found[0]
}

fn pos(d: &Value) -> (String, u64, u64) {
    (
        d["file"].as_str().expect("file").to_owned(),
        d["line"].as_u64().expect("line"),
        d["column"].as_u64().expect("column"),
    )
}

// ---------------------------------------------------------------------------------------------
// Fixtures

const FAMILY: &str = "family:
  name: adv
  version: 1.0.0
  description: Adversarial inputs.
  label_prefix: org.example.adv
";

const POLICY: &str = "policy:
  roles:
    owner: [me]
  rules:
    - { match: { risk: read_only }, outcome: auto }
    - { match: { risk: reversible }, outcome: auto }
    - { match: { risk: disruptive }, outcome: confirm }
    - { match: { risk: destructive }, outcome: deny }
  runners:
    owner: [\"*\"]
";

const SERVICES: &str = "services:
  notes:
    description: A small notes web app for the logged-in user.
    layer: L3
    scope: session
    capabilities: [serve_api]
    run:
      program: /usr/local/bin/notes-server
      args: [--listen, \"127.0.0.1:8765\"]
      start_timeout: 30s
      stdout: /Users/Shared/notes/notes.out.log
      stderr: /Users/Shared/notes/notes.err.log
    readiness:
      probe: 'http(\"http://127.0.0.1:8765/health\") == 200'
      timeout: 1s
      interval: 2s
      retries: 10
";

const SKILLS: &str = "skills:
  restart-when-unhealthy:
    title: The server runs but stopped answering its health check
    severity: medium
    applies_to: { layers: [L3] }
    detect: 'running(service) && !ready(service)'
    diagnose:
      - { id: show-state, action: launchctl.print, with: { target: service } }
    remediate:
      - id: restart-until-ready
        loop:
          max: 3
          backoff: 5s
          until: 'ready(service)'
          steps:
            - { id: kick, action: launchctl.kickstart, with: { target: service, kill: true } }
    verify: 'ready(service)'
    on_failure: escalate
";

/// A clean family `adv` in `dir`, with some files replaced.
fn family_in(dir: &Path, replace: &[(&str, &str)]) {
    let mut files = vec![
        ("family.yaml", FAMILY),
        ("policy.yaml", POLICY),
        ("services.yaml", SERVICES),
        ("skills.yaml", SKILLS),
    ];
    for (name, text) in replace {
        match files.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = text,
            None => files.push((name, text)),
        }
    }
    std::fs::create_dir_all(dir).expect("mkdir");
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("write");
    }
}

/// A temp dir holding the family `adv` in `fam/`.
fn family(replace: &[(&str, &str)]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    family_in(&tmp.path().join("fam"), replace);
    tmp
}

fn write_bytes(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join("fam").join(name), bytes).expect("write");
}

/// A service whose `run.launchd` escape hatch holds `value` under key `K` on line 9 (the one map
/// the schema leaves free-form, so the YAML limits are what stops the input).
fn launchd_value(value: &str) -> String {
    format!(
        "services:\n  notes:\n    description: d\n    layer: L3\n    scope: session\n    run:\n      program: /usr/local/bin/x\n      launchd:\n        K: {value}\n"
    )
}

// ---------------------------------------------------------------------------------------------
// The baseline

#[test]
fn the_fixture_family_is_clean() {
    let tmp = family(&[]);
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("clean family");
    let json = run.json();
    assert_eq!(run.code, 0, "{json:#}");
    assert_eq!(json["summary"]["errors"], 0, "{json:#}");
}

// ---------------------------------------------------------------------------------------------
// YAML bombs, nesting, size

#[test]
fn alias_bombs_are_refused_without_expanding_them() {
    // Billion laughs: ten levels of ten references each = 10^10 nodes when expanded.
    let mut bomb = String::from(
        "services:\n  notes:\n    description: d\n    layer: L3\n    scope: session\n    run:\n      program: /usr/local/bin/x\n      launchd:\n        A: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n",
    );
    let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
    for pair in names.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 10].join(", ");
        let _ = writeln!(
            bomb,
            "        {}: &{} [{refs}]",
            pair[1].to_uppercase(),
            pair[1]
        );
    }
    let tmp = family(&[("bomb.yaml", &bomb)]);
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("alias bomb");
    assert_eq!(run.code, 1);
    let json = run.json();
    let (file, line, _) = pos(only(&json, "yaml-limits"));
    assert_eq!(file, "fam/bomb.yaml");
    // The limit trips on one of the alias lines (9..=18), not at the top of the file.
    assert!((9..=18).contains(&line), "line {line}: {json:#}");

    // The same bomb under top-level keys: each unknown key is reported, at its key, and nothing
    // is expanded past the alias limits.
    let top = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n";
    let tmp = family(&[("bomb.yaml", top)]);
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("top-level alias bomb");
    assert_eq!(run.code, 1);
    let json = run.json();
    let found: Vec<(String, u64, u64)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "unknown-key")
        .map(pos)
        .collect();
    let want: Vec<(String, u64, u64)> = (1..=3).map(|l| ("fam/bomb.yaml".into(), l, 1)).collect();
    assert_eq!(found, want, "{json:#}");
}

#[test]
fn very_deep_nesting_is_refused_not_overflowed() {
    let depth = 100_000;
    let cases = [
        (
            "flow sequences",
            format!("{}{}", "[".repeat(depth), "]".repeat(depth)),
        ),
        (
            "flow mappings",
            format!("{}1{}", "{a: ".repeat(depth), "}".repeat(depth)),
        ),
        (
            "block sequences",
            format!("\n          {}x", "- ".repeat(depth)),
        ),
    ];
    for (what, value) in cases {
        let tmp = family(&[("deep.yaml", &launchd_value(&value))]);
        let run = check(tmp.path(), &["fam"]);
        run.assert_sane(what);
        assert_eq!(run.code, 1, "{what}");
        let json = run.json();
        let (file, line, _) = pos(only(&json, "yaml-limits"));
        assert_eq!(file, "fam/deep.yaml", "{what}");
        assert!((9..=10).contains(&line), "{what}: line {line}");
    }
    // Deep nesting where the schema expects a mapping stops at the first wrong type.
    let deep_services = format!("services: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let tmp = family(&[("deep.yaml", &deep_services)]);
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("deep services");
    assert_eq!(run.code, 1);
    let json = run.json();
    assert_eq!(codes(&json).len(), 1, "{json:#}");
    assert_eq!(json["diagnostics"][0]["line"], 1);
}

#[test]
fn a_file_over_the_size_limit_is_refused_without_being_read() {
    let tmp = family(&[]);
    // 20 MiB of real YAML comments, and a sparse 2 GiB file: both refused by size, neither read.
    let mut big = Vec::with_capacity(20 << 20);
    while big.len() < 20 << 20 {
        big.extend_from_slice(
            b"# padding padding padding padding padding padding padding padding\n",
        );
    }
    write_bytes(tmp.path(), "big.yaml", &big);
    let sparse = std::fs::File::create(tmp.path().join("fam/sparse.yaml")).expect("create");
    sparse.set_len(2 << 30).expect("sparse file");
    drop(sparse);
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("oversized files");
    assert_eq!(run.code, 1);
    let json = run.json();
    let too_large: Vec<_> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "file-too-large")
        .map(pos)
        .collect();
    assert_eq!(
        too_large,
        vec![
            ("fam/big.yaml".to_owned(), 1, 1),
            ("fam/sparse.yaml".to_owned(), 1, 1)
        ],
        "{json:#}"
    );
    assert_eq!(json["summary"]["errors"], 2, "{json:#}");
    if let Some(kb) = run.peak_kb {
        // Reading either file would take at least 20 MiB on top of the binary's own ~20 MiB.
        assert!(kb < 40 * 1024, "peak RSS {kb} KiB: the file was read");
    }
}

#[test]
fn a_five_mib_valid_file_checks_clean() {
    let mut text = String::from("services:\n");
    let mut n = 0;
    while text.len() < 5 << 20 {
        let _ = write!(
            text,
            "  svc-{n}:\n    description: >-\n      Synthetic service {n}. {pad}\n    layer: L3\n    scope: session\n    capabilities: [serve_api]\n    tags: [synthetic]\n    run:\n      program: /usr/local/bin/svc-{n}\n      args: [--listen, \"127.0.0.1:{port}\", --name, svc-{n}, --data, /Users/Shared/svc/{n}]\n      env: {{ RUST_LOG: info, SVC_ID: \"{n}\" }}\n      start_timeout: 30s\n      stdout: /Users/Shared/svc/{n}.out.log\n      stderr: /Users/Shared/svc/{n}.err.log\n    readiness:\n      probe: 'tcp(\"127.0.0.1:{port}\")'\n      timeout: 1s\n      interval: 2s\n      retries: 10\n",
            port = 10_000 + n % 50_000,
            pad = "It exists to make this file large and realistic. ".repeat(20),
        );
        n += 1;
    }
    let tmp = family(&[("services.yaml", &text)]);
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("5 MiB file");
    let json = run.json();
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(json["summary"]["errors"], 0);
    assert_eq!(json["summary"]["warnings"], 0, "{:?}", codes(&json));
    eprintln!(
        "5 MiB file ({n} services): {:?}, peak {:?} KiB",
        run.elapsed, run.peak_kb
    );
}

// ---------------------------------------------------------------------------------------------
// Encodings and bytes

#[test]
fn invalid_utf8_is_reported_at_the_offending_byte() {
    let cases: [(&str, &[u8], (u64, u64)); 3] = [
        // A lone continuation byte in a value: line 3, after `    description: "ab`.
        (
            "lone byte",
            b"services:\n  notes:\n    description: \"ab\xff\"\n",
            (3, 21),
        ),
        // An overlong encoding of '/' at the start of line 2.
        ("overlong", b"# ok\n\xc0\xaf\n", (2, 1)),
        // A multi-byte sequence cut off by the end of the file, after a valid 'é'.
        ("truncated", b"# \xc3\xa9 \xe2\x82", (1, 5)),
    ];
    for (what, bytes, (line, column)) in cases {
        let tmp = family(&[]);
        write_bytes(tmp.path(), "bad.yaml", bytes);
        let run = check(tmp.path(), &["fam"]);
        run.assert_sane(what);
        assert_eq!(run.code, 1, "{what}");
        let json = run.json();
        assert_eq!(
            pos(only(&json, "invalid-utf8")),
            ("fam/bad.yaml".to_owned(), line, column),
            "{what}: {json:#}"
        );
    }
}

#[test]
fn a_byte_order_mark_checks_cleanly() {
    let bom = |s: &str| format!("\u{feff}{s}");
    let (f, p, s, k) = (bom(FAMILY), bom(POLICY), bom(SERVICES), bom(SKILLS));
    let tmp = family(&[
        ("family.yaml", &f),
        ("policy.yaml", &p),
        ("services.yaml", &s),
        ("skills.yaml", &k),
    ]);
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("BOM");
    let json = run.json();
    assert_eq!(run.code, 0, "{json:#}");
    assert_eq!(codes(&json), Vec::<String>::new());

    // Positions after the BOM are not shifted.
    let broken = bom("services:\n  notes:\n    layr: L1\n");
    let tmp = family(&[("services.yaml", &broken)]);
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("BOM with an error");
    assert_eq!(
        pos(only(&run.json(), "unknown-key")),
        ("fam/services.yaml".to_owned(), 3, 5)
    );
}

#[test]
fn nul_bytes_are_reported_where_they_are() {
    let tmp = family(&[]);
    write_bytes(
        tmp.path(),
        "nul.yaml",
        b"skills: {}\n# a comment \0 with a NUL\n",
    );
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("NUL");
    assert_eq!(run.code, 1);
    assert_eq!(
        pos(only(&run.json(), "invalid-utf8")),
        ("fam/nul.yaml".to_owned(), 2, 13)
    );
}

#[test]
fn tabs_in_indentation_are_a_yaml_syntax_error() {
    let tmp = family(&[("tabs.yaml", "skills:\n\tx: {}\n")]);
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("tabs");
    assert_eq!(run.code, 1);
    let json = run.json();
    let (file, line, column) = pos(only(&json, "yaml-syntax"));
    assert_eq!((file.as_str(), line), ("fam/tabs.yaml", 2), "{json:#}");
    assert!(column <= 2, "column {column}: {json:#}");
}

#[test]
fn duplicate_keys_are_reported_at_the_second_occurrence() {
    // A duplicate top-level section, and a service defined twice in one mapping.
    let twice = SERVICES.replace("services:\n", "");
    let services = format!("services:\n{twice}{twice}");
    let second = u64::try_from(SERVICES.lines().count()).expect("lines") + 1;
    let cases = [
        (
            "sections",
            "skills: {}\nskills: {}\n".to_owned(),
            "dup.yaml",
            (2, 1),
        ),
        ("services", services, "services.yaml", (second, 3)),
    ];
    for (what, text, name, (line, column)) in cases {
        let tmp = family(&[(name, &text)]);
        let run = check(tmp.path(), &["fam"]);
        run.assert_sane(what);
        assert_eq!(run.code, 1, "{what}");
        assert_eq!(
            pos(only(&run.json(), "duplicate-key")),
            (format!("fam/{name}"), line, column),
            "{what}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Hostile strings in every field that reaches a plist or a script

/// Values that try to break out of XML, shell quoting, argv boundaries or the terminal.
fn hostile_values() -> Vec<(&'static str, String)> {
    vec![
        ("quotes", r#"it's "quoted" \ back\slash"#.to_owned()),
        (
            "command substitution",
            "$(touch /tmp/skillc-pwned)".to_owned(),
        ),
        ("backticks", "`touch /tmp/skillc-pwned`".to_owned()),
        (
            "shell metacharacters",
            "a; rm -rf / # && | > < * ? ~ ! { }".to_owned(),
        ),
        ("variables", "${HOME} $PATH %s %n".to_owned()),
        ("newline", "line one\nline two".to_owned()),
        ("carriage return", "one\r\ntwo\rthree".to_owned()),
        ("tab", "a\tb".to_owned()),
        ("NUL", "a\0b".to_owned()),
        ("U+0001", "a\u{1}b".to_owned()),
        ("escape sequence", "\u{1b}[31mred\u{1b}[0m\u{7}".to_owned()),
        (
            "C1 and separators",
            "\u{7f}\u{85}\u{2028}\u{2029}".to_owned(),
        ),
        ("noncharacter", "a\u{fffe}b\u{ffff}".to_owned()),
        ("bidi override", "abc\u{202e}fed".to_owned()),
        (
            "xml",
            "]]></string><key>evil</key><!-- &amp; &#0;".to_owned(),
        ),
        ("leading dash", "-rf".to_owned()),
        ("double dash", "--".to_owned()),
        ("traversal", "../../../etc/passwd".to_owned()),
        ("empty", String::new()),
        ("spaces", "  padded  ".to_owned()),
        ("unicode", "é 日本 🙂".to_owned()),
        ("placeholder", "{param.nope}{service.id}".to_owned()),
        ("long", "x".repeat(100_000)),
    ]
}

/// A YAML double-quoted scalar holding exactly `s`.
fn yaml_quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control()
                || matches!(
                    c,
                    '\u{2028}' | '\u{2029}' | '\u{fffe}' | '\u{ffff}' | '\u{feff}'
                ) =>
            {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Every field that reaches a plist or a script: (name, file, template). `@V@` is replaced by the
/// quoted hostile value, `@P@` by the quoted value under an absolute directory.
const FIELDS: &[(&str, &str, &str)] = &[
    (
        "service.description",
        "services.yaml",
        "    description: @V@\n",
    ),
    ("service.label", "services.yaml", "    label: @V@\n"),
    ("service.bus", "services.yaml", "    bus: @V@\n"),
    ("service.docs", "services.yaml", "    docs: @V@\n"),
    ("run.program", "services.yaml", "      program: @P@\n"),
    ("run.args", "services.yaml", "      args: [@V@, --x]\n"),
    (
        "run.env value",
        "services.yaml",
        "      env: { RUST_LOG: @V@ }\n",
    ),
    ("run.env key", "services.yaml", "      env: { @V@: x }\n"),
    (
        "run.working_dir",
        "services.yaml",
        "      working_dir: @P@\n",
    ),
    ("run.stdout", "services.yaml", "      stdout: @P@\n"),
    ("run.argv0", "services.yaml", "      argv0: @V@\n"),
    ("run.stdin", "services.yaml", "      stdin: @P@\n"),
    (
        "run.root_directory",
        "services.yaml",
        "      root_directory: @P@\n",
    ),
    (
        "run.watch_paths",
        "services.yaml",
        "      watch_paths: [@P@]\n",
    ),
    (
        "run.mach_services",
        "services.yaml",
        "      mach_services: { @V@: true }\n",
    ),
    (
        "run.sockets",
        "services.yaml",
        "      sockets: { s: { path_name: @P@, bonjour: @V@ } }\n",
    ),
    (
        "run.keep_alive",
        "services.yaml",
        "      keep_alive: { path_state: { @P@: true } }\n",
    ),
    (
        "run.associated_bundle_identifiers",
        "services.yaml",
        "      associated_bundle_identifiers: @V@\n",
    ),
    (
        "run.launch_events",
        "services.yaml",
        "      launch_events: { com.apple.notifyd.matching: { e: { Notification: @V@ } } }\n",
    ),
    ("run.stderr", "services.yaml", "      stderr: @P@\n"),
    ("family.description", "family.yaml", "  description: @V@\n"),
    ("skill.title", "skills.yaml", "    title: @V@\n"),
    ("skill.description", "skills.yaml", "    description: @V@\n"),
    (
        "notify.message",
        "skills.yaml",
        "      - { id: say, action: notify, with: { message: @V@ } }\n",
    ),
    (
        "run.argv",
        "skills.yaml",
        "      - { id: look, action: run, with: { argv: [/bin/echo, @V@], risk: read_only } }\n",
    ),
    (
        "param default",
        "skills.yaml",
        "    params: { note: { type: string, default: @V@ } }\n",
    ),
    (
        "fs path",
        "skills.yaml",
        "      - { id: aside, action: fs.move_aside, with: { path: @P@ } }\n",
    ),
    (
        "step description",
        "skills.yaml",
        "      - { id: kick2, action: launchctl.kickstart, description: @V@, with: { target: service } }\n",
    ),
    ("role member", "policy.yaml", "    owner: [me, @V@]\n"),
];

/// Inserts (or substitutes) the field line into the clean fixture; returns the file text and the
/// 1-based line the hostile value is on.
fn with_field(field: &str, file: &str, line: &str) -> (String, u64) {
    let base = match file {
        "services.yaml" => SERVICES,
        "skills.yaml" => SKILLS,
        "family.yaml" => FAMILY,
        _ => POLICY,
    };
    let key = line.trim_start().split(':').next().unwrap_or_default();
    let lines: Vec<&str> = base.lines().collect();
    // Replace the line holding the same key; otherwise insert after a known anchor.
    let existing = lines.iter().position(|l| {
        l.trim_start().starts_with(&format!("{key}:"))
            && l.len() - l.trim_start().len() == line.len() - line.trim_start().len()
    });
    let (at, replace) = if let Some(i) = existing.filter(|_| !line.trim_start().starts_with("- ")) {
        (i, true)
    } else {
        let anchor = match field {
            "run.env value"
            | "run.env key"
            | "run.working_dir"
            | "run.argv0"
            | "run.stdin"
            | "run.root_directory"
            | "run.watch_paths"
            | "run.mach_services"
            | "run.sockets"
            | "run.keep_alive"
            | "run.associated_bundle_identifiers"
            | "run.launch_events" => "      start_timeout:",
            "service.label" | "service.bus" | "service.docs" => "    layer:",
            "skill.description" | "param default" => "    severity:",
            "notify.message" | "run.argv" => "      - { id: show-state",
            "fs path" | "step description" => "      - id: restart-until-ready",
            other => panic!("no anchor for {other}"),
        };
        let i = lines
            .iter()
            .position(|l| l.starts_with(anchor))
            .unwrap_or_else(|| panic!("anchor {anchor:?}"));
        (i, false)
    };
    let mut out: Vec<String> = lines.iter().map(|l| (*l).to_owned()).collect();
    let new = line.trim_end_matches('\n').to_owned();
    if replace {
        out[at] = new;
    } else {
        out.insert(at, new);
    }
    (out.join("\n") + "\n", u64::try_from(at + 1).expect("line"))
}

#[test]
fn hostile_strings_are_accepted_or_reported_precisely() {
    let mut cases = Vec::new();
    for (field, file, template) in FIELDS {
        for (what, value) in hostile_values() {
            let quoted = yaml_quoted(&value);
            let line = template
                .replace("@V@", &quoted)
                .replace("@P@", &yaml_quoted(&format!("/opt/adv/{value}")));
            cases.push((*field, *file, what, line));
        }
    }
    let results: Vec<(String, Vec<String>)> = std::thread::scope(|s| {
        let chunks: Vec<_> = cases.chunks(cases.len().div_ceil(4)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|(field, file, what, line)| {
                            let (text, at) = with_field(field, file, line);
                            let tmp = family(&[(file, &text)]);
                            let run = check(tmp.path(), &["fam"]);
                            let case = format!("{what} in {field}");
                            run.assert_sane(&case);
                            let json = run.json();
                            for d in json["diagnostics"].as_array().expect("diagnostics") {
                                if d["severity"] != "error" {
                                    continue;
                                }
                                let (f, l, _) = pos(d);
                                assert_eq!(
                                    (f.as_str(), l),
                                    (format!("fam/{file}").as_str(), at),
                                    "{case}: an error away from the hostile value: {d:#}\n{text}"
                                );
                            }
                            assert_eq!(run.code == 1, json["summary"]["errors"] != 0, "{case}");
                            (case, codes(&json))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("worker"))
            .collect()
    });
    // What check reports for each case; `cargo test -- --nocapture` shows it.
    for (case, codes) in &results {
        eprintln!(
            "{case}: {}",
            if codes.is_empty() {
                "accepted".to_owned()
            } else {
                codes.join(", ")
            }
        );
    }
    assert_eq!(results.len(), FIELDS.len() * hostile_values().len());
}

#[test]
fn nul_in_a_parameter_default_that_reaches_a_command_is_an_error_at_the_default() {
    let skills = SKILLS
        .replace(
            "    severity: medium\n",
            "    severity: medium\n    params: { note: { type: string, default: \"a\\0b\" } }\n",
        )
        .replace(
            "    diagnose:\n",
            "    diagnose:\n      - { id: say, action: run, with: { argv: [/bin/echo, \"{param.note}\"], risk: read_only } }\n",
        );
    let tmp = family(&[("skills.yaml", &skills)]);
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("NUL in a parameter default");
    assert_eq!(run.code, 1, "{}", run.stdout);
    let json = run.json();
    let d = only(&json, "action-argument");
    assert_eq!(pos(d), ("fam/skills.yaml".to_owned(), 5, 46), "{d:#}");
    assert!(
        d["message"].as_str().expect("message").contains("NUL"),
        "{d:#}"
    );
}

#[test]
fn raw_control_characters_in_the_file_are_reported_in_place() {
    // Not escaped: U+0001 and ESC written into the file itself, which YAML does not allow.
    for (what, c) in [("U+0001", '\u{1}'), ("ESC", '\u{1b}'), ("U+0085", '\u{85}')] {
        let text = SERVICES.replace(
            "    description: A small notes",
            &format!("    description: A {c} small notes"),
        );
        let tmp = family(&[("services.yaml", &text)]);
        let run = check(tmp.path(), &["fam"]);
        run.assert_sane(what);
        let json = run.json();
        for d in json["diagnostics"].as_array().expect("diagnostics") {
            if d["severity"] == "error" {
                assert_eq!(d["line"], 3, "{what}: {json:#}");
            }
        }
        eprintln!("raw {what}: exit {}, {:?}", run.code, codes(&json));
    }
}

// ---------------------------------------------------------------------------------------------
// Path traversal through ids and labels

#[test]
fn ids_that_try_path_traversal_are_invalid_ids() {
    for id in ["../x", "/abs", "a/b", "..", "x/../../y"] {
        let quoted = yaml_quoted(id);
        // (what, file, text, line, column of the id)
        let services = SERVICES.replace("  notes:", &format!("  {quoted}:"));
        let skills = SKILLS.replace("  restart-when-unhealthy:", &format!("  {quoted}:"));
        let fam = FAMILY.replace("name: adv", &format!("name: {quoted}"));
        let cases = [
            ("service id", "services.yaml", services, 2, 3),
            ("skill id", "skills.yaml", skills, 2, 3),
            ("family name", "family.yaml", fam, 2, 9),
        ];
        for (what, file, text, line, column) in cases {
            let tmp = family(&[(file, &text)]);
            let run = check(tmp.path(), &["fam"]);
            let case = format!("{what} {id:?}");
            run.assert_sane(&case);
            assert_eq!(run.code, 1, "{case}");
            let json = run.json();
            assert_eq!(
                pos(only(&json, "invalid-id")),
                (format!("fam/{file}"), line, column),
                "{case}: {json:#}"
            );
        }
    }
}

#[test]
fn labels_that_try_path_traversal_never_crash() {
    for label in [
        "../x",
        "/abs",
        "a/b",
        "..",
        ".",
        "org/../../x",
        "org.x/..",
        "org..x",
    ] {
        let text = SERVICES.replace(
            "    layer: L3",
            &format!("    label: {}\n    layer: L3", yaml_quoted(label)),
        );
        let tmp = family(&[("services.yaml", &text)]);
        let run = check(tmp.path(), &["fam"]);
        let case = format!("label {label:?}");
        run.assert_sane(&case);
        let json = run.json();
        if run.code == 1 {
            let on_label = json["diagnostics"]
                .as_array()
                .expect("diagnostics")
                .iter()
                .any(|d| d["severity"] == "error" && d["line"] == 4);
            assert!(on_label, "{case}: no error on the label line: {json:#}");
        }
        eprintln!("{case}: exit {}, {:?}", run.code, codes(&json));
    }
    // A label prefix that walks out of the output directory.
    let fam = FAMILY.replace(
        "label_prefix: org.example.adv",
        "label_prefix: \"../../etc\"",
    );
    let tmp = family(&[("family.yaml", &fam)]);
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("label_prefix ../../etc");
    eprintln!("label_prefix: exit {}, {:?}", run.code, codes(&run.json()));
}

// ---------------------------------------------------------------------------------------------
// The file system

#[cfg(unix)]
#[test]
fn symlink_loops_in_a_family_are_read_errors() {
    use std::os::unix::fs::symlink;
    let tmp = family(&[]);
    let fam = tmp.path().join("fam");
    std::fs::create_dir_all(fam.join("sub")).expect("mkdir");
    symlink("../sub", fam.join("sub/loop")).expect("dir loop");
    symlink("self.yaml", fam.join("self.yaml")).expect("self loop");
    symlink("b.yaml", fam.join("a.yaml")).expect("a -> b");
    symlink("a.yaml", fam.join("b.yaml")).expect("b -> a");
    symlink("/nonexistent/skillc", fam.join("dangling.yaml")).expect("dangling");
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("symlink loops");
    assert_eq!(run.code, 1);
    let json = run.json();
    let mut errors: Vec<(String, u64, u64)> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "read-error")
        .map(pos)
        .collect();
    errors.sort();
    let want: Vec<(String, u64, u64)> =
        ["a.yaml", "b.yaml", "dangling.yaml", "self.yaml", "sub/loop"]
            .iter()
            .map(|f| (format!("fam/{f}"), 1, 1))
            .collect();
    assert_eq!(errors, want, "{json:#}");
    assert_eq!(json["summary"]["errors"], 5, "{json:#}");
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_directories_are_read_errors() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = family(&[]);
    let fam = tmp.path().join("fam");
    std::fs::write(fam.join("locked.yaml"), "skills: {}\n").expect("write");
    std::fs::create_dir_all(fam.join("closed")).expect("mkdir");
    std::fs::write(fam.join("closed/inner.yaml"), "skills: {}\n").expect("write");
    let set = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).expect("chmod");
    };
    set(&fam.join("locked.yaml"), 0o000);
    set(&fam.join("closed"), 0o000);
    if std::fs::read(fam.join("locked.yaml")).is_ok() {
        set(&fam.join("closed"), 0o755);
        eprintln!("notice: running as root (chmod 000 is still readable); skipping");
        return;
    }
    let run = check(tmp.path(), &["fam"]);
    set(&fam.join("closed"), 0o755);
    set(&fam.join("locked.yaml"), 0o644);
    run.assert_sane("unreadable");
    assert_eq!(run.code, 1);
    let json = run.json();
    let mut errors: Vec<_> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "read-error")
        .map(pos)
        .collect();
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("fam/closed".to_owned(), 1, 1),
            ("fam/locked.yaml".to_owned(), 1, 1)
        ],
        "{json:#}"
    );
}

/// A `*.yaml` that is a FIFO or a character device must be refused as "not a regular file", not
/// read: today a FIFO blocks skillc forever and `/dev/zero` grows its memory without bound.
#[cfg(unix)]
#[test]
fn special_files_in_a_family_are_read_errors_not_hangs() {
    for (what, make) in [("fifo", "mkfifo"), ("device", "ln")] {
        let tmp = family(&[]);
        let target = tmp.path().join("fam/special.yaml");
        let ok = match make {
            "mkfifo" => Command::new("mkfifo").arg(&target).status(),
            _ => Command::new("ln")
                .arg("-s")
                .arg("/dev/zero")
                .arg(&target)
                .status(),
        }
        .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("notice: cannot create a {what} here; skipping");
            continue;
        }
        let run = check(tmp.path(), &["fam"]);
        run.assert_sane(what);
        assert_eq!(run.code, 1, "{what}");
        assert_eq!(
            pos(only(&run.json(), "read-error")),
            ("fam/special.yaml".to_owned(), 1, 1),
            "{what}"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Build output directories (enable when `skillc build` lands)

fn build(cwd: &Path, out: &Path) -> Guarded {
    let out = out.to_str().expect("utf-8 path");
    guarded(&["build", "fam", "--out", out], cwd)
}

#[test]
fn build_refuses_an_output_path_that_is_a_file() {
    let tmp = family(&[]);
    let out = tmp.path().join("out");
    std::fs::write(&out, "precious\n").expect("write");
    let run = build(tmp.path(), &out);
    assert_eq!(run.code, 2, "stderr: {}", run.stderr);
    assert!(run.stderr.contains("out"), "names the path: {}", run.stderr);
    assert_eq!(
        std::fs::read_to_string(&out).expect("still a file"),
        "precious\n"
    );
    let leftovers: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n != "fam" && n != "out")
        .collect();
    assert!(
        leftovers.is_empty(),
        "partial output left behind: {leftovers:?}"
    );
}

#[cfg(unix)]
#[test]
fn build_refuses_an_unwritable_output_directory() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = family(&[]);
    let parent = tmp.path().join("ro");
    std::fs::create_dir_all(&parent).expect("mkdir");
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o555)).expect("chmod");
    if std::fs::write(parent.join("probe"), "").is_ok() {
        std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        eprintln!("notice: running as root (a 0555 directory is still writable); skipping");
        return;
    }
    let run = build(tmp.path(), &parent.join("out"));
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    assert!(
        matches!(run.code, 1 | 2),
        "exit {}: {}",
        run.code,
        run.stderr
    );
    assert!(!run.stderr.contains("internal error"), "{}", run.stderr);
    assert!(!parent.join("out").exists(), "partial output");
}

/// Hostile values that `check` accepts come out of `build` intact: every plist parses (Python's
/// plistlib) and holds the value verbatim, and every generated shell script passes `sh -n`.
#[test]
fn hostile_values_survive_build_verbatim() {
    if !tool_available("python3", &["-c", "import plistlib"]) {
        return;
    }
    for (what, value) in hostile_values() {
        let args_line = format!("      args: [{}, --x]", yaml_quoted(&value));
        let text = SERVICES.replace("      args: [--listen, \"127.0.0.1:8765\"]", &args_line);
        let tmp = family(&[("services.yaml", &text)]);
        let checked = check(tmp.path(), &["fam"]);
        checked.assert_sane(what);
        if checked.code != 0 {
            continue; // refused by check: nothing to build
        }
        let out = tmp.path().join("out");
        let run = build(tmp.path(), &out);
        assert_eq!(run.code, 0, "{what}: {}", run.stderr);
        let files = all_files(&out);
        let plists: Vec<_> = files
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "plist"))
            .collect();
        assert!(!plists.is_empty(), "{what}: no plist in {files:?}");
        let found = Command::new("python3")
            .arg("-c")
            .arg(
                "import plistlib,sys\nwant=sys.stdin.read()\ndef walk(v):\n  if isinstance(v,str): return v==want\n  if isinstance(v,dict): return any(walk(x) for x in v.values())\n  if isinstance(v,list): return any(walk(x) for x in v)\n  return False\nprint(any(walk(plistlib.load(open(p,'rb'))) for p in sys.argv[1:]))",
            )
            .args(plists.iter().map(|p| p.as_os_str()))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .and_then(|mut c| {
                use std::io::Write as _;
                c.stdin.take().expect("stdin").write_all(value.as_bytes())?;
                c.wait_with_output()
            })
            .expect("python3");
        assert_eq!(
            String::from_utf8_lossy(&found.stdout).trim(),
            "True",
            "{what}: the argument is not in any plist verbatim ({})",
            String::from_utf8_lossy(&found.stderr)
        );
        for script in files.iter().filter(|p| {
            std::fs::read(p)
                .is_ok_and(|b| b.starts_with(b"#!/bin/sh") || b.starts_with(b"#!/bin/bash"))
        }) {
            let ok = Command::new("sh")
                .arg("-n")
                .arg(script)
                .status()
                .expect("sh");
            assert!(ok.success(), "{what}: {} does not parse", script.display());
        }
    }
}

fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The shipped families stay clean under the guard, fast.
#[test]
fn the_shipped_families_check_clean_within_limits() {
    let run = check(&repo(), &["skills", "examples/minimal"]);
    run.assert_sane("shipped families");
    assert_eq!(run.code, 0, "{}", run.stdout);
}

/// A family directory the user cannot read is an error (exit 2, "permission denied"), given
/// directly or found under a parent, never a silent "no findings". Run as a second local user
/// (nobody), since root reads everything.
#[test]
fn an_unreadable_family_is_an_error_not_silence() {
    use std::os::unix::fs::PermissionsExt;
    let root = Command::new("id").arg("-u").output().expect("id").stdout == b"0\n";
    if root && !common::tool_available("setpriv", &["--version"]) {
        return;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let fam = dir.path().join("fam");
    std::fs::create_dir_all(&fam).expect("mkdir");
    std::fs::write(fam.join("family.yaml"), "family:\n  name: fam\n").expect("write");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    std::fs::set_permissions(&fam, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    // A copy of the binary nobody can run, wherever the checkout is (CI's may be under /root).
    let bin = dir.path().join("skillc");
    std::fs::copy(env!("CARGO_BIN_EXE_skillc"), &bin).expect("copy");
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    for arg in [fam.clone(), dir.path().to_path_buf()] {
        let mut c = if root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid", "65534", "--regid", "65534", "--clear-groups"])
                .arg(&bin);
            c
        } else {
            Command::new(env!("CARGO_BIN_EXE_skillc"))
        };
        let o = c
            .args(["check", "--format", "short"])
            .arg(&arg)
            .current_dir("/")
            .env("SKILLC_NO_CACHE", "1")
            .output()
            .expect("run");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{}: {err}", arg.display());
        assert!(
            err.contains(&format!("{}: permission denied", fam.display())),
            "{err}"
        );
        assert!(!err.contains("no skill family here"), "{err}");
    }
    std::fs::set_permissions(&fam, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

/// A directory named skillc.toml is an error, not ignored.
#[test]
fn a_directory_named_like_the_config_is_an_error() {
    let dir = common::tree(&[(
        "fam/family.yaml",
        "family:\n  name: fam\n  version: 1.0.0\n  description: A family.\n  label_prefix: org.example\n",
    )]);
    std::fs::create_dir_all(dir.path().join("skillc.toml")).expect("mkdir");
    let run = common::skillc(&["check", "fam"], dir.path());
    assert_eq!(run.code, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("is a directory, not a skillc configuration file"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------------
// The committed corpus: tests/fixtures/adversarial/<case>/ is a family, <case>.expected.json the
// findings it must produce at their exact positions and what the summary says was not analysed.
// `SKILLC_BLESS=1` rewrites the expectations (read the diff before committing it).

fn corpus_dir() -> PathBuf {
    repo().join("tests/fixtures/adversarial")
}

fn corpus_cases() -> Vec<String> {
    let mut cases: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("corpus dir")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    cases.sort();
    cases
}

/// What a case produced: findings reduced to rule and position, and the summary's account of
/// what was not analysed.
fn observed(case: &str) -> Value {
    let run = check(&corpus_dir(), &[case]);
    run.assert_sane(case);
    let json = run.json();
    let findings: Vec<Value> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            serde_json::json!({
                "code": d["code"],
                "file": d["file"],
                "line": d["line"],
                "column": d["column"],
                "end_line": d["end_line"],
                "end_column": d["end_column"],
            })
        })
        .collect();
    serde_json::json!({
        "exit": run.code,
        "findings": findings,
        "not_analysed": json["summary"]["not_analysed"].as_array().cloned().unwrap_or_default(),
    })
}

#[test]
fn every_corpus_case_gives_its_expected_findings_at_their_exact_positions() {
    let cases = corpus_cases();
    assert!(cases.len() >= 7, "corpus cases: {cases:?}");
    let bless = std::env::var("SKILLC_BLESS").as_deref() == Ok("1");
    let mut failures = Vec::new();
    for case in &cases {
        let got = observed(case);
        let path = corpus_dir().join(format!("{case}.expected.json"));
        let text = serde_json::to_string_pretty(&got).expect("json") + "\n";
        if bless {
            std::fs::write(&path, &text).expect("bless");
            continue;
        }
        let want = std::fs::read_to_string(&path).unwrap_or_default();
        if want != text {
            failures.push(format!("{case}: want\n{want}\ngot\n{text}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n(SKILLC_BLESS=1 rewrites the expectations)",
        failures.join("\n")
    );
}

/// 26 independent errors of 25 kinds in one file, one per service (structure, lowering,
/// analysis and the launchd backend's checks): every one is reported in one run.
#[test]
fn a_file_with_many_independent_errors_reports_every_one() {
    let got = observed("every-error");
    let findings = got["findings"].as_array().expect("findings");
    let in_services: Vec<&Value> = findings
        .iter()
        .filter(|f| f["file"] == "every-error/services.yaml")
        .collect();
    assert_eq!(in_services.len(), 26, "{got:#}");
    assert_eq!(findings.len(), 26, "{got:#}");
    let mut kinds: Vec<&str> = in_services
        .iter()
        .map(|f| f["code"].as_str().expect("code"))
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds.len(), 25, "{kinds:?}");
    // Independent: no two findings on one line.
    let mut lines: Vec<u64> = in_services
        .iter()
        .map(|f| f["line"].as_u64().expect("line"))
        .collect();
    lines.dedup();
    assert_eq!(lines.len(), 26);
}

/// A service that failed to lower is not "unknown" to the services that require it: they are
/// left out of the analysis and the summary says why.
#[test]
fn a_reference_to_a_broken_service_is_not_unknown_and_its_dependents_are_listed() {
    let got = observed("one-service-many-errors");
    let codes: Vec<&str> = got["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"].as_str().expect("code"))
        .collect();
    assert!(!codes.contains(&"unresolved-reference"), "{got:#}");
    assert_eq!(
        codes,
        [
            "invalid-value",
            "invalid-value",
            "invalid-value",
            "self-dependency"
        ]
    );
    let skipped: Vec<(&str, &str)> = got["not_analysed"]
        .as_array()
        .expect("not_analysed")
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().expect("kind"),
                n["name"].as_str().expect("name"),
            )
        })
        .collect();
    assert_eq!(
        skipped,
        [
            ("family", "one"),
            ("service", "one/broken"),
            ("service", "one/needs-broken")
        ]
    );
}

/// No message names the YAML library's API or Rust types, and a wrong type is `invalid-type`.
#[test]
fn every_message_is_skillcs_own() {
    let jargon = [
        "Option<",
        "from_str",
        "weak recursion",
        "untagged enum",
        "configured policy",
        "scalar",
        "mapping start",
        "sequence start",
        "struct ",
        "u32",
        "u64",
        "i64",
        "f64",
        "deserializ",
    ];
    for case in corpus_cases() {
        let run = check(&corpus_dir(), &[&case]);
        let json = run.json();
        for d in json["diagnostics"].as_array().expect("diagnostics") {
            let text = format!(
                "{} {} {}",
                d["message"].as_str().unwrap_or(""),
                d["help"].as_str().unwrap_or(""),
                d["notes"]
            );
            for word in jargon {
                assert!(!text.contains(word), "{case}: `{word}` in {d:#}");
            }
        }
    }
    let got = observed("library-words");
    let codes: Vec<(&str, &str)> = got["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["file"].as_str().expect("file"),
                f["code"].as_str().expect("code"),
            )
        })
        .collect();
    assert_eq!(
        codes,
        [
            ("library-words/inf.yaml", "invalid-type"),
            ("library-words/map-for-string.yaml", "invalid-type"),
            ("library-words/null.yaml", "invalid-type"),
            ("library-words/recursive.yaml", "yaml-limits"),
            ("library-words/two-documents.yaml", "yaml-syntax"),
            ("library-words/with-value.yaml", "invalid-type"),
        ]
    );
}

/// The human summary says what analysis left out and why, one line each, after the counts.
#[test]
fn the_human_summary_says_what_was_not_analysed() {
    let run = guarded(&["check", "one-service-many-errors"], &corpus_dir());
    run.assert_sane("human summary");
    let tail: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("skillc: "))
        .collect();
    assert_eq!(
        tail,
        [
            "skillc: 4 errors, 0 warnings, 0 notes (2 files in 1 family)",
            "skillc: analysis skipped 3 parts (fix the errors above to analyse them):",
            "  one-service-many-errors/family.yaml:1:1: family `one`: part of it, or of a family it imports or that imports it, could not be analysed; uncovered-service, unreachable-skill, policy-uncovered are skipped",
            "  one-service-many-errors/services.yaml:2:3: service `one/broken`: it has an error (`invalid-value` at 4:12)",
            "  one-service-many-errors/services.yaml:9:3: service `one/needs-broken`: it refers to `broken`, which could not be analysed",
        ],
        "{}",
        run.stdout
    );
    // A clean family's summary has no such line.
    let run = guarded(&["check", "../../../examples/minimal"], &corpus_dir());
    assert!(!run.stdout.contains("analysis skipped"), "{}", run.stdout);
}

/// Finding every error costs about one decode of the file, not one per error: 1,500 services
/// with 110 typos report the first 100 (the per-file limit, said in a note) within the limits.
#[test]
fn many_errors_in_a_large_file_are_found_in_bounded_time() {
    let mut services = String::from("services:\n");
    for i in 0..1500 {
        let key = if i % 13 == 0 && i / 13 < 110 {
            "layr"
        } else {
            "layer"
        };
        let _ = write!(
            services,
            "  s{i}:\n    description: service {i}, padded with some words of text\n    {key}: L2\n    scope: daemon\n    run: {{ program: /usr/local/bin/s{i}, args: [--port, '{i}'] }}\n"
        );
    }
    let tmp = family(&[("services.yaml", &services)]);
    let run = check(tmp.path(), &["fam"]);
    run.assert_sane("many errors");
    let json = run.json();
    let typos: Vec<&Value> = json["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["code"] == "unknown-key")
        .collect();
    assert_eq!(typos.len(), 100, "{}", typos.len());
    // In file order, one per broken service: s0, s13, s26, ...
    for (n, d) in typos.iter().enumerate() {
        assert_eq!(d["line"].as_u64(), Some(2 + 13 * 5 * n as u64 + 2), "{d:#}");
    }
    let note = typos[99]["notes"].to_string();
    assert!(note.contains("stopped looking for more errors"), "{note}");
}
