//! The catalog of tables read from a folder of exported files.
//!
//! Each `<Table>.csv`, `<Table>.json` (array of objects, JSON lines, or an API result object),
//! `<Table>.jsonl` / `.ndjson`, `<Table>.parquet` file, or `<Table>/` folder of such parts, is a table.
//! Documented Defender tables are typed by the schema (missing columns are added as nulls, or `""` for
//! strings; extra columns are kept with inferred types); other tables get inferred types. `Timestamp` and
//! `TimeGenerated` stand for each other when only one is present.
//!
//! Opening a catalog reads JSON files once to validate them, Parquet metadata, and of each CSV file its header
//! and first [`CSV_SAMPLE_ROWS`] records (types, the day/month order of dates, quoting): a CSV file no longer
//! than that is validated in full at open, a longer one as queries read it (field counts, UTF-8, values that
//! cannot be read as their column's type: [`Catalog::warnings`] has them after the read), unless
//! [`LoadOptions::validate`] asks for every file in full at open. The data itself is read only when a query
//! collects a scan.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use polars::prelude::*;

use crate::data::convert::{self, Cell};
use crate::data::csvfile::{self, ColumnCheck};
use crate::data::csvread;
use crate::data::dict::{self, Dictionary};
use crate::data::error::{DataError, DataWarning};
use crate::data::jsonfile::{self, JsonData};
use crate::data::schema::{self, TableDef};
use crate::data::time::{
    DateOrder, DateOrderEvidence, TICKS_PER_DAY, TimeOptions, Zone, parse_zone,
};
use crate::data::types::polars_dtype;
use crate::data::{Condition, TableProvider, TableSchema, all_of};
use crate::kql::ScalarType;

/// How many records of a CSV file opening the catalog reads (for types and the order of dates), unless
/// [`LoadOptions::validate`].
pub const CSV_SAMPLE_ROWS: usize = 20_000;

/// The time columns that stand for each other.
const TIMESTAMP: &str = "Timestamp";
const TIME_GENERATED: &str = "TimeGenerated";

/// File formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    Csv,
    Json,
    JsonLines,
    Parquet,
}

impl Format {
    fn from_path(p: &Path) -> Option<Format> {
        let ext = p.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" => Format::Csv,
            "json" => Format::Json,
            "jsonl" | "ndjson" => Format::JsonLines,
            "parquet" => Format::Parquet,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
            Format::Parquet => "parquet",
        }
    }
}

/// How a column is held in a file.
#[derive(Clone, Debug)]
enum Source {
    /// CSV text.
    Text,
    /// A typed Parquet column.
    Parquet(DataType),
    /// A JSON key (or position, for row arrays).
    Json,
}

#[derive(Clone, Debug)]
struct FileColumn {
    /// The column name after normalisation (`"Timestamp [UTC]"` → `Timestamp`).
    name: String,
    /// The zone a header suffix gives the column's zone-less values (`[UTC]`, `[+02:00]`).
    zone: Option<Zone>,
    /// The name as the file has it.
    raw: String,
    /// The type the file's values suggest (inferred, declared, or the Parquet type's).
    ty: Option<ScalarType>,
    source: Source,
}

#[derive(Clone, Debug)]
struct Part {
    path: PathBuf,
    format: Format,
    /// Known at open, or (CSV read lazily) once a query or [`Part::rows`] has read the whole file.
    rows: Arc<OnceLock<usize>>,
    columns: Vec<FileColumn>,
    /// CSV only: no input seen that only the sequential reader reads as it should (blank lines, a `"` inside
    /// an unquoted field, lone CR line breaks): the parallel reader reads it, falling back if it finds some.
    plain_csv: bool,
    /// Every value was checked against its column's type at open (else reads count the unreadable ones).
    checked: bool,
    /// Warnings from reads of this file (values not checked at open).
    late: Arc<Mutex<Vec<DataWarning>>>,
    /// How zone-less and locale datetimes of this file are read (order decided from the file).
    time: TimeOptions,
    /// The export shape, for `huntbench data inspect`.
    shape: &'static str,
    /// Streaming records: the table whose records this part keeps (a file may hold several tables).
    category: Option<String>,
}

impl Part {
    fn known_rows(rows: usize) -> Arc<OnceLock<usize>> {
        let cell = OnceLock::new();
        let _ = cell.set(rows);
        Arc::new(cell)
    }

    /// The number of rows; a CSV file not yet read in full is counted now (0 when it cannot be read: the
    /// query that reads it reports why).
    fn rows(&self) -> usize {
        *self.rows.get_or_init(|| {
            let header: Vec<String> = self.columns.iter().map(|c| c.raw.clone()).collect();
            let parallel = match self.plain_csv {
                true => csvread::scan(&self.path, &header, &[], |_| Ok(())),
                false => Ok(None),
            };
            match parallel {
                Ok(Some(read)) => read.rows,
                Ok(None) => {
                    csvfile::read_text_columns(&self.path, &[]).map_or(0, |r| r.lines.len())
                }
                Err(_) => 0,
            }
        })
    }

    fn time_for(&self, c: &FileColumn) -> TimeOptions {
        TimeOptions {
            zone: c.zone.unwrap_or(self.time.zone),
            order: self.time.order,
        }
    }

    /// The file column that feeds output column `name` (directly, or through the time alias).
    fn source_for(&self, name: &str) -> Option<&FileColumn> {
        self.columns.iter().find(|c| c.name == name).or_else(|| {
            let alias = match name {
                TIMESTAMP => TIME_GENERATED,
                TIME_GENERATED => TIMESTAMP,
                _ => return None,
            };
            self.columns.iter().find(|c| c.name == alias)
        })
    }
}

#[derive(Clone, Debug)]
struct Table {
    name: String,
    known: bool,
    schema: TableSchema,
    parts: Vec<Part>,
}

impl Table {
    fn rows(&self) -> usize {
        self.parts.iter().map(Part::rows).sum()
    }
}

/// A summary of one table, for listings.
#[derive(Clone, Debug, PartialEq)]
pub struct TableInfo {
    pub name: String,
    /// A documented Defender table.
    pub known: bool,
    pub rows: usize,
    pub columns: usize,
    pub files: Vec<PathBuf>,
}

/// A summary of one file, for `huntbench data inspect`.
#[derive(Clone, Debug, PartialEq)]
pub struct FileInfo {
    pub path: PathBuf,
    /// `csv`, `json`, `jsonl`, `parquet`.
    pub format: &'static str,
    /// The export shape (`Advanced Hunting API {Schema, Results}`, `Log Analytics API {tables}` ...).
    pub shape: &'static str,
    pub table: String,
    pub known: bool,
    pub rows: usize,
    /// The file's columns (names without zone suffixes) and the types they are read as.
    pub columns: Vec<(String, ScalarType)>,
    /// The earliest and latest `Timestamp` (else `TimeGenerated`), in ticks.
    pub time_range: Option<(i64, i64)>,
    /// The zone of zone-less datetimes (`UTC`, `+02:00`).
    pub zone: String,
    /// The day/month order numeric dates were read in, when the file has any.
    pub date_order: Option<DateOrder>,
    pub warnings: Vec<DataWarning>,
}

/// The earliest and latest value of a datetime column of one part.
fn time_range(part: &Part, schema: &TableSchema, column: &str) -> Option<(i64, i64)> {
    let df = scan_part(part, schema)
        .ok()?
        .select([col(column).min().alias("lo"), col(column).max().alias("hi")])
        .collect()
        .ok()?;
    let get = |n: &str| -> Option<i64> { df.column(n).ok()?.i64().ok()?.get(0) };
    Some((get("lo")?, get("hi")?))
}

/// Tables read from export files (or, for `huntbench check`, the schema alone).
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    root: Option<PathBuf>,
    tables: BTreeMap<String, Table>,
    warnings: Vec<DataWarning>,
    /// Columns read by earlier queries, when enabled ([`Catalog::enable_scan_cache`]).
    cache: Option<Arc<ScanCache>>,
}

fn display(p: &Path) -> String {
    p.display().to_string()
}

/// How to read export files: the zone of datetimes written without one, the day/month order of numeric
/// locale dates, and whether an unreadable value is an error.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LoadOptions {
    /// `--tz`: the zone of zone-less datetimes (portal exports in local time); `None` is UTC.
    pub tz: Option<Zone>,
    /// `--date-order`: `None` decides from each file's values (month first when they do not say).
    pub date_order: Option<DateOrder>,
    /// `--strict`: a value that cannot be read as its column's type is an error (file:line), not a warning.
    /// Implies `validate`.
    pub strict: bool,
    /// Read every CSV file in full at open (row counts, field counts, every value checked), not only its
    /// first [`CSV_SAMPLE_ROWS`] records: `huntbench data inspect`. Otherwise a longer file is checked as
    /// queries read it.
    pub validate: bool,
}

impl LoadOptions {
    /// Options from the command-line spellings (`--tz`, `--date-order`, `--strict`).
    pub fn from_args(
        tz: Option<&str>,
        date_order: Option<&str>,
        strict: bool,
    ) -> Result<LoadOptions, String> {
        Ok(LoadOptions {
            tz: tz
                .map(|z| parse_zone(z).map_err(|e| format!("--tz: {e}")))
                .transpose()?,
            date_order: date_order
                .map(|o| DateOrder::parse(o).map_err(|e| format!("--date-order: {e}")))
                .transpose()?,
            strict,
            validate: false,
        })
    }

    fn validation_time(&self) -> TimeOptions {
        TimeOptions {
            zone: self.tz.unwrap_or_default(),
            order: self.date_order,
        }
    }
}

/// A header suffix's zone: `[UTC]` → `Some(Some(0))`, `[Local Time]` → `Some(None)` (the `--tz` zone),
/// `[+02:00]` → `Some(Some(120))`; no suffix → `None`.
fn header_zone(raw: &str) -> Option<(String, Option<Zone>)> {
    let t = raw.trim();
    let open = t.rfind(" [")?;
    let inner = t[open + 2..].strip_suffix(']')?;
    let zone = if inner.eq_ignore_ascii_case("Local Time") || inner.eq_ignore_ascii_case("Local") {
        None
    } else {
        Some(parse_zone(inner).ok()?)
    };
    Some((t[..open].trim_end().to_string(), zone))
}

/// Strips an export's time-zone suffix from a header name (`"Timestamp [UTC]"` → `Timestamp`).
fn normalise_header(raw: &str) -> String {
    match header_zone(raw) {
        Some((name, _)) => name,
        None => raw.trim().to_string(),
    }
}

/// The zone a header suffix gives, if any (see [`header_zone`]).
fn suffix_zone(raw: &str) -> Option<Zone> {
    header_zone(raw).and_then(|(_, z)| z)
}

/// Whether a header carries the `[Local Time]` suffix.
fn is_local_time(raw: &str) -> bool {
    matches!(header_zone(raw), Some((_, None)))
}

