//! The workbench state and its pure `update`: actions in, state changes and effects out. Nothing here
//! touches the terminal, the clock or a thread.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use ratatui::crossterm::event::KeyEvent;

use crate::rules::{LoadError, LoadReport, Rule};

use super::action::{Action, Effect, JobDone, JobError, JobPurpose, JobSpec, TableData};
use super::drill::{self, DrillPlan};
use super::keymap::{Keymap, Layer};
use super::table::{self, RowFilter};
use crate::kql::params::{self, Param};

/// A rule in the list: loaded, or a file that failed to load (shown with its error).
#[derive(Clone, Debug, PartialEq)]
pub enum RuleEntry {
    Loaded(Box<Rule>),
    Failed(LoadError),
}

impl RuleEntry {
    pub fn name(&self) -> String {
        match self {
            RuleEntry::Loaded(r) => r.display_name(),
            RuleEntry::Failed(e) => file_name(&e.path),
        }
    }

    /// The tables the rule reads (its connectors' data types).
    pub fn tables(&self) -> String {
        match self {
            RuleEntry::Loaded(r) => r.data_types().join(", "),
            RuleEntry::Failed(_) => String::new(),
        }
    }

    /// Tactics and techniques, for the list.
    pub fn tactics(&self) -> String {
        match self {
            RuleEntry::Loaded(r) => r
                .tactics
                .iter()
                .chain(r.relevant_techniques.iter())
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
            RuleEntry::Failed(_) => "load error".to_string(),
        }
    }

    fn matches(&self, needle: &str) -> bool {
        if needle.is_empty() {
            return true;
        }
        let hay = match self {
            RuleEntry::Loaded(r) => format!(
                "{} {} {} {}",
                r.display_name(),
                r.data_types().join(" "),
                self.tactics(),
                r.path.display()
            ),
            RuleEntry::Failed(e) => format!("{} {}", e.path.display(), e.message),
        };
        hay.to_lowercase().contains(&needle.to_lowercase())
    }
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string())
}

/// Where the data comes from and which `now()` queries use.
#[derive(Clone, Debug, PartialEq)]
pub struct DataInfo {
    /// `now()` in ticks.
    pub now: i64,
    /// Why that `now` (e.g. "manifest", "--now", "clock").
    pub now_source: String,
    /// The data folder, as shown.
    pub data_source: String,
}

/// The running query.
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: u64,
    pub label: String,
    pub elapsed: Duration,
    pub purpose: JobPurpose,
}

/// A query's rows.
#[derive(Clone, Debug, PartialEq)]
pub struct ResultsView {
    pub rule: usize,
    /// Breadcrumb text (raw; sanitised when drawn).
    pub crumb: String,
    pub query: String,
    pub purpose: JobPurpose,
    pub data: TableData,
    /// How to open the events behind a row (rule results ending in `summarize ... by DeviceId`).
    pub drill: Option<DrillPlan>,
    pub selected: usize,
    /// First row shown.
    pub offset: usize,
    /// The column cursor: a position in `cols` (used by sort, filter, copy, hide, move).
    pub col: usize,
    /// The columns shown, in order, as indexes into `data.columns` (hidden ones left out).
    pub cols: Vec<usize>,
    /// First position in `cols` drawn (kept by the drawing so that the cursor column is visible).
    pub first_col: usize,
    /// Row filters, all applied.
    pub filters: Vec<RowFilter>,
    /// Sort: a column (index into `data.columns`) and descending.
    pub sort: Option<(usize, bool)>,
    /// The rows shown, as indexes into the data's rows, when filtered or sorted (`None`: all, in order).
    pub rows: Option<Vec<usize>>,
    /// Text being typed for a row filter or a search.
    pub input: Option<RowInput>,
    /// Where the data rows were last drawn, and each drawn column's x, width and position in `cols`
    /// (kept by the drawing, for mouse clicks).
    pub body: ratatui::layout::Rect,
    pub col_spans: Vec<(u16, u16, usize)>,
    /// The last search, for `n`.
    pub search: Option<String>,
}

/// What the text typed in a result view is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputKind {
    Filter,
    Search,
}

/// Text being typed in a result view.
#[derive(Clone, Debug, PartialEq)]
pub struct RowInput {
    pub kind: InputKind,
    pub text: String,
}

impl ResultsView {
    /// A view of `data`: every row and column, in order.
    pub fn new(
        rule: usize,
        crumb: String,
        query: String,
        purpose: JobPurpose,
        data: TableData,
        drill: Option<DrillPlan>,
    ) -> ResultsView {
        let cols = (0..data.columns.len()).collect();
        ResultsView {
            rule,
            crumb,
            query,
            purpose,
            data,
            drill,
            selected: 0,
            offset: 0,
            col: 0,
            cols,
            first_col: 0,
            filters: Vec::new(),
            sort: None,
            rows: None,
            input: None,
            body: ratatui::layout::Rect::default(),
            col_spans: Vec::new(),
            search: None,
        }
    }

