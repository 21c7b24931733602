//! `series_*` functions over dynamic numeric arrays: element-wise math and comparisons, reductions
//! (sum, product, magnitude, dot product, cosine similarity, Pearson correlation), the fill functions,
//! `series_iir` and `series_seasonal` with a given period.
//!
//! Element rules ([D] series-*-function.md): a non-numeric element, or a missing one (arrays of different
//! sizes), gives a `null` element. An array whose numeric elements are all integers is an integer series:
//! the operations that keep integers (abs, sign, ceiling, floor, add, subtract, multiply) give longs for it
//! ([E] series-add-function-00, series-sign-function-00); one real element makes the whole series real
//! ([E] series-abs-function-00: `[-6.5,0,8.2]` gives `[6.5,0.0,8.2]`). Division, powers and the
//! transcendental functions always give reals ([E] series-divide-function-00).
//!
//! Not here: `series_stats`/`series_periods_validate` (several result columns), period auto-detection
//! (`series_seasonal` without a period), `series_fir`, the decomposition and fitting functions.

use serde_json::Value as J;

use super::util::{def, jlong, jreal, to_json};
use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    def("series_abs", 1, 1, Naming::Default, series_abs),
    def("series_acos", 1, 1, Naming::Default, series_acos),
    def("series_asin", 1, 1, Naming::Default, series_asin),
    def("series_atan", 1, 1, Naming::Default, series_atan),
    def("series_ceiling", 1, 1, Naming::Default, series_ceiling),
    def("series_cos", 1, 1, Naming::Default, series_cos),
    def("series_exp", 1, 1, Naming::Default, series_exp),
    def("series_floor", 1, 1, Naming::Default, series_floor),
    def("series_log", 1, 1, Naming::Default, series_log),
    def("series_sign", 1, 1, Naming::Default, series_sign),
    def("series_sin", 1, 1, Naming::Default, series_sin),
    def("series_tan", 1, 1, Naming::Default, series_tan),
    def("series_add", 2, 2, Naming::Default, series_add),
    def("series_subtract", 2, 2, Naming::Default, series_subtract),
    def("series_multiply", 2, 2, Naming::Default, series_multiply),
    def("series_divide", 2, 2, Naming::Default, series_divide),
    def("series_pow", 2, 2, Naming::Default, series_pow),
    def("series_equals", 2, 2, Naming::Default, series_equals),
    def(
        "series_not_equals",
        2,
        2,
        Naming::Default,
        series_not_equals,
    ),
    def("series_greater", 2, 2, Naming::Default, series_greater),
    def(
        "series_greater_equals",
        2,
        2,
        Naming::Default,
        series_greater_equals,
    ),
    def("series_less", 2, 2, Naming::Default, series_less),
    def(
        "series_less_equals",
        2,
        2,
        Naming::Default,
        series_less_equals,
    ),
    def("series_sum", 1, 1, Naming::Default, series_sum),
    def("series_product", 1, 1, Naming::Default, series_product),
    def("series_magnitude", 1, 1, Naming::Default, series_magnitude),
    def(
        "series_dot_product",
        2,
        2,
        Naming::Default,
        series_dot_product,
    ),
    def(
        "series_cosine_similarity",
        2,
        2,
        Naming::Default,
        series_cosine_similarity,
    ),
    def(
        "series_pearson_correlation",
        2,
        2,
        Naming::Default,
        series_pearson_correlation,
    ),
    def(
        "series_fill_forward",
        1,
        2,
        Naming::Default,
        series_fill_forward,
    ),
    def(
        "series_fill_backward",
        1,
        2,
        Naming::Default,
        series_fill_backward,
    ),
    def(
        "series_fill_const",
        2,
        3,
        Naming::Default,
        series_fill_const,
    ),
    def(
        "series_fill_linear",
        1,
        4,
        Naming::Default,
        series_fill_linear,
    ),
    def("series_iir", 3, 3, Naming::Default, series_iir),
    def("series_seasonal", 2, 2, Naming::Default, series_seasonal),
    def(
        "series_stats_dynamic",
        1,
        1,
        Naming::Default,
        series_stats_dynamic,
    ),
];

// ---------------------------------------------------------------------------------------------------------
// Elements

/// A numeric element: an integer or a real.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Num {
    I(i64),
    R(f64),
}

impl Num {
    fn f(self) -> f64 {
        match self {
            Num::I(i) => i as f64,
            Num::R(r) => r,
        }
    }
}

fn num(j: &J) -> Option<Num> {
    match j {
        J::Number(n) => match n.as_i64() {
            Some(i) => Some(Num::I(i)),
            None => n.as_f64().map(Num::R),
        },
        _ => None,
    }
}

/// An argument of an element-wise function: an array, or a numeric scalar broadcast over the other side.
enum Operand<'a> {
    Array(&'a [J]),
    Scalar(Num),
}

fn operand(v: &Value) -> Option<Operand<'_>> {
    match v {
        Value::Dynamic(J::Array(a)) => Some(Operand::Array(a)),
        Value::Dynamic(j) => num(j).map(Operand::Scalar),
        Value::Int(i) => Some(Operand::Scalar(Num::I(*i as i64))),
        Value::Long(i) => Some(Operand::Scalar(Num::I(*i))),
        Value::Real(r) => Some(Operand::Scalar(Num::R(*r))),
        _ => None,
    }
}

