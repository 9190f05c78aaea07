//! The `--format json` document: `{"version": 1, "diagnostics": [...], "summary": {...}}`.

use super::{Summary, to_rendered};
use crate::{Diagnostic, SourceMap};

/// Version of the JSON output format; bumped only on incompatible changes.
const JSON_FORMAT_VERSION: u32 = 1;

pub fn render_json(map: &SourceMap, diagnostics: &[Diagnostic], summary: &Summary) -> String {
    let diagnostics: Vec<_> = diagnostics.iter().map(|d| to_rendered(map, d)).collect();
    let doc = serde_json::json!({
        "version": JSON_FORMAT_VERSION,
        "diagnostics": diagnostics,
        "summary": summary,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".to_owned());
    s.push('\n');
    s
}
