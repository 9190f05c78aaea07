//! Renderers: human (miette, fixed theme), short (one line per finding) and JSON.

mod github;
mod human;
mod json;
mod sarif;

pub use github::render_github;
pub use human::render_human;
pub use json::render_json;
pub use sarif::{SarifTool, render_sarif};

use crate::{Diagnostic, SourceMap, Span};
use serde::Serialize;

/// A 1-based position in a named file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub file: String,
    pub line: u32,
    pub column: u32,
}

/// A diagnostic with its spans resolved to file, line and column: the shape of machine output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedDiagnostic {
    pub code: &'static str,
    pub severity: &'static str,
    pub message: String,
    pub file: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
    pub end_line: Option<u32>,
    pub end_column: Option<u32>,
    pub labels: Vec<RenderedLabel>,
    pub help: Option<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RenderedLabel {
    pub file: String,
    pub line: u32,
    pub column: u32,
    pub end_line: u32,
    pub end_column: u32,
    pub message: String,
}

/// Counts reported after a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub suppressed: usize,
    pub files: usize,
    pub families: usize,
    /// What analysis could not look at, and why: empty when every rule ran over everything.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_analysed: Vec<NotAnalysed>,
}

/// A part of a family that the analysis rules did not run over: an item with an error (its
/// meaning is unknown), one that depends on such an item, or the family-wide rules of a family
/// with such a part (their "nothing covers this" findings would be echoes of the missing part).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotAnalysed {
    /// `service`, `action`, `skill`, `policy`, or `family` (its family-wide rules).
    pub kind: &'static str,
    /// `family/id` of the item; the family's name for `family` and `policy`.
    pub name: String,
    /// Where the item is declared.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// Why, in a sentence.
    pub reason: String,
}

/// File path, start (line, column), end (line, column).
type Resolved = (String, (u32, u32), (u32, u32));

fn resolve(map: &SourceMap, span: Span) -> Option<Resolved> {
    let file = map.get(span.file)?;
    Some((
        file.path.clone(),
        file.line_col(span.start),
        file.line_col(span.end),
    ))
}

/// Resolves spans to lines and columns.
pub fn to_rendered(map: &SourceMap, d: &Diagnostic) -> RenderedDiagnostic {
    let primary = d.span.and_then(|s| resolve(map, s));
    let labels = d
        .labels
        .iter()
        .filter_map(|l| {
            resolve(map, l.span).map(|(file, (line, column), (end_line, end_column))| {
                RenderedLabel {
                    file,
                    line,
                    column,
                    end_line,
                    end_column,
                    message: l.message.clone(),
                }
            })
        })
        .collect();
    RenderedDiagnostic {
        code: d.code,
        severity: d.severity.as_str(),
        message: d.message.clone(),
        file: primary.as_ref().map(|p| p.0.clone()),
        line: primary.as_ref().map(|p| p.1.0),
        column: primary.as_ref().map(|p| p.1.1),
        end_line: primary.as_ref().map(|p| p.2.0),
        end_column: primary.as_ref().map(|p| p.2.1),
        labels,
        help: d.help.clone(),
        notes: d.notes.clone(),
    }
}

/// `path:line:col: severity: message [code]`, one line per finding (like gcc, shellcheck -f gcc).
pub fn render_short(map: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let r = to_rendered(map, d);
        let message = r.message.replace('\n', " ");
        match (r.file, r.line, r.column) {
            (Some(f), Some(l), Some(c)) => {
                out.push_str(&format!(
                    "{f}:{l}:{c}: {}: {message} [{}]\n",
                    r.severity, r.code
                ));
            }
            _ => out.push_str(&format!("skillc: {}: {message} [{}]\n", r.severity, r.code)),
        }
    }
    out
}
