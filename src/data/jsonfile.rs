//! JSON exports: an array of objects, JSON lines (`.json`, `.jsonl`, `.ndjson`), the Advanced Hunting API
//! shapes (`{Schema, Results}`, `{schema, results}`), the Log Analytics / ADX shapes (`{tables:[{columns,
//! rows}]}`, `{Tables:[{Columns, Rows}]}`), and Defender streaming records (`{category:
//! "AdvancedHunting-<Table>", properties:{...}}`, whose `properties` are the row).

use std::path::Path;

use serde_json::{Map, Value};

use crate::data::error::DataError;
use crate::kql::ScalarType;

/// The rows of a JSON file.
pub struct JsonData {
    /// Column names in order of first appearance (or as declared).
    pub columns: Vec<String>,
    /// Types declared by the file (API shapes), by column.
    pub declared: Vec<(String, ScalarType)>,
    pub rows: Vec<JsonRow>,
    /// Where each row is: its line for JSON lines, else its 1-based record number.
    pub positions: Vec<usize>,
    /// Whether `positions` are lines (JSON lines) or record numbers.
    pub positions_are_lines: bool,
    /// Which export shape the file has, for `huntbench data inspect`.
    pub shape: &'static str,
    /// The tables of streaming records (`AdvancedHunting-<Table>`), in order of first appearance — of the
    /// whole file, even when only one table's rows were kept.
    pub categories: Vec<String>,
}

/// The table a streaming record belongs to.
fn record_table(v: &Value) -> Option<&str> {
    if !is_streaming(v) {
        return None;
    }
    v.get("category")?
        .as_str()?
        .strip_prefix("AdvancedHunting-")
}

fn note_category(categories: &mut Vec<String>, v: &Value) {
    if let Some(t) = record_table(v)
        && !categories.iter().any(|c| c == t)
    {
        categories.push(t.to_string());
    }
}

/// Whether a record is kept when only `table`'s rows are wanted.
fn keep(v: &Value, table: Option<&str>) -> bool {
    table.is_none_or(|t| record_table(v) == Some(t))
}

pub enum JsonRow {
    Object(Map<String, Value>),
    /// Values in the order of `JsonData::columns`.
    Array(Vec<Value>),
}

impl JsonRow {
    pub fn get<'a>(&'a self, column: &str, index: Option<usize>) -> Option<&'a Value> {
        match self {
            JsonRow::Object(m) => m.get(column),
            JsonRow::Array(v) => index.and_then(|i| v.get(i)),
        }
    }
}

fn invalid(path: &Path, message: impl Into<String>) -> DataError {
    DataError::Invalid {
        path: path.display().to_string(),
        message: message.into(),
    }
}

fn is_streaming(v: &Value) -> bool {
    v.get("category")
        .and_then(Value::as_str)
        .is_some_and(|c| c.starts_with("AdvancedHunting-"))
        && v.get("properties").is_some_and(Value::is_object)
}

/// Unwraps a streaming record (`{category: "AdvancedHunting-…", properties: {...}}`).
fn unwrap_record(v: Value) -> Value {
    if !is_streaming(&v) {
        return v;
    }
    match v {
        Value::Object(mut m) => m.remove("properties").unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

fn get_ci<'a>(m: &'a Map<String, Value>, keys: &[&str]) -> Option<&'a Value> {
    keys.iter().find_map(|k| m.get(*k))
}

fn declared_columns(
    cols: &[Value],
    name_keys: &[&str],
    type_keys: &[&str],
) -> Vec<(String, Option<ScalarType>)> {
    cols.iter()
        .filter_map(|c| {
            let m = c.as_object()?;
            let name = get_ci(m, name_keys)?.as_str()?.to_string();
            let ty = get_ci(m, type_keys)
                .and_then(Value::as_str)
                .and_then(ScalarType::from_name);
            Some((name, ty))
        })
        .collect()
}

/// Reads a JSON export.
pub fn read_json(path: &Path, json_lines: bool) -> Result<JsonData, DataError> {
    read_json_table(path, json_lines, None)
}

