//! The keymap: key → action bindings per layer, as data. The `?` help overlay and the footer hints are
//! generated from it, so they always match what the keys do. The user's file
//! (`keymap.toml` in the config dir) is read by [`super::keyfile`].

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;

/// A set of bindings active in one situation. Several are active at once, most specific first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layer {
    /// The help overlay is open.
    Help,
    /// Typing a rule filter.
    Filter,
    /// A query is running.
    Running,
    Rules,
    Results,
    Record,
    Error,
    /// The parameter form of a rule.
    Params,
    /// Typing a parameter value.
    ParamEdit,
    /// Typing a row filter or a search in a result view.
    RowInput,
    /// A rule-tuning overlay: diff, value counts, explain.
    Tune,
    /// Where to save the tuned rule.
    TuneConfirm,
    Global,
}

impl Layer {
    pub fn title(self) -> &'static str {
        match self {
            Layer::Help => "Help",
            Layer::Filter => "Filter",
            Layer::Running => "While a query runs",
            Layer::Rules => "Rule list",
            Layer::Results => "Results",
            Layer::Record => "Record",
            Layer::Error => "Error",
            Layer::Params => "Parameters",
            Layer::ParamEdit => "Editing a parameter",
            Layer::RowInput => "Typing a row filter or search",
            Layer::Tune => "Tuning",
            Layer::TuneConfirm => "Saving a tuned rule",
            Layer::Global => "Everywhere",
        }
    }
}

/// One key: a code and the control/alt modifiers (shift is part of the character).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key {
            code,
            ctrl: false,
            alt: false,
        }
    }
    pub const fn ch(c: char) -> Key {
        Key::plain(KeyCode::Char(c))
    }
    pub const fn ctrl(c: char) -> Key {
        Key {
            code: KeyCode::Char(c),
            ctrl: true,
            alt: false,
        }
    }

    pub fn from_event(ev: &KeyEvent) -> Key {
        Key {
            code: ev.code,
            ctrl: ev.modifiers.contains(KeyModifiers::CONTROL),
            alt: ev.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// How the key is shown in help and hints.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Backspace => "Bksp".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        match (self.ctrl, self.alt) {
            (true, _) => format!("ctrl-{base}"),
            (_, true) => format!("alt-{base}"),
            _ => base,
        }
    }
}

/// Keys bound to one action in one layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Binding {
    pub layer: Layer,
    pub keys: Vec<Key>,
    pub action: Action,
    pub help: &'static str,
    /// Shown in the footer (else only in the `?` help).
    pub hint: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Keymap {
    pub bindings: Vec<Binding>,
}

impl Default for Keymap {
    fn default() -> Self {
        Keymap::defaults()
    }
}

