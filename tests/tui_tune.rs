//! Rule tuning in the workbench, driven with key presses over the tui fixture (dev-a: SupRemo-signed files
//! 28 h and 51.5 h before now; dev-b: one 75 h before now; see tests/tui_helpers.rs): exclude a device,
//! see the diff against the previous run, narrow the time window, see that diff, value counts with Enter
//! filtering, explain a raw event, and save the tuned rule to a new file and onto the rule file (backup).

#[path = "tui_helpers.rs"]
mod helpers;

use helpers::Bench;
use huntbench::tui::app::Screen;
use huntbench::tui::keymap::Layer;
use huntbench::tui::tune::Overlay;
use huntbench::tune::Outcome;
use ratatui::crossterm::event::KeyCode;

/// The SupRemo rule copied into a temp dir (saving writes there), and a bench over it.
fn bench() -> (Bench, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = helpers::repo().join("rules/rmm_SupRemo_filesig.yaml");
    let path = dir.path().join("rmm_SupRemo_filesig.yaml");
    std::fs::copy(&src, &path).expect("copy");
    let report = huntbench::rules::load_paths(&[path]);
    (Bench::new(report, &[]), dir)
}

fn results(b: &Bench) -> &huntbench::tui::app::ResultsView {
    match b.app.stack.last() {
        Some(Screen::Results(v)) => v,
        other => panic!("expected results, got {other:?}"),
    }
}

fn column(b: &Bench, name: &str) -> Vec<String> {
    let v = results(b);
    let c = v.data.columns.iter().position(|c| c == name).expect(name);
    let mut out: Vec<String> = v
        .shown_rows()
        .iter()
        .map(|&i| v.data.cell(i, c).into_owned())
        .collect();
    out.sort();
    out
}

/// Moves the column cursor to `name` and the row cursor to the row where it is `value`.
fn select_cell(b: &mut Bench, name: &str, value: &str) {
    for _ in 0..20 {
        let v = results(b);
        if v.current_column()
            .and_then(|c| v.data.columns.get(c))
            .map(String::as_str)
            == Some(name)
        {
            break;
        }
        b.key(KeyCode::Char('l'));
    }
    b.key(KeyCode::Char('g'));
    for _ in 0..20 {
        let v = results(b);
        let c = v.current_column().expect("a column");
        if v.cell(v.selected, c).as_deref() == Some(value) {
            return;
        }
        b.key(KeyCode::Char('j'));
    }
    panic!("no row with {name} = {value}");
}

fn set_window(b: &mut Bench, value: &str) {
    b.key(KeyCode::Char('p'));
    b.key(KeyCode::Enter);
    for _ in 0..20 {
        b.key(KeyCode::Backspace);
    }
    b.type_keys(value);
    b.key(KeyCode::Enter);
}