/// Reads a JSON export, keeping only the streaming records of `table` when it is given (a streaming file
/// may hold several tables).
pub fn read_json_table(
    path: &Path,
    json_lines: bool,
    table: Option<&str>,
) -> Result<JsonData, DataError> {
    let bytes = std::fs::read(path).map_err(|e| DataError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    let bytes = bytes
        .strip_prefix(&[0xEF, 0xBB, 0xBF][..])
        .unwrap_or(&bytes);
    let text =
        std::str::from_utf8(bytes).map_err(|e| invalid(path, format!("not valid UTF-8 ({e})")))?;
    read_json_text(path, text, json_lines, table)
}

/// The tables named by the Defender streaming records of a JSON file (empty for any other shape). A file
/// whose first line is a complete JSON object that is not a streaming record is not read further: streaming
/// blobs hold nothing else, so the other export shapes cost one line here instead of a full parse.
pub fn streaming_tables(path: &Path, json_lines: bool) -> Result<Vec<String>, DataError> {
    let bytes = std::fs::read(path).map_err(|e| DataError::Io {
        path: path.display().to_string(),
        source: e,
    })?;
    let bytes = bytes
        .strip_prefix(&[0xEF, 0xBB, 0xBF][..])
        .unwrap_or(&bytes);
    let text =
        std::str::from_utf8(bytes).map_err(|e| invalid(path, format!("not valid UTF-8 ({e})")))?;
    let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    if serde_json::from_str::<Value>(first).is_ok_and(|v| v.is_object() && !is_streaming(&v)) {
        return Ok(Vec::new());
    }
    Ok(read_json_text(path, text, json_lines, None)?.categories)
}

/// Reads JSON text that is not a file — a query service's response, say — in any of the shapes above.
/// `origin` names it in errors (a URL or connection name works).
pub fn read_json_text(
    path: &Path,
    text: &str,
    json_lines: bool,
    table: Option<&str>,
) -> Result<JsonData, DataError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(DataError::EmptyFile(path.display().to_string()));
    }
    if !json_lines {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => return from_document(path, v, table),
            Err(e) => {
                // A `.json` file may hold JSON lines; if its first line is a complete object, read it so.
                let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
                let looks_like_lines =
                    serde_json::from_str::<Value>(first).is_ok_and(|v| v.is_object());
                if !looks_like_lines {
                    return Err(DataError::Malformed {
                        path: path.display().to_string(),
                        line: e.line(),
                        message: format!("invalid JSON: {e}"),
                    });
                }
            }
        }
    }
    from_lines(path, text, table)
}

/// Reads an already parsed JSON document (an API response) in any of the document shapes above.
pub fn read_json_value(origin: &Path, v: Value) -> Result<JsonData, DataError> {
    from_document(origin, v, None)
}

fn from_lines(path: &Path, text: &str, table: Option<&str>) -> Result<JsonData, DataError> {
    let mut data = JsonData {
        columns: Vec::new(),
        declared: Vec::new(),
        rows: Vec::new(),
        positions: Vec::new(),
        positions_are_lines: true,
        shape: "JSON lines",
        categories: Vec::new(),
    };
    let mut seen = std::collections::HashSet::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let v: Value = serde_json::from_str(line).map_err(|e| DataError::Malformed {
            path: path.display().to_string(),
            line: i + 1,
            message: format!("invalid JSON line: {e}"),
        })?;
        if is_streaming(&v) {
            data.shape = "Defender streaming records (JSON lines)";
        }
        note_category(&mut data.categories, &v);
        if !keep(&v, table) {
            continue;
        }
        match unwrap_record(v) {
            Value::Object(m) => {
                for k in m.keys() {
                    if seen.insert(k.clone()) {
                        data.columns.push(k.clone());
                    }
                }
                data.rows.push(JsonRow::Object(m));
                data.positions.push(i + 1);
            }
            _ => {
                return Err(DataError::Malformed {
                    path: path.display().to_string(),
                    line: i + 1,
                    message: "a JSON line must be an object (one row)".into(),
                });
            }
        }
    }
    Ok(data)
}

fn from_records(
    path: &Path,
    records: Vec<Value>,
    declared: Vec<(String, Option<ScalarType>)>,
    shape: &'static str,
    table: Option<&str>,
) -> Result<JsonData, DataError> {
    let mut data = JsonData {
        columns: declared.iter().map(|(n, _)| n.clone()).collect(),
        declared: declared
            .iter()
            .filter_map(|(n, t)| t.map(|t| (n.clone(), t)))
            .collect(),
        rows: Vec::with_capacity(records.len()),
        positions: Vec::with_capacity(records.len()),
        positions_are_lines: false,
        shape,
        categories: Vec::new(),
    };
    let mut seen: std::collections::HashSet<String> = data.columns.iter().cloned().collect();
    for (i, r) in records.into_iter().enumerate() {
        note_category(&mut data.categories, &r);
        if !keep(&r, table) {
            continue;
        }
        match unwrap_record(r) {
            Value::Object(m) => {
                for k in m.keys() {
                    if seen.insert(k.clone()) {
                        data.columns.push(k.clone());
                    }
                }
                data.rows.push(JsonRow::Object(m));
                data.positions.push(i + 1);
            }
            _ => {
                return Err(invalid(
                    path,
                    format!("record {} is not an object (one row)", i + 1),
                ));
            }
        }
    }
    Ok(data)
}

