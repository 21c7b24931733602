//! The parameter form, driven through `update` with key presses: the SupRemo rule's time window edited from
//! 5 days to 2 days (fixture: dev-a has a SupRemo-signed file 28 h before now, dev-b one 75 h before), a bad
//! value refused with its reason, reset to the rule's value; runs and drill-downs use the edited query.

#[path = "tui_helpers.rs"]
mod helpers;

use helpers::Bench;
use huntbench::kql::params::ParamKind;
use huntbench::tui::action::Effect;
use huntbench::tui::app::Screen;
use huntbench::tui::keymap::Layer;
use ratatui::crossterm::event::KeyCode;

fn params(b: &Bench) -> &huntbench::tui::app::ParamsView {
    match b.app.stack.last() {
        Some(Screen::Params(v)) => v,
        other => panic!("expected the parameter form, got {other:?}"),
    }
}

/// Replaces the selected parameter's value by typing: Enter, erase, type, Enter.
fn set_value(b: &mut Bench, value: &str) {
    b.key(KeyCode::Enter);
    assert_eq!(b.app.layers()[0], Layer::ParamEdit);
    let n = params(b).edit.as_ref().map_or(0, |e| e.chars().count());
    for _ in 0..n {
        b.key(KeyCode::Backspace);
    }
    b.type_keys(value);
    b.key(KeyCode::Enter);
}

fn device_ids(b: &Bench) -> Vec<String> {
    let Some(Screen::Results(v)) = b.app.stack.last() else {
        panic!("expected results, got {:?}", b.app.stack.last());
    };
    let c = v
        .data
        .columns
        .iter()
        .position(|c| c == "DeviceId")
        .expect("DeviceId column");
    let mut ids: Vec<String> = v.data.text_rows().iter().map(|r| r[c].clone()).collect();
    ids.sort();
    ids
}

#[test]
fn the_form_lists_typed_parameters() {
    let mut b = Bench::bundled(&[]);
    b.select_rule("rules/rmm_supremo_f");
    b.key(KeyCode::Char('p'));
    let v = params(&b);
    let got: Vec<(&str, ParamKind, &str)> = v
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.kind, p.value.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("Time_start", ParamKind::Datetime, "now(-5d)"),
            ("Time_end", ParamKind::Datetime, "now()"),
            // the inline signer string is a parameter too (issue 4)
            ("Signer_has", ParamKind::String, "'Nanosystems S.R.L.'"),
        ]
    );
    assert_eq!(b.app.layers()[0], Layer::Params);
    b.key(KeyCode::Esc);
    assert!(b.app.stack.is_empty());
}

#[test]
fn edit_refuse_reset_and_run() {
    let mut b = Bench::bundled(&[]);
    b.select_rule("rules/rmm_supremo_f");
    // the rule as written: dev-a and dev-b
    b.key(KeyCode::Enter);
    assert_eq!(device_ids(&b), ["dev-a", "dev-b"]);
    b.key(KeyCode::Esc);

    b.key(KeyCode::Char('p'));
    // typed keys go into the value: q does not quit
    b.key(KeyCode::Enter);
    b.key(KeyCode::Char('q'));
    assert!(!b.app.quit);
    b.key(KeyCode::Esc); // cancel the edit
    assert_eq!(b.app.layers()[0], Layer::Params);
    assert_eq!(params(&b).params[0].value, "now(-5d)");

    // a bad timespan unit is refused with the reason, the value stays
    set_value(&mut b, "now(-5x)");
    let v = params(&b);
    assert_eq!(v.params[0].value, "now(-5d)");
    let err = v.error.clone().expect("a reason");
    assert!(err.starts_with("now(-5x) refused: "), "{err}");
    assert!(b.app.params.is_empty(), "nothing edited");
    // a malformed datetime too
    b.key(KeyCode::Esc); // leave the edit line open after a refusal
    set_value(&mut b, "datetime(2024-02-30)");
    assert!(params(&b).error.is_some());
    assert_eq!(params(&b).params[0].value, "now(-5d)");
    b.key(KeyCode::Esc);
    // a string is not a time window
    set_value(&mut b, "'yesterday'");
    let err = params(&b).error.clone().expect("a reason");
    assert!(err.contains("datetime"), "{err}");
    b.key(KeyCode::Esc);

    // 2 days: only dev-a's file (28 h before now) is inside
    set_value(&mut b, "now(-2d)");
    let v = params(&b);
    assert_eq!(v.error, None);
    assert_eq!(v.params[0].value, "now(-2d)");
    let q = b.app.rule_query(v.rule).expect("query");
    assert!(q.starts_with("let Time_start = now(-2d);\nlet Time_end = now();"));

    let fx = b.key(KeyCode::Char('r'));
    match &fx[..] {
        [Effect::Run(spec)] => assert!(spec.query.contains("now(-2d)"), "{}", spec.query),
        other => panic!("expected one run, got {other:?}"),
    }
    assert_eq!(device_ids(&b), ["dev-a"]);
    // the drill-down uses the edited window: dev-a's older file (52 h before now) is left out
    b.key(KeyCode::Enter);
    let Some(Screen::Results(v)) = b.app.stack.last() else {
        panic!("drill results");
    };
    assert!(v.query.contains("now(-2d)"));
    let rid = v
        .data
        .columns
        .iter()
        .position(|c| c == "ReportId")
        .expect("ReportId");
    let rows = v.data.text_rows();
    let reports: Vec<&str> = rows.iter().map(|r| r[rid].as_str()).collect();
    assert_eq!(reports, ["12"]);

    // back to the form, then the rule list: runs from the list keep the edit
    b.key(KeyCode::Esc);
    b.key(KeyCode::Esc);
    assert!(matches!(b.app.stack.last(), Some(Screen::Params(_))));
    b.key(KeyCode::Esc);
    b.key(KeyCode::Enter);
    assert_eq!(device_ids(&b), ["dev-a"]);
    b.key(KeyCode::Esc);

    // reset: the rule's own value again
    b.key(KeyCode::Char('p'));
    assert_eq!(params(&b).params[0].value, "now(-2d)");
    b.key(KeyCode::Char('u'));
    assert_eq!(params(&b).params[0].value, "now(-5d)");
    assert!(b.app.params.is_empty());
    b.key(KeyCode::Char('r'));
    assert_eq!(device_ids(&b), ["dev-a", "dev-b"]);
}

fn supremo_form() -> Bench {
    let report = helpers::load(&[helpers::repo().join("rules/rmm_SupRemo_filesig.yaml")]);
    let mut b = Bench::new(report, &[]);
    b.key(KeyCode::Char('p'));
    b
}

#[test]
fn form_edited_80x24() {
    let mut b = supremo_form();
    set_value(&mut b, "now(-1d)");
    insta::assert_snapshot!(b.screen(80, 24));
}

#[test]
fn rule_detail_shows_the_edited_query_160x48() {
    let mut b = supremo_form();
    set_value(&mut b, "now(-1d)");
    b.key(KeyCode::Esc);
    let s = b.screen(160, 48);
    assert!(
        s.contains("Query as it will run (parameters edited; p to change)"),
        "{s}"
    );
    assert!(s.contains("let Time_start = now(-1d);"), "{s}");
    insta::assert_snapshot!(s);
}

#[test]
fn form_refused_value_80x24() {
    let mut b = supremo_form();
    set_value(&mut b, "now(-5x)");
    insta::assert_snapshot!(b.screen(80, 24));
}
