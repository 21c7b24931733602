//! The rule model: one Sentinel hunting-rule YAML file, every field kept.

use std::path::{Path, PathBuf};

use serde_yaml::{Mapping, Value};

use super::locate::{self, Located};

/// How the `query` value is written in the file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum QueryStyle {
    /// `query: |` (with or without indicators): line N of the query is line `query_line + N - 1` of the file.
    Literal,
    /// `query: >`: lines are folded, so line numbers only approximate.
    Folded,
    /// A plain scalar (`query: T | take 1`).
    Plain,
    SingleQuoted,
    DoubleQuoted,
    /// Something the scanner does not follow (tags, anchors, a literal block whose layout does not decode to
    /// the parsed value). `query_line` is a best guess.
    Unknown,
}

/// An entry of `requiredDataConnectors`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DataConnector {
    pub connector_id: Option<String>,
    pub data_types: Vec<String>,
}

/// A Sentinel / Defender XDR hunting rule loaded from a YAML file.
///
/// `doc` holds every top-level field in file order (entityMappings, tags, version, kind, severity, ...); the
/// typed fields are the common ones, read from `doc`. Fields that are absent or of an unusable shape are `None`
/// / empty, with a note in `warnings`. Only `query` is required.
#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub path: PathBuf,
    /// The file's text, exactly as read (byte order mark and line ends included).
    pub raw: String,
    pub doc: Mapping,
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub required_data_connectors: Vec<DataConnector>,
    /// `tactics`: a list, or a single string (split on commas), as a list.
    pub tactics: Vec<String>,
    /// `relevantTechniques`, same shapes as `tactics`.
    pub relevant_techniques: Vec<String>,
    /// The KQL text as YAML yields it (line ends are `\n`; a literal block keeps its final newline).
    pub query: String,
    /// 1-based line in the file where the query text starts: a KQL position on query line L is on file line
    /// `query_line + L - 1` (exact for [`QueryStyle::Literal`], see [`Rule::file_position`]).
    pub query_line: usize,
    /// 1-based column in the file where the query's lines start (a literal block's indentation + 1).
    pub query_column: usize,
    pub query_style: QueryStyle,
    /// Things worth telling the user that do not stop the rule from loading (no `id`, odd `tactics` ...).
    pub warnings: Vec<String>,
    pub(crate) located: Option<Located>,
}

