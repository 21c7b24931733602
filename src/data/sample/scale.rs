//! Large data sets for benchmarks: the sample data set, with chosen tables padded to a row count.
//!
//! The ordinary data set is generated first (plants included, so the seed rules keep their expected
//! results). Each scaled table is then written as its own rows followed by filler rows: copies of its
//! background rows (benign by construction, so they match no seed rule) with timestamps spread evenly over
//! the data window (in time order), fresh ReportIds (from 1 000 000 000 on), and, where the table has
//! them, an initiating process instance of their own per 16 rows (InitiatingProcessId from 100 000 on). Rows are written in chunks,
//! so memory stays bounded by the small base data set plus one chunk, whatever the row count.

use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use polars::prelude::*;

use super::tables::{Val, write_csv_row};
use super::{SampleParams, TABLES, TableEntry, generate_full};
use crate::data::schema::TableDef;
use crate::data::time::TICKS_PER_DAY;
use crate::kql::ScalarType;

/// ReportIds of filler rows start here (base ReportIds are small per-device counters).
pub const FILLER_REPORT_ID: i64 = 1_000_000_000;
/// Process ids of filler rows start here; each process instance has this many filler events.
pub const FILLER_PROCESS_ID: i64 = 100_000;
const EVENTS_PER_PROCESS: usize = 16;
/// Rows per chunk written at once (and per Parquet row group).
const CHUNK: usize = 250_000;

/// The file format of a scaled data set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScaleFormat {
    Csv,
    Parquet,
}

/// What to scale.
#[derive(Clone, Debug)]
pub struct ScaleOptions {
    /// Rows of each scaled table (at least its base rows are written).
    pub rows: usize,
    /// Tables to scale; the other generated tables are written at their base size.
    pub tables: Vec<String>,
    pub format: ScaleFormat,
}

/// One table's rows: the base rows, then `filler` copies of background rows.
struct TableRows<'a> {
    def: &'static TableDef,
    base: Vec<&'a [Val]>,
    background: Vec<&'a [Val]>,
    filler: usize,
    ts_col: Option<usize>,
    rid_col: Option<usize>,
    /// InitiatingProcessId and InitiatingProcessCreationTime: each run of [`EVENTS_PER_PROCESS`] filler
    /// rows is one process instance of its own.
    pid_col: Option<usize>,
    pct_col: Option<usize>,
    window_start: i64,
    span: i64,
}

impl TableRows<'_> {
    fn len(&self) -> usize {
        self.base.len() + self.filler
    }

    /// Cell `c` of row `k`.
    fn cell(&self, k: usize, c: usize) -> CellRef<'_> {
        if k < self.base.len() {
            return CellRef::Val(&self.base[k][c]);
        }
        let j = k - self.base.len();
        if Some(c) == self.ts_col {
            let off = (j as i128 * i128::from(self.span)) / self.filler.max(1) as i128;
            return CellRef::Time(self.window_start + off as i64);
        }
        if Some(c) == self.rid_col {
            return CellRef::Long(FILLER_REPORT_ID + j as i64);
        }
        if Some(c) == self.pid_col {
            return CellRef::Long(FILLER_PROCESS_ID + (j / EVENTS_PER_PROCESS) as i64);
        }
        if Some(c) == self.pct_col {
            let first = j - j % EVENTS_PER_PROCESS;
            let off = (first as i128 * i128::from(self.span)) / self.filler.max(1) as i128;
            return CellRef::Time(self.window_start + off as i64 - 60 * 10_000_000);
        }
        CellRef::Val(&self.background[j % self.background.len()][c])
    }
}

impl TableRows<'_> {
    /// Cell `c` of row `k` when it is a string (no copy).
    fn str_at(&self, k: usize, c: usize) -> Option<&str> {
        let row = if k < self.base.len() {
            self.base[k]
        } else if [self.ts_col, self.rid_col, self.pid_col, self.pct_col].contains(&Some(c)) {
            return None;
        } else {
            self.background[(k - self.base.len()) % self.background.len()]
        };
        match &row[c] {
            Val::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }
}

