//! Service facts for scripts: domains, parameter values, placeholder expansion.

use skillc_backend_support::{Literal, ParamValue};
use skillc_ir::Service;
use skillc_sh::Word;
use std::collections::BTreeMap;

pub(crate) use skillc_backend_support::{ceil_secs, domain};

/// A script's parameters by name: compile-time literals and run-time variables.
pub(crate) type Params = BTreeMap<String, ParamValue>;

/// A service field a placeholder may read; absent optional fields are empty.
pub(crate) fn service_field(s: &Service, field: &str) -> Option<String> {
    let opt = |o: &Option<skillc_ir::Spanned<String>>| {
        o.as_ref().map(|v| v.value.clone()).unwrap_or_default()
    };
    Some(match field {
        "id" => s.id.value.clone(),
        "label" => s.label.value.clone(),
        "bus" => opt(&s.bus),
        "program" => s.run.program.value.clone(),
        "stdout" => opt(&s.run.stdout),
        "stderr" => opt(&s.run.stderr),
        "working_dir" => opt(&s.run.working_dir),
        _ => return None,
    })
}

/// Expands `{service.FIELD}` (of `svc`) and `{param.NAME}` (through `param`) in `template`, as
/// one sh word. Unknown placeholders stay literal (lowering already reported them).
pub(crate) fn expand(template: &str, svc: &Service, param: &dyn Fn(&str) -> Option<Word>) -> Word {
    let mut out = Word::default();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let inner = &rest[open + 1..open + close];
        out.push_lit(&rest[..open]);
        let value = match inner.split_once('.') {
            Some(("service", f)) => service_field(svc, f).map(Word::lit),
            Some(("param", n)) => param(n),
            _ => None,
        };
        match value {
            Some(v) => out.push(v),
            None => out.push_lit(&rest[open..=open + close]),
        }
        rest = &rest[open + close + 1..];
    }
    out.push_lit(rest);
    out
}

/// A skill parameter's value as an sh word.
pub(crate) fn param_word(params: &Params, name: &str) -> Option<Word> {
    Some(match params.get(name)? {
        ParamValue::Lit(Literal::Str(s)) => Word::lit(s.clone()),
        ParamValue::Lit(Literal::Int(n)) => Word::lit(n.to_string()),
        ParamValue::Lit(Literal::Bool(b)) => Word::lit(b.to_string()),
        ParamValue::Lit(Literal::Duration(d)) => Word::lit(d.to_string()),
        ParamValue::Var { var, .. } => Word::var(var.clone()),
    })
}