/// The output schema of a table: for documented tables, the documented columns then the extra ones; else the
/// columns in order of appearance. Plus the time alias when only one of the two is present.
fn table_schema(def: Option<&TableDef>, parts: &[Part]) -> TableSchema {
    let mut out: TableSchema = def.map(|d| d.schema()).unwrap_or_default();
    let mut index: HashMap<String, usize> = out
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.clone(), i))
        .collect();
    let mut merged: Vec<Option<ScalarType>> = vec![None; out.len()];
    let documented = out.len();
    for part in parts {
        for c in &part.columns {
            match index.get(&c.name) {
                Some(&i) if i < documented => {}
                Some(&i) => merged[i] = convert::merge_types(merged[i], c.ty),
                None => {
                    index.insert(c.name.clone(), out.len());
                    out.push((c.name.clone(), ScalarType::String));
                    merged.push(c.ty);
                }
            }
        }
    }
    for (i, ty) in merged.into_iter().enumerate().skip(documented) {
        out[i].1 = ty.unwrap_or(ScalarType::String);
    }
    let has = |n: &str| out.iter().any(|(c, _)| c == n);
    match (has(TIMESTAMP), has(TIME_GENERATED)) {
        (true, false) => {
            let ty = out
                .iter()
                .find(|(c, _)| c == TIMESTAMP)
                .map(|(_, t)| *t)
                .unwrap_or(ScalarType::DateTime);
            out.push((TIME_GENERATED.to_string(), ty));
        }
        (false, true) => {
            let ty = out
                .iter()
                .find(|(c, _)| c == TIME_GENERATED)
                .map(|(_, t)| *t)
                .unwrap_or(ScalarType::DateTime);
            out.push((TIMESTAMP.to_string(), ty));
        }
        _ => {}
    }
    out
}

/// The type a documented table gives a column, if any (the time columns count as documented).
fn documented_type(def: Option<&TableDef>, name: &str) -> Option<ScalarType> {
    if let Some(c) = def.and_then(|d| d.column(name)) {
        return Some(c.ty);
    }
    if def.is_some() && (name == TIMESTAMP || name == TIME_GENERATED) {
        return Some(ScalarType::DateTime);
    }
    None
}

fn bad_value_warning(
    file: &Path,
    column: &str,
    ty: ScalarType,
    count: usize,
    samples: &[(usize, String)],
    lines: bool,
) -> DataWarning {
    let unit = if lines { "line" } else { "record" };
    let shown: Vec<String> = samples
        .iter()
        .map(|(l, v)| format!("{unit} {l}: {v:?}"))
        .collect();
    DataWarning {
        file: display(file),
        line: samples.first().map(|(l, _)| *l),
        column: Some(column.to_string()),
        count,
        message: format!(
            "{count} value{} cannot be read as {ty} and {} null ({}{})",
            if count == 1 { "" } else { "s" },
            if count == 1 { "is" } else { "are" },
            shown.join("; "),
            if count > samples.len() { "; ..." } else { "" }
        ),
    }
}

fn strict_error(
    path: &Path,
    column: &str,
    ty: ScalarType,
    samples: &[(usize, String)],
    lines: bool,
) -> DataError {
    let (pos, value) = samples.first().cloned().unwrap_or((0, String::new()));
    let message = format!("column {column}: {value:?} cannot be read as {ty} (--strict)");
    if lines {
        DataError::Malformed {
            path: display(path),
            line: pos,
            message,
        }
    } else {
        DataError::Invalid {
            path: display(path),
            message: format!("record {pos}: {message}"),
        }
    }
}

/// Decides a file's day/month order from its values (or the option), with a warning when it cannot.
fn decide_order(
    path: &Path,
    evidence: &DateOrderEvidence,
    opts: &LoadOptions,
    warnings: &mut Vec<DataWarning>,
) -> Result<Option<DateOrder>, DataError> {
    if let Some(o) = opts.date_order {
        return Ok(Some(o));
    }
    if !evidence.any() {
        return Ok(None);
    }
    if let Some(o) = evidence.proven() {
        return Ok(Some(o));
    }
    if let (Some((dl, dv)), Some((ml, mv))) = (&evidence.day_first, &evidence.month_first) {
        let message = format!(
            "dates are written in both orders: line {dl}: {dv:?} is day first, line {ml}: {mv:?} is month first; read month first (pass --date-order dmy|mdy)"
        );
        if opts.strict {
            return Err(DataError::Malformed {
                path: display(path),
                line: *ml.max(dl),
                message,
            });
        }
        warnings.push(DataWarning {
            file: display(path),
            line: Some(*dl.min(ml)),
            column: None,
            count: 1,
            message,
        });
        return Ok(Some(DateOrder::Mdy));
    }
    let (line, sample) = evidence.ambiguous_sample.clone().unwrap_or_default();
    warnings.push(DataWarning {
        file: display(path),
        line: Some(line),
        column: None,
        count: evidence.ambiguous,
        message: format!(
            "the day/month order of {} date{} (e.g. {sample:?}) is ambiguous; read month first (pass --date-order dmy|mdy)",
            evidence.ambiguous,
            if evidence.ambiguous == 1 { "" } else { "s" }
        ),
    });
    Ok(Some(DateOrder::Mdy))
}

fn read_csv_part(
    path: &Path,
    def: Option<&TableDef>,
    opts: &LoadOptions,
    warnings: &mut Vec<DataWarning>,
) -> Result<Part, DataError> {
    let limit = if opts.validate || opts.strict {
        usize::MAX
    } else {
        CSV_SAMPLE_ROWS
    };
    let info = csvfile::scan_csv_head(path, opts.validation_time(), limit, |header| {
        header
            .iter()
            .map(|raw| {
                let name = normalise_header(raw);
                match documented_type(def, &name) {
                    Some(ScalarType::String | ScalarType::Guid) => ColumnCheck::Skip,
                    Some(ty) => ColumnCheck::Validate(ty),
                    None => ColumnCheck::Infer,
                }
            })
            .collect()
    })?;
    let mut columns: Vec<FileColumn> = Vec::with_capacity(info.header.len());
    for (i, raw) in info.header.iter().enumerate() {
        let name = normalise_header(raw);
        if name.is_empty() {
            return Err(DataError::Malformed {
                path: display(path),
                line: 1,
                message: format!(
                    "header field {} is empty (every column needs a name)",
                    i + 1
                ),
            });
        }
        if columns.iter().any(|c| c.name == name) {
            return Err(DataError::Malformed {
                path: display(path),
                line: 1,
                message: format!("column {name} appears twice in the header"),
            });
        }
        let ty = documented_type(def, &name).or(info.inferred[i]);
        let bad = &info.bad[i];
        if bad.count > 0 && opts.strict {
            return Err(strict_error(
                path,
                &name,
                ty.unwrap_or(ScalarType::String),
                &bad.samples,
                true,
            ));
        }
        // Of a sample: the reads that check the whole file say it.
        if bad.count > 0 && info.complete {
            warnings.push(bad_value_warning(
                path,
                &name,
                ty.unwrap_or(ScalarType::String),
                bad.count,
                &bad.samples,
                true,
            ));
        }
        columns.push(FileColumn {
            name,
            zone: suffix_zone(raw),
            raw: raw.clone(),
            ty,
            source: Source::Text,
        });
    }
    let mut evidence = DateOrderEvidence::default();
    for (c, e) in columns.iter().zip(info.date_order) {
        if c.ty == Some(ScalarType::DateTime) {
            evidence.merge(e);
        }
    }
    let order = decide_order(path, &evidence, opts, warnings)?;
    local_time_warning(path, &columns, opts, warnings);
    Ok(Part {
        path: path.to_path_buf(),
        format: Format::Csv,
        rows: if info.complete {
            Part::known_rows(info.rows)
        } else {
            Arc::default()
        },
        columns,
        plain_csv: info.polars_compatible,
        checked: info.complete,
        late: Arc::default(),
        time: TimeOptions {
            zone: opts.tz.unwrap_or_default(),
            order,
        },
        shape: "CSV",
        category: None,
    })
}

/// Columns marked `[Local Time]` without `--tz`: read as UTC, and said so.
fn local_time_warning(
    path: &Path,
    columns: &[FileColumn],
    opts: &LoadOptions,
    warnings: &mut Vec<DataWarning>,
) {
    if opts.tz.is_some() {
        return;
    }
    let local: Vec<&str> = columns
        .iter()
        .filter(|c| is_local_time(&c.raw))
        .map(|c| c.name.as_str())
        .collect();
    if !local.is_empty() {
        warnings.push(DataWarning {
            file: display(path),
            line: Some(1),
            column: None,
            count: local.len(),
            message: format!(
                "{} {} in local time with no zone in the values; read as UTC (pass --tz, e.g. --tz +02:00)",
                local.join(", "),
                if local.len() == 1 { "is" } else { "are" }
            ),
        });
    }
}

/// The KQL type that holds a Parquet column, for tables without a documented type.
fn parquet_natural_type(dt: &DataType) -> Option<ScalarType> {
    Some(match dt {
        DataType::Boolean => ScalarType::Bool,
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::UInt8 | DataType::UInt16 => {
            ScalarType::Int
        }
        DataType::Int64 | DataType::UInt32 | DataType::UInt64 => ScalarType::Long,
        DataType::Float32 | DataType::Float64 => ScalarType::Real,
        DataType::String => ScalarType::String,
        DataType::Datetime(_, _) | DataType::Date => ScalarType::DateTime,
        DataType::Duration(_) => ScalarType::TimeSpan,
        _ => return None,
    })
}

/// A lazy expression reading Parquet column `raw` (of type `dt`) as `ty`, or `None` when it cannot.
fn parquet_expr(raw: &str, dt: &DataType, name: &str, ty: ScalarType) -> Option<Expr> {
    let c = col(raw);
    let numeric = dt.is_primitive_numeric() || *dt == DataType::Boolean;
    Some(match ty {
        ScalarType::String | ScalarType::Guid => match dt {
            DataType::String => c.fill_null(lit("")).alias(name),
            _ if numeric => c.cast(DataType::String).fill_null(lit("")).alias(name),
            _ => return None,
        },
        ScalarType::Dynamic => match dt {
            DataType::String => convert::text_expr(raw, name, ty),
            _ if numeric => c.cast(DataType::String).alias(name),
            _ => return None,
        },
        ScalarType::Bool
        | ScalarType::Int
        | ScalarType::Long
        | ScalarType::Real
        | ScalarType::Decimal => match dt {
            DataType::String => convert::text_expr(raw, name, ty),
            _ if numeric => c.cast(polars_dtype(ty)).alias(name),
            _ => return None,
        },
        ScalarType::DateTime => match dt {
            DataType::String => convert::text_expr(raw, name, ty),
            DataType::Datetime(unit, _) => scale_ticks(c, *unit).alias(name),
            DataType::Date => {
                (c.cast(DataType::Int32).cast(DataType::Int64) * lit(TICKS_PER_DAY)).alias(name)
            }
            _ => return None,
        },
        ScalarType::TimeSpan => match dt {
            DataType::String => convert::text_expr(raw, name, ty),
            DataType::Duration(unit) => scale_ticks(c, *unit).alias(name),
            _ => return None,
        },
    })
}

