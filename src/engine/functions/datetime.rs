//! Datetime and timespan functions.
//!
//! Datetimes are ticks since the Unix epoch; Kusto's own origin is 0001-01-01, which matters for `bin()` of
//! datetimes by sizes that do not divide a day (KQL_SEMANTICS §7.2).

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, Timelike};

use super::convert::to_datetime;
use super::util::{EPOCH_0001, datetime_value, def, int_arg, kql_tostring, real_arg};
use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::value::{
    TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MICRO, TICKS_PER_MILLI, TICKS_PER_MINUTE,
    TICKS_PER_SECOND, Value, naive_to_ticks, ticks_to_naive,
};
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    def("datetime_add", 3, 3, Naming::Default, datetime_add),
    def("datetime_diff", 3, 3, Naming::Default, datetime_diff),
    def("datetime_part", 2, 2, Naming::Default, datetime_part),
    def("startofday", 1, 2, Naming::FirstArg, startofday),
    def("startofweek", 1, 2, Naming::Default, startofweek),
    def("startofmonth", 1, 2, Naming::Default, startofmonth),
    def("startofyear", 1, 2, Naming::Default, startofyear),
    def("endofday", 1, 2, Naming::Default, endofday),
    def("endofweek", 1, 2, Naming::Default, endofweek),
    def("endofmonth", 1, 2, Naming::Default, endofmonth),
    def("endofyear", 1, 2, Naming::Default, endofyear),
    def("dayofweek", 1, 1, Naming::Default, dayofweek),
    def("dayofmonth", 1, 1, Naming::Default, dayofmonth),
    def("dayofyear", 1, 1, Naming::Default, dayofyear),
    def("getyear", 1, 1, Naming::Default, getyear),
    def("monthofyear", 1, 1, Naming::Default, monthofyear),
    def("week_of_year", 1, 1, Naming::Default, week_of_year),
    def("hourofday", 1, 1, Naming::Default, hourofday),
    def("format_datetime", 2, 2, Naming::FirstArg, format_datetime),
    def(
        "format_timespan",
        2,
        2,
        Naming::FirstArg,
        format_timespan_fn,
    ),
    def("make_datetime", 1, 6, Naming::OnlyArg, make_datetime),
    def("make_timespan", 1, 4, Naming::OnlyArg, make_timespan),
    def(
        "unixtime_seconds_todatetime",
        1,
        1,
        Naming::Default,
        unix_seconds,
    ),
    def(
        "unixtime_milliseconds_todatetime",
        1,
        1,
        Naming::Default,
        unix_millis,
    ),
    def(
        "unixtime_microseconds_todatetime",
        1,
        1,
        Naming::Default,
        unix_micros,
    ),
    def(
        "unixtime_nanoseconds_todatetime",
        1,
        1,
        Naming::Default,
        unix_nanos,
    ),
    def("datetime_utc_to_local", 2, 2, Naming::Default, utc_to_local),
    def("datetime_local_to_utc", 2, 2, Naming::Default, local_to_utc),
    def("bin", 2, 2, Naming::FirstArg, bin),
    def("bin_at", 3, 3, Naming::FirstArg, bin_at),
];

fn dt_of(v: &Value) -> Option<i64> {
    match v {
        Value::DateTime(t) => Some(*t),
        Value::Null => None,
        other => to_datetime(other),
    }
}

fn ts_of(v: &Value) -> Option<i64> {
    match v {
        Value::TimeSpan(t) => Some(*t),
        _ => None,
    }
}

fn naive(t: i64) -> Option<NaiveDateTime> {
    ticks_to_naive(t)
}

fn date_ticks(d: NaiveDate) -> Option<i64> {
    Some(naive_to_ticks(&d.and_hms_opt(0, 0, 0)?))
}

fn check_datetime_arg(fname: &str, a: &ArgInfo) -> Result<(), String> {
    if matches!(
        a.ty,
        ScalarType::DateTime | ScalarType::String | ScalarType::Dynamic
    ) {
        Ok(())
    } else {
        Err(format!("{fname}() expects a datetime, got {}", a.ty))
    }
}

// ---------------------------------------------------------------------------------------------------------
// Periods

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Period {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
    Microsecond,
    Nanosecond,
}

fn period(name: &str) -> Option<Period> {
    Some(match name.trim().to_ascii_lowercase().as_str() {
        "year" => Period::Year,
        "quarter" => Period::Quarter,
        "month" => Period::Month,
        "week" => Period::Week,
        "day" => Period::Day,
        "hour" => Period::Hour,
        "minute" => Period::Minute,
        "second" => Period::Second,
        "millisecond" => Period::Millisecond,
        "microsecond" => Period::Microsecond,
        "nanosecond" => Period::Nanosecond,
        _ => return None,
    })
}

/// The period argument: fixed when constant (and checked), else read per row.
fn period_arg(fname: &str, a: &ArgInfo) -> Result<Option<Period>, String> {
    match &a.constant {
        Some(c) => {
            let name = kql_tostring(c);
            period(&name)
                .map(Some)
                .ok_or_else(|| format!("{fname}(): unknown period '{name}'"))
        }
        None => Ok(None),
    }
}

fn add_months(t: i64, months: i64) -> Option<i64> {
    let dt = naive(t)?;
    let m = u32::try_from(months.unsigned_abs()).ok()?;
    let moved = if months >= 0 {
        dt.checked_add_months(Months::new(m))?
    } else {
        dt.checked_sub_months(Months::new(m))?
    };
    Some(naive_to_ticks(&moved))
}

fn add_period(p: Period, n: i64, t: i64) -> Option<i64> {
    let fixed = |unit: i64| n.checked_mul(unit).and_then(|d| t.checked_add(d));
    match p {
        Period::Year => add_months(t, n.checked_mul(12)?),
        Period::Quarter => add_months(t, n.checked_mul(3)?),
        Period::Month => add_months(t, n),
        Period::Week => fixed(7 * TICKS_PER_DAY),
        Period::Day => fixed(TICKS_PER_DAY),
        Period::Hour => fixed(TICKS_PER_HOUR),
        Period::Minute => fixed(TICKS_PER_MINUTE),
        Period::Second => fixed(TICKS_PER_SECOND),
        Period::Millisecond => fixed(TICKS_PER_MILLI),
        Period::Microsecond => fixed(TICKS_PER_MICRO),
        Period::Nanosecond => t.checked_add(n / 100),
    }
}

