//! Helpers shared by the function modules: argument access, KQL's string forms, type unification, JSON.

use std::cmp::Ordering;

use regex::Regex;
use serde_json::Value as J;

use super::{ArgInfo, FnDef, Naming, PrepareFn};
use crate::engine::value::{
    TICKS_PER_SECOND, Value, format_timespan, parse_datetime, ticks_to_naive,
};
use crate::kql::ScalarType;

pub(super) const fn def(
    name: &'static str,
    min: usize,
    max: usize,
    naming: Naming,
    prepare: PrepareFn,
) -> FnDef {
    FnDef {
        name,
        min_args: min,
        max_args: max,
        naming,
        prepare,
    }
}

/// Ticks from 0001-01-01 (the .NET epoch, Kusto's datetime origin) to 1970-01-01.
pub(super) const EPOCH_0001: i64 = 621_355_968_000_000_000;
/// 0001-01-01T00:00:00Z in huntbench ticks (since the Unix epoch).
pub(super) const MIN_DATETIME: i64 = -EPOCH_0001;
/// 9999-12-31T23:59:59.9999999Z in huntbench ticks.
pub(super) const MAX_DATETIME: i64 = 3_155_378_975_999_999_999 - EPOCH_0001;

/// A datetime result: null outside 0001-01-01 .. 9999-12-31.
pub(super) fn datetime_value(ticks: Option<i64>) -> Value {
    match ticks {
        Some(t) if (MIN_DATETIME..=MAX_DATETIME).contains(&t) => Value::DateTime(t),
        _ => Value::Null,
    }
}

// ---------------------------------------------------------------------------------------------------------
// String forms

/// `tostring()`: KQL's string form of a value. Null gives `""`; reals print like .NET (`1E+20`, `0.1`);
/// datetimes print with seven fraction digits (`2017-10-15T12:00:00.0000000Z`); timespans as
/// `[-][d.]hh:mm:ss[.fffffff]`; a dynamic string gives its raw text, other dynamics their JSON.
pub fn kql_tostring(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => if *b { "true" } else { "false" }.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Long(i) => i.to_string(),
        Value::Real(f) => format_real_dotnet(*f),
        Value::String(s) | Value::Guid(s) => s.clone(),
        Value::DateTime(t) => format_datetime_full(*t),
        Value::TimeSpan(t) => format_timespan(*t),
        Value::Dynamic(j) => json_text(j),
    }
}

/// [`kql_tostring`] without copying when the value already is text.
pub(super) fn kql_str(v: &Value) -> std::borrow::Cow<'_, str> {
    match v {
        Value::String(s) | Value::Guid(s) => std::borrow::Cow::Borrowed(s),
        Value::Dynamic(J::String(s)) => std::borrow::Cow::Borrowed(s),
        other => std::borrow::Cow::Owned(kql_tostring(other)),
    }
}

/// The text of a JSON value as KQL gives it: a string's raw text, a real as .NET prints it, anything else
/// serialised.
pub(super) fn json_text(j: &J) -> String {
    match j {
        J::String(s) => s.clone(),
        J::Null => String::new(),
        J::Number(n) if !(n.is_i64() || n.is_u64()) => {
            n.as_f64().map(format_real_dotnet).unwrap_or_default()
        }
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

/// .NET's shortest round-trip form of a double: fixed notation for exponents -5 < e < 15, otherwise
/// `d.dddE+XX`; `NaN`, `Infinity`, `-Infinity`.
pub(super) fn format_real_dotnet(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if f == 0.0 {
        return "0".into();
    }
    let sci = format!("{:e}", f.abs());
    let (mant, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if (-5..15).contains(&exp) && exp != -5 {
        if exp >= 0 {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                format!("{sign}{digits}{}", "0".repeat(int_len - digits.len()))
            } else {
                format!("{sign}{}.{}", &digits[..int_len], &digits[int_len..])
            }
        } else {
            format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize))
        }
    } else {
        let (head, tail) = digits.split_at(1);
        let esign = if exp < 0 { '-' } else { '+' };
        if tail.is_empty() {
            format!("{sign}{head}E{esign}{:02}", exp.abs())
        } else {
            format!("{sign}{head}.{tail}E{esign}{:02}", exp.abs())
        }
    }
}

