//! `skillc import`: launchd property lists (XML, binary or ASCII) → a skill family in YAML.
//!
//! Each job becomes a service with typed fields (`run:`), the keys skillc has no field for in
//! `run.launchd`, and a comment for each key it could not map and why. Every difference between
//! the original plist and what `skillc build` writes from the YAML is a [`Change`] of the job,
//! listed in the YAML and in the summary: that is the round-trip contract, which the command
//! verifies on its own output.

mod change;
mod keys;
mod map;
mod yaml;

pub use change::{Change, ChangeKind};

use std::collections::BTreeSet;
use yaml::{Entry, Node};

/// Where a job is installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Daemon,
    Session,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Daemon => "daemon",
            Scope::Session => "session",
        }
    }
}

/// The serialization a plist was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xml,
    Binary,
    Ascii,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Xml => "xml",
            Format::Binary => "binary",
            Format::Ascii => "ascii",
        }
    }
}

/// One plist to import.
#[derive(Debug, Clone)]
pub struct Input {
    /// The path as given, for messages and the YAML's header comment.
    pub path: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct Options {
    pub family: String,
    /// The scope of every job; `None`: from each file's directory (`LaunchAgents`,
    /// `LaunchDaemons`), else from its keys.
    pub scope: Option<Scope>,
    /// `L1`, `L2` or `L3`.
    pub layer: String,
    /// Label prefixes to replace (`com.apple` → `org.example.apple`): a job imported as a copy
    /// under another owner's name.
    pub relabel: Vec<(String, String)>,
}

/// A job that was imported.
#[derive(Debug, Clone)]
pub struct Job {
    pub source: String,
    pub format: Format,
    pub label: String,
    pub id: String,
    pub scope: Scope,
    /// How the scope was decided.
    pub scope_from: String,
    pub changes: Vec<Change>,
    /// The YAML file of the job, relative to the family directory.
    pub file: String,
    /// The plist as read, keys in launchd's spelling (what the round trip compares with).
    pub original: plist::Dictionary,
}

/// A file that could not be imported, and why.
#[derive(Debug, Clone)]
pub struct Refused {
    pub source: String,
    pub reason: String,
}

/// What an import produced: the family's files (relative to the family directory) and a report.
#[derive(Debug, Clone)]
pub struct Imported {
    pub files: Vec<(String, String)>,
    pub jobs: Vec<Job>,
    pub refused: Vec<Refused>,
    pub label_prefix: Option<String>,
}

/// At most this many values in one plist: a binary plist may reference one object from many
/// places, so a file of a few hundred bytes can stand for 2^40 values once expanded. Real jobs
/// have a few hundred.
const MAX_VALUES: usize = 100_000;
/// At most this deep.
const MAX_DEPTH: usize = 64;

/// Reads a plist in any of the three serializations, refusing one that expands beyond
/// [`MAX_VALUES`] values or [`MAX_DEPTH`] levels.
pub fn read(bytes: &[u8]) -> Result<(plist::Value, Format), String> {
    use plist::stream::{AsciiReader, Event, Reader};
    let format = if bytes.starts_with(b"bplist") {
        Format::Binary
    } else if bytes
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|b| *b == b'<')
        || bytes.starts_with(b"\xef\xbb\xbf<")
    {
        Format::Xml
    } else {
        Format::Ascii
    };
    let unreadable = |e: plist::Error| {
        format!(
            "not a readable property list ({} form): {e}",
            format.as_str()
        )
    };
    let cursor = std::io::Cursor::new(bytes);
    let events: Box<dyn Iterator<Item = Result<plist::stream::OwnedEvent, plist::Error>>> =
        match format {
            Format::Ascii => Box::new(AsciiReader::new(cursor)),
            _ => Box::new(Reader::new(cursor)),
        };
    let mut taken = Vec::new();
    let mut depth = 0usize;
    for event in events {
        let event = event.map_err(unreadable)?;
        match event {
            Event::StartArray(_) | Event::StartDictionary(_) => depth += 1,
            Event::EndCollection => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_DEPTH {
            return Err(format!(
                "nested more than {MAX_DEPTH} levels deep: not a launchd job"
            ));
        }
        taken.push(event);
        if taken.len() > MAX_VALUES {
            return Err(format!(
                "holds more than {MAX_VALUES} values (a binary plist can reference one object many times): not a launchd job"
            ));
        }
        if depth == 0 {
            break;
        }
    }
    plist::Value::from_events(taken.into_iter().map(Ok))
        .map(|v| (v, format))
        .map_err(unreadable)
}

/// The user whose own agent a file is: one read from `/Users/NAME/Library/LaunchAgents/` (macOS's
/// home directories), which launchd loads only in NAME's session.
fn per_user_of(path: &str) -> Option<String> {
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    parts.windows(4).find_map(|w| {
        (w[0] == "Users"
            && w[2] == "Library"
            && w[3] == "LaunchAgents"
            && skillc_ir::is_user_name(w[1]))
        .then(|| w[1].to_owned())
    })
}

fn scope_of(path: &str, dict: &plist::Dictionary, given: Option<Scope>) -> (Scope, String) {
    if let Some(s) = given {
        return (s, "--scope".into());
    }
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    if parts.contains(&"LaunchAgents") {
        return (Scope::Session, "its directory (LaunchAgents)".into());
    }
    if parts.contains(&"LaunchDaemons") {
        return (Scope::Daemon, "its directory (LaunchDaemons)".into());
    }
    let has = |k: &str| dict.keys().any(|x| x.eq_ignore_ascii_case(k));
    if let Some(k) = ["UserName", "GroupName", "InitGroups"]
        .into_iter()
        .find(|k| has(k))
    {
        return (Scope::Daemon, format!("its `{k}` (a daemon key)"));
    }
    let types: Vec<String> = dict
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("LimitLoadToSessionType"))
        .map(|(_, v)| match v {
            plist::Value::String(s) => vec![s.clone()],
            plist::Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_string().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default();
    if !types.is_empty() && !types.iter().any(|t| t == "System") {
        return (
            Scope::Session,
            "its `LimitLoadToSessionType` (no `System`)".into(),
        );
    }
    (
        Scope::Daemon,
        "no hint: a daemon (pass --scope session for agents)".into(),
    )
}

/// A service id from a label: the part after `prefix.` (or, without a prefix, after the first two
/// reverse-DNS components), lowercased, other characters as `-`.
fn id_from(label: &str, prefix: Option<&str>) -> String {
    let rest = match prefix {
        Some(p) => label.strip_prefix(p).and_then(|r| r.strip_prefix('.')),
        None => None,
    };
    let rest = rest.unwrap_or_else(|| {
        let parts: Vec<&str> = label.split('.').collect();
        if parts.len() > 2 {
            label.splitn(3, '.').nth(2).unwrap_or(label)
        } else {
            label
        }
    });
    let mut id = String::new();
    for c in rest.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_lowercase() || c.is_ascii_digit() {
            id.push(c);
        } else if !id.ends_with('-') {
            id.push('-');
        }
    }
    let id = id.trim_start_matches(|c: char| !c.is_ascii_lowercase());
    let id: String = id.trim_end_matches('-').chars().take(56).collect();
    let id = id.trim_end_matches('-');
    if id.is_empty() {
        "job".into()
    } else {
        id.to_owned()
    }
}

/// The longest dotted prefix shared by every label (at least two components, and leaving at
/// least one after it): the family's `label_prefix`.
fn common_prefix(labels: &[&str]) -> Option<String> {
    let split: Vec<Vec<&str>> = labels.iter().map(|l| l.split('.').collect()).collect();
    let first = split.first()?;
    let mut n = 0;
    while n < first.len()
        && split
            .iter()
            .all(|p| p.len() > n + 1 && p[n] == first[n] && !p[n].is_empty())
    {
        n += 1;
    }
    (n >= 2).then(|| first[..n].join("."))
}

/// Whether `prefix` is a usable `label_prefix` (reverse DNS of label characters).
fn prefix_ok(prefix: &str) -> bool {
    prefix.split('.').all(|p| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    })
}

