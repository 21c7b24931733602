//! Workbench state driven through `update` with key presses and synchronous effects, over the bundled rules
//! and a small data folder: run the SupRemo file-signature rule, drill into a device, open a record, back out.

#[path = "tui_helpers.rs"]
mod helpers;

use helpers::Bench;
use huntbench::tui::action::{Effect, JobPurpose};
use huntbench::tui::app::{RuleEntry, Screen};
use huntbench::tui::keymap::Layer;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn results(b: &Bench) -> &huntbench::tui::app::ResultsView {
    match b.app.stack.last() {
        Some(Screen::Results(v)) => v,
        other => panic!("expected results, got {other:?}"),
    }
}

fn col(v: &huntbench::tui::app::ResultsView, name: &str) -> usize {
    v.data
        .columns
        .iter()
        .position(|c| c == name)
        .unwrap_or_else(|| panic!("no column {name} in {:?}", v.data.columns))
}

#[test]
fn filter_selects_the_supremo_rule() {
    let mut b = Bench::bundled(&[]);
    let all = b.app.visible.len();
    assert!(all > 50, "bundled rules and the pack: {all}");
    b.key(KeyCode::Char('/'));
    assert_eq!(b.app.layers()[0], Layer::Filter);
    b.type_keys("rules/rmm_supremo_f");
    assert_eq!(b.app.visible.len(), 1);
    let (_, e) = b.app.selected_entry().expect("a rule");
    assert_eq!(
        e.name(),
        "Remote Management and Monitoring tool - SupRemo - File Signature"
    );
    // typing q goes into the filter, it does not quit
    b.key(KeyCode::Char('q'));
    assert!(!b.app.quit);
    assert!(b.app.visible.is_empty());
    b.key(KeyCode::Backspace);
    b.key(KeyCode::Enter);
    assert!(!b.app.filtering);
    assert_eq!(b.app.visible.len(), 1);
    // Esc on the rule list clears the filter, keeping the rule selected
    b.key(KeyCode::Esc);
    assert_eq!(b.app.visible.len(), all);
    let (_, e) = b.app.selected_entry().expect("a rule");
    assert!(e.name().contains("SupRemo - File Signature"));
}

#[test]
fn run_drill_record_and_back() {
    let mut b = Bench::bundled(&[]);
    b.select_rule("rules/rmm_supremo_f");

    // Enter runs the rule: one Run effect for the rule's query
    let fx = b.key(KeyCode::Enter);
    let spec = match &fx[..] {
        [Effect::Run(spec)] => spec,
        other => panic!("expected one run, got {other:?}"),
    };
    assert!(matches!(spec.purpose, JobPurpose::Rule { .. }));
    assert!(b.app.job.is_none(), "the synchronous run finished");

    let v = results(&b);
    assert_eq!(
        v.data.columns,
        [
            "DeviceId",
            "DeviceName",
            "FirstSeen",
            "LastSeen",
            "Report",
            "Count"
        ]
    );
    // two devices signed by Nanosystems in the 5 days before now; dev-c (benign) and dev-d (too old) are out
    let mut rows = v.data.text_rows();
    rows.sort();
    assert_eq!(
        rows,
        vec![
            vec![
                "dev-a".to_string(),
                "pc-a.contoso.com".into(),
                "2024-04-29T10:00:00Z".into(),
                "2024-04-30T08:30:00Z".into(),
                "[11,12]".into(),
                "2".into()
            ],
            vec![
                "dev-b".to_string(),
                "pc-b.contoso.com".into(),
                "2024-04-28T09:00:00Z".into(),
                "2024-04-28T09:00:00Z".into(),
                "[21]".into(),
                "1".into()
            ],
        ]
    );
    assert_eq!(v.data.now, helpers::now());
    assert!(
        v.drill.is_some(),
        "the query ends in summarize ... by DeviceId, DeviceName"
    );

    // select dev-a and drill into it
    let id = col(v, "DeviceId");
    let a = v
        .data
        .text_rows()
        .iter()
        .position(|r| r[id] == "dev-a")
        .expect("dev-a row");
    for _ in 0..a {
        b.key(KeyCode::Char('j'));
    }
    assert_eq!(results(&b).selected, a);
    let fx = b.key(KeyCode::Enter);
    let spec = match &fx[..] {
        [Effect::Run(spec)] => spec,
        other => panic!("expected one run, got {other:?}"),
    };
    assert!(
        spec.query.ends_with("| where DeviceId == \"dev-a\""),
        "{}",
        spec.query
    );
    assert!(!spec.query.contains("summarize"));
    assert_eq!(b.app.stack.len(), 2);
    assert_eq!(
        b.app.breadcrumbs(),
        [
            "Rules",
            "Remote Management and Monitoring tool - SupRemo - File Signature",
            "DeviceId = dev-a"
        ]
    );
    let ev = results(&b);
    assert!(ev.drill.is_none());
    let rid = col(ev, "ReportId");
    let rows = ev.data.text_rows();
    let mut reports: Vec<&str> = rows.iter().map(|r| r[rid].as_str()).collect();
    reports.sort();
    assert_eq!(reports, ["11", "12"], "the raw events behind dev-a");
    // the raw events keep every column of the table
    assert!(ev.data.columns.iter().any(|c| c == "Signer"));

    // Enter on an event opens the full record
    b.key(KeyCode::Char('G'));
    let sel = results(&b).selected;
    assert_eq!(sel, 1);
    b.key(KeyCode::Enter);
    let Some(Screen::Record(r)) = b.app.stack.last() else {
        panic!("expected a record")
    };
    assert_eq!(r.crumb, "record 2 of 2");
    assert_eq!(r.columns.len(), ev_columns(&b));
    let signer = r
        .columns
        .iter()
        .position(|c| c == "Signer")
        .expect("Signer");
    assert_eq!(r.values[signer], "Nanosystems S.r.l.");
    // Enter on a record does nothing more
    b.key(KeyCode::Enter);
    assert_eq!(b.app.stack.len(), 3);

    // back: events with the selection kept, then the rule results with theirs, then the list
    b.key(KeyCode::Esc);
    assert_eq!(results(&b).selected, 1);
    assert!(results(&b).drill.is_none());
    b.key(KeyCode::Backspace);
    assert_eq!(results(&b).selected, a);
    assert!(results(&b).drill.is_some());
    b.key(KeyCode::Esc);
    assert!(b.app.stack.is_empty());
    let (_, e) = b.app.selected_entry().expect("still selected");
    assert!(e.name().contains("SupRemo - File Signature"));
    b.key(KeyCode::Char('q'));
    assert!(b.app.quit);
}

