//! `huntbench params RULE...`: the parameters discovered in each rule's query: name, type, value, context.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::kql::params;
use crate::rules;

use super::output::sanitize;

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
pub enum ParamsFormat {
    Table,
    Json,
}

#[derive(Args)]
pub struct ParamsArgs {
    /// Rule files or folders.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ParamsFormat,
}

pub fn run(a: &ParamsArgs) -> u8 {
    let report = rules::load_paths(&a.paths);
    let mut failed = !report.errors.is_empty();
    for e in &report.errors {
        eprintln!("huntbench: {}", sanitize(&e.to_string()));
    }
    let mut docs = Vec::new();
    for rule in &report.rules {
        let ps = match params::discover(&rule.query) {
            Ok(ps) => ps,
            Err(d) => {
                failed = true;
                let loc = super::check::rule_location(rule, &d);
                eprintln!("huntbench: {loc}: {}", sanitize(&d.message));
                continue;
            }
        };
        match a.format {
            ParamsFormat::Json => docs.push(serde_json::json!({
                "file": rule.path.display().to_string(),
                "id": rule.id,
                "name": rule.name,
                "params": ps.iter().map(|p| {
                    let (line, col) = crate::kql::diag::line_col(&rule.query, p.span().start);
                    let (fl, fc) = rule.file_position(line, col);
                    serde_json::json!({
                        "name": p.name,
                        "type": p.kind.label(),
                        "value": p.value,
                        "context": p.context(),
                        "column": p.column,
                        "operator": p.op,
                        "origin": p.origin,
                        "span": {"start": p.span().start, "end": p.span().end},
                        "line": fl,
                        "column_number": fc,
                    })
                }).collect::<Vec<_>>(),
            })),
            ParamsFormat::Table => {
                println!(
                    "== {} ({})",
                    sanitize(&rule.display_name()),
                    rule.path.display()
                );
                if ps.is_empty() {
                    println!("  (no parameters)");
                }
                let w = ps.iter().map(|p| p.name.len()).max().unwrap_or(4).min(40);
                for p in &ps {
                    println!(
                        "  {:<w$}  {:<11}  {}    [{}]",
                        sanitize(&p.name),
                        p.kind.label(),
                        sanitize(&p.value),
                        sanitize(&p.context())
                    );
                }
            }
        }
    }
    if a.format == ParamsFormat::Json {
        println!("{}", serde_json::Value::Array(docs));
    }
    if failed { super::EXIT_FAILED } else { 0 }
}
