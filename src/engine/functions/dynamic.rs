//! Dynamic array and property-bag functions.

use serde_json::{Map, Value as J};

use super::convert::{PathStep, parse_json_path, walk_json};
use super::util::{
    array_arg, bool_arg, def, int_arg, jlong, jreal, json_arg, json_cmp, json_eq, json_eq_value,
    json_text, kql_tostring, real_arg, to_json,
};
use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::value::{TICKS_PER_HOUR, Value};
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    def("array_length", 1, 1, Naming::Default, array_length),
    def("array_concat", 1, 64, Naming::Default, array_concat),
    def("array_slice", 3, 3, Naming::Default, array_slice),
    def("array_index_of", 2, 5, Naming::Default, array_index_of),
    def("array_reverse", 1, 1, Naming::Default, array_reverse),
    def("array_sort_asc", 1, 2, Naming::ArraySorted, array_sort_asc),
    def(
        "array_sort_desc",
        1,
        2,
        Naming::ArraySorted,
        array_sort_desc,
    ),
    def("array_shift_left", 2, 3, Naming::Default, array_shift_left),
    def(
        "array_shift_right",
        2,
        3,
        Naming::Default,
        array_shift_right,
    ),
    def(
        "array_rotate_left",
        2,
        2,
        Naming::Default,
        array_rotate_left,
    ),
    def(
        "array_rotate_right",
        2,
        2,
        Naming::Default,
        array_rotate_right,
    ),
    def("array_split", 2, 2, Naming::Default, array_split),
    def("array_sum", 1, 1, Naming::Default, array_sum),
    def("array_iff", 3, 3, Naming::Default, array_iff),
    def("pack_array", 1, usize::MAX, Naming::Default, pack_array),
    def("bag_pack", 0, usize::MAX, Naming::Default, bag_pack),
    def("bag_keys", 1, 1, Naming::Default, bag_keys),
    def("bag_merge", 2, 64, Naming::Default, bag_merge),
    def("bag_remove_keys", 2, 2, Naming::Default, bag_remove_keys),
    def("bag_has_key", 2, 2, Naming::Default, bag_has_key),
    def("bag_set_key", 3, 3, Naming::Default, bag_set_key),
    def("bag_zip", 2, 2, Naming::Default, bag_zip),
    def("set_difference", 2, 64, Naming::Default, set_difference),
    def("set_union", 2, 64, Naming::Default, set_union),
    def("set_intersect", 2, 64, Naming::Default, set_intersect),
    def("set_has_element", 2, 2, Naming::Default, set_has_element),
    def("zip", 2, 64, Naming::Default, zip),
    def("jaccard_index", 2, 2, Naming::Default, jaccard_index),
    def(
        "treepath",
        1,
        1,
        Naming::PrefixAndFirstArg("tree"),
        treepath,
    ),
    def("repeat", 2, 2, Naming::PrefixAndFirstArg("repeat"), repeat),
    def("range", 2, 3, Naming::Default, range),
    def("dynamic_to_json", 1, 1, Naming::Default, dynamic_to_json),
];

/// The most elements a generated array may have (the engine's limit; [E] range-function-04).
const MAX_ARRAY: usize = 1_048_576;

fn arr(v: Vec<J>) -> Value {
    Value::Dynamic(J::Array(v))
}

/// A dynamic result computed from one array argument; a non-array gives null.
fn on_array(f: fn(&[J], &[Value]) -> Value) -> Result<Prepared, String> {
    Ok(Prepared::new(
        ScalarType::Dynamic,
        move |v| match array_arg(&v[0]) {
            Some(a) => f(a, v),
            None => Value::Null,
        },
    ))
}

/// A non-array gives null ([E] bag-keys-function-00 uses the same rule for bags).
fn array_length(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Long, |v| {
        match array_arg(&v[0]) {
            Some(a) => Value::Long(a.len() as i64),
            None => Value::Null,
        }
    }))
}

/// [E] array-concat-function-00; a non-array argument gives null.
fn array_concat(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let mut out = Vec::new();
        for x in v {
            match array_arg(x) {
                Some(a) => out.extend(a.iter().cloned()),
                None => return Value::Null,
            }
        }
        arr(out)
    }))
}

/// An index that may count from the end.
fn from_end(i: i64, n: i64) -> i64 {
    if i < 0 { n + i } else { i }
}

/// `array_slice(arr, start, end)`, both inclusive, negative from the end ([E] array-slice-function-00..02).
fn array_slice(_a: &[ArgInfo]) -> Result<Prepared, String> {
    on_array(|a, v| {
        let n = a.len() as i64;
        let (Some(s), Some(e)) = (int_arg(&v[1]), int_arg(&v[2])) else {
            return Value::Null;
        };
        let s = from_end(s, n).max(0);
        let e = from_end(e, n).min(n - 1);
        if s > e {
            return arr(vec![]);
        }
        arr(a[s as usize..=e as usize].to_vec())
    })
}