fn scale_ticks(c: Expr, unit: TimeUnit) -> Expr {
    let physical = c.cast(DataType::Int64);
    match unit {
        TimeUnit::Nanoseconds => physical.floor_div(lit(100i64)),
        TimeUnit::Microseconds => physical * lit(10i64),
        TimeUnit::Milliseconds => physical * lit(10_000i64),
    }
}

fn polars_err(path: &Path, e: PolarsError) -> DataError {
    DataError::Invalid {
        path: display(path),
        message: format!("cannot read as Parquet: {e}"),
    }
}

fn read_parquet_part(
    path: &Path,
    def: Option<&TableDef>,
    opts: &LoadOptions,
    warnings: &mut Vec<DataWarning>,
) -> Result<Part, DataError> {
    let meta = std::fs::metadata(path).map_err(|e| DataError::Io {
        path: display(path),
        source: e,
    })?;
    if meta.len() == 0 {
        return Err(DataError::EmptyFile(display(path)));
    }
    let file = std::fs::File::open(path).map_err(|e| DataError::Io {
        path: display(path),
        source: e,
    })?;
    let mut reader = ParquetReader::new(file);
    let rows = reader.num_rows().map_err(|e| polars_err(path, e))?;
    let pl_path = PlRefPath::try_from_path(path).map_err(|e| polars_err(path, e))?;
    let args = ScanArgsParquet {
        glob: false,
        ..Default::default()
    };
    let schema = LazyFrame::scan_parquet(pl_path, args)
        .and_then(|mut lf| lf.collect_schema())
        .map_err(|e| polars_err(path, e))?;
    let mut columns = Vec::with_capacity(schema.len());
    for (raw, dt) in schema.iter() {
        let name = normalise_header(raw);
        let ty = match documented_type(def, &name) {
            Some(ty) => {
                if parquet_expr(raw, dt, &name, ty).is_none() {
                    warnings.push(DataWarning {
                        file: display(path),
                        line: None,
                        column: Some(name.clone()),
                        count: rows,
                        message: format!(
                            "Parquet type {dt} cannot be read as {ty}; the column is null"
                        ),
                    });
                }
                Some(ty)
            }
            None => match parquet_natural_type(dt) {
                Some(t) => Some(t),
                None => {
                    warnings.push(DataWarning {
                        file: display(path),
                        line: None,
                        column: Some(name.clone()),
                        count: rows,
                        message: format!(
                            "Parquet type {dt} is not supported; the column is left out"
                        ),
                    });
                    continue;
                }
            },
        };
        columns.push(FileColumn {
            zone: suffix_zone(raw),
            name,
            raw: raw.to_string(),
            ty,
            source: Source::Parquet(dt.clone()),
        });
    }
    Ok(Part {
        path: path.to_path_buf(),
        format: Format::Parquet,
        rows: Part::known_rows(rows),
        columns,
        plain_csv: false,
        checked: true,
        late: Arc::default(),
        time: TimeOptions {
            zone: opts.tz.unwrap_or_default(),
            order: opts.date_order,
        },
        shape: "Parquet",
        category: None,
    })
}

fn read_json_part(
    path: &Path,
    format: Format,
    def: Option<&TableDef>,
    opts: &LoadOptions,
    category: Option<&str>,
    warnings: &mut Vec<DataWarning>,
) -> Result<Part, DataError> {
    let data = jsonfile::read_json_table(path, format == Format::JsonLines, category)?;
    let validate = opts.validation_time();
    let mut evidence = DateOrderEvidence::default();
    let mut columns = Vec::with_capacity(data.columns.len());
    for (ci, raw) in data.columns.iter().enumerate() {
        let name = normalise_header(raw);
        if columns.iter().any(|c: &FileColumn| c.name == name) {
            continue;
        }
        let declared = data
            .declared
            .iter()
            .find(|(n, _)| n == raw)
            .map(|(_, t)| *t);
        let documented = documented_type(def, &name);
        let idx = Some(ci);
        let ty = documented.or(declared).or_else(|| {
            data.rows.iter().fold(None, |acc, r| {
                convert::merge_types(acc, r.get(raw, idx).and_then(convert::json_value_type))
            })
        });
        // Count values that the stated type cannot hold.
        if let Some(ty) = documented.or(declared) {
            let mut count = 0;
            let mut samples = Vec::new();
            for (r, pos) in data.rows.iter().zip(&data.positions) {
                if ty == ScalarType::DateTime
                    && let Some(serde_json::Value::String(text)) = r.get(raw, idx)
                {
                    evidence.see(*pos, text);
                }
                let time = TimeOptions {
                    zone: suffix_zone(raw).unwrap_or(validate.zone),
                    ..validate
                };
                if let Some(v) = r.get(raw, idx)
                    && convert::json_cell_with(ty, v, time).is_err()
                {
                    count += 1;
                    if samples.len() < 3 {
                        samples.push((*pos, v.to_string()));
                    }
                }
            }
            if count > 0 && opts.strict {
                return Err(strict_error(
                    path,
                    &name,
                    ty,
                    &samples,
                    data.positions_are_lines,
                ));
            }
            if count > 0 {
                warnings.push(bad_value_warning(
                    path,
                    &name,
                    ty,
                    count,
                    &samples,
                    data.positions_are_lines,
                ));
            }
        }
        columns.push(FileColumn {
            zone: suffix_zone(raw),
            name,
            raw: raw.clone(),
            ty,
            source: Source::Json,
        });
    }
    let order = decide_order(path, &evidence, opts, warnings)?;
    local_time_warning(path, &columns, opts, warnings);
    Ok(Part {
        path: path.to_path_buf(),
        format,
        rows: Part::known_rows(data.rows.len()),
        columns,
        plain_csv: false,
        checked: true,
        late: Arc::default(),
        time: TimeOptions {
            zone: opts.tz.unwrap_or_default(),
            order,
        },
        shape: data.shape,
        category: category.map(str::to_string),
    })
}

/// A JSON part read when a query collects it.
struct JsonScan {
    path: PathBuf,
    format: Format,
    category: Option<String>,
    /// Output columns: (name, type, source column name in the file, how to read its datetimes).
    output: Vec<(String, ScalarType, Option<String>, TimeOptions)>,
    schema: SchemaRef,
}

impl JsonScan {
    fn build(&self, data: &JsonData, wanted: Option<&[PlSmallStr]>) -> PolarsResult<DataFrame> {
        let index: HashMap<&str, usize> = data
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| (c.as_str(), i))
            .collect();
        let mut cols = Vec::new();
        for (name, ty, source, time) in &self.output {
            if let Some(w) = wanted
                && !w.iter().any(|x| x.as_str() == name)
            {
                continue;
            }
            let cells: Vec<Cell> =
                data.rows
                    .iter()
                    .map(|r| {
                        let v = source
                            .as_deref()
                            .and_then(|s| r.get(s, index.get(s).copied()));
                        match v {
                            Some(v) => convert::json_cell_with(*ty, v, *time).unwrap_or(Cell::Null),
                            None => convert::json_cell(*ty, &serde_json::Value::Null)
                                .unwrap_or(Cell::Null),
                        }
                    })
                    .collect();
            cols.push(convert::cells_to_column(name, *ty, cells));
        }
        DataFrame::new(data.rows.len(), cols)
    }
}

impl AnonymousScan for JsonScan {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn schema(&self, _infer_schema_length: Option<usize>) -> PolarsResult<SchemaRef> {
        Ok(self.schema.clone())
    }

    fn allows_projection_pushdown(&self) -> bool {
        true
    }

    fn scan(&self, scan_opts: AnonymousScanArgs) -> PolarsResult<DataFrame> {
        let data = jsonfile::read_json_table(
            &self.path,
            self.format == Format::JsonLines,
            self.category.as_deref(),
        )
        .map_err(|e| PolarsError::ComputeError(e.to_string().into()))?;
        let df = self.build(&data, scan_opts.with_columns.as_deref())?;
        Ok(match scan_opts.n_rows {
            Some(n) => df.head(Some(n)),
            None => df,
        })
    }
}

/// One output column of a CSV scan: name, type, position of the source column in the file, how to read
/// datetimes.
type CsvOutput = (String, ScalarType, Option<usize>, TimeOptions);

/// How many rows of each chunk decide the order its filter's conjuncts are evaluated in.
const ORDER_SAMPLE: usize = 512;

/// The `and`-parts of a filter (keeping the rows where all are true is keeping those where the whole is).
fn conjuncts_of(e: &Expr) -> Vec<Expr> {
    match e {
        Expr::BinaryExpr {
            left,
            op: Operator::And | Operator::LogicalAnd,
            right,
        } => {
            let mut out = conjuncts_of(left);
            out.extend(conjuncts_of(right));
            out
        }
        e => vec![e.clone()],
    }
}

/// The positions of the `n` rows of `columns` (those `needs` names) for which `condition` is true.
fn holds(
    condition: &Expr,
    needs: &[usize],
    columns: &[(usize, Column)],
    n: usize,
) -> PolarsResult<Vec<usize>> {
    let cols: Vec<Column> = needs
        .iter()
        .filter_map(|i| columns.iter().find(|(k, _)| k == i))
        .map(|(_, c)| c.clone())
        .collect();
    let df = DataFrame::new(n, cols)?;
    let mask = df
        .lazy()
        .select([condition.clone().alias("\0keep")])
        .collect()?;
    let mask = mask.column("\0keep")?.bool()?.clone();
    Ok(if mask.len() == n {
        mask.iter()
            .enumerate()
            .filter_map(|(j, m)| (m == Some(true)).then_some(j))
            .collect()
    } else if mask.get(0) == Some(true) {
        // A condition on no column: one value for all rows.
        (0..n).collect()
    } else {
        Vec::new()
    })
}

/// Converts output column `i` of a chunk for some rows (all when `None`), counting unreadable values or not.
type ColumnOf<'a> = dyn FnMut(usize, Option<&[usize]>, bool) -> PolarsResult<Column> + 'a;

/// The rows a filter keeps (`None`: all) and the columns it read, over those rows, by output column.
type Kept = (Option<Vec<usize>>, Vec<(usize, Column)>);

