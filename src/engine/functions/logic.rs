//! Conditional and null functions: iff, case, coalesce, isnull, isnotnull, isempty, isnotempty, isnan,
//! isinf, isfinite, not, max_of, min_of.

use std::cmp::Ordering;

use serde_json::Value as J;

use super::util::{bool_arg, cmp_values, coerce, common_type, def, real_arg};
use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    def("iff", 3, 3, Naming::Default, iff),
    def("case", 3, usize::MAX, Naming::Default, case),
    def("coalesce", 2, 64, Naming::Default, coalesce),
    def("isnull", 1, 1, Naming::Default, isnull),
    def("isnotnull", 1, 1, Naming::Default, isnotnull),
    def("isempty", 1, 1, Naming::Default, isempty),
    def("isnotempty", 1, 1, Naming::Default, isnotempty),
    def("isnan", 1, 1, Naming::Default, isnan),
    def("isinf", 1, 1, Naming::Default, isinf),
    def("isfinite", 1, 1, Naming::Default, isfinite),
    def("not", 1, 1, Naming::Default, not),
    def("max_of", 2, 64, Naming::Default, max_of),
    def("min_of", 2, 64, Naming::Default, min_of),
    def("around", 3, 3, Naming::Default, around),
];

fn check_predicate(fname: &str, a: &ArgInfo) -> Result<(), String> {
    if matches!(a.ty, ScalarType::Bool | ScalarType::Dynamic) {
        Ok(())
    } else {
        Err(format!(
            "{fname}(): the condition must be a bool, got {}",
            a.ty
        ))
    }
}

/// `iff(c, then, else)`: `else` when `c` is false or null ([D] iff-function.md; [E] logical-operators-04).
fn iff(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_predicate("iff", &a[0])?;
    let ty = common_type("iff", &[&a[1], &a[2]])?;
    Ok(Prepared::new(ty, move |v| {
        let chosen = if bool_arg(&v[0]) == Some(true) {
            &v[1]
        } else {
            &v[2]
        };
        coerce(chosen.clone(), ty)
    }))
}

/// `case(p1, v1, p2, v2, ..., else)`: the value of the first true predicate, else the last argument.
fn case(a: &[ArgInfo]) -> Result<Prepared, String> {
    if a.len().is_multiple_of(2) {
        return Err("case() takes predicate/value pairs and a final else value (an odd number of arguments)".into());
    }
    let mut values: Vec<&ArgInfo> = Vec::new();
    for (i, arg) in a.iter().enumerate() {
        if i % 2 == 0 && i + 1 < a.len() {
            check_predicate("case", arg)?;
        } else {
            values.push(arg);
        }
    }
    let ty = common_type("case", &values)?;
    let n = a.len();
    Ok(Prepared::new(ty, move |v| {
        let mut i = 0;
        while i + 1 < n {
            if bool_arg(&v[i]) == Some(true) {
                return coerce(v[i + 1].clone(), ty);
            }
            i += 2;
        }
        coerce(v[n - 1].clone(), ty)
    }))
}

fn is_null(v: &Value) -> bool {
    matches!(v, Value::Null | Value::Dynamic(J::Null))
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null | Value::Dynamic(J::Null) => true,
        Value::String(s) | Value::Dynamic(J::String(s)) => s.is_empty(),
        _ => false,
    }
}

/// `coalesce(a, b, ...)`: the first non-null argument; for strings the first non-empty one
/// ([D] coalesce-function.md; [E] coalesce-function-00).
fn coalesce(a: &[ArgInfo]) -> Result<Prepared, String> {
    let refs: Vec<&ArgInfo> = a.iter().collect();
    let ty = common_type("coalesce", &refs)?;
    Ok(Prepared::new(ty, move |v| {
        let hit = v.iter().find(|x| {
            if ty == ScalarType::String {
                !is_empty(x)
            } else {
                !is_null(x)
            }
        });
        coerce(hit.cloned().unwrap_or(Value::Null), ty)
    }))
}

/// Strings are never null, so `isnull("")` is false ([D] isnull-function.md).
fn isnull(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        Value::Bool(is_null(&v[0]))
    }))
}

fn isnotnull(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        Value::Bool(!is_null(&v[0]))
    }))
}

/// `""` or null ([D] isempty-function.md).
fn isempty(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        Value::Bool(is_empty(&v[0]))
    }))
}

fn isnotempty(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        Value::Bool(!is_empty(&v[0]))
    }))
}

fn real_test(a: &[ArgInfo], fname: &str, f: fn(f64) -> bool) -> Result<Prepared, String> {
    if !(a[0].ty.is_numeric() || a[0].ty == ScalarType::Dynamic) {
        return Err(format!("{fname}() expects a number, got {}", a[0].ty));
    }
    Ok(Prepared::new(ScalarType::Bool, move |v| {
        match real_arg(&v[0]) {
            Some(x) => Value::Bool(f(x)),
            None => Value::Null,
        }
    }))
}