/// `yyyy-MM-ddTHH:mm:ss.fffffffZ`, as `tostring(datetime)` prints.
pub(super) fn format_datetime_full(ticks: i64) -> String {
    match ticks_to_naive(ticks) {
        Some(dt) => {
            let frac = ticks.rem_euclid(TICKS_PER_SECOND);
            format!("{}.{frac:07}Z", dt.format("%Y-%m-%dT%H:%M:%S"))
        }
        None => String::new(),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Argument access

/// An integer argument: int, long, a real (truncated), or a dynamic number.
pub(super) fn int_arg(v: &Value) -> Option<i64> {
    match v {
        Value::Int(i) => Some(*i as i64),
        Value::Long(i) => Some(*i),
        Value::Real(f) if f.is_finite() && f.abs() < 9.2e18 => Some(f.trunc() as i64),
        Value::Dynamic(J::Number(n)) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && f.abs() < 9.2e18)
                .map(|f| f.trunc() as i64)
        }),
        _ => None,
    }
}

/// A numeric argument as f64: int, long, real or a dynamic number.
pub(super) fn real_arg(v: &Value) -> Option<f64> {
    match v {
        Value::Int(i) => Some(*i as f64),
        Value::Long(i) => Some(*i as f64),
        Value::Real(f) => Some(*f),
        Value::Dynamic(J::Number(n)) => n.as_f64(),
        _ => None,
    }
}

pub(super) fn bool_arg(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Dynamic(J::Bool(b)) => Some(*b),
        _ => None,
    }
}

pub(super) fn json_arg(v: &Value) -> Option<&J> {
    match v {
        Value::Dynamic(j) => Some(j),
        _ => None,
    }
}

pub(super) fn array_arg(v: &Value) -> Option<&Vec<J>> {
    match v {
        Value::Dynamic(J::Array(a)) => Some(a),
        _ => None,
    }
}

/// A dynamic result: JSON null is `Value::Null`.
pub(super) fn dyn_value(j: J) -> Value {
    match j {
        J::Null => Value::Null,
        j => Value::Dynamic(j),
    }
}

/// A scalar as it is stored inside a dynamic (`pack_array`, `bag_pack`).
pub(super) fn to_json(v: &Value) -> J {
    match v {
        Value::Null => J::Null,
        other => other.to_dynamic(),
    }
}

/// A long as a JSON number.
pub(super) fn jlong(i: i64) -> J {
    J::from(i)
}

/// A real as a JSON number (non-finite reals as their KQL names).
pub(super) fn jreal(f: f64) -> J {
    serde_json::Number::from_f64(f)
        .map(J::Number)
        .unwrap_or_else(|| J::String(format_real_dotnet(f)))
}

// ---------------------------------------------------------------------------------------------------------
// Types

fn norm_ty(t: ScalarType) -> ScalarType {
    if t == ScalarType::Decimal {
        ScalarType::Real
    } else {
        t
    }
}

/// The common type of arguments that must agree (iff's branches, coalesce, max_of): equal types, or numeric
/// types promoted to the widest. A constant null argument does not constrain the type.
pub(super) fn common_type(fname: &str, infos: &[&ArgInfo]) -> Result<ScalarType, String> {
    let typed: Vec<ScalarType> = infos
        .iter()
        .filter(|a| !matches!(a.constant, Some(Value::Null)))
        .map(|a| norm_ty(a.ty))
        .collect();
    let tys: Vec<ScalarType> = if typed.is_empty() {
        infos.iter().map(|a| norm_ty(a.ty)).collect()
    } else {
        typed
    };
    let Some(&first) = tys.first() else {
        return Err(format!("{fname}(): no arguments"));
    };
    if tys.iter().all(|t| *t == first) {
        return Ok(first);
    }
    // Kusto's TypeFacts.GetCommonScalarType: "the common type of the types that are not dynamic" — so
    // iff(c, split(x, ".")[0], strcat(...)) is a string, and dynamic values are converted to it
    let non_dyn: Vec<ScalarType> = tys
        .iter()
        .copied()
        .filter(|t| *t != ScalarType::Dynamic)
        .collect();
    if !non_dyn.is_empty() && non_dyn.len() < tys.len() {
        let f = non_dyn[0];
        if non_dyn.iter().all(|t| *t == f) {
            return Ok(f);
        }
        if non_dyn.iter().all(|t| t.is_numeric()) {
            return Ok(non_dyn
                .iter()
                .skip(1)
                .fold(f, |a, b| ScalarType::widest_numeric(a, *b).unwrap_or(a)));
        }
    }
    if tys.iter().all(|t| t.is_numeric()) {
        return Ok(tys
            .iter()
            .skip(1)
            .fold(first, |a, b| ScalarType::widest_numeric(a, *b).unwrap_or(a)));
    }
    let names: Vec<&str> = tys.iter().map(|t| t.name()).collect();
    Err(format!(
        "{fname}(): arguments must have the same type, got {}",
        names.join(", ")
    ))
}

