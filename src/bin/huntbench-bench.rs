//! `huntbench-bench`: the in-process timings of the benchmark (see `benches/README.md`).
//!
//! Opens a data folder, runs one KQL query cold, and optionally re-runs it after changing one parameter in
//! the same process (as the TUI does). Prints one JSON object: seconds to open the catalog, to run, to
//! re-run, and the row counts.

use std::path::PathBuf;
use std::time::Instant;

use clap::Parser;
use huntbench::data::catalog::Catalog;
use huntbench::engine::{self, RunOptions};
use huntbench::kql::params;

#[derive(Parser, Debug)]
#[command(about = "Time one KQL query over a data folder (huntbench's benchmark driver)")]
struct Args {
    /// Folder of exported tables.
    #[arg(long)]
    data: PathBuf,
    /// File holding the KQL query.
    #[arg(long)]
    query: PathBuf,
    /// Re-run after `let NAME = VALUE` (e.g. `Time_start=now(-3d)`).
    #[arg(long, value_name = "NAME=VALUE")]
    rerun_set: Option<String>,
    /// Re-run after replacing the text OLD=>NEW in the query (e.g. a signer).
    #[arg(long, value_name = "OLD=>NEW")]
    rerun_replace: Option<String>,
    /// Keep scanned columns in memory between runs, up to this many MiB (0: no scan cache).
    #[arg(long, default_value_t = 0)]
    cache_mib: usize,
}

fn main() {
    let args = Args::parse();
    // The parser needs a big stack.
    let worker = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || bench(&args));
    let code = match worker.map(|h| h.join()) {
        Ok(Ok(Ok(json))) => {
            println!("{json}");
            0
        }
        Ok(Ok(Err(e))) => {
            eprintln!("huntbench-bench: {e}");
            1
        }
        _ => {
            eprintln!("huntbench-bench: the worker thread failed");
            2
        }
    };
    std::process::exit(code);
}

fn bench(args: &Args) -> Result<serde_json::Value, String> {
    let query = std::fs::read_to_string(&args.query)
        .map_err(|e| format!("{}: {e}", args.query.display()))?;
    let t0 = Instant::now();
    let mut cat = Catalog::open(&args.data).map_err(|e| e.to_string())?;
    if args.cache_mib > 0 {
        cat.enable_scan_cache(args.cache_mib << 20);
    }
    let open_s = t0.elapsed().as_secs_f64();
    let opts = RunOptions {
        now: huntbench::cli::run::manifest_now(&args.data),
        ..Default::default()
    };
    let t1 = Instant::now();
    let r = engine::run(&query, &cat, &opts).map_err(|d| d.message.clone())?;
    let run_s = t1.elapsed().as_secs_f64();
    let mut out = serde_json::json!({
        "open_s": open_s,
        "run_s": run_s,
        "rows": r.frame.height(),
    });
    drop(r);
    let rerun = if let Some(set) = &args.rerun_set {
        let (name, value) = set
            .split_once('=')
            .ok_or_else(|| format!("--rerun-set {set}: expected NAME=VALUE"))?;
        let (q2, unknown) = params::set_values(&query, &[(name.to_string(), value.to_string())])?;
        if !unknown.is_empty() {
            return Err(format!("the query has no parameter `{name}`"));
        }
        Some(q2)
    } else if let Some(rep) = &args.rerun_replace {
        let (old, new) = rep
            .split_once("=>")
            .ok_or_else(|| format!("--rerun-replace {rep}: expected OLD=>NEW"))?;
        if !query.contains(old) {
            return Err(format!("the query has no text {old}"));
        }
        Some(query.replacen(old, new, 1))
    } else {
        None
    };
    if let Some(q2) = rerun {
        let t2 = Instant::now();
        let r2 = engine::run(&q2, &cat, &opts).map_err(|d| d.message.clone())?;
        out["rerun_s"] = serde_json::json!(t2.elapsed().as_secs_f64());
        out["rerun_rows"] = serde_json::json!(r2.frame.height());
    }
    Ok(out)
}
