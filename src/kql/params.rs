//! Rule parameters: the values of a query an analyst tunes, discovered from the query, typed, validated, and
//! substituted back into the query text by span, so everything else in the query (comments, layout) stays as
//! written and the result re-parses.
//!
//! [`discover`] finds, in order of appearance:
//! - top-level `let name = value;` bindings (the last binding of a name wins), typed from their literal;
//! - Sentinel's time-window placeholders `{{StartTimeISO}}` / `{{EndTimeISO}}` (typically inside a string:
//!   `todatetime('{{StartTimeISO}}')`). They are datetime parameters with a default window of the last day
//!   ([`PLACEHOLDER_DEFAULTS`]: `ago(1d)` .. `now()`), and [`apply`] always substitutes them, so a query with
//!   placeholders parses and runs. A placeholder that is a whole string literal (or stands bare) is replaced,
//!   quotes included, by the value's KQL expression; one inside a longer string takes a `datetime(...)` value,
//!   written as its ISO text;
//! - inline values in `where` predicates (anywhere: let-bound subqueries, join and union legs too): string
//!   literals and string lists compared to a column (`Signer has 'x'`, `RemoteUrl has_any ('a', 'b')`,
//!   `==`, `!=`, `=~`, `in`, `!in`, `contains`, `startswith`, `endswith`, `matches regex` ...), numeric
//!   thresholds (`Count > 10`), time windows (`Timestamp > ago(7d)`, `now(-5d)`, `datetime(...)`, both ends
//!   of `between (ago(7d) .. now())`). An inline parameter is named after its column and operator
//!   (`Signer_has`, `RemoteUrl_has_any`, `Timestamp_gt`, `Timestamp_from` / `Timestamp_to` for a between),
//!   with `_2`, `_3` ... when a name repeats. Values that name a `let` binding are that binding's parameter.
//!
//! Each [`Param`] carries its kind, the span(s) of its value, the rule's text, the current value and its
//! context (column and operator). [`validate`] checks a new value (its kind, and that the query with it
//! substituted parses) and says why not.

use serde::Serialize;

use super::ast::{BinOp, Expr, ExprKind, LetValue, Literal, OpKind, Span, Statement, UnaryOp};
use super::diag::Diagnostic;

/// The default time window for Sentinel's placeholders: (name, KQL value).
pub const PLACEHOLDER_DEFAULTS: [(&str, &str); 2] =
    [("StartTimeISO", "ago(1d)"), ("EndTimeISO", "now()")];

/// The type of a parameter, decided from the literal in its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// `now()`, `now(-5d)`, `ago(1h)`, `datetime(2024-05-01)`.
    Datetime,
    /// `5d`, `timespan(1h)`.
    Timespan,
    /// `'text'`.
    String,
    /// `dynamic(['a', 'b'])`, `pack_array('a', 'b')`; inline lists also `'a', 'b'`.
    StringList,
    /// `10`, `-1`, `0.5`.
    Number,
    /// Anything else (a tabular expression, a computed value): any expression that parses.
    Expression,
}

impl ParamKind {
    pub fn label(self) -> &'static str {
        match self {
            ParamKind::Datetime => "datetime",
            ParamKind::Timespan => "timespan",
            ParamKind::String => "string",
            ParamKind::StringList => "string list",
            ParamKind::Number => "number",
            ParamKind::Expression => "expression",
        }
    }

    /// What a value of this type looks like, for refusals.
    pub fn example(self) -> &'static str {
        match self {
            ParamKind::Datetime => "now(-5d), ago(1h) or datetime(2024-05-01T00:00:00Z)",
            ParamKind::Timespan => "5d, 12h, 30m",
            ParamKind::String => "'text'",
            ParamKind::StringList => "dynamic(['a', 'b'])",
            ParamKind::Number => "10 or 0.5",
            ParamKind::Expression => "a KQL expression",
        }
    }
}

/// Where a parameter was found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// `let name = value;`
    Let,
    /// A literal in a `where` predicate.
    Inline,
    /// `{{StartTimeISO}}` / `{{EndTimeISO}}`; `embedded[i]` says span `i` is inside a longer string.
    Placeholder { embedded: Vec<bool> },
}

/// One parameter of a query: the rule's own value and the current (possibly edited) value.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Param {
    /// Stable name: the `let` name, the placeholder name, or `Column_op` for inline values.
    pub name: String,
    pub kind: ParamKind,
    pub origin: Origin,
    /// Byte spans of the value in the original query (several for a placeholder used more than once).
    pub spans: Vec<Span>,
    /// The value as written in the rule (for a placeholder: its default).
    pub original: String,
    /// The value the query runs with.
    pub value: String,
    /// The column the value is compared with, when known.
    pub column: Option<String>,
    /// The operator (`has`, `!in`, `>`, `between`, `let`, `placeholder`).
    pub op: String,
}

