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
        .text_rows()
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
    let rows = v.data.text_rows();
    let got: Vec<(&str, &str, &str, &str)> = rows
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

/// The ReportIds of the timeline on top.
fn report_ids(b: &Bench) -> Vec<String> {
    let v = results(b);
    let rid = v
        .data
        .columns
        .iter()
        .position(|c| c == "ReportId")
        .expect("ReportId");
    v.data.text_rows().iter().map(|r| r[rid].clone()).collect()
}

#[test]
fn the_window_widens_and_narrows() {
    let report = helpers::load(&[helpers::repo().join("rules/rmm_SupRemo_filesig.yaml")]);
    let mut b = Bench::new(
        report,
        &[
            ("DeviceProcessEvents.csv", PROC),
            ("DeviceNetworkEvents.csv", NET),
        ],
    );
    b.key(KeyCode::Enter);
    select(&mut b, "DeviceId", "dev-a");
    b.key(KeyCode::Enter);
    select(&mut b, "ReportId", "12");
    b.key(KeyCode::Enter);
    b.key(KeyCode::Char('t'));
    let depth = b.app.stack.len();
    assert_eq!(report_ids(&b), ["101", "201", "12", "102", "202"]);
    // ±60 min: 07:30..09:30 takes in 07:59:59 and 09:00:01 too
    let fx = b.key(KeyCode::Char(']'));
    match &fx[..] {
        [Effect::Run(spec)] => {
            assert!(spec.replace, "a re-run replaces the timeline");
            assert!(spec.query.contains(
                "between (datetime(2024-04-30T07:30:00Z) .. datetime(2024-04-30T09:30:00Z))"
            ));
        }
        other => panic!("expected one run, got {other:?}"),
    }
    assert_eq!(b.app.stack.len(), depth);
    assert_eq!(
        report_ids(&b),
        ["100", "101", "201", "12", "102", "202", "103"]
    );
    assert_eq!(
        b.app.breadcrumbs().last().map(String::as_str),
        Some("timeline dev-a 2024-04-30T08:30:00Z ±60 min")
    );
    // ±15 min: 08:15..08:45, both ends included (`between`)
    b.key(KeyCode::Char('['));
    b.key(KeyCode::Char('['));
    assert_eq!(b.app.timeline_minutes, 15);
    assert_eq!(report_ids(&b), ["201", "12", "102"]);
    let screen = b.screen(80, 24);
    assert!(
        screen.lines().next().is_some_and(|l| l.contains("±15 min")),
        "{screen}"
    );
    // back to the record; the window is kept for the next timeline
    b.key(KeyCode::Esc);
    assert!(matches!(b.app.stack.last(), Some(Screen::Record(_))));
    let fx = b.key(KeyCode::Char('t'));
    assert!(
        matches!(&fx[..], [Effect::Run(s)] if s.query.contains("datetime(2024-04-30T08:15:00Z)"))
    );
    // outside a timeline the keys only set the window
    b.key(KeyCode::Esc);
    let fx = b.key(KeyCode::Char(']'));
    assert!(fx.is_empty());
    assert_eq!(b.app.timeline_minutes, 30);
    assert_eq!(
        b.app.message.as_deref(),
        Some("device timeline window: ±30 min")
    );
}

#[test]
fn timeline_window_option_is_checked() {
    assert_cmd::Command::cargo_bin("huntbench")
        .expect("binary")
        .env("NO_COLOR", "1")
        .args(["tui", "--timeline-window", "0"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--timeline-window"));
}
