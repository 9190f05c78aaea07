use skillc_diagnostics::declare_rule;

declare_rule! {
    /// # misplaced-family-section
    ///
    /// ## What it does
    /// Reports a `family:` section in any file other than the family's `family.yaml`.
    ///
    /// ## Why
    /// A family is identified by the directory holding `family.yaml`; a second `family:` section
    /// elsewhere would make its identity ambiguous.
    ///
    /// ## Bad
    /// A file `skills/web.yaml` of the family that starts with `family: { name: other, ... }`.
    ///
    /// ## Good
    /// Only `family.yaml` holds `family:`; other files hold `services:`, `actions:`, `skills:` or
    /// `policy:`.
    ///
    /// ## How to fix
    /// Move the section into `family.yaml`, or make the directory its own family.
    pub const MISPLACED_FAMILY_SECTION = {
        id: "misplaced-family-section",
        severity: Error,
        stage: Load,
        summary: "A `family:` section outside family.yaml.",
        configurable: false,
    }
}