/// `datetime_add(period, amount, dt)`; months and years keep the day where it exists, else the month's last
/// day ([E] datetime-add-function-00/01).
fn datetime_add(a: &[ArgInfo]) -> Result<Prepared, String> {
    let fixed = period_arg("datetime_add", &a[0])?;
    Ok(Prepared::new(ScalarType::DateTime, move |v| {
        let p = match fixed {
            Some(p) => Some(p),
            None => period(&kql_tostring(&v[0])),
        };
        match (p, int_arg(&v[1]), dt_of(&v[2])) {
            (Some(p), Some(n), Some(t)) => datetime_value(add_period(p, n, t)),
            _ => Value::Null,
        }
    }))
}

fn start_of_week_ticks(t: i64) -> Option<i64> {
    let d = naive(t)?.date();
    date_ticks(d - chrono::Duration::days(d.weekday().num_days_from_sunday() as i64))
}

fn quarter_index(d: &NaiveDateTime) -> i64 {
    d.year() as i64 * 4 + (d.month0() / 3) as i64
}

/// Calendar boundaries crossed from `t2` to `t1` (KQL_SEMANTICS §8).
fn diff_period(p: Period, t1: i64, t2: i64) -> Option<i64> {
    let floor_diff = |unit: i64| Some(t1.div_euclid(unit) - t2.div_euclid(unit));
    match p {
        Period::Year => Some(naive(t1)?.year() as i64 - naive(t2)?.year() as i64),
        Period::Quarter => Some(quarter_index(&naive(t1)?) - quarter_index(&naive(t2)?)),
        Period::Month => {
            let (a, b) = (naive(t1)?, naive(t2)?);
            Some(
                (a.year() as i64 * 12 + a.month0() as i64)
                    - (b.year() as i64 * 12 + b.month0() as i64),
            )
        }
        Period::Week => {
            Some((start_of_week_ticks(t1)? - start_of_week_ticks(t2)?) / (7 * TICKS_PER_DAY))
        }
        Period::Day => floor_diff(TICKS_PER_DAY),
        Period::Hour => floor_diff(TICKS_PER_HOUR),
        Period::Minute => floor_diff(TICKS_PER_MINUTE),
        Period::Second => floor_diff(TICKS_PER_SECOND),
        Period::Millisecond => floor_diff(TICKS_PER_MILLI),
        Period::Microsecond => floor_diff(TICKS_PER_MICRO),
        Period::Nanosecond => t1.checked_sub(t2)?.checked_mul(100),
    }
}

/// `datetime_diff(period, dt1, dt2)`: a long, except that the engine returns a real for `week`
/// ([E] datetime-diff-function-00).
fn datetime_diff(a: &[ArgInfo]) -> Result<Prepared, String> {
    let fixed = period_arg("datetime_diff", &a[0])?;
    let Some(fixed) = fixed else {
        return Err("datetime_diff(): the period must be a constant".into());
    };
    let ty = if fixed == Period::Week {
        ScalarType::Real
    } else {
        ScalarType::Long
    };
    Ok(Prepared::new(ty, move |v| {
        match (dt_of(&v[1]), dt_of(&v[2])) {
            (Some(t1), Some(t2)) => match diff_period(fixed, t1, t2) {
                Some(d) if ty == ScalarType::Real => Value::Real(d as f64),
                Some(d) => Value::Long(d),
                None => Value::Null,
            },
            _ => Value::Null,
        }
    }))
}

/// `datetime_part(part, dt)` as a long ([E] datetime-part-function-00 reports Int64).
fn datetime_part(a: &[ArgInfo]) -> Result<Prepared, String> {
    #[derive(Clone, Copy)]
    enum Part {
        P(Period),
        WeekOfYear,
        DayOfYear,
    }
    let parse = |name: &str| -> Option<Part> {
        match name.trim().to_ascii_lowercase().as_str() {
            "week_of_year" | "weekofyear" => Some(Part::WeekOfYear),
            "dayofyear" => Some(Part::DayOfYear),
            "week" => None,
            other => period(other).map(Part::P),
        }
    };
    let fixed = match &a[0].constant {
        Some(c) => {
            let name = kql_tostring(c);
            Some(parse(&name).ok_or_else(|| format!("datetime_part(): unknown part '{name}'"))?)
        }
        None => None,
    };
    Ok(Prepared::new(ScalarType::Long, move |v| {
        let part = match fixed {
            Some(p) => Some(p),
            None => parse(&kql_tostring(&v[0])),
        };
        let (Some(part), Some(t)) = (part, dt_of(&v[1])) else {
            return Value::Null;
        };
        let Some(d) = naive(t) else {
            return Value::Null;
        };
        let frac = t.rem_euclid(TICKS_PER_SECOND);
        let n = match part {
            Part::WeekOfYear => d.iso_week().week() as i64,
            Part::DayOfYear => d.ordinal() as i64,
            Part::P(p) => match p {
                Period::Year => d.year() as i64,
                Period::Quarter => (d.month0() / 3 + 1) as i64,
                Period::Month => d.month() as i64,
                Period::Week => d.iso_week().week() as i64,
                Period::Day => d.day() as i64,
                Period::Hour => d.hour() as i64,
                Period::Minute => d.minute() as i64,
                Period::Second => d.second() as i64,
                Period::Millisecond => frac / TICKS_PER_MILLI,
                Period::Microsecond => frac / TICKS_PER_MICRO,
                Period::Nanosecond => frac * 100,
            },
        };
        Value::Long(n)
    }))
}

// ---------------------------------------------------------------------------------------------------------
// startof / endof

#[derive(Clone, Copy)]
enum Unit {
    Day,
    Week,
    Month,
    Year,
}

fn start_of(unit: Unit, t: i64, offset: i64) -> Option<i64> {
    let d = naive(t)?.date();
    match unit {
        Unit::Day => date_ticks(d)?.checked_add(offset.checked_mul(TICKS_PER_DAY)?),
        Unit::Week => start_of_week_ticks(t)?.checked_add(offset.checked_mul(7 * TICKS_PER_DAY)?),
        Unit::Month => add_months(date_ticks(d.with_day(1)?)?, offset),
        Unit::Year => add_months(
            date_ticks(NaiveDate::from_ymd_opt(d.year(), 1, 1)?)?,
            offset.checked_mul(12)?,
        ),
    }
}

