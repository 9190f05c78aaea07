//! The user documentation is self-contained: every relative link in `README.md`, `docs/` and
//! `examples/` resolves to a file of the repository under `docs/`, `examples/`, `schemas/`,
//! `skills/` or the README itself (never into `crates/`, never outside the checkout). The README's
//! developer sections may also point at the measurements (`BENCHMARKS.md`) and the fuzzing guide.

use crate::common::repo;
use std::path::{Path, PathBuf};

/// The markdown files users read.
fn user_docs(root: &Path) -> Vec<PathBuf> {
    let mut out = vec![root.join("README.md")];
    let mut stack = vec![root.join("docs"), root.join("examples")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).expect("read docs dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "md") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The targets of inline markdown links `[text](target)` outside code spans and code blocks.
fn links(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut fenced = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut in_code = false;
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'`' => in_code = !in_code,
                b']' if !in_code && b.get(i + 1) == Some(&b'(') => {
                    if let Some(end) = line[i + 2..].find(')') {
                        out.push((n + 1, line[i + 2..i + 2 + end].to_owned()));
                        i += 2 + end;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
    out
}

fn allowed(from_readme: bool, rel: &Path) -> bool {
    if from_readme && (rel == Path::new("BENCHMARKS.md") || rel == Path::new("fuzz/README.md")) {
        return true;
    }
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned());
    matches!(
        first.as_deref(),
        Some("docs" | "examples" | "schemas" | "skills" | "README.md")
    )
}

#[test]
fn user_docs_link_only_to_user_docs_that_exist() {
    let root = repo().canonicalize().expect("repo");
    let mut bad = Vec::new();
    let mut checked = 0;
    for file in user_docs(&root) {
        let text = std::fs::read_to_string(&file).expect("read doc");
        for (line, target) in links(&text) {
            let target = target.split_whitespace().next().unwrap_or("");
            if target.is_empty()
                || target.starts_with('#')
                || target.contains("://")
                || target.starts_with("mailto:")
            {
                continue;
            }
            checked += 1;
            let path = target.split('#').next().unwrap_or(target);
            let at = format!(
                "{}:{line}: {target}",
                file.strip_prefix(&root).unwrap_or(&file).display()
            );
            match file.parent().expect("dir").join(path).canonicalize() {
                Err(_) => bad.push(format!("{at} (no such file)")),
                Ok(p) => match p.strip_prefix(&root) {
                    Ok(rel) if allowed(file == root.join("README.md"), rel) => {}
                    Ok(rel) => bad.push(format!("{at} (points into {})", rel.display())),
                    Err(_) => bad.push(format!("{at} (outside the repository)")),
                },
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} links found: the extractor is broken"
    );
    assert!(
        bad.is_empty(),
        "links users cannot follow:\n{}",
        bad.join("\n")
    );
}

#[test]
fn the_link_extractor_sees_links_but_not_code() {
    let t = "see [a](docs/a.md) and `[b](no.md)`\n```\n[c](no2.md)\n```\n[d](x.md#frag)";
    let got: Vec<_> = links(t).into_iter().map(|(_, l)| l).collect();
    assert_eq!(got, ["docs/a.md", "x.md#frag"]);
    assert!(allowed(false, Path::new("docs/x.md")));
    assert!(!allowed(false, Path::new("crates/x/EXIT_CODES.md")));
    assert!(allowed(true, Path::new("BENCHMARKS.md")));
    assert!(!allowed(false, Path::new("BENCHMARKS.md")));
}