/// [E] isnan-function-00, isinf-function-00, isfinite-function-00.
fn isnan(a: &[ArgInfo]) -> Result<Prepared, String> {
    real_test(a, "isnan", f64::is_nan)
}

fn isinf(a: &[ArgInfo]) -> Result<Prepared, String> {
    real_test(a, "isinf", f64::is_infinite)
}

fn isfinite(a: &[ArgInfo]) -> Result<Prepared, String> {
    real_test(a, "isfinite", f64::is_finite)
}

/// `not(null)` is null (KQL_SEMANTICS §5).
fn not(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_predicate("not", &a[0])?;
    Ok(Prepared::new(ScalarType::Bool, |v| match bool_arg(&v[0]) {
        Some(b) => Value::Bool(!b),
        None => Value::Null,
    }))
}

fn extreme(a: &[ArgInfo], fname: &'static str, want: Ordering) -> Result<Prepared, String> {
    let refs: Vec<&ArgInfo> = a.iter().collect();
    let ty = common_type(fname, &refs)?;
    if ty == ScalarType::Dynamic {
        return Err(format!("{fname}() does not compare dynamic values"));
    }
    Ok(Prepared::new(ty, move |v| {
        let mut best: Option<Value> = None;
        for x in v.iter().filter(|x| !is_null(x)) {
            let x = coerce(x.clone(), ty);
            best = match best {
                None => Some(x),
                Some(b) => {
                    if cmp_values(&x, &b) == Some(want) {
                        Some(x)
                    } else {
                        Some(b)
                    }
                }
            };
        }
        best.unwrap_or_else(|| Value::null_of(ty))
    }))
}

/// Null arguments are ignored; all null gives null ([E] max-of-function-01).
fn max_of(a: &[ArgInfo]) -> Result<Prepared, String> {
    extreme(a, "max_of", Ordering::Greater)
}

fn min_of(a: &[ArgInfo]) -> Result<Prepared, String> {
    extreme(a, "min_of", Ordering::Less)
}

