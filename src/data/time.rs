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
    let mut offset_minutes = 0i64;
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
                offset_minutes = sign * (oh * 60 + om);
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
    Some(local - offset_minutes * TICKS_PER_MINUTE)
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
