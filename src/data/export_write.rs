//! Writes a folder of CSV tables (as the sample generator makes them) again in the shapes real exports
//! have (see `EXPORTS.md`): the portal CSV (BOM, CRLF), the Advanced Hunting API, Graph and Log Analytics
//! JSON shapes, Defender streaming JSON lines, and Parquet. Used by `huntbench sample generate --format`.

use std::path::{Path, PathBuf};

use polars::prelude::*;
use serde_json::{Map, Value as J, json};

use crate::data::catalog::Catalog;
use crate::data::csvfile::write_field;
use crate::data::time::format_datetime_iso;
use crate::data::{TableProvider, TableSchema};
use crate::kql::ScalarType;
use crate::kql::literal::format_timespan;

/// The formats `huntbench sample generate --format` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Plain CSV, ISO-8601 UTC datetimes.
    Csv,
    /// The Defender portal's CSV (UTC setting): UTF-8 BOM, CRLF, `True`/`False`.
    PortalCsv,
    /// Advanced Hunting API `{Stats, Schema, Results}`.
    Ahjson,
    /// Graph `runHuntingQuery` `{@odata.context, schema, results}`.
    Graphjson,
    /// Log Analytics API `{tables:[{name, columns, rows}]}`, dynamic as JSON text.
    Lajson,
    /// Defender streaming records, JSON lines (`{category: AdvancedHunting-<Table>, properties}`).
    Jsonl,
    /// Parquet: datetimes as timestamps (ns), dynamic as JSON text.
    Parquet,
}

fn kusto_type(ty: ScalarType) -> &'static str {
    match ty {
        ScalarType::Bool => "bool",
        ScalarType::Int => "int",
        ScalarType::Long => "long",
        ScalarType::Real => "real",
        ScalarType::Decimal => "decimal",
        ScalarType::String => "string",
        ScalarType::Guid => "guid",
        ScalarType::Dynamic => "dynamic",
        ScalarType::DateTime => "datetime",
        ScalarType::TimeSpan => "timespan",
    }
}

fn dotnet_type(ty: ScalarType) -> &'static str {
    match ty {
        ScalarType::Bool => "Boolean",
        ScalarType::Int => "Int32",
        ScalarType::Long => "Int64",
        ScalarType::Real => "Double",
        ScalarType::Decimal => "Decimal",
        ScalarType::String => "String",
        ScalarType::Guid => "Guid",
        ScalarType::Dynamic => "Object",
        ScalarType::DateTime => "DateTime",
        ScalarType::TimeSpan => "TimeSpan",
    }
}

/// One cell as JSON: datetimes and timespans as text; dynamic as a JSON value (or its text when
/// `dynamic_as_text`).
fn cell(v: AnyValue<'_>, ty: ScalarType, dynamic_as_text: bool) -> J {
    match v {
        AnyValue::Null => J::Null,
        AnyValue::Boolean(b) => J::Bool(b),
        AnyValue::Int32(i) => json!(i),
        AnyValue::Int64(i) => match ty {
            ScalarType::DateTime => format_datetime_iso(i).map(J::String).unwrap_or(J::Null),
            ScalarType::TimeSpan => J::String(format_timespan(i)),
            _ => json!(i),
        },
        AnyValue::Float64(f) => serde_json::Number::from_f64(f)
            .map(J::Number)
            .unwrap_or_else(|| J::String(f.to_string())),
        AnyValue::String(s) => text_cell(s, ty, dynamic_as_text),
        AnyValue::StringOwned(s) => text_cell(s.as_str(), ty, dynamic_as_text),
        other => J::String(other.to_string()),
    }
}

fn text_cell(s: &str, ty: ScalarType, dynamic_as_text: bool) -> J {
    if ty == ScalarType::Dynamic && !dynamic_as_text {
        serde_json::from_str(s).unwrap_or_else(|_| J::String(s.to_string()))
    } else {
        J::String(s.to_string())
    }
}

/// One cell as CSV text.
fn csv_text(v: AnyValue<'_>, ty: ScalarType, portal: bool) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::Boolean(b) => match (portal, b) {
            (true, true) => "True".into(),
            (true, false) => "False".into(),
            (false, b) => b.to_string(),
        },
        AnyValue::Float64(f) => {
            if f.is_nan() {
                "NaN".into()
            } else if f.is_infinite() {
                if f > 0.0 { "Infinity" } else { "-Infinity" }.into()
            } else {
                f.to_string()
            }
        }
        other => match cell(other, ty, true) {
            J::String(s) => s,
            j => j.to_string(),
        },
    }
}

fn rows_of(df: &DataFrame, schema: &TableSchema, dynamic_as_text: bool) -> Vec<Vec<J>> {
    let cols: Vec<&Column> = schema
        .iter()
        .filter_map(|(n, _)| df.column(n.as_str()).ok())
        .collect();
    (0..df.height())
        .map(|i| {
            cols.iter()
                .zip(schema)
                .map(|(c, (_, ty))| cell(c.get(i).unwrap_or(AnyValue::Null), *ty, dynamic_as_text))
                .collect()
        })
        .collect()
}

fn objects(df: &DataFrame, schema: &TableSchema, dynamic_as_text: bool) -> Vec<J> {
    rows_of(df, schema, dynamic_as_text)
        .into_iter()
        .map(|row| {
            let m: Map<String, J> = schema.iter().map(|(n, _)| n.clone()).zip(row).collect();
            J::Object(m)
        })
        .collect()
}

/// The columns a table's files hold: its schema without the added time alias.
fn file_schema(cat: &Catalog, table: &str, df: &DataFrame) -> TableSchema {
    let mut schema = cat.schema(table).unwrap_or_default();
    schema.retain(|(n, _)| df.column(n.as_str()).is_ok());
    schema
}

