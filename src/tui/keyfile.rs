//! The user's keymap file: `keymap.toml` in the config dir (the `directories` crate's project config dir
//! for "huntbench", or `HUNTBENCH_CONFIG_DIR`). Per layer, an action name and the keys that run it,
//! replacing the default keys of that action in that layer:
//!
//! ```toml
//! [settings]
//! mouse = true
//!
//! [results]
//! sort_column = ["s", "S"]
//! export_csv = ["ctrl-e"]
//! ```
//!
//! A bad file never stops the workbench: what is bad (the whole file for a TOML syntax error; one entry for
//! an unknown layer, action or key name, or a key bound twice in a layer) keeps its defaults, and each
//! problem is reported as `file:line:column: what is wrong; what to do`. `huntbench tui --print-keymap`
//! writes the defaults in this format as a template.

use crate::kql::diag::line_col;
use std::ops::Range;
use std::path::{Path, PathBuf};

use ratatui::crossterm::event::KeyCode;

use super::action::Action;
use super::keymap::{Binding, Key, Keymap, Layer};

/// The file name in the config dir.
pub const FILE_NAME: &str = "keymap.toml";

/// Settings from the `[settings]` table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Mouse reporting: wheel scrolls, click selects.
    pub mouse: bool,
}

/// The active keymap and settings, and the problems found in the user's file (empty when it is fine or
/// absent).
#[derive(Clone, Debug)]
pub struct Loaded {
    pub keymap: Keymap,
    pub settings: Settings,
    pub problems: Vec<String>,
    /// The file read, when there was one.
    pub path: Option<PathBuf>,
}

/// The config dir ([`crate::config::config_dir`]), where `keymap.toml` lives beside `config.toml`.
pub use crate::config::config_dir;

/// The user's keymap file path (it may not exist).
pub fn user_file() -> Option<PathBuf> {
    config_dir().map(|d| d.join(FILE_NAME))
}

/// The defaults with the user's file from the config dir applied (defaults alone when there is none).
pub fn load_user() -> Loaded {
    match user_file() {
        Some(p) => load_file(&p),
        None => Loaded {
            keymap: Keymap::defaults(),
            settings: Settings::default(),
            problems: Vec::new(),
            path: None,
        },
    }
}

/// The defaults with `path` applied; a missing file is no problem, an unreadable one is.
pub fn load_file(path: &Path) -> Loaded {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            let (keymap, settings, problems) =
                apply(Keymap::defaults(), &text, &path.display().to_string());
            Loaded {
                keymap,
                settings,
                problems,
                path: Some(path.to_path_buf()),
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Loaded {
            keymap: Keymap::defaults(),
            settings: Settings::default(),
            problems: Vec::new(),
            path: None,
        },
        Err(e) => Loaded {
            keymap: Keymap::defaults(),
            settings: Settings::default(),
            problems: vec![format!(
                "{}: cannot read the keymap file: {e}; using the default keys",
                path.display()
            )],
            path: Some(path.to_path_buf()),
        },
    }
}

/// The name of an action in the file: its variant in snake case (`SortColumn` → `sort_column`,
/// `Export(Csv)` → `export_csv`).
pub fn action_name(a: &Action) -> String {
    snake(&format!("{a:?}"))
}

/// The name of a layer in the file (`RowInput` → `row_input`).
pub fn layer_name(l: Layer) -> String {
    snake(&format!("{l:?}"))
}

