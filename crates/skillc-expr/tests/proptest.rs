//! Properties: `parse` never panics, and the canonical printing parses back to the same tree.

mod common;

use common::{Env, origin};
use proptest::prelude::*;
use skillc_diagnostics::Span;
use skillc_expr::{Call, CmpOp, Duration, Expr, ExprKind, LogicOp, Type, parse, typecheck};

fn node(kind: ExprKind) -> Expr {
    Expr {
        kind,
        span: Span::default(),
    }
}

fn leaf() -> impl Strategy<Value = Expr> {
    prop_oneof![
        any::<bool>().prop_map(ExprKind::Bool),
        any::<i64>().prop_map(ExprKind::Int),
        any::<String>().prop_map(ExprKind::Str),
        any::<u64>().prop_map(|ms| ExprKind::Duration(Duration::from_millis(ms))),
        Just(ExprKind::Service),
    ]
    .prop_map(node)
}

fn cmp_op() -> impl Strategy<Value = CmpOp> {
    prop_oneof![
        Just(CmpOp::Eq),
        Just(CmpOp::Ne),
        Just(CmpOp::Lt),
        Just(CmpOp::Le),
        Just(CmpOp::Gt),
        Just(CmpOp::Ge),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    leaf().prop_recursive(6, 48, 4, |inner| {
        prop_oneof![
            inner.clone().prop_map(|e| node(ExprKind::Not(Box::new(e)))),
            (
                prop_oneof![Just(LogicOp::And), Just(LogicOp::Or)],
                inner.clone(),
                inner.clone()
            )
                .prop_map(|(op, l, r)| node(ExprKind::Logic {
                    op,
                    op_span: Span::default(),
                    lhs: Box::new(l),
                    rhs: Box::new(r),
                })),
            (cmp_op(), inner.clone(), inner.clone()).prop_map(|(op, l, r)| node(
                ExprKind::Compare {
                    op,
                    op_span: Span::default(),
                    lhs: Box::new(l),
                    rhs: Box::new(r),
                }
            )),
            ("[a-z_][a-z0-9_]{0,10}", prop::collection::vec(inner, 0..4)).prop_map(
                |(name, args)| node(ExprKind::Call(Call {
                    name,
                    name_span: Span::default(),
                    args,
                }))
            ),
        ]
    })
}

const TOKENS: &[&str] = &[
    "(",
    ")",
    ",",
    "&&",
    "||",
    "!",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "=",
    "&",
    "|",
    "\"",
    "\\",
    "\"a\"",
    "\"\\\"\"",
    "\"\\n\"",
    "'",
    "5",
    "-3",
    "5s",
    "1m30s",
    "30s1m",
    "9999999999999999999999",
    "-",
    "true",
    "false",
    "service",
    "ready",
    "tcp",
    "param",
    "exec",
    "x",
    " ",
    "\t",
    "é",
    "\n",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parse_never_panics_on_any_text(text in any::<String>()) {
        check_if_parses(&text)?;
    }

    #[test]
    fn parse_never_panics_on_token_soup(
        tokens in prop::collection::vec(prop::sample::select(TOKENS), 0..40)
    ) {
        check_if_parses(&tokens.concat())?;
    }

    #[test]
    fn canonical_text_parses_back_to_the_same_tree(e in expr()) {
        let text = e.to_string();
        let back = parse(&text, &origin(&text));
        prop_assert!(back.is_ok(), "{text:?}: {back:?}");
        let back = back.expect("checked");
        prop_assert!(back.same_structure(&e), "{text:?} parsed as {back:?}");
        prop_assert_eq!(back.to_string(), text);
    }
}

/// When the text parses: its canonical form parses to the same tree, type checking does not
/// panic, and every span lies within the text.
fn check_if_parses(text: &str) -> Result<(), TestCaseError> {
    let o = origin(text);
    match parse(text, &o) {
        Ok(e) => {
            let canonical = e.to_string();
            let back = parse(&canonical, &origin(&canonical));
            prop_assert!(
                back.as_ref().is_ok_and(|b| b.same_structure(&e)),
                "{text:?} -> {canonical:?} -> {back:?}"
            );
            let _ = typecheck(&e, &Env::skill(), Type::Bool);
            let end = o.scalar.end;
            e.visit(&mut |n| assert!(n.span.start >= o.scalar.start && n.span.end <= end));
        }
        Err(d) => {
            let s = d.span.expect("syntax errors have a span");
            prop_assert!(s.start >= o.scalar.start && s.end <= o.scalar.end, "{d:?}");
            prop_assert!(text.is_char_boundary((s.start - o.scalar.start) as usize));
            prop_assert!(text.is_char_boundary((s.end - o.scalar.start) as usize));
        }
    }
    Ok(())
}
