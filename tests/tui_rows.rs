//! Results of up to a million rows: a query's result is kept by column and formatted only when asked, so a
//! 1,000,000-row result loads, sorts (by value), filters and searches in the view. Expected rows are worked
//! out by hand from the query: row i (1-based) has N = i, Device = "dev-" + (i % 1000), zero-padded to
//! three digits by the query, and At = 2024-01-01T00:00:00Z + i seconds.

#[path = "tui_helpers.rs"]
mod helpers;

use helpers::Bench;
use huntbench::tui::action::{JobPurpose, JobSpec, TableData};
use huntbench::tui::app::{ResultsView, Screen};
use ratatui::crossterm::event::KeyCode;

const QUERY: &str = "range N from 1 to 1000000 step 1 \
    | extend Device = strcat(\"dev-\", case(N % 1000 < 10, \"00\", N % 1000 < 100, \"0\", \"\"), tostring(N % 1000)), \
    At = datetime(2024-01-01) + N * 1s";

fn run(b: &Bench, query: &str) -> TableData {
    let spec = JobSpec {
        id: 1,
        query: query.to_string(),
        purpose: JobPurpose::Rule { rule: 0 },
        replace: false,
        backend: None,
    };
    match b.exec.execute_blocking(&spec).outcome {
        Ok(t) => t,
        Err(e) => panic!("{query}: {e:?}"),
    }
}

fn view(b: &Bench) -> &ResultsView {
    match b.app.stack.last() {
        Some(Screen::Results(v)) => v,
        other => panic!("expected results, got {other:?}"),
    }
}

/// The first and the last shown row, as text.
fn ends(b: &Bench) -> (Vec<String>, Vec<String>) {
    let v = view(b);
    let n = v.row_count();
    (
        v.row(0).expect("a first row"),
        v.row(n - 1).expect("a last row"),
    )
}

fn row(n: &str, dev: &str, at: &str) -> Vec<String> {
    vec![n.to_string(), dev.to_string(), at.to_string()]
}

#[test]
fn a_million_row_result_sorts_and_filters() {
    let mut b = Bench::new(helpers::load(&[]), &[]);
    let data = run(&b, QUERY);
    assert_eq!(data.columns, ["N", "Device", "At"]);
    assert_eq!(data.types, ["long", "string", "datetime"]);
    assert_eq!(data.row_count(), 1_000_000);
    assert!(!data.truncated, "exactly the cap is not cut");
    // widths: header or the widest of the first rows (N: "2000"; datetimes are 20 wide)
    assert_eq!(data.widths, [4, 7, 20]);
    assert_eq!(data.cell(0, 2), "2024-01-01T00:00:01Z");
    // 1,000,000 s = 11 days 13:46:40
    assert_eq!(data.cell(999_999, 2), "2024-01-12T13:46:40Z");

    b.app.stack.push(Screen::Results(ResultsView::new(
        0,
        "big".into(),
        QUERY.into(),
        JobPurpose::Rule { rule: 0 },
        data,
        None,
    )));
    assert_eq!(
        ends(&b),
        (
            row("1", "dev-001", "2024-01-01T00:00:01Z"),
            row("1000000", "dev-000", "2024-01-12T13:46:40Z")
        )
    );

    // N descending: by value (as text "999999" would come before "1000000")
    b.key(KeyCode::Char('s'));
    b.key(KeyCode::Char('s'));
    assert_eq!(view(&b).summary(), "1000000 rows · sorted by N desc");
    assert_eq!(
        ends(&b),
        (
            row("1000000", "dev-000", "2024-01-12T13:46:40Z"),
            row("1", "dev-001", "2024-01-01T00:00:01Z")
        )
    );

    // == this cell on Device of the first shown row (dev-000): every 1000th row, still N descending
    b.key(KeyCode::Char('g'));
    b.key(KeyCode::Char('l'));
    b.key(KeyCode::Char('='));
    assert_eq!(view(&b).row_count(), 1000);
    assert_eq!(
        ends(&b),
        (
            row("1000000", "dev-000", "2024-01-12T13:46:40Z"),
            row("1000", "dev-000", "2024-01-01T00:16:40Z")
        )
    );

    // sort by At ascending (datetimes by instant) over the filtered rows
    b.key(KeyCode::Char('l'));
    b.key(KeyCode::Char('s'));
    assert_eq!(
        view(&b).summary(),
        "1000 of 1000000 rows · sorted by At asc · 1 filter"
    );
    assert_eq!(
        ends(&b),
        (
            row("1000", "dev-000", "2024-01-01T00:16:40Z"),
            row("1000000", "dev-000", "2024-01-12T13:46:40Z")
        )
    );

    // a text filter on top (case-insensitive): "12T13:46:40" is only in the last row's At
    b.key(KeyCode::Char('f'));
    b.type_keys("12t13:46:40");
    b.key(KeyCode::Enter);
    assert_eq!(view(&b).row_count(), 1);
    assert_eq!(
        view(&b).row(0),
        Some(row("1000000", "dev-000", "2024-01-12T13:46:40Z"))
    );

    // clear filters: every row, still sorted by At
    b.key(KeyCode::Char('c'));
    assert_eq!(view(&b).row_count(), 1_000_000);
    assert_eq!(
        ends(&b),
        (
            row("1", "dev-001", "2024-01-01T00:00:01Z"),
            row("1000000", "dev-000", "2024-01-12T13:46:40Z")
        )
    );

    // search: the next row containing "dev-999" after the first is N = 999 (position 998)
    b.key(KeyCode::Char('g'));
    b.key(KeyCode::Char('/'));
    b.type_keys("dev-999");
    b.key(KeyCode::Enter);
    assert_eq!(view(&b).selected, 998);
}

