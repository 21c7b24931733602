//! `huntbench run RULE_OR_DIR...`: run hunting rules over exported tables.

use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use crate::data::catalog::Catalog;
use crate::engine::{self, QueryResult, RunOptions};
use crate::kql::params;
use crate::remote::{Backend, LocalBackend};
use crate::rules::{self, Rule};
use crate::tune::{self, ResultDiff, Table};

use super::output::{self, sanitize};

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum RunFormat {
    Table,
    Csv,
    Json,
    Ndjson,
}

#[derive(Args)]
pub struct RunArgs {
    /// Rule files or folders (default: the bundled rules).
    pub paths: Vec<PathBuf>,
    /// Folder of exported tables (default: the bundled sample data).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// How to read the data files (time zone, date order, strictness).
    #[command(flatten)]
    pub load: super::data_cmd::LoadArgs,
    /// The instant `now()` stands for (ISO-8601 UTC). Default: the data set's reference time
    /// (manifest.json), else the clock.
    #[arg(long)]
    pub now: Option<String>,
    /// Set a rule parameter: `NAME=KQL` replaces the value of parameter NAME (see `huntbench params RULE`:
    /// a `let`, a placeholder such as StartTimeISO, or an inline value such as Signer_has) in each rule that
    /// has it, e.g. --set 'Time_start=now(-1d)'.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Also run each rule as shipped (its own parameter values) and print what the --set values changed:
    /// groups added, removed, changed and unchanged, and rows per device before and after.
    #[arg(long)]
    pub diff: bool,
    #[arg(long, value_enum, default_value = "table")]
    pub format: RunFormat,
    /// Run on a remote service: a connection named in config.toml (see `huntbench connections`). The
    /// rules' queries, with --set applied, are sent as text; --data is not read.
    #[arg(long, value_name = "NAME", conflicts_with = "data")]
    pub connection: Option<String>,
}

/// The reference time of a data folder: `reference_time` in its manifest.json, when there is one.
pub fn manifest_now(dir: &Path) -> Option<i64> {
    let text = std::fs::read_to_string(dir.join("manifest.json")).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    engine::value::parse_datetime(v.get("reference_time")?.as_str()?)
}

/// The query of `rule` with the `--set` values applied (and Sentinel placeholders substituted); the names
/// that matched a discovered parameter are added to `used`.
pub fn apply_sets(
    rule: &Rule,
    sets: &[(String, String)],
    used: &mut Vec<String>,
) -> Result<String, String> {
    // names this rule has count as used even when a value is refused (the refusal is the rule's error)
    let known = params::params_of(&rule.query);
    for (name, _) in sets {
        if known.iter().any(|p| &p.name == name) && !used.contains(name) {
            used.push(name.clone());
        }
    }
    let (q, _) = params::set_values(&rule.query, sets)?;
    Ok(q)
}

struct Outcome<'r> {
    rule: &'r Rule,
    result: Result<QueryResult, String>,
    diff: Option<Result<ResultDiff, String>>,
}

/// The backend of `--connection NAME`, its throttling notes on stderr.
pub fn remote_backend(name: &str) -> Result<Box<dyn Backend>, String> {
    let b = crate::remote::connect(name)?.with_notify(|m| eprintln!("huntbench: {}", sanitize(m)));
    eprintln!(
        "huntbench: running on {}; now() is the service's clock",
        sanitize(&b.describe())
    );
    Ok(Box::new(b))
}

pub fn run(a: &RunArgs) -> u8 {
    let sets = match super::parse_pairs(&a.set, "--set") {
        Ok(s) => s,
        Err(e) => {
            eprintln!("huntbench: {e}");
            return super::EXIT_USAGE;
        }
    };
    let fixed_now = match a.now.as_deref().map(super::parse_now).transpose() {
        Ok(n) => n,
        Err(e) => {
            eprintln!("huntbench: {e}");
            return super::EXIT_USAGE;
        }
    };
    let paths = if a.paths.is_empty() {
        vec![super::default_rules_dir()]
    } else {
        a.paths.clone()
    };
    let report = rules::load_paths(&paths);
    if let Some(name) = &a.connection {
        return match remote_backend(name) {
            Ok(b) => run_on(
                a,
                &sets,
                &report,
                b.as_ref(),
                fixed_now.unwrap_or_else(engine::wall_clock_now),
                &b.describe(),
            ),
            Err(e) => {
                eprintln!("huntbench: {}", sanitize(&e));
                super::EXIT_USAGE
            }
        };
    }
    let Some(data_dir) = a.data.clone().or_else(super::default_data_dir) else {
        eprintln!(
            "huntbench: no data folder: pass --data DIR (the bundled sample-data/ was not found)"
        );
        return super::EXIT_USAGE;
    };
    let options = match a.load.options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("huntbench: {e}");
            return super::EXIT_USAGE;
        }
    };
    let catalog = match Catalog::open_with(&data_dir, &options) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("huntbench: {e}");
            return super::EXIT_FAILED;
        }
    };
    let now = match fixed_now {
        Some(n) => n,
        None => match manifest_now(&data_dir) {
            Some(n) => {
                eprintln!(
                    "huntbench: {}",
                    super::describe_now(
                        n,
                        &format!(
                            "the reference time of {}; --now changes it",
                            data_dir.display()
                        )
                    )
                );
                n
            }
            None => engine::wall_clock_now(),
        },
    };
    let label = data_dir.display().to_string();
    let backend = LocalBackend::new(std::sync::Arc::new(catalog), label.clone());
    run_on(a, &sets, &report, &backend, now, &label)
}

