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
    let mut state = Scan::default();
    for (index, (line_start, line)) in lines.iter().enumerate() {
        // Only a real YAML comment suppresses: not text inside a block scalar or a quoted string
        // that spans lines.
        let Some(hash) = state.comment_of(line) else {
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

/// What the lines read so far leave open: a block scalar (the indentation of the line that
/// opened it: its content is every more-indented or blank line), or a quoted string.
#[derive(Default)]
struct Scan {
    block: Option<usize>,
    quote: Option<char>,
}

impl Scan {
    /// Byte index of the `#` of the YAML comment on `line`, if it has one; advances the state.
    fn comment_of(&mut self, line: &str) -> Option<usize> {
        let indent = line.len() - line.trim_start_matches(' ').len();
        if let Some(parent) = self.block {
            if line.trim().is_empty() || indent > parent {
                return None; // block scalar content
            }
            self.block = None;
        }
        let mut quote = self.quote.take();
        let mut comment = None;
        let mut last_token_start = 0;
        let mut prev = None::<char>; // previous character outside whitespace
        let mut prev_char = ' ';
        let mut chars = line.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match quote {
                Some('"') => {
                    if c == '\\' {
                        chars.next();
                    } else if c == '"' {
                        quote = None;
                    }
                }
                Some(_) => {
                    if c == '\'' {
                        if chars.peek().is_some_and(|&(_, n)| n == '\'') {
                            chars.next();
                        } else {
                            quote = None;
                        }
                    }
                }
                None => {
                    if c == '#' && prev_char.is_whitespace() {
                        comment = Some(i);
                        break;
                    }
                    if (c == '"' || c == '\'')
                        && matches!(prev, None | Some(':' | '-' | '[' | '{' | ',' | '?'))
                    {
                        quote = Some(c);
                    }
                    if prev_char.is_whitespace() && !c.is_whitespace() {
                        last_token_start = i;
                    }
                }
            }
            if !c.is_whitespace() {
                prev = Some(c);
            }
            prev_char = c;
        }
        self.quote = quote;
        if quote.is_none() {
            let content = line[..comment.unwrap_or(line.len())].trim_end();
            let token = &content[last_token_start.min(content.len())..];
            let before = content[..last_token_start.min(content.len())].trim_end();
            let indicator = token.starts_with(['|', '>'])
                && token[1..]
                    .chars()
                    .all(|c| c == '-' || c == '+' || c.is_ascii_digit());
            if indicator
                && (before.is_empty()
                    || before.ends_with(':')
                    || before.ends_with('-')
                    || before
                        .rsplit(' ')
                        .next()
                        .is_some_and(|t| t.starts_with(['!', '&'])))
            {
                self.block = Some(indent);
            }
        }
        comment
    }
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
    fn comment_like_text_in_block_scalars_and_multi_line_strings_does_not_suppress() {
        let text = "a: |\n  # skillc: ignore[x] data\n  more\nb: >-\n\n  # skillc: ignore[x] data\nc: \"one\n  # skillc: ignore[x] data\n  two\"\nd: 'it''s\n  # skillc: ignore[x] data'\n- |2\n   # skillc: ignore[x] data\ne: 1 # skillc: ignore[y] real\n# skillc: ignore[z] real\nf: 2\n";
        let s = find(text);
        let rules: Vec<&str> = s.iter().map(|s| s.rules[0].0.as_str()).collect();
        assert_eq!(rules, ["y", "z"], "{s:?}");
        assert_eq!(s[0].target_line, 14);
        assert_eq!(s[1].target_line, 16);
    }

    #[test]
    fn a_block_scalar_ends_at_a_line_indented_no_deeper_than_its_key() {
        let s = find("  a: |\n    text\n  b: 1 # skillc: ignore[x] real\n");
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].target_line, 3);
        // `key: value|` and `a|b` are not block scalars.
        let s = find("a: x|\nb: 1 # skillc: ignore[x] real\n");
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn hashes_inside_strings_and_missing_reasons() {
        assert!(find("a: \"# skillc: ignore[x] no\"\n").is_empty());
        assert!(find("a: b#skillc: ignore[x] no\n").is_empty());
        let s = find("a: 1  # skillc: ignore[x]\n");
        assert_eq!(s[0].reason, None);
    }
}
