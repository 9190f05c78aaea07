//! Diagnostics for every stage of skillc.
//!
//! A [`Diagnostic`] carries a stable kebab-case rule id, a severity, a message, a primary [`Span`]
//! into a file of the [`SourceMap`], secondary labels, a help line and notes. Stages only build
//! diagnostics; rendering (human via miette, JSON, ...) lives here so no other crate names miette.

mod diagnostic;
pub mod parallel;
mod render;
mod rule;
mod source;
mod suggest;

pub use diagnostic::{Diagnostic, Label, Severity};
pub use render::{
    LineCol, NotAnalysed, RenderedDiagnostic, SarifTool, Summary, render_github, render_human,
    render_json, render_sarif, render_short, to_rendered,
};
pub use rule::{Check, RuleInfo, Stage};
pub use source::{FileId, SourceFile, SourceMap, Span};
pub use suggest::did_you_mean;
