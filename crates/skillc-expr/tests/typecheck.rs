//! Type checking: every error collected, with spans, labels and suggestions.

mod common;

use common::{Env, check, local, ok};
use skillc_diagnostics::Diagnostic;
use skillc_expr::{Type, calls, service_refs, typecheck};

fn codes(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.code).collect()
}

#[test]
fn well_typed_conditions_have_no_findings() {
    let env = Env::skill();
    for text in [
        r#"tcp("127.0.0.1:7400") && http("http://127.0.0.1:7400/health") == 200"#,
        r#"!ready(service) && file_exists(param("lock")) && !pid_alive(param("lock"))"#,
        r#"last_exit(service) == 78 || runs("foundation-core/bus") > 3"#,
        r#"free_space("/var") < 10 && port_free(param("port"))"#,
        r#"exec("/bin/true") && exec("/bin/test", "-f", param("lock"))"#,
        r#"ready(param("peer")) && running("bus:org.x") && !disabled("bus")"#,
        r#"param("grace") >= 1m30s && "a" != "b" && (true == false) == false"#,
        r#"log_contains("/var/log/x", "ready") || dir_exists("/tmp") || bus("org.x") || loaded(service)"#,
        "(true)",
    ] {
        assert_eq!(check(text, &env), vec![], "{text}");
    }
}

#[test]
fn equality_needs_the_same_type_on_both_sides() {
    //          0         1         2
    //          0123456789012345678901234
    let text = r#"http("http://x") == "200""#;
    let diags = check(text, &Env::probe());
    assert_eq!(codes(&diags), ["expr-type-mismatch"]);
    let d = &diags[0];
    assert_eq!(d.message, "`==` compares int with string");
    assert_eq!(local(d.span), (0, 16));
    assert_eq!(d.label.as_deref(), Some("this is int"));
    assert_eq!(d.labels.len(), 1);
    assert_eq!(local(Some(d.labels[0].span)), (20, 25));
    assert_eq!(d.labels[0].message, "this is string");
    assert_eq!(
        d.help.as_deref(),
        Some("write the number without quotes: `200`")
    );
}

