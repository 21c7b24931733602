//! `huntbench pull --connection NAME --table T --out DIR`: fetches a table from a remote service in time
//! chunks into `DIR/T/part-<start>.parquet`, a folder the local catalog reads as table `T`.
//!
//! Resumable: `DIR/T/.pull-state.json` (hidden, so the catalog skips it) records the pull's settings and
//! the chunks written; a second run with the same settings skips them. Each part is written to a
//! temporary name and renamed, so an interruption leaves no half-written part.

use std::path::{Path, PathBuf};

use clap::Args;
use serde_json::json;

use crate::engine::{self, QueryResult, RunOptions};
use crate::kql::literal::{format_datetime_iso, parse_timespan_text};

use super::output::sanitize;

#[derive(Args)]
pub struct PullArgs {
    /// The connection to pull from (config.toml).
    #[arg(long, value_name = "NAME")]
    pub connection: String,
    /// The table to pull.
    #[arg(long)]
    pub table: String,
    /// How far back from --until (a KQL timespan: 7d, 12h).
    #[arg(long, default_value = "7d")]
    pub since: String,
    /// The end of the window (ISO-8601 UTC); default: now.
    #[arg(long)]
    pub until: Option<String>,
    /// The length of one chunk (one request).
    #[arg(long, default_value = "1d")]
    pub chunk: String,
    /// A KQL predicate added as `| where ...` (e.g. `DeviceName startswith "ws-"`).
    #[arg(long = "where", value_name = "KQL")]
    pub filter: Option<String>,
    /// The table's time column.
    #[arg(long, default_value = "Timestamp")]
    pub time_column: String,
    /// The folder to write into (the table goes to DIR/TABLE/).
    #[arg(long)]
    pub out: PathBuf,
}

/// The query of one chunk `[from, to)`.
pub fn chunk_query(a: &PullArgs, from: i64, to: i64) -> String {
    let mut q = format!(
        "{} | where {} >= datetime({}) and {} < datetime({})",
        a.table,
        a.time_column,
        format_datetime_iso(from),
        a.time_column,
        format_datetime_iso(to)
    );
    if let Some(w) = &a.filter {
        q.push_str(&format!(" | where {w}"));
    }
    q
}

fn ident_ok(s: &str) -> bool {
    !s.is_empty()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !s.starts_with(|c: char| c.is_ascii_digit())
}

/// Writes a result as Parquet: datetimes as timestamps (ns), timespans as durations (ns), dynamic as JSON
/// text — the types the catalog reads back.
fn write_parquet(res: &QueryResult, path: &Path) -> Result<(), String> {
    let bytes = crate::data::export_write::parquet_bytes(&res.frame, &res.columns)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let tmp = path.with_extension("parquet.tmp");
    std::fs::write(&tmp, bytes).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write_state(path: &Path, state: &serde_json::Value) -> Result<(), String> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, state.to_string()).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn run(a: &PullArgs) -> u8 {
    match pull(a) {
        Ok(()) => 0,
        Err((code, e)) => {
            eprintln!("huntbench: {}", sanitize(&e));
            code
        }
    }
}

