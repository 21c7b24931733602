//! Rule tuning in the workbench (issue 7): after a re-run with changed parameters, what changed against the
//! previous run (`D`: added / removed / changed groups, rows per device before and after); the value counts
//! of the current column (`F`, Enter keeps the rows with that value); "exclude this value" on a cell (`E`:
//! adds it to the rule's `Excluded_<column>` list and re-runs); why a raw event is in or out (`w`: each
//! predicate of the rule's where clauses on that event); and saving the tuned rule (`W`, then `y` onto the
//! rule file with a backup, or `o` to a new `<name>.tuned.yaml`). In the parameter form, `S` keeps the
//! rule's current values and exclusions as a session (named by the time, in the user data dir) and `O`
//! reopens the most recent one.
//!
//! The views are overlays over the current screen (state in [`TuneState`], keys in the `Tune` keymap layer);
//! saving and explaining are effects the runtime performs ([`perform`]), their outcome comes back as an
//! action. Exclusions change the rule's query text (kept in [`TuneState::base`]); parameters are then
//! discovered on that text, so the exclusion list is a parameter like any other.

use std::collections::HashMap;
use std::path::PathBuf;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::cli::output::sanitize;
use crate::data::catalog::Catalog;
use crate::engine::RunOptions;
use crate::kql::params as kp;
use crate::rules::Rule;
use crate::tune::{self, Change, ResultDiff, Table, Verdict};

use super::action::{Action, Effect, JobPurpose, TableData};
use super::app::{App, RuleEntry, Screen};
use super::exec::Executor;
use super::keymap::{Binding, Key, Layer};
use super::table::RowFilter;
use super::theme::Theme;
use ratatui::crossterm::event::KeyCode;

/// Tuning actions (keys in the results view and the tuning overlays).
#[derive(Clone, Debug, PartialEq)]
pub enum TuneAction {
    /// Open the diff of the last re-run of the rule.
    Diff,
    /// Exclude the selected cell's value in its column, and re-run.
    Exclude,
    /// The value counts of the current column.
    Frequency,
    /// Ask where to save the tuned rule.
    Save,
    /// Save onto the rule's own file (the previous file kept as a backup).
    SaveInPlace,
    /// Save to a new file beside it.
    SaveNew,
    /// Explain the selected raw event.
    Explain,
    /// Keep the rule's current values and exclusions as a named session (named by the time).
    SessionSave,
    /// Reopen the rule's most recent session.
    SessionOpen,
    /// A session was saved (the note) or read: (name, values, exclusions) or why not.
    SessionSaved(String),
    SessionLoaded {
        rule: usize,
        result: Result<(String, crate::tune::session::Session), String>,
    },
    Up,
    Down,
    /// Enter in the frequency panel: keep the rows with that value.
    Pick,
    Close,
    /// A save finished: the note to show, and for a save onto the rule's own file, the rule reloaded from
    /// it (the tuned values are now the rule's own).
    Saved {
        note: String,
        reloaded: Option<Box<Rule>>,
    },
    /// An explanation finished.
    Explained(Result<Vec<Verdict>, String>),
}

/// Work for the runtime.
#[derive(Clone, Debug, PartialEq)]
pub enum TuneEffect {
    Save {
        rule: Box<Rule>,
        query: String,
        out: Option<PathBuf>,
    },
    Explain {
        query: String,
        event: String,
    },
    /// Save a session, named by the time it is saved, in `dir` (the user data dir when `None`).
    SaveSession {
        dir: Option<PathBuf>,
        rule_id: String,
        session: crate::tune::session::Session,
    },
    /// Read the most recent session of a rule.
    OpenSession {
        dir: Option<PathBuf>,
        rule: usize,
        rule_id: String,
    },
}