impl Keymap {
    /// The default bindings: vim keys and arrows.
    pub fn defaults() -> Keymap {
        use KeyCode as K;
        let mut b = Vec::new();
        let mut add = |layer, keys: &[Key], action, help, hint| {
            b.push(Binding {
                layer,
                keys: keys.to_vec(),
                action,
                help,
                hint,
            })
        };
        let up = [Key::ch('k'), Key::plain(K::Up)];
        let down = [Key::ch('j'), Key::plain(K::Down)];
        let pgup = [Key::plain(K::PageUp), Key::ctrl('u')];
        let pgdn = [Key::plain(K::PageDown), Key::ctrl('d')];
        let top = [Key::ch('g'), Key::plain(K::Home)];
        let bottom = [Key::ch('G'), Key::plain(K::End)];
        let back = [Key::plain(K::Esc), Key::plain(K::Backspace)];

        add(
            Layer::Help,
            &[Key::plain(K::Esc), Key::ch('?'), Key::ch('q')],
            Action::ToggleHelp,
            "close help",
            true,
        );
        add(Layer::Help, &[Key::ctrl('c')], Action::Quit, "quit", false);
        add(Layer::Help, &down, Action::Down, "scroll down", false);
        add(Layer::Help, &up, Action::Up, "scroll up", false);
        add(Layer::Help, &pgdn, Action::PageDown, "page down", false);
        add(Layer::Help, &pgup, Action::PageUp, "page up", false);

        add(
            Layer::Filter,
            &[Key::plain(K::Enter)],
            Action::FilterAccept,
            "keep filter",
            true,
        );
        add(
            Layer::Filter,
            &[Key::plain(K::Esc)],
            Action::FilterCancel,
            "clear filter",
            true,
        );
        add(
            Layer::Filter,
            &[Key::plain(K::Backspace)],
            Action::FilterBackspace,
            "delete a character",
            false,
        );
        add(
            Layer::Filter,
            &[Key::plain(K::Up)],
            Action::Up,
            "previous rule",
            false,
        );
        add(
            Layer::Filter,
            &[Key::plain(K::Down)],
            Action::Down,
            "next rule",
            false,
        );
        add(
            Layer::Filter,
            &[Key::ctrl('c')],
            Action::Quit,
            "quit",
            false,
        );

        add(
            Layer::Running,
            &[Key::plain(K::Esc)],
            Action::Cancel,
            "cancel the query",
            true,
        );

        add(Layer::Rules, &down, Action::Down, "next rule", false);
        add(Layer::Rules, &up, Action::Up, "previous rule", false);
        add(Layer::Rules, &pgdn, Action::PageDown, "page down", false);
        add(Layer::Rules, &pgup, Action::PageUp, "page up", false);
        add(Layer::Rules, &top, Action::Top, "first rule", false);
        add(Layer::Rules, &bottom, Action::Bottom, "last rule", false);
        add(
            Layer::Rules,
            &[Key::plain(K::Enter), Key::ch('r')],
            Action::Run,
            "run the rule",
            true,
        );
        add(
            Layer::Rules,
            &[Key::ch('p')],
            Action::ParamsOpen,
            "parameters",
            true,
        );
        add(
            Layer::Rules,
            &[Key::ch('/')],
            Action::FilterStart,
            "filter rules",
            true,
        );
        add(
            Layer::Rules,
            &[Key::plain(K::Esc)],
            Action::Back,
            "clear the filter",
            false,
        );
        add(
            Layer::Rules,
            &[Key::ch('J')],
            Action::DetailDown,
            "scroll detail down",
            false,
        );
        add(
            Layer::Rules,
            &[Key::ch('K')],
            Action::DetailUp,
            "scroll detail up",
            false,
        );

        add(Layer::Results, &down, Action::Down, "next row", false);
        add(Layer::Results, &up, Action::Up, "previous row", false);
        add(Layer::Results, &pgdn, Action::PageDown, "page down", false);
        add(Layer::Results, &pgup, Action::PageUp, "page up", false);
        add(Layer::Results, &top, Action::Top, "first row", false);
        add(Layer::Results, &bottom, Action::Bottom, "last row", false);
        add(
            Layer::Results,
            &[Key::ch('h'), Key::plain(K::Left)],
            Action::Left,
            "column cursor left",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('l'), Key::plain(K::Right)],
            Action::Right,
            "column cursor right",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('s')],
            Action::SortColumn,
            "sort (asc/desc)",
            true,
        );
        add(
            Layer::Results,
            &[Key::ch('f')],
            Action::RowFilterStart,
            "filter rows by text",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('=')],
            Action::FilterEqCell,
            "keep rows == this cell",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('!')],
            Action::FilterNeCell,
            "keep rows != this cell",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('c')],
            Action::ClearFilters,
            "clear row filters",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('-')],
            Action::HideColumn,
            "hide column",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('+')],
            Action::ShowColumns,
            "show all columns",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('<')],
            Action::MoveColumnLeft,
            "move column left",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('>')],
            Action::MoveColumnRight,
            "move column right",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('/')],
            Action::SearchStart,
            "search",
            true,
        );
        add(
            Layer::Results,
            &[Key::ch('n')],
            Action::SearchNext,
            "next match",
            false,
        );
        add(
            Layer::Results,
            &[Key::plain(K::Enter)],
            Action::Open,
            "open events / record",
            true,
        );
        add(
            Layer::Results,
            &[Key::ch('r')],
            Action::Run,
            "run again",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('x')],
            Action::Export(super::export::Format::Csv),
            "export CSV",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('X')],
            Action::Export(super::export::Format::Json),
            "export JSON",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('y')],
            Action::CopyCell,
            "copy the current cell",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('t')],
            Action::Timeline,
            "device timeline",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch(']')],
            Action::TimelineWiden,
            "widen timeline",
            false,
        );
        add(
            Layer::Results,
            &[Key::ch('[')],
            Action::TimelineNarrow,
            "narrow timeline",
            false,
        );
        add(Layer::Results, &back, Action::Back, "back", true);

        add(Layer::Record, &down, Action::Down, "scroll down", false);
        add(Layer::Record, &up, Action::Up, "scroll up", false);
        add(Layer::Record, &pgdn, Action::PageDown, "page down", false);
        add(Layer::Record, &pgup, Action::PageUp, "page up", false);
        add(Layer::Record, &top, Action::Top, "top", false);
        add(Layer::Record, &bottom, Action::Bottom, "bottom", false);
        add(
            Layer::Record,
            &[Key::ch('t')],
            Action::Timeline,
            "device timeline",
            true,
        );
        add(
            Layer::Record,
            &[Key::ch(']')],
            Action::TimelineWiden,
            "widen timeline",
            false,
        );
        add(
            Layer::Record,
            &[Key::ch('[')],
            Action::TimelineNarrow,
            "narrow timeline",
            false,
        );
        add(Layer::Record, &back, Action::Back, "back", true);

        add(
            Layer::Error,
            &[Key::ch('r')],
            Action::Run,
            "run again",
            true,
        );
        add(Layer::Error, &down, Action::Down, "scroll down", false);
        add(Layer::Error, &up, Action::Up, "scroll up", false);
        add(Layer::Error, &back, Action::Back, "back", true);

        add(Layer::Params, &down, Action::Down, "next parameter", false);
        add(Layer::Params, &up, Action::Up, "previous parameter", false);
        add(
            Layer::Params,
            &[Key::plain(K::Enter), Key::ch('e')],
            Action::ParamEdit,
            "edit value",
            true,
        );
        add(
            Layer::Params,
            &[Key::ch('u')],
            Action::ParamReset,
            "reset to the rule's value",
            true,
        );
        add(
            Layer::Params,
            &[Key::ch('r')],
            Action::Run,
            "run with these values",
            true,
        );
        add(Layer::Params, &back, Action::Back, "back", true);
        add(
            Layer::ParamEdit,
            &[Key::plain(K::Enter)],
            Action::ParamAccept,
            "keep value",
            true,
        );
        add(
            Layer::ParamEdit,
            &[Key::plain(K::Esc)],
            Action::ParamCancel,
            "cancel edit",
            true,
        );
        add(
            Layer::ParamEdit,
            &[Key::plain(K::Backspace)],
            Action::ParamBackspace,
            "delete a character",
            false,
        );
        add(
            Layer::ParamEdit,
            &[Key::ctrl('c')],
            Action::Quit,
            "quit",
            false,
        );

        add(
            Layer::RowInput,
            &[Key::plain(K::Enter)],
            Action::FilterAccept,
            "apply",
            true,
        );
        add(
            Layer::RowInput,
            &[Key::plain(K::Esc)],
            Action::FilterCancel,
            "cancel",
            true,
        );
        add(
            Layer::RowInput,
            &[Key::plain(K::Backspace)],
            Action::FilterBackspace,
            "delete a character",
            false,
        );
        add(
            Layer::RowInput,
            &[Key::ctrl('c')],
            Action::Quit,
            "quit",
            false,
        );

        add(
            Layer::Global,
            &[Key::ch('C')],
            Action::NextConnection,
            "next connection",
            false,
        );
        add(
            Layer::Global,
            &[Key::ch('?')],
            Action::ToggleHelp,
            "help",
            true,
        );
        add(
            Layer::Global,
            &[Key::ch('q'), Key::ctrl('c')],
            Action::Quit,
            "quit",
            true,
        );
        b.extend(super::tune::bindings());
        Keymap { bindings: b }
    }

    /// The action of `ev` in the active `layers` (most specific first). In the filter layer, printable
    /// characters are typed into the filter.
    pub fn resolve(&self, layers: &[Layer], ev: &KeyEvent) -> Option<Action> {
        if ev.kind == KeyEventKind::Release {
            return None;
        }
        let key = Key::from_event(ev);
        for &layer in layers {
            if let Some(b) = self
                .bindings
                .iter()
                .find(|b| b.layer == layer && b.keys.contains(&key))
            {
                return Some(b.action.clone());
            }
            if let KeyCode::Char(c) = key.code
                && !key.ctrl
                && !key.alt
            {
                match layer {
                    Layer::Filter | Layer::RowInput => return Some(Action::FilterInput(c)),
                    Layer::ParamEdit => return Some(Action::ParamInput(c)),
                    _ => {}
                }
            }
        }
        None
    }

    /// The bindings of the active layers that a key would reach (shadowed keys left out), in layer order.
    pub fn active(&self, layers: &[Layer]) -> Vec<&Binding> {
        let mut seen: Vec<Key> = Vec::new();
        let mut out = Vec::new();
        for &layer in layers {
            for b in self.bindings.iter().filter(|b| b.layer == layer) {
                if b.keys.iter().all(|k| seen.contains(k)) {
                    continue;
                }
                out.push(b);
            }
            for b in self.bindings.iter().filter(|b| b.layer == layer) {
                seen.extend(b.keys.iter().copied());
            }
        }
        out
    }

    /// Footer hints for the active layers: `("Enter/r", "run the rule")`.
    pub fn hints(&self, layers: &[Layer]) -> Vec<(String, &'static str)> {
        self.active(layers)
            .into_iter()
            .filter(|b| b.hint)
            .map(|b| (keys_label(&b.keys), b.help))
            .collect()
    }
}

