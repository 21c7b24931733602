//! Drill-down: the raw events behind one row of a rule whose query ends in `summarize ... by DeviceId, ...`.
//!
//! The query text is cut with the AST spans: everything up to the input of the final `summarize` is kept, the
//! `summarize` is replaced by `| where <key> == "<value>"`, so `let` statements, comments and layout stay as
//! written.

use crate::kql::ast::{ExprKind, OpKind, Statement};

/// How to get the events behind a summarized row.
#[derive(Clone, Debug, PartialEq)]
pub struct DrillPlan {
    /// The query up to (not including) the final `| summarize`.
    pub base: String,
    /// The `by` column to filter on (`DeviceId`, else `DeviceName`).
    pub key: String,
}

impl DrillPlan {
    /// The drill-down query for a row whose `key` column holds `value`.
    pub fn query(&self, value: &str) -> String {
        format!(
            "{}\n| where {} == {}",
            self.base.trim_end(),
            self.key,
            kql_string(value)
        )
    }
}

pub use crate::kql::literal::quote_string as kql_string;

/// The drill plan of `source`, when its last statement ends in `summarize ... by` a `DeviceId` (or
/// `DeviceName`) column. `None` for anything else, including queries that do not parse.
pub fn plan(source: &str) -> Option<DrillPlan> {
    let q = crate::kql::parse(source).ok()?;
    let last = q.statements.iter().rev().find_map(|s| match s {
        Statement::Expr(e) => Some(e),
        _ => None,
    })?;
    let ExprKind::Pipe { input, op } = &last.kind else {
        return None;
    };
    let OpKind::Summarize { by, .. } = &op.kind else {
        return None;
    };
    let names: Vec<&str> = by
        .iter()
        .filter_map(|b| match (&b.names[..], &b.expr.kind) {
            ([], ExprKind::Ident(id)) => Some(id.name.as_str()),
            ([n], ExprKind::Ident(id)) if n.name == id.name => Some(id.name.as_str()),
            _ => None,
        })
        .collect();
    let key = ["DeviceId", "DeviceName"]
        .into_iter()
        .find(|k| names.contains(k))?;
    let base = source.get(..input.span.end)?.to_string();
    Some(DrillPlan {
        base,
        key: key.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_the_final_summarize() {
        let q = "let a = now(-5d);\n// c\nT\n| where X has 'y'\n| summarize n = count() by DeviceId, DeviceName\n";
        let p = plan(q).expect("a plan");
        assert_eq!(p.key, "DeviceId");
        assert_eq!(
            p.query("d\"1"),
            "let a = now(-5d);\n// c\nT\n| where X has 'y'\n| where DeviceId == \"d\\\"1\""
        );
    }

    #[test]
    fn no_plan_without_a_device_key() {
        assert!(plan("T | summarize count() by AccountName").is_none());
        assert!(plan("T | where x == 1").is_none());
        assert!(plan("T | summarize by DeviceId | take 5").is_none());
        assert!(plan("T | summarize by X = DeviceId").is_none());
        assert!(plan("T | (").is_none());
    }

    #[test]
    fn device_name_is_the_fallback_key() {
        let p = plan("T | summarize count() by DeviceName").expect("a plan");
        assert_eq!(p.key, "DeviceName");
        assert_eq!(p.query("pc\n1"), "T\n| where DeviceName == \"pc\\u000a1\"");
    }
}