/// The rows of a chunk of `len` rows for which every conjunct holds (`None`: all), with the columns the
/// conjuncts read, over those rows. `column(i, rows, count)` converts output column `i` for `rows` (all when
/// `None`), counting unreadable values when `count`. The conjuncts are evaluated one after the other, each over
/// the rows the ones before kept, the most selective first (as the chunk's first [`ORDER_SAMPLE`] rows say):
/// a later conjunct's columns are converted only for the rows still in.
fn filter_chunk(
    conjuncts: &[(Expr, Vec<usize>)],
    len: usize,
    column: &mut ColumnOf<'_>,
) -> PolarsResult<Kept> {
    let mut order: Vec<usize> = (0..conjuncts.len()).collect();
    let sample: Vec<usize> = (0..len.min(ORDER_SAMPLE)).collect();
    if conjuncts.len() > 1 && !sample.is_empty() {
        let mut cols: Vec<(usize, Column)> = Vec::new();
        let mut passes = Vec::with_capacity(conjuncts.len());
        for (c, needs) in conjuncts {
            for &i in needs {
                if !cols.iter().any(|(k, _)| *k == i) {
                    cols.push((i, column(i, Some(&sample), false)?));
                }
            }
            passes.push(holds(c, needs, &cols, sample.len())?.len());
        }
        order.sort_by_key(|&k| passes[k]);
    }
    let mut rows: Option<Vec<usize>> = None;
    let mut have: Vec<(usize, Column)> = Vec::new();
    for k in order {
        let (c, needs) = &conjuncts[k];
        let n = rows.as_ref().map_or(len, Vec::len);
        if n == 0 {
            break;
        }
        for &i in needs {
            if !have.iter().any(|(h, _)| *h == i) {
                have.push((i, column(i, rows.as_deref(), true)?));
            }
        }
        let pass = holds(c, needs, &have, n)?;
        if pass.len() == n {
            continue;
        }
        let idx = IdxCa::from_vec("".into(), pass.iter().map(|&j| j as IdxSize).collect());
        for (_, column) in have.iter_mut() {
            *column = column.take(&idx)?;
        }
        rows = Some(match rows {
            None => pass,
            Some(rs) => pass.iter().map(|&j| rs[j]).collect(),
        });
    }
    Ok((rows, have))
}

/// Unreadable values of one column found by a read: how many, and the first few (where, text): a record's
/// byte offset from the parallel reader (made a line once the read is done), its line from the sequential one.
#[derive(Clone, Default)]
struct Unreadable {
    count: usize,
    samples: Vec<(usize, String)>,
}

/// A CSV part, read when a query collects it: in parallel chunks ([`csvread`]), converting and filtering each
/// chunk as it is parsed, so that only the predicate's columns are read for every row and the others for the
/// rows that pass; or, for input only the sequential reader reads right, by [`csvfile`]'s reader.
struct CsvScan {
    path: PathBuf,
    /// The file's header (raw names).
    header: Vec<String>,
    output: Vec<CsvOutput>,
    /// The filter of the conditions straight over the table (see [`TableProvider::scan_where`]), applied to
    /// each chunk as it is parsed. Not polars' predicate pushdown: the predicate polars hands an anonymous
    /// scan is converted back from its plan and cannot always be planned again.
    predicate: Option<Expr>,
    /// Whether the parallel reader may read it (see [`Part::plain_csv`]).
    plain: bool,
    /// Count values that cannot be read as their type (not checked at open).
    check: bool,
    rows: Arc<OnceLock<usize>>,
    late: Arc<Mutex<Vec<DataWarning>>>,
    schema: SchemaRef,
}

impl CsvScan {
    /// Converts one column's text, counting unreadable values (non-empty text that converts to null);
    /// `locate` gives where a row of `text` is, for the samples.
    fn convert(
        &self,
        (_, ty, _, time): &CsvOutput,
        text: StringChunked,
        locate: &dyn Fn(usize) -> usize,
        bad: &mut Unreadable,
    ) -> PolarsResult<Column> {
        let column = convert::convert_text_column_with(text.clone().into_column(), *ty, *time)?;
        if self.check
            && !matches!(
                ty,
                ScalarType::String | ScalarType::Guid | ScalarType::Dynamic
            )
        {
            let unreadable = text.is_not_null() & column.is_null();
            let n = unreadable.sum().unwrap_or(0) as usize;
            if n > 0 {
                bad.count += n;
                for (i, _) in unreadable
                    .iter()
                    .enumerate()
                    .filter(|(_, u)| *u == Some(true))
                    .take(3)
                {
                    bad.samples
                        .push((locate(i), text.get(i).unwrap_or_default().to_string()));
                }
            }
        }
        Ok(column)
    }

    /// Which output columns a read needs: the projected ones, and the predicate's.
    fn needed(
        &self,
        with_columns: Option<&[PlSmallStr]>,
        predicate: Option<&Expr>,
    ) -> (Vec<usize>, Vec<usize>) {
        // In the order asked for.
        let projected: Vec<usize> = match with_columns {
            None => (0..self.output.len()).collect(),
            Some(w) => w
                .iter()
                .filter_map(|x| self.output.iter().position(|o| *x == o.0))
                .collect(),
        };
        let filtered: Vec<usize> = match predicate {
            Some(p) => {
                let cols = columns_of(p);
                (0..self.output.len())
                    .filter(|&i| cols.iter().any(|c| *c == self.output[i].0))
                    .collect()
            }
            None => Vec::new(),
        };
        (projected, filtered)
    }

    /// Reads the file with the parallel reader; `None` when it needs the sequential one.
    fn read_parallel(
        &self,
        projected: &[usize],
        filtered: &[usize],
        predicate: Option<&Expr>,
    ) -> PolarsResult<Option<(DataFrame, Vec<Unreadable>)>> {
        // The file positions to parse, and per output column the index among them.
        let mut positions: Vec<usize> = Vec::new();
        let mut index: Vec<Option<usize>> = vec![None; self.output.len()];
        for &i in filtered.iter().chain(projected) {
            if let (Some(pos), None) = (self.output[i].2, index[i]) {
                // Two output columns can come from one file column (`Timestamp` and `TimeGenerated`).
                index[i] = Some(positions.iter().position(|&p| p == pos).unwrap_or_else(|| {
                    positions.push(pos);
                    positions.len() - 1
                }));
            }
        }
        let conjuncts: Option<Vec<(Expr, Vec<usize>)>> = predicate.map(|p| {
            conjuncts_of(p)
                .into_iter()
                .map(|c| {
                    let names = columns_of(&c);
                    let needs = filtered
                        .iter()
                        .copied()
                        .filter(|&i| names.iter().any(|n| *n == self.output[i].0))
                        .collect();
                    (c, needs)
                })
                .collect()
        });
        let scanned = csvread::scan(&self.path, &self.header, &positions, |r| {
            let mut bad = vec![Unreadable::default(); self.output.len()];
            // Output column `i` over `rows` (all when `None`), counting its unreadable values when `count`.
            let mut column =
                |i: usize, rows: Option<&[usize]>, count: bool| -> PolarsResult<Column> {
                    let o = &self.output[i];
                    let Some(k) = index[i] else {
                        return Ok(convert::null_column(
                            &o.0,
                            o.1,
                            rows.map_or(r.len(), <[usize]>::len),
                        ));
                    };
                    let text = r.text(k, &o.0, rows)?;
                    let offset = |j: usize| r.offset_of(rows.map_or(j, |rs| rs[j]));
                    let mut ignored = Unreadable::default();
                    self.convert(
                        o,
                        text,
                        &offset,
                        if count { &mut bad[i] } else { &mut ignored },
                    )
                };
            let (keep, kept) = match &conjuncts {
                None => (None, Vec::new()),
                Some(conjuncts) => filter_chunk(conjuncts, r.len(), &mut column)?,
            };
            let cols = projected
                .iter()
                .map(|&i| match kept.iter().find(|(k, _)| *k == i) {
                    Some((_, c)) => Ok(c.clone()),
                    None => column(i, keep.as_deref(), true),
                })
                .collect::<PolarsResult<Vec<_>>>()?;
            let height = keep.as_ref().map_or(r.len(), Vec::len);
            Ok((DataFrame::new(height, cols)?, bad))
        })?;
        let Some(scanned) = scanned else {
            return Ok(None);
        };
        let _ = self.rows.set(scanned.rows);
        let mut bad: Vec<Unreadable> = vec![Unreadable::default(); self.output.len()];
        let mut frames = Vec::with_capacity(scanned.results.len());
        for (df, chunk_bad) in &scanned.results {
            frames.push(df);
            for (total, b) in bad.iter_mut().zip(chunk_bad) {
                total.count += b.count;
                for (offset, text) in &b.samples {
                    if total.samples.len() < 3 {
                        total.samples.push((scanned.line_at(*offset), text.clone()));
                    }
                }
            }
        }
        let mut out = match frames.first() {
            Some(f) => (*f).clone(),
            None => DataFrame::empty_with_schema(&self.projected_schema(projected)),
        };
        for f in frames.iter().skip(1) {
            out.vstack_mut(f)?;
        }
        Ok(Some((out, bad)))
    }

    fn projected_schema(&self, projected: &[usize]) -> Schema {
        projected
            .iter()
            .map(|&i| {
                Field::new(
                    self.output[i].0.as_str().into(),
                    polars_dtype(self.output[i].1),
                )
            })
            .collect()
    }

    /// Reads the file with the sequential reader (which reports malformed input with its line).
    fn read_sequential(
        &self,
        projected: &[usize],
        filtered: &[usize],
        predicate: Option<&Expr>,
    ) -> PolarsResult<(DataFrame, Vec<Unreadable>)> {
        let mut wanted: Vec<usize> = projected.to_vec();
        wanted.extend(filtered.iter().filter(|i| !projected.contains(i)));
        let positions: Vec<usize> = wanted.iter().filter_map(|&i| self.output[i].2).collect();
        let read =
            csvfile::read_text_columns(&self.path, &positions).map_err(csvread::to_polars)?;
        let rows = read.lines.len();
        let _ = self.rows.set(rows);
        let mut texts = read.columns.into_iter();
        let mut bad = vec![Unreadable::default(); self.output.len()];
        let mut cols = Vec::with_capacity(wanted.len());
        for &i in &wanted {
            let o = &self.output[i];
            cols.push(match o.2 {
                Some(_) => {
                    let text: StringChunked =
                        texts.next().unwrap_or_default().into_iter().collect();
                    let line = |j: usize| read.lines[j];
                    self.convert(o, text.with_name(o.0.as_str().into()), &line, &mut bad[i])?
                }
                None => convert::null_column(&o.0, o.1, rows),
            });
        }
        let mut df = DataFrame::new(rows, cols)?;
        if let Some(p) = predicate {
            df = df.lazy().filter(p.clone()).collect()?;
        }
        let names: Vec<PlSmallStr> = projected
            .iter()
            .map(|&i| self.output[i].0.as_str().into())
            .collect();
        Ok((df.select(names)?, bad))
    }

    /// Keeps the warnings about unreadable values (one per column: a later read of more rows replaces it).
    fn report(&self, bad: Vec<Unreadable>) {
        let Ok(mut late) = self.late.lock() else {
            return;
        };
        for (o, b) in self.output.iter().zip(bad) {
            if b.count == 0 {
                continue;
            }
            let w = bad_value_warning(&self.path, &o.0, o.1, b.count, &b.samples, true);
            match late.iter_mut().find(|x| x.column == w.column) {
                Some(x) if x.count >= w.count => {}
                Some(x) => *x = w,
                None => late.push(w),
            }
        }
    }
}

impl AnonymousScan for CsvScan {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn schema(&self, _infer_schema_length: Option<usize>) -> PolarsResult<SchemaRef> {
        Ok(self.schema.clone())
    }

