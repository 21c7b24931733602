//! Conversion functions: tostring, toint, tolong, toreal, tobool, todecimal, todatetime, totimespan, toguid,
//! parse_json, gettype, extract_json.

use chrono::NaiveDateTime;
use serde_json::Value as J;

use super::util::{EPOCH_0001, datetime_value, def, dyn_value, json_text, kql_tostring};
use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::value::{Value, naive_to_ticks, parse_datetime, parse_timespan};
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    def("tostring", 1, 1, Naming::FirstArg, tostring),
    def("toint", 1, 1, Naming::FirstArg, toint),
    def("tolong", 1, 1, Naming::FirstArg, tolong),
    def("toreal", 1, 1, Naming::FirstArg, toreal),
    def("todecimal", 1, 1, Naming::FirstArg, todecimal),
    def("tobool", 1, 1, Naming::FirstArg, tobool),
    def("todatetime", 1, 1, Naming::FirstArg, todatetime),
    def("totimespan", 1, 1, Naming::FirstArg, totimespan),
    def("toguid", 1, 1, Naming::FirstArg, toguid),
    def("parse_json", 1, 1, Naming::FirstArg, parse_json),
    def("gettype", 1, 1, Naming::PrefixAndFirstArg("type"), gettype),
    def("extract_json", 2, 3, Naming::Default, extract_json),
];

// ---------------------------------------------------------------------------------------------------------
// The conversions themselves, shared with extract(..., typeof(T)) and others.

fn parse_long_str(s: &str) -> Option<i64> {
    let t = s.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    t.parse::<i64>().ok()
}

fn parse_real_str(s: &str) -> Option<f64> {
    let t = s.trim();
    match t {
        "NaN" => return Some(f64::NAN),
        "Infinity" | "+Infinity" => return Some(f64::INFINITY),
        "-Infinity" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    // Rust also reads "inf", "nan", "infinity" in any case; .NET's invariant parse does not.
    if t.chars()
        .any(|c| c.is_ascii_alphabetic() && c != 'e' && c != 'E')
    {
        return None;
    }
    t.parse::<f64>().ok()
}

fn f64_to_i64(f: f64) -> Option<i64> {
    if f.is_finite()
        && f.trunc() >= -9.223_372_036_854_776e18
        && f.trunc() < 9.223_372_036_854_776e18
    {
        Some(f.trunc() as i64)
    } else {
        None
    }
}

pub(super) fn to_long(v: &Value) -> Option<i64> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Int(i) => Some(*i as i64),
        Value::Long(i) => Some(*i),
        Value::Real(f) => f64_to_i64(*f),
        // A datetime's number is its .NET tick count (since 0001-01-01), a timespan's its ticks.
        Value::DateTime(t) => t.checked_add(EPOCH_0001),
        Value::TimeSpan(t) => Some(*t),
        Value::String(s) => parse_long_str(s),
        Value::Guid(_) => None,
        Value::Dynamic(j) => match j {
            J::Bool(b) => Some(i64::from(*b)),
            J::Number(n) => n.as_i64().or_else(|| n.as_f64().and_then(f64_to_i64)),
            J::String(s) => parse_long_str(s),
            _ => None,
        },
    }
}

pub(super) fn to_int(v: &Value) -> Option<i32> {
    to_long(v).and_then(|i| i32::try_from(i).ok())
}

pub(super) fn to_real(v: &Value) -> Option<f64> {
    match v {
        Value::Null => None,
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Int(i) => Some(*i as f64),
        Value::Long(i) => Some(*i as f64),
        Value::Real(f) => Some(*f),
        Value::DateTime(t) => Some((*t as f64) + EPOCH_0001 as f64),
        Value::TimeSpan(t) => Some(*t as f64),
        Value::String(s) => parse_real_str(s),
        Value::Guid(_) => None,
        Value::Dynamic(j) => match j {
            J::Bool(b) => Some(f64::from(u8::from(*b))),
            J::Number(n) => n.as_f64(),
            J::String(s) => parse_real_str(s),
            _ => None,
        },
    }
}

