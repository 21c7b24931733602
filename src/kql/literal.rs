//! Decoding of KQL literal text: datetimes and timespans to 100 ns ticks, typed literals (`long(5)`,
//! `real(+inf)`, `guid(...)`, ...).
//!
//! Datetimes count ticks since the Unix epoch (UTC). The semantics follow `engine::value` (which will reuse
//! these functions); the kql module does not depend on the engine.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Timelike, Utc};

use super::ast::Literal;
use super::types::ScalarType;

pub const TICKS_PER_MICRO: i64 = 10;
pub const TICKS_PER_MILLI: i64 = 10_000;
pub const TICKS_PER_SECOND: i64 = 10_000_000;
pub const TICKS_PER_MINUTE: i64 = 60 * TICKS_PER_SECOND;
pub const TICKS_PER_HOUR: i64 = 60 * TICKS_PER_MINUTE;
pub const TICKS_PER_DAY: i64 = 24 * TICKS_PER_HOUR;

/// The suffixes of timespan literals with their tick multipliers ([P] TokenParser.cs). Nanosecond suffixes
/// have multiplier 0 and are handled apart (100 ns per tick).
pub const TIMESPAN_SUFFIXES: &[(&str, i64)] = &[
    ("days", TICKS_PER_DAY),
    ("day", TICKS_PER_DAY),
    ("d", TICKS_PER_DAY),
    ("hours", TICKS_PER_HOUR),
    ("hour", TICKS_PER_HOUR),
    ("hrs", TICKS_PER_HOUR),
    ("hr", TICKS_PER_HOUR),
    ("h", TICKS_PER_HOUR),
    ("minutes", TICKS_PER_MINUTE),
    ("minute", TICKS_PER_MINUTE),
    ("min", TICKS_PER_MINUTE),
    ("m", TICKS_PER_MINUTE),
    ("seconds", TICKS_PER_SECOND),
    ("second", TICKS_PER_SECOND),
    ("sec", TICKS_PER_SECOND),
    ("s", TICKS_PER_SECOND),
    ("milliseconds", TICKS_PER_MILLI),
    ("millisecond", TICKS_PER_MILLI),
    ("millisec", TICKS_PER_MILLI),
    ("millis", TICKS_PER_MILLI),
    ("milli", TICKS_PER_MILLI),
    ("ms", TICKS_PER_MILLI),
    ("microseconds", TICKS_PER_MICRO),
    ("microsecond", TICKS_PER_MICRO),
    ("microsec", TICKS_PER_MICRO),
    ("micros", TICKS_PER_MICRO),
    ("micro", TICKS_PER_MICRO),
    ("nanoseconds", 0),
    ("nanosecond", 0),
    ("nanosec", 0),
    ("nanos", 0),
    ("nano", 0),
    ("ticks", 1),
    ("tick", 1),
];

/// The multiplier of a timespan suffix, exactly as written (lexer literals are case-sensitive).
pub fn timespan_suffix(suffix: &str) -> Option<i64> {
    TIMESPAN_SUFFIXES
        .iter()
        .find(|(s, _)| *s == suffix)
        .map(|&(_, m)| m)
}

/// Ticks of `number` (digits with an optional fraction) times the unit `suffix`; `None` on overflow or a
/// malformed number. Nanoseconds round toward zero to whole ticks.
pub fn timespan_ticks(number: &str, suffix: &str) -> Option<i64> {
    let mult = timespan_suffix(suffix)?;
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if suffix.starts_with("nano") {
        let n: f64 = number.parse().ok()?;
        let t = (n / 100.0).trunc();
        return if t.is_finite() && t.abs() < 9.2e18 {
            Some(t as i64)
        } else {
            None
        };
    }
    if let Ok(i) = number.parse::<i64>() {
        return i.checked_mul(mult);
    }
    let f: f64 = number.parse().ok()?;
    let t = (f * mult as f64).round();
    if t.is_finite() && t.abs() < 9.2e18 {
        Some(t as i64)
    } else {
        None
    }
}