impl Param {
    pub fn edited(&self) -> bool {
        self.value != self.original
    }

    /// The first span of the value.
    pub fn span(&self) -> Span {
        self.spans.first().copied().unwrap_or_default()
    }

    /// Where the value is used, for listings: `Signer has`, `let`, `{{StartTimeISO}}`.
    pub fn context(&self) -> String {
        match (&self.origin, &self.column) {
            (Origin::Placeholder { .. }, _) => format!("{{{{{}}}}}", self.name),
            (_, Some(c)) => format!("{c} {}", self.op),
            (_, None) => self.op.clone(),
        }
    }
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

// ---------------------------------------------------------------------------------------------------------
// placeholders

struct Placeholder {
    name: String,
    span: Span,
    embedded: bool,
}

/// The `{{Name}}` placeholders of `source` outside comments. A placeholder that is a whole string literal gets
/// the literal's span (quotes included); one inside a longer string is `embedded`.
fn scan_placeholders(source: &str) -> Vec<Placeholder> {
    let b = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let name_at = |i: usize| -> Option<(String, usize)> {
        let rest = source.get(i..)?;
        let inner = rest.strip_prefix("{{")?;
        let end = inner.find("}}")?;
        let name = &inner[..end];
        (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .then(|| (name.to_string(), i + 2 + end + 2))
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            q @ (b'\'' | b'"') => {
                let verbatim = i > 0 && b[i - 1] == b'@';
                let start = i;
                i += 1;
                let mut found: Vec<(String, usize, usize)> = Vec::new();
                while i < b.len() && b[i] != q {
                    if b[i] == b'\\' && !verbatim {
                        i += 2;
                        continue;
                    }
                    if let Some((name, end)) = name_at(i) {
                        found.push((name, i, end));
                        i = end;
                        continue;
                    }
                    i += 1;
                }
                let close = i.min(b.len());
                i += 1;
                let whole = found.len() == 1 && found[0].1 == start + 1 && found[0].2 == close;
                for (name, s, e) in found {
                    if whole && !verbatim {
                        out.push(Placeholder {
                            name,
                            span: Span::new(start, (close + 1).min(b.len())),
                            embedded: false,
                        });
                    } else {
                        out.push(Placeholder {
                            name,
                            span: Span::new(s, e),
                            embedded: true,
                        });
                    }
                }
            }
            _ => {
                if let Some((name, end)) = name_at(i) {
                    out.push(Placeholder {
                        name,
                        span: Span::new(i, end),
                        embedded: false,
                    });
                    i = end;
                } else {
                    i += 1;
                }
            }
        }
    }
    out
}

/// `source` with bare placeholders (outside strings) replaced by `now()` padded to the same length: it
/// parses, and every span of its syntax tree is valid in `source` (unlike [`apply`]'s text).
pub fn parsable_text(source: &str) -> String {
    parsable(source, &scan_placeholders(source))
}

fn parsable(source: &str, ph: &[Placeholder]) -> String {
    let mut s = source.to_string();
    for p in ph.iter().rev() {
        let text = p.span.text(source);
        if !p.embedded && text.starts_with("{{") {
            let filler = format!("{:<w$}", "now()", w = p.span.len());
            s.replace_range(p.span.start..p.span.end, &filler);
        }
    }
    s
}

// ---------------------------------------------------------------------------------------------------------
// discovery

/// The parameters of `source`, in order of appearance (see the module docs). An error when the query (with
/// its placeholders standing for datetimes) does not parse.
pub fn discover(source: &str) -> Result<Vec<Param>, Diagnostic> {
    let ph = scan_placeholders(source);
    let prepared = parsable(source, &ph);
    let q = super::parse(&prepared)?;
    let mut out: Vec<Param> = Vec::new();

    // placeholders: one parameter per name
    for p in &ph {
        match out.iter_mut().find(|o| o.name == p.name) {
            Some(o) => {
                o.spans.push(p.span);
                if let Origin::Placeholder { embedded } = &mut o.origin {
                    embedded.push(p.embedded);
                }
            }
            None => {
                let default = PLACEHOLDER_DEFAULTS
                    .iter()
                    .find(|(n, _)| *n == p.name)
                    .map(|(_, v)| *v);
                let (kind, value) = match default {
                    Some(v) => (ParamKind::Datetime, v.to_string()),
                    None => (ParamKind::String, "''".to_string()),
                };
                out.push(Param {
                    name: p.name.clone(),
                    kind,
                    origin: Origin::Placeholder {
                        embedded: vec![p.embedded],
                    },
                    spans: vec![p.span],
                    original: value.clone(),
                    value,
                    column: None,
                    op: "placeholder".into(),
                });
            }
        }
    }

    // let bindings
    let mut lets: Vec<Param> = Vec::new();
    for s in &q.statements {
        if let Statement::Let(l) = s
            && let LetValue::Expr(e) = &l.value
        {
            let text = e.span.text(source).to_string();
            lets.retain(|o| o.name != l.name.name);
            lets.push(Param {
                name: l.name.name.clone(),
                kind: kind_of(e),
                origin: Origin::Let,
                spans: vec![e.span],
                original: text.clone(),
                value: text,
                column: None,
                op: "let".into(),
            });
        }
    }

    // inline values
    let mut inline = Vec::new();
    for s in &q.statements {
        match s {
            Statement::Let(l) => match &l.value {
                LetValue::Expr(e) => walk(e, source, &mut inline),
                LetValue::Function(f) | LetValue::View(f) => {
                    for st in &f.body {
                        if let Statement::Expr(e)
                        | Statement::Let(super::ast::LetStmt {
                            value: LetValue::Expr(e),
                            ..
                        }) = st
                        {
                            walk(e, source, &mut inline);
                        }
                    }
                }
            },
            Statement::Expr(e) => walk(e, source, &mut inline),
            _ => {}
        }
    }
    // placeholders' own literals are not inline parameters
    inline.retain(|p: &Param| {
        !ph.iter()
            .any(|h| h.span.start < p.span().end && p.span().start < h.span.end)
    });

    let mut all: Vec<Param> = out;
    all.extend(lets);
    for mut p in inline {
        let base = p.name.clone();
        let mut n = 1;
        while all.iter().any(|o| o.name == p.name) {
            n += 1;
            p.name = format!("{base}_{n}");
        }
        all.push(p);
    }
    all.sort_by_key(|p| p.span().start);
    Ok(all)
}

/// [`discover`], empty when the query does not parse.
pub fn params_of(source: &str) -> Vec<Param> {
    discover(source).unwrap_or_default()
}

/// Walks an expression for `where` operators (in pipes, subqueries, join and union legs).
fn walk(e: &Expr, src: &str, out: &mut Vec<Param>) {
    match &e.kind {
        ExprKind::Pipe { input, op } => {
            walk(input, src, out);
            match &op.kind {
                OpKind::Where(p) => {
                    predicate(p, src, out);
                    walk(p, src, out);
                }
                OpKind::Join { right, .. } | OpKind::Lookup { right, .. } => walk(right, src, out),
                OpKind::Union(spec) => spec.legs.iter().for_each(|l| walk(l, src, out)),
                OpKind::Extend(items) | OpKind::Project(items) => {
                    items.iter().for_each(|i| walk(&i.expr, src, out))
                }
                _ => {}
            }
        }
        ExprKind::Union(spec) => spec.legs.iter().for_each(|l| walk(l, src, out)),
        ExprKind::Paren(x) | ExprKind::Unary { expr: x, .. } => walk(x, src, out),
        ExprKind::Binary { left, right, .. } => {
            walk(left, src, out);
            walk(right, src, out);
        }
        ExprKind::ListOp { expr, items, .. } => {
            walk(expr, src, out);
            items.iter().for_each(|i| walk(i, src, out));
        }
        ExprKind::Between {
            expr, low, high, ..
        } => {
            walk(expr, src, out);
            walk(low, src, out);
            walk(high, src, out);
        }
        ExprKind::Call { args, .. } => args.iter().for_each(|a| walk(a, src, out)),
        _ => {}
    }
}

/// A readable name for the column side of a predicate.
fn column_name(e: &Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Ident(id) => Some(id.name.clone()),
        ExprKind::Paren(x) => column_name(x),
        ExprKind::Call { args, .. } => args.first().and_then(column_name),
        ExprKind::Member { expr, name } => Some(format!("{}_{}", column_name(expr)?, name.name)),
        ExprKind::Index { expr, index } => match &index.kind {
            ExprKind::Literal(Literal::String(s)) => Some(format!("{}_{s}", column_name(expr)?)),
            _ => column_name(expr),
        },
        _ => None,
    }
}

