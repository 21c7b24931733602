//! `huntbench sample generate`: writes a deterministic sample data set of Defender tables with planted
//! events (see [`crate::data::sample`]).

use std::path::PathBuf;

use crate::data::sample::{self, SampleParams};
use crate::data::time::parse_datetime;

#[derive(clap::Args, Debug, Clone)]
pub struct SampleArgs {
    #[command(subcommand)]
    pub command: SampleCommand,
}

#[derive(clap::Subcommand, Debug, Clone)]
pub enum SampleCommand {
    /// Generate CSV tables and manifest.json into a folder.
    Generate(GenerateArgs),
}

#[derive(clap::Args, Debug, Clone)]
pub struct GenerateArgs {
    /// Folder to write into (created if missing; existing table files are overwritten).
    #[arg(long)]
    pub out: PathBuf,
    /// Number of devices.
    #[arg(long, default_value_t = sample::DEFAULT_DEVICES)]
    pub devices: usize,
    /// Days of data before the reference time.
    #[arg(long, default_value_t = sample::DEFAULT_DAYS)]
    pub days: u32,
    /// Background event rows per day, all event tables together.
    #[arg(long, default_value_t = sample::DEFAULT_ROWS_PER_DAY)]
    pub rows_per_day: usize,
    /// Seed of the random stream: same seed and parameters, same bytes.
    #[arg(long, default_value_t = sample::DEFAULT_SEED)]
    pub seed: u64,
    /// "Now" of the data set (ISO-8601 UTC); rules are meant to run with now() pinned to it.
    #[arg(long, default_value = sample::DEFAULT_REFERENCE_TIME)]
    pub reference_time: String,
    /// The export shape to write the tables in.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: crate::data::export_write::ExportFormat,
    /// Pad the --tables to this many rows each, for benchmarks (copies of background rows spread over the
    /// data window; the planted events and the seed rules' results are unchanged). Written in chunks, with
    /// bounded memory. Only with --format csv or parquet.
    #[arg(long)]
    pub rows: Option<usize>,
    /// The tables --rows pads (comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "DeviceFileCertificateInfo,DeviceNetworkEvents"
    )]
    pub tables: Vec<String>,
}

pub fn run(args: &SampleArgs) -> Result<(), String> {
    match &args.command {
        SampleCommand::Generate(g) => generate(g),
    }
}

fn generate(g: &GenerateArgs) -> Result<(), String> {
    let reference_time = parse_datetime(&g.reference_time).ok_or_else(|| {
        format!(
            "--reference-time '{}' is not an ISO-8601 datetime",
            g.reference_time
        )
    })?;
    let params = SampleParams {
        devices: g.devices,
        days: g.days,
        rows_per_day: g.rows_per_day,
        seed: g.seed,
        reference_time,
    };
    if let Some(rows) = g.rows {
        return generate_scaled(g, &params, rows);
    }
    let data = sample::generate(&params)?;
    let mut written = sample::write_to_dir(&data, &g.out)?;
    let converted = crate::data::export_write::convert_dir(&g.out, g.format)?;
    if !converted.is_empty() {
        written.retain(|(p, _)| p.extension().is_none_or(|e| e != "csv"));
        written.extend(converted);
    }
    let m = &data.manifest;
    println!(
        "sample data: {} devices, {} days up to {}, seed {}",
        params.devices, params.days, m.reference_time, params.seed
    );
    let mut total = 0u64;
    for (path, size) in &written {
        total += size;
        let rows = path
            .file_stem()
            .and_then(|s| s.to_str())
            .and_then(|stem| m.tables.get(stem))
            .map(|t| format!("{:>8} rows", t.rows))
            .unwrap_or_else(|| " ".repeat(13));
        println!(
            "  {}  {rows}  {:>8.2} MB",
            path.display(),
            *size as f64 / 1e6
        );
    }
    println!("  total {:.2} MB", total as f64 / 1e6);
    let summary: Vec<String> = m
        .plant_summary
        .iter()
        .filter(|(k, _)| k.starts_with("category "))
        .map(|(k, v)| format!("{v} {}", k.trim_start_matches("category ")))
        .collect();
    println!(
        "  {} planted events ({}); see manifest.json",
        m.plants.len(),
        summary.join(", ")
    );
    Ok(())
}

fn generate_scaled(g: &GenerateArgs, params: &SampleParams, rows: usize) -> Result<(), String> {
    use crate::data::export_write::ExportFormat;
    use sample::scale::{ScaleFormat, ScaleOptions};
    let format = match g.format {
        ExportFormat::Csv => ScaleFormat::Csv,
        ExportFormat::Parquet => ScaleFormat::Parquet,
        other => {
            return Err(format!(
                "--rows writes csv or parquet, not {other:?}; use --format csv or --format parquet"
            ));
        }
    };
    let opts = ScaleOptions {
        rows,
        tables: g.tables.clone(),
        format,
    };
    let written = sample::scale::write_scaled(params, &opts, &g.out)?;
    println!(
        "sample data: {} devices, {} days, seed {}; {} padded to {rows} rows",
        params.devices,
        params.days,
        params.seed,
        opts.tables.join(", ")
    );
    let mut total = 0u64;
    for (path, size) in &written {
        total += size;
        println!("  {}  {:>10.2} MB", path.display(), *size as f64 / 1e6);
    }
    println!("  total {:.2} MB", total as f64 / 1e6);
    Ok(())
}
