//! Where an expression's text lives in its YAML file.

use skillc_diagnostics::{FileId, Span};
use std::sync::Arc;

/// The location of an expression's text, used to give every node a span in the YAML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: FileId,
    /// Byte offset in the file where the expression text starts, when the YAML scalar maps 1:1
    /// onto the text (plain scalar, or quoted without escapes); `None` otherwise.
    pub content_start: Option<u32>,
    /// Span of the whole YAML scalar (fallback for every node when `content_start` is `None`).
    pub scalar: Span,
    /// When the text does not map 1:1 (escapes, folded lines, a block scalar): for each byte of
    /// the text, the file range of the source that produced its character (an escape, say), and
    /// an empty range for the end (`len + 1` entries).
    pub offsets: Option<Arc<[(u32, u32)]>>,
}

impl Origin {
    /// An origin whose text starts at `content_start` and maps 1:1 onto `len` bytes of the file.
    pub fn exact(file: FileId, content_start: u32, len: usize) -> Self {
        Self {
            file,
            content_start: Some(content_start),
            scalar: Span::new(file, content_start as usize, content_start as usize + len),
            offsets: None,
        }
    }

    /// The file span of the local byte range `[start, end)` of the expression text.
    pub fn span(&self, start: usize, end: usize) -> Span {
        if let Some(base) = self.content_start {
            return Span::new(self.file, base as usize + start, base as usize + end);
        }
        let at = |i: usize| self.offsets.as_ref()?.get(i).copied();
        match (at(start), end.checked_sub(1).and_then(at)) {
            (Some((s, _)), Some((_, e))) if end > start => {
                Span::new(self.file, s as usize, (e as usize).max(s as usize))
            }
            (Some((s, _)), _) => Span::new(self.file, s as usize, s as usize),
            _ => self.scalar,
        }
    }

    /// Whether spans point at exact characters (rather than at the whole scalar).
    pub fn is_exact(&self) -> bool {
        self.content_start.is_some() || self.offsets.is_some()
    }
}

/// Computes the [`Origin`] of an expression held in a YAML scalar.
///
/// `scalar` is the span of the scalar in the file, `raw_scalar_source` the file text of that span
/// (quotes included) and `value` the scalar's value after YAML unescaping. The text maps 1:1 when
/// the scalar is plain (`raw == value`) or quoted with nothing escaped (the raw text is the value
/// between two equal quotes).
pub fn origin_for(file: FileId, scalar: Span, raw_scalar_source: &str, value: &str) -> Origin {
    let raw = raw_scalar_source;
    let content_start = if raw == value {
        Some(scalar.start)
    } else if raw.len() == value.len() + 2
        && (raw.starts_with('"') && raw.ends_with('"')
            || raw.starts_with('\'') && raw.ends_with('\''))
        && raw.get(1..raw.len() - 1) == Some(value)
    {
        Some(scalar.start + 1)
    } else {
        None
    };
    let offsets = match content_start {
        Some(_) => None,
        None => align(raw, value).map(|local| {
            local
                .into_iter()
                .map(|(a, b)| (scalar.start + a, scalar.start + b))
                .collect::<Arc<[(u32, u32)]>>()
        }),
    };
    Origin {
        file,
        content_start,
        scalar,
        offsets,
    }
}

/// Where in `raw` (a YAML scalar's source: plain, quoted, or a block scalar with its header) each
/// byte of its decoded `value` comes from, plus one entry for the end. Each character of the value
/// is matched to the first source token that produces it: itself, an escape (`\"`, `\t`,
/// `\xHH`, `\uHHHH`, `\UHHHHHHHH`, ...) in double quotes, `''` in single quotes, or a line break
/// folded into a space; source bytes that produce nothing (quotes, indentation, a block header, a
/// `\` line continuation) are skipped. `None` when the value cannot be matched this way.
fn align(raw: &str, value: &str) -> Option<Vec<(u32, u32)>> {
    let double = raw.starts_with('"');
    let single = raw.starts_with('\'');
    let mut out = Vec::with_capacity(value.len() + 1);
    // A block scalar's header line (`|2-  # comment`) produces nothing.
    let mut r = if raw.starts_with(['|', '>']) {
        raw.find('\n')? + 1
    } else {
        0
    };
    for c in value.chars() {
        loop {
            let rest = raw.get(r..)?;
            let next = rest.chars().next()?;
            let taken = if double && next == '\\' {
                escape(rest)
                    .filter(|(decoded, _)| *decoded == Some(c))
                    .map(|(_, n)| n)
            } else if single && c == '\'' && rest.starts_with("''") {
                Some(2)
            } else if next == c && !(r == 0 && (double || single)) {
                Some(c.len_utf8())
            } else if c == ' ' && next == '\n' {
                Some(1)
            } else {
                None
            };
            if let Some(n) = taken {
                let token = (u32::try_from(r).ok()?, u32::try_from(r + n).ok()?);
                out.extend(std::iter::repeat_n(token, c.len_utf8()));
                r += n;
                break;
            }
            // A byte that produces nothing; an escape that decodes to something else is a
            // mismatch.
            if double && next == '\\' {
                let (decoded, n) = escape(rest)?;
                if decoded.is_some() {
                    return None;
                }
                r += n;
            } else {
                r += next.len_utf8();
            }
        }
    }
    let end = u32::try_from(r).ok()?;
    out.push((end, end));
    Some(out)
}