/// Like `indexof` over elements ([E] array-index-of-function-00).
fn array_index_of(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Long, |v| {
        let Some(a) = array_arg(&v[0]) else {
            return Value::Null;
        };
        let n = a.len() as i64;
        let opt = |i: usize, dflt: i64| match v.get(i) {
            Some(x) => int_arg(x),
            None => Some(dflt),
        };
        let (Some(start), Some(length), Some(occurrence)) = (opt(2, 0), opt(3, -1), opt(4, 1))
        else {
            return Value::Null;
        };
        if length < -1 || occurrence < 0 {
            return Value::Null;
        }
        let start = from_end(start, n).max(0);
        let limit = if length == -1 {
            n
        } else {
            start.saturating_add(length).min(n)
        };
        let mut seen = 0;
        for i in start..limit {
            if json_eq_value(&a[i as usize], &v[1]) {
                seen += 1;
                if seen == occurrence {
                    return Value::Long(i);
                }
            }
        }
        Value::Long(-1)
    }))
}

/// [E] array-reverse-function-00.
fn array_reverse(_a: &[ArgInfo]) -> Result<Prepared, String> {
    on_array(|a, _v| arr(a.iter().rev().cloned().collect()))
}

fn sort_fn(a: &[ArgInfo], fname: &str, desc: bool) -> Result<Prepared, String> {
    if a.len() == 2 && a[1].ty != ScalarType::Bool {
        return Err(format!(
            "{fname}() of several arrays (a tuple result) is not supported"
        ));
    }
    Ok(Prepared::new(ScalarType::Dynamic, move |v| {
        let Some(items) = array_arg(&v[0]) else {
            return Value::Null;
        };
        let nulls_last = match v.get(1) {
            Some(b) => bool_arg(b).unwrap_or(true),
            None => true,
        };
        let (mut vals, nulls): (Vec<J>, Vec<J>) = items.iter().cloned().partition(|j| !j.is_null());
        vals.sort_by(|x, y| if desc { json_cmp(y, x) } else { json_cmp(x, y) });
        if nulls_last {
            vals.extend(nulls);
            arr(vals)
        } else {
            let mut out = nulls;
            out.extend(vals);
            arr(out)
        }
    }))
}

/// One array; nulls last unless the second argument is false ([E] array-sort-asc-function-01/03/04).
/// The several-array form returns a tuple of columns, which a row function cannot; it is refused.
fn array_sort_asc(a: &[ArgInfo]) -> Result<Prepared, String> {
    sort_fn(a, "array_sort_asc", false)
}

/// [E] array-sort-desc-function-01/03/04.
fn array_sort_desc(a: &[ArgInfo]) -> Result<Prepared, String> {
    sort_fn(a, "array_sort_desc", true)
}

fn shift(a: &[J], by: i64, fill: J) -> Vec<J> {
    let n = a.len() as i64;
    (0..n)
        .map(|i| {
            let src = i + by;
            if (0..n).contains(&src) {
                a[src as usize].clone()
            } else {
                fill.clone()
            }
        })
        .collect()
}

fn shift_fn(left: bool) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, move |v| {
        let (Some(a), Some(k)) = (array_arg(&v[0]), int_arg(&v[1])) else {
            return Value::Null;
        };
        let fill = v.get(2).map(to_json).unwrap_or(J::Null);
        arr(shift(a, if left { k } else { -k }, fill))
    }))
}

/// [E] array-shift-left-function-00..02.
fn array_shift_left(_a: &[ArgInfo]) -> Result<Prepared, String> {
    shift_fn(true)
}

/// [E] array-shift-right-function-00..02.
fn array_shift_right(_a: &[ArgInfo]) -> Result<Prepared, String> {
    shift_fn(false)
}

fn rotate_fn(left: bool) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, move |v| {
        let (Some(a), Some(k)) = (array_arg(&v[0]), int_arg(&v[1])) else {
            return Value::Null;
        };
        let mut out = a.clone();
        if !out.is_empty() {
            let n = out.len() as i64;
            let k = (if left { k } else { -k }).rem_euclid(n) as usize;
            out.rotate_left(k);
        }
        arr(out)
    }))
}

/// [E] array-rotate-left-function-00/01.
fn array_rotate_left(_a: &[ArgInfo]) -> Result<Prepared, String> {
    rotate_fn(true)
}

/// [E] array-rotate-right-function-00/01.
fn array_rotate_right(_a: &[ArgInfo]) -> Result<Prepared, String> {
    rotate_fn(false)
}

/// `array_split(arr, index | indices)` ([E] array-split-function-00/01).
fn array_split(_a: &[ArgInfo]) -> Result<Prepared, String> {
    on_array(|a, v| {
        let n = a.len() as i64;
        let cuts: Vec<i64> = match &v[1] {
            Value::Dynamic(J::Array(ix)) => {
                let mut c = Vec::new();
                for j in ix {
                    match int_arg(&Value::Dynamic(j.clone())) {
                        Some(i) => c.push(i),
                        None => return Value::Null,
                    }
                }
                c
            }
            other => match int_arg(other) {
                Some(i) => vec![i],
                None => return Value::Null,
            },
        };
        let mut out = Vec::new();
        let mut prev = 0;
        for c in cuts {
            let c = from_end(c, n).clamp(prev, n);
            out.push(J::Array(a[prev as usize..c as usize].to_vec()));
            prev = c;
        }
        out.push(J::Array(a[prev as usize..].to_vec()));
        arr(out)
    })
}

/// A real sum; a non-numeric element gives null ([D] array-sum-function.md; [E] array-sum-function-00).
fn array_sum(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Real, |v| {
        let Some(a) = array_arg(&v[0]) else {
            return Value::Null;
        };
        let mut sum = 0.0;
        for j in a {
            match j.as_f64() {
                Some(x) => sum += x,
                None => return Value::Null,
            }
        }
        Value::Real(sum)
    }))
}