    fn allows_projection_pushdown(&self) -> bool {
        true
    }

    fn scan(&self, scan_opts: AnonymousScanArgs) -> PolarsResult<DataFrame> {
        let predicate = self.predicate.as_ref();
        let (projected, filtered) = self.needed(scan_opts.with_columns.as_deref(), predicate);
        let parallel = if self.plain {
            self.read_parallel(&projected, &filtered, predicate)?
        } else {
            None
        };
        let (df, bad) = match parallel {
            Some(read) => read,
            None => self.read_sequential(&projected, &filtered, predicate)?,
        };
        self.report(bad);
        Ok(match scan_opts.n_rows {
            Some(n) => df.head(Some(n)),
            None => df,
        })
    }
}

fn polars_schema(schema: &TableSchema) -> Schema {
    schema
        .iter()
        .map(|(n, t)| Field::new(n.as_str().into(), polars_dtype(*t)))
        .collect()
}

/// The lazy frame of one part, in the table's schema.
fn scan_part(part: &Part, schema: &TableSchema) -> PolarsResult<LazyFrame> {
    scan_part_where(part, schema, None)
}

/// Applies `predicate` (over the table's columns) to a reader's raw columns, before `conversions` turn them
/// into the table's: each column the predicate names is replaced by the expression that converts it. Polars
/// moves a filter into the file reader only when nothing between them changes the columns it reads; above the
/// conversions it would stay, and every row of every projected column would be read and converted first.
/// Filtering before a row-preserving, one-to-one conversion keeps the same rows. `None` when the predicate
/// refers to columns by anything but their name.
fn filter_before(
    lf: LazyFrame,
    conversions: &[Expr],
    raw_times: &HashMap<String, RawTime>,
    predicate: &Expr,
) -> Option<LazyFrame> {
    let by_name: HashMap<&str, &Expr> = conversions
        .iter()
        .filter_map(|e| match e {
            Expr::Alias(inner, name) => Some((name.as_str(), inner.as_ref())),
            _ => None,
        })
        .collect();
    let mut plain = true;
    let mut known = true;
    for node in predicate {
        match node {
            Expr::Column(name) => known &= by_name.contains_key(name.as_str()),
            Expr::Selector(_)
            | Expr::Element
            | Expr::Field(_)
            | Expr::Eval { .. }
            | Expr::DataTypeFunction(_) => plain = false,
            _ => {}
        }
    }
    if !plain || !known {
        return None;
    }
    // A range on a converted datetime column becomes a range on the file's own column (named apart until
    // the substitution below is done), which the reader can check against each row group's statistics.
    const RAW: &str = "\0raw:";
    let ranged = predicate
        .clone()
        .map_expr(|e| match raw_range(&e, raw_times) {
            Some((raw, op, bound)) => Expr::BinaryExpr {
                left: Arc::new(col(format!("{RAW}{raw}"))),
                op,
                right: Arc::new(bound),
            },
            None => e,
        });
    let raw = ranged.map_expr(|e| match &e {
        Expr::Column(name) => match name.strip_prefix(RAW) {
            Some(raw) => col(raw),
            None => by_name
                .get(name.as_str())
                .map(|c| (*c).clone())
                .unwrap_or(e),
        },
        _ => e,
    });
    Some(lf.filter(raw))
}

/// A Parquet datetime column as the file has it: its name there and its unit and zone.
struct RawTime {
    raw: String,
    unit: TimeUnit,
    zone: Option<TimeZone>,
}

/// `column <op> ticks` over a converted datetime column, as the same comparison over the file's column:
/// (raw column, operator, bound as a datetime of the file's unit). Ticks are 100 ns; a file value `r` is
/// `floor(r / 100)` ticks in nanoseconds, `r * 10` in microseconds, `r * 10_000` in milliseconds, so
/// `ticks(r) >= y` exactly when `r >= lowest(y)`, the least file value of at least `y` ticks.
fn raw_range(e: &Expr, raw_times: &HashMap<String, RawTime>) -> Option<(String, Operator, Expr)> {
    let Expr::BinaryExpr { left, op, right } = e else {
        return None;
    };
    // The engine writes a tick count as an integer literal cast to Int64.
    let right = match right.as_ref() {
        Expr::Cast {
            expr,
            dtype: DataTypeExpr::Literal(DataType::Int64),
            ..
        } => expr.as_ref(),
        other => other,
    };
    let (Expr::Column(name), Expr::Literal(value)) = (left.as_ref(), right) else {
        return None;
    };
    let t = raw_times.get(name.as_str())?;
    if !value.get_datatype().is_integer() {
        return None;
    }
    let ticks = value.extract_i64().ok()?;
    let lowest = |y: i64| -> Option<i64> {
        let ceil_div = |a: i64, b: i64| a.div_euclid(b) + i64::from(a.rem_euclid(b) != 0);
        match t.unit {
            TimeUnit::Nanoseconds => y.checked_mul(100),
            TimeUnit::Microseconds => Some(ceil_div(y, 10)),
            TimeUnit::Milliseconds => Some(ceil_div(y, 10_000)),
        }
    };
    let (op, bound) = match op {
        Operator::GtEq => (Operator::GtEq, lowest(ticks)?),
        Operator::Gt => (Operator::GtEq, lowest(ticks.checked_add(1)?)?),
        Operator::Lt => (Operator::Lt, lowest(ticks)?),
        Operator::LtEq => (Operator::Lt, lowest(ticks.checked_add(1)?)?),
        _ => return None,
    };
    let bound = lit(bound).cast(DataType::Datetime(t.unit, t.zone.clone()));
    Some((t.raw.clone(), op, bound))
}

/// [`scan_part`], keeping only the rows `predicate` holds for.
fn scan_part_where(
    part: &Part,
    schema: &TableSchema,
    predicate: Option<&Expr>,
) -> PolarsResult<LazyFrame> {
    // A reader with its conversion: the predicate goes between them when it can.
    let convert =
        |lf: LazyFrame, exprs: Vec<Expr>, raw_times: HashMap<String, RawTime>| match predicate {
            None => lf.select(exprs),
            Some(p) => match filter_before(lf.clone(), &exprs, &raw_times, p) {
                Some(filtered) => filtered.select(exprs),
                None => lf.select(exprs).filter(p.clone()),
            },
        };
    let lf = match part.format {
        Format::Csv => {
            let output = schema
                .iter()
                .map(|(name, ty)| {
                    let fc = part.source_for(name);
                    let pos = fc.and_then(|fc| part.columns.iter().position(|c| c.raw == fc.raw));
                    let time = fc.map(|fc| part.time_for(fc)).unwrap_or(part.time);
                    (name.clone(), *ty, pos, time)
                })
                .collect();
            let schema = Arc::new(polars_schema(schema));
            let scan = CsvScan {
                path: part.path.clone(),
                header: part.columns.iter().map(|c| c.raw.clone()).collect(),
                output,
                predicate: predicate.cloned(),
                plain: part.plain_csv,
                check: !part.checked,
                rows: part.rows.clone(),
                late: part.late.clone(),
                schema: schema.clone(),
            };
            let args = ScanArgsAnonymous {
                schema: Some(schema),
                name: "CSV SCAN",
                ..Default::default()
            };
            // The scan applies the predicate, chunk by chunk.
            return LazyFrame::anonymous_scan(Arc::new(scan), args);
        }
        Format::Parquet => {
            let args = ScanArgsParquet {
                glob: false,
                ..Default::default()
            };
            let lf = LazyFrame::scan_parquet(PlRefPath::try_from_path(&part.path)?, args)?;
            let exprs: Vec<Expr> = schema
                .iter()
                .map(|(name, ty)| {
                    part.source_for(name)
                        .and_then(|fc| match &fc.source {
                            Source::Parquet(dt) => parquet_expr(&fc.raw, dt, name, *ty),
                            _ => None,
                        })
                        .unwrap_or_else(|| convert::null_expr(name, *ty))
                })
                .collect();
            let raw_times = schema
                .iter()
                .filter(|(_, ty)| *ty == ScalarType::DateTime)
                .filter_map(|(name, _)| {
                    let fc = part.source_for(name)?;
                    match &fc.source {
                        Source::Parquet(DataType::Datetime(unit, zone)) => Some((
                            name.clone(),
                            RawTime {
                                raw: fc.raw.clone(),
                                unit: *unit,
                                zone: zone.clone(),
                            },
                        )),
                        _ => None,
                    }
                })
                .collect();
            return Ok(convert(lf, exprs, raw_times));
        }
        Format::Json | Format::JsonLines => {
            let output = schema
                .iter()
                .map(|(name, ty)| {
                    let fc = part.source_for(name);
                    (
                        name.clone(),
                        *ty,
                        fc.map(|c| c.raw.clone()),
                        fc.map(|c| part.time_for(c)).unwrap_or(part.time),
                    )
                })
                .collect();
            let schema = Arc::new(polars_schema(schema));
            let scan = JsonScan {
                path: part.path.clone(),
                format: part.format,
                category: part.category.clone(),
                output,
                schema: schema.clone(),
            };
            let args = ScanArgsAnonymous {
                schema: Some(schema),
                name: "JSON SCAN",
                ..Default::default()
            };
            LazyFrame::anonymous_scan(Arc::new(scan), args)?
        }
    };
    Ok(match predicate {
        Some(p) => lf.filter(p.clone()),
        None => lf,
    })
}

/// A file of a table: its path, format, and for streaming records the table whose records it keeps.
type PartFile = (PathBuf, Format, Option<String>);

/// Data files in a folder, sorted by name; hidden files and `manifest.json` are not tables.
fn data_files(dir: &Path) -> Result<Vec<(PathBuf, Option<Format>)>, DataError> {
    let entries = std::fs::read_dir(dir).map_err(|e| DataError::Io {
        path: display(dir),
        source: e,
    })?;
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| DataError::Io {
            path: display(dir),
            source: e,
        })?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.eq_ignore_ascii_case("manifest.json") {
            continue;
        }
        if path.is_dir() {
            out.push((path, None));
        } else if let Some(f) = Format::from_path(&path) {
            out.push((path, Some(f)));
        }
    }
    out.sort();
    Ok(out)
}

/// Tables found so far in Defender streaming records: table -> (the file or folder that gave it, its parts).
type Streamed = BTreeMap<String, (PathBuf, Vec<PartFile>)>;

/// Notes the tables of `file` when it holds Defender streaming records (`owner`: the file or table folder
/// it was found in); whether it did.
fn note_streamed(
    file: &Path,
    f: Format,
    owner: &Path,
    streamed: &mut Streamed,
) -> Result<bool, DataError> {
    let tables = jsonfile::streaming_tables(file, f == Format::JsonLines)?;
    for table in &tables {
        let entry = streamed
            .entry(table.clone())
            .or_insert_with(|| (owner.to_path_buf(), Vec::new()));
        entry.1.push((file.to_path_buf(), f, Some(table.clone())));
    }
    Ok(!tables.is_empty())
}