/// A tuning overlay.
#[derive(Clone, Debug, PartialEq)]
pub enum Overlay {
    Diff {
        /// Against the previous run.
        diff: Box<ResultDiff>,
        /// Against the rule as shipped (its own values), when it ran and differs from the previous run.
        shipped: Option<Box<ResultDiff>>,
        scroll: usize,
    },
    Frequency {
        column: usize,
        name: String,
        counts: Vec<(String, usize)>,
        selected: usize,
    },
    Confirm {
        rule: usize,
        query: String,
        path: PathBuf,
        new_path: PathBuf,
    },
    Explain {
        event: String,
        verdicts: Option<Result<Vec<Verdict>, String>>,
        scroll: usize,
    },
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TuneState {
    pub overlay: Option<Overlay>,
    /// The rule's query with exclusions added (rule index → text); the rule's own query when absent.
    pub base: HashMap<usize, String>,
    /// The last successful run of each rule: its query and rows.
    pub last: HashMap<usize, (String, Table)>,
    /// What the last re-run with a different query changed.
    pub diffs: HashMap<usize, ResultDiff>,
    /// The rule's result as shipped (its own values), once it ran.
    pub shipped: HashMap<usize, Table>,
    /// The last run against the rule as shipped.
    pub shipped_diffs: HashMap<usize, ResultDiff>,
    /// The exclusions added to each rule, (column, value), in order (for sessions).
    pub exclusions: HashMap<usize, Vec<(String, String)>>,
    /// Where sessions are kept (tests); the user data dir when `None`.
    pub sessions_dir: Option<PathBuf>,
}

/// The most rows a run may have to be kept for the diffs (each is kept as text).
pub const DIFF_ROW_CAP: usize = 100_000;

impl TuneState {
    /// Records a rule's result (`shipped`: the query is the rule's own); when the query differs from the
    /// previous run, the diffs against it and against the rule as shipped, and a note.
    pub fn record_run(
        &mut self,
        rule: usize,
        query: &str,
        data: &TableData,
        shipped: bool,
    ) -> Option<String> {
        let n = data.row_count();
        if n > DIFF_ROW_CAP {
            // too big to keep as text for diffs: forget this rule's runs rather than diff stale ones
            self.last.remove(&rule);
            self.diffs.remove(&rule);
            self.shipped_diffs.remove(&rule);
            if shipped {
                self.shipped.remove(&rule);
            }
            return Some(format!(
                "{n} rows: too many to diff (at most {DIFF_ROW_CAP}); narrow the query to compare runs"
            ));
        }
        let table = Table {
            columns: data.columns.clone(),
            rows: data.text_rows(),
        };
        let keys = tune::summarize_keys(query);
        if shipped {
            self.shipped.insert(rule, table.clone());
            self.shipped_diffs.remove(&rule);
        } else if let Some(s) = self.shipped.get(&rule) {
            self.shipped_diffs
                .insert(rule, tune::diff(s, &table, &keys));
        }
        let prev = self.last.insert(rule, (query.to_string(), table.clone()));
        let (prev_q, prev_t) = prev?;
        if prev_q == query {
            return None;
        }
        let d = tune::diff(&prev_t, &table, &keys);
        let note = format!(
            "{n} row{} · vs previous run: {} added, {} removed, {} changed, {} unchanged (D: diff)",
            if n == 1 { "" } else { "s" },
            d.added,
            d.removed,
            d.changed,
            d.unchanged
        );
        self.diffs.insert(rule, d);
        Some(note)
    }
}

impl App {
    /// Records a finished run of rule `rule` for the diffs; the note for the status bar.
    pub fn tune_record_run(
        &mut self,
        rule: usize,
        query: &str,
        data: &TableData,
    ) -> Option<String> {
        let shipped = match self.entries.get(rule) {
            Some(RuleEntry::Loaded(r)) => {
                kp::apply(&r.query, &kp::params_of(&r.query)).is_ok_and(|q| q == query)
            }
            _ => false,
        };
        self.tune.record_run(rule, query, data, shipped)
    }