impl Operand<'_> {
    fn len(&self) -> Option<usize> {
        match self {
            Operand::Array(a) => Some(a.len()),
            Operand::Scalar(_) => None,
        }
    }
    fn get(&self, i: usize) -> Option<Num> {
        match self {
            Operand::Array(a) => a.get(i).and_then(num),
            Operand::Scalar(n) => Some(*n),
        }
    }
    /// True when every numeric element is an integer.
    fn is_int(&self) -> bool {
        match self {
            Operand::Array(a) => a.iter().filter_map(num).all(|n| matches!(n, Num::I(_))),
            Operand::Scalar(n) => matches!(n, Num::I(_)),
        }
    }
}

fn array(v: &Value) -> Option<&Vec<J>> {
    match v {
        Value::Dynamic(J::Array(a)) => Some(a),
        _ => None,
    }
}

fn check_dynamic(fname: &str, a: &ArgInfo) -> Result<(), String> {
    if a.ty == ScalarType::Dynamic {
        Ok(())
    } else {
        Err(format!(
            "{fname}() expects a dynamic array, got {}",
            a.ty.name()
        ))
    }
}

fn check_series_or_number(fname: &str, a: &[ArgInfo]) -> Result<(), String> {
    for x in a {
        if !(x.ty == ScalarType::Dynamic || x.ty.is_numeric()) {
            return Err(format!(
                "{fname}() expects dynamic arrays or numbers, got {}",
                x.ty.name()
            ));
        }
    }
    if !a.iter().any(|x| x.ty == ScalarType::Dynamic) {
        return Err(format!("{fname}() expects at least one dynamic array"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------
// Element-wise functions of one series

/// Applies `f` to each element; `int` (when given) is used for integer series and keeps longs.
fn map1(
    a: &[ArgInfo],
    fname: &'static str,
    real: fn(f64) -> f64,
    int: Option<fn(i64) -> Option<i64>>,
) -> Result<Prepared, String> {
    check_dynamic(fname, &a[0])?;
    Ok(Prepared::new(ScalarType::Dynamic, move |v| {
        let Some(arr) = array(&v[0]) else {
            return Value::Null;
        };
        let as_int = int.filter(|_| Operand::Array(arr).is_int());
        let out = arr
            .iter()
            .map(|e| match (num(e), as_int) {
                (Some(Num::I(i)), Some(g)) => g(i).map(jlong).unwrap_or(J::Null),
                (Some(n), _) => jreal(real(n.f())),
                (None, _) => J::Null,
            })
            .collect();
        Value::Dynamic(J::Array(out))
    }))
}

fn series_abs(a: &[ArgInfo]) -> Result<Prepared, String> {
    map1(a, "series_abs", f64::abs, Some(i64::checked_abs))
}
fn series_acos(a: &[ArgInfo]) -> Result<Prepared, String> {
    map1(a, "series_acos", f64::acos, None)
}
fn series_asin(a: &[ArgInfo]) -> Result<Prepared, String> {
    map1(a, "series_asin", f64::asin, None)
}
fn series_atan(a: &[ArgInfo]) -> Result<Prepared, String> {
    map1(a, "series_atan", f64::atan, None)
}
fn series_ceiling(a: &[ArgInfo]) -> Result<Prepared, String> {
    map1(a, "series_ceiling", f64::ceil, Some(Some))
}
fn series_cos(a: &[ArgInfo]) -> Result<Prepared, String> {
    map1(a, "series_cos", f64::cos, None)
}
fn series_exp(a: &[ArgInfo]) -> Result<Prepared, String> {
    map1(a, "series_exp", f64::exp, None)
}
fn series_floor(a: &[ArgInfo]) -> Result<Prepared, String> {
    map1(a, "series_floor", f64::floor, Some(Some))
}
fn series_log(a: &[ArgInfo]) -> Result<Prepared, String> {
    map1(a, "series_log", f64::ln, None)
}
fn sign_real(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        x
    }
}
fn series_sign(a: &[ArgInfo]) -> Result<Prepared, String> {
    map1(a, "series_sign", sign_real, Some(|i| Some(i.signum())))
}
fn series_sin(a: &[ArgInfo]) -> Result<Prepared, String> {
    map1(a, "series_sin", f64::sin, None)
}
fn series_tan(a: &[ArgInfo]) -> Result<Prepared, String> {
    map1(a, "series_tan", f64::tan, None)
}

// ---------------------------------------------------------------------------------------------------------
// Element-wise functions of two series

/// Pairs the elements of two operands (a scalar is broadcast); the result has the longer array's length and
/// a missing or non-numeric element on either side gives `null`.
fn zip_with(x: &Value, y: &Value, f: impl Fn(Num, Num, bool) -> J) -> Value {
    let (Some(p), Some(q)) = (operand(x), operand(y)) else {
        return Value::Null;
    };
    let n = match (p.len(), q.len()) {
        (Some(m), Some(n)) => m.max(n),
        (Some(m), None) | (None, Some(m)) => m,
        (None, None) => return Value::Null,
    };
    let ints = p.is_int() && q.is_int();
    let out = (0..n)
        .map(|i| match (p.get(i), q.get(i)) {
            (Some(a), Some(b)) => f(a, b, ints),
            _ => J::Null,
        })
        .collect();
    Value::Dynamic(J::Array(out))
}

fn arith(
    a: &[ArgInfo],
    fname: &'static str,
    real: fn(f64, f64) -> f64,
    int: Option<fn(i64, i64) -> i64>,
) -> Result<Prepared, String> {
    check_series_or_number(fname, a)?;
    Ok(Prepared::new(ScalarType::Dynamic, move |v| {
        zip_with(&v[0], &v[1], |x, y, ints| match (x, y, int) {
            (Num::I(i), Num::I(j), Some(g)) if ints => jlong(g(i, j)),
            _ => jreal(real(x.f(), y.f())),
        })
    }))
}

fn series_add(a: &[ArgInfo]) -> Result<Prepared, String> {
    arith(a, "series_add", |x, y| x + y, Some(i64::wrapping_add))
}
fn series_subtract(a: &[ArgInfo]) -> Result<Prepared, String> {
    arith(a, "series_subtract", |x, y| x - y, Some(i64::wrapping_sub))
}
fn series_multiply(a: &[ArgInfo]) -> Result<Prepared, String> {
    arith(a, "series_multiply", |x, y| x * y, Some(i64::wrapping_mul))
}
fn series_divide(a: &[ArgInfo]) -> Result<Prepared, String> {
    arith(a, "series_divide", |x, y| x / y, None)
}
fn series_pow(a: &[ArgInfo]) -> Result<Prepared, String> {
    arith(a, "series_pow", f64::powf, None)
}

fn num_cmp(x: Num, y: Num) -> Option<std::cmp::Ordering> {
    match (x, y) {
        (Num::I(i), Num::I(j)) => Some(i.cmp(&j)),
        _ => x.f().partial_cmp(&y.f()),
    }
}

fn compare(
    a: &[ArgInfo],
    fname: &'static str,
    test: fn(std::cmp::Ordering) -> bool,
) -> Result<Prepared, String> {
    check_series_or_number(fname, a)?;
    Ok(Prepared::new(ScalarType::Dynamic, move |v| {
        zip_with(&v[0], &v[1], |x, y, _| match num_cmp(x, y) {
            Some(o) => J::Bool(test(o)),
            // NaN: every comparison is false except "not equals"
            None => J::Bool(fname == "series_not_equals"),
        })
    }))
}

fn series_equals(a: &[ArgInfo]) -> Result<Prepared, String> {
    compare(a, "series_equals", |o| o.is_eq())
}
fn series_not_equals(a: &[ArgInfo]) -> Result<Prepared, String> {
    compare(a, "series_not_equals", |o| o.is_ne())
}
fn series_greater(a: &[ArgInfo]) -> Result<Prepared, String> {
    compare(a, "series_greater", |o| o.is_gt())
}
fn series_greater_equals(a: &[ArgInfo]) -> Result<Prepared, String> {
    compare(a, "series_greater_equals", |o| o.is_ge())
}
fn series_less(a: &[ArgInfo]) -> Result<Prepared, String> {
    compare(a, "series_less", |o| o.is_lt())
}
fn series_less_equals(a: &[ArgInfo]) -> Result<Prepared, String> {
    compare(a, "series_less_equals", |o| o.is_le())
}

// ---------------------------------------------------------------------------------------------------------
// Reductions

/// The numeric elements of an array (non-numeric ones are ignored, as [D] series-dot-product-function.md
/// says for the vector functions); `None` when there are none.
fn reduce(v: &Value, init: f64, f: fn(f64, f64) -> f64) -> Option<f64> {
    let arr = array(v)?;
    let mut acc = init;
    let mut any = false;
    for n in arr.iter().filter_map(num) {
        acc = f(acc, n.f());
        any = true;
    }
    any.then_some(acc)
}

fn real_result(r: Option<f64>) -> Value {
    r.map(Value::Real).unwrap_or(Value::Null)
}

fn series_sum(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("series_sum", &a[0])?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        real_result(reduce(&v[0], 0.0, |s, x| s + x))
    }))
}

