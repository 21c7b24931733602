//! Loading rules from files and folder trees.

use std::collections::HashSet;
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use super::locate;
use super::model::{DataConnector, QueryStyle, Rule, scalar_string};

/// Files larger than this are not read (no hunting rule comes near it).
pub const MAX_RULE_FILE_BYTES: u64 = 8 * 1024 * 1024;

const NEEDS: &str = "a Sentinel hunting rule needs id, name and query";

/// A file that was meant to be a rule and could not be loaded. `line` and `column` are 1-based; problems with
/// the whole file (unreadable, empty, not text) point at 1:1.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LoadError {
    pub path: PathBuf,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for LoadError {
    /// `file:line:col: message`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.path.display(),
            self.line,
            self.column,
            self.message
        )
    }
}

impl std::error::Error for LoadError {}

/// A file looked at and left out without an error (an extensionless file that is not a rule attempt).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct SkippedFile {
    pub path: PathBuf,
    pub reason: String,
}

/// What loading a path produced. Rules and errors are sorted by path.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadReport {
    pub rules: Vec<Rule>,
    pub errors: Vec<LoadError>,
    pub skipped: Vec<SkippedFile>,
}

impl LoadReport {
    /// Files considered as rules: loaded, failed, or looked at and skipped.
    pub fn files_seen(&self) -> usize {
        self.rules.len() + self.errors.len() + self.skipped.len()
    }
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
    fn sort(&mut self) {
        self.rules.sort_by(|a, b| a.path.cmp(&b.path));
        self.rules.dedup_by(|a, b| a.path == b.path);
        self.errors
            .sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
        self.errors.dedup();
        self.skipped.sort_by(|a, b| a.path.cmp(&b.path));
        self.skipped.dedup();
    }
}

/// Loads a rule file, or every rule under a folder (recursively).
///
/// In folders: `.yaml` / `.yml` files (any case) are rules, and each one either loads or gives a
/// [`LoadError`]. Files without an extension are read too: one that parses as a rule loads; one that does not
/// is an error when it looks like a rule attempt (a top-level `query:` line, or both `id:` and `name:`), and
/// is otherwise skipped (listed in `skipped`). Hidden files and folders (`.name`), `README*` files and files
/// with other extensions are ignored. A path given directly is always treated as a rule file.
/// One bad file never stops the others. Order is deterministic: sorted by path.
pub fn load_path(path: impl AsRef<Path>) -> LoadReport {
    let path = path.as_ref();
    let mut report = LoadReport::default();
    match fs::metadata(path) {
        Err(e) => report
            .errors
            .push(whole_file_error(path, format!("cannot read: {e}"))),
        Ok(md) if md.is_dir() => {
            let mut files = Vec::new();
            let mut visited = HashSet::new();
            walk(path, &mut files, &mut visited, &mut report);
            files.sort();
            for (file, kind) in files {
                load_candidate(&file, kind, &mut report);
            }
        }
        Ok(_) => match load_file(path) {
            Ok(rule) => report.rules.push(rule),
            Err(e) => report.errors.push(e),
        },
    }
    report.sort();
    report
}

/// [`load_path`] over several paths, merged and sorted by path.
pub fn load_paths<P: AsRef<Path>>(paths: &[P]) -> LoadReport {
    let mut all = LoadReport::default();
    for p in paths {
        let r = load_path(p);
        all.rules.extend(r.rules);
        all.errors.extend(r.errors);
        all.skipped.extend(r.skipped);
    }
    all.sort();
    all
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Candidate {
    Yaml,
    Extensionless,
}

fn walk(
    dir: &Path,
    out: &mut Vec<(PathBuf, Candidate)>,
    visited: &mut HashSet<PathBuf>,
    report: &mut LoadReport,
) {
    // Symlinked folders are followed once (a loop would otherwise never end).
    let key = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    if !visited.insert(key) {
        return;
    }
    let entries = match fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            report
                .errors
                .push(whole_file_error(dir, format!("cannot read folder: {e}")));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        let Some(name) = p.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let Ok(md) = fs::metadata(&p) else {
            // A dangling symlink or a file we may not stat: say so if it claims to be a rule.
            if is_yaml_name(&p) {
                report.errors.push(whole_file_error(
                    &p,
                    "cannot read: broken link or no permission".into(),
                ));
            }
            continue;
        };
        if md.is_dir() {
            walk(&p, out, visited, report);
            continue;
        }
        if !md.is_file() || name.to_ascii_lowercase().starts_with("readme") {
            continue;
        }
        if is_yaml_name(&p) {
            out.push((p, Candidate::Yaml));
        } else if p.extension().is_none() {
            out.push((p, Candidate::Extensionless));
        }
    }
}