/// The operator as a name part: `has`, `not_has`, `eq`, `gt`, `has_any`, `not_in`, `matches_regex`.
fn op_slug(op: &str) -> String {
    let s = match op {
        "==" => "eq",
        "!=" => "ne",
        "=~" => "eq_ci",
        "!~" => "ne_ci",
        "<" => "lt",
        "<=" => "le",
        ">" => "gt",
        ">=" => "ge",
        "in~" => "in_ci",
        "!in~" => "not_in_ci",
        other => other,
    };
    let s = s.replace('!', "not_").replace(' ', "_");
    s.to_string()
}

/// An operator a string parameter can stand beside: a string operator, or `==`/`!=`.
fn is_string_op(op: BinOp) -> bool {
    op.is_string_op() || matches!(op, BinOp::Eq | BinOp::NotEq)
}

fn is_number(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Literal(
            Literal::Int(Some(_))
            | Literal::Long(Some(_))
            | Literal::Real(Some(_))
            | Literal::Decimal(Some(_)),
        ) => true,
        ExprKind::Unary {
            op: UnaryOp::Neg | UnaryOp::Plus,
            expr,
        } => is_number(expr),
        _ => false,
    }
}

/// A literal value worth a parameter on the right of a comparison, and its kind.
fn inline_kind(e: &Expr, op: Option<BinOp>) -> Option<ParamKind> {
    let k = kind_of(e);
    match k {
        ParamKind::String if op.is_none_or(is_string_op) => Some(k),
        ParamKind::Number if is_number(e) => Some(k),
        ParamKind::Datetime | ParamKind::Timespan => Some(k),
        _ => None,
    }
}

