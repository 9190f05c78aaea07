//! Pass 3a: service bodies — run, dependencies, readiness, labels.

use super::context::Cx;
use super::declare::{Decls, Item};
use super::expr::Env;
use super::refs::Reach;
use super::schedule::lower_schedule;
use crate::model::{
    Bonjour, Dependency, DependencyKind, Flag, KeepAliveConditions, KeepAliveMode, Limit,
    MachService, Readiness, Run, Service, Socket, SocketGroup, Spanned,
};
use crate::rules;
use indexmap::IndexMap;
use skillc_diagnostics::FileId;
use skillc_syntax::Sp;
use skillc_syntax::ast::{self, BonjourName, KeepAlive, OneOrMany, Reference, ScalarOrMap};
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
        for_user: s.for_user.as_ref().map(|u| spanned_str(file, u)),
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

/// An octal mode string (`"022"`, `"0660"`) as its value; reported with `what` when it is not one.
fn octal(cx: &mut Cx<'_>, file: FileId, u: &Sp<String>, what: &str) -> Option<Spanned<u32>> {
    match u32::from_str_radix(&u.value, 8) {
        Ok(v) if u.value.len() <= 4 && v <= 0o777 => Some(Spanned::new(v, u.span(file))),
        _ => {
            cx.emit(
                rules::INVALID_UMASK
                    .finding(format!("`{}` is not an octal {what}", u.value))
                    .at(u.span(file), "not an octal mode")
                    .with_help(format!(
                        "write three octal digits as a quoted string, e.g. `{}`",
                        if what == "umask" {
                            "umask: \"022\""
                        } else {
                            "path_mode: \"0660\""
                        }
                    )),
            );
            None
        }
    }
}

fn spanned_bool(file: FileId, b: &Sp<bool>) -> Spanned<bool> {
    Spanned::new(b.value, b.span(file))
}

fn whole<T>(s: &Sp<T>) -> (u32, u32) {
    (s.start, s.end)
}

fn strings(file: FileId, v: Option<&Vec<Sp<String>>>) -> Vec<Spanned<String>> {
    v.into_iter()
        .flatten()
        .map(|x| spanned_str(file, x))
        .collect()
}

fn bool_map(
    file: FileId,
    m: Option<&IndexMap<Sp<String>, Sp<bool>>>,
) -> Vec<(Spanned<String>, Spanned<bool>)> {
    m.into_iter()
        .flatten()
        .map(|(k, v)| (spanned_str(file, k), spanned_bool(file, v)))
        .collect()
}

fn hardware(
    file: FileId,
    m: Option<&IndexMap<Sp<String>, Vec<Sp<String>>>>,
) -> Vec<(Spanned<String>, Vec<Spanned<String>>)> {
    m.into_iter()
        .flatten()
        .map(|(k, v)| (spanned_str(file, k), strings(file, Some(v))))
        .collect()
}

fn keep_alive(file: FileId, run: &Sp<ast::Run>) -> Spanned<KeepAliveMode> {
    let Some(k) = &run.value.keep_alive else {
        return Spanned::new(KeepAliveMode::on_failure(run.span(file)), run.span(file));
    };
    let span = k.span(file);
    let mode = match &k.value {
        ScalarOrMap::Scalar(KeepAlive::Always) => KeepAliveMode::Always,
        ScalarOrMap::Scalar(KeepAlive::Never) => KeepAliveMode::Never,
        ScalarOrMap::Scalar(KeepAlive::OnFailure) => KeepAliveMode::on_failure(span),
        ScalarOrMap::Map(c) => KeepAliveMode::Conditions(KeepAliveConditions {
            successful_exit: c.successful_exit.as_ref().map(|b| spanned_bool(file, b)),
            crashed: c.crashed.as_ref().map(|b| spanned_bool(file, b)),
            path_state: bool_map(file, c.path_state.as_ref()),
            other_job_enabled: bool_map(file, c.other_job_enabled.as_ref()),
            after_initial_demand: c
                .after_initial_demand
                .as_ref()
                .map(|b| spanned_bool(file, b)),
            network_state: c.network_state.as_ref().map(|b| spanned_bool(file, b)),
        }),
    };
    Spanned::new(mode, span)
}