/// Converts a value to a type it is known to be compatible with (int -> long -> real), and a null to the
/// type's null.
pub(super) fn coerce(v: Value, ty: ScalarType) -> Value {
    match (v, ty) {
        (Value::Null, t) => Value::null_of(t),
        (Value::Int(i), ScalarType::Long) => Value::Long(i as i64),
        (Value::Int(i), ScalarType::Real | ScalarType::Decimal) => Value::Real(i as f64),
        (Value::Long(i), ScalarType::Real | ScalarType::Decimal) => Value::Real(i as f64),
        (v, _) => v,
    }
}

/// Ordering of two non-null values of one type (numbers across int/long/real, strings ordinally).
pub(super) fn cmp_values(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Some(x.cmp(y)),
        (Value::Long(x), Value::Long(y)) => Some(x.cmp(y)),
        (Value::Int(x), Value::Long(y)) => Some((*x as i64).cmp(y)),
        (Value::Long(x), Value::Int(y)) => Some(x.cmp(&(*y as i64))),
        (Value::DateTime(x), Value::DateTime(y)) | (Value::TimeSpan(x), Value::TimeSpan(y)) => {
            Some(x.cmp(y))
        }
        (Value::String(x), Value::String(y)) | (Value::Guid(x), Value::Guid(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => match (real_arg(a), real_arg(b)) {
            (Some(x), Some(y)) => x.partial_cmp(&y),
            _ => None,
        },
    }
}

// ---------------------------------------------------------------------------------------------------------
// JSON values: equality and order for the set and sort functions

/// A datetime held in a dynamic string (how datetimes are stored in arrays).
fn json_datetime(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() >= 19 && b[4] == b'-' && b[7] == b'-' && (b[10] == b'T' || b[10] == b' ') {
        parse_datetime(s)
    } else {
        None
    }
}

pub(super) fn json_eq(a: &J, b: &J) -> bool {
    match (a, b) {
        (J::Number(x), J::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => x.as_f64() == y.as_f64(),
        },
        _ => a == b,
    }
}

/// Equality of an array element and a scalar (array_index_of, set_has_element).
pub(super) fn json_eq_value(j: &J, v: &Value) -> bool {
    match (j, v) {
        (J::String(s), Value::DateTime(t)) => json_datetime(s) == Some(*t),
        (J::String(s), Value::TimeSpan(t)) => crate::engine::value::parse_timespan(s) == Some(*t),
        (J::String(s), Value::Guid(g)) => s.eq_ignore_ascii_case(g),
        _ => json_eq(j, &to_json(v)),
    }
}

fn json_rank(j: &J) -> u8 {
    match j {
        J::Null => 0,
        J::Bool(_) => 1,
        J::Number(_) => 2,
        J::String(_) => 3,
        J::Array(_) => 4,
        J::Object(_) => 5,
    }
}

/// A total order over JSON values for sorting: by kind, numbers numerically, strings ordinally (datetime
/// strings by instant).
pub(super) fn json_cmp(a: &J, b: &J) -> Ordering {
    match (a, b) {
        (J::Number(x), J::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i.cmp(&j),
            _ => x
                .as_f64()
                .unwrap_or(f64::NAN)
                .total_cmp(&y.as_f64().unwrap_or(f64::NAN)),
        },
        (J::String(x), J::String(y)) => match (json_datetime(x), json_datetime(y)) {
            (Some(s), Some(t)) => s.cmp(&t),
            _ => x.cmp(y),
        },
        (J::Bool(x), J::Bool(y)) => x.cmp(y),
        _ => json_rank(a)
            .cmp(&json_rank(b))
            .then_with(|| json_text(a).cmp(&json_text(b))),
    }
}

// ---------------------------------------------------------------------------------------------------------
// Constant arguments

pub(super) fn const_str<'a>(fname: &str, arg: &'a ArgInfo, what: &str) -> Result<&'a str, String> {
    match &arg.constant {
        Some(Value::String(s)) => Ok(s),
        Some(Value::Dynamic(J::String(s))) => Ok(s),
        _ => Err(format!("{fname}(): the {what} must be a constant string")),
    }
}