/// The data files under `dir` at any depth, in path order (hidden entries skipped).
fn data_files_deep(dir: &Path) -> Result<Vec<(PathBuf, Format)>, DataError> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        for (p, f) in data_files(&d)? {
            match f {
                Some(f) => out.push((p, f)),
                None => pending.push(p),
            }
        }
    }
    out.sort();
    Ok(out)
}

/// The table a folder's name gives: the name itself, or the table of an export container: Log Analytics
/// data export writes `am-<Table>` containers; the Defender streaming API to storage writes
/// `insights-logs-advancedhunting-<table>` (lower case, matched to the Defender table).
fn folder_table_name(stem: &str) -> String {
    if let Some(t) = stem.strip_prefix("am-").filter(|t| !t.is_empty()) {
        return t.to_string();
    }
    let lower = stem.to_ascii_lowercase();
    if let Some(t) = lower
        .strip_prefix("insights-logs-advancedhunting-")
        .filter(|t| !t.is_empty())
    {
        return schema::defender_tables()
            .iter()
            .find(|d| d.name.eq_ignore_ascii_case(t))
            .map(|d| d.name.clone())
            .unwrap_or_else(|| t.to_string());
    }
    stem.to_string()
}

impl Catalog {
    /// Opens a folder of exported tables, reading datetimes as UTC and deciding each file's date order
    /// from its values.
    pub fn open(dir: impl AsRef<Path>) -> Result<Catalog, DataError> {
        Catalog::open_with(dir, &LoadOptions::default())
    }

    /// Opens a folder of exported tables, or one exported file (its name gives the table), with options.
    pub fn open_with(dir: impl AsRef<Path>, opts: &LoadOptions) -> Result<Catalog, DataError> {
        let dir = dir.as_ref();
        if !dir.exists() {
            return Err(DataError::MissingFolder(display(dir)));
        }
        let entries = if dir.is_dir() {
            data_files(dir)?
        } else {
            match Format::from_path(dir) {
                Some(f) => vec![(dir.to_path_buf(), Some(f))],
                None => return Err(DataError::NotAFolder(display(dir))),
            }
        };
        let mut warnings = Vec::new();
        // Table name -> (the file or folder that gave it, its part files).
        let mut found: BTreeMap<String, (PathBuf, Vec<PartFile>)> = BTreeMap::new();
        // Tables named by Defender streaming records (`AdvancedHunting-<Table>`): one file (`PT1H.json`) may
        // hold several tables, and a container folder (`y=/m=/d=/h=/m=/PT1H.json`) holds many files of each;
        // every file's records of a table are parts of that table.
        let mut streamed = Streamed::new();
        for (path, format) in entries {
            if let Some(f @ (Format::Json | Format::JsonLines)) = format
                && note_streamed(&path, f, &path, &mut streamed)?
            {
                continue;
            }
            let stem = match format {
                Some(_) => path.file_stem(),
                None => path.file_name(),
            };
            let Some(stem) = stem.map(|s| s.to_string_lossy().into_owned()) else {
                continue;
            };
            let parts: Vec<PartFile> = match format {
                Some(f) => vec![(path.clone(), f, None)],
                None => {
                    // A table's folder: its data files at any depth (exports partitioned by date).
                    let mut inner: Vec<PartFile> = Vec::new();
                    let mut categorised = false;
                    for (p, f) in data_files_deep(&path)? {
                        if matches!(f, Format::Json | Format::JsonLines)
                            && note_streamed(&p, f, &path, &mut streamed)?
                        {
                            categorised = true;
                            continue;
                        }
                        inner.push((p, f, None));
                    }
                    if inner.is_empty() {
                        continue;
                    }
                    if categorised {
                        return Err(DataError::Invalid {
                            path: display(&path),
                            message:
                                "the folder mixes Defender streaming records (which name their \
                                      tables) with other files; put the other files in a folder of \
                                      their own"
                                    .into(),
                        });
                    }
                    inner
                }
            };
            let mut name = folder_table_name(&stem);
            if schema::defender_table(&name).is_none()
                && let Some(def) = schema::defender_tables()
                    .iter()
                    .find(|t| t.name.eq_ignore_ascii_case(&name))
            {
                warnings.push(DataWarning {
                    file: display(&path),
                    line: None,
                    column: None,
                    count: 1,
                    message: format!(
                        "read as table {} (table names are case-sensitive in KQL)",
                        def.name
                    ),
                });
                name = def.name.clone();
            }
            if let Some((first, _)) = found.get(&name) {
                return Err(DataError::DuplicateTable {
                    table: name,
                    first: display(first),
                    second: display(&path),
                });
            }
            found.insert(name, (path, parts));
        }
        for (table, (path, parts)) in streamed {
            if let Some((first, _)) = found.get(&table) {
                return Err(DataError::DuplicateTable {
                    table,
                    first: display(first),
                    second: display(&path),
                });
            }
            found.insert(table, (path, parts));
        }
        let mut tables = BTreeMap::new();
        for (name, (_, files)) in found {
            let def = schema::defender_table(&name);
            let mut parts = Vec::with_capacity(files.len());
            for (path, format, category) in files {
                let part = match format {
                    Format::Csv => read_csv_part(&path, def, opts, &mut warnings)?,
                    Format::Parquet => read_parquet_part(&path, def, opts, &mut warnings)?,
                    Format::Json | Format::JsonLines => read_json_part(
                        &path,
                        format,
                        def,
                        opts,
                        category.as_deref(),
                        &mut warnings,
                    )?,
                };
                parts.push(part);
            }
            let schema = table_schema(def, &parts);
            tables.insert(
                name.clone(),
                Table {
                    name,
                    known: def.is_some(),
                    schema,
                    parts,
                },
            );
        }
        Ok(Catalog {
            root: Some(dir.to_path_buf()),
            tables,
            warnings,
            cache: None,
        })
    }

    /// All documented Defender tables with no rows, for checking queries without data.
    pub fn schema_only() -> Catalog {
        let tables = schema::defender_tables()
            .iter()
            .map(|def| {
                let t = Table {
                    name: def.name.clone(),
                    known: true,
                    schema: table_schema(Some(def), &[]),
                    parts: Vec::new(),
                };
                (def.name.clone(), t)
            })
            .collect();
        Catalog {
            root: None,
            tables,
            warnings: Vec::new(),
            cache: None,
        }
    }

    /// One summary per file read, by table then file: its shape, rows, columns with types, the range of
    /// its `Timestamp` (or `TimeGenerated`), how its datetimes were read, and its warnings.
    pub fn files(&self) -> Vec<FileInfo> {
        let mut out = Vec::new();
        for t in self.tables.values() {
            for p in &t.parts {
                let time_range = [TIMESTAMP, TIME_GENERATED]
                    .into_iter()
                    .find(|n| {
                        p.columns
                            .iter()
                            .any(|c| c.name == *n && c.ty == Some(ScalarType::DateTime))
                    })
                    .and_then(|n| time_range(p, &t.schema, n));
                let file = display(&p.path);
                out.push(FileInfo {
                    path: p.path.clone(),
                    format: p.format.name(),
                    shape: p.shape,
                    table: t.name.clone(),
                    known: t.known,
                    rows: p.rows(),
                    columns: p
                        .columns
                        .iter()
                        .map(|c| (c.name.clone(), c.ty.unwrap_or(ScalarType::String)))
                        .collect(),
                    time_range,
                    zone: p.time.zone.name(),
                    date_order: p.time.order,
                    warnings: self
                        .warnings()
                        .into_iter()
                        .filter(|w| w.file == file)
                        .collect(),
                });
            }
        }
        out
    }

    /// Keeps the columns that queries read in memory (up to `budget_bytes`, least recently used first out),
    /// so that re-running a query after a parameter change reads nothing from disk: for sessions such as
    /// the TUI. A cached column is dropped when its file's modification time or size changes. Without the
    /// cache (the default), every query scans the files, with filters and projections pushed into the scan.
    pub fn enable_scan_cache(&mut self, budget_bytes: usize) {
        self.cache = Some(Arc::new(ScanCache::new(budget_bytes)));
    }

    /// Bytes held by the scan cache (0 without one).
    pub fn scan_cache_bytes(&self) -> usize {
        self.cache.as_ref().map(|c| c.bytes()).unwrap_or(0)
    }

    /// The folder the catalog was opened from.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// Problems found in the data that did not stop it from loading: at open, and by the queries that have
    /// read files since (values of CSV files longer than [`CSV_SAMPLE_ROWS`] are checked as they are read).
    pub fn warnings(&self) -> Vec<DataWarning> {
        let mut out = self.warnings.clone();
        out.extend(self.read_warnings());
        out
    }

    /// The number of rows of a table.
    pub fn row_count(&self, name: &str) -> Option<usize> {
        self.tables.get(name).map(Table::rows)
    }

    /// A summary of every table, by name.
    pub fn tables(&self) -> Vec<TableInfo> {
        self.tables
            .values()
            .map(|t| TableInfo {
                name: t.name.clone(),
                known: t.known,
                rows: t.rows(),
                columns: t.schema.len(),
                files: t.parts.iter().map(|p| p.path.clone()).collect(),
            })
            .collect()
    }
}

impl TableProvider for Catalog {
    fn table_names(&self) -> Vec<String> {
        self.tables.keys().cloned().collect()
    }

    fn schema(&self, name: &str) -> Option<TableSchema> {
        self.tables.get(name).map(|t| t.schema.clone())
    }

    fn scan(&self, name: &str) -> Result<LazyFrame, String> {
        self.scan_table(name, Vec::new())
    }

    fn scan_where(&self, name: &str, conditions: Vec<Condition>) -> Result<LazyFrame, String> {
        self.scan_table(name, conditions)
    }

    fn read_warnings(&self) -> Vec<DataWarning> {
        self.tables
            .values()
            .flat_map(|t| &t.parts)
            .filter_map(|p| p.late.lock().ok().map(|l| l.clone()))
            .flatten()
            .collect()
    }
}