fn inline_param(
    name: String,
    kind: ParamKind,
    span: Span,
    src: &str,
    column: Option<String>,
    op: &str,
) -> Param {
    let text = span.text(src).to_string();
    Param {
        name,
        kind,
        origin: Origin::Inline,
        spans: vec![span],
        original: text.clone(),
        value: text,
        column,
        op: op.to_string(),
    }
}

/// The inline parameters of one `where` predicate (split on `and`/`or`, into `not(...)` and parentheses).
fn predicate(p: &Expr, src: &str, out: &mut Vec<Param>) {
    match &p.kind {
        ExprKind::Paren(x) => predicate(x, src, out),
        ExprKind::Binary {
            op: BinOp::And | BinOp::Or,
            left,
            right,
        } => {
            predicate(left, src, out);
            predicate(right, src, out);
        }
        ExprKind::Call { name, args } if name.name == "not" => {
            args.iter().for_each(|a| predicate(a, src, out))
        }
        ExprKind::Binary { op, left, right } => {
            if let Some(kind) = inline_kind(right, Some(*op)) {
                let col = column_name(left);
                let name = format!(
                    "{}_{}",
                    col.as_deref().unwrap_or("value"),
                    op_slug(op.as_str())
                );
                out.push(inline_param(name, kind, right.span, src, col, op.as_str()));
            }
        }
        ExprKind::ListOp { op, expr, items } => {
            if let (Some(first), Some(last)) = (items.first(), items.last())
                && inline_list(items)
            {
                let col = column_name(expr);
                let name = format!(
                    "{}_{}",
                    col.as_deref().unwrap_or("value"),
                    op_slug(op.as_str())
                );
                out.push(inline_param(
                    name,
                    ParamKind::StringList,
                    first.span.to(last.span),
                    src,
                    col,
                    op.as_str(),
                ));
            }
        }
        ExprKind::Between {
            negated,
            expr,
            low,
            high,
        } => {
            let col = column_name(expr);
            let op = if *negated { "!between" } else { "between" };
            for (end, e) in [("from", low), ("to", high)] {
                if let Some(kind) = inline_kind(e, None)
                    && kind != ParamKind::String
                {
                    let name = format!("{}_{end}", col.as_deref().unwrap_or("value"));
                    out.push(inline_param(name, kind, e.span, src, col.clone(), op));
                }
            }
        }
        _ => {}
    }
}

/// Items of a list operator that make a string-list parameter: string literals, or one literal list.
fn inline_list(items: &[Expr]) -> bool {
    match items {
        [one] if kind_of(one) == ParamKind::StringList => true,
        _ => items.iter().all(is_string),
    }
}

fn is_timespan(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Literal(Literal::TimeSpan(Some(_))) => true,
        ExprKind::Unary {
            op: UnaryOp::Neg | UnaryOp::Plus,
            expr,
        } => matches!(expr.kind, ExprKind::Literal(Literal::TimeSpan(Some(_)))),
        _ => false,
    }
}

fn is_string(e: &Expr) -> bool {
    matches!(e.kind, ExprKind::Literal(Literal::String(_)))
}

/// The type of a parameter value.
pub fn kind_of(e: &Expr) -> ParamKind {
    match &e.kind {
        ExprKind::Literal(Literal::DateTime(Some(_))) => ParamKind::Datetime,
        ExprKind::Literal(Literal::TimeSpan(Some(_))) => ParamKind::Timespan,
        ExprKind::Literal(Literal::String(_)) => ParamKind::String,
        ExprKind::Literal(
            Literal::Int(Some(_))
            | Literal::Long(Some(_))
            | Literal::Real(Some(_))
            | Literal::Decimal(Some(_)),
        ) => ParamKind::Number,
        ExprKind::Literal(Literal::Dynamic(serde_json::Value::Array(items)))
            if items.iter().all(|v| v.is_string()) =>
        {
            ParamKind::StringList
        }
        ExprKind::Unary {
            op: UnaryOp::Neg | UnaryOp::Plus,
            expr,
        } => match kind_of(expr) {
            k @ (ParamKind::Number | ParamKind::Timespan) => k,
            _ => ParamKind::Expression,
        },
        ExprKind::Call { name, args } => {
            let n = name.name.to_ascii_lowercase();
            match (n.as_str(), &args[..]) {
                ("now", []) => ParamKind::Datetime,
                ("now" | "ago", [a]) if is_timespan(a) => ParamKind::Datetime,
                ("pack_array", items) if !items.is_empty() && items.iter().all(is_string) => {
                    ParamKind::StringList
                }
                _ => ParamKind::Expression,
            }
        }
        _ => ParamKind::Expression,
    }
}

