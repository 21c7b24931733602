//! Special functions (`erf`, `erfc`) and `has_any_index`.

use serde_json::Value as J;

use super::util::{def, json_text, kql_str, real_arg};
use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::has::{TermMatch, has};
use crate::engine::value::Value;
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    def("erf", 1, 1, Naming::Default, erf_fn),
    def("erfc", 1, 1, Naming::Default, erfc_fn),
    def("has_any_index", 2, 2, Naming::Default, has_any_index),
];

const FRAC_2_SQRT_PI: f64 = std::f64::consts::FRAC_2_SQRT_PI;

/// `erf(x)` for `|x| < 2.5`: `2/sqrt(pi) * exp(-x^2) * sum 2^n x^(2n+1) / (1*3*...*(2n+1))`, a series of
/// positive terms (no cancellation).
fn erf_series(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    let mut n = 0.0;
    while term.abs() > sum.abs() * 1e-17 {
        n += 1.0;
        term *= 2.0 * x2 / (2.0 * n + 1.0);
        sum += term;
        if n > 200.0 {
            break;
        }
    }
    FRAC_2_SQRT_PI * (-x2).exp() * sum
}

/// `erfc(x)` for `x >= 2.5`: the continued fraction
/// `exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))`, by Lentz's method.
fn erfc_cf(x: f64) -> f64 {
    let tiny = 1e-300;
    let mut f = x;
    let mut c = x;
    let mut d = 0.0;
    for k in 1..500 {
        let a = k as f64 / 2.0;
        d = x + a * d;
        if d.abs() < tiny {
            d = tiny;
        }
        d = 1.0 / d;
        c = x + a / c;
        if c.abs() < tiny {
            c = tiny;
        }
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    (-x * x).exp() / std::f64::consts::PI.sqrt() / f
}

pub(super) fn erf(x: f64) -> f64 {
    if x.is_nan() {
        x
    } else if x.abs() < 2.5 {
        erf_series(x)
    } else if x > 0.0 {
        1.0 - erfc_cf(x)
    } else {
        erfc_cf(-x) - 1.0
    }
}

pub(super) fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        x
    } else if x >= 2.5 {
        erfc_cf(x)
    } else if x <= -2.5 {
        2.0 - erfc_cf(-x)
    } else {
        1.0 - erf_series(x)
    }
}

fn real_fn(fname: &str, a: &[ArgInfo], f: fn(f64) -> f64) -> Result<Prepared, String> {
    if !(a[0].ty.is_numeric() || a[0].ty == ScalarType::Dynamic) {
        return Err(format!(
            "{fname}() expects a number, got {}",
            a[0].ty.name()
        ));
    }
    Ok(Prepared::new(ScalarType::Real, move |v| {
        real_arg(&v[0])
            .map(|x| Value::Real(f(x)))
            .unwrap_or(Value::Null)
    }))
}

/// [E] erf-function-00.
fn erf_fn(a: &[ArgInfo]) -> Result<Prepared, String> {
    real_fn("erf", a, erf)
}

/// [E] erfc-function-00.
fn erfc_fn(a: &[ArgInfo]) -> Result<Prepared, String> {
    real_fn("erfc", a, erfc)
}

/// `has_any_index(source, lookups)`: the index of the first lookup term (in array order) that `source`
/// `has` (whole terms, case-insensitive), or -1; non-string lookups are matched by their string form
/// ([E] has-any-index-function-00: `range(1, 3, 1)` finds `2` in "Example number 2" at index 1).
fn has_any_index(a: &[ArgInfo]) -> Result<Prepared, String> {
    if a[1].ty != ScalarType::Dynamic {
        return Err(format!(
            "has_any_index() expects a dynamic array of lookup terms, got {}",
            a[1].ty.name()
        ));
    }
    Ok(Prepared::new(ScalarType::Long, |v| {
        let Value::Dynamic(J::Array(terms)) = &v[1] else {
            return Value::Null;
        };
        let hay = kql_str(&v[0]);
        let idx = terms
            .iter()
            .position(|t| has(&hay, &json_text(t), TermMatch::Whole, false));
        Value::Long(idx.map(|i| i as i64).unwrap_or(-1))
    }))
}

#[cfg(test)]
mod tests {
    use super::super::call_const;
    use super::*;

    fn near(got: f64, want: f64) {
        assert!(
            (got - want).abs() <= 1e-13 * want.abs().max(1e-300),
            "{got} vs {want}"
        );
    }

    #[test]
    fn erf_matches_the_engine() {
        // [E] erf-function-00
        let want = [
            -0.9999779095030014,
            -0.9953222650189527,
            -0.8427007929497149,
            0.0,
            0.8427007929497149,
            0.9953222650189527,
            0.9999779095030014,
        ];
        for (x, w) in (-3..=3).zip(want) {
            near(erf(x as f64), w);
        }
        // [E] erfc-function-00
        let want = [
            1.9999779095030015,
            1.9953222650189528,
            1.842700792949715,
            1.0,
            0.15729920705028513,
            0.004677734981047265,
            2.2090496998585438e-05,
        ];
        for (x, w) in (-3..=3).zip(want) {
            near(erfc(x as f64), w);
        }
        // values from the C library (Python math.erf/erfc), around the switch point and in the far tail
        near(erf(0.5), 0.5204998778130465);
        near(erf(2.4), 0.999311486103355);
        near(erf(2.6), 0.9997639655834707);
        near(erfc(2.4), 0.0006885138966450789);
        near(erfc(2.6), 0.00023603441652934908);
        near(erfc(6.0), 2.1519736712498916e-17);
        near(erfc(-0.3), 1.3286267594591274);
    }

    #[test]
    fn has_any_index_cases() {
        // [E] has-any-index-function-00
        let s = |x: &str| Value::String(x.into());
        let d = |x: &str| Value::Dynamic(serde_json::from_str(x).unwrap_or(J::Null));
        let hay = s("this is an example");
        let call = |a: Value, b: Value| call_const("has_any_index", &[a, b]).unwrap_or(Value::Null);
        assert_eq!(
            call(hay.clone(), d(r#"["this","example"]"#)),
            Value::Long(0)
        );
        assert_eq!(call(hay.clone(), d(r#"["not","example"]"#)), Value::Long(1));
        assert_eq!(call(hay.clone(), d(r#"["not","found"]"#)), Value::Long(-1));
        assert_eq!(call(s("Example number 2"), d("[1,2,3]")), Value::Long(1));
        assert_eq!(call(hay, d("[]")), Value::Long(-1));
    }
}