    /// The query of rule `rule` that parameters apply to: with its exclusions, else as written.
    pub fn rule_base(&self, rule: usize) -> Option<String> {
        if let Some(b) = self.tune.base.get(&rule) {
            return Some(b.clone());
        }
        match self.entries.get(rule)? {
            RuleEntry::Loaded(r) => Some(r.query.clone()),
            RuleEntry::Failed(_) => None,
        }
    }
}

/// The tuning keys: in the results view, the parameter form and the tuning overlays.
pub fn bindings() -> Vec<Binding> {
    use KeyCode as K;
    let t = Action::Tune;
    let b = |layer, keys: &[Key], action, help, hint| Binding {
        layer,
        keys: keys.to_vec(),
        action,
        help,
        hint,
    };
    vec![
        b(
            Layer::Results,
            &[Key::ch('D')],
            t(TuneAction::Diff),
            "diff vs last run",
            false,
        ),
        b(
            Layer::Results,
            &[Key::ch('F')],
            t(TuneAction::Frequency),
            "value counts",
            false,
        ),
        b(
            Layer::Results,
            &[Key::ch('E')],
            t(TuneAction::Exclude),
            "exclude value, re-run",
            false,
        ),
        b(
            Layer::Results,
            &[Key::ch('w')],
            t(TuneAction::Explain),
            "explain this event",
            false,
        ),
        b(
            Layer::Results,
            &[Key::ch('W')],
            t(TuneAction::Save),
            "save tuned rule",
            false,
        ),
        b(
            Layer::Params,
            &[Key::ch('S')],
            t(TuneAction::SessionSave),
            "save values as a session",
            false,
        ),
        b(
            Layer::Params,
            &[Key::ch('O')],
            t(TuneAction::SessionOpen),
            "open the last session",
            false,
        ),
        b(
            Layer::Params,
            &[Key::ch('W')],
            t(TuneAction::Save),
            "save tuned rule",
            false,
        ),
        b(
            Layer::Tune,
            &[Key::ch('j'), Key::plain(K::Down)],
            t(TuneAction::Down),
            "down",
            false,
        ),
        b(
            Layer::Tune,
            &[Key::ch('k'), Key::plain(K::Up)],
            t(TuneAction::Up),
            "up",
            false,
        ),
        b(
            Layer::Tune,
            &[Key::plain(K::Enter)],
            t(TuneAction::Pick),
            "keep rows with this value",
            false,
        ),
        b(
            Layer::TuneConfirm,
            &[Key::ch('y')],
            t(TuneAction::SaveInPlace),
            "save onto the rule file",
            true,
        ),
        b(
            Layer::TuneConfirm,
            &[Key::ch('o')],
            t(TuneAction::SaveNew),
            "save to a new file",
            true,
        ),
        b(
            Layer::Tune,
            &[Key::plain(K::Esc), Key::plain(K::Backspace)],
            t(TuneAction::Close),
            "close",
            true,
        ),
        b(
            Layer::TuneConfirm,
            &[Key::plain(K::Esc), Key::plain(K::Backspace)],
            t(TuneAction::Close),
            "cancel",
            true,
        ),
    ]
}

/// Applies a tuning action.
pub fn update(app: &mut App, a: TuneAction) -> Vec<Effect> {
    match a {
        TuneAction::Close => app.tune.overlay = None,
        TuneAction::Up | TuneAction::Down => {
            let down = a == TuneAction::Down;
            match &mut app.tune.overlay {
                Some(Overlay::Frequency {
                    selected, counts, ..
                }) => {
                    *selected = if down {
                        (*selected + 1).min(counts.len().saturating_sub(1))
                    } else {
                        selected.saturating_sub(1)
                    }
                }
                Some(Overlay::Diff { scroll, .. } | Overlay::Explain { scroll, .. }) => {
                    *scroll = if down {
                        *scroll + 1
                    } else {
                        scroll.saturating_sub(1)
                    }
                }
                _ => {}
            }
        }
        TuneAction::Diff => {
            let Some(Screen::Results(v)) = app.stack.last() else {
                return Vec::new();
            };
            match app.tune.diffs.get(&v.rule) {
                Some(d) => {
                    app.tune.overlay = Some(Overlay::Diff {
                        diff: Box::new(d.clone()),
                        // against the rule as shipped, unless the previous run was the shipped rule
                        shipped: app
                            .tune
                            .shipped_diffs
                            .get(&v.rule)
                            .filter(|s| *s != d)
                            .cloned()
                            .map(Box::new),
                        scroll: 0,
                    })
                }
                None => {
                    app.message = Some("no diff yet: change a parameter (p) and run again".into())
                }
            }
        }
        TuneAction::Frequency => {
            let Some(Screen::Results(v)) = app.stack.last() else {
                return Vec::new();
            };
            let Some(c) = v.current_column() else {
                return Vec::new();
            };
            let name = v.data.columns.get(c).cloned().unwrap_or_default();
            // only the counted column, as text
            let shown = Table {
                columns: vec![name.clone()],
                rows: v
                    .shown_rows()
                    .into_iter()
                    .map(|i| vec![v.data.cell(i, c).into_owned()])
                    .collect(),
            };
            let counts = tune::frequency(&shown, &name).unwrap_or_default();
            app.tune.overlay = Some(Overlay::Frequency {
                column: c,
                name,
                counts,
                selected: 0,
            });
        }
        TuneAction::Pick => {
            let Some(Overlay::Frequency {
                column,
                counts,
                selected,
                ..
            }) = app.tune.overlay.take()
            else {
                return Vec::new();
            };
            if let (Some((value, _)), Some(Screen::Results(v))) =
                (counts.get(selected), app.stack.last_mut())
            {
                v.filters.push(RowFilter::Eq {
                    column,
                    value: value.clone(),
                });
                v.refresh();
            }
        }
        TuneAction::Exclude => return exclude(app),
        TuneAction::Save => {
            let rule = match app.stack.last() {
                Some(Screen::Results(v)) => v.rule,
                Some(Screen::Params(v)) => v.rule,
                _ => match app.selected_entry() {
                    Some((i, _)) if app.stack.is_empty() => i,
                    _ => return Vec::new(),
                },
            };
            let Some(RuleEntry::Loaded(r)) = app.entries.get(rule) else {
                return Vec::new();
            };
            let Some(base) = app.rule_base(rule) else {
                return Vec::new();
            };
            match kp::apply_edits(&base, &app.rule_params(rule)) {
                Ok(query) if query == r.query => {
                    app.message = Some("nothing to save: the rule is as written".into())
                }
                Ok(query) => {
                    let path = r.path.clone();
                    let stem = path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_else(|| "rule".into());
                    let new_path = path.with_file_name(format!("{stem}.tuned.yaml"));
                    app.tune.overlay = Some(Overlay::Confirm {
                        rule,
                        query,
                        path,
                        new_path,
                    });
                }
                Err(e) => app.message = Some(format!("cannot save: {e}")),
            }
        }
        TuneAction::SaveInPlace | TuneAction::SaveNew => {
            let Some(Overlay::Confirm {
                rule,
                query,
                new_path,
                ..
            }) = app.tune.overlay.take()
            else {
                return Vec::new();
            };
            let Some(RuleEntry::Loaded(r)) = app.entries.get(rule) else {
                return Vec::new();
            };
            let out = (a == TuneAction::SaveNew).then_some(new_path);
            return vec![Effect::Tune(TuneEffect::Save {
                rule: r.clone(),
                query,
                out,
            })];
        }
        TuneAction::Saved { note, reloaded } => {
            app.message = Some(note);
            if let Some(r) = reloaded
                && let Some(i) = app
                    .entries
                    .iter()
                    .position(|e| matches!(e, RuleEntry::Loaded(old) if old.path == r.path))
            {
                app.entries[i] = RuleEntry::Loaded(r);
                app.tune.base.remove(&i);
                app.params.remove(&i);
                // the form on the stack shows the saved values as the rule's own
                let ps = app.rule_params(i);
                for s in &mut app.stack {
                    if let Screen::Params(v) = s
                        && v.rule == i
                    {
                        v.params = ps.clone();
                    }
                }
            }
        }
        TuneAction::Explain => {
            let Some(Screen::Results(v)) = app.stack.last() else {
                return Vec::new();
            };
            let Some(row) = v.row(v.selected) else {
                return Vec::new();
            };
            let cell = |name: &str| {
                v.data
                    .columns
                    .iter()
                    .position(|c| c == name)
                    .and_then(|i| row.get(i))
            };
            let (Some(rid), Some(dev)) = (cell("ReportId"), cell("DeviceId")) else {
                app.message = Some(
                    "explain needs a raw event (ReportId and DeviceId): Enter on a row first"
                        .into(),
                );
                return Vec::new();
            };
            let event = format!(
                "ReportId == {} and DeviceId == {}",
                kql_value(rid),
                super::drill::kql_string(dev)
            );
            let Some(query) = app.rule_query(v.rule) else {
                return Vec::new();
            };
            app.tune.overlay = Some(Overlay::Explain {
                event: event.clone(),
                verdicts: None,
                scroll: 0,
            });
            return vec![Effect::Tune(TuneEffect::Explain { query, event })];
        }
        TuneAction::SessionSave => {
            let Some(Screen::Params(v)) = app.stack.last() else {
                return Vec::new();
            };
            let rule = v.rule;
            let Some(RuleEntry::Loaded(r)) = app.entries.get(rule) else {
                return Vec::new();
            };
            let rule_id =
                r.id.clone()
                    .unwrap_or_else(|| r.file_name().display().to_string());
            let values: Vec<(String, String)> = app
                .rule_params(rule)
                .into_iter()
                .filter(|p| p.edited())
                .map(|p| (p.name, p.value))
                .collect();
            let session = crate::tune::session::Session {
                values,
                exclusions: app.tune.exclusions.get(&rule).cloned().unwrap_or_default(),
                saved_at: String::new(),
            };
            return vec![Effect::Tune(TuneEffect::SaveSession {
                dir: app.tune.sessions_dir.clone(),
                rule_id,
                session,
            })];
        }
        TuneAction::SessionOpen => {
            let Some(Screen::Params(v)) = app.stack.last() else {
                return Vec::new();
            };
            let rule = v.rule;
            let Some(RuleEntry::Loaded(r)) = app.entries.get(rule) else {
                return Vec::new();
            };
            let rule_id =
                r.id.clone()
                    .unwrap_or_else(|| r.file_name().display().to_string());
            return vec![Effect::Tune(TuneEffect::OpenSession {
                dir: app.tune.sessions_dir.clone(),
                rule,
                rule_id,
            })];
        }
        TuneAction::SessionSaved(note) => app.message = Some(note),
        TuneAction::SessionLoaded { rule, result } => match result {
            Ok((name, s)) => open_session(app, rule, &name, &s),
            Err(e) => app.message = Some(e),
        },
        TuneAction::Explained(r) => {
            if let Some(Overlay::Explain { verdicts, .. }) = &mut app.tune.overlay {
                *verdicts = Some(r);
            }
        }
    }
    Vec::new()
}

/// A number as is, anything else as a string.
fn kql_value(s: &str) -> String {
    if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '-') {
        s.to_string()
    } else {
        super::drill::kql_string(s)
    }
}