/// Element-wise iff: a condition element that is neither a bool nor a number gives null; a branch array
/// shorter than the conditions gives null ([E] array-iff-function-00..03).
fn array_iff(_a: &[ArgInfo]) -> Result<Prepared, String> {
    on_array(|cond, v| {
        let pick = |branch: &Value, i: usize| -> J {
            match branch {
                Value::Dynamic(J::Array(b)) => b.get(i).cloned().unwrap_or(J::Null),
                other => to_json(other),
            }
        };
        let out = cond
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let truth = match c {
                    J::Bool(b) => Some(*b),
                    J::Number(n) => n.as_f64().map(|x| x != 0.0),
                    _ => None,
                };
                match truth {
                    Some(true) => pick(&v[1], i),
                    Some(false) => pick(&v[2], i),
                    None => J::Null,
                }
            })
            .collect();
        arr(out)
    })
}

/// [E] pack-array-function-00/01.
fn pack_array(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        arr(v.iter().map(to_json).collect())
    }))
}

/// `bag_pack(key1, value1, ...)` ([E] pack-function-00..02).
fn bag_pack(a: &[ArgInfo]) -> Result<Prepared, String> {
    if !a.len().is_multiple_of(2) {
        return Err("bag_pack() takes key/value pairs (an even number of arguments)".into());
    }
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let mut m = Map::new();
        for kv in v.chunks(2) {
            m.insert(kql_tostring(&kv[0]), to_json(&kv[1]));
        }
        Value::Dynamic(J::Object(m))
    }))
}

fn bag_arg(v: &Value) -> Option<&Map<String, J>> {
    match v {
        Value::Dynamic(J::Object(m)) => Some(m),
        _ => None,
    }
}

/// Keys of a bag; a non-bag gives null ([E] bag-keys-function-00).
fn bag_keys(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        match bag_arg(&v[0]) {
            Some(m) => arr(m.keys().map(|k| J::String(k.clone())).collect()),
            None => Value::Null,
        }
    }))
}

/// The first bag wins on a duplicate key ([E] bag-merge-function-00); non-bags are skipped.
fn bag_merge(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let mut out = Map::new();
        for m in v.iter().filter_map(bag_arg) {
            for (k, x) in m {
                if !out.contains_key(k) {
                    out.insert(k.clone(), x.clone());
                }
            }
        }
        Value::Dynamic(J::Object(out))
    }))
}

/// A key argument: a plain key, or a JSONPath (`$.a.b`, `$['a']`).
fn key_path(key: &str) -> Option<Vec<PathStep>> {
    if key.trim_start().starts_with('$') {
        let steps = parse_json_path(key).ok()?;
        if steps.is_empty() || steps.iter().any(|s| !matches!(s, PathStep::Key(_))) {
            return None;
        }
        Some(steps)
    } else {
        Some(vec![PathStep::Key(key.to_string())])
    }
}

fn remove_path(j: &mut J, steps: &[PathStep]) {
    let Some((last, parents)) = steps.split_last() else {
        return;
    };
    let mut cur = j;
    for s in parents {
        let PathStep::Key(k) = s else { return };
        match cur.get_mut(k.as_str()) {
            Some(next) => cur = next,
            None => return,
        }
    }
    if let (PathStep::Key(k), J::Object(m)) = (last, cur) {
        m.shift_remove(k);
    }
}

/// Keys (or JSONPaths) removed; a non-bag gives null ([E] bag-remove-keys-function-00/01).
fn bag_remove_keys(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let (Some(m), Some(keys)) = (bag_arg(&v[0]), array_arg(&v[1])) else {
            return Value::Null;
        };
        let mut out = J::Object(m.clone());
        for k in keys {
            if let Some(steps) = key_path(&json_text(k)) {
                remove_path(&mut out, &steps);
            }
        }
        Value::Dynamic(out)
    }))
}

/// [E] bag-has-key-function-00/01.
fn bag_has_key(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        let Some(j) = json_arg(&v[0]).filter(|j| j.is_object()) else {
            return Value::Null;
        };
        match key_path(&kql_tostring(&v[1])) {
            Some(steps) => Value::Bool(walk_json(j, &steps).is_some()),
            None => Value::Bool(false),
        }
    }))
}

/// Sets a key or JSONPath, creating the bags on the way; a set key moves to the end of its bag
/// ([E] bag-set-key-function-00/01).
fn bag_set_key(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let (Some(m), Some(steps)) = (bag_arg(&v[0]), key_path(&kql_tostring(&v[1]))) else {
            return Value::Null;
        };
        let mut root = J::Object(m.clone());
        let mut cur = &mut root;
        let n = steps.len();
        for (i, s) in steps.iter().enumerate() {
            let PathStep::Key(k) = s else {
                return Value::Null;
            };
            let J::Object(obj) = cur else {
                return Value::Null;
            };
            if i + 1 == n {
                obj.shift_remove(k);
                obj.insert(k.clone(), to_json(&v[2]));
                break;
            }
            if !obj.get(k).is_some_and(J::is_object) {
                obj.shift_remove(k);
                obj.insert(k.clone(), J::Object(Map::new()));
            }
            match obj.get_mut(k) {
                Some(next) => cur = next,
                None => return Value::Null,
            }
        }
        Value::Dynamic(root)
    }))
}

