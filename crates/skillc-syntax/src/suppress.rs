//! `# skillc: ignore[rule-id, ...] reason` comments.

use skillc_diagnostics::{FileId, SourceMap, Span};

/// One suppression comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// The whole comment.
    pub span: Span,
    /// The 1-based line whose findings it silences: its own line, or for a comment alone on its
    /// line, the next line that is neither blank nor a comment.
    pub target_line: u32,
    /// Rule ids with their spans inside the comment.
    pub rules: Vec<(String, Span)>,
    /// The reason after `]`, when given.
    pub reason: Option<String>,
}

const MARKER: &str = "skillc: ignore[";

/// Every suppression comment of every file.
pub fn find_suppressions(sources: &SourceMap) -> Vec<Suppression> {
    let mut out = Vec::new();
    for (id, file) in sources.files() {
        // memchr-fast rejection: most files hold no suppression at all.
        if file.text.contains(MARKER) {
            scan(id, &file.text, &mut out);
        }
    }
    out
}

fn is_comment_line(line: &str) -> bool {
    let t = line.trim_start();
    t.is_empty() || t.starts_with('#')
}

fn scan(file: FileId, text: &str, out: &mut Vec<Suppression>) {
    let lines: Vec<(usize, &str)> = text
        .split_inclusive('\n')
        .scan(0usize, |off, l| {
            let start = *off;
            *off += l.len();
            Some((start, l.trim_end_matches(['\n', '\r'])))
        })
        .collect();
    for (index, (line_start, line)) in lines.iter().enumerate() {
        let Some(hash) = comment_start(line) else {
            continue;
        };
        let comment = &line[hash..];
        let body = comment[1..].trim_start();
        let Some(rest) = body.strip_prefix(MARKER) else {
            continue;
        };
        let Some(close) = rest.find(']') else {
            continue;
        };
        let list_offset = line_start + hash + (comment.len() - rest.len());
        let mut rules = Vec::new();
        let mut pos = 0;
        for part in rest[..close].split(',') {
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                let lead = part.len() - part.trim_start().len();
                let start = list_offset + pos + lead;
                rules.push((
                    trimmed.to_owned(),
                    Span::new(file, start, start + trimmed.len()),
                ));
            }
            pos += part.len() + 1;
        }
        let reason = rest[close + 1..].trim();
        let alone = line[..hash].trim().is_empty();
        let target = if alone {
            lines[index + 1..]
                .iter()
                .position(|(_, l)| !is_comment_line(l))
                .map_or(index + 1, |p| index + 1 + p)
        } else {
            index
        };
        out.push(Suppression {
            span: Span::new(file, line_start + hash, line_start + line.len()),
            target_line: u32::try_from(target + 1).unwrap_or(u32::MAX),
            rules,
            reason: (!reason.is_empty()).then(|| reason.to_owned()),
        });
    }
}

/// Byte index of a YAML comment's `#`: at the line start or after whitespace, outside quotes.
fn comment_start(line: &str) -> Option<usize> {
    let (mut single, mut double) = (false, false);
    let mut prev = ' ';
    for (i, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single && prev != '\\' => double = !double,
            '#' if !single && !double && prev.is_whitespace() => return Some(i),
            _ => {}
        }
        prev = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find(text: &str) -> Vec<Suppression> {
        let mut map = SourceMap::new();
        map.add("f.yaml", text);
        find_suppressions(&map)
    }

    #[test]
    fn trailing_and_own_line_comments() {
        let text = "a: 1 # skillc: ignore[raw-shell] we need a pipe\n# skillc: ignore[x, y] why\n\n# other\nb: 2\n";
        let s = find(text);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].target_line, 1);
        assert_eq!(s[0].rules[0].0, "raw-shell");
        let sp = s[0].rules[0].1;
        assert_eq!(&text[sp.start as usize..sp.end as usize], "raw-shell");
        assert_eq!(s[0].reason.as_deref(), Some("we need a pipe"));
        assert_eq!(s[1].target_line, 5);
        let names: Vec<_> = s[1].rules.iter().map(|r| r.0.as_str()).collect();
        assert_eq!(names, ["x", "y"]);
        let sp = s[1].rules[1].1;
        assert_eq!(&text[sp.start as usize..sp.end as usize], "y");
    }

    #[test]
    fn hashes_inside_strings_and_missing_reasons() {
        assert!(find("a: \"# skillc: ignore[x] no\"\n").is_empty());
        assert!(find("a: b#skillc: ignore[x] no\n").is_empty());
        let s = find("a: 1  # skillc: ignore[x]\n");
        assert_eq!(s[0].reason, None);
    }
}