fn ev_columns(b: &Bench) -> usize {
    match b.app.stack.get(1) {
        Some(Screen::Results(v)) => v.data.columns.len(),
        _ => 0,
    }
}

#[test]
fn cancel_marks_the_job_stale() {
    let mut b = Bench::bundled(&[]);
    b.select_rule("rules/rmm_supremo_f");
    // press Enter without running the effect: the job is pending
    let fx = b.app.handle_key(&ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    ));
    let [Effect::Run(spec)] = &fx[..] else {
        panic!("expected a run: {fx:?}")
    };
    let id = spec.id;
    assert!(b.app.job.is_some());
    assert_eq!(b.app.layers()[0], Layer::Running);
    let fx = b.app.handle_key(&ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Esc,
        KeyModifiers::NONE,
    ));
    assert_eq!(fx, vec![Effect::Cancel(id)]);
    assert!(b.app.job.is_none());
    // the late result is ignored
    let done = b.exec.execute_blocking(spec);
    huntbench::tui::update(&mut b.app, huntbench::tui::Action::JobDone(done));
    assert!(b.app.stack.is_empty());
    assert!(
        b.app
            .message
            .as_deref()
            .unwrap_or("")
            .starts_with("cancelled")
    );
}

#[test]
fn failed_rules_are_listed_and_do_not_run() {
    let tmp = tempfile::tempdir().unwrap();
    let mut report = helpers::load(&[helpers::repo().join("rules/rmm_SupRemo_filesig.yaml")]);
    helpers::rule_file(
        tmp.path(),
        "broken.yaml",
        "name: [unclosed\nquery: x\n",
        &mut report,
    );
    let mut b = Bench::new(report, &[]);
    assert_eq!(b.app.entries.len(), 2);
    b.key(KeyCode::Char('j'));
    let (_, e) = b.app.selected_entry().unwrap();
    assert!(matches!(e, RuleEntry::Failed(_)));
    let fx = b.key(KeyCode::Enter);
    assert!(fx.is_empty());
    assert!(b.app.stack.is_empty());
    assert!(
        b.app
            .message
            .as_deref()
            .unwrap_or("")
            .contains("failed to load")
    );
}

#[test]
fn a_failing_query_shows_its_error_and_reruns() {
    let tmp = tempfile::tempdir().unwrap();
    let mut report = huntbench::rules::LoadReport::default();
    helpers::rule_file(
        tmp.path(),
        "bad_column.yaml",
        "name: Bad column\nquery: |\n  DeviceFileCertificateInfo\n  | where NoSuchColumn == 1\n",
        &mut report,
    );
    let mut b = Bench::new(report, &[]);
    b.key(KeyCode::Char('r'));
    let Some(Screen::Error(e)) = b.app.stack.last() else {
        panic!("expected an error view: {:?}", b.app.stack)
    };
    assert!(
        e.error.message.contains("NoSuchColumn"),
        "{}",
        e.error.message
    );
    assert_eq!(e.error.line, Some(2));
    assert_eq!(e.error.column, Some(9));
    assert_eq!(
        e.error.line_text.as_deref(),
        Some("| where NoSuchColumn == 1")
    );
    // r runs it again: the error view is replaced, not stacked
    b.key(KeyCode::Char('r'));
    assert_eq!(b.app.stack.len(), 1);
    b.key(KeyCode::Esc);
    assert!(b.app.stack.is_empty());
}

#[test]
fn help_toggles_and_takes_the_keys() {
    let mut b = Bench::bundled(&[]);
    b.key(KeyCode::Char('?'));
    assert!(b.app.help);
    assert_eq!(b.app.layers(), [Layer::Help]);
    // q closes help rather than quitting
    b.key(KeyCode::Char('q'));
    assert!(!b.app.help);
    assert!(!b.app.quit);
    b.key_mod(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(b.app.quit);
}
