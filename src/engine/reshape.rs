//! `mv-expand` and `parse`: operators that reshape rows.

use std::sync::Arc;

use polars::prelude::*;

use crate::kql::ast::{self, ExprKind, ParseKind, ParsePart};
use crate::kql::{Diagnostic, ScalarType, Span};

use super::convert::{coerce, column_values};
use super::expr::{Ctx, Typed, rowwise};
use super::plan::{Frame, Planner, Scope, default_column_name, semantic};
use super::value::{Value, parse_datetime, parse_timespan};

/// Elements of a value for mv-expand: arrays give their elements, bags their single-key bags (or
/// `[key, value]` pairs), a null gives one null, any other value itself.
fn elements(v: &Value, bag_as_array: bool) -> Vec<serde_json::Value> {
    match v {
        Value::Null => vec![serde_json::Value::Null],
        Value::Dynamic(serde_json::Value::Array(a)) => a.clone(),
        Value::Dynamic(serde_json::Value::Object(m)) => m
            .iter()
            .map(|(k, x)| {
                if bag_as_array {
                    serde_json::json!([k, x])
                } else {
                    let mut one = serde_json::Map::new();
                    one.insert(k.clone(), x.clone());
                    serde_json::Value::Object(one)
                }
            })
            .collect(),
        other => vec![other.to_dynamic()],
    }
}

fn json_to_value(j: &serde_json::Value) -> Value {
    match j {
        serde_json::Value::Null => Value::Null,
        other => Value::Dynamic(other.clone()),
    }
}

/// A capture converted to a parse column's type; None when it does not convert.
fn convert_capture(s: &str, ty: ScalarType) -> Option<Value> {
    Some(match ty {
        ScalarType::String => Value::String(s.to_string()),
        ScalarType::Long => Value::Long(s.trim().parse().ok()?),
        ScalarType::Int => Value::Int(s.trim().parse().ok()?),
        ScalarType::Real | ScalarType::Decimal => Value::Real(s.trim().parse().ok()?),
        ScalarType::Bool => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Value::Bool(true),
            "false" | "0" => Value::Bool(false),
            _ => return None,
        },
        ScalarType::DateTime => Value::DateTime(parse_datetime(s)?),
        ScalarType::TimeSpan => Value::TimeSpan(parse_timespan(s)?),
        ScalarType::Guid => Value::Guid(s.trim().to_string()),
        ScalarType::Dynamic => super::convert::parse_dynamic_text(s),
    })
}

