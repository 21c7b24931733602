//! `huntbench query`: one KQL query, for scripts, CI and the conformance runner.

use std::io::Read;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::data::catalog::Catalog;
use crate::data::{NoTables, TableProvider};
use crate::engine::{self, RunOptions};

use super::output;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Json,
    Csv,
    Table,
}

#[derive(Args)]
pub struct QueryArgs {
    /// Folder of exported tables (<Table>.csv|.json|.jsonl|.parquet). Without it, only self-contained queries
    /// (datatable, print, range) run.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// How to read the data files (time zone, date order, strictness).
    #[command(flatten)]
    pub load: super::data_cmd::LoadArgs,
    /// The instant `now()` stands for (ISO-8601, UTC). Default: the data set's reference time if it has one,
    /// else the clock.
    #[arg(long)]
    pub now: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// The query text.
    #[arg(short = 'e', long = "execute", conflicts_with = "file")]
    pub query: Option<String>,
    /// A file holding the query.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Run on a remote service: a connection named in config.toml (see `huntbench connections`).
    #[arg(long, value_name = "NAME", conflicts_with = "data")]
    pub connection: Option<String>,
    /// Print the optimised polars plan the query runs as, instead of running it (for performance work: shows
    /// which columns and predicates reach the scans).
    #[arg(long, conflicts_with = "connection")]
    pub plan: bool,
}

pub fn run(a: &QueryArgs) -> u8 {
    let (source, origin) = match (&a.query, &a.file) {
        (Some(q), _) => (q.clone(), "<query>".to_string()),
        (None, Some(f)) => match std::fs::read_to_string(f) {
            Ok(s) => (s, f.display().to_string()),
            Err(e) => {
                eprintln!("huntbench: cannot read {}: {e}", f.display());
                return super::EXIT_USAGE;
            }
        },
        (None, None) => {
            let mut s = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut s) {
                eprintln!("huntbench: cannot read the query from standard input: {e}");
                return super::EXIT_USAGE;
            }
            (s, "<stdin>".to_string())
        }
    };
    let now = match a.now.as_deref().map(super::parse_now).transpose() {
        Ok(n) => n,
        Err(e) => {
            eprintln!("huntbench: {e}");
            return super::EXIT_USAGE;
        }
    };
    if let Some(name) = &a.connection {
        let backend = match super::run::remote_backend(name) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("huntbench: {}", output::sanitize(&e));
                return super::EXIT_USAGE;
            }
        };
        let opts = RunOptions::default();
        return match backend.run(&source, &opts) {
            Ok(ran) => {
                for w in &ran.warnings {
                    eprintln!("huntbench: warning: {}", output::sanitize(w));
                }
                print_result(&ran.result, a.format, &source, &origin)
            }
            Err(d) => {
                eprintln!("huntbench: {}", output::sanitize(&d.message));
                super::EXIT_FAILED
            }
        };
    }
    let tables: Box<dyn TableProvider> = match &a.data {
        None => Box::new(NoTables),
        Some(dir) => match a
            .load
            .options()
            .map(|o| Catalog::open_with(dir, &o).map_err(|e| e.to_string()))
        {
            Err(e) => {
                eprintln!("huntbench: {}", output::sanitize(&e));
                return super::EXIT_USAGE;
            }
            Ok(opened) => match opened {
                Ok(c) => {
                    for w in c.warnings() {
                        eprintln!("huntbench: warning: {}", output::sanitize(&w.to_string()));
                    }
                    Box::new(c)
                }
                Err(e) => {
                    eprintln!("huntbench: {}", output::sanitize(&e));
                    return super::EXIT_FAILED;
                }
            },
        },
    };
    // over a data set with a manifest, now() is the data set's reference time unless --now says otherwise
    let now = match (now, &a.data) {
        (Some(n), _) => Some(n),
        (None, Some(dir)) => super::run::manifest_now(dir).inspect(|n| {
            eprintln!(
                "huntbench: {}",
                super::describe_now(
                    *n,
                    &format!("the reference time of {}; --now changes it", dir.display())
                )
            )
        }),
        (None, None) => None,
    };
    let opts = RunOptions {
        now,
        ..Default::default()
    };
    if a.plan {
        let planned = engine::plan(&source, tables.as_ref(), &opts).and_then(|f| {
            f.lf.explain(true).map_err(|e| {
                crate::kql::Diagnostic::new(crate::kql::DiagKind::Runtime, e.to_string(), None)
            })
        });
        return match planned {
            Ok(text) => {
                for line in text.lines() {
                    println!("{}", output::sanitize(line));
                }
                0
            }
            Err(d) => {
                eprintln!("{}", d.render(&source, &origin, 1, super::use_color()));
                super::EXIT_FAILED
            }
        };
    }
    let ran = engine::run(&source, tables.as_ref(), &opts);
    // What the reads found (values of long CSV files are checked as they are read).
    for w in tables.read_warnings() {
        eprintln!("huntbench: warning: {}", output::sanitize(&w.to_string()));
    }
    match ran {
        Ok(res) => print_result(&res, a.format, &source, &origin),
        Err(d) => {
            eprintln!("{}", d.render(&source, &origin, 1, super::use_color()));
            // one line last, for scripts that read the tail of stderr
            eprintln!("huntbench: {}", output::sanitize(&d.message));
            super::EXIT_FAILED
        }
    }
}

/// Prints a result in `format`; 0, or 1 when it cannot be shown.
fn print_result(res: &engine::QueryResult, format: Format, source: &str, origin: &str) -> u8 {
    let text = match format {
        Format::Json => res.to_json().map(|j| j.to_string()),
        Format::Csv => output::to_csv(res),
        Format::Table => output::result_table(res, output::term_width()),
    };
    match text {
        Ok(t) => {
            println!("{t}");
            0
        }
        Err(d) => {
            eprintln!("{}", d.render(source, origin, 1, super::use_color()));
            super::EXIT_FAILED
        }
    }
}