/// The type of a value typed by the user, or why it is not one KQL expression.
pub fn kind_of_text(value: &str) -> Result<ParamKind, String> {
    if value.trim().is_empty() {
        return Err("a value is needed".into());
    }
    // in parentheses: a `;` or a second statement cannot slip through; a line comment is ended
    let probe = format!("print p_ = (\n{value}\n)");
    let q = super::parse(&probe).map_err(|d| d.message)?;
    let e = q
        .statements
        .iter()
        .find_map(|s| match s {
            Statement::Expr(Expr {
                kind: ExprKind::Print(items),
                ..
            }) => items.first().map(|i| &i.expr),
            _ => None,
        })
        .ok_or_else(|| "not a scalar value".to_string())?;
    let mut e = e;
    while let ExprKind::Paren(x) = &e.kind {
        e = x;
    }
    Ok(kind_of(e))
}

/// A number directly followed by letters that are not a timespan unit (`5x`, which the lexer reads as a
/// name), anywhere in the value.
fn bad_timespan(value: &str) -> Option<String> {
    fn find(e: &Expr) -> Option<String> {
        match &e.kind {
            ExprKind::Ident(id) if id.name.starts_with(|c: char| c.is_ascii_digit()) => {
                Some(id.name.clone())
            }
            ExprKind::Paren(x) | ExprKind::Unary { expr: x, .. } => find(x),
            ExprKind::Binary { left, right, .. } => find(left).or_else(|| find(right)),
            ExprKind::Call { args, .. } => args.iter().find_map(find),
            ExprKind::ListOp { expr, items, .. } => {
                find(expr).or_else(|| items.iter().find_map(find))
            }
            ExprKind::Between {
                expr, low, high, ..
            } => find(expr).or_else(|| find(low)).or_else(|| find(high)),
            _ => None,
        }
    }
    let q = super::parse(&format!("print p_ = (\n{value}\n)")).ok()?;
    q.statements.iter().find_map(|s| match s {
        Statement::Expr(Expr {
            kind: ExprKind::Print(items),
            ..
        }) => items.first().and_then(|i| find(&i.expr)),
        _ => None,
    })
}

/// Is `value` a list for an inline list parameter: `'a', 'b'` or one string-list expression?
fn is_inline_list_text(value: &str) -> Result<bool, String> {
    let probe = format!("print 0 in (\n{value}\n)");
    let q = super::parse(&probe).map_err(|d| d.message)?;
    let found = q.statements.iter().find_map(|s| match s {
        Statement::Expr(Expr {
            kind: ExprKind::Print(items),
            ..
        }) => items.first().map(|i| &i.expr),
        _ => None,
    });
    Ok(match found.map(|e| &e.kind) {
        Some(ExprKind::ListOp { items, .. }) => !items.is_empty() && inline_list(items),
        _ => false,
    })
}

/// Checks `value` for parameter `index` of `params` (discovered in `source`): it must have the parameter's
/// type and the query with it (and the other current values) substituted must parse. Returns the reason
/// when not.
pub fn validate(source: &str, params: &[Param], index: usize, value: &str) -> Result<(), String> {
    let p = params.get(index).ok_or("no such parameter")?;
    let value = value.trim();
    if value.is_empty() {
        return Err("a value is needed".into());
    }
    if let Some(bad) = bad_timespan(value) {
        return Err(format!(
            "`{bad}` is not a timespan: use a number and a unit (d, h, m, s, ms, microsecond, tick), e.g. 5d or 12h"
        ));
    }
    if p.kind == ParamKind::StringList && p.origin == Origin::Inline {
        if !is_inline_list_text(value)? {
            return Err(format!(
                "`{}` is a string list: expected 'a', 'b' or {}",
                p.name,
                p.kind.example()
            ));
        }
    } else {
        let kind = kind_of_text(value)?;
        if p.kind != ParamKind::Expression && kind != p.kind {
            return Err(format!(
                "`{}` is a {}: expected {}, got {}",
                p.name,
                p.kind.label(),
                p.kind.example(),
                kind.label()
            ));
        }
    }
    let mut ps = params.to_vec();
    ps[index].value = value.to_string();
    let q = apply(source, &ps)?;
    super::parse(&q).map_err(|d| format!("the query does not parse: {}", d.message))?;
    Ok(())
}

