//! Export and copy, driven through `update`: the SupRemo rule's results over the fixture (dev-a twice,
//! dev-b once in the window) as CSV and JSON effects, the selected cell as a sanitised clipboard effect, and
//! the status bar naming the file written.

#[path = "tui_helpers.rs"]
mod helpers;

use helpers::Bench;
use huntbench::tui::action::{Action, Effect};
use huntbench::tui::app::Screen;
use huntbench::tui::update;
use ratatui::crossterm::event::KeyCode;

/// The SupRemo results, rows sorted (dev-a first) for stable output.
fn results() -> Bench {
    let report = helpers::load(&[helpers::repo().join("rules/rmm_SupRemo_filesig.yaml")]);
    let mut b = Bench::new(report, &[]);
    b.key(KeyCode::Enter);
    if let Some(Screen::Results(v)) = b.app.stack.last_mut() {
        let mut rows = v.data.text_rows();
        rows.sort();
        v.data.cells = huntbench::tui::table::Cells::from_rows(v.data.columns.len(), &rows);
        v.data.elapsed = std::time::Duration::from_millis(42);
    }
    b
}

fn export(b: &mut Bench, key: char) -> (String, String) {
    match &b.key(KeyCode::Char(key))[..] {
        [
            Effect::Export {
                stem,
                ext,
                contents,
            },
        ] => {
            assert!(stem.starts_with("huntbench-remote-management"), "{stem}");
            (ext.clone(), contents.clone())
        }
        other => panic!("expected one export, got {other:?}"),
    }
}

#[test]
fn csv_export_of_the_result_view() {
    let mut b = results();
    let (ext, csv) = export(&mut b, 'x');
    assert_eq!(ext, "csv");
    assert_eq!(
        csv,
        "DeviceId,DeviceName,FirstSeen,LastSeen,Report,Count\n\
         dev-a,pc-a.contoso.com,2024-04-29T10:00:00Z,2024-04-30T08:30:00Z,\"[11,12]\",2\n\
         dev-b,pc-b.contoso.com,2024-04-28T09:00:00Z,2024-04-28T09:00:00Z,[21],1\n"
    );
}

#[test]
fn json_export_of_the_result_view() {
    let mut b = results();
    let (ext, json) = export(&mut b, 'X');
    assert_eq!(ext, "json");
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(
        v,
        serde_json::json!([
            {"DeviceId": "dev-a", "DeviceName": "pc-a.contoso.com", "FirstSeen": "2024-04-29T10:00:00Z",
             "LastSeen": "2024-04-30T08:30:00Z", "Report": [11, 12], "Count": 2},
            {"DeviceId": "dev-b", "DeviceName": "pc-b.contoso.com", "FirstSeen": "2024-04-28T09:00:00Z",
             "LastSeen": "2024-04-28T09:00:00Z", "Report": [21], "Count": 1}
        ])
    );
}

#[test]
fn export_needs_a_result_view() {
    let report = helpers::load(&[helpers::repo().join("rules/rmm_SupRemo_filesig.yaml")]);
    let mut b = Bench::new(report, &[]);
    let fx = update(
        &mut b.app,
        Action::Export(huntbench::tui::export::Format::Csv),
    );
    assert!(fx.is_empty());
    assert!(b.app.message.is_some());
}

#[test]
fn copy_the_selected_cell_sanitised() {
    let mut b = results();
    b.key(KeyCode::Char('j')); // dev-b
    b.key(KeyCode::Char('l')); // DeviceName is the first column shown
    assert_eq!(
        b.key(KeyCode::Char('y')),
        [Effect::Clipboard("pc-b.contoso.com".into())]
    );
    // control characters from data never reach the terminal: the escape is copied as visible text
    if let Some(Screen::Results(v)) = b.app.stack.last_mut() {
        let mut rows = v.data.text_rows();
        rows[1][1] = "pc\x1b]52;c;AAAA\x07-b".into();
        v.data.cells = huntbench::tui::table::Cells::from_rows(v.data.columns.len(), &rows);
    }
    assert_eq!(
        b.key(KeyCode::Char('y')),
        [Effect::Clipboard("pc\\u{1b}]52;c;AAAA\\u{7}-b".into())]
    );
    assert_eq!(
        huntbench::tui::export::osc52("pc-b"),
        "\x1b]52;c;cGMtYg==\x07"
    );
}

#[test]
fn exported_note_80x24() {
    let mut b = results();
    update(
        &mut b.app,
        Action::Note("exported to huntbench-remote-management-and-monitoring-tool.csv".into()),
    );
    insta::assert_snapshot!(b.screen(80, 24));
}

#[test]
fn export_writes_the_view_as_shown() {
    let mut b = results();
    b.key(KeyCode::Char('l')); // DeviceName
    b.key(KeyCode::Char('-')); // hidden: the cursor is on FirstSeen
    b.key(KeyCode::Char('s')); // FirstSeen ascending: dev-b (04-28) before dev-a (04-29)
    for _ in 0..3 {
        b.key(KeyCode::Char('l')); // Count
    }
    b.key(KeyCode::Char('<')); // Count before Report
    let (_, csv) = export(&mut b, 'x');
    assert_eq!(
        csv,
        "DeviceId,FirstSeen,LastSeen,Count,Report\n\
         dev-b,2024-04-28T09:00:00Z,2024-04-28T09:00:00Z,1,[21]\n\
         dev-a,2024-04-29T10:00:00Z,2024-04-30T08:30:00Z,2,\"[11,12]\"\n"
    );
    // a filter: only the rows shown
    b.key(KeyCode::Char('g')); // dev-b
    for _ in 0..3 {
        b.key(KeyCode::Char('h')); // DeviceId
    }
    b.key(KeyCode::Char('!')); // DeviceId != dev-b
    let (_, json) = export(&mut b, 'X');
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(
        v,
        serde_json::json!([
            {"DeviceId": "dev-a", "FirstSeen": "2024-04-29T10:00:00Z",
             "LastSeen": "2024-04-30T08:30:00Z", "Count": 2, "Report": [11, 12]}
        ])
    );
    let keys: Vec<&String> = v[0].as_object().expect("an object").keys().collect();
    assert_eq!(
        keys,
        ["DeviceId", "FirstSeen", "LastSeen", "Count", "Report"],
        "the columns in the order shown"
    );
}
