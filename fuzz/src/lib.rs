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