impl Rule {
    /// The value of a top-level field.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.doc.get(key)
    }

    /// A top-level field as text, when it is a string, number or boolean.
    pub fn get_str(&self, key: &str) -> Option<String> {
        self.get(key).and_then(scalar_string)
    }

    /// Top-level field names in file order.
    pub fn keys(&self) -> Vec<String> {
        self.doc
            .keys()
            .map(|k| scalar_string(k).unwrap_or_else(|| format!("{k:?}")))
            .collect()
    }

    pub fn version(&self) -> Option<String> {
        self.get_str("version")
    }
    pub fn kind(&self) -> Option<String> {
        self.get_str("kind")
    }
    pub fn severity(&self) -> Option<String> {
        self.get_str("severity")
    }
    pub fn entity_mappings(&self) -> Option<&Value> {
        self.get("entityMappings")
    }

    /// `tags` as text: string items as they are, `{name: x, value: y}`-style maps as `x=y` / `x`.
    pub fn tags(&self) -> Vec<String> {
        let Some(v) = self.get("tags") else {
            return Vec::new();
        };
        let items: Vec<&Value> = match v {
            Value::Sequence(s) => s.iter().collect(),
            other => vec![other],
        };
        items
            .into_iter()
            .filter_map(|item| match item {
                Value::Mapping(m) => {
                    let field = |k: &str| {
                        m.iter()
                            .find(|(key, _)| {
                                key.as_str().is_some_and(|s| s.eq_ignore_ascii_case(k))
                            })
                            .and_then(|(_, v)| scalar_string(v))
                    };
                    match (field("name"), field("value")) {
                        (Some(n), Some(v)) => Some(format!("{n}={v}")),
                        (Some(n), None) => Some(n),
                        _ => None,
                    }
                }
                other => scalar_string(other),
            })
            .collect()
    }

    /// The tables named in `requiredDataConnectors[].dataTypes`, first occurrence order, no duplicates.
    pub fn data_types(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for c in &self.required_data_connectors {
            for t in &c.data_types {
                if !out.contains(t) {
                    out.push(t.clone());
                }
            }
        }
        out
    }

    /// `name`, or the file name when the rule has none.
    pub fn display_name(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => self
                .path
                .file_name()
                .map(|f| f.to_string_lossy().into_owned())
                .unwrap_or_default(),
        }
    }

    /// Maps a 1-based (line, column) in the query text to the 1-based (line, column) in the file. Exact for a
    /// literal block; for other styles the line is `query_line + line - 1` and the column is only shifted on
    /// the first line (folding and quoting move text around).
    pub fn file_position(&self, line: usize, column: usize) -> (usize, usize) {
        let line = line.max(1);
        let file_line = self.query_line + line - 1;
        match self.query_style {
            QueryStyle::Literal => (file_line, column + self.query_column - 1),
            _ if line == 1 => (file_line, column + self.query_column - 1),
            _ => (file_line, column),
        }
    }

    /// The file's text with only the query replaced by `new_query`.
    ///
    /// For a literal block (`query: |`, which every corpus and bundled rule uses) only the block's text lines
    /// change: the header, its chomping indicator, the indentation, the line ends (CRLF stays CRLF), trailing
    /// blank lines and every byte outside the block stay as they were, and lines equal to the old ones keep
    /// their exact bytes, so `rule.with_query(&rule.query) == rule.raw`. An indentation indicator is added to
    /// the header when the new text's first line starts with a space. Trailing newlines of `new_query` are
    /// dropped (the block's chomping decides the value's end), `\r\n` counts as `\n`.
    ///
    /// Every result is parsed back and checked (same fields, new query). Text a literal block cannot hold
    /// (control characters) is written as a double-quoted scalar in place of the old value instead; if even that
    /// does not check out (a layout the scanner does not follow), the whole document is re-serialised — correct
    /// content, but comments and formatting are lost.
    pub fn with_query(&self, new_query: &str) -> String {
        let normalized = new_query.replace("\r\n", "\n");
        let text = normalized.trim_end_matches('\n');
        let check = |out: &str| self.check_replaced(out, text);

        if let Some(loc) = &self.located {
            if let Some(block) = &loc.block {
                let new_lines: Vec<&str> = if text.is_empty() {
                    Vec::new()
                } else {
                    text.split('\n').collect()
                };
                if let Some(out) = locate::write_literal(&self.raw, block, &new_lines)
                    && check(&out)
                {
                    return out;
                }
                let mut out = String::with_capacity(self.raw.len());
                out.push_str(&self.raw[..block.pipe]);
                out.push_str(&locate::yaml_double_quoted(text));
                out.push_str(&self.raw[block.content_end()..]);
                if check(&out) {
                    return out;
                }
            } else if let Some(range) = &loc.same_line_value {
                let mut out = String::with_capacity(self.raw.len());
                out.push_str(&self.raw[..range.start]);
                out.push_str(&locate::yaml_double_quoted(text));
                out.push_str(&self.raw[range.end..]);
                if check(&out) {
                    return out;
                }
            }
        }
        let mut doc = self.doc.clone();
        doc.insert(
            Value::String("query".into()),
            Value::String(format!("{text}\n")),
        );
        serde_yaml::to_string(&doc).unwrap_or_default()
    }

    /// Does `out` parse to this rule's fields with `query` equal to `text` (up to trailing newlines)?
    fn check_replaced(&self, out: &str, text: &str) -> bool {
        let Ok(Value::Mapping(m)) = serde_yaml::from_str::<Value>(out) else {
            return false;
        };
        if m.len() != self.doc.len() {
            return false;
        }
        for ((k1, v1), (k2, v2)) in self.doc.iter().zip(m.iter()) {
            if k1 != k2 {
                return false;
            }
            if k1.as_str() == Some("query") {
                match v2.as_str() {
                    Some(q) if q.trim_end_matches('\n') == text => {}
                    _ => return false,
                }
            } else if v1 != v2 {
                return false;
            }
        }
        true
    }

    /// The file name, for messages.
    pub fn file_name(&self) -> &Path {
        self.path.file_name().map(Path::new).unwrap_or(&self.path)
    }
}

/// A scalar as text (strings as they are, numbers and booleans printed); `None` for null, lists, maps.
pub(crate) fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Tagged(t) => scalar_string(&t.value),
        _ => None,
    }
}