fn limits(file: FileId, l: Option<&Sp<ast::ResourceLimits>>) -> Vec<Limit> {
    let Some(l) = l else { return Vec::new() };
    l.value
        .entries()
        .into_iter()
        .filter_map(|(field, key, v)| {
            v.map(|v| Limit {
                field,
                key,
                value: Spanned::new(v.value, v.span(file)),
            })
        })
        .collect()
}

fn socket(cx: &mut Cx<'_>, file: FileId, s: &Sp<ast::Socket>) -> Spanned<Socket> {
    let v = &s.value;
    let sp = |x: &Sp<String>| spanned_str(file, x);
    let bonjour = v.bonjour.as_ref().map(|b| {
        let value = match &b.value {
            OneOrMany::One(BonjourName::Flag(f)) => Bonjour::Flag(*f),
            OneOrMany::One(BonjourName::Name(n)) => Bonjour::Name(n.clone()),
            OneOrMany::Many(names) => Bonjour::Names(
                names
                    .iter()
                    .map(|n| match &n.value {
                        BonjourName::Name(n) => n.clone(),
                        BonjourName::Flag(f) => f.to_string(),
                    })
                    .collect(),
            ),
        };
        Spanned::new(value, b.span(file))
    });
    Spanned::new(
        Socket {
            sock_type: v
                .sock_type
                .as_ref()
                .map(|t| Spanned::new(t.value, t.span(file))),
            passive: v.passive.as_ref().map(|b| spanned_bool(file, b)),
            node_name: v.node_name.as_ref().map(sp),
            service_name: v
                .service_name
                .as_ref()
                .map(|n| Spanned::new(n.value.clone(), n.span(file))),
            family: v
                .family
                .as_ref()
                .map(|t| Spanned::new(t.value, t.span(file))),
            protocol: v
                .protocol
                .as_ref()
                .map(|t| Spanned::new(t.value, t.span(file))),
            path_name: v.path_name.as_ref().map(sp),
            path_owner: v
                .path_owner
                .as_ref()
                .map(|n| Spanned::new(n.value, n.span(file))),
            path_group: v
                .path_group
                .as_ref()
                .map(|n| Spanned::new(n.value, n.span(file))),
            path_mode: v.path_mode.as_ref().and_then(|m| {
                unquoted(cx, file, m, "path_mode", true);
                octal(cx, file, m, "socket mode")
            }),
            secure_socket_with_key: v.secure_socket_with_key.as_ref().map(sp),
            bonjour,
            multicast_group: v.multicast_group.as_ref().map(sp),
        },
        s.span(file),
    )
}

/// Warns when a string field was written as a plain scalar other YAML readers take for a boolean
/// or a number (`unquoted-scalar`); `always`: any plain scalar (an octal mode is a number to all).
fn unquoted(cx: &mut Cx<'_>, file: FileId, value: &Sp<String>, field: &str, always: bool) {
    let span = value.span(file);
    let written = cx.text(span);
    if written.starts_with(['"', '\'']) || written != value.value {
        return;
    }
    let reading = rules::reading_of(written).or(always.then_some("a number"));
    if let Some(reading) = reading {
        cx.emit(
            rules::UNQUOTED_SCALAR
                .finding(format!(
                    "`{written}` in `{field}` is unquoted: skillc reads the text `{written}`, other YAML readers read it as {reading}"
                ))
                .at(span, format!("read as {reading} by other YAML readers"))
                .with_help(format!("quote it: \"{written}\"")),
        );
    }
}

