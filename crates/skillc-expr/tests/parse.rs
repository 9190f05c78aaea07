//! Parsing: tree shape, canonical printing, literals and the exact spans of syntax errors.

mod common;

use common::{BASE, FILE, err, local, ok};
use skillc_diagnostics::Span;
use skillc_expr::{CmpOp, Duration, ExprKind, LogicOp, Origin, origin_for, parse};

#[test]
fn documented_examples_parse_and_print_canonically() {
    for text in [
        r#"tcp("127.0.0.1:7400") && http("http://127.0.0.1:7400/health") == 200"#,
        r#"!ready(service) && file_exists(param("lock")) && !pid_alive(param("lock"))"#,
        r#"last_exit(service) == 78 || runs("foundation-core/bus") > 3"#,
        r#"free_space("/var") < 10"#,
        "true",
    ] {
        assert_eq!(ok(text).to_string(), text);
    }
    assert_eq!(ok("(true)").to_string(), "true");
    assert_eq!(
        ok(r#"  ready ( service )&&tcp( "a:1" ,"b" )"#).to_string(),
        r#"ready(service) && tcp("a:1", "b")"#
    );
}

#[test]
fn not_binds_tighter_than_and_which_binds_tighter_than_or() {
    // `!a && b || c` is `((!a) && b) || c`.
    let e = ok("!true && false || ready(service)");
    let ExprKind::Logic {
        op: LogicOp::Or,
        lhs,
        rhs,
        ..
    } = &e.kind
    else {
        panic!("root must be ||: {e:?}")
    };
    assert!(matches!(rhs.kind, ExprKind::Call(_)));
    let ExprKind::Logic {
        op: LogicOp::And,
        lhs: and_lhs,
        rhs: and_rhs,
        ..
    } = &lhs.kind
    else {
        panic!("left of || must be &&")
    };
    assert!(matches!(and_lhs.kind, ExprKind::Not(_)));
    assert!(matches!(and_rhs.kind, ExprKind::Bool(false)));
    // And the parentheses the structure needs come back when printing.
    assert_eq!(
        ok("!(true && false) || true").to_string(),
        "!(true && false) || true"
    );
    assert_eq!(
        ok("(!true && false) || true").to_string(),
        "!true && false || true"
    );
    assert_eq!(
        ok("true && (false || true)").to_string(),
        "true && (false || true)"
    );
    assert_eq!(
        ok("(true || false) && true").to_string(),
        "(true || false) && true"
    );
    assert_eq!(
        ok("true || (false || true)").to_string(),
        "true || (false || true)"
    );
    assert_eq!(
        ok("(true || false) || true").to_string(),
        "true || false || true"
    );
}

#[test]
fn not_is_looser_than_comparison() {
    let e = ok("!runs(service) == 3");
    let ExprKind::Not(inner) = &e.kind else {
        panic!("root must be !")
    };
    assert!(matches!(
        inner.kind,
        ExprKind::Compare { op: CmpOp::Eq, .. }
    ));
    assert_eq!(e.to_string(), "!(runs(service) == 3)");
    assert_eq!(ok("!!true").to_string(), "!!true");
    assert_eq!(
        ok("(true == false) != true").to_string(),
        "(true == false) != true"
    );
}

#[test]
fn every_node_has_a_file_span() {
    //         0         1         2         3
    //         0123456789012345678901234567890123456
    let text = r#"!ready("bus") && runs(service) >= 3"#;
    let e = ok(text);
    assert_eq!(e.span, Span::new(FILE, 100, 100 + text.len()));
    let ExprKind::Logic {
        op_span, lhs, rhs, ..
    } = &e.kind
    else {
        panic!()
    };
    assert_eq!(local(Some(*op_span)), (14, 16));
    assert_eq!(local(Some(lhs.span)), (0, 13));
    let ExprKind::Not(call) = &lhs.kind else {
        panic!()
    };
    let ExprKind::Call(c) = &call.kind else {
        panic!()
    };
    assert_eq!(local(Some(call.span)), (1, 13));
    assert_eq!(local(Some(c.name_span)), (1, 6));
    assert_eq!(local(Some(c.args[0].span)), (7, 12));
    let ExprKind::Compare {
        op_span,
        lhs,
        rhs: three,
        ..
    } = &rhs.kind
    else {
        panic!()
    };
    assert_eq!(local(Some(*op_span)), (31, 33));
    assert_eq!(local(Some(lhs.span)), (17, 30));
    assert_eq!(local(Some(three.span)), (34, 35));
}

#[test]
fn parenthesised_operands_span_their_parentheses() {
    let e = ok("( true ) == false");
    let ExprKind::Compare { lhs, .. } = &e.kind else {
        panic!()
    };
    assert_eq!(local(Some(lhs.span)), (0, 8));
}

#[test]
fn without_a_content_start_every_span_is_the_scalar() {
    let scalar = Span::new(FILE, 40, 70);
    let origin = Origin {
        file: FILE,
        content_start: None,
        offsets: None,
        scalar,
    };
    let e = parse(r#"ready("a") && true"#, &origin).expect("parses");
    e.visit(&mut |n| assert_eq!(n.span, scalar));
    let d = parse("ready(  &&", &origin).expect_err("syntax error");
    assert_eq!(d.span, Some(scalar));
    assert_eq!(
        d.notes,
        vec!["at character 9 of the expression `ready(  &&`"]
    );
}

#[test]
fn origin_for_a_quoted_scalar_shifts_by_the_quote() {
    // The file text: `    probe: 'tcp("a" x'` with the scalar at byte 11.
    let file = "    probe: 'tcp(\"a\" x'\n";
    let scalar = Span::new(FILE, 11, 22);
    let origin = origin_for(FILE, scalar, &file[11..22], "tcp(\"a\" x");
    assert_eq!(origin.content_start, Some(12));
    let d = parse("tcp(\"a\" x", &origin).expect_err("syntax error");
    let span = d.span.expect("span");
    assert_eq!(&file[span.start as usize..span.end as usize], "x");
}

#[test]
fn syntax_errors_point_at_the_exact_column() {
    let d = err("ready(service) && && true");
    assert_eq!(d.code, "expr-syntax");
    assert_eq!(
        d.message,
        "invalid expression: expected an expression, found `&&`"
    );
    assert_eq!(local(d.span), (18, 20));
    assert_eq!(d.span.map(|s| s.start), Some(BASE + 18));

    let d = err("tcp(");
    assert_eq!(
        d.message,
        "invalid expression: expected an expression or `)`, found end of expression"
    );
    assert_eq!(local(d.span), (4, 4));

    let d = err(r#"tcp("a" 5"#);
    assert_eq!(
        d.message,
        "invalid expression: expected `)`, `,`, a comparison operator, `&&`, or `||`, found `5`"
    );
    assert_eq!(local(d.span), (8, 9));

    let d = err("true )");
    assert_eq!(local(d.span), (5, 6));
    assert!(d.message.ends_with("found `)`"), "{}", d.message);

    let d = err("");
    assert_eq!(
        d.message,
        "invalid expression: expected an expression, found end of expression"
    );
    assert_eq!(local(d.span), (0, 0));
}

#[test]
fn syntax_error_hints_for_common_slips() {
    let d = err("runs(service) = 3");
    assert_eq!(local(d.span), (14, 15));
    assert_eq!(d.help.as_deref(), Some("use `==` to compare"));
    let d = err("ready('bus')");
    assert_eq!(local(d.span), (6, 7));
    assert_eq!(
        d.help.as_deref(),
        Some("string literals use double quotes: \"text\"")
    );
}

#[test]
fn comparisons_do_not_chain() {
    let d = err("runs(service) == 1 == true");
    assert_eq!(d.code, "expr-syntax");
    assert_eq!(
        d.message,
        "invalid expression: comparison operators cannot be chained"
    );
    assert_eq!(local(d.span), (19, 21));
    assert_eq!(d.labels.len(), 1);
    assert_eq!(local(Some(d.labels[0].span)), (14, 16));
    assert!(err("1 < 2 < 3").message.contains("cannot be chained"));
    // With parentheses it is fine.
    assert!(matches!(
        ok("(1 < 2) == true").kind,
        ExprKind::Compare { .. }
    ));
}

#[test]
fn unterminated_strings_are_reported_at_the_opening_quote() {
    let d = err(r#"tcp("127.0.0.1:80) && true"#);
    assert_eq!(d.code, "expr-syntax");
    assert_eq!(d.message, "invalid expression: unterminated string literal");
    assert_eq!(local(d.span), (4, 5));
    // A trailing backslash escapes the would-be closing quote.
    assert_eq!(
        err(r#"tcp("a\")"#).message,
        "invalid expression: unterminated string literal"
    );
}

#[test]
fn string_escapes() {
    let e = ok(r#"log_contains("/l", "say \"hi\" \\ bye")"#);
    let ExprKind::Call(c) = &e.kind else { panic!() };
    assert_eq!(
        c.args[1].kind,
        ExprKind::Str(r#"say "hi" \ bye"#.to_owned())
    );
    assert_eq!(e.to_string(), r#"log_contains("/l", "say \"hi\" \\ bye")"#);
    // Non-ASCII text is kept as it is.
    assert_eq!(ok(r#"bus("ünï")"#).to_string(), r#"bus("ünï")"#);

    let d = err(r#"file_exists("C:\temp")"#);
    assert_eq!(d.code, "expr-invalid-literal");
    assert_eq!(d.message, "invalid escape `\\t` in a string literal");
    assert_eq!(local(d.span), (15, 17));
    let d = err(r#"bus("a\é")"#);
    assert_eq!(
        local(d.span),
        (6, 9),
        "the span covers the whole two-byte character"
    );
}

#[test]
fn integers() {
    assert_eq!(ok("9223372036854775807").kind, ExprKind::Int(i64::MAX));
    assert_eq!(ok("-9223372036854775808").kind, ExprKind::Int(i64::MIN));
    assert_eq!(ok("007").kind, ExprKind::Int(7));
    assert_eq!(
        ok("last_exit(service) == -1").to_string(),
        "last_exit(service) == -1"
    );
    let d = err("runs(service) > 9223372036854775808");
    assert_eq!(d.code, "expr-invalid-literal");
    assert_eq!(d.message, "integer `9223372036854775808` is out of range");
    assert_eq!(local(d.span), (16, 35));
    // A minus sign must touch the digits; there is no subtraction.
    assert_eq!(err("- 1").code, "expr-syntax");
    assert_eq!(local(err("runs(service) - 1").span), (14, 15));
}

#[test]
fn durations() {
    let ms = |t: &str| match ok(t).kind {
        ExprKind::Duration(d) => d.millis,
        k => panic!("{t}: {k:?}"),
    };
    assert_eq!(ms("5s"), 5_000);
    assert_eq!(ms("250ms"), 250);
    assert_eq!(ms("1m30s"), 90_000);
    assert_eq!(ms("2h"), 7_200_000);
    assert_eq!(ok("90s").to_string(), "1m30s");
    assert_eq!(ok("0ms").to_string(), "0s");
    assert_eq!(Duration::from_millis(3_723_004).to_string(), "1h2m3s4ms");

    let d = err("5s < 30s1m");
    assert_eq!(d.code, "expr-invalid-literal");
    assert_eq!(
        d.message,
        "duration `30s1m` repeats a unit or has units out of order"
    );
    assert_eq!(local(d.span), (8, 10));
    let d = err("5sec > 1s");
    assert_eq!(d.message, "unknown duration unit `sec` in `5sec`");
    assert_eq!(local(d.span), (1, 4));
    assert_eq!(
        err("1m30 > 1s").message,
        "duration `1m30` has no unit after `30`"
    );
    assert_eq!(err("-5s < 1s").message, "duration `-5s` is negative");
    assert_eq!(
        err("99999999999999999h > 1s").message,
        "duration `99999999999999999h` is too long"
    );
}

#[test]
fn bare_names_other_than_service_true_false_are_unknown() {
    let d = err("ready(web)");
    assert_eq!(d.code, "expr-unknown-identifier");
    assert_eq!(d.message, "unknown name `web`");
    assert_eq!(local(d.span), (6, 9));
    assert_eq!(
        d.help.as_deref(),
        Some(
            "the only bare names are `service`, `true` and `false`; write text and service references in double quotes, e.g. `\"web\"`"
        )
    );
    assert_eq!(
        err("ready(servce)").help.as_deref(),
        Some("did you mean `service`?")
    );
    assert_eq!(err("tru").help.as_deref(), Some("did you mean `true`?"));
}

#[test]
fn nesting_is_bounded_without_crashing() {
    let deep = format!("{}true{}", "(".repeat(65), ")".repeat(65));
    let d = err(&deep);
    assert_eq!(d.code, "expr-syntax");
    assert_eq!(local(d.span), (64, 65));
    let ok_depth = format!("{}true{}", "(".repeat(64), ")".repeat(64));
    assert_eq!(ok(&ok_depth).to_string(), "true");
    // Parentheses inside strings do not count.
    let in_string = format!("bus(\"{}\")", "(".repeat(100));
    assert!(matches!(ok(&in_string).kind, ExprKind::Call(_)));
    // Long chains are bounded before pest builds a tree, and said to be long, not deep; runs of
    // `!` are bounded by the tree depth.
    let chain = vec!["true"; 300].join(" && ");
    let d = err(&chain);
    assert_eq!(
        d.message,
        "invalid expression: more than 200 `&&` / `||` operators"
    );
    // The span is the 201st operator.
    let at = u32::try_from(chain.match_indices("&&").nth(200).expect("201st").0).expect("u32");
    assert_eq!(local(d.span), (at, at + 2));
    let limit = vec!["true"; 201].join(" && ");
    assert!(matches!(ok(&limit).kind, ExprKind::Logic { .. }));
    // `||` inside strings does not count.
    let in_string = format!("bus(\"{}\")", "||".repeat(300));
    assert!(matches!(ok(&in_string).kind, ExprKind::Call(_)));
    // A huge expression is refused by its length alone.
    let huge = vec!["true"; 3_000_000].join(" || ");
    let d = err(&huge);
    assert!(
        d.message.contains("bytes long, more than the 65536"),
        "{}",
        d.message
    );
    let bangs = format!("{}true", "!".repeat(300));
    assert_eq!(err(&bangs).code, "expr-syntax");
    let fine = vec!["true"; 200].join(" || ");
    assert!(matches!(ok(&fine).kind, ExprKind::Logic { .. }));
}

#[test]
fn visit_goes_parents_first_left_to_right() {
    let e = ok(r#"ready("a") || !tcp("b")"#);
    let mut seen = Vec::new();
    e.visit(&mut |n| seen.push(n.to_string()));
    assert_eq!(
        seen,
        [
            r#"ready("a") || !tcp("b")"#,
            r#"ready("a")"#,
            r#""a""#,
            r#"!tcp("b")"#,
            r#"tcp("b")"#,
            r#""b""#
        ]
    );
}

#[test]
fn rebasing_a_cached_parse_equals_parsing_in_place() {
    use skillc_diagnostics::{FileId, Span};
    use skillc_expr::{Origin, parse};
    let text = r#"!ready(service) && (http("http://x") == 200 || file_exists("/a"))"#;
    let cached = parse(text, &Origin::exact(FileId(0), 0, text.len())).expect("parses");
    let here = Origin::exact(FileId(7), 120, text.len());
    assert_eq!(cached.rebased(&here), parse(text, &here).expect("parses"));
    let inexact = Origin {
        file: FileId(7),
        content_start: None,
        offsets: None,
        scalar: Span::new(FileId(7), 100, 190),
    };
    assert_eq!(
        cached.rebased(&inexact),
        parse(text, &inexact).expect("parses")
    );
}
