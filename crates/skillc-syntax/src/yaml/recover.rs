//! Every structural error of a file, not only the first.
//!
//! serde-saphyr stops at the first error. When a file has one, it is parsed a second time into a
//! plain tree of spanned nodes ([`Node`]), which tells where every mapping entry begins and ends.
//! Then, in rounds: the error is recorded, the mapping entry that holds it is blanked (every byte
//! but line breaks becomes a space, so every offset stays where it was) and the file is decoded
//! again, until it decodes or the budget is spent. One bad value poisons only its own entry: the
//! other keys of the same mapping, and every other item of the file, are still checked.
//!
//! An error that blanking caused is not reported: a required key that was blanked is then
//! "missing" (the echo is dropped, and the mapping that needs it is blanked in turn), and a syntax
//! error that the original text did not have ends the rounds.
//!
//! The items (a service, action or skill; the policy; the family section) that had an error are
//! then blanked whole and the file decoded once more: the document keeps every sound item, and
//! [`Recovered::broken`] names the others, so that references to them are not reported as unknown.

use super::{options, to_diagnostic};

use crate::Sp;
use crate::ast::{Document, Id};
use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::DuplicateKeyPolicy;
use skillc_diagnostics::{Diagnostic, FileId, SourceFile};
use std::collections::HashSet;
use std::fmt;

/// Most errors reported for one file.
pub const MAX_ERRORS_PER_FILE: usize = 100;
/// Bytes decoded in all rounds together, at most: a small file gets every error (up to
/// [`MAX_ERRORS_PER_FILE`]); a 1 MiB file gets 8 rounds, a file over 8 MiB the first error only.
const ROUND_BYTES: usize = 8 * 1024 * 1024;

/// A top-level item that had an error.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BrokenItem {
    Service(String),
    Action(String),
    Skill(String),
    Policy,
    Family,
}

/// An item left out of a file's document, and the first error that made it so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    pub item: BrokenItem,
    /// Byte offset of the item's key.
    pub start: u32,
    /// The rule id and byte offset of its first error.
    pub code: &'static str,
    pub at: u32,
}

/// What a file with errors holds.
#[derive(Debug)]
pub struct Recovered {
    /// Every error, in the order found (file order within a mapping).
    pub diagnostics: Vec<Diagnostic>,
    /// The sound items, when the file could be decoded with the broken ones left out.
    pub doc: Option<Document>,
    pub broken: Vec<Broken>,
}

/// A YAML node: only the structure and the positions.
enum Node {
    Scalar(Option<String>),
    Seq(Vec<Sp<Node>>),
    Map(Vec<(Sp<Node>, Sp<Node>)>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

macro_rules! scalars {
    ($($method:ident($ty:ty)),* $(,)?) => {$(
        fn $method<E: de::Error>(self, _: $ty) -> Result<Node, E> {
            Ok(Node::Scalar(None))
        }
    )*};
}

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a YAML node")
    }

    scalars!(
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_i128(i128),
        visit_u128(u128),
        visit_f64(f64),
        visit_bytes(&[u8]),
    );

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Scalar(Some(v.to_owned())))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(None))
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Scalar(None))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Sp<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<Sp<Node>, Sp<Node>>()? {
            entries.push(entry);
        }
        Ok(Node::Map(entries))
    }
}

/// A mapping entry: where it starts and ends, which mapping holds it, what it is.
struct Entry {
    start: usize,
    end: usize,
    key: String,
    /// Index of the mapping that holds it.
    map: usize,
    /// The top-level item it belongs to.
    item: Option<BrokenItem>,
}

/// A mapping: its first byte, its entries, the entry whose value it is.
struct Map {
    start: usize,
    first_key: Option<usize>,
    owner: Option<usize>,
    entries: Vec<usize>,
    flow: bool,
}

struct Layout {
    entries: Vec<Entry>,
    maps: Vec<Map>,
}