/// Keys that are not strings are skipped; missing values are null ([E] bag-zip-00..05).
fn bag_zip(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let Some(keys) = array_arg(&v[0]) else {
            return Value::Null;
        };
        let vals = array_arg(&v[1]);
        let mut m = Map::new();
        for (i, k) in keys.iter().enumerate() {
            if let J::String(k) = k {
                m.insert(
                    k.clone(),
                    vals.and_then(|a| a.get(i)).cloned().unwrap_or(J::Null),
                );
            }
        }
        Value::Dynamic(J::Object(m))
    }))
}

fn distinct(items: &[J]) -> Vec<J> {
    let mut out: Vec<J> = Vec::new();
    for j in items {
        if !out.iter().any(|o| json_eq(o, j)) {
            out.push(j.clone());
        }
    }
    out
}

fn all_arrays(v: &[Value]) -> Option<Vec<&Vec<J>>> {
    v.iter().map(array_arg).collect()
}

/// [E] set-difference-function-00/01.
fn set_difference(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let Some(sets) = all_arrays(v) else {
            return Value::Null;
        };
        let out = distinct(sets[0])
            .into_iter()
            .filter(|j| !sets[1..].iter().any(|s| s.iter().any(|x| json_eq(x, j))))
            .collect();
        arr(out)
    }))
}

/// [E] set-union-function-00/01.
fn set_union(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let Some(sets) = all_arrays(v) else {
            return Value::Null;
        };
        let all: Vec<J> = sets.into_iter().flatten().cloned().collect();
        arr(distinct(&all))
    }))
}

/// [E] set-intersect-function-00/01.
fn set_intersect(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let Some(sets) = all_arrays(v) else {
            return Value::Null;
        };
        let out = distinct(sets[0])
            .into_iter()
            .filter(|j| sets[1..].iter().all(|s| s.iter().any(|x| json_eq(x, j))))
            .collect();
        arr(out)
    }))
}

/// [E] set-has-element-function-00.
fn set_has_element(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        match array_arg(&v[0]) {
            Some(a) => Value::Bool(a.iter().any(|j| json_eq_value(j, &v[1]))),
            None => Value::Null,
        }
    }))
}

/// Tuples of the i-th elements; shorter arrays give null ([E] zip-function-00..02).
fn zip(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let Some(arrays) = all_arrays(v) else {
            return Value::Null;
        };
        let n = arrays.iter().map(|a| a.len()).max().unwrap_or(0);
        let out = (0..n)
            .map(|i| {
                J::Array(
                    arrays
                        .iter()
                        .map(|a| a.get(i).cloned().unwrap_or(J::Null))
                        .collect(),
                )
            })
            .collect();
        arr(out)
    }))
}

/// |A ∩ B| / |A ∪ B| over distinct elements ([E] jaccard-index-function-00).
fn jaccard_index(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Real, |v| {
        let (Some(x), Some(y)) = (array_arg(&v[0]), array_arg(&v[1])) else {
            return Value::Null;
        };
        let (x, y) = (distinct(x), distinct(y));
        let inter = x.iter().filter(|j| y.iter().any(|o| json_eq(o, j))).count();
        let union = x.len() + y.len() - inter;
        Value::Real(inter as f64 / union as f64)
    }))
}

fn tree_paths(j: &J, prefix: &str, out: &mut Vec<String>) {
    let add = |p: String, out: &mut Vec<String>| {
        if !out.contains(&p) {
            out.push(p);
        }
    };
    match j {
        J::Object(m) => {
            for (k, x) in m {
                let p = format!("{prefix}['{k}']");
                add(p.clone(), out);
                tree_paths(x, &p, out);
            }
        }
        J::Array(a) if !a.is_empty() => {
            let p = format!("{prefix}[0]");
            add(p.clone(), out);
            for x in a {
                tree_paths(x, &p, out);
            }
        }
        _ => {}
    }
}

/// The paths of a bag's schema, arrays as `[0]` ([D] treepath-function.md).
fn treepath(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        match json_arg(&v[0]) {
            Some(j) => {
                let mut out = Vec::new();
                tree_paths(j, "", &mut out);
                arr(out.into_iter().map(J::String).collect())
            }
            None => Value::Null,
        }
    }))
}

/// `repeat(value, count)`: an array of `count` copies.
fn repeat(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        match int_arg(&v[1]) {
            Some(n) => arr(vec![to_json(&v[0]); n.clamp(0, MAX_ARRAY as i64) as usize]),
            None => Value::Null,
        }
    }))
}