/// The character a double-quoted escape at the start of `s` stands for (`None` for a line
/// continuation) and its length in bytes.
fn escape(s: &str) -> Option<(Option<char>, usize)> {
    let mut it = s.chars();
    it.next()?;
    let e = it.next()?;
    let hex = |n: usize| {
        let digits = s.get(2..2 + n)?;
        u32::from_str_radix(digits, 16)
            .ok()
            .and_then(char::from_u32)
            .map(|c| (Some(c), 2 + n))
    };
    Some(match e {
        'x' => return hex(2),
        'u' => return hex(4),
        'U' => return hex(8),
        '\n' => (None, 2),
        '\r' => (None, if s[2..].starts_with('\n') { 3 } else { 2 }),
        '0' => (Some('\0'), 2),
        'a' => (Some('\u{7}'), 2),
        'b' => (Some('\u{8}'), 2),
        't' | '\t' => (Some('\t'), 2),
        'n' => (Some('\n'), 2),
        'v' => (Some('\u{b}'), 2),
        'f' => (Some('\u{c}'), 2),
        'r' => (Some('\r'), 2),
        'e' => (Some('\u{1b}'), 2),
        ' ' => (Some(' '), 2),
        '"' => (Some('"'), 2),
        '/' => (Some('/'), 2),
        '\\' => (Some('\\'), 2),
        'N' => (Some('\u{85}'), 2),
        '_' => (Some('\u{a0}'), 2),
        'L' => (Some('\u{2028}'), 2),
        'P' => (Some('\u{2029}'), 2),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const F: FileId = FileId(3);

    #[test]
    fn plain_scalar_starts_at_the_scalar() {
        let s = Span::new(F, 40, 50);
        let o = origin_for(F, s, "ready(svc)", "ready(svc)");
        assert_eq!(o.content_start, Some(40));
        assert_eq!(o.span(2, 4), Span::new(F, 42, 44));
    }

    #[test]
    fn quoted_without_escapes_starts_after_the_quote() {
        let s = Span::new(F, 10, 15);
        assert_eq!(origin_for(F, s, "'a b'", "a b").content_start, Some(11));
        assert_eq!(origin_for(F, s, "\"a b\"", "a b").content_start, Some(11));
    }

    #[test]
    fn escapes_folding_and_block_scalars_map_each_character_to_its_source() {
        let s = Span::new(F, 0, 8);
        // '' is an escaped single quote: the `'` of the value is the two quotes.
        let o = origin_for(F, s, "'it''s'", "it's");
        assert_eq!(o.content_start, None);
        assert_eq!(o.span(1, 2), Span::new(F, 2, 3));
        assert_eq!(o.span(2, 3), Span::new(F, 3, 5));
        assert_eq!(o.span(3, 4), Span::new(F, 5, 6));
        // \u00e9 is six source bytes for the two bytes of é; what follows is after it.
        let o = origin_for(F, s, "\"\\u00e9x\"", "éx");
        assert_eq!(o.span(0, 2), Span::new(F, 1, 7));
        assert_eq!(o.span(2, 3), Span::new(F, 7, 8));
        // A folded line break is the space; the indentation after it produces nothing.
        let o = origin_for(F, s, "a\n    b", "a b");
        assert_eq!(o.span(1, 2), Span::new(F, 1, 2));
        assert_eq!(o.span(2, 3), Span::new(F, 6, 7));
        // A line continuation produces nothing.
        let o = origin_for(F, s, "\"a\\\n  b\"", "ab");
        assert_eq!(o.span(1, 2), Span::new(F, 6, 7));
        // A block scalar's header and indentation are skipped.
        let o = origin_for(F, s, "|2-\n  true\n", "true");
        assert_eq!(o.span(0, 4), Span::new(F, 6, 10));
        // An empty range is where it starts.
        assert_eq!(o.span(4, 4), Span::new(F, 10, 10));
    }

    #[test]
    fn a_value_that_does_not_come_from_its_source_falls_back_to_the_scalar() {
        let s = Span::new(F, 0, 8);
        // The escape decodes to something else than the value holds.
        let o = origin_for(F, s, "\"\\ta\"", "xa");
        assert_eq!(o.offsets, None);
        assert_eq!(o.span(1, 2), s);
        // Mismatched text.
        assert_eq!(origin_for(F, s, "'ab\"", "zz").offsets, None);
    }
}
