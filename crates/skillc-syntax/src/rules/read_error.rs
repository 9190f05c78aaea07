use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # read-error
    ///
    /// ## What it does
    /// Reports a file or directory of a family that cannot be read: permission denied, a broken
    /// symbolic link, a symbolic-link loop.
    ///
    /// ## Why
    /// A family checked without one of its files could pass while the real one fails.
    ///
    /// ## Bad
    /// `skills/web.yaml` with mode `000`, or a symbolic link that points nowhere.
    ///
    /// ## Good
    /// Every `*.yaml` file of the family is readable by the user running skillc.
    ///
    /// ## How to fix
    /// Fix the permissions or the link, or remove the file.
    pub const READ_ERROR = {
        id: "read-error",
        severity: Error,
        stage: Load,
        summary: "A file of a family cannot be read.",
        configurable: false,
    }
}
