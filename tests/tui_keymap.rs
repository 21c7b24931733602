//! The user keymap file: parsing, overriding the defaults, problems reported with file, line and column
//! (the defaults kept for what is bad), the help overlay and footer showing the user's keys, and
//! `huntbench tui --print-keymap`.

#[path = "tui_helpers.rs"]
mod helpers;

use helpers::Bench;
use huntbench::tui::action::Action;
use huntbench::tui::keyfile::{self, Settings, apply, parse_key, to_file};
use huntbench::tui::keymap::{Key, Keymap, Layer};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn resolve(km: &Keymap, layers: &[Layer], code: KeyCode, m: KeyModifiers) -> Option<Action> {
    km.resolve(layers, &KeyEvent::new(code, m))
}

const RESULTS: &[Layer] = &[Layer::Results, Layer::Global];

#[test]
fn an_entry_replaces_the_default_keys_of_its_action_in_its_layer() {
    let text = "[results]\nsort_column = [\"S\", \"ctrl-o\"]\nexport_csv = [\"F5\"]\n\n[settings]\nmouse = true\n";
    let (km, settings, problems) = apply(Keymap::defaults(), text, "keymap.toml");
    assert_eq!(problems, Vec::<String>::new());
    assert_eq!(settings, Settings { mouse: true });
    let none = KeyModifiers::NONE;
    assert_eq!(
        resolve(&km, RESULTS, KeyCode::Char('S'), KeyModifiers::SHIFT),
        Some(Action::SortColumn)
    );
    assert_eq!(
        resolve(&km, RESULTS, KeyCode::Char('o'), KeyModifiers::CONTROL),
        Some(Action::SortColumn)
    );
    // the old key no longer sorts
    assert_eq!(resolve(&km, RESULTS, KeyCode::Char('s'), none), None);
    assert_eq!(
        resolve(&km, RESULTS, KeyCode::F(5), none),
        Some(Action::Export(huntbench::tui::export::Format::Csv))
    );
    // other layers and actions keep their defaults
    assert_eq!(
        resolve(&km, RESULTS, KeyCode::Char('x'), none),
        None,
        "x was export_csv's only key"
    );
    assert_eq!(
        resolve(&km, RESULTS, KeyCode::Char('X'), none),
        Some(Action::Export(huntbench::tui::export::Format::Json))
    );
    assert_eq!(
        resolve(
            &km,
            &[Layer::Rules, Layer::Global],
            KeyCode::Char('s'),
            none
        ),
        None
    );
    assert_eq!(
        resolve(&km, &[Layer::Rules, Layer::Global], KeyCode::Enter, none),
        Some(Action::Run)
    );
}

#[test]
fn an_empty_list_unbinds() {
    let (km, _, problems) = apply(Keymap::defaults(), "[global]\nquit = []\n", "k.toml");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        resolve(&km, RESULTS, KeyCode::Char('q'), KeyModifiers::NONE),
        None
    );
}

#[test]
fn key_names() {
    assert_eq!(parse_key("Enter"), Ok(Key::plain(KeyCode::Enter)));
    assert_eq!(parse_key("pagedown"), Ok(Key::plain(KeyCode::PageDown)));
    assert_eq!(parse_key("Space"), Ok(Key::ch(' ')));
    assert_eq!(parse_key("ctrl-u"), Ok(Key::ctrl('u')));
    assert_eq!(
        parse_key("alt-x"),
        Ok(Key {
            code: KeyCode::Char('x'),
            ctrl: false,
            alt: true
        })
    );
    assert_eq!(parse_key("F12"), Ok(Key::plain(KeyCode::F(12))));
    for bad in ["", "Hyper", "F0", "ctrl-Nope", "ab"] {
        assert!(parse_key(bad).is_err(), "{bad:?} is refused");
    }
}