/// Imports every input into one family.
pub fn import(inputs: &[Input], options: &Options) -> Imported {
    struct Pending {
        source: String,
        format: Format,
        scope: Scope,
        scope_from: String,
        mapped: map::Mapped,
    }
    let mut pending = Vec::new();
    let mut refused = Vec::new();
    for input in inputs {
        let (value, format) = match read(&input.bytes) {
            Ok(v) => v,
            Err(reason) => {
                refused.push(Refused {
                    source: input.path.clone(),
                    reason,
                });
                continue;
            }
        };
        let plist::Value::Dictionary(dict) = value else {
            refused.push(Refused {
                source: input.path.clone(),
                reason: "its top level is not a dictionary: not a launchd job".into(),
            });
            continue;
        };
        let (scope, scope_from) = scope_of(&input.path, &dict, options.scope);
        match map::map_job(dict, scope).and_then(|m| relabel(m, &options.relabel)) {
            Ok(mapped) => pending.push(Pending {
                source: input.path.clone(),
                format,
                scope,
                scope_from,
                mapped,
            }),
            Err(reason) => refused.push(Refused {
                source: input.path.clone(),
                reason,
            }),
        }
    }
    // Two files with one label would be one job in launchd: the later one is refused.
    let mut seen = BTreeSet::new();
    pending.retain(|p| {
        if seen.insert(p.mapped.label.to_ascii_lowercase()) {
            true
        } else {
            refused.push(Refused {
                source: p.source.clone(),
                reason: format!(
                    "its label `{}` is already taken by another imported file",
                    p.mapped.label
                ),
            });
            false
        }
    });

    let labels: Vec<&str> = pending.iter().map(|p| p.mapped.label.as_str()).collect();
    let label_prefix = common_prefix(&labels).filter(|p| prefix_ok(p));
    let mut ids = BTreeSet::new();
    let mut jobs = Vec::new();
    let mut files = Vec::new();
    for p in pending {
        let base = id_from(&p.mapped.label, label_prefix.as_deref());
        let mut id = base.clone();
        let mut n = 2;
        while !ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        let default_label = label_prefix
            .as_ref()
            .is_some_and(|pre| p.mapped.label == format!("{pre}.{id}"));
        let file = format!("services/{id}.yaml");
        let text = service_yaml(
            &p.source,
            p.format,
            &id,
            &p.mapped,
            p.scope,
            &p.scope_from,
            default_label,
            options,
        );
        files.push((file.clone(), text));
        jobs.push(Job {
            source: p.source,
            format: p.format,
            label: p.mapped.label,
            id,
            scope: p.scope,
            scope_from: p.scope_from,
            changes: p.mapped.changes,
            file,
            original: p.mapped.original,
        });
    }
    files.insert(
        0,
        (
            "family.yaml".into(),
            family_yaml(options, label_prefix.as_deref(), &jobs),
        ),
    );
    Imported {
        files,
        jobs,
        refused,
        label_prefix,
    }
}

