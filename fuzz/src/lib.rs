//! The fuzz targets of skillc, as plain functions.
//!
//! `fuzz_targets/*.rs` hand libFuzzer's input to these; `src/bin/replay.rs` runs the same
//! functions over corpus directories on stable Rust. Each target panics on a broken invariant, which
//! both harnesses report as a crash:
//!
//! - [`load`]: bytes → `skillc_syntax::parse_document`. Never panics; an error has a span inside the
//!   file, on character boundaries, and a message.
//! - [`expr`]: bytes → `skillc_expr::parse` + `typecheck` in a skill and a probe environment. Every
//!   span lies inside the expression's origin.
//! - [`pipeline`]: bytes → a family directory in a temp dir → `load_paths` → `lower` → (`analyze`
//!   when lowering found no error) → the short and human renderers. Every span lies inside its file.

use skillc_diagnostics::{Diagnostic, FileId, SourceMap, Span, render_human, render_short};
use skillc_expr::{Origin, Type, TypeEnv};
use std::path::PathBuf;

/// Separates the files of a [`pipeline`] input. `0xFF` never occurs in UTF-8, so seeds made of
/// valid files split exactly; the fuzzer may still put it anywhere.
pub const FILE_SEPARATOR: u8 = 0xFF;

/// Parses one YAML document.
pub fn load(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut map = SourceMap::new();
    let id = map.add("fuzz.yaml", text);
    let Some(file) = map.get(id) else {
        return;
    };
    if let Err(d) = skillc_syntax::parse_document(file, id) {
        let span = d.span.expect("every load error has a span");
        assert!(
            span.start <= span.end && span.end as usize <= text.len(),
            "span {span:?} outside the file of {} bytes: {d:?}",
            text.len()
        );
        assert!(
            text.is_char_boundary(span.start as usize) && text.is_char_boundary(span.end as usize),
            "span {span:?} splits a character: {d:?}"
        );
        assert!(!d.message.is_empty(), "empty message: {d:?}");
    }
}

/// A skill's parameters: one of each type.
#[derive(Debug)]
struct Env {
    params: bool,
}

const PARAMS: &[(&str, Type)] = &[
    ("lock", Type::String),
    ("port", Type::Int),
    ("grace", Type::Duration),
    ("peer", Type::Service),
    ("flag", Type::Bool),
];

impl TypeEnv for Env {
    fn param_type(&self, name: &str) -> Option<Type> {
        PARAMS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
    }
    fn param_names(&self) -> Vec<String> {
        PARAMS.iter().map(|(n, _)| (*n).to_owned()).collect()
    }
    fn allows_service(&self) -> bool {
        true
    }
    fn allows_params(&self) -> bool {
        self.params
    }
}

/// Parses and type checks one expression.
pub fn expr(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    const BASE: u32 = 1000;
    let file = FileId(0);
    let origin = Origin::exact(file, BASE, text.len());
    let inside = |span: Span, d: &Diagnostic| {
        assert!(
            span.start >= BASE && span.end as usize <= BASE as usize + text.len(),
            "span {span:?} outside the expression {text:?}: {d:?}"
        );
    };
    match skillc_expr::parse(text, &origin) {
        Err(d) => inside(d.span.expect("a syntax error has a span"), &d),
        Ok(e) => {
            for params in [true, false] {
                for want in [Type::Bool, Type::Int] {
                    for d in skillc_expr::typecheck(&e, &Env { params }, want) {
                        if let Some(span) = d.span {
                            inside(span, &d);
                        }
                    }
                }
            }
            let _ = skillc_expr::service_refs(&e);
            let _ = skillc_expr::calls(&e);
            let _ = e.to_string();
        }
    }
}

/// Splits a pipeline input into files: `family.yaml`, then `f1.yaml`, `f2.yaml`, ... (at most 8).
pub fn split_files(data: &[u8]) -> Vec<(String, &[u8])> {
    data.split(|b| *b == FILE_SEPARATOR)
        .take(8)
        .enumerate()
        .map(|(i, part)| {
            let name = if i == 0 {
                "family.yaml".to_owned()
            } else {
                format!("f{i}.yaml")
            };
            (name, part)
        })
        .collect()
}

