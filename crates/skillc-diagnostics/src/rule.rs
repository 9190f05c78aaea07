//! Static description of a rule (a diagnostic code): what `skillc explain` prints.

use crate::{Diagnostic, Severity};

/// The pipeline stage that reports a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Reading files and YAML structure.
    Load,
    /// Expressions inside YAML scalars.
    Expression,
    /// Building the IR: references and ids.
    Lower,
    /// Static analysis over the IR.
    Analysis,
    /// Suppressions and configuration.
    Config,
}

/// One rule of the registry. `doc` is the markdown page shown by `skillc explain`.
#[derive(Debug, Clone, Copy)]
pub struct RuleInfo {
    pub id: &'static str,
    pub default_severity: Severity,
    pub stage: Stage,
    pub summary: &'static str,
    pub doc: &'static str,
    /// Whether a `# skillc: ignore[...]` comment or `skillc.toml` may silence or lower it.
    pub configurable: bool,
}

impl RuleInfo {
    /// A finding of this rule, at the rule's default severity (configuration may change it later).
    pub fn finding(&self, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.id, self.default_severity, message)
    }

    /// The page as markdown: the doc comment (one leading space of each line removed), then a
    /// generated "How to suppress" section.
    pub fn page(&self) -> String {
        let mut out = String::new();
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out.push_str("\n## How to suppress\n");
        if self.configurable {
            out.push_str(&format!(
                "Put `# skillc: ignore[{id}] <reason>` on the line of the finding, or alone on the line\njust above it; the reason is required. To change the rule's level for a whole repository, set\n`{id} = \"off\"` (or `\"info\"`, `\"warning\"`, `\"error\"`) under `[rules]` in `skillc.toml`.\nDefault level: {level}.\n",
                id = self.id,
                level = self.default_severity.as_str()
            ));
        } else {
            out.push_str("This rule cannot be suppressed or reconfigured: it reports input skillc cannot compile.\nFix the input.\n");
        }
        out
    }

    /// The fenced ```yaml block that follows the heading `## <section>` in the page.
    pub fn example(&self, section: &str) -> Option<String> {
        let page = self.page();
        let heading = format!("## {section}");
        let after = &page[page.find(&heading)? + heading.len()..];
        let start = after.find("```yaml")?;
        let body = &after[start..];
        let body = &body[body.find('\n')? + 1..];
        let end = body.find("```")?;
        Some(body[..end].to_owned())
    }
}

/// Declares a rule whose doc comment is its `skillc explain` page.
///
/// The page must have the sections `## What it does`, `## Why`, `## Bad` and `## Good` (each of the
/// last two with one fenced `yaml` block holding a complete single-file family), `## How to fix`.
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis const $name:ident = {
            id: $id:literal,
            severity: $sev:ident,
            stage: $stage:ident,
            summary: $summary:literal $(,)?
            $(configurable: $conf:literal $(,)?)?
        }
    ) => {
        $(#[doc = $doc])*
        $vis const $name: $crate::RuleInfo = $crate::RuleInfo {
            id: $id,
            default_severity: $crate::Severity::$sev,
            stage: $crate::Stage::$stage,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            configurable: $crate::__configurable!($($conf)?),
        };
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __configurable {
    () => {
        true
    };
    ($c:literal) => {
        $c
    };
}

#[cfg(test)]
mod tests {
    crate::declare_rule! {
        /// # demo-rule
        ///
        /// ## What it does
        /// Flags demos.
        ///
        /// ## Bad
        /// ```yaml
        /// family: { name: bad }
        /// ```
        ///
        /// ## Good
        /// ```yaml
        /// family: { name: good }
        /// ```
        const DEMO = {
            id: "demo-rule",
            severity: Warning,
            stage: Analysis,
            summary: "a demo",
        }
    }

    #[test]
    fn page_and_examples_come_from_the_doc_comment() {
        assert!(
            DEMO.page()
                .starts_with("# demo-rule\n\n## What it does\nFlags demos.\n")
        );
        assert_eq!(
            DEMO.example("Bad").as_deref(),
            Some("family: { name: bad }\n")
        );
        assert_eq!(
            DEMO.example("Good").as_deref(),
            Some("family: { name: good }\n")
        );
        assert_eq!(DEMO.stage, crate::Stage::Analysis);
    }

    #[test]
    fn a_finding_takes_code_and_severity_from_the_declaration() {
        let d = DEMO.finding("demo found");
        assert_eq!(
            (d.code, d.severity, d.message.as_str()),
            ("demo-rule", crate::Severity::Warning, "demo found")
        );
    }
}