enum CellRef<'a> {
    Val(&'a Val),
    Time(i64),
    Long(i64),
}

impl CellRef<'_> {
    fn to_val(&self) -> Val {
        match self {
            CellRef::Val(v) => (*v).clone(),
            CellRef::Time(t) => Val::Time(*t),
            CellRef::Long(n) => Val::Long(*n),
        }
    }
    fn long(&self) -> Option<i64> {
        match self {
            CellRef::Val(Val::Long(n)) | CellRef::Long(n) => Some(*n),
            _ => None,
        }
    }
    fn time(&self) -> Option<i64> {
        match self {
            CellRef::Val(Val::Time(t)) | CellRef::Time(t) => Some(*t),
            _ => None,
        }
    }
    fn bool(&self) -> Option<bool> {
        match self {
            CellRef::Val(Val::Bool(b)) => Some(*b),
            _ => None,
        }
    }
}

/// Generates the sample data set with `opts.tables` padded to `opts.rows` rows, into `dir`. Returns the
/// files written with their sizes (tables, then manifest.json, whose row counts are the written ones).
pub fn write_scaled(
    params: &SampleParams,
    opts: &ScaleOptions,
    dir: &Path,
) -> Result<Vec<(PathBuf, u64)>, String> {
    for t in &opts.tables {
        if !TABLES.contains(&t.as_str()) {
            return Err(format!(
                "--tables: {t} is not a generated table (one of {})",
                TABLES.join(", ")
            ));
        }
    }
    let (data, tables) = generate_full(params)?;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let window_start = params.reference_time - i64::from(params.days) * TICKS_PER_DAY;
    let span = params.reference_time - 1 - window_start;
    let mut manifest = data.manifest;
    let mut written = Vec::new();
    let mut entries = BTreeMap::new();
    for name in TABLES {
        let Some((def, rows)) = tables.rows(name) else {
            continue;
        };
        let base: Vec<&[Val]> = rows.iter().map(|(r, _)| *r).collect();
        let background: Vec<&[Val]> = rows.iter().filter(|(_, b)| *b).map(|(r, _)| *r).collect();
        let scaled = opts.tables.iter().any(|t| t == name);
        let filler = if scaled {
            opts.rows.saturating_sub(base.len())
        } else {
            0
        };
        if filler > 0 && background.is_empty() {
            return Err(format!(
                "{name} has no background rows to scale from (raise --rows-per-day)"
            ));
        }
        let col = |n: &str| def.columns.iter().position(|c| c.name == n);
        let t = TableRows {
            def,
            base,
            background,
            filler,
            ts_col: col("Timestamp"),
            rid_col: col("ReportId"),
            pid_col: col("InitiatingProcessId"),
            pct_col: col("InitiatingProcessCreationTime"),
            window_start,
            span,
        };
        let (file, size) = match opts.format {
            ScaleFormat::Csv => {
                let file = format!("{name}.csv");
                (file.clone(), write_csv(&t, &dir.join(&file))?)
            }
            ScaleFormat::Parquet => {
                let file = format!("{name}.parquet");
                (file.clone(), write_parquet(&t, &dir.join(&file))?)
            }
        };
        entries.insert(
            name.to_string(),
            TableEntry {
                file: file.clone(),
                rows: t.len(),
                columns: def.columns.len(),
            },
        );
        written.push((dir.join(file), size));
    }
    manifest.tables = entries;
    manifest.notes.push(format!(
        "Scaled for benchmarks: {} padded to {} rows with copies of their background rows (timestamps spread over the data window, ReportIds from {FILLER_REPORT_ID}); the seed rules' expected results are unchanged.",
        opts.tables.join(", "),
        opts.rows
    ));
    let json = serde_json::to_string_pretty(&manifest).map_err(|e| format!("manifest: {e}"))?;
    let path = dir.join("manifest.json");
    std::fs::write(&path, format!("{json}\n"))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    written.push((path, json.len() as u64 + 1));
    Ok(written)
}

