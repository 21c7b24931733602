//! Whole screens drawn into ratatui's `TestBackend` at 80×24 and 160×48, stored with insta. Each snapshot
//! was reviewed by hand. Plus: control sequences from data and rule files render inert.

#[path = "tui_helpers.rs"]
mod helpers;

use helpers::Bench;
use huntbench::tui::action::Action;
use ratatui::crossterm::event::KeyCode;

/// The bundled SupRemo rule and a rule file that fails to load.
fn small_bench(extra: &[(&str, &str)]) -> Bench {
    let tmp = tempfile::tempdir().unwrap();
    let mut report = helpers::load(&[
        helpers::repo().join("rules/rmm_SupRemo_filesig.yaml"),
        helpers::repo().join("rules/rmm_SupRemo_netconn.yaml"),
        helpers::repo().join("rules/rmm_Action1_filesig.yaml"),
    ]);
    helpers::rule_file(
        tmp.path(),
        "broken.yaml",
        "name: Broken\nquery: |\n  T\n tactics: [oops\n",
        &mut report,
    );
    Bench::new(report, extra)
}

#[test]
fn rule_list_80x24() {
    let mut b = small_bench(&[]);
    insta::assert_snapshot!(b.screen(80, 24));
}

#[test]
fn rule_list_160x48() {
    let mut b = Bench::bundled(&[]);
    b.select_rule("rules/rmm_supremo_f");
    b.key(KeyCode::Esc); // clear the filter, keep the selection
    insta::assert_snapshot!(b.screen(160, 48));
}

#[test]
fn rule_list_filtered_with_a_failed_rule_80x24() {
    let mut b = small_bench(&[]);
    b.key(KeyCode::Char('/'));
    b.type_keys("bro");
    insta::assert_snapshot!(b.screen(80, 24));
}

fn supremo_results(b: &mut Bench) {
    b.key(KeyCode::Char('j')); // rules sort by path: Action1, SupRemo filesig, SupRemo netconn, broken
    b.key(KeyCode::Enter);
    // a fixed elapsed time for a stable status bar
    if let Some(huntbench::tui::app::Screen::Results(v)) = b.app.stack.last_mut() {
        v.data.elapsed = std::time::Duration::from_millis(42);
        let mut rows = v.data.text_rows();
        rows.sort();
        v.data.cells = huntbench::tui::table::Cells::from_rows(v.data.columns.len(), &rows);
    }
}

#[test]
fn results_80x24() {
    let mut b = small_bench(&[]);
    supremo_results(&mut b);
    insta::assert_snapshot!(b.screen(80, 24));
}

#[test]
fn results_scrolled_right_80x24() {
    let mut b = small_bench(&[]);
    supremo_results(&mut b);
    b.key(KeyCode::Char('j'));
    b.key(KeyCode::Char('l'));
    b.key(KeyCode::Char('l'));
    insta::assert_snapshot!(b.screen(80, 24));
}

#[test]
fn results_160x48() {
    let mut b = small_bench(&[]);
    supremo_results(&mut b);
    insta::assert_snapshot!(b.screen(160, 48));
}

#[test]
fn drill_events_and_record_80x24() {
    let mut b = small_bench(&[]);
    supremo_results(&mut b);
    b.key(KeyCode::Enter); // dev-a (rows sorted)
    if let Some(huntbench::tui::app::Screen::Results(v)) = b.app.stack.last_mut() {
        v.data.elapsed = std::time::Duration::from_millis(7);
        let mut rows = v.data.text_rows();
        rows.sort();
        v.data.cells = huntbench::tui::table::Cells::from_rows(v.data.columns.len(), &rows);
    }
    insta::assert_snapshot!("drill_events_80x24", b.screen(80, 24));
    b.key(KeyCode::Enter);
    insta::assert_snapshot!("record_80x24", b.screen(80, 24));
}

#[test]
fn help_overlay_80x24() {
    let mut b = small_bench(&[]);
    supremo_results(&mut b);
    b.key(KeyCode::Char('?'));
    insta::assert_snapshot!(b.screen(80, 24));
}

#[test]
fn help_overlay_160x48() {
    let mut b = small_bench(&[]);
    b.key(KeyCode::Char('?'));
    insta::assert_snapshot!(b.screen(160, 48));
}