impl Planner<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn mv_expand(
        &mut self,
        f: Frame,
        legacy: bool,
        params: &[ast::OpParam],
        items: &[ast::MvExpandItem],
        limit: Option<&ast::Expr>,
        scope: &Scope,
        span: Span,
    ) -> Result<Frame, Diagnostic> {
        let mut bag_as_array = false;
        let mut index_col: Option<String> = None;
        for p in params {
            let v = match &p.value.kind {
                ExprKind::Ident(id) => id.name.clone(),
                _ => self
                    .compile(&p.value, &Ctx::scalar(scope))?
                    .konst
                    .map(|v| v.to_kql_string())
                    .unwrap_or_default(),
            };
            match p.name.name.as_str() {
                "kind" => bag_as_array = v == "array",
                "with_itemindex" => index_col = Some(v),
                "bagexpansion" => bag_as_array = v == "array",
                _ => {}
            }
        }
        let max = match limit {
            Some(l) => self
                .compile(l, &Ctx::scalar(scope))?
                .konst
                .and_then(|v| v.as_i64())
                .ok_or_else(|| semantic("mv-expand limit must be a constant", l.span))?
                as usize,
            None if legacy => 128,
            None => i32::MAX as usize,
        };
        let ctx = Ctx::rows(&f.cols, scope);
        let mut targets: Vec<(String, Option<ScalarType>, Typed)> = Vec::new();
        for it in items {
            let t = self.compile(&it.target.expr, &ctx)?;
            let taken: Vec<String> = f.names();
            let name = match (it.target.names.first(), &t.name) {
                (Some(n), _) => n.name.clone(),
                (None, Some(n)) => n.clone(),
                (None, None) => default_column_name(&taken),
            };
            targets.push((name, it.to_type, t));
        }
        if targets.is_empty() {
            return Err(semantic("mv-expand needs a column", span));
        }
        let tmp = self.tmp_name("mvx");
        let n_items = targets.len();
        let arg_types: Vec<ScalarType> = targets.iter().map(|t| t.2.ty).collect();
        let mut exprs: Vec<Expr> = targets.iter().map(|t| t.2.expr.clone()).collect();
        let first = exprs.remove(0);
        // one list column of JSON tuples [e1, e2, ..., index] per row, exploded once
        let tuples = first.map_many(
            move |cols: &mut [Column]| {
                // constants arrive as length-1 columns; the frame's height is the length of the others (0 for
                // an empty frame)
                let n = cols
                    .iter()
                    .map(|c| c.len())
                    .filter(|&l| l != 1)
                    .max()
                    .unwrap_or(1);
                let mut vals = Vec::new();
                for (c, t) in cols.iter().zip(&arg_types) {
                    vals.push(column_values(c, *t)?);
                }
                let name = cols[0].name().clone();
                let mut lists: Vec<Option<Series>> = Vec::with_capacity(n);
                for i in 0..n {
                    let per: Vec<Vec<serde_json::Value>> = vals
                        .iter()
                        .map(|v| {
                            let x = if v.len() == 1 { &v[0] } else { &v[i] };
                            elements(x, bag_as_array)
                        })
                        .collect();
                    let len = per.iter().map(Vec::len).max().unwrap_or(0).min(max);
                    let rows: Vec<String> = (0..len)
                        .map(|j| {
                            let mut tup: Vec<serde_json::Value> = per
                                .iter()
                                .map(|p| p.get(j).cloned().unwrap_or(serde_json::Value::Null))
                                .collect();
                            tup.push(serde_json::Value::from(j as i64));
                            serde_json::Value::Array(tup).to_string()
                        })
                        .collect();
                    lists.push(Some(Series::new(PlSmallStr::EMPTY, rows)));
                }
                let ca: ListChunked = lists.into_iter().collect();
                Ok(ca.with_name(name).into_series().into_column())
            },
            &exprs,
            |_schema, fields| {
                Ok(Field::new(
                    fields[0].name().clone(),
                    DataType::List(Box::new(DataType::String)),
                ))
            },
        );
        let mut lf = f.lf.with_columns([tuples.alias(tmp.as_str())]);
        lf = lf
            .explode(
                Selector::ByName {
                    names: vec![PlSmallStr::from(tmp.as_str())].into(),
                    strict: true,
                },
                ExplodeOptions {
                    empty_as_null: true,
                    keep_nulls: true,
                },
            )
            .filter(col(tmp.as_str()).is_not_null());
        let mut cols = f.cols.clone();
        let mut new_cols = Vec::new();
        let tuple = Typed::of(col(tmp.as_str()), ScalarType::String);
        for (k, (name, to_type, _)) in targets.iter().enumerate() {
            let ty = to_type.unwrap_or(ScalarType::Dynamic);
            let t = rowwise(
                vec![tuple.clone()],
                ty,
                Arc::new(move |v: &[Value]| {
                    let s = v[0].to_kql_string();
                    let j: serde_json::Value =
                        serde_json::from_str(&s).unwrap_or(serde_json::Value::Null);
                    let e = j.get(k).cloned().unwrap_or(serde_json::Value::Null);
                    let val = json_to_value(&e);
                    if ty == ScalarType::Dynamic {
                        val
                    } else {
                        coerce(&val, ty)
                    }
                }),
            );
            new_cols.push(t.expr.alias(name.as_str()));
            match cols.iter().position(|(n, _)| n == name) {
                Some(i) => cols[i].1 = ty,
                None => cols.push((name.clone(), ty)),
            }
        }
        if let Some(ix) = index_col {
            let t = rowwise(
                vec![tuple],
                ScalarType::Long,
                Arc::new(move |v: &[Value]| {
                    let j: serde_json::Value =
                        serde_json::from_str(&v[0].to_kql_string()).unwrap_or_default();
                    j.get(n_items)
                        .and_then(|x| x.as_i64())
                        .map_or(Value::Null, Value::Long)
                }),
            );
            new_cols.push(t.expr.alias(ix.as_str()));
            cols.push((ix, ScalarType::Long));
        }
        lf = lf.with_columns(new_cols);
        Ok(super::plan::select_cols(lf, cols))
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn parse_op(
        &mut self,
        f: Frame,
        kind: ParseKind,
        where_: bool,
        flags: Option<&str>,
        expr: &ast::Expr,
        parts: &[ParsePart],
        scope: &Scope,
        span: Span,
    ) -> Result<Frame, Diagnostic> {
        let mut re = String::from("(?s)");
        if let Some(fl) = flags {
            for c in fl.chars() {
                match c {
                    'i' | 'm' | 's' | 'U' => re.push_str(&format!("(?{c})")),
                    _ => return Err(semantic(format!("unknown parse flag `{c}`"), span)),
                }
            }
        }
        re.push('^');
        let mut outs: Vec<(String, ScalarType)> = Vec::new();
        let last_col = parts
            .iter()
            .rposition(|p| matches!(p, ParsePart::Column { .. }));
        let n_parts = parts.len();
        for (i, p) in parts.iter().enumerate() {
            match p {
                ParsePart::Literal(s) => {
                    if kind == ParseKind::Regex {
                        re.push_str(&format!("(?:{})", super::re2::translate(s)));
                    } else {
                        re.push_str(&regex::escape(s));
                    }
                }
                ParsePart::Star => re.push_str(".*?"),
                ParsePart::Column { name, ty } => {
                    let ty = ty.unwrap_or(ScalarType::String);
                    let last = Some(i) == last_col && i + 1 == n_parts;
                    // Named groups: a regex-kind pattern may hold groups of its own. In regex mode string
                    // columns are greedy (parse-operator-04); in simple mode lazy, but the last one takes the
                    // rest of the text.
                    // relaxed: a typed capture that does not convert is null on its own (parse-operator-07),
                    // so it captures loosely like a string
                    let body = match ty {
                        ScalarType::Long | ScalarType::Int if kind == ParseKind::Relaxed => {
                            r"\-?\d+|.*?"
                        }
                        ScalarType::Real | ScalarType::Decimal if kind == ParseKind::Relaxed => {
                            r"\-?\d+(?:\.\d*)?(?:[eE][\-+]?\d+)?|.*?"
                        }
                        _ if kind == ParseKind::Relaxed && ty != ScalarType::String => ".*?",
                        ScalarType::Long | ScalarType::Int => r"\-?\d+",
                        ScalarType::Real | ScalarType::Decimal => {
                            r"\-?\d+(?:\.\d*)?(?:[eE][\-+]?\d+)?"
                        }
                        _ if kind == ParseKind::Regex || last => ".*",
                        _ => ".*?",
                    };
                    re.push_str(&format!("(?P<hbc{}>{body})", outs.len()));
                    outs.push((name.name.clone(), ty));
                }
            }
        }
        // a pattern that ends with a column needs the text to end there
        if matches!(parts.last(), Some(ParsePart::Column { .. })) {
            re.push('$');
        }
        let regex =
            Arc::new(regex::Regex::new(&re).map_err(|e| {
                semantic(format!("the parse pattern is not a valid regex: {e}"), span)
            })?);
        let ctx = Ctx::rows(&f.cols, scope);
        let src = self.compile(expr, &ctx)?;
        let src = self.stringify(src);
        let types: Arc<Vec<ScalarType>> = Arc::new(outs.iter().map(|o| o.1).collect());
        let relaxed = kind == ParseKind::Relaxed;
        let mut cols = f.cols.clone();
        let mut exprs = Vec::new();
        for (k, (name, ty)) in outs.iter().enumerate() {
            let (re2, types2, ty) = (regex.clone(), types.clone(), *ty);
            let t = rowwise(
                vec![src.clone()],
                ty,
                Arc::new(move |v: &[Value]| {
                    let s = v[0].to_kql_string();
                    let Some(caps) = re2.captures(&s) else {
                        return Value::null_of(ty);
                    };
                    if !relaxed {
                        // strict: every typed capture must convert, or the whole row is null
                        for (j, t) in types2.iter().enumerate() {
                            let c = caps.name(&format!("hbc{j}")).map_or("", |m| m.as_str());
                            if convert_capture(c, *t).is_none() {
                                return Value::null_of(ty);
                            }
                        }
                    }
                    let c = caps.name(&format!("hbc{k}")).map_or("", |m| m.as_str());
                    convert_capture(c, ty).unwrap_or_else(|| Value::null_of(ty))
                }),
            );
            exprs.push(t.expr.alias(name.as_str()));
            match cols.iter().position(|(n, _)| n == name) {
                Some(i) => cols[i].1 = ty,
                None => cols.push((name.clone(), ty)),
            }
        }
        let mut lf = f.lf;
        if where_ {
            let (re2, types2) = (regex.clone(), types.clone());
            let ok = rowwise(
                vec![src.clone()],
                ScalarType::Bool,
                Arc::new(move |v: &[Value]| {
                    let s = v[0].to_kql_string();
                    let Some(caps) = re2.captures(&s) else {
                        return Value::Bool(false);
                    };
                    Value::Bool(types2.iter().enumerate().all(|(j, t)| {
                        convert_capture(
                            caps.name(&format!("hbc{j}")).map_or("", |m| m.as_str()),
                            *t,
                        )
                        .is_some()
                    }))
                }),
            );
            lf = lf.filter(ok.expr);
        }
        lf = lf.with_columns(exprs);
        Ok(Frame { lf, cols })
    }
}
