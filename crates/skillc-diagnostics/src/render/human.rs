//! Human rendering through miette with a fixed, colourless theme (stable for snapshots and logs).

use crate::{Diagnostic, Severity, SourceFile, SourceMap, Span};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;

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

/// A file as miette reads it. miette's own readers scan the text from its first byte for every
/// span, which makes a report of n findings in one file cost n times the file; this one hands
/// miette a window that starts a few lines above the span (found through the file's line index)
/// and shifts the result back, so each report costs the size of its snippet.
struct Source<'a> {
    file: &'a SourceFile,
}

impl SourceCode for Source<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, breaks) = self.file.snippet_start(span.offset(), context_lines_before);
        let window = &self.file.text.as_bytes()[start..];
        let local = SourceSpan::new((span.offset() - start).into(), span.len());
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        // miette counts columns in bytes; skillc counts characters (as the JSON, short and SARIF
        // outputs do), so the header of a line with wide characters points where they do.
        let at = inner.span().offset() + start;
        let column = self
            .file
            .text
            .get(at - inner.column()..at)
            .map_or(inner.column(), |s| s.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.file.path.clone(),
            inner.data(),
            SourceSpan::new(at.into(), inner.span().len()),
            inner.line() + breaks,
            column,
            // The snippet's own number of lines. (miette's readers report the count of line breaks
            // from the file's start instead, and miette merges two labels' snippets when the first
            // one's line plus that count reaches the second: every pair of labels in a file, however
            // far apart, became one snippet with everything between them.)
            inner.line_count().saturating_sub(inner.line()),
        )))
    }
}

/// Adapter from our diagnostic to miette's trait. Labels in other files than the primary one become
/// related reports so each is shown with its own source.
struct View<'a> {
    code: &'static str,
    message: String,
    severity: Severity,
    help: Option<String>,
    source: Option<Source<'a>>,
    labels: Vec<(Span, Option<String>)>,
    related: Vec<View<'a>>,
}

impl<'a> View<'a> {
    fn new(map: &'a SourceMap, d: &Diagnostic) -> Self {
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
                    source: Some(Source { file }),
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
            source: primary_file
                .and_then(|f| map.get(f))
                .map(|file| Source { file }),
            labels,
            related,
        }
    }
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What miette shows of a span: data, span, line, column, line count (name aside).
    fn contents(
        code: &dyn SourceCode,
        span: SourceSpan,
        before: usize,
        after: usize,
    ) -> Option<(Vec<u8>, SourceSpan, usize, usize, usize)> {
        let c = code.read_span(&span, before, after).ok()?;
        Some((
            c.data().to_vec(),
            *c.span(),
            c.line(),
            c.column(),
            c.line_count(),
        ))
    }

    #[test]
    fn windows_read_exactly_what_miette_reads_from_the_whole_text() {
        let texts = [
            "a: 1\nbb: 2\n\nccc: [x, y]\n  - ü: z\nlast",
            "k: \"🦀🦀 wide\"\n😀: [ü, é]\n",
            "one\r\ntwo\r\n\r\nthree\r\nfour\r\n",
            "lone\rcarriage\rreturns\nand\r\nmixed\n\rend",
            "\n\n\nx\n\n\n",
            "",
        ];
        for text in texts {
            let mut map = SourceMap::new();
            let id = map.add("f.yaml", text);
            let source = Source {
                file: map.get(id).expect("file"),
            };
            // Every span inside the text (miette itself panics on some beyond its end).
            for start in 0..=text.len() {
                for len in 0..=(text.len() - start).min(7) {
                    for before in 0..3 {
                        for after in 0..3 {
                            let span = SourceSpan::new(start.into(), len);
                            // The same, with the column in characters instead of bytes, and
                            // the snippet's own line count instead of miette's count from the
                            // file's start (which made far-apart labels share one snippet).
                            let want = contents(&text, span, before, after).map(
                                |(data, sp, line, col, count)| {
                                    let at = sp.offset();
                                    let chars =
                                        text.get(at - col..at).map_or(col, |s| s.chars().count());
                                    (data, sp, line, chars, count.saturating_sub(line))
                                },
                            );
                            assert_eq!(
                                contents(&source, span, before, after),
                                want,
                                "{text:?} at {start}+{len}, context {before}/{after}"
                            );
                        }
                    }
                }
            }
        }
    }
}