impl Catalog {
    fn scan_table(&self, name: &str, conditions: Vec<Condition>) -> Result<LazyFrame, String> {
        let table = self
            .tables
            .get(name)
            .ok_or_else(|| format!("no table named {name}"))?;
        if table.parts.is_empty() {
            return Ok(DataFrame::empty_with_schema(&polars_schema(&table.schema)).lazy());
        }
        // The scan cache keeps whole columns: the conditions apply to them once they are in memory.
        let part_predicate = match &self.cache {
            Some(_) => None,
            None => all_of(&conditions),
        };
        let frames = table
            .parts
            .iter()
            .map(|p| {
                scan_part_where(p, &table.schema, part_predicate.as_ref())
                    .map_err(|e| format!("{}: {e}", display(&p.path)))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let lf = if frames.len() == 1 {
            frames
                .into_iter()
                .next()
                .ok_or_else(|| format!("no data for table {name}"))?
        } else {
            concat(frames, UnionArgs::default()).map_err(|e| format!("table {name}: {e}"))?
        };
        match &self.cache {
            Some(cache) => {
                let schema = Arc::new(polars_schema(&table.schema));
                let scan = CachedScan {
                    table: name.to_string(),
                    files: table.parts.iter().map(|p| p.path.clone()).collect(),
                    inner: lf,
                    schema: schema.clone(),
                    cache: cache.clone(),
                    parts: table.parts.clone(),
                    conditions,
                };
                let args = ScanArgsAnonymous {
                    schema: Some(schema),
                    name: "CACHED SCAN",
                    ..Default::default()
                };
                LazyFrame::anonymous_scan(Arc::new(scan), args)
                    .map_err(|e| format!("table {name}: {e}"))
            }
            None => Ok(lf),
        }
    }
}

/// The identity of a table's files: (path, modification time, size) of each.
type Fingerprint = Vec<(PathBuf, Option<std::time::SystemTime>, u64)>;

fn fingerprint(files: &[PathBuf]) -> Fingerprint {
    files
        .iter()
        .map(|p| {
            let m = std::fs::metadata(p).ok();
            (
                p.clone(),
                m.as_ref().and_then(|m| m.modified().ok()),
                m.map(|m| m.len()).unwrap_or(0),
            )
        })
        .collect()
}

struct CachedColumn {
    fingerprint: Fingerprint,
    column: Column,
    bytes: usize,
    last_used: u64,
}

#[derive(Default)]
struct CacheState {
    /// (table, column) → the column as the table's scan produces it; (table, [`mask_name`]) → which rows
    /// a condition holds for.
    columns: HashMap<(String, String), CachedColumn>,
    bytes: usize,
    clock: u64,
}

/// Columns of table scans kept between queries, bounded in bytes.
struct ScanCache {
    budget: usize,
    state: std::sync::Mutex<CacheState>,
}

impl std::fmt::Debug for ScanCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanCache")
            .field("budget", &self.budget)
            .field("bytes", &self.bytes())
            .finish()
    }
}

impl ScanCache {
    fn new(budget: usize) -> ScanCache {
        ScanCache {
            budget,
            state: std::sync::Mutex::new(CacheState::default()),
        }
    }

    fn bytes(&self) -> usize {
        self.state.lock().map(|s| s.bytes).unwrap_or(0)
    }

    /// The cached column, if its files have not changed since it was read.
    fn get(&self, table: &str, column: &str, fp: &Fingerprint) -> Option<Column> {
        let mut st = self.state.lock().ok()?;
        st.clock += 1;
        let clock = st.clock;
        let key = (table.to_string(), column.to_string());
        let stale = match st.columns.get_mut(&key) {
            Some(c) if &c.fingerprint == fp => {
                c.last_used = clock;
                return Some(c.column.clone());
            }
            Some(_) => true,
            None => false,
        };
        if stale && let Some(old) = st.columns.remove(&key) {
            st.bytes -= old.bytes;
        }
        None
    }

    /// Keeps `column` under `name`, evicting the least recently used columns to stay within the budget.
    fn put(&self, table: &str, name: &str, column: Column, fp: &Fingerprint) {
        let bytes = column.as_materialized_series().estimated_size();
        if bytes > self.budget {
            return;
        }
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        let key = (table.to_string(), name.to_string());
        if let Some(old) = st.columns.remove(&key) {
            st.bytes -= old.bytes;
        }
        while st.bytes + bytes > self.budget {
            let Some(victim) = st
                .columns
                .iter()
                .min_by_key(|(_, c)| c.last_used)
                .map(|(k, _)| k.clone())
            else {
                break;
            };
            if let Some(old) = st.columns.remove(&victim) {
                st.bytes -= old.bytes;
            }
        }
        st.clock += 1;
        let last_used = st.clock;
        st.bytes += bytes;
        st.columns.insert(
            key,
            CachedColumn {
                fingerprint: fp.clone(),
                column,
                bytes,
                last_used,
            },
        );
    }
}

/// The distinct columns `e` reads.
fn columns_of(e: &Expr) -> Vec<PlSmallStr> {
    let mut out: Vec<PlSmallStr> = Vec::new();
    for node in e {
        if let Expr::Column(n) = node
            && !out.contains(n)
        {
            out.push(n.clone());
        }
    }
    out
}

/// `whole` (rows known to pass so far; `None`: all) narrowed to the rows of `m`.
fn narrow(whole: &mut Option<BooleanChunked>, m: &BooleanChunked) {
    *whole = Some(match whole.take() {
        Some(w) => &w & m,
        None => m.clone(),
    });
}

/// The cache entry of the rows a condition with this key holds for (no column name starts with a NUL).
fn mask_name(key: &str) -> String {
    format!("\0where {key}")
}

/// A table scan through the [`ScanCache`]: the columns a query needs come from the cache, and those not
/// cached yet are read by the table's own scan (projected to them) and kept. The query's conditions on the
/// table are applied here: which rows a keyed condition holds for is kept too, so that a query that changes
/// one condition and keeps the others (a re-run after a parameter edit) evaluates only the changed one, and
/// only over the rows the others keep.
struct CachedScan {
    table: String,
    files: Vec<PathBuf>,
    inner: LazyFrame,
    schema: SchemaRef,
    cache: Arc<ScanCache>,
    /// For the number of rows when no column is read.
    parts: Vec<Part>,
    conditions: Vec<Condition>,
}

impl CachedScan {
    fn rows(&self) -> usize {
        self.parts.iter().map(Part::rows).sum()
    }

    /// The named columns, from the cache or read (and then kept).
    fn columns(&self, names: &[PlSmallStr], fp: &Fingerprint) -> PolarsResult<Vec<Column>> {
        let mut have: Vec<Option<Column>> = names
            .iter()
            .map(|n| self.cache.get(&self.table, n.as_str(), fp))
            .collect();
        let missing: Vec<Expr> = names
            .iter()
            .zip(&have)
            .filter(|(_, c)| c.is_none())
            .map(|(n, _)| col(n.clone()))
            .collect();
        if !missing.is_empty() {
            let df = self.inner.clone().select(missing).collect()?;
            for (n, slot) in names.iter().zip(have.iter_mut()) {
                if slot.is_none() {
                    let c = df.column(n.as_str())?.clone();
                    self.cache.put(&self.table, n.as_str(), c.clone(), fp);
                    *slot = Some(c);
                }
            }
        }
        Ok(have.into_iter().flatten().collect())
    }

    /// Which rows of `df` `expr` holds for (null: no).
    fn evaluate(df: &DataFrame, expr: &Expr) -> PolarsResult<BooleanChunked> {
        let out = df
            .clone()
            .lazy()
            .select([expr.clone().fill_null(lit(false)).alias("__hb_where")])
            .collect()?;
        Ok(out.column("__hb_where")?.bool()?.clone())
    }

    /// The dictionary of the cached string column `name` (`column`), built and kept on first use; `None`
    /// when it has none (also kept: an empty value list).
    fn dictionary(&self, name: &str, column: &Column, fp: &Fingerprint) -> Option<Dictionary> {
        let values_name = format!("\0dict-values {name}");
        let codes_name = format!("\0dict-codes {name}");
        if let Some(values) = self.cache.get(&self.table, &values_name, fp) {
            if values.is_empty() {
                return None;
            }
            if let Some(codes) = self.cache.get(&self.table, &codes_name, fp)
                && let Ok(codes) = codes.u32()
                && codes.len() == column.len()
            {
                return Some(Dictionary {
                    values,
                    codes: codes.clone(),
                });
            }
        }
        // Worth it while the distinct values are few next to the rows.
        let limit = (column.len() / 16).max(1024);
        match dict::build(column, limit) {
            Some(d) => {
                self.cache
                    .put(&self.table, &values_name, d.values.clone(), fp);
                let codes = d.codes.clone().into_series().into_column();
                self.cache.put(&self.table, &codes_name, codes, fp);
                Some(d)
            }
            None => {
                let none = Column::new_empty(column.name().clone(), column.dtype());
                self.cache.put(&self.table, &values_name, none, fp);
                None
            }
        }
    }

    /// Which rows of `df` (the whole table) a keyed condition on one string column holds for, evaluated
    /// once per distinct value of the column's dictionary. `None` when the condition reads other columns or
    /// the column has no dictionary.
    fn by_dictionary(
        &self,
        df: &DataFrame,
        c: &Condition,
        fp: &Fingerprint,
    ) -> PolarsResult<Option<BooleanChunked>> {
        let names = columns_of(&c.expr);
        let [name] = names.as_slice() else {
            return Ok(None);
        };
        let Ok(column) = df.column(name.as_str()) else {
            return Ok(None);
        };
        let Some(d) = self.dictionary(name.as_str(), column, fp) else {
            return Ok(None);
        };
        let values = DataFrame::new(d.values.len(), vec![d.values])?;
        let by_value = Self::evaluate(&values, &c.expr)?;
        Ok(Some(dict::expand(&by_value, &d.codes)?))
    }

    /// The rows of `df` (the whole table) that all conditions hold for.
    fn filter(&self, df: DataFrame, fp: &Fingerprint) -> PolarsResult<DataFrame> {
        if self.conditions.is_empty() {
            return Ok(df);
        }
        let height = df.height();
        let keep = |c: &Condition, m: &BooleanChunked| {
            if let Some(k) = &c.key {
                let m = m.clone().into_series().into_column();
                self.cache.put(&self.table, &mask_name(k), m, fp);
            }
        };
        // Which rows of the whole table the conditions hold for, as far as known cheaply: keyed conditions
        // seen before (their rows kept), and keyed conditions on a string column with a dictionary.
        let mut whole: Option<BooleanChunked> = None;
        let mut rest = Vec::new();
        for c in &self.conditions {
            let cached = c
                .key
                .as_ref()
                .and_then(|k| self.cache.get(&self.table, &mask_name(k), fp))
                .and_then(|m| m.bool().ok().cloned())
                .filter(|m| m.len() == height);
            if let Some(m) = cached {
                narrow(&mut whole, &m);
            } else if c.key.is_some()
                && let Some(m) = self.by_dictionary(&df, c, fp)?
            {
                keep(c, &m);
                narrow(&mut whole, &m);
            } else {
                rest.push(c);
            }
        }
        // An unkeyed condition may depend on the other rows: it is evaluated over the whole table.
        for c in rest.iter().filter(|c| c.key.is_none()) {
            narrow(&mut whole, &Self::evaluate(&df, &c.expr)?);
        }
        let mut later: Vec<&Condition> = rest.into_iter().filter(|c| c.key.is_some()).collect();
        if whole.is_none() {
            // Nothing known: the keyed conditions are evaluated over the whole table, and their rows kept.
            for c in later.drain(..) {
                let m = Self::evaluate(&df, &c.expr)?;
                keep(c, &m);
                narrow(&mut whole, &m);
            }
        }
        let mut df = match &whole {
            Some(m) => df.filter(m)?,
            None => df,
        };
        // The others are row by row (the engine keys no other condition): over the rows left.
        for c in later {
            let m = Self::evaluate(&df, &c.expr)?;
            df = df.filter(&m)?;
        }
        Ok(df)
    }
}