fn snake(debug: &str) -> String {
    let mut out = String::new();
    for c in debug.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// How a key is written in the file (`Up`, `PageDown`, `ctrl-d`, `G`, `Space`); [`parse_key`] reads it back.
pub fn key_name(k: &Key) -> String {
    let base = match k.code {
        KeyCode::Char(' ') => "Space".to_string(),
        KeyCode::Char(c) => c.to_string(),
        KeyCode::Enter => "Enter".into(),
        KeyCode::Esc => "Esc".into(),
        KeyCode::Backspace => "Backspace".into(),
        KeyCode::Up => "Up".into(),
        KeyCode::Down => "Down".into(),
        KeyCode::Left => "Left".into(),
        KeyCode::Right => "Right".into(),
        KeyCode::PageUp => "PageUp".into(),
        KeyCode::PageDown => "PageDown".into(),
        KeyCode::Home => "Home".into(),
        KeyCode::End => "End".into(),
        KeyCode::Tab => "Tab".into(),
        KeyCode::BackTab => "BackTab".into(),
        KeyCode::Delete => "Delete".into(),
        KeyCode::Insert => "Insert".into(),
        KeyCode::F(n) => format!("F{n}"),
        other => format!("{other:?}"),
    };
    match (k.ctrl, k.alt) {
        (true, true) => format!("ctrl-alt-{base}"),
        (true, false) => format!("ctrl-{base}"),
        (false, true) => format!("alt-{base}"),
        _ => base,
    }
}

/// Reads a key name: one character (`s`, `G`, `?`), a named key (`Enter`, `Esc`, `Backspace`, `Tab`,
/// `BackTab`, `Space`, `Up`/`Down`/`Left`/`Right`, `PageUp`, `PageDown`, `Home`, `End`, `Delete`, `Insert`,
/// `F1`..`F12`; any case; the help's `↑`, `PgDn`, `Bksp` too), with `ctrl-` and/or `alt-` before it.
pub fn parse_key(s: &str) -> Result<Key, String> {
    let mut rest = s;
    let (mut ctrl, mut alt) = (false, false);
    loop {
        let lower = rest.to_ascii_lowercase();
        if rest.chars().count() > 1 && lower.starts_with("ctrl-") {
            ctrl = true;
            rest = &rest[5..];
        } else if rest.chars().count() > 1 && lower.starts_with("alt-") {
            alt = true;
            rest = &rest[4..];
        } else {
            break;
        }
    }
    let mut chars = rest.chars();
    let code = match (chars.next(), chars.next()) {
        (Some(c), None) if !c.is_control() => match c {
            '↑' => KeyCode::Up,
            '↓' => KeyCode::Down,
            '←' => KeyCode::Left,
            '→' => KeyCode::Right,
            _ => KeyCode::Char(c),
        },
        _ => match rest.to_ascii_lowercase().as_str() {
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "backspace" | "bksp" => KeyCode::Backspace,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pageup" | "pgup" => KeyCode::PageUp,
            "pagedown" | "pgdn" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "delete" | "del" => KeyCode::Delete,
            "insert" | "ins" => KeyCode::Insert,
            f if f.len() >= 2 && f.starts_with('f') => match f[1..].parse::<u8>() {
                Ok(n @ 1..=12) => KeyCode::F(n),
                _ => return Err(unknown_key(s)),
            },
            _ => return Err(unknown_key(s)),
        },
    };
    Ok(Key { code, ctrl, alt })
}

fn unknown_key(s: &str) -> String {
    format!(
        "unknown key name \"{}\"; write one character (\"s\", \"G\") or a named key (Enter, Esc, Backspace, Tab, Space, Up, Down, Left, Right, PageUp, PageDown, Home, End, Delete, F1..F12), optionally after ctrl- or alt-",
        s.escape_debug()
    )
}

/// The layers that have bindings, in the keymap's order.
fn layers_of(km: &Keymap) -> Vec<Layer> {
    let mut out: Vec<Layer> = Vec::new();
    for b in &km.bindings {
        if !out.contains(&b.layer) {
            out.push(b.layer);
        }
    }
    out
}

/// One user entry that applies: which binding (by layer and action name) gets which keys.
struct Override {
    layer: Layer,
    action: String,
    keys: Vec<Key>,
    span: Range<usize>,
}

/// Applies the file `text` (shown as `origin` in problems) to `base`; returns the keymap, the settings and
/// the problems, in file order.
pub fn apply(base: Keymap, text: &str, origin: &str) -> (Keymap, Settings, Vec<String>) {
    use toml::de::{DeTable, DeValue};
    let mut problems: Vec<(usize, String)> = Vec::new();
    let at = |span: &Range<usize>, msg: String| {
        let (l, c) = line_col(text, span.start);
        (span.start, format!("{origin}:{l}:{c}: {msg}"))
    };
    let mut settings = Settings::default();
    let doc = match DeTable::parse(text) {
        Ok(d) => d.into_inner(),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().replace('\n', " ");
            let (_, m) = at(
                &span,
                format!("{msg}; fix the TOML syntax (the default keys are used until then)"),
            );
            return (base, settings, vec![m]);
        }
    };
    let layers = layers_of(&base);
    let layer_names: Vec<String> = layers.iter().map(|l| layer_name(*l)).collect();
    let mut overrides: Vec<Override> = Vec::new();
    for (section, value) in doc {
        let sspan = section.span();
        let name = section.into_inner().into_owned();
        let DeValue::Table(table) = value.into_inner() else {
            problems.push(at(
                &sspan,
                format!("`{name}` must be a table such as [{name}]; it is ignored"),
            ));
            continue;
        };
        if name == "settings" {
            for (k, v) in table {
                let kspan = k.span();
                match (k.get_ref().as_ref(), v.get_ref()) {
                    ("mouse", DeValue::Boolean(b)) => settings.mouse = *b,
                    ("mouse", _) => problems.push(at(
                        &v.span(),
                        "mouse must be true or false; the mouse stays off".into(),
                    )),
                    (other, _) => problems.push(at(
                        &kspan,
                        format!("unknown setting `{other}`; the settings are: mouse"),
                    )),
                }
            }
            continue;
        }
        let Some(li) = layer_names.iter().position(|n| *n == name) else {
            problems.push(at(
                &sspan,
                format!(
                    "unknown layer [{name}]; the layers are: settings, {}; its keys are ignored",
                    layer_names.join(", ")
                ),
            ));
            continue;
        };
        let layer = layers[li];
        let actions: Vec<String> = {
            let mut a: Vec<String> = Vec::new();
            for b in base.bindings.iter().filter(|b| b.layer == layer) {
                let n = action_name(&b.action);
                if !a.contains(&n) {
                    a.push(n);
                }
            }
            a
        };
        for (k, v) in table {
            let kspan = k.span();
            let action = k.into_inner().into_owned();
            if !actions.contains(&action) {
                problems.push(at(
                    &kspan,
                    format!(
                        "unknown action `{action}` in [{name}]; the actions there are: {}; this entry is ignored",
                        actions.join(", ")
                    ),
                ));
                continue;
            }
            let vspan = v.span();
            let DeValue::Array(list) = v.into_inner() else {
                problems.push(at(
                    &vspan,
                    format!(
                        "`{action}` needs a list of key names such as [\"s\", \"ctrl-d\"]; its default keys are kept"
                    ),
                ));
                continue;
            };
            let mut keys = Vec::new();
            let mut bad = false;
            for item in list {
                let ispan = item.span();
                let DeValue::String(name) = item.into_inner() else {
                    problems.push(at(
                        &ispan,
                        format!("a key name is a string such as \"s\"; the default keys of `{action}` are kept"),
                    ));
                    bad = true;
                    continue;
                };
                match parse_key(&name) {
                    Ok(k) if keys.contains(&k) => {}
                    Ok(k) => keys.push(k),
                    Err(e) => {
                        problems.push(at(
                            &ispan,
                            format!("{e}; the default keys of `{action}` are kept"),
                        ));
                        bad = true;
                    }
                }
            }
            if !bad {
                overrides.push(Override {
                    layer,
                    action,
                    keys,
                    span: kspan,
                });
            }
        }
    }
    // a key bound twice in a layer: the user's entries involved keep their defaults (repeated, as a
    // reverted entry can collide again; the defaults never collide)
    let km = loop {
        let km = with_overrides(&base, &overrides);
        let Some((layer, key, involved)) = first_clash(&km) else {
            break km;
        };
        let culprits: Vec<usize> = overrides
            .iter()
            .enumerate()
            .filter(|(_, o)| o.layer == layer && involved.contains(&o.action))
            .map(|(i, _)| i)
            .collect();
        if culprits.is_empty() {
            break km; // the defaults themselves clash: nothing of the user's to drop
        }
        let others: Vec<String> = involved.clone();
        for i in culprits.into_iter().rev() {
            let o = overrides.remove(i);
            problems.push(at(
                &o.span,
                format!(
                    "the key {} is bound twice in [{}] ({}); give each key one action there; the default keys of `{}` are kept",
                    key_name(&key),
                    layer_name(layer),
                    others.join(" and "),
                    o.action
                ),
            ));
        }
    };
    problems.sort_by_key(|p| p.0);
    (km, settings, problems.into_iter().map(|p| p.1).collect())
}

