//! "Exclude this value": a value of a column goes into an exclusion list parameter,
//! `let Excluded_DeviceName = dynamic(['dev-1']);`, used by `| where DeviceName !in (Excluded_DeviceName)`
//! inserted where the column is in scope: before the final `summarize` when the column is an input column
//! (checked by planning the query's prefix against the tables' schema), else at the end. A further exclusion
//! on the same column extends the list. Edits are byte-minimal: the rest of the query stays as written, and
//! the list is then a discovered string-list parameter like any other.

use crate::data::TableProvider;
use crate::engine::{self, RunOptions};
use crate::kql::ScalarType;
use crate::kql::ast::{Expr, ExprKind, OpKind, Operator, Statement};
use crate::kql::params::{self, Origin, ParamKind};

/// The name of the exclusion parameter of `column`: `Excluded_DeviceName`.
pub fn exclusion_param_name(column: &str) -> String {
    let clean: String = column
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("Excluded_{clean}")
}

/// A KQL string for a dynamic list item: `'v'`, or JSON-quoted when it holds quotes or backslashes.
fn quote(v: &str) -> String {
    if v.contains(['\'', '\\']) || v.chars().any(char::is_control) {
        crate::kql::literal::quote_string(v)
    } else {
        format!("'{v}'")
    }
}

/// A column name as KQL: bare when it is an identifier, else `['name']`.
fn column_ref(c: &str) -> String {
    let ident = c
        .chars()
        .next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.chars().all(|x| x.is_ascii_alphanumeric() || x == '_');
    if ident {
        c.to_string()
    } else {
        format!("[{}]", quote(c))
    }
}

/// The final statement's pipeline: its source expression and operators, in order.
pub(crate) fn final_pipeline(q: &crate::kql::Query) -> Option<(&Expr, Vec<&Operator>)> {
    let Statement::Expr(e) = q
        .statements
        .iter()
        .rev()
        .find(|s| matches!(s, Statement::Expr(_)))?
    else {
        return None;
    };
    let mut ops = Vec::new();
    let mut cur = e;
    while let ExprKind::Pipe { input, op } = &cur.kind {
        ops.push(op.as_ref());
        cur = input;
    }
    ops.reverse();
    Some((cur, ops))
}

/// The byte offset of the `|` before the operator starting at `op_start`.
pub(crate) fn pipe_before(src: &str, op_start: usize) -> Option<usize> {
    let head = src.get(..op_start)?;
    let trimmed = head.trim_end();
    trimmed.ends_with('|').then(|| trimmed.len() - 1)
}