/// Runs the whole front end and analysis over a family written from `data`.
pub fn pipeline(data: &[u8]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().join("fam");
    std::fs::create_dir_all(&root).expect("mkdir");
    for (name, bytes) in split_files(data) {
        std::fs::write(root.join(name), bytes).expect("write");
    }
    let loaded = skillc_syntax::load_paths(&[PathBuf::from(&root)]);
    let (ir, mut diags) = skillc_ir::lower(&loaded);
    diags.extend(loaded.diagnostics.iter().cloned());
    if !diags.iter().any(Diagnostic::is_error) {
        diags.extend(skillc_analysis::analyze(ir, &[]).diagnostics);
    }
    check_spans(&loaded.sources, &diags);
    let _ = render_short(&loaded.sources, &diags);
    let _ = render_human(&loaded.sources, &diags, false, 100);
}

fn check_spans(sources: &SourceMap, diags: &[Diagnostic]) {
    for d in diags {
        let spans = d.span.into_iter().chain(d.labels.iter().map(|l| l.span));
        for span in spans {
            let file = sources
                .get(span.file)
                .unwrap_or_else(|| panic!("span in an unknown file: {d:?}"));
            assert!(
                span.start <= span.end && span.end as usize <= file.text.len(),
                "span {span:?} outside {} ({} bytes): {d:?}",
                file.path,
                file.text.len()
            );
        }
        assert!(!d.message.is_empty(), "empty message: {d:?}");
    }
}

/// A pipeline input as a family held in memory (see [`split_files`]); `None` when a file is not
/// UTF-8 (reading such a file is the `load` and `pipeline` targets' business).
pub fn memory_family(data: &[u8]) -> Option<skillc::pipeline::MemoryFamily> {
    let mut files = Vec::new();
    for (name, bytes) in split_files(data) {
        files.push((PathBuf::from(name), String::from_utf8(bytes.to_vec()).ok()?));
    }
    Some(skillc::pipeline::MemoryFamily {
        root: PathBuf::from("fuzz-family"),
        files,
    })
}

/// Lowers a family held in memory and runs every backend's check on the IR, whole (with
/// lowering's errors, as no command does: the checks must not assume a sound IR) and through the
/// pipeline (over its sound part). Every span lies inside its file.
pub fn backends(data: &[u8]) {
    let Some(family) = memory_family(data) else {
        return;
    };
    let checked = skillc::pipeline::check_memory(&family, &Default::default());
    check_spans(&checked.sources, &checked.diagnostics);
    let ir = checked.ir();
    for check in [skillc_backend_scripts::check, skillc_backend_launchd::check] {
        let first = check(ir);
        check_spans(&checked.sources, &first);
        assert_eq!(
            first,
            check(ir),
            "a backend check gave different findings twice"
        );
    }
}

/// Builds a family held in memory without touching disk: check → (no error) every backend's
/// files rendered into memory. Plists parse back, scripts are non-empty, and rendering twice
/// gives identical bytes, as does building from the same sources again.
pub fn emit(data: &[u8]) {
    let Some(family) = memory_family(data) else {
        return;
    };
    let first = build_once(&family);
    if first.is_empty() {
        return;
    }
    assert_eq!(
        first,
        build_once(&family),
        "two builds of the same sources differ"
    );
}

fn build_once(family: &skillc::pipeline::MemoryFamily) -> Vec<(String, bool, Vec<u8>)> {
    let checked = skillc::pipeline::check_memory(family, &Default::default());
    check_spans(&checked.sources, &checked.diagnostics);
    let Ok(ir) = &checked.ir else {
        assert!(
            checked.has_errors() || !checked.usage_errors.is_empty(),
            "the build refused an IR without an error"
        );
        return Vec::new();
    };
    assert!(!checked.has_errors(), "a checked IR with errors");
    let mut out = Vec::new();
    for file in skillc::build::plan(ir) {
        let bytes = file.render();
        assert_eq!(bytes, file.render(), "{} rendered twice differs", file.path);
        assert!(
            !file.path.is_empty() && !file.path.starts_with('/') && !file.path.contains(".."),
            "output path {:?} leaves the tree",
            file.path
        );
        if file.path.ends_with(".plist") {
            if let Err(e) = plist::Value::from_reader(std::io::Cursor::new(&bytes)) {
                panic!(
                    "{} is not a plist: {e}\n{}",
                    file.path,
                    String::from_utf8_lossy(&bytes)
                );
            }
        } else if file.path.ends_with(".json") {
            serde_json::from_slice::<serde_json::Value>(&bytes)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", file.path));
        }
        if file.executable {
            assert!(
                bytes.starts_with(b"#!") && bytes.len() > 2,
                "script {} is empty or has no interpreter line",
                file.path
            );
        }
        out.push((file.path.clone(), file.executable, bytes));
    }
    let mut paths: Vec<&String> = out.iter().map(|(p, _, _)| p).collect();
    paths.dedup();
    assert_eq!(paths.len(), out.len(), "two output files share a path");
    out
}