    /// The view as shown: the shown rows in their order (filtered, sorted) and the shown columns in their
    /// order (hidden ones left out). What export writes.
    pub fn view_table(&self) -> TableData {
        match &self.rows {
            Some(r) => self.data.select(r, &self.cols),
            None => {
                let all: Vec<usize> = (0..self.data.row_count()).collect();
                self.data.select(&all, &self.cols)
            }
        }
    }

    /// Number of rows shown.
    pub fn row_count(&self) -> usize {
        match &self.rows {
            Some(r) => r.len(),
            None => self.data.row_count(),
        }
    }

    /// The index into the data's rows of shown row `pos`.
    pub fn row_index(&self, pos: usize) -> Option<usize> {
        match &self.rows {
            Some(r) => r.get(pos).copied(),
            None => (pos < self.data.row_count()).then_some(pos),
        }
    }

    /// Shown row `pos`, every data column, as text (formatted now).
    pub fn row(&self, pos: usize) -> Option<Vec<String>> {
        self.data.row(self.row_index(pos)?)
    }

    /// The text of data column `col` in shown row `pos` (formatted now).
    pub fn cell(&self, pos: usize, col: usize) -> Option<std::borrow::Cow<'_, str>> {
        let i = self.row_index(pos)?;
        (col < self.data.columns.len()).then(|| self.data.cell(i, col))
    }

    /// The data column under the column cursor.
    pub fn current_column(&self) -> Option<usize> {
        self.cols.get(self.col).copied()
    }

    /// The rows shown, in order (indexes into the data's rows).
    pub fn shown_rows(&self) -> Vec<usize> {
        match &self.rows {
            Some(r) => r.clone(),
            None => (0..self.data.row_count()).collect(),
        }
    }

    /// Recomputes the shown rows after a filter, sort or column change; keeps the selected row when it
    /// still shows.
    pub(super) fn refresh(&mut self) {
        let keep = self.row_index(self.selected);
        self.rows = if self.filters.is_empty() && self.sort.is_none() {
            None
        } else {
            Some(table::shown_rows(
                &self.data,
                &self.cols,
                &self.filters,
                self.sort,
            ))
        };
        self.selected = keep
            .and_then(|k| (0..self.row_count()).find(|&p| self.row_index(p) == Some(k)))
            .unwrap_or(0);
        self.col = self.col.min(self.cols.len().saturating_sub(1));
    }

    /// A summary for the status bar: `3 of 10 rows · sorted by Count desc · 2 filters`.
    pub fn summary(&self) -> String {
        let total = self.data.row_count();
        let plural = if total == 1 { "" } else { "s" };
        let mut s = if self.filters.is_empty() {
            format!("{total} row{plural}")
        } else {
            format!("{} of {total} row{plural}", self.row_count())
        };
        if let Some((c, desc)) = self.sort {
            let name = self.data.columns.get(c).cloned().unwrap_or_default();
            s.push_str(&format!(
                " · sorted by {name} {}",
                if desc { "desc" } else { "asc" }
            ));
        }
        match self.filters.len() {
            0 => {}
            1 => s.push_str(" · 1 filter"),
            n => s.push_str(&format!(" · {n} filters")),
        }
        let hidden = self.data.columns.len().saturating_sub(self.cols.len());
        if hidden > 0 {
            s.push_str(&format!(" · {hidden} hidden"));
        }
        s
    }
}

/// One row, every column, vertically.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordView {
    pub crumb: String,
    pub columns: Vec<String>,
    pub types: Vec<String>,
    pub values: Vec<String>,
    /// First line shown.
    pub scroll: usize,
}

/// A failed run.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorView {
    pub rule: usize,
    pub crumb: String,
    pub query: String,
    pub purpose: JobPurpose,
    pub error: JobError,
    pub scroll: usize,
}

/// The parameter form of a rule: its `let` bindings, typed, editable in place.
#[derive(Clone, Debug, PartialEq)]
pub struct ParamsView {
    pub rule: usize,
    pub crumb: String,
    pub params: Vec<Param>,
    pub selected: usize,
    /// The value being typed (editing the selected parameter).
    pub edit: Option<String>,
    /// Why the last value was refused.
    pub error: Option<String>,
    /// First line of the query shown.
    pub scroll: usize,
}

// a handful of screens at most live on the stack: their size does not matter
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Screen {
    Params(ParamsView),
    Results(ResultsView),
    Record(RecordView),
    Error(ErrorView),
}