fn with_overrides(base: &Keymap, overrides: &[Override]) -> Keymap {
    let mut km = base.clone();
    for o in overrides {
        for b in km
            .bindings
            .iter_mut()
            .filter(|b| b.layer == o.layer && action_name(&b.action) == o.action)
        {
            b.keys = o.keys.clone();
        }
    }
    km
}

/// The first key bound to two actions in one layer: the layer, the key and the actions' names.
fn first_clash(km: &Keymap) -> Option<(Layer, Key, Vec<String>)> {
    for layer in layers_of(km) {
        let bs: Vec<&Binding> = km.bindings.iter().filter(|b| b.layer == layer).collect();
        for (i, b) in bs.iter().enumerate() {
            for k in &b.keys {
                let names: Vec<String> = bs[i..]
                    .iter()
                    .filter(|o| o.keys.contains(k))
                    .map(|o| action_name(&o.action))
                    .collect();
                if names.len() > 1 {
                    return Some((layer, *k, names));
                }
            }
        }
    }
    None
}

/// The keymap in the file's format, every binding with its help as a comment: a template to edit.
pub fn to_file(km: &Keymap) -> String {
    let mut out = String::from(
        "# huntbench workbench keymap. Put this file at the path `huntbench tui --print-keymap` names\n\
         # (or in $HUNTBENCH_CONFIG_DIR) and keep only what you change: each entry replaces the default keys\n\
         # of that action in that layer. Keys: one character (\"s\", \"G\", \"?\") or Enter, Esc, Backspace, Tab,\n\
         # Space, Up, Down, Left, Right, PageUp, PageDown, Home, End, Delete, F1..F12, optionally after\n\
         # ctrl- or alt-. An empty list unbinds an action.\n\n\
         [settings]\n\
         # Mouse: the wheel scrolls, a click selects (same as --mouse).\n\
         mouse = false\n",
    );
    for layer in layers_of(km) {
        out.push_str(&format!("\n# {}\n[{}]\n", layer.title(), layer_name(layer)));
        let mut seen: Vec<String> = Vec::new();
        for b in km.bindings.iter().filter(|b| b.layer == layer) {
            let name = action_name(&b.action);
            if seen.contains(&name) {
                continue;
            }
            seen.push(name.clone());
            let keys: Vec<String> = b
                .keys
                .iter()
                .map(|k| format!("\"{}\"", key_name(k).escape_default()))
                .collect();
            out.push_str(&format!("{name} = [{}]  # {}\n", keys.join(", "), b.help));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(action_name(&Action::SortColumn), "sort_column");
        assert_eq!(
            action_name(&Action::Export(super::super::export::Format::Csv)),
            "export_csv"
        );
        assert_eq!(layer_name(Layer::RowInput), "row_input");
    }

    #[test]
    fn keys_round_trip() {
        for b in Keymap::defaults().bindings {
            for k in b.keys {
                assert_eq!(parse_key(&key_name(&k)), Ok(k), "{k:?}");
            }
        }
        assert_eq!(parse_key("↓"), Ok(Key::plain(KeyCode::Down)));
        assert_eq!(parse_key("PgDn"), Ok(Key::plain(KeyCode::PageDown)));
        assert_eq!(parse_key("CTRL-d"), Ok(Key::ctrl('d')));
        assert_eq!(parse_key("-"), Ok(Key::ch('-')));
        assert!(parse_key("Hyper").is_err());
        assert!(parse_key("F13").is_err());
        assert!(parse_key("").is_err());
    }

    #[test]
    fn the_template_reads_back_as_the_defaults() {
        let d = Keymap::defaults();
        let (km, s, problems) = apply(d.clone(), &to_file(&d), "t.toml");
        assert_eq!(problems, Vec::<String>::new());
        assert_eq!(km, d);
        assert_eq!(s, Settings::default());
    }
}
