//! The one module that knows the YAML library (serde-saphyr).
//!
//! It parses a file into an [`ast::Document`], keeping byte spans through [`Sp`], and turns the
//! library's first error into a [`Diagnostic`] with a code, the exact span and a help line.

mod recover;
mod spans;

pub use recover::{Broken, BrokenItem, MAX_ERRORS_PER_FILE, Recovered};

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

thread_local! {
    /// Byte offset of the text being decoded in its file: a part of a file is decoded on its own
    /// when errors are looked for item by item (see `recover`).
    static BASE: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Runs `f` with every span read (and every error placed) `base` bytes further into the file.
pub(crate) fn at_base<R>(base: u32, f: impl FnOnce() -> R) -> R {
    struct Reset(u32);
    impl Drop for Reset {
        fn drop(&mut self) {
            BASE.set(self.0);
        }
    }
    let _reset = Reset(BASE.replace(base));
    f()
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

/// Parses one YAML file. `file` and `source` are used to place the error; the first error is
/// returned ([`parse_document_all`] finds every one).
pub fn parse_document(source: &SourceFile, file: FileId) -> Result<Document, Box<Diagnostic>> {
    let text: &str = &source.text;
    if is_empty_document(text) {
        return Ok(Document::default());
    }
    serde_saphyr::from_str_with_options::<Document>(text, options())
        .map_err(|e| Box::new(to_diagnostic(&e, source, file)))
}

/// Parses one YAML file and, when it has errors, finds every structural one (see `recover`):
/// `Ok` when it has none, else every error and the document of its sound items.
pub fn parse_document_all(source: &SourceFile, file: FileId) -> Result<Document, Box<Recovered>> {
    let text: &str = &source.text;
    if is_empty_document(text) {
        return Ok(Document::default());
    }
    serde_saphyr::from_str_with_options::<Document>(text, options())
        .map_err(|e| Box::new(recover::recover(source, file, e)))
}

/// Whether a file holds no content: only blank lines, comments and document markers (`---`,
/// `...`), as a file holding just `---` does. Such a file declares nothing.
fn is_empty_document(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .split(['\n', '\r'])
        .all(|line| {
            let t = line.trim_matches([' ', '\t']);
            let rest = t
                .strip_prefix("---")
                .or_else(|| t.strip_prefix("..."))
                .map_or(t, |r| {
                    if r.is_empty() || r.starts_with([' ', '\t']) {
                        r.trim_start_matches([' ', '\t'])
                    } else {
                        t
                    }
                });
            rest.is_empty() || rest.starts_with('#')
        })
}

/// skillc's words for the library's messages that name its API or Rust types: (rule, message,
/// label, help).
fn own_words(
    msg: &str,
) -> Option<(
    &'static skillc_diagnostics::RuleInfo,
    String,
    &'static str,
    String,
)> {
    let type_help = "see the JSON Schema in schemas/skillc.schema.json for the expected type";
    if msg.contains("cannot deserialize null") {
        return Some((
            &rules::INVALID_TYPE,
            "a value is needed here, not an empty one".to_owned(),
            "empty value",
            "write the value after the colon, or remove the key".to_owned(),
        ));
    }
    if msg.contains("recursive references require") {
        return Some((
            &rules::YAML_LIMITS,
            "an alias refers to the node that contains it".to_owned(),
            "recursive alias",
            "skill files cannot be recursive; write the value out instead of using an alias"
                .to_owned(),
        ));
    }
    if msg.starts_with("non-finite float") {
        return Some((
            &rules::INVALID_TYPE,
            "`.inf` and `.nan` are not numbers skillc accepts".to_owned(),
            "not a finite number",
            type_help.to_owned(),
        ));
    }
    if msg.starts_with("invalid boolean") {
        return Some((
            &rules::INVALID_TYPE,
            "only `true` and `false` are booleans".to_owned(),
            "not a boolean",
            "YAML 1.1 words such as yes, no, on and off are not booleans here; write true or false"
                .to_owned(),
        ));
    }
    if msg.contains("on a struct field name is not allowed") {
        return Some((
            &rules::YAML_SYNTAX,
            "a key cannot carry a tag (`!name`)".to_owned(),
            "tagged key",
            "remove the tag from the key".to_owned(),
        ));
    }
    if msg.starts_with("multiple YAML documents") {
        return Some((
            &rules::YAML_SYNTAX,
            "a skill file holds one YAML document; this is a second one".to_owned(),
            "second document",
            "put each document in a file of its own, or remove the `---` line".to_owned(),
        ));
    }
    if let Some(rest) = msg.strip_prefix("data did not match any variant of untagged enum ") {
        let what = match rest.trim() {
            "ScalarValue" => "a string, a whole number, or true/false",
            "WithValue" => "a string, a whole number, true/false, or a list of strings",
            _ => "a value of another type",
        };
        return Some((
            &rules::INVALID_TYPE,
            format!("wrong type: expected {what}"),
            "wrong type",
            type_help.to_owned(),
        ));
    }
    None
}

/// A type message in the language's words: no Rust type names, no parser events.
fn plain_types(msg: &str) -> String {
    let mut out = msg.to_owned();
    for (from, to) in [
        ("expected string scalar", "expected a string"),
        (
            "expected mapping start",
            "expected a mapping (`key: value` lines or `{ ... }`)",
        ),
        ("expected sequence start", "expected a list"),
        ("a sequence", "a list"),
        ("a map", "a mapping"),
        ("invalid u8", "expected a whole number from 0 to 255"),
        ("invalid u16", "expected a whole number from 0 to 65535"),
        (
            "invalid u32",
            "expected a whole number from 0 to 4294967295",
        ),
        ("invalid u64", "expected a whole number of at least 0"),
        ("invalid i64", "expected a whole number"),
        ("invalid i32", "expected a whole number"),
        ("invalid f64", "expected a number"),
        ("expected u8", "expected a whole number from 0 to 255"),
        ("expected u16", "expected a whole number from 0 to 65535"),
        (
            "expected u32",
            "expected a whole number from 0 to 4294967295",
        ),
        ("expected u64", "expected a whole number of at least 0"),
        ("expected i64", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected usize", "expected a whole number of at least 0"),
    ] {
        out = out.replace(from, to);
    }
    if let Some(i) = out.find("expected struct ") {
        out.truncate(i);
        out.push_str("expected a mapping");
    }
    out
}

/// The first tab in the indentation of the line holding `at`, else the first tab from `at` to the
/// end of the next line: where a "tab" error really is (the library places some at the end of
/// the previous line's scalar, others after the tab).
fn tab_at(text: &str, at: usize) -> Option<usize> {
    let at = at.min(text.len());
    let line_start = text.get(..at)?.rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent = text[line_start..]
        .find(|c: char| c != ' ' && c != '\t')
        .map_or(text.len(), |i| line_start + i);
    if let Some(i) = text.get(line_start..indent)?.find('\t') {
        return Some(line_start + i);
    }
    let rest = text.get(at..)?;
    let end_of_next = rest
        .match_indices('\n')
        .nth(1)
        .map_or(rest.len(), |(i, _)| i);
    rest[..end_of_next].find('\t').map(|i| at + i)
}

/// A plain key of more than 1,024 characters at `at`: YAML reads it as a value, not a key.
fn long_key_at(text: &str, at: usize) -> Option<usize> {
    let line = text.get(at..)?;
    let line = &line[..line.find(['\n', '\r']).unwrap_or(line.len())];
    let colon = line
        .match_indices(':')
        .find(|(i, _)| line[i + 1..].is_empty() || line[i + 1..].starts_with([' ', '\t']))
        .map(|(i, _)| i)?;
    (line[..colon].chars().count() > 1024).then_some(at + colon)
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
        let start = usize::try_from(off)
            .unwrap_or(usize::MAX)
            .saturating_add(BASE.get() as usize);
        let end = start.saturating_add(usize::try_from(len).unwrap_or(0));
        return Span::new(file, start, end);
    }
    let line = u32::try_from(loc.line()).unwrap_or(1);
    let column = u32::try_from(loc.column()).unwrap_or(1);
    let start = source.offset_of(line, column);
    Span::new(file, start as usize, start as usize)
}

/// A value read through a value-or-map field (`keep_alive: on`) is decoded after its node was
/// consumed, and the parser blames the key: when `at` is a key whose value on the same line is the
/// scalar `value`, the span of that scalar (quotes included).
fn value_of_key(text: &str, at: Span, value: &str) -> Option<Span> {
    let (start, end) = (at.start as usize, at.end as usize);
    if start >= end {
        return None;
    }
    let after_key = text.get(end..)?;
    let rest = after_key.strip_prefix(['"', '\'']).unwrap_or(after_key);
    let rest = rest.strip_prefix(':')?;
    let gap = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    let rest = &rest[gap..];
    let from = text.len() - rest.len();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''));
    let len = if let Some(q) = quote {
        let close = rest[1..].find(q)?;
        (rest.get(1..=close)? == value).then_some(close + 2)?
    } else {
        let tail = rest.strip_prefix(value)?;
        let ends = tail
            .chars()
            .next()
            .is_none_or(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | ',' | '}' | ']' | '#'));
        ends.then_some(value.len())?
    };
    Some(Span::new(at.file, from, from + len))
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
    let text: &str = &source.text;
    if let Some(colon) = long_key_at(text, span.start as usize) {
        return rules::YAML_SYNTAX
            .finding("a key longer than 1,024 characters is not a key in YAML")
            .at(
                Span::new(file, span.start as usize, colon),
                "read as a value",
            )
            .with_help("ids are at most 64 characters; shorten the key");
    }
    if let Some((rule, message, label, help)) = own_words(&msg) {
        return rule.finding(message).at(span, label).with_help(help);
    }
    if msg.contains("tab")
        && let Some(tab) = tab_at(text, span.start as usize)
    {
        return rules::YAML_SYNTAX
            .finding("invalid YAML: a tab where YAML allows only spaces")
            .at(Span::new(file, tab, tab + 1), "tab here")
            .with_help("indent with spaces; YAML never allows tabs in indentation");
    }
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
        let span = value_of_key(text, span, name).unwrap_or(span);
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
            .finding(format!("wrong type: {}", plain_types(&msg)))
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

    fn parse_all(text: &str) -> Result<Document, Box<Recovered>> {
        let mut map = SourceMap::new();
        let id = map.add("t.yaml", text);
        parse_document_all(map.get(id).expect("file"), id)
    }

    #[test]
    fn every_structural_error_is_found_and_the_sound_items_kept_in_place() {
        let text = "services:\n  a:\n    description: é\n    layer: l3\n    scope: Session\n    run: { program: /x, keep_alive: on }\n  b:\n    description: d\n    layer: L1\n    scope: daemon\n    run: { program: /y }\n  c:\n    descripton: d\n    layer: L1\n    scope: daemon\n    run: { program: /z }\n";
        let rec = *parse_all(text).expect_err("has errors");
        let found: Vec<(&str, &str)> = rec
            .diagnostics
            .iter()
            .map(|d| {
                let s = d.span.expect("span");
                (d.code, &text[s.start as usize..s.end as usize])
            })
            .collect();
        // Three bad values in one service, then a misspelt key whose "missing" echo is dropped.
        assert_eq!(
            found,
            [
                ("invalid-value", "l3"),
                ("invalid-value", "Session"),
                // A value-or-map field (`keep_alive`) decodes its scalar after the parser has
                // moved on; the finding is still the value, not the key.
                ("invalid-value", "on"),
                ("unknown-key", "descripton"),
            ]
        );
        let items: Vec<&BrokenItem> = rec.broken.iter().map(|b| &b.item).collect();
        assert_eq!(
            items,
            [
                &BrokenItem::Service("a".into()),
                &BrokenItem::Service("c".into())
            ]
        );
        assert_eq!(&text[rec.broken[0].start as usize..][..2], "a:");
        let doc = rec.doc.expect("the sound part decodes");
        let services = doc.services.expect("services");
        let keys: Vec<&str> = services.keys().map(|k| k.value.as_str()).collect();
        assert_eq!(keys, ["b"]);
        // Blanking keeps every offset: the sound item's spans are where they were.
        let b = &services[0];
        assert_eq!(&text[b.layer.start as usize..b.layer.end as usize], "L1");
    }

    #[test]
    fn a_second_error_caused_by_blanking_is_not_reported() {
        // An anchor in an entry that is blanked: the alias that uses it is not "unknown".
        let text = "services:\n  a:\n    description: &d x\n    layr: L1\n  b:\n    description: *d\n    layer: L1\n    scope: daemon\n    run: { program: /y }\n";
        let rec = *parse_all(text).expect_err("has errors");
        assert!(
            rec.diagnostics.iter().all(|d| d.code != "yaml-syntax"),
            "{:?}",
            rec.diagnostics
        );
    }

    #[test]
    fn a_file_of_document_markers_and_comments_is_empty() {
        for text in ["---\n", "--- # c\n...\n", "# only\n---\n", "\u{feff}---\r"] {
            assert!(parse(text).is_ok(), "{text:?}");
        }
        assert!(parse("---x: 1\n").is_err());
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
