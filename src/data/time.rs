//! Datetimes and timespans as 100 ns ticks (see the module docs of [`crate::data`]): parsing the text forms
//! that exports use, and the ISO-8601 form the sample generator writes.
//!
//! Accepted datetime text: `yyyy-MM-dd`, optionally followed by `T`, `t` or a space and `HH:mm[:ss[.f…]]`
//! (0–9 fraction digits; digits below one tick are dropped), optionally followed by `Z`/`z` or an offset
//! `±HH:mm`, `±HHmm`, `±HH`. Text without a zone is UTC. Everything else is rejected (`None`), never guessed.

use chrono::{Datelike, NaiveDate, Timelike};

pub use crate::kql::literal::{
    TICKS_PER_DAY, TICKS_PER_HOUR, TICKS_PER_MICRO, TICKS_PER_MILLI, TICKS_PER_MINUTE,
    TICKS_PER_SECOND,
};

/// Days from 0001-01-01 (CE day 1) to 1970-01-01.
const UNIX_EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// A small cursor over ASCII text.
struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    /// Exactly `n` ASCII digits.
    fn digits(&mut self, n: usize) -> Option<i64> {
        let mut v = 0i64;
        for _ in 0..n {
            let c = self.peek()?;
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + i64::from(c - b'0');
            self.i += 1;
        }
        Some(v)
    }
    /// One or more digits, at most `max`; returns (value, count).
    fn digits_upto(&mut self, max: usize) -> Option<(i64, usize)> {
        let mut v = 0i64;
        let mut n = 0;
        while n < max {
            match self.peek() {
                Some(c) if c.is_ascii_digit() => {
                    v = v * 10 + i64::from(c - b'0');
                    self.i += 1;
                    n += 1;
                }
                _ => break,
            }
        }
        if n == 0 { None } else { Some((v, n)) }
    }
    fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

/// Ticks since the Unix epoch of a calendar date and time of day (UTC).
pub fn ticks_from_parts(
    year: i32,
    month: u32,
    day: u32,
    h: u32,
    m: u32,
    s: u32,
    frac_ticks: i64,
) -> Option<i64> {
    if h > 23 || m > 59 || s > 59 || !(0..TICKS_PER_SECOND).contains(&frac_ticks) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let days = i64::from(date.num_days_from_ce()) - UNIX_EPOCH_DAYS_FROM_CE;
    Some(
        days * TICKS_PER_DAY
            + i64::from(h) * TICKS_PER_HOUR
            + i64::from(m) * TICKS_PER_MINUTE
            + i64::from(s) * TICKS_PER_SECOND
            + frac_ticks,
    )
}

/// Parses an ISO-8601 datetime (see the module docs) into ticks since the Unix epoch, UTC.
pub fn parse_datetime(text: &str) -> Option<i64> {
    let (local, offset) = parse_iso(text)?;
    Some(local - offset.unwrap_or(0) * TICKS_PER_MINUTE)
}

/// An ISO-8601 datetime as (wall-clock ticks, the offset in minutes east of UTC if the text gives one).
fn parse_iso(text: &str) -> Option<(i64, Option<i64>)> {
    let t = text.trim();
    let mut c = Cursor {
        b: t.as_bytes(),
        i: 0,
    };
    let year = c.digits(4)?;
    if !c.eat(b'-') {
        return None;
    }
    let month = c.digits(2)?;
    if !c.eat(b'-') {
        return None;
    }
    let day = c.digits(2)?;
    if year < 1 {
        return None;
    }
    let (mut h, mut mi, mut s, mut frac) = (0, 0, 0, 0i64);
    let mut offset_minutes = None;
    if !c.done() {
        if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
            return None;
        }
        h = c.digits(2)?;
        if !c.eat(b':') {
            return None;
        }
        mi = c.digits(2)?;
        if c.eat(b':') {
            s = c.digits(2)?;
            if c.eat(b'.') {
                let (v, n) = c.digits_upto(9)?;
                frac = if n <= 7 {
                    v * 10i64.pow((7 - n) as u32)
                } else {
                    v / 10i64.pow((n - 7) as u32)
                };
            }
        }
        if !c.done() {
            if c.eat(b'Z') || c.eat(b'z') {
                offset_minutes = Some(0);
            } else {
                let sign = if c.eat(b'+') {
                    1
                } else if c.eat(b'-') {
                    -1
                } else {
                    return None;
                };
                let oh = c.digits(2)?;
                let om = if c.eat(b':') {
                    c.digits(2)?
                } else {
                    c.digits(2).unwrap_or(0)
                };
                if oh > 23 || om > 59 {
                    return None;
                }
                offset_minutes = Some(sign * (oh * 60 + om));
            }
            if !c.done() {
                return None;
            }
        }
    }
    let local = ticks_from_parts(
        i32::try_from(year).ok()?,
        u32::try_from(month).ok()?,
        u32::try_from(day).ok()?,
        u32::try_from(h).ok()?,
        u32::try_from(mi).ok()?,
        u32::try_from(s).ok()?,
        frac,
    )?;
    Some((local, offset_minutes))
}