#[test]
fn more_than_a_million_rows_are_cut_and_say_so() {
    let b = Bench::new(helpers::load(&[]), &[]);
    let data = run(&b, "range N from 1 to 1000001 step 1");
    assert_eq!(data.row_count(), 1_000_000);
    assert!(data.truncated);
    assert_eq!(data.cell(999_999, 0), "1000000");
}

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|n| n.parse().ok()))
        })
        .unwrap_or(0)
}

/// What a 1,000,000-row, 10-column result costs in memory, by hand (Linux; prints, asserts nothing):
/// `cargo test --test tui_rows -- --ignored --nocapture memory`.
#[test]
#[ignore]
fn memory_of_a_million_rows_by_ten_columns() {
    let b = Bench::new(helpers::load(&[]), &[]);
    let q = "range N from 1 to 1000000 step 1 \
        | extend DeviceId = strcat(\"dev-\", tostring(N % 1000)), \
        Timestamp = datetime(2024-01-01) + N * 1s, \
        DeviceName = strcat(\"pc-\", tostring(N % 1000), \".contoso.com\"), \
        Score = N * 0.5, Small = toint(N % 100), Flag = N % 2 == 0, Took = N * 1ms, \
        SHA1 = strcat(\"da39a3ee5e6b4b0d3255bfef95601890afd8\", tostring(N % 10000)), \
        ReportId = tostring(N)";
    let before = rss_kib("VmRSS:");
    let data = run(&b, q);
    let after = rss_kib("VmRSS:");
    assert_eq!(data.row_count(), 1_000_000);
    assert_eq!(data.columns.len(), 10);
    println!("types: {:?}", data.types);
    println!(
        "columnar cells hold {} MiB on the heap",
        data.cells.heap_bytes() / (1 << 20)
    );
    println!(
        "columnar: RSS {before} KiB -> {after} KiB (+{} MiB); peak {} MiB",
        (after.saturating_sub(before)) / 1024,
        rss_kib("VmHWM:") / 1024
    );
    let all: Vec<usize> = (0..10).collect();
    for (what, filters, sort) in [
        ("sort by a long column", vec![], Some((0, true))),
        ("sort by a datetime column", vec![], Some((2, false))),
        ("sort by a string column", vec![], Some((3, false))),
        (
            "text filter over 10 columns",
            vec![huntbench::tui::table::RowFilter::Text("pc-7.".into())],
            None,
        ),
    ] {
        let t = std::time::Instant::now();
        let rows = huntbench::tui::table::shown_rows(&data, &all, &filters, sort);
        println!("{what}: {} rows in {:?}", rows.len(), t.elapsed());
    }
    let text = data.text_rows();
    let with_text = rss_kib("VmRSS:");
    println!(
        "the same rows as Vec<Vec<String>> (the old layout): +{} MiB more",
        with_text.saturating_sub(after) / 1024
    );
    drop(text);
}
