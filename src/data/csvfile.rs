//! A streaming RFC 4180 reader that validates a CSV file before polars reads it (field counts, quoting,
//! UTF-8), counts its rows, infers column types and checks typed values, with line numbers for every
//! problem; and the quoting rule for writing CSV.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::data::convert::{Inference, text_is_valid_with};
use crate::data::error::DataError;
use crate::data::time::{DateOrderEvidence, TimeOptions};
use crate::kql::ScalarType;

/// Appends `s` to `out` as one CSV field, quoted when it holds a separator, a quote, a line break or
/// leading/trailing spaces (RFC 4180: quotes doubled inside).
pub fn write_field(out: &mut String, s: &str) {
    let needs = s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
        || s.starts_with(' ')
        || s.ends_with(' ');
    if needs {
        out.push('"');
        for ch in s.chars() {
            if ch == '"' {
                out.push('"');
            }
            out.push(ch);
        }
        out.push('"');
    } else {
        out.push_str(s);
    }
}

/// Where a record starts, and why parsing failed.
#[derive(Debug)]
struct ParseError {
    line: usize,
    message: String,
}

/// Reads records one at a time from a byte stream.
struct RecordReader<R: Read> {
    src: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    /// The current physical line (1-based).
    line: usize,
    eof: bool,
    /// Input that polars' CSV reader does not read as RFC 4180 does: blank lines (polars reads them as rows
    /// of nulls), a `"` inside an unquoted field, line breaks that are a lone CR.
    quirks: bool,
}

enum State {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

impl<R: Read> RecordReader<R> {
    fn new(src: R) -> Self {
        Self::with_buffer(src, 1 << 16)
    }

    fn with_buffer(src: R, size: usize) -> Self {
        RecordReader {
            src,
            buf: vec![0; size.max(1)],
            pos: 0,
            len: 0,
            line: 1,
            eof: false,
            quirks: false,
        }
    }