fn series_product(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("series_product", &a[0])?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        real_result(reduce(&v[0], 1.0, |s, x| s * x))
    }))
}

fn series_magnitude(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("series_magnitude", &a[0])?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        real_result(reduce(&v[0], 0.0, |s, x| s + x * x).map(f64::sqrt))
    }))
}

/// The numeric pairs of two operands over the shorter length (a scalar is broadcast to the other's
/// length); `None` when either array is empty or neither argument is an array.
fn pairs(x: &Value, y: &Value) -> Option<Vec<(f64, f64)>> {
    let (p, q) = (operand(x)?, operand(y)?);
    let n = match (p.len(), q.len()) {
        (Some(m), Some(n)) => m.min(n),
        (Some(m), None) | (None, Some(m)) => m,
        (None, None) => return None,
    };
    if n == 0 {
        return None;
    }
    Some(
        (0..n)
            .filter_map(|i| match (p.get(i), q.get(i)) {
                (Some(a), Some(b)) => Some((a.f(), b.f())),
                _ => None,
            })
            .collect(),
    )
}

/// `series_dot_product`: one side may be a number ([D] series-dot-product-function.md; [E]
/// series-dot-product-function-01); the longer array is truncated, non-numeric elements are ignored, an
/// empty array gives null.
fn series_dot_product(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_series_or_number("series_dot_product", a)?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        real_result(pairs(&v[0], &v[1]).map(|p| p.iter().map(|(x, y)| x * y).sum()))
    }))
}