/// `range(start, stop[, step])` of numbers, datetimes or timespans (default step 1, or 1h for times);
/// at most 1,048,576 elements ([E] range-function-00..04).
fn range(a: &[ArgInfo]) -> Result<Prepared, String> {
    use ScalarType::*;
    let kind = match (a[0].ty, a[1].ty) {
        (DateTime, DateTime) | (TimeSpan, TimeSpan) => a[0].ty,
        (x, y) if x.is_numeric() && y.is_numeric() => {
            let step_real = a.get(2).is_some_and(|s| matches!(s.ty, Real | Decimal));
            if matches!(x, Real | Decimal) || matches!(y, Real | Decimal) || step_real {
                Real
            } else {
                Long
            }
        }
        (x, y) => return Err(format!("range() of {x} .. {y} is not supported")),
    };
    Ok(Prepared::new(ScalarType::Dynamic, move |v| {
        let mut out = Vec::new();
        match kind {
            Real => {
                let step = match v.get(2) {
                    Some(s) => real_arg(s),
                    None => Some(1.0),
                };
                let (Some(s), Some(e), Some(step)) = (real_arg(&v[0]), real_arg(&v[1]), step)
                else {
                    return Value::Null;
                };
                if step == 0.0 || step.is_nan() {
                    return Value::Null;
                }
                let mut x = s;
                while (if step > 0.0 { x <= e } else { x >= e }) && out.len() < MAX_ARRAY {
                    out.push(jreal(x));
                    x += step;
                }
            }
            _ => {
                let int = |x: &Value| match x {
                    Value::DateTime(t) | Value::TimeSpan(t) => Some(*t),
                    other => int_arg(other),
                };
                let dflt = if kind == Long { 1 } else { TICKS_PER_HOUR };
                let step = match v.get(2) {
                    Some(s) => int(s),
                    None => Some(dflt),
                };
                let (Some(s), Some(e), Some(step)) = (int(&v[0]), int(&v[1]), step) else {
                    return Value::Null;
                };
                if step == 0 {
                    return Value::Null;
                }
                let mut x = s;
                while (if step > 0 { x <= e } else { x >= e }) && out.len() < MAX_ARRAY {
                    out.push(match kind {
                        DateTime => to_json(&Value::DateTime(x)),
                        TimeSpan => to_json(&Value::TimeSpan(x)),
                        _ => jlong(x),
                    });
                    match x.checked_add(step) {
                        Some(n) => x = n,
                        None => break,
                    }
                }
            }
        }
        arr(out)
    }))
}

fn sorted_keys(j: &J) -> J {
    match j {
        J::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), sorted_keys(&m[k]));
            }
            J::Object(out)
        }
        J::Array(a) => J::Array(a.iter().map(sorted_keys).collect()),
        other => other.clone(),
    }
}

/// Canonical JSON text with bag keys sorted ([E] dynamic-to-json-function-00).
fn dynamic_to_json(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        let j = to_json(&v[0]);
        Value::String(serde_json::to_string(&sorted_keys(&j)).unwrap_or_default())
    }))
}

#[cfg(test)]
mod tests {
    use super::super::{ArgInfo, call_const, call_with};
    use crate::engine::value::{Value, parse_datetime};
    use crate::kql::ScalarType;
    use serde_json::json;

    fn d(j: serde_json::Value) -> Value {
        Value::Dynamic(j)
    }
    fn s(x: &str) -> Value {
        Value::String(x.into())
    }
    fn l(i: i64) -> Value {
        Value::Long(i)
    }

    #[test]
    fn lengths_and_concat() {
        // array-length-function-00, array-concat-function-00
        assert_eq!(
            call_const("array_length", &[d(json!([1, 2, 3, "four"]))]),
            Ok(l(4))
        );
        assert_eq!(
            call_const("array_length", &[d(json!({"a": 1}))]),
            Ok(Value::Null)
        );
        assert_eq!(
            call_const("array_concat", &[d(json!([1, 2, 4])), d(json!([1, 2]))]),
            Ok(d(json!([1, 2, 4, 1, 2])))
        );
    }

    #[test]
    fn slicing_and_indexing() {
        // array-slice-function-00..02
        assert_eq!(
            call_const("array_slice", &[d(json!([1, 2, 3])), l(1), l(2)]),
            Ok(d(json!([2, 3])))
        );
        assert_eq!(
            call_const("array_slice", &[d(json!([1, 2, 3, 4, 5])), l(2), l(-1)]),
            Ok(d(json!([3, 4, 5])))
        );
        assert_eq!(
            call_const("array_slice", &[d(json!([1, 2, 3, 4, 5])), l(-3), l(-2)]),
            Ok(d(json!([3, 4])))
        );
        // array-index-of-function-00
        let a = d(json!(["this", "is", "an", "example", "an", "example"]));
        let i = |args: &[Value]| {
            let mut full = vec![a.clone()];
            full.extend_from_slice(args);
            call_const("array_index_of", &full)
        };
        assert_eq!(i(&[s("an")]), Ok(l(2)));
        assert_eq!(i(&[s("example"), l(1), l(3)]), Ok(l(3)));
        assert_eq!(i(&[s("example"), l(1), l(2)]), Ok(l(-1)));
        assert_eq!(i(&[s("is"), l(2), l(4)]), Ok(l(-1)));
        assert_eq!(i(&[s("example"), l(2), l(-1)]), Ok(l(3)));
        assert_eq!(i(&[s("an"), l(1), l(-1), l(2)]), Ok(l(4)));
        assert_eq!(i(&[s("an"), l(1), l(-1), l(3)]), Ok(l(-1)));
        assert_eq!(i(&[s("an"), l(-3)]), Ok(l(4)));
        assert_eq!(i(&[s("is"), l(-4)]), Ok(l(-1)));
    }

