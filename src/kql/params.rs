//! Rule parameters: the `let` bindings of a query, and substitution of new values into the query text by
//! span, so everything else in the query (comments, layout) stays as written.

use super::ast::{LetValue, Query, Span, Statement};
use super::diag::Diagnostic;

/// A top-level scalar-or-table `let` binding: its name and the span of its value.
#[derive(Clone, Debug, PartialEq)]
pub struct LetParam {
    pub name: String,
    pub value_span: Span,
}

/// The top-level `let name = value;` bindings of a query (functions and views excluded).
pub fn let_params(q: &Query) -> Vec<LetParam> {
    q.statements
        .iter()
        .filter_map(|s| match s {
            Statement::Let(l) => match &l.value {
                LetValue::Expr(e) => Some(LetParam {
                    name: l.name.name.clone(),
                    value_span: e.span,
                }),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Replaces each span of `source` with its text. Spans must not overlap.
pub fn substitute(source: &str, edits: &[(Span, String)]) -> String {
    let mut edits: Vec<&(Span, String)> = edits.iter().collect();
    edits.sort_by_key(|(s, _)| std::cmp::Reverse(s.start));
    let mut out = source.to_string();
    for (span, text) in edits {
        if span.end <= out.len()
            && out.is_char_boundary(span.start)
            && out.is_char_boundary(span.end)
        {
            out.replace_range(span.start..span.end, text);
        }
    }
    out
}

/// Sets `let name = ...` to the KQL expression `value`. Returns `Ok(None)` when the query has no such
/// binding; a value that is not a valid expression is an error located in the value.
pub fn set_let(source: &str, name: &str, value: &str) -> Result<Option<String>, Diagnostic> {
    let q = super::parse(source)?;
    let Some(p) = let_params(&q).into_iter().rev().find(|p| p.name == name) else {
        return Ok(None);
    };
    let probe = format!("print {value}");
    if let Err(mut d) = super::parse(&probe) {
        d.message = format!(
            "the value given for `{name}` is not a KQL expression: {}",
            d.message
        );
        d.span = None;
        return Err(d);
    }
    Ok(Some(substitute(
        source,
        &[(p.value_span, value.to_string())],
    )))
}
