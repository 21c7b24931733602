//! `huntbench tune save RULE --set NAME=VALUE... [--exclude COLUMN=VALUE...] [--out FILE] [--session NAME]`:
//! write the tuned rule back as Sentinel YAML (only the query lines change, `version` bumped), and
//! `huntbench tune explain RULE --event PREDICATE`: which predicates of the rule one raw event satisfies.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::data::catalog::Catalog;
use crate::engine::{self, RunOptions};
use crate::rules::{self, Rule};
use crate::tune::{self, session};

use super::output::sanitize;

#[derive(Args)]
pub struct TuneArgs {
    #[command(subcommand)]
    pub command: TuneCommand,
}

#[derive(Subcommand)]
pub enum TuneCommand {
    /// Save a tuned rule: onto its file (with a backup) or to --out FILE.
    Save(SaveArgs),
    /// Explain one raw event: each predicate of the rule's where clauses, true / false / null on it.
    Explain(ExplainArgs),
}

#[derive(Args)]
pub struct SaveArgs {
    /// The rule file.
    pub rule: PathBuf,
    /// Set a parameter (see `huntbench params RULE`), e.g. --set 'Time_start=now(-1d)'.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Exclude a value of a column: adds it to the `Excluded_COLUMN` list, e.g. --exclude DeviceName=dev-1.
    #[arg(long = "exclude", value_name = "COLUMN=VALUE")]
    pub exclude: Vec<String>,
    /// Write to this new file instead of the rule's own file.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Overwrite --out when it exists.
    #[arg(long)]
    pub force: bool,
    /// Save the values as this named session of the rule; with no --set/--exclude, reopen it.
    #[arg(long)]
    pub session: Option<String>,
}

#[derive(Args)]
pub struct ExplainArgs {
    /// The rule file.
    pub rule: PathBuf,
    /// A KQL predicate that picks the event from the rule's input table, e.g. "ReportId == 12 and DeviceId == 'dev-a'".
    #[arg(long)]
    pub event: String,
    /// Set a parameter first.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Folder of exported tables (default: the bundled sample data).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// The instant `now()` stands for (default: the data set's reference time, else the clock).
    #[arg(long)]
    pub now: Option<String>,
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: &TuneArgs) -> u8 {
    match &a.command {
        TuneCommand::Save(s) => save(s),
        TuneCommand::Explain(e) => explain(e),
    }
}

fn load_rule(path: &PathBuf) -> Result<Rule, u8> {
    rules::load_file(path).map_err(|e| {
        eprintln!("huntbench: {}", sanitize(&e.to_string()));
        super::EXIT_FAILED
    })
}

fn save(a: &SaveArgs) -> u8 {
    let (mut values, mut exclusions) = match (
        super::parse_pairs(&a.set, "--set"),
        super::parse_pairs(&a.exclude, "--exclude"),
    ) {
        (Ok(v), Ok(x)) => (v, x),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("huntbench: {e}");
            return super::EXIT_USAGE;
        }
    };
    let rule = match load_rule(&a.rule) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let rule_id = rule
        .id
        .clone()
        .unwrap_or_else(|| rule.file_name().display().to_string());
    if let Some(name) = &a.session
        && values.is_empty()
        && exclusions.is_empty()
    {
        match session::load(&rule_id, name) {
            Ok(s) => {
                values = s.values;
                exclusions = s.exclusions;
            }
            Err(e) => {
                eprintln!("huntbench: {}", sanitize(&e));
                return super::EXIT_FAILED;
            }
        }
    }
    let tables = Catalog::schema_only();
    let tuned = match tune::tune_query(
        &rule.query,
        &values,
        &exclusions,
        &tables,
        &RunOptions::default(),
    ) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("huntbench: {}: {}", rule.path.display(), sanitize(&e));
            return super::EXIT_FAILED;
        }
    };
    if let Some(n) = tuned.unknown.first() {
        eprintln!(
            "huntbench: {}: no parameter `{}` (`huntbench params {}` lists them)",
            rule.path.display(),
            sanitize(n),
            rule.path.display()
        );
        return super::EXIT_USAGE;
    }
    let query = match tuned.save {
        Ok(q) => q,
        Err(e) => {
            eprintln!("huntbench: {}: {}", rule.path.display(), sanitize(&e));
            return super::EXIT_FAILED;
        }
    };
    let saved = match &a.out {
        Some(out) => rules::save::save_to(&rule, &query, out, a.force),
        None => rules::save::save_in_place(&rule, &query),
    };
    match saved {
        Ok(s) => {
            let mut msg = format!("saved {}", s.path.display());
            if let Some(b) = &s.backup {
                msg.push_str(&format!(" (previous file kept as {})", b.display()));
            }
            if let Some(v) = &s.version {
                msg.push_str(&format!(", version {}", sanitize(v)));
            }
            println!("{msg}");
        }
        Err(e) => {
            eprintln!("huntbench: {}", sanitize(&e));
            return super::EXIT_FAILED;
        }
    }
    if let Some(name) = &a.session {
        let s = session::Session {
            values,
            exclusions,
            saved_at: String::new(),
        };
        match session::save(&rule_id, name, s) {
            Ok(p) => println!("session `{}` saved in {}", sanitize(name), p.display()),
            Err(e) => {
                eprintln!("huntbench: {}", sanitize(&e));
                return super::EXIT_FAILED;
            }
        }
    }
    0
}

fn explain(a: &ExplainArgs) -> u8 {
    let values = match super::parse_pairs(&a.set, "--set") {
        Ok(v) => v,
        Err(e) => {
            eprintln!("huntbench: {e}");
            return super::EXIT_USAGE;
        }
    };
    let rule = match load_rule(&a.rule) {
        Ok(r) => r,
        Err(c) => return c,
    };
    let Some(data_dir) = a.data.clone().or_else(super::default_data_dir) else {
        eprintln!("huntbench: no data folder: pass --data DIR");
        return super::EXIT_USAGE;
    };
    let catalog = match Catalog::open(&data_dir) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("huntbench: {e}");
            return super::EXIT_FAILED;
        }
    };
    let now = match a.now.as_deref().map(super::parse_now).transpose() {
        Ok(Some(n)) => n,
        Ok(None) => super::run::manifest_now(&data_dir).unwrap_or_else(engine::wall_clock_now),
        Err(e) => {
            eprintln!("huntbench: {e}");
            return super::EXIT_USAGE;
        }
    };
    let opts = RunOptions {
        now: Some(now),
        ..Default::default()
    };
    let query = match crate::kql::params::set_values(&rule.query, &values) {
        Ok((q, unknown)) if unknown.is_empty() => q,
        Ok((_, unknown)) => {
            eprintln!("huntbench: no parameter `{}`", sanitize(&unknown[0]));
            return super::EXIT_USAGE;
        }
        Err(e) => {
            eprintln!("huntbench: {}", sanitize(&e));
            return super::EXIT_FAILED;
        }
    };
    match tune::explain(&query, &a.event, &catalog, &opts) {
        Ok(vs) => {
            if a.json {
                println!("{}", serde_json::json!(vs));
            } else {
                for v in &vs {
                    let why = match &v.outcome {
                        tune::Outcome::NotEvaluated(w) => format!("  ({})", sanitize(w)),
                        _ => String::new(),
                    };
                    println!("{:<5} {}{why}", v.outcome.label(), sanitize(&v.text));
                }
            }
            0
        }
        Err(d) => {
            eprintln!("huntbench: {}", sanitize(&d.message));
            super::EXIT_FAILED
        }
    }
}
