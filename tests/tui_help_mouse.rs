//! The help overlay fits 80x24 in every layer (scrolling when it is taller than the screen: every binding
//! of the active layers can be brought into view), and the optional mouse: the wheel moves the cursor, a
//! click selects the rule, row and column under it.

#[path = "tui_helpers.rs"]
mod helpers;

use helpers::Bench;
use huntbench::tui::action::{Action, Effect};
use huntbench::tui::app::Screen;
use huntbench::tui::runtime::mouse_actions;
use huntbench::tui::update;
use ratatui::crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

/// Every help text of the bindings the help lists (the active layers under it), as drawn: the first 12
/// characters (a long text is cut at the column's edge).
fn wanted(b: &Bench) -> Vec<String> {
    let layers = b.app.screen_layers();
    b.app
        .keymap
        .active(&layers)
        .iter()
        .map(|bd| bd.help.chars().take(12).collect())
        .collect()
}

/// Opens the help, scrolls through it at 80x24, and checks that every binding showed and the box fits.
fn help_reaches_everything(b: &mut Bench, what: &str) {
    b.app.help = true;
    b.app.help_scroll = 0;
    let mut missing = wanted(b);
    let mut last_scroll = usize::MAX;
    for _ in 0..100 {
        let screen = b.screen(80, 24);
        let lines: Vec<&str> = screen.lines().collect();
        assert_eq!(lines.len(), 24);
        let top = lines
            .iter()
            .position(|l| l.contains("┌ Keys"))
            .unwrap_or_else(|| panic!("{what}: no help box\n{screen}"));
        assert!(
            lines[top + 1..].iter().any(|l| l.contains('└')),
            "{what}: the help box is closed on screen\n{screen}"
        );
        missing.retain(|h| !screen.contains(h.as_str()));
        if b.app.help_scroll == last_scroll {
            break;
        }
        last_scroll = b.app.help_scroll;
        update(&mut b.app, Action::Down);
    }
    assert!(missing.is_empty(), "{what}: never shown: {missing:?}");
    update(&mut b.app, Action::ToggleHelp);
    assert!(!b.app.help);
}

fn supremo() -> Bench {
    let report = helpers::load(&[helpers::repo().join("rules/rmm_SupRemo_filesig.yaml")]);
    Bench::new(report, &[])
}

#[test]
fn help_fits_80x24_in_every_layer() {
    let mut b = Bench::bundled(&[]);
    help_reaches_everything(&mut b, "rule list");
    b.key(KeyCode::Char('/'));
    help_reaches_everything(&mut b, "typing a filter");
    b.key(KeyCode::Esc);

    let mut b = supremo();
    b.key(KeyCode::Char('p'));
    assert!(matches!(b.app.stack.last(), Some(Screen::Params(_))));
    help_reaches_everything(&mut b, "parameters");
    b.key(KeyCode::Enter);
    help_reaches_everything(&mut b, "editing a parameter");
    b.key(KeyCode::Esc);
    b.key(KeyCode::Esc);

    // running: the effect is not run, so the job stays pending
    let _ = b.app.handle_key(&ratatui::crossterm::event::KeyEvent::new(
        KeyCode::Enter,
        KeyModifiers::NONE,
    ));
    assert!(b.app.job.is_some());
    help_reaches_everything(&mut b, "running");
    b.key(KeyCode::Esc);

    b.key(KeyCode::Enter);
    assert!(matches!(b.app.stack.last(), Some(Screen::Results(_))));
    help_reaches_everything(&mut b, "results");
    b.key(KeyCode::Char('/'));
    help_reaches_everything(&mut b, "typing a search");
    b.key(KeyCode::Esc);
    b.key(KeyCode::Enter); // dev-a's events
    b.key(KeyCode::Enter); // a record
    assert!(matches!(b.app.stack.last(), Some(Screen::Record(_))));
    help_reaches_everything(&mut b, "record");

    let tmp = tempfile::tempdir().expect("tempdir");
    let mut report = huntbench::rules::LoadReport::default();
    helpers::rule_file(
        tmp.path(),
        "bad.yaml",
        "name: Bad\nquery: |\n  DeviceFileCertificateInfo\n  | where Singer has 'x'\n",
        &mut report,
    );
    let mut b = Bench::new(report, &[]);
    b.key(KeyCode::Enter);
    assert!(matches!(b.app.stack.last(), Some(Screen::Error(_))));
    help_reaches_everything(&mut b, "error");
}

#[test]
fn a_tall_help_scrolls_and_says_so() {
    let mut b = supremo();
    b.key(KeyCode::Enter);
    b.app.help = true;
    // 60 columns: one column of bindings, taller than the screen
    let screen = b.screen(60, 24);
    assert!(screen.contains("j/k scroll"), "{screen}");
    assert!(screen.contains("next row"), "{screen}");
    b.key(KeyCode::Char('G')); // not a help key: nothing happens
    b.key(KeyCode::PageDown);
    b.key(KeyCode::PageDown);
    b.key(KeyCode::PageDown);
    let screen = b.screen(60, 24);
    assert!(
        !screen.contains("next row"),
        "scrolled past the top\n{screen}"
    );
    assert!(
        screen.contains("q/ctrl-c"),
        "the last binding shows\n{screen}"
    );
}

fn mouse(kind: MouseEventKind, x: u16, y: u16) -> MouseEvent {
    MouseEvent {
        kind,
        column: x,
        row: y,
        modifiers: KeyModifiers::NONE,
    }
}

#[test]
fn wheel_and_click() {
    assert_eq!(
        mouse_actions(&mouse(MouseEventKind::ScrollDown, 0, 0)),
        vec![Action::Down; 3]
    );
    assert_eq!(
        mouse_actions(&mouse(MouseEventKind::ScrollUp, 0, 0)),
        vec![Action::Up; 3]
    );
    assert_eq!(
        mouse_actions(&mouse(MouseEventKind::Down(MouseButton::Left), 7, 9)),
        vec![Action::Click { x: 7, y: 9 }]
    );
    assert!(mouse_actions(&mouse(MouseEventKind::Moved, 7, 9)).is_empty());

    // the rule list at 80x24: breadcrumbs on line 0, the list's border on line 1, rules from line 2
    let mut b = Bench::bundled(&[]);
    b.screen(80, 24);
    update(&mut b.app, Action::Click { x: 5, y: 4 });
    assert_eq!(b.app.selected, 2);
    update(&mut b.app, Action::Click { x: 5, y: 0 }); // the breadcrumbs: nothing
    assert_eq!(b.app.selected, 2);

    // results: header on line 2, rows from line 3; DeviceId is 8 wide from x=1, DeviceName from x=10
    let mut b = supremo();
    b.key(KeyCode::Enter);
    b.screen(80, 24);
    let fx = update(&mut b.app, Action::Click { x: 12, y: 4 });
    assert!(fx.is_empty());
    match b.app.stack.last() {
        Some(Screen::Results(v)) => {
            assert_eq!(v.selected, 1);
            assert_eq!(v.col, 1, "DeviceName");
        }
        other => panic!("expected results, got {other:?}"),
    }
    // a click below the rows selects nothing new
    update(&mut b.app, Action::Click { x: 12, y: 10 });
    assert!(matches!(b.app.stack.last(), Some(Screen::Results(v)) if v.selected == 1));
    let _ = Effect::Quit;
}
