//! `summarize`: group keys, aggregates and Kusto's output naming.

use polars::prelude::*;

use crate::data::types::polars_dtype;
use crate::kql::ast::{self, ExprKind};
use crate::kql::{Diagnostic, ScalarType, Span};

use super::convert::column_values;
use super::expr::{AGGREGATES, Ctx, Typed};
use super::plan::{
    Frame, Planner, Scope, default_column_name, polars_err, semantic, unique_name, unsupported,
};
use super::value::Value;

/// How an imploded group list becomes a dynamic value.
#[derive(Clone, Copy)]
enum Collect {
    Set {
        limit: usize,
    },
    List {
        limit: usize,
        keep_nulls: bool,
    },
    Bag,
    /// binary_all_and / _or / _xor: a long
    BitAnd,
    BitOr,
    BitXor,
}

/// One output column of an aggregate call.
struct AggOut {
    /// The name Kusto gives it when not named.
    default_name: String,
    expr: Expr,
    ty: ScalarType,
    collect: Option<(Collect, ScalarType)>,
}

const MAX_SET: usize = 1_048_576;

fn is_agg_call(e: &ast::Expr) -> bool {
    matches!(&e.kind, ExprKind::Call { name, .. } if AGGREGATES.contains(&name.name.as_str()))
}

/// Replaces every aggregate call inside `e` with a reference to a temporary column, collecting the calls.
fn lift_aggs(
    e: &ast::Expr,
    found: &mut Vec<(String, ast::Expr)>,
    counter: &mut usize,
) -> ast::Expr {
    if is_agg_call(e) {
        *counter += 1;
        let name = format!("__hb_agg_{counter}");
        found.push((name.clone(), e.clone()));
        return ast::Expr {
            kind: ExprKind::Ident(ast::Ident { name, span: e.span }),
            span: e.span,
        };
    }
    let mut out = e.clone();
    match &mut out.kind {
        ExprKind::Binary { left, right, .. } => {
            **left = lift_aggs(left, found, counter);
            **right = lift_aggs(right, found, counter);
        }
        ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => {
            **expr = lift_aggs(expr, found, counter)
        }
        ExprKind::Call { args, .. } => {
            for a in args.iter_mut() {
                *a = lift_aggs(a, found, counter);
            }
        }
        ExprKind::Between {
            expr, low, high, ..
        } => {
            **expr = lift_aggs(expr, found, counter);
            **low = lift_aggs(low, found, counter);
            **high = lift_aggs(high, found, counter);
        }
        ExprKind::ListOp { expr, items, .. } => {
            **expr = lift_aggs(expr, found, counter);
            for a in items.iter_mut() {
                *a = lift_aggs(a, found, counter);
            }
        }
        ExprKind::Member { expr, .. } => **expr = lift_aggs(expr, found, counter),
        ExprKind::Index { expr, index } => {
            **expr = lift_aggs(expr, found, counter);
            **index = lift_aggs(index, found, counter);
        }
        _ => {}
    }
    out
}

fn dynamic_collect(kind: Collect, vals: Vec<Value>, elem: ScalarType) -> String {
    let mut out: Vec<serde_json::Value> = Vec::new();
    match kind {
        Collect::BitAnd | Collect::BitOr | Collect::BitXor => return String::new(),
        Collect::Bag => {
            let mut m = serde_json::Map::new();
            for v in vals {
                if let Value::Dynamic(serde_json::Value::Object(o)) = v {
                    for (k, x) in o {
                        m.entry(k).or_insert(x);
                    }
                }
            }
            return serde_json::Value::Object(m).to_string();
        }
        Collect::Set { limit } => {
            let mut seen = std::collections::HashSet::new();
            let mut push = |x: serde_json::Value, out: &mut Vec<serde_json::Value>| {
                if out.len() < limit && seen.insert(x.to_string()) {
                    out.push(x);
                }
            };
            for v in vals {
                match v {
                    Value::Null => {}
                    Value::Dynamic(serde_json::Value::Array(a)) => {
                        for x in a {
                            push(x, &mut out);
                        }
                    }
                    other => push(other.to_dynamic(), &mut out),
                }
            }
        }
        Collect::List { limit, keep_nulls } => {
            for v in vals {
                if out.len() >= limit {
                    break;
                }
                match v {
                    Value::Null if elem != ScalarType::Dynamic && !keep_nulls => {}
                    Value::Dynamic(serde_json::Value::Array(a)) => {
                        for x in a {
                            if out.len() < limit {
                                out.push(x);
                            }
                        }
                    }
                    other => out.push(other.to_dynamic()),
                }
            }
        }
    }
    serde_json::Value::Array(out).to_string()
}