fn from_document(path: &Path, v: Value, table: Option<&str>) -> Result<JsonData, DataError> {
    match v {
        Value::Array(records) => {
            let shape = if records.first().is_some_and(is_streaming) {
                "Defender streaming records (array)"
            } else {
                "array of objects"
            };
            from_records(path, records, Vec::new(), shape, table)
        }
        Value::Object(mut m) => {
            // Advanced Hunting API / Graph: {Schema:[{Name,Type}], Results:[{...}]}.
            let results_key = ["Results", "results"]
                .into_iter()
                .find(|k| m.get(*k).is_some_and(Value::is_array));
            if let Some(rk) = results_key {
                let declared = get_ci(&m, &["Schema", "schema"])
                    .and_then(Value::as_array)
                    .map(|cols| declared_columns(cols, &["Name", "name"], &["Type", "type"]))
                    .unwrap_or_default();
                let records = match m.remove(rk) {
                    Some(Value::Array(a)) => a,
                    _ => Vec::new(),
                };
                let shape = if rk == "Results" {
                    "Advanced Hunting API {Schema, Results}"
                } else {
                    "Graph runHuntingQuery {schema, results}"
                };
                return from_records(path, records, declared, shape, table);
            }
            // Log Analytics {tables:[{columns:[{name,type}], rows:[[...]]}]}; ADX v1 {Tables:[{Columns, Rows}]}.
            let tables_key = ["tables", "Tables"]
                .into_iter()
                .find(|k| m.get(*k).is_some_and(Value::is_array));
            if let Some(tk) = tables_key {
                let first = match m.remove(tk) {
                    Some(Value::Array(mut a)) if !a.is_empty() => a.swap_remove(0),
                    _ => return Err(invalid(path, "`tables` holds no table")),
                };
                let Value::Object(mut t) = first else {
                    return Err(invalid(path, "`tables[0]` is not an object"));
                };
                let cols = get_ci(&t, &["columns", "Columns"])
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let declared = declared_columns(
                    &cols,
                    &["name", "ColumnName"],
                    &["type", "ColumnType", "DataType"],
                );
                let rows = match ["rows", "Rows"].into_iter().find_map(|k| t.remove(k)) {
                    Some(Value::Array(r)) => r,
                    _ => return Err(invalid(path, "`tables[0]` has no `rows` array")),
                };
                let mut data = JsonData {
                    columns: declared.iter().map(|(n, _)| n.clone()).collect(),
                    declared: declared
                        .iter()
                        .filter_map(|(n, t)| t.map(|t| (n.clone(), t)))
                        .collect(),
                    rows: Vec::with_capacity(rows.len()),
                    positions: Vec::with_capacity(rows.len()),
                    positions_are_lines: false,
                    shape: if tk == "tables" {
                        "Log Analytics API {tables}"
                    } else {
                        "ADX v1 {Tables}"
                    },
                    categories: Vec::new(),
                };
                for (i, r) in rows.into_iter().enumerate() {
                    match r {
                        Value::Array(vals) => {
                            if vals.len() != data.columns.len() {
                                return Err(invalid(
                                    path,
                                    format!(
                                        "row {} has {} values, the table has {} columns",
                                        i + 1,
                                        vals.len(),
                                        data.columns.len()
                                    ),
                                ));
                            }
                            data.rows.push(JsonRow::Array(vals));
                            data.positions.push(i + 1);
                        }
                        _ => return Err(invalid(path, format!("row {} is not an array", i + 1))),
                    }
                }
                return Ok(data);
            }
            // A single record.
            from_records(
                path,
                vec![Value::Object(m)],
                Vec::new(),
                "single object",
                table,
            )
        }
        _ => Err(invalid(
            path,
            "expected an array of objects, JSON lines, or an API result object",
        )),
    }
}