/// `around(value, center, delta)`: `center - delta <= value <= center + delta`, for numbers, or datetimes
/// and timespans with a timespan delta ([E] around-function-00).
fn around(a: &[ArgInfo]) -> Result<Prepared, String> {
    use ScalarType::*;
    let ticks = match (a[0].ty, a[1].ty, a[2].ty) {
        (DateTime, DateTime, TimeSpan) | (TimeSpan, TimeSpan, TimeSpan) => true,
        (x, y, z) if x.is_numeric() && y.is_numeric() && z.is_numeric() => false,
        (x, y, z) => return Err(format!("around() of ({x}, {y}, {z}) is not supported")),
    };
    Ok(Prepared::new(Bool, move |v| {
        if ticks {
            let t = |x: &Value| match x {
                Value::DateTime(t) | Value::TimeSpan(t) => Some(*t as i128),
                _ => None,
            };
            match (t(&v[0]), t(&v[1]), t(&v[2])) {
                (Some(x), Some(c), Some(d)) => Value::Bool(c - d <= x && x <= c + d),
                _ => Value::Null,
            }
        } else {
            match (real_arg(&v[0]), real_arg(&v[1]), real_arg(&v[2])) {
                (Some(x), Some(c), Some(d)) => Value::Bool(c - d <= x && x <= c + d),
                _ => Value::Null,
            }
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::super::{ArgInfo, call_const, call_with};
    use crate::engine::value::Value;
    use crate::kql::ScalarType;
    use serde_json::json;

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    #[test]
    fn iff_null_condition_takes_else() {
        // KQL_SEMANTICS §8, [E] logical-operators-04
        assert_eq!(
            call_const("iff", &[Value::Bool(true), s("a"), s("b")]),
            Ok(s("a"))
        );
        assert_eq!(
            call_const("iif", &[Value::Bool(false), s("a"), s("b")]),
            Ok(s("b"))
        );
        let r = call_with(
            "iff",
            &[
                ArgInfo::constant(Value::Null, ScalarType::Bool),
                ArgInfo::constant(s("a"), ScalarType::String),
                ArgInfo::constant(s("b"), ScalarType::String),
            ],
        );
        assert_eq!(r, Ok((ScalarType::String, s("b"))));
        // numeric branches widen
        let r = call_with(
            "iff",
            &[
                ArgInfo::constant(Value::Bool(true), ScalarType::Bool),
                ArgInfo::constant(Value::Long(1), ScalarType::Long),
                ArgInfo::constant(Value::Real(2.5), ScalarType::Real),
            ],
        );
        assert_eq!(r, Ok((ScalarType::Real, Value::Real(1.0))));
        assert!(call_const("iff", &[Value::Bool(true), s("a"), Value::Long(1)]).is_err());
    }

    #[test]
    fn case_buckets() {
        // case-function-00
        let bucket = |size: i64| {
            call_const(
                "case",
                &[
                    Value::Bool(size <= 3),
                    s("Small"),
                    Value::Bool(size <= 10),
                    s("Medium"),
                    s("Large"),
                ],
            )
        };
        assert_eq!(bucket(1), Ok(s("Small")));
        assert_eq!(bucket(5), Ok(s("Medium")));
        assert_eq!(bucket(15), Ok(s("Large")));
        assert!(call_const("case", &[Value::Bool(true), s("a")]).is_err());
    }

    #[test]
    fn coalesce_skips_nulls_and_empty_strings() {
        // coalesce-function-00: coalesce(tolong("not a number"), tolong("42"), 33) == 42
        let r = call_with(
            "coalesce",
            &[
                ArgInfo::constant(Value::Null, ScalarType::Long),
                ArgInfo::constant(Value::Long(42), ScalarType::Long),
                ArgInfo::constant(Value::Long(33), ScalarType::Long),
            ],
        );
        assert_eq!(r, Ok((ScalarType::Long, Value::Long(42))));
        assert_eq!(call_const("coalesce", &[s(""), s("x")]), Ok(s("x")));
    }

    #[test]
    fn null_and_empty_tests() {
        assert_eq!(call_const("isnull", &[s("")]), Ok(Value::Bool(false)));
        assert_eq!(call_const("isnull", &[Value::Null]), Ok(Value::Bool(true)));
        assert_eq!(
            call_const("isnotnull", &[Value::Long(1)]),
            Ok(Value::Bool(true))
        );
        assert_eq!(call_const("isempty", &[s("")]), Ok(Value::Bool(true)));
        assert_eq!(call_const("isempty", &[Value::Null]), Ok(Value::Bool(true)));
        assert_eq!(call_const("isempty", &[s("a")]), Ok(Value::Bool(false)));
        assert_eq!(call_const("isnotempty", &[s("a")]), Ok(Value::Bool(true)));
        assert_eq!(call_const("notempty", &[s("")]), Ok(Value::Bool(false)));
        assert_eq!(
            call_const("isempty", &[Value::Dynamic(json!([]))]),
            Ok(Value::Bool(false))
        );
    }

    #[test]
    fn nan_inf_finite() {
        // isnan-function-00, isinf-function-00, isfinite-function-00
        assert_eq!(
            call_const("isnan", &[Value::Real(f64::NAN)]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            call_const("isnan", &[Value::Real(-1.0)]),
            Ok(Value::Bool(false))
        );
        assert_eq!(
            call_const("isinf", &[Value::Real(f64::INFINITY)]),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            call_const("isinf", &[Value::Real(f64::NAN)]),
            Ok(Value::Bool(false))
        );
        assert_eq!(
            call_const("isfinite", &[Value::Real(f64::NEG_INFINITY)]),
            Ok(Value::Bool(false))
        );
        assert_eq!(
            call_const("isfinite", &[Value::Real(1.0)]),
            Ok(Value::Bool(true))
        );
    }

    #[test]
    fn around_windows() {
        // around-function-00: 01:29, 01:30 and 01:31 are within 1min of 01:30
        let minute = 600_000_000;
        let c = Value::DateTime(90 * minute);
        for (m, want) in [(88, false), (89, true), (90, true), (91, true), (92, false)] {
            let r = call_const(
                "around",
                &[
                    Value::DateTime(m * minute),
                    c.clone(),
                    Value::TimeSpan(minute),
                ],
            );
            assert_eq!(r, Ok(Value::Bool(want)), "{m}");
        }
        assert_eq!(
            call_const(
                "around",
                &[Value::Real(1.5), Value::Long(1), Value::Long(1)]
            ),
            Ok(Value::Bool(true))
        );
    }

    #[test]
    fn not_of_null_is_null() {
        assert_eq!(
            call_const("not", &[Value::Bool(true)]),
            Ok(Value::Bool(false))
        );
        let r = call_with("not", &[ArgInfo::constant(Value::Null, ScalarType::Bool)]);
        assert_eq!(r, Ok((ScalarType::Bool, Value::Null)));
    }

    #[test]
    fn max_of_and_min_of() {
        // max-of-function-00, min-of-function-00
        let args = [
            Value::Long(10),
            Value::Long(1),
            Value::Long(-3),
            Value::Long(17),
        ];
        assert_eq!(call_const("max_of", &args), Ok(Value::Long(17)));
        assert_eq!(call_const("min_of", &args), Ok(Value::Long(-3)));
        // max-of-function-01 / min-of-function-01: nulls ignored, all null -> null, int stays int
        let int_null = ArgInfo::constant(Value::Null, ScalarType::Int);
        let r = call_with(
            "max_of",
            &[
                int_null.clone(),
                ArgInfo::constant(Value::Int(2), ScalarType::Int),
            ],
        );
        assert_eq!(r, Ok((ScalarType::Int, Value::Int(2))));
        let r = call_with("min_of", &[int_null.clone(), int_null]);
        assert_eq!(r, Ok((ScalarType::Int, Value::Null)));
        // max-of-function-02: datetimes
        let a = Value::DateTime(100);
        let b = Value::DateTime(200);
        assert_eq!(call_const("max_of", &[a, b.clone()]), Ok(b));
    }
}