/// `series_cosine_similarity`: dot product over the product of the magnitudes, over the shorter length.
fn series_cosine_similarity(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("series_cosine_similarity", &a[0])?;
    check_dynamic("series_cosine_similarity", &a[1])?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        if array(&v[0]).is_none() || array(&v[1]).is_none() {
            return Value::Null;
        }
        real_result(pairs(&v[0], &v[1]).map(|p| {
            let dot: f64 = p.iter().map(|(x, y)| x * y).sum();
            let nx: f64 = p.iter().map(|(x, _)| x * x).sum::<f64>().sqrt();
            let ny: f64 = p.iter().map(|(_, y)| y * y).sum::<f64>().sqrt();
            dot / (nx * ny)
        }))
    }))
}

/// `series_pearson_correlation`: a non-numeric element or arrays of different sizes give null
/// ([D] series-pearson-correlation-function.md).
fn series_pearson_correlation(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("series_pearson_correlation", &a[0])?;
    check_dynamic("series_pearson_correlation", &a[1])?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        let (Some(x), Some(y)) = (array(&v[0]), array(&v[1])) else {
            return Value::Null;
        };
        if x.len() != y.len() || x.is_empty() {
            return Value::Null;
        }
        let xs: Option<Vec<f64>> = x.iter().map(|e| num(e).map(Num::f)).collect();
        let ys: Option<Vec<f64>> = y.iter().map(|e| num(e).map(Num::f)).collect();
        let (Some(xs), Some(ys)) = (xs, ys) else {
            return Value::Null;
        };
        let n = xs.len() as f64;
        let mx = xs.iter().sum::<f64>() / n;
        let my = ys.iter().sum::<f64>() / n;
        let mut sxy = 0.0;
        let mut sxx = 0.0;
        let mut syy = 0.0;
        for (x, y) in xs.iter().zip(&ys) {
            sxy += (x - mx) * (y - my);
            sxx += (x - mx) * (x - mx);
            syy += (y - my) * (y - my);
        }
        Value::Real(sxy / (sxx * syy).sqrt())
    }))
}

// ---------------------------------------------------------------------------------------------------------
// Fill functions

/// The missing-value placeholder: only the default (`null`, given or omitted) is supported; what a
/// non-null placeholder matches in a mixed array is not documented.
fn check_null_placeholder(fname: &str, a: Option<&ArgInfo>) -> Result<(), String> {
    match a {
        None => Ok(()),
        Some(x) if matches!(x.constant, Some(Value::Null)) => Ok(()),
        Some(_) => Err(format!(
            "{fname}(): only a null missing_value_placeholder is supported"
        )),
    }
}

fn series_fill_forward(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("series_fill_forward", &a[0])?;
    check_null_placeholder("series_fill_forward", a.get(1))?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let Some(arr) = array(&v[0]) else {
            return Value::Null;
        };
        let mut last = J::Null;
        let out = arr
            .iter()
            .map(|e| {
                if !e.is_null() {
                    last = e.clone();
                }
                last.clone()
            })
            .collect();
        Value::Dynamic(J::Array(out))
    }))
}

fn series_fill_backward(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("series_fill_backward", &a[0])?;
    check_null_placeholder("series_fill_backward", a.get(1))?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let Some(arr) = array(&v[0]) else {
            return Value::Null;
        };
        let mut next = J::Null;
        let mut out: Vec<J> = arr
            .iter()
            .rev()
            .map(|e| {
                if !e.is_null() {
                    next = e.clone();
                }
                next.clone()
            })
            .collect();
        out.reverse();
        Value::Dynamic(J::Array(out))
    }))
}

/// `series_fill_const(series, constant[, placeholder])`: nulls become the constant, kept in its own type
/// ([E] series-fill-const-function-00: `0.0` stays real in an array of longs).
fn series_fill_const(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("series_fill_const", &a[0])?;
    check_null_placeholder("series_fill_const", a.get(2))?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let Some(arr) = array(&v[0]) else {
            return Value::Null;
        };
        let c = to_json(&v[1]);
        let out = arr
            .iter()
            .map(|e| if e.is_null() { c.clone() } else { e.clone() })
            .collect();
        Value::Dynamic(J::Array(out))
    }))
}

