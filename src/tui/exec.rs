//! Running queries: the one place the workbench calls a [`Backend`] — the local engine over the loaded
//! tables, or the remote connection a job names (rule runs, drill-downs and timelines alike). Used by the
//! runtime on worker threads and directly (blocking) by tests.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use ratatui::text::Span;

use crate::cli::output::sanitize;
use crate::config::Connection;
use crate::data::TableProvider;
use crate::engine::convert::column_values;
use crate::engine::{QueryResult, RunOptions};
use crate::kql::DiagKind;
use crate::kql::diag::line_col;
use crate::remote::{Backend, LocalBackend, RemoteBackend};

use super::action::{JobDone, JobError, JobSpec, TableData};
use super::table::{Cells, Column};

/// The widest a column is fitted to (longer values are cut; the record view shows them whole).
pub const MAX_COLUMN_WIDTH: usize = 48;
/// Rows looked at to fit column widths (the first ones).
pub const FIT_ROWS: usize = 2000;
/// The most rows a result keeps (more are cut, and the view says so).
pub const ROW_CAP: usize = 1_000_000;
/// Stack for query threads: the parser recurses deeply.
pub const STACK_SIZE: usize = 16 << 20;

/// What queries run against.
#[derive(Clone)]
pub struct Executor {
    pub tables: Arc<dyn TableProvider>,
    /// `now()` for every query.
    pub now: i64,
    /// At most this many rows per result.
    pub row_cap: usize,
    /// The named connections jobs may ask for (config.toml).
    pub connections: Arc<BTreeMap<String, Connection>>,
    /// Remote backends made so far, by connection name (they keep their tokens between queries).
    remotes: Arc<Mutex<HashMap<String, Arc<RemoteBackend>>>>,
}

