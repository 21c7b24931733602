//! Getting results out: the current result view as CSV or JSON (a new file under the current directory),
//! and a cell to the clipboard with OSC 52 (the terminal sets its clipboard from the escape sequence).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::action::TableData;

/// Export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }
}

/// RFC 4180 CSV: a header row, then the rows; fields with commas, quotes or line breaks are quoted.
pub fn to_csv(t: &TableData) -> String {
    let quote = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    out.push_str(
        &t.columns
            .iter()
            .map(|c| quote(c))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push('\n');
    for r in 0..t.row_count() {
        let cells: Vec<String> = (0..t.columns.len()).map(|c| quote(&t.cell(r, c))).collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out
}

/// A cell as JSON by its column type: numbers and booleans as such, dynamic as the JSON it holds, empty
/// cells as null, everything else (datetimes, timespans, strings, guids) as a string.
fn json_cell(ty: &str, s: &str) -> serde_json::Value {
    use serde_json::Value as J;
    if s.is_empty() && ty != "string" {
        return J::Null;
    }
    match ty {
        "long" | "int" => s
            .parse::<i64>()
            .map(J::from)
            .unwrap_or_else(|_| J::String(s.to_string())),
        "real" | "decimal" => s
            .parse::<f64>()
            .ok()
            .and_then(serde_json::Number::from_f64)
            .map(J::Number)
            .unwrap_or_else(|| J::String(s.to_string())),
        "bool" => match s {
            "true" => J::Bool(true),
            "false" => J::Bool(false),
            _ => J::String(s.to_string()),
        },
        "dynamic" => serde_json::from_str(s).unwrap_or_else(|_| J::String(s.to_string())),
        _ => J::String(s.to_string()),
    }
}

/// The rows as a JSON array of objects (column order kept), pretty-printed.
pub fn to_json(t: &TableData) -> String {
    let rows: Vec<serde_json::Value> = (0..t.row_count())
        .map(|r| {
            let mut m = serde_json::Map::new();
            for (i, c) in t.columns.iter().enumerate() {
                let ty = t.types.get(i).map_or("string", String::as_str);
                m.insert(c.clone(), json_cell(ty, &t.cell(r, i)));
            }
            serde_json::Value::Object(m)
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".to_string());
    s.push('\n');
    s
}

/// The table in `format`.
pub fn render(t: &TableData, format: Format) -> String {
    match format {
        Format::Csv => to_csv(t),
        Format::Json => to_json(t),
    }
}

/// A file-name stem from a breadcrumb: ASCII letters, digits and `-`, at most 40 characters.
pub fn stem(crumb: &str) -> String {
    let mut out = String::from("huntbench-");
    let mut dash = true;
    for c in crumb.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            dash = false;
        } else if !dash {
            out.push('-');
            dash = true;
        }
        if out.len() >= 50 {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

/// Writes `contents` to a new file `stem.ext` in `dir` (`stem-2.ext`, `stem-3.ext` ... when taken); never
/// overwrites. Returns the path written.
pub fn write_new(dir: &Path, stem: &str, ext: &str, contents: &str) -> io::Result<PathBuf> {
    for n in 1..1000 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(mut f) => {
                f.write_all(contents.as_bytes())?;
                return Ok(path);
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{stem}.{ext} and 998 numbered names are taken"),
    ))
}

/// Standard base64 (RFC 4648, with padding).
pub fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The OSC 52 sequence that sets the clipboard to `text` (already sanitised: no control characters).
pub fn osc52(text: &str) -> String {
    format!("\x1b]52;c;{}\x07", base64(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> TableData {
        TableData::from_text_rows(
            vec!["Name".into(), "N".into(), "Set".into(), "T".into()],
            vec![
                "string".into(),
                "long".into(),
                "dynamic".into(),
                "datetime".into(),
            ],
            &[
                vec![
                    "a,\"b\"".into(),
                    "3".into(),
                    "[\"x\",1]".into(),
                    "2024-05-01T00:00:00Z".into(),
                ],
                vec!["".into(), "".into(), "".into(), "".into()],
            ],
        )
    }

    #[test]
    fn csv_quotes_per_rfc4180() {
        assert_eq!(
            to_csv(&table()),
            "Name,N,Set,T\n\"a,\"\"b\"\"\",3,\"[\"\"x\"\",1]\",2024-05-01T00:00:00Z\n,,,\n"
        );
    }

    #[test]
    fn json_types_cells_by_column() {
        let v: serde_json::Value = serde_json::from_str(&to_json(&table())).expect("json");
        assert_eq!(
            v,
            serde_json::json!([
                {"Name": "a,\"b\"", "N": 3, "Set": ["x", 1], "T": "2024-05-01T00:00:00Z"},
                {"Name": "", "N": null, "Set": null, "T": null}
            ])
        );
    }

    #[test]
    fn base64_matches_rfc4648_vectors() {
        // RFC 4648 section 10
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), o);
        }
        assert_eq!(osc52("foo"), "\x1b]52;c;Zm9v\x07");
    }

    #[test]
    fn stems_and_new_files() {
        assert_eq!(stem("DeviceId = dev-a/..\\x"), "huntbench-deviceid-dev-a-x");
        let dir = tempfile::tempdir().expect("tempdir");
        let p1 = write_new(dir.path(), "s", "csv", "1").expect("write");
        let p2 = write_new(dir.path(), "s", "csv", "2").expect("write");
        assert_eq!(p1.file_name().and_then(|f| f.to_str()), Some("s.csv"));
        assert_eq!(p2.file_name().and_then(|f| f.to_str()), Some("s-2.csv"));
        assert_eq!(std::fs::read_to_string(p1).ok().as_deref(), Some("1"));
    }
}