/// Rewrites every CSV table of `dir` in `format` (the CSV files are replaced). Returns the files written
/// with their sizes.
pub fn convert_dir(dir: &Path, format: ExportFormat) -> Result<Vec<(PathBuf, u64)>, String> {
    if format == ExportFormat::Csv {
        return Ok(Vec::new());
    }
    let cat = Catalog::open(dir).map_err(|e| e.to_string())?;
    let mut written = Vec::new();
    for info in cat.tables() {
        let table = info.name.as_str();
        let mut df = cat
            .scan(table)
            .and_then(|lf| lf.collect().map_err(|e| e.to_string()))
            .map_err(|e| format!("{table}: {e}"))?;
        // Drop the time alias the catalog adds, so files hold the columns the CSV had.
        let csv_path = dir.join(format!("{table}.csv"));
        let header = std::fs::read_to_string(&csv_path)
            .map_err(|e| format!("{}: {e}", csv_path.display()))?
            .lines()
            .next()
            .unwrap_or("")
            .to_string();
        let present: Vec<&str> = header.split(',').map(str::trim).collect();
        let keep: Vec<PlSmallStr> = df
            .get_column_names()
            .into_iter()
            .filter(|n| present.contains(&n.as_str()))
            .cloned()
            .collect();
        df = df.select(keep).map_err(|e| format!("{table}: {e}"))?;
        let schema = file_schema(&cat, table, &df);
        let (name, bytes) = match format {
            ExportFormat::Csv => unreachable_csv(),
            ExportFormat::PortalCsv => {
                let mut out = String::from("\u{feff}");
                for (i, (n, _)) in schema.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_field(&mut out, n);
                }
                out.push_str("\r\n");
                let cols: Vec<&Column> = schema
                    .iter()
                    .filter_map(|(n, _)| df.column(n.as_str()).ok())
                    .collect();
                for r in 0..df.height() {
                    for (i, (c, (_, ty))) in cols.iter().zip(&schema).enumerate() {
                        if i > 0 {
                            out.push(',');
                        }
                        let v = c.get(r).unwrap_or(AnyValue::Null);
                        write_field(&mut out, &csv_text(v, *ty, true));
                    }
                    out.push_str("\r\n");
                }
                (format!("{table}.csv"), out.into_bytes())
            }
            ExportFormat::Ahjson | ExportFormat::Graphjson => {
                let schema_json: Vec<J> = schema
                    .iter()
                    .map(|(n, t)| {
                        if format == ExportFormat::Ahjson {
                            json!({"Name": n, "Type": dotnet_type(*t)})
                        } else {
                            json!({"name": n, "type": dotnet_type(*t)})
                        }
                    })
                    .collect();
                let results = objects(&df, &schema, false);
                let doc = if format == ExportFormat::Ahjson {
                    json!({"Stats": {"ExecutionTime": 0.0}, "Schema": schema_json, "Results": results})
                } else {
                    json!({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.security.huntingQueryResults",
                        "schema": schema_json, "results": results})
                };
                (format!("{table}.json"), doc.to_string().into_bytes())
            }
            ExportFormat::Lajson => {
                let columns: Vec<J> = schema
                    .iter()
                    .map(|(n, t)| json!({"name": n, "type": kusto_type(*t)}))
                    .collect();
                let rows = rows_of(&df, &schema, true);
                let doc = json!({"tables": [{"name": "PrimaryResult", "columns": columns, "rows": rows}]});
                (format!("{table}.json"), doc.to_string().into_bytes())
            }
            ExportFormat::Jsonl => {
                let mut out = String::new();
                for props in objects(&df, &schema, false) {
                    let rec = json!({"time": props.get("Timestamp").cloned().unwrap_or(J::Null),
                        "tenantId": "00000000-0000-0000-0000-000000000000", "operationName": "Publish",
                        "category": format!("AdvancedHunting-{table}"), "properties": props, "Tenant": "DefaultTenant"});
                    out.push_str(&rec.to_string());
                    out.push('\n');
                }
                (format!("{table}.jsonl"), out.into_bytes())
            }
            ExportFormat::Parquet => {
                let buf = parquet_bytes(&df, &schema).map_err(|e| format!("{table}: {e}"))?;
                (format!("{table}.parquet"), buf)
            }
        };
        std::fs::remove_file(&csv_path).map_err(|e| format!("{}: {e}", csv_path.display()))?;
        let path = dir.join(name);
        std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push((path, bytes.len() as u64));
    }
    Ok(written)
}

/// `df` (columns in huntbench's representation: datetimes and timespans as ticks) as Parquet bytes, the
/// way exports write it: datetimes as nanosecond timestamps, timespans as nanosecond durations, dynamic as
/// JSON text. `columns` names and types the columns written, in order.
pub fn parquet_bytes(df: &DataFrame, columns: &[(String, ScalarType)]) -> PolarsResult<Vec<u8>> {
    let mut cols = Vec::with_capacity(columns.len());
    for (n, ty) in columns {
        let c = df.column(n.as_str())?.clone();
        let c = match ty {
            ScalarType::DateTime => (c.as_materialized_series() * 100)
                .cast(&DataType::Datetime(TimeUnit::Nanoseconds, None))?
                .into_column(),
            ScalarType::TimeSpan => (c.as_materialized_series() * 100)
                .cast(&DataType::Duration(TimeUnit::Nanoseconds))?
                .into_column(),
            _ => c,
        };
        cols.push(c);
    }
    let mut out = DataFrame::new(df.height(), cols)?;
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).finish(&mut out)?;
    Ok(buf)
}

fn unreachable_csv() -> (String, Vec<u8>) {
    (String::new(), Vec::new())
}
