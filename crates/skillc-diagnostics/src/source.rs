//! Files, byte spans and line/column mapping.

use std::sync::Arc;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FileId(pub u32);

/// A byte range in one source file. `end` is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        let start = u32::try_from(start).unwrap_or(u32::MAX);
        let end = u32::try_from(end).unwrap_or(u32::MAX).max(start);
        Self { file, start, end }
    }

    /// A zero-width span at the start of a file, for findings about a whole file.
    pub fn file_start(file: FileId) -> Self {
        Self {
            file,
            start: 0,
            end: 0,
        }
    }

    pub fn len(&self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The sub-span `[from, to)` counted from this span's start, clamped to it.
    #[must_use]
    pub fn sub(&self, from: usize, to: usize) -> Self {
        let len = self.len() as usize;
        let from = from.min(len);
        let to = to.clamp(from, len);
        Self::new(
            self.file,
            self.start as usize + from,
            self.start as usize + to,
        )
    }
}

/// One loaded file: the path as the user gave it (used in every report) and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: Arc<str>,
    /// Built on first use: a clean run never places a position. A line ends at `\n`, `\r\n` or
    /// a lone `\r` (YAML's line breaks, and miette's).
    line_starts: std::sync::OnceLock<Vec<u32>>,
}

impl SourceFile {
    fn new(path: String, text: Arc<str>) -> Self {
        Self {
            path,
            text,
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            let bytes = self.text.as_bytes();
            std::iter::once(0)
                .chain(
                    self.text
                        .match_indices(['\n', '\r'])
                        .filter(|&(i, m)| m == "\n" || bytes.get(i + 1) != Some(&b'\n'))
                        .map(|(i, _)| u32::try_from(i + 1).unwrap_or(u32::MAX)),
                )
                .collect()
        })
    }

    /// Bytes of a byte order mark at the start of the text: not a column of line 1.
    fn bom(&self) -> usize {
        if self.text.starts_with('\u{feff}') {
            3
        } else {
            0
        }
    }

    /// 1-based line and column (in characters) of a byte offset, clamped to the text.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let offset = offset.min(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        let line_starts = self.line_starts();
        let line_idx = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let mut start = line_starts[line_idx] as usize;
        if line_idx == 0 {
            start = self.bom().min(offset as usize);
        }
        let mut end = offset as usize;
        while end > start && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        let column = self.text[start..end].chars().count() + 1;
        (
            u32::try_from(line_idx + 1).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        )
    }

    /// Where a snippet around the byte `offset` with `lines_before` lines of context can start
    /// reading: the start of the line `lines_before + 1` lines above the one holding `offset` (0
    /// near the top of the file), and the number of line breaks before that start as miette counts
    /// them (`\n`, `\r\n` and a lone `\r`). The extra line keeps the offset strictly after the
    /// start, so miette reads the window exactly as it would read the whole text.
    pub(crate) fn snippet_start(&self, offset: usize, lines_before: usize) -> (usize, usize) {
        let offset = u32::try_from(offset.min(self.text.len())).unwrap_or(u32::MAX);
        let line_starts = self.line_starts();
        let line_idx = match line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let first = line_idx.saturating_sub(lines_before + 1);
        // The line index counts lone `\r`s as line breaks, as miette does.
        (line_starts[first] as usize, first)
    }

    /// Byte offset of a 1-based line and column (in characters), clamped to the text.
    pub fn offset_of(&self, line: u32, column: u32) -> u32 {
        let line_idx = (line.max(1) - 1) as usize;
        let Some(&start) = self.line_starts().get(line_idx) else {
            return u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        };
        let start = if line_idx == 0 {
            u32::try_from(self.bom()).unwrap_or(0)
        } else {
            start
        };
        let rest = &self.text[start as usize..];
        let mut offset = start as usize;
        for (n, (i, ch)) in rest.char_indices().enumerate() {
            if n + 1 >= column as usize || ch == '\n' || ch == '\r' {
                offset = start as usize + i;
                return u32::try_from(offset).unwrap_or(u32::MAX);
            }
            offset = start as usize + i + ch.len_utf8();
        }
        u32::try_from(offset).unwrap_or(u32::MAX)
    }
}

/// Every file read in one run. Spans refer to files by [`FileId`].
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, path: impl Into<String>, text: impl Into<Arc<str>>) -> FileId {
        let id = FileId(u32::try_from(self.files.len()).unwrap_or(u32::MAX));
        self.files.push(SourceFile::new(path.into(), text.into()));
        id
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn path(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |f| f.path.as_str())
    }

    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(u32::try_from(i).unwrap_or(u32::MAX)), f))
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let mut map = SourceMap::new();
        let id = map.add("a.yaml", "a: 1\rb: 2\r\nc: 3\rd");
        let f = map.get(id).expect("file");
        assert_eq!(f.line_col(5), (2, 1)); // `b`
        assert_eq!(f.line_col(11), (3, 1)); // `c` after `\r\n`: one break, not two
        assert_eq!(f.line_col(16), (4, 1)); // `d`
        assert_eq!(f.offset_of(2, 1), 5);
        assert_eq!(f.offset_of(4, 1), 16);
        assert_eq!(f.offset_of(1, 99), 4); // line 1 ends at its `\r`
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let mut map = SourceMap::new();
        let id = map.add("a.yaml", "\u{feff}ab: 1\nc");
        let f = map.get(id).expect("file");
        assert_eq!(f.line_col(3), (1, 1)); // `a`, after the 3-byte BOM
        assert_eq!(f.line_col(4), (1, 2));
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.offset_of(1, 1), 3);
        assert_eq!(f.line_col(9), (2, 1));
    }

    #[test]
    fn line_col_counts_characters_and_lines_from_one() {
        let mut map = SourceMap::new();
        let id = map.add("a.yaml", "ab\n# ü x\nz");
        let f = map.get(id).expect("file");
        assert_eq!(f.line_col(0), (1, 1));
        assert_eq!(f.line_col(3), (2, 1));
        // byte 8 is 'x', after the two-byte 'ü'
        assert_eq!(f.line_col(8), (2, 5));
        assert_eq!(f.line_col(10), (3, 1));
        assert_eq!(f.line_col(1000), (3, 2));
    }

    #[test]
    fn offset_of_inverts_line_col() {
        let mut map = SourceMap::new();
        let id = map.add("a.yaml", "ab\n# ü x\nz");
        let f = map.get(id).expect("file");
        for off in [0u32, 1, 3, 4, 5, 7, 8, 10] {
            let (l, c) = f.line_col(off);
            assert_eq!(f.offset_of(l, c), off, "offset {off}");
        }
    }

    #[test]
    fn sub_span_is_clamped() {
        let s = Span::new(FileId(0), 10, 20);
        assert_eq!(s.sub(2, 5), Span::new(FileId(0), 12, 15));
        assert_eq!(s.sub(8, 50), Span::new(FileId(0), 18, 20));
    }
}