#[test]
fn ordering_needs_ints_or_durations() {
    let d = &check(r#""a" < "b""#, &Env::probe())[0];
    assert_eq!(d.message, "`<` orders ints or durations, not strings");
    let d = &check("5s > 3", &Env::probe())[0];
    assert_eq!(d.message, "`>` compares duration with int");
    assert_eq!(check("5s > 3s && 4 <= 5", &Env::probe()), vec![]);
}

#[test]
fn services_cannot_be_compared() {
    let d = &check("service == service", &Env::probe())[0];
    assert_eq!(d.message, "`==` cannot compare services");
    let d = &check(r#"service == "bus""#, &Env::probe())[0];
    assert_eq!(d.message, "`==` compares service with string");
}

#[test]
fn logic_operands_must_be_bool_and_every_error_is_reported() {
    //          0         1         2         3         4
    //          01234567890123456789012345678901234567890123456
    let text = r#"runs(service) && !http("x") || free_space("/")"#;
    let diags = check(text, &Env::probe());
    assert_eq!(diags.len(), 3, "{diags:#?}");
    assert_eq!(diags[0].message, "`&&` needs a bool operand, found int");
    assert_eq!(local(diags[0].span), (0, 13));
    assert_eq!(diags[1].message, "`!` needs a bool operand, found int");
    assert_eq!(local(diags[1].span), (18, 27));
    assert_eq!(diags[2].message, "`||` needs a bool operand, found int");
    assert_eq!(local(diags[2].span), (31, 46));
}

#[test]
fn the_whole_expression_must_have_the_expected_type() {
    let diags = check(r#"http("http://x/health")"#, &Env::probe());
    assert_eq!(codes(&diags), ["expr-type-mismatch"]);
    assert_eq!(diags[0].message, "expected a bool expression, found int");
    assert_eq!(local(diags[0].span), (0, 23));
    assert!(
        diags[0]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("== 200"))
    );
    // The caller chooses the expected type.
    assert_eq!(
        typecheck(&ok("runs(service)"), &Env::probe(), Type::Int),
        vec![]
    );
    assert_eq!(
        typecheck(&ok(r#""bus""#), &Env::probe(), Type::Service),
        vec![]
    );
}

#[test]
fn unknown_functions_suggest_the_closest_name() {
    let diags = check(r#"file_exist("/x") && tpc("a:1")"#, &Env::probe());
    assert_eq!(
        codes(&diags),
        ["expr-unknown-function", "expr-unknown-function"]
    );
    assert_eq!(diags[0].message, "unknown function `file_exist`");
    assert_eq!(local(diags[0].span), (0, 10));
    assert_eq!(
        diags[0].help.as_deref(),
        Some("did you mean `file_exists`?")
    );
    assert_eq!(diags[1].help.as_deref(), Some("did you mean `tcp`?"));
    let d = &check("frobnicate()", &Env::probe())[0];
    assert_eq!(d.help, None);
    assert!(d.notes[0].starts_with("the functions are `tcp`, `http`"));
}

#[test]
fn errors_inside_arguments_of_unknown_functions_are_still_reported() {
    let diags = check("nope(ready(1))", &Env::probe());
    assert_eq!(
        codes(&diags),
        ["expr-unknown-function", "expr-type-mismatch"]
    );
}

#[test]
fn arity() {
    //          0         1         2
    //          0123456789012345678901234567
    let text = r#"tcp("127.0.0.1", 80, "x")"#;
    let diags = check(text, &Env::probe());
    assert_eq!(codes(&diags), ["expr-arity"]);
    assert_eq!(diags[0].message, "`tcp` takes 1 argument but 3 were given");
    assert_eq!(local(diags[0].span), (17, 24));
    assert_eq!(diags[0].label.as_deref(), Some("2 unexpected arguments"));
    assert_eq!(
        diags[0].help.as_deref(),
        Some("the signature is `tcp(addr: string) -> bool`")
    );

    let d = &check("log_contains(\"/l\")", &Env::probe())[0];
    assert_eq!(
        d.message,
        "`log_contains` takes 2 arguments but 1 was given"
    );
    assert_eq!(d.label.as_deref(), Some("missing `text`"));
    assert_eq!(local(d.span), (0, 18));

    let d = &check("exec()", &Env::probe())[0];
    assert_eq!(
        d.message,
        "`exec` takes at least 1 argument but 0 were given"
    );
    assert_eq!(d.label.as_deref(), Some("missing `argv0`"));
    assert_eq!(
        check(r#"exec("/bin/a", "b", "c", "d")"#, &Env::probe()),
        vec![]
    );
}

#[test]
fn variadic_arguments_are_type_checked_too() {
    let diags = check(r#"exec("/bin/sleep", 5)"#, &Env::probe());
    assert_eq!(codes(&diags), ["expr-type-mismatch"]);
    assert_eq!(diags[0].message, "`exec` expects a string, found int");
    assert_eq!(local(diags[0].span), (19, 20));
}

#[test]
fn argument_types() {
    let d = &check("port_free(\"8080\")", &Env::probe())[0];
    assert_eq!(d.message, "`port_free` expects an int, found string");
    assert_eq!(d.notes, ["the signature is `port_free(port: int) -> bool`"]);
    let d = &check("ready(true)", &Env::probe())[0];
    assert_eq!(d.message, "`ready` expects a service, found bool");
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("\"foundation-core/bus\""))
    );
    // A service-typed parameter is a service; a string-typed one is not.
    assert_eq!(check(r#"ready(param("peer"))"#, &Env::skill()), vec![]);
    let d = &check(r#"ready(param("lock"))"#, &Env::skill())[0];
    assert_eq!(d.message, "`ready` expects a service, found string");
}

#[test]
fn params() {
    let env = Env::skill();
    //          0         1         2
    //          012345678901234567890123456
    let text = r#"file_exists(param("lok"))"#;
    let diags = check(text, &env);
    assert_eq!(codes(&diags), ["expr-unknown-param"]);
    assert_eq!(diags[0].message, "unknown parameter `lok`");
    assert_eq!(local(diags[0].span), (18, 23));
    assert_eq!(diags[0].help.as_deref(), Some("did you mean `lock`?"));

    let d = &check(r#"file_exists(param("zzzzzzzz"))"#, &env)[0];
    assert_eq!(
        d.help.as_deref(),
        Some("declare it under `params:`, or use one of `grace`, `lock`, `peer`, `port`")
    );

    let d = &check(r#"file_exists(param("lock"))"#, &Env::probe())[0];
    assert_eq!(d.code, "expr-unknown-param");
    assert_eq!(d.message, "`param` is not available here");
    assert_eq!(local(d.span), (12, 25));

    let d = &check("file_exists(param(service))", &env)[0];
    assert_eq!(d.code, "expr-type-mismatch");
    assert_eq!(
        d.message,
        "`param` needs a string literal naming a parameter"
    );

    // A parameter's declared type flows on: an int parameter is not a path.
    let d = &check(r#"file_exists(param("port"))"#, &env)[0];
    assert_eq!(d.message, "`file_exists` expects a string, found int");
}

#[test]
fn service_is_reported_where_no_service_is_in_scope() {
    let env = Env {
        service: false,
        ..Env::probe()
    };
    let diags = check(r#"ready(service) && ready("bus")"#, &env);
    assert_eq!(codes(&diags), ["expr-unknown-identifier"]);
    assert_eq!(diags[0].message, "`service` is not available here");
    assert_eq!(local(diags[0].span), (6, 13));
}

#[test]
fn service_refs_are_string_literals_in_service_positions() {
    let e = ok(
        r#"ready("bus") && runs("foundation-core/bus") > 1 && tcp("bus") && last_exit(service) == 0 && running("bus:org.x")"#,
    );
    let refs: Vec<_> = service_refs(&e)
        .into_iter()
        .map(|(s, span)| (s, local(Some(span))))
        .collect();
    assert_eq!(
        refs,
        [
            ("bus".to_owned(), (6, 11)),
            ("foundation-core/bus".to_owned(), (21, 42)),
            ("bus:org.x".to_owned(), (100, 111)),
        ]
    );
}

#[test]
fn calls_lists_every_call_outermost_first() {
    let e = ok(r#"!ready(service) && file_exists(param("lock"))"#);
    let found: Vec<_> = calls(&e)
        .into_iter()
        .map(|(name, args, span)| (name, args.len(), local(Some(span))))
        .collect();
    assert_eq!(
        found,
        [
            ("ready", 1, (1, 15)),
            ("file_exists", 1, (19, 45)),
            ("param", 1, (31, 44)),
        ]
    );
    // e.g. "does verify call ready(service)?"
    let verify = ok("ready(service)");
    assert!(calls(&verify).iter().any(
        |(n, args, _)| *n == "ready" && matches!(args[0].kind, skillc_expr::ExprKind::Service)
    ));
}
