//! Statements and tabular operators onto polars lazy frames.

use std::collections::HashMap;
use std::rc::Rc;

use polars::prelude::*;

use crate::data::{Condition, TableProvider};
use crate::kql::ast::{self, ExprKind, LetValue, OpKind, Statement};
use crate::kql::diag::nearest;
use crate::kql::{DiagKind, Diagnostic, ScalarType, Span};

use super::convert::{self, lit_value, values_column};
use super::expr::{Ctx, Typed};
use super::value::Value;

/// A planned table: the lazy frame and its KQL schema, in column order.
#[derive(Clone)]
pub struct Frame {
    pub lf: LazyFrame,
    pub cols: Vec<(String, ScalarType)>,
}

impl Frame {
    pub fn col_type(&self, name: &str) -> Option<ScalarType> {
        self.cols.iter().find(|(n, _)| n == name).map(|(_, t)| *t)
    }
    pub fn names(&self) -> Vec<String> {
        self.cols.iter().map(|(n, _)| n.clone()).collect()
    }
    /// A frame from an eager DataFrame and its schema.
    pub fn from_df(df: DataFrame, cols: Vec<(String, ScalarType)>) -> Frame {
        Frame {
            lf: df.lazy(),
            cols,
        }
    }
    /// An empty frame with the given schema.
    pub fn empty(cols: Vec<(String, ScalarType)>) -> Frame {
        let columns: Vec<Column> = cols
            .iter()
            .map(|(n, t)| values_column(n, &[], *t))
            .collect();
        let df = DataFrame::new(0, columns).unwrap_or_default();
        Frame {
            lf: df.lazy(),
            cols,
        }
    }
}

/// What a name in scope stands for.
#[derive(Clone)]
pub enum Binding {
    /// A constant scalar (`let x = 5;`, a function parameter bound to a constant).
    Scalar(Value, ScalarType),
    /// A scalar function parameter bound to a column expression of the caller.
    Expr(Typed),
    Tabular(Frame),
    Function(Rc<ast::FunctionDef>, Scope),
    View(Rc<ast::FunctionDef>, Scope),
}

/// Names in scope, innermost last.
#[derive(Clone, Default)]
pub struct Scope {
    vars: Vec<(String, Binding)>,
}

impl Scope {
    pub fn get(&self, name: &str) -> Option<&Binding> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b)
    }
    pub fn bind(&mut self, name: &str, b: Binding) {
        self.vars.push((name.to_string(), b));
    }
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.vars.iter().map(|(n, _)| n.as_str())
    }
}

pub struct Planner<'a> {
    pub(crate) tables: &'a dyn TableProvider,
    pub(crate) now: i64,
    scans: HashMap<String, Frame>,
    pub(crate) tmp_counter: usize,
}

pub(crate) fn diag(kind: DiagKind, msg: impl Into<String>, span: Span) -> Diagnostic {
    Diagnostic::new(kind, msg, span)
}

pub(crate) fn semantic(msg: impl Into<String>, span: Span) -> Diagnostic {
    Diagnostic::new(DiagKind::Semantic, msg, span)
}

pub(crate) fn unsupported(msg: impl Into<String>, span: Span) -> Diagnostic {
    Diagnostic::new(DiagKind::Unsupported, msg, span)
}

pub(crate) fn polars_err(e: PolarsError, span: Span) -> Diagnostic {
    Diagnostic::new(DiagKind::Runtime, format!("{e}"), span)
}

/// A unique name: `base`, else `base1`, `base2`, ...
pub(crate) fn unique_name(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_string();
    }
    (1..)
        .map(|i| format!("{base}{i}"))
        .find(|n| !taken.iter().any(|t| t == n))
        .unwrap_or_default()
}

/// `Column1`, `Column2`, ...: the first not taken.
pub(crate) fn default_column_name(taken: &[String]) -> String {
    (1..)
        .map(|i| format!("Column{i}"))
        .find(|n| !taken.iter().any(|t| t == n))
        .unwrap_or_default()
}