fn is_yaml_name(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

fn load_candidate(path: &Path, kind: Candidate, report: &mut LoadReport) {
    match kind {
        Candidate::Yaml => match load_file(path) {
            Ok(rule) => report.rules.push(rule),
            Err(e) => report.errors.push(e),
        },
        Candidate::Extensionless => {
            let text = match read_text(path) {
                Ok(t) => t,
                Err(e) => {
                    report.skipped.push(SkippedFile {
                        path: path.to_path_buf(),
                        reason: e.message,
                    });
                    return;
                }
            };
            let attempt = looks_like_rule_attempt(&text);
            match parse_rule(path.to_path_buf(), text) {
                Ok(rule) => report.rules.push(rule),
                Err(e) if attempt => report.errors.push(e),
                Err(_) => report.skipped.push(SkippedFile {
                    path: path.to_path_buf(),
                    reason: "no extension and no top-level `query:` (or `id:` and `name:`) line: not a rule".into(),
                }),
            }
        }
    }
}

/// An extensionless file "looks like a rule attempt" when it has a top-level `query:` line, or both `id:` and
/// `name:` lines.
fn looks_like_rule_attempt(text: &str) -> bool {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (mut id, mut name) = (false, false);
    for line in text.lines() {
        let key = |k: &str| {
            line.strip_prefix(k)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        };
        if key("query") {
            return true;
        }
        id |= key("id");
        name |= key("name");
    }
    id && name
}

/// Reads and parses one rule file.
pub fn load_file(path: impl AsRef<Path>) -> Result<Rule, LoadError> {
    let path = path.as_ref();
    let text = read_text(path)?;
    parse_rule(path.to_path_buf(), text)
}

/// Reads a file as UTF-8 text, refusing binary data, bad UTF-8 and huge files with a clear message.
fn read_text(path: &Path) -> Result<String, LoadError> {
    let md = fs::metadata(path).map_err(|e| whole_file_error(path, format!("cannot read: {e}")))?;
    if md.len() > MAX_RULE_FILE_BYTES {
        return Err(whole_file_error(
            path,
            format!(
                "file too large for a rule ({} bytes; the limit is {MAX_RULE_FILE_BYTES})",
                md.len()
            ),
        ));
    }
    let bytes = fs::read(path).map_err(|e| whole_file_error(path, format!("cannot read: {e}")))?;
    if let Some(nul) = memchr::memchr(0, &bytes) {
        let (line, column) = byte_line_col(&bytes, nul);
        return Err(LoadError {
            path: path.to_path_buf(),
            line,
            column,
            message: "binary data (a NUL byte), not a YAML text file".into(),
        });
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let (line, column) = byte_line_col(e.as_bytes(), at);
        LoadError {
            path: path.to_path_buf(),
            line,
            column,
            message: format!(
                "not UTF-8 text (invalid byte 0x{:02x}); a rule file must be UTF-8 YAML",
                e.as_bytes()[at]
            ),
        }
    })
}

/// 1-based line and column (in characters, counting a bad byte as one) of a byte offset in raw bytes.
fn byte_line_col(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map(|p| p + 1)
        .unwrap_or(0);
    let col = String::from_utf8_lossy(&before[start..]).chars().count() + 1;
    (line, col)
}

