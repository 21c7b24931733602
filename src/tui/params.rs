//! Rule parameters: the top-level `let` bindings of a rule's query, typed from the literal in their value,
//! edited in place and substituted back into the query by span ([`crate::kql::params::set_let`]).
//!
//! A new value is accepted only when it has the parameter's type (a time window stays a datetime, a list
//! stays a list of strings) and the substituted query still parses.

use crate::kql::ast::{Expr, ExprKind, LetValue, Literal, Statement, UnaryOp};
use crate::kql::params::{let_params, set_let};

/// The type of a parameter, decided from the literal in its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamKind {
    /// `now()`, `now(-5d)`, `ago(1h)`, `datetime(2024-05-01)`.
    Datetime,
    /// `5d`, `timespan(1h)`.
    Timespan,
    /// `'text'`.
    String,
    /// `dynamic(['a', 'b'])`, `pack_array('a', 'b')`.
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

/// One parameter of a rule: the rule's own value and the current (possibly edited) value.
#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: String,
    pub kind: ParamKind,
    /// The value as written in the rule.
    pub original: String,
    /// The value the rule runs with.
    pub value: String,
}

impl Param {
    pub fn edited(&self) -> bool {
        self.value != self.original
    }
}

/// The parameters of `query` (its top-level `let name = value;` bindings, last binding of a name wins), in
/// order of appearance. Empty when the query does not parse.
pub fn params_of(query: &str) -> Vec<Param> {
    let Ok(q) = crate::kql::parse(query) else {
        return Vec::new();
    };
    let exprs: Vec<&Expr> = q
        .statements
        .iter()
        .filter_map(|s| match s {
            Statement::Let(l) => match &l.value {
                LetValue::Expr(e) => Some(e),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let mut out: Vec<Param> = Vec::new();
    for (p, e) in let_params(&q).into_iter().zip(exprs) {
        let text = p.value_span.text(query).to_string();
        let param = Param {
            name: p.name,
            kind: kind_of(e),
            original: text.clone(),
            value: text,
        };
        if let Some(i) = out.iter().position(|o| o.name == param.name) {
            out.remove(i);
        }
        out.push(param);
    }
    out
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

/// The type of a value typed by the user, or why it is not a KQL expression.
pub fn kind_of_text(value: &str) -> Result<ParamKind, String> {
    if value.trim().is_empty() {
        return Err("a value is needed".into());
    }
    if value.contains(['\n', '\r', ';']) {
        return Err("a value is one expression (no `;` or line breaks)".into());
    }
    let probe = format!("let p_ = {value};\nprint 0");
    let q = crate::kql::parse(&probe).map_err(|d| d.message)?;
    q.statements
        .iter()
        .find_map(|s| match s {
            Statement::Let(l) => match &l.value {
                LetValue::Expr(e) => Some(kind_of(e)),
                _ => None,
            },
            _ => None,
        })
        .ok_or_else(|| "not a scalar value".to_string())
}

/// Checks `value` for parameter `p` of `query`: it must have the parameter's type and the query with it
/// substituted must parse. Returns the reason when not.
pub fn check(query: &str, p: &Param, value: &str) -> Result<(), String> {
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
    let q = set_let(query, &p.name, value).map_err(|d| d.message)?;
    let Some(q) = q else {
        return Err(format!("the query has no `let {}`", p.name));
    };
    crate::kql::parse(&q).map_err(|d| format!("the query does not parse: {}", d.message))?;
    Ok(())
}

/// The query as it will run: `query` with every edited parameter substituted. Values were checked when
/// accepted; one that no longer fits is an error.
pub fn apply(query: &str, params: &[Param]) -> Result<String, String> {
    let mut q = query.to_string();
    for p in params.iter().filter(|p| p.edited()) {
        q = set_let(&q, &p.name, &p.value)
            .map_err(|d| d.message)?
            .ok_or_else(|| format!("the query has no `let {}`", p.name))?;
    }
    Ok(q)
}

#[cfg(test)]
mod tests {
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
        let start = &ps[0];
        assert!(check(Q, start, "now(-1d)").is_ok());
        assert!(check(Q, start, "ago(12h)").is_ok());
        assert!(check(Q, start, "datetime(2024-04-30T00:00:00Z)").is_ok());
        let e = check(Q, start, "now(-5x)").expect_err("now(-5x) refused");
        assert!(!e.is_empty());
        assert!(check(Q, start, "datetime(2024-13-45)").is_err());
        let e = check(Q, start, "'yesterday'").expect_err("a string is not a datetime");
        assert!(e.contains("datetime"), "{e}");
        assert!(check(Q, start, "").is_err());
        assert!(check(Q, start, "now(); DeviceEvents").is_err());
        let n = &ps[4];
        assert!(check(Q, n, "25").is_ok());
        assert!(check(Q, n, "'25'").is_err());
        let list = &ps[3];
        assert!(check(Q, list, "dynamic(['a'])").is_ok());
        assert!(check(Q, list, "dynamic([1, 2])").is_err());
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