impl Layout {
    fn new(text: &str, root: &Sp<Node>) -> Self {
        let mut l = Layout {
            entries: Vec::new(),
            maps: Vec::new(),
        };
        l.walk(text, root, text.len(), None, 0);
        l
    }

    /// Records `node` and what it holds; `end` is where its extent ends (the next sibling).
    fn walk(&mut self, text: &str, node: &Sp<Node>, end: usize, owner: Option<usize>, depth: u32) {
        let start = node.start as usize;
        match &node.value {
            Node::Scalar(_) => {}
            Node::Seq(items) => {
                let flow = text.as_bytes().get(start) == Some(&b'[');
                let end = if flow { closing(text, start) } else { end };
                for (i, item) in items.iter().enumerate() {
                    let next = items.get(i + 1).map_or(end, |n| n.start as usize);
                    let next = if flow {
                        next
                    } else {
                        line_start(text, next, item.start as usize)
                    };
                    self.walk(text, item, next, owner, depth + 1);
                }
            }
            Node::Map(entries) => {
                let flow = text.as_bytes().get(start) == Some(&b'{');
                let end = if flow { closing(text, start) } else { end };
                let map = self.maps.len();
                self.maps.push(Map {
                    start,
                    first_key: entries.first().map(|(k, _)| k.start as usize),
                    owner,
                    entries: Vec::new(),
                    flow,
                });
                for (i, (key, value)) in entries.iter().enumerate() {
                    let k_start = key.start as usize;
                    let next = entries.get(i + 1).map_or(end, |(n, _)| n.start as usize);
                    let next = if flow {
                        next
                    } else {
                        line_start(text, next, k_start)
                    };
                    let name = match &key.value {
                        Node::Scalar(Some(s)) => s.clone(),
                        _ => String::new(),
                    };
                    let parent_item = owner.and_then(|o| self.entries[o].item.clone());
                    let item = match (depth, owner.map(|o| self.entries[o].key.as_str())) {
                        (0, _) if name == "policy" => Some(BrokenItem::Policy),
                        (0, _) if name == "family" => Some(BrokenItem::Family),
                        (1, Some("services")) => Some(BrokenItem::Service(name.clone())),
                        (1, Some("actions")) => Some(BrokenItem::Action(name.clone())),
                        (1, Some("skills")) => Some(BrokenItem::Skill(name.clone())),
                        _ => parent_item,
                    };
                    let id = self.entries.len();
                    self.entries.push(Entry {
                        start: k_start,
                        end: next.max(k_start),
                        key: name,
                        map,
                        item,
                    });
                    self.maps[map].entries.push(id);
                    self.walk(text, value, next, Some(id), depth + 1);
                }
            }
        }
    }

    /// The innermost entry whose text holds `at`.
    fn entry_at(&self, at: usize) -> Option<usize> {
        // Entries nest; the innermost one holding `at` is the last recorded (walk order is
        // outer before inner) whose range holds it.
        self.entries
            .iter()
            .enumerate()
            .rev()
            .find(|(_, e)| e.start <= at && at < e.end.max(e.start + 1))
            .map(|(i, _)| i)
    }

    /// The mapping a "missing key" error at `at` is about: the library places it at a key of the
    /// mapping (the last one read), or at the mapping's start.
    fn missing_map(&self, at: usize) -> Option<usize> {
        self.entries
            .iter()
            .rev()
            .find(|e| e.start == at)
            .map(|e| e.map)
            .or_else(|| self.map_at(at))
            .or_else(|| self.entry_at(at).map(|e| self.entries[e].map))
    }

    /// The innermost mapping that starts at `at` (its `{` or its first key).
    fn map_at(&self, at: usize) -> Option<usize> {
        self.maps
            .iter()
            .enumerate()
            .rev()
            .find(|(_, m)| m.start == at || m.first_key == Some(at))
            .map(|(i, _)| i)
    }
}

/// Where a block-context extent that runs to `next` really ends: at the start of `next`'s line
/// (a `- ` before it belongs to the next item), unless that is not after `from`.
fn line_start(text: &str, next: usize, from: usize) -> usize {
    let next = next.min(text.len());
    match text[..next].rfind('\n') {
        Some(i) if i + 1 > from => i + 1,
        _ => next,
    }
}