impl Executor {
    pub fn new(tables: Arc<dyn TableProvider>, now: i64) -> Executor {
        Executor {
            tables,
            now,
            row_cap: ROW_CAP,
            connections: Arc::new(BTreeMap::new()),
            remotes: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// The same executor, able to run jobs on these connections.
    pub fn with_connections(mut self, connections: BTreeMap<String, Connection>) -> Executor {
        self.connections = Arc::new(connections);
        self
    }

    /// The backend of connection `name`, made on first use.
    fn remote(&self, name: &str) -> Result<Arc<RemoteBackend>, String> {
        let mut cache = self
            .remotes
            .lock()
            .map_err(|_| "the connection cache failed".to_string())?;
        if let Some(b) = cache.get(name) {
            return Ok(b.clone());
        }
        let conn = self
            .connections
            .get(name)
            .ok_or_else(|| format!("no connection named `{name}` in config.toml"))?;
        let b = Arc::new(RemoteBackend::new(name, conn)?);
        cache.insert(name.to_string(), b.clone());
        Ok(b)
    }

    /// Runs `spec` on the calling thread (which needs a large stack, see [`STACK_SIZE`]).
    pub fn execute(&self, spec: &JobSpec, cancel: Arc<AtomicBool>) -> JobDone {
        let opts = RunOptions {
            now: Some(self.now),
            row_cap: Some(self.row_cap),
            cancel: Some(cancel),
        };
        let ran = match &spec.backend {
            None => LocalBackend::new(self.tables.clone(), "").run(&spec.query, &opts),
            Some(name) => match self.remote(name) {
                Ok(b) => b.run(&spec.query, &opts),
                Err(e) => Err(crate::kql::Diagnostic::new(DiagKind::Runtime, e, None)),
            },
        };
        let backend = spec.backend.clone().unwrap_or_default();
        let outcome = match ran.map(|r| r.result) {
            Ok(res) => match table_of(&res, backend) {
                Ok(t) => Ok(t),
                Err(d) => Err(error_of(&spec.query, &d)),
            },
            Err(d) => Err(error_of(&spec.query, &d)),
        };
        JobDone {
            id: spec.id,
            outcome,
        }
    }

    /// Runs `spec` on a fresh thread with a large stack and waits for it (tests, and anything synchronous).
    pub fn execute_blocking(&self, spec: &JobSpec) -> JobDone {
        let me = self.clone();
        let spec2 = spec.clone();
        let handle = std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn(move || me.execute(&spec2, Arc::new(AtomicBool::new(false))));
        match handle.map(|h| h.join()) {
            Ok(Ok(done)) => done,
            _ => JobDone {
                id: spec.id,
                outcome: Err(JobError {
                    kind: "internal".into(),
                    message: "the query thread failed".into(),
                    ..Default::default()
                }),
            },
        }
    }
}

/// A query result as a table: its cells kept by column (formatted when drawn), widths fitted.
pub fn table_of(res: &QueryResult, backend: String) -> Result<TableData, crate::kql::Diagnostic> {
    let mut cells = Vec::with_capacity(res.columns.len());
    for (name, ty) in &res.columns {
        let values = res
            .frame
            .column(name)
            .and_then(|c| column_values(c, *ty))
            .map_err(|e| {
                crate::kql::Diagnostic::new(
                    DiagKind::Runtime,
                    format!("reading result column `{name}`: {e}"),
                    None,
                )
            })?;
        // one column of values at a time: the compact column replaces it
        cells.push(Column::from_values(values));
    }
    let cells = Cells::new(cells, res.frame.height());
    let columns: Vec<String> = res.columns.iter().map(|(n, _)| n.clone()).collect();
    let types = res
        .columns
        .iter()
        .map(|(_, t)| t.name().to_string())
        .collect();
    let widths = fit_widths(&columns, &cells);
    Ok(TableData {
        columns,
        types,
        cells,
        widths,
        truncated: res.truncated,
        elapsed: res.elapsed,
        now: res.now,
        backend,
    })
}

/// A diagnostic as a job error, located in `query`.
pub fn error_of(query: &str, d: &crate::kql::Diagnostic) -> JobError {
    let (line, column, line_text) = match d.span {
        Some(s) => {
            let (l, c) = line_col(query, s.start);
            let text = query.lines().nth(l - 1).map(str::to_string);
            (Some(l), Some(c), text)
        }
        None => (None, None, None),
    };
    JobError {
        kind: kind_label(d.kind).to_string(),
        message: d.message.clone(),
        help: d.help.clone(),
        line,
        column,
        line_text,
    }
}

fn kind_label(k: DiagKind) -> &'static str {
    match k {
        DiagKind::Syntax => "syntax error",
        DiagKind::Unsupported => "unsupported",
        DiagKind::UnknownTable => "unknown table",
        DiagKind::UnknownName => "unknown name",
        DiagKind::Semantic => "error",
        DiagKind::Runtime => "runtime error",
    }
}

/// Display width of text once sanitised.
pub fn display_width(s: &str) -> usize {
    Span::raw(sanitize(s)).width()
}

/// Column widths fitted to the header and the first [`FIT_ROWS`] rows, at most [`MAX_COLUMN_WIDTH`].
pub fn fit_widths(columns: &[String], cells: &Cells) -> Vec<usize> {
    fit_widths_rows(columns, cells, 0..cells.rows().min(FIT_ROWS))
}

/// Column widths fitted to the header and the rows `rows` (indexes), at most [`MAX_COLUMN_WIDTH`].
pub fn fit_widths_rows(
    columns: &[String],
    cells: &Cells,
    rows: impl Iterator<Item = usize> + Clone,
) -> Vec<usize> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let mut w = display_width(c);
            for r in rows.clone() {
                if w >= MAX_COLUMN_WIDTH {
                    break;
                }
                let cell = cells.cell(r, i);
                // long cells: only the start matters
                let head: String = cell.chars().take(MAX_COLUMN_WIDTH + 1).collect();
                w = w.max(display_width(&head));
            }
            w.clamp(1, MAX_COLUMN_WIDTH)
        })
        .collect()
}
