//! Scalar expressions onto polars expressions.

use std::collections::HashSet;
use std::sync::Arc;

use polars::prelude::*;

use crate::data::types::polars_dtype;
use crate::kql::ast::{self, BinOp, ExprKind, ListOp, Literal};
use crate::kql::diag::nearest;
use crate::kql::{DiagKind, Diagnostic, ScalarType, Span};

use super::convert::{coerce, column_values, lit_value, values_column};
use super::functions::{self, ArgInfo};
use super::has::{self, HasMatcher, SubstrKind, TermMatch};
use super::ops;
use super::plan::{Binding, Planner, Scope, diag, semantic, unsupported};
use super::value::Value;

/// What an expression sees: the current row's columns (empty for constant contexts) and the names in scope.
pub struct Ctx<'s> {
    pub cols: &'s [(String, ScalarType)],
    pub scope: &'s Scope,
    /// The operator's input columns, when they differ from `cols` (in `extend`, later items see earlier
    /// ones, but `pack_all()` packs the input row).
    pub input: Option<&'s [(String, ScalarType)]>,
}

impl<'s> Ctx<'s> {
    pub fn scalar(scope: &'s Scope) -> Ctx<'s> {
        Ctx {
            cols: &[],
            scope,
            input: None,
        }
    }
    pub fn rows(cols: &'s [(String, ScalarType)], scope: &'s Scope) -> Ctx<'s> {
        Ctx {
            cols,
            scope,
            input: None,
        }
    }
}

/// A compiled scalar expression.
#[derive(Clone)]
pub struct Typed {
    pub expr: Expr,
    pub ty: ScalarType,
    /// The value, when the expression is constant.
    pub konst: Option<Value>,
    /// The name Kusto gives the column when the expression is not named (a column's own name, the first
    /// argument's name for `tostring(x)`, `bin(Timestamp, 1h)`, ...).
    pub name: Option<String>,
    /// Written as `typeof(T)`.
    pub is_type: bool,
}

impl Typed {
    /// A computed value of type `ty` (not a constant, no column name).
    pub fn of(expr: Expr, ty: ScalarType) -> Typed {
        Typed {
            expr,
            ty,
            konst: None,
            name: None,
            is_type: false,
        }
    }
    pub fn constant(v: Value, ty: ScalarType) -> Typed {
        let v = coerce(&v, ty);
        Typed {
            expr: lit_value(&v, ty),
            ty,
            konst: Some(v),
            name: None,
            is_type: false,
        }
    }
    fn column(name: &str, ty: ScalarType) -> Typed {
        Typed {
            expr: col(name),
            ty,
            konst: None,
            name: Some(name.to_string()),
            is_type: false,
        }
    }
    fn with_name(mut self, name: Option<String>) -> Typed {
        self.name = name;
        self
    }
}

pub const AGGREGATES: &[&str] = &[
    "count",
    "countif",
    "dcount",
    "dcountif",
    "sum",
    "sumif",
    "avg",
    "avgif",
    "min",
    "max",
    "minif",
    "maxif",
    "make_set",
    "make_set_if",
    "makeset",
    "make_list",
    "make_list_if",
    "makelist",
    "make_list_with_nulls",
    "make_bag",
    "make_bag_if",
    "arg_max",
    "arg_min",
    "argmax",
    "argmin",
    "any",
    "anyif",
    "take_any",
    "take_anyif",
    "stdev",
    "stdevif",
    "stdevp",
    "variance",
    "varianceif",
    "variancep",
    "percentile",
    "percentiles",
    "percentiles_array",
    "count_distinct",
    "hll",
    "tdigest",
    "binary_all_and",
    "binary_all_or",
];

/// A dynamic value used as a predicate: true only for a JSON `true`.
pub fn dynamic_to_bool(e: Expr) -> Expr {
    e.eq(lit("true"))
}

/// Runs `f` row by row over the arguments' values and returns a column of type `ty`.
pub fn rowwise(args: Vec<Typed>, ty: ScalarType, f: functions::RowFn) -> Typed {
    if args.iter().all(|a| a.konst.is_some()) {
        let vals: Vec<Value> = args
            .iter()
            .map(|a| a.konst.clone().unwrap_or(Value::Null))
            .collect();
        return Typed::constant(f(&vals), ty);
    }
    let types: Vec<ScalarType> = args.iter().map(|a| a.ty).collect();
    let dtype = polars_dtype(ty);
    let mut exprs: Vec<Expr> = args.into_iter().map(|a| a.expr).collect();
    let first = exprs.remove(0);
    let out = first.map_many(
        move |cols: &mut [Column]| {
            // constants arrive as length-1 columns; the frame's height is the length of the others (0 for
            // an empty frame)
            let n = cols
                .iter()
                .map(|c| c.len())
                .filter(|&l| l != 1)
                .max()
                .unwrap_or(1);
            let mut vals = Vec::with_capacity(cols.len());
            for (c, t) in cols.iter().zip(&types) {
                vals.push(column_values(c, *t)?);
            }
            let mut row = Vec::with_capacity(vals.len());
            let mut out = Vec::with_capacity(n);
            for i in 0..n {
                row.clear();
                for v in &vals {
                    row.push(if v.len() == 1 {
                        v[0].clone()
                    } else {
                        v.get(i).cloned().unwrap_or(Value::Null)
                    });
                }
                out.push(f(&row));
            }
            let name = cols
                .first()
                .map(|c| c.name().to_string())
                .unwrap_or_default();
            Ok(values_column(&name, &out, ty))
        },
        &exprs,
        move |_schema, fields| Ok(Field::new(fields[0].name().clone(), dtype.clone())),
    );
    Typed::of(out, ty)
}

/// A boolean predicate over a string column, vectorised over the string buffer.
fn str_predicate(e: Expr, f: impl Fn(&str) -> bool + Send + Sync + 'static) -> Expr {
    e.map(
        move |c: Column| {
            let ca = c.str()?;
            let out: BooleanChunked = ca.iter().map(|o| Some(f(o.unwrap_or("")))).collect();
            Ok(out.with_name(c.name().clone()).into_column())
        },
        |_schema, field| Ok(Field::new(field.name().clone(), DataType::Boolean)),
    )
}