/// binary_all_and/or/xor over a group's longs; nulls are skipped, an empty group gives null.
fn bit_fold(kind: Collect, vals: &[Value]) -> Option<i64> {
    let mut it = vals.iter().filter_map(Value::as_i64);
    let first = it.next()?;
    Some(it.fold(first, |a, b| match kind {
        Collect::BitAnd => a & b,
        Collect::BitOr => a | b,
        _ => a ^ b,
    }))
}

fn collect_expr(e: Expr, kind: Collect, elem: ScalarType) -> Expr {
    if matches!(kind, Collect::BitAnd | Collect::BitOr | Collect::BitXor) {
        return e.map(
            move |c: Column| {
                let ca = c.list()?;
                let mut out: Vec<Option<i64>> = Vec::with_capacity(ca.len());
                for i in 0..ca.len() {
                    let vals = match ca.get_as_series(i) {
                        Some(s) => column_values(&s.into_column(), elem)?,
                        None => Vec::new(),
                    };
                    out.push(bit_fold(kind, &vals));
                }
                Ok(
                    Int64Chunked::from_iter_options(c.name().clone(), out.into_iter())
                        .into_series()
                        .into_column(),
                )
            },
            |_schema, f| Ok(Field::new(f.name().clone(), DataType::Int64)),
        );
    }
    e.map(
        move |c: Column| {
            let ca = c.list()?;
            let mut out: Vec<Option<String>> = Vec::with_capacity(ca.len());
            for i in 0..ca.len() {
                let vals = match ca.get_as_series(i) {
                    Some(s) => column_values(&s.into_column(), elem)?,
                    None => Vec::new(),
                };
                out.push(Some(dynamic_collect(kind, vals, elem)));
            }
            Ok(StringChunked::from_iter_options(c.name().clone(), out.into_iter()).into_column())
        },
        |_schema, f| Ok(Field::new(f.name().clone(), DataType::String)),
    )
}

/// The name an outer call gives a lifted aggregate under Kusto's naming rules (`tostring(make_set(X))` ->
/// `set_X`), when the call takes its first argument's name.
fn passed_through_name(e: &ast::Expr, lifted: &[(String, String)]) -> Option<String> {
    let ExprKind::Call { name, args } = &e.kind else {
        return None;
    };
    let ExprKind::Ident(id) = &args.first()?.kind else {
        return None;
    };
    let agg_name = lifted
        .iter()
        .find(|(tmp, _)| *tmp == id.name)
        .map(|(_, n)| n.as_str())?;
    let def = super::functions::lookup(&name.name)?;
    def.naming.column_name(def.name, &[Some(agg_name)])
}

fn first_name(args: &[Typed]) -> String {
    args.first()
        .and_then(|a| a.name.clone())
        .unwrap_or_default()
}

fn pct_name(p: f64) -> String {
    let s = format!("{p}");
    s.replace('.', "_")
}

