//! Pass 3a: service bodies — run, dependencies, readiness, labels.

use super::context::Cx;
use super::declare::{Decls, Item};
use super::expr::Env;
use super::refs::Reach;
use super::schedule::lower_schedule;
use crate::model::{Dependency, DependencyKind, Readiness, Run, Service, Spanned};
use crate::rules;
use skillc_diagnostics::FileId;
use skillc_syntax::Sp;
use skillc_syntax::ast::{self, KeepAlive, Reference};
use std::time::Duration;

const DEFAULT_THROTTLE: Duration = Duration::from_secs(10);
const DEFAULT_PROBE_TIMEOUT: Duration = Duration::from_secs(1);
const DEFAULT_PROBE_INTERVAL: Duration = Duration::from_secs(2);
const DEFAULT_PROBE_RETRIES: u32 = 30;

pub(crate) fn lower_services(cx: &mut Cx<'_>, decls: &Decls<'_>) {
    // A service is large: growing the vector by doubling would copy 10,000 of them again and again.
    cx.ir.services.reserve_exact(decls.services.len());
    let layers: Vec<ast::Layer> = decls
        .services
        .iter()
        .map(|i| i.body.value.layer.value)
        .collect();
    for item in &decls.services {
        let service = lower_service(cx, item, &layers);
        cx.ir.services.push(service);
    }
}

fn spanned_str(file: FileId, s: &Sp<String>) -> Spanned<String> {
    Spanned::new(s.value.clone(), s.span(file))
}

fn lower_service(cx: &mut Cx<'_>, item: &Item<'_, ast::Service>, layers: &[ast::Layer]) -> Service {
    let (file, fam, s) = (item.file, item.family, &item.body.value);
    let key_span = item.key.span(file);
    let id = item.key.value.0.clone();
    let label = match (&s.label, &cx.ir.family(fam).label_prefix) {
        (Some(l), _) => spanned_str(file, l),
        (None, Some(prefix)) => Spanned::new(format!("{}.{id}", prefix.value), key_span),
        (None, None) => {
            cx.emit(
                rules::MISSING_LABEL
                    .finding(format!("service `{id}` has no launchd label"))
                    .at(
                        key_span,
                        "no `label:` here and no `label_prefix` in family.yaml",
                    )
                    .with_help(
                        "add `label_prefix: org.example` to the family, or `label:` to the service",
                    ),
            );
            Spanned::new(id.clone(), key_span)
        }
    };
    let requires = dependencies(
        cx,
        (fam, s.layer.value, layers),
        file,
        s.requires.as_deref(),
        DependencyKind::Requires,
    );
    let wants = dependencies(
        cx,
        (fam, s.layer.value, layers),
        file,
        s.wants.as_deref(),
        DependencyKind::Wants,
    );
    let readiness = s.readiness.as_ref().map(|r| {
        let probe = cx.expr(fam, file, &r.probe, &Env { params: None });
        let dur = |cx: &mut Cx<'_>, d: &Option<Sp<ast::DurationText>>, default: Duration| {
            d.as_ref()
                .and_then(|d| cx.duration(file, d))
                .unwrap_or_else(|| Spanned::new(default, r.span(file)))
        };
        Readiness {
            probe,
            probe_span: r.probe.span(file),
            timeout: dur(cx, &r.timeout, DEFAULT_PROBE_TIMEOUT),
            interval: dur(cx, &r.interval, DEFAULT_PROBE_INTERVAL),
            retries: r
                .retries
                .as_ref()
                .map_or(Spanned::new(DEFAULT_PROBE_RETRIES, r.span(file)), |n| {
                    Spanned::new(n.value, n.span(file))
                }),
            span: r.span(file),
        }
    });
    Service {
        id: Spanned::new(id, key_span),
        family: fam,
        description: s.description.value.clone(),
        layer: Spanned::new(s.layer.value, s.layer.span(file)),
        scope: Spanned::new(s.scope.value, s.scope.span(file)),
        bus: s.bus.as_ref().map(|b| spanned_str(file, b)),
        label,
        capabilities: s
            .capabilities
            .iter()
            .flatten()
            .map(|c| Spanned::new(c.value, c.span(file)))
            .collect(),
        tags: s
            .tags
            .iter()
            .flatten()
            .map(|t| spanned_str(file, t))
            .collect(),
        docs: s.docs.as_ref().map(|d| d.value.clone()),
        run: lower_run(cx, file, &s.run),
        requires,
        wants,
        readiness,
    }
}

/// The service a dependency is written in: its family, its layer, and every service's layer.
type From<'a> = (crate::model::FamilyId, ast::Layer, &'a [ast::Layer]);