/// `series_fill_linear(series[, placeholder[, fill_edges[, constant_value]]])`.
///
/// Missing values between two known ones are interpolated linearly; in a series of integers the
/// interpolated values are truncated to integers ([E] series-fill-linear-function-00: 73.5 gives 73,
/// 32.67 gives 32). With `fill_edges` (default true) leading and trailing nulls take the nearest value. An
/// array of nulls only is filled with `constant_value` (default `0.0`), whatever `fill_edges` says.
fn series_fill_linear(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("series_fill_linear", &a[0])?;
    check_null_placeholder("series_fill_linear", a.get(1))?;
    if let Some(e) = a.get(2)
        && !(e.ty == ScalarType::Bool || matches!(e.constant, Some(Value::Null)))
    {
        return Err("series_fill_linear(): fill_edges must be a bool".into());
    }
    let n_args = a.len();
    Ok(Prepared::new(ScalarType::Dynamic, move |v| {
        let Some(arr) = array(&v[0]) else {
            return Value::Null;
        };
        let fill_edges = match v.get(2) {
            Some(Value::Bool(b)) => *b,
            _ => true,
        };
        let constant = if n_args >= 4 {
            to_json(&v[3])
        } else {
            jreal(0.0)
        };
        Value::Dynamic(J::Array(fill_linear(arr, fill_edges, &constant)))
    }))
}

fn fill_linear(arr: &[J], fill_edges: bool, constant: &J) -> Vec<J> {
    let known: Vec<(usize, Num)> = arr
        .iter()
        .enumerate()
        .filter_map(|(i, e)| num(e).map(|n| (i, n)))
        .collect();
    if arr.iter().all(J::is_null) {
        return arr.iter().map(|_| constant.clone()).collect();
    }
    let ints = known.iter().all(|(_, n)| matches!(n, Num::I(_)));
    let mut out: Vec<J> = arr.to_vec();
    for w in known.windows(2) {
        let ((i, a), (j, b)) = (w[0], w[1]);
        for (k, slot) in out.iter_mut().enumerate().take(j).skip(i + 1) {
            if !slot.is_null() {
                continue;
            }
            let t = (k - i) as f64 / (j - i) as f64;
            let x = a.f() + (b.f() - a.f()) * t;
            *slot = if ints {
                jlong(x.trunc() as i64)
            } else {
                jreal(x)
            };
        }
    }
    if fill_edges && let (Some(first), Some(last)) = (known.first(), known.last()) {
        for slot in out.iter_mut().take(first.0) {
            if slot.is_null() {
                *slot = arr[first.0].clone();
            }
        }
        for slot in out.iter_mut().skip(last.0 + 1) {
            if slot.is_null() {
                *slot = arr[last.0].clone();
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------------------
// Filters and seasonality

fn coefficients(v: &Value) -> Option<Vec<f64>> {
    array(v)?.iter().map(|e| num(e).map(Num::f)).collect()
}

/// `series_iir(x, numerators b, denominators a)`:
/// `y[i] = (b[0]x[i] + b[1]x[i-1] + ... - a[1]y[i-1] - a[2]y[i-2] - ...) / a[0]` ([D] series-iir-function.md).
/// A series with a non-numeric element, non-numeric coefficients or `a[0] = 0` give null.
fn series_iir(a: &[ArgInfo]) -> Result<Prepared, String> {
    for x in a {
        check_dynamic("series_iir", x)?;
    }
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let (Some(x), Some(b), Some(den)) = (
            array(&v[0]).and_then(|x| {
                x.iter()
                    .map(|e| num(e).map(Num::f))
                    .collect::<Option<Vec<f64>>>()
            }),
            coefficients(&v[1]),
            coefficients(&v[2]),
        ) else {
            return Value::Null;
        };
        let Some(&a0) = den.first() else {
            return Value::Null;
        };
        if a0 == 0.0 || b.is_empty() {
            return Value::Null;
        }
        let mut y: Vec<f64> = Vec::with_capacity(x.len());
        for i in 0..x.len() {
            let mut acc = 0.0;
            for (k, bk) in b.iter().enumerate() {
                if k <= i {
                    acc += bk * x[i - k];
                }
            }
            for (k, ak) in den.iter().enumerate().skip(1) {
                if k <= i {
                    acc -= ak * y[i - k];
                }
            }
            y.push(acc / a0);
        }
        Value::Dynamic(J::Array(y.into_iter().map(jreal).collect()))
    }))
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    })
}

/// `series_seasonal(series, period)` with a given positive period: each element is the median of the
/// values at its position in the period ([D] series-seasonal-function.md; [E] series-seasonal-function-01).
/// The automatic period detection (no period, or -1) is not supported.
fn series_seasonal(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("series_seasonal", &a[0])?;
    let period = match a[1].const_i64() {
        Some(p) if p > 0 && a[1].ty.is_numeric() => p as usize,
        _ => {
            return Err(
                "series_seasonal(): only a constant positive period is supported (no auto-detection)"
                    .into(),
            );
        }
    };
    Ok(Prepared::new(ScalarType::Dynamic, move |v| {
        let Some(arr) = array(&v[0]) else {
            return Value::Null;
        };
        let phase: Vec<J> = (0..period.min(arr.len()))
            .map(|p| {
                let xs: Vec<f64> = arr
                    .iter()
                    .skip(p)
                    .step_by(period)
                    .filter_map(|e| num(e).map(Num::f))
                    .collect();
                median(xs).map(jreal).unwrap_or(J::Null)
            })
            .collect();
        let out = (0..arr.len()).map(|i| phase[i % period].clone()).collect();
        Value::Dynamic(J::Array(out))
    }))
}