fn parse_bool_str(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("true") {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

pub(super) fn to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Int(i) => Some(*i != 0),
        Value::Long(i) => Some(*i != 0),
        Value::Real(f) if !f.is_nan() => Some(*f != 0.0),
        Value::String(s) => parse_bool_str(s),
        Value::Dynamic(J::Bool(b)) => Some(*b),
        Value::Dynamic(J::Number(n)) => n.as_f64().filter(|f| !f.is_nan()).map(|f| f != 0.0),
        Value::Dynamic(J::String(s)) => parse_bool_str(s),
        _ => None,
    }
}

/// Datetime text: the forms of `value::parse_datetime`, plus the US date order `MM-dd-yyyy` and
/// `MM/dd/yyyy` that .NET's invariant culture reads (`todatetime('12-02-2022')`, todatetime-function-01).
pub(super) fn parse_datetime_text(s: &str) -> Option<i64> {
    if let Some(t) = parse_datetime(s) {
        return Some(t);
    }
    let t = s.trim();
    for date_fmt in ["%m-%d-%Y", "%m/%d/%Y"] {
        for time_fmt in [
            "",
            " %H:%M",
            " %H:%M:%S",
            " %H:%M:%S%.f",
            " %I:%M %p",
            " %I:%M:%S %p",
            " %I:%M:%S%.f %p",
        ] {
            let fmt = format!("{date_fmt}{time_fmt}");
            if time_fmt.is_empty() {
                if let Ok(d) = chrono::NaiveDate::parse_from_str(t, &fmt) {
                    return d.and_hms_opt(0, 0, 0).map(|dt| naive_to_ticks(&dt));
                }
            } else if let Ok(dt) = NaiveDateTime::parse_from_str(t, &fmt) {
                return Some(naive_to_ticks(&dt));
            }
        }
    }
    None
}

pub(super) fn to_datetime(v: &Value) -> Option<i64> {
    match v {
        Value::DateTime(t) => Some(*t),
        Value::String(s) => parse_datetime_text(s),
        Value::Dynamic(J::String(s)) => parse_datetime_text(s),
        _ => None,
    }
}

pub(super) fn to_timespan(v: &Value) -> Option<i64> {
    match v {
        Value::TimeSpan(t) => Some(*t),
        Value::String(s) => parse_timespan(s),
        Value::Dynamic(J::String(s)) => parse_timespan(s),
        _ => None,
    }
}

/// A GUID from 32 hex digits, with or without dashes or braces; lower-case canonical form.
pub(super) fn parse_guid(s: &str) -> Option<String> {
    let t = s.trim();
    let t = t
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(t);
    let t = t
        .strip_prefix('(')
        .and_then(|x| x.strip_suffix(')'))
        .unwrap_or(t);
    let hex: String = t.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let h = hex.to_ascii_lowercase();
    Some(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

pub(super) fn to_guid(v: &Value) -> Option<String> {
    match v {
        Value::Guid(g) => Some(g.clone()),
        Value::String(s) | Value::Dynamic(J::String(s)) => parse_guid(s),
        _ => None,
    }
}

/// `parse_json()`: text to dynamic; `""` is null; invalid JSON is a dynamic string holding the text; a
/// dynamic is returned unchanged.
pub(super) fn to_dynamic(v: &Value) -> Value {
    match v {
        Value::Null => Value::Null,
        Value::Dynamic(_) => v.clone(),
        Value::String(s) => {
            if s.trim().is_empty() {
                return Value::Null;
            }
            match serde_json::from_str::<J>(s) {
                Ok(j) => dyn_value(j),
                Err(_) => Value::Dynamic(J::String(s.clone())),
            }
        }
        other => dyn_value(other.to_dynamic()),
    }
}

/// A value converted to `ty`, as the `to*` functions do (strings: `tostring`).
pub(super) fn convert(ty: ScalarType, v: &Value) -> Value {
    match ty {
        ScalarType::String => Value::String(kql_tostring(v)),
        ScalarType::Int => to_int(v).map(Value::Int).unwrap_or(Value::Null),
        ScalarType::Long => to_long(v).map(Value::Long).unwrap_or(Value::Null),
        ScalarType::Real | ScalarType::Decimal => {
            to_real(v).map(Value::Real).unwrap_or(Value::Null)
        }
        ScalarType::Bool => to_bool(v).map(Value::Bool).unwrap_or(Value::Null),
        ScalarType::DateTime => datetime_value(to_datetime(v)),
        ScalarType::TimeSpan => to_timespan(v).map(Value::TimeSpan).unwrap_or(Value::Null),
        ScalarType::Guid => to_guid(v).map(Value::Guid).unwrap_or(Value::Null),
        ScalarType::Dynamic => to_dynamic(v),
    }
}

/// The result type of a conversion to `ty` (decimals are computed as reals).
pub(super) fn converted_type(ty: ScalarType) -> ScalarType {
    if ty == ScalarType::Decimal {
        ScalarType::Real
    } else {
        ty
    }
}

// ---------------------------------------------------------------------------------------------------------
// The functions

fn tostring(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        Value::String(kql_tostring(&v[0]))
    }))
}

