//! Syntax tree → IR. Resolves every reference across families and reports what does not resolve.
//!
//! Passes: families and imports; declarations (ids of services, actions, skills; duplicates);
//! bodies (services, actions, skills, policies), which may reference any declared id.

mod actions;
mod args;
mod context;
mod declare;
mod expr;
mod families;
pub(crate) mod placeholders;
mod policy;
mod refs;
mod schedule;
mod services;
mod skills;
mod steps;

use crate::model::Ir;
use context::Cx;
use skillc_diagnostics::{Diagnostic, SourceMap};
use skillc_syntax::{Loaded, LoadedFamily};

/// Builds the IR from loaded families. Always returns an IR (possibly partial) and every
/// diagnostic found; the IR may be used only when no diagnostic is an error.
pub fn lower(loaded: &Loaded) -> (Ir, Vec<Diagnostic>) {
    lower_with(&loaded.sources, &loaded.families, false)
}

/// [`lower`] of `families` (a part of what was loaded) as if every file had parsed: a reference
/// that does not resolve is an error even in a family with a file that did not parse, where
/// [`lower`] stays silent (the name may be declared in that file). Used to find what a partial
/// analysis can trust: whatever this reports an error in depends on something unsound.
pub fn lower_strict(sources: &SourceMap, families: &[LoadedFamily]) -> (Ir, Vec<Diagnostic>) {
    lower_with(sources, families, true)
}

fn lower_with(
    sources: &SourceMap,
    families: &[LoadedFamily],
    strict: bool,
) -> (Ir, Vec<Diagnostic>) {
    let mut cx = Cx::new(sources);
    let fams = families::lower_families(&mut cx, families, strict);
    let decls = declare::declare(&mut cx, &fams);
    expr::prefill_cache(&mut cx, &decls);
    services::lower_services(&mut cx, &decls);
    actions::lower_actions(&mut cx, &decls);
    skills::lower_skills(&mut cx, &decls);
    policy::lower_policies(&mut cx, &decls);
    cx.ir.bus_providers = std::mem::take(&mut cx.service_by_bus);
    let mut registrars = std::collections::HashMap::new();
    for (i, s) in cx.ir.services.iter().enumerate() {
        for m in s.run.mach_services.iter().filter(|m| m.enabled.value) {
            registrars
                .entry(m.name.value.clone())
                .or_insert(crate::model::ServiceId::from_index(i));
        }
    }
    cx.ir.mach_registrars = registrars;
    (cx.ir, cx.diags)
}
