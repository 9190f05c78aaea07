use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # invalid-utf8
    ///
    /// ## What it does
    /// Reports a skill file that is not valid UTF-8 (or holds a NUL byte).
    ///
    /// ## Why
    /// Everything skillc emits (plists, scripts) is UTF-8 text; bytes it cannot decode cannot be
    /// placed there safely.
    ///
    /// ## Bad
    /// A file saved in Latin-1 with `description: Café` (byte `0xE9`).
    ///
    /// ## Good
    /// The same file saved as UTF-8.
    ///
    /// ## How to fix
    /// Re-encode the file as UTF-8 (`iconv -f latin1 -t utf-8`).
    pub const INVALID_UTF8 = {
        id: "invalid-utf8",
        severity: Error,
        stage: Load,
        summary: "A file is not valid UTF-8.",
        configurable: false,
    }
}