/// The text written for a placeholder span.
fn placeholder_text(p: &Param, embedded: bool) -> Result<String, String> {
    if !embedded {
        return Ok(p.value.clone());
    }
    // inside a longer string: only a datetime literal has a text form
    let q = super::parse(&format!("print {}", p.value)).map_err(|d| d.message)?;
    if let Some(Statement::Expr(Expr {
        kind: ExprKind::Print(items),
        ..
    })) = q.statements.first()
        && let Some(ExprKind::Literal(Literal::DateTime(Some(t)))) =
            items.first().map(|i| &i.expr.kind)
    {
        return Ok(super::literal::format_datetime_iso(*t));
    }
    Err(format!(
        "`{{{{{}}}}}` is inside a longer string: give it a datetime(...) value",
        p.name
    ))
}

/// `source` as it will run: every edited parameter and every placeholder substituted by span. Parameters
/// must come from [`discover`] on this `source`.
pub fn apply(source: &str, params: &[Param]) -> Result<String, String> {
    substitute_params(source, params, true)
}

/// `source` with the edited parameters substituted and placeholders left as written: the text to save in
/// the rule (Sentinel fills the placeholders). An edited placeholder is an error: it cannot be saved.
pub fn apply_edits(source: &str, params: &[Param]) -> Result<String, String> {
    if let Some(p) = params
        .iter()
        .find(|p| matches!(p.origin, Origin::Placeholder { .. }) && p.edited())
    {
        return Err(format!(
            "`{}` is a placeholder Sentinel fills at run time: its value cannot be saved in the rule",
            p.name
        ));
    }
    substitute_params(source, params, false)
}

fn substitute_params(source: &str, params: &[Param], placeholders: bool) -> Result<String, String> {
    let mut edits: Vec<(Span, String, &str)> = Vec::new();
    for p in params {
        match &p.origin {
            Origin::Placeholder { .. } if !placeholders => {}
            Origin::Placeholder { embedded } => {
                for (i, s) in p.spans.iter().enumerate() {
                    let text = placeholder_text(p, embedded.get(i).copied().unwrap_or(false))?;
                    edits.push((*s, text, &p.name));
                }
            }
            _ if p.edited() => {
                for s in &p.spans {
                    edits.push((*s, p.value.clone(), &p.name));
                }
            }
            _ => {}
        }
    }
    edits.sort_by_key(|(s, _, _)| s.start);
    for w in edits.windows(2) {
        if w[0].0.end > w[1].0.start {
            return Err(format!(
                "`{}` and `{}` are in the same place in the query: change one of them",
                w[0].2, w[1].2
            ));
        }
    }
    let edits: Vec<(Span, String)> = edits.into_iter().map(|(s, t, _)| (s, t)).collect();
    Ok(substitute(source, &edits))
}

/// `source` with the named parameters set (`name`, KQL value) and placeholders substituted. Names that are
/// not parameters of `source` are returned in the second element; a refused value is an error.
pub fn set_values(
    source: &str,
    values: &[(String, String)],
) -> Result<(String, Vec<String>), String> {
    let (ps, unknown) = with_values(source, values)?;
    Ok((apply(source, &ps)?, unknown))
}

