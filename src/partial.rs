//! Analysis of whatever is sound when part of the input has errors.
//!
//! An item (service, action, skill, policy) with an error has no trustworthy meaning, and neither
//! has one that depends on it; analysing them would report echoes of the error. So the items with
//! errors are taken out of the syntax trees and the rest is lowered again, strictly: a reference
//! to an item taken out is then an error in the item that makes it, which is taken out in turn,
//! until what remains lowers without an error in any item. Analysis runs over that IR.
//!
//! Rules that report an absence ("no skill covers this service", "no policy rule matches this
//! step") would blame the missing items on the ones that remain, so their findings are dropped in
//! every family that lost something, and in the families it imports or that import it.
//!
//! What was left out, and why, goes into the run's summary.

use skillc_diagnostics::{Diagnostic, FileId, NotAnalysed, SourceMap, Span};
use skillc_ir::Ir;
use skillc_syntax::{BrokenItem, LoadedFamily, ParsedFile};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// The rules whose findings say that nothing covers something: wrong when items are missing.
pub(crate) const FAMILY_WIDE_RULES: &[&str] =
    &["uncovered-service", "unreachable-skill", "policy-uncovered"];

/// The rules that read the policy of a finding's family: wrong when that policy is left out.
pub(crate) const POLICY_RULES: &[&str] = &["capability-violation"];

/// Lowering rounds before the families still in error are left out whole.
const MAX_ROUNDS: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Service,
    Action,
    Skill,
    Policy,
    /// The `family:` section: its errors (a bad version, an unknown import) leave no item
    /// without meaning, and it is never taken out.
    Family,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Service => "service",
            Kind::Action => "action",
            Kind::Skill => "skill",
            Kind::Policy => "policy",
            Kind::Family => "family",
        }
    }
}

/// One top-level item of a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
struct Item {
    /// Index into the loaded families.
    family: usize,
    file: FileId,
    kind: Kind,
    /// The id; empty for the policy and the family section.
    name: String,
}

/// Where every item of every parsed file starts: an error belongs to the item that starts last
/// before it.
struct Index {
    /// Per file: (start, item), sorted by start.
    items: HashMap<FileId, Vec<(u32, Item)>>,
    /// Family index of every file of a family (parsed or not).
    family_of: HashMap<FileId, usize>,
}

impl Index {
    fn new(families: &[LoadedFamily]) -> Self {
        let mut items: HashMap<FileId, Vec<(u32, Item)>> = HashMap::new();
        let mut family_of = HashMap::new();
        for (fi, fam) in families.iter().enumerate() {
            family_of.insert(fam.family_file, fi);
            if let Some(decl) = &fam.decl {
                let item = Item {
                    family: fi,
                    file: fam.family_file,
                    kind: Kind::Family,
                    name: String::new(),
                };
                items
                    .entry(fam.family_file)
                    .or_default()
                    .push((decl.start, item));
            }
            for pf in &fam.files {
                family_of.insert(pf.file, fi);
                let list = items.entry(pf.file).or_default();
                list.extend(file_items(fi, pf));
            }
            // Items left out of their file by the loader still own the text of their errors.
            for lost in &fam.lost {
                let (kind, name) = match &lost.broken.item {
                    BrokenItem::Service(n) => (Kind::Service, n.as_str()),
                    BrokenItem::Action(n) => (Kind::Action, n.as_str()),
                    BrokenItem::Skill(n) => (Kind::Skill, n.as_str()),
                    BrokenItem::Policy => (Kind::Policy, ""),
                    BrokenItem::Family => continue,
                };
                let item = Item {
                    family: fi,
                    file: lost.file,
                    kind,
                    name: name.to_owned(),
                };
                items
                    .entry(lost.file)
                    .or_default()
                    .push((lost.broken.start, item));
            }
        }
        for list in items.values_mut() {
            list.sort();
        }
        Self { items, family_of }
    }

    /// The item whose text holds `span`'s start.
    fn item_at(&self, span: Span) -> Option<&Item> {
        let list = self.items.get(&span.file)?;
        let i = list.partition_point(|(start, _)| *start <= span.start);
        i.checked_sub(1).map(|i| &list[i].1)
    }
}