impl Planner<'_> {
    fn agg_call(
        &mut self,
        e: &ast::Expr,
        f: &Frame,
        keys: &[String],
        scope: &Scope,
    ) -> Result<Vec<AggOut>, Diagnostic> {
        let ExprKind::Call { name, args } = &e.kind else {
            return Err(semantic("expected an aggregate function call", e.span));
        };
        let n = name.name.as_str();
        let ctx = Ctx::rows(&f.cols, scope);
        let star = args.iter().any(|a| matches!(a.kind, ExprKind::Star));
        let mut targs = Vec::new();
        for a in args {
            if matches!(a.kind, ExprKind::Star) {
                continue;
            }
            targs.push(self.compile(a, &ctx)?);
        }
        let arg = |i: usize| -> Result<Typed, Diagnostic> {
            targs
                .get(i)
                .cloned()
                .ok_or_else(|| semantic(format!("{n}() needs more arguments"), e.span))
        };
        let pred = |i: usize| -> Result<Expr, Diagnostic> {
            let p = arg(i)?;
            if p.ty != ScalarType::Bool {
                return Err(semantic(
                    format!("{n}(): the predicate must be boolean, not {}", p.ty),
                    e.span,
                ));
            }
            Ok(p.expr.fill_null(lit(false)))
        };
        let konst_usize = |i: usize, default: usize| -> usize {
            targs
                .get(i)
                .and_then(|t| t.konst.as_ref())
                .and_then(Value::as_i64)
                .map_or(default, |v| v.max(0) as usize)
        };
        let one = |name: String, expr: Expr, ty: ScalarType| {
            vec![AggOut {
                default_name: name,
                expr,
                ty,
                collect: None,
            }]
        };
        let fname = first_name(&targs);
        let sum_ty = |t: ScalarType| match t {
            ScalarType::Int | ScalarType::Long | ScalarType::Bool => ScalarType::Long,
            ScalarType::TimeSpan => ScalarType::TimeSpan,
            _ => ScalarType::Real,
        };
        Ok(match n {
            "count" => one(
                if targs.is_empty() {
                    "count_".into()
                } else {
                    format!("count_{fname}")
                },
                len().cast(DataType::Int64),
                ScalarType::Long,
            ),
            "countif" => one(
                "countif_".into(),
                pred(0)?.cast(DataType::Int64).sum(),
                ScalarType::Long,
            ),
            "dcount" | "count_distinct" => {
                let x = arg(0)?;
                let prefix = if n == "dcount" {
                    "dcount"
                } else {
                    "count_distinct"
                };
                one(
                    format!("{prefix}_{fname}"),
                    x.expr.drop_nulls().n_unique().cast(DataType::Int64),
                    ScalarType::Long,
                )
            }
            "dcountif" => {
                let x = arg(0)?;
                let p = pred(1)?;
                one(
                    format!("dcountif_{fname}"),
                    x.expr
                        .filter(p)
                        .drop_nulls()
                        .n_unique()
                        .cast(DataType::Int64),
                    ScalarType::Long,
                )
            }
            "sum" | "sumif" => {
                let x = arg(0)?;
                let ty = sum_ty(x.ty);
                let mut ex = x.expr.cast(polars_dtype(ty));
                if n == "sumif" {
                    ex = ex.filter(pred(1)?);
                }
                one(format!("{n}_{fname}"), ex.sum(), ty)
            }
            "avg" | "avgif" => {
                let x = arg(0)?;
                let mut ex = x.expr.cast(DataType::Float64);
                if n == "avgif" {
                    ex = ex.filter(pred(1)?);
                }
                one(
                    format!("{n}_{fname}"),
                    ex.mean().fill_null(lit(f64::NAN)),
                    ScalarType::Real,
                )
            }
            "min" | "max" | "minif" | "maxif" => {
                let x = arg(0)?;
                let mut ex = x.expr;
                if n.ends_with("if") {
                    ex = ex.filter(pred(1)?);
                }
                if x.ty == ScalarType::String {
                    // strings are never null; the empty string is the missing value and does not count
                    ex = ex.clone().filter(ex.neq(lit("")));
                    let r = if n.starts_with("min") {
                        ex.min()
                    } else {
                        ex.max()
                    };
                    return Ok(one(format!("{n}_{fname}"), r.fill_null(lit("")), x.ty));
                }
                let r = if n.starts_with("min") {
                    ex.min()
                } else {
                    ex.max()
                };
                one(format!("{n}_{fname}"), r, x.ty)
            }
            "stdev" | "stdevif" | "stdevp" | "stdevpif" | "variance" | "varianceif"
            | "variancep" | "variancepif" => {
                let x = arg(0)?;
                let mut ex = x.expr.cast(DataType::Float64);
                if n.ends_with("if") {
                    ex = ex.filter(pred(1)?);
                }
                let ddof = if n.trim_end_matches("if").ends_with('p') {
                    0
                } else {
                    1
                };
                let r = if n.starts_with("stdev") {
                    ex.std(ddof)
                } else {
                    ex.var(ddof)
                };
                one(
                    format!("{n}_{fname}"),
                    r.fill_null(lit(0.0)),
                    ScalarType::Real,
                )
            }
            "make_set"
            | "makeset"
            | "make_set_if"
            | "make_list"
            | "makelist"
            | "make_list_if"
            | "make_list_with_nulls"
            | "make_bag"
            | "make_bag_if" => {
                let x = arg(0)?;
                let is_if = n.ends_with("_if");
                let legacy = matches!(n, "makeset" | "makelist");
                let limit_idx = if is_if { 2 } else { 1 };
                let limit = konst_usize(limit_idx, if legacy { 128 } else { MAX_SET }).min(MAX_SET);
                let kind = if n.contains("set") {
                    Collect::Set { limit }
                } else if n.contains("bag") {
                    Collect::Bag
                } else {
                    Collect::List {
                        limit,
                        keep_nulls: n == "make_list_with_nulls",
                    }
                };
                let mut ex = x.expr;
                if is_if {
                    ex = ex.filter(pred(1)?);
                }
                let prefix = if n.contains("set") {
                    "set"
                } else if n.contains("bag") {
                    "bag"
                } else {
                    "list"
                };
                vec![AggOut {
                    default_name: format!("{prefix}_{fname}"),
                    expr: ex.implode(true),
                    ty: ScalarType::Dynamic,
                    collect: Some((kind, x.ty)),
                }]
            }
            "arg_max" | "arg_min" | "argmax" | "argmin" => {
                let key = arg(0)?;
                let is_max = n.contains("max");
                let opts = SortMultipleOptions::default()
                    .with_order_descending(is_max)
                    .with_nulls_last(true)
                    .with_maintain_order(true);
                let pick = |e: Expr| e.sort_by([key.expr.clone()], opts.clone()).first();
                let kname = key
                    .name
                    .clone()
                    .unwrap_or_else(|| if is_max { "max_".into() } else { "min_".into() });
                let mut outs = vec![AggOut {
                    default_name: kname.clone(),
                    expr: pick(key.expr.clone()),
                    ty: key.ty,
                    collect: None,
                }];
                for (i, t) in targs.iter().enumerate().skip(1) {
                    let nm = t.name.clone().unwrap_or_else(|| {
                        format!(
                            "{}_{}_arg{}",
                            if is_max { "max" } else { "min" },
                            kname,
                            i - 1
                        )
                    });
                    outs.push(AggOut {
                        default_name: nm,
                        expr: pick(t.expr.clone()),
                        ty: t.ty,
                        collect: None,
                    });
                }
                if star {
                    for (c, t) in &f.cols {
                        if keys.contains(c) || Some(c) == key.name.as_ref() {
                            continue;
                        }
                        outs.push(AggOut {
                            default_name: c.clone(),
                            expr: pick(col(c.as_str())),
                            ty: *t,
                            collect: None,
                        });
                    }
                }
                outs
            }
            "any" | "take_any" | "anyif" | "take_anyif" => {
                let is_if = n.ends_with("if");
                let mut outs = Vec::new();
                let cols: Vec<Typed> = if star {
                    f.cols
                        .iter()
                        .filter(|(c, _)| !keys.contains(c))
                        .map(|(c, t)| Typed {
                            expr: col(c.as_str()),
                            ty: *t,
                            konst: None,
                            name: Some(c.clone()),
                            is_type: false,
                        })
                        .collect()
                } else if is_if {
                    vec![arg(0)?]
                } else {
                    targs.clone()
                };
                let p = if is_if { Some(pred(1)?) } else { None };
                let single = cols.len() == 1;
                for (i, t) in cols.into_iter().enumerate() {
                    let nm = match &t.name {
                        Some(c) if n == "any" => format!("any_{c}"),
                        Some(c) => c.clone(),
                        None => format!("any_arg{i}"),
                    };
                    let mut ex = t.expr.clone();
                    if let Some(p) = &p {
                        ex = ex.filter(p.clone());
                    }
                    let r = if single && t.ty == ScalarType::String {
                        ex.clone()
                            .filter(ex.neq(lit("")))
                            .first()
                            .fill_null(lit(""))
                    } else if single {
                        ex.drop_nulls().first()
                    } else {
                        ex.first()
                    };
                    outs.push(AggOut {
                        default_name: nm,
                        expr: r,
                        ty: t.ty,
                        collect: None,
                    });
                }
                outs
            }
            "percentile" | "percentiles" => {
                let x = arg(0)?;
                let mut outs = Vec::new();
                for t in targs.iter().skip(1) {
                    let Some(p) = t.konst.as_ref().and_then(Value::as_f64) else {
                        return Err(semantic(
                            format!("{n}(): the percentile must be a constant number"),
                            e.span,
                        ));
                    };
                    let ty = if x.ty.is_numeric()
                        || matches!(x.ty, ScalarType::DateTime | ScalarType::TimeSpan)
                    {
                        x.ty
                    } else {
                        ScalarType::Real
                    };
                    let q = x
                        .expr
                        .clone()
                        .quantile(lit(p / 100.0), QuantileMethod::Nearest)
                        .cast(polars_dtype(ty));
                    outs.push(AggOut {
                        default_name: format!("percentile_{fname}_{}", pct_name(p)),
                        expr: q,
                        ty,
                        collect: None,
                    });
                }
                if outs.is_empty() {
                    return Err(semantic(format!("{n}() needs a percentile"), e.span));
                }
                outs
            }
            "binary_all_and" | "binary_all_or" | "binary_all_xor" => {
                let x = arg(0)?;
                if !matches!(x.ty, ScalarType::Long | ScalarType::Int) {
                    return Err(semantic(
                        format!("{n}() needs a long, not {}", x.ty),
                        e.span,
                    ));
                }
                let kind = match n {
                    "binary_all_and" => Collect::BitAnd,
                    "binary_all_or" => Collect::BitOr,
                    _ => Collect::BitXor,
                };
                vec![AggOut {
                    default_name: format!("{n}_{fname}"),
                    expr: x.expr.implode(true),
                    ty: ScalarType::Long,
                    collect: Some((kind, x.ty)),
                }]
            }
            "covariance" | "covariancep" | "covarianceif" | "covariancepif" => {
                let (x, y) = (arg(0)?, arg(1)?);
                if !x.ty.is_numeric() || !y.ty.is_numeric() {
                    return Err(semantic(format!("{n}() needs numbers"), e.span));
                }
                let mut xf = x.expr.cast(DataType::Float64);
                let mut yf = y.expr.cast(DataType::Float64);
                if n.ends_with("if") {
                    let p = pred(2)?;
                    xf = xf.filter(p.clone());
                    yf = yf.filter(p);
                }
                let ddof = if n.trim_end_matches("if").ends_with('p') {
                    0.0
                } else {
                    1.0
                };
                let cov = ((xf.clone() - xf.clone().mean()) * (yf.clone() - yf.mean())).sum()
                    / (xf.count().cast(DataType::Float64) - lit(ddof));
                let yname = targs
                    .get(1)
                    .and_then(|t| t.name.clone())
                    .unwrap_or_default();
                one(format!("{n}_{fname}_{yname}"), cov, ScalarType::Real)
            }
            other => {
                return Err(unsupported(
                    format!("the aggregate {other}() is not supported"),
                    name.span,
                ));
            }
        })
    }

    pub(crate) fn summarize(
        &mut self,
        f: Frame,
        aggs: &[ast::NamedExpr],
        by: &[ast::NamedExpr],
        scope: &Scope,
    ) -> Result<Frame, Diagnostic> {
        let ctx = Ctx::rows(&f.cols, scope);
        // group keys under temporary names, so that `by bin(Timestamp, 1h)` does not change what the
        // aggregates see of Timestamp
        let mut pre = Vec::new();
        let mut keys: Vec<(String, String, ScalarType)> = Vec::new(); // (tmp, name, type)
        for (i, b) in by.iter().enumerate() {
            let t = self.compile(&b.expr, &ctx)?;
            let taken: Vec<String> = keys.iter().map(|k| k.1.clone()).collect();
            let name = match (b.names.first(), &t.name) {
                (Some(n), _) => n.name.clone(),
                (None, Some(n)) => n.clone(),
                (None, None) => default_column_name(&taken),
            };
            if taken.contains(&name) {
                return Err(semantic(format!("`{name}` is a group key twice"), b.span));
            }
            let tmp = format!("__hb_by_{i}");
            pre.push(t.expr.alias(tmp.as_str()));
            keys.push((tmp, name, t.ty));
        }
        let key_names: Vec<String> = keys.iter().map(|k| k.1.clone()).collect();
        let mut taken = key_names.clone();
        let mut agg_exprs = Vec::new();
        let mut posts = Vec::new();
        // Per summarize item, its output columns in order: (tmp column, final name, type). Items written as
        // an expression over aggregates (`100.0 * countif(p) / count()`) are computed after the grouping from
        // lifted temporary aggregates.
        let mut items: Vec<Vec<(String, String, ScalarType)>> = Vec::new();
        let mut lifted: Vec<(String, ScalarType)> = Vec::new();
        let mut computed: Vec<(ast::Expr, String, usize)> = Vec::new(); // (rewritten expr, name, item index)
        let mut counter = 0usize;
        for a in aggs {
            let mut item = Vec::new();
            if is_agg_call(&a.expr) {
                let res = self.agg_call(&a.expr, &f, &key_names, scope)?;
                if a.names.len() > 1 && a.names.len() != res.len() {
                    return Err(semantic(
                        format!("{} names for {} output columns", a.names.len(), res.len()),
                        a.span,
                    ));
                }
                for (j, o) in res.into_iter().enumerate() {
                    let name = match a.names.get(j) {
                        Some(n) => n.name.clone(),
                        None => unique_name(&o.default_name, &taken),
                    };
                    taken.push(name.clone());
                    counter += 1;
                    let tmp = format!("__hb_agg_out_{counter}");
                    agg_exprs.push(o.expr.alias(tmp.as_str()));
                    if let Some((kind, elem)) = o.collect {
                        posts.push(collect_expr(col(tmp.as_str()), kind, elem).alias(tmp.as_str()));
                    }
                    item.push((tmp, name, o.ty));
                }
            } else {
                let mut found = Vec::new();
                let rewritten = lift_aggs(&a.expr, &mut found, &mut counter);
                if found.is_empty() {
                    return Err(semantic(
                        "summarize needs an aggregate here (count(), sum(x), make_set(x) ...); to group by it, put it after `by`",
                        a.expr.span,
                    ));
                }
                let mut lifted_names: Vec<(String, String)> = Vec::new();
                for (tmp, call) in &found {
                    let res = self.agg_call(call, &f, &key_names, scope)?;
                    let Some(o) = res.into_iter().next() else {
                        continue;
                    };
                    lifted_names.push((tmp.clone(), o.default_name.clone()));
                    agg_exprs.push(o.expr.alias(tmp.as_str()));
                    if let Some((kind, elem)) = o.collect {
                        posts.push(collect_expr(col(tmp.as_str()), kind, elem).alias(tmp.as_str()));
                    }
                    lifted.push((tmp.clone(), o.ty));
                }
                let name = match a.names.first() {
                    Some(n) => n.name.clone(),
                    // `tostring(makeset(X))` is named like its argument: set_X
                    None => match passed_through_name(&rewritten, &lifted_names) {
                        Some(n) => unique_name(&n, &taken),
                        None => default_column_name(&taken),
                    },
                };
                taken.push(name.clone());
                computed.push((rewritten, name, items.len()));
            }
            items.push(item);
        }
        let mut lf = f.lf;
        if !pre.is_empty() {
            lf = lf.with_columns(pre);
        }
        lf = if keys.is_empty() {
            lf.select(agg_exprs)
        } else {
            let k: Vec<Expr> = keys.iter().map(|k| col(k.0.as_str())).collect();
            lf.group_by_stable(k).agg(agg_exprs)
        };
        if !posts.is_empty() {
            lf = lf.with_columns(posts);
        }
        if !computed.is_empty() {
            let mut inner_cols: Vec<(String, ScalarType)> =
                keys.iter().map(|k| (k.0.clone(), k.2)).collect();
            inner_cols.extend(lifted.iter().cloned());
            let mut exprs = Vec::new();
            for (i, (e, name, item)) in computed.iter().enumerate() {
                let t = self.compile(e, &Ctx::rows(&inner_cols, scope))?;
                let tmp = format!("__hb_computed_{i}");
                exprs.push(t.expr.alias(tmp.as_str()));
                items[*item].push((tmp, name.clone(), t.ty));
            }
            lf = lf.with_columns(exprs);
        }
        // keys first, then the aggregates as written
        let mut sel = Vec::new();
        let mut cols = Vec::new();
        for (tmp, name, ty) in keys.iter().chain(items.iter().flatten()) {
            sel.push(col(tmp.as_str()).alias(name.as_str()));
            cols.push((name.clone(), *ty));
        }
        Ok(Frame {
            lf: lf.select(sel),
            cols,
        })
    }

    /// `top-nested`: level by level, group by the keys so far, keep the top N values under each parent (a
    /// windowed rank), and join back the parents' aggregates. Columns: each level's key and its aggregate
    /// (`aggregated_<Key>` unless named).
    pub(crate) fn top_nested(
        &mut self,
        f: Frame,
        levels: &[ast::TopNestedLevel],
        scope: &Scope,
        span: Span,
    ) -> Result<Frame, Diagnostic> {
        let ctx = Ctx::rows(&f.cols, scope);
        let mut pre = Vec::new();
        let mut keys: Vec<(String, String, ScalarType)> = Vec::new();
        for (i, l) in levels.iter().enumerate() {
            if l.others.is_some() {
                return Err(unsupported(
                    "top-nested `with others` is not supported",
                    l.span,
                ));
            }
            let t = self.compile(&l.of.expr, &ctx)?;
            let name = match (l.of.names.first(), &t.name) {
                (Some(n), _) => n.name.clone(),
                (None, Some(n)) => n.clone(),
                (None, None) => format!("Column{}", i + 1),
            };
            let tmp = format!("__hb_tn_k{i}");
            pre.push(t.expr.alias(tmp.as_str()));
            keys.push((tmp, name, t.ty));
        }
        let base = f.lf.clone().with_columns(pre);
        let mut acc: Option<LazyFrame> = None;
        let mut out: Vec<(String, String, ScalarType)> = Vec::new();
        for (i, l) in levels.iter().enumerate() {
            let mut res = self.agg_call(&l.by.expr, &f, &[], scope)?;
            if res.len() != 1 || res[0].collect.is_some() {
                return Err(unsupported(
                    "top-nested needs one scalar aggregate per level (count(), sum(x), dcount(x) ...)",
                    l.by.span,
                ));
            }
            let o = res.remove(0);
            let agg_tmp = format!("__hb_tn_a{i}");
            let parent: Vec<Expr> = keys[..i].iter().map(|k| col(k.0.as_str())).collect();
            let group: Vec<Expr> = keys[..=i].iter().map(|k| col(k.0.as_str())).collect();
            let mut input = base.clone();
            if let Some(prev) = &acc {
                // only rows under the parents kept so far
                let args = JoinArgs {
                    nulls_equal: true,
                    ..JoinArgs::new(JoinType::Semi)
                };
                input = input.join(
                    prev.clone().select(parent.clone()),
                    parent.clone(),
                    parent.clone(),
                    args,
                );
            }
            let mut level = input.group_by(group).agg([o.expr.alias(agg_tmp.as_str())]);
            if let Some(n) = &l.n {
                let Some(n) = self
                    .compile(n, &Ctx::scalar(scope))?
                    .konst
                    .and_then(|v| v.as_i64())
                else {
                    return Err(semantic("top-nested needs a constant count", n.span));
                };
                let rank = col(agg_tmp.as_str()).rank(
                    RankOptions {
                        method: RankMethod::Ordinal,
                        descending: l.order != Some(ast::SortOrder::Asc),
                    },
                    None,
                );
                let rank = if parent.is_empty() {
                    rank
                } else {
                    rank.over(parent.clone())
                        .map_err(|e| polars_err(e, l.span))?
                };
                level = level.filter(rank.cast(DataType::Int64).lt_eq(lit(n.max(0))));
            }
            acc = Some(match acc {
                None => level,
                Some(prev) => {
                    let args = JoinArgs {
                        nulls_equal: true,
                        ..JoinArgs::new(JoinType::Inner)
                    };
                    level.join(prev, parent.clone(), parent, args)
                }
            });
            let agg_name = match l.by.names.first() {
                Some(n) => n.name.clone(),
                None => format!("aggregated_{}", keys[i].1),
            };
            out.push((agg_tmp, agg_name, o.ty));
        }
        let Some(lf) = acc else {
            return Err(semantic("top-nested needs at least one level", span));
        };
        let mut sel = Vec::new();
        let mut cols = Vec::new();
        let mut sort_by = Vec::new();
        let mut desc = Vec::new();
        for (i, (k, a)) in keys.iter().zip(&out).enumerate() {
            sel.push(col(k.0.as_str()).alias(k.1.as_str()));
            cols.push((k.1.clone(), k.2));
            sel.push(col(a.0.as_str()).alias(a.1.as_str()));
            cols.push((a.1.clone(), a.2));
            // the hierarchy in order: each level by its aggregate, as asked
            sort_by.push(col(a.0.as_str()));
            desc.push(levels[i].order != Some(ast::SortOrder::Asc));
            sort_by.push(col(k.0.as_str()));
            desc.push(false);
        }
        let opts = SortMultipleOptions::default()
            .with_order_descending_multi(desc)
            .with_maintain_order(true);
        Ok(Frame {
            lf: lf.sort_by_exprs(sort_by, opts).select(sel),
            cols,
        })
    }
}