fn literal_value(l: &Literal) -> (Value, ScalarType) {
    match l {
        Literal::Bool(b) => (b.map_or(Value::Null, Value::Bool), ScalarType::Bool),
        Literal::Int(i) => (i.map_or(Value::Null, Value::Int), ScalarType::Int),
        Literal::Long(i) => (i.map_or(Value::Null, Value::Long), ScalarType::Long),
        Literal::Real(f) => (f.map_or(Value::Null, Value::Real), ScalarType::Real),
        Literal::Decimal(f) => (f.map_or(Value::Null, Value::Real), ScalarType::Decimal),
        Literal::String(s) => (Value::String(s.clone()), ScalarType::String),
        Literal::DateTime(t) => (t.map_or(Value::Null, Value::DateTime), ScalarType::DateTime),
        Literal::TimeSpan(t) => (t.map_or(Value::Null, Value::TimeSpan), ScalarType::TimeSpan),
        Literal::Guid(g) => (g.clone().map_or(Value::Null, Value::Guid), ScalarType::Guid),
        Literal::Dynamic(serde_json::Value::Null) => (Value::Null, ScalarType::Dynamic),
        Literal::Dynamic(j) => (Value::Dynamic(j.clone()), ScalarType::Dynamic),
    }
}

/// Flattens list items (dynamic arrays, nested arrays) into scalar values.
fn flatten_into(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Dynamic(serde_json::Value::Array(a)) => {
            for x in a {
                flatten_into(&Value::Dynamic(x.clone()), out);
            }
        }
        Value::Dynamic(serde_json::Value::String(s)) => out.push(Value::String(s.clone())),
        Value::Dynamic(serde_json::Value::Number(n)) => out.push(
            n.as_i64()
                .map(Value::Long)
                .or_else(|| n.as_f64().map(Value::Real))
                .unwrap_or(Value::Null),
        ),
        Value::Dynamic(serde_json::Value::Bool(b)) => out.push(Value::Bool(*b)),
        other => out.push(other.clone()),
    }
}

/// A hashable key for set membership (`in`): numbers compare by value across int/long/real.
#[derive(Hash, PartialEq, Eq)]
enum Key {
    S(String),
    I(i64),
    F(u64),
    B(bool),
}

fn key_of(v: &Value, ci: bool) -> Option<Key> {
    Some(match v {
        Value::Null => return None,
        Value::String(s) | Value::Guid(s) => Key::S(if ci {
            has::fold(s).into_owned()
        } else {
            s.clone()
        }),
        Value::Bool(b) => Key::B(*b),
        Value::Int(_) | Value::Long(_) | Value::DateTime(_) | Value::TimeSpan(_) => {
            Key::I(v.as_i64()?)
        }
        Value::Real(f) => {
            if f.fract() == 0.0 && f.abs() < 9e15 {
                Key::I(*f as i64)
            } else {
                Key::F(f.to_bits())
            }
        }
        Value::Dynamic(j) => match j {
            serde_json::Value::String(s) => Key::S(if ci {
                has::fold(s).into_owned()
            } else {
                s.clone()
            }),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Key::I(i),
                None => Key::F(n.as_f64()?.to_bits()),
            },
            serde_json::Value::Bool(b) => Key::B(*b),
            other => Key::S(other.to_string()),
        },
    })
}