fn file_items(fi: usize, pf: &ParsedFile) -> Vec<(u32, Item)> {
    let item = |kind, name: &str| Item {
        family: fi,
        file: pf.file,
        kind,
        name: name.to_owned(),
    };
    let d = &pf.doc;
    let mut out = Vec::new();
    for k in d.services.iter().flat_map(|m| m.keys()) {
        out.push((k.start, item(Kind::Service, k.value.as_str())));
    }
    for k in d.actions.iter().flat_map(|m| m.keys()) {
        out.push((k.start, item(Kind::Action, k.value.as_str())));
    }
    for k in d.skills.iter().flat_map(|m| m.keys()) {
        out.push((k.start, item(Kind::Skill, k.value.as_str())));
    }
    if let Some(p) = &d.policy {
        out.push((p.start, item(Kind::Policy, "")));
    }
    if let Some(f) = &d.family {
        out.push((f.start, item(Kind::Family, "")));
    }
    out
}

/// The IR of what is sound, what was left out, and which families lost something.
pub(crate) struct Partial {
    /// Lowered without an error in any item; `None` when nothing could be kept.
    pub(crate) ir: Option<Ir>,
    pub(crate) not_analysed: Vec<NotAnalysed>,
    /// `family_file` of every family whose family-wide rules must not be trusted.
    tainted: HashSet<FileId>,
    /// `family_file` of every family whose policy was left out.
    policy_lost: HashSet<FileId>,
    family_of: HashMap<FileId, usize>,
    family_files: Vec<FileId>,
}

impl Partial {
    /// Whether a finding of the partial analysis can be trusted.
    pub(crate) fn keeps(&self, d: &Diagnostic) -> bool {
        let lost: &HashSet<FileId> = if FAMILY_WIDE_RULES.contains(&d.code) {
            &self.tainted
        } else if POLICY_RULES.contains(&d.code) {
            &self.policy_lost
        } else {
            return true;
        };
        let Some(span) = d.span else { return false };
        self.family_of
            .get(&span.file)
            .is_some_and(|&fi| !lost.contains(&self.family_files[fi]))
    }
}

/// Why an item was left out.
struct Reason {
    text: String,
}

