//! `huntbench check RULES...`: parse and plan every rule's query against the Defender schemas, no data.

use std::collections::BTreeMap;
use std::path::PathBuf;

use clap::Args;

use crate::data::catalog::Catalog;
use crate::engine::{self, RunOptions};
use crate::kql::{DiagKind, Diagnostic, diag::line_col};
use crate::rules::{self, Rule};

use super::output::sanitize;

#[derive(Args)]
pub struct CheckArgs {
    /// Rule files or folders (default: the bundled rules).
    pub paths: Vec<PathBuf>,
    /// Print only failures and the summary.
    #[arg(long, short)]
    pub quiet: bool,
}

/// The outcome category of a rule, as `check` counts them.
pub fn category(kind: DiagKind) -> &'static str {
    match kind {
        DiagKind::Syntax => "parse error",
        DiagKind::Unsupported => "unsupported",
        DiagKind::UnknownTable => "unknown table",
        DiagKind::UnknownName => "unknown column or name",
        DiagKind::Semantic => "invalid",
        DiagKind::Runtime => "plan error",
    }
}

/// `file:line:col` of a diagnostic inside a rule's query.
pub fn rule_location(rule: &Rule, d: &Diagnostic) -> String {
    match d.span {
        Some(s) => {
            let (l, c) = line_col(&rule.query, s.start);
            let (fl, fc) = rule.file_position(l, c);
            format!("{}:{fl}:{fc}", rule.path.display())
        }
        None => rule.path.display().to_string(),
    }
}

/// A reason with the specifics (names) kept, for the summary of top reasons.
fn reason_key(d: &Diagnostic) -> String {
    format!("{}: {}", category(d.kind), d.message)
}

pub fn run(a: &CheckArgs) -> u8 {
    let paths = if a.paths.is_empty() {
        vec![super::default_rules_dir()]
    } else {
        a.paths.clone()
    };
    let report = rules::load_paths(&paths);
    let tables = Catalog::schema_only();
    // a fixed instant: planning must not depend on the clock
    let opts = RunOptions {
        now: Some(0),
        ..Default::default()
    };
    let mut ok = 0usize;
    let mut failed = 0usize;
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut categories: BTreeMap<&'static str, usize> = BTreeMap::new();
    for e in &report.errors {
        failed += 1;
        *categories.entry("load error").or_default() += 1;
        println!("FAIL  {}", sanitize(&e.to_string()));
    }
    for rule in &report.rules {
        match engine::plan(&rule.query, &tables, &opts) {
            Ok(_) => {
                ok += 1;
                if !a.quiet {
                    println!("ok    {}", sanitize(&rule.path.display().to_string()));
                }
            }
            Err(d) => {
                failed += 1;
                *categories.entry(category(d.kind)).or_default() += 1;
                *reasons.entry(reason_key(&d)).or_default() += 1;
                println!(
                    "FAIL  {}: {}: {}",
                    sanitize(&rule_location(rule, &d)),
                    category(d.kind),
                    sanitize(&d.message)
                );
            }
        }
    }
    if !reasons.is_empty() {
        let mut top: Vec<(&String, &usize)> = reasons.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        println!("\ntop reasons:");
        for (r, n) in top.into_iter().take(15) {
            println!("  {n:4}  {}", sanitize(r));
        }
        println!(
            "by category: {}",
            categories
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    println!("checked {}: {ok} ok, {failed} failed", ok + failed);
    if failed == 0 { 0 } else { super::EXIT_FAILED }
}
