//! The command line: `huntbench query | check | run | rules | sample | data | params | tune | connections | pull`.

pub mod check;
pub mod connections;
pub mod data_cmd;
pub mod output;
pub mod params_cmd;
pub mod pull;
pub mod query;
pub mod rules_cmd;
pub mod run;
pub mod sample;
pub mod tune;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::engine::value::{format_datetime_iso, parse_datetime};

#[derive(Parser)]
#[command(
    name = "huntbench",
    version,
    about = "A terminal hunt workbench for Sentinel / Defender XDR hunting rules"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run one KQL query (from -e, --file, or standard input).
    Query(query::QueryArgs),
    /// Run hunting rules over exported tables.
    Run(run::RunArgs),
    /// Parse and plan rules against the Defender schemas, without data.
    Check(check::CheckArgs),
    /// List rules: id, name, tables, tactics and techniques, and load errors.
    Rules(rules_cmd::RulesArgs),
    /// Generate realistic Defender sample tables with planted detections.
    Sample(sample::SampleArgs),
    /// Inspect exported tables: how each file loads (format, table, rows, types, time range, warnings).
    Data(data_cmd::DataArgs),
    /// Open the interactive workbench (the default on a terminal).
    Tui(crate::tui::TuiArgs),
    /// List the parameters discovered in rules: name, type, value, where used.
    Params(params_cmd::ParamsArgs),
    /// Tune rules: save a tuned rule, explain an event.
    Tune(tune::TuneArgs),
    /// List the remote connections of config.toml.
    Connections(connections::ConnectionsArgs),
    /// Fetch a table from a remote connection, in time chunks, into local Parquet (resumable).
    Pull(pull::PullArgs),
}

/// Exit codes: 0 success, 1 a query or rule failed, 2 a usage error.
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Query(a)) => query::run(&a),
        Some(Command::Run(a)) => run::run(&a),
        Some(Command::Check(a)) => check::run(&a),
        Some(Command::Sample(a)) => match sample::run(&a) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("huntbench: {e}");
                EXIT_FAILED
            }
        },
        Some(Command::Rules(a)) => match rules_cmd::run(&a) {
            Ok(code) => code as u8,
            Err(e) => {
                eprintln!("huntbench: {e}");
                EXIT_FAILED
            }
        },
        Some(Command::Data(a)) => data_cmd::run(&a),
        Some(Command::Tui(a)) => crate::tui::run(&a),
        Some(Command::Params(a)) => params_cmd::run(&a),
        Some(Command::Tune(a)) => tune::run(&a),
        Some(Command::Connections(a)) => connections::run(&a),
        Some(Command::Pull(a)) => pull::run(&a),
        // No command on a terminal: the workbench over the bundled rules and sample data.
        None if interactive() => crate::tui::run(&crate::tui::TuiArgs::default()),
        // No command, not on a terminal: the headless run of the bundled rules over the sample data.
        None => run::run(&run::RunArgs {
            paths: Vec::new(),
            data: None,
            load: Default::default(),
            now: None,
            set: Vec::new(),
            diff: false,
            format: run::RunFormat::Table,
            connection: None,
        }),
    };
    ExitCode::from(code)
}

/// Standard input and output are both a terminal.
fn interactive() -> bool {
    use std::io::IsTerminal;
    std::io::stdin().is_terminal() && std::io::stdout().is_terminal()
}

/// Whether to colour diagnostics: only on a terminal, never with NO_COLOR set.
pub fn use_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// `--now`: an ISO-8601 datetime (or any form `datetime()` accepts) to ticks.
pub fn parse_now(s: &str) -> Result<i64, String> {
    parse_datetime(s).ok_or_else(|| {
        format!("--now: cannot read `{s}` as a datetime; use ISO-8601, e.g. 2024-05-01T12:00:00Z")
    })
}

/// The bundled sample data folder: `sample-data/` in the current directory, else beside the crate.
pub fn default_data_dir() -> Option<PathBuf> {
    let here = PathBuf::from("sample-data");
    if here.is_dir() {
        return Some(here);
    }
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    bundled.is_dir().then_some(bundled)
}

/// Says which reference time is used and why, on stderr.
pub fn describe_now(now: i64, source: &str) -> String {
    format!("now() = {} ({source})", format_datetime_iso(now))
}

/// The bundled rules folder: `rules/` in the current directory, else beside the crate.
pub fn default_rules_dir() -> PathBuf {
    rules_cmd::default_rules_dir()
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("rules"))
}

/// `NAME=VALUE` items of option `flag`.
pub fn parse_pairs(items: &[String], flag: &str) -> Result<Vec<(String, String)>, String> {
    items
        .iter()
        .map(|s| match s.split_once('=') {
            Some((n, v)) if !n.trim().is_empty() => Ok((n.trim().to_string(), v.to_string())),
            _ => Err(format!(
                "{flag} takes NAME=VALUE, got `{}`",
                output::sanitize(s)
            )),
        })
        .collect()
}
