//! `{param.NAME}` and `{service.FIELD}` placeholders in strings.

use super::context::Cx;
use crate::rules;
use skillc_diagnostics::{Span, did_you_mean};

/// Service fields a placeholder may read.
pub const SERVICE_FIELDS: &[&str] = &[
    "id",
    "label",
    "bus",
    "program",
    "stdout",
    "stderr",
    "working_dir",
];

/// The placeholders of a string, in order, with their byte range inside it.
pub fn placeholders(s: &str) -> Vec<(&str, usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(open) = s[i..].find('{') {
        let start = i + open;
        let Some(close) = s[start..].find('}') else {
            break;
        };
        let end = start + close + 1;
        out.push((&s[start + 1..end - 1], start, end));
        i = end;
    }
    out
}

impl Cx<'_> {
    /// Checks every placeholder of `value` against the parameter names in scope.
    pub(crate) fn check_placeholders(&mut self, value: &str, span: Span, params: &[String]) {
        let exact = self.text(span).contains(value);
        let offset = self.text(span).find(value).unwrap_or(0);
        for (inner, start, end) in placeholders(value) {
            let at = if exact {
                span.sub(offset + start, offset + end)
            } else {
                span
            };
            let problem = match inner.split_once('.') {
                Some(("param", name)) if params.iter().any(|p| p == name) => None,
                Some(("param", name)) => Some((
                    format!("`{{param.{name}}}` names no parameter"),
                    did_you_mean(name, params.iter().map(String::as_str)).map_or_else(
                        || "declare it under `params:`".to_owned(),
                        |s| format!("did you mean `{{param.{s}}}`?"),
                    ),
                )),
                Some(("service", field)) if SERVICE_FIELDS.contains(&field) => None,
                Some(("service", field)) => Some((
                    format!("`{{service.{field}}}` is not a service field"),
                    did_you_mean(field, SERVICE_FIELDS.iter().copied()).map_or_else(
                        || format!("fields: {}", SERVICE_FIELDS.join(", ")),
                        |s| format!("did you mean `{{service.{s}}}`?"),
                    ),
                )),
                // `{word.word}` is meant as a placeholder (a typo like `{parm.lock}`); any other
                // brace text (`{}` for `find -exec`, a jq filter `{.a}`) is literal.
                Some((kind, field)) if looks_like_word(kind) && looks_like_word(field) => Some((
                    format!("`{{{inner}}}` is not a placeholder"),
                    format!(
                        "placeholders are `{{param.NAME}}` and `{{service.FIELD}}`, not `{{{kind}.…}}`"
                    ),
                )),
                _ => None,
            };
            if let Some((message, help)) = problem {
                self.emit(
                    rules::INVALID_PLACEHOLDER
                        .finding(message)
                        .at(at, "unknown placeholder")
                        .with_help(help),
                );
            }
        }
    }
}

fn looks_like_word(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_placeholders_with_ranges() {
        let p = placeholders("-iTCP:{param.port} {service.label}");
        assert_eq!(p, vec![("param.port", 6, 18), ("service.label", 19, 34)]);
        assert!(placeholders("plain").is_empty());
    }
}