fn wildcard_match(pattern: &str, name: &str) -> bool {
    if !pattern.contains('*') {
        return pattern == name;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    let mut pos = 0;
    for (i, p) in parts.iter().enumerate() {
        if p.is_empty() {
            continue;
        }
        if i == 0 {
            if !name.starts_with(p) {
                return false;
            }
            pos = p.len();
        } else if let Some(found) = name[pos..].find(p) {
            pos += found + p.len();
        } else {
            return false;
        }
    }
    parts
        .last()
        .is_none_or(|l| l.is_empty() || name.ends_with(l))
}

impl<'a> Planner<'a> {
    pub fn new(tables: &'a dyn TableProvider, now: i64) -> Self {
        Planner {
            tables,
            now,
            scans: HashMap::new(),
            tmp_counter: 0,
        }
    }

    pub(crate) fn tmp_name(&mut self, what: &str) -> String {
        self.tmp_counter += 1;
        format!("__hb_{what}_{}", self.tmp_counter)
    }

    pub fn plan_query(&mut self, q: &ast::Query) -> Result<Frame, Diagnostic> {
        let mut scope = Scope::default();
        let mut last = None;
        for st in &q.statements {
            match st {
                Statement::Let(l) => self.bind_let(l, &mut scope)?,
                Statement::Expr(e) => last = Some(self.plan_tabular(e, &scope)?),
                Statement::Set { .. } | Statement::DeclareQueryParameters { .. } => {}
            }
        }
        last.ok_or_else(|| {
            Diagnostic::new(
                DiagKind::Syntax,
                "the query has no tabular expression to run",
                q.span,
            )
            .with_help("a query ends with a tabular expression, e.g. `DeviceEvents | take 10`")
        })
    }

    pub(crate) fn bind_let(
        &mut self,
        l: &ast::LetStmt,
        scope: &mut Scope,
    ) -> Result<(), Diagnostic> {
        let b = match &l.value {
            LetValue::Function(def) => Binding::Function(Rc::new(def.clone()), scope.clone()),
            LetValue::View(def) => Binding::View(Rc::new(def.clone()), scope.clone()),
            LetValue::Expr(e) => {
                if self.is_tabular(e, scope) {
                    Binding::Tabular(self.plan_tabular(e, scope)?)
                } else {
                    let t = self.compile(e, &Ctx::scalar(scope))?;
                    match t.konst {
                        Some(v) => Binding::Scalar(v, t.ty),
                        // inside a function body, a value computed from parameters bound to the caller's
                        // columns
                        None => Binding::Expr(t),
                    }
                }
            }
        };
        scope.bind(&l.name.name, b);
        Ok(())
    }

    /// Whether an expression denotes a table (decided with the scope and the tables).
    pub(crate) fn is_tabular(&self, e: &ast::Expr, scope: &Scope) -> bool {
        match &e.kind {
            ExprKind::Pipe { .. }
            | ExprKind::Datatable { .. }
            | ExprKind::Print(_)
            | ExprKind::Range { .. }
            | ExprKind::Union(_)
            | ExprKind::Search(_)
            | ExprKind::UnsupportedSource { .. } => true,
            ExprKind::Paren(x) => self.is_tabular(x, scope),
            ExprKind::Ident(id) => match scope.get(&id.name) {
                Some(Binding::Tabular(_) | Binding::View(..)) => true,
                Some(Binding::Function(def, _)) => {
                    def.params.is_empty() && self.body_is_tabular(def)
                }
                Some(_) => false,
                None => self.tables.schema(&id.name).is_some(),
            },
            ExprKind::Call { name, .. } => match scope.get(&name.name) {
                Some(Binding::Function(def, _)) => self.body_is_tabular(def),
                Some(Binding::View(..)) => true,
                _ => matches!(name.name.as_str(), "materialize" | "table" | "view"),
            },
            _ => false,
        }
    }

    fn body_is_tabular(&self, def: &ast::FunctionDef) -> bool {
        // The body's value: tabular parameters and lets count as tables.
        let mut scope = Scope::default();
        for p in &def.params {
            if let ast::ParamType::Tabular(_) = p.ty {
                scope.bind(&p.name.name, Binding::Tabular(Frame::empty(vec![])));
            }
        }
        for st in &def.body {
            match st {
                Statement::Let(l) => {
                    if let LetValue::Expr(e) = &l.value
                        && self.is_tabular(e, &scope)
                    {
                        scope.bind(&l.name.name, Binding::Tabular(Frame::empty(vec![])));
                    }
                }
                Statement::Expr(e) => return self.is_tabular(e, &scope),
                _ => {}
            }
        }
        false
    }

    fn table(&mut self, name: &str, span: Span, scope: &Scope) -> Result<Frame, Diagnostic> {
        if let Some(f) = self.scans.get(name) {
            return Ok(f.clone());
        }
        let Some(schema) = self.tables.schema(name) else {
            let mut names = self.tables.table_names();
            names.extend(scope.names().map(str::to_string));
            let near = nearest(name, names.iter().map(String::as_str), 3);
            let mut d = diag(
                DiagKind::UnknownTable,
                format!("unknown table `{name}`"),
                span,
            )
            .with_label("not a loaded table or a `let` name");
            if !near.is_empty() {
                d = d.with_help(format!(
                    "did you mean {}?",
                    near.iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            } else if self.tables.table_names().is_empty() {
                d = d.with_help("no tables are loaded: pass --data DIR with exported tables");
            }
            return Err(d);
        };
        let lf = self
            .tables
            .scan(name)
            .map_err(|e| diag(DiagKind::Runtime, e, span))?;
        let f = Frame { lf, cols: schema };
        self.scans.insert(name.to_string(), f.clone());
        Ok(f)
    }

    /// Plans a tabular expression.
    pub fn plan_tabular(&mut self, e: &ast::Expr, scope: &Scope) -> Result<Frame, Diagnostic> {
        match &e.kind {
            ExprKind::Pipe { input, op } => {
                if let Some(f) = self.table_where_chain(e, scope) {
                    return f;
                }
                // `join kind=innerunique ... | where P` with P over left columns only: the real engine filters
                // the left side before it de-duplicates (join-innerunique.md), so do the same.
                if let OpKind::Where(pred) = &op.kind
                    && let ExprKind::Pipe {
                        input: jin,
                        op: jop,
                    } = &input.kind
                    && let OpKind::Join {
                        kind, right, on, ..
                    } = &jop.kind
                    && kind.unwrap_or(ast::JoinKind::InnerUnique) == ast::JoinKind::InnerUnique
                {
                    let left = self.plan_tabular(jin, scope)?;
                    let mut names = Vec::new();
                    idents_of(pred, &mut names);
                    if !names.is_empty() && names.iter().all(|n| left.col_type(n).is_some()) {
                        let where_op = ast::Operator {
                            kind: op.kind.clone(),
                            span: op.span,
                        };
                        let left = self.apply_op(left, &where_op, scope)?;
                        let r = self.plan_tabular(right, scope)?;
                        return self.join(left, r, ast::JoinKind::InnerUnique, on, false, jop.span);
                    }
                }
                if let OpKind::Union(spec) = &op.kind {
                    let label = as_label(input);
                    let f = self.plan_tabular(input, scope)?;
                    return self.union(Some((f, label)), spec, scope);
                }
                let f = self.plan_tabular(input, scope)?;
                self.apply_op(f, op, scope)
            }
            ExprKind::Paren(x) => self.plan_tabular(x, scope),
            ExprKind::Ident(id) => match scope.get(&id.name) {
                Some(Binding::Tabular(f)) => Ok(f.clone()),
                Some(Binding::View(def, fscope)) => {
                    let (def, fscope) = (def.clone(), fscope.clone());
                    self.call_tabular_function(&def, &fscope, &[], None, scope, e.span)
                }
                Some(Binding::Function(def, fscope)) if def.params.is_empty() => {
                    let (def, fscope) = (def.clone(), fscope.clone());
                    self.call_tabular_function(&def, &fscope, &[], None, scope, e.span)
                }
                Some(Binding::Scalar(..) | Binding::Expr(_)) => Err(semantic(
                    format!("`{}` is a scalar, not a table", id.name),
                    id.span,
                )),
                _ => self.table(&id.name, id.span, scope),
            },
            ExprKind::Call { name, args } => self.plan_tabular_call(name, args, scope, e.span),
            ExprKind::Datatable { columns, values } => {
                self.datatable(columns, values, scope, e.span)
            }
            ExprKind::Print(items) => self.print(items, scope),
            ExprKind::Range {
                name,
                from,
                to,
                step,
            } => self.range(name, from, to, step, scope),
            ExprKind::Union(spec) => self.union(None, spec, scope),
            ExprKind::Search(spec) => self.search(None, spec, scope),
            ExprKind::UnsupportedSource { name } => {
                Err(unsupported(format!("`{name}` is not supported"), e.span))
            }
            _ => Err(semantic(
                "expected a tabular expression (a table, a `let` table, or a pipe)",
                e.span,
            )),
        }
    }

    fn plan_tabular_call(
        &mut self,
        name: &ast::Ident,
        args: &[ast::Expr],
        scope: &Scope,
        span: Span,
    ) -> Result<Frame, Diagnostic> {
        match scope.get(&name.name) {
            Some(Binding::Function(def, fscope)) | Some(Binding::View(def, fscope)) => {
                let (def, fscope) = (def.clone(), fscope.clone());
                return self.call_tabular_function(&def, &fscope, args, None, scope, span);
            }
            _ => {}
        }
        match name.name.as_str() {
            "materialize" if args.len() == 1 => {
                let f = self.plan_tabular(&args[0], scope)?;
                Ok(Frame {
                    lf: f.lf.cache(),
                    cols: f.cols,
                })
            }
            "table" if args.len() == 1 => {
                let t = self.compile(&args[0], &Ctx::scalar(scope))?;
                match t.konst.as_ref().and_then(|v| v.as_str()) {
                    Some(n) => {
                        let n = n.to_string();
                        match scope.get(&n) {
                            Some(Binding::Tabular(f)) => Ok(f.clone()),
                            _ => self.table(&n, args[0].span, scope),
                        }
                    }
                    None => Err(semantic(
                        "table() expects a constant table name",
                        args[0].span,
                    )),
                }
            }
            other => Err(diag(
                DiagKind::UnknownName,
                format!("`{other}` is not a tabular function or table"),
                name.span,
            )),
        }
    }

    /// Calls a user function whose body is tabular. `input` is the piped table for `invoke`.
    pub(crate) fn call_tabular_function(
        &mut self,
        def: &ast::FunctionDef,
        fscope: &Scope,
        args: &[ast::Expr],
        input: Option<Frame>,
        caller: &Scope,
        span: Span,
    ) -> Result<Frame, Diagnostic> {
        let mut scope =
            self.bind_params(def, fscope, args, input, caller, &Ctx::scalar(caller), span)?;
        let mut last = None;
        for st in &def.body {
            match st {
                Statement::Let(l) => self.bind_let(l, &mut scope)?,
                Statement::Expr(e) => last = Some(e),
                _ => {}
            }
        }
        match last {
            Some(e) => self.plan_tabular(e, &scope),
            None => Err(semantic("the function has no body expression", def.span)),
        }
    }

    /// Binds a function's parameters to the call's arguments in a new scope derived from the definition's.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn bind_params(
        &mut self,
        def: &ast::FunctionDef,
        fscope: &Scope,
        args: &[ast::Expr],
        input: Option<Frame>,
        caller: &Scope,
        ctx: &Ctx,
        span: Span,
    ) -> Result<Scope, Diagnostic> {
        let mut scope = fscope.clone();
        let mut input = input;
        let mut args_iter = args.iter();
        for p in &def.params {
            match &p.ty {
                ast::ParamType::Tabular(_) => {
                    if let Some(f) = input.take() {
                        scope.bind(&p.name.name, Binding::Tabular(f));
                    } else if let Some(a) = args_iter.next() {
                        let f = self.plan_tabular(a, caller)?;
                        scope.bind(&p.name.name, Binding::Tabular(f));
                    } else {
                        return Err(semantic(
                            format!("missing table argument `{}`", p.name.name),
                            span,
                        ));
                    }
                }
                ast::ParamType::Scalar(ty) => {
                    let t = match (args_iter.next(), &p.default) {
                        (Some(a), _) => self.compile(a, ctx)?,
                        (None, Some(d)) => self.compile(d, &Ctx::scalar(caller))?,
                        (None, None) => {
                            return Err(semantic(
                                format!("missing argument `{}`", p.name.name),
                                span,
                            ));
                        }
                    };
                    let b = match &t.konst {
                        Some(v) => Binding::Scalar(convert::coerce(v, *ty), *ty),
                        None => Binding::Expr(t),
                    };
                    scope.bind(&p.name.name, b);
                }
            }
        }
        if args_iter.next().is_some() {
            return Err(semantic("too many arguments for this function", span));
        }
        Ok(scope)
    }

    fn datatable(
        &mut self,
        columns: &[ast::ColumnDecl],
        values: &[ast::Expr],
        scope: &Scope,
        span: Span,
    ) -> Result<Frame, Diagnostic> {
        let ncol = columns.len();
        if ncol == 0 {
            return Err(semantic("datatable needs at least one column", span));
        }
        if !values.len().is_multiple_of(ncol) {
            return Err(semantic(
                format!(
                    "datatable has {} values, not a multiple of its {ncol} columns",
                    values.len()
                ),
                span,
            ));
        }
        let mut cols: Vec<Vec<Value>> = vec![Vec::new(); ncol];
        for (i, v) in values.iter().enumerate() {
            let t = self.compile(v, &Ctx::scalar(scope))?;
            let Some(k) = t.konst else {
                return Err(semantic("datatable values must be constants", v.span));
            };
            cols[i % ncol].push(k);
        }
        let schema: Vec<(String, ScalarType)> = columns
            .iter()
            .map(|c| (c.name.name.clone(), c.ty))
            .collect();
        let series: Vec<Column> = schema
            .iter()
            .zip(&cols)
            .map(|((n, t), vals)| values_column(n, vals, *t))
            .collect();
        let df = DataFrame::new(values.len() / ncol, series).map_err(|e| polars_err(e, span))?;
        Ok(Frame::from_df(df, schema))
    }

    fn one_row() -> LazyFrame {
        let c = Column::new("__hb_row".into(), [0i32]);
        DataFrame::new(1, vec![c]).unwrap_or_default().lazy()
    }

    fn print(&mut self, items: &[ast::NamedExpr], scope: &Scope) -> Result<Frame, Diagnostic> {
        let mut exprs = Vec::new();
        let mut cols: Vec<(String, ScalarType)> = Vec::new();
        let ctx = Ctx::scalar(scope);
        for (i, item) in items.iter().enumerate() {
            let t = self.compile(&item.expr, &ctx)?;
            let taken: Vec<String> = cols.iter().map(|c| c.0.clone()).collect();
            let name = match item.names.first() {
                Some(n) => n.name.clone(),
                None => unique_name(&format!("print_{i}"), &taken),
            };
            exprs.push(t.expr.alias(name.as_str()));
            cols.push((name, t.ty));
        }
        // with_columns, not select: a select of literals alone is one row whatever the input
        Ok(select_cols(Self::one_row().with_columns(exprs), cols))
    }

    fn range(
        &mut self,
        name: &ast::Ident,
        from: &ast::Expr,
        to: &ast::Expr,
        step: &ast::Expr,
        scope: &Scope,
    ) -> Result<Frame, Diagnostic> {
        let ctx = Ctx::scalar(scope);
        let f = self.compile(from, &ctx)?;
        let t = self.compile(to, &ctx)?;
        let s = self.compile(step, &ctx)?;
        let (Some(fv), Some(tv), Some(sv)) = (f.konst.clone(), t.konst.clone(), s.konst.clone())
        else {
            return Err(semantic(
                "range bounds and step must be constants",
                from.span.to(step.span),
            ));
        };
        const MAX_ROWS: usize = 10_000_000;
        let too_many = || {
            semantic(
                format!("range would produce more than {MAX_ROWS} rows"),
                step.span,
            )
        };
        let (vals, ty): (Vec<Value>, ScalarType) = match (&fv, &tv, &sv) {
            (Value::DateTime(a), Value::DateTime(b), Value::TimeSpan(st))
            | (Value::TimeSpan(a), Value::TimeSpan(b), Value::TimeSpan(st)) => {
                if *st == 0 {
                    return Err(semantic("range step must not be zero", step.span));
                }
                let n = if (*b - *a) / *st < 0 {
                    0
                } else {
                    ((*b - *a) / *st) as usize + 1
                };
                if n > MAX_ROWS {
                    return Err(too_many());
                }
                let ty = f.ty;
                (
                    (0..n)
                        .map(|i| {
                            if ty == ScalarType::DateTime {
                                Value::DateTime(a + i as i64 * st)
                            } else {
                                Value::TimeSpan(a + i as i64 * st)
                            }
                        })
                        .collect(),
                    ty,
                )
            }
            _ if f.ty == ScalarType::Real
                || t.ty == ScalarType::Real
                || s.ty == ScalarType::Real =>
            {
                let (a, b, st) = (fv.as_f64(), tv.as_f64(), sv.as_f64());
                let (Some(a), Some(b), Some(st)) = (a, b, st) else {
                    return Err(semantic(
                        "range bounds must be numbers, datetimes or timespans",
                        from.span,
                    ));
                };
                if st == 0.0 {
                    return Err(semantic("range step must not be zero", step.span));
                }
                let n = ((b - a) / st).floor();
                if n < 0.0 {
                    (vec![], ScalarType::Real)
                } else {
                    if n as usize > MAX_ROWS {
                        return Err(too_many());
                    }
                    (
                        (0..=n as usize)
                            .map(|i| Value::Real(a + i as f64 * st))
                            .collect(),
                        ScalarType::Real,
                    )
                }
            }
            _ => {
                let (Some(a), Some(b), Some(st)) = (fv.as_i64(), tv.as_i64(), sv.as_i64()) else {
                    return Err(semantic(
                        "range bounds must be numbers, datetimes or timespans",
                        from.span,
                    ));
                };
                if st == 0 {
                    return Err(semantic("range step must not be zero", step.span));
                }
                let n = if (b - a) / st < 0 {
                    0
                } else {
                    ((b - a) / st) as usize + 1
                };
                if n > MAX_ROWS {
                    return Err(too_many());
                }
                let ty = ScalarType::widest_numeric(f.ty, t.ty).unwrap_or(ScalarType::Long);
                let ty = if ty == ScalarType::Int {
                    ScalarType::Int
                } else {
                    ScalarType::Long
                };
                ((0..n).map(|i| Value::Long(a + i as i64 * st)).collect(), ty)
            }
        };
        let col = values_column(&name.name, &vals, ty);
        let df = DataFrame::new(vals.len(), vec![col]).map_err(|e| polars_err(e, name.span))?;
        Ok(Frame::from_df(df, vec![(name.name.clone(), ty)]))
    }

    /// A `where` predicate over `cols` as a filter expression (null counts as false).
    fn where_predicate(
        &mut self,
        pred: &ast::Expr,
        cols: &[(String, ScalarType)],
        scope: &Scope,
    ) -> Result<Expr, Diagnostic> {
        let t = self.compile(pred, &Ctx::rows(cols, scope))?;
        if t.ty != ScalarType::Bool && t.ty != ScalarType::Dynamic {
            return Err(semantic(
                format!("`where` needs a boolean predicate, this is {}", t.ty),
                pred.span,
            ));
        }
        let e = if t.ty == ScalarType::Dynamic {
            super::expr::dynamic_to_bool(t.expr)
        } else {
            t.expr
        };
        Ok(null_as_false(e))
    }

    /// `T | where P1 | where P2 ...` straight over a loaded table `T`: one scan with the predicates handed to
    /// the table provider ([`TableProvider::scan_where`]), which applies them before converting the files'
    /// columns so that the file reader drops the rows that fail them (and reads the other columns only for the
    /// rows kept). `None` when `e` is not such a chain.
    fn table_where_chain(
        &mut self,
        e: &ast::Expr,
        scope: &Scope,
    ) -> Option<Result<Frame, Diagnostic>> {
        let mut preds = Vec::new();
        let mut cur = e;
        while let ExprKind::Pipe { input, op } = &cur.kind {
            let OpKind::Where(p) = &op.kind else {
                return None;
            };
            preds.push(p);
            cur = input;
        }
        let ExprKind::Ident(id) = &cur.kind else {
            return None;
        };
        if preds.is_empty() || scope.get(&id.name).is_some() {
            return None;
        }
        let cols = self.tables.schema(&id.name)?;
        preds.reverse();
        let chain = || {
            let mut parts = Vec::new();
            for p in preds {
                conjuncts(p, &mut parts);
            }
            let mut conditions = Vec::with_capacity(parts.len());
            for p in parts {
                let expr = self.where_predicate(p, &cols, scope)?;
                let mut key = format!("now={};", self.now);
                let key = condition_key(p, &cols, scope, &mut key).map(|()| key);
                conditions.push(Condition { expr, key });
            }
            let lf = self
                .tables
                .scan_where(&id.name, conditions)
                .map_err(|m| diag(DiagKind::Runtime, m, id.span))?;
            Ok(Frame { lf, cols })
        };
        Some(chain())
    }

    /// Applies one operator.
    pub fn apply_op(
        &mut self,
        f: Frame,
        op: &ast::Operator,
        scope: &Scope,
    ) -> Result<Frame, Diagnostic> {
        let span = op.span;
        match &op.kind {
            OpKind::Where(pred) => {
                let e = self.where_predicate(pred, &f.cols, scope)?;
                Ok(Frame {
                    lf: f.lf.filter(e),
                    cols: f.cols,
                })
            }
            OpKind::Extend(items) => self.extend(f, items, scope),
            OpKind::Project(items) => self.project(f, items, scope),
            OpKind::ProjectAway(pats) => {
                for p in pats {
                    if !p.name.contains('*') && f.col_type(&p.name).is_none() {
                        return Err(self.unknown_column(&p.name, p.span, &f));
                    }
                }
                let cols: Vec<(String, ScalarType)> = f
                    .cols
                    .iter()
                    .filter(|(n, _)| !pats.iter().any(|p| wildcard_match(&p.name, n)))
                    .cloned()
                    .collect();
                Ok(select_cols(f.lf, cols))
            }
            OpKind::ProjectKeep(pats) => {
                let cols: Vec<(String, ScalarType)> = f
                    .cols
                    .iter()
                    .filter(|(n, _)| pats.iter().any(|p| wildcard_match(&p.name, n)))
                    .cloned()
                    .collect();
                Ok(select_cols(f.lf, cols))
            }
            OpKind::ProjectRename(pairs) => {
                let mut cols = f.cols.clone();
                let mut exprs: Vec<Expr> = Vec::new();
                for (new, old) in pairs {
                    let Some(i) = cols.iter().position(|(n, _)| *n == old.name) else {
                        return Err(self.unknown_column(&old.name, old.span, &f));
                    };
                    cols[i].0 = new.name.clone();
                }
                for ((new, _), (old, _)) in cols.iter().zip(&f.cols) {
                    exprs.push(col(old.as_str()).alias(new.as_str()));
                }
                Ok(Frame {
                    lf: f.lf.select(exprs),
                    cols,
                })
            }
            OpKind::ProjectReorder(items) => {
                let mut ordered: Vec<(String, ScalarType)> = Vec::new();
                for (pat, order) in items {
                    let mut matched: Vec<(String, ScalarType)> = f
                        .cols
                        .iter()
                        .filter(|(n, _)| {
                            wildcard_match(&pat.name, n) && !ordered.iter().any(|(o, _)| o == n)
                        })
                        .cloned()
                        .collect();
                    if matched.is_empty() && !pat.name.contains('*') {
                        return Err(self.unknown_column(&pat.name, pat.span, &f));
                    }
                    match order {
                        Some(ast::ReorderOrder::Asc | ast::ReorderOrder::GrannyAsc) => {
                            matched.sort()
                        }
                        Some(ast::ReorderOrder::Desc | ast::ReorderOrder::GrannyDesc) => {
                            matched.sort();
                            matched.reverse()
                        }
                        None => {}
                    }
                    ordered.extend(matched);
                }
                for c in &f.cols {
                    if !ordered.iter().any(|(o, _)| *o == c.0) {
                        ordered.push(c.clone());
                    }
                }
                Ok(select_cols(f.lf, ordered))
            }
            OpKind::Summarize { aggs, by, .. } => self.summarize(f, aggs, by, scope),
            OpKind::TopNested(levels) => self.top_nested(f, levels, scope, span),
            OpKind::Count => Ok(Frame {
                lf: f.lf.select([len().cast(DataType::Int64).alias("Count")]),
                cols: vec![("Count".into(), ScalarType::Long)],
            }),
            OpKind::Distinct(items) => {
                if items.len() == 1 && matches!(items[0].kind, ExprKind::Star) {
                    let names = f.names();
                    let sel: Vec<PlSmallStr> = names.iter().map(|n| n.as_str().into()).collect();
                    return Ok(Frame {
                        lf: f.lf.unique_stable(
                            Some(Selector::ByName {
                                names: sel.into(),
                                strict: true,
                            }),
                            UniqueKeepStrategy::First,
                        ),
                        cols: f.cols,
                    });
                }
                let named: Vec<ast::NamedExpr> = items
                    .iter()
                    .map(|e| ast::NamedExpr {
                        names: vec![],
                        expr: e.clone(),
                        span: e.span,
                    })
                    .collect();
                let p = self.project(f, &named, scope)?;
                Ok(Frame {
                    lf: p.lf.unique_stable(None, UniqueKeepStrategy::First),
                    cols: p.cols,
                })
            }
            OpKind::Take(n) | OpKind::Sample(n) => {
                let t = self.compile(n, &Ctx::scalar(scope))?;
                let Some(k) = t.konst.as_ref().and_then(Value::as_i64) else {
                    return Err(semantic("take needs a constant row count", n.span));
                };
                if k < 0 {
                    return Err(semantic("take needs a row count of 0 or more", n.span));
                }
                Ok(Frame {
                    lf: f.lf.limit(k as IdxSize),
                    cols: f.cols,
                })
            }
            OpKind::Sort(keys) => self.sort(f, keys, scope),
            OpKind::Top { n, by } => {
                let t = self.compile(n, &Ctx::scalar(scope))?;
                let Some(k) = t.konst.as_ref().and_then(Value::as_i64) else {
                    return Err(semantic("top needs a constant row count", n.span));
                };
                let sorted = self.sort(f, by, scope)?;
                Ok(Frame {
                    lf: sorted.lf.limit(k.max(0) as IdxSize),
                    cols: sorted.cols,
                })
            }
            OpKind::Join {
                kind, right, on, ..
            } => {
                let r = self.plan_tabular(right, scope)?;
                self.join(
                    f,
                    r,
                    kind.unwrap_or(ast::JoinKind::InnerUnique),
                    on,
                    false,
                    span,
                )
            }
            OpKind::Lookup {
                kind, right, on, ..
            } => {
                let r = self.plan_tabular(right, scope)?;
                self.join(
                    f,
                    r,
                    kind.unwrap_or(ast::JoinKind::LeftOuter),
                    on,
                    true,
                    span,
                )
            }
            OpKind::Union(spec) => self.union(Some((f, None)), spec, scope),
            OpKind::MvExpand {
                legacy,
                params,
                items,
                limit,
            } => self.mv_expand(f, *legacy, params, items, limit.as_ref(), scope, span),
            OpKind::Parse {
                kind,
                where_,
                flags,
                expr,
                parts,
            } => self.parse_op(
                f,
                *kind,
                *where_,
                flags.as_deref(),
                expr,
                parts,
                scope,
                span,
            ),
            OpKind::Serialize(items) => {
                if items.is_empty() {
                    Ok(f)
                } else {
                    self.extend(f, items, scope)
                }
            }
            OpKind::As(_) => Ok(f),
            OpKind::GetSchema => {
                let names: Vec<Value> = f
                    .cols
                    .iter()
                    .map(|(n, _)| Value::String(n.clone()))
                    .collect();
                let ords: Vec<Value> = (0..f.cols.len()).map(|i| Value::Int(i as i32)).collect();
                let dts: Vec<Value> = f
                    .cols
                    .iter()
                    .map(|(_, t)| Value::String(dotnet_type(*t).into()))
                    .collect();
                let cts: Vec<Value> = f
                    .cols
                    .iter()
                    .map(|(_, t)| Value::String(t.name().into()))
                    .collect();
                let schema = vec![
                    ("ColumnName".to_string(), ScalarType::String),
                    ("ColumnOrdinal".to_string(), ScalarType::Int),
                    ("DataType".to_string(), ScalarType::String),
                    ("ColumnType".to_string(), ScalarType::String),
                ];
                let cols = vec![
                    values_column("ColumnName", &names, ScalarType::String),
                    values_column("ColumnOrdinal", &ords, ScalarType::Int),
                    values_column("DataType", &dts, ScalarType::String),
                    values_column("ColumnType", &cts, ScalarType::String),
                ];
                let df = DataFrame::new(names.len(), cols).map_err(|e| polars_err(e, span))?;
                Ok(Frame::from_df(df, schema))
            }
            OpKind::Invoke { name, args } => match scope.get(&name.name) {
                Some(Binding::Function(def, fscope)) => {
                    let (def, fscope) = (def.clone(), fscope.clone());
                    self.call_tabular_function(&def, &fscope, args, Some(f), scope, span)
                }
                _ => Err(diag(
                    DiagKind::UnknownName,
                    format!("unknown function `{}`", name.name),
                    name.span,
                )),
            },
            OpKind::Render { .. } => Ok(f),
            OpKind::Search(spec) => self.search(Some(f), spec, scope),
            OpKind::Evaluate { plugin, args } if plugin.name == "bag_unpack" => {
                self.bag_unpack(f, args, scope, span)
            }
            OpKind::Evaluate { plugin, .. } => Err(unsupported(
                format!("the `{}` plugin (evaluate) is not supported", plugin.name),
                span,
            )),
            OpKind::Unsupported { name } => {
                Err(unsupported(format!("{name} is not supported"), span))
            }
        }
    }

    /// `evaluate bag_unpack(col [, prefix])`: one column per key of the bags. The output schema depends on
    /// the data, so the input is collected here, at plan time.
    fn bag_unpack(
        &mut self,
        f: Frame,
        args: &[ast::Expr],
        scope: &Scope,
        span: Span,
    ) -> Result<Frame, Diagnostic> {
        let Some(first) = args.first() else {
            return Err(semantic("bag_unpack needs a dynamic column", span));
        };
        let t = self.compile(first, &Ctx::rows(&f.cols, scope))?;
        let prefix = match args.get(1) {
            Some(a) => match self.compile(a, &Ctx::scalar(scope))?.konst {
                Some(Value::String(p)) => p,
                _ => {
                    return Err(unsupported(
                        "bag_unpack: only a constant column prefix is supported",
                        a.span,
                    ));
                }
            },
            None => String::new(),
        };
        if args.len() > 2 {
            return Err(unsupported(
                "bag_unpack: only the column and a prefix are supported",
                span,
            ));
        }
        let source_col = match &first.kind {
            ExprKind::Ident(id) if f.col_type(&id.name).is_some() => Some(id.name.clone()),
            _ => None,
        };
        let tmp = self.tmp_name("bag");
        let df =
            f.lf.with_columns([t.expr.alias(tmp.as_str())])
                .collect()
                .map_err(|e| polars_err(e, span))?;
        let bags = convert::column_values(df.column(&tmp).map_err(|e| polars_err(e, span))?, t.ty)
            .map_err(|e| polars_err(e, span))?;
        let mut keys: Vec<String> = Vec::new();
        for b in &bags {
            if let Value::Dynamic(serde_json::Value::Object(m)) = b {
                for k in m.keys() {
                    if !keys.contains(k) {
                        keys.push(k.clone());
                    }
                }
            }
        }
        keys.sort();
        let mut cols: Vec<(String, ScalarType)> = f
            .cols
            .iter()
            .filter(|(n, _)| Some(n) != source_col.as_ref())
            .cloned()
            .collect();
        let mut columns: Vec<Column> = Vec::new();
        for (n, _) in &cols {
            columns.push(df.column(n).map_err(|e| polars_err(e, span))?.clone());
        }
        for k in keys {
            let name = format!("{prefix}{k}");
            if cols.iter().any(|(n, _)| *n == name) {
                return Err(semantic(
                    format!("bag_unpack: the column `{name}` already exists"),
                    span,
                ));
            }
            let vals: Vec<Value> = bags
                .iter()
                .map(|b| match b {
                    Value::Dynamic(serde_json::Value::Object(m)) => match m.get(&k) {
                        None | Some(serde_json::Value::Null) => Value::Null,
                        Some(v) => Value::Dynamic(v.clone()),
                    },
                    _ => Value::Null,
                })
                .collect();
            let ty = infer_dynamic_type(&vals);
            let typed: Vec<Value> = vals.iter().map(|v| convert::coerce(v, ty)).collect();
            columns.push(values_column(&name, &typed, ty));
            cols.push((name, ty));
        }
        let df = DataFrame::new(df.height(), columns).map_err(|e| polars_err(e, span))?;
        Ok(Frame::from_df(df, cols))
    }

    /// Basic `search`: a bare string term means "some column has it" (`kind=case_sensitive`: has_cs);
    /// column predicates (`Col:"x"`, `Col == 1`) are ordinary predicates. As a source it searches the listed
    /// tables (`in (T1, T2)`) or every loaded table, with the table's name in `$table`.
    fn search(
        &mut self,
        input: Option<Frame>,
        spec: &ast::SearchSpec,
        scope: &Scope,
    ) -> Result<Frame, Diagnostic> {
        let mut cs = false;
        for p in &spec.params {
            let v = match &p.value.kind {
                ExprKind::Ident(id) => id.name.clone(),
                _ => self
                    .compile(&p.value, &Ctx::scalar(scope))?
                    .konst
                    .map(|v| v.to_kql_string())
                    .unwrap_or_default(),
            };
            match (p.name.name.as_str(), v.as_str()) {
                ("kind", "case_sensitive") => cs = true,
                ("kind", "case_insensitive" | "default") => {}
                (other, _) => {
                    return Err(unsupported(
                        format!("search option `{other}` is not supported"),
                        p.span,
                    ));
                }
            }
        }
        let pred = search_predicate(&spec.predicate, cs)?;
        let where_op = ast::Operator {
            kind: OpKind::Where(pred),
            span: spec.span,
        };
        if let Some(f) = input {
            return self.apply_op(f, &where_op, scope);
        }
        let names: Vec<String> = if spec.tables.is_empty() {
            let mut t = self.tables.table_names();
            t.sort();
            t
        } else {
            spec.tables.iter().map(|t| t.name.clone()).collect()
        };
        let mut legs = Vec::new();
        for n in names {
            let id = ast::Ident {
                name: n.clone(),
                span: spec.span,
            };
            let source = ast::Expr {
                kind: ExprKind::Ident(id.clone()),
                span: spec.span,
            };
            let filtered = ast::Expr {
                kind: ExprKind::Pipe {
                    input: Box::new(source),
                    op: Box::new(where_op.clone()),
                },
                span: spec.span,
            };
            let as_op = ast::Operator {
                kind: OpKind::As(id),
                span: spec.span,
            };
            legs.push(ast::Expr {
                kind: ExprKind::Pipe {
                    input: Box::new(filtered),
                    op: Box::new(as_op),
                },
                span: spec.span,
            });
        }
        if legs.is_empty() {
            return Err(diag(
                DiagKind::UnknownTable,
                "search: no tables are loaded",
                spec.span,
            ));
        }
        let table_col = ast::Expr {
            kind: ExprKind::Ident(ast::Ident {
                name: "$table".into(),
                span: spec.span,
            }),
            span: spec.span,
        };
        let union = ast::UnionSpec {
            params: vec![ast::OpParam {
                name: ast::Ident {
                    name: "withsource".into(),
                    span: spec.span,
                },
                value: table_col,
                span: spec.span,
            }],
            legs,
            span: spec.span,
        };
        self.union(None, &union, scope)
    }

    pub(crate) fn unknown_column(&self, name: &str, span: Span, f: &Frame) -> Diagnostic {
        let names = f.names();
        let near = nearest(name, names.iter().map(String::as_str), 3);
        let mut d = diag(
            DiagKind::UnknownName,
            format!("unknown column `{name}`"),
            span,
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
        d
    }

    fn extend(
        &mut self,
        f: Frame,
        items: &[ast::NamedExpr],
        scope: &Scope,
    ) -> Result<Frame, Diagnostic> {
        let mut cols = f.cols.clone();
        let mut lf = f.lf;
        for item in items {
            // Each item sees the columns the previous ones made.
            let ctx = Ctx {
                cols: &cols,
                scope,
                input: Some(&f.cols),
            };
            let t = self.compile(&item.expr, &ctx)?;
            let outs = self.output_names(item, &t, &cols)?;
            let mut exprs = Vec::new();
            for (name, e, ty) in outs {
                exprs.push(e.alias(name.as_str()));
                match cols.iter().position(|(n, _)| *n == name) {
                    Some(i) => cols[i].1 = ty,
                    None => cols.push((name, ty)),
                }
            }
            lf = lf.with_columns(exprs);
        }
        Ok(Frame { lf, cols })
    }

    /// The output columns of one `name = expr` item. Tuple names take a dynamic array apart (`(a, b) =
    /// split(...)`) only for arg_max-like aggregates, handled by summarize; elsewhere one name.
    fn output_names(
        &mut self,
        item: &ast::NamedExpr,
        t: &Typed,
        cols: &[(String, ScalarType)],
    ) -> Result<Vec<(String, Expr, ScalarType)>, Diagnostic> {
        if item.names.len() > 1 {
            return Err(unsupported(
                "tuple assignment is only supported for arg_max/arg_min in summarize",
                item.span,
            ));
        }
        let name = match (item.names.first(), &t.name) {
            (Some(n), _) => n.name.clone(),
            (None, Some(n)) => n.clone(),
            (None, None) => {
                let taken: Vec<String> = cols.iter().map(|c| c.0.clone()).collect();
                default_column_name(&taken)
            }
        };
        Ok(vec![(name, t.expr.clone(), t.ty)])
    }

    fn project(
        &mut self,
        f: Frame,
        items: &[ast::NamedExpr],
        scope: &Scope,
    ) -> Result<Frame, Diagnostic> {
        let mut out: Vec<(String, ScalarType)> = Vec::new();
        let mut exprs = Vec::new();
        for item in items {
            if matches!(item.expr.kind, ExprKind::Star) {
                for c in &f.cols {
                    exprs.push(col(c.0.as_str()));
                    out.push(c.clone());
                }
                continue;
            }
            if let ExprKind::Ident(id) = &item.expr.kind
                && id.name.contains('*')
                && item.names.is_empty()
            {
                for c in f.cols.iter().filter(|(n, _)| wildcard_match(&id.name, n)) {
                    exprs.push(col(c.0.as_str()));
                    out.push(c.clone());
                }
                continue;
            }
            let t = self.compile(&item.expr, &Ctx::rows(&f.cols, scope))?;
            let taken: Vec<(String, ScalarType)> = out.clone();
            for (name, e, ty) in self.output_names(item, &t, &taken)? {
                if out.iter().any(|(n, _)| *n == name) {
                    return Err(semantic(
                        format!("column `{name}` is projected twice"),
                        item.span,
                    ));
                }
                exprs.push(e.alias(name.as_str()));
                out.push((name, ty));
            }
        }
        // Computed columns go through with_columns under temporary names (a select of literals alone would
        // be one row whatever the input), then one select picks and names them.
        let mut computed = Vec::new();
        let mut sel = Vec::new();
        for (i, (e, (name, _))) in exprs.into_iter().zip(&out).enumerate() {
            let tmp = format!("__hb_proj_{i}");
            computed.push(e.alias(tmp.as_str()));
            sel.push(col(tmp.as_str()).alias(name.as_str()));
        }
        Ok(Frame {
            lf: f.lf.with_columns(computed).select(sel),
            cols: out,
        })
    }

    fn sort(
        &mut self,
        f: Frame,
        keys: &[ast::SortKey],
        scope: &Scope,
    ) -> Result<Frame, Diagnostic> {
        let mut exprs = Vec::new();
        let mut desc = Vec::new();
        let mut nulls_last = Vec::new();
        for k in keys {
            let t = self.compile(&k.expr, &Ctx::rows(&f.cols, scope))?;
            let d = !matches!(k.order, Some(ast::SortOrder::Asc));
            let nl = match k.nulls {
                Some(ast::NullsOrder::Last) => true,
                Some(ast::NullsOrder::First) => false,
                None => d,
            };
            exprs.push(t.expr);
            desc.push(d);
            nulls_last.push(nl);
        }
        let opts = SortMultipleOptions::default()
            .with_order_descending_multi(desc)
            .with_nulls_last_multi(nulls_last)
            .with_maintain_order(true);
        Ok(Frame {
            lf: f.lf.sort_by_exprs(exprs, opts),
            cols: f.cols,
        })
    }

    fn join(
        &mut self,
        left: Frame,
        right: Frame,
        kind: ast::JoinKind,
        on: &[ast::JoinCond],
        lookup: bool,
        span: Span,
    ) -> Result<Frame, Diagnostic> {
        use ast::JoinKind as K;
        if on.is_empty() {
            return Err(semantic("join needs `on` keys", span));
        }
        let mut lkeys = Vec::new();
        let mut rkeys = Vec::new();
        for c in on {
            let (l, r) = match c {
                ast::JoinCond::Same(id) => (id, id),
                ast::JoinCond::Pair { left, right } => (left, right),
            };
            let lt = left
                .col_type(&l.name)
                .ok_or_else(|| self.unknown_column(&l.name, l.span, &left))?;
            let rt = right
                .col_type(&r.name)
                .ok_or_else(|| self.unknown_column(&r.name, r.span, &right))?;
            lkeys.push((l.name.clone(), lt));
            rkeys.push((r.name.clone(), rt));
        }
        // Semi and anti joins keep one side's columns only.
        let (how, swap) = match kind {
            K::LeftSemi => (Some(JoinType::Semi), false),
            K::LeftAnti => (Some(JoinType::Anti), false),
            K::RightSemi => (Some(JoinType::Semi), true),
            K::RightAnti => (Some(JoinType::Anti), true),
            _ => (None, false),
        };
        let key_exprs =
            |keys: &[(String, ScalarType)], other: &[(String, ScalarType)]| -> Vec<Expr> {
                keys.iter()
                    .zip(other)
                    .map(|((n, t), (_, o))| {
                        let e = col(n.as_str());
                        if t != o && t.is_numeric() && o.is_numeric() {
                            e.cast(DataType::Float64)
                        } else {
                            e
                        }
                    })
                    .collect()
            };
        if let Some(how) = how {
            let (a, b, ak, bk) = if swap {
                (right, left, rkeys, lkeys)
            } else {
                (left, right, lkeys, rkeys)
            };
            let args = JoinArgs {
                nulls_equal: true,
                ..JoinArgs::new(how)
            };
            let lf =
                a.lf.join(b.lf, key_exprs(&ak, &bk), key_exprs(&bk, &ak), args);
            return Ok(Frame { lf, cols: a.cols });
        }
        // Rename clashing right columns: Key -> Key1 (lookup drops the right key columns instead).
        let left_names = left.names();
        let mut taken = left_names.clone();
        let mut rsel = Vec::new();
        let mut rcols = Vec::new();
        // the right key columns under their (possibly renamed) names in the joined frame
        let mut rkey_names: Vec<String> = Vec::new();
        for (n, t) in &right.cols {
            let is_key = rkeys.iter().any(|(k, _)| k == n);
            if lookup && is_key {
                // lookup keeps the key columns once, from the left
                let tmp = format!("__hb_rk_{n}");
                rsel.push(col(n.as_str()).alias(tmp.as_str()));
                continue;
            }
            let new = unique_name(n, &taken);
            taken.push(new.clone());
            rsel.push(col(n.as_str()).alias(new.as_str()));
            rcols.push((new, *t));
        }
        for (k, _) in &rkeys {
            if lookup {
                rkey_names.push(format!("__hb_rk_{k}"));
            } else {
                let idx = right.cols.iter().position(|(n, _)| n == k).unwrap_or(0);
                rkey_names.push(rcols[idx].0.clone());
            }
        }
        let rlf = right.lf.select(rsel);
        let mut llf = left.lf;
        if kind == K::InnerUnique {
            let names: Vec<PlSmallStr> = lkeys.iter().map(|(n, _)| n.as_str().into()).collect();
            llf = llf.unique_stable(
                Some(Selector::ByName {
                    names: names.into(),
                    strict: true,
                }),
                UniqueKeepStrategy::First,
            );
        }
        let jt = match kind {
            K::InnerUnique | K::Inner => JoinType::Inner,
            K::LeftOuter => JoinType::Left,
            K::RightOuter => JoinType::Right,
            K::FullOuter => JoinType::Full,
            _ => JoinType::Inner,
        };
        let args = JoinArgs {
            nulls_equal: true,
            coalesce: JoinCoalesce::KeepColumns,
            maintain_order: MaintainOrderJoin::Left,
            ..JoinArgs::new(jt)
        };
        let lk: Vec<Expr> = key_exprs(&lkeys, &rkeys);
        let rk: Vec<Expr> = rkeys
            .iter()
            .zip(&rkey_names)
            .zip(&lkeys)
            .map(|(((_, t), n), (_, o))| {
                let e = col(n.as_str());
                if t != o && t.is_numeric() && o.is_numeric() {
                    e.cast(DataType::Float64)
                } else {
                    e
                }
            })
            .collect();
        let mut lf = llf.join(rlf, lk, rk, args);
        let mut cols = left.cols.clone();
        cols.extend(rcols.iter().cloned());
        // Strings are never null: unmatched cells of outer joins become "".
        let fills: Vec<Expr> = cols
            .iter()
            .filter(|(_, t)| *t == ScalarType::String)
            .map(|(n, _)| col(n.as_str()).fill_null(lit("")))
            .collect();
        let sel: Vec<Expr> = cols.iter().map(|(n, _)| col(n.as_str())).collect();
        if !fills.is_empty() {
            lf = lf.with_columns(fills);
        }
        Ok(Frame {
            lf: lf.select(sel),
            cols,
        })
    }

    fn union(
        &mut self,
        first: Option<(Frame, Option<String>)>,
        spec: &ast::UnionSpec,
        scope: &Scope,
    ) -> Result<Frame, Diagnostic> {
        let mut kind_inner = false;
        let mut fuzzy = false;
        let mut withsource: Option<String> = None;
        for p in &spec.params {
            let v = match &p.value.kind {
                ExprKind::Ident(id) => id.name.clone(),
                _ => {
                    let t = self.compile(&p.value, &Ctx::scalar(scope))?;
                    t.konst.map(|v| v.to_kql_string()).unwrap_or_default()
                }
            };
            match p.name.name.as_str() {
                "kind" => kind_inner = v == "inner",
                "withsource" => withsource = Some(v),
                "isfuzzy" => fuzzy = v == "true",
                other => {
                    return Err(unsupported(
                        format!("union option `{other}` is not supported"),
                        p.span,
                    ));
                }
            }
        }
        let mut legs: Vec<(String, Frame)> = Vec::new();
        let mut arg_i = 0;
        if let Some((f, label)) = first {
            legs.push((label.unwrap_or_else(|| format!("union_arg{arg_i}")), f));
            arg_i += 1;
        }
        for leg in &spec.legs {
            match &leg.kind {
                ExprKind::Ident(id) if id.name.contains('*') => {
                    // wildcards match the tables and the views defined with `let V = view () {...}`
                    let mut names: Vec<String> = self
                        .tables
                        .table_names()
                        .into_iter()
                        .filter(|t| wildcard_match(&id.name, t))
                        .collect();
                    names.sort();
                    let mut views: Vec<String> = scope
                        .names()
                        .filter(|n| wildcard_match(&id.name, n))
                        .filter(|n| matches!(scope.get(n), Some(Binding::View(..))))
                        .map(str::to_string)
                        .collect();
                    views.sort();
                    views.dedup();
                    for n in names {
                        let f = self.table(&n, id.span, scope)?;
                        legs.push((n, f));
                    }
                    for v in views {
                        let e = ast::Expr {
                            kind: ExprKind::Ident(ast::Ident {
                                name: v.clone(),
                                span: id.span,
                            }),
                            span: id.span,
                        };
                        let f = self.plan_tabular(&e, scope)?;
                        legs.push((v, f));
                    }
                }
                ExprKind::Ident(id) => {
                    let label = match scope.get(&id.name) {
                        Some(Binding::Tabular(_)) => {
                            let l = format!("union_arg{arg_i}");
                            arg_i += 1;
                            l
                        }
                        _ => id.name.clone(),
                    };
                    let f = self.plan_tabular(leg, scope)?;
                    legs.push((label, f));
                }
                _ => {
                    let f = match self.plan_tabular(leg, scope) {
                        Ok(f) => f,
                        // isfuzzy=true: a leg that does not resolve is left out
                        Err(d)
                            if fuzzy
                                && matches!(
                                    d.kind,
                                    DiagKind::UnknownTable | DiagKind::UnknownName
                                ) =>
                        {
                            continue;
                        }
                        Err(d) => return Err(d),
                    };
                    let label = as_label(leg).unwrap_or_else(|| {
                        arg_i += 1;
                        format!("union_arg{}", arg_i - 1)
                    });
                    legs.push((label, f));
                }
            }
        }
        if legs.is_empty() {
            return Err(diag(
                DiagKind::UnknownTable,
                "union matched no tables",
                spec.span,
            ));
        }
        // The union schema: every (name, type); a name with two types gets one column per type (x_long, x_string).
        let mut seen: Vec<(String, ScalarType)> = Vec::new();
        for (_, f) in &legs {
            for c in &f.cols {
                if !seen.contains(c) {
                    seen.push(c.clone());
                }
            }
        }
        if kind_inner {
            seen.retain(|c| legs.iter().all(|(_, f)| f.cols.contains(c)));
        }
        let mut out_cols: Vec<(String, ScalarType, String)> = Vec::new(); // (source name, type, output name)
        for (n, t) in &seen {
            let multi = seen.iter().filter(|(m, _)| m == n).count() > 1;
            let out = if multi {
                format!("{n}_{}", t.name())
            } else {
                n.clone()
            };
            out_cols.push((n.clone(), *t, out));
        }
        let mut lfs = Vec::new();
        for (label, f) in legs {
            let mut sel = Vec::new();
            if let Some(ws) = &withsource {
                sel.push(lit(label.clone()).alias(ws.as_str()));
            }
            for (n, t, out) in &out_cols {
                if f.cols.iter().any(|(m, u)| m == n && u == t) {
                    sel.push(col(n.as_str()).alias(out.as_str()));
                } else {
                    sel.push(lit_value(&Value::null_of(*t), *t).alias(out.as_str()));
                }
            }
            lfs.push(f.lf.select(sel));
        }
        let lf = concat(lfs, UnionArgs::default()).map_err(|e| polars_err(e, spec.span))?;
        let mut cols: Vec<(String, ScalarType)> = Vec::new();
        if let Some(ws) = withsource {
            cols.push((ws, ScalarType::String));
        }
        cols.extend(out_cols.into_iter().map(|(_, t, o)| (o, t)));
        Ok(Frame { lf, cols })
    }
}

/// The type a column of JSON values gets when unpacked: long, real, bool or string when every non-null value
/// is one, dynamic otherwise.
fn infer_dynamic_type(vals: &[Value]) -> ScalarType {
    let mut ty: Option<ScalarType> = None;
    for v in vals {
        let t = match v {
            Value::Dynamic(serde_json::Value::Number(n)) if n.is_i64() => ScalarType::Long,
            Value::Dynamic(serde_json::Value::Number(_)) => ScalarType::Real,
            Value::Dynamic(serde_json::Value::String(_)) => ScalarType::String,
            Value::Dynamic(serde_json::Value::Bool(_)) => ScalarType::Bool,
            Value::Null => continue,
            _ => return ScalarType::Dynamic,
        };
        ty = match (ty, t) {
            (None, t) => Some(t),
            (Some(a), b) if a == b => Some(a),
            (Some(ScalarType::Long), ScalarType::Real)
            | (Some(ScalarType::Real), ScalarType::Long) => Some(ScalarType::Real),
            _ => return ScalarType::Dynamic,
        };
    }
    ty.unwrap_or(ScalarType::Dynamic)
}

/// A search predicate as a where predicate: bare string terms become `* has "term"` (`has_cs` for
/// kind=case_sensitive); `and`, `or`, `not()` and parentheses combine them.
fn search_predicate(e: &ast::Expr, cs: bool) -> Result<ast::Expr, Diagnostic> {
    let star = || ast::Expr {
        kind: ExprKind::Star,
        span: e.span,
    };
    Ok(match &e.kind {
        ExprKind::Literal(ast::Literal::String(t)) => {
            if t.contains('*') {
                return Err(unsupported(
                    "search terms with `*` wildcards are not supported",
                    e.span,
                ));
            }
            let op = if cs {
                ast::BinOp::HasCs
            } else {
                ast::BinOp::Has
            };
            ast::Expr {
                kind: ExprKind::Binary {
                    op,
                    left: Box::new(star()),
                    right: Box::new(e.clone()),
                },
                span: e.span,
            }
        }
        ExprKind::Binary {
            op: op @ (ast::BinOp::And | ast::BinOp::Or),
            left,
            right,
        } => ast::Expr {
            kind: ExprKind::Binary {
                op: *op,
                left: Box::new(search_predicate(left, cs)?),
                right: Box::new(search_predicate(right, cs)?),
            },
            span: e.span,
        },
        ExprKind::Paren(x) => ast::Expr {
            kind: ExprKind::Paren(Box::new(search_predicate(x, cs)?)),
            span: e.span,
        },
        ExprKind::Call { name, args } if name.name == "not" && args.len() == 1 => ast::Expr {
            kind: ExprKind::Call {
                name: name.clone(),
                args: vec![search_predicate(&args[0], cs)?],
            },
            span: e.span,
        },
        _ => e.clone(),
    })
}

/// The name given by a trailing `| as Name`, for `union withsource`.
fn as_label(e: &ast::Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Paren(x) => as_label(x),
        ExprKind::Pipe { op, .. } => match &op.kind {
            OpKind::As(id) => Some(id.name.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// `e` with null counted as false, applied to each `and`-part (`(a & b).fill_null(false)` keeps the rows
/// `a.fill_null(false) & b.fill_null(false)` keeps): the parts stay separate conjuncts, which polars' Parquet
/// reader evaluates column by column (a range over a datetime column cheaply, before the other columns).
fn null_as_false(e: Expr) -> Expr {
    match e {
        Expr::BinaryExpr {
            left,
            op: Operator::And | Operator::LogicalAnd,
            right,
        } => null_as_false(Arc::unwrap_or_clone(left))
            .and(null_as_false(Arc::unwrap_or_clone(right))),
        e => e.fill_null(lit(false)),
    }
}

/// The `and`-parts of a `where` predicate (`a and (b and c)`: a, b, c). Filtering by each in turn keeps
/// the rows filtering by the whole keeps, nulls included (null counts as false either way).
fn conjuncts<'e>(e: &'e ast::Expr, out: &mut Vec<&'e ast::Expr>) {
    match &e.kind {
        ExprKind::Binary {
            op: ast::BinOp::And,
            left,
            right,
        } => {
            conjuncts(left, out);
            conjuncts(right, out);
        }
        ExprKind::Paren(x)
            if matches!(
                x.kind,
                ExprKind::Binary {
                    op: ast::BinOp::And,
                    ..
                }
            ) =>
        {
            conjuncts(x, out)
        }
        _ => out.push(e),
    }
}

/// Functions whose value for a row depends on other rows, on the order of rows, on other tables, or on
/// chance: a condition using one is not keyed.
const NOT_ROW_BY_ROW: &[&str] = &[
    "rand",
    "new_guid",
    "row_number",
    "row_cumsum",
    "row_rank_dense",
    "row_rank_min",
    "row_window_session",
    "prev",
    "next",
    "toscalar",
    "materialize",
    "current_principal",
    "current_principal_details",
    "current_cluster_endpoint",
    "current_database",
    "cursor_after",
    "cursor_before_or_at",
    "cursor_current",
    "ingestion_time",
    "extent_id",
    "extent_tags",
];

/// Writes what a `where` condition over a table means on its own (see [`Condition::key`]) onto `out`: its
/// form, with the value of each `let` name it uses written out (spans and layout left out, so that an edit
/// elsewhere in the query does not change it). `None` when the condition is not plainly row by row: it uses
/// another table, a function of the query, a function from [`NOT_ROW_BY_ROW`], or anything not handled here.
fn condition_key(
    e: &ast::Expr,
    cols: &[(String, ScalarType)],
    scope: &Scope,
    out: &mut String,
) -> Option<()> {
    use std::fmt::Write;
    let each = |xs: &mut dyn Iterator<Item = &ast::Expr>, out: &mut String| -> Option<()> {
        out.push('(');
        for x in xs {
            condition_key(x, cols, scope, out)?;
            out.push(',');
        }
        out.push(')');
        Some(())
    };
    match &e.kind {
        ExprKind::Literal(l) => write!(out, "{l:?}").ok()?,
        ExprKind::TypeOf(t) => write!(out, "typeof({t})").ok()?,
        ExprKind::Ident(id) => {
            if cols.iter().any(|(n, _)| *n == id.name) {
                write!(out, "[{:?}]", id.name).ok()?
            } else {
                match scope.get(&id.name) {
                    Some(Binding::Scalar(v, t)) => write!(out, "({v:?}:{t})").ok()?,
                    Some(_) => return None,
                    None if id.name == "true" || id.name == "false" => out.push_str(&id.name),
                    None => return None,
                }
            }
        }
        ExprKind::Binary { op, left, right } => {
            write!(out, "{op:?}").ok()?;
            each(&mut [&**left, &**right].into_iter(), out)?;
        }
        ExprKind::Unary { op, expr } => {
            write!(out, "{op:?}").ok()?;
            each(&mut std::iter::once(&**expr), out)?;
        }
        ExprKind::Paren(x) => condition_key(x, cols, scope, out)?,
        ExprKind::Call { name, args } => {
            let lower = name.name.to_ascii_lowercase();
            if scope.get(&name.name).is_some() || NOT_ROW_BY_ROW.contains(&lower.as_str()) {
                return None;
            }
            write!(out, "{:?}", name.name).ok()?;
            each(&mut args.iter(), out)?;
        }
        ExprKind::ListOp { op, expr, items } => {
            write!(out, "{op:?}").ok()?;
            each(&mut std::iter::once(&**expr), out)?;
            each(&mut items.iter(), out)?;
        }
        ExprKind::Between {
            negated,
            expr,
            low,
            high,
        } => {
            write!(out, "between{negated}").ok()?;
            each(&mut [&**expr, &**low, &**high].into_iter(), out)?;
        }
        ExprKind::Member { expr, name } => {
            condition_key(expr, cols, scope, out)?;
            write!(out, ".{:?}", name.name).ok()?;
        }
        ExprKind::Index { expr, index } => {
            condition_key(expr, cols, scope, out)?;
            each(&mut std::iter::once(&**index), out)?;
        }
        _ => return None,
    }
    Some(())
}

/// The identifiers a scalar expression refers to (not function names).
pub(crate) fn idents_of(e: &ast::Expr, out: &mut Vec<String>) {
    match &e.kind {
        ExprKind::Ident(id) => out.push(id.name.clone()),
        ExprKind::Binary { left, right, .. } => {
            idents_of(left, out);
            idents_of(right, out);
        }
        ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) | ExprKind::Member { expr, .. } => {
            idents_of(expr, out)
        }
        ExprKind::Index { expr, index } => {
            idents_of(expr, out);
            idents_of(index, out);
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|a| idents_of(a, out)),
        ExprKind::ListOp { expr, items, .. } => {
            idents_of(expr, out);
            items.iter().for_each(|a| idents_of(a, out));
        }
        ExprKind::Between {
            expr, low, high, ..
        } => {
            idents_of(expr, out);
            idents_of(low, out);
            idents_of(high, out);
        }
        _ => {}
    }
}

/// Selects columns by name.
pub(crate) fn select_cols(lf: LazyFrame, cols: Vec<(String, ScalarType)>) -> Frame {
    let sel: Vec<Expr> = cols.iter().map(|(n, _)| col(n.as_str())).collect();
    Frame {
        lf: lf.select(sel),
        cols,
    }
}

/// The .NET type names `getschema` prints.
fn dotnet_type(t: ScalarType) -> &'static str {
    match t {
        ScalarType::Bool => "System.SByte",
        ScalarType::Int => "System.Int32",
        ScalarType::Long => "System.Int64",
        ScalarType::Real => "System.Double",
        ScalarType::Decimal => "System.Data.SqlTypes.SqlDecimal",
        ScalarType::String => "System.String",
        ScalarType::DateTime => "System.DateTime",
        ScalarType::TimeSpan => "System.TimeSpan",
        ScalarType::Dynamic => "System.Object",
        ScalarType::Guid => "System.Guid",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A table `T` (A: long, S: string) that records the conditions queries put on it.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<Vec<Option<String>>>>);

    impl TableProvider for Recorder {
        fn table_names(&self) -> Vec<String> {
            vec!["T".into()]
        }
        fn schema(&self, name: &str) -> Option<crate::data::TableSchema> {
            (name == "T").then(|| {
                vec![
                    ("A".to_string(), ScalarType::Long),
                    ("S".to_string(), ScalarType::String),
                ]
            })
        }
        fn scan(&self, _name: &str) -> Result<LazyFrame, String> {
            Ok(df!("A" => Vec::<i64>::new(), "S" => Vec::<String>::new())
                .map_err(|e| e.to_string())?
                .lazy())
        }
        fn scan_where(&self, name: &str, conditions: Vec<Condition>) -> Result<LazyFrame, String> {
            self.0
                .lock()
                .unwrap()
                .push(conditions.into_iter().map(|c| c.key).collect());
            self.scan(name)
        }
    }

    fn keys(query: &str, now: i64) -> Vec<Option<String>> {
        let rec = Recorder::default();
        let q = crate::kql::parse(query).unwrap();
        Planner::new(&rec, now).plan_query(&q).unwrap();
        // The query's last scan of T (a `let` before it may scan T too).
        let all = rec.0.into_inner().unwrap();
        all.last().cloned().unwrap_or_default()
    }

    #[test]
    fn where_conditions_are_split_and_keyed_by_meaning() {
        // One condition per `and`-part, over the where clauses in turn.
        let k = keys(
            "T | where A > 1 and (S has 'x' and S != 'y') | where A < 9",
            0,
        );
        assert_eq!(k.len(), 4);
        assert!(k.iter().all(Option::is_some), "{k:?}");
        // Layout, spans and the other conditions do not change a key; values and `now()` do.
        let k2 = keys("let n = 1;\nT\n| where S has 'x'   and A > n", 0);
        assert_eq!(k2[0], k[1]);
        let with = |n: i64| keys(&format!("let n = {n}; T | where A > n"), 0);
        assert_eq!(with(1), with(1));
        assert_ne!(with(1), with(2));
        let ago = |now: i64| keys("T | where A > 0 and A < ago(1d)", now);
        assert_ne!(ago(5)[1], ago(6)[1]);
        assert_ne!(ago(5)[0], ago(6)[0], "now() is part of every key");
    }

    #[test]
    fn conditions_that_are_not_row_by_row_get_no_key() {
        for q in [
            "T | where A > rand()",
            "let f = (x: long) { x > 1 }; T | where f(A)",
            "let U = T | where A > 2 | project A; T | where A in (U)",
            "T | where A in ((T | where A > 1 | project A))",
        ] {
            let k = keys(q, 0);
            assert_eq!(k, [None], "{q}");
        }
        // A keyed part next to an unkeyed one keeps its key.
        let k = keys("T | where S has 'x' and A > rand()", 0);
        assert!(k[0].is_some() && k[1].is_none(), "{k:?}");
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("Device*", "DeviceEvents"));
        assert!(wildcard_match("*Events", "DeviceEvents"));
        assert!(!wildcard_match("Device*", "EmailEvents"));
        assert!(wildcard_match("D*E*s", "DeviceEvents"));
        assert_eq!(unique_name("Key", &["Key".into(), "Key1".into()]), "Key2");
    }
}