fn startof_fn(a: &[ArgInfo], fname: &str, unit: Unit, end: bool) -> Result<Prepared, String> {
    check_datetime_arg(fname, &a[0])?;
    Ok(Prepared::new(ScalarType::DateTime, move |v| {
        let offset = match v.get(1) {
            Some(o) => match int_arg(o) {
                Some(o) => o,
                None => return Value::Null,
            },
            None => 0,
        };
        let Some(t) = dt_of(&v[0]) else {
            return Value::Null;
        };
        let r = if end {
            start_of(unit, t, offset + 1).map(|s| s - 1)
        } else {
            start_of(unit, t, offset)
        };
        datetime_value(r)
    }))
}

/// [E] startofday-function-00 ... endofyear-function-00: the optional offset moves by whole units.
fn startofday(a: &[ArgInfo]) -> Result<Prepared, String> {
    startof_fn(a, "startofday", Unit::Day, false)
}
fn startofweek(a: &[ArgInfo]) -> Result<Prepared, String> {
    startof_fn(a, "startofweek", Unit::Week, false)
}
fn startofmonth(a: &[ArgInfo]) -> Result<Prepared, String> {
    startof_fn(a, "startofmonth", Unit::Month, false)
}
fn startofyear(a: &[ArgInfo]) -> Result<Prepared, String> {
    startof_fn(a, "startofyear", Unit::Year, false)
}
fn endofday(a: &[ArgInfo]) -> Result<Prepared, String> {
    startof_fn(a, "endofday", Unit::Day, true)
}
fn endofweek(a: &[ArgInfo]) -> Result<Prepared, String> {
    startof_fn(a, "endofweek", Unit::Week, true)
}
fn endofmonth(a: &[ArgInfo]) -> Result<Prepared, String> {
    startof_fn(a, "endofmonth", Unit::Month, true)
}
fn endofyear(a: &[ArgInfo]) -> Result<Prepared, String> {
    startof_fn(a, "endofyear", Unit::Year, true)
}

// ---------------------------------------------------------------------------------------------------------
// Parts

/// The time since the preceding Sunday midnight, as a whole number of days ([E] day-of-week-function-00..02).
fn dayofweek(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_datetime_arg("dayofweek", &a[0])?;
    Ok(Prepared::new(ScalarType::TimeSpan, |v| {
        match dt_of(&v[0]).and_then(naive) {
            Some(d) => Value::TimeSpan(d.weekday().num_days_from_sunday() as i64 * TICKS_PER_DAY),
            None => Value::Null,
        }
    }))
}

/// A calendar part as a long. The language service types these `int`; the engine returns Int64 for getyear,
/// hourofday and monthofyear ([E] getyear-function-00, hour-of-day-function-00, monthofyear-function-00),
/// so all of them are longs here.
fn part_fn(a: &[ArgInfo], fname: &str, f: fn(&NaiveDateTime) -> i64) -> Result<Prepared, String> {
    check_datetime_arg(fname, &a[0])?;
    Ok(Prepared::new(ScalarType::Long, move |v| {
        match dt_of(&v[0]).and_then(naive) {
            Some(d) => Value::Long(f(&d)),
            None => Value::Null,
        }
    }))
}

fn dayofmonth(a: &[ArgInfo]) -> Result<Prepared, String> {
    part_fn(a, "dayofmonth", |d| d.day() as i64)
}
fn dayofyear(a: &[ArgInfo]) -> Result<Prepared, String> {
    part_fn(a, "dayofyear", |d| d.ordinal() as i64)
}
fn getyear(a: &[ArgInfo]) -> Result<Prepared, String> {
    part_fn(a, "getyear", |d| d.year() as i64)
}
fn monthofyear(a: &[ArgInfo]) -> Result<Prepared, String> {
    part_fn(a, "monthofyear", |d| d.month() as i64)
}
/// ISO 8601 week number ([D] week-of-year-function.md).
fn week_of_year(a: &[ArgInfo]) -> Result<Prepared, String> {
    part_fn(a, "week_of_year", |d| d.iso_week().week() as i64)
}
fn hourofday(a: &[ArgInfo]) -> Result<Prepared, String> {
    part_fn(a, "hourofday", |d| d.hour() as i64)
}

// ---------------------------------------------------------------------------------------------------------
// Formatting

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Lit(String),
    Day(usize),
    Month(usize),
    Year(usize),
    Hour12(usize),
    Hour24(usize),
    Minute(usize),
    Second(usize),
    Frac(usize, bool),
    AmPm(usize),
}

/// Splits a .NET-style format into runs of one letter; other characters are literal.
fn runs(fmt: &str) -> Vec<(char, usize)> {
    let mut out: Vec<(char, usize)> = Vec::new();
    for c in fmt.chars() {
        match out.last_mut() {
            Some((last, n)) if *last == c && c.is_ascii_alphabetic() => *n += 1,
            _ => out.push((c, 1)),
        }
    }
    out
}

fn parse_datetime_format(fmt: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    for (c, n) in runs(fmt) {
        let bad = || {
            format!(
                "format_datetime(): unsupported format element '{}'",
                c.to_string().repeat(n)
            )
        };
        let tok = match c {
            'd' if n <= 2 => Tok::Day(n),
            'M' if n <= 2 => Tok::Month(n),
            'y' if n <= 5 => Tok::Year(n),
            'h' if n <= 2 => Tok::Hour12(n),
            'H' if n <= 2 => Tok::Hour24(n),
            'm' if n <= 2 => Tok::Minute(n),
            's' if n <= 2 => Tok::Second(n),
            'f' if n <= 7 => Tok::Frac(n, false),
            'F' if n <= 7 => Tok::Frac(n, true),
            't' if n <= 2 => Tok::AmPm(n),
            c if c.is_ascii_alphabetic() => return Err(bad()),
            c => Tok::Lit(c.to_string()),
        };
        toks.push(tok);
    }
    Ok(toks)
}

fn pad(n: i64, width: usize) -> String {
    format!("{n:0width$}")
}

/// The first `n` digits of the 7-digit fraction; trailing zeros dropped for `F`.
fn frac_digits(frac: i64, n: usize, trim: bool) -> String {
    let s = format!("{frac:07}");
    let d = &s[..n];
    if trim {
        d.trim_end_matches('0').to_string()
    } else {
        d.to_string()
    }
}

