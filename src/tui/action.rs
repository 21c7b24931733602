//! Actions (what the user or the runtime asks for) and effects (what `update` asks the runtime to do), as
//! plain data: keys map to actions through the keymap, `update` turns actions into state changes and effects,
//! the runtime (or a test) runs the effects and feeds their outcomes back as actions.

use std::time::Duration;

/// Everything that can change the workbench's state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Quit,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Scroll the result columns left / right.
    Left,
    Right,
    /// Scroll the rule detail pane.
    DetailUp,
    DetailDown,
    /// Run the selected rule (rule list) or run again (results, error).
    Run,
    /// Enter on a result row: the events behind it, or the full record.
    Open,
    /// Back to the previous view (selection and scroll kept).
    Back,
    /// Cancel the running query.
    Cancel,
    ToggleHelp,
    FilterStart,
    FilterInput(char),
    FilterBackspace,
    FilterAccept,
    FilterCancel,
    /// Open the parameter form of the selected rule.
    ParamsOpen,
    /// Edit the selected parameter (typing starts from its current value).
    ParamEdit,
    ParamInput(char),
    ParamBackspace,
    /// Check the typed value and keep it, or refuse it with the reason.
    ParamAccept,
    /// Stop editing, keeping the previous value.
    ParamCancel,
    /// Back to the rule's own value.
    ParamReset,
    /// Write the current result view to a new file under the current directory.
    Export(super::export::Format),
    /// Copy the selected cell (selected row, first column shown) to the clipboard with OSC 52.
    CopyCell,
    /// The device timeline around the selected row or the open record.
    Timeline,
    /// Widen / narrow the device timeline's ±N minute window (a timeline on top re-runs with it).
    TimelineWiden,
    TimelineNarrow,
    /// A mouse click at a screen cell (column, row): selects what is under it.
    Click {
        x: u16,
        y: u16,
    },
    /// Sort the result rows by the current column (ascending, then toggling descending/ascending).
    SortColumn,
    /// Start typing a row filter (rows where any shown cell contains the text).
    RowFilterStart,
    /// Keep the rows whose current column equals the selected row's cell.
    FilterEqCell,
    /// Keep the rows whose current column differs from the selected row's cell.
    FilterNeCell,
    /// Drop every row filter.
    ClearFilters,
    /// Hide the current column.
    HideColumn,
    /// Show every column again, in the result's order.
    ShowColumns,
    /// Move the current column one place left / right.
    MoveColumnLeft,
    MoveColumnRight,
    /// Start typing a search (the next row containing the text).
    SearchStart,
    /// The next row containing the last search.
    SearchNext,
    /// Run queries on the next backend: the local data, then each connection of config.toml.
    NextConnection,
    /// A note for the status bar (sent by the runtime: where an export went, or why it failed).
    Note(String),
    /// Time since the running query started (sent by the runtime while a query runs).
    Tick(Duration),
    /// A background query finished.
    JobDone(JobDone),
    /// Rule tuning: diff, exclusions, frequency, explain, save.
    Tune(super::tune::TuneAction),
}

/// Side effects `update` asks for; the runtime runs them.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    Run(JobSpec),
    /// Cancel job `id` (set its cancel flag; its result, if any, is ignored).
    Cancel(u64),
    /// Write `contents` to a new file `stem.ext` under the current directory (never overwriting).
    Export {
        stem: String,
        ext: String,
        contents: String,
    },
    /// Set the terminal's clipboard (OSC 52) to this text (already sanitised).
    Clipboard(String),
    /// Save a tuned rule, explain an event.
    Tune(super::tune::TuneEffect),
    Quit,
}

/// What a query run is for.
#[derive(Clone, Debug, PartialEq)]
pub enum JobPurpose {
    /// Run rule `rule` (an index into `App::entries`).
    Rule { rule: usize },
    /// The raw events behind one summarized row: `column == value`.
    Drill {
        rule: usize,
        column: String,
        value: String,
    },
    /// Every loaded Device* table for `device` within ± the app's timeline minutes of `at`.
    Timeline {
        rule: usize,
        device: String,
        at: String,
    },
}

/// A query to run in the background.
#[derive(Clone, Debug, PartialEq)]
pub struct JobSpec {
    pub id: u64,
    pub query: String,
    pub purpose: JobPurpose,
    /// Replace the view on top of the stack instead of pushing a new one (a re-run).
    pub replace: bool,
    /// The connection to run on (config.toml); `None` runs on the local data.
    pub backend: Option<String>,
}

/// A finished job.
#[derive(Clone, Debug, PartialEq)]
pub struct JobDone {
    pub id: u64,
    pub outcome: Result<TableData, JobError>,
}

/// A query result, ready to render: its cells kept by column and turned into raw text only when asked
/// ([`TableData::cell`], [`TableData::row`]; sanitised when drawn), and fitted column widths.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TableData {
    pub columns: Vec<String>,
    pub types: Vec<String>,
    /// The cells, by column (shared between copies of the table).
    pub cells: super::table::Cells,
    /// Display width of each column (header and the first rows, capped).
    pub widths: Vec<usize>,
    pub truncated: bool,
    pub elapsed: Duration,
    /// The `now()` used, in ticks.
    pub now: i64,
    /// The connection the result came from; empty for the local data.
    pub backend: String,
}

/// A failed run: the message, and where in the query (1-based line and column, query-relative).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct JobError {
    pub kind: String,
    pub message: String,
    pub help: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// The text of the query line the error points at.
    pub line_text: Option<String>,
}
