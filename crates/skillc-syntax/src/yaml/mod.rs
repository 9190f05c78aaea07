//! The one module that knows the YAML library (serde-saphyr).
//!
//! It parses a file into an [`ast::Document`], keeping byte spans through [`Sp`], and turns the
//! library's first error into a [`Diagnostic`] with a code, the exact span and a help line.

mod spans;

use crate::ast::Document;
use crate::rules;
use serde_saphyr::options::AliasLimits;
use serde_saphyr::{Budget, Error, Options};
use skillc_diagnostics::{Diagnostic, FileId, SourceFile, Span, did_you_mean};

thread_local! {
    /// Set while a document is decoded from the parse cache, where an `Sp<T>` is the tuple
    /// `(value, start, end)` that its `Serialize` wrote, not a YAML node.
    static FROM_CACHE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether the current decode reads the parse cache (see [`decoding_cached`]).
pub(crate) fn decoding_from_cache() -> bool {
    FROM_CACHE.get()
}

/// Runs `f` (a decode of cached bytes) with `Sp<T>` read as `(value, start, end)`.
pub(crate) fn decoding_cached<R>(f: impl FnOnce() -> R) -> R {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            FROM_CACHE.set(false);
        }
    }
    FROM_CACHE.set(true);
    let _reset = Reset;
    f()
}

fn options() -> Options {
    let mut budget = Budget::default();
    // A generated repo may keep thousands of services in one file; aliases stay tightly limited.
    budget.max_nodes = 5_000_000;
    budget.max_events = 20_000_000;
    let mut aliases = AliasLimits::default();
    aliases.max_total_replayed_events = 100_000;
    serde_saphyr::options! {
        strict_booleans: true,
        budget: Some(budget),
        alias_limits: aliases,
    }
}

/// Parses one YAML file. `file` and `source` are used to place the error.
pub fn parse_document(source: &SourceFile, file: FileId) -> Result<Document, Box<Diagnostic>> {
    let text: &str = &source.text;
    if text.trim().is_empty() {
        return Ok(Document::default());
    }
    serde_saphyr::from_str_with_options::<Document>(text, options())
        .map_err(|e| Box::new(to_diagnostic(&e, source, file)))
}

fn error_message(e: &Error) -> String {
    if let Error::Message { msg, .. } = e {
        return msg.clone();
    }
    let full = e.without_snippet().to_string();
    // Drop the trailing " at line N, column M": spans carry the position.
    if let Some(i) = full.rfind(" at line ") {
        let tail = &full[i + " at line ".len()..];
        let is_position = tail.split_once(", column ").is_some_and(|(l, c)| {
            !l.is_empty()
                && !c.is_empty()
                && l.chars().chain(c.chars()).all(|ch| ch.is_ascii_digit())
        });
        if is_position {
            return full[..i].to_owned();
        }
    }
    full
}

fn error_span(e: &Error, source: &SourceFile, file: FileId) -> Span {
    let Some(loc) = e.location() else {
        return Span::file_start(file);
    };
    let span = loc.span();
    if let (Some(off), Some(len)) = (span.byte_offset(), span.byte_len()) {
        let start = usize::try_from(off).unwrap_or(usize::MAX);
        let end = start.saturating_add(usize::try_from(len).unwrap_or(0));
        return Span::new(file, start, end);
    }
    let line = u32::try_from(loc.line()).unwrap_or(1);
    let column = u32::try_from(loc.column()).unwrap_or(1);
    let start = source.offset_of(line, column);
    Span::new(file, start as usize, start as usize)
}