/// Finds the sound part of `families`, given every error found so far (`errors`: of loading and
/// of the first lowering) and the IR of that lowering (`full`, for the import graph).
pub(crate) fn sound_part(
    sources: &SourceMap,
    families: &[LoadedFamily],
    errors: &[Diagnostic],
    full: &Ir,
) -> Partial {
    let index = Index::new(families);
    let mut out: BTreeMap<Item, Reason> = BTreeMap::new();
    let mut tainted_idx: BTreeSet<usize> = BTreeSet::new();
    for (fi, fam) in families.iter().enumerate() {
        if fam.broken_files > 0 {
            tainted_idx.insert(fi);
        }
    }
    let position = |span: Span| {
        let file = sources.get(span.file)?;
        let (l, c) = file.line_col(span.start);
        Some(format!("{l}:{c}"))
    };
    for e in errors.iter().filter(|d| d.is_error()) {
        let Some(span) = e.span else { continue };
        let Some(item) = index.item_at(span) else {
            continue;
        };
        if item.kind == Kind::Family || out.contains_key(item) {
            continue;
        }
        tainted_idx.insert(item.family);
        let at = position(span).map_or_else(String::new, |p| format!(" at {p}"));
        out.insert(
            item.clone(),
            Reason {
                text: format!("it has an error (`{}`{at})", e.code),
            },
        );
    }
    add_policy_dependents(families, full, &mut out);
    let mut work: Vec<LoadedFamily> = families.to_vec();
    let mut removed: BTreeSet<Item> = BTreeSet::new();
    let mut ir = None;
    for round in 0..=MAX_ROUNDS {
        let fresh: Vec<Item> = out
            .keys()
            .filter(|i| !removed.contains(*i))
            .cloned()
            .collect();
        remove(&mut work, &fresh);
        removed.extend(fresh);
        let (lowered, diags) = skillc_ir::lower_strict(sources, &work);
        let mut grew = false;
        for e in diags.iter().filter(|d| d.is_error()) {
            let Some(span) = e.span else { continue };
            let Some(item) = index.item_at(span) else {
                continue;
            };
            if item.kind == Kind::Family || out.contains_key(item) {
                continue;
            }
            tainted_idx.insert(item.family);
            if round == MAX_ROUNDS {
                // Chains this long are left to the next run: the family goes whole.
                break;
            }
            out.insert(
                item.clone(),
                Reason {
                    text: depends_reason(sources, e),
                },
            );
            grew = true;
        }
        if !grew {
            let clean = !diags
                .iter()
                .filter(|d| d.is_error())
                .filter_map(|d| d.span.and_then(|s| index.item_at(s)))
                .any(|i| i.kind != Kind::Family);
            if clean {
                ir = Some(lowered);
            }
            break;
        }
        add_policy_dependents(families, full, &mut out);
    }
    tainted_idx.extend(out.keys().map(|i| i.family));
    let mut tainted = HashSet::new();
    for &fi in &tainted_idx {
        tainted.insert(families[fi].family_file);
    }
    spread_over_imports(full, &mut tainted);
    let family_name = |fi: usize| {
        families[fi]
            .decl
            .as_ref()
            .map_or_else(|| "?".to_owned(), |d| d.name.value.as_str().to_owned())
    };
    let mut not_analysed: Vec<NotAnalysed> = Vec::new();
    // Families loaded only for a checked family's imports are not reported on.
    for (item, reason) in out.iter().filter(|(i, _)| !families[i.family].dependency) {
        let start = index
            .items
            .get(&item.file)
            .and_then(|l| l.iter().find(|(_, i)| i == item).map(|(s, _)| *s));
        let (line, column) = start
            .and_then(|s| sources.get(item.file).map(|f| f.line_col(s)))
            .map_or((None, None), |(l, c)| (Some(l), Some(c)));
        let name = if item.name.is_empty() {
            family_name(item.family)
        } else {
            format!("{}/{}", family_name(item.family), item.name)
        };
        not_analysed.push(NotAnalysed {
            kind: item.kind.name(),
            name,
            file: Some(sources.path(item.file).to_owned()),
            line,
            column,
            reason: reason.text.clone(),
        });
    }
    let mut family_files: Vec<FileId> = families.iter().map(|f| f.family_file).collect();
    if ir.is_none() {
        // Nothing could be kept: every family-wide rule of every family is off.
        tainted.extend(family_files.iter().copied());
    }
    for (fi, fam) in families.iter().enumerate() {
        if !tainted.contains(&fam.family_file) || fam.decl.is_none() || fam.dependency {
            continue;
        }
        let reason = if ir.is_none() {
            "nothing could be analysed: errors remain after leaving out every item with one"
                .to_owned()
        } else if fam.broken_files > 0 {
            format!(
                "{} of its files did not parse; {} are skipped",
                fam.broken_files,
                FAMILY_WIDE_RULES.join(", ")
            )
        } else {
            let mut skipped = FAMILY_WIDE_RULES.to_vec();
            if out.keys().any(|i| i.kind == Kind::Policy && i.family == fi) {
                skipped.extend(POLICY_RULES);
            }
            format!(
                "part of it, or of a family it imports or that imports it, could not be analysed; {} are skipped",
                skipped.join(", ")
            )
        };
        let (line, column) = sources
            .get(fam.family_file)
            .map_or((None, None), |_| (Some(1), Some(1)));
        not_analysed.push(NotAnalysed {
            kind: "family",
            name: family_name(fi),
            file: Some(sources.path(fam.family_file).to_owned()),
            line,
            column,
            reason,
        });
    }
    not_analysed.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.kind).cmp(&(&b.file, b.line, b.column, b.kind))
    });
    let policy_lost = out
        .keys()
        .filter(|i| i.kind == Kind::Policy)
        .map(|i| families[i.family].family_file)
        .collect();
    family_files.shrink_to_fit();
    Partial {
        ir,
        not_analysed,
        tainted,
        policy_lost,
        family_of: index.family_of,
        family_files,
    }
}