/// Applies a session to rule `rule`: its exclusions onto the rule's own query, then its values.
fn open_session(app: &mut App, rule: usize, name: &str, s: &crate::tune::session::Session) {
    let Some(RuleEntry::Loaded(r)) = app.entries.get(rule) else {
        return;
    };
    let opts = RunOptions {
        now: Some(app.info.now),
        ..Default::default()
    };
    let mut base = r.query.clone();
    for (c, v) in &s.exclusions {
        match tune::exclude(&base, c, v, &Catalog::schema_only(), &opts) {
            Ok(b) => base = b,
            Err(e) => {
                app.message = Some(format!("session `{name}`: {e}"));
                return;
            }
        }
    }
    let ps = match kp::with_values(&base, &s.values) {
        Ok((ps, _)) => ps,
        Err(e) => {
            app.message = Some(format!("session `{name}`: {e}"));
            return;
        }
    };
    if base == r.query {
        app.tune.base.remove(&rule);
    } else {
        app.tune.base.insert(rule, base);
    }
    app.tune.exclusions.insert(rule, s.exclusions.clone());
    app.params.insert(rule, ps.clone());
    for screen in &mut app.stack {
        if let Screen::Params(v) = screen
            && v.rule == rule
        {
            v.params = ps.clone();
        }
    }
    app.message = Some(format!("opened session `{name}`"));
}