/// Splits "unknown field `x`, expected one of a, b" into the name and the expected names.
fn split_unknown<'m>(msg: &'m str, prefix: &str) -> Option<(&'m str, Vec<&'m str>)> {
    let rest = msg.strip_prefix(prefix)?;
    let end = rest.find('`')?;
    let name = &rest[..end];
    let tail = &rest[end + 1..];
    let expected = tail
        .split_once("expected one of ")
        .map(|(_, list)| list)
        .or_else(|| tail.split_once("expected ").map(|(_, one)| one))
        .map(|list| {
            list.split(", ")
                .map(|s| s.trim_matches('`'))
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    Some((name, expected))
}

/// For an error inside a block mapping, the key that owns the mapping: the nearest line above
/// with less indentation. Returns its span and name.
fn parent_key(source: &SourceFile, file: FileId, at: Span) -> Option<(Span, Option<String>)> {
    let text: &str = &source.text;
    let line_start = text[..at.start as usize].rfind('\n').map_or(0, |i| i + 1);
    let indent = text[line_start..].len() - text[line_start..].trim_start_matches(' ').len();
    if at.start as usize != line_start + indent {
        return None; // flow style or mid-line: keep the parser's position
    }
    let mut end = line_start;
    while end > 0 {
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end - 1];
        let trimmed = line.trim_start_matches(' ');
        let line_indent = line.len() - trimmed.len();
        if !trimmed.is_empty() && !trimmed.starts_with('#') && line_indent < indent {
            let key = trimmed.trim_start_matches("- ").split(':').next()?.trim();
            let key_start = start + line.find(key)?;
            return Some((
                Span::new(file, key_start, key_start + key.len()),
                Some(key.to_owned()),
            ));
        }
        end = start;
    }
    None
}

fn to_diagnostic(e: &Error, source: &SourceFile, file: FileId) -> Diagnostic {
    let msg = error_message(e);
    let span = error_span(e, source, file);
    if let Some((name, expected)) = split_unknown(&msg, "unknown field `") {
        let mut d = rules::UNKNOWN_KEY
            .finding(format!("unknown key `{name}`"))
            .at(span, "not a key here");
        d = match did_you_mean(name, expected.iter().copied()) {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None if expected.is_empty() => d.with_help("this mapping takes no keys"),
            None => d.with_help(format!("expected one of: {}", expected.join(", "))),
        };
        return d;
    }
    if let Some((name, expected)) = split_unknown(&msg, "unknown variant `") {
        let mut d = rules::INVALID_VALUE
            .finding(format!("invalid value `{name}`"))
            .at(span, "not allowed here");
        d = match did_you_mean(name, expected.iter().copied()) {
            Some(s) => d.with_help(format!(
                "did you mean `{s}`? allowed: {}",
                expected.join(", ")
            )),
            None => d.with_help(format!("allowed: {}", expected.join(", "))),
        };
        return d;
    }
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        let (at, owner) = parent_key(source, file, span).unwrap_or((span, None));
        let message = match owner {
            Some(owner) => format!("`{owner}` is missing the required key `{name}`"),
            None => format!("missing required key `{name}`"),
        };
        return rules::MISSING_KEY
            .finding(message)
            .at(at, format!("needs `{name}`"))
            .with_help(format!(
                "add `{name}:`; see docs/language.md for what it means"
            ));
    }
    if msg.starts_with("duplicate mapping key") {
        let key = msg
            .strip_prefix("duplicate mapping key: ")
            .and_then(|r| r.split(", set DuplicateKeyPolicy").next())
            .unwrap_or("");
        return rules::DUPLICATE_KEY
            .finding(format!("duplicate key `{key}`"))
            .at(span, "defined again here")
            .with_help("a key may appear once per mapping; merge the two entries");
    }
    if msg.contains("budget breached")
        || msg.contains("recursion limit")
        || msg.contains("depth")
        || msg.contains("alias") && msg.contains("limit")
    {
        return rules::YAML_LIMITS
            .finding("the file exceeds skillc's YAML limits")
            .at(span, "limit reached here")
            .with_note(msg.split_whitespace().collect::<Vec<_>>().join(" "))
            .with_help("skill files are small; remove alias chains or very deep nesting");
    }
    if msg.starts_with("invalid type")
        || msg.starts_with("expected ")
        || msg.starts_with("invalid u")
        || msg.starts_with("invalid i")
        || msg.contains("boolean")
    {
        return rules::INVALID_TYPE
            .finding(format!("wrong type: {msg}"))
            .at(span, "wrong type")
            .with_help("see the JSON Schema in schemas/skillc.schema.json for the expected type");
    }
    rules::YAML_SYNTAX
        .finding(format!("invalid YAML: {msg}"))
        .at(span, msg)
        .with_help("fix the YAML syntax; indentation uses spaces, never tabs")
}