    #[test]
    fn reversing_and_sorting() {
        // array-reverse-function-00
        let r = call_const(
            "array_reverse",
            &[d(json!(["this", "is", "an", "example"]))],
        );
        assert_eq!(r, Ok(d(json!(["example", "an", "is", "this"]))));
        // array-sort-asc-function-03/04, array-sort-desc-function-03/04
        let colors = d(json!([null, "blue", "yellow", "green", null]));
        assert_eq!(
            call_const("array_sort_asc", std::slice::from_ref(&colors)),
            Ok(d(json!(["blue", "green", "yellow", null, null])))
        );
        let r = call_const("array_sort_asc", &[colors.clone(), Value::Bool(false)]);
        assert_eq!(r, Ok(d(json!([null, null, "blue", "green", "yellow"]))));
        assert_eq!(
            call_const("array_sort_desc", std::slice::from_ref(&colors)),
            Ok(d(json!(["yellow", "green", "blue", null, null])))
        );
        let r = call_const("array_sort_desc", &[colors, Value::Bool(false)]);
        assert_eq!(r, Ok(d(json!([null, null, "yellow", "green", "blue"]))));
        // array-sort-asc-function-01 (through split and strcat_array)
        let r = call_const(
            "array_sort_asc",
            &[d(json!(["John", "Paul", "Jane", "Kao"]))],
        );
        assert_eq!(r, Ok(d(json!(["Jane", "John", "Kao", "Paul"]))));
        assert_eq!(
            call_const("array_sort_asc", &[d(json!([1, 3, 4, 5, 2]))]),
            Ok(d(json!([1, 2, 3, 4, 5])))
        );
        assert!(call_const("array_sort_asc", &[d(json!([1])), d(json!([2]))]).is_err());
    }

    #[test]
    fn shifting_rotating_splitting() {
        let a = d(json!([1, 2, 3, 4, 5]));
        // array-shift-left-function-00..02, array-shift-right-function-00..02
        assert_eq!(
            call_const("array_shift_left", &[a.clone(), l(2)]),
            Ok(d(json!([3, 4, 5, null, null])))
        );
        assert_eq!(
            call_const("array_shift_left", &[a.clone(), l(2), l(-1)]),
            Ok(d(json!([3, 4, 5, -1, -1])))
        );
        assert_eq!(
            call_const("array_shift_left", &[a.clone(), l(-2), l(-1)]),
            Ok(d(json!([-1, -1, 1, 2, 3])))
        );
        assert_eq!(
            call_const("array_shift_right", &[a.clone(), l(2)]),
            Ok(d(json!([null, null, 1, 2, 3])))
        );
        assert_eq!(
            call_const("array_shift_right", &[a.clone(), l(2), l(-1)]),
            Ok(d(json!([-1, -1, 1, 2, 3])))
        );
        assert_eq!(
            call_const("array_shift_right", &[a.clone(), l(-2), l(-1)]),
            Ok(d(json!([3, 4, 5, -1, -1])))
        );
        // array-rotate-left-function-00/01, array-rotate-right-function-00/01
        assert_eq!(
            call_const("array_rotate_left", &[a.clone(), l(2)]),
            Ok(d(json!([3, 4, 5, 1, 2])))
        );
        assert_eq!(
            call_const("array_rotate_left", &[a.clone(), l(-2)]),
            Ok(d(json!([4, 5, 1, 2, 3])))
        );
        assert_eq!(
            call_const("array_rotate_right", &[a.clone(), l(2)]),
            Ok(d(json!([4, 5, 1, 2, 3])))
        );
        assert_eq!(
            call_const("array_rotate_right", &[a.clone(), l(-2)]),
            Ok(d(json!([3, 4, 5, 1, 2])))
        );
        // array-split-function-00/01
        assert_eq!(
            call_const("array_split", &[a.clone(), l(2)]),
            Ok(d(json!([[1, 2], [3, 4, 5]])))
        );
        assert_eq!(
            call_const("array_split", &[a, d(json!([1, 3]))]),
            Ok(d(json!([[1], [2, 3], [4, 5]])))
        );
    }

    #[test]
    fn sums_and_iff() {
        // array-sum-function-00
        assert_eq!(
            call_const("array_sum", &[d(json!([1, 2, 3, 4]))]),
            Ok(Value::Real(10.0))
        );
        assert_eq!(
            call_const("array_sum", &[d(json!([1, "x"]))]),
            Ok(Value::Null)
        );
        // array-iff-function-00..03
        let r = call_const(
            "array_iff",
            &[
                d(json!([true, false, true])),
                d(json!([1, 2, 3])),
                d(json!([4, 5, 6])),
            ],
        );
        assert_eq!(r, Ok(d(json!([1, 5, 3]))));
        let r = call_const("array_iff", &[d(json!([1, 0, 50])), s("yes"), s("no")]);
        assert_eq!(r, Ok(d(json!(["yes", "no", "yes"]))));
        let cond = d(json!([
            "some string value",
            "2022-01-01T00:00:00.0000000Z",
            null
        ]));
        assert_eq!(
            call_const("array_iif", &[cond, l(1), l(0)]),
            Ok(d(json!([null, null, null])))
        );
        let r = call_const(
            "array_iff",
            &[
                d(json!([true, true, true])),
                d(json!([1, 2])),
                d(json!([3, 4])),
            ],
        );
        assert_eq!(r, Ok(d(json!([1, 2, null]))));
    }