/// `j/↓`: the keys of a binding, joined.
pub fn keys_label(keys: &[Key]) -> String {
    keys.iter().map(Key::label).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn layers_resolve_most_specific_first() {
        let km = Keymap::defaults();
        let esc = ev(KeyCode::Esc, KeyModifiers::NONE);
        assert_eq!(
            km.resolve(&[Layer::Running, Layer::Results, Layer::Global], &esc),
            Some(Action::Cancel)
        );
        assert_eq!(
            km.resolve(&[Layer::Results, Layer::Global], &esc),
            Some(Action::Back)
        );
        let q = ev(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(
            km.resolve(&[Layer::Filter, Layer::Global], &q),
            Some(Action::FilterInput('q'))
        );
        assert_eq!(
            km.resolve(&[Layer::Rules, Layer::Global], &q),
            Some(Action::Quit)
        );
        let big_g = ev(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(km.resolve(&[Layer::Rules], &big_g), Some(Action::Bottom));
        let ctrl_c = ev(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(
            km.resolve(&[Layer::Filter, Layer::Global], &ctrl_c),
            Some(Action::Quit)
        );
    }

    #[test]
    fn hints_come_from_the_bindings() {
        let km = Keymap::defaults();
        let h = km.hints(&[Layer::Rules, Layer::Global]);
        assert!(h.contains(&("Enter/r".to_string(), "run the rule")));
        assert!(h.contains(&("/".to_string(), "filter rules")));
        assert!(h.contains(&("q/ctrl-c".to_string(), "quit")));
        // Esc cancels while running, so the Results "back" binding on Esc/Bksp still shows (Bksp reaches it)
        let h = km.hints(&[Layer::Running, Layer::Results, Layer::Global]);
        assert_eq!(h[0], ("Esc".to_string(), "cancel the query"));
    }
}