/// The whole workbench state.
#[derive(Clone, Debug)]
pub struct App {
    pub entries: Vec<RuleEntry>,
    /// Indexes into `entries` that pass the filter, in order.
    pub visible: Vec<usize>,
    pub filter: String,
    /// Typing into the filter.
    pub filtering: bool,
    /// Selected position in `visible`.
    pub selected: usize,
    /// First visible position in the rule list.
    pub offset: usize,
    pub detail_scroll: usize,
    /// Views opened over the rule list, innermost last.
    pub stack: Vec<Screen>,
    pub job: Option<Job>,
    pub help: bool,
    pub info: DataInfo,
    /// A one-line note for the status bar (cancelled, nothing to open ...).
    pub message: Option<String>,
    pub keymap: Keymap,
    /// Use colours (off with NO_COLOR).
    pub color: bool,
    pub quit: bool,
    /// Rows in a page of the active list, as last drawn.
    pub page: usize,
    /// Parameter values per rule (index into `entries`), kept while the workbench runs.
    pub params: HashMap<usize, Vec<Param>>,
    /// The tables a device timeline reads (loaded Device* tables with DeviceId and Timestamp).
    pub device_tables: Vec<String>,
    /// Half-width of the device timeline window, in minutes.
    pub timeline_minutes: i64,
    /// Rule tuning: overlays, exclusions, the last run of each rule and its diff.
    pub tune: super::tune::TuneState,
    /// First line of the help overlay shown.
    pub help_scroll: usize,
    /// Mouse reporting on (wheel scrolls, click selects).
    pub mouse: bool,
    /// Problems found in the user's keymap file (shown in the help overlay; the first also at start).
    pub keymap_problems: Vec<String>,
    /// Where the rule list's rows were last drawn (for mouse clicks).
    pub list_area: ratatui::layout::Rect,
    /// The backend queries run on (the local data or a named connection).
    pub connections: super::connections::Picker,
    next_job: u64,
}

impl App {
    pub fn new(report: LoadReport, info: DataInfo) -> App {
        let mut entries: Vec<RuleEntry> = report
            .rules
            .into_iter()
            .map(|r| RuleEntry::Loaded(Box::new(r)))
            .collect();
        entries.extend(report.errors.into_iter().map(RuleEntry::Failed));
        let visible = (0..entries.len()).collect();
        App {
            entries,
            visible,
            filter: String::new(),
            filtering: false,
            selected: 0,
            offset: 0,
            detail_scroll: 0,
            stack: Vec::new(),
            job: None,
            help: false,
            info,
            message: None,
            keymap: Keymap::defaults(),
            color: true,
            quit: false,
            page: 10,
            params: HashMap::new(),
            device_tables: Vec::new(),
            timeline_minutes: super::timeline::DEFAULT_MINUTES,
            tune: Default::default(),
            help_scroll: 0,
            mouse: false,
            keymap_problems: Vec::new(),
            list_area: ratatui::layout::Rect::default(),
            connections: Default::default(),
            next_job: 1,
        }
    }

    /// The entry under the cursor in the rule list.
    pub fn selected_entry(&self) -> Option<(usize, &RuleEntry)> {
        let i = *self.visible.get(self.selected)?;
        Some((i, self.entries.get(i)?))
    }

    /// The active keymap layers, most specific first.
    pub fn layers(&self) -> Vec<Layer> {
        if self.help {
            return vec![Layer::Help];
        }
        match &self.tune.overlay {
            Some(super::tune::Overlay::Confirm { .. }) => {
                return vec![Layer::TuneConfirm, Layer::Global];
            }
            Some(_) => return vec![Layer::Tune, Layer::Global],
            None => {}
        }
        self.screen_layers()
    }

    /// The layers of the views under the help overlay.
    pub fn screen_layers(&self) -> Vec<Layer> {
        let mut l = Vec::new();
        if self.job.is_some() {
            l.push(Layer::Running);
        }
        match self.stack.last() {
            // typed characters go to the filter: no global keys (the filter layer has its own ctrl-c)
            None if self.filtering => {
                l.push(Layer::Filter);
                return l;
            }
            None => l.push(Layer::Rules),
            // typed characters go to the filter or search (Esc closes it, not the running query)
            Some(Screen::Results(v)) if v.input.is_some() => {
                l.clear();
                l.push(Layer::RowInput);
                return l;
            }
            Some(Screen::Results(_)) => l.push(Layer::Results),
            Some(Screen::Record(_)) => l.push(Layer::Record),
            Some(Screen::Error(_)) => l.push(Layer::Error),
            Some(Screen::Params(v)) if v.edit.is_some() => {
                l.push(Layer::ParamEdit);
                return l;
            }
            Some(Screen::Params(_)) => l.push(Layer::Params),
        }
        l.push(Layer::Global);
        l
    }