/// "Exclude this value": the selected cell of a rule's result goes into `Excluded_<column>`; the rule runs
/// again with it.
fn exclude(app: &mut App) -> Vec<Effect> {
    let Some(Screen::Results(v)) = app.stack.last() else {
        return Vec::new();
    };
    if !matches!(v.purpose, JobPurpose::Rule { .. }) {
        app.message = Some("exclusions apply to a rule's result: go back to it".into());
        return Vec::new();
    }
    let rule = v.rule;
    let (Some(c), Some(row)) = (v.current_column(), v.row(v.selected)) else {
        return Vec::new();
    };
    let column = v.data.columns.get(c).cloned().unwrap_or_default();
    let value = row.get(c).cloned().unwrap_or_default();
    let Some(base) = app.rule_base(rule) else {
        return Vec::new();
    };
    let opts = RunOptions {
        now: Some(app.info.now),
        ..Default::default()
    };
    match tune::exclude(&base, &column, &value, &Catalog::schema_only(), &opts) {
        Ok(new_base) => {
            // values edited so far carry over by name onto the new text
            let old = app.rule_params(rule);
            let mut ps = kp::params_of(&new_base);
            for p in &mut ps {
                if let Some(o) = old.iter().find(|o| o.name == p.name && o.edited()) {
                    p.value = o.value.clone();
                }
            }
            app.tune.base.insert(rule, new_base);
            app.tune
                .exclusions
                .entry(rule)
                .or_default()
                .push((column.clone(), value.clone()));
            app.params.insert(rule, ps);
            let Some(query) = app.rule_query(rule) else {
                return Vec::new();
            };
            let fx = app.start_job(query, JobPurpose::Rule { rule }, true);
            app.message = Some(format!(
                "excluded {column} = {value} ({})",
                tune::exclusion_param_name(&column)
            ));
            fx
        }
        Err(e) => {
            app.message = Some(format!("cannot exclude: {e}"));
            Vec::new()
        }
    }
}