fn write_csv(t: &TableRows<'_>, path: &Path) -> Result<u64, String> {
    let err = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let file = std::fs::File::create(path).map_err(err)?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut text = String::with_capacity(CHUNK * 256);
    let header: Vec<Val> = t
        .def
        .columns
        .iter()
        .map(|c| Val::Str(c.name.clone()))
        .collect();
    write_csv_row(&mut text, header.iter());
    let mut size = 0u64;
    for k in 0..t.len() {
        if k < t.base.len() {
            write_csv_row(&mut text, t.base[k].iter());
        } else {
            let j = k - t.base.len();
            let template = t.background[j % t.background.len()];
            let subst: Vec<(usize, Val)> = [t.ts_col, t.rid_col, t.pid_col, t.pct_col]
                .into_iter()
                .flatten()
                .map(|c| (c, t.cell(k, c).to_val()))
                .collect();
            let cells = template.iter().enumerate().map(|(c, v)| {
                subst
                    .iter()
                    .find(|(i, _)| *i == c)
                    .map(|(_, x)| x)
                    .unwrap_or(v)
            });
            write_csv_row(&mut text, cells);
        }
        if text.len() > (16 << 20) {
            w.write_all(text.as_bytes()).map_err(err)?;
            size += text.len() as u64;
            text.clear();
        }
    }
    w.write_all(text.as_bytes()).map_err(err)?;
    size += text.len() as u64;
    w.flush().map_err(err)?;
    Ok(size)
}

/// The Parquet type of a column (as `huntbench sample generate --format parquet` writes it).
fn parquet_dtype(ty: ScalarType) -> DataType {
    match ty {
        ScalarType::DateTime => DataType::Datetime(TimeUnit::Nanoseconds, None),
        ScalarType::TimeSpan => DataType::Duration(TimeUnit::Nanoseconds),
        t => crate::data::types::polars_dtype(t),
    }
}

fn chunk_frame(t: &TableRows<'_>, from: usize, to: usize) -> PolarsResult<DataFrame> {
    let mut cols = Vec::with_capacity(t.def.columns.len());
    for (c, def) in t.def.columns.iter().enumerate() {
        let name = PlSmallStr::from(def.name.as_str());
        let rows = from..to;
        let s: Series = match def.ty {
            ScalarType::String | ScalarType::Guid => {
                StringChunked::from_iter_values(name, rows.map(|k| t.str_at(k, c).unwrap_or("")))
                    .into_series()
            }
            ScalarType::Dynamic => {
                StringChunked::from_iter_options(name, rows.map(|k| t.str_at(k, c))).into_series()
            }
            ScalarType::Long => {
                Int64Chunked::from_iter_options(name, rows.map(|k| t.cell(k, c).long()))
                    .into_series()
            }
            ScalarType::Int => Int32Chunked::from_iter_options(
                name,
                rows.map(|k| t.cell(k, c).long().and_then(|n| i32::try_from(n).ok())),
            )
            .into_series(),
            ScalarType::Bool => {
                BooleanChunked::from_iter_options(name, rows.map(|k| t.cell(k, c).bool()))
                    .into_series()
            }
            ScalarType::DateTime => Int64Chunked::from_iter_options(
                name,
                rows.map(|k| t.cell(k, c).time().map(|x| x.saturating_mul(100))),
            )
            .into_series()
            .cast(&parquet_dtype(def.ty))?,
            ScalarType::Real | ScalarType::Decimal | ScalarType::TimeSpan => {
                Series::full_null(name, to - from, &parquet_dtype(def.ty))
            }
        };
        cols.push(s.into_column());
    }
    DataFrame::new(to - from, cols)
}