/// Parses the datetime forms KQL accepts in `datetime(...)`: ISO-8601 with `T` or a space, 0 to 7 fraction
/// digits, optional `Z` or offset; a date alone; RFC 822 / RFC 850 forms. Same semantics as
/// `engine::value::parse_datetime`.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let s = text.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(naive_to_ticks(&dt.naive_utc()));
    }
    let (body, offset_secs) = split_offset(s);
    let body = body.trim_end_matches('Z').trim_end_matches('z');
    let fmts = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H",
        "%Y/%m/%d %H:%M:%S%.f",
        "%Y/%m/%d %H:%M",
        "%Y%m%d %H:%M:%S%.f",
        // .NET invariant culture (month first), which Kusto's datetime() also accepts
        "%m/%d/%Y %H:%M:%S%.f",
        "%m/%d/%Y %H:%M",
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %I:%M %p",
        "%m-%d-%Y %H:%M:%S%.f",
        "%m-%d-%Y %H:%M",
    ];
    for f in fmts {
        if let Ok(dt) = NaiveDateTime::parse_from_str(body, f) {
            return Some(naive_to_ticks(&dt) - offset_secs * TICKS_PER_SECOND);
        }
    }
    for f in ["%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%m/%d/%Y", "%m-%d-%Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(body, f) {
            return Some(naive_to_ticks(&d.and_hms_opt(0, 0, 0)?) - offset_secs * TICKS_PER_SECOND);
        }
    }
    // RFC 822 / 2822: "Sat, 8 Nov 2014 15:05:02 GMT", RFC 850: "Saturday, 08-Nov-14 15:05:02 GMT"
    let s2 = s.replace("GMT", "+0000").replace("UTC", "+0000");
    if let Ok(dt) = DateTime::parse_from_rfc2822(&s2) {
        return Some(naive_to_ticks(&dt.naive_utc()));
    }
    for f in [
        "%A, %d-%b-%y %H:%M:%S %z",
        "%a, %d %b %Y %H:%M %z",
        "%d %b %Y %H:%M:%S %z",
        "%d %b %Y %H:%M %z",
    ] {
        if let Ok(dt) = DateTime::parse_from_str(&s2, f) {
            return Some(naive_to_ticks(&dt.naive_utc()));
        }
    }
    None
}

fn split_offset(s: &str) -> (&str, i64) {
    // trailing +hh:mm / -hh:mm / +hhmm after a time part
    let bytes = s.as_bytes();
    for cut in [6usize, 5] {
        if s.len() <= cut || s.len() <= 6 {
            continue;
        }
        let i = s.len() - cut;
        if !s.is_char_boundary(i) {
            continue;
        }
        let c = bytes[i];
        if (c == b'+' || c == b'-') && s[..i].contains(':') {
            let tail = &s[i + 1..];
            let digits: String = tail.chars().filter(|c| c.is_ascii_digit()).collect();
            if digits.len() == 4 && (tail.len() == 4 || tail.len() == 5) {
                let hh: i64 = digits[..2].parse().unwrap_or(0);
                let mm: i64 = digits[2..].parse().unwrap_or(0);
                let sign = if c == b'+' { 1 } else { -1 };
                return (&s[..i], sign * (hh * 3600 + mm * 60));
            }
        }
    }
    (s, 0)
}

pub fn naive_to_ticks(dt: &NaiveDateTime) -> i64 {
    let utc = dt.and_utc();
    utc.timestamp() * TICKS_PER_SECOND + (utc.timestamp_subsec_nanos() / 100) as i64
}

/// ISO-8601 UTC with the fraction trimmed: `2017-01-29T09:00:05Z`, `2014-05-25T08:20:03.1234567Z`.
/// Same output as `engine::value::format_datetime_iso`.
pub fn format_datetime_iso(ticks: i64) -> String {
    let secs = ticks.div_euclid(TICKS_PER_SECOND);
    let frac = ticks.rem_euclid(TICKS_PER_SECOND);
    let Some(dt) = DateTime::<Utc>::from_timestamp(secs, (frac * 100) as u32) else {
        return String::new();
    };
    let base = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        dt.year(),
        dt.month(),
        dt.day(),
        dt.hour(),
        dt.minute(),
        dt.second()
    );
    if frac == 0 {
        format!("{base}Z")
    } else {
        let f = format!("{frac:07}");
        format!("{base}.{}Z", f.trim_end_matches('0'))
    }
}

