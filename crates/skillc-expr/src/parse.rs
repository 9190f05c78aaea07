//! Text → spanned AST: the pest grammar, lowering of pairs, and syntax/literal diagnostics.

// `parse` returns `Result<Expr, Diagnostic>` by the crate's contract; a parse fails once per
// expression, so the size of the error does not matter here.
#![allow(clippy::result_large_err)]

use crate::ast::{Call, CmpOp, Duration, Expr, ExprKind, LogicOp};
use crate::origin::Origin;
use crate::rules;
use pest::Parser as _;
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use skillc_diagnostics::{Diagnostic, Span, did_you_mean};

mod grammar {
    #![allow(unreachable_pub, missing_debug_implementations, clippy::pedantic)]
    #[derive(pest_derive::Parser)]
    #[grammar = "grammar.pest"]
    pub(crate) struct ExprParser;
}

use grammar::{ExprParser, Rule};

/// Deepest nesting of parentheses (including call parentheses) accepted.
pub(crate) const MAX_PAREN_DEPTH: usize = 64;
/// Deepest expression tree accepted (bounds recursion in every later pass).
pub(crate) const MAX_TREE_DEPTH: usize = 256;
/// Longest expression accepted, in bytes (checked before anything else looks at it).
pub(crate) const MAX_EXPR_BYTES: usize = 64 * 1024;
/// Most `&&` / `||` operators accepted in one expression (checked before pest builds a tree).
pub(crate) const MAX_LOGIC_OPS: usize = 200;

/// Parses one expression. Every node's span is a file span computed from `origin`.
pub fn parse(text: &str, origin: &Origin) -> Result<Expr, Diagnostic> {
    prescan(text, origin)?;
    let mut pairs =
        ExprParser::parse(Rule::main, text).map_err(|e| syntax_error(&e, text, origin))?;
    let main = pairs.next().ok_or_else(|| internal(origin))?;
    let lower = Lower { text, origin };
    let or_expr = main
        .into_inner()
        .find(|p| p.as_rule() == Rule::or_expr)
        .ok_or_else(|| internal(origin))?;
    Ok(lower.or_expr(or_expr)?.expr)
}

fn internal(origin: &Origin) -> Diagnostic {
    rules::EXPR_SYNTAX
        .finding("invalid expression")
        .at(origin.scalar, "")
}

/// A syntax diagnostic at the local byte range `[start, end)`.
fn syntax_at(
    origin: &Origin,
    text: &str,
    start: usize,
    end: usize,
    message: impl Into<String>,
    label: impl Into<String>,
) -> Diagnostic {
    let d = rules::EXPR_SYNTAX
        .finding(message)
        .at(origin.span(start, end), label);
    locate(d, origin, text, start)
}

/// When spans cannot point inside the scalar, says where in the expression the problem is.
fn locate(d: Diagnostic, origin: &Origin, text: &str, start: usize) -> Diagnostic {
    if origin.is_exact() {
        return d;
    }
    let column = text.get(..start).map_or(start, |s| s.chars().count()) + 1;
    d.with_note(format!("at character {column} of the expression `{text}`"))
}

/// Before pest runs: rejects parentheses nested deeper than [`MAX_PAREN_DEPTH`] (pest recurses
/// into them) and unterminated strings (pest would report them far away, at the end of the text).
fn prescan(text: &str, origin: &Origin) -> Result<(), Diagnostic> {
    if text.len() > MAX_EXPR_BYTES {
        return Err(syntax_at(
            origin,
            text,
            0,
            0,
            format!(
                "invalid expression: {} bytes long, more than the {MAX_EXPR_BYTES} an expression may have",
                text.len()
            ),
            "this expression",
        )
        .with_help("split the check into several readiness probes or skills"));
    }
    let mut depth = 0usize;
    let mut in_string = None;
    let mut escaped = false;
    let mut logic_ops = 0usize;
    let mut prev = '\0';
    for (i, ch) in text.char_indices() {
        if in_string.is_some() {
            match (escaped, ch) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = None,
                _ => {}
            }
            continue;
        }
        match ch {
            '"' => in_string = Some(i),
            '(' => {
                depth += 1;
                if depth > MAX_PAREN_DEPTH {
                    return Err(syntax_at(
                        origin,
                        text,
                        i,
                        i + 1,
                        format!(
                            "invalid expression: parentheses nested deeper than {MAX_PAREN_DEPTH} levels"
                        ),
                        "too deep",
                    ));
                }
            }
            ')' => depth = depth.saturating_sub(1),
            '&' | '|' if prev == ch => {
                logic_ops += 1;
                if logic_ops > MAX_LOGIC_OPS {
                    return Err(syntax_at(
                        origin,
                        text,
                        i - 1,
                        i + 1,
                        format!(
                            "invalid expression: more than {MAX_LOGIC_OPS} `&&` / `||` operators"
                        ),
                        "one too many",
                    )
                    .with_help("split the check into several readiness probes or skills"));
                }
                // `&&&` counts once per pair, not twice.
                prev = '\0';
                continue;
            }
            _ => {}
        }
        prev = ch;
    }
    if let Some(quote) = in_string {
        return Err(syntax_at(
            origin,
            text,
            quote,
            quote + 1,
            "invalid expression: unterminated string literal",
            "this string is never closed",
        )
        .with_help("end the string with `\"`; write a quote inside a string as `\\\"`"));
    }
    Ok(())
}