/// The parameters of `source` with the named ones set (validated); the names that are not parameters of
/// `source` are the second element.
pub fn with_values(
    source: &str,
    values: &[(String, String)],
) -> Result<(Vec<Param>, Vec<String>), String> {
    let mut ps = discover(source).map_err(|d| d.message)?;
    let mut unknown = Vec::new();
    for (name, value) in values {
        match ps.iter().position(|p| &p.name == name) {
            Some(i) => {
                validate(source, &ps, i, value).map_err(|e| format!("{name}={value}: {e}"))?;
                ps[i].value = value.trim().to_string();
            }
            None => unknown.push(name.clone()),
        }
    }
    Ok((ps, unknown))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(q: &str) -> Vec<(String, ParamKind, String)> {
        discover(q)
            .expect("parses")
            .into_iter()
            .map(|p| (p.name, p.kind, p.original))
            .collect()
    }

    fn n(name: &str, kind: ParamKind, text: &str) -> (String, ParamKind, String) {
        (name.to_string(), kind, text.to_string())
    }

    #[test]
    fn supremo_seed() {
        let q = "let Time_start = now(-5d);\nlet Time_end = now();\n//\nDeviceFileCertificateInfo\n| where Timestamp between (Time_start..Time_end)\n| where Signer has 'Nanosystems S.R.L.'\n| summarize Count=count() by DeviceId";
        assert_eq!(
            names(q),
            [
                n("Time_start", ParamKind::Datetime, "now(-5d)"),
                n("Time_end", ParamKind::Datetime, "now()"),
                n("Signer_has", ParamKind::String, "'Nanosystems S.R.L.'"),
            ]
        );
        let ps = discover(q).unwrap();
        assert_eq!(ps[2].column.as_deref(), Some("Signer"));
        assert_eq!(ps[2].op, "has");
        assert_eq!(ps[2].context(), "Signer has");
        assert_eq!(ps[2].span().text(q), "'Nanosystems S.R.L.'");
    }

    #[test]
    fn inline_values_are_named_by_column_and_operator() {
        let q = "DeviceNetworkEvents\n| where Timestamp > ago(7d)\n| where RemoteUrl has_any ('a.com', 'b.com') and RemoteUrl !in ('x')\n| where InitiatingProcessFileName =~ 'x.exe' or InitiatingProcessFileName =~ 'y.exe'\n| where Timestamp between (datetime(2024-05-01) .. now())\n| summarize Count = count() by DeviceId\n| where Count > 10";
        assert_eq!(
            names(q),
            [
                n("Timestamp_gt", ParamKind::Datetime, "ago(7d)"),
                n(
                    "RemoteUrl_has_any",
                    ParamKind::StringList,
                    "'a.com', 'b.com'"
                ),
                n("RemoteUrl_not_in", ParamKind::StringList, "'x'"),
                n(
                    "InitiatingProcessFileName_eq_ci",
                    ParamKind::String,
                    "'x.exe'"
                ),
                n(
                    "InitiatingProcessFileName_eq_ci_2",
                    ParamKind::String,
                    "'y.exe'"
                ),
                n(
                    "Timestamp_from",
                    ParamKind::Datetime,
                    "datetime(2024-05-01)"
                ),
                n("Timestamp_to", ParamKind::Datetime, "now()"),
                n("Count_gt", ParamKind::Number, "10"),
            ]
        );
    }

    #[test]
    fn let_names_are_not_inline_parameters() {
        let q = "let lookback = 14d;\nlet signers = dynamic(['A', 'B']);\nDeviceFileCertificateInfo | where Timestamp > ago(lookback) | where Signer has_any (signers)";
        assert_eq!(
            names(q),
            [
                n("lookback", ParamKind::Timespan, "14d"),
                n("signers", ParamKind::StringList, "dynamic(['A', 'B'])"),
            ]
        );
    }

    #[test]
    fn placeholders_are_datetime_parameters_with_a_default_window() {
        let q = "let starttime = todatetime('{{StartTimeISO}}');\nlet endtime = todatetime(\"{{EndTimeISO}}\");\nDeviceEvents // {{NotThis}}\n| where Timestamp between (starttime .. endtime)";
        let ps = discover(q).expect("parses");
        let got: Vec<(&str, ParamKind, &str)> = ps
            .iter()
            .map(|p| (p.name.as_str(), p.kind, p.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "starttime",
                    ParamKind::Expression,
                    "todatetime('{{StartTimeISO}}')"
                ),
                ("StartTimeISO", ParamKind::Datetime, "ago(1d)"),
                (
                    "endtime",
                    ParamKind::Expression,
                    "todatetime(\"{{EndTimeISO}}\")"
                ),
                ("EndTimeISO", ParamKind::Datetime, "now()"),
            ]
        );
        let run = apply(q, &ps).expect("applies");
        assert!(
            run.starts_with(
                "let starttime = todatetime(ago(1d));\nlet endtime = todatetime(now());"
            ),
            "{run}"
        );
        crate::kql::parse(&run).expect("re-parses");
        let (run, unknown) =
            set_values(q, &[("StartTimeISO".into(), "ago(7d)".into())]).expect("sets");
        assert!(unknown.is_empty());
        assert!(run.contains("todatetime(ago(7d))"), "{run}");
        let e = set_values(q, &[("StartTimeISO".into(), "7x".into())]).expect_err("refused");
        assert!(e.contains("StartTimeISO"), "{e}");
    }

    #[test]
    fn bare_and_embedded_placeholders() {
        let q = "DeviceEvents | where Timestamp between ({{StartTimeISO}} .. {{EndTimeISO}}) | extend s = 'from {{StartTimeISO}}'";
        let mut ps = discover(q).expect("parses with bare placeholders");
        assert_eq!(ps.len(), 2, "{ps:?}");
        assert_eq!(ps[0].spans.len(), 2);
        // the embedded use needs a datetime literal
        assert!(apply(q, &ps).is_err());
        ps[0].value = "datetime(2024-05-01)".into();
        let run = apply(q, &ps).expect("applies");
        assert!(
            run.starts_with(
                "DeviceEvents | where Timestamp between (datetime(2024-05-01) .. now())"
            ),
            "{run}"
        );
        assert!(run.contains("'from 2024-05-01T00:00:00"), "{run}");
    }

    #[test]
    fn validation_refuses_with_reasons() {
        let q = "let Time_start = now(-5d);\nDeviceFileCertificateInfo | where Timestamp > Time_start | where Signer has 'N' | where RemoteUrl has_any ('a', 'b') | where Count > 10";
        let ps = discover(q).unwrap();
        assert!(validate(q, &ps, 0, "now(-1d)").is_ok());
        let e = validate(q, &ps, 0, "now(-5x)").expect_err("bad timespan");
        assert!(e.starts_with("`5x` is not a timespan"), "{e}");
        assert!(validate(q, &ps, 0, "datetime(2024-05-01T00:00:00Z)").is_ok());
        assert!(validate(q, &ps, 0, "ago(1microsecond)").is_ok());
        let e = validate(q, &ps, 0, "'yesterday'").expect_err("not a datetime");
        assert!(e.contains("datetime"), "{e}");
        assert!(validate(q, &ps, 1, "'idrive'").is_ok());
        assert!(validate(q, &ps, 1, "12").is_err());
        assert!(validate(q, &ps, 2, "'x', 'y', 'z'").is_ok());
        assert!(validate(q, &ps, 2, "dynamic(['x'])").is_ok());
        assert!(validate(q, &ps, 2, "1, 2").is_err());
        assert!(validate(q, &ps, 3, "25").is_ok());
        assert!(validate(q, &ps, 3, "'25'").is_err());
        let mut ps = ps;
        ps[2].value = "'x', 'y', 'z'".into();
        ps[1].value = "'idrive'".into();
        let out = apply(q, &ps).unwrap();
        assert!(out.contains("Signer has 'idrive' | where RemoteUrl has_any ('x', 'y', 'z')"));
        assert!(out.starts_with("let Time_start = now(-5d);\n"));
    }

    #[test]
    fn unedited_apply_is_identity_and_overlaps_are_refused() {
        let q = "let T = DeviceEvents | where X has 'y';\nT | take 1";
        let mut ps = discover(q).unwrap();
        assert_eq!(apply(q, &ps).as_deref(), Ok(q));
        assert_eq!(ps.len(), 2);
        ps[0].value = "DeviceEvents".into();
        ps[1].value = "'z'".into();
        assert!(apply(q, &ps).is_err());
    }
}