fn toint(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Int, |v| {
        convert(ScalarType::Int, &v[0])
    }))
}

fn tolong(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Long, |v| {
        convert(ScalarType::Long, &v[0])
    }))
}

fn toreal(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Real, |v| {
        convert(ScalarType::Real, &v[0])
    }))
}

/// Decimals are not a separate value kind here: `todecimal` computes a real.
fn todecimal(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Real, |v| {
        convert(ScalarType::Real, &v[0])
    }))
}

fn tobool(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        convert(ScalarType::Bool, &v[0])
    }))
}

fn todatetime(a: &[ArgInfo]) -> Result<Prepared, String> {
    use ScalarType::*;
    if matches!(
        a[0].ty,
        Int | Long | Real | Decimal | Bool | TimeSpan | Guid
    ) {
        return Err(format!("todatetime() of a {} is not supported", a[0].ty));
    }
    Ok(Prepared::new(ScalarType::DateTime, |v| {
        convert(ScalarType::DateTime, &v[0])
    }))
}

fn totimespan(a: &[ArgInfo]) -> Result<Prepared, String> {
    use ScalarType::*;
    if matches!(
        a[0].ty,
        Int | Long | Real | Decimal | Bool | DateTime | Guid
    ) {
        return Err(format!("totimespan() of a {} is not supported", a[0].ty));
    }
    Ok(Prepared::new(ScalarType::TimeSpan, |v| {
        convert(ScalarType::TimeSpan, &v[0])
    }))
}

fn toguid(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Guid, |v| {
        convert(ScalarType::Guid, &v[0])
    }))
}

fn parse_json(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| to_dynamic(&v[0])))
}

/// The runtime type name ([D] gettype-function.md): a dynamic reveals its content's kind (`array`,
/// `dictionary`, `int` for a small JSON integer, ...); a typed null gives its column type.
fn gettype(a: &[ArgInfo]) -> Result<Prepared, String> {
    let declared = a[0].ty;
    Ok(Prepared::new(ScalarType::String, move |v| {
        let name = match &v[0] {
            Value::Null => {
                if declared == ScalarType::Dynamic {
                    "null"
                } else {
                    declared.name()
                }
            }
            Value::Dynamic(j) => match j {
                J::Null => "null",
                J::Bool(_) => "bool",
                J::Number(n) => {
                    if let Some(i) = n.as_i64() {
                        if i32::try_from(i).is_ok() {
                            "int"
                        } else {
                            "long"
                        }
                    } else {
                        "real"
                    }
                }
                J::String(_) => "string",
                J::Array(_) => "array",
                J::Object(_) => "dictionary",
            },
            other => other.scalar_type().map(|t| t.name()).unwrap_or("null"),
        };
        Value::String(name.to_string())
    }))
}

// ---------------------------------------------------------------------------------------------------------
// JSONPath (the subset Kusto documents: `$`, `.name`, `['name']`, `["name"]`, `[index]`)

#[derive(Clone, Debug, PartialEq)]
pub(super) enum PathStep {
    Key(String),
    Index(i64),
}