    #[test]
    fn packing() {
        // pack-array-function-00/01
        let r = call_const("pack_array", &[l(1), s("2"), Value::TimeSpan(20_000_000)]);
        assert_eq!(r, Ok(d(json!([1, "2", "00:00:02"]))));
        // pack-function-00
        let inner = call_const("bag_pack", &[s("url"), s("www.bing.com")]).unwrap_or(Value::Null);
        let r = call_const(
            "bag_pack",
            &[
                s("Level"),
                s("Information"),
                s("ProcessID"),
                l(1234),
                s("Data"),
                inner,
            ],
        );
        assert_eq!(
            r,
            Ok(d(
                json!({"Level": "Information", "ProcessID": 1234, "Data": {"url": "www.bing.com"}})
            ))
        );
        assert_eq!(call_const("pack", &[s("a"), l(1)]), Ok(d(json!({"a": 1}))));
        assert!(call_const("bag_pack", &[s("a")]).is_err());
    }

    #[test]
    fn bag_functions() {
        // bag-keys-function-00
        assert_eq!(
            call_const("bag_keys", &[d(json!({"a": "b", "c": 123}))]),
            Ok(d(json!(["a", "c"])))
        );
        assert_eq!(call_const("bag_keys", &[d(json!({}))]), Ok(d(json!([]))));
        assert_eq!(call_const("bag_keys", &[d(json!("a"))]), Ok(Value::Null));
        assert_eq!(call_const("bag_keys", &[d(json!([]))]), Ok(Value::Null));
        // bag-merge-function-00
        let r = call_const(
            "bag_merge",
            &[
                d(json!({"A1": 12, "B1": 2, "C1": 3})),
                d(json!({"A2": 81, "B2": 82, "A1": 1})),
            ],
        );
        assert_eq!(
            r,
            Ok(d(json!({"A1": 12, "B1": 2, "C1": 3, "A2": 81, "B2": 82})))
        );
        // bag-remove-keys-function-00/01
        let r = call_const(
            "bag_remove_keys",
            &[
                d(json!({"key1": 123, "key2": "abc"})),
                d(json!(["key2", "key4"])),
            ],
        );
        assert_eq!(r, Ok(d(json!({"key1": 123}))));
        let bag =
            d(json!({"key1": 123, "key2": {"prop1": "abc", "prop2": "xyz"}, "key3": [100, 200]}));
        let r = call_const(
            "bag_remove_keys",
            &[bag.clone(), d(json!(["$.key2.prop1", "key3"]))],
        );
        assert_eq!(r, Ok(d(json!({"key1": 123, "key2": {"prop2": "xyz"}}))));
        // bag-has-key-function-00/01
        assert_eq!(
            call_const(
                "bag_has_key",
                &[d(json!({"key1": 123, "key2": "abc"})), s("key2")]
            ),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            call_const(
                "bag_has_key",
                &[d(json!({"key1": 123, "key3": "abc"})), s("key2")]
            ),
            Ok(Value::Bool(false))
        );
        assert_eq!(
            call_const("bag_has_key", &[bag, s("$.key2.prop1")]),
            Ok(Value::Bool(true))
        );
        // bag-set-key-function-00/01
        let r = call_const(
            "bag_set_key",
            &[d(json!({"key1": 1, "key2": 2})), s("key3"), l(3)],
        );
        assert_eq!(r, Ok(d(json!({"key1": 1, "key2": 2, "key3": 3}))));
        let r = call_const(
            "bag_set_key",
            &[
                d(json!({"key1": 123, "key2": {"prop1": 123, "prop2": "xyz"}})),
                s("$.key2.prop1"),
                s("abc"),
            ],
        );
        assert_eq!(
            r,
            Ok(d(
                json!({"key1": 123, "key2": {"prop2": "xyz", "prop1": "abc"}})
            ))
        );
        let r = call_const(
            "bag_set_key",
            &[d(json!({"key1": 123})), s("$.key2.prop1"), s("abc")],
        );
        assert_eq!(r, Ok(d(json!({"key1": 123, "key2": {"prop1": "abc"}}))));
    }

    #[test]
    fn bag_zip_cases() {
        // bag-zip-00..05
        let z = |k: serde_json::Value, v: serde_json::Value| call_const("bag_zip", &[d(k), d(v)]);
        assert_eq!(
            z(json!(["a", "b", "c"]), json!([1, "2", 3.4])),
            Ok(d(json!({"a": 1, "b": "2", "c": 3.4})))
        );
        assert_eq!(
            z(json!(["a", "b", "c"]), json!([1, "2"])),
            Ok(d(json!({"a": 1, "b": "2", "c": null})))
        );
        assert_eq!(
            z(json!(["a", "b"]), json!([1, "2", 2.5])),
            Ok(d(json!({"a": 1, "b": "2"})))
        );
        assert_eq!(
            z(json!(["a", 8, "b"]), json!([1, "2", 2.5])),
            Ok(d(json!({"a": 1, "b": 2.5})))
        );
        assert_eq!(
            z(json!(["a", 8, "b"]), json!(1)),
            Ok(d(json!({"a": null, "b": null})))
        );
        assert_eq!(z(json!("a"), json!([1, "2", 2.5])), Ok(Value::Null));
    }