fn dependencies(
    cx: &mut Cx<'_>,
    (fam, layer, layers): From<'_>,
    file: FileId,
    refs: Option<&[Sp<Reference>]>,
    kind: DependencyKind,
) -> Vec<Dependency> {
    let mut out = Vec::new();
    for r in refs.unwrap_or_default() {
        let span = r.span(file);
        if let Some((target, false)) = cx.peek_service(fam, r.value.as_str())
            && let Some(&to) = layers.get(target.index())
            && to > layer
        {
            // Importing the family would only trade this error for a layer-violation: say both.
            let (from_name, to_fam) = (
                cx.ir.family(fam).name.value.clone(),
                cx.ir
                    .family(cx.service_family[target.index()])
                    .name
                    .value
                    .clone(),
            );
            cx.emit(
                rules::UNRESOLVED_REFERENCE
                    .finding(format!(
                        "family `{to_fam}` is not imported by `{from_name}`, and `{}` is {}, above this {} service",
                        r.value.as_str(),
                        to.as_str(),
                        layer.as_str()
                    ))
                    .at(span, "not visible from here, and a higher layer")
                    .with_help(format!(
                        "importing `{to_fam}` would not be enough: a service depends only on its own layer or below (layer-violation); remove the dependency, or move one of the two services to another layer"
                    )),
            );
            continue;
        }
        if let Some(target) = cx.resolve_service(fam, r.value.as_str(), span, Reach::Imports) {
            out.push(Dependency {
                target,
                kind,
                text: r.value.0.clone(),
                span,
            });
        }
    }
    out
}

fn lower_run(cx: &mut Cx<'_>, file: FileId, run: &Sp<ast::Run>) -> Run {
    let r = &run.value;
    let umask = r
        .umask
        .as_ref()
        .and_then(|u| match u32::from_str_radix(&u.value, 8) {
            Ok(v) if u.value.len() <= 4 && v <= 0o777 => Some(Spanned::new(v, u.span(file))),
            _ => {
                cx.emit(
                    rules::INVALID_UMASK
                        .finding(format!("`{}` is not an octal umask", u.value))
                        .at(u.span(file), "not an octal mode")
                        .with_help(
                            "write three octal digits as a quoted string, e.g. `umask: \"022\"`",
                        ),
                );
                None
            }
        });
    for (name, _) in r.env.iter().flatten() {
        let ok = name
            .value
            .starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
            && name
                .value
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !ok {
            cx.emit(
                rules::INVALID_ENV_NAME
                    .finding(format!(
                        "`{}` is not a portable environment variable name",
                        name.value.escape_debug()
                    ))
                    .at(name.span(file), "not a variable name")
                    .with_help(
                        "use letters, digits and `_`, not starting with a digit, e.g. `LOG_LEVEL`",
                    ),
            );
        }
    }
    let throttle = r.throttle.as_ref().and_then(|t| cx.duration(file, t));
    let start_timeout = r.start_timeout.as_ref().and_then(|t| cx.duration(file, t));
    Run {
        program: spanned_str(file, &r.program),
        args: r
            .args
            .iter()
            .flatten()
            .map(|a| spanned_str(file, a))
            .collect(),
        env: r
            .env
            .iter()
            .flatten()
            .map(|(k, v)| (spanned_str(file, k), spanned_str(file, v)))
            .collect(),
        working_dir: r.working_dir.as_ref().map(|s| spanned_str(file, s)),
        user: r.user.as_ref().map(|s| spanned_str(file, s)),
        group: r.group.as_ref().map(|s| spanned_str(file, s)),
        session_types: r
            .session_types
            .iter()
            .flatten()
            .map(|t| Spanned::new(t.value, t.span(file)))
            .collect(),
        keep_alive: r
            .keep_alive
            .as_ref()
            .map_or(Spanned::new(KeepAlive::OnFailure, run.span(file)), |k| {
                Spanned::new(k.value, k.span(file))
            }),
        throttle: throttle.unwrap_or_else(|| Spanned::new(DEFAULT_THROTTLE, run.span(file))),
        start_timeout,
        schedule: r
            .schedule
            .as_ref()
            .and_then(|s| lower_schedule(cx, file, s)),
        stdout: r.stdout.as_ref().map(|s| spanned_str(file, s)),
        stderr: r.stderr.as_ref().map(|s| spanned_str(file, s)),
        umask,
        launchd: r
            .launchd
            .iter()
            .flatten()
            .map(|(k, v)| {
                (
                    spanned_str(file, k),
                    Spanned::new(v.value.clone(), v.span(file)),
                )
            })
            .collect(),
    }
}
