//! Scalar values: constants, the row-wise evaluator of the function library, and output.
//!
//! Datetimes and timespans are 100 ns ticks, as in Kusto: a datetime counts ticks since the Unix epoch (UTC),
//! so the whole range 0001-01-01 .. 9999-12-31 fits an i64 at full precision.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::kql::ScalarType;

pub use crate::kql::literal::{
    TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MICRO, TICKS_PER_MILLI, TICKS_PER_MINUTE,
    TICKS_PER_SECOND,
};

/// A KQL scalar. `Null` is a typed null; the type lives with the column or expression.
/// A `String` is never null in KQL: a missing string is `String("")`.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Real(f64),
    String(String),
    /// Ticks since 1970-01-01T00:00:00Z.
    DateTime(i64),
    /// Ticks.
    TimeSpan(i64),
    Guid(String),
    /// A JSON value. `dynamic(null)` is `Value::Null`; JSON nulls inside arrays and bags stay here.
    Dynamic(serde_json::Value),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The natural type of a non-null value.
    pub fn scalar_type(&self) -> Option<ScalarType> {
        Some(match self {
            Value::Null => return None,
            Value::Bool(_) => ScalarType::Bool,
            Value::Int(_) => ScalarType::Int,
            Value::Long(_) => ScalarType::Long,
            Value::Real(_) => ScalarType::Real,
            Value::String(_) => ScalarType::String,
            Value::DateTime(_) => ScalarType::DateTime,
            Value::TimeSpan(_) => ScalarType::TimeSpan,
            Value::Guid(_) => ScalarType::Guid,
            Value::Dynamic(_) => ScalarType::Dynamic,
        })
    }

    /// The null of a type: `""` for strings (KQL strings are never null), `Null` otherwise.
    pub fn null_of(ty: ScalarType) -> Value {
        if ty == ScalarType::String {
            Value::String(String::new())
        } else {
            Value::Null
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(i) => Some(*i as f64),
            Value::Long(i) => Some(*i as f64),
            Value::Real(f) => Some(*f),
            Value::Bool(b) => Some(f64::from(u8::from(*b))),
            Value::Dynamic(serde_json::Value::Number(n)) => n.as_f64(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i as i64),
            Value::Long(i) => Some(*i),
            Value::Real(f) if f.is_finite() => Some(f.trunc() as i64),
            Value::Bool(b) => Some(i64::from(*b)),
            Value::DateTime(t) | Value::TimeSpan(t) => Some(*t),
            Value::Dynamic(serde_json::Value::Number(n)) => n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite())
                    .map(|f| f.trunc() as i64)
            }),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) | Value::Guid(s) => Some(s),
            Value::Dynamic(serde_json::Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// `tostring()`: the string form of any value; null gives `""`. Dynamic values serialise to JSON,
    /// a dynamic string gives its raw text.
    pub fn to_kql_string(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Bool(b) => if *b { "true" } else { "false" }.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Long(i) => i.to_string(),
            Value::Real(f) => format_real(*f),
            Value::String(s) | Value::Guid(s) => s.clone(),
            Value::DateTime(t) => format_datetime_iso(*t),
            Value::TimeSpan(t) => format_timespan(*t),
            Value::Dynamic(serde_json::Value::String(s)) => s.clone(),
            Value::Dynamic(v) => serde_json::to_string(v).unwrap_or_default(),
        }
    }

    /// The value as a JSON value, as `--format json` writes it (datetimes ISO-8601, timespans
    /// `[-][d.]hh:mm:ss[.fffffff]`, reals NaN/inf as strings).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Long(i) => J::from(*i),
            Value::Real(f) => {
                if f.is_finite() {
                    serde_json::Number::from_f64(*f)
                        .map(J::Number)
                        .unwrap_or(J::Null)
                } else {
                    J::String(format_real(*f))
                }
            }
            Value::String(s) | Value::Guid(s) => J::String(s.clone()),
            Value::DateTime(t) => J::String(format_datetime_iso(*t)),
            Value::TimeSpan(t) => J::String(format_timespan(*t)),
            Value::Dynamic(v) => v.clone(),
        }
    }

    /// The value inside a dynamic: how `pack_array`, `bag_pack`, `make_list` store a scalar.
    pub fn to_dynamic(&self) -> serde_json::Value {
        match self {
            Value::Dynamic(v) => v.clone(),
            other => other.to_json(),
        }
    }
}