/// How a grammar rule is named in "expected ..." messages; rules sharing a name are merged.
fn describe(rule: Rule) -> (u8, &'static str) {
    match rule {
        Rule::lparen => (1, "`(`"),
        Rule::rparen => (2, "`)`"),
        Rule::comma => (3, "`,`"),
        Rule::cmp_op => (4, "a comparison operator"),
        Rule::and_op => (5, "`&&`"),
        Rule::or_op => (6, "`||`"),
        Rule::not_op => (7, "`!`"),
        Rule::EOI => (9, "end of expression"),
        Rule::string => (0, "a string literal"),
        Rule::number => (0, "a number"),
        Rule::ident => (0, "a name"),
        Rule::main
        | Rule::or_expr
        | Rule::and_expr
        | Rule::not_expr
        | Rule::cmp_expr
        | Rule::operand
        | Rule::paren
        | Rule::call
        | Rule::WHITESPACE => (0, "an expression"),
    }
}

/// `a`, `a or b`, `a, b, or c`.
fn one_of(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [a, b] => format!("{a} or {b}"),
        [init @ .., last] => format!("{}, or {last}", init.join(", ")),
    }
}

/// The token at local offset `pos`, for "found ..." (its byte length, and how to print it).
fn found_at(text: &str, pos: usize) -> (usize, String) {
    let Some(rest) = text.get(pos..).filter(|r| !r.is_empty()) else {
        return (0, "end of expression".to_owned());
    };
    let word: usize = rest
        .char_indices()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .map(|(_, c)| c.len_utf8())
        .sum();
    if let Some(c) = rest.chars().next().filter(|c| c.is_control()) {
        // A line break (an expression is one line; a `|` block keeps its breaks) or another
        // control character: named, never printed raw, and blamed where it starts (zero width,
        // so the span stays on its line).
        let name = match c {
            '\n' | '\r' => "a line break".to_owned(),
            c => format!("the control character U+{:04X}", u32::from(c)),
        };
        return (0, name);
    }
    let len = if word > 0 {
        word
    } else if ["&&", "||", "==", "!=", "<=", ">="]
        .iter()
        .any(|op| rest.starts_with(op))
    {
        2
    } else {
        rest.chars().next().map_or(1, char::len_utf8)
    };
    (len, format!("`{}`", &rest[..len]))
}

fn syntax_error(e: &pest::error::Error<Rule>, text: &str, origin: &Origin) -> Diagnostic {
    let pos = match e.location {
        InputLocation::Pos(p) | InputLocation::Span((p, _)) => p.min(text.len()),
    };
    let (len, found) = found_at(text, pos);
    let expected = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<(u8, &str)> = positives.iter().map(|r| describe(*r)).collect();
            names.sort_unstable();
            names.dedup();
            names.into_iter().map(|(_, n)| n).collect::<Vec<_>>()
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let (message, label) = if expected.is_empty() {
        (
            format!("invalid expression: unexpected {found}"),
            "unexpected here".to_owned(),
        )
    } else {
        let list = one_of(&expected);
        (
            format!("invalid expression: expected {list}, found {found}"),
            format!("expected {list}"),
        )
    };
    let mut d = syntax_at(origin, text, pos, pos + len, message, label);
    if text.get(pos..).is_some_and(|r| r.starts_with('\'')) {
        d = d.with_help("string literals use double quotes: \"text\"");
    } else if text.get(pos..).is_some_and(|r| r.starts_with('=')) {
        d = d.with_help("use `==` to compare");
    }
    d
}

/// A lowered node and the depth of its tree.
struct Node {
    expr: Expr,
    depth: usize,
}

fn join(a: Span, b: Span) -> Span {
    Span {
        file: a.file,
        start: a.start.min(b.start),
        end: a.end.max(b.end),
    }
}