/// Runs the loaded rules on `backend` and prints the results; `data` names where the data was.
fn run_on(
    a: &RunArgs,
    sets: &[(String, String)],
    report: &rules::LoadReport,
    backend: &dyn Backend,
    now: i64,
    data: &str,
) -> u8 {
    let opts = RunOptions {
        now: Some(now),
        ..Default::default()
    };
    let on = if backend.is_remote() {
        format!(", on {}", backend.describe())
    } else {
        String::new()
    };
    let mut used = Vec::new();
    let mut outcomes = Vec::new();
    for rule in &report.rules {
        let result = apply_sets(rule, sets, &mut used).and_then(|q| {
            let ran = backend.run(&q, &opts).map_err(|d| {
                let loc = super::check::rule_location(rule, &d);
                format!(
                    "{loc}: {}",
                    d.render(&q, &rule.path.display().to_string(), rule.query_line, false)
                )
            })?;
            for w in &ran.warnings {
                eprintln!(
                    "huntbench: warning: {}: {}",
                    rule.path.display(),
                    sanitize(w)
                );
            }
            Ok(ran.result)
        });
        let diff = if a.diff {
            Some(diff_against_shipped(rule, backend, &opts, &result))
        } else {
            None
        };
        outcomes.push(Outcome { rule, result, diff });
    }
    for (name, _) in sets {
        if !used.contains(name) {
            eprintln!(
                "huntbench: no rule has a parameter `{}` (`huntbench params RULE` lists them)",
                sanitize(name)
            );
            return super::EXIT_USAGE;
        }
    }
    let failed = !report.errors.is_empty() || outcomes.iter().any(|o| o.result.is_err());
    for e in &report.errors {
        eprintln!("huntbench: {}", sanitize(&e.to_string()));
    }
    match a.format {
        RunFormat::Json | RunFormat::Ndjson => {
            let mut items = Vec::new();
            for o in &outcomes {
                let mut v = serde_json::json!({
                    "file": o.rule.path.display().to_string(),
                    "id": o.rule.id,
                    "name": o.rule.name,
                });
                match &o.result {
                    Ok(r) => match r.to_json() {
                        Ok(j) => {
                            v["status"] = "ok".into();
                            v["columns"] = j["columns"].clone();
                            v["rows"] = j["rows"].clone();
                        }
                        Err(d) => {
                            v["status"] = "error".into();
                            v["error"] = d.message.into();
                        }
                    },
                    Err(e) => {
                        v["status"] = "error".into();
                        v["error"] = e.clone().into();
                    }
                }
                match &o.diff {
                    Some(Ok(d)) => v["diff"] = serde_json::json!(d),
                    Some(Err(e)) => v["diff_error"] = e.clone().into(),
                    None => {}
                }
                items.push(v);
            }
            for e in &report.errors {
                items.push(serde_json::json!({
                    "file": e.path.display().to_string(), "status": "load error", "error": e.to_string(),
                }));
            }
            if a.format == RunFormat::Json {
                let doc = serde_json::json!({
                    "reference_time": engine::value::format_datetime_iso(now),
                    "data": data,
                    "results": items,
                });
                println!("{doc}");
            } else {
                for i in items {
                    println!("{i}");
                }
            }
        }
        RunFormat::Table | RunFormat::Csv => {
            let width = output::term_width();
            for o in &outcomes {
                let title = o
                    .rule
                    .name
                    .clone()
                    .unwrap_or_else(|| o.rule.path.display().to_string());
                match &o.result {
                    Ok(r) => {
                        if a.format == RunFormat::Table {
                            println!(
                                "== {} ({} rows, {} ms{})",
                                sanitize(&title),
                                r.frame.height(),
                                r.elapsed.as_millis(),
                                sanitize(&on)
                            );
                            match output::result_table(r, width) {
                                Ok(t) => println!("{t}"),
                                Err(d) => println!("error: {}", sanitize(&d.message)),
                            }
                        } else {
                            println!("# {}", sanitize(&title));
                            match output::to_csv(r) {
                                Ok(t) => print!("{t}"),
                                Err(d) => println!("# error: {}", sanitize(&d.message)),
                            }
                        }
                    }
                    Err(e) => println!("== {} FAILED\n{}\n", sanitize(&title), sanitize_block(e)),
                }
                match &o.diff {
                    Some(Ok(d)) => println!("{}", sanitize_block(&d.render())),
                    Some(Err(e)) => println!("diff: {}", sanitize(e)),
                    None => {}
                }
            }
        }
    }
    if failed { super::EXIT_FAILED } else { 0 }
}

/// The rule as shipped (its own values, placeholders at their defaults) against `tuned`.
fn diff_against_shipped(
    rule: &Rule,
    backend: &dyn Backend,
    opts: &RunOptions,
    tuned: &Result<QueryResult, String>,
) -> Result<ResultDiff, String> {
    let tuned = tuned
        .as_ref()
        .map_err(|_| "the tuned rule failed".to_string())?;
    let (shipped_q, _) = params::set_values(&rule.query, &[])?;
    let shipped = backend.run(&shipped_q, opts).map_err(|d| d.message)?.result;
    let before = Table::from_result(&shipped).map_err(|d| d.message)?;
    let after = Table::from_result(tuned).map_err(|d| d.message)?;
    Ok(tune::diff(
        &before,
        &after,
        &tune::summarize_keys(&rule.query),
    ))
}

/// Sanitises each line of a multi-line message, keeping the line breaks.
fn sanitize_block(s: &str) -> String {
    s.lines().map(sanitize).collect::<Vec<_>>().join("\n")
}