fn whole_file_error(path: &Path, message: String) -> LoadError {
    LoadError {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message,
    }
}

/// Parses a rule from its text. `path` is recorded, not read.
pub fn parse_rule(path: PathBuf, raw: String) -> Result<Rule, LoadError> {
    let err = |line: usize, column: usize, message: String| LoadError {
        path: path.clone(),
        line,
        column,
        message,
    };
    let value: Value = match serde_yaml::from_str(&raw) {
        Ok(v) => v,
        Err(e) => {
            let (line, column, message) = yaml_error_position(&raw, &e);
            return Err(err(line, column, message));
        }
    };
    let (start_line, start_col) = document_start(&raw);
    let doc: Mapping = match value {
        Value::Mapping(m) => m,
        Value::Null => {
            return Err(err(
                start_line,
                start_col,
                format!("empty file: no YAML content; {NEEDS}"),
            ));
        }
        other => {
            return Err(err(
                start_line,
                start_col,
                format!(
                    "not a rule: the document is {}, not a mapping of fields; {NEEDS}",
                    value_kind(&other)
                ),
            ));
        }
    };
    let lines = locate::split_lines(&raw);
    let key_pos = |key: &str| -> (usize, usize) {
        match locate::find_top_level_key(&raw, &lines, key) {
            Some(k) => {
                let col = raw[lines[k.line].text.clone()]
                    .trim_start_matches('\u{feff}')
                    .len()
                    - raw[lines[k.line].text.clone()]
                        .trim_start_matches(['\u{feff}', ' '])
                        .len();
                (k.line + 1, col + 1)
            }
            None => (start_line, start_col),
        }
    };
    let query = match doc.get("query") {
        None => {
            return Err(err(
                start_line,
                start_col,
                format!("no `query` field; {NEEDS}"),
            ));
        }
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) => {
            let (l, c) = key_pos("query");
            return Err(err(
                l,
                c,
                "`query` is empty; it must hold the KQL text".into(),
            ));
        }
        Some(other) => {
            let (l, c) = key_pos("query");
            return Err(err(
                l,
                c,
                format!("`query` must be text (KQL), not {}", value_kind(other)),
            ));
        }
    };

    let mut warnings = Vec::new();
    let text_field = |key: &str, warnings: &mut Vec<String>| -> Option<String> {
        match doc.get(key) {
            None => None,
            Some(Value::Null) => None,
            Some(v) => match scalar_string(v) {
                Some(s) => Some(s),
                None => {
                    warnings.push(format!(
                        "`{key}` is {}, expected text; ignored",
                        value_kind(v)
                    ));
                    None
                }
            },
        }
    };
    let id = text_field("id", &mut warnings);
    let name = text_field("name", &mut warnings);
    let description = text_field("description", &mut warnings);
    if id.is_none() {
        warnings.push("no `id` field".into());
    }
    if name.is_none() {
        warnings.push("no `name` field".into());
    }
    let tactics = string_list(doc.get("tactics"), "tactics", &mut warnings);
    let relevant_techniques = string_list(
        doc.get("relevantTechniques"),
        "relevantTechniques",
        &mut warnings,
    );
    let required_data_connectors = connectors(doc.get("requiredDataConnectors"), &mut warnings);

    let located = locate::locate_query(&raw, &query);
    let (query_line, query_column, query_style) = match &located {
        Some(l) => (l.query_line, l.query_column, l.style),
        None => (key_pos("query").0, 1, QueryStyle::Unknown),
    };
    Ok(Rule {
        path,
        raw,
        doc,
        id,
        name,
        description,
        required_data_connectors,
        tactics,
        relevant_techniques,
        query,
        query_line,
        query_column,
        query_style,
        warnings,
        located,
    })
}