struct Lower<'a> {
    text: &'a str,
    origin: &'a Origin,
}

impl Lower<'_> {
    fn span(&self, s: pest::Span<'_>) -> Span {
        self.origin.span(s.start(), s.end())
    }

    fn deeper(&self, depth: usize, at: pest::Span<'_>) -> Result<usize, Diagnostic> {
        if depth > MAX_TREE_DEPTH {
            return Err(syntax_at(
                self.origin,
                self.text,
                at.start(),
                at.end(),
                format!("invalid expression: nested more than {MAX_TREE_DEPTH} levels deep"),
                "too deep",
            ));
        }
        Ok(depth)
    }

    fn or_expr(&self, pair: Pair<'_, Rule>) -> Result<Node, Diagnostic> {
        self.chain(pair, Rule::and_expr)
    }

    /// `operand (op operand)*` for `||` (operands `and_expr`) and `&&` (operands `not_expr`),
    /// folded to the left.
    fn chain(&self, pair: Pair<'_, Rule>, operand_rule: Rule) -> Result<Node, Diagnostic> {
        let mut acc: Option<Node> = None;
        let mut op: Option<(LogicOp, Span)> = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::or_op => op = Some((LogicOp::Or, self.span(child.as_span()))),
                Rule::and_op => op = Some((LogicOp::And, self.span(child.as_span()))),
                r if r == operand_rule => {
                    let at = child.as_span();
                    let rhs = if operand_rule == Rule::and_expr {
                        self.chain(child, Rule::not_expr)?
                    } else {
                        self.not_expr(child)?
                    };
                    acc = Some(match (acc.take(), op.take()) {
                        (Some(lhs), Some((op, op_span))) => {
                            let depth = self.deeper(lhs.depth.max(rhs.depth) + 1, at)?;
                            Node {
                                expr: Expr {
                                    span: join(lhs.expr.span, rhs.expr.span),
                                    kind: ExprKind::Logic {
                                        op,
                                        op_span,
                                        lhs: Box::new(lhs.expr),
                                        rhs: Box::new(rhs.expr),
                                    },
                                },
                                depth,
                            }
                        }
                        _ => rhs,
                    });
                }
                _ => {}
            }
        }
        acc.ok_or_else(|| internal(self.origin))
    }

    fn not_expr(&self, pair: Pair<'_, Rule>) -> Result<Node, Diagnostic> {
        let mut nots = Vec::new();
        let mut inner = None;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::not_op => nots.push(child.as_span()),
                Rule::cmp_expr => inner = Some(self.cmp_expr(child)?),
                _ => {}
            }
        }
        let mut node = inner.ok_or_else(|| internal(self.origin))?;
        for not in nots.into_iter().rev() {
            let depth = self.deeper(node.depth + 1, not)?;
            node = Node {
                expr: Expr {
                    span: join(self.span(not), node.expr.span),
                    kind: ExprKind::Not(Box::new(node.expr)),
                },
                depth,
            };
        }
        Ok(node)
    }

    fn cmp_expr(&self, pair: Pair<'_, Rule>) -> Result<Node, Diagnostic> {
        let mut operands = Vec::new();
        let mut ops = Vec::new();
        for child in pair.into_inner() {
            if child.as_rule() == Rule::cmp_op {
                ops.push(child.as_span());
            } else {
                operands.push(self.operand(child)?);
            }
        }
        if let [first, second, ..] = ops[..] {
            let d = syntax_at(
                self.origin,
                self.text,
                second.start(),
                second.end(),
                "invalid expression: comparison operators cannot be chained",
                "second comparison",
            )
            .with_label(self.span(first), "first comparison")
            .with_help(
                "add parentheses to say which comparison comes first, e.g. `(a == b) == c`, or join two comparisons with `&&`",
            );
            return Err(d);
        }
        let mut operands = operands.into_iter();
        let lhs = operands.next().ok_or_else(|| internal(self.origin))?;
        let Some(op_span) = ops.first() else {
            return Ok(lhs);
        };
        let rhs = operands.next().ok_or_else(|| internal(self.origin))?;
        let op = CmpOp::from_token(op_span.as_str()).ok_or_else(|| internal(self.origin))?;
        let depth = self.deeper(lhs.depth.max(rhs.depth) + 1, *op_span)?;
        Ok(Node {
            expr: Expr {
                span: join(lhs.expr.span, rhs.expr.span),
                kind: ExprKind::Compare {
                    op,
                    op_span: self.span(*op_span),
                    lhs: Box::new(lhs.expr),
                    rhs: Box::new(rhs.expr),
                },
            },
            depth,
        })
    }

    fn leaf(&self, kind: ExprKind, at: pest::Span<'_>) -> Node {
        Node {
            expr: Expr {
                kind,
                span: self.span(at),
            },
            depth: 1,
        }
    }

    fn operand(&self, pair: Pair<'_, Rule>) -> Result<Node, Diagnostic> {
        let at = pair.as_span();
        match pair.as_rule() {
            Rule::paren => {
                let inner = pair
                    .into_inner()
                    .find(|p| p.as_rule() == Rule::or_expr)
                    .ok_or_else(|| internal(self.origin))?;
                let mut node = self.or_expr(inner)?;
                // The parentheses belong to the operand: labels then cover them too.
                node.expr.span = self.span(at);
                Ok(node)
            }
            Rule::string => Ok(self.leaf(ExprKind::Str(self.string(at)?), at)),
            Rule::number => Ok(self.leaf(self.number(at)?, at)),
            Rule::ident => {
                let kind = match at.as_str() {
                    "true" => ExprKind::Bool(true),
                    "false" => ExprKind::Bool(false),
                    "service" => ExprKind::Service,
                    other => return Err(self.unknown_identifier(other, at)),
                };
                Ok(self.leaf(kind, at))
            }
            Rule::call => self.call(pair),
            _ => Err(internal(self.origin)),
        }
    }

    fn unknown_identifier(&self, name: &str, at: pest::Span<'_>) -> Diagnostic {
        let d = rules::EXPR_UNKNOWN_IDENTIFIER
            .finding(format!("unknown name `{name}`"))
            .at(self.span(at), "not a known name");
        let d = locate(d, self.origin, self.text, at.start());
        let help = match did_you_mean(name, ["service", "true", "false"]) {
            Some(s) => format!("did you mean `{s}`?"),
            None => format!(
                "the only bare names are `service`, `true` and `false`; write text and service references in double quotes, e.g. `\"{name}\"`"
            ),
        };
        d.with_help(help)
    }

    fn call(&self, pair: Pair<'_, Rule>) -> Result<Node, Diagnostic> {
        let at = pair.as_span();
        let mut name = None;
        let mut args = Vec::new();
        let mut depth = 1;
        for child in pair.into_inner() {
            match child.as_rule() {
                Rule::ident => name = Some(child.as_span()),
                Rule::or_expr => {
                    let node = self.or_expr(child)?;
                    depth = depth.max(node.depth + 1);
                    args.push(node.expr);
                }
                _ => {}
            }
        }
        let name = name.ok_or_else(|| internal(self.origin))?;
        let depth = self.deeper(depth, at)?;
        Ok(Node {
            expr: Expr {
                kind: ExprKind::Call(Call {
                    name: name.as_str().to_owned(),
                    name_span: self.span(name),
                    args,
                }),
                span: self.span(at),
            },
            depth,
        })
    }

    fn invalid_literal(
        &self,
        start: usize,
        end: usize,
        message: String,
        label: &str,
        help: &str,
    ) -> Diagnostic {
        let d = rules::EXPR_INVALID_LITERAL
            .finding(message)
            .at(self.origin.span(start, end), label)
            .with_help(help);
        locate(d, self.origin, self.text, start)
    }

    /// The value of a string literal (quotes included in `at`).
    fn string(&self, at: pest::Span<'_>) -> Result<String, Diagnostic> {
        let raw = at.as_str();
        let inner = &raw[1..raw.len() - 1];
        let mut out = String::with_capacity(inner.len());
        let mut chars = inner.char_indices();
        while let Some((i, ch)) = chars.next() {
            if ch != '\\' {
                out.push(ch);
                continue;
            }
            match chars.next() {
                Some((_, c @ ('"' | '\\'))) => out.push(c),
                Some((_, c)) => {
                    let start = at.start() + 1 + i;
                    let end = start + 1 + c.len_utf8();
                    return Err(self.invalid_literal(
                        start,
                        end,
                        format!("invalid escape `\\{c}` in a string literal"),
                        "unknown escape",
                        "the only escapes are `\\\"` and `\\\\`; write other characters as they are",
                    ));
                }
                None => return Err(internal(self.origin)),
            }
        }
        Ok(out)
    }

    /// An integer (optionally negative) or a duration.
    fn number(&self, at: pest::Span<'_>) -> Result<ExprKind, Diagnostic> {
        let raw = at.as_str();
        let digits = raw.strip_prefix('-').unwrap_or(raw);
        if digits.bytes().all(|b| b.is_ascii_digit()) {
            return raw.parse::<i64>().map(ExprKind::Int).map_err(|_| {
                self.invalid_literal(
                    at.start(),
                    at.end(),
                    format!("integer `{raw}` is out of range"),
                    "does not fit in 64 bits",
                    "integers range from -9223372036854775808 to 9223372036854775807",
                )
            });
        }
        if raw.starts_with('-') {
            return Err(self.invalid_literal(
                at.start(),
                at.end(),
                format!("duration `{raw}` is negative"),
                "negative duration",
                "durations cannot be negative; compare the other way round instead",
            ));
        }
        parse_duration(raw)
            .map(|d| ExprKind::Duration(Duration::from_millis(d)))
            .map_err(|(from, to, message, label)| {
                self.invalid_literal(
                    at.start() + from,
                    at.start() + to,
                    message,
                    label,
                    "write durations as numbers with the units `h`, `m`, `s`, `ms`, largest first, each at most once: `1m30s`, `250ms`",
                )
            })
    }
}