/// Applies `--relabel`, then refuses labels in Apple's namespace.
fn relabel(mut mapped: map::Mapped, rules: &[(String, String)]) -> Result<map::Mapped, String> {
    for (from, to) in rules {
        let rest = if mapped.label == *from {
            Some("")
        } else {
            mapped
                .label
                .strip_prefix(from.as_str())
                .filter(|r| r.starts_with('.'))
        };
        if let Some(rest) = rest {
            let new = format!("{to}{rest}");
            mapped.changes.push(Change {
                key: "Label".into(),
                kind: ChangeKind::Replaced,
                detail: format!(
                    "`{}` renamed to `{new}` (--relabel {from}={to})",
                    mapped.label
                ),
            });
            mapped.label = new;
            break;
        }
    }
    if mapped.label.to_ascii_lowercase().starts_with("com.apple.") {
        return Err(format!(
            "its label `{}` is in Apple's namespace (com.apple.), which skillc never installs into: the system owns those jobs; to import a copy under your own name pass --relabel com.apple=<your prefix>",
            mapped.label
        ));
    }
    Ok(mapped)
}

fn family_yaml(options: &Options, prefix: Option<&str>, jobs: &[Job]) -> String {
    let mut out = String::from(
        "# Written by `skillc import`. Check it with `skillc check`, build it with `skillc build`.\n",
    );
    let mut entries = vec![
        Entry::new("name", Node::Str(options.family.clone())),
        Entry::new("version", Node::Verbatim("0.1.0".into())),
        Entry::new(
            "description",
            Node::Str(format!(
                "{} launchd job{} imported from property lists.",
                jobs.len(),
                if jobs.len() == 1 { "" } else { "s" }
            )),
        ),
    ];
    if let Some(p) = prefix {
        entries.push(Entry::new("label_prefix", Node::Str(p.to_owned())));
    }
    let mut family = Entry::new("family", Node::Map(entries));
    family.above.clear();
    yaml::write_map(&mut out, &[family], 0);
    out
}