/// `query` with `value` of `column` excluded. `tables` gives the schema used to decide where the column is
/// in scope; `opts` the `now()` (any will do: nothing runs).
pub fn exclude(
    query: &str,
    column: &str,
    value: &str,
    tables: &dyn TableProvider,
    opts: &RunOptions,
) -> Result<String, String> {
    let name = exclusion_param_name(column);
    let ps = params::discover(query).map_err(|d| d.message)?;
    if let Some(p) = ps
        .iter()
        .find(|p| p.name == name && p.origin == Origin::Let)
    {
        if p.kind != ParamKind::StringList {
            return Err(format!("`{name}` is not a string list: edit it by hand"));
        }
        let text = p.span().text(query);
        let item = quote(value);
        let Some(close) = text.rfind(']') else {
            return Err(format!("`{name}` is not a dynamic([...]) list"));
        };
        // already excluded: nothing to do
        let q = crate::kql::parse(&format!("print {text}")).map_err(|d| d.message)?;
        if let Some(Statement::Expr(Expr {
            kind: ExprKind::Print(items),
            ..
        })) = q.statements.first()
            && let Some(ExprKind::Literal(crate::kql::ast::Literal::Dynamic(
                serde_json::Value::Array(a),
            ))) = items.first().map(|i| &i.expr.kind)
            && a.iter().any(|x| x.as_str() == Some(value))
        {
            return Ok(query.to_string());
        }
        let empty = text[..close].trim_end().ends_with('[');
        let insert = if empty { item } else { format!(", {item}") };
        let at = p.span().start + text[..close].trim_end().len();
        let mut out = query.to_string();
        out.insert_str(at, &insert);
        return Ok(out);
    }

    // where the filter goes: before the last summarize when the column is in scope there, else at the end.
    // Spans come from the query with placeholders standing in place (same offsets as `query`); the probes
    // run with them substituted.
    let q = crate::kql::parse(&params::parsable_text(query)).map_err(|d| d.message)?;
    let (source, ops) =
        final_pipeline(&q).ok_or("the query has no tabular statement to add an exclusion to")?;
    let col = column_ref(column);
    let scope_type = |end: usize| -> Option<ScalarType> {
        let probe = format!("{} | project {col}", query.get(..end)?);
        let (probe, _) = params::set_values(&probe, &[]).ok()?;
        let frame = engine::plan(&probe, tables, opts).ok()?;
        frame.cols.first().map(|(_, t)| *t)
    };
    let in_scope = |end: usize| scope_type(end) == Some(ScalarType::String);
    let query_end = ops.last().map_or(source.span.end, |o| o.span.end);
    let end_type = scope_type(query_end);
    if let Some(t) = end_type
        && t != ScalarType::String
    {
        return Err(format!(
            "`{column}` is a {} column: exclusions are lists of strings (filter the view with != instead)",
            t.name()
        ));
    }
    let last_summarize = ops
        .iter()
        .rposition(|o| matches!(o.kind, OpKind::Summarize { .. }));
    let filter = format!("where {col} !in ({name})");
    let (at, text) = match last_summarize
        .and_then(|i| pipe_before(query, ops[i].span.start))
        .filter(|&pipe| in_scope(pipe))
    {
        Some(pipe) => {
            let line_start = query[..pipe].rfind('\n').map_or(0, |i| i + 1);
            let indent = &query[line_start..pipe];
            if indent.trim().is_empty() {
                (pipe, format!("| {filter}\n{indent}"))
            } else {
                (pipe, format!("| {filter} "))
            }
        }
        None if end_type == Some(ScalarType::String) => {
            // after the last operator, on a line of its own when the query is laid out on lines
            let multiline = query[source.span.start..query_end].contains('\n');
            let indent = ops
                .last()
                .and_then(|o| pipe_before(query, o.span.start))
                .map(|p| {
                    let ls = query[..p].rfind('\n').map_or(0, |i| i + 1);
                    query[ls..p].to_string()
                })
                .filter(|s| s.trim().is_empty())
                .unwrap_or_default();
            if multiline {
                (query_end, format!("\n{indent}| {filter}"))
            } else {
                (query_end, format!(" | {filter}"))
            }
        }
        None => {
            return Err(format!(
                "column `{column}` is not in scope in the query's final pipeline: it cannot be excluded"
            ));
        }
    };
    // the list goes on a line before the final statement
    let stmt_start = source.span.start;
    let line_start = query[..stmt_start].rfind('\n').map_or(0, |i| i + 1);
    let (let_at, let_text) = if query[line_start..stmt_start].trim().is_empty() {
        (
            line_start,
            format!("let {name} = dynamic([{}]);\n", quote(value)),
        )
    } else {
        (
            stmt_start,
            format!("let {name} = dynamic([{}]); ", quote(value)),
        )
    };
    let mut out = query.to_string();
    out.insert_str(at, &text);
    out.insert_str(let_at, &let_text);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::catalog::Catalog;

    const Q: &str = "let Time_start = now(-5d);\nlet Time_end = now();\n//\nDeviceFileCertificateInfo\n| where Timestamp between (Time_start..Time_end)\n| where Signer has 'Nanosystems S.R.L.'\n| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp), \n    Report=make_set(ReportId), Count=count() by DeviceId, DeviceName\n";

    #[test]
    fn first_and_further_exclusions() {
        let cat = Catalog::schema_only();
        let opts = RunOptions::default();
        let q1 = exclude(Q, "DeviceName", "dev-1", &cat, &opts).expect("excludes");
        assert_eq!(
            q1,
            "let Time_start = now(-5d);\nlet Time_end = now();\n//\nlet Excluded_DeviceName = dynamic(['dev-1']);\nDeviceFileCertificateInfo\n| where Timestamp between (Time_start..Time_end)\n| where Signer has 'Nanosystems S.R.L.'\n| where DeviceName !in (Excluded_DeviceName)\n| summarize FirstSeen=min(Timestamp), LastSeen=max(Timestamp), \n    Report=make_set(ReportId), Count=count() by DeviceId, DeviceName\n"
        );
        let q2 = exclude(&q1, "DeviceName", "dev'2", &cat, &opts).expect("extends");
        assert!(
            q2.contains("let Excluded_DeviceName = dynamic(['dev-1', \"dev'2\"]);\n"),
            "{q2}"
        );
        assert_eq!(
            exclude(&q2, "DeviceName", "dev-1", &cat, &opts).unwrap(),
            q2
        );
        let ps = params::discover(&q2).unwrap();
        let p = ps.iter().find(|p| p.name == "Excluded_DeviceName").unwrap();
        assert_eq!(p.kind, ParamKind::StringList);
        // a string column made by the summarize: filtered at the end
        let q = Q.replace("Count=count()", "Count=count(), S=tostring(count())");
        let q3 = exclude(&q, "S", "3", &cat, &opts).expect("excludes at the end");
        assert!(
            q3.ends_with("DeviceName\n| where S !in (Excluded_S)\n"),
            "{q3}"
        );
        // a number column is not a string list
        let e = exclude(Q, "Count", "3", &cat, &opts).expect_err("refused");
        assert!(e.contains("long"), "{e}");
        assert!(exclude(Q, "NoSuchColumn", "x", &cat, &opts).is_err());
        // placeholders stay as written; the filter lands before the summarize
        let ph = "let s = todatetime('{{StartTimeISO}}');\nDeviceInfo\n| where Timestamp > s\n| summarize count() by DeviceName\n";
        let out = exclude(ph, "DeviceName", "d1", &cat, &opts).expect("excludes");
        assert_eq!(
            out,
            "let s = todatetime('{{StartTimeISO}}');\nlet Excluded_DeviceName = dynamic(['d1']);\nDeviceInfo\n| where Timestamp > s\n| where DeviceName !in (Excluded_DeviceName)\n| summarize count() by DeviceName\n"
        );
    }
}