/// The day/month order of numeric locale dates (`5/1/2024`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateOrder {
    /// Month first (en-US: `5/1/2024` is May 1).
    Mdy,
    /// Day first (en-GB and most locales: `13/03/2024` is 13 March).
    Dmy,
}

impl DateOrder {
    pub fn parse(s: &str) -> Result<DateOrder, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mdy" => Ok(DateOrder::Mdy),
            "dmy" => Ok(DateOrder::Dmy),
            other => Err(format!("date order `{other}`: expected mdy or dmy")),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            DateOrder::Mdy => "mdy",
            DateOrder::Dmy => "dmy",
        }
    }
}

/// The zone of datetimes written without one: a fixed offset, or a named IANA zone whose offset follows
/// daylight saving time (`Europe/Berlin` is +01:00 in winter and +02:00 in summer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Zone {
    /// Minutes east of UTC (`+02:00` is 120).
    Fixed(i32),
    /// An IANA time zone.
    Named(chrono_tz::Tz),
}

impl Default for Zone {
    fn default() -> Zone {
        Zone::Fixed(0)
    }
}

impl Zone {
    pub const UTC: Zone = Zone::Fixed(0);

    /// The UTC ticks of a wall-clock time in this zone. In a named zone, a wall-clock time that occurs twice
    /// (the hour repeated when daylight saving time ends) is read as the first of the two, and one that never
    /// occurs (the hour skipped when it starts) is rejected (`None`): the export cannot have written it.
    pub fn to_utc(self, local_ticks: i64) -> Option<i64> {
        match self {
            Zone::Fixed(m) => local_ticks.checked_sub(i64::from(m) * TICKS_PER_MINUTE),
            Zone::Named(tz) => {
                use chrono::{LocalResult, Offset, TimeZone};
                let secs = local_ticks.div_euclid(TICKS_PER_SECOND);
                let naive = chrono::DateTime::from_timestamp(secs, 0)?.naive_utc();
                // `Ambiguous` holds the earliest instant first.
                let offset = match tz.offset_from_local_datetime(&naive) {
                    LocalResult::Single(o) | LocalResult::Ambiguous(o, _) => o,
                    LocalResult::None => return None,
                };
                let east = i64::from(offset.fix().local_minus_utc());
                local_ticks.checked_sub(east * TICKS_PER_SECOND)
            }
        }
    }

    /// How the zone is written back: `UTC`, `+02:00`, `Europe/Berlin`.
    pub fn name(self) -> String {
        match self {
            Zone::Fixed(m) => format_offset(m),
            Zone::Named(tz) => tz.name().to_string(),
        }
    }
}

/// How to read datetime text that carries no zone (locale forms, zone-less ISO) and numeric locale dates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TimeOptions {
    /// The zone of zone-less values. Text with `Z` or an offset is read as written.
    pub zone: Zone,
    /// The order of numeric locale dates; `None` accepts either (month first when both read), which is
    /// only right for validating and for inference, before a file's order is decided.
    pub order: Option<DateOrder>,
}