#[test]
fn exclude_diff_frequency_explain_save() {
    let (mut b, dir) = bench();
    let rule_path = dir.path().join("rmm_SupRemo_filesig.yaml");
    let original = std::fs::read_to_string(&rule_path).unwrap();
    b.key(KeyCode::Enter);
    assert_eq!(column(&b, "DeviceId"), ["dev-a", "dev-b"]);

    // value counts of DeviceName, Enter keeps the rows with that value
    select_cell(&mut b, "DeviceName", "pc-b.contoso.com");
    b.key(KeyCode::Char('F'));
    assert_eq!(b.app.layers()[0], Layer::Tune);
    let Some(Overlay::Frequency { counts, .. }) = &b.app.tune.overlay else {
        panic!("the frequency panel");
    };
    assert_eq!(counts.len(), 2);
    assert!(counts.iter().all(|(_, n)| *n == 1));
    let first = counts[0].0.clone();
    if let Some(Screen::Results(v)) = b.app.stack.last_mut() {
        v.data.elapsed = std::time::Duration::from_millis(42);
    }
    insta::assert_snapshot!("frequency_panel_80x24", b.screen(80, 24));
    b.key(KeyCode::Enter);
    assert!(b.app.tune.overlay.is_none());
    assert_eq!(column(&b, "DeviceName"), [first]);
    b.key(KeyCode::Char('c'));

    // exclude dev-b's device name: the rule runs again without it
    select_cell(&mut b, "DeviceName", "pc-b.contoso.com");
    b.key(KeyCode::Char('E'));
    assert_eq!(column(&b, "DeviceId"), ["dev-a"]);
    // the status line tells what the re-run changed
    let note = b.app.message.clone().unwrap_or_default();
    assert_eq!(
        note,
        "1 row · vs previous run: 0 added, 1 removed, 0 changed, 1 unchanged (D: diff)"
    );
    let q = b.app.rule_query(0).unwrap();
    assert!(
        q.contains("let Excluded_DeviceName = dynamic(['pc-b.contoso.com']);\n"),
        "{q}"
    );
    // the diff against the previous run: dev-b's group removed, dev-a's unchanged
    b.key(KeyCode::Char('D'));
    let Some(Overlay::Diff { diff, .. }) = &b.app.tune.overlay else {
        panic!("the diff view");
    };
    assert_eq!(
        (diff.added, diff.removed, diff.changed, diff.unchanged),
        (0, 1, 0, 1)
    );
    let devs: Vec<(&str, usize, usize)> = diff
        .devices
        .iter()
        .map(|d| (d.device.as_str(), d.before, d.after))
        .collect();
    assert_eq!(
        devs,
        [("pc-a.contoso.com", 1, 1), ("pc-b.contoso.com", 1, 0)]
    );
    let screen = b.screen(80, 24);
    assert!(screen.contains("Diff vs previous run"), "{screen}");
    insta::assert_snapshot!("diff_after_exclusion_80x24", screen);
    assert!(
        screen.contains("0 added, 1 removed, 0 changed, 1 unchanged"),
        "{screen}"
    );
    b.key(KeyCode::Esc);
    assert!(b.app.tune.overlay.is_none());

    // the exclusion list is a parameter; narrow the window to 2 days: dev-a's older file drops out
    b.key(KeyCode::Esc);
    b.key(KeyCode::Char('p'));
    let Some(Screen::Params(v)) = b.app.stack.last() else {
        panic!("the form");
    };
    let names: Vec<&str> = v.params.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Time_start",
            "Time_end",
            "Excluded_DeviceName",
            "Signer_has"
        ]
    );
    b.key(KeyCode::Esc);
    set_window(&mut b, "now(-2d)");
    b.key(KeyCode::Char('r'));
    assert_eq!(column(&b, "Count"), ["1"]);
    b.key(KeyCode::Char('D'));
    let Some(Overlay::Diff { diff, shipped, .. }) = &b.app.tune.overlay else {
        panic!("the diff view");
    };
    assert_eq!(
        (diff.added, diff.removed, diff.changed, diff.unchanged),
        (0, 0, 1, 0)
    );
    // against the rule as shipped (5 days, no exclusion): dev-b removed, dev-a's count changed
    let shipped = shipped
        .as_ref()
        .expect("the diff against the rule as shipped");
    assert_eq!(
        (
            shipped.added,
            shipped.removed,
            shipped.changed,
            shipped.unchanged
        ),
        (0, 1, 1, 0)
    );
    assert!(b.screen(80, 40).contains("Against the rule as shipped:"));
    b.key(KeyCode::Esc);

    // explain dev-a's events: the newer one is in, the older one fails the time window
    b.key(KeyCode::Enter);
    let events = results(&b).data.row_count();
    assert_eq!(events, 1, "the drill-down uses the tuned query");
    b.key(KeyCode::Char('w'));
    let Some(Overlay::Explain {
        verdicts: Some(Ok(vs)),
        ..
    }) = &b.app.tune.overlay
    else {
        panic!("the explain view: {:?}", b.app.tune.overlay);
    };
    let got: Vec<(&str, &Outcome)> = vs.iter().map(|v| (v.text.as_str(), &v.outcome)).collect();
    assert_eq!(
        got,
        [
            ("Timestamp between (Time_start..Time_end)", &Outcome::True),
            ("Signer has 'Nanosystems S.R.L.'", &Outcome::True),
            ("DeviceName !in (Excluded_DeviceName)", &Outcome::True),
        ]
    );
    let screen = b.screen(80, 24);
    assert!(screen.contains("Why this event"), "{screen}");
    b.key(KeyCode::Esc);
    b.key(KeyCode::Esc);

    // save to a new file, then onto the rule file with a backup
    b.key(KeyCode::Char('W'));
    let screen = b.screen(100, 30);
    assert!(screen.contains("Save the tuned rule"), "{screen}");
    b.key(KeyCode::Char('o'));
    let tuned_path = dir.path().join("rmm_SupRemo_filesig.tuned.yaml");
    let tuned = std::fs::read_to_string(&tuned_path).expect("the new file");
    // only the query lines change; the file's line ends (CRLF in the bundled rule) are kept
    let eol = if original.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let expected = original
        .replace("let Time_start = now(-5d);", "let Time_start = now(-2d);")
        .replace(
            &format!("  DeviceFileCertificateInfo{eol}"),
            &format!(
                "  let Excluded_DeviceName = dynamic(['pc-b.contoso.com']);{eol}  DeviceFileCertificateInfo{eol}"
            ),
        )
        .replace(
            "  | summarize ",
            &format!("  | where DeviceName !in (Excluded_DeviceName){eol}  | summarize "),
        );
    assert_eq!(tuned, expected);
    assert!(
        b.app
            .message
            .clone()
            .unwrap_or_default()
            .starts_with("saved ")
    );
    b.key(KeyCode::Char('W'));
    b.key(KeyCode::Char('y'));
    assert_eq!(std::fs::read_to_string(&rule_path).unwrap(), expected);
    let backup = dir.path().join("rmm_SupRemo_filesig.yaml.bak");
    assert_eq!(std::fs::read_to_string(backup).unwrap(), original);
    let note = b.app.message.clone().unwrap_or_default();
    assert!(note.contains("previous file kept as"), "{note}");
    // the rule is reloaded: the tuned values are its own now, and it runs as saved
    assert!(b.app.tune.base.is_empty() && b.app.params.is_empty());
    b.key(KeyCode::Char('r'));
    assert_eq!(column(&b, "Count"), ["1"]);
    let saved = huntbench::rules::load_file(&rule_path).unwrap();
    assert_eq!(b.app.rule_query(0), Some(saved.query));
    // nothing left to save
    b.key(KeyCode::Char('W'));
    assert!(b.app.tune.overlay.is_none());
    assert!(
        b.app
            .message
            .clone()
            .unwrap_or_default()
            .starts_with("nothing to save")
    );
}