/// A policy left out leaves the skills it governs without their gate: they go too (the skills of
/// its family and of every family importing it, which may act on its services).
fn add_policy_dependents(families: &[LoadedFamily], full: &Ir, out: &mut BTreeMap<Item, Reason>) {
    let lost: Vec<usize> = out
        .keys()
        .filter(|i| i.kind == Kind::Policy)
        .map(|i| i.family)
        .collect();
    if lost.is_empty() {
        return;
    }
    let by_file: HashMap<FileId, usize> = families
        .iter()
        .enumerate()
        .map(|(i, f)| (f.family_file, i))
        .collect();
    let mut affected: BTreeSet<usize> = lost.iter().copied().collect();
    for fam in &full.families {
        let Some(&fi) = by_file.get(&fam.family_file) else {
            continue;
        };
        for import in &fam.imports {
            let target = full.family(import.value).family_file;
            if by_file.get(&target).is_some_and(|t| lost.contains(t)) {
                affected.insert(fi);
            }
        }
    }
    for &fi in &affected {
        for pf in &families[fi].files {
            for k in pf.doc.skills.iter().flat_map(|m| m.keys()) {
                let item = Item {
                    family: fi,
                    file: pf.file,
                    kind: Kind::Skill,
                    name: k.value.as_str().to_owned(),
                };
                out.entry(item).or_insert_with(|| Reason {
                    text: "a policy that may govern its steps has errors".to_owned(),
                });
            }
        }
    }
}

/// Why an item that lowered without error before is in error now: a reference of it names an item
/// left out (the reference's text), or a name that may be declared in a file that did not parse.
fn depends_reason(sources: &SourceMap, e: &Diagnostic) -> String {
    let text = e
        .span
        .and_then(|s| {
            sources
                .get(s.file)?
                .text
                .get(s.start as usize..s.end as usize)
                .map(str::to_owned)
        })
        .filter(|t| !t.is_empty() && t.len() <= 200 && !t.contains('\n'));
    match text {
        Some(t) => format!("it refers to `{t}`, which could not be analysed"),
        None => format!(
            "it depends on something that could not be analysed ({})",
            e.message
        ),
    }
}

/// Families that import a tainted family, or that one imports, are tainted too.
fn spread_over_imports(full: &Ir, tainted: &mut HashSet<FileId>) {
    loop {
        let before = tainted.len();
        for fam in &full.families {
            for import in &fam.imports {
                let target = full.family(import.value).family_file;
                if tainted.contains(&target) || tainted.contains(&fam.family_file) {
                    tainted.insert(target);
                    tainted.insert(fam.family_file);
                }
            }
        }
        if tainted.len() == before {
            return;
        }
    }
}

/// Takes `items` out of the syntax trees.
fn remove(families: &mut [LoadedFamily], items: &[Item]) {
    let mut by_file: HashMap<(usize, FileId), HashSet<(Kind, &str)>> = HashMap::new();
    for item in items {
        by_file
            .entry((item.family, item.file))
            .or_default()
            .insert((item.kind, item.name.as_str()));
    }
    for ((fi, file), gone) in by_file {
        let Some(fam) = families.get_mut(fi) else {
            continue;
        };
        let Some(pf) = fam.files.iter_mut().find(|pf| pf.file == file) else {
            continue;
        };
        let d = &mut pf.doc;
        let keep = |kind: Kind, name: &str| !gone.contains(&(kind, name));
        if let Some(m) = &mut d.services {
            m.retain(|k, _| keep(Kind::Service, k.value.as_str()));
        }
        if let Some(m) = &mut d.actions {
            m.retain(|k, _| keep(Kind::Action, k.value.as_str()));
        }
        if let Some(m) = &mut d.skills {
            m.retain(|k, _| keep(Kind::Skill, k.value.as_str()));
        }
        if !keep(Kind::Policy, "") {
            d.policy = None;
        }
    }
}