/// Parses a time zone option: `UTC`, `Z`, `GMT`, a fixed offset `±HH[:mm]`, `±HHmm`, optionally after
/// `UTC`/`GMT` (`UTC+02:00`), or an IANA zone name (`Europe/Berlin`, `America/New_York`; case-insensitive),
/// whose offset follows daylight saving time.
pub fn parse_zone(s: &str) -> Result<Zone, String> {
    let t = s.trim();
    match parse_tz(t) {
        Ok(m) => Ok(Zone::Fixed(m)),
        Err(fixed_err) => {
            if t.contains('/') || t.chars().all(|c| c.is_ascii_alphabetic() || c == '_') {
                if let Some(tz) = chrono_tz::TZ_VARIANTS
                    .iter()
                    .find(|z| z.name().eq_ignore_ascii_case(t))
                {
                    return Ok(Zone::Named(*tz));
                }
                return Err(format!(
                    "time zone `{t}`: not a known IANA zone name (e.g. Europe/Berlin, America/New_York) nor UTC or a fixed offset such as +02:00"
                ));
            }
            Err(fixed_err)
        }
    }
}

/// Parses a fixed time zone: `UTC`, `Z`, `GMT`, or a fixed offset `±HH[:mm]`, `±HHmm`, optionally after
/// `UTC`/`GMT` (`UTC+02:00`). Returns minutes east of UTC. Named zones are read by [`parse_zone`].
pub fn parse_tz(s: &str) -> Result<i32, String> {
    let t = s.trim();
    let upper = t.to_ascii_uppercase();
    if matches!(upper.as_str(), "UTC" | "Z" | "GMT") {
        return Ok(0);
    }
    let rest = upper
        .strip_prefix("UTC")
        .or_else(|| upper.strip_prefix("GMT"))
        .unwrap_or(&upper);
    let err = || {
        format!(
            "time zone `{t}`: expected UTC, a fixed offset such as +02:00 or -0530, or a zone name such as Europe/Berlin"
        )
    };
    let (sign, body) = if let Some(b) = rest.strip_prefix('+') {
        (1, b)
    } else if let Some(b) = rest.strip_prefix('-') {
        (-1, b)
    } else {
        return Err(err());
    };
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h, m),
        None if body.len() > 2 => body.split_at(body.len() - 2),
        None => (body, "0"),
    };
    if h.is_empty() || h.len() > 2 || m.is_empty() || m.len() > 2 {
        return Err(err());
    }
    let h: i32 = h.parse().map_err(|_| err())?;
    let m: i32 = m.parse().map_err(|_| err())?;
    if h > 14 || m > 59 {
        return Err(err());
    }
    Ok(sign * (h * 60 + m))
}

/// Formats minutes east of UTC as `UTC`, `+02:00`, `-05:30`.
pub fn format_offset(minutes: i32) -> String {
    if minutes == 0 {
        return "UTC".into();
    }
    let sign = if minutes < 0 { '-' } else { '+' };
    let a = minutes.unsigned_abs();
    format!("{sign}{:02}:{:02}", a / 60, a % 60)
}

/// Parses datetime text as exports write it: ISO-8601 (see the module docs), or a locale form of the
/// Defender and Sentinel portals — `M/d/yyyy, h:mm:ss[.fff] AM|PM`, `d/M/yyyy, h:mm:ss[.fff] am|pm`,
/// `MM/dd/yyyy HH:mm:ss[.fff]`, `MMM d, yyyy h:mm:ss[.fff] AM|PM`, `MMM d, yyyy HH:mm:ss[.fff]`,
/// `dd.MM.yyyy HH:mm:ss` (the comma after the date is optional, seconds too). Text without a zone is read in
/// `opts.zone`; numeric dates with `/` in `opts.order`.
pub fn parse_datetime_with(text: &str, opts: TimeOptions) -> Option<i64> {
    if let Some((local, offset)) = parse_iso(text) {
        return match offset {
            Some(o) => Some(local - o * TICKS_PER_MINUTE),
            None => opts.zone.to_utc(local),
        };
    }
    let local = match opts.order {
        Some(order) => parse_locale(text, order)?,
        None => {
            parse_locale(text, DateOrder::Mdy).or_else(|| parse_locale(text, DateOrder::Dmy))?
        }
    };
    opts.zone.to_utc(local)
}

