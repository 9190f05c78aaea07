//! Pass 1: families, their names and imports.

use super::context::Cx;
use crate::model::{Family, FamilyId, Spanned};
use crate::rules;
use skillc_diagnostics::did_you_mean;
use skillc_syntax::{Loaded, LoadedFamily};

/// A family that has an IR id, with its loaded files.
pub(crate) struct FamilyInput<'l> {
    pub(crate) id: FamilyId,
    pub(crate) loaded: &'l LoadedFamily,
}

pub(crate) fn lower_families<'l>(cx: &mut Cx<'_>, loaded: &'l Loaded) -> Vec<FamilyInput<'l>> {
    let mut out = Vec::new();
    // Ids follow family names, not directory names, so that which of two clashing items counts as
    // "first" (and so every finding) does not depend on where the families live on disk.
    let mut ordered: Vec<&LoadedFamily> = loaded.families.iter().collect();
    ordered.sort_by(|a, b| {
        let name = |f: &LoadedFamily| f.decl.as_ref().map(|d| d.name.value.0.clone());
        name(a).cmp(&name(b)).then_with(|| a.root.cmp(&b.root))
    });
    for lf in ordered {
        // A family whose family.yaml did not parse was already reported; lowering its files
        // would only cascade into unresolved references.
        let Some(decl) = &lf.decl else { continue };
        let file = lf.family_file;
        cx.check_id(file, &decl.name, "family");
        let name = decl.name.value.as_str().to_owned();
        if let Some(&first) = cx.family_by_name.get(&name) {
            let first_span = cx.ir.family(first).name.span;
            cx.duplicate("family", &name, decl.name.span(file), first_span);
            continue;
        }
        if !is_semver(&decl.version.value) {
            cx.emit(
                rules::INVALID_VERSION
                    .finding(format!(
                        "`{}` is not a semantic version",
                        decl.version.value
                    ))
                    .at(decl.version.span(file), "not MAJOR.MINOR.PATCH")
                    .with_help("write the version as MAJOR.MINOR.PATCH, e.g. `1.2.0`"),
            );
        }
        let id = FamilyId::from_index(cx.ir.families.len());
        cx.family_by_name.insert(name.clone(), id);
        cx.ir.families.push(Family {
            name: Spanned::new(name, decl.name.span(file)),
            version: Spanned::new(decl.version.value.clone(), decl.version.span(file)),
            description: decl.description.value.clone(),
            label_prefix: decl
                .label_prefix
                .as_ref()
                .map(|p| Spanned::new(p.value.clone(), p.span(file))),
            imports: Vec::new(),
            root: lf.root.clone(),
            family_file: file,
            files: lf.files.iter().map(|f| f.file).collect(),
            policy: None,
            dependency: lf.dependency,
        });
        if lf.broken_files > 0 {
            cx.incomplete.insert(id);
        }
        out.push(FamilyInput { id, loaded: lf });
    }
    for fam in &out {
        let Some(decl) = &fam.loaded.decl else {
            continue;
        };
        let file = fam.loaded.family_file;
        for import in decl.imports.iter().flatten() {
            let span = import.span(file);
            let name = import.value.as_str();
            match cx.family_by_name.get(name) {
                Some(&target) if target == fam.id => cx.emit(
                    rules::UNRESOLVED_REFERENCE
                        .finding(format!("family `{name}` imports itself"))
                        .at(span, "self-import")
                        .with_help("remove this import; a family always sees its own items"),
                ),
                Some(&target) => cx.ir.families[fam.id.index()]
                    .imports
                    .push(Spanned::new(target, span)),
                None => {
                    let names: Vec<String> = cx.family_by_name.keys().cloned().collect();
                    let mut d = rules::UNRESOLVED_REFERENCE
                        .finding(format!("imported family `{name}` is not loaded"))
                        .at(span, "no family of this name");
                    d = match did_you_mean(name, names.iter().map(String::as_str)) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help("pass the imported family's directory to skillc too"),
                    };
                    cx.emit(d);
                }
            }
        }
    }
    out
}

fn is_semver(v: &str) -> bool {
    let core = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = core.split('.').collect();
    parts.len() == 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && (p.len() == 1 || !p.starts_with('0'))
        })
}