impl AnonymousScan for CachedScan {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }

    fn schema(&self, _infer_schema_length: Option<usize>) -> PolarsResult<SchemaRef> {
        Ok(self.schema.clone())
    }

    fn allows_projection_pushdown(&self) -> bool {
        true
    }

    fn scan(&self, scan_opts: AnonymousScanArgs) -> PolarsResult<DataFrame> {
        let wanted: Vec<PlSmallStr> = match scan_opts.with_columns.as_deref() {
            Some(w) => w.to_vec(),
            None => self.schema.iter_names().cloned().collect(),
        };
        // The conditions' columns are read too, even when the query does not use them afterwards.
        let mut names = wanted.clone();
        for n in self.conditions.iter().flat_map(|c| columns_of(&c.expr)) {
            if !names.contains(&n) && self.schema.contains(&n) {
                names.push(n);
            }
        }
        let fp = fingerprint(&self.files);
        let cols = self.columns(&names, &fp)?;
        let height = cols.first().map(Column::len).unwrap_or(self.rows());
        let df = self.filter(DataFrame::new(height, cols)?, &fp)?;
        let df = df.select(wanted)?;
        Ok(match scan_opts.n_rows {
            Some(n) => df.head(Some(n)),
            None => df,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(path: &Path, text: &str) {
        let mut f = std::fs::File::create(path).unwrap();
        f.write_all(text.as_bytes()).unwrap();
    }

    fn collect(cat: &Catalog, cols: &[&str]) -> DataFrame {
        cat.scan("T")
            .unwrap()
            .select(cols.iter().map(|c| col(*c)).collect::<Vec<_>>())
            .collect()
            .unwrap()
    }

    #[test]
    fn the_scan_cache_gives_the_same_frames_and_sees_changed_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("T.csv");
        write(&path, "A,B,C\n1,x,true\n2,y,false\n3,z,true\n");
        let plain = Catalog::open(dir.path()).unwrap();
        let mut cat = Catalog::open(dir.path()).unwrap();
        cat.enable_scan_cache(1 << 20);
        let want = collect(&plain, &["A", "B"]);
        assert_eq!(collect(&cat, &["A", "B"]), want);
        let held = cat.scan_cache_bytes();
        assert!(held > 0);
        // Served from the cache (and a column added to it).
        assert_eq!(collect(&cat, &["B", "A"]), collect(&plain, &["B", "A"]));
        assert_eq!(collect(&cat, &["C"]), collect(&plain, &["C"]));
        assert!(cat.scan_cache_bytes() > held);
        // Filters over the cached scan.
        let f = cat
            .scan("T")
            .unwrap()
            .filter(col("A").gt(lit(1i64)))
            .collect()
            .unwrap();
        assert_eq!(f.height(), 2);
        // A changed file (other size) is read again.
        std::thread::sleep(std::time::Duration::from_millis(20));
        write(&path, "A,B,C\n10,xx,true\n20,yy,false\n30,zz,true\n");
        let b = collect(&cat, &["B"]);
        assert_eq!(b.column("B").unwrap().str().unwrap().get(0), Some("xx"));
    }

    fn cond(expr: Expr, key: Option<&str>) -> Condition {
        Condition {
            expr,
            key: key.map(str::to_string),
        }
    }

    fn a_values(cat: &Catalog, conditions: Vec<Condition>) -> Vec<Option<i64>> {
        let df = cat
            .scan_where("T", conditions)
            .unwrap()
            .select([col("A")])
            .collect()
            .unwrap();
        df.column("A").unwrap().i64().unwrap().iter().collect()
    }

    #[test]
    fn keyed_conditions_are_reused_until_the_file_changes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("T.csv");
        write(&path, "A,B\n1,x\n2,y\n3,x\n4,y\n5,x\n");
        let mut cat = Catalog::open(dir.path()).unwrap();
        cat.enable_scan_cache(1 << 20);
        let is_x = || col("B").eq(lit("x"));
        let first = a_values(
            &cat,
            vec![
                cond(is_x(), Some("B=x")),
                cond(col("A").gt(lit(1i64)), Some("A>1")),
            ],
        );
        assert_eq!(first, [Some(3), Some(5)]);
        // A changed condition is evaluated; the kept one is not: a condition with the key "B=x" is taken to
        // select what it selected before (the key is the contract), whatever its expression says now.
        let second = a_values(
            &cat,
            vec![
                cond(col("B").eq(lit("y")), Some("B=x")),
                cond(col("A").gt(lit(2i64)), Some("A>2")),
            ],
        );
        assert_eq!(second, [Some(3), Some(5)]);
        // Unkeyed conditions are always evaluated.
        let third = a_values(&cat, vec![cond(col("B").eq(lit("y")), None)]);
        assert_eq!(third, [Some(2), Some(4)]);
        // Without a cache, there is nothing to reuse; with a changed file, the kept rows are dropped.
        let plain = Catalog::open(dir.path()).unwrap();
        assert_eq!(
            a_values(&plain, vec![cond(col("B").eq(lit("y")), Some("B=x"))]),
            [Some(2), Some(4)]
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
        write(&path, "A,B\n1,y\n2,y\n3,y\n4,x\n50,x\n60,y\n");
        assert_eq!(
            a_values(&cat, vec![cond(is_x(), Some("B=x"))]),
            [Some(4), Some(50)]
        );
    }

    #[test]
    fn scan_where_filters_before_the_conversion_and_agrees_with_a_filter_after_it() {
        let dir = tempfile::tempdir().unwrap();
        // A Parquet part whose datetime column is converted to ticks and whose strings have nulls.
        let mut df = df!(
            "Timestamp" => [Some(1_000i64), Some(2_000), None, Some(4_000)],
            "Signer" => [Some("Acme Ltd"), None, Some("acme ltd"), Some("Other")],
        )
        .unwrap()
        .lazy()
        .with_column(col("Timestamp").cast(DataType::Datetime(TimeUnit::Milliseconds, None)))
        .collect()
        .unwrap();
        let f = std::fs::File::create(dir.path().join("T.parquet")).unwrap();
        ParquetWriter::new(f).finish(&mut df).unwrap();
        let cat = Catalog::open(dir.path()).unwrap();
        let ticks = |ms: i64| ms * 10_000;
        let conditions = vec![
            cond(
                col("Timestamp")
                    .gt_eq(lit(ticks(2_000)))
                    .fill_null(lit(false)),
                None,
            ),
            cond(col("Signer").neq(lit("acme ltd")), None),
        ];
        let pushed = cat
            .scan_where("T", conditions.clone())
            .unwrap()
            .collect()
            .unwrap();
        let after = cat
            .scan("T")
            .unwrap()
            .filter(all_of(&conditions).unwrap())
            .collect()
            .unwrap();
        assert_eq!(pushed, after);
        // Row 2 (null Signer, read as "") and row 4 pass; row 3 has no time and row 1 is too early.
        assert_eq!(
            pushed
                .column("Timestamp")
                .unwrap()
                .i64()
                .unwrap()
                .iter()
                .collect::<Vec<_>>(),
            [Some(ticks(2_000)), Some(ticks(4_000))]
        );
        assert_eq!(
            pushed
                .column("Signer")
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .collect::<Vec<_>>(),
            [Some(""), Some("Other")]
        );
        // The filter is inside the reader, not above the conversion.
        let plan = cat
            .scan_where("T", conditions)
            .unwrap()
            .explain(true)
            .unwrap();
        assert!(plan.contains("SELECTION"), "{plan}");
        assert!(!plan.contains("FILTER"), "{plan}");
    }

    /// Ranges on a datetime column are checked against the file's own column (ns, us, ms): the same rows as
    /// comparing the converted ticks, at and around each boundary, negative times included.
    #[test]
    fn datetime_ranges_on_the_file_column_keep_the_same_rows() {
        for unit in [
            TimeUnit::Nanoseconds,
            TimeUnit::Microseconds,
            TimeUnit::Milliseconds,
        ] {
            let dir = tempfile::tempdir().unwrap();
            let raw: Vec<Option<i64>> = [
                -301, -300, -299, -1, 0, 1, 99, 100, 101, 199, 200, 201, 1000,
            ]
            .into_iter()
            .map(Some)
            .chain([None])
            .collect();
            let mut df = df!("Timestamp" => raw)
                .unwrap()
                .lazy()
                .with_column(col("Timestamp").cast(DataType::Datetime(unit, None)))
                .collect()
                .unwrap();
            let f = std::fs::File::create(dir.path().join("T.parquet")).unwrap();
            ParquetWriter::new(f).finish(&mut df).unwrap();
            let cat = Catalog::open(dir.path()).unwrap();
            let per_raw = match unit {
                TimeUnit::Nanoseconds => 1,
                TimeUnit::Microseconds => 10,
                TimeUnit::Milliseconds => 10_000,
            };
            for ticks in [
                -4i64,
                -3,
                -2,
                -1,
                0,
                1,
                2,
                3,
                10,
                11,
                20 * per_raw,
                20 * per_raw + 1,
            ] {
                for (name, e) in [
                    (">", col("Timestamp").gt(lit(ticks))),
                    (">=", col("Timestamp").gt_eq(lit(ticks))),
                    ("<", col("Timestamp").lt(lit(ticks))),
                    ("<=", col("Timestamp").lt_eq(lit(ticks))),
                ] {
                    let conditions = vec![cond(e.fill_null(lit(false)), None)];
                    let pushed = cat.scan_where("T", conditions.clone()).unwrap();
                    let plan = pushed.clone().explain(true).unwrap();
                    let selection = plan.lines().find(|l| l.contains("SELECTION")).unwrap_or("");
                    assert!(
                        selection.contains("col(\"Timestamp\") >")
                            || selection.contains("col(\"Timestamp\") <"),
                        "not on the file's column: {plan}"
                    );
                    assert!(!selection.contains("cast(Int64)"), "{plan}");
                    let after = cat
                        .scan("T")
                        .unwrap()
                        .filter(all_of(&conditions).unwrap())
                        .collect()
                        .unwrap();
                    assert_eq!(pushed.collect().unwrap(), after, "{unit:?} {name} {ticks}");
                }
            }
        }
    }

    #[test]
    fn the_scan_cache_stays_within_its_budget() {
        let dir = tempfile::tempdir().unwrap();
        let mut text = String::from("A,B\n");
        for i in 0..2000 {
            text.push_str(&format!("{i},value number {i}\n"));
        }
        write(&dir.path().join("T.csv"), &text);
        let mut cat = Catalog::open(dir.path()).unwrap();
        cat.enable_scan_cache(20_000);
        collect(&cat, &["A"]);
        collect(&cat, &["B"]);
        assert!(cat.scan_cache_bytes() <= 20_000);
        let mut none = Catalog::open(dir.path()).unwrap();
        none.enable_scan_cache(10);
        assert_eq!(collect(&none, &["A"]).height(), 2000);
        assert_eq!(none.scan_cache_bytes(), 0);
    }
}