/// The two leading fields of a numeric `a/b/yyyy` locale datetime that reads in at least one order, for
/// deciding a file's date order.
pub fn numeric_date_fields(text: &str) -> Option<(u32, u32)> {
    let t = text.trim();
    let mut parts = t.splitn(3, '/');
    let a: u32 = parts.next()?.parse().ok()?;
    let b: u32 = parts.next()?.parse().ok()?;
    parts.next()?;
    let ok = parse_locale(t, DateOrder::Mdy).is_some() || parse_locale(t, DateOrder::Dmy).is_some();
    ok.then_some((a, b))
}

/// What a file's numeric dates say about their order.
#[derive(Clone, Debug, Default)]
pub struct DateOrderEvidence {
    /// The first value whose first field is above 12 (so it is day first), and its line.
    pub day_first: Option<(usize, String)>,
    /// The first value whose second field is above 12 (so it is month first), and its line.
    pub month_first: Option<(usize, String)>,
    /// Values that read either way (first and second field differ, both at most 12).
    pub ambiguous: usize,
    /// The first such value and its line.
    pub ambiguous_sample: Option<(usize, String)>,
}

impl DateOrderEvidence {
    pub fn see(&mut self, line: usize, text: &str) {
        let Some((a, b)) = numeric_date_fields(text) else {
            return;
        };
        if a > 12 && b <= 12 {
            self.day_first
                .get_or_insert_with(|| (line, text.to_string()));
        } else if b > 12 && a <= 12 {
            self.month_first
                .get_or_insert_with(|| (line, text.to_string()));
        } else if a != b {
            self.ambiguous += 1;
            self.ambiguous_sample
                .get_or_insert_with(|| (line, text.to_string()));
        }
    }

    pub fn merge(&mut self, other: DateOrderEvidence) {
        if self.day_first.is_none() {
            self.day_first = other.day_first;
        }
        if self.month_first.is_none() {
            self.month_first = other.month_first;
        }
        self.ambiguous += other.ambiguous;
        if self.ambiguous_sample.is_none() {
            self.ambiguous_sample = other.ambiguous_sample;
        }
    }

    /// The order the values prove, if they prove exactly one.
    pub fn proven(&self) -> Option<DateOrder> {
        match (&self.day_first, &self.month_first) {
            (Some(_), None) => Some(DateOrder::Dmy),
            (None, Some(_)) => Some(DateOrder::Mdy),
            _ => None,
        }
    }

