//! Rendered diagnostics as the user sees them, with spans inside a YAML file.

mod common;

use common::Env;
use skillc_diagnostics::{Diagnostic, SourceMap, Span, render_human};
use skillc_expr::{Type, origin_for, parse, typecheck};

/// Puts `scalar` (as written in YAML) on a `probe:` line of a small file and renders what parsing
/// and type checking the expression report.
fn render(scalar: &str, value: &str, env: &Env) -> String {
    let yaml =
        format!("services:\n  web:\n    readiness:\n      probe: {scalar}\n      timeout: 2s\n");
    let mut map = SourceMap::new();
    let file = map.add("demo/family.yaml", yaml.clone());
    let start = yaml.find("probe: ").expect("probe") + "probe: ".len();
    let span = Span::new(file, start, start + scalar.len());
    let origin = origin_for(file, span, scalar, value);
    let diags: Vec<Diagnostic> = match parse(value, &origin) {
        Ok(e) => typecheck(&e, env, Type::Bool),
        Err(d) => vec![d],
    };
    render_human(&map, &diags, false, 100)
}

#[test]
fn syntax_error_in_a_single_quoted_probe() {
    insta::assert_snapshot!(render(
        r#"'tcp("127.0.0.1:7400") && && ready(service)'"#,
        r#"tcp("127.0.0.1:7400") && && ready(service)"#,
        &Env::probe()
    ));
}

#[test]
fn syntax_error_at_the_end_of_a_plain_probe() {
    insta::assert_snapshot!(render(
        "ready(service) &&",
        "ready(service) &&",
        &Env::probe()
    ));
}

#[test]
fn syntax_error_in_a_scalar_with_escapes_points_at_the_character() {
    insta::assert_snapshot!(render(
        r#""tcp(\"127.0.0.1:7400\" x""#,
        r#"tcp("127.0.0.1:7400" x"#,
        &Env::probe()
    ));
}

#[test]
fn type_errors_are_all_reported_with_both_sides_labelled() {
    insta::assert_snapshot!(render(
        r#"'http("http://127.0.0.1/health") == "200" && file_exist("/tmp/x") && tcp("a", 1)'"#,
        r#"http("http://127.0.0.1/health") == "200" && file_exist("/tmp/x") && tcp("a", 1)"#,
        &Env::probe()
    ));
}

#[test]
fn unknown_param_with_a_suggestion() {
    insta::assert_snapshot!(render(
        r#"'file_exists(param("lok"))'"#,
        r#"file_exists(param("lok"))"#,
        &Env::skill()
    ));
}