/// The offset just before the bracket closing the flow collection opened at `open`.
fn closing(text: &str, open: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'\'' if i > 0 && matches!(bytes[i - 1], b' ' | b'[' | b'{' | b',' | b'\n') => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'\'' {
                    i += 1;
                }
            }
            b'#' if i > 0 && matches!(bytes[i - 1], b' ' | b'\t' | b'\n') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// Spaces over every byte of `range` but line breaks.
fn blank(text: &mut [u8], start: usize, end: usize) {
    let end = end.min(text.len());
    for b in text.iter_mut().take(end).skip(start) {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

struct Rounds<'a> {
    source: &'a SourceFile,
    file: FileId,
    layout: Layout,
    text: Vec<u8>,
    /// Entries blanked so far.
    blanked: HashSet<usize>,
    /// (mapping, key) pairs blanked: a "missing key" for one of them is an echo.
    removed_keys: HashSet<(usize, String)>,
    /// (mapping, key) pairs that an unknown key of the mapping was reported as a misspelling of.
    misspelt: HashSet<(usize, String)>,
    broken: Vec<Broken>,
    /// The error that the next blanking answers: (rule id, offset).
    cause: (&'static str, u32),
}

impl Rounds<'_> {
    /// Blanks entry `e` (or, when it is gone already, the nearest enclosing entry that is not);
    /// false when there is none.
    fn blank_entry(&mut self, mut e: usize) -> bool {
        while self.blanked.contains(&e) {
            match self.layout.maps[self.layout.entries[e].map].owner {
                Some(o) => e = o,
                None => return false,
            }
        }
        let entry = &self.layout.entries[e];
        blank(&mut self.text, entry.start, entry.end);
        self.blanked.insert(e);
        self.removed_keys.insert((entry.map, entry.key.clone()));
        if let Some(item) = &entry.item
            && !self.broken.iter().any(|b| &b.item == item)
        {
            let start = self.item_start(e);
            self.broken.push(Broken {
                item: item.clone(),
                start,
                code: self.cause.0,
                at: self.cause.1,
            });
        }
        // A block mapping left without entries would read as null: make it an empty mapping.
        let map = &self.layout.maps[entry.map];
        if !map.flow && map.entries.iter().all(|i| self.blanked.contains(i)) {
            let at = map.start;
            if self.text.len() >= at + 2 {
                self.text[at] = b'{';
                self.text[at + 1] = b'}';
            }
        }
        true
    }

    /// Offset of the key of the item entry `e` belongs to.
    fn item_start(&self, mut e: usize) -> u32 {
        let item = self.layout.entries[e].item.clone();
        while let Some(o) = self.layout.maps[self.layout.entries[e].map].owner {
            if self.layout.entries[o].item != item {
                break;
            }
            e = o;
        }
        u32::try_from(self.layout.entries[e].start).unwrap_or(u32::MAX)
    }

    fn text(&self) -> &str {
        // Blanking writes ASCII spaces over whole characters: the text stays UTF-8.
        std::str::from_utf8(&self.text).unwrap_or("")
    }
}

/// Finds every structural error of a file whose first error is `first`.
pub(super) fn recover(source: &SourceFile, file: FileId, first: serde_saphyr::Error) -> Recovered {
    let first_diag = to_diagnostic(&first, source, file);
    let single = |d: Diagnostic| Recovered {
        diagnostics: vec![d],
        doc: None,
        broken: Vec::new(),
    };
    if matches!(first_diag.code, "yaml-syntax" | "yaml-limits") {
        return single(first_diag);
    }
    let text: &str = &source.text;
    if text.len() > ROUND_BYTES / 4 {
        // Rounds over a file this large would take long: its first error is reported alone.
        return single(first_diag);
    }
    let mut tree_options = options();
    tree_options.duplicate_keys = DuplicateKeyPolicy::PassThrough;
    let Ok(root) = serde_saphyr::from_str_with_options::<Sp<Node>>(text, tree_options) else {
        return single(first_diag);
    };
    let mut r = Rounds {
        source,
        file,
        layout: Layout::new(text, &root),
        text: text.as_bytes().to_vec(),
        blanked: HashSet::new(),
        removed_keys: HashSet::new(),
        misspelt: HashSet::new(),
        broken: Vec::new(),
        cause: ("", 0),
    };
    drop(root);
    let mut by_item = ItemScan {
        budget: ROUND_BYTES.saturating_sub(text.len()),
        complete: true,
        diagnostics: Vec::new(),
    };
    if let Some(doc) = by_items(&mut r, &mut by_item) {
        let mut diagnostics = by_item.diagnostics;
        if diagnostics.is_empty() {
            diagnostics.push(first_diag);
        }
        note_incomplete(&mut diagnostics, by_item.complete);
        return Recovered {
            diagnostics,
            doc: Some(doc),
            broken: r.broken,
        };
    }
    // The whole file in rounds: a file whose items cannot be decoded one by one (flow style at
    // the top, aliases from one item into another).
    r.blanked.clear();
    r.removed_keys.clear();
    r.misspelt.clear();
    r.broken.clear();
    r.text = text.as_bytes().to_vec();
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut error = Some(first);
    let mut budget = ROUND_BYTES.saturating_sub(text.len());
    let mut complete = true;
    while let Some(e) = error.take() {
        match r.answer(&e, &mut diagnostics) {
            Answer::Stop => break,
            Answer::Full => {
                complete = false;
                break;
            }
            Answer::Again => {}
        }
        if budget < text.len() {
            complete = false;
            break;
        }
        budget -= text.len();
        error = serde_saphyr::from_str_with_options::<Document>(r.text(), options()).err();
    }
    if diagnostics.is_empty() {
        diagnostics.push(first_diag);
    }
    note_incomplete(&mut diagnostics, complete);
    // The document without the items that had errors (and with every other entry the rounds
    // blanked, such as an unknown top-level key).
    let mut clean = Rounds {
        source,
        file,
        layout: r.layout,
        text: std::mem::take(&mut r.text),
        blanked: HashSet::new(),
        removed_keys: HashSet::new(),
        misspelt: HashSet::new(),
        broken: Vec::new(),
        cause: ("", 0),
    };
    let whole: Vec<usize> = clean
        .layout
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            e.item
                .as_ref()
                .is_some_and(|i| r.broken.iter().any(|b| &b.item == i))
                && clean.layout.maps[e.map]
                    .owner
                    .is_none_or(|o| clean.layout.entries[o].item.as_ref() != e.item.as_ref())
        })
        .map(|(i, _)| i)
        .collect();
    for e in whole {
        clean.blank_entry(e);
    }
    let doc = if budget >= text.len() {
        serde_saphyr::from_str_with_options::<Document>(clean.text(), options()).ok()
    } else {
        None
    };
    Recovered {
        diagnostics,
        doc,
        broken: r.broken,
    }
}