/// Kusto prints reals with up to 17 significant digits, integers without a fraction, and `NaN`,
/// `Infinity`, `-Infinity`.
pub fn format_real(f: f64) -> String {
    if f.is_nan() {
        "NaN".into()
    } else if f.is_infinite() {
        if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else {
        let s = format!("{f}");
        s
    }
}

// One implementation of these, in the KQL front end (the lowest layer): datetime(...) literals, todatetime(),
// --now and the parse operator all read datetimes the same way.
pub use crate::kql::literal::{
    format_datetime_iso, format_timespan, naive_to_ticks, parse_datetime,
};

pub fn ticks_to_naive(ticks: i64) -> Option<NaiveDateTime> {
    let secs = ticks.div_euclid(TICKS_PER_SECOND);
    let nanos = (ticks.rem_euclid(TICKS_PER_SECOND) * 100) as u32;
    DateTime::<Utc>::from_timestamp(secs, nanos).map(|d| d.naive_utc())
}

/// Parses a timespan in the forms KQL accepts: literals (`5d`, `1.5h`, `30m`, `10s`, `100ms`,
/// `1microsecond`, `1tick`, every suffix of the language) and the clock form `[-][d.]hh:mm[:ss[.fffffff]]`.
pub fn parse_timespan(text: &str) -> Option<i64> {
    let s = text.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(t) = parse_timespan_literal(s) {
        return Some(t);
    }
    parse_timespan_clock(s)
}

/// The suffixes of timespan literals and their tick multipliers: one table, in the KQL front end.
pub use crate::kql::literal::TIMESPAN_SUFFIXES;

/// `5d`, `-1.5h`, `100ms`, `10nanoseconds` (nanoseconds round down to ticks).
pub fn parse_timespan_literal(s: &str) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let num_end = body.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    if num_end == 0 {
        return None;
    }
    let (num, suffix) = body.split_at(num_end);
    let suffix_l = suffix.to_ascii_lowercase();
    let &(_, mult) = TIMESPAN_SUFFIXES.iter().find(|(suf, _)| *suf == suffix_l)?;
    let ticks = if suffix_l.starts_with("nano") {
        let n: f64 = num.parse().ok()?;
        (n / 100.0).trunc() as i64
    } else if let Ok(i) = num.parse::<i64>() {
        i.checked_mul(mult)?
    } else {
        let f: f64 = num.parse().ok()?;
        (f * mult as f64).round() as i64
    };
    Some(if neg { -ticks } else { ticks })
}

/// `[-][d.]hh:mm[:ss[.fffffff]]`
pub fn parse_timespan_clock(s: &str) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s),
    };
    let parts: Vec<&str> = body.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let (days, hours) = match parts[0].split_once('.') {
        Some((d, h)) => (d.parse::<i64>().ok()?, h.parse::<i64>().ok()?),
        None => (0, parts[0].parse::<i64>().ok()?),
    };
    let minutes: i64 = parts[1].parse().ok()?;
    let (secs, frac) = if parts.len() == 3 {
        match parts[2].split_once('.') {
            Some((s, f)) => {
                if f.is_empty() || f.len() > 7 || !f.chars().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                (
                    s.parse::<i64>().ok()?,
                    format!("{f:0<7}").parse::<i64>().ok()?,
                )
            }
            None => (parts[2].parse::<i64>().ok()?, 0),
        }
    } else {
        (0, 0)
    };
    if minutes >= 60 || secs >= 60 {
        return None;
    }
    let t = days * TICKS_PER_DAY
        + hours * TICKS_PER_HOUR
        + minutes * TICKS_PER_MINUTE
        + secs * TICKS_PER_SECOND
        + frac;
    Some(if neg { -t } else { t })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timespan_formats_like_kusto() {
        assert_eq!(format_timespan(14 * TICKS_PER_DAY), "14.00:00:00");
        assert_eq!(format_timespan(90 * TICKS_PER_MINUTE), "01:30:00");
        assert_eq!(format_timespan(-TICKS_PER_SECOND - 5), "-00:00:01.0000005");
    }

    #[test]
    fn timespan_literals() {
        assert_eq!(parse_timespan("5d"), Some(5 * TICKS_PER_DAY));
        assert_eq!(parse_timespan("1.5h"), Some(90 * TICKS_PER_MINUTE));
        assert_eq!(parse_timespan("100ms"), Some(100 * TICKS_PER_MILLI));
        assert_eq!(parse_timespan("1tick"), Some(1));
        assert_eq!(
            parse_timespan("2.12:30:00"),
            Some(2 * TICKS_PER_DAY + 12 * TICKS_PER_HOUR + 30 * TICKS_PER_MINUTE)
        );
        assert_eq!(parse_timespan("5w"), None);
        assert_eq!(parse_timespan("abc"), None);
    }

    #[test]
    fn datetimes_round_trip_at_tick_precision() {
        let t = parse_datetime("2024-03-26T09:39:50.7688641Z").unwrap();
        assert_eq!(format_datetime_iso(t), "2024-03-26T09:39:50.7688641Z");
        let early = parse_datetime("1601-01-01").unwrap();
        assert_eq!(format_datetime_iso(early), "1601-01-01T00:00:00Z");
        let late = parse_datetime("9999-12-31 23:59:59").unwrap();
        assert_eq!(format_datetime_iso(late), "9999-12-31T23:59:59Z");
        assert_eq!(
            parse_datetime("2015-12-31 23:59:59.9"),
            parse_datetime("2015-12-31T23:59:59.900Z")
        );
        assert_eq!(
            parse_datetime("2024-05-01T10:00:00+02:00"),
            parse_datetime("2024-05-01T08:00:00Z")
        );
    }
}
