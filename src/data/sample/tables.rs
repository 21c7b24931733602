//! Rows of the generated tables and their CSV form.

use std::collections::{BTreeMap, HashMap};

use crate::data::csvfile::write_field;
use crate::data::schema::{self, TableDef};
use crate::data::time::format_datetime_iso;
use crate::kql::ScalarType;

/// A value in a generated row.
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Empty,
    Str(String),
    Long(i64),
    Bool(bool),
    /// Ticks since the epoch.
    Time(i64),
}

/// A row under construction: column names and values, checked against the schema when added.
pub struct RowB {
    pub table: &'static str,
    vals: Vec<(&'static str, Val)>,
}

impl RowB {
    pub fn new(table: &'static str) -> RowB {
        RowB {
            table,
            vals: Vec::with_capacity(48),
        }
    }
    pub fn s(mut self, col: &'static str, v: impl Into<String>) -> RowB {
        self.vals.push((col, Val::Str(v.into())));
        self
    }
    pub fn l(mut self, col: &'static str, v: i64) -> RowB {
        self.vals.push((col, Val::Long(v)));
        self
    }
    pub fn b(mut self, col: &'static str, v: bool) -> RowB {
        self.vals.push((col, Val::Bool(v)));
        self
    }
    pub fn t(mut self, col: &'static str, ticks: i64) -> RowB {
        self.vals.push((col, Val::Time(ticks)));
        self
    }
    pub fn get(&self, col: &str) -> Option<&Val> {
        self.vals
            .iter()
            .rev()
            .find(|(c, _)| *c == col)
            .map(|(_, v)| v)
    }
}

/// The identity of an event: Defender's (DeviceId, Timestamp, ReportId).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventKey {
    pub timestamp: i64,
    pub device_id: String,
    pub report_id: i64,
}

struct Row {
    key: EventKey,
    cells: Vec<Val>,
    /// Added while [`Tables::background_rows`] was on: a benign background row (not a plant).
    background: bool,
}

struct TableBuf {
    def: &'static TableDef,
    index: HashMap<&'static str, usize>,
    rows: Vec<Row>,
}

/// Rows of a table, each with whether it is a background row.
pub type RowsWithKind<'a> = Vec<(&'a [Val], bool)>;

/// All generated tables.
pub struct Tables {
    bufs: BTreeMap<&'static str, TableBuf>,
    errors: Vec<String>,
    /// Rows added while this is set are marked as background rows (see [`Tables::rows`]).
    pub background_rows: bool,
}

impl Tables {
    pub fn new(names: &[&'static str]) -> Result<Tables, String> {
        let mut bufs = BTreeMap::new();
        for name in names {
            let def = schema::defender_table(name)
                .ok_or_else(|| format!("no schema for table {name}"))?;
            let index = def
                .columns
                .iter()
                .enumerate()
                .map(|(i, c)| (c.name.as_str(), i))
                .collect();
            bufs.insert(
                *name,
                TableBuf {
                    def,
                    index,
                    rows: Vec::new(),
                },
            );
        }
        Ok(Tables {
            bufs,
            errors: Vec::new(),
            background_rows: false,
        })
    }

    /// Adds a row; it must have `Timestamp`, `DeviceId` and `ReportId`. Returns its identity.
    pub fn add(&mut self, row: RowB) -> EventKey {
        let key = EventKey {
            timestamp: match row.get("Timestamp") {
                Some(Val::Time(t)) => *t,
                _ => 0,
            },
            device_id: match row.get("DeviceId") {
                Some(Val::Str(s)) => s.clone(),
                _ => String::new(),
            },
            report_id: match row.get("ReportId") {
                Some(Val::Long(r)) => *r,
                _ => 0,
            },
        };
        let Some(buf) = self.bufs.get_mut(row.table) else {
            self.errors
                .push(format!("internal: row for unknown table {}", row.table));
            return key;
        };
        let mut cells = vec![Val::Empty; buf.def.columns.len()];
        for (col, v) in row.vals {
            match buf.index.get(col) {
                Some(&i) => {
                    let ty = buf.def.columns[i].ty;
                    let ok = matches!(
                        (&v, ty),
                        (Val::Empty, _)
                            | (
                                Val::Str(_),
                                ScalarType::String | ScalarType::Guid | ScalarType::Dynamic
                            )
                            | (Val::Long(_), ScalarType::Long | ScalarType::Int)
                            | (Val::Bool(_), ScalarType::Bool)
                            | (Val::Time(_), ScalarType::DateTime)
                    );
                    if !ok {
                        self.errors.push(format!(
                            "internal: {}.{col} is {ty}, given {v:?}",
                            row.table
                        ));
                    }
                    cells[i] = v;
                }
                None => self
                    .errors
                    .push(format!("internal: {} has no column {col}", row.table)),
            }
        }
        if key.device_id.is_empty() {
            self.errors
                .push(format!("internal: a {} row without DeviceId", row.table));
        }
        buf.rows.push(Row {
            key: key.clone(),
            cells,
            background: self.background_rows,
        });
        key
    }

    /// Changes the ReportId of the row with identity `key`; false if there is none.
    pub fn set_report_id(&mut self, table: &str, key: &EventKey, report_id: i64) -> bool {
        let Some(buf) = self.bufs.get_mut(table) else {
            return false;
        };
        let Some(col) = buf.index.get("ReportId").copied() else {
            return false;
        };
        match buf.rows.iter_mut().find(|r| &r.key == key) {
            Some(row) => {
                row.key.report_id = report_id;
                row.cells[col] = Val::Long(report_id);
                true
            }
            None => false,
        }
    }

    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    /// Each table as CSV text (header of column names; rows sorted by Timestamp, DeviceId, ReportId;
    /// ISO-8601 UTC timestamps with 7 fraction digits; RFC 4180 quoting; CRLF line ends).
    pub fn render_csv(&mut self) -> Vec<(&'static str, String, usize)> {
        let mut out = Vec::new();
        for (name, buf) in self.bufs.iter_mut() {
            buf.rows.sort_by(|a, b| a.key.cmp(&b.key));
            let mut text = String::with_capacity(buf.rows.len() * 400);
            for (i, c) in buf.def.columns.iter().enumerate() {
                if i > 0 {
                    text.push(',');
                }
                write_field(&mut text, &c.name);
            }
            text.push_str("\r\n");
            for row in &buf.rows {
                write_csv_row(&mut text, row.cells.iter());
            }
            out.push((*name, text, buf.rows.len()));
        }
        out
    }

    /// The schema and rows of table `name` (in the order of the last [`Tables::render_csv`]), each with
    /// whether it is a background row.
    pub fn rows(&self, name: &str) -> Option<(&'static TableDef, RowsWithKind<'_>)> {
        let buf = self.bufs.get(name)?;
        Some((
            buf.def,
            buf.rows
                .iter()
                .map(|r| (r.cells.as_slice(), r.background))
                .collect(),
        ))
    }
}

/// Appends one CSV record (RFC 4180 quoting, ISO-8601 UTC timestamps, CRLF) to `text`.
pub fn write_csv_row<'a>(text: &mut String, cells: impl Iterator<Item = &'a Val>) {
    for (i, v) in cells.enumerate() {
        if i > 0 {
            text.push(',');
        }
        match v {
            Val::Empty => {}
            Val::Str(s) => write_field(text, s),
            Val::Long(n) => text.push_str(&n.to_string()),
            Val::Bool(b) => text.push_str(if *b { "true" } else { "false" }),
            Val::Time(t) => text.push_str(&format_datetime_iso(*t).unwrap_or_default()),
        }
    }
    text.push_str("\r\n");
}