fn note_incomplete(diagnostics: &mut [Diagnostic], complete: bool) {
    let found = diagnostics.len();
    if !complete && let Some(last) = diagnostics.last_mut() {
        last.notes.push(format!(
            "skillc stopped looking for more errors in this file after {found}; fix these first"
        ));
    }
}

/// What to do after an error was answered.
enum Answer {
    /// Decode again: the entry that held it is blanked.
    Again,
    /// Nothing more can be blanked.
    Stop,
    /// The file has as many errors as are reported.
    Full,
}

impl Rounds<'_> {
    /// Records error `e` (unless blanking caused it) and blanks the entry that holds it.
    fn answer(&mut self, e: &serde_saphyr::Error, diagnostics: &mut Vec<Diagnostic>) -> Answer {
        let d = to_diagnostic(e, self.source, self.file);
        // Where the library placed the error (a missing key's finding is moved to the key that
        // owns the mapping; the mapping itself is what matters here).
        let at = super::error_span(e, self.source, self.file).start as usize;
        self.cause = (d.code, u32::try_from(at).unwrap_or(u32::MAX));
        if !diagnostics.is_empty() && matches!(d.code, "yaml-syntax" | "yaml-limits") {
            return Answer::Stop;
        }
        let target = if let Some(field) = missing_field(e) {
            let map = self.layout.missing_map(at);
            // Missing because it was blanked, or because a misspelling of it was reported.
            let echo = map.is_some_and(|m| {
                self.removed_keys.contains(&(m, field.clone()))
                    || self.misspelt.contains(&(m, field.clone()))
            });
            if !echo {
                diagnostics.push(d);
            }
            map.and_then(|m| self.layout.maps[m].owner)
        } else {
            let inside_blank = self
                .layout
                .entry_at(at)
                .is_some_and(|i| self.blanked.contains(&i));
            if let (Some(i), Some(meant)) = (self.layout.entry_at(at), suggested(&d)) {
                let map = self.layout.entries[i].map;
                self.misspelt.insert((map, meant));
            }
            if !inside_blank {
                diagnostics.push(d);
            }
            self.layout.entry_at(at)
        };
        if diagnostics.len() >= MAX_ERRORS_PER_FILE {
            return Answer::Full;
        }
        match target {
            Some(t) if self.blank_entry(t) => Answer::Again,
            _ => Answer::Stop,
        }
    }
}