fn render_datetime(toks: &[Tok], t: i64) -> Option<String> {
    let d = naive(t)?;
    let frac = t.rem_euclid(TICKS_PER_SECOND);
    let mut out = String::new();
    for tok in toks {
        match tok {
            Tok::Lit(s) => out.push_str(s),
            Tok::Day(n) => out.push_str(&pad(d.day() as i64, *n)),
            Tok::Month(n) => out.push_str(&pad(d.month() as i64, *n)),
            Tok::Year(n) => {
                let y = d.year() as i64;
                if *n <= 2 {
                    out.push_str(&pad(y % 100, *n));
                } else {
                    out.push_str(&pad(y, *n));
                }
            }
            Tok::Hour12(n) => {
                let h = d.hour() as i64 % 12;
                out.push_str(&pad(if h == 0 { 12 } else { h }, *n));
            }
            Tok::Hour24(n) => out.push_str(&pad(d.hour() as i64, *n)),
            Tok::Minute(n) => out.push_str(&pad(d.minute() as i64, *n)),
            Tok::Second(n) => out.push_str(&pad(d.second() as i64, *n)),
            Tok::Frac(n, trim) => out.push_str(&frac_digits(frac, *n, *trim)),
            Tok::AmPm(n) => {
                let s = if d.hour() < 12 { "AM" } else { "PM" };
                out.push_str(&s[..*n]);
            }
        }
    }
    Some(out)
}

/// `format_datetime(dt, format)` with the .NET specifiers of [D] format-datetime-function.md
/// ([E] format-datetime-function-00..02).
fn format_datetime(a: &[ArgInfo]) -> Result<Prepared, String> {
    let fmt = super::util::const_str("format_datetime", &a[1], "format")?;
    let toks = parse_datetime_format(fmt)?;
    Ok(Prepared::new(ScalarType::String, move |v| {
        Value::String(
            dt_of(&v[0])
                .and_then(|t| render_datetime(&toks, t))
                .unwrap_or_default(),
        )
    }))
}

fn parse_timespan_format(fmt: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    for (c, n) in runs(fmt) {
        let tok = match c {
            'd' if n <= 8 => Tok::Day(n),
            'h' | 'H' if n <= 2 => Tok::Hour24(n),
            'm' if n <= 2 => Tok::Minute(n),
            's' if n <= 2 => Tok::Second(n),
            'f' if n <= 7 => Tok::Frac(n, false),
            'F' if n <= 7 => Tok::Frac(n, true),
            c if c.is_ascii_alphabetic() => {
                return Err(format!(
                    "format_timespan(): unsupported format element '{}'",
                    c.to_string().repeat(n)
                ));
            }
            c => Tok::Lit(c.to_string()),
        };
        toks.push(tok);
    }
    Ok(toks)
}

fn render_timespan(toks: &[Tok], t: i64) -> String {
    let neg = t < 0;
    let a = t.unsigned_abs() as i128;
    let frac = (a % TICKS_PER_SECOND as i128) as i64;
    let secs = a / TICKS_PER_SECOND as i128;
    let days = (secs / 86_400) as i64;
    let (h, m, s) = (
        ((secs / 3600) % 24) as i64,
        ((secs / 60) % 60) as i64,
        (secs % 60) as i64,
    );
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    for tok in toks {
        match tok {
            Tok::Lit(x) => out.push_str(x),
            Tok::Day(n) => out.push_str(&pad(days, *n)),
            Tok::Hour24(n) => out.push_str(&pad(h, *n)),
            Tok::Minute(n) => out.push_str(&pad(m, *n)),
            Tok::Second(n) => out.push_str(&pad(s, *n)),
            Tok::Frac(n, trim) => out.push_str(&frac_digits(frac, *n, *trim)),
            _ => {}
        }
    }
    out
}

/// `format_timespan(ts, format)` ([D] format-timespan-function.md; [E] format-timespan-function-00).
fn format_timespan_fn(a: &[ArgInfo]) -> Result<Prepared, String> {
    let fmt = super::util::const_str("format_timespan", &a[1], "format")?;
    let toks = parse_timespan_format(fmt)?;
    Ok(Prepared::new(ScalarType::String, move |v| {
        match ts_of(&v[0]) {
            Some(t) => Value::String(render_timespan(&toks, t)),
            None => Value::String(String::new()),
        }
    }))
}

// ---------------------------------------------------------------------------------------------------------
// Construction

fn seconds_to_ticks(s: f64) -> Option<i64> {
    let t = (s * TICKS_PER_SECOND as f64).round();
    if t.is_finite() && t.abs() < 9.2e18 {
        Some(t as i64)
    } else {
        None
    }
}

/// `make_datetime(y, m, d[, h, min, s])` with fractional seconds; one argument converts like `todatetime`
/// ([E] make-datetime-function-00..02).
fn make_datetime(a: &[ArgInfo]) -> Result<Prepared, String> {
    if a.len() == 2 {
        return Err("make_datetime() takes 1, 3, 4, 5 or 6 arguments".into());
    }
    Ok(Prepared::new(ScalarType::DateTime, |v| {
        if v.len() == 1 {
            return datetime_value(dt_of(&v[0]));
        }
        let part = |i: usize| -> Option<i64> {
            match v.get(i) {
                None => Some(0),
                Some(x) => int_arg(x),
            }
        };
        let (Some(y), Some(mo), Some(d), Some(h), Some(mi)) =
            (part(0), part(1), part(2), part(3), part(4))
        else {
            return Value::Null;
        };
        let secs = match v.get(5) {
            None => Some(0.0),
            Some(x) => real_arg(x),
        };
        let Some(secs) = secs.filter(|s| (0.0..60.0).contains(s)) else {
            return Value::Null;
        };
        let date = i32::try_from(y)
            .ok()
            .zip(u32::try_from(mo).ok())
            .zip(u32::try_from(d).ok())
            .and_then(|((y, m), d)| NaiveDate::from_ymd_opt(y, m, d));
        let time = u32::try_from(h)
            .ok()
            .zip(u32::try_from(mi).ok())
            .and_then(|(h, m)| date?.and_hms_opt(h, m, 0));
        match (time, seconds_to_ticks(secs)) {
            (Some(dt), Some(st)) => datetime_value(Some(naive_to_ticks(&dt) + st)),
            _ => Value::Null,
        }
    }))
}