fn lower_run(cx: &mut Cx<'_>, file: FileId, run: &Sp<ast::Run>) -> Run {
    let r = &run.value;
    if let Some(u) = &r.umask {
        unquoted(cx, file, u, "umask", true);
    }
    for (_, value) in r.env.iter().flatten() {
        unquoted(cx, file, value, "env", false);
    }
    let umask = r.umask.as_ref().and_then(|u| octal(cx, file, u, "umask"));
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
    let exit_timeout = r.exit_timeout.as_ref().and_then(|t| cx.duration(file, t));
    let (session_types, session_types_one) =
        r.session_types.as_ref().map_or((Vec::new(), false), |t| {
            (
                t.value
                    .items(whole(t))
                    .iter()
                    .map(|x| Spanned::new(x.value, x.span(file)))
                    .collect(),
                t.value.is_one(),
            )
        });
    let (associated_bundle_identifiers, associated_bundle_identifiers_one) = r
        .associated_bundle_identifiers
        .as_ref()
        .map_or((Vec::new(), false), |t| {
            (
                t.value
                    .items(whole(t))
                    .iter()
                    .map(|x| spanned_str(file, x))
                    .collect(),
                t.value.is_one(),
            )
        });
    let mut sockets = Vec::new();
    for (name, group) in r.sockets.iter().flatten() {
        let items = group.value.items(whole(group));
        sockets.push(SocketGroup {
            name: spanned_str(file, name),
            sockets: items.iter().map(|s| socket(cx, file, s)).collect(),
            one: group.value.is_one(),
        });
    }
    let mach_services = r
        .mach_services
        .iter()
        .flatten()
        .map(|(name, v)| match &v.value {
            ScalarOrMap::Scalar(b) => MachService {
                name: spanned_str(file, name),
                enabled: Spanned::new(*b, v.span(file)),
                reset_at_close: None,
                hide_until_check_in: None,
                options: false,
            },
            ScalarOrMap::Map(o) => MachService {
                name: spanned_str(file, name),
                enabled: Spanned::new(true, v.span(file)),
                reset_at_close: o.reset_at_close.as_ref().map(|b| spanned_bool(file, b)),
                hide_until_check_in: o
                    .hide_until_check_in
                    .as_ref()
                    .map(|b| spanned_bool(file, b)),
                options: true,
            },
        })
        .collect();
    let flags = r
        .flags()
        .into_iter()
        .filter_map(|(field, key, v)| {
            v.map(|v| Flag {
                field,
                key,
                value: spanned_bool(file, v),
            })
        })
        .collect();
    Run {
        program: spanned_str(file, &r.program),
        argv0: r.argv0.as_ref().map(|s| spanned_str(file, s)),
        args: strings(file, r.args.as_ref()),
        env: r
            .env
            .iter()
            .flatten()
            .map(|(k, v)| (spanned_str(file, k), spanned_str(file, v)))
            .collect(),
        working_dir: r.working_dir.as_ref().map(|s| spanned_str(file, s)),
        root_directory: r.root_directory.as_ref().map(|s| spanned_str(file, s)),
        user: r.user.as_ref().map(|s| spanned_str(file, s)),
        group: r.group.as_ref().map(|s| spanned_str(file, s)),
        session_types,
        session_types_one,
        keep_alive: keep_alive(file, run),
        run_at_load: r.run_at_load.as_ref().map(|b| spanned_bool(file, b)),
        throttle_set: throttle.is_some(),
        throttle: throttle.unwrap_or_else(|| Spanned::new(DEFAULT_THROTTLE, run.span(file))),
        start_timeout,
        exit_timeout,
        schedule: r
            .schedule
            .as_ref()
            .and_then(|s| lower_schedule(cx, file, s)),
        sockets,
        inetd_wait: r
            .inetd_compatibility
            .as_ref()
            .map(|i| spanned_bool(file, &i.value.wait)),
        mach_services,
        watch_paths: strings(file, r.watch_paths.as_ref()),
        queue_directories: strings(file, r.queue_directories.as_ref()),
        launch_events: r
            .launch_events
            .iter()
            .flatten()
            .map(|(stream, events)| {
                (
                    spanned_str(file, stream),
                    events
                        .iter()
                        .map(|(k, v)| {
                            (
                                spanned_str(file, k),
                                Spanned::new(v.value.clone(), v.span(file)),
                            )
                        })
                        .collect(),
                )
            })
            .collect(),
        limit_load_to_hardware: hardware(file, r.limit_load_to_hardware.as_ref()),
        limit_load_from_hardware: hardware(file, r.limit_load_from_hardware.as_ref()),
        stdin: r.stdin.as_ref().map(|s| spanned_str(file, s)),
        stdout: r.stdout.as_ref().map(|s| spanned_str(file, s)),
        stderr: r.stderr.as_ref().map(|s| spanned_str(file, s)),
        umask,
        process_type: r
            .process_type
            .as_ref()
            .map(|t| Spanned::new(t.value, t.span(file))),
        posix_spawn_type: r
            .posix_spawn_type
            .as_ref()
            .map(|t| Spanned::new(t.value, t.span(file))),
        nice: r.nice.as_ref().map(|n| Spanned::new(n.value, n.span(file))),
        soft_limits: limits(file, r.soft_limits.as_ref()),
        hard_limits: limits(file, r.hard_limits.as_ref()),
        flags,
        associated_bundle_identifiers,
        associated_bundle_identifiers_one,
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