pub(super) fn parse_json_path(path: &str) -> Result<Vec<PathStep>, String> {
    let p = path.trim();
    let rest = p
        .strip_prefix('$')
        .ok_or_else(|| format!("JSON path must start with '$': {path}"))?;
    let b = rest.as_bytes();
    let mut i = 0;
    let mut steps = Vec::new();
    while i < b.len() {
        match b[i] {
            b'.' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != b'.' && b[j] != b'[' {
                    j += 1;
                }
                if j == start {
                    return Err(format!("empty member name in JSON path {path}"));
                }
                let name = &rest[start..j];
                if name == "*" {
                    return Err(format!("wildcards are not supported in JSON path {path}"));
                }
                steps.push(PathStep::Key(name.to_string()));
                i = j;
            }
            b'[' => {
                let close = rest[i..]
                    .find(']')
                    .map(|k| i + k)
                    .ok_or_else(|| format!("unclosed '[' in {path}"))?;
                let inner = rest[i + 1..close].trim();
                if let Some(q) = inner.chars().next().filter(|c| *c == '\'' || *c == '"') {
                    let name = inner
                        .strip_prefix(q)
                        .and_then(|x| x.strip_suffix(q))
                        .ok_or_else(|| format!("bad quoted member in JSON path {path}"))?;
                    steps.push(PathStep::Key(name.to_string()));
                } else {
                    let idx: i64 = inner
                        .parse()
                        .map_err(|_| format!("unsupported JSON path element [{inner}]"))?;
                    steps.push(PathStep::Index(idx));
                }
                i = close + 1;
            }
            _ => return Err(format!("unsupported JSON path {path}")),
        }
    }
    Ok(steps)
}

pub(super) fn walk_json<'a>(root: &'a J, steps: &[PathStep]) -> Option<&'a J> {
    let mut cur = root;
    for s in steps {
        cur = match (s, cur) {
            (PathStep::Key(k), J::Object(m)) => m.get(k)?,
            (PathStep::Index(i), J::Array(a)) => {
                let idx = if *i < 0 { a.len() as i64 + i } else { *i };
                a.get(usize::try_from(idx).ok()?)?
            }
            _ => return None,
        };
    }
    Some(cur)
}

