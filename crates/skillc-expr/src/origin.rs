//! Where an expression's text lives in its YAML file.

use skillc_diagnostics::{FileId, Span};

/// The location of an expression's text, used to give every node a span in the YAML file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub file: FileId,
    /// Byte offset in the file where the expression text starts, when the YAML scalar maps 1:1
    /// onto the text (plain scalar, or quoted without escapes); `None` otherwise.
    pub content_start: Option<u32>,
    /// Span of the whole YAML scalar (fallback for every node when `content_start` is `None`).
    pub scalar: Span,
}

impl Origin {
    /// An origin whose text starts at `content_start` and maps 1:1 onto `len` bytes of the file.
    pub fn exact(file: FileId, content_start: u32, len: usize) -> Self {
        Self {
            file,
            content_start: Some(content_start),
            scalar: Span::new(file, content_start as usize, content_start as usize + len),
        }
    }

    /// The file span of the local byte range `[start, end)` of the expression text.
    pub fn span(&self, start: usize, end: usize) -> Span {
        match self.content_start {
            Some(base) => Span::new(self.file, base as usize + start, base as usize + end),
            None => self.scalar,
        }
    }

    /// Whether spans point at exact characters (rather than at the whole scalar).
    pub fn is_exact(&self) -> bool {
        self.content_start.is_some()
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
    Origin {
        file,
        content_start,
        scalar,
    }
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
    fn escapes_and_block_scalars_fall_back_to_the_scalar() {
        // '' is an escaped single quote: raw is one byte longer than value + 2.
        let s = Span::new(F, 0, 8);
        let o = origin_for(F, s, "'it''s'", "it's");
        assert_eq!(o.content_start, None);
        assert_eq!(o.span(1, 2), s);
        // Same length but the inner text differs (an escape that happens to balance out).
        assert_eq!(origin_for(F, s, "\"\\ta\"", "\tab").content_start, None);
        // Mismatched quotes.
        assert_eq!(origin_for(F, s, "'ab\"", "ab").content_start, None);
        // A block scalar.
        assert_eq!(
            origin_for(F, s, "|\n  true\n", "true\n").content_start,
            None
        );
    }
}
