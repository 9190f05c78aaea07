//! Resolving references: services (`id`, `family/id`, `bus:name`), families, skills, actions.

use super::context::Cx;
use crate::builtins::builtin_names;
use crate::model::{ActionId, FamilyId, ServiceId, SkillId};
use crate::rules;
use skillc_diagnostics::{Span, did_you_mean};

/// Which families a reference may reach besides its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Own family and the families it imports.
    Imports,
    /// Also the families that import it (skills' `applies_to` selects among these).
    ImportsAndImporters,
}

impl Cx<'_> {
    fn may_reach(&self, from: FamilyId, to: FamilyId, reach: Reach) -> bool {
        from == to
            || self.ir.family(from).imports.iter().any(|i| i.value == to)
            || reach == Reach::ImportsAndImporters
                && self.ir.family(to).imports.iter().any(|i| i.value == from)
    }

    /// The service `text` names wherever it is declared, imports aside (for a message about a
    /// dependency on an unimported family), and whether `from` may see it.
    pub(crate) fn peek_service(&self, from: FamilyId, text: &str) -> Option<(ServiceId, bool)> {
        let sid = if let Some(bus) = text.strip_prefix("bus:") {
            *self.service_by_bus.get(&bus.to_lowercase())?
        } else {
            let (fam, id) = text.split_once('/')?;
            let fid = *self.family_by_name.get(fam)?;
            *self.service_by_name.get(&(fid, id.to_owned()))?
        };
        let owner = *self.service_family.get(sid.index())?;
        Some((sid, self.may_reach(from, owner, Reach::Imports)))
    }

    fn unresolved(&mut self, message: String, span: Span, label: &str, help: Option<String>) {
        let mut d = rules::UNRESOLVED_REFERENCE.finding(message).at(span, label);
        if let Some(h) = help {
            d = d.with_help(h);
        }
        self.emit(d);
    }

    /// Splits `family/id` (or a bare `id`, meaning `from`'s own) and checks that `from` may see the
    /// family; reports an unknown or unimported family.
    fn split_qualified<'t>(
        &mut self,
        from: FamilyId,
        text: &'t str,
        span: Span,
        reach: Reach,
    ) -> Option<(FamilyId, &'t str)> {
        let Some((fam, id)) = text.split_once('/') else {
            return Some((from, text));
        };
        let fid = self.resolve_family(fam, span)?;
        if !self.may_reach(from, fid, reach) {
            let from_name = self.ir.family(from).name.value.clone();
            self.unresolved(
                format!("family `{fam}` is not imported by `{from_name}`"),
                span,
                "not visible from here",
                Some(format!(
                    "add `{fam}` to `imports:` in {from_name}'s family.yaml"
                )),
            );
            return None;
        }
        Some((fid, id))
    }

    /// A family by name, reported when unknown.
    pub(crate) fn resolve_family(&mut self, name: &str, span: Span) -> Option<FamilyId> {
        if let Some(&id) = self.family_by_name.get(name) {
            return Some(id);
        }
        let names: Vec<String> = self.family_by_name.keys().cloned().collect();
        let help = did_you_mean(name, names.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"));
        self.unresolved(
            format!("unknown family `{name}`"),
            span,
            "no family of this name",
            help,
        );
        None
    }

    /// A service reference written in family `from`.
    pub(crate) fn resolve_service(
        &mut self,
        from: FamilyId,
        text: &str,
        span: Span,
        reach: Reach,
    ) -> Option<ServiceId> {
        if let Some(bus) = text.strip_prefix("bus:") {
            if let Some(&id) = self.service_by_bus.get(&bus.to_lowercase()) {
                if let Some(&owner) = self.service_family.get(id.index())
                    && !self.may_reach(from, owner, reach)
                {
                    let (fam, from_name) = (
                        self.ir.family(owner).name.value.clone(),
                        self.ir.family(from).name.value.clone(),
                    );
                    self.unresolved(
                        format!("bus name `{bus}` belongs to family `{fam}`, which `{from_name}` does not import"),
                        span,
                        "not visible from here",
                        Some(format!("add `{fam}` to `imports:` in {from_name}'s family.yaml")),
                    );
                    return None;
                }
                return Some(id);
            }
            let buses: Vec<String> = self
                .ir
                .services
                .iter()
                .filter_map(|s| s.bus.as_ref().map(|b| b.value.clone()))
                .collect();
            let help = did_you_mean(bus, buses.iter().map(String::as_str))
                .map(|s| format!("did you mean `bus:{s}`?"))
                .or_else(|| Some("no loaded service declares this `bus:` name".to_owned()));
            if !self.incomplete.is_empty() {
                return None; // it may be declared in a file that did not parse
            }
            self.unresolved(
                format!("no service has the bus name `{bus}`"),
                span,
                "unknown bus name",
                help,
            );
            return None;
        }
        let (family, id) = self.split_qualified(from, text, span, reach)?;
        if let Some(&sid) = self.service_by_name.get(&(family, id.to_owned())) {
            return Some(sid);
        }
        if self.incomplete.contains(&family) {
            return None;
        }
        let fam_name = self.ir.family(family).name.value.clone();
        let own: Vec<String> = self
            .service_by_name
            .keys()
            .filter(|(f, _)| *f == family)
            .map(|(_, n)| n.clone())
            .collect();
        let elsewhere = self
            .service_by_name
            .keys()
            .find(|(f, n)| *f != family && n == id && self.may_reach(from, *f, reach))
            .map(|(f, n)| format!("{}/{n}", self.ir.family(*f).name.value));
        let help = match (did_you_mean(id, own.iter().map(String::as_str)), elsewhere) {
            (_, Some(q)) => Some(format!("a service of another family is meant: write `{q}`")),
            (Some(s), None) => Some(format!("did you mean `{s}`?")),
            (None, None) => Some(format!(
                "declare `{id}` under `services:` in {fam_name}, or fix the name"
            )),
        };
        self.unresolved(
            format!("unknown service `{id}` in family `{fam_name}`"),
            span,
            "no service of this name",
            help,
        );
        None
    }

    /// A skill of family `family`.
    pub(crate) fn resolve_skill(
        &mut self,
        family: FamilyId,
        name: &str,
        span: Span,
    ) -> Option<SkillId> {
        if let Some(&id) = self.skill_by_name.get(&(family, name.to_owned())) {
            return Some(id);
        }
        if self.incomplete.contains(&family) {
            return None;
        }
        let own: Vec<String> = self
            .skill_by_name
            .keys()
            .filter(|(f, _)| *f == family)
            .map(|(_, n)| n.clone())
            .collect();
        let help = did_you_mean(name, own.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"));
        let fam_name = self.ir.family(family).name.value.clone();
        self.unresolved(
            format!("unknown skill `{name}` in family `{fam_name}`"),
            span,
            "no skill of this name",
            help,
        );
        None
    }

    /// An action: built-in (`launchctl.kickstart`), own (`rotate-logs`) or imported (`fam/x`).
    pub(crate) fn resolve_action(
        &mut self,
        from: FamilyId,
        name: &str,
        span: Span,
    ) -> Option<ActionId> {
        if let Some(&id) = self.action_by_name.get(&(None, name.to_owned())) {
            return Some(id);
        }
        let (family, id) = self.split_qualified(from, name, span, Reach::Imports)?;
        if let Some(&aid) = self.action_by_name.get(&(Some(family), id.to_owned())) {
            return Some(aid);
        }
        if self.incomplete.contains(&family) {
            return None;
        }
        let mut candidates: Vec<String> = builtin_names().map(str::to_owned).collect();
        candidates.extend(
            self.action_by_name
                .keys()
                .filter(|(f, _)| *f == Some(family))
                .map(|(_, n)| n.clone()),
        );
        let help = did_you_mean(name, candidates.iter().map(String::as_str))
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| {
                Some(
                    "use a built-in action (see `docs/language.md`) or declare it under `actions:`"
                        .to_owned(),
                )
            });
        self.unresolved(
            format!("unknown action `{name}`"),
            span,
            "no action of this name",
            help,
        );
        None
    }
}
