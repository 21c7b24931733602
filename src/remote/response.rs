//! Service responses to results: the JSON is read by the export reader ([`jsonfile::read_json_value`]),
//! then typed into the engine's frame representation. Also finds the services' partial-result markers.

use std::path::Path;

use polars::prelude::*;
use serde_json::Value as J;

use crate::config::Kind;
use crate::data::convert::{self, Cell};
use crate::data::jsonfile::{self, JsonRow};
use crate::kql::ScalarType;

/// Defender XDR (and Graph) advanced hunting returns at most this many rows.
pub const DEFENDER_ROW_LIMIT: usize = 100_000;

/// A parsed response: columns, frame, and what the service said about it.
pub struct Parsed {
    pub columns: Vec<(String, ScalarType)>,
    pub frame: DataFrame,
    pub truncated: bool,
    pub warnings: Vec<String>,
}

/// The error message of an error body (`{"error":{"message":..}}` in all four services).
pub fn error_message(body: &str) -> Option<String> {
    error_message_of(&serde_json::from_str(body).ok()?)
}

/// The error message of a parsed answer's `error` member.
fn error_message_of(v: &J) -> Option<String> {
    let e = v.get("error")?;
    if let Some(s) = e.as_str() {
        return Some(s.to_string());
    }
    let mut msg = e
        .get("message")
        .or_else(|| e.get("@message"))
        .and_then(J::as_str)?
        .to_string();
    // Log Analytics nests the useful part: innererror.message / innererror.innererror.message.
    let mut inner = e.get("innererror");
    while let Some(i) = inner {
        if let Some(m) = i.get("message").and_then(J::as_str)
            && !msg.contains(m)
        {
            msg.push_str(": ");
            msg.push_str(m);
        }
        inner = i.get("innererror");
    }
    Some(msg)
}

/// Partial-result markers: Log Analytics' `error` object beside `tables` (code `PartialError`), ADX's
/// QueryStatus table rows of severity Error or Warning.
fn markers(kind: Kind, v: &J) -> (bool, Vec<String>) {
    let mut truncated = false;
    let mut warnings = Vec::new();
    if let Some(e) = v.get("error").filter(|e| e.is_object()) {
        let code = e.get("code").and_then(J::as_str).unwrap_or("error");
        let msg = error_message_of(v).unwrap_or_default();
        truncated = true;
        warnings.push(format!(
            "the result was truncated by the service ({code}): {msg}"
        ));
    }
    if kind == Kind::Adx
        && let Some(tables) = v.get("Tables").and_then(J::as_array)
    {
        for t in tables.iter().skip(1) {
            let Some(cols) = t.get("Columns").and_then(J::as_array) else {
                continue;
            };
            let idx = |name: &str| {
                cols.iter()
                    .position(|c| c.get("ColumnName").and_then(J::as_str) == Some(name))
            };
            let (Some(sev), Some(desc)) = (idx("Severity"), idx("StatusDescription")) else {
                continue;
            };
            for r in t.get("Rows").and_then(J::as_array).into_iter().flatten() {
                let s = r.get(sev).and_then(J::as_i64).unwrap_or(4);
                let d = r.get(desc).and_then(J::as_str).unwrap_or("");
                if s <= 3 {
                    truncated = true;
                    warnings.push(format!("the result was truncated by the service: {d}"));
                }
            }
        }
    }
    (truncated, warnings)
}