/// The state of looking for errors item by item.
struct ItemScan {
    budget: usize,
    /// False once the error limit or the budget stopped the search: every later part is then
    /// decoded once, and left out silently when it has an error.
    complete: bool,
    diagnostics: Vec<Diagnostic>,
}

/// The start of the line holding `at`.
fn start_of_line(text: &[u8], at: usize) -> usize {
    text[..at.min(text.len())]
        .iter()
        .rposition(|&b| b == b'\n' || b == b'\r')
        .map_or(0, |i| i + 1)
}

/// Decodes `[a, b)` of the file on its own, in rounds, recording its errors. `None` when the
/// rounds had to stop (the budget, the error limit, or nothing left to blank) or an error showed
/// that the part cannot be decoded alone (`Err(())`: decode the whole file instead).
fn decode_part<T: for<'de> Deserialize<'de>>(
    r: &mut Rounds<'_>,
    scan: &mut ItemScan,
    entry: usize,
) -> Result<Option<T>, ()> {
    let a = start_of_line(&r.text, r.layout.entries[entry].start);
    let b = r.layout.entries[entry].end;
    let base = u32::try_from(a).map_err(|_| ())?;
    loop {
        if scan.budget < b - a {
            scan.complete = false;
        }
        scan.budget = scan.budget.saturating_sub(b - a);
        let part = std::str::from_utf8(&r.text[a..b]).map_err(|_| ())?;
        let decoded = super::at_base(base, || {
            serde_saphyr::from_str_with_options::<T>(part, options())
        });
        let e = match decoded {
            Ok(v) => return Ok(Some(v)),
            Err(e) => e,
        };
        if !scan.complete {
            r.blank_entry(entry);
            return Ok(None);
        }
        let before = scan.diagnostics.len();
        let answer = super::at_base(base, || r.answer(&e, &mut scan.diagnostics));
        // A syntax error in a part of a file that parsed whole: the part is not a document on
        // its own (an alias to an anchor of another item, say).
        let syntax = super::at_base(base, || to_diagnostic(&e, r.source, r.file));
        if matches!(syntax.code, "yaml-syntax" | "yaml-limits") {
            scan.diagnostics.truncate(before);
            return Err(());
        }
        match answer {
            Answer::Again => {}
            Answer::Stop => {
                // Left out as a whole, and named as broken when it is an item.
                r.blank_entry(entry);
                return Ok(None);
            }
            Answer::Full => {
                scan.complete = false;
                r.blank_entry(entry);
                return Ok(None);
            }
        }
    }
}

