//! Device timeline: every loaded `Device*` table for one DeviceId within ±N minutes of an event's
//! Timestamp, merged by time (`union` + `sort by Timestamp asc`).

use crate::data::TableProvider;
use crate::engine::value::{format_datetime_iso, parse_datetime};

use super::drill::kql_string;

/// The default half-width of the window, in minutes.
pub const DEFAULT_MINUTES: i64 = 30;

/// The window sizes `[` and `]` step through, in minutes (±N).
pub const STEPS: [i64; 14] = [
    1, 2, 5, 10, 15, 30, 60, 120, 240, 480, 720, 1440, 2880, 10080,
];

/// The next wider window after `m` minutes (the widest stays).
pub fn wider(m: i64) -> i64 {
    STEPS
        .iter()
        .copied()
        .find(|&s| s > m)
        .unwrap_or(m.max(STEPS[STEPS.len() - 1]))
}

/// The next narrower window before `m` minutes (the narrowest stays).
pub fn narrower(m: i64) -> i64 {
    STEPS
        .iter()
        .rev()
        .copied()
        .find(|&s| s < m)
        .unwrap_or(m.min(STEPS[0]))
}

/// The loaded tables a timeline reads: names starting with `Device` whose schema has `DeviceId` and
/// `Timestamp` (sorted, for a stable query).
pub fn device_tables(tables: &dyn TableProvider) -> Vec<String> {
    let mut out: Vec<String> = tables
        .table_names()
        .into_iter()
        .filter(|n| n.starts_with("Device"))
        .filter(|n| {
            tables.schema(n).is_some_and(|s| {
                s.iter().any(|(c, _)| c == "DeviceId") && s.iter().any(|(c, _)| c == "Timestamp")
            })
        })
        .collect();
    out.sort();
    out
}

/// The timeline query for `device` around `at` (a datetime as the results show it), or why there is none.
pub fn query(tables: &[String], device: &str, at: &str, minutes: i64) -> Result<String, String> {
    if tables.is_empty() {
        return Err("no Device* table with DeviceId and Timestamp is loaded".into());
    }
    if device.is_empty() {
        return Err("the record has no DeviceId".into());
    }
    let t = parse_datetime(at).ok_or_else(|| format!("the Timestamp `{at}` is not a datetime"))?;
    let half = minutes.saturating_mul(60 * 10_000_000);
    let from = format_datetime_iso(t.saturating_sub(half));
    let to = format_datetime_iso(t.saturating_add(half));
    let names: Vec<String> = tables.iter().map(|n| format!("['{n}']")).collect();
    Ok(format!(
        "union withsource=SourceTable {}\n| where DeviceId == {}\n| where Timestamp between (datetime({from}) .. datetime({to}))\n| sort by Timestamp asc",
        names.join(", "),
        kql_string(device)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_steps() {
        assert_eq!(wider(30), 60);
        assert_eq!(narrower(30), 15);
        assert_eq!(wider(45), 60);
        assert_eq!(narrower(45), 30);
        assert_eq!(narrower(1), 1);
        assert_eq!(wider(10080), 10080);
        assert_eq!(wider(20000), 20000);
        assert_eq!(narrower(20000), 10080);
    }

    #[test]
    fn window_and_filter() {
        let q = query(
            &["DeviceEvents".into(), "DeviceProcessEvents".into()],
            "dev\"1",
            "2024-04-30T08:30:00Z",
            30,
        )
        .expect("a query");
        assert_eq!(
            q,
            "union withsource=SourceTable ['DeviceEvents'], ['DeviceProcessEvents']\n| where DeviceId == \"dev\\\"1\"\n| where Timestamp between (datetime(2024-04-30T08:00:00Z) .. datetime(2024-04-30T09:00:00Z))\n| sort by Timestamp asc"
        );
        assert!(query(&[], "d", "2024-04-30T08:30:00Z", 30).is_err());
        assert!(query(&["DeviceEvents".into()], "", "2024-04-30T08:30:00Z", 30).is_err());
        assert!(query(&["DeviceEvents".into()], "d", "yesterday", 30).is_err());
    }
}