/// Reads a 200 response body of `kind` into a typed frame. `origin` names the service in errors.
pub fn parse(kind: Kind, body: &str, origin: &str) -> Result<Parsed, String> {
    let v: J = serde_json::from_str(body).map_err(|e| {
        format!(
            "{origin}: the service's answer is not valid JSON (line {}, column {}: {}); the response may have been cut off",
            e.line(),
            e.column(),
            e
        )
    })?;
    let (mut truncated, mut warnings) = markers(kind, &v);
    let has_result = v.get("tables").or(v.get("Tables")).is_some()
        || v.get("Results").or(v.get("results")).is_some();
    if !has_result {
        if let Some(m) = error_message_of(&v) {
            return Err(format!("{origin}: the service reports an error: {m}"));
        }
        return Err(format!(
            "{origin}: the answer has no result table (expected {})",
            match kind {
                Kind::LogAnalytics => "{tables:[...]}",
                Kind::Adx => "{Tables:[...]}",
                Kind::Defender => "{Schema, Results}",
                Kind::Graph => "{schema, results}",
            }
        ));
    }
    let data = jsonfile::read_json_value(Path::new(origin), v).map_err(|e| e.to_string())?;
    if matches!(kind, Kind::Defender | Kind::Graph) && data.rows.len() >= DEFENDER_ROW_LIMIT {
        truncated = true;
        warnings.push(format!(
            "the result may be truncated by the service: advanced hunting returns at most {DEFENDER_ROW_LIMIT} rows"
        ));
    }
    // Types: as declared, else from the values.
    let mut columns = Vec::with_capacity(data.columns.len());
    for (i, name) in data.columns.iter().enumerate() {
        let ty = data
            .declared
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| *t)
            .unwrap_or_else(|| {
                data.rows
                    .iter()
                    .filter_map(|r| r.get(name, Some(i)))
                    .fold(None, |acc, v| {
                        convert::merge_types(acc, convert::json_value_type(v))
                    })
                    .unwrap_or(ScalarType::String)
            });
        columns.push((name.clone(), ty));
    }
    let mut unreadable = 0usize;
    let mut cols = Vec::with_capacity(columns.len());
    for (i, (name, ty)) in columns.iter().enumerate() {
        let cells: Vec<Cell> = data
            .rows
            .iter()
            .map(|r: &JsonRow| {
                let v = r.get(name, Some(i)).unwrap_or(&J::Null);
                convert::json_cell(*ty, v).unwrap_or_else(|_| {
                    unreadable += 1;
                    Cell::Null
                })
            })
            .collect();
        cols.push(convert::cells_to_column(name, *ty, cells));
    }
    if unreadable > 0 {
        warnings.push(format!(
            "{unreadable} values in the answer could not be read as their column's type (read as null)"
        ));
    }
    let frame = DataFrame::new(data.rows.len(), cols)
        .map_err(|e| format!("{origin}: cannot build the result: {e}"))?;
    Ok(Parsed {
        columns,
        frame,
        truncated,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_analytics_shape() {
        // The documented shape (EXPORTS.md section 4).
        let body = r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"TimeGenerated","type":"datetime"},{"name":"DeviceId","type":"string"},{"name":"ReportId","type":"long"},{"name":"AdditionalFields","type":"dynamic"}],"rows":[["2024-05-01T12:34:56.789Z","2f1c",48213,"{\"Command\":\"Get-Process\"}"]]}]}"#;
        let p = parse(Kind::LogAnalytics, body, "test").expect("parses");
        assert_eq!(
            p.columns.iter().map(|(_, t)| *t).collect::<Vec<_>>(),
            vec![
                ScalarType::DateTime,
                ScalarType::String,
                ScalarType::Long,
                ScalarType::Dynamic
            ]
        );
        assert_eq!(p.frame.height(), 1);
        assert!(!p.truncated);
        let ts = p.frame.column("TimeGenerated").expect("col");
        // 2024-05-01T12:34:56.789Z in ticks since the epoch
        assert_eq!(
            ts.i64().expect("i64").get(0),
            Some(1_714_566_896_789 * 10_000)
        );
    }

    #[test]
    fn partial_error_is_truncation() {
        let body = r#"{"tables":[{"name":"PrimaryResult","columns":[{"name":"x","type":"long"}],"rows":[[1]]}],"error":{"code":"PartialError","message":"There were some errors when processing your query.","innererror":{"code":"EngineError","message":"Query result set has exceeded the internal data size limit"}}}"#;
        let p = parse(Kind::LogAnalytics, body, "test").expect("parses");
        assert!(p.truncated);
        assert!(
            p.warnings[0].contains("truncated by the service (PartialError)")
                && p.warnings[0].contains("data size limit"),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn defender_and_graph_shapes() {
        let body = r#"{"Stats":{},"Schema":[{"Name":"Timestamp","Type":"DateTime"},{"Name":"FileName","Type":"String"}],"Results":[{"Timestamp":"2020-08-30T06:38:35.7664356Z","FileName":"conhost.exe"}]}"#;
        let p = parse(Kind::Defender, body, "t").expect("parses");
        assert_eq!(p.columns[0].1, ScalarType::DateTime);
        let body = r#"{"@odata.context":"x","schema":[{"name":"FileName","type":"String"}],"results":[{"FileName":"cmd.exe"}]}"#;
        let p = parse(Kind::Graph, body, "t").expect("parses");
        assert_eq!(p.frame.height(), 1);
    }

    #[test]
    fn adx_query_status() {
        let body = r#"{"Tables":[{"TableName":"Table_0","Columns":[{"ColumnName":"n","DataType":"Int64","ColumnType":"long"}],"Rows":[[1]]},{"TableName":"Table_1","Columns":[{"ColumnName":"Severity","ColumnType":"int"},{"ColumnName":"StatusDescription","ColumnType":"string"}],"Rows":[[2,"Query result set has exceeded the internal record count limit 500000 (E_QUERY_RESULT_SET_TOO_LARGE)"]]}]}"#;
        let p = parse(Kind::Adx, body, "t").expect("parses");
        assert!(p.truncated);
        assert!(p.warnings[0].contains("E_QUERY_RESULT_SET_TOO_LARGE"));
    }

    #[test]
    fn malformed_and_errors() {
        let e = parse(Kind::LogAnalytics, r#"{"tables":[{"#, "svc")
            .err()
            .expect("error");
        assert!(e.contains("not valid JSON"), "{e}");
        let e = parse(
            Kind::Defender,
            r#"{"error":{"code":"BadRequest","message":"Syntax error"}}"#,
            "svc",
        )
        .err()
        .expect("error");
        assert!(e.contains("Syntax error"), "{e}");
    }
}
