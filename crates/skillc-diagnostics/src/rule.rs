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

    /// The fenced ```yaml block of the section `## <section>` of the page; `None` when that
    /// section has none (a rule whose cause is not YAML text, such as an unreadable file).
    pub fn example(&self, section: &str) -> Option<String> {
        let page = self.page();
        let heading = format!("\n## {section}\n");
        let after = &page[page.find(&heading)? + heading.len()..];
        let body = &after[..after.find("\n## ").unwrap_or(after.len())];
        let start = body.find("```yaml\n")? + "```yaml\n".len();
        let end = start + body[start..].find("```")?;
        Some(body[start..end].to_owned())
    }
}

/// One entry of the registration table of a stage whose rules each report from their own file:
/// the rule and its check, of the stage's signature `F`.
#[derive(Debug)]
pub struct Check<F> {
    pub rule: &'static RuleInfo,
    pub run: F,
}

impl<F> Check<F> {
    pub const fn new(rule: &'static RuleInfo, run: F) -> Self {
        Self { rule, run }
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
        assert_eq!(DEMO.example("What it does"), None, "no block of its own");
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