/// Performs a tuning effect (on the runtime's thread: both are quick) and returns the action with its
/// outcome.
pub fn perform(fx: TuneEffect, exec: &Executor) -> Action {
    match fx {
        TuneEffect::Save { rule, query, out } => {
            let saved = match &out {
                Some(p) => crate::rules::save::save_to(&rule, &query, p, false),
                None => crate::rules::save::save_in_place(&rule, &query),
            };
            let mut reloaded = None;
            let note = match saved {
                Ok(s) => {
                    if out.is_none() {
                        reloaded = crate::rules::load_file(&s.path).ok().map(|mut r| {
                            // shown as before (the bench shows paths relative to the repository)
                            r.path = rule.path.clone();
                            Box::new(r)
                        });
                    }
                    let mut n = format!("saved {}", s.path.display());
                    if let Some(b) = &s.backup {
                        n.push_str(&format!(
                            " (previous file kept as {})",
                            b.file_name()
                                .map(|f| f.to_string_lossy().into_owned())
                                .unwrap_or_default()
                        ));
                    }
                    n
                }
                Err(e) => format!("save failed: {e}"),
            };
            Action::Tune(TuneAction::Saved { note, reloaded })
        }
        TuneEffect::SaveSession {
            dir,
            rule_id,
            session,
        } => {
            use crate::tune::session;
            let name = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string();
            let saved = match &dir {
                Some(d) => session::save_in(d, &rule_id, &name, session),
                None => session::save(&rule_id, &name, session),
            };
            Action::Tune(TuneAction::SessionSaved(match saved {
                Ok(p) => format!("session `{name}` saved in {}", p.display()),
                Err(e) => format!("session not saved: {e}"),
            }))
        }
        TuneEffect::OpenSession { dir, rule, rule_id } => {
            use crate::tune::session;
            let all = match &dir {
                Some(d) => session::load_all_in(d, &rule_id),
                None => session::load_all(&rule_id),
            };
            let result = all.and_then(|all| {
                all.into_iter()
                    .max_by(|a, b| a.1.saved_at.cmp(&b.1.saved_at).then(a.0.cmp(&b.0)))
                    .ok_or_else(|| {
                        format!("no saved session for rule {rule_id} (S in the form saves one)")
                    })
            });
            Action::Tune(TuneAction::SessionLoaded { rule, result })
        }
        TuneEffect::Explain { query, event } => {
            let opts = RunOptions {
                now: Some(exec.now),
                ..Default::default()
            };
            let r =
                tune::explain(&query, &event, exec.tables.as_ref(), &opts).map_err(|d| d.message);
            Action::Tune(TuneAction::Explained(r))
        }
    }
}

