//! GitHub Actions workflow commands (`::error file=...::message`), one per finding.

use super::to_rendered;
use crate::{Diagnostic, Severity, SourceMap};

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render_github(map: &SourceMap, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let r = to_rendered(map, d);
        let kind = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = vec![format!(
            "title={}",
            escape_property(&format!("skillc {}", d.code))
        )];
        if let (Some(f), Some(l), Some(c)) = (&r.file, r.line, r.column) {
            props.insert(0, format!("file={}", escape_property(f)));
            props.insert(1, format!("line={l}"));
            props.insert(2, format!("col={c}"));
            if let (Some(el), Some(ec)) = (r.end_line, r.end_column) {
                props.insert(3, format!("endLine={el}"));
                props.insert(4, format!("endColumn={ec}"));
            }
        }
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str("\nhelp: ");
            message.push_str(h);
        }
        out.push_str(&format!(
            "::{kind} {}::{}\n",
            props.join(","),
            escape_data(&message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Diagnostic;

    #[test]
    fn escapes_data_and_properties() {
        let mut map = SourceMap::new();
        let id = map.add("dir,a:b/f.yaml", "x: 1\n");
        let d = Diagnostic::new("unknown-key", Severity::Error, "100% bad\nreally")
            .at(crate::Span::new(id, 0, 1), "")
            .with_help("fix");
        let out = render_github(&map, &[d]);
        assert_eq!(
            out,
            "::error file=dir%2Ca%3Ab/f.yaml,line=1,col=1,endLine=1,endColumn=2,title=skillc unknown-key::100%25 bad%0Areally%0Ahelp: fix\n"
        );
    }
}