fn write_parquet(t: &TableRows<'_>, path: &Path) -> Result<u64, String> {
    let err = |e: PolarsError| format!("cannot write {}: {e}", path.display());
    let file =
        std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let schema: Schema = t
        .def
        .columns
        .iter()
        .map(|c| Field::new(c.name.as_str().into(), parquet_dtype(c.ty)))
        .collect();
    let mut w = ParquetWriter::new(BufWriter::with_capacity(1 << 20, file))
        .with_row_group_size(Some(CHUNK))
        .batched(&schema)
        .map_err(err)?;
    let mut from = 0;
    while from < t.len() || from == 0 {
        let to = (from + CHUNK).min(t.len());
        let df = chunk_frame(t, from, to).map_err(err)?;
        w.write_batch(&df).map_err(err)?;
        if to >= t.len() {
            break;
        }
        from = to;
    }
    w.finish().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::TableProvider;
    use crate::data::catalog::Catalog;

    fn small() -> SampleParams {
        SampleParams {
            devices: 20,
            days: 7,
            rows_per_day: 200,
            ..SampleParams::default()
        }
    }

    #[test]
    fn scaled_tables_have_the_rows_asked_for_in_both_formats() {
        for format in [ScaleFormat::Csv, ScaleFormat::Parquet] {
            let dir = tempfile::tempdir().unwrap();
            let opts = ScaleOptions {
                rows: 3000,
                tables: vec!["DeviceNetworkEvents".into()],
                format,
            };
            write_scaled(&small(), &opts, dir.path()).unwrap();
            let cat = Catalog::open(dir.path()).unwrap();
            assert_eq!(
                cat.row_count("DeviceNetworkEvents"),
                Some(3000),
                "{format:?}"
            );
            let base = super::super::generate(&small()).unwrap();
            assert_eq!(
                cat.row_count("DeviceFileCertificateInfo"),
                Some(base.manifest.tables["DeviceFileCertificateInfo"].rows)
            );
            // Filler timestamps stay inside the data window.
            let df = cat
                .scan("DeviceNetworkEvents")
                .unwrap()
                .select([
                    col("Timestamp").min().alias("lo"),
                    col("Timestamp").max().alias("hi"),
                ])
                .collect()
                .unwrap();
            let lo = df.column("lo").unwrap().i64().unwrap().get(0).unwrap();
            let hi = df.column("hi").unwrap().i64().unwrap().get(0).unwrap();
            let p = small();
            assert!(lo >= p.reference_time - 7 * TICKS_PER_DAY, "{format:?}");
            assert!(hi < p.reference_time, "{format:?}");
        }
    }

    #[test]
    fn seed_rules_keep_their_results_when_scaled() {
        let dir = tempfile::tempdir().unwrap();
        let opts = ScaleOptions {
            rows: 20_000,
            tables: vec![
                "DeviceFileCertificateInfo".into(),
                "DeviceNetworkEvents".into(),
            ],
            format: ScaleFormat::Parquet,
        };
        write_scaled(&small(), &opts, dir.path()).unwrap();
        let cat = Catalog::open(dir.path()).unwrap();
        let base = super::super::generate(&small()).unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for rule in super::super::SEED_RULES {
            let text = std::fs::read_to_string(root.join("rules").join(rule.file)).unwrap();
            let y: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
            let q = y["query"].as_str().unwrap();
            let r = crate::engine::run(
                q,
                &cat,
                &crate::engine::RunOptions {
                    now: Some(small().reference_time),
                    ..Default::default()
                },
            )
            .unwrap();
            let expected = &base.manifest.expected[rule.file];
            assert_eq!(r.frame.height(), expected.len(), "{}", rule.file);
            let counts: i64 = r
                .frame
                .column("Count")
                .unwrap()
                .i64()
                .unwrap()
                .sum()
                .unwrap_or(0);
            let want: usize = expected.iter().map(|e| e.count).sum();
            assert_eq!(counts as usize, want, "{}", rule.file);
        }
    }

    #[test]
    fn unknown_tables_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let opts = ScaleOptions {
            rows: 10,
            tables: vec!["EmailEvents".into()],
            format: ScaleFormat::Csv,
        };
        let e = write_scaled(&small(), &opts, dir.path()).unwrap_err();
        assert!(e.contains("EmailEvents"), "{e}");
    }
}