/// Draws the open overlay over `area`.
pub fn draw(f: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let Some(o) = &app.tune.overlay else {
        return;
    };
    let w = area.width.saturating_sub(4).min(100);
    let h = area.height.saturating_sub(4);
    let [_, mid, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(w),
        Constraint::Fill(1),
    ])
    .areas(area);
    let [_, popup, _] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(h),
        Constraint::Fill(1),
    ])
    .areas(mid);
    let (title, lines, scroll): (String, Vec<Line>, usize) = match o {
        Overlay::Diff {
            diff,
            shipped,
            scroll,
        } => {
            let mut lines = diff_lines(diff, theme);
            if let Some(s) = shipped {
                lines.push(Line::from(""));
                lines.push(Line::from(Span::styled(
                    "Against the rule as shipped:",
                    theme.title(),
                )));
                lines.extend(diff_lines(s, theme));
            }
            (" Diff vs previous run ".into(), lines, *scroll)
        }
        Overlay::Frequency {
            name,
            counts,
            selected,
            ..
        } => {
            let total: usize = counts.iter().map(|(_, n)| n).sum();
            let mut lines = vec![Line::from(Span::styled(
                format!(
                    "{} values, {total} rows · Enter keeps the rows with the selected value",
                    counts.len()
                ),
                theme.dim(),
            ))];
            for (i, (v, n)) in counts.iter().enumerate() {
                let style = if i == *selected {
                    theme.selected()
                } else {
                    ratatui::style::Style::new()
                };
                let marker = if i == *selected { "▶ " } else { "  " };
                lines.push(Line::from(Span::styled(
                    format!("{marker}{n:>7}  {}", sanitize(v)),
                    style,
                )));
            }
            let inner = usize::from(h.saturating_sub(2)).max(1);
            let scroll = (selected + 2).saturating_sub(inner);
            (format!(" Values of {} ", sanitize(name)), lines, scroll)
        }
        Overlay::Confirm { path, new_path, .. } => (
            " Save the tuned rule ".into(),
            vec![
                Line::from(format!(
                    "y: save onto {} (the previous file is kept as a .bak)",
                    sanitize(&path.display().to_string())
                )),
                Line::from(format!(
                    "o: save to {}",
                    sanitize(&new_path.display().to_string())
                )),
                Line::from("Esc: cancel"),
            ],
            0,
        ),
        Overlay::Explain {
            event,
            verdicts,
            scroll,
        } => {
            let mut lines = vec![Line::from(Span::styled(sanitize(event), theme.dim()))];
            match verdicts {
                None => lines.push(Line::from("explaining…")),
                Some(Err(e)) => lines.push(Line::from(format!("error: {}", sanitize(e)))),
                Some(Ok(vs)) => {
                    for v in vs {
                        let why = match &v.outcome {
                            tune::Outcome::NotEvaluated(w) => format!("  ({})", sanitize(w)),
                            _ => String::new(),
                        };
                        lines.push(Line::from(format!(
                            "{:<5} {}{why}",
                            v.outcome.label(),
                            sanitize(&v.text)
                        )));
                    }
                }
            }
            (" Why this event ".into(), lines, *scroll)
        }
    };
    f.render_widget(Clear, popup);
    let block = Block::bordered().title(Span::styled(title, theme.title()));
    let p = Paragraph::new(lines)
        .block(block)
        .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0));
    f.render_widget(p, popup);
}

fn diff_lines(d: &ResultDiff, theme: Theme) -> Vec<Line<'static>> {
    let keyed = if d.key_columns.is_empty() {
        "whole rows".to_string()
    } else {
        format!("by {}", d.key_columns.join(", "))
    };
    let mut lines = vec![Line::from(sanitize(&format!(
        "{} added, {} removed, {} changed, {} unchanged ({keyed})",
        d.added, d.removed, d.changed, d.unchanged
    )))];
    for g in &d.groups {
        let mark = match g.change {
            Change::Added => "+ added    ",
            Change::Removed => "- removed  ",
            Change::Changed => "~ changed  ",
            Change::Unchanged => "  unchanged",
        };
        lines.push(Line::from(format!(
            "{mark} {}",
            sanitize(&g.key.join(" | "))
        )));
    }
    if let Some(dc) = &d.device_column {
        lines.push(Line::from(Span::styled(
            format!("rows per {dc}: before → after"),
            theme.dim(),
        )));
        for x in &d.devices {
            lines.push(Line::from(format!(
                "  {}: {} → {}",
                sanitize(&x.device),
                x.before,
                x.after
            )));
        }
    }
    lines
}
