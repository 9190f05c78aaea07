//! State shared by the lowering passes, and small helpers used by all of them.

use crate::builtins::builtin_actions;
use crate::duration::parse_duration;
use crate::model::{ActionId, FamilyId, Ir, ServiceId, SkillId, Spanned};
use crate::rules;
use skillc_diagnostics::{Diagnostic, FileId, SourceMap, Span};
use skillc_syntax::Sp;
use skillc_syntax::ast::{DurationText, Id};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

pub(crate) struct Cx<'a> {
    pub(crate) sources: &'a SourceMap,
    pub(crate) ir: Ir,
    pub(crate) diags: Vec<Diagnostic>,
    pub(crate) family_by_name: HashMap<String, FamilyId>,
    pub(crate) service_by_name: HashMap<(FamilyId, String), ServiceId>,
    /// The declaring family of each service id (known before service bodies are built).
    pub(crate) service_family: Vec<FamilyId>,
    /// Lower-cased bus name → service.
    pub(crate) service_by_bus: HashMap<String, ServiceId>,
    pub(crate) action_by_name: HashMap<(Option<FamilyId>, String), ActionId>,
    pub(crate) skill_by_name: HashMap<(FamilyId, String), SkillId>,
    /// Families with a file that did not parse: a name missing from them may be declared in that
    /// file, so it is not reported (the syntax error is; its echoes would only add noise).
    pub(crate) incomplete: HashSet<FamilyId>,
    /// Items left out of files that parsed in part, as (family, kind, id): they had errors, so a
    /// reference to one is not reported as unknown (its error is).
    pub(crate) lost: HashSet<(FamilyId, &'static str, String)>,
    /// Expressions parsed at offset 0, by text (see `Cx::parse_cached`).
    pub(crate) expr_cache: HashMap<String, skillc_expr::Expr>,
}

impl<'a> Cx<'a> {
    pub(crate) fn new(sources: &'a SourceMap) -> Self {
        let ir = Ir {
            actions: builtin_actions(),
            ..Ir::default()
        };
        let action_by_name = ir
            .actions
            .iter()
            .enumerate()
            .map(|(i, a)| ((None, a.name.clone()), ActionId::from_index(i)))
            .collect();
        Self {
            sources,
            ir,
            diags: Vec::new(),
            family_by_name: HashMap::new(),
            service_by_name: HashMap::new(),
            service_family: Vec::new(),
            service_by_bus: HashMap::new(),
            action_by_name,
            skill_by_name: HashMap::new(),
            incomplete: HashSet::new(),
            lost: HashSet::new(),
            expr_cache: HashMap::new(),
        }
    }

    /// Whether `name` may be declared where lowering cannot see it: in a file of `family` that did
    /// not parse, or as an item with an error left out of its file.
    pub(crate) fn maybe_declared(&self, family: FamilyId, kind: &'static str, name: &str) -> bool {
        self.incomplete.contains(&family) || self.lost.contains(&(family, kind, name.to_owned()))
    }

    pub(crate) fn emit(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    /// The source text under a span (empty when out of range).
    pub(crate) fn text(&self, span: Span) -> &'a str {
        self.sources
            .get(span.file)
            .and_then(|f| f.text.get(span.start as usize..span.end as usize))
            .unwrap_or("")
    }

    /// Checks id syntax: `[a-z][a-z0-9-]*`, at most 64 characters.
    pub(crate) fn check_id(&mut self, file: FileId, id: &Sp<Id>, what: &str) -> bool {
        let s = id.value.as_str();
        let ok = crate::is_id(s);
        if !ok {
            let help = if s.len() > 64 {
                "ids are at most 64 characters".to_owned()
            } else {
                let fixed: String = s
                    .to_ascii_lowercase()
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                    .collect();
                format!(
                    "ids are a lowercase letter, then lowercase letters, digits or `-`, e.g. `{}`",
                    fixed.trim_start_matches(|c: char| !c.is_ascii_lowercase())
                )
            };
            self.emit(
                rules::INVALID_ID
                    .finding(format!("invalid {what} id `{s}`"))
                    .at(id.span(file), "not an id")
                    .with_help(help),
            );
        }
        ok
    }

    pub(crate) fn duration(
        &mut self,
        file: FileId,
        d: &Sp<DurationText>,
    ) -> Option<Spanned<Duration>> {
        match parse_duration(d.value.as_str()) {
            Ok(v) => Some(Spanned::new(v, d.span(file))),
            Err(why) => {
                self.emit(
                    rules::INVALID_DURATION
                        .finding(format!("invalid duration `{}`: {why}", d.value))
                        .at(d.span(file), "not a duration")
                        .with_help("write a number and a unit: `250ms`, `5s`, `1m30s`, `2h`"),
                );
                None
            }
        }
    }

    /// Reports `dup` as a duplicate of `first` (both places are shown).
    pub(crate) fn duplicate(&mut self, what: &str, name: &str, dup: Span, first: Span) {
        self.emit(
            rules::DUPLICATE_ID
                .finding(format!("{what} `{name}` is defined twice"))
                .at(dup, "defined again here")
                .with_label(first, "first defined here")
                .with_help(format!("rename one of them; a {what} id is unique")),
        );
    }
}
