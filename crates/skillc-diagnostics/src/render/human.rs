//! Human rendering through miette with a fixed, colourless theme (stable for snapshots and logs).

use crate::{Diagnostic, Severity, SourceMap, Span};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::sync::Arc;

/// Renders every diagnostic; `color` selects ANSI colours (for terminals), `width` the wrap width.
pub fn render_human(
    map: &SourceMap,
    diagnostics: &[Diagnostic],
    color: bool,
    width: usize,
) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false)
        .with_context_lines(1);
    let mut out = String::new();
    for d in diagnostics {
        let view = View::new(map, d);
        if handler.render_report(&mut out, &view).is_err() {
            out.push_str(&format!("{}: {}\n", d.severity.as_str(), d.message));
        }
    }
    out
}

/// The file text with its display name.
struct Named {
    name: String,
    text: Arc<str>,
}

impl SourceCode for Named {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// Adapter from our diagnostic to miette's trait. Labels in other files than the primary one become
/// related reports so each is shown with its own source.
struct View {
    code: &'static str,
    message: String,
    severity: Severity,
    help: Option<String>,
    source: Option<Named>,
    labels: Vec<(Span, Option<String>)>,
    related: Vec<View>,
}

impl View {
    fn new(map: &SourceMap, d: &Diagnostic) -> Self {
        let primary_file = d.span.map(|s| s.file);
        let mut labels: Vec<(Span, Option<String>)> = Vec::new();
        if let Some(span) = d.span {
            labels.push((span, d.label.clone()));
        }
        let mut related = Vec::new();
        for l in &d.labels {
            if Some(l.span.file) == primary_file {
                labels.push((l.span, Some(l.message.clone())));
            } else if let Some(file) = map.get(l.span.file) {
                related.push(View {
                    code: d.code,
                    message: format!("{} (in {})", l.message, file.path),
                    severity: Severity::Info,
                    help: None,
                    source: Some(Named {
                        name: file.path.clone(),
                        text: file.text.clone(),
                    }),
                    labels: vec![(l.span, Some(l.message.clone()))],
                    related: Vec::new(),
                });
            }
        }
        let mut help = d.help.clone();
        for note in &d.notes {
            let h = help.get_or_insert_with(String::new);
            if !h.is_empty() {
                h.push('\n');
            }
            h.push_str("note: ");
            h.push_str(note);
        }
        View {
            code: d.code,
            message: d.message.clone(),
            severity: d.severity,
            help,
            source: primary_file.and_then(|f| map.get(f)).map(|file| Named {
                name: file.path.clone(),
                text: file.text.clone(),
            }),
            labels,
            related,
        }
    }
}

impl fmt::Debug for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for View {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View {}

impl miette::Diagnostic for View {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display + 'a>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.source.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().enumerate().map(
            |(i, (span, msg))| {
                let ss = SourceSpan::new((span.start as usize).into(), span.len() as usize);
                if i == 0 {
                    LabeledSpan::new_primary_with_span(msg.clone(), ss)
                } else {
                    LabeledSpan::new_with_span(msg.clone(), ss)
                }
            },
        )))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(
            self.related.iter().map(|r| r as &dyn miette::Diagnostic),
        ))
    }
}