    /// Whether any numeric date was seen.
    pub fn any(&self) -> bool {
        self.day_first.is_some() || self.month_first.is_some() || self.ambiguous > 0
    }
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn month_from_name(name: &str) -> Option<u32> {
    let n = name.to_ascii_lowercase();
    let n = n.strip_suffix('.').unwrap_or(&n);
    if n.len() < 3 {
        return None;
    }
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    (0..12)
        .find(|&i| n == MONTHS[i] || n == full[i] || (n == "sept" && i == 8))
        .map(|i| i as u32 + 1)
}

/// A locale datetime (see [`parse_datetime_with`]) as wall-clock ticks.
fn parse_locale(text: &str, order: DateOrder) -> Option<i64> {
    let t = text.trim();
    let (year, month, day, rest) = if t.starts_with(|c: char| c.is_ascii_alphabetic()) {
        // MMM d, yyyy ...
        let (mon, rest) = t.split_once(' ')?;
        let month = month_from_name(mon)?;
        let rest = rest.trim_start();
        let (d, rest) = rest.split_once(',')?;
        let day: u32 = parse_digits(d.trim(), 1, 2)?;
        let rest = rest.trim_start();
        let (y, rest) = rest.split_at_checked(4)?;
        (parse_digits(y, 4, 4)? as i32, month, day, rest)
    } else {
        let sep = if t.contains('/') { '/' } else { '.' };
        let mut it = t.splitn(3, sep);
        let a: u32 = parse_digits(it.next()?, 1, 2)?;
        let b: u32 = parse_digits(it.next()?, 1, 2)?;
        let tail = it.next()?;
        let (y, rest) = tail.split_at_checked(4)?;
        let year = parse_digits(y, 4, 4)? as i32;
        let (month, day) = match (sep, order) {
            ('.', _) | (_, DateOrder::Dmy) => (b, a),
            (_, DateOrder::Mdy) => (a, b),
        };
        (year, month, day, rest)
    };
    let rest = rest.strip_prefix(',').unwrap_or(rest);
    let (h, mi, s, frac) = if rest.trim().is_empty() {
        (0, 0, 0, 0)
    } else {
        if !rest.starts_with(' ') {
            return None;
        }
        parse_clock(rest.trim())?
    };
    ticks_from_parts(year, month, day, h, mi, s, frac)
}

fn parse_digits(s: &str, min: usize, max: usize) -> Option<u32> {
    if s.len() < min || s.len() > max || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// `h:mm[:ss[.f…]]` with an optional `AM`/`PM` (any case, `a.m.`/`p.m.` too).
fn parse_clock(t: &str) -> Option<(u32, u32, u32, i64)> {
    let (clock, meridiem) = match t.split_once(' ') {
        Some((c, m)) => (c, Some(m.trim().to_ascii_lowercase().replace('.', ""))),
        None => (t, None),
    };
    let mut parts = clock.splitn(3, ':');
    let h = parse_digits(parts.next()?, 1, 2)?;
    let m = parse_digits(parts.next()?, 2, 2)?;
    let (s, frac) = match parts.next() {
        None => (0, 0),
        Some(sec) => {
            let (s, f) = match sec.split_once('.') {
                Some((s, f)) => (s, Some(f)),
                None => (sec, None),
            };
            let s = parse_digits(s, 2, 2)?;
            let frac = match f {
                None => 0,
                Some(f) => {
                    let n = f.len();
                    let v = i64::from(parse_digits(f, 1, 7)?);
                    v * 10i64.pow((7 - n) as u32)
                }
            };
            (s, frac)
        }
    };
    let h = match meridiem.as_deref() {
        None => h,
        Some("am") if (1..=12).contains(&h) => h % 12,
        Some("pm") if (1..=12).contains(&h) => h % 12 + 12,
        _ => return None,
    };
    Some((h, m, s, frac))
}

/// Formats ticks since the Unix epoch as `yyyy-MM-ddTHH:mm:ss.fffffffZ` (always 7 fraction digits, as the
/// Defender portal and APIs write them). `None` outside years 0001..9999.
pub fn format_datetime_iso(ticks: i64) -> Option<String> {
    let days = ticks.div_euclid(TICKS_PER_DAY);
    let rem = ticks.rem_euclid(TICKS_PER_DAY);
    let date =
        NaiveDate::from_num_days_from_ce_opt(i32::try_from(days + UNIX_EPOCH_DAYS_FROM_CE).ok()?)?;
    if !(1..=9999).contains(&date.year()) {
        return None;
    }
    let secs = rem / TICKS_PER_SECOND;
    let frac = rem % TICKS_PER_SECOND;
    let time = chrono::NaiveTime::from_num_seconds_from_midnight_opt(u32::try_from(secs).ok()?, 0)?;
    Some(format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}Z",
        date.year(),
        date.month(),
        date.day(),
        time.hour(),
        time.minute(),
        time.second(),
        frac
    ))
}