#[cfg(test)]
mod tests {
    use super::*;
    use skillc_diagnostics::SourceMap;

    fn parse(text: &str) -> Result<Document, Box<Diagnostic>> {
        let mut map = SourceMap::new();
        let id = map.add("t.yaml", text);
        parse_document(map.get(id).expect("file"), id)
    }

    fn err(text: &str) -> (Diagnostic, String) {
        let d = *parse(text).expect_err("should fail");
        let span = d.span.expect("span");
        let slice = text[span.start as usize..span.end as usize].to_owned();
        (d, slice)
    }

    #[test]
    fn keeps_byte_spans_of_keys_and_values() {
        let text = "# ü comment\nservices:\n  bus:\n    description: d\n    layer: L1\n    scope: daemon\n    run: { program: /bin/x }\n";
        let doc = parse(text).expect("parses");
        let services = doc.services.expect("services");
        let (key, svc) = services.first().expect("one");
        assert_eq!(&text[key.start as usize..key.end as usize], "bus");
        assert_eq!(
            &text[svc.layer.start as usize..svc.layer.end as usize],
            "L1"
        );
    }

    #[test]
    fn unknown_key_suggests_the_closest() {
        let (d, slice) = err("services:\n  a:\n    layr: L1\n");
        assert_eq!(d.code, "unknown-key");
        assert_eq!(slice, "layr");
        assert_eq!(d.help.as_deref(), Some("did you mean `layer`?"));
    }

    #[test]
    fn bad_enum_is_an_invalid_value_at_the_value() {
        let (d, slice) = err(
            "services:\n  a:\n    description: d\n    layer: L4\n    scope: daemon\n    run: { program: /x }\n",
        );
        assert_eq!(d.code, "invalid-value");
        assert_eq!(slice, "L4");
        assert!(d.help.as_deref().unwrap_or("").contains("L1, L2, L3"));
    }

    #[test]
    fn duplicate_keys_are_reported_at_the_second() {
        let (d, slice) = err("policy: {}\npolicy: {}\n");
        assert_eq!(d.code, "duplicate-key");
        assert_eq!(slice, "policy");
        assert_eq!(d.span.expect("span").start, 11);
    }

    #[test]
    fn wrong_types_and_syntax_errors_have_codes() {
        let (d, _) = err("services:\n  a:\n    description: [x]\n");
        assert_eq!(d.code, "invalid-type");
        let (d, _) = err("services:\n\ta: {}\n");
        assert_eq!(d.code, "yaml-syntax");
        let (d, _) = err("services: {a: \"unclosed\n");
        assert_eq!(d.code, "yaml-syntax");
    }

    #[test]
    fn alias_bombs_are_refused_not_expanded() {
        let mut text = String::from(
            "services:\n  a:\n    description: d\n    layer: L1\n    scope: daemon\n    run:\n      program: /x\n      launchd:\n        A: &a [x, x, x, x, x, x, x, x, x, x]\n",
        );
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for pair in names.windows(2) {
            let refs = vec![format!("*{}", pair[0]); 10].join(", ");
            text.push_str(&format!(
                "        {}: &{} [{refs}]\n",
                pair[1].to_uppercase(),
                pair[1]
            ));
        }
        let d = *parse(&text).expect_err("refused");
        assert_eq!(d.code, "yaml-limits", "{d:?}");
    }
}