/// `[-][d.]hh:mm:ss[.fffffff]`, as Kusto prints timespans.
pub fn format_timespan(ticks: i64) -> String {
    let neg = ticks < 0;
    let t = ticks.unsigned_abs();
    let tps = TICKS_PER_SECOND as u64;
    let frac = t % tps;
    let secs = t / tps;
    let days = secs / 86_400;
    let h = (secs / 3600) % 24;
    let m = (secs / 60) % 60;
    let s = secs % 60;
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if days > 0 {
        out.push_str(&format!("{days}."));
    }
    out.push_str(&format!("{h:02}:{m:02}:{s:02}"));
    if frac > 0 {
        out.push_str(&format!(".{frac:07}"));
    }
    out
}

/// The text of `timespan(...)` / `time(...)`: a bare number (days: `timespan(2)`), a number and a unit with
/// optional space (`15 seconds`, `1.5h`, case-insensitive), or the clock form `[-][d.]hh:mm[:ss[.fffffff]]`.
/// `null` is handled by the caller.
pub fn parse_timespan_text(text: &str) -> Option<i64> {
    let s = text.trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r.trim_start()),
        None => (false, s.strip_prefix('+').map(str::trim_start).unwrap_or(s)),
    };
    if body.is_empty() {
        return None;
    }
    let num_end = body
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(body.len());
    let t = if num_end == body.len() {
        // bare number: days
        timespan_ticks(body, "d")?
    } else if num_end > 0 && !body[num_end..].contains(':') {
        let (num, rest) = body.split_at(num_end);
        let unit = rest.trim_start().to_ascii_lowercase();
        timespan_ticks(num, &unit)?
    } else {
        parse_timespan_clock(body)?
    };
    Some(if neg { -t } else { t })
}

/// `[d.]hh:mm[:ss[.fffffff]]` (no sign).
pub fn parse_timespan_clock(body: &str) -> Option<i64> {
    let parts: Vec<&str> = body.split(':').collect();
    if parts.len() < 2 || parts.len() > 3 {
        return None;
    }
    let digits = |s: &str| !s.is_empty() && s.len() <= 18 && s.chars().all(|c| c.is_ascii_digit());
    let (days, hours) = match parts[0].split_once('.') {
        Some((d, h)) if digits(d) && digits(h) => (d.parse::<i64>().ok()?, h.parse::<i64>().ok()?),
        Some(_) => return None,
        None if digits(parts[0]) => (0, parts[0].parse::<i64>().ok()?),
        None => return None,
    };
    if !digits(parts[1]) {
        return None;
    }
    let minutes: i64 = parts[1].parse().ok()?;
    let (secs, frac) = if parts.len() == 3 {
        match parts[2].split_once('.') {
            Some((s, f)) => {
                if !digits(s)
                    || f.is_empty()
                    || f.len() > 7
                    || !f.chars().all(|c| c.is_ascii_digit())
                {
                    return None;
                }
                (
                    s.parse::<i64>().ok()?,
                    format!("{f:0<7}").parse::<i64>().ok()?,
                )
            }
            None if digits(parts[2]) => (parts[2].parse::<i64>().ok()?, 0),
            None => return None,
        }
    } else {
        (0, 0)
    };
    if minutes >= 60 || secs >= 60 {
        return None;
    }
    days.checked_mul(TICKS_PER_DAY)?.checked_add(
        hours * TICKS_PER_HOUR + minutes * TICKS_PER_MINUTE + secs * TICKS_PER_SECOND + frac,
    )
}

/// An integer as written in KQL: decimal or `0x` hex, with an optional sign.
pub fn parse_integer(text: &str) -> Option<i64> {
    let s = text.trim();
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r.trim_start()),
        None => (false, s.strip_prefix('+').map(str::trim_start).unwrap_or(s)),
    };
    let v: i128 = if let Some(hex) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
        if hex.is_empty() || hex.len() > 16 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        // hex literals are the bit pattern of a long: 0xFFFFFFFFFFFFFFFF is -1
        u64::from_str_radix(hex, 16).ok()? as i64 as i128
    } else {
        if body.is_empty() || body.len() > 20 || !body.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        body.parse::<i128>().ok()?
    };
    let v = if neg { -v } else { v };
    i64::try_from(v).ok()
}