fn error_bench() -> Bench {
    let tmp = tempfile::tempdir().unwrap();
    let mut report = huntbench::rules::LoadReport::default();
    helpers::rule_file(
        tmp.path(),
        "bad_column.yaml",
        "name: Signer typo\ndescription: A rule with a misspelt column.\nquery: |\n  let Time_start = now(-5d);\n  DeviceFileCertificateInfo\n  | where Timestamp > Time_start\n  | where Singer has 'Nanosystems'\n  | project DeviceName, Signer\n",
        &mut report,
    );
    let mut b = Bench::new(report, &[]);
    b.key(KeyCode::Enter);
    b
}

#[test]
fn error_view_80x24() {
    let mut b = error_bench();
    insta::assert_snapshot!(b.screen(80, 24));
}

#[test]
fn error_view_160x48() {
    let mut b = error_bench();
    insta::assert_snapshot!(b.screen(160, 48));
}

#[test]
fn running_80x24() {
    let mut b = small_bench(&[]);
    // Enter without running the effect: the query is pending
    let _ = b.app.handle_key(&ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Enter,
        ratatui::crossterm::event::KeyModifiers::NONE,
    ));
    huntbench::tui::update(
        &mut b.app,
        Action::Tick(std::time::Duration::from_millis(1234)),
    );
    insta::assert_snapshot!(b.screen(80, 24));
}

/// Escape sequences in data: clear screen, an OSC title set ended by BEL and by ST, a C1 CSI.
const EVIL_CSV: &str = "Timestamp,DeviceId,DeviceName,Signer,ReportId
2024-04-30T00:00:00Z,dev-x,\"evil\x1b[2Jhost\",\"Nano\x1b]0;pwned\x07 \x1b]2;t\x1b\\\\ \u{9b}31m\",7
";

fn assert_inert(screen: &ratatui::buffer::Buffer) {
    for cell in &screen.content {
        let s = cell.symbol();
        assert!(
            !s.chars().any(|c| c.is_control()),
            "a control character reached the buffer: {s:?}"
        );
    }
}

#[test]
fn escape_sequences_from_data_render_inert() {
    let tmp = tempfile::tempdir().unwrap();
    let mut report = huntbench::rules::LoadReport::default();
    helpers::rule_file(
        tmp.path(),
        "evil.yaml",
        "name: \"Evil \\e[2J name \\e]0;title\\a\"\ndescription: \"desc \\e[31m red\"\nquery: |\n  DeviceEvents\n  | project DeviceId, DeviceName, Signer\n",
        &mut report,
    );
    let mut b = Bench::new(report, &[("DeviceEvents.csv", EVIL_CSV)]);
    let t = b.draw(80, 24);
    assert_inert(t.backend().buffer());
    let list = t.backend().to_string();
    assert!(list.contains("Evil \\u{1b}[2J name"), "{list}");

    b.key(KeyCode::Enter);
    let Some(huntbench::tui::app::Screen::Results(v)) = b.app.stack.last() else {
        panic!("results: {:?}", b.app.stack)
    };
    assert_eq!(
        v.data.cell(0, 1),
        "evil\x1b[2Jhost",
        "the data is kept as is"
    );
    for (w, h) in [(80, 24), (160, 48)] {
        let t = b.draw(w, h);
        assert_inert(t.backend().buffer());
        let text = t.backend().to_string();
        assert!(text.contains("evil\\u{1b}[2Jhost"), "{text}");
    }
    b.key(KeyCode::Enter); // no drill plan: the record
    let t = b.draw(80, 24);
    assert_inert(t.backend().buffer());
    let text = t.backend().to_string();
    assert!(text.contains("Nano\\u{1b}]0;pwned\\u{7}"), "{text}");
    assert!(text.contains("\\u{9b}31m"), "{text}");
}

