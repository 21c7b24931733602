//! The connection picker: which backend the workbench's queries run on — the local data, or one of the
//! named connections of config.toml. `C` steps through them; rule runs, drill-downs and timelines all go
//! to the one picked, and the status bar names it.

use crate::config::Config;
use crate::remote::auth::AuthMethod;

/// The connections to pick from, and the one picked (`None`: the local engine).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Picker {
    /// (name, what it is) of each connection, in the config file's (sorted) order.
    pub choices: Vec<(String, String)>,
    pub current: Option<usize>,
}

impl Picker {
    /// The connections of a loaded config.
    pub fn from_config(cfg: &Config) -> Picker {
        Picker {
            choices: cfg
                .connections
                .iter()
                .map(|(n, c)| {
                    (
                        n.clone(),
                        format!(
                            "{} {}, {}",
                            c.kind.name(),
                            c.target(),
                            AuthMethod::of(c).describe()
                        ),
                    )
                })
                .collect(),
            current: None,
        }
    }

    /// The picked connection's name (`None`: local).
    pub fn selected(&self) -> Option<&str> {
        self.current
            .and_then(|i| self.choices.get(i))
            .map(|(n, _)| n.as_str())
    }

    /// Steps to the next choice (local, then each connection, then local again) and says what was picked.
    pub fn cycle(&mut self) -> String {
        if self.choices.is_empty() {
            return "no connections: add [connections.NAME] tables to config.toml (see `huntbench connections`)".into();
        }
        self.current = match self.current {
            None => Some(0),
            Some(i) if i + 1 < self.choices.len() => Some(i + 1),
            Some(_) => None,
        };
        match self.current.and_then(|i| self.choices.get(i)) {
            Some((n, d)) => format!("queries now run on {n} ({d})"),
            None => "queries now run on the local data".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_through_local_and_connections() {
        let mut p = Picker {
            choices: vec![("a".into(), "A".into()), ("b".into(), "B".into())],
            current: None,
        };
        assert_eq!(p.selected(), None);
        assert!(p.cycle().contains("run on a (A)"));
        assert_eq!(p.selected(), Some("a"));
        p.cycle();
        assert_eq!(p.selected(), Some("b"));
        assert!(p.cycle().contains("local data"));
        assert_eq!(p.selected(), None);
        let mut empty = Picker::default();
        assert!(empty.cycle().contains("no connections"));
        assert_eq!(empty.selected(), None);
    }
}
