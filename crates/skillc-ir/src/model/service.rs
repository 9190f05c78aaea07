use super::{FamilyId, ServiceId, Spanned};
use crate::expr::Expr;
use skillc_diagnostics::Span;
use skillc_syntax::ast::{Capability, KeepAlive, Layer, Scope, SessionType};
use std::time::Duration;

/// One long-lived job.
#[derive(Debug, Clone)]
pub struct Service {
    pub id: Spanned<String>,
    pub family: FamilyId,
    pub description: String,
    pub layer: Spanned<Layer>,
    pub scope: Spanned<Scope>,
    pub bus: Option<Spanned<String>>,
    /// launchd Label; the span is the `label:` value or the service key when defaulted.
    pub label: Spanned<String>,
    pub capabilities: Vec<Spanned<Capability>>,
    pub tags: Vec<Spanned<String>>,
    pub docs: Option<String>,
    pub run: Run,
    pub requires: Vec<Dependency>,
    pub wants: Vec<Dependency>,
    pub readiness: Option<Readiness>,
}

impl Service {
    /// Hard then soft dependencies.
    pub fn dependencies(&self) -> impl Iterator<Item = &Dependency> {
        self.requires.iter().chain(self.wants.iter())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DependencyKind {
    Requires,
    Wants,
}

impl DependencyKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DependencyKind::Requires => "requires",
            DependencyKind::Wants => "wants",
        }
    }
}

/// A resolved dependency; `span` is the list entry in the YAML.
#[derive(Debug, Clone)]
pub struct Dependency {
    pub target: ServiceId,
    pub kind: DependencyKind,
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Run {
    pub program: Spanned<String>,
    pub args: Vec<Spanned<String>>,
    pub env: Vec<(Spanned<String>, Spanned<String>)>,
    pub working_dir: Option<Spanned<String>>,
    pub user: Option<Spanned<String>>,
    pub group: Option<Spanned<String>>,
    pub session_types: Vec<Spanned<SessionType>>,
    pub keep_alive: Spanned<KeepAlive>,
    pub throttle: Spanned<Duration>,
    pub start_timeout: Option<Spanned<Duration>>,
    pub schedule: Option<Spanned<Schedule>>,
    pub stdout: Option<Spanned<String>>,
    pub stderr: Option<Spanned<String>>,
    pub umask: Option<Spanned<u32>>,
    /// Extra plist keys from the `launchd:` escape hatch.
    pub launchd: Vec<(Spanned<String>, Spanned<serde_json::Value>)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Schedule {
    Every(Duration),
    /// Calendar entries; a `cron:` string is expanded into these.
    Calendar(Vec<Calendar>),
}

/// One `StartCalendarInterval` dict; `None` means "every".
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Calendar {
    pub minute: Option<u32>,
    pub hour: Option<u32>,
    pub day: Option<u32>,
    pub weekday: Option<u32>,
    pub month: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Readiness {
    pub probe: Expr,
    pub probe_span: Span,
    pub timeout: Spanned<Duration>,
    pub interval: Spanned<Duration>,
    pub retries: Spanned<u32>,
    pub span: Span,
}