/// `series_stats_dynamic(series)`: `{min, min_idx, max, max_idx, avg, stdev, variance, sum, len}` with the
/// sample variance ([D] series-stats-dynamic-function.md; [E] series-stats-dynamic-function-00). Without
/// `ignore_nonfinite` (the only form supported), a non-finite or non-numeric element gives null.
fn series_stats_dynamic(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("series_stats_dynamic", &a[0])?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let Some(arr) = array(&v[0]) else {
            return Value::Null;
        };
        let xs: Option<Vec<f64>> = arr
            .iter()
            .map(|e| num(e).map(Num::f).filter(|x| x.is_finite()))
            .collect();
        let Some(xs) = xs.filter(|x| !x.is_empty()) else {
            return Value::Null;
        };
        let n = xs.len();
        let (mut min_idx, mut max_idx) = (0, 0);
        for (i, x) in xs.iter().enumerate() {
            if *x < xs[min_idx] {
                min_idx = i;
            }
            if *x > xs[max_idx] {
                max_idx = i;
            }
        }
        let sum: f64 = xs.iter().sum();
        let avg = sum / n as f64;
        let variance = if n > 1 {
            xs.iter().map(|x| (x - avg) * (x - avg)).sum::<f64>() / (n - 1) as f64
        } else {
            0.0
        };
        let mut m = serde_json::Map::new();
        m.insert("min".into(), jreal(xs[min_idx]));
        m.insert("min_idx".into(), jlong(min_idx as i64));
        m.insert("max".into(), jreal(xs[max_idx]));
        m.insert("max_idx".into(), jlong(max_idx as i64));
        m.insert("avg".into(), jreal(avg));
        m.insert("stdev".into(), jreal(variance.sqrt()));
        m.insert("variance".into(), jreal(variance));
        m.insert("sum".into(), jreal(sum));
        m.insert("len".into(), jlong(n as i64));
        Value::Dynamic(J::Object(m))
    }))
}

#[cfg(test)]
#[allow(clippy::approx_constant)] // the expected values are the engine's answers, copied from the cases
mod tests {
    use super::super::call_const;
    use super::*;

    fn d(s: &str) -> Value {
        Value::Dynamic(serde_json::from_str(s).unwrap_or(J::Null))
    }
    fn call(name: &str, args: &[Value]) -> Value {
        call_const(name, args).unwrap_or_else(|e| panic!("{name}: {e}"))
    }
    fn reals(v: &Value) -> Vec<Option<f64>> {
        match v {
            Value::Dynamic(J::Array(a)) => a.iter().map(J::as_f64).collect(),
            other => panic!("not an array: {other:?}"),
        }
    }
    fn close(got: &[Option<f64>], want: &[Option<f64>]) {
        assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
        for (g, w) in got.iter().zip(want) {
            match (g, w) {
                (Some(g), Some(w)) => assert!(
                    (g - w).abs() <= 1e-12 * w.abs().max(1.0),
                    "{got:?} vs {want:?}"
                ),
                (None, None) => {}
                _ => panic!("{got:?} vs {want:?}"),
            }
        }
    }