fn pull(a: &PullArgs) -> Result<(), (u8, String)> {
    let usage = |e: String| (super::EXIT_USAGE, e);
    let failed = |e: String| (super::EXIT_FAILED, e);
    if !ident_ok(&a.table) || !ident_ok(&a.time_column) {
        return Err(usage(format!(
            "--table and --time-column take a plain name (letters, digits, _), got `{}` / `{}`",
            a.table, a.time_column
        )));
    }
    let since = parse_timespan_text(&a.since)
        .filter(|t| *t > 0)
        .ok_or_else(|| {
            usage(format!(
                "--since: `{}` is not a positive timespan (7d, 12h)",
                a.since
            ))
        })?;
    let chunk = parse_timespan_text(&a.chunk)
        .filter(|t| *t > 0)
        .ok_or_else(|| {
            usage(format!(
                "--chunk: `{}` is not a positive timespan (1d, 6h)",
                a.chunk
            ))
        })?;
    let dir = a.out.join(&a.table);
    let state_path = dir.join(".pull-state.json");
    let old: Option<serde_json::Value> = match std::fs::read_to_string(&state_path) {
        Ok(text) => Some(serde_json::from_str(&text).map_err(|e| {
            failed(format!(
                "{}: unreadable state ({e}); delete it to start over",
                state_path.display()
            ))
        })?),
        Err(_) => None,
    };
    // Without --until, an unfinished pull resumes up to its own end (the clock has moved on since).
    let old_until = old
        .as_ref()
        .and_then(|o| o["settings"]["until"].as_str())
        .and_then(crate::kql::literal::parse_datetime);
    let until = match (&a.until, old_until) {
        (Some(u), _) => super::parse_now(u).map_err(|e| usage(e.replace("--now", "--until")))?,
        (None, Some(t)) => t,
        (None, None) => engine::wall_clock_now(),
    };
    let start = until - since;
    let n_chunks = (since + chunk - 1) / chunk;
    if n_chunks > 100_000 {
        return Err(usage(format!(
            "--since {} in chunks of {} is {n_chunks} requests; use a longer --chunk",
            a.since, a.chunk
        )));
    }
    let backend = super::run::remote_backend(&a.connection).map_err(usage)?;
    std::fs::create_dir_all(&dir).map_err(|e| failed(format!("{}: {e}", dir.display())))?;
    let settings = json!({
        "connection": a.connection,
        "table": a.table,
        "time_column": a.time_column,
        "where": a.filter,
        "from": format_datetime_iso(start),
        "until": format_datetime_iso(until),
        "chunk_ticks": chunk,
    });
    let mut done: Vec<String> = Vec::new();
    if let Some(old) = old {
        if old.get("settings") != Some(&settings) {
            return Err(usage(format!(
                "{} holds a pull with other settings ({}); use another --out, or delete the folder to start over",
                dir.display(),
                old.get("settings")
                    .map(|s| s.to_string())
                    .unwrap_or_default()
            )));
        }
        done = old
            .get("done")
            .and_then(|d| d.as_array())
            .map(|d| {
                d.iter()
                    .filter_map(|v| v.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if !done.is_empty() {
            eprintln!(
                "huntbench: resuming: {} of {n_chunks} chunks already pulled (up to {})",
                done.len(),
                format_datetime_iso(until)
            );
        }
        if done.len() as i64 >= n_chunks {
            eprintln!(
                "huntbench: {} already holds this pull, complete up to {}; for newer data use another --out",
                dir.display(),
                format_datetime_iso(until)
            );
        }
    }
    let mut total = 0usize;
    for i in 0..n_chunks {
        let from = start + i * chunk;
        let to = (from + chunk).min(until);
        let key = format_datetime_iso(from);
        if done.contains(&key) {
            continue;
        }
        let q = chunk_query(a, from, to);
        let ran = backend
            .run(&q, &RunOptions::default())
            .map_err(|d| failed(format!("chunk {key}: {}", d.message)))?;
        for w in &ran.warnings {
            eprintln!("huntbench: warning: chunk {key}: {}", sanitize(w));
        }
        if ran.result.truncated {
            return Err(failed(format!(
                "chunk {key} was truncated by the service; pull again with a shorter --chunk (the chunks written so far are kept)"
            )));
        }
        let rows = ran.result.frame.height();
        if rows > 0 {
            let name: String = key.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            let part = dir.join(format!("part-{name}.parquet"));
            write_parquet(&ran.result, &part).map_err(failed)?;
        }
        total += rows;
        done.push(key.clone());
        write_state(&state_path, &json!({"settings": settings, "done": done})).map_err(failed)?;
        eprintln!(
            "huntbench: pull {}: chunk {}/{n_chunks} from {key}: {rows} rows",
            a.table,
            i + 1
        );
    }
    eprintln!(
        "huntbench: pulled {total} rows of {} into {} (read it with --data {})",
        a.table,
        dir.display(),
        a.out.display()
    );
    Ok(())
}