/// `make_timespan(days, hours, minutes, seconds)`, `(hours, minutes[, seconds])` or `(timespan)`;
/// seconds may have a fraction ([E] make-timespan-function-00).
fn make_timespan(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::TimeSpan, |v| {
        if v.len() == 1 {
            return match &v[0] {
                Value::TimeSpan(t) => Value::TimeSpan(*t),
                other => super::convert::to_timespan(other)
                    .map(Value::TimeSpan)
                    .unwrap_or(Value::Null),
            };
        }
        let (d, rest) = if v.len() == 4 {
            (int_arg(&v[0]), &v[1..])
        } else {
            (Some(0), v)
        };
        let (Some(d), Some(h), Some(m)) = (d, int_arg(&rest[0]), int_arg(&rest[1])) else {
            return Value::Null;
        };
        let secs = match rest.get(2) {
            Some(s) => real_arg(s),
            None => Some(0.0),
        };
        let Some(st) = secs.and_then(seconds_to_ticks) else {
            return Value::Null;
        };
        let whole = d
            .checked_mul(TICKS_PER_DAY)
            .zip(h.checked_mul(TICKS_PER_HOUR))
            .zip(m.checked_mul(TICKS_PER_MINUTE))
            .and_then(|((a, b), c)| a.checked_add(b)?.checked_add(c)?.checked_add(st));
        whole.map(Value::TimeSpan).unwrap_or(Value::Null)
    }))
}

fn unix_fn(a: &[ArgInfo], fname: &str, ticks_per_unit: f64) -> Result<Prepared, String> {
    if !(a[0].ty.is_numeric() || a[0].ty == ScalarType::Dynamic) {
        return Err(format!("{fname}() expects a number, got {}", a[0].ty));
    }
    Ok(Prepared::new(ScalarType::DateTime, move |v| {
        let t = match &v[0] {
            Value::Int(_) | Value::Long(_) => int_arg(&v[0]).and_then(|i| {
                if ticks_per_unit >= 1.0 {
                    i.checked_mul(ticks_per_unit as i64)
                } else {
                    Some(i / 100)
                }
            }),
            other => real_arg(other)
                .map(|f| (f * ticks_per_unit).floor())
                .filter(|f| f.abs() < 9.2e18)
                .map(|f| f as i64),
        };
        datetime_value(t)
    }))
}

/// [E] unixtime-*-todatetime-function-00.
fn unix_seconds(a: &[ArgInfo]) -> Result<Prepared, String> {
    unix_fn(a, "unixtime_seconds_todatetime", TICKS_PER_SECOND as f64)
}
fn unix_millis(a: &[ArgInfo]) -> Result<Prepared, String> {
    unix_fn(
        a,
        "unixtime_milliseconds_todatetime",
        TICKS_PER_MILLI as f64,
    )
}
fn unix_micros(a: &[ArgInfo]) -> Result<Prepared, String> {
    unix_fn(
        a,
        "unixtime_microseconds_todatetime",
        TICKS_PER_MICRO as f64,
    )
}
fn unix_nanos(a: &[ArgInfo]) -> Result<Prepared, String> {
    unix_fn(a, "unixtime_nanoseconds_todatetime", 0.01)
}

/// Fixed-offset zones only: UTC and its synonyms, and `Etc/GMT±N` (whose sign is inverted: `Etc/GMT+5` is
/// UTC-5). Zones with daylight saving need the tz database, which huntbench does not carry.
fn fixed_zone_offset(tz: &str) -> Option<i64> {
    let t = tz.trim().to_ascii_lowercase();
    let utc = [
        "utc",
        "etc/utc",
        "uct",
        "etc/uct",
        "gmt",
        "etc/gmt",
        "gmt0",
        "etc/gmt0",
        "gmt+0",
        "gmt-0",
        "etc/gmt+0",
        "etc/gmt-0",
        "greenwich",
        "etc/greenwich",
        "universal",
        "etc/universal",
        "zulu",
        "etc/zulu",
    ];
    if utc.contains(&t.as_str()) {
        return Some(0);
    }
    let rest = t.strip_prefix("etc/gmt")?;
    let (sign, num) = match rest.split_at_checked(1)? {
        ("+", n) => (-1, n),
        ("-", n) => (1, n),
        _ => return None,
    };
    let h: i64 = num.parse().ok()?;
    if h > 14 {
        return None;
    }
    Some(sign * h * TICKS_PER_HOUR)
}

fn zone_fn(a: &[ArgInfo], fname: &str, to_local: bool) -> Result<Prepared, String> {
    let tz = super::util::const_str(fname, &a[1], "time zone")?;
    let off = fixed_zone_offset(tz).ok_or_else(|| {
        format!("{fname}(): time zone '{tz}' is not supported (only UTC and Etc/GMT±N)")
    })?;
    Ok(Prepared::new(ScalarType::DateTime, move |v| {
        let off = if to_local { off } else { -off };
        datetime_value(dt_of(&v[0]).and_then(|t| t.checked_add(off)))
    }))
}

fn utc_to_local(a: &[ArgInfo]) -> Result<Prepared, String> {
    zone_fn(a, "datetime_utc_to_local", true)
}
fn local_to_utc(a: &[ArgInfo]) -> Result<Prepared, String> {
    zone_fn(a, "datetime_local_to_utc", false)
}

// ---------------------------------------------------------------------------------------------------------
// bin / bin_at

fn floor_to(x: i64, size: i64) -> Option<i64> {
    x.div_euclid(size).checked_mul(size)
}

/// `bin(value, size)` (alias `floor`): numbers (the widest type of both), timespans, and datetimes by a
/// timespan, counted from 0001-01-01. A null or non-positive size gives null (KQL_SEMANTICS §7.2;
/// [E] bin-function-00..02).
fn bin(a: &[ArgInfo]) -> Result<Prepared, String> {
    use ScalarType::*;
    match (a[0].ty, a[1].ty) {
        (x, y) if x.is_numeric() && y.is_numeric() => {
            let ty = ScalarType::widest_numeric(x, y)
                .map(|t| if t == Decimal { Real } else { t })
                .unwrap_or(Real);
            Ok(Prepared::new(ty, move |v| {
                bin_number(ty, &v[0], &v[1], None)
            }))
        }
        (TimeSpan, TimeSpan) => Ok(Prepared::new(TimeSpan, |v| {
            match (ts_of(&v[0]), ts_of(&v[1])) {
                (Some(x), Some(s)) if s > 0 => {
                    floor_to(x, s).map(Value::TimeSpan).unwrap_or(Value::Null)
                }
                _ => Value::Null,
            }
        })),
        (DateTime, TimeSpan) => Ok(Prepared::new(DateTime, |v| {
            match (dt_of(&v[0]), ts_of(&v[1])) {
                (Some(x), Some(s)) if s > 0 => {
                    datetime_value(floor_to(x + EPOCH_0001, s).map(|t| t - EPOCH_0001))
                }
                _ => Value::Null,
            }
        })),
        (x, y) => Err(format!("bin() of a {x} by a {y} is not supported")),
    }
}

