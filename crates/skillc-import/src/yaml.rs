//! A small YAML writer for the shapes the importer produces: block mappings with comments,
//! sequences (flow when short and scalar), and scalars quoted whenever a plain scalar could be
//! read as anything but the same string.
//!
//! No YAML library writes comments next to keys, and the importer's comments are its output
//! (every key it could not map is a comment saying why), so this writer exists. What it writes is
//! read back by skillc's loader in the round-trip tests.

/// A node of the document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Str(String),
    /// Text written as it is: durations (`10s`), versions, reals. The caller makes sure YAML
    /// reads it as intended.
    Verbatim(String),
    Int(i128),
    Bool(bool),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// One key of a mapping, with comment lines written above it and one at its end.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) value: Node,
    pub(crate) above: Vec<String>,
    pub(crate) trailing: Option<String>,
}

impl Entry {
    pub(crate) fn new(key: &str, value: Node) -> Self {
        Entry {
            key: key.to_owned(),
            value,
            above: Vec::new(),
            trailing: None,
        }
    }
}

/// Words YAML 1.1 or 1.2 resolves to something other than a string when plain.
const RESERVED: &[&str] = &[
    "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
];

/// Whether `s` can be written as a plain scalar and read back as the same string, in block and
/// flow context alike: a letter or `/` first, then only characters that no YAML rule gives a
/// meaning (no space, `:`, `#`, `,`, brackets, quotes), and not a reserved word.
fn plain_ok(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || first == '/')
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '.' | '-' | '@' | '+' | '=')
        })
        && !RESERVED.contains(&s.to_ascii_lowercase().as_str())
}

/// A scalar string: plain when safe, else double-quoted with JSON's escapes (a subset of YAML's
/// double-quoted escapes).
pub(crate) fn scalar(s: &str) -> String {
    if plain_ok(s) {
        s.to_owned()
    } else {
        serde_json::Value::String(s.to_owned()).to_string()
    }
}

fn inline(node: &Node) -> Option<String> {
    match node {
        Node::Str(s) => Some(scalar(s)),
        Node::Verbatim(d) => Some(d.clone()),
        Node::Int(i) => Some(i.to_string()),
        Node::Bool(b) => Some(b.to_string()),
        Node::Seq(items) if items.is_empty() => Some("[]".into()),
        Node::Map(entries) if entries.is_empty() => Some("{}".into()),
        Node::Seq(_) | Node::Map(_) => None,
    }
}

/// A sequence of scalars short enough for one line.
fn flow_seq(items: &[Node], room: usize) -> Option<String> {
    let parts: Option<Vec<String>> = items
        .iter()
        .map(|n| match n {
            Node::Seq(_) | Node::Map(_) => None,
            other => inline(other),
        })
        .collect();
    let text = format!("[{}]", parts?.join(", "));
    (text.len() <= room).then_some(text)
}

fn comment_line(out: &mut String, indent: usize, text: &str) {
    for line in text.lines() {
        out.push_str(&" ".repeat(indent));
        if line.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str("# ");
            out.push_str(line);
            out.push('\n');
        }
    }
}

/// Writes a mapping's entries at `indent`.
pub(crate) fn write_map(out: &mut String, entries: &[Entry], indent: usize) {
    for e in entries {
        for c in &e.above {
            comment_line(out, indent, c);
        }
        let pad = " ".repeat(indent);
        let key = scalar(&e.key);
        let trailing = e
            .trailing
            .as_ref()
            .map(|t| format!("  # {t}"))
            .unwrap_or_default();
        let room = 100usize.saturating_sub(indent + key.len() + 2);
        match &e.value {
            Node::Map(m) if !m.is_empty() => {
                out.push_str(&format!("{pad}{key}:{trailing}\n"));
                write_map(out, m, indent + 2);
            }
            Node::Seq(items) if !items.is_empty() => {
                if let Some(flow) = flow_seq(items, room) {
                    out.push_str(&format!("{pad}{key}: {flow}{trailing}\n"));
                } else {
                    out.push_str(&format!("{pad}{key}:{trailing}\n"));
                    write_seq(out, items, indent + 2);
                }
            }
            scalar_node => {
                let v = inline(scalar_node).unwrap_or_default();
                out.push_str(&format!("{pad}{key}: {v}{trailing}\n"));
            }
        }
    }
}

fn write_seq(out: &mut String, items: &[Node], indent: usize) {
    let pad = " ".repeat(indent);
    for item in items {
        match item {
            Node::Map(m) if !m.is_empty() => {
                // The first key on the dash line, the rest indented under it.
                let mut first = String::new();
                write_map(&mut first, &m[..1], 0);
                let mut lines = first.lines();
                if let Some(l) = lines.next() {
                    out.push_str(&format!("{pad}- {l}\n"));
                }
                for l in lines {
                    out.push_str(&format!("{pad}  {l}\n"));
                }
                write_map(out, &m[1..], indent + 2);
            }
            Node::Seq(s) if !s.is_empty() => {
                let flow = flow_seq(s, usize::MAX).unwrap_or_else(|| "[]".into());
                out.push_str(&format!("{pad}- {flow}\n"));
            }
            other => {
                out.push_str(&format!("{pad}- {}\n", inline(other).unwrap_or_default()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_only_when_it_reads_back_as_the_same_string() {
        for s in [
            "/usr/sbin/cupsd",
            "org.cups.cupsd",
            "Aqua",
            "com.apple.foo@2",
        ] {
            assert_eq!(scalar(s), s);
        }
        for (s, quoted) in [
            ("on", "\"on\""),
            ("No", "\"No\""),
            ("022", "\"022\""),
            ("-l", "\"-l\""),
            ("a b", "\"a b\""),
            ("", "\"\""),
            ("x: y", "\"x: y\""),
            ("#x", "\"#x\""),
            ("line\nbreak", "\"line\\nbreak\""),
            ("1.5", "\"1.5\""),
            ("~", "\"~\""),
            ("*alias", "\"*alias\""),
        ] {
            assert_eq!(scalar(s), quoted, "{s}");
        }
    }

    #[test]
    fn nested_maps_sequences_and_comments() {
        let mut e = Entry::new(
            "args",
            Node::Seq(vec![Node::Str("-f".into()), Node::Str("/etc/x".into())]),
        );
        e.above.push("arguments".into());
        let sock = Node::Map(vec![
            Entry::new("node_name", Node::Str("127.0.0.1".into())),
            Entry::new("service_name", Node::Int(631)),
        ]);
        let entries = vec![
            e,
            Entry::new(
                "sockets",
                Node::Map(vec![Entry::new("Listeners", Node::Seq(vec![sock]))]),
            ),
        ];
        let mut out = String::new();
        write_map(&mut out, &entries, 2);
        assert_eq!(
            out,
            "  # arguments\n  args: [\"-f\", /etc/x]\n  sockets:\n    Listeners:\n      - node_name: \"127.0.0.1\"\n        service_name: 631\n"
        );
    }
}
