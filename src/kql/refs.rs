//! Which tables a query reads: every name used as a tabular source that is not a `let` binding, a function
//! or a function parameter. For listings (`huntbench rules`) and for loading only the tables a rule needs.

use super::ast::{Expr, ExprKind, LetValue, OpKind, ParamType, Query, Statement};

/// The table names a query refers to, in order of first use, without duplicates.
pub fn tables_referenced(q: &Query) -> Vec<String> {
    let mut out = Vec::new();
    let mut bound: Vec<String> = Vec::new();
    statements(&q.statements, &mut bound, &mut out);
    out
}

fn statements(sts: &[Statement], bound: &mut Vec<String>, out: &mut Vec<String>) {
    let depth = bound.len();
    for st in sts {
        match st {
            Statement::Let(l) => {
                match &l.value {
                    LetValue::Expr(e) => tabular(e, bound, out),
                    LetValue::Function(f) | LetValue::View(f) => {
                        let mut inner = bound.clone();
                        inner.push(l.name.name.clone());
                        for p in &f.params {
                            if matches!(p.ty, ParamType::Tabular(_) | ParamType::Scalar(_)) {
                                inner.push(p.name.name.clone());
                            }
                        }
                        statements(&f.body, &mut inner, out);
                    }
                }
                bound.push(l.name.name.clone());
            }
            Statement::Expr(e) => tabular(e, bound, out),
            _ => {}
        }
    }
    bound.truncate(depth);
}

fn add(name: &str, bound: &[String], out: &mut Vec<String>) {
    if !bound.iter().any(|b| b == name) && !out.iter().any(|o| o == name) {
        out.push(name.to_string());
    }
}

/// Walks an expression in tabular position (and any subqueries inside scalar expressions).
fn tabular(e: &Expr, bound: &[String], out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Ident(id) => add(&id.name, bound, out),
        ExprKind::Paren(x) => tabular(x, bound, out),
        ExprKind::Pipe { input, op } => {
            tabular(input, bound, out);
            match &op.kind {
                OpKind::Join { right, .. } | OpKind::Lookup { right, .. } => {
                    tabular(right, bound, out)
                }
                OpKind::Union(spec) => spec.legs.iter().for_each(|l| tabular(l, bound, out)),
                OpKind::Where(p) => scalar(p, bound, out),
                OpKind::Extend(items) | OpKind::Project(items) => {
                    items.iter().for_each(|i| scalar(&i.expr, bound, out))
                }
                _ => {}
            }
        }
        ExprKind::Union(spec) => spec.legs.iter().for_each(|l| tabular(l, bound, out)),
        ExprKind::Call { name, args } => {
            if matches!(name.name.as_str(), "materialize" | "toscalar") {
                args.iter().for_each(|a| tabular(a, bound, out));
            }
        }
        _ => scalar(e, bound, out),
    }
}

/// Subqueries inside scalar expressions: `x in (T | project c)`, `toscalar(T | count)`.
fn scalar(e: &Expr, bound: &[String], out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Pipe { .. } => tabular(e, bound, out),
        ExprKind::ListOp { expr, items, .. } => {
            scalar(expr, bound, out);
            for it in items {
                if matches!(it.kind, ExprKind::Pipe { .. } | ExprKind::Paren(_)) {
                    scalar_or_tabular(it, bound, out);
                }
            }
        }
        ExprKind::Binary { left, right, .. } => {
            scalar(left, bound, out);
            scalar(right, bound, out);
        }
        ExprKind::Paren(x) | ExprKind::Unary { expr: x, .. } => scalar(x, bound, out),
        ExprKind::Call { name, args } => {
            if name.name == "toscalar" {
                args.iter().for_each(|a| tabular(a, bound, out));
            } else {
                args.iter().for_each(|a| scalar(a, bound, out));
            }
        }
        _ => {}
    }
}

fn scalar_or_tabular(e: &Expr, bound: &[String], out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Paren(x) => scalar_or_tabular(x, bound, out),
        ExprKind::Pipe { .. } => tabular(e, bound, out),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(q: &str) -> Vec<String> {
        tables_referenced(&crate::kql::parse(q).expect("parses"))
    }

    #[test]
    fn tables_not_lets() {
        assert_eq!(
            t("let a = 5d; DeviceInfo | where Timestamp > ago(a)"),
            vec!["DeviceInfo"]
        );
        assert_eq!(
            t("let T = DeviceProcessEvents | take 1; T | join (DeviceNetworkEvents) on DeviceId"),
            vec!["DeviceProcessEvents", "DeviceNetworkEvents"]
        );
        assert_eq!(
            t(
                "DeviceEvents | where SHA1 in ((DeviceFileEvents | project SHA1)) | union EmailEvents"
            ),
            vec!["DeviceEvents", "DeviceFileEvents", "EmailEvents"]
        );
        assert_eq!(
            t("let f = (T:(*)) { T | take 1 }; DeviceInfo | invoke f()"),
            vec!["DeviceInfo"]
        );
        assert!(t("print x = 1").is_empty());
    }
}