#[test]
fn no_color_draws_no_colours() {
    let mut b = small_bench(&[]);
    b.app.color = false;
    supremo_results(&mut b);
    b.key(KeyCode::Char('?'));
    let t = b.draw(80, 24);
    for cell in &t.backend().buffer().content {
        assert_eq!(cell.fg, ratatui::style::Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, ratatui::style::Color::Reset, "{cell:?}");
    }
    // the selected row is still marked: reverse video
    b.key(KeyCode::Esc);
    let t = b.draw(80, 24);
    let buf = t.backend().buffer();
    let row = 3; // title, border, header, first row
    assert!(
        buf[(1, row)]
            .modifier
            .contains(ratatui::style::Modifier::REVERSED)
    );
}

#[test]
fn large_results_draw_only_the_visible_rows() {
    let mut csv = String::from("Timestamp,DeviceId,DeviceName,Signer,ReportId\n");
    for i in 0..5000 {
        csv.push_str(&format!(
            "2024-04-30T00:00:00Z,dev-{i:05},pc-{i:05},Signer {i},{i}\n"
        ));
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut report = huntbench::rules::LoadReport::default();
    helpers::rule_file(
        tmp.path(),
        "all.yaml",
        "name: All\nquery: |\n  DeviceEvents\n  | project DeviceId, DeviceName, Signer, ReportId\n  | sort by ReportId asc\n",
        &mut report,
    );
    let mut b = Bench::new(report, &[("DeviceEvents.csv", &csv)]);
    b.key(KeyCode::Enter);
    let text = b.screen(80, 24);
    // 24 lines less the breadcrumbs, status, footer, two borders and the header: 18 rows
    assert!(
        text.contains("dev-00000") && text.contains("dev-00017"),
        "{text}"
    );
    assert!(!text.contains("dev-00018"));
    assert_eq!(b.app.page, 18, "rows that fit at 80x24");
    b.key(KeyCode::PageDown);
    b.key(KeyCode::PageDown);
    let text = b.screen(80, 24);
    assert!(text.contains("dev-00036"), "{text}");
    b.key(KeyCode::Char('G'));
    let text = b.screen(80, 24);
    assert!(
        text.contains("dev-04999") && text.contains("dev-04982"),
        "{text}"
    );
    assert!(!text.contains("dev-04981"));
    let Some(huntbench::tui::app::Screen::Results(v)) = b.app.stack.last() else {
        panic!()
    };
    assert_eq!((v.selected, v.offset), (4999, 4982));
    // the record of the last row
    b.key(KeyCode::Enter);
    let text = b.screen(80, 24);
    assert!(
        text.contains("record 5000 of 5000") && text.contains("Signer 4999"),
        "{text}"
    );
}

/// A million-row view renders at 80x24 and 160x48: drawing reads only the rows on screen (the cost of a
/// frame does not depend on the row count; timing belongs in benchmarks, not here).
#[test]
fn a_million_row_view_draws_the_visible_rows() {
    use huntbench::tui::action::{JobPurpose, TableData};
    use huntbench::tui::app::{ResultsView, Screen};
    const N: usize = 1_000_000;
    let rows: Vec<Vec<String>> = (0..N)
        .map(|i| vec![format!("dev-{i:07}"), i.to_string()])
        .collect();
    let mut data = TableData::from_text_rows(
        vec!["DeviceId".into(), "N".into()],
        vec!["string".into(), "long".into()],
        &rows,
    );
    data.widths = vec![11, 7];
    let mut b = small_bench(&[]);
    b.app.stack.push(Screen::Results(ResultsView::new(
        0,
        "big".into(),
        String::new(),
        JobPurpose::Rule { rule: 0 },
        data,
        None,
    )));
    for (w, h) in [(80u16, 24u16), (160, 48)] {
        b.key(KeyCode::Char('g'));
        let text = b.screen(w, h);
        assert!(text.contains("1000000 rows"), "{text}");
        assert!(text.contains("dev-0000000"), "{text}");
        let rows_shown = usize::from(h) - 6;
        assert!(
            text.contains(&format!("dev-{:07}", rows_shown - 1)),
            "{text}"
        );
        assert!(!text.contains(&format!("dev-{rows_shown:07}")), "{text}");
        b.key(KeyCode::Char('G'));
        let text = b.screen(w, h);
        assert!(text.contains("dev-0999999"), "{text}");
        assert!(
            !text.contains(&format!("dev-{:07}", N - rows_shown - 1)),
            "{text}"
        );
    }
}
