//! What a backend emits: files with their bytes, or planned files rendered on demand.

use std::fmt;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative, `/`-separated.
    pub path: String,
    pub bytes: Vec<u8>,
    pub executable: bool,
}

/// A file whose path and mode are known now and whose bytes are rendered when asked. A large
/// build renders, hashes and writes one file at a time on every core instead of holding the whole
/// tree (hundreds of megabytes for 10,000 services) in memory.
pub struct PlannedFile<'a> {
    /// Relative, `/`-separated.
    pub path: String,
    pub executable: bool,
    render: Box<dyn Fn() -> Vec<u8> + Send + Sync + 'a>,
}

impl<'a> PlannedFile<'a> {
    pub fn new(
        path: String,
        executable: bool,
        render: impl Fn() -> Vec<u8> + Send + Sync + 'a,
    ) -> Self {
        Self {
            path,
            executable,
            render: Box::new(render),
        }
    }

    /// The file's bytes; the same every time.
    pub fn render(&self) -> Vec<u8> {
        (self.render)()
    }

    pub fn into_output(self) -> OutputFile {
        OutputFile {
            bytes: self.render(),
            path: self.path,
            executable: self.executable,
        }
    }
}

impl fmt::Debug for PlannedFile<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlannedFile")
            .field("path", &self.path)
            .field("executable", &self.executable)
            .finish_non_exhaustive()
    }
}