/// A regex given as a constant (RE2 syntax, which the regex crate follows closely).
pub(super) fn const_regex(fname: &str, arg: &ArgInfo, what: &str) -> Result<Regex, String> {
    let pat = const_str(fname, arg, what)?;
    crate::engine::re2::compile(pat).map_err(|e| format!("{fname}(): invalid regex: {e}"))
}

/// A one-entry cache for regexes given per row (a regex argument that is not a constant).
pub(super) struct RegexCache(std::sync::Mutex<Option<(String, Option<Regex>)>>);

impl RegexCache {
    pub(super) fn new() -> Self {
        RegexCache(std::sync::Mutex::new(None))
    }
    /// Runs `f` with the compiled `pat`; `None` when the pattern does not compile.
    pub(super) fn with<R>(&self, pat: &str, f: impl FnOnce(&Regex) -> R) -> Option<R> {
        let mut g = self.0.lock().ok()?;
        let fresh = !matches!(g.as_ref(), Some((p, _)) if p == pat);
        if fresh {
            *g = Some((pat.to_string(), crate::engine::re2::compile(pat).ok()));
        }
        g.as_ref().and_then(|(_, r)| r.as_ref()).map(f)
    }
}

/// Character index → byte offset table for char-indexed string functions.
pub(super) fn char_starts(s: &str) -> Vec<usize> {
    let mut v: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
    v.push(s.len());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reals_print_like_dotnet() {
        assert_eq!(format_real_dotnet(123.45), "123.45");
        assert_eq!(format_real_dotnet(1.0), "1");
        assert_eq!(format_real_dotnet(-0.5), "-0.5");
        assert_eq!(format_real_dotnet(1e20), "1E+20");
        assert_eq!(format_real_dotnet(1.5e15), "1.5E+15");
        assert_eq!(format_real_dotnet(123456789012345.0), "123456789012345");
        assert_eq!(format_real_dotnet(0.0001), "0.0001");
        assert_eq!(format_real_dotnet(0.00001), "1E-05");
        assert_eq!(format_real_dotnet(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_real_dotnet(f64::NAN), "NaN");
        assert_eq!(format_real_dotnet(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn datetimes_print_with_seven_digits() {
        // reverse-function-01: reverse(datetime(2017-10-15 12:00)) is "Z0000000.00:00:21T51-01-7102"
        let t = parse_datetime("2017-10-15 12:00").unwrap_or_default();
        assert_eq!(
            kql_tostring(&Value::DateTime(t)),
            "2017-10-15T12:00:00.0000000Z"
        );
        assert_eq!(
            format_datetime_full(MIN_DATETIME),
            "0001-01-01T00:00:00.0000000Z"
        );
        assert_eq!(
            format_datetime_full(MAX_DATETIME),
            "9999-12-31T23:59:59.9999999Z"
        );
    }

    #[test]
    fn common_types() {
        let l = ArgInfo::new(ScalarType::Long);
        let r = ArgInfo::new(ScalarType::Real);
        let s = ArgInfo::new(ScalarType::String);
        let n = ArgInfo::constant(Value::Null, ScalarType::Dynamic);
        assert_eq!(common_type("f", &[&l, &r]), Ok(ScalarType::Real));
        assert_eq!(common_type("f", &[&s, &n]), Ok(ScalarType::String));
        assert!(common_type("f", &[&s, &l]).is_err());
    }
}