/// Parses a timespan in Kusto's output form `[-][d.]hh:mm[:ss[.fffffff]]` into ticks.
pub fn parse_timespan(text: &str) -> Option<i64> {
    let t = text.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    let (days, clock) = match (body.find('.'), body.find(':')) {
        (Some(dot), Some(colon)) if dot < colon => {
            (body[..dot].parse::<i64>().ok()?, &body[dot + 1..])
        }
        _ => (0, body),
    };
    let mut c = Cursor {
        b: clock.as_bytes(),
        i: 0,
    };
    let (h, _) = c.digits_upto(2)?;
    if !c.eat(b':') {
        return None;
    }
    let m = c.digits(2)?;
    let (mut s, mut frac) = (0, 0);
    if c.eat(b':') {
        s = c.digits(2)?;
        if c.eat(b'.') {
            let (v, n) = c.digits_upto(9)?;
            frac = if n <= 7 {
                v * 10i64.pow((7 - n) as u32)
            } else {
                v / 10i64.pow((n - 7) as u32)
            };
        }
    }
    if !c.done() || h > 23 || m > 59 || s > 59 || days < 0 {
        return None;
    }
    let total = days
        .checked_mul(TICKS_PER_DAY)?
        .checked_add(h * TICKS_PER_HOUR + m * TICKS_PER_MINUTE + s * TICKS_PER_SECOND + frac)?;
    Some(if neg { -total } else { total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_known_instants() {
        assert_eq!(parse_datetime("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_datetime("1970-01-01"), Some(0));
        // 2024-03-26T09:39:50.7688641Z: 19808 days after the epoch (hand-checked: 2024-03-26 is day 19808),
        // plus 9h39m50s and 7688641 ticks.
        let expected = 19_808 * TICKS_PER_DAY
            + 9 * TICKS_PER_HOUR
            + 39 * TICKS_PER_MINUTE
            + 50 * TICKS_PER_SECOND
            + 7_688_641;
        assert_eq!(
            parse_datetime("2024-03-26T09:39:50.7688641Z"),
            Some(expected)
        );
        assert_eq!(
            parse_datetime("2024-03-26 09:39:50.7688641"),
            Some(expected)
        );
        assert_eq!(
            parse_datetime("2024-03-26T11:39:50.7688641+02:00"),
            Some(expected)
        );
        assert_eq!(
            parse_datetime("2024-03-26T04:39:50.7688641-0500"),
            Some(expected)
        );
        assert_eq!(
            parse_datetime("2024-03-26T09:39:50.768864100Z"),
            Some(expected)
        );
        assert_eq!(
            parse_datetime("2024-03-26T09:39:50.76886419Z"),
            Some(expected)
        );
        assert_eq!(
            parse_datetime("2024-03-26T09:39:50.7Z"),
            Some(expected - 688_641)
        );
        assert_eq!(
            parse_datetime("2024-03-26T09:39Z"),
            Some(expected - 50 * TICKS_PER_SECOND - 7_688_641)
        );
        // 719162 days from 0001-01-01 to 1970-01-01 (python: date(1970,1,1) - date(1,1,1)).
        assert_eq!(parse_datetime("0001-01-01"), Some(-719_162 * TICKS_PER_DAY));
    }

    #[test]
    fn rejects_garbage() {
        for bad in [
            "",
            "yesterday",
            "2024-13-01",
            "2024-02-30",
            "2024-03-26T25:00:00Z",
            "2024-03-26T09:39:50ZZ",
            "26/03/2024",
            "5/1/2024, 2:34:56.789 PM",
            "2024-03-26X09:39:50",
            "1234",
        ] {
            assert_eq!(parse_datetime(bad), None, "{bad}");
        }
    }

    #[test]
    fn format_round_trip() {
        let s = "2024-03-26T09:39:50.7688641Z";
        let t = parse_datetime(s).unwrap();
        assert_eq!(format_datetime_iso(t).unwrap(), s);
        assert_eq!(
            format_datetime_iso(0).unwrap(),
            "1970-01-01T00:00:00.0000000Z"
        );
        assert_eq!(
            format_datetime_iso(-1).unwrap(),
            "1969-12-31T23:59:59.9999999Z"
        );
        assert_eq!(
            format_datetime_iso(parse_datetime("9999-12-31T23:59:59.9999999Z").unwrap()).unwrap(),
            "9999-12-31T23:59:59.9999999Z"
        );
    }

    fn utc(s: &str) -> i64 {
        parse_datetime(s).unwrap()
    }

    #[test]
    fn locale_forms() {
        let mdy = TimeOptions {
            zone: Zone::UTC,
            order: Some(DateOrder::Mdy),
        };
        let dmy = TimeOptions {
            zone: Zone::UTC,
            order: Some(DateOrder::Dmy),
        };
        let p = |s: &str, o| parse_datetime_with(s, o);
        // EXPORTS.md / WDAC-Toolkit PR #380 vectors.
        assert_eq!(
            p("May 7, 2024 6:35:31 PM", mdy),
            Some(utc("2024-05-07T18:35:31Z"))
        );
        assert_eq!(
            p("May 7, 2024 6:41:25.321 PM", dmy),
            Some(utc("2024-05-07T18:41:25.321Z"))
        );
        assert_eq!(
            p("May 7, 2024 18:41:25", mdy),
            Some(utc("2024-05-07T18:41:25Z"))
        );
        assert_eq!(
            p("May 7, 2024 18:41:25.123", mdy),
            Some(utc("2024-05-07T18:41:25.123Z"))
        );
        assert_eq!(
            p("Apr 15, 2024 11:09:27 AM", mdy),
            Some(utc("2024-04-15T11:09:27Z"))
        );
        assert_eq!(
            p("05/12/2024 6:41:32 PM", mdy),
            Some(utc("2024-05-12T18:41:32Z"))
        );
        assert_eq!(
            p("05/12/2024 18:41:25.123", mdy),
            Some(utc("2024-05-12T18:41:25.123Z"))
        );
        assert_eq!(
            p("05/12/2024 18:41:25.123", dmy),
            Some(utc("2024-12-05T18:41:25.123Z"))
        );
        assert_eq!(
            p("5/1/2024, 2:34:56.789 PM", mdy),
            Some(utc("2024-05-01T14:34:56.789Z"))
        );
        assert_eq!(
            p("10/25/2023, 9:43:21.975 AM", mdy),
            Some(utc("2023-10-25T09:43:21.975Z"))
        );
        assert_eq!(
            p("12/31/2023, 12:00:00 AM", mdy),
            Some(utc("2023-12-31T00:00:00Z"))
        );
        assert_eq!(
            p("12/31/2023, 12:30:00 PM", mdy),
            Some(utc("2023-12-31T12:30:00Z"))
        );
        assert_eq!(
            p("13.03.2024 15:40:13", mdy),
            Some(utc("2024-03-13T15:40:13Z"))
        );
        // 13/03/2024, 3:40:13.988 pm in UTC+9 is 2024-03-13T06:40:13.988Z (WDAC-Toolkit PR #350).
        let tokyo = TimeOptions {
            zone: Zone::Fixed(9 * 60),
            order: Some(DateOrder::Dmy),
        };
        assert_eq!(
            p("13/03/2024, 3:40:13.988 pm", tokyo),
            Some(utc("2024-03-13T06:40:13.988Z"))
        );
        // Explicit zones are read as written whatever --tz says; zone-less ISO takes --tz.
        assert_eq!(
            p("2024-03-13T06:40:13.9880000Z", tokyo),
            Some(utc("2024-03-13T06:40:13.988Z"))
        );
        assert_eq!(
            p("2024-03-13 15:40:13.988", tokyo),
            Some(utc("2024-03-13T06:40:13.988Z"))
        );
        // Wrong order or impossible values are rejected, never guessed.
        assert_eq!(p("13/03/2024, 3:40:13.988 pm", mdy), None);
        assert_eq!(p("5/1/2024, 13:34:56 PM", mdy), None);
        assert_eq!(p("5/1/24, 2:34 PM", mdy), None);
        assert_eq!(p("Foo 7, 2024 6:35:31 PM", mdy), None);
        // Either order when none is given (validation): month first when both read.
        let either = TimeOptions::default();
        assert_eq!(
            p("13/03/2024 15:40:13", either),
            Some(utc("2024-03-13T15:40:13Z"))
        );
        assert_eq!(
            p("03/04/2024 15:40:13", either),
            Some(utc("2024-03-04T15:40:13Z"))
        );
    }

    #[test]
    fn named_zones_follow_daylight_saving_time() {
        // Offsets from the IANA database (tzdata): Europe/Berlin is CET +01:00 in winter and CEST +02:00 from
        // the last Sunday of March 02:00 to the last Sunday of October 03:00; America/New_York is EST -05:00 /
        // EDT -04:00, DST ending on the first Sunday of November at 02:00.
        let berlin = parse_zone("Europe/Berlin").unwrap();
        assert_eq!(berlin.name(), "Europe/Berlin");
        assert_eq!(parse_zone("europe/berlin"), Ok(berlin));
        assert_eq!(parse_zone("+02:00"), Ok(Zone::Fixed(120)));
        assert_eq!(parse_zone("UTC"), Ok(Zone::UTC));
        assert!(parse_zone("Europe/Atlantis").unwrap_err().contains("IANA"));
        assert!(parse_zone("+25:00").is_err());
        let o = |zone, order| TimeOptions {
            zone,
            order: Some(order),
        };
        let p = |s: &str, t| parse_datetime_with(s, t);
        let dmy = o(berlin, DateOrder::Dmy);
        assert_eq!(
            p("15/01/2024, 12:00:00 PM", dmy),
            Some(utc("2024-01-15T11:00:00Z"))
        );
        assert_eq!(
            p("01/07/2024 12:00:00", dmy),
            Some(utc("2024-07-01T10:00:00Z"))
        );
        assert_eq!(
            p("2024-07-01 12:00:00.5", dmy),
            Some(utc("2024-07-01T10:00:00.5Z"))
        );
        // The skipped hour never occurs on a Berlin clock.
        assert_eq!(p("31/03/2024 02:30:00", dmy), None);
        assert_eq!(
            p("31/03/2024 03:00:00", dmy),
            Some(utc("2024-03-31T01:00:00Z"))
        );
        // The repeated hour is read as its first occurrence (still CEST).
        assert_eq!(
            p("27/10/2024 02:30:00", dmy),
            Some(utc("2024-10-27T00:30:00Z"))
        );
        let ny = o(parse_zone("America/New_York").unwrap(), DateOrder::Mdy);
        assert_eq!(
            p("11/3/2024, 1:30:00 AM", ny),
            Some(utc("2024-11-03T05:30:00Z"))
        );
        assert_eq!(
            p("11/3/2024, 3:00:00 AM", ny),
            Some(utc("2024-11-03T08:00:00Z"))
        );
        // An explicit offset in the text wins over the zone.
        assert_eq!(
            p("2024-07-01T12:00:00+00:00", dmy),
            Some(utc("2024-07-01T12:00:00Z"))
        );
    }

    #[test]
    fn zones_and_order_evidence() {
        assert_eq!(parse_tz("UTC"), Ok(0));
        assert_eq!(parse_tz("+02:00"), Ok(120));
        assert_eq!(parse_tz("-0530"), Ok(-330));
        assert_eq!(parse_tz("UTC+9"), Ok(540));
        assert!(parse_tz("Europe/Berlin").is_err());
        assert!(parse_tz("+25:00").is_err());
        assert_eq!(format_offset(-330), "-05:30");
        let mut e = DateOrderEvidence::default();
        e.see(2, "03/04/2024 15:40:13");
        e.see(3, "04/04/2024 15:40:13");
        assert_eq!(e.proven(), None);
        assert_eq!(e.ambiguous, 1);
        e.see(4, "13/03/2024, 3:40:13.988 pm");
        assert_eq!(e.proven(), Some(DateOrder::Dmy));
        e.see(5, "12/31/2024, 3:40:13.988 pm");
        assert_eq!(e.proven(), None);
        assert_eq!(e.month_first.as_ref().map(|x| x.0), Some(5));
    }

    #[test]
    fn timespans() {
        assert_eq!(parse_timespan("00:00:01"), Some(TICKS_PER_SECOND));
        assert_eq!(parse_timespan("14.00:00:00"), Some(14 * TICKS_PER_DAY));
        assert_eq!(
            parse_timespan("-1.02:03:04.5"),
            Some(
                -(TICKS_PER_DAY
                    + 2 * TICKS_PER_HOUR
                    + 3 * TICKS_PER_MINUTE
                    + 4 * TICKS_PER_SECOND
                    + 5_000_000)
            )
        );
        assert_eq!(parse_timespan("abc"), None);
    }
}