/// `extract_json(path, text[, typeof(T)])`: the element at `path`; as a string (a JSON string's raw text, or
/// the element's JSON) unless a type is given. A missing element or invalid JSON gives `""` / null.
fn extract_json(a: &[ArgInfo]) -> Result<Prepared, String> {
    let path = super::util::const_str("extract_json", &a[0], "JSON path")?;
    let steps = parse_json_path(path).map_err(|e| format!("extract_json(): {e}"))?;
    let ty = match a.get(2) {
        Some(t) => t
            .type_arg()
            .ok_or("extract_json(): the third argument must be typeof(T)")?,
        None => ScalarType::String,
    };
    let out_ty = converted_type(ty);
    Ok(Prepared::new(out_ty, move |v| {
        let parsed;
        let root = match &v[1] {
            Value::Dynamic(j) => Some(j),
            Value::String(s) => {
                parsed = serde_json::from_str::<J>(s).ok();
                parsed.as_ref()
            }
            _ => None,
        };
        match root.and_then(|r| walk_json(r, &steps)) {
            None | Some(J::Null) => Value::null_of(out_ty),
            Some(el) => match ty {
                ScalarType::String => Value::String(json_text(el)),
                ScalarType::Dynamic => Value::Dynamic(el.clone()),
                t => convert(t, &Value::Dynamic(el.clone())),
            },
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::super::{ArgInfo, call_const, call_with};
    use crate::engine::value::{Value, parse_datetime, parse_timespan};
    use crate::kql::ScalarType;
    use serde_json::json;

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    #[test]
    fn tostring_forms() {
        // tostring-function-00
        assert_eq!(call_const("tostring", &[Value::Long(123)]), Ok(s("123")));
        // null -> "" (KQL_SEMANTICS §0 #7)
        assert_eq!(call_const("tostring", &[Value::Null]), Ok(s("")));
        assert_eq!(
            call_const("tostring", &[Value::Dynamic(json!("abc"))]),
            Ok(s("abc"))
        );
        assert_eq!(
            call_const("tostring", &[Value::Dynamic(json!({"a": [1, 2]}))]),
            Ok(s(r#"{"a":[1,2]}"#))
        );
        assert_eq!(
            call_const("tostring", &[Value::Dynamic(json!(1.5))]),
            Ok(s("1.5"))
        );
        assert_eq!(
            call_const("tostring", &[Value::Dynamic(json!(2.0))]),
            Ok(s("2"))
        );
        assert_eq!(
            call_const("tostring", &[Value::TimeSpan(3 * 10_000_000)]),
            Ok(s("00:00:03"))
        );
    }

    #[test]
    fn toint_and_tolong() {
        // toint-function-00 / -01
        assert_eq!(call_const("toint", &[s("123")]), Ok(Value::Int(123)));
        assert_eq!(call_const("toint", &[Value::Real(2.3)]), Ok(Value::Int(2)));
        assert_eq!(
            call_const("toint", &[Value::Real(-2.7)]),
            Ok(Value::Int(-2))
        );
        // coalesce-function-00: tolong("not a number") is null, tolong("42") is 42
        assert_eq!(call_const("tolong", &[s("not a number")]), Ok(Value::Null));
        assert_eq!(call_const("tolong", &[s("42")]), Ok(Value::Long(42)));
        assert_eq!(
            call_const("tolong", &[Value::Dynamic(json!(7))]),
            Ok(Value::Long(7))
        );
        assert_eq!(call_const("tolong", &[Value::Null]), Ok(Value::Null));
        assert_eq!(
            call_const("toint", &[Value::Long(1 << 40)]),
            Ok(Value::Null)
        );
        // a timespan's number is its ticks
        assert_eq!(
            call_const("tolong", &[Value::TimeSpan(10_000_000)]),
            Ok(Value::Long(10_000_000))
        );
    }

    #[test]
    fn toreal_and_todecimal() {
        assert_eq!(call_const("toreal", &[s("1.5")]), Ok(Value::Real(1.5)));
        assert_eq!(
            call_const("todouble", &[Value::Long(3)]),
            Ok(Value::Real(3.0))
        );
        assert_eq!(call_const("toreal", &[s("inf")]), Ok(Value::Null));
        // todecimal-function-00: todecimal("123.45678") == decimal(123.45678)
        assert_eq!(
            call_const("todecimal", &[s("123.45678")]),
            Ok(Value::Real(123.45678))
        );
    }

    #[test]
    fn tobool_forms() {
        // tobool-function.md: tobool("true") == true, tobool("false") == false, tobool(1), tobool(123) true
        assert_eq!(call_const("tobool", &[s("true")]), Ok(Value::Bool(true)));
        assert_eq!(
            call_const("toboolean", &[s("false")]),
            Ok(Value::Bool(false))
        );
        assert_eq!(
            call_const("tobool", &[Value::Long(1)]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            call_const("tobool", &[Value::Long(123)]),
            Ok(Value::Bool(true))
        );
        assert_eq!(call_const("tobool", &[s("maybe")]), Ok(Value::Null));
    }

    #[test]
    fn todatetime_and_totimespan() {
        // todatetime-function-00
        let t = parse_datetime("2015-12-31T23:59:59.9Z");
        assert_eq!(
            call_const("todatetime", &[s("2015-12-31 23:59:59.9")]),
            Ok(Value::DateTime(t.unwrap_or(0)))
        );
        // todatetime-function-01: '12-02-2022' is read month first
        let d = parse_datetime("2022-12-02").unwrap_or(0);
        assert_eq!(
            call_const("todatetime", &[s("12-02-2022")]),
            Ok(Value::DateTime(d))
        );
        // a corpus rule: todatetime(format_datetime(Timestamp, 'MM/dd/yyyy HH:mm'))
        let t = parse_datetime("2024-03-05T17:45:00Z").unwrap_or(0);
        assert_eq!(
            call_const("todatetime", &[s("03/05/2024 17:45")]),
            Ok(Value::DateTime(t))
        );
        assert_eq!(
            call_const("todatetime", &[s("3/5/2024 5:45:00 PM")]),
            Ok(Value::DateTime(t))
        );
        assert_eq!(
            call_const("todatetime", &[s("not a date")]),
            Ok(Value::Null)
        );
        assert!(call_const("todatetime", &[Value::Long(5)]).is_err());
        // totimespan-function-00
        let three_min = parse_timespan("3m").unwrap_or(0);
        assert_eq!(
            call_const("totimespan", &[s("0.00:03:00")]),
            Ok(Value::TimeSpan(three_min))
        );
        let four_d = parse_timespan("4d").unwrap_or(0);
        assert_eq!(
            call_const("totimespan", &[Value::TimeSpan(four_d)]),
            Ok(Value::TimeSpan(four_d))
        );
    }

    #[test]
    fn toguid_forms() {
        // toguid-function-00
        let g = Value::Guid("01234567-89ab-cdef-0123-456789abcdef".into());
        assert_eq!(
            call_const("toguid", &[s("0123456789abcdef0123456789abcdef")]),
            Ok(g.clone())
        );
        assert_eq!(
            call_const("toguid", &[s("0123456789ab-cdef-0123-456789abcdef")]),
            Ok(g)
        );
        assert_eq!(
            call_const("toguid", &[s("a string that is not a guid")]),
            Ok(Value::Null)
        );
    }

    #[test]
    fn parse_json_rules() {
        // parse-json-function-00
        let j = call_const(
            "parse_json",
            &[s(r#"{"duration":{"value":118.0,"count":5.0}}"#)],
        );
        assert_eq!(
            j,
            Ok(Value::Dynamic(
                json!({"duration": {"value": 118.0, "count": 5.0}})
            ))
        );
        // KQL_SEMANTICS §4.3 / §8: "" -> null, invalid -> dynamic string, dynamic unchanged
        assert_eq!(call_const("parse_json", &[s("")]), Ok(Value::Null));
        assert_eq!(
            call_const("parse_json", &[s("not json")]),
            Ok(Value::Dynamic(json!("not json")))
        );
        assert_eq!(
            call_const("todynamic", &[s("[]")]),
            Ok(Value::Dynamic(json!([])))
        );
        assert_eq!(
            call_const("parsejson", &[Value::Dynamic(json!({"a": 1}))]),
            Ok(Value::Dynamic(json!({"a": 1})))
        );
        assert_eq!(call_const("parse_json", &[s("null")]), Ok(Value::Null));
        // parse-json-function-02: parse_json(tostring(parse_json(d).b)).c == 456
        let inner = call_const("parse_json", &[s(r#"{"c":456}"#)]);
        assert_eq!(inner, Ok(Value::Dynamic(json!({"c": 456}))));
    }

    #[test]
    fn gettype_names() {
        // gettype-function.md examples
        assert_eq!(call_const("gettype", &[s("a")]), Ok(s("string")));
        assert_eq!(call_const("gettype", &[Value::Long(111)]), Ok(s("long")));
        assert_eq!(call_const("gettype", &[Value::Bool(true)]), Ok(s("bool")));
        assert_eq!(call_const("gettype", &[Value::Real(123.45)]), Ok(s("real")));
        assert_eq!(
            call_const("gettype", &[Value::TimeSpan(1)]),
            Ok(s("timespan"))
        );
        assert_eq!(
            call_const("gettype", &[Value::Dynamic(json!(1))]),
            Ok(s("int"))
        );
        assert_eq!(
            call_const("gettype", &[Value::Dynamic(json!({"abc": 1}))]),
            Ok(s("dictionary"))
        );
        assert_eq!(
            call_const("gettype", &[Value::Dynamic(json!([1, 2, 3]))]),
            Ok(s("array"))
        );
        assert_eq!(call_const("gettype", &[Value::Null]), Ok(s("null")));
    }

    #[test]
    fn extract_json_paths() {
        // extract-json-function-00
        let doc = s(r#"{"name": "John", "age": 30, "city": "New York", "tags": ["a", "b"]}"#);
        let r = call_with(
            "extract_json",
            &[
                ArgInfo::constant(s("$.name"), ScalarType::String),
                ArgInfo::constant(doc.clone(), ScalarType::String),
                ArgInfo::type_of(ScalarType::String),
            ],
        );
        assert_eq!(r, Ok((ScalarType::String, s("John"))));
        assert_eq!(
            call_const("extractjson", &[s("$.tags[1]"), doc.clone()]),
            Ok(s("b"))
        );
        assert_eq!(
            call_const("extract_json", &[s("$['city']"), doc.clone()]),
            Ok(s("New York"))
        );
        assert_eq!(
            call_const("extract_json", &[s("$.tags"), doc.clone()]),
            Ok(s(r#"["a","b"]"#))
        );
        assert_eq!(
            call_const("extract_json", &[s("$.missing"), doc.clone()]),
            Ok(s(""))
        );
        let typed = call_with(
            "extract_json",
            &[
                ArgInfo::constant(s("$.age"), ScalarType::String),
                ArgInfo::constant(doc, ScalarType::String),
                ArgInfo::type_of(ScalarType::Int),
            ],
        );
        assert_eq!(typed, Ok((ScalarType::Int, Value::Int(30))));
    }
}