fn bin_number(ty: ScalarType, x: &Value, size: &Value, at: Option<&Value>) -> Value {
    match ty {
        ScalarType::Real => {
            let (Some(x), Some(s)) = (real_arg(x), real_arg(size)) else {
                return Value::Null;
            };
            let fixed = match at {
                Some(f) => match real_arg(f) {
                    Some(f) => f,
                    None => return Value::Null,
                },
                None => 0.0,
            };
            if s <= 0.0 || s.is_nan() {
                return Value::Null;
            }
            Value::Real(((x - fixed) / s).floor() * s + fixed)
        }
        _ => {
            let (Some(x), Some(s)) = (int_arg(x), int_arg(size)) else {
                return Value::Null;
            };
            let fixed = match at {
                Some(f) => match int_arg(f) {
                    Some(f) => f,
                    None => return Value::Null,
                },
                None => 0,
            };
            if s <= 0 {
                return Value::Null;
            }
            let r = x
                .checked_sub(fixed)
                .and_then(|d| floor_to(d, s))
                .and_then(|b| b.checked_add(fixed));
            match (r, ty) {
                (Some(r), ScalarType::Int) => {
                    i32::try_from(r).map(Value::Int).unwrap_or(Value::Null)
                }
                (Some(r), _) => Value::Long(r),
                (None, _) => Value::Null,
            }
        }
    }
}