    #[test]
    fn set_functions() {
        let a1 = d(json!([1, 2, 1, 4]));
        // set-difference-function-00/01
        let r = call_const(
            "set_difference",
            &[a1.clone(), d(json!([1, 2])), d(json!([1, 2, 8]))],
        );
        assert_eq!(r, Ok(d(json!([4]))));
        assert_eq!(
            call_const(
                "set_difference",
                &[d(json!([1, 2, 3])), d(json!([1, 2, 3]))]
            ),
            Ok(d(json!([])))
        );
        // set-union-function-00/01
        let r = call_const("set_union", &[a1.clone(), d(json!([1, 2])), d(json!([8]))]);
        assert_eq!(r, Ok(d(json!([1, 2, 4, 8]))));
        let r = call_const(
            "set_union",
            &[
                d(json!(["A4", "A2", "A7", "A2"])),
                d(json!(["A4", "A2", "A7", "A2"])),
            ],
        );
        assert_eq!(r, Ok(d(json!(["A4", "A2", "A7"]))));
        // set-intersect-function-00/01
        let r = call_const("set_intersect", &[a1, d(json!([1, 2])), d(json!([8, 1]))]);
        assert_eq!(r, Ok(d(json!([1]))));
        assert_eq!(
            call_const("set_intersect", &[d(json!([1, 2, 3])), d(json!([4, 5]))]),
            Ok(d(json!([])))
        );
        // set-has-element-function-00
        let r = call_const(
            "set_has_element",
            &[d(json!(["this", "is", "an", "example"])), s("example")],
        );
        assert_eq!(r, Ok(Value::Bool(true)));
        // jaccard-index-function-00
        assert_eq!(
            call_const(
                "jaccard_index",
                &[d(json!([1, 2, 3])), d(json!([1, 2, 3, 4]))]
            ),
            Ok(Value::Real(0.75))
        );
    }

    #[test]
    fn zip_cases() {
        // zip-function-00/01
        assert_eq!(
            call_const("zip", &[d(json!([1, 3, 5])), d(json!([2, 4, 6]))]),
            Ok(d(json!([[1, 2], [3, 4], [5, 6]])))
        );
        let r = call_const("zip", &[d(json!(["A", 1, 1.5])), d(json!([{}, "B"]))]);
        assert_eq!(r, Ok(d(json!([["A", {}], [1, "B"], [1.5, null]]))));
    }

    #[test]
    fn treepath_cases() {
        // treepath-function.md
        let t = |j: serde_json::Value| call_const("treepath", &[d(j)]);
        assert_eq!(
            t(json!({"a": "b", "c": 123})),
            Ok(d(json!(["['a']", "['c']"])))
        );
        assert_eq!(
            t(json!({"prop1": [1, 2, 3, 4], "prop2": "value2"})),
            Ok(d(json!(["['prop1']", "['prop1'][0]", "['prop2']"])))
        );
        let r = t(json!({"listProperty": [100, 200, 300, "abcde", {"x": "y"}]}));
        assert_eq!(
            r,
            Ok(d(json!([
                "['listProperty']",
                "['listProperty'][0]",
                "['listProperty'][0]['x']"
            ])))
        );
    }

    #[test]
    fn ranges_and_repeat() {
        // range-function-00..03
        assert_eq!(
            call_const("range", &[l(1), l(8), l(3)]),
            Ok(d(json!([1, 4, 7])))
        );
        assert_eq!(call_const("range", &[l(1), l(3)]), Ok(d(json!([1, 2, 3]))));
        let h = |n: i64| Value::TimeSpan(n * 36_000_000_000);
        assert_eq!(
            call_const("range", &[h(1), h(5)]),
            Ok(d(json!([
                "01:00:00", "02:00:00", "03:00:00", "04:00:00", "05:00:00"
            ])))
        );
        let day = Value::TimeSpan(864_000_000_000);
        let a = Value::DateTime(parse_datetime("2007-01-01").unwrap_or(0));
        let b = Value::DateTime(parse_datetime("2007-12-31").unwrap_or(0));
        match call_const("range", &[a, b, day]) {
            Ok(Value::Dynamic(serde_json::Value::Array(v))) => assert_eq!(v.len(), 365),
            other => panic!("{other:?}"),
        }
        // range-function-04: at most 1,048,576 elements
        match call_const("range", &[l(1), l(1_000_000_000)]) {
            Ok(Value::Dynamic(serde_json::Value::Array(v))) => assert_eq!(v.len(), 1_048_576),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            call_const("repeat", &[s("a"), l(3)]),
            Ok(d(json!(["a", "a", "a"])))
        );
    }

    #[test]
    fn dynamic_to_json_sorts_keys() {
        // dynamic-to-json-function-00
        let bag = d(
            json!({"Y10": {}, "X8": {"c3": 1, "d8": 5, "a4": 6}, "D1": 114, "A1": 12, "B1": 2, "C1": 3, "A14": [15, 13, 18]}),
        );
        let want = r#"{"A1":12,"A14":[15,13,18],"B1":2,"C1":3,"D1":114,"X8":{"a4":6,"c3":1,"d8":5},"Y10":{}}"#;
        assert_eq!(call_const("dynamic_to_json", &[bag]), Ok(s(want)));
        let r = call_with(
            "array_length",
            &[ArgInfo::constant(Value::Null, ScalarType::Dynamic)],
        );
        assert_eq!(r, Ok((ScalarType::Long, Value::Null)));
    }
}
