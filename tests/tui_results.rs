//! The result view's local tools, driven through key presses over a hand-made result: sort by the current
//! column (numbers and datetimes by value), text and cell filters, the column cursor (hide, move), search.
//! Expected rows are worked out by hand from the four rows below.

#[path = "tui_helpers.rs"]
mod helpers;

use helpers::Bench;
use huntbench::tui::action::{Effect, JobPurpose, TableData};
use huntbench::tui::app::{ResultsView, Screen};
use huntbench::tui::keymap::Layer;
use ratatui::crossterm::event::KeyCode;

/// Rows: 0 pc-b/10/04-29, 1 pc-a/9/04-30, 2 PC-C/100/04-28, 3 pc-a/2/null.
fn bench() -> Bench {
    let mut b = Bench::new(helpers::load(&[]), &[]);
    let row = |a: &str, n: &str, t: &str| vec![a.to_string(), n.to_string(), t.to_string()];
    let mut data = TableData::from_text_rows(
        vec!["DeviceName".into(), "Count".into(), "Timestamp".into()],
        vec!["string".into(), "long".into(), "datetime".into()],
        &[
            row("pc-b", "10", "2024-04-29T10:00:00Z"),
            row("pc-a", "9", "2024-04-30T08:30:00Z"),
            row("PC-C", "100", "2024-04-28T09:00:00Z"),
            row("pc-a", "2", ""),
        ],
    );
    data.widths = vec![10, 5, 20];
    data.elapsed = std::time::Duration::from_millis(5);
    b.app.stack.push(Screen::Results(ResultsView::new(
        0,
        "hand-made".into(),
        "T".into(),
        JobPurpose::Rule { rule: 0 },
        data,
        None,
    )));
    b
}

fn view(b: &Bench) -> &ResultsView {
    match b.app.stack.last() {
        Some(Screen::Results(v)) => v,
        other => panic!("expected results, got {other:?}"),
    }
}

/// The shown rows' DeviceName/Count cells.
fn shown(b: &Bench) -> Vec<(String, String)> {
    let v = view(b);
    (0..v.row_count())
        .map(|p| {
            let r = v.row(p).expect("a row");
            (r[0].clone(), r[1].clone())
        })
        .collect()
}

