//! `in` / `!in` over whole-number columns (long, int, datetime, timespan), which run as polars' vectorised
//! is_in. Expected values from ../shared/reference/KQL_SEMANTICS.md (rows 8 and 178, from null-values.md and
//! not-in-cs-operator.md): `in` is an OR of `==`, `!in` an AND of `!=`, `null == x` is false, so
//! `null in (...)` is false and `null !in (1,2)` is true; a fractional item equals no whole number.

use huntbench::data::NoTables;
use huntbench::engine::{self, RunOptions, Value};

fn column(query: &str, name: &str) -> Vec<Value> {
    let r = engine::run(query, &NoTables, &RunOptions::default())
        .unwrap_or_else(|d| panic!("{query}: {}", d.message));
    let i = r
        .columns
        .iter()
        .position(|c| c.0 == name)
        .unwrap_or_else(|| panic!("no column {name}"));
    r.rows()
        .unwrap()
        .into_iter()
        .map(|row| row[i].clone())
        .collect()
}

const DATA: &str = "datatable(a:long, b:int, t:datetime, s:timespan)[\
    1, 4, datetime(2020-01-01), 1h,\
    0, int(null), datetime(null), timespan(null),\
    long(null), 5, datetime(2021-01-01), 2h]";

fn bools(query: &str) -> Vec<Option<bool>> {
    column(&format!("{DATA} | extend r = {query} | project r"), "r")
        .into_iter()
        .map(|v| match v {
            Value::Bool(b) => Some(b),
            Value::Null => None,
            other => panic!("{query}: {other:?}"),
        })
        .collect()
}

#[test]
fn in_and_not_in_over_whole_numbers() {
    let (t, f) = (Some(true), Some(false));
    assert_eq!(bools("a in (0, 4, 1)"), [t, t, f]);
    assert_eq!(bools("a !in (0, 4)"), [t, f, t]);
    assert_eq!(bools("a in (1.0, 2.5)"), [t, f, f]);
    assert_eq!(bools("b in (4, 2.5)"), [t, f, f]);
    assert_eq!(bools("b !in (4)"), [f, t, t]);
    assert_eq!(bools("t in (datetime(2020-01-01))"), [t, f, f]);
    assert_eq!(bools("t !in (datetime(2020-01-01))"), [f, t, t]);
    assert_eq!(bools("s in (1h, 3h)"), [t, f, f]);
    assert_eq!(bools("s !in (1h)"), [f, t, t]);
    assert_eq!(bools("a in (dynamic([]))"), [f, f, f]);
    assert_eq!(bools("a !in (dynamic([]))"), [t, t, t]);
}