impl Planner<'_> {
    /// Compiles a scalar expression.
    pub fn compile(&mut self, e: &ast::Expr, ctx: &Ctx) -> Result<Typed, Diagnostic> {
        match &e.kind {
            ExprKind::Literal(l) => {
                let (v, t) = literal_value(l);
                Ok(Typed::constant(v, t))
            }
            ExprKind::Ident(id) => self.compile_ident(id, ctx),
            ExprKind::Paren(x) => self.compile(x, ctx),
            ExprKind::TypeOf(t) => {
                let mut v =
                    Typed::constant(Value::String(t.name().to_string()), ScalarType::String);
                v.is_type = true;
                Ok(v)
            }
            ExprKind::Unary { op, expr } => {
                let t = self.compile(expr, ctx)?;
                match op {
                    ast::UnaryOp::Plus => Ok(t),
                    ast::UnaryOp::Neg => {
                        if !(t.ty.is_numeric()
                            || t.ty == ScalarType::TimeSpan
                            || t.ty == ScalarType::Dynamic)
                        {
                            return Err(semantic(format!("cannot negate a {}", t.ty), e.span));
                        }
                        let zero = Typed::constant(
                            if t.ty == ScalarType::TimeSpan {
                                Value::TimeSpan(0)
                            } else {
                                Value::Int(0)
                            },
                            if t.ty == ScalarType::TimeSpan {
                                ScalarType::TimeSpan
                            } else {
                                ScalarType::Int
                            },
                        );
                        self.binary(BinOp::Sub, zero, t, e.span)
                    }
                }
            }
            ExprKind::Binary { op, left, right } if matches!(left.kind, ExprKind::Star) => {
                self.any_column(*op, right, ctx, e.span)
            }
            ExprKind::Binary { op, left, right } => {
                let l = self.compile(left, ctx)?;
                let r = self.compile(right, ctx)?;
                self.binary(*op, l, r, e.span)
            }
            ExprKind::Between {
                negated,
                expr,
                low,
                high,
            } => {
                let x = self.compile(expr, ctx)?;
                let lo = self.compile(low, ctx)?;
                let mut hi = self.compile(high, ctx)?;
                if x.ty == ScalarType::DateTime && hi.ty == ScalarType::TimeSpan {
                    hi = self.binary(BinOp::Add, lo.clone(), hi, high.span)?;
                }
                let a = self.binary(BinOp::Ge, x.clone(), lo, e.span)?;
                let b = self.binary(BinOp::Le, x, hi, e.span)?;
                let both = self.binary(BinOp::And, a, b, e.span)?;
                if *negated {
                    Ok(self.not(both))
                } else {
                    Ok(both)
                }
            }
            ExprKind::ListOp { op, expr, items } => self.list_op(*op, expr, items, ctx),
            ExprKind::Call { name, args } => self.call(name, args, ctx, e.span),
            ExprKind::Member { expr, name } => {
                let base = self.compile(expr, ctx)?;
                let key = Value::String(name.name.clone());
                let nm = base.name.as_ref().map(|b| format!("{b}_{}", name.name));
                Ok(self
                    .dyn_access(base, Typed::constant(key, ScalarType::String))
                    .with_name(nm))
            }
            ExprKind::Index { expr, index } => {
                let base = self.compile(expr, ctx)?;
                let idx = self.compile(index, ctx)?;
                let nm = match (&base.name, &idx.konst) {
                    (Some(b), Some(Value::String(k))) => Some(format!("{b}_{k}")),
                    _ => None,
                };
                Ok(self.dyn_access(base, idx).with_name(nm))
            }
            ExprKind::Star => Err(semantic("`*` is not a value here", e.span)),
            _ => {
                if self.is_tabular(e, ctx.scope) {
                    Err(semantic(
                        "a table is used where a scalar is expected; wrap it in toscalar(...) for one value",
                        e.span,
                    ))
                } else {
                    Err(semantic("unexpected expression here", e.span))
                }
            }
        }
    }

    fn compile_ident(&mut self, id: &ast::Ident, ctx: &Ctx) -> Result<Typed, Diagnostic> {
        if let Some((_, t)) = ctx.cols.iter().find(|(n, _)| *n == id.name) {
            return Ok(Typed::column(&id.name, *t));
        }
        match ctx.scope.get(&id.name) {
            Some(Binding::Scalar(v, t)) => {
                return Ok(Typed::constant(v.clone(), *t).with_name(Some(id.name.clone())));
            }
            Some(Binding::Expr(t)) => return Ok(t.clone()),
            Some(Binding::Function(def, fscope)) if def.params.is_empty() => {
                let (def, fscope) = (def.clone(), fscope.clone());
                return self.call_scalar_function(&def, &fscope, &[], ctx, id.span);
            }
            Some(Binding::Tabular(_) | Binding::View(..) | Binding::Function(..)) => {
                return Err(semantic(
                    format!(
                        "`{}` is a table; a scalar is expected here (toscalar({}) gives one value)",
                        id.name, id.name
                    ),
                    id.span,
                ));
            }
            None => {}
        }
        match id.name.as_str() {
            "true" => return Ok(Typed::constant(Value::Bool(true), ScalarType::Bool)),
            "false" => return Ok(Typed::constant(Value::Bool(false), ScalarType::Bool)),
            _ => {}
        }
        let mut cands: Vec<&str> = ctx.cols.iter().map(|(n, _)| n.as_str()).collect();
        cands.extend(ctx.scope.names());
        let near = nearest(&id.name, cands, 3);
        let what = if ctx.cols.is_empty() {
            "name"
        } else {
            "column or name"
        };
        let mut d = diag(
            DiagKind::UnknownName,
            format!("unknown {what} `{}`", id.name),
            id.span,
        );
        if !near.is_empty() {
            d = d.with_help(format!(
                "did you mean {}?",
                near.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Err(d)
    }

    pub(crate) fn not(&mut self, t: Typed) -> Typed {
        if let Some(v) = &t.konst {
            return Typed::constant(
                match v {
                    Value::Bool(b) => Value::Bool(!b),
                    _ => Value::Null,
                },
                ScalarType::Bool,
            );
        }
        Typed::of(t.expr.not(), ScalarType::Bool)
    }

    /// Compiles `l op r`.
    pub(crate) fn binary(
        &mut self,
        op: BinOp,
        l: Typed,
        r: Typed,
        span: Span,
    ) -> Result<Typed, Diagnostic> {
        use ScalarType as T;
        let ty = ops::binop_type(op, l.ty, r.ty).map_err(|m| semantic(m, span))?;
        if let (Some(a), Some(b)) = (&l.konst, &r.konst) {
            let v = ops::binop(op, a, b);
            let vt = if ty == T::Dynamic {
                v.scalar_type().unwrap_or(T::Dynamic)
            } else {
                ty
            };
            return Ok(Typed::constant(v, vt));
        }
        let same_family = |a: T, b: T| {
            (a.is_numeric() && b.is_numeric())
                || (a == b
                    && matches!(a, T::DateTime | T::TimeSpan | T::String | T::Guid | T::Bool))
                || (matches!(a, T::String | T::Guid) && matches!(b, T::String | T::Guid))
        };
        let num_pair = |l: &Typed, r: &Typed| -> (Expr, Expr) {
            if l.ty != r.ty && l.ty.is_numeric() && r.ty.is_numeric() {
                let w = polars_dtype(T::widest_numeric(l.ty, r.ty).unwrap_or(T::Real));
                (l.expr.clone().cast(w.clone()), r.expr.clone().cast(w))
            } else {
                (l.expr.clone(), r.expr.clone())
            }
        };
        let out = |expr: Expr| Typed::of(expr, ty);
        match op {
            BinOp::And | BinOp::Or if l.ty == T::Bool && r.ty == T::Bool => {
                let e = if op == BinOp::And {
                    l.expr.and(r.expr)
                } else {
                    l.expr.or(r.expr)
                };
                return Ok(out(e));
            }
            BinOp::Eq | BinOp::NotEq if same_family(l.ty, r.ty) => {
                let (a, b) = num_pair(&l, &r);
                let never_null = |t: &Typed| {
                    matches!(t.ty, T::String) || t.konst.as_ref().is_some_and(|v| !v.is_null())
                };
                let e = if never_null(&l) && never_null(&r) {
                    if op == BinOp::Eq { a.eq(b) } else { a.neq(b) }
                } else if never_null(&l) || never_null(&r) {
                    // null == x is false, null != x is true
                    if op == BinOp::Eq {
                        a.eq(b).fill_null(lit(false))
                    } else {
                        a.neq(b).fill_null(lit(true))
                    }
                } else {
                    let both_null = a.clone().is_null().and(b.clone().is_null());
                    let one_null = a.clone().is_null().or(b.clone().is_null());
                    let cmp = if op == BinOp::Eq { a.eq(b) } else { a.neq(b) };
                    when(both_null)
                        .then(lit(Null {}).cast(DataType::Boolean))
                        .when(one_null)
                        .then(lit(op == BinOp::NotEq))
                        .otherwise(cmp)
                };
                return Ok(out(e));
            }
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
                if same_family(l.ty, r.ty) && l.ty != T::Bool =>
            {
                let (a, b) = num_pair(&l, &r);
                let e = match op {
                    BinOp::Lt => a.lt(b),
                    BinOp::Le => a.lt_eq(b),
                    BinOp::Gt => a.gt(b),
                    _ => a.gt_eq(b),
                };
                return Ok(out(e));
            }
            BinOp::Add | BinOp::Sub => {
                let ticks = matches!(
                    (l.ty, r.ty),
                    (T::DateTime | T::TimeSpan, T::DateTime | T::TimeSpan)
                );
                let nums = l.ty.is_numeric() && r.ty.is_numeric() && ty != T::Decimal;
                if ticks || nums {
                    let (a, b) = if nums {
                        num_pair(&l, &r)
                    } else {
                        (l.expr.clone(), r.expr.clone())
                    };
                    let e = if op == BinOp::Add { a + b } else { a - b };
                    return Ok(out(if nums { e.cast(polars_dtype(ty)) } else { e }));
                }
            }
            BinOp::Mul if l.ty.is_numeric() && r.ty.is_numeric() && ty != T::Decimal => {
                let (a, b) = num_pair(&l, &r);
                return Ok(out((a * b).cast(polars_dtype(ty))));
            }
            BinOp::Div if ty == T::Real && l.ty.is_numeric() && r.ty.is_numeric() => {
                let e = l.expr.cast(DataType::Float64) / r.expr.cast(DataType::Float64);
                return Ok(out(e));
            }
            _ => {}
        }
        if ty == T::Bool
            && !matches!(
                op,
                BinOp::And
                    | BinOp::Or
                    | BinOp::Eq
                    | BinOp::NotEq
                    | BinOp::Lt
                    | BinOp::Le
                    | BinOp::Gt
                    | BinOp::Ge
            )
        {
            return self.string_binary(op, l, r, span);
        }
        // Everything else row by row, with the same semantics as constant folding.
        Ok(rowwise(
            vec![l, r],
            ty,
            Arc::new(move |v: &[Value]| ops::binop(op, &v[0], &v[1])),
        ))
    }

    /// A string operator: vectorised kernels when the right side is a constant.
    fn string_binary(
        &mut self,
        op: BinOp,
        l: Typed,
        r: Typed,
        span: Span,
    ) -> Result<Typed, Diagnostic> {
        use BinOp::*;
        let l = self.stringify(l);
        let Some(rv) = r.konst.clone() else {
            let r = self.stringify(r);
            return Ok(rowwise(
                vec![l, r],
                ScalarType::Bool,
                Arc::new(move |v: &[Value]| {
                    ops::string_op(op, &v[0].to_kql_string(), &v[1].to_kql_string())
                }),
            ));
        };
        let needle = rv.to_kql_string();
        let negate = matches!(
            op,
            NotEqTilde
                | NotHas
                | NotHasCs
                | NotHasPrefix
                | NotHasPrefixCs
                | NotHasSuffix
                | NotHasSuffixCs
                | NotContains
                | NotContainsCs
                | NotStartsWith
                | NotStartsWithCs
                | NotEndsWith
                | NotEndsWithCs
                | NotLike
                | NotLikeCs
        );
        let e = match op {
            Has | NotHas | HasCs | NotHasCs | HasPrefix | NotHasPrefix | HasPrefixCs
            | NotHasPrefixCs | HasSuffix | NotHasSuffix | HasSuffixCs | NotHasSuffixCs => {
                let mode = match op {
                    HasPrefix | NotHasPrefix | HasPrefixCs | NotHasPrefixCs => TermMatch::Prefix,
                    HasSuffix | NotHasSuffix | HasSuffixCs | NotHasSuffixCs => TermMatch::Suffix,
                    _ => TermMatch::Whole,
                };
                let cs = matches!(
                    op,
                    HasCs | NotHasCs | HasPrefixCs | NotHasPrefixCs | HasSuffixCs | NotHasSuffixCs
                );
                let finder = has::TermFinder::new(&needle, mode, cs);
                str_predicate(l.expr, move |h| finder.matches(h) != negate)
            }
            EqTilde | NotEqTilde | Contains | NotContains | ContainsCs | NotContainsCs
            | StartsWith | NotStartsWith | StartsWithCs | NotStartsWithCs | EndsWith
            | NotEndsWith | EndsWithCs | NotEndsWithCs => {
                let kind = match op {
                    EqTilde | NotEqTilde => SubstrKind::Equals,
                    Contains | NotContains | ContainsCs | NotContainsCs => SubstrKind::Contains,
                    StartsWith | NotStartsWith | StartsWithCs | NotStartsWithCs => {
                        SubstrKind::StartsWith
                    }
                    _ => SubstrKind::EndsWith,
                };
                let cs = matches!(
                    op,
                    ContainsCs
                        | NotContainsCs
                        | StartsWithCs
                        | NotStartsWithCs
                        | EndsWithCs
                        | NotEndsWithCs
                );
                str_predicate(l.expr, move |h| {
                    has::substr_match(h, &needle, kind, cs) != negate
                })
            }
            MatchesRegex => {
                let re = super::re2::compile(&needle)
                    .map_err(|e| semantic(format!("invalid regular expression: {e}"), span))?;
                str_predicate(l.expr, move |h| re.is_match(h))
            }
            Like | NotLike | LikeCs | NotLikeCs => {
                let re = has::like_to_regex(&needle, matches!(op, LikeCs | NotLikeCs))
                    .map_err(|e| semantic(format!("invalid like pattern: {e}"), span))?;
                str_predicate(l.expr, move |h| re.is_match(h) != negate)
            }
            _ => {
                return Err(semantic(
                    format!("operator {} is not a string operator", op.as_str()),
                    span,
                ));
            }
        };
        Ok(Typed::of(e, ScalarType::Bool))
    }

    /// `* has "x"` (and the other string operators): true when some column of the row satisfies it.
    fn any_column(
        &mut self,
        op: BinOp,
        right: &ast::Expr,
        ctx: &Ctx,
        span: Span,
    ) -> Result<Typed, Diagnostic> {
        if !op.is_string_op() {
            return Err(semantic(
                format!(
                    "`*` can only be used with string operators, not {}",
                    op.as_str()
                ),
                span,
            ));
        }
        let r = self.compile(right, ctx)?;
        if r.konst.is_none() {
            return Err(semantic(
                "`* has ...` needs a constant on the right",
                right.span,
            ));
        }
        let mut acc: Option<Typed> = None;
        for (name, ty) in ctx.cols {
            let c = Typed::column(name, *ty);
            let one = self.string_binary(op, c, r.clone(), span)?;
            acc = Some(match acc {
                None => one,
                Some(a) => self.binary(BinOp::Or, a, one, span)?,
            });
        }
        Ok(acc.unwrap_or_else(|| Typed::constant(Value::Bool(false), ScalarType::Bool)))
    }

    /// A string version of a value (tostring), for operators that apply to the string form.
    pub(crate) fn stringify(&mut self, t: Typed) -> Typed {
        if t.ty == ScalarType::String {
            return t;
        }
        rowwise(
            vec![t],
            ScalarType::String,
            Arc::new(|v: &[Value]| Value::String(functions::kql_tostring(&v[0]))),
        )
    }

    /// The values of a list operand: constants (dynamic arrays flattened) or a subquery's first column.
    fn list_items(
        &mut self,
        items: &[ast::Expr],
        ctx: &Ctx,
    ) -> Result<Option<Vec<Value>>, Diagnostic> {
        let mut out = Vec::new();
        for it in items {
            if self.is_tabular(it, ctx.scope) {
                let f = self.plan_tabular(it, ctx.scope)?;
                let Some((first, ty)) = f.cols.first().cloned() else {
                    return Err(semantic("the subquery has no columns", it.span));
                };
                let df =
                    f.lf.select([col(first.as_str())])
                        .collect()
                        .map_err(|e| super::plan::polars_err(e, it.span))?;
                let vals = column_values(
                    df.column(&first)
                        .map_err(|e| super::plan::polars_err(e, it.span))?,
                    ty,
                )
                .map_err(|e| super::plan::polars_err(e, it.span))?;
                for v in vals {
                    flatten_into(&v, &mut out);
                }
                continue;
            }
            let t = self.compile(it, ctx)?;
            match t.konst {
                Some(v) => flatten_into(&v, &mut out),
                None => return Ok(None),
            }
        }
        Ok(Some(out))
    }

    fn list_op(
        &mut self,
        op: ListOp,
        expr: &ast::Expr,
        items: &[ast::Expr],
        ctx: &Ctx,
    ) -> Result<Typed, Diagnostic> {
        let x = self.compile(expr, ctx)?;
        let Some(vals) = self.list_items(items, ctx)? else {
            // Non-constant items: row by row over the operand and every item.
            let mut args = vec![x];
            for it in items {
                args.push(self.compile(it, ctx)?);
            }
            return Ok(rowwise(
                args,
                ScalarType::Bool,
                Arc::new(move |v: &[Value]| {
                    let mut list = Vec::new();
                    for it in &v[1..] {
                        flatten_into(it, &mut list);
                    }
                    list_eval(op, &v[0], &list)
                }),
            ));
        };
        match op {
            ListOp::HasAny | ListOp::HasAll => {
                let needles: Vec<String> = vals.iter().map(Value::to_kql_string).collect();
                if let Some(k) = &x.konst {
                    return Ok(Typed::constant(list_eval(op, k, &vals), ScalarType::Bool));
                }
                let m = Arc::new(HasMatcher::new(&needles, TermMatch::Whole, false));
                if op == ListOp::HasAny && m.is_empty() {
                    return Ok(Typed::constant(Value::Bool(false), ScalarType::Bool));
                }
                let s = self.stringify(x);
                let e = if op == ListOp::HasAny {
                    str_predicate(s.expr, move |h| m.any(h))
                } else {
                    str_predicate(s.expr, move |h| m.all(h))
                };
                Ok(Typed::of(e, ScalarType::Bool))
            }
            _ => {
                let ci = matches!(op, ListOp::InCi | ListOp::NotInCi);
                let neg = matches!(op, ListOp::NotIn | ListOp::NotInCi);
                if let Some(k) = &x.konst {
                    return Ok(Typed::constant(list_eval(op, k, &vals), ScalarType::Bool));
                }
                let (x, vals) = if ci || matches!(x.ty, ScalarType::Dynamic) {
                    let s = self.stringify(x);
                    (
                        s,
                        vals.iter()
                            .map(|v| Value::String(v.to_kql_string()))
                            .collect::<Vec<_>>(),
                    )
                } else {
                    (x, vals)
                };
                let set: HashSet<Key> = vals.iter().filter_map(|v| key_of(v, ci)).collect();
                if x.ty == ScalarType::String {
                    let set = Arc::new(set);
                    let e = str_predicate(x.expr, move |h| {
                        let k = Key::S(if ci {
                            has::fold(h).into_owned()
                        } else {
                            h.to_string()
                        });
                        set.contains(&k) != neg
                    });
                    return Ok(Typed::of(e, ScalarType::Bool));
                }
                if matches!(
                    x.ty,
                    ScalarType::Int
                        | ScalarType::Long
                        | ScalarType::DateTime
                        | ScalarType::TimeSpan
                ) {
                    // Whole numbers: polars' vectorised is_in over the items that are whole numbers (no other
                    // item can equal one), null never in the list, as key_of has it.
                    let ints: Vec<i64> = set
                        .iter()
                        .filter_map(|k| match k {
                            Key::I(i) => Some(*i),
                            _ => None,
                        })
                        .collect();
                    let items = lit(Series::new("items".into(), ints)).implode(false);
                    let hit = x
                        .expr
                        .cast(DataType::Int64)
                        .is_in(items, false)
                        .fill_null(lit(false));
                    return Ok(Typed::of(
                        if neg { hit.not() } else { hit },
                        ScalarType::Bool,
                    ));
                }
                let set = Arc::new(set);
                Ok(rowwise(
                    vec![x],
                    ScalarType::Bool,
                    Arc::new(move |v: &[Value]| {
                        let hit = key_of(&v[0], ci).is_some_and(|k| set.contains(&k));
                        Value::Bool(hit != neg)
                    }),
                ))
            }
        }
    }

    /// `d.key`, `d[0]`, `d['key']` over dynamic values (a string is parsed as JSON first).
    fn dyn_access(&mut self, base: Typed, key: Typed) -> Typed {
        rowwise(
            vec![base, key],
            ScalarType::Dynamic,
            Arc::new(|v: &[Value]| {
                let j = match &v[0] {
                    Value::Dynamic(j) => j.clone(),
                    Value::String(s) => match serde_json::from_str::<serde_json::Value>(s) {
                        Ok(j) => j,
                        Err(_) => return Value::Null,
                    },
                    _ => return Value::Null,
                };
                let got = match (&j, &v[1]) {
                    (serde_json::Value::Object(m), k) => m.get(&k.to_kql_string()).cloned(),
                    (serde_json::Value::Array(a), k) => k.as_i64().and_then(|i| {
                        let i = if i < 0 { a.len() as i64 + i } else { i };
                        usize::try_from(i).ok().and_then(|i| a.get(i)).cloned()
                    }),
                    _ => None,
                };
                match got {
                    None | Some(serde_json::Value::Null) => Value::Null,
                    Some(x) => Value::Dynamic(x),
                }
            }),
        )
    }

    fn call(
        &mut self,
        name: &ast::Ident,
        args: &[ast::Expr],
        ctx: &Ctx,
        span: Span,
    ) -> Result<Typed, Diagnostic> {
        let n = name.name.as_str();
        if let Some(Binding::Function(def, fscope)) = ctx.scope.get(n) {
            let (def, fscope) = (def.clone(), fscope.clone());
            return self.call_scalar_function(&def, &fscope, args, ctx, span);
        }
        match n {
            "now" => {
                let mut t = self.now;
                if let Some(a) = args.first() {
                    let off = self.compile(a, ctx)?;
                    match off.konst {
                        Some(Value::TimeSpan(o)) => t += o,
                        _ => {
                            return Err(semantic("now() takes a constant timespan offset", a.span));
                        }
                    }
                }
                return Ok(Typed::constant(Value::DateTime(t), ScalarType::DateTime));
            }
            "ago" => {
                let Some(a) = args.first() else {
                    return Err(semantic("ago() takes a timespan", span));
                };
                let off = self.compile(a, ctx)?;
                let now = Typed::constant(Value::DateTime(self.now), ScalarType::DateTime);
                if off.ty != ScalarType::TimeSpan {
                    return Err(semantic(
                        format!("ago() takes a timespan, not {}", off.ty),
                        a.span,
                    ));
                }
                return self.binary(BinOp::Sub, now, off, span);
            }
            "toscalar" => {
                let Some(a) = args.first() else {
                    return Err(semantic("toscalar() takes a tabular expression", span));
                };
                if !self.is_tabular(a, ctx.scope) {
                    return self.compile(a, ctx);
                }
                let f = self.plan_tabular(a, ctx.scope)?;
                let Some((first, ty)) = f.cols.first().cloned() else {
                    return Err(semantic("toscalar(): the table has no columns", a.span));
                };
                let df =
                    f.lf.limit(1)
                        .collect()
                        .map_err(|e| super::plan::polars_err(e, a.span))?;
                let c = df
                    .column(&first)
                    .map_err(|e| super::plan::polars_err(e, a.span))?;
                let v = column_values(c, ty).map_err(|e| super::plan::polars_err(e, a.span))?;
                return Ok(Typed::constant(
                    v.into_iter().next().unwrap_or(Value::null_of(ty)),
                    ty,
                ));
            }
            "isnull" | "isnotnull" | "isempty" | "isnotempty" | "notempty" | "isnotnull_"
                if args.len() == 1 =>
            {
                let t = self.compile(&args[0], ctx)?;
                let positive = matches!(n, "isnull" | "isempty");
                let nm = None;
                if let Some(k) = &t.konst {
                    let r = match n {
                        "isnull" | "isnotnull" => k.is_null() && t.ty != ScalarType::String,
                        _ => {
                            k.is_null()
                                || (t.ty == ScalarType::String && k.to_kql_string().is_empty())
                        }
                    };
                    return Ok(Typed::constant(
                        Value::Bool(if positive { r } else { !r }),
                        ScalarType::Bool,
                    ));
                }
                let test = match (n, t.ty) {
                    ("isnull" | "isnotnull", ScalarType::String) => lit(false),
                    ("isnull" | "isnotnull", _) => t.expr.is_null(),
                    (_, ScalarType::String) => t.expr.eq(lit("")),
                    (_, ScalarType::Dynamic) => t.expr.clone().is_null().or(t.expr.eq(lit("\"\""))),
                    _ => t.expr.is_null(),
                };
                let e = if positive { test } else { test.not() };
                return Ok(Typed {
                    expr: e,
                    ty: ScalarType::Bool,
                    konst: None,
                    name: nm,
                    is_type: false,
                });
            }
            "not" if args.len() == 1 => {
                let t = self.compile(&args[0], ctx)?;
                return Ok(self.not(t));
            }
            "iff" | "iif" if args.len() == 3 => {
                let c = self.compile(&args[0], ctx)?;
                let a = self.compile(&args[1], ctx)?;
                let b = self.compile(&args[2], ctx)?;
                let ty = if a.ty == b.ty {
                    a.ty
                } else if let Some(w) = ScalarType::widest_numeric(a.ty, b.ty) {
                    w
                } else if a.ty == ScalarType::Dynamic {
                    // the common type of the non-dynamic types (Kusto's GetCommonScalarType)
                    b.ty
                } else if b.ty == ScalarType::Dynamic {
                    a.ty
                } else if a.konst.as_ref().is_some_and(Value::is_null) {
                    b.ty
                } else if b.konst.as_ref().is_some_and(Value::is_null) {
                    a.ty
                } else {
                    return Err(semantic(
                        format!(
                            "iff(): both branches must have the same type, got {} and {}",
                            a.ty, b.ty
                        ),
                        span,
                    ));
                };
                if let Some(cv) = &c.konst {
                    let pick = if matches!(cv, Value::Bool(true)) {
                        a
                    } else {
                        b
                    };
                    return Ok(Typed {
                        name: None,
                        ..cast_typed(pick, ty)
                    });
                }
                let cond = if c.ty == ScalarType::Bool {
                    c.expr
                } else {
                    dynamic_to_bool(c.expr)
                };
                let a = cast_typed(a, ty);
                let b = cast_typed(b, ty);
                let e = when(cond.fill_null(lit(false)))
                    .then(a.expr)
                    .otherwise(b.expr);
                return Ok(Typed::of(e, ty));
            }
            "column_ifexists" if args.len() == 2 => {
                let t = self.compile(&args[0], &Ctx::scalar(ctx.scope))?;
                if let Some(Value::String(c)) = &t.konst
                    && let Some((_, ty)) = ctx.cols.iter().find(|(n, _)| n == c)
                {
                    return Ok(Typed::column(c, *ty));
                }
                return self.compile(&args[1], ctx);
            }
            "column_names_of" if args.len() == 1 => {
                let f = self.plan_tabular(&args[0], ctx.scope)?;
                let names: Vec<serde_json::Value> = f
                    .cols
                    .iter()
                    .map(|(c, _)| serde_json::Value::String(c.clone()))
                    .collect();
                return Ok(Typed::constant(
                    Value::Dynamic(serde_json::Value::Array(names)),
                    ScalarType::Dynamic,
                ));
            }
            "pack_all" => {
                let ignore_empty = match args.first() {
                    Some(a) => matches!(self.compile(a, ctx)?.konst, Some(Value::Bool(true))),
                    None => false,
                };
                let mut targs = Vec::new();
                let packed = ctx.input.unwrap_or(ctx.cols);
                let names: Vec<String> = packed.iter().map(|(n, _)| n.clone()).collect();
                for (n, t) in packed {
                    targs.push(Typed::column(n, *t));
                }
                if targs.is_empty() {
                    return Ok(Typed::constant(
                        Value::Dynamic(serde_json::json!({})),
                        ScalarType::Dynamic,
                    ));
                }
                return Ok(rowwise(
                    targs,
                    ScalarType::Dynamic,
                    Arc::new(move |v: &[Value]| {
                        let mut m = serde_json::Map::new();
                        for (k, x) in names.iter().zip(v) {
                            if ignore_empty
                                && (x.is_null() || matches!(x, Value::String(s) if s.is_empty()))
                            {
                                continue;
                            }
                            m.insert(k.clone(), x.to_dynamic());
                        }
                        Value::Dynamic(serde_json::Value::Object(m))
                    }),
                ));
            }
            _ => {}
        }
        if AGGREGATES.contains(&n) {
            return Err(semantic(
                format!("{n}() is an aggregate: use it in `summarize`"),
                span,
            ));
        }
        if matches!(
            n,
            "row_number" | "prev" | "next" | "row_cumsum" | "row_rank_dense" | "row_rank_min"
        ) {
            return self.window_fn(n, args, ctx, span);
        }
        if matches!(n, "rand" | "new_guid") {
            return self.random_fn(n, args, ctx);
        }
        if matches!(
            n,
            "row_rank_dense"
                | "row_rank_min"
                | "current_cluster_endpoint"
                | "current_database"
                | "current_principal"
        ) {
            return Err(unsupported(format!("{n}() is not supported"), name.span));
        }
        let Some(def) = functions::lookup(n) else {
            let mut cands: Vec<&str> = functions::names();
            cands.extend(ctx.scope.names());
            let near = nearest(n, cands, 3);
            let mut d = diag(
                DiagKind::Unsupported,
                format!("the function {n}() is not supported"),
                name.span,
            );
            if !near.is_empty() {
                d = d.with_help(format!(
                    "known functions with a close name: {}",
                    near.iter()
                        .map(|x| format!("{x}()"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            return Err(d);
        };
        let mut targs = Vec::new();
        for a in args {
            targs.push(self.compile(a, ctx)?);
        }
        let infos: Vec<ArgInfo> = targs
            .iter()
            .map(|t| ArgInfo {
                ty: t.ty,
                constant: t.konst.clone(),
                is_type: t.is_type,
            })
            .collect();
        let prepared = functions::prepare(def, &infos).map_err(|m| semantic(m, span))?;
        let arg_names: Vec<Option<String>> = targs.iter().map(|t| t.name.clone()).collect();
        let res = if targs.is_empty() {
            Typed::constant((prepared.eval)(&[]), prepared.ty)
        } else {
            rowwise(targs, prepared.ty, prepared.eval)
        };
        let refs: Vec<Option<&str>> = arg_names.iter().map(|n| n.as_deref()).collect();
        let name = def.naming.column_name(def.name, &refs);
        Ok(res.with_name(name))
    }

    /// `rand()`, `rand(N)`, `new_guid()`: one value per row from a generator seeded with the query's now()
    /// and the call site, so a query run with a pinned `--now` gives the same values again.
    fn random_fn(&mut self, n: &str, args: &[ast::Expr], ctx: &Ctx) -> Result<Typed, Diagnostic> {
        use rand_core::{Rng as _, SeedableRng};
        let bound = match args.first() {
            None => None,
            Some(a) if n == "rand" => match self
                .compile(a, &Ctx::scalar(ctx.scope))?
                .konst
                .and_then(|v| v.as_i64())
            {
                Some(b) if b > 0 => Some(b as u64),
                _ => {
                    return Err(semantic(
                        "rand(N) needs a constant N greater than 0",
                        a.span,
                    ));
                }
            },
            Some(a) => return Err(semantic(format!("{n}() takes no argument"), a.span)),
        };
        self.tmp_counter += 1;
        let seed =
            (self.now as u64) ^ (self.tmp_counter as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let rng = std::sync::Mutex::new(rand_chacha::ChaCha8Rng::seed_from_u64(seed));
        let ty = match (n, bound) {
            ("new_guid", _) => ScalarType::Guid,
            (_, Some(_)) => ScalarType::Long,
            _ => ScalarType::Real,
        };
        let f: functions::RowFn = Arc::new(move |_v: &[Value]| {
            let Ok(mut r) = rng.lock() else {
                return Value::Null;
            };
            match (ty, bound) {
                (ScalarType::Guid, _) => {
                    let mut b = [0u8; 16];
                    r.fill_bytes(&mut b);
                    b[6] = (b[6] & 0x0f) | 0x40; // version 4
                    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
                    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
                    Value::Guid(format!(
                        "{}-{}-{}-{}-{}",
                        &h[0..8],
                        &h[8..12],
                        &h[12..16],
                        &h[16..20],
                        &h[20..32]
                    ))
                }
                (_, Some(b)) => Value::Long((r.next_u64() % b) as i64),
                _ => Value::Real((r.next_u64() >> 11) as f64 / (1u64 << 53) as f64),
            }
        });
        match ctx.cols.first() {
            // one value per row: the anchor column only gives the frame its height
            Some((anchor, t)) => Ok(rowwise(vec![Typed::column(anchor, *t)], ty, f)),
            None => Ok(Typed::constant(f(&[]), ty)),
        }
    }

    /// Window functions over the (serialised) row order: row_number, prev, next, row_cumsum.
    fn window_fn(
        &mut self,
        n: &str,
        args: &[ast::Expr],
        ctx: &Ctx,
        span: Span,
    ) -> Result<Typed, Diagnostic> {
        let Some((anchor, _)) = ctx.cols.first() else {
            return Err(semantic(format!("{n}() needs a table with rows"), span));
        };
        // 1, 2, 3, ... over the frame
        let rownum = col(anchor.as_str())
            .is_null()
            .or(lit(true))
            .cast(DataType::Int64)
            .cum_sum(false);
        let mut konst_i64 = |i: usize, default: i64| -> Result<i64, Diagnostic> {
            match args.get(i) {
                None => Ok(default),
                Some(a) => self
                    .compile(a, &Ctx::scalar(ctx.scope))?
                    .konst
                    .and_then(|v| v.as_i64())
                    .ok_or_else(|| {
                        semantic(
                            format!("{n}(): this argument must be a constant number"),
                            a.span,
                        )
                    }),
            }
        };
        let out = |expr: Expr, ty: ScalarType| Typed::of(expr, ty);
        match n {
            "row_number" => {
                if args.len() > 1 {
                    return Err(unsupported(
                        "row_number() with a restart predicate is not supported",
                        span,
                    ));
                }
                let start = konst_i64(0, 1)?;
                Ok(out(rownum + lit(start - 1), ScalarType::Long))
            }
            "row_rank_dense" | "row_rank_min" => {
                if args.len() != 1 {
                    return Err(unsupported(
                        format!("{n}() with a restart predicate is not supported"),
                        span,
                    ));
                }
                let x = self.compile(&args[0], ctx)?;
                // a new rank where the value differs from the previous row's (the input is sorted)
                let changed = x
                    .expr
                    .clone()
                    .neq_missing(x.expr.shift(lit(1)))
                    .fill_null(lit(true));
                let e = if n == "row_rank_dense" {
                    changed.cast(DataType::Int64).cum_sum(false)
                } else {
                    when(changed)
                        .then(rownum)
                        .otherwise(lit(0i64))
                        .cum_max(false)
                };
                Ok(out(e, ScalarType::Long))
            }
            "row_cumsum" => {
                if args.len() != 1 {
                    return Err(unsupported(
                        "row_cumsum() with a restart predicate is not supported",
                        span,
                    ));
                }
                let x = self.compile(&args[0], ctx)?;
                if !x.ty.is_numeric() {
                    return Err(semantic(
                        format!("row_cumsum() needs a number, not {}", x.ty),
                        args[0].span,
                    ));
                }
                let ty = if x.ty == ScalarType::Real {
                    ScalarType::Real
                } else {
                    ScalarType::Long
                };
                Ok(out(x.expr.cast(polars_dtype(ty)).cum_sum(false), ty))
            }
            _ => {
                let offset = konst_i64(1, 1)?;
                let Some(a0) = args.first() else {
                    return Err(semantic(format!("{n}() needs a column"), span));
                };
                let x = self.compile(a0, ctx)?;
                let shift = if n == "prev" { offset } else { -offset };
                let shifted = x.expr.clone().shift(lit(shift));
                let e = match args.get(2) {
                    Some(d) => {
                        let dv = self.compile(d, ctx)?;
                        let dv = cast_typed(dv, x.ty);
                        let outside = if n == "prev" {
                            rownum.lt_eq(lit(offset))
                        } else {
                            rownum.gt(len().cast(DataType::Int64) - lit(offset))
                        };
                        when(outside).then(dv.expr).otherwise(shifted)
                    }
                    None if x.ty == ScalarType::String => shifted.fill_null(lit("")),
                    None => shifted,
                };
                Ok(out(e, x.ty))
            }
        }
    }

    pub(crate) fn call_scalar_function(
        &mut self,
        def: &ast::FunctionDef,
        fscope: &Scope,
        args: &[ast::Expr],
        ctx: &Ctx,
        span: Span,
    ) -> Result<Typed, Diagnostic> {
        let mut scope = self.bind_params(def, fscope, args, None, ctx.scope, ctx, span)?;
        let mut last = None;
        for st in &def.body {
            match st {
                ast::Statement::Let(l) => self.bind_let(l, &mut scope)?,
                ast::Statement::Expr(e) => last = Some(e),
                _ => {}
            }
        }
        let Some(e) = last else {
            return Err(semantic("the function has no body expression", def.span));
        };
        if self.is_tabular(e, &scope) {
            return Err(semantic(
                "this function returns a table; a scalar is expected here",
                span,
            ));
        }
        let body_ctx = Ctx {
            cols: ctx.cols,
            scope: &scope,
            input: ctx.input,
        };
        self.compile(e, &body_ctx).map(|t| t.with_name(None))
    }
}

/// Casts a compiled value to type `ty` (numeric widening; any value into dynamic).
pub(crate) fn cast_typed(t: Typed, ty: ScalarType) -> Typed {
    if t.ty == ty {
        return t;
    }
    if t.ty == ScalarType::Dynamic {
        // a dynamic value converted to a scalar type: a JSON string gives its text, a number its value
        return rowwise(
            vec![t],
            ty,
            Arc::new(move |v: &[Value]| super::convert::coerce(&v[0], ty)),
        );
    }
    if ty == ScalarType::Dynamic {
        // the dynamic column holds JSON text: a string "a" becomes "\"a\""
        return rowwise(
            vec![t],
            ScalarType::Dynamic,
            Arc::new(|v: &[Value]| {
                if v[0].is_null() {
                    Value::Null
                } else {
                    Value::Dynamic(v[0].to_dynamic())
                }
            }),
        );
    }
    if let Some(k) = &t.konst {
        return Typed::constant(k.clone(), ty);
    }
    Typed {
        expr: t.expr.cast(polars_dtype(ty)),
        ty,
        konst: None,
        name: t.name,
        is_type: false,
    }
}

/// `in`-family and has_any/has_all over one value.
fn list_eval(op: ListOp, x: &Value, list: &[Value]) -> Value {
    match op {
        ListOp::HasAny | ListOp::HasAll => {
            let h = x.to_kql_string();
            let needles: Vec<String> = list.iter().map(Value::to_kql_string).collect();
            let m = HasMatcher::new(&needles, TermMatch::Whole, false);
            Value::Bool(if op == ListOp::HasAny {
                m.any(&h)
            } else {
                m.all(&h)
            })
        }
        _ => {
            let ci = matches!(op, ListOp::InCi | ListOp::NotInCi);
            let neg = matches!(op, ListOp::NotIn | ListOp::NotInCi);
            let hit = if x.is_null() {
                false
            } else if ci {
                let xs = has::fold(&x.to_kql_string()).into_owned();
                list.iter().any(|v| has::fold(&v.to_kql_string()) == xs)
            } else {
                list.iter().any(|v| ops::values_equal(x, v))
            };
            Value::Bool(hit != neg)
        }
    }
}