fn pairs(x: &[(&str, &str)]) -> Vec<(String, String)> {
    x.iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn sort_numbers_by_value_and_toggle() {
    let mut b = bench();
    b.key(KeyCode::Char('l')); // the column cursor on Count
    assert_eq!(view(&b).current_column(), Some(1));
    b.key(KeyCode::Char('s'));
    // by value (as text it would be 10, 100, 2, 9)
    assert_eq!(
        shown(&b),
        pairs(&[
            ("pc-a", "2"),
            ("pc-a", "9"),
            ("pc-b", "10"),
            ("PC-C", "100")
        ])
    );
    // the selected row (pc-b/10, first before) stays selected
    assert_eq!(view(&b).selected, 2);
    assert_eq!(view(&b).summary(), "4 rows · sorted by Count asc");
    b.key(KeyCode::Char('s'));
    assert_eq!(
        shown(&b),
        pairs(&[
            ("PC-C", "100"),
            ("pc-b", "10"),
            ("pc-a", "9"),
            ("pc-a", "2")
        ])
    );
    assert_eq!(view(&b).summary(), "4 rows · sorted by Count desc");
}

#[test]
fn sort_datetimes_by_value_nulls_first() {
    let mut b = bench();
    b.key(KeyCode::Char('l'));
    b.key(KeyCode::Char('l'));
    b.key(KeyCode::Char('s'));
    // the null timestamp first (KQL asc), then 04-28, 04-29, 04-30
    assert_eq!(
        shown(&b),
        pairs(&[
            ("pc-a", "2"),
            ("PC-C", "100"),
            ("pc-b", "10"),
            ("pc-a", "9")
        ])
    );
    b.key(KeyCode::Char('s'));
    // desc: nulls last
    assert_eq!(
        shown(&b),
        pairs(&[
            ("pc-a", "9"),
            ("pc-b", "10"),
            ("PC-C", "100"),
            ("pc-a", "2")
        ])
    );
}

#[test]
fn text_and_cell_filters() {
    let mut b = bench();
    b.key(KeyCode::Char('f'));
    assert_eq!(b.app.layers(), [Layer::RowInput]);
    b.type_keys("PC-Aq");
    assert!(!b.app.quit, "q is typed into the filter");
    b.key(KeyCode::Backspace);
    b.key(KeyCode::Enter);
    // case-insensitive: both pc-a rows
    assert_eq!(shown(&b), pairs(&[("pc-a", "9"), ("pc-a", "2")]));
    assert_eq!(view(&b).summary(), "2 of 4 rows · 1 filter");
    // != this cell (DeviceName pc-a): nothing left
    b.key(KeyCode::Char('!'));
    assert_eq!(shown(&b), pairs(&[]));
    assert_eq!(view(&b).summary(), "0 of 4 rows · 2 filters");
    b.key(KeyCode::Char('c'));
    assert_eq!(view(&b).row_count(), 4);
    assert_eq!(view(&b).summary(), "4 rows");
    // == this cell on Count of the first row (10)
    b.key(KeyCode::Char('l'));
    b.key(KeyCode::Char('='));
    assert_eq!(shown(&b), pairs(&[("pc-b", "10")]));
    // == on DeviceName of a row keeps both pc-a rows, exactly (not PC-C)
    b.key(KeyCode::Char('c'));
    b.key(KeyCode::Char('h'));
    b.key(KeyCode::Char('j'));
    b.key(KeyCode::Char('='));
    assert_eq!(shown(&b), pairs(&[("pc-a", "9"), ("pc-a", "2")]));
}

#[test]
fn escape_cancels_typing_and_stays_in_the_view() {
    let mut b = bench();
    b.key(KeyCode::Char('f'));
    b.type_keys("zz");
    b.key(KeyCode::Esc);
    assert!(view(&b).input.is_none());
    assert!(view(&b).filters.is_empty());
    assert_eq!(b.app.stack.len(), 1);
    assert_eq!(b.app.layers(), [Layer::Results, Layer::Global]);
}

#[test]
fn hide_move_and_copy_use_the_column_cursor() {
    let mut b = bench();
    b.key(KeyCode::Char('-')); // hide DeviceName
    assert_eq!(view(&b).cols, [1, 2]);
    assert_eq!(view(&b).summary(), "4 rows · 1 hidden");
    let fx = b.key(KeyCode::Char('y'));
    assert_eq!(fx, [Effect::Clipboard("10".into())]);
    b.key(KeyCode::Char('>')); // Count after Timestamp
    assert_eq!(view(&b).cols, [2, 1]);
    assert_eq!(view(&b).col, 1);
    b.key(KeyCode::Char('>')); // already last
    assert_eq!(view(&b).cols, [2, 1]);
    b.key(KeyCode::Char('<'));
    assert_eq!(view(&b).cols, [1, 2]);
    b.key(KeyCode::Char('-'));
    b.key(KeyCode::Char('-')); // the last column stays
    assert_eq!(view(&b).cols, [2]);
    b.key(KeyCode::Char('+'));
    assert_eq!(view(&b).cols, [0, 1, 2]);
    assert_eq!(view(&b).col, 2, "the cursor stays on Timestamp");
    // a text filter looks at shown columns only: DeviceName hidden, "pc" matches nothing
    b.key(KeyCode::Char('h'));
    b.key(KeyCode::Char('h'));
    b.key(KeyCode::Char('-'));
    b.key(KeyCode::Char('f'));
    b.type_keys("pc");
    b.key(KeyCode::Enter);
    assert_eq!(view(&b).row_count(), 0);
}

#[test]
fn search_jumps_to_the_next_row_and_n_repeats() {
    let mut b = bench();
    b.key(KeyCode::Char('/'));
    b.type_keys("PC-A");
    b.key(KeyCode::Enter);
    // after the selected row 0: row 1
    assert_eq!(view(&b).selected, 1);
    b.key(KeyCode::Char('n'));
    assert_eq!(view(&b).selected, 3);
    b.key(KeyCode::Char('n')); // wraps
    assert_eq!(view(&b).selected, 1);
    assert!(
        b.app.message.as_deref().unwrap_or("").contains("wrapped"),
        "{:?}",
        b.app.message
    );
    b.key(KeyCode::Char('/'));
    b.type_keys("zzz");
    b.key(KeyCode::Enter);
    assert_eq!(view(&b).selected, 1);
    assert_eq!(b.app.message.as_deref(), Some("no row contains \"zzz\""));
}

#[test]
fn sorted_and_filtered_80x24() {
    let mut b = bench();
    b.key(KeyCode::Char('l'));
    b.key(KeyCode::Char('s'));
    b.key(KeyCode::Char('s'));
    b.key(KeyCode::Char('f'));
    b.type_keys("pc");
    b.key(KeyCode::Enter);
    b.key(KeyCode::Char('h'));
    // DeviceName != "pc-b": the selected row (first before the sort) stays selected through it
    b.key(KeyCode::Char('!'));
    insta::assert_snapshot!(b.screen(80, 24));
}

#[test]
fn typing_a_search_80x24() {
    let mut b = bench();
    b.key(KeyCode::Char('/'));
    b.type_keys("pc-a");
    insta::assert_snapshot!(b.screen(80, 24));
}