    /// A key press: resolved through the keymap, then `update`.
    pub fn handle_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        match self.keymap.resolve(&self.layers(), key) {
            Some(a) => update(self, a),
            None => Vec::new(),
        }
    }

    /// Breadcrumbs: `Rules`, then each open view.
    pub fn breadcrumbs(&self) -> Vec<String> {
        let mut out = vec!["Rules".to_string()];
        for s in &self.stack {
            out.push(match s {
                Screen::Results(v) => v.crumb.clone(),
                Screen::Record(v) => v.crumb.clone(),
                Screen::Error(v) => v.crumb.clone(),
                Screen::Params(v) => v.crumb.clone(),
            });
        }
        out
    }

    fn refilter(&mut self) {
        let keep = self.selected_entry().map(|(i, _)| i);
        self.visible = (0..self.entries.len())
            .filter(|&i| self.entries[i].matches(&self.filter))
            .collect();
        self.selected = keep
            .and_then(|k| self.visible.iter().position(|&i| i == k))
            .unwrap_or(0);
        self.offset = 0;
        self.detail_scroll = 0;
    }

    pub(super) fn start_job(
        &mut self,
        query: String,
        purpose: JobPurpose,
        replace: bool,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        if let Some(old) = self.job.take() {
            fx.push(Effect::Cancel(old.id));
        }
        let id = self.next_job;
        self.next_job += 1;
        let label = match &purpose {
            JobPurpose::Rule { rule } => self
                .entries
                .get(*rule)
                .map(RuleEntry::name)
                .unwrap_or_default(),
            JobPurpose::Drill { column, value, .. } => format!("{column} = {value}"),
            JobPurpose::Timeline { device, at, .. } => {
                format!("timeline {device} {at} ±{} min", self.timeline_minutes)
            }
        };
        self.job = Some(Job {
            id,
            label,
            elapsed: Duration::ZERO,
            purpose: purpose.clone(),
        });
        self.message = None;
        fx.push(Effect::Run(JobSpec {
            id,
            query,
            purpose,
            replace,
            backend: self.connections.selected().map(String::from),
        }));
        fx
    }

    fn finish_job(&mut self, done: JobDone) {
        let Some(job) = self.job.take_if(|j| j.id == done.id) else {
            return; // stale: cancelled or superseded
        };
        let (rule, crumb, query) = match &job.purpose {
            JobPurpose::Rule { rule } => {
                let query = self.rule_query(*rule).unwrap_or_default();
                (*rule, job.label.clone(), query)
            }
            JobPurpose::Drill { rule, .. } | JobPurpose::Timeline { rule, .. } => {
                let query = self.drill_query(&job.purpose).unwrap_or_default();
                (*rule, job.label.clone(), query)
            }
        };
        let replace = matches!(
            self.stack.last(),
            Some(Screen::Results(v)) if v.purpose == job.purpose
        ) || matches!(
            self.stack.last(),
            Some(Screen::Error(v)) if v.purpose == job.purpose
        );
        let screen = match done.outcome {
            Ok(data) => {
                let note = match job.purpose {
                    JobPurpose::Rule { rule } => self.tune_record_run(rule, &query, &data),
                    _ => None,
                };
                let drill = match job.purpose {
                    JobPurpose::Rule { .. } => drill::plan(&query),
                    JobPurpose::Drill { .. } | JobPurpose::Timeline { .. } => None,
                };
                self.message = note;
                Screen::Results(ResultsView::new(
                    rule,
                    crumb,
                    query,
                    job.purpose,
                    data,
                    drill,
                ))
            }
            Err(error) => Screen::Error(ErrorView {
                rule,
                crumb,
                query,
                purpose: job.purpose,
                error,
                scroll: 0,
            }),
        };
        if replace {
            self.stack.pop();
        }
        self.stack.push(screen);
    }

    /// The parameters of rule `rule`: as edited, else as written in the rule.
    pub fn rule_params(&self, rule: usize) -> Vec<Param> {
        if let Some(p) = self.params.get(&rule) {
            return p.clone();
        }
        self.rule_base(rule)
            .map(|q| params::params_of(&q))
            .unwrap_or_default()
    }

    /// The query of rule `rule` as it will run: the rule's query with the edited parameters substituted.
    pub fn rule_query(&self, rule: usize) -> Option<String> {
        // placeholders ({{StartTimeISO}}) are substituted even when nothing was edited
        params::apply(&self.rule_base(rule)?, &self.rule_params(rule)).ok()
    }

    /// The query text a job purpose runs.
    fn drill_query(&self, purpose: &JobPurpose) -> Option<String> {
        match purpose {
            JobPurpose::Rule { rule } => self.rule_query(*rule),
            JobPurpose::Drill { rule, value, .. } => {
                Some(drill::plan(&self.rule_query(*rule)?)?.query(value))
            }
            JobPurpose::Timeline { device, at, .. } => {
                super::timeline::query(&self.device_tables, device, at, self.timeline_minutes).ok()
            }
        }
    }

    /// Starts the device timeline around the selected row (results) or the open record.
    fn timeline(&mut self) -> Vec<Effect> {
        let selected_row;
        let (columns, values): (&[String], &[String]) = match self.stack.last() {
            Some(Screen::Results(v)) => match v.row(v.selected) {
                Some(r) => {
                    selected_row = r;
                    (&v.data.columns, &selected_row)
                }
                None => {
                    self.message = Some("no row for a timeline".into());
                    return Vec::new();
                }
            },
            Some(Screen::Record(v)) => (&v.columns, &v.values),
            _ => return Vec::new(),
        };
        let get = |name: &str| {
            columns
                .iter()
                .position(|c| c == name)
                .and_then(|i| values.get(i))
                .cloned()
        };
        let (Some(device), Some(at)) = (get("DeviceId"), get("Timestamp")) else {
            self.message =
                Some("a timeline needs a row with DeviceId and Timestamp (open the events)".into());
            return Vec::new();
        };
        let rule = self
            .stack
            .iter()
            .rev()
            .find_map(|s| match s {
                Screen::Results(v) => Some(v.rule),
                Screen::Error(v) => Some(v.rule),
                Screen::Params(v) => Some(v.rule),
                Screen::Record(_) => None,
            })
            .unwrap_or(0);
        match super::timeline::query(&self.device_tables, &device, &at, self.timeline_minutes) {
            Ok(q) => self.start_job(q, JobPurpose::Timeline { rule, device, at }, false),
            Err(e) => {
                self.message = Some(format!("no timeline: {e}"));
                Vec::new()
            }
        }
    }

    /// `[` / `]`: a narrower / wider device timeline window; a timeline on top re-runs with it.
    fn resize_timeline(&mut self, wider: bool) -> Vec<Effect> {
        let m = self.timeline_minutes;
        self.timeline_minutes = if wider {
            super::timeline::wider(m)
        } else {
            super::timeline::narrower(m)
        };
        let on_timeline = match self.stack.last() {
            Some(Screen::Results(v)) => matches!(v.purpose, JobPurpose::Timeline { .. }),
            Some(Screen::Error(v)) => matches!(v.purpose, JobPurpose::Timeline { .. }),
            _ => false,
        };
        if on_timeline && self.timeline_minutes != m {
            // the timeline on top runs again, in place, with the new window
            let fx = self.run();
            if !fx.is_empty() {
                return fx;
            }
        }
        self.message = Some(format!(
            "device timeline window: ±{} min",
            self.timeline_minutes
        ));
        Vec::new()
    }

    /// A mouse click: selects the rule or the row (and column) under it.
    fn click(&mut self, x: u16, y: u16) {
        let pos = ratatui::layout::Position { x, y };
        match self.stack.last_mut() {
            None if self.list_area.contains(pos) => {
                let p = self.offset + usize::from(y - self.list_area.y);
                if p < self.visible.len() && p != self.selected {
                    self.selected = p;
                    self.detail_scroll = 0;
                }
            }
            Some(Screen::Results(v)) if v.body.contains(pos) => {
                let p = v.offset + usize::from(y - v.body.y);
                if p < v.row_count() {
                    v.selected = p;
                }
                if let Some(&(_, _, c)) = v
                    .col_spans
                    .iter()
                    .find(|(cx, w, _)| x >= *cx && x < cx.saturating_add(*w))
                {
                    v.col = c;
                }
            }
            _ => {}
        }
    }

    /// Opens the parameter form of the selected rule.
    fn open_params(&mut self) {
        if !self.stack.is_empty() {
            return;
        }
        let Some((i, e)) = self.selected_entry() else {
            return;
        };
        if let RuleEntry::Failed(_) = e {
            self.message = Some("this rule failed to load; it has no parameters".into());
            return;
        }
        let crumb = format!("parameters: {}", e.name());
        let params = self.rule_params(i);
        if params.is_empty() {
            self.message = Some("this rule has no parameters (no top-level let)".into());
            return;
        }
        self.message = None;
        self.stack.push(Screen::Params(ParamsView {
            rule: i,
            crumb,
            params,
            selected: 0,
            edit: None,
            error: None,
            scroll: 0,
        }));
    }

    /// Parameter form actions: edit, type, accept (checked), cancel, reset.
    fn param_action(&mut self, a: Action) {
        let query = match self.stack.last() {
            Some(Screen::Params(v)) => match self.rule_base(v.rule) {
                Some(q) => q,
                None => return,
            },
            _ => return,
        };
        let Some(Screen::Params(v)) = self.stack.last_mut() else {
            return;
        };
        let Some(p) = v.params.get(v.selected).cloned() else {
            return;
        };
        let mut changed = false;
        match a {
            Action::ParamEdit => {
                v.edit = Some(p.value.clone());
                v.error = None;
            }
            Action::ParamInput(c) => {
                if let Some(e) = &mut v.edit {
                    e.push(c);
                }
            }
            Action::ParamBackspace => {
                if let Some(e) = &mut v.edit {
                    e.pop();
                }
            }
            Action::ParamCancel => v.edit = None,
            Action::ParamAccept => {
                let Some(text) = v.edit.clone() else {
                    return;
                };
                let text = text.trim().to_string();
                // checked against the rule's query with the other edits in place
                match params::validate(&query, &v.params, v.selected, &text) {
                    Ok(()) => {
                        if let Some(slot) = v.params.get_mut(v.selected) {
                            slot.value = text;
                        }
                        v.edit = None;
                        v.error = None;
                        changed = true;
                    }
                    Err(reason) => v.error = Some(format!("{} refused: {reason}", text)),
                }
            }
            Action::ParamReset => {
                if let Some(slot) = v.params.get_mut(v.selected) {
                    slot.value = slot.original.clone();
                }
                v.edit = None;
                v.error = None;
                changed = true;
            }
            _ => {}
        }
        if changed {
            let (rule, ps) = (v.rule, v.params.clone());
            if ps.iter().any(Param::edited) {
                self.params.insert(rule, ps);
            } else {
                self.params.remove(&rule);
            }
        }
    }

    fn run(&mut self) -> Vec<Effect> {
        let purpose = match self.stack.last() {
            None => match self.selected_entry() {
                Some((i, RuleEntry::Loaded(_))) => JobPurpose::Rule { rule: i },
                Some((_, RuleEntry::Failed(_))) => {
                    self.message = Some("this rule failed to load; it cannot run".into());
                    return Vec::new();
                }
                None => return Vec::new(),
            },
            Some(Screen::Results(v)) => v.purpose.clone(),
            Some(Screen::Error(v)) => v.purpose.clone(),
            Some(Screen::Params(v)) => JobPurpose::Rule { rule: v.rule },
            Some(Screen::Record(_)) => return Vec::new(),
        };
        let Some(query) = self.drill_query(&purpose) else {
            return Vec::new();
        };
        let replace = !matches!(self.stack.last(), None | Some(Screen::Params(_)));
        self.start_job(query, purpose, replace)
    }

    fn open(&mut self) -> Vec<Effect> {
        let Some(Screen::Results(v)) = self.stack.last() else {
            return Vec::new();
        };
        let Some(row) = v.row(v.selected) else {
            self.message = Some("no row to open".into());
            return Vec::new();
        };
        if let (Some(plan), JobPurpose::Rule { rule }) = (&v.drill, &v.purpose)
            && let Some(ci) = v.data.columns.iter().position(|c| *c == plan.key)
        {
            let value = row.get(ci).cloned().unwrap_or_default();
            let purpose = JobPurpose::Drill {
                rule: *rule,
                column: plan.key.clone(),
                value: value.clone(),
            };
            let query = plan.query(&value);
            return self.start_job(query, purpose, false);
        }
        let record = RecordView {
            crumb: format!("record {} of {}", v.selected + 1, v.row_count()),
            columns: v.data.columns.clone(),
            types: v.data.types.clone(),
            values: row,
            scroll: 0,
        };
        self.stack.push(Screen::Record(record));
        Vec::new()
    }

    fn back(&mut self) {
        if self.stack.pop().is_none() && !self.filter.is_empty() {
            self.filter.clear();
            self.refilter();
        }
    }

    /// Exports the result view on top: an effect with the file's contents.
    fn export(&mut self, format: super::export::Format) -> Vec<Effect> {
        let Some(Screen::Results(v)) = self.stack.last() else {
            self.message = Some("nothing to export here (open a result view)".into());
            return Vec::new();
        };
        vec![Effect::Export {
            stem: super::export::stem(&v.crumb),
            ext: format.ext().to_string(),
            contents: super::export::render(&v.view_table(), format),
        }]
    }

    /// Copies the selected cell (the selected row, in the first column shown) to the clipboard, sanitised.
    fn copy_cell(&mut self) -> Vec<Effect> {
        let cell = match self.stack.last() {
            Some(Screen::Results(v)) => v.current_column().and_then(|ci| {
                v.cell(v.selected, ci)
                    .map(|c| (v.data.columns.get(ci).cloned().unwrap_or_default(), c))
            }),
            _ => None,
        };
        let Some((column, text)) = cell else {
            self.message = Some("no cell to copy".into());
            return Vec::new();
        };
        let text = crate::cli::output::sanitize(&text);
        self.message = Some(format!(
            "copied {column} ({} characters) to the clipboard (OSC 52)",
            text.chars().count()
        ));
        vec![Effect::Clipboard(text)]
    }

    /// Whether text typed now goes to a result view's filter or search.
    fn row_input_open(&self) -> bool {
        matches!(self.stack.last(), Some(Screen::Results(v)) if v.input.is_some())
    }

    /// Typing into a result view's filter or search (the filter actions, routed here while it is open).
    fn row_input(&mut self, a: Action) {
        let Some(Screen::Results(v)) = self.stack.last_mut() else {
            return;
        };
        let Some(input) = &mut v.input else {
            return;
        };
        match a {
            Action::FilterInput(c) => input.text.push(c),
            Action::FilterBackspace => {
                input.text.pop();
            }
            Action::FilterCancel => v.input = None,
            Action::FilterAccept => {
                let RowInput { kind, text } = input.clone();
                v.input = None;
                if text.is_empty() {
                    return;
                }
                match kind {
                    InputKind::Filter => {
                        v.filters.push(RowFilter::Text(text));
                        v.refresh();
                    }
                    InputKind::Search => {
                        v.search = Some(text);
                        self.search_next();
                    }
                }
            }
            _ => {}
        }
    }

    /// Moves to the next shown row containing the last search (after the selected one, wrapping).
    fn search_next(&mut self) {
        let Some(Screen::Results(v)) = self.stack.last_mut() else {
            return;
        };
        let Some(needle) = v.search.clone() else {
            self.message = Some("no search yet (/ to search)".into());
            return;
        };
        let rows = v.shown_rows();
        match table::search(&v.data, &rows, &v.cols, &needle, v.selected + 1) {
            Some(pos) => {
                let wrapped = pos <= v.selected;
                v.selected = pos;
                self.message = Some(format!(
                    "/{needle}: row {} of {}{}",
                    pos + 1,
                    rows.len(),
                    if wrapped { " (wrapped)" } else { "" }
                ));
            }
            None => self.message = Some(format!("no row contains \"{needle}\"")),
        }
    }

    /// Sort, filter, column and search actions of a result view.
    fn results_action(&mut self, a: Action) {
        let Some(Screen::Results(v)) = self.stack.last_mut() else {
            return;
        };
        let mut note = None;
        match a {
            Action::SortColumn => {
                let Some(c) = v.current_column() else {
                    return;
                };
                v.sort = match v.sort {
                    Some((s, desc)) if s == c => Some((c, !desc)),
                    _ => Some((c, false)),
                };
                v.refresh();
            }
            Action::RowFilterStart | Action::SearchStart => {
                let kind = if a == Action::SearchStart {
                    InputKind::Search
                } else {
                    InputKind::Filter
                };
                v.input = Some(RowInput {
                    kind,
                    text: String::new(),
                });
            }
            Action::FilterEqCell | Action::FilterNeCell => {
                let Some(c) = v.current_column() else {
                    return;
                };
                match v.cell(v.selected, c).map(|t| t.into_owned()) {
                    None => note = Some("no cell to filter on".to_string()),
                    Some(value) => {
                        v.filters.push(if a == Action::FilterEqCell {
                            RowFilter::Eq { column: c, value }
                        } else {
                            RowFilter::Ne { column: c, value }
                        });
                        v.refresh();
                    }
                }
            }
            Action::ClearFilters => {
                v.filters.clear();
                v.refresh();
            }
            Action::HideColumn => {
                if v.cols.len() <= 1 {
                    note = Some("the last column cannot be hidden".to_string());
                } else if v.col < v.cols.len() {
                    v.cols.remove(v.col);
                    v.refresh();
                }
            }
            Action::ShowColumns => {
                let cur = v.current_column();
                v.cols = (0..v.data.columns.len()).collect();
                v.col = cur
                    .and_then(|c| v.cols.iter().position(|&k| k == c))
                    .unwrap_or(0);
                v.refresh();
            }
            Action::MoveColumnLeft if v.col > 0 && v.col < v.cols.len() => {
                v.cols.swap(v.col, v.col - 1);
                v.col -= 1;
            }
            Action::MoveColumnRight if v.col + 1 < v.cols.len() => {
                v.cols.swap(v.col, v.col + 1);
                v.col += 1;
            }
            _ => {}
        }
        self.message = note;
    }

    /// Moves the cursor of the active view.
    fn navigate(&mut self, a: &Action) {
        let page = self.page.max(1);
        let step = |pos: usize, len: usize| -> usize {
            let last = len.saturating_sub(1);
            match a {
                Action::Up => pos.saturating_sub(1),
                Action::Down => (pos + 1).min(last),
                Action::PageUp => pos.saturating_sub(page),
                Action::PageDown => (pos + page).min(last),
                Action::Top => 0,
                Action::Bottom => last,
                _ => pos,
            }
        };
        match self.stack.last_mut() {
            None => {
                let before = self.selected;
                self.selected = step(self.selected, self.visible.len());
                if before != self.selected {
                    self.detail_scroll = 0;
                }
            }
            Some(Screen::Results(v)) => match a {
                Action::Left => v.col = v.col.saturating_sub(1),
                Action::Right => v.col = (v.col + 1).min(v.cols.len().saturating_sub(1)),
                _ => v.selected = step(v.selected, v.row_count()),
            },
            // line counts depend on the width: the view clamps when drawing
            Some(Screen::Record(v)) => v.scroll = step(v.scroll, usize::MAX),
            Some(Screen::Error(v)) => v.scroll = step(v.scroll, usize::MAX),
            Some(Screen::Params(v)) => {
                v.selected = step(v.selected, v.params.len());
                v.error = None;
            }
        }
    }
}