/// A real as written in KQL: a number with optional fraction and exponent and sign, `nan`, `inf`, `+inf`,
/// `-inf` (case-insensitive).
pub fn parse_real(text: &str) -> Option<f64> {
    let s = text.trim();
    let l = s.to_ascii_lowercase();
    match l.as_str() {
        "nan" | "+nan" | "-nan" => return Some(f64::NAN),
        "inf" | "+inf" | "infinity" | "+infinity" => return Some(f64::INFINITY),
        "-inf" | "-infinity" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    if let Some(i) = parse_integer(s)
        && !s.contains(['.', 'e', 'E'])
    {
        return Some(i as f64);
    }
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let ok = !body.is_empty()
        && body.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-'));
    if !ok {
        return None;
    }
    s.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A GUID `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (optionally in braces), lower-cased.
pub fn parse_guid(text: &str) -> Option<String> {
    let s = text.trim();
    let s = s
        .strip_prefix('{')
        .and_then(|r| r.strip_suffix('}'))
        .unwrap_or(s);
    let groups: Vec<&str> = s.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    if groups.len() != 5 {
        // 32 hex digits without dashes
        if s.len() == 32 && s.chars().all(|c| c.is_ascii_hexdigit()) {
            let l = s.to_ascii_lowercase();
            return Some(format!(
                "{}-{}-{}-{}-{}",
                &l[..8],
                &l[8..12],
                &l[12..16],
                &l[16..20],
                &l[20..]
            ));
        }
        return None;
    }
    for (g, n) in groups.iter().zip(lens) {
        if g.len() != n || !g.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
    }
    Some(s.to_ascii_lowercase())
}

/// The text of a `datetime(...)` literal: everything `parse_datetime` takes, plus two forms the engine accepts
/// only in literals ([E] endofweek-function-01, sliding-window-counts-plugin-00): comma-separated parts
/// `datetime(2025, 6, 14)` (year, month, day[, hour[, minute[, second]]]) and spaced dashes
/// `datetime(2017 - 08 - 01)`.
pub fn datetime_literal(text: &str) -> Option<i64> {
    if let Some(t) = parse_datetime(text) {
        return Some(t);
    }
    if text.contains(',') {
        let parts: Vec<&str> = text.split(',').map(str::trim).collect();
        if !(3..=6).contains(&parts.len())
            || !parts
                .iter()
                .all(|p| !p.is_empty() && p.len() <= 4 && p.chars().all(|c| c.is_ascii_digit()))
        {
            return None;
        }
        let n: Vec<u32> = parts.iter().filter_map(|p| p.parse().ok()).collect();
        let get = |i: usize| n.get(i).copied().unwrap_or(0);
        let date = NaiveDate::from_ymd_opt(get(0) as i32, get(1), get(2))?;
        let dt = date.and_hms_opt(get(3), get(4), get(5))?;
        return Some(naive_to_ticks(&dt));
    }
    if text.contains(" -") || text.contains("- ") {
        let squeezed: String = text.split('-').map(str::trim).collect::<Vec<_>>().join("-");
        if squeezed != text {
            return parse_datetime(&squeezed);
        }
    }
    None
}

/// A KQL string literal holding exactly `s` (double-quoted; quotes, backslashes and control characters
/// escaped).
pub fn quote_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `"x"` / `'x'` → `x` (Kusto accepts `datetime("2022-01-16")`); other text unchanged.
pub fn unquote(t: &str) -> &str {
    for q in ['"', '\''] {
        if t.len() >= 2 && t.starts_with(q) && t.ends_with(q) {
            return t[1..t.len() - 1].trim();
        }
    }
    t
}

/// A time of day without a date (`8:00:00 AM`, `17:00`): Kusto reads it as today, which a constant cannot be.
pub fn is_time_only(text: &str) -> bool {
    let t = unquote(text.trim());
    ["%H:%M:%S%.f", "%H:%M", "%I:%M:%S %p", "%I:%M %p"]
        .iter()
        .any(|f| chrono::NaiveTime::parse_from_str(t, f).is_ok())
}

/// Decodes the raw text inside a typed literal `name(text)`. `name` is the keyword as written
/// (`datetime`, `date`, `timespan`, `time`, `long`, `int64`, `int`, `int32`, `real`, `double`, `decimal`,
/// `bool`, `boolean`, `guid`, `uuid`, `uniqueid`). Returns `Err(kind)` with the literal kind's name when the
/// text is not valid.
pub fn decode_typed(name: &str, text: &str) -> Result<Literal, &'static str> {
    let t = unquote(text.trim());
    let is_null = t == "null";
    let ty = ScalarType::from_name(name).ok_or("typed")?;
    let lit = match ty {
        ScalarType::DateTime => Literal::DateTime(if is_null {
            None
        } else {
            Some(datetime_literal(t).ok_or("datetime")?)
        }),
        ScalarType::TimeSpan => Literal::TimeSpan(if is_null {
            None
        } else {
            Some(parse_timespan_text(t).ok_or("timespan")?)
        }),
        ScalarType::Long => Literal::Long(if is_null {
            None
        } else {
            Some(parse_integer(t).ok_or("long")?)
        }),
        ScalarType::Int => Literal::Int(if is_null {
            None
        } else {
            Some(
                parse_integer(t)
                    .and_then(|v| i32::try_from(v).ok())
                    .ok_or("int")?,
            )
        }),
        ScalarType::Real => Literal::Real(if is_null {
            None
        } else {
            Some(parse_real(t).ok_or("real")?)
        }),
        ScalarType::Decimal => Literal::Decimal(if is_null {
            None
        } else {
            Some(parse_real(t).filter(|f| f.is_finite()).ok_or("decimal")?)
        }),
        ScalarType::Bool => Literal::Bool(match t.to_ascii_lowercase().as_str() {
            "null" => None,
            "true" => Some(true),
            "false" => Some(false),
            _ => return Err("bool"),
        }),
        ScalarType::Guid => Literal::Guid(if is_null {
            None
        } else {
            Some(parse_guid(t).ok_or("guid")?)
        }),
        ScalarType::String | ScalarType::Dynamic => return Err("typed"),
    };
    Ok(lit)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Hand-checked tick values: 2015-12-31T23:59:59.9Z is 1451606399 s + 0.9 s after the epoch.
    #[test]
    fn datetimes_decode_to_ticks() {
        assert_eq!(
            parse_datetime("2015-12-31 23:59:59.9"),
            Some(14_516_063_999_000_000)
        );
        assert_eq!(
            parse_datetime("2014-05-25T08:20:03.123456Z"),
            Some(14_010_060_031_234_560)
        );
        assert_eq!(parse_datetime("1970-01-01"), Some(0));
        assert_eq!(
            parse_datetime("2024-05-01T10:00:00+02:00"),
            parse_datetime("2024-05-01T08:00:00Z")
        );
        assert_eq!(
            parse_datetime("1969-12-31T23:59:59Z"),
            Some(-TICKS_PER_SECOND)
        );
        assert_eq!(parse_datetime("2024-13-01"), None);
        assert_eq!(parse_datetime("yesterday"), None);
        // RFC 822
        assert_eq!(
            parse_datetime("Sat, 8 Nov 2014 15:05:02 GMT"),
            parse_datetime("2014-11-08 15:05:02")
        );
        // invariant-culture month-first forms
        assert_eq!(
            parse_datetime("01/16/2022 00:00:00"),
            parse_datetime("2022-01-16")
        );
        assert_eq!(parse_datetime("12-02-2022"), parse_datetime("2022-12-02"));
        assert_eq!(
            parse_datetime("01/16/2022 5:30:00 PM"),
            parse_datetime("2022-01-16 17:30:00")
        );
        assert_eq!(parse_datetime("8:00:00 AM"), None);
        assert!(is_time_only("\"8:00:00 AM\""));
        assert!(!is_time_only("2022-01-16"));
    }

    #[test]
    fn timespans_decode_to_ticks() {
        assert_eq!(parse_timespan_text("2"), Some(2 * TICKS_PER_DAY));
        assert_eq!(parse_timespan_text("15 seconds"), Some(150_000_000));
        assert_eq!(parse_timespan_text("0.12:34:56.7"), Some(452_967_000_000));
        assert_eq!(parse_timespan_text("1d"), Some(864_000_000_000));
        assert_eq!(parse_timespan_text("-1.5h"), Some(-54_000_000_000));
        assert_eq!(parse_timespan_text("00:30"), Some(30 * TICKS_PER_MINUTE));
        assert_eq!(parse_timespan_text("5w"), None);
        assert_eq!(parse_timespan_text("1:60:00"), None);
        assert_eq!(timespan_ticks("100", "ms"), Some(1_000_000));
        assert_eq!(timespan_ticks("250", "nanoseconds"), Some(2));
        assert_eq!(timespan_ticks("1", "tick"), Some(1));
        assert_eq!(timespan_ticks("99999999999999", "d"), None);
    }

    #[test]
    fn formats() {
        assert_eq!(
            format_datetime_iso(14_010_060_031_234_560),
            "2014-05-25T08:20:03.123456Z"
        );
        assert_eq!(format_datetime_iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_timespan(14 * TICKS_PER_DAY), "14.00:00:00");
        assert_eq!(format_timespan(-TICKS_PER_SECOND - 5), "-00:00:01.0000005");
    }

    #[test]
    fn typed_literals() {
        assert_eq!(decode_typed("long", " 5 "), Ok(Literal::Long(Some(5))));
        assert_eq!(decode_typed("long", "-0x10"), Ok(Literal::Long(Some(-16))));
        assert_eq!(decode_typed("int", "null"), Ok(Literal::Int(None)));
        assert_eq!(decode_typed("int", "3000000000"), Err("int"));
        assert_eq!(decode_typed("real", "1.5"), Ok(Literal::Real(Some(1.5))));
        assert_eq!(
            decode_typed("double", "-inf"),
            Ok(Literal::Real(Some(f64::NEG_INFINITY)))
        );
        assert_eq!(
            decode_typed("real", "+inf"),
            Ok(Literal::Real(Some(f64::INFINITY)))
        );
        assert!(matches!(decode_typed("real", "nan"), Ok(Literal::Real(Some(f))) if f.is_nan()));
        assert_eq!(decode_typed("real", "1e3"), Ok(Literal::Real(Some(1000.0))));
        assert_eq!(decode_typed("real", "abc"), Err("real"));
        assert_eq!(decode_typed("bool", "true"), Ok(Literal::Bool(Some(true))));
        assert_eq!(decode_typed("bool", "maybe"), Err("bool"));
        assert_eq!(
            decode_typed("decimal", "1.25"),
            Ok(Literal::Decimal(Some(1.25)))
        );
        assert_eq!(
            decode_typed("guid", "74BE27DE-1E4E-49D9-B579-FE0B331D3642"),
            Ok(Literal::Guid(Some(
                "74be27de-1e4e-49d9-b579-fe0b331d3642".into()
            )))
        );
        assert_eq!(decode_typed("guid", "74be27de-1e4e"), Err("guid"));
        assert_eq!(decode_typed("date", "null"), Ok(Literal::DateTime(None)));
        assert_eq!(
            decode_typed("datetime", "'2022-01-16'"),
            decode_typed("datetime", "2022-01-16")
        );
        // 2025-06-14 is 20253 days after the epoch; 2017-08-01 is 17379 days after it
        assert_eq!(
            decode_typed("datetime", "2025, 6, 14"),
            Ok(Literal::DateTime(Some(20_253 * TICKS_PER_DAY)))
        );
        assert_eq!(
            decode_typed("datetime", "2017 - 08 - 01"),
            Ok(Literal::DateTime(Some(17_379 * TICKS_PER_DAY)))
        );
        assert_eq!(decode_typed("datetime", "2025, 13, 14"), Err("datetime"));
        assert_eq!(
            decode_typed("time", "1d"),
            Ok(Literal::TimeSpan(Some(TICKS_PER_DAY)))
        );
        assert_eq!(decode_typed("datetime", "2015-13-45"), Err("datetime"));
    }
}