#[test]
fn a_toml_syntax_error_keeps_every_default_and_says_where() {
    let text = "[results]\nsort_column = [\"S\"\nhide_column = [\"H\"]\n";
    let (km, _, problems) = apply(Keymap::defaults(), text, "/cfg/keymap.toml");
    assert_eq!(km, Keymap::defaults());
    assert_eq!(problems.len(), 1, "{problems:?}");
    // the unclosed array is noticed on line 3 (where `hide_column` starts instead of `]` or `,`)
    assert!(
        problems[0].starts_with("/cfg/keymap.toml:3:"),
        "{}",
        problems[0]
    );
    assert!(
        problems[0].contains("fix the TOML syntax"),
        "{}",
        problems[0]
    );
}

#[test]
fn bad_entries_keep_their_defaults_and_are_located() {
    let text = "\
[results]
sortt = [\"S\"]
hide_column = [\"Hyper-H\"]
search_start = [\"?\"]

[rulez]
run = [\"R\"]

[rules]
run = [\"R\", \"Enter\"]
";
    let (km, _, problems) = apply(Keymap::defaults(), text, "keymap.toml");
    // unknown action, at line 2 column 1
    assert!(problems[0].starts_with("keymap.toml:2:1: unknown action `sortt` in [results]"));
    assert!(
        problems[0].contains("sort_column"),
        "lists the actions: {}",
        problems[0]
    );
    // unknown key name, at the string's column
    assert!(
        problems[1].starts_with("keymap.toml:3:16: unknown key name \"Hyper-H\""),
        "{}",
        problems[1]
    );
    // unknown layer
    assert!(
        problems[2].starts_with("keymap.toml:6:2: unknown layer [rulez]"),
        "{}",
        problems[2]
    );
    assert_eq!(problems.len(), 3, "{problems:?}");
    // `?` is free in the results layer (it is help in the global one, which results shadow): allowed
    assert_eq!(
        resolve(&km, RESULTS, KeyCode::Char('?'), KeyModifiers::NONE),
        Some(Action::SearchStart)
    );
    assert_eq!(
        resolve(&km, RESULTS, KeyCode::Char('-'), KeyModifiers::NONE),
        Some(Action::HideColumn),
        "the bad entry keeps the default"
    );
    assert_eq!(
        resolve(
            &km,
            &[Layer::Rules],
            KeyCode::Char('R'),
            KeyModifiers::SHIFT
        ),
        Some(Action::Run)
    );
}

#[test]
fn a_key_bound_twice_in_a_layer_keeps_the_defaults_of_the_entry() {
    // `s` is sort_column's default key: hide_column on `s` clashes with it
    let text = "[results]\nhide_column = [\"s\"]\n";
    let (km, _, problems) = apply(Keymap::defaults(), text, "keymap.toml");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].starts_with("keymap.toml:2:1: the key s is bound twice in [results]"),
        "{}",
        problems[0]
    );
    assert!(problems[0].contains("hide_column"), "{}", problems[0]);
    assert_eq!(km, Keymap::defaults());
    // swapping two keys is no clash
    let text = "[results]\nhide_column = [\"s\"]\nsort_column = [\"-\"]\n";
    let (km, _, problems) = apply(Keymap::defaults(), text, "keymap.toml");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        resolve(&km, RESULTS, KeyCode::Char('s'), KeyModifiers::NONE),
        Some(Action::HideColumn)
    );
    assert_eq!(
        resolve(&km, RESULTS, KeyCode::Char('-'), KeyModifiers::NONE),
        Some(Action::SortColumn)
    );
}

#[test]
fn settings_problems() {
    let (_, s, problems) = apply(
        Keymap::defaults(),
        "[settings]\nmouse = \"yes\"\ncolour = true\n",
        "k.toml",
    );
    assert_eq!(s, Settings::default());
    assert!(
        problems[0].starts_with("k.toml:2:9: mouse must be true or false"),
        "{problems:?}"
    );
    assert!(
        problems[1].starts_with("k.toml:3:1: unknown setting `colour`"),
        "{problems:?}"
    );
}

#[test]
fn the_template_is_the_defaults() {
    let d = Keymap::defaults();
    let text = to_file(&d);
    assert!(text.contains("[results]\n"), "{text}");
    assert!(
        text.contains("sort_column = [\"s\"]  # sort (asc/desc)\n"),
        "{text}"
    );
    assert!(
        text.contains("page_down = [\"PageDown\", \"ctrl-d\"]"),
        "{text}"
    );
    let (km, s, problems) = apply(d.clone(), &text, "t.toml");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(km, d);
    assert_eq!(s, Settings::default());
}

#[test]
fn a_file_in_the_config_dir_is_read_and_a_missing_one_is_fine() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(keyfile::FILE_NAME);
    let none = keyfile::load_file(&path);
    assert!(none.problems.is_empty());
    assert_eq!(none.keymap, Keymap::defaults());
    std::fs::write(&path, "[results]\nsort_column = [\"o\"]\n").expect("write");
    let l = keyfile::load_file(&path);
    assert!(l.problems.is_empty(), "{:?}", l.problems);
    assert_eq!(
        resolve(&l.keymap, RESULTS, KeyCode::Char('o'), KeyModifiers::NONE),
        Some(Action::SortColumn)
    );
}

fn supremo() -> Bench {
    let report = helpers::load(&[helpers::repo().join("rules/rmm_SupRemo_filesig.yaml")]);
    let mut b = Bench::new(report, &[]);
    b.key(KeyCode::Enter);
    b
}

#[test]
fn help_and_footer_show_the_users_keys() {
    let mut b = supremo();
    let (km, _, _) = apply(
        Keymap::defaults(),
        "[results]\nsort_column = [\"o\"]\n[global]\ntoggle_help = [\"F1\"]\n",
        "k.toml",
    );
    b.app.keymap = km;
    let screen = b.screen(80, 24);
    let footer = screen.lines().nth(23).unwrap_or("");
    assert!(footer.contains("o sort (asc/desc)"), "{footer}");
    assert!(footer.contains("F1 help"), "{footer}");
    // the rebound key opens the help; `?` no longer does
    b.key(KeyCode::Char('?'));
    assert!(!b.app.help);
    b.key(KeyCode::F(1));
    assert!(b.app.help);
    let screen = b.screen(160, 48);
    let line = screen
        .lines()
        .find(|l| l.contains("sort (asc/desc)"))
        .unwrap_or_else(|| panic!("help lists sort:\n{screen}"));
    assert!(line.contains("  o    "), "{line}");
    assert!(!screen.contains("  s    "), "{screen}");
}

#[test]
fn problems_show_in_the_status_line_and_the_help() {
    let mut b = supremo();
    let (km, _, problems) = apply(
        Keymap::defaults(),
        "[results]\nsortt = [\"o\"]\n",
        "/home/a/keymap.toml",
    );
    b.app.keymap = km;
    b.app.message = huntbench::tui::problems_note(&problems);
    b.app.keymap_problems = problems;
    let screen = b.screen(160, 48);
    let status = screen.lines().nth(46).unwrap_or("");
    assert!(
        status.contains("keymap: /home/a/keymap.toml:2:1: unknown action `sortt`"),
        "{status}"
    );
    b.key(KeyCode::Char('?'));
    let screen = b.screen(160, 48);
    assert!(
        screen.contains("/home/a/keymap.toml:2:1: unknown action"),
        "{screen}"
    );
}

#[test]
fn print_keymap_writes_the_template() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = assert_cmd::Command::cargo_bin("huntbench")
        .expect("binary")
        .env("HUNTBENCH_CONFIG_DIR", dir.path())
        .args(["tui", "--print-keymap"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let path = dir.path().join("keymap.toml");
    assert!(
        text.starts_with(&format!("# Default keymap. Save as {}", path.display())),
        "{text}"
    );
    // the printed file reads back as the defaults
    let (km, _, problems) = apply(Keymap::defaults(), &text, "printed");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(km, Keymap::defaults());
}

#[test]
fn help_with_a_problem_80x24() {
    let report = helpers::load(&[helpers::repo().join("rules/rmm_SupRemo_filesig.yaml")]);
    let mut b = Bench::new(report, &[]);
    let (km, _, problems) = apply(
        Keymap::defaults(),
        "[rules]\nrun = [\"Hyper-r\"]\n",
        "/home/analyst/.config/huntbench/keymap.toml",
    );
    b.app.keymap = km;
    b.app.keymap_problems = problems;
    b.key(KeyCode::Char('?'));
    insta::assert_snapshot!(b.screen(80, 24));
}