/// Applies `action` to `app`; returns the side effects to run.
pub fn update(app: &mut App, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => {
            app.quit = true;
            let mut fx = Vec::new();
            if let Some(j) = app.job.take() {
                fx.push(Effect::Cancel(j.id));
            }
            fx.push(Effect::Quit);
            return fx;
        }
        Action::ToggleHelp => {
            app.help = !app.help;
            app.help_scroll = 0;
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
            if app.help =>
        {
            // the drawing clamps to the overlay's height
            let page = app.page.max(1);
            let s = app.help_scroll;
            app.help_scroll = match action {
                Action::Up => s.saturating_sub(1),
                Action::Down => s.saturating_add(1),
                Action::PageUp => s.saturating_sub(page),
                Action::PageDown => s.saturating_add(page),
                Action::Top => 0,
                _ => usize::MAX / 2,
            };
        }
        Action::NextConnection => app.message = Some(app.connections.cycle()),
        Action::FilterStart => {
            if app.stack.is_empty() {
                app.filtering = true;
            }
        }
        Action::FilterInput(_)
        | Action::FilterBackspace
        | Action::FilterAccept
        | Action::FilterCancel
            if app.row_input_open() =>
        {
            app.row_input(action)
        }
        Action::FilterInput(c) => {
            app.filter.push(c);
            app.refilter();
        }
        Action::FilterBackspace => {
            app.filter.pop();
            app.refilter();
        }
        Action::FilterAccept => app.filtering = false,
        Action::FilterCancel => {
            app.filtering = false;
            app.filter.clear();
            app.refilter();
        }
        Action::Up
        | Action::Down
        | Action::PageUp
        | Action::PageDown
        | Action::Top
        | Action::Bottom
        | Action::Left
        | Action::Right => app.navigate(&action),
        Action::DetailUp => app.detail_scroll = app.detail_scroll.saturating_sub(1),
        Action::DetailDown => app.detail_scroll += 1,
        Action::Run => return app.run(),
        Action::Open => return app.open(),
        Action::Back => app.back(),
        Action::Cancel => {
            if let Some(j) = app.job.take() {
                app.message = Some(format!("cancelled: {}", j.label));
                return vec![Effect::Cancel(j.id)];
            }
        }
        Action::Tick(d) => {
            if let Some(j) = &mut app.job {
                j.elapsed = d;
            }
        }
        Action::JobDone(done) => app.finish_job(done),
        Action::Tune(t) => return super::tune::update(app, t),
        Action::ParamsOpen => app.open_params(),
        Action::Export(format) => return app.export(format),
        Action::CopyCell => return app.copy_cell(),
        Action::Timeline => return app.timeline(),
        Action::TimelineWiden => return app.resize_timeline(true),
        Action::TimelineNarrow => return app.resize_timeline(false),
        Action::Click { x, y } => {
            if !app.help {
                app.click(x, y)
            }
        }
        Action::Note(m) => app.message = Some(m),
        Action::SearchNext => app.search_next(),
        Action::SortColumn
        | Action::RowFilterStart
        | Action::FilterEqCell
        | Action::FilterNeCell
        | Action::ClearFilters
        | Action::HideColumn
        | Action::ShowColumns
        | Action::MoveColumnLeft
        | Action::MoveColumnRight
        | Action::SearchStart => app.results_action(action),
        Action::ParamEdit
        | Action::ParamInput(_)
        | Action::ParamBackspace
        | Action::ParamAccept
        | Action::ParamCancel
        | Action::ParamReset => app.param_action(action),
    }
    Vec::new()
}
