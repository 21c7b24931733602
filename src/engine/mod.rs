//! The KQL engine: plans a parsed query onto polars lazy frames and runs it.
//!
//! The planner keeps its own KQL schema next to each lazy frame ([`Frame`]), so names, types and Kusto's
//! column naming are decided at plan time, without data: `huntbench check` plans against empty frames with
//! the Defender schemas, and every unknown name is reported with its span before anything runs.
//!
//! Scalar expressions compile to vectorised polars expressions where the mapping is exact (comparisons,
//! arithmetic on numbers and ticks, the has family through a term-matching kernel, `in`, `between`);
//! everything else runs row by row through the function library over [`value::Value`]s.

pub mod agg;
pub mod convert;
pub mod expr;
pub mod functions;
pub mod has;
pub mod ops;
pub mod plan;
pub mod re2;
pub mod reshape;
pub mod value;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use polars::prelude::*;

use crate::data::TableProvider;
use crate::kql::{self, DiagKind, Diagnostic, ScalarType};

pub use plan::Frame;
pub use value::Value;

/// How to run a query.
#[derive(Clone, Debug, Default)]
pub struct RunOptions {
    /// `now()` for this query, in ticks since the Unix epoch; the wall clock when `None`.
    pub now: Option<i64>,
    /// At most this many rows are returned; the result says when it was truncated.
    pub row_cap: Option<usize>,
    /// Set to cancel the query: checked before it starts running; a polars collect under way is not
    /// interrupted (callers such as the TUI drop the late result).
    pub cancel: Option<Arc<AtomicBool>>,
}

/// A query's result.
#[derive(Debug)]
pub struct QueryResult {
    pub columns: Vec<(String, ScalarType)>,
    pub frame: DataFrame,
    pub truncated: bool,
    pub elapsed: Duration,
    /// The `now()` used, in ticks.
    pub now: i64,
}

impl QueryResult {
    pub fn rows(&self) -> Result<Vec<Vec<Value>>, Diagnostic> {
        convert::frame_rows(&self.frame, &self.columns).map_err(|e| runtime(e.to_string()))
    }

    /// `{"columns":[{"name":..,"type":..}],"rows":[[..]]}`
    pub fn to_json(&self) -> Result<serde_json::Value, Diagnostic> {
        let columns: Vec<serde_json::Value> = self
            .columns
            .iter()
            .map(|(n, t)| serde_json::json!({"name": n, "type": t.name()}))
            .collect();
        let rows: Vec<serde_json::Value> = self
            .rows()?
            .iter()
            .map(|r| serde_json::Value::Array(r.iter().map(Value::to_json).collect()))
            .collect();
        Ok(serde_json::json!({"columns": columns, "rows": rows}))
    }
}

pub(crate) fn runtime(msg: impl Into<String>) -> Diagnostic {
    Diagnostic::new(DiagKind::Runtime, msg, None)
}

/// The current time in ticks.
pub fn wall_clock_now() -> i64 {
    let now = chrono::Utc::now();
    now.timestamp() * value::TICKS_PER_SECOND + i64::from(now.timestamp_subsec_nanos() / 100)
}

/// Parses and plans `source` without running it.
pub fn plan(
    source: &str,
    tables: &dyn TableProvider,
    opts: &RunOptions,
) -> Result<Frame, Diagnostic> {
    let query = kql::parse(source)?;
    let now = opts.now.unwrap_or_else(wall_clock_now);
    let mut planner = plan::Planner::new(tables, now);
    planner.plan_query(&query)
}

/// Parses, plans and runs `source`.
pub fn run(
    source: &str,
    tables: &dyn TableProvider,
    opts: &RunOptions,
) -> Result<QueryResult, Diagnostic> {
    let start = Instant::now();
    let now = opts.now.unwrap_or_else(wall_clock_now);
    let opts2 = RunOptions {
        now: Some(now),
        ..opts.clone()
    };
    let frame = plan(source, tables, &opts2)?;
    run_frame(frame, &opts2, start)
}

/// Runs a planned frame.
pub fn run_frame(
    frame: Frame,
    opts: &RunOptions,
    start: Instant,
) -> Result<QueryResult, Diagnostic> {
    if let Some(c) = &opts.cancel
        && c.load(Ordering::Relaxed)
    {
        return Err(runtime("cancelled"));
    }
    let mut lf = frame.lf;
    if let Some(cap) = opts.row_cap {
        lf = lf.limit((cap + 1) as IdxSize);
    }
    let mut df = lf
        .collect()
        .map_err(|e| runtime(format!("the query failed while running: {e}")))?;
    let mut truncated = false;
    if let Some(cap) = opts.row_cap
        && df.height() > cap
    {
        df = df.slice(0, cap);
        truncated = true;
    }
    Ok(QueryResult {
        columns: frame.cols,
        frame: df,
        truncated,
        elapsed: start.elapsed(),
        now: opts.now.unwrap_or_else(wall_clock_now),
    })
}
