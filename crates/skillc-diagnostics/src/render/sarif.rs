//! SARIF 2.1.0 for code-scanning services, built with `serde-sarif`'s types.

use super::to_rendered;
use crate::{Diagnostic, RuleInfo, Severity, SourceMap};
use serde_sarif::sarif;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;

/// The tool's version and, when it has a public home, where that is and where the rule pages
/// live (`<base>/<rule-id>.md`); without one, SARIF carries no such URI (never a placeholder) and
/// each rule's full page is in its `help`.
#[derive(Debug, Clone, Copy)]
pub struct SarifTool<'a> {
    pub version: &'a str,
    pub information_uri: Option<&'a str>,
    pub rules_base_uri: Option<&'a str>,
}

fn level(s: Severity) -> sarif::ResultLevel {
    match s {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Info => sarif::ResultLevel::Note,
    }
}

fn default_level(s: Severity) -> String {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
    .to_owned()
}

/// A fingerprint that survives edits elsewhere in the file: rule, file, message and the trimmed
/// text of the finding's line, not its line number.
fn fingerprint(map: &SourceMap, d: &Diagnostic) -> String {
    let mut h = Sha256::new();
    h.update(d.code.as_bytes());
    h.update([0]);
    h.update(d.message.as_bytes());
    if let Some(span) = d.span
        && let Some(file) = map.get(span.file)
    {
        h.update([0]);
        h.update(file.path.as_bytes());
        let text: &str = &file.text;
        let start = text[..(span.start as usize).min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        h.update([0]);
        h.update(text[start..end].trim().as_bytes());
    }
    h.finalize()
        .iter()
        .take(16)
        .fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

fn location(
    file: &str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
    message: Option<&str>,
) -> sarif::Location {
    let physical = sarif::PhysicalLocation::builder()
        .artifact_location(
            sarif::ArtifactLocation::builder()
                .uri(file.to_owned())
                .build(),
        )
        .region(
            sarif::Region::builder()
                .start_line(i64::from(line))
                .start_column(i64::from(column))
                .end_line(i64::from(end_line))
                .end_column(i64::from(end_column))
                .build(),
        )
        .build();
    match message {
        Some(m) => sarif::Location::builder()
            .physical_location(physical)
            .message(sarif::Message::builder().text(m.to_owned()).build())
            .build(),
        None => sarif::Location::builder()
            .physical_location(physical)
            .build(),
    }
}

/// The SARIF log of one run. `rules` is every rule skillc knows (all go into `tool.driver.rules`,
/// so results can reference them by index).
pub fn render_sarif(
    map: &SourceMap,
    diagnostics: &[Diagnostic],
    rules: &[&RuleInfo],
    tool: SarifTool<'_>,
) -> String {
    let descriptors: Vec<sarif::ReportingDescriptor> = rules
        .iter()
        .map(|r| {
            let page = r.page();
            let mut d = sarif::ReportingDescriptor::builder()
                .id(r.id.to_owned())
                .name(r.id.to_owned())
                .short_description(
                    sarif::MultiformatMessageString::builder()
                        .text(r.summary.to_owned())
                        .build(),
                )
                .full_description(
                    sarif::MultiformatMessageString::builder()
                        .text(r.summary.to_owned())
                        .build(),
                )
                .help(
                    sarif::MultiformatMessageString::builder()
                        .text(page.clone())
                        .markdown(page)
                        .build(),
                )
                .default_configuration(
                    sarif::ReportingConfiguration::builder()
                        .level(serde_json::Value::String(default_level(r.default_severity)))
                        .build(),
                )
                .build();
            d.help_uri = tool
                .rules_base_uri
                .map(|base| format!("{base}/{}.md", r.id));
            d
        })
        .collect();
    let results: Vec<sarif::Result> = diagnostics
        .iter()
        .map(|d| {
            let r = to_rendered(map, d);
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str("\nhelp: ");
                text.push_str(h);
            }
            let locations = match (&r.file, r.line, r.column, r.end_line, r.end_column) {
                (Some(f), Some(l), Some(c), Some(el), Some(ec)) => {
                    vec![location(f, l, c, el, ec, None)]
                }
                _ => Vec::new(),
            };
            let related: Vec<sarif::Location> = r
                .labels
                .iter()
                .map(|l| {
                    location(
                        &l.file,
                        l.line,
                        l.column,
                        l.end_line,
                        l.end_column,
                        Some(&l.message),
                    )
                })
                .collect();
            let mut fingerprints = std::collections::BTreeMap::new();
            fingerprints.insert("skillc/v1".to_owned(), fingerprint(map, d));
            let index = rules
                .iter()
                .position(|x| x.id == d.code)
                .map_or(-1, |i| i64::try_from(i).unwrap_or(-1));
            sarif::Result::builder()
                .rule_id(d.code.to_owned())
                .rule_index(index)
                .level(level(d.severity))
                .message(sarif::Message::builder().text(text).build())
                .locations(locations)
                .related_locations(related)
                .partial_fingerprints(fingerprints)
                .build()
        })
        .collect();
    let mut driver = sarif::ToolComponent::builder()
        .name("skillc".to_owned())
        .version(tool.version.to_owned())
        .rules(descriptors)
        .build();
    driver.information_uri = tool.information_uri.map(str::to_owned);
    // Columns count characters (Unicode code points), as in every other format; without this
    // SARIF consumers read them as UTF-16 code units (the SARIF 2.1.0 default).
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .column_kind(serde_json::Value::String(
            sarif::ResultColumnKind::UnicodeCodePoints.to_string(),
        ))
        .build();
    let log = sarif::Sarif::builder()
        .version(serde_json::Value::String("2.1.0".to_owned()))
        .schema("https://json.schemastore.org/sarif-2.1.0.json".to_owned())
        .runs(vec![run])
        .build();
    let mut s = serde_json::to_string_pretty(&log).unwrap_or_else(|_| "{}".to_owned());
    s.push('\n');
    s
}