    fn fill(&mut self) -> std::io::Result<bool> {
        if self.pos < self.len {
            return Ok(true);
        }
        if self.eof {
            return Ok(false);
        }
        loop {
            match self.src.read(&mut self.buf) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.pos = 0;
                    self.len = n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn peek_byte(&mut self) -> std::io::Result<Option<u8>> {
        if !self.fill()? {
            return Ok(None);
        }
        Ok(Some(self.buf[self.pos]))
    }

    /// Ends a record at a line break whose first byte (`\n` or `\r`) was just consumed.
    fn end_line(&mut self, b: u8) -> std::io::Result<()> {
        if b == b'\r' {
            if self.peek_byte()? == Some(b'\n') {
                self.pos += 1;
            } else {
                self.quirks = true;
            }
        }
        self.line += 1;
        Ok(())
    }

    /// Reads the next record into `fields` (reusing its buffers) and returns the line it starts on, or
    /// `None` at the end of the input. Blank lines are skipped. Runs of ordinary bytes are copied in bulk.
    fn next_record(
        &mut self,
        fields: &mut Fields,
    ) -> Result<Option<usize>, Result<ParseError, std::io::Error>> {
        loop {
            fields.clear();
            let start = self.line;
            let mut state = State::FieldStart;
            let mut quote_line = start;
            let mut seen_any = false;
            let mut quoted_any = false;
            loop {
                if !self.fill().map_err(Err)? {
                    if let State::Quoted = state {
                        return Err(Ok(ParseError {
                            line: quote_line,
                            message:
                                "unterminated quoted field (a `\"` opened here is never closed)"
                                    .into(),
                        }));
                    }
                    if !seen_any {
                        return Ok(None);
                    }
                    break;
                }
                seen_any = true;
                match state {
                    State::FieldStart | State::Unquoted => {
                        if matches!(state, State::FieldStart) && self.buf[self.pos] == b'"' {
                            self.pos += 1;
                            state = State::Quoted;
                            quoted_any = true;
                            quote_line = self.line;
                            continue;
                        }
                        let chunk = &self.buf[self.pos..self.len];
                        let stop = memchr::memchr3(b',', b'\n', b'\r', chunk);
                        let run = &chunk[..stop.unwrap_or(chunk.len())];
                        if memchr::memchr(b'"', run).is_some() {
                            self.quirks = true;
                        }
                        fields.extend(run);
                        state = State::Unquoted;
                        match stop {
                            None => self.pos = self.len,
                            Some(k) => {
                                let b = chunk[k];
                                self.pos += k + 1;
                                if b == b',' {
                                    fields.end_field();
                                    state = State::FieldStart;
                                } else {
                                    self.end_line(b).map_err(Err)?;
                                    break;
                                }
                            }
                        }
                    }
                    State::Quoted => {
                        let chunk = &self.buf[self.pos..self.len];
                        let stop = memchr::memchr(b'"', chunk);
                        let run = &chunk[..stop.unwrap_or(chunk.len())];
                        self.line += memchr::memchr_iter(b'\n', run).count();
                        fields.extend(run);
                        match stop {
                            None => self.pos = self.len,
                            Some(k) => {
                                self.pos += k + 1;
                                state = State::QuoteInQuoted;
                            }
                        }
                    }
                    State::QuoteInQuoted => {
                        let b = self.buf[self.pos];
                        self.pos += 1;
                        match b {
                            b'"' => {
                                fields.push(b'"');
                                state = State::Quoted;
                            }
                            b',' => {
                                fields.end_field();
                                state = State::FieldStart;
                            }
                            b'\n' | b'\r' => {
                                self.end_line(b).map_err(Err)?;
                                break;
                            }
                            other => {
                                return Err(Ok(ParseError {
                                    line: self.line,
                                    message: format!(
                                        "malformed quoting: `{}` right after the closing quote of a field (a quote inside a quoted field must be doubled)",
                                        char::from(other).escape_default()
                                    ),
                                }));
                            }
                        }
                    }
                }
            }
            fields.end_field();
            if fields.count() == 1 && fields.get(0).is_empty() && !quoted_any {
                self.quirks = true;
                continue; // a blank line
            }
            return Ok(Some(start));
        }
    }
}

/// Reusable field buffers of one record.
#[derive(Default)]
struct Fields {
    bufs: Vec<Vec<u8>>,
    n: usize,
    current: Vec<u8>,
}

impl Fields {
    fn clear(&mut self) {
        self.n = 0;
        self.current.clear();
    }
    fn push(&mut self, b: u8) {
        self.current.push(b);
    }
    fn extend(&mut self, bytes: &[u8]) {
        self.current.extend_from_slice(bytes);
    }
    fn end_field(&mut self) {
        if self.bufs.len() <= self.n {
            self.bufs.push(Vec::new());
        }
        std::mem::swap(&mut self.bufs[self.n], &mut self.current);
        self.current.clear();
        self.n += 1;
    }
    fn count(&self) -> usize {
        self.n
    }
    fn get(&self, i: usize) -> &[u8] {
        &self.bufs[i]
    }
}

/// What to do with a column's values during the validation pass.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ColumnCheck {
    /// Nothing (string columns).
    Skip,
    /// Check that every non-empty value reads as this type.
    Validate(ScalarType),
    /// Infer the type from the values.
    Infer,
}

/// Values that could not be read, for warnings.
#[derive(Clone, Debug, Default)]
pub struct BadValues {
    pub count: usize,
    /// The first few: (line, value).
    pub samples: Vec<(usize, String)>,
}

/// The result of a validation pass.
#[derive(Debug)]
pub struct CsvInfo {
    /// Column names as written in the header (UTF-8 BOM removed).
    pub header: Vec<String>,
    pub rows: usize,
    /// Per column: the inferred type (for `Infer` columns).
    pub inferred: Vec<Option<ScalarType>>,
    /// Per column: unreadable values (for `Validate` columns).
    pub bad: Vec<BadValues>,
    /// Whether polars' CSV reader reads the file exactly as this reader does (see `RecordReader::quirks`).
    pub polars_compatible: bool,
    /// Per column: what its numeric locale dates say about day/month order (datetime and inferred columns).
    pub date_order: Vec<DateOrderEvidence>,
    /// Whether every record was read (else `rows` and the rest are of the first records only).
    pub complete: bool,
}

const MAX_SAMPLES: usize = 3;

fn io_err(path: &Path, e: std::io::Error) -> DataError {
    DataError::Io {
        path: path.display().to_string(),
        source: e,
    }
}

fn malformed(path: &Path, e: ParseError) -> DataError {
    DataError::Malformed {
        path: path.display().to_string(),
        line: e.line,
        message: e.message,
    }
}

/// A record (starting on `line`) with `fields` fields where the header has `width`.
pub fn width_error(path: &Path, line: usize, fields: usize, width: usize) -> DataError {
    DataError::Malformed {
        path: path.display().to_string(),
        line,
        message: format!(
            "row has {fields} field{}, the header has {width} (an unquoted `,` or a missing field?)",
            if fields == 1 { "" } else { "s" }
        ),
    }
}

/// Reads and validates a whole CSV file. `checks` receives the header and says what to do per column.
pub fn scan_csv(
    path: &Path,
    opts: TimeOptions,
    checks: impl FnOnce(&[String]) -> Vec<ColumnCheck>,
) -> Result<CsvInfo, DataError> {
    scan_csv_head(path, opts, usize::MAX, checks)
}

/// [`scan_csv`] over the first `limit` records only (the header and a sample of the values).
pub fn scan_csv_head(
    path: &Path,
    opts: TimeOptions,
    limit: usize,
    checks: impl FnOnce(&[String]) -> Vec<ColumnCheck>,
) -> Result<CsvInfo, DataError> {
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    let mut reader = RecordReader::new(BufReader::new(file));
    // A UTF-8 byte order mark.
    if reader.fill().map_err(|e| io_err(path, e))?
        && reader.buf[..reader.len].starts_with(&[0xEF, 0xBB, 0xBF])
    {
        reader.pos = 3;
    }
    let mut fields = Fields::default();
    let map_err = |e: Result<ParseError, std::io::Error>| match e {
        Ok(p) => malformed(path, p),
        Err(io) => io_err(path, io),
    };
    let header_line = match reader.next_record(&mut fields).map_err(map_err)? {
        Some(l) => l,
        None => return Err(DataError::EmptyFile(path.display().to_string())),
    };
    let mut header = Vec::with_capacity(fields.count());
    for i in 0..fields.count() {
        let name = std::str::from_utf8(fields.get(i)).map_err(|_| DataError::Malformed {
            path: path.display().to_string(),
            line: header_line,
            message: format!("header field {} is not valid UTF-8", i + 1),
        })?;
        header.push(name.to_string());
    }
    let checks = checks(&header);
    let width = header.len();
    let mut inference: Vec<Option<Inference>> = checks
        .iter()
        .map(|c| (*c == ColumnCheck::Infer).then(Inference::default))
        .collect();
    let mut bad = vec![BadValues::default(); width];
    let mut date_order = vec![DateOrderEvidence::default(); width];
    let mut rows = 0usize;
    let mut complete = true;
    while let Some(line) = reader.next_record(&mut fields).map_err(map_err)? {
        if rows == limit {
            complete = false;
            break;
        }
        if fields.count() != width {
            return Err(width_error(path, line, fields.count(), width));
        }
        rows += 1;
        for i in 0..width {
            let raw = fields.get(i);
            let text = match std::str::from_utf8(raw) {
                Ok(t) => t,
                Err(_) => {
                    return Err(DataError::Malformed {
                        path: path.display().to_string(),
                        line,
                        message: format!(
                            "field {} (column {}) is not valid UTF-8",
                            i + 1,
                            header[i]
                        ),
                    });
                }
            };
            match checks.get(i).copied().unwrap_or(ColumnCheck::Skip) {
                ColumnCheck::Skip => {}
                ColumnCheck::Validate(ty) => {
                    if ty == ScalarType::DateTime {
                        date_order[i].see(line, text);
                    }
                    if !text.is_empty() && !text_is_valid_with(ty, text, opts) {
                        let b = &mut bad[i];
                        b.count += 1;
                        if b.samples.len() < MAX_SAMPLES {
                            b.samples.push((line, text.to_string()));
                        }
                    }
                }
                ColumnCheck::Infer => {
                    date_order[i].see(line, text);
                    if let Some(inf) = inference[i].as_mut()
                        && inf.open()
                    {
                        inf.see(text);
                    }
                }
            }
        }
    }
    let inferred = inference
        .into_iter()
        .map(|i| i.map(|i| i.result()))
        .collect();
    Ok(CsvInfo {
        header,
        rows,
        inferred,
        bad,
        polars_compatible: !reader.quirks,
        date_order,
        complete,
    })
}

/// The text of some columns of a CSV file ([`read_text_columns`]).
pub struct TextColumns {
    /// Per wanted column, per record: the field (`None` when empty).
    pub columns: Vec<Vec<Option<String>>>,
    /// Per record: the line it starts on.
    pub lines: Vec<usize>,
}

/// Reads the text of some columns (by position) of a CSV file, checking that every record has as many fields
/// as the header (else the error of [`scan_csv`]).
pub fn read_text_columns(path: &Path, wanted: &[usize]) -> Result<TextColumns, DataError> {
    let file = File::open(path).map_err(|e| io_err(path, e))?;
    let mut reader = RecordReader::new(BufReader::new(file));
    if reader.fill().map_err(|e| io_err(path, e))?
        && reader.buf[..reader.len].starts_with(&[0xEF, 0xBB, 0xBF])
    {
        reader.pos = 3;
    }
    let mut fields = Fields::default();
    let map_err = |e: Result<ParseError, std::io::Error>| match e {
        Ok(p) => malformed(path, p),
        Err(io) => io_err(path, io),
    };
    let mut out = TextColumns {
        columns: vec![Vec::new(); wanted.len()],
        lines: Vec::new(),
    };
    let mut header: Option<Vec<String>> = None;
    while let Some(line) = reader.next_record(&mut fields).map_err(map_err)? {
        let Some(names) = &header else {
            let names: Vec<String> = (0..fields.count())
                .map(|i| String::from_utf8_lossy(fields.get(i)).into_owned())
                .collect();
            if wanted.iter().any(|&i| i >= names.len()) {
                return Err(DataError::Malformed {
                    path: path.display().to_string(),
                    line,
                    message: "the header has fewer fields than when the file was opened (open the folder again)"
                        .into(),
                });
            }
            header = Some(names);
            continue;
        };
        if fields.count() != names.len() {
            return Err(width_error(path, line, fields.count(), names.len()));
        }
        out.lines.push(line);
        for (k, &i) in wanted.iter().enumerate() {
            let raw = fields.get(i);
            let text = std::str::from_utf8(raw).map_err(|_| DataError::Malformed {
                path: path.display().to_string(),
                line,
                message: format!("field {} (column {}) is not valid UTF-8", i + 1, names[i]),
            })?;
            out.columns[k].push((!text.is_empty()).then(|| text.to_string()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
        let whole = records_with(text, 1 << 16);
        // Any buffer size reads the same records (runs that straddle a refill, `\r\n` split in two).
        for size in [1, 2, 3, 5, 8] {
            assert_eq!(records_with(text, size), whole, "buffer of {size}");
        }
        whole
    }

    fn records_with(text: &str, size: usize) -> Result<Vec<(usize, Vec<String>)>, String> {
        let mut r = RecordReader::with_buffer(text.as_bytes(), size);
        let mut f = Fields::default();
        let mut out = Vec::new();
        loop {
            match r.next_record(&mut f) {
                Ok(Some(line)) => out.push((
                    line,
                    (0..f.count())
                        .map(|i| String::from_utf8_lossy(f.get(i)).into_owned())
                        .collect(),
                )),
                Ok(None) => return Ok(out),
                Err(Ok(e)) => return Err(format!("{}: {}", e.line, e.message)),
                Err(Err(e)) => return Err(e.to_string()),
            }
        }
    }

    #[test]
    fn rfc4180() {
        let recs = records(
            "a,b,c\r\n1,\"x, y\",\"he said \"\"hi\"\"\"\r\n2,\"multi\nline\",\r\n\r\n3,,\"\"",
        )
        .unwrap();
        assert_eq!(recs.len(), 4);
        assert_eq!(
            recs[1],
            (2, vec!["1".into(), "x, y".into(), "he said \"hi\"".into()])
        );
        assert_eq!(
            recs[2],
            (3, vec!["2".into(), "multi\nline".into(), "".into()])
        );
        assert_eq!(recs[3], (6, vec!["3".into(), "".into(), "".into()]));
    }

    #[test]
    fn bad_quotes() {
        let e = records("a,b\n1,\"open\n2,3\n").unwrap_err();
        assert!(e.starts_with("2: unterminated"), "{e}");
        let e = records("a,b\n1,\"x\"y\n").unwrap_err();
        assert!(e.starts_with("2: malformed quoting"), "{e}");
    }

    #[test]
    fn writes_quoted_fields() {
        let mut s = String::new();
        for (i, v) in [
            "plain",
            "Zoom Video Communications, Inc.",
            "say \"x\"",
            "two\nlines",
            "",
        ]
        .iter()
        .enumerate()
        {
            if i > 0 {
                s.push(',');
            }
            write_field(&mut s, v);
        }
        assert_eq!(
            s,
            "plain,\"Zoom Video Communications, Inc.\",\"say \"\"x\"\"\",\"two\nlines\","
        );
        let back = records(&format!("a,b,c,d,e\n{s}\n")).unwrap();
        assert_eq!(
            back[1].1,
            vec![
                "plain",
                "Zoom Video Communications, Inc.",
                "say \"x\"",
                "two\nlines",
                ""
            ]
        );
    }
}