/// Renders the findings of a family held in memory in every output format: JSON and SARIF
/// parse, and every position they give lies inside its file (1-based line, character column up
/// to one past the line's end); the human, short and GitHub forms are produced without panic and
/// name the same number of findings.
pub fn render(data: &[u8]) {
    let Some(family) = memory_family(data) else {
        return;
    };
    let checked = skillc::pipeline::check_memory(&family, &Default::default());
    let (sources, diags) = (&checked.sources, &checked.diagnostics);
    check_spans(sources, diags);
    let texts: std::collections::HashMap<String, &str> = (0..sources.len())
        .filter_map(|i| sources.get(FileId(u32::try_from(i).ok()?)))
        .map(|f| (f.path.to_string(), &*f.text))
        .collect();
    let in_range = |file: &str, line: u64, column: u64, what: &str| {
        let text = texts
            .get(file)
            .unwrap_or_else(|| panic!("{what} names an unknown file {file:?}"));
        let lines = lines_of(text);
        assert!(
            line >= 1 && line as usize <= lines.len(),
            "{what}: line {line} outside {file} ({} lines)",
            lines.len()
        );
        let width = lines[line as usize - 1].chars().count() as u64;
        assert!(
            column >= 1 && column <= width + 1,
            "{what}: column {column} outside line {line} of {file} ({width} characters)"
        );
    };

    let json = skillc_diagnostics::render_json(sources, diags, &checked.summary);
    let doc: serde_json::Value = serde_json::from_str(&json).expect("the JSON output parses");
    let items = doc["diagnostics"].as_array().expect("diagnostics array");
    assert_eq!(items.len(), diags.len(), "JSON lost findings");
    for d in items {
        if let Some(file) = d["file"].as_str() {
            let n = |k: &str| {
                d[k].as_u64()
                    .unwrap_or_else(|| panic!("JSON {k} missing: {d}"))
            };
            in_range(file, n("line"), n("column"), "JSON start");
            in_range(file, n("end_line"), n("end_column"), "JSON end");
            assert!(
                (n("line"), n("column")) <= (n("end_line"), n("end_column")),
                "JSON span ends before it starts: {d}"
            );
        }
    }

    let sarif = skillc_diagnostics::render_sarif(
        sources,
        diags,
        &skillc::registry::all_rules(),
        skillc_diagnostics::SarifTool {
            version: "0",
            information_uri: None,
            rules_base_uri: None,
        },
    );
    let log: serde_json::Value = serde_json::from_str(&sarif).expect("the SARIF output parses");
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints", "SARIF columnKind");
    let results = run["results"].as_array().expect("SARIF results");
    assert_eq!(results.len(), diags.len(), "SARIF lost findings");
    for r in results {
        let rule = r["ruleId"].as_str().expect("SARIF ruleId");
        assert!(
            skillc::registry::all_rules().iter().any(|x| x.id == rule)
                || rule.is_empty()
                || diags.iter().any(|d| d.code == rule),
            "SARIF names an unknown rule {rule}"
        );
        for loc in r["locations"].as_array().into_iter().flatten() {
            let p = &loc["physicalLocation"];
            let file = p["artifactLocation"]["uri"].as_str().expect("SARIF uri");
            let reg = &p["region"];
            let n = |k: &str| reg[k].as_u64().unwrap_or_else(|| panic!("SARIF {k}: {r}"));
            in_range(file, n("startLine"), n("startColumn"), "SARIF start");
            in_range(file, n("endLine"), n("endColumn"), "SARIF end");
        }
    }

    let short = render_short(sources, diags);
    assert_eq!(
        short.lines().count(),
        diags.len(),
        "one short line per finding"
    );
    let github = skillc_diagnostics::render_github(sources, diags);
    assert_eq!(
        github.lines().filter(|l| l.starts_with("::")).count(),
        diags.len(),
        "one GitHub annotation per finding"
    );
    let _ = render_human(sources, diags, false, 100);
    let _ = render_human(sources, diags, true, 40);
}

/// The lines of `text` as the renderers count them: broken at `\n`, `\r\n` and a lone `\r`.
fn lines_of(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    loop {
        match rest.find(['\n', '\r']) {
            None => {
                lines.push(rest);
                return lines;
            }
            Some(i) => {
                lines.push(&rest[..i]);
                let skip = if rest[i..].starts_with("\r\n") { 2 } else { 1 };
                rest = &rest[i + skip..];
            }
        }
    }
}