/// The cases the workbench's parameter form relies on (typed `let` values, refusals with a reason).
#[cfg(test)]
mod form_tests {
    use super::*;

    const Q: &str = "let Time_start = now(-5d);\nlet Time_end = now();\nlet win = 1h;\nlet signers = dynamic(['Nanosystems', 'Other']);\nlet n = 10;\nlet s = 'x';\nlet t0 = datetime(2024-05-01);\nlet a = ago(2d);\nlet T = DeviceEvents | take 1;\nDeviceEvents\n| where Timestamp between (Time_start..Time_end)\n| take n";

    #[test]
    fn kinds_from_the_literal() {
        let ps = params_of(Q);
        let kinds: Vec<(&str, ParamKind)> = ps.iter().map(|p| (p.name.as_str(), p.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("Time_start", ParamKind::Datetime),
                ("Time_end", ParamKind::Datetime),
                ("win", ParamKind::Timespan),
                ("signers", ParamKind::StringList),
                ("n", ParamKind::Number),
                ("s", ParamKind::String),
                ("t0", ParamKind::Datetime),
                ("a", ParamKind::Datetime),
                ("T", ParamKind::Expression),
            ]
        );
        assert_eq!(ps[0].original, "now(-5d)");
        assert_eq!(ps[3].original, "dynamic(['Nanosystems', 'Other'])");
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        let ps = params_of(Q);
        assert!(validate(Q, &ps, 0, "now(-1d)").is_ok());
        assert!(validate(Q, &ps, 0, "ago(12h)").is_ok());
        assert!(validate(Q, &ps, 0, "datetime(2024-04-30T00:00:00Z)").is_ok());
        let e = validate(Q, &ps, 0, "now(-5x)").expect_err("now(-5x) refused");
        assert!(!e.is_empty());
        assert!(validate(Q, &ps, 0, "datetime(2024-13-45)").is_err());
        let e = validate(Q, &ps, 0, "'yesterday'").expect_err("a string is not a datetime");
        assert!(e.contains("datetime"), "{e}");
        assert!(validate(Q, &ps, 0, "").is_err());
        assert!(validate(Q, &ps, 0, "now(); DeviceEvents").is_err());
        assert!(validate(Q, &ps, 4, "25").is_ok());
        assert!(validate(Q, &ps, 4, "'25'").is_err());
        assert!(validate(Q, &ps, 3, "dynamic(['a'])").is_ok());
        assert!(validate(Q, &ps, 3, "dynamic([1, 2])").is_err());
    }

    #[test]
    fn apply_substitutes_edits_only() {
        let mut ps = params_of(Q);
        assert_eq!(apply(Q, &ps).as_deref(), Ok(Q));
        ps[0].value = "now(-1d)".into();
        let q = apply(Q, &ps).expect("applies");
        assert!(q.starts_with("let Time_start = now(-1d);\nlet Time_end = now();"));
        assert_eq!(q.len(), Q.len());
    }

    #[test]
    fn queries_that_do_not_parse_have_no_params() {
        assert!(params_of("let x = ;").is_empty());
        assert!(params_of("DeviceEvents | take 1").is_empty());
    }
}