#[allow(clippy::too_many_arguments)]
fn service_yaml(
    source: &str,
    format: Format,
    id: &str,
    mapped: &map::Mapped,
    scope: Scope,
    scope_from: &str,
    default_label: bool,
    options: &Options,
) -> String {
    let mut out = format!(
        "# Imported by `skillc import` from {source} ({} plist).\n",
        format.as_str()
    );
    let for_user = (scope == Scope::Session)
        .then(|| per_user_of(source))
        .flatten();
    let mut fields = vec![
        Entry::new(
            "description",
            Node::Str(format!("{} (imported)", mapped.label)),
        ),
        {
            let mut e = Entry::new("layer", Node::Str(options.layer.clone()));
            e.trailing = Some(
                "skillc import: choose L1 (foundation), L2 (platform) or L3 (applications)".into(),
            );
            e
        },
        {
            let mut e = Entry::new("scope", Node::Str(scope.as_str().into()));
            e.trailing = Some(format!("from {scope_from}"));
            e
        },
    ];
    if let Some(user) = for_user {
        let mut e = Entry::new("for_user", Node::Str(user.clone()));
        e.trailing = Some(format!(
            "a per-user agent: read from ~{user}/Library/LaunchAgents"
        ));
        fields.push(e);
    }
    if !default_label {
        fields.push(Entry::new("label", Node::Str(mapped.label.clone())));
    }
    let mut run = Entry::new("run", Node::Map(mapped.run.clone()));
    if !mapped.not_imported.is_empty() {
        run.above
            .push("skillc import: not imported (see `skillc import`'s summary):".into());
        run.above
            .extend(mapped.not_imported.iter().map(|n| format!("  {n}")));
    }
    fields.push(run);
    let mut service = Entry::new(id, Node::Map(fields));
    let listed: Vec<&Change> = mapped
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Dropped)
        .collect();
    if !listed.is_empty() {
        service.above.push(
            "skillc import: what `skillc build` writes differently from the original:".into(),
        );
        service
            .above
            .extend(listed.iter().map(|c| format!("  {c}")));
    }
    let mut services = Entry::new("services", Node::Map(vec![service]));
    services.above.clear();
    yaml::write_map(&mut out, &[services], 0);
    out.push_str(
        "    # readiness: how to tell that it serves, e.g.\n    #   probe: 'tcp(\"127.0.0.1:8080\")'\n",
    );
    // The readiness hint belongs inside the service; `run` is its last key, so the comment lands
    // after it at the service's indentation.
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_agent_in_a_users_home_is_that_users() {
        let of = per_user_of;
        assert_eq!(
            of("/Users/alice/Library/LaunchAgents/x.plist").as_deref(),
            Some("alice")
        );
        assert_eq!(
            of("stage/Users/bob.smith/Library/LaunchAgents/y.plist").as_deref(),
            Some("bob.smith")
        );
        assert_eq!(of("/Library/LaunchAgents/x.plist"), None);
        assert_eq!(of("/Users/root/Library/LaunchAgents/x.plist"), None);
        assert_eq!(of("/Users/$(id)/Library/LaunchAgents/x.plist"), None);
        assert_eq!(of("/Users/alice/LaunchAgents/x.plist"), None);
    }

    #[test]
    fn ids_from_labels() {
        assert_eq!(id_from("org.cups.cupsd", None), "cupsd");
        assert_eq!(id_from("com.apple.mDNSResponder", None), "mdnsresponder");
        assert_eq!(
            id_from("homebrew.mxcl.postgresql@14", None),
            "postgresql-14"
        );
        assert_eq!(id_from("org.example.a.b", Some("org.example")), "a-b");
        assert_eq!(id_from("syncthing", None), "syncthing");
        assert_eq!(id_from("com.x.123", None), "job");
        assert!(skillc_ir::is_id(&id_from(
            "com.apple.some_thing.Helper",
            None
        )));
    }

    #[test]
    fn prefix_shared_by_every_label() {
        assert_eq!(
            common_prefix(&["org.a.x", "org.a.y"]).as_deref(),
            Some("org.a")
        );
        assert_eq!(common_prefix(&["org.a.x", "org.b.y"]), None);
        // A prefix must leave at least one component.
        assert_eq!(
            common_prefix(&["org.a.x", "org.a.x.y"]).as_deref(),
            Some("org.a")
        );
        assert_eq!(common_prefix(&["org.a"]), None);
    }

    #[test]
    fn formats_are_detected() {
        let xml = br#"<?xml version="1.0"?><plist version="1.0"><dict><key>Label</key><string>a</string></dict></plist>"#;
        assert_eq!(read(xml).map(|r| r.1), Ok(Format::Xml));
        let ascii = b"{ Label = a; ProgramArguments = (\"/bin/true\"); }";
        assert_eq!(read(ascii).map(|r| r.1), Ok(Format::Ascii));
        let mut bin = Vec::new();
        let (v, _) = read(xml).expect("the XML sample reads");
        v.to_writer_binary(&mut bin)
            .expect("a binary plist is written");
        assert_eq!(read(&bin).map(|r| r.1), Ok(Format::Binary));
        assert!(read(b"<plist><dict>").is_err());
        assert!(read(b"").is_err());
    }
}
