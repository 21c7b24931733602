//! `huntbench data inspect FILE|DIR`: what the loader makes of exported files — per file its format and
//! shape, table, rows, columns and types, time range, how datetimes were read, and warnings.

use std::path::PathBuf;

use crate::data::catalog::LoadOptions;
use crate::data::time::format_datetime_iso;
use crate::data::{Catalog, FileInfo};

#[derive(clap::Args, Debug, Clone)]
pub struct DataArgs {
    #[command(subcommand)]
    pub command: DataCommand,
}

#[derive(clap::Subcommand, Debug, Clone)]
pub enum DataCommand {
    /// Show how exported files load: format, table, rows, column types, time range, warnings.
    Inspect(InspectArgs),
}

/// Options for reading exports, shared by commands that load data.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct LoadArgs {
    /// Time zone of datetimes written without one (portal exports in local time): UTC, a fixed offset
    /// such as +02:00, or a zone name such as Europe/Berlin (daylight saving time followed).
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,
    /// Day/month order of numeric dates like 05/12/2024 (default: decided from each file's values,
    /// month first when they do not say, with a warning).
    #[arg(long, value_name = "dmy|mdy")]
    pub date_order: Option<String>,
    /// Treat a value that cannot be read as its column's type as an error (file:line), not a warning.
    #[arg(long)]
    pub strict: bool,
}

impl LoadArgs {
    pub fn options(&self) -> Result<LoadOptions, String> {
        LoadOptions::from_args(self.tz.as_deref(), self.date_order.as_deref(), self.strict)
    }
}

#[derive(clap::Args, Debug, Clone)]
pub struct InspectArgs {
    /// An exported file, or a folder of them.
    pub path: PathBuf,
    #[command(flatten)]
    pub load: LoadArgs,
}

/// Exit code: 0 when everything loaded, 1 when a file could not be read, 2 on bad options.
pub fn run(args: &DataArgs) -> u8 {
    match &args.command {
        DataCommand::Inspect(a) => inspect(a),
    }
}

fn inspect(a: &InspectArgs) -> u8 {
    let opts = match a.load.options() {
        // Inspecting reads every file in full: row counts, every value checked.
        Ok(o) => LoadOptions {
            validate: true,
            ..o
        },
        Err(e) => {
            eprintln!("huntbench: {e}");
            return super::EXIT_USAGE;
        }
    };
    let cat = match Catalog::open_with(&a.path, &opts) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("huntbench: {e}");
            return super::EXIT_FAILED;
        }
    };
    let files = cat.files();
    if files.is_empty() {
        println!(
            "{}: no exported tables (.csv, .json, .jsonl, .ndjson, .parquet)",
            a.path.display()
        );
    }
    let mut out = String::new();
    for f in &files {
        render(&mut out, f);
    }
    print!("{out}");
    0
}

fn time_text(t: i64) -> String {
    format_datetime_iso(t).unwrap_or_else(|| t.to_string())
}

/// One file's summary as text.
pub fn render(out: &mut String, f: &FileInfo) {
    use std::fmt::Write;
    let _ = writeln!(out, "{}", f.path.display());
    let _ = writeln!(out, "  format:   {} ({})", f.format, f.shape);
    let _ = writeln!(
        out,
        "  table:    {}{}",
        f.table,
        if f.known {
            ""
        } else {
            " (not a documented Defender table; types inferred)"
        }
    );
    let _ = writeln!(out, "  rows:     {}", f.rows);
    match f.time_range {
        Some((lo, hi)) => {
            let _ = writeln!(out, "  time:     {} .. {}", time_text(lo), time_text(hi));
        }
        None => {
            let _ = writeln!(out, "  time:     -");
        }
    }
    let _ = writeln!(
        out,
        "  reading:  zone-less datetimes in {}{}",
        f.zone,
        match f.date_order {
            Some(o) => format!(", numeric dates {}", o.name()),
            None => String::new(),
        }
    );
    let _ = writeln!(out, "  columns:  {}", f.columns.len());
    let width = f.columns.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, ty) in &f.columns {
        let _ = writeln!(out, "    {name:<width$}  {ty}");
    }
    if f.warnings.is_empty() {
        let _ = writeln!(out, "  warnings: none");
    } else {
        let _ = writeln!(out, "  warnings: {}", f.warnings.len());
        for w in &f.warnings {
            let _ = writeln!(out, "    {w}");
        }
    }
}