/// `bin_at(value, size, fixed_point)`: bins aligned to `fixed_point` ([E] bin-at-function-00..04).
fn bin_at(a: &[ArgInfo]) -> Result<Prepared, String> {
    use ScalarType::*;
    let at_ts = |v: &Value| ts_of(v);
    match (a[0].ty, a[1].ty, a[2].ty) {
        (x, y, z) if x.is_numeric() && y.is_numeric() && z.is_numeric() => {
            let ty = ScalarType::widest_numeric(x, y)
                .and_then(|t| ScalarType::widest_numeric(t, z))
                .map(|t| if t == Decimal { Real } else { t })
                .unwrap_or(Real);
            Ok(Prepared::new(ty, move |v| {
                bin_number(ty, &v[0], &v[1], Some(&v[2]))
            }))
        }
        (TimeSpan, TimeSpan, TimeSpan) => Ok(Prepared::new(TimeSpan, move |v| {
            match (ts_of(&v[0]), ts_of(&v[1]), at_ts(&v[2])) {
                (Some(x), Some(s), Some(f)) if s > 0 => floor_to(x - f, s)
                    .map(|b| Value::TimeSpan(b + f))
                    .unwrap_or(Value::Null),
                _ => Value::Null,
            }
        })),
        (DateTime, TimeSpan, DateTime) => Ok(Prepared::new(DateTime, |v| {
            match (dt_of(&v[0]), ts_of(&v[1]), dt_of(&v[2])) {
                (Some(x), Some(s), Some(f)) if s > 0 => {
                    datetime_value(floor_to(x - f, s).map(|b| b + f))
                }
                _ => Value::Null,
            }
        })),
        (x, y, z) => Err(format!("bin_at() of ({x}, {y}, {z}) is not supported")),
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ArgInfo, call_const, call_with};
    use crate::engine::value::{
        TICKS_PER_DAY, TICKS_PER_HOUR, Value, parse_datetime, parse_timespan,
    };
    use crate::kql::ScalarType;

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }
    fn dt(x: &str) -> Value {
        Value::DateTime(parse_datetime(x).unwrap_or(i64::MIN))
    }
    fn ts(x: &str) -> Value {
        Value::TimeSpan(parse_timespan(x).unwrap_or(i64::MIN))
    }
    fn l(i: i64) -> Value {
        Value::Long(i)
    }

    #[test]
    fn datetime_add_periods() {
        // datetime-add-function-00
        let base = dt("2017-01-01");
        let add = |p: &str, n: i64| call_const("datetime_add", &[s(p), l(n), base.clone()]);
        assert_eq!(add("year", 1), Ok(dt("2018-01-01")));
        assert_eq!(add("quarter", 1), Ok(dt("2017-04-01")));
        assert_eq!(add("month", 1), Ok(dt("2017-02-01")));
        assert_eq!(add("week", 1), Ok(dt("2017-01-08")));
        assert_eq!(add("day", 1), Ok(dt("2017-01-02")));
        assert_eq!(add("hour", 1), Ok(dt("2017-01-01 01:00")));
        assert_eq!(add("minute", 1), Ok(dt("2017-01-01 00:01")));
        assert_eq!(add("second", 1), Ok(dt("2017-01-01 00:00:01")));
        // datetime-add-function-01
        assert_eq!(add("year", -5), Ok(dt("2012-01-01")));
        assert_eq!(add("quarter", 12), Ok(dt("2020-01-01")));
        assert_eq!(add("month", -15), Ok(dt("2015-10-01")));
        assert_eq!(add("week", 100), Ok(dt("2018-12-02")));
        // a month later than Jan 31 is the end of February
        let r = call_const("datetime_add", &[s("month"), l(1), dt("2017-01-31")]);
        assert_eq!(r, Ok(dt("2017-02-28")));
        assert!(call_const("datetime_add", &[s("fortnight"), l(1), dt("2017-01-31")]).is_err());
    }

    #[test]
    fn datetime_diff_boundaries() {
        // datetime-diff-function-00
        let d = |p: &str, a: &str, b: &str| call_const("datetime_diff", &[s(p), dt(a), dt(b)]);
        assert_eq!(d("year", "2017-01-01", "2000-12-31"), Ok(l(17)));
        assert_eq!(d("quarter", "2017-07-01", "2017-03-30"), Ok(l(2)));
        assert_eq!(d("month", "2017-01-01", "2015-12-30"), Ok(l(13)));
        assert_eq!(
            d("week", "2017-10-29 00:00", "2017-09-30 23:59"),
            Ok(Value::Real(5.0))
        );
        assert_eq!(d("day", "2017-10-29 00:00", "2017-09-30 23:59"), Ok(l(29)));
        assert_eq!(d("hour", "2017-10-31 01:00", "2017-10-30 23:59"), Ok(l(2)));
        assert_eq!(
            d("minute", "2017-10-30 23:05:01", "2017-10-30 23:00:59"),
            Ok(l(5))
        );
        assert_eq!(
            d(
                "second",
                "2017-10-30 23:00:10.100",
                "2017-10-30 23:00:00.900"
            ),
            Ok(l(10))
        );
        assert_eq!(
            d(
                "millisecond",
                "2017-10-30 23:00:00.200100",
                "2017-10-30 23:00:00.100900"
            ),
            Ok(l(100))
        );
        assert_eq!(
            d(
                "microsecond",
                "2017-10-30 23:00:00.1009001",
                "2017-10-30 23:00:00.1008009"
            ),
            Ok(l(100))
        );
        assert_eq!(
            d(
                "nanosecond",
                "2017-10-30 23:00:00.0000000",
                "2017-10-30 23:00:00.0000007"
            ),
            Ok(l(-700))
        );
    }

    #[test]
    fn datetime_part_values() {
        // datetime-part-function-00
        let t = dt("2017-10-30 01:02:03.7654321");
        let p = |name: &str| call_const("datetime_part", &[s(name), t.clone()]);
        assert_eq!(p("year"), Ok(l(2017)));
        assert_eq!(p("quarter"), Ok(l(4)));
        assert_eq!(p("month"), Ok(l(10)));
        assert_eq!(p("week_of_year"), Ok(l(44)));
        assert_eq!(p("day"), Ok(l(30)));
        assert_eq!(p("dayOfYear"), Ok(l(303)));
        assert_eq!(p("hour"), Ok(l(1)));
        assert_eq!(p("minute"), Ok(l(2)));
        assert_eq!(p("second"), Ok(l(3)));
        assert_eq!(p("millisecond"), Ok(l(765)));
        assert_eq!(p("microsecond"), Ok(l(765432)));
        assert_eq!(p("nanosecond"), Ok(l(765432100)));
    }

    #[test]
    fn start_and_end_of_periods() {
        let t = dt("2017-01-01 10:10:17");
        let f = |name: &str, off: i64| call_const(name, &[t.clone(), l(off)]);
        // startofday-function-00
        assert_eq!(f("startofday", -1), Ok(dt("2016-12-31")));
        assert_eq!(f("startofday", 1), Ok(dt("2017-01-02")));
        // startofweek-function-00
        assert_eq!(f("startofweek", -1), Ok(dt("2016-12-25")));
        assert_eq!(f("startofweek", 0), Ok(dt("2017-01-01")));
        assert_eq!(f("startofweek", 1), Ok(dt("2017-01-08")));
        // startofmonth-function-00, startofyear-function-00
        assert_eq!(f("startofmonth", -1), Ok(dt("2016-12-01")));
        assert_eq!(f("startofmonth", 1), Ok(dt("2017-02-01")));
        assert_eq!(f("startofyear", -1), Ok(dt("2016-01-01")));
        assert_eq!(f("startofyear", 1), Ok(dt("2018-01-01")));
        // endofday-function-00 .. endofyear-function-00
        assert_eq!(f("endofday", -1), Ok(dt("2016-12-31 23:59:59.9999999")));
        assert_eq!(f("endofday", 1), Ok(dt("2017-01-02 23:59:59.9999999")));
        assert_eq!(f("endofweek", -1), Ok(dt("2016-12-31 23:59:59.9999999")));
        assert_eq!(f("endofweek", 1), Ok(dt("2017-01-14 23:59:59.9999999")));
        assert_eq!(f("endofmonth", 0), Ok(dt("2017-01-31 23:59:59.9999999")));
        assert_eq!(f("endofmonth", 1), Ok(dt("2017-02-28 23:59:59.9999999")));
        assert_eq!(f("endofyear", 1), Ok(dt("2018-12-31 23:59:59.9999999")));
        assert_eq!(call_const("startofday", &[t]), Ok(dt("2017-01-01")));
        // startofweek-function-01: 2025-06-14 (a Saturday) starts the week of 2025-06-08
        assert_eq!(
            call_const("startofweek", &[dt("2025-06-14")]),
            Ok(dt("2025-06-08"))
        );
    }

    #[test]
    fn calendar_parts() {
        // day-of-week-function-00..02
        assert_eq!(
            call_const("dayofweek", &[dt("1947-11-30 10:00:05")]),
            Ok(Value::TimeSpan(0))
        );
        assert_eq!(
            call_const("dayofweek", &[dt("1970-05-11")]),
            Ok(Value::TimeSpan(TICKS_PER_DAY))
        );
        assert_eq!(
            call_const("dayofweek", &[dt("1970-05-12")]),
            Ok(Value::TimeSpan(2 * TICKS_PER_DAY))
        );
        // getyear-function-00, hour-of-day-function-00, monthofyear-function-00
        assert_eq!(call_const("getyear", &[dt("2015-10-12")]), Ok(l(2015)));
        assert_eq!(
            call_const("hourofday", &[dt("2015-12-14 18:54")]),
            Ok(l(18))
        );
        assert_eq!(call_const("monthofyear", &[dt("2015-12-14")]), Ok(l(12)));
        assert_eq!(call_const("getmonth", &[dt("2015-12-14")]), Ok(l(12)));
        assert_eq!(call_const("dayofmonth", &[dt("2015-12-14")]), Ok(l(14)));
        assert_eq!(call_const("dayofyear", &[dt("2015-02-01")]), Ok(l(32)));
        // week-of-year-function.md
        assert_eq!(call_const("week_of_year", &[dt("2020-12-31")]), Ok(l(53)));
        assert_eq!(call_const("week_of_year", &[dt("2020-06-15")]), Ok(l(25)));
        assert_eq!(call_const("week_of_year", &[dt("1970-01-01")]), Ok(l(1)));
        assert_eq!(call_const("weekofyear", &[dt("2000-01-01")]), Ok(l(52)));
        assert_eq!(call_const("getyear", &[Value::Null]), Ok(Value::Null));
    }

    #[test]
    fn format_datetime_specifiers() {
        // format-datetime-function-00..02
        let t = dt("2017-01-29 09:00:05");
        let f = |fmt: &str| call_const("format_datetime", &[t.clone(), s(fmt)]);
        assert_eq!(f("yy-MM-dd [HH:mm:ss]"), Ok(s("17-01-29 [09:00:05]")));
        assert_eq!(f("yyyy-M-dd [H:mm:ss]"), Ok(s("2017-1-29 [9:00:05]")));
        assert_eq!(f("yy-MM-dd [hh:mm:ss tt]"), Ok(s("17-01-29 [09:00:05 AM]")));
        // format-datetime-function.md element table
        let u = dt("2009-06-15 13:45:30.6175425");
        let g = |fmt: &str| call_const("format_datetime", &[u.clone(), s(fmt)]);
        assert_eq!(g("h"), Ok(s("1")));
        assert_eq!(g("fffffff"), Ok(s("6175425")));
        assert_eq!(g("FFF"), Ok(s("617")));
        assert_eq!(g("tt"), Ok(s("PM")));
        assert_eq!(g("d.M.y"), Ok(s("15.6.9")));
        let v = dt("2009-06-15 13:45:30.0500000");
        assert_eq!(call_const("format_datetime", &[v, s("F|ff")]), Ok(s("|05")));
        assert!(call_const("format_datetime", &[t, s("dddd")]).is_err());
    }

    #[test]
    fn format_timespan_specifiers() {
        // format-timespan-function-00
        let t = ts("29.09:00:05.12345");
        assert_eq!(
            call_const("format_timespan", &[t.clone(), s("dd.hh:mm:ss:FF")]),
            Ok(s("29.09:00:05:12"))
        );
        assert_eq!(
            call_const("format_timespan", &[t, s("ddd.h:mm:ss [fffffff]")]),
            Ok(s("029.9:00:05 [1234500]"))
        );
    }

    #[test]
    fn construction() {
        // make-datetime-function-00..02
        let m = |args: &[Value]| call_const("make_datetime", args);
        assert_eq!(m(&[l(2017), l(10), l(1)]), Ok(dt("2017-10-01")));
        assert_eq!(
            m(&[l(2017), l(10), l(1), l(12), l(10)]),
            Ok(dt("2017-10-01 12:10"))
        );
        assert_eq!(
            m(&[l(2017), l(10), l(1), l(12), l(11), Value::Real(0.1234567)]),
            Ok(dt("2017-10-01 12:11:00.1234567"))
        );
        assert_eq!(m(&[l(2017), l(13), l(1)]), Ok(Value::Null));
        // make-timespan-function-00
        let r = call_const("make_timespan", &[l(1), l(12), l(30), Value::Real(55.123)]);
        assert_eq!(r, Ok(ts("1.12:30:55.123")));
        assert_eq!(
            call_const("make_timespan", &[l(2), l(30)]),
            Ok(ts("02:30:00"))
        );
        // unixtime-*-todatetime-function-00
        let want = dt("2019-01-01");
        assert_eq!(
            call_const("unixtime_seconds_todatetime", &[l(1546300800)]),
            Ok(want.clone())
        );
        assert_eq!(
            call_const("unixtime_milliseconds_todatetime", &[l(1546300800000)]),
            Ok(want.clone())
        );
        assert_eq!(
            call_const("unixtime_microseconds_todatetime", &[l(1546300800000000)]),
            Ok(want.clone())
        );
        assert_eq!(
            call_const("unixtime_nanoseconds_todatetime", &[l(1546300800000000000)]),
            Ok(want)
        );
        assert_eq!(
            call_const("unixtime_seconds_todatetime", &[Value::Real(1.5)]),
            Ok(dt("1970-01-01 00:00:01.5"))
        );
    }

    #[test]
    fn fixed_time_zones() {
        let t = dt("2020-02-02 20:02:20");
        assert_eq!(
            call_const("datetime_utc_to_local", &[t.clone(), s("UTC")]),
            Ok(t.clone())
        );
        assert_eq!(
            call_const("datetime_utc_to_local", &[t.clone(), s("Etc/GMT+8")]),
            Ok(dt("2020-02-02 12:02:20"))
        );
        assert_eq!(
            call_const("datetime_local_to_utc", &[t.clone(), s("Etc/GMT+8")]),
            Ok(dt("2020-02-03 04:02:20"))
        );
        assert!(call_const("datetime_local_to_utc", &[t, s("US/Pacific")]).is_err());
    }

    #[test]
    fn bin_values() {
        // bin-function-00..02
        assert_eq!(
            call_const("bin", &[Value::Real(4.5), l(1)]),
            Ok(Value::Real(4.0))
        );
        assert_eq!(call_const("bin", &[ts("16d"), ts("7d")]), Ok(ts("14d")));
        assert_eq!(
            call_const("bin", &[dt("1970-05-11 13:45:07"), ts("1d")]),
            Ok(dt("1970-05-11"))
        );
        // integers stay integers; floor is bin
        assert_eq!(call_const("bin", &[l(-1), l(5)]), Ok(l(-5)));
        assert_eq!(call_const("floor", &[l(17), l(5)]), Ok(l(15)));
        // KQL_SEMANTICS §7.2: a negative or zero size, or a null, gives null
        assert_eq!(call_const("bin", &[l(17), l(-5)]), Ok(Value::Null));
        let r = call_with(
            "bin",
            &[
                ArgInfo::constant(Value::Null, ScalarType::Long),
                ArgInfo::constant(l(5), ScalarType::Long),
            ],
        );
        assert_eq!(r, Ok((ScalarType::Long, Value::Null)));
        // datetime bins count from 0001-01-01: 7-day bins start on Mondays
        assert_eq!(
            call_const("bin", &[dt("2024-05-01 10:00"), ts("7d")]),
            Ok(dt("2024-04-29"))
        );
        assert!(call_const("bin", &[s("x"), l(1)]).is_err());
    }

    #[test]
    fn bin_at_values() {
        // bin-at-function-00..04
        assert_eq!(
            call_const("bin_at", &[Value::Real(6.5), Value::Real(2.5), l(7)]),
            Ok(Value::Real(4.5))
        );
        assert_eq!(
            call_const("bin_at", &[ts("1h"), ts("1d"), ts("12h")]),
            Ok(Value::TimeSpan(-12 * TICKS_PER_HOUR))
        );
        let r = call_const(
            "bin_at",
            &[
                dt("2017-05-15 10:20:00"),
                ts("1d"),
                dt("1970-01-01 12:00:00"),
            ],
        );
        assert_eq!(r, Ok(dt("2017-05-14 12:00:00")));
        let r = call_const(
            "bin_at",
            &[
                dt("2017-05-17 10:20:00"),
                ts("7d"),
                dt("2017-06-04 00:00:00"),
            ],
        );
        assert_eq!(r, Ok(dt("2017-05-14")));
        let r = call_const(
            "bin_at",
            &[dt("2018-02-23T16:14"), ts("1d"), dt("2018-02-24 15:14:00")],
        );
        assert_eq!(r, Ok(dt("2018-02-23 15:14")));
    }
}