/// A list field that may also be written as one string ("A, B" is split on commas) or left empty.
fn string_list(v: Option<&Value>, key: &str, warnings: &mut Vec<String>) -> Vec<String> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Sequence(items)) => {
            let mut out = Vec::new();
            for item in items {
                match scalar_string(item) {
                    Some(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                    Some(_) => {}
                    None => warnings.push(format!(
                        "`{key}` has an item that is {}; ignored",
                        value_kind(item)
                    )),
                }
            }
            out
        }
        Some(v) => match scalar_string(v) {
            Some(s) => s
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
            None => {
                warnings.push(format!(
                    "`{key}` is {}, expected a list; ignored",
                    value_kind(v)
                ));
                Vec::new()
            }
        },
    }
}

fn connectors(v: Option<&Value>, warnings: &mut Vec<String>) -> Vec<DataConnector> {
    let items = match v {
        None | Some(Value::Null) => return Vec::new(),
        Some(Value::Sequence(items)) => items,
        Some(other) => {
            warnings.push(format!(
                "`requiredDataConnectors` is {}, expected a list; ignored",
                value_kind(other)
            ));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for item in items {
        let Value::Mapping(m) = item else {
            warnings.push(format!(
                "`requiredDataConnectors` has an item that is {}; ignored",
                value_kind(item)
            ));
            continue;
        };
        let connector_id = m.get("connectorId").and_then(scalar_string);
        let data_types = string_list(
            m.get("dataTypes"),
            "requiredDataConnectors[].dataTypes",
            warnings,
        );
        out.push(DataConnector {
            connector_id,
            data_types,
        });
    }
    out
}

fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// Line and column of the document's first content (after blank lines, comments, directives and `---`).
fn document_start(raw: &str) -> (usize, usize) {
    for (i, line) in raw.lines().enumerate() {
        let line = if i == 0 {
            line.trim_start_matches('\u{feff}')
        } else {
            line
        };
        let t = line.trim_start_matches([' ', '\t']);
        if t.is_empty() || t.starts_with('#') || t.starts_with('%') || t == "---" {
            continue;
        }
        return (i + 1, line.len() - t.len() + 1);
    }
    (1, 1)
}

/// Where a serde_yaml error is, and its message without the position it repeats.
fn yaml_error_position(raw: &str, e: &serde_yaml::Error) -> (usize, usize, String) {
    let mut message = e.to_string();
    if let Some(loc) = e.location() {
        let suffix = format!(" at line {} column {}", loc.line(), loc.column());
        if let Some(p) = message.find(&suffix) {
            message.replace_range(p..p + suffix.len(), "");
        }
        // libyaml reports some reader errors ("control characters are not allowed at position N") at 1:1 with
        // the real place as a character position in the message.
        if let Some(pos) = message
            .rsplit_once("at position ")
            .and_then(|(_, n)| n.trim().parse::<usize>().ok())
        {
            let byte = raw
                .char_indices()
                .nth(pos)
                .map(|(b, _)| b)
                .unwrap_or(raw.len());
            let (l, c) = text_line_col(raw, byte);
            return (l, c, message);
        }
        return (loc.line(), loc.column(), message);
    }
    if message.contains("more than one document") {
        // Point at the second document's start.
        let mut seen_content = false;
        for (i, line) in raw.lines().enumerate() {
            let t = line.trim_end();
            if t == "---" || t.starts_with("--- ") {
                if seen_content {
                    return (
                        i + 1,
                        1,
                        "more than one YAML document in the file; a rule file holds one".into(),
                    );
                }
            } else if !t.trim_start().is_empty() && !t.trim_start().starts_with('#') {
                seen_content = true;
            }
        }
    }
    let (l, c) = document_start(raw);
    (l, c, message)
}

/// 1-based line and column (in characters) of a byte offset in text.
fn text_line_col(text: &str, byte: usize) -> (usize, usize) {
    let mut b = byte.min(text.len());
    while b > 0 && !text.is_char_boundary(b) {
        b -= 1;
    }
    let before = &text[..b];
    let line = before.matches('\n').count() + 1;
    let col = before
        .rsplit('\n')
        .next()
        .map(|s| s.chars().count())
        .unwrap_or(0)
        + 1;
    (line, col)
}