#[test]
fn sessions_keep_values_and_exclusions() {
    let (mut b, dir) = bench();
    let sessions = dir.path().join("sessions");
    b.app.tune.sessions_dir = Some(sessions.clone());
    b.key(KeyCode::Enter);
    select_cell(&mut b, "DeviceName", "pc-b.contoso.com");
    b.key(KeyCode::Char('E'));
    b.key(KeyCode::Esc);
    set_window(&mut b, "now(-2d)");
    // in the form: S keeps the values and the exclusion
    b.key(KeyCode::Char('S'));
    let note = b.app.message.clone().unwrap_or_default();
    assert!(note.starts_with("session `"), "{note}");
    assert!(sessions.is_dir());

    // a fresh workbench over the same rule: O reopens it
    let report = huntbench::rules::load_paths(&[dir.path().join("rmm_SupRemo_filesig.yaml")]);
    let mut b2 = Bench::new(report, &[]);
    b2.app.tune.sessions_dir = Some(sessions);
    b2.key(KeyCode::Char('p'));
    b2.key(KeyCode::Char('O'));
    let Some(Screen::Params(v)) = b2.app.stack.last() else {
        panic!("the form");
    };
    let got: Vec<(&str, &str)> = v
        .params
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("Time_start", "now(-2d)"),
            ("Time_end", "now()"),
            ("Excluded_DeviceName", "dynamic(['pc-b.contoso.com'])"),
            ("Signer_has", "'Nanosystems S.R.L.'"),
        ]
    );
    b2.key(KeyCode::Char('r'));
    assert_eq!(column(&b2, "DeviceId"), ["dev-a"]);
    assert_eq!(column(&b2, "Count"), ["1"]);
}