    #[test]
    fn unary_functions() {
        // [E] series-abs-function-00: one real makes the whole series real
        assert_eq!(call("series_abs", &[d("[-6.5,0,8.2]")]), d("[6.5,0.0,8.2]"));
        // [E] series-sign-function-00
        assert_eq!(call("series_sign", &[d("[-6,0,8]")]), d("[-1,0,1]"));
        // [E] series-ceiling-function-00, series-floor-function-00
        assert_eq!(
            call("series_ceiling", &[d("[-1.5,1,2.5]")]),
            d("[-1.0,1.0,3.0]")
        );
        assert_eq!(
            call("series_floor", &[d("[-1.5,1,2.5]")]),
            d("[-2.0,1.0,2.0]")
        );
        // [E] series-acos/asin/atan/cos/sin/tan-function-00
        let pi = std::f64::consts::PI;
        close(
            &reals(&call("series_acos", &[d("[-1,0,1]")])),
            &[Some(pi), Some(pi / 2.0), Some(0.0)],
        );
        close(
            &reals(&call("series_asin", &[d("[-1,0,1]")])),
            &[Some(-pi / 2.0), Some(0.0), Some(pi / 2.0)],
        );
        close(
            &reals(&call("series_atan", &[d("[-1,0,1]")])),
            &[
                Some(-0.7853981633974483),
                Some(0.0),
                Some(0.7853981633974483),
            ],
        );
        close(
            &reals(&call("series_cos", &[d("[-1,0,1]")])),
            &[
                Some(0.5403023058681398),
                Some(1.0),
                Some(0.5403023058681398),
            ],
        );
        close(
            &reals(&call("series_sin", &[d("[-1,0,1]")])),
            &[
                Some(-0.8414709848078965),
                Some(0.0),
                Some(0.8414709848078965),
            ],
        );
        close(
            &reals(&call("series_tan", &[d("[-1,0,1]")])),
            &[
                Some(-1.5574077246549023),
                Some(0.0),
                Some(1.5574077246549023),
            ],
        );
        // [E] series-exp-function-00, series-log-function-00
        close(
            &reals(&call("series_exp", &[d("[1,2,3]")])),
            &[
                Some(2.718281828459045),
                Some(7.38905609893065),
                Some(20.085536923187668),
            ],
        );
        close(
            &reals(&call("series_log", &[d("[1,2,3]")])),
            &[
                Some(0.0),
                Some(0.6931471805599453),
                Some(1.0986122886681098),
            ],
        );
        // [D]: a non-numeric element gives null
        assert_eq!(
            call("series_abs", &[d(r#"[-1,"x",null]"#)]),
            d("[1,null,null]")
        );
    }

    #[test]
    fn binary_functions() {
        // [E] series-add/subtract/multiply/divide-function-00, first row
        let (s1, s2) = (d("[1,2,4]"), d("[4,2,1]"));
        assert_eq!(call("series_add", &[s1.clone(), s2.clone()]), d("[5,4,5]"));
        assert_eq!(
            call("series_subtract", &[s1.clone(), s2.clone()]),
            d("[-3,0,3]")
        );
        assert_eq!(
            call("series_multiply", &[s1.clone(), s2.clone()]),
            d("[4,4,4]")
        );
        assert_eq!(
            call("series_divide", &[s1.clone(), s2.clone()]),
            d("[0.25,1.0,4.0]")
        );
        // [E] series-pow-function-00
        assert_eq!(
            call("series_pow", &[d("[1,2,3,4]"), d("[1,2,3,0.5]")]),
            d("[1.0,4.0,27.0,2.0]")
        );
        // [E] series-equals/not-equals/greater/greater-equals/less/less-equals-function-00
        assert_eq!(
            call("series_equals", &[s1.clone(), s2.clone()]),
            d("[false,true,false]")
        );
        assert_eq!(
            call("series_not_equals", &[s1.clone(), s2.clone()]),
            d("[true,false,true]")
        );
        assert_eq!(
            call("series_greater", &[s1.clone(), s2.clone()]),
            d("[false,false,true]")
        );
        assert_eq!(
            call("series_greater_equals", &[s1.clone(), s2.clone()]),
            d("[false,true,true]")
        );
        assert_eq!(
            call("series_less", &[s1.clone(), s2.clone()]),
            d("[true,false,false]")
        );
        assert_eq!(
            call("series_less_equals", &[s1.clone(), s2]),
            d("[true,true,false]")
        );
        // [D] series-add-function.md: arrays of different sizes give null for the missing elements
        assert_eq!(
            call("series_add", &[d("[1,2,3]"), d("[1]")]),
            d("[2,null,null]")
        );
        assert_eq!(call("series_add", &[s1, Value::Long(1)]), d("[2,3,5]"));
    }

    #[test]
    fn reductions() {
        // [E] series-sum/product/magnitude-function-00
        assert_eq!(call("series_sum", &[d("[1,2,3,4]")]), Value::Real(10.0));
        assert_eq!(call("series_product", &[d("[1,2,3,4]")]), Value::Real(24.0));
        assert_eq!(
            call("series_magnitude", &[d("[1,2,3,4]")]),
            Value::Real(5.477225575051661)
        );
        // [E] series-dot-product-function-00 and -01 (a scalar is broadcast)
        assert_eq!(
            call("series_dot_product", &[d("[2,4,8]"), d("[8,4,2]")]),
            Value::Real(48.0)
        );
        assert_eq!(
            call("series_dot_product", &[d("[3,6,12]"), Value::Long(3)]),
            Value::Real(63.0)
        );
        // [D]: an empty array gives null
        assert_eq!(
            call("series_dot_product", &[d("[]"), d("[1]")]),
            Value::Null
        );
        // [E] series-cosine-similarity-function-00
        let Value::Real(c) = call(
            "series_cosine_similarity",
            &[d("[0.1,0.2,0.1,0.2]"), d("[1,2,3,4]")],
        ) else {
            panic!()
        };
        assert!((c - 0.9237604307034012).abs() < 1e-12);
        let Value::Real(c) = call(
            "series_cosine_similarity",
            &[d("[0.1,0.2,0.1,0.2]"), d("[0.11,0.2,0.11,0.21]")],
        ) else {
            panic!()
        };
        assert!((c - 0.9993534382550399).abs() < 1e-12);
        // [E] series-pearson-correlation-function-00
        let Value::Real(r) = call(
            "series_pearson_correlation",
            &[d("[1,2,3,4,5]"), d("[2,4,6,8,10]")],
        ) else {
            panic!()
        };
        assert!((r - 0.9999999999999998).abs() < 1e-12);
        assert_eq!(
            call("series_pearson_correlation", &[d("[1,2]"), d("[1,2,3]")]),
            Value::Null
        );
    }

    #[test]
    fn fills() {
        // [E] series-fill-forward-function-00
        assert_eq!(
            call(
                "series_fill_forward",
                &[d("[null,null,36,41,null,null,16,61,33,null,null]")]
            ),
            d("[null,null,36,41,41,41,16,61,33,33,33]")
        );
        // [E] series-fill-backward-function-00
        assert_eq!(
            call(
                "series_fill_backward",
                &[d("[111,null,36,41,null,null,16,61,33,null,null]")]
            ),
            d("[111,36,36,41,16,16,16,61,33,null,null]")
        );
        // [E] series-fill-const-function-00
        let arr = d("[111,null,36,41,23,null,16,61,33,null,null]");
        assert_eq!(
            call("series_fill_const", &[arr.clone(), Value::Real(0.0)]),
            d("[111,0.0,36,41,23,0.0,16,61,33,0.0,0.0]")
        );
        assert_eq!(
            call("series_fill_const", &[arr, Value::Long(-1)]),
            d("[111,-1,36,41,23,-1,16,61,33,-1,-1]")
        );
    }

    #[test]
    fn fill_linear_cases() {
        // [E] series-fill-linear-function-00
        let reals_in = d("[null,111.0,null,36.0,41.0,null,null,16.0,61.0,33.0,null,null]");
        let ints_in = d("[null,111,null,36,41,null,null,16,61,33,null,null]");
        let nulls = d("[null,null,null,null]");
        close(
            &reals(&call("series_fill_linear", std::slice::from_ref(&reals_in))),
            &[
                111.0,
                111.0,
                73.5,
                36.0,
                41.0,
                32.66666666666667,
                24.333333333333336,
                16.0,
                61.0,
                33.0,
                33.0,
                33.0,
            ]
            .map(Some),
        );
        assert_eq!(
            call("series_fill_linear", std::slice::from_ref(&ints_in)),
            d("[111,111,73,36,41,32,24,16,61,33,33,33]")
        );
        assert_eq!(
            call(
                "series_fill_linear",
                &[ints_in, Value::Null, Value::Bool(false)]
            ),
            d("[null,111,73,36,41,32,24,16,61,33,null,null]")
        );
        let wo = reals(&call(
            "series_fill_linear",
            &[reals_in, Value::Null, Value::Bool(false)],
        ));
        assert_eq!((wo[0], wo[10], wo[11]), (None, None, None));
        assert_eq!(
            call("series_fill_linear", std::slice::from_ref(&nulls)),
            d("[0.0,0.0,0.0,0.0]")
        );
        assert_eq!(
            call(
                "series_fill_linear",
                &[nulls.clone(), Value::Null, Value::Bool(false)]
            ),
            d("[0.0,0.0,0.0,0.0]")
        );
        assert_eq!(
            call(
                "series_fill_linear",
                &[nulls, Value::Null, Value::Bool(true), Value::Real(3.14159)]
            ),
            d("[3.14159,3.14159,3.14159,3.14159]")
        );
        // a non-null placeholder is refused rather than guessed
        assert!(call_const("series_fill_linear", &[d("[1]"), Value::Long(0)]).is_err());
    }

    #[test]
    fn stats_dynamic() {
        // [E] series-stats-dynamic-function-00
        let got = call(
            "series_stats_dynamic",
            &[d("[23,46,23,87,4,8,3,75,2,56,13,75,32,16,29]")],
        );
        let Value::Dynamic(J::Object(m)) = got else {
            panic!("{got:?}")
        };
        let f = |k: &str| m.get(k).and_then(J::as_f64).unwrap_or(f64::NAN);
        assert_eq!(
            (f("min"), f("min_idx"), f("max"), f("max_idx")),
            (2.0, 8.0, 87.0, 3.0)
        );
        assert_eq!((f("sum"), f("len")), (492.0, 15.0));
        assert!((f("avg") - 32.8).abs() < 1e-12);
        assert!((f("stdev") - 28.50363385354827).abs() < 1e-10);
        assert!((f("variance") - 812.4571428571429).abs() < 1e-9);
        assert_eq!(call("series_stats_dynamic", &[d("[1,null]")]), Value::Null);
    }

    #[test]
    fn iir_and_seasonal() {
        // [E] series-iir-function-00: the cumulative sum
        assert_eq!(
            call(
                "series_iir",
                &[
                    d("[1.0,2.0,3.0,4.0,5.0,6.0,7.0,8.0,9.0,10.0]"),
                    d("[1]"),
                    d("[1,-1]")
                ]
            ),
            d("[1.0,3.0,6.0,10.0,15.0,21.0,28.0,36.0,45.0,55.0]")
        );
        // [E] series-seasonal-function-01
        assert_eq!(
            call(
                "series_seasonal",
                &[d("[1,3,5,1,3,5,2,4,6]"), Value::Long(3)]
            ),
            d("[1.0,3.0,5.0,1.0,3.0,5.0,1.0,3.0,5.0]")
        );
        assert_eq!(
            call(
                "series_seasonal",
                &[d("[1,3,5,2,4,6,1,3,5,2,4,6]"), Value::Long(3)]
            ),
            d("[1.5,3.5,5.5,1.5,3.5,5.5,1.5,3.5,5.5,1.5,3.5,5.5]")
        );
        assert!(call_const("series_seasonal", &[d("[1,2]"), Value::Long(-1)]).is_err());
    }
}