/// Every error of a file whose top level is a block mapping, found by decoding each item of each
/// section (and each other top-level entry) on its own: every part is decoded once, and only a
/// part with errors again, so the cost stays that of the file however many errors it holds.
/// `None` when the file cannot be read this way.
fn by_items(r: &mut Rounds<'_>, scan: &mut ItemScan) -> Option<Document> {
    let root = r.layout.maps.first()?;
    if root.flow || root.owner.is_some() {
        return None;
    }
    let top: Vec<usize> = root.entries.clone();
    let mut doc = Document::default();
    let mut seen_top: HashSet<String> = HashSet::new();
    let mut seen_items: HashSet<(String, String)> = HashSet::new();
    let duplicate = |r: &Rounds<'_>, e: usize| {
        let entry = &r.layout.entries[e];
        let end = entry.start + entry.key.len();
        crate::rules::DUPLICATE_KEY
            .finding(format!("duplicate key `{}`", entry.key))
            .at(
                skillc_diagnostics::Span::new(r.file, entry.start, end),
                "defined again here",
            )
            .with_help("a key may appear once per mapping; merge the two entries")
    };
    for t in top {
        let key = r.layout.entries[t].key.clone();
        let section = matches!(key.as_str(), "services" | "actions" | "skills");
        if !seen_top.insert(key.clone()) {
            scan.diagnostics.push(duplicate(r, t));
            if !section {
                continue;
            }
        }
        let child = r.layout.maps.iter().position(|m| m.owner == Some(t));
        if section && let Some(child) = child.filter(|&c| !r.layout.maps[c].flow) {
            for i in r.layout.maps[child].entries.clone() {
                let name = r.layout.entries[i].key.clone();
                if !seen_items.insert((key.clone(), name)) {
                    scan.diagnostics.push(duplicate(r, i));
                    continue;
                }
                let item = r.layout.entries[i].item.clone();
                macro_rules! part {
                    ($field:ident) => {{
                        let got = decode_part::<IndexMap<Sp<Id>, Sp<_>>>(r, scan, i).ok()?;
                        let broken = item
                            .as_ref()
                            .is_some_and(|it| r.broken.iter().any(|x| &x.item == it));
                        if let Some(m) = got.filter(|_| !broken) {
                            doc.$field.get_or_insert_with(IndexMap::new).extend(m);
                        }
                    }};
                }
                match key.as_str() {
                    "services" => part!(services),
                    "actions" => part!(actions),
                    _ => part!(skills),
                }
            }
            continue;
        }
        let item = r.layout.entries[t].item.clone();
        let got = decode_part::<Document>(r, scan, t).ok()?;
        let broken = item
            .as_ref()
            .is_some_and(|it| r.broken.iter().any(|x| &x.item == it));
        if let Some(d) = got.filter(|_| !broken) {
            doc.family = doc.family.or(d.family);
            doc.policy = doc.policy.or(d.policy);
            for (field, part) in [(&mut doc.services, d.services)] {
                if let Some(p) = part {
                    field.get_or_insert_with(IndexMap::new).extend(p);
                }
            }
            if let Some(p) = d.actions {
                doc.actions.get_or_insert_with(IndexMap::new).extend(p);
            }
            if let Some(p) = d.skills {
                doc.skills.get_or_insert_with(IndexMap::new).extend(p);
            }
        }
    }
    Some(doc)
}

/// The key an `unknown-key` finding suggests.
fn suggested(d: &Diagnostic) -> Option<String> {
    if d.code != "unknown-key" {
        return None;
    }
    let rest = d.help.as_deref()?.strip_prefix("did you mean `")?;
    Some(rest.split('`').next().unwrap_or(rest).to_owned())
}

/// The key named by a "missing field" error.
fn missing_field(e: &serde_saphyr::Error) -> Option<String> {
    let msg = super::error_message(e);
    let rest = msg.strip_prefix("missing field `")?;
    Some(rest.split('`').next().unwrap_or(rest).to_owned())
}