/// A duration's milliseconds, or the local range, message and label of what is wrong with it.
type DurationError = (usize, usize, String, &'static str);

pub(crate) fn parse_duration(raw: &str) -> Result<u64, DurationError> {
    let bytes = raw.as_bytes();
    let mut i = 0;
    let mut total: u64 = 0;
    let mut last_rank: Option<usize> = None;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        let digits = &raw[start..i];
        let unit_start = i;
        while i < bytes.len() && !bytes[i].is_ascii_digit() {
            i += 1;
        }
        let unit = &raw[unit_start..i];
        if digits.is_empty() {
            return Err((
                start,
                i,
                format!("duration `{raw}` has the unit `{unit}` without a number"),
                "number missing",
            ));
        }
        let (rank, size) = match unit {
            "h" => (0, 3_600_000u64),
            "m" => (1, 60_000),
            "s" => (2, 1_000),
            "ms" => (3, 1),
            "" => {
                return Err((
                    start,
                    i,
                    format!("duration `{raw}` has no unit after `{digits}`"),
                    "unit missing",
                ));
            }
            _ => {
                return Err((
                    unit_start,
                    i,
                    format!("unknown duration unit `{unit}` in `{raw}`"),
                    "not one of ms, s, m, h",
                ));
            }
        };
        if last_rank.is_some_and(|r| r >= rank) {
            return Err((
                start,
                i,
                format!("duration `{raw}` repeats a unit or has units out of order"),
                "units must go h, m, s, ms, each at most once",
            ));
        }
        last_rank = Some(rank);
        let too_long = || {
            (
                0,
                raw.len(),
                format!("duration `{raw}` is too long"),
                "too long",
            )
        };
        let n: u64 = digits.parse().map_err(|_| too_long())?;
        total = n
            .checked_mul(size)
            .and_then(|ms| total.checked_add(ms))
            .ok_or_else(too_long)?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_descending_units() {
        assert_eq!(parse_duration("5s"), Ok(5_000));
        assert_eq!(parse_duration("250ms"), Ok(250));
        assert_eq!(parse_duration("1m30s"), Ok(90_000));
        assert_eq!(parse_duration("2h"), Ok(7_200_000));
        assert_eq!(parse_duration("1h2m3s4ms"), Ok(3_723_004));
        assert_eq!(parse_duration("0s"), Ok(0));
    }

    #[test]
    fn duration_errors_point_at_the_bad_component() {
        let err = |s| parse_duration(s).map_err(|(a, b, m, _)| (a, b, m));
        assert_eq!(
            err("30s1m"),
            Err((
                3,
                5,
                "duration `30s1m` repeats a unit or has units out of order".into()
            ))
        );
        assert_eq!(
            err("1s2s"),
            Err((
                2,
                4,
                "duration `1s2s` repeats a unit or has units out of order".into()
            ))
        );
        assert_eq!(
            err("5sec"),
            Err((1, 4, "unknown duration unit `sec` in `5sec`".into()))
        );
        assert_eq!(
            err("1m30"),
            Err((2, 4, "duration `1m30` has no unit after `30`".into()))
        );
        assert_eq!(
            err("99999999999999999999h"),
            Err((0, 21, "duration `99999999999999999999h` is too long".into()))
        );
        assert_eq!(
            err("9999999999999999h"),
            Err((0, 17, "duration `9999999999999999h` is too long".into()))
        );
    }

    #[test]
    fn expected_lists_read_as_english() {
        assert_eq!(one_of(&["a"]), "a");
        assert_eq!(one_of(&["a", "b"]), "a or b");
        assert_eq!(one_of(&["a", "b", "c"]), "a, b, or c");
    }
}
