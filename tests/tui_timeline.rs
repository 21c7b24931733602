//! The device timeline from a record: every loaded Device* table for the record's DeviceId within ±30
//! minutes of its Timestamp, merged by time. Fixture: dev-a's SupRemo-signed file at 2024-04-30T08:30:00Z
//! (ReportId 12), process and network events of dev-a around it (some just outside the window), and dev-b
//! events inside the window (another device: left out).

#[path = "tui_helpers.rs"]
mod helpers;

use helpers::Bench;
use huntbench::tui::action::{Effect, JobPurpose};
use huntbench::tui::app::Screen;
use ratatui::crossterm::event::KeyCode;

const PROC: &str = "\
Timestamp,DeviceId,DeviceName,FileName,ReportId
2024-04-30T07:59:59Z,dev-a,pc-a.contoso.com,early.exe,100
2024-04-30T08:00:00Z,dev-a,pc-a.contoso.com,start.exe,101
2024-04-30T08:45:00Z,dev-a,pc-a.contoso.com,later.exe,102
2024-04-30T09:00:01Z,dev-a,pc-a.contoso.com,late.exe,103
2024-04-30T08:30:00Z,dev-b,pc-b.contoso.com,other.exe,104
";

const NET: &str = "\
Timestamp,DeviceId,DeviceName,RemoteIP,ReportId
2024-04-30T08:29:00Z,dev-a,pc-a.contoso.com,10.0.0.1,201
2024-04-30T09:00:00Z,dev-a,pc-a.contoso.com,10.0.0.2,202
2024-04-30T08:31:00Z,dev-b,pc-b.contoso.com,10.0.0.3,203
";

fn results(b: &Bench) -> &huntbench::tui::app::ResultsView {
    match b.app.stack.last() {
        Some(Screen::Results(v)) => v,
        other => panic!("expected results, got {other:?}"),
    }
}

fn select(b: &mut Bench, column: &str, value: &str) {
    let v = results(b);
    let c = v
        .data
        .columns
        .iter()
        .position(|x| x == column)
        .expect("column");
    let i = v
        .data
        .rows
        .iter()
        .position(|r| r[c] == value)
        .unwrap_or_else(|| panic!("no row with {column} = {value}"));
    b.key(KeyCode::Char('g'));
    for _ in 0..i {
        b.key(KeyCode::Char('j'));
    }
}

#[test]
fn timeline_from_a_record() {
    let report = helpers::load(&[helpers::repo().join("rules/rmm_SupRemo_filesig.yaml")]);
    let mut b = Bench::new(
        report,
        &[
            ("DeviceProcessEvents.csv", PROC),
            ("DeviceNetworkEvents.csv", NET),
        ],
    );
    assert_eq!(
        b.app.device_tables,
        [
            "DeviceFileCertificateInfo",
            "DeviceNetworkEvents",
            "DeviceProcessEvents"
        ]
    );
    b.key(KeyCode::Enter); // run
    select(&mut b, "DeviceId", "dev-a");
    b.key(KeyCode::Enter); // the events behind dev-a
    select(&mut b, "ReportId", "12");
    b.key(KeyCode::Enter); // the record
    assert!(matches!(b.app.stack.last(), Some(Screen::Record(_))));
    let fx = b.key(KeyCode::Char('t'));
    match &fx[..] {
        [Effect::Run(spec)] => {
            assert!(matches!(spec.purpose, JobPurpose::Timeline { .. }));
            assert!(spec.query.contains(
                "between (datetime(2024-04-30T08:00:00Z) .. datetime(2024-04-30T09:00:00Z))"
            ));
        }
        other => panic!("expected one run, got {other:?}"),
    }
    let v = results(&b);
    let col = |n: &str| v.data.columns.iter().position(|c| c == n).expect(n);
    let (src, ts, rid, dev) = (
        col("SourceTable"),
        col("Timestamp"),
        col("ReportId"),
        col("DeviceId"),
    );
    let got: Vec<(&str, &str, &str, &str)> = v
        .data
        .rows
        .iter()
        .map(|r| {
            (
                r[src].as_str(),
                r[ts].as_str(),
                r[rid].as_str(),
                r[dev].as_str(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "DeviceProcessEvents",
                "2024-04-30T08:00:00Z",
                "101",
                "dev-a"
            ),
            (
                "DeviceNetworkEvents",
                "2024-04-30T08:29:00Z",
                "201",
                "dev-a"
            ),
            (
                "DeviceFileCertificateInfo",
                "2024-04-30T08:30:00Z",
                "12",
                "dev-a"
            ),
            (
                "DeviceProcessEvents",
                "2024-04-30T08:45:00Z",
                "102",
                "dev-a"
            ),
            (
                "DeviceNetworkEvents",
                "2024-04-30T09:00:00Z",
                "202",
                "dev-a"
            ),
        ]
    );
    assert_eq!(
        b.app.breadcrumbs().last().map(String::as_str),
        Some("timeline dev-a 2024-04-30T08:30:00Z ±30 min")
    );
    if let Some(Screen::Results(v)) = b.app.stack.last_mut() {
        v.data.elapsed = std::time::Duration::from_millis(42);
    }
    insta::assert_snapshot!("timeline_80x24", b.screen(80, 24));
    // back to the record
    b.key(KeyCode::Esc);
    assert!(matches!(b.app.stack.last(), Some(Screen::Record(_))));
}

#[test]
fn timeline_needs_device_and_time() {
    let report = helpers::load(&[helpers::repo().join("rules/rmm_SupRemo_filesig.yaml")]);
    let mut b = Bench::new(report, &[]);
    b.key(KeyCode::Enter);
    // the summarized rows have DeviceId but no Timestamp
    let fx = b.key(KeyCode::Char('t'));
    assert!(fx.is_empty());
    let m = b.app.message.clone().expect("a note");
    assert!(m.contains("DeviceId and Timestamp"), "{m}");
}
