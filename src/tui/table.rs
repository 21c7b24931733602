//! The local view of a fetched result: the result's cells, kept by column and turned into text only when
//! asked ([`Column`], [`TableData::cell`]); which rows show (filters), in which order (sort), which columns
//! (hidden, reordered). Pure functions over [`TableData`]; the result is already local, nothing re-runs.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::sync::Arc;

use crate::cli::output::cell_text;
use crate::engine::value::{Value, parse_datetime, parse_timespan};

use super::action::TableData;

/// One result column, compact: typed values where the column holds one kind of value (formatted when a
/// cell is asked for, with the same text as [`cell_text`]), else each cell's text in one buffer.
#[derive(Clone, Debug, PartialEq)]
pub enum Column {
    Bool(Vec<Option<bool>>),
    Int(Vec<Option<i32>>),
    Long(Vec<Option<i64>>),
    Real(Vec<Option<f64>>),
    /// Ticks since 1970-01-01T00:00:00Z.
    DateTime(Vec<Option<i64>>),
    /// Ticks.
    TimeSpan(Vec<Option<i64>>),
    /// Cells as text (strings, guids, dynamic values, mixed columns): cell `i` is `buf[ends[i-1]..ends[i]]`.
    Text {
        buf: String,
        ends: Vec<usize>,
    },
}

impl Default for Column {
    fn default() -> Self {
        Column::Text {
            buf: String::new(),
            ends: Vec::new(),
        }
    }
}

impl Column {
    /// A column of these values (nulls show as empty cells).
    pub fn from_values(values: Vec<Value>) -> Column {
        fn typed<T>(values: &[Value], f: impl Fn(&Value) -> Option<T>) -> Option<Vec<Option<T>>> {
            values
                .iter()
                .map(|v| {
                    if v.is_null() {
                        Some(None)
                    } else {
                        f(v).map(Some)
                    }
                })
                .collect()
        }
        let first = values.iter().find(|v| !v.is_null());
        let col = match first {
            Some(Value::Bool(_)) => typed(&values, |v| match v {
                Value::Bool(b) => Some(*b),
                _ => None,
            })
            .map(Column::Bool),
            Some(Value::Int(_)) => typed(&values, |v| match v {
                Value::Int(i) => Some(*i),
                _ => None,
            })
            .map(Column::Int),
            Some(Value::Long(_)) => typed(&values, |v| match v {
                Value::Long(i) => Some(*i),
                _ => None,
            })
            .map(Column::Long),
            Some(Value::Real(_)) => typed(&values, |v| match v {
                Value::Real(f) => Some(*f),
                _ => None,
            })
            .map(Column::Real),
            Some(Value::DateTime(_)) => typed(&values, |v| match v {
                Value::DateTime(t) => Some(*t),
                _ => None,
            })
            .map(Column::DateTime),
            Some(Value::TimeSpan(_)) => typed(&values, |v| match v {
                Value::TimeSpan(t) => Some(*t),
                _ => None,
            })
            .map(Column::TimeSpan),
            _ => None,
        };
        col.unwrap_or_else(|| Column::from_text(values.iter().map(cell_text)))
    }

    /// A column of cells given as text.
    pub fn from_text<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> Column {
        let mut buf = String::new();
        let mut ends = Vec::new();
        for c in cells {
            buf.push_str(c.as_ref());
            ends.push(buf.len());
        }
        buf.shrink_to_fit();
        ends.shrink_to_fit();
        Column::Text { buf, ends }
    }

    pub fn len(&self) -> usize {
        match self {
            Column::Bool(v) => v.len(),
            Column::Int(v) => v.len(),
            Column::Long(v) | Column::DateTime(v) | Column::TimeSpan(v) => v.len(),
            Column::Real(v) => v.len(),
            Column::Text { ends, .. } => ends.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held on the heap (capacity), for measurements.
    pub fn heap_bytes(&self) -> usize {
        fn bytes<T>(v: &Vec<T>) -> usize {
            v.capacity() * std::mem::size_of::<T>()
        }
        match self {
            Column::Bool(v) => bytes(v),
            Column::Int(v) => bytes(v),
            Column::Long(v) | Column::DateTime(v) | Column::TimeSpan(v) => bytes(v),
            Column::Real(v) => bytes(v),
            Column::Text { buf, ends } => buf.capacity() + bytes(ends),
        }
    }

    /// The value of cell `i` (`Null` past the end).
    pub fn value(&self, i: usize) -> Value {
        let v = match self {
            Column::Bool(v) => v.get(i).copied().flatten().map(Value::Bool),
            Column::Int(v) => v.get(i).copied().flatten().map(Value::Int),
            Column::Long(v) => v.get(i).copied().flatten().map(Value::Long),
            Column::Real(v) => v.get(i).copied().flatten().map(Value::Real),
            Column::DateTime(v) => v.get(i).copied().flatten().map(Value::DateTime),
            Column::TimeSpan(v) => v.get(i).copied().flatten().map(Value::TimeSpan),
            Column::Text { .. } => Some(Value::String(self.cell(i).into_owned())),
        };
        v.unwrap_or(Value::Null)
    }

    /// The text of cell `i` (raw: sanitise before drawing); empty past the end.
    pub fn cell(&self, i: usize) -> Cow<'_, str> {
        match self {
            Column::Text { buf, ends } => {
                let Some(&end) = ends.get(i) else {
                    return Cow::Borrowed("");
                };
                let start = if i == 0 { 0 } else { ends[i - 1] };
                Cow::Borrowed(buf.get(start..end).unwrap_or(""))
            }
            Column::Bool(v) => Cow::Borrowed(match v.get(i).copied().flatten() {
                Some(true) => "true",
                Some(false) => "false",
                None => "",
            }),
            _ => match self.value(i) {
                Value::Null => Cow::Borrowed(""),
                v => Cow::Owned(cell_text(&v)),
            },
        }
    }

    /// The cells at `rows`, in that order.
    pub fn take(&self, rows: &[usize]) -> Column {
        fn pick<T: Copy>(v: &[Option<T>], rows: &[usize]) -> Vec<Option<T>> {
            rows.iter().map(|&i| v.get(i).copied().flatten()).collect()
        }
        match self {
            Column::Bool(v) => Column::Bool(pick(v, rows)),
            Column::Int(v) => Column::Int(pick(v, rows)),
            Column::Long(v) => Column::Long(pick(v, rows)),
            Column::Real(v) => Column::Real(pick(v, rows)),
            Column::DateTime(v) => Column::DateTime(pick(v, rows)),
            Column::TimeSpan(v) => Column::TimeSpan(pick(v, rows)),
            Column::Text { .. } => Column::from_text(rows.iter().map(|&i| self.cell(i))),
        }
    }

    /// The sort key of cell `i`; `ty` (the KQL type name) says how text cells sort.
    fn sort_key(&self, ty: &str, i: usize) -> Option<SortKey<'_>> {
        let int = |v: &Vec<Option<i64>>| v.get(i).copied().flatten().map(SortKey::Ticks);
        match self {
            Column::Int(v) => v
                .get(i)
                .copied()
                .flatten()
                .map(|x| SortKey::Ticks(x.into())),
            Column::Long(v) | Column::DateTime(v) | Column::TimeSpan(v) => int(v),
            Column::Real(v) => v.get(i).copied().flatten().map(SortKey::Num),
            Column::Bool(_) | Column::Text { .. } => match self.cell(i) {
                Cow::Borrowed(s) => text_sort_key(ty, s),
                Cow::Owned(s) => Some(SortKey::Text(Cow::Owned(s))),
            },
        }
    }
}

/// The cells of a result, by column (shared: views and their copies do not copy the cells).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Cells {
    columns: Arc<Vec<Column>>,
    rows: usize,
}

impl Cells {
    /// `rows` rows of cells from these columns (a column's missing cells are empty).
    pub fn new(columns: Vec<Column>, rows: usize) -> Cells {
        Cells {
            columns: Arc::new(columns),
            rows,
        }
    }

    /// Cells from rows of text (`width` columns; short rows get empty cells).
    pub fn from_rows(width: usize, rows: &[Vec<String>]) -> Cells {
        Cells::new(
            (0..width)
                .map(|c| {
                    Column::from_text(rows.iter().map(|r| r.get(c).map_or("", String::as_str)))
                })
                .collect(),
            rows.len(),
        )
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Bytes the cells hold on the heap, for measurements.
    pub fn heap_bytes(&self) -> usize {
        self.columns.iter().map(Column::heap_bytes).sum()
    }

    pub fn column(&self, c: usize) -> Option<&Column> {
        self.columns.get(c)
    }

    /// The text of the cell at row `row`, column `col` (raw: sanitise before drawing); empty when out of
    /// range.
    pub fn cell(&self, row: usize, col: usize) -> Cow<'_, str> {
        match self.columns.get(col) {
            Some(c) if row < self.rows => c.cell(row),
            _ => Cow::Borrowed(""),
        }
    }
}

impl TableData {
    /// A result from rows of text, one type name per column (tests and small tables).
    pub fn from_text_rows(
        columns: Vec<String>,
        types: Vec<String>,
        rows: &[Vec<String>],
    ) -> TableData {
        let cells = Cells::from_rows(columns.len(), rows);
        let widths = super::exec::fit_widths(&columns, &cells);
        TableData {
            columns,
            types,
            cells,
            widths,
            ..TableData::default()
        }
    }

    /// Number of rows.
    pub fn row_count(&self) -> usize {
        self.cells.rows()
    }

    /// The text of a cell (raw: sanitise before drawing); empty when out of range.
    pub fn cell(&self, row: usize, col: usize) -> Cow<'_, str> {
        self.cells.cell(row, col)
    }

    /// Row `i`, every column, as text; `None` past the end.
    pub fn row(&self, i: usize) -> Option<Vec<String>> {
        (i < self.row_count()).then(|| {
            (0..self.columns.len())
                .map(|c| self.cell(i, c).into_owned())
                .collect()
        })
    }

    /// Every row as text (formats every cell: small tables and tests only).
    pub fn text_rows(&self) -> Vec<Vec<String>> {
        (0..self.row_count()).filter_map(|i| self.row(i)).collect()
    }

    /// A table of the rows `rows` (in that order) and columns `cols` (in that order) of this one.
    pub fn select(&self, rows: &[usize], cols: &[usize]) -> TableData {
        let pick = |v: &[String]| -> Vec<String> {
            cols.iter()
                .map(|&c| v.get(c).cloned().unwrap_or_default())
                .collect()
        };
        let picked = cols
            .iter()
            .map(|&c| {
                self.cells.column(c).map_or_else(
                    || Column::from_text(rows.iter().map(|_| "")),
                    |col| col.take(rows),
                )
            })
            .collect();
        TableData {
            columns: pick(&self.columns),
            types: pick(&self.types),
            cells: Cells::new(picked, rows.len()),
            widths: cols
                .iter()
                .map(|&c| self.widths.get(c).copied().unwrap_or(8))
                .collect(),
            truncated: self.truncated,
            elapsed: self.elapsed,
            now: self.now,
            backend: self.backend.clone(),
        }
    }
}

/// A row filter on the fetched rows.
#[derive(Clone, Debug, PartialEq)]
pub enum RowFilter {
    /// Rows where any shown cell contains the text, case-insensitively.
    Text(String),
    /// Rows whose cell in column `column` (an index into the data's columns) equals `value` exactly.
    Eq { column: usize, value: String },
    /// Rows whose cell in column `column` differs from `value`.
    Ne { column: usize, value: String },
}

impl RowFilter {
    /// How the filter reads, for the status bar and help.
    pub fn label(&self, data: &TableData) -> String {
        let name = |c: &usize| data.columns.get(*c).cloned().unwrap_or_default();
        match self {
            RowFilter::Text(t) => format!("contains \"{t}\""),
            RowFilter::Eq { column, value } => format!("{} == \"{value}\"", name(column)),
            RowFilter::Ne { column, value } => format!("{} != \"{value}\"", name(column)),
        }
    }

    /// The filter ready to test rows (the text needle lower-cased once).
    fn prepared(&self) -> Prepared<'_> {
        match self {
            RowFilter::Text(t) => Prepared::Text(t.to_lowercase()),
            RowFilter::Eq { column, value } => Prepared::Eq(*column, value, true),
            RowFilter::Ne { column, value } => Prepared::Eq(*column, value, false),
        }
    }
}

enum Prepared<'a> {
    Text(String),
    /// Column, value, whether the cell must equal it.
    Eq(usize, &'a str, bool),
}

impl Prepared<'_> {
    fn keeps(&self, data: &TableData, row: usize, shown: &[usize], scratch: &mut String) -> bool {
        match self {
            Prepared::Text(needle) => {
                // integers show as digits and '-' only: other needles cannot be in them (skips formatting)
                let maybe_in_integers = needle.bytes().all(|b| b.is_ascii_digit() || b == b'-');
                shown
                    .iter()
                    .filter(|&&c| c < data.columns.len())
                    .filter(|&&c| {
                        maybe_in_integers
                            || !matches!(
                                data.cells.column(c),
                                Some(Column::Int(_) | Column::Long(_))
                            )
                    })
                    .any(|&c| contains_lowercase(&data.cell(row, c), needle, scratch))
            }
            Prepared::Eq(column, value, eq) => {
                // a column that does not exist has no cell: it equals nothing and differs from everything
                if *column >= data.columns.len() {
                    return !eq;
                }
                (data.cell(row, *column) == *value) == *eq
            }
        }
    }
}

/// Whether `cell`, lower-cased (as `str::to_lowercase`), contains `needle` (already lower-case); `scratch`
/// is reused for ASCII cells, so that filtering a million rows does not allocate per cell.
fn contains_lowercase(cell: &str, needle: &str, scratch: &mut String) -> bool {
    if cell.is_ascii() {
        scratch.clear();
        scratch.push_str(cell);
        scratch.make_ascii_lowercase();
        scratch.contains(needle)
    } else {
        cell.to_lowercase().contains(needle)
    }
}

/// A sort key: numbers, datetimes and timespans by value; everything else as text. Empty cells are null.
#[derive(Clone, Debug, PartialEq, PartialOrd)]
enum SortKey<'a> {
    Num(f64),
    Ticks(i64),
    Text(Cow<'a, str>),
}

/// The sort key of a cell kept as text, by the column's KQL type name.
fn text_sort_key<'a>(ty: &str, cell: &'a str) -> Option<SortKey<'a>> {
    if cell.is_empty() {
        return None;
    }
    match ty {
        "long" | "int" | "real" | "decimal" => cell.trim().parse::<f64>().ok().map(SortKey::Num),
        "datetime" => parse_datetime(cell).map(SortKey::Ticks),
        "timespan" => parse_timespan(cell).map(SortKey::Ticks),
        _ => Some(SortKey::Text(Cow::Borrowed(cell))),
    }
    .or(Some(SortKey::Text(Cow::Borrowed(cell))))
}

/// Compares two keys: nulls first; a value that did not parse (text) after the parsed ones.
fn cmp_keys(a: &Option<SortKey>, b: &Option<SortKey>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => match (x, y) {
            (SortKey::Num(p), SortKey::Num(q)) => p.total_cmp(q),
            (SortKey::Ticks(p), SortKey::Ticks(q)) => p.cmp(q),
            (SortKey::Text(p), SortKey::Text(q)) => p.cmp(q),
            (SortKey::Text(_), _) => Ordering::Greater,
            (_, SortKey::Text(_)) => Ordering::Less,
            _ => x.partial_cmp(y).unwrap_or(Ordering::Equal),
        },
    }
}

/// The rows to show, as indexes into the data's rows: those every filter keeps, sorted by `sort` (column
/// index, descending) when set. Ascending puts nulls first and descending last, as KQL's `sort` does; ties
/// keep the fetched order.
pub fn shown_rows(
    data: &TableData,
    shown_cols: &[usize],
    filters: &[RowFilter],
    sort: Option<(usize, bool)>,
) -> Vec<usize> {
    let prepared: Vec<Prepared> = filters.iter().map(RowFilter::prepared).collect();
    let mut scratch = String::new();
    let mut rows: Vec<usize> = (0..data.row_count())
        .filter(|&i| {
            prepared
                .iter()
                .all(|f| f.keeps(data, i, shown_cols, &mut scratch))
        })
        .collect();
    if let Some((col, desc)) = sort
        && let Some(column) = data.cells.column(col)
    {
        let ty = data.types.get(col).map(String::as_str).unwrap_or("");
        let mut keyed: Vec<(Option<SortKey>, usize)> =
            rows.iter().map(|&i| (column.sort_key(ty, i), i)).collect();
        keyed.sort_by(|a, b| {
            let o = cmp_keys(&a.0, &b.0);
            if desc { o.reverse() } else { o }
        });
        rows = keyed.into_iter().map(|(_, i)| i).collect();
    }
    rows
}

/// The first shown row at or after position `from` (wrapping) whose shown cells contain `needle`,
/// case-insensitively.
pub fn search(
    data: &TableData,
    rows: &[usize],
    shown_cols: &[usize],
    needle: &str,
    from: usize,
) -> Option<usize> {
    let n = rows.len();
    if n == 0 || needle.is_empty() {
        return None;
    }
    let f = Prepared::Text(needle.to_lowercase());
    let mut scratch = String::new();
    (0..n).map(|k| (from + k) % n).find(|&pos| {
        rows.get(pos)
            .is_some_and(|&i| i < data.row_count() && f.keeps(data, i, shown_cols, &mut scratch))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> TableData {
        let rows: Vec<Vec<String>> = [
            ["b", "10", "2024-01-02T00:00:00Z"],
            ["A", "9", "2024-01-01T12:00:00.5Z"],
            ["c", "", "2024-01-01T12:00:00Z"],
            ["a", "100", ""],
        ]
        .iter()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
        TableData::from_text_rows(
            vec!["Name".into(), "Count".into(), "At".into()],
            vec!["string".into(), "long".into(), "datetime".into()],
            &rows,
        )
    }

    #[test]
    fn numbers_sort_by_value_nulls_first_ascending() {
        let d = data();
        // 9 < 10 < 100 by value (as text "10" < "100" < "9"); the null first
        assert_eq!(
            shown_rows(&d, &[0, 1, 2], &[], Some((1, false))),
            [2, 1, 0, 3]
        );
        assert_eq!(
            shown_rows(&d, &[0, 1, 2], &[], Some((1, true))),
            [3, 0, 1, 2]
        );
    }

    #[test]
    fn datetimes_sort_by_instant() {
        let d = data();
        // 12:00:00Z < 12:00:00.5Z < next day; the empty cell is null
        assert_eq!(
            shown_rows(&d, &[0, 1, 2], &[], Some((2, false))),
            [3, 2, 1, 0]
        );
    }

    #[test]
    fn strings_sort_ordinally() {
        let d = data();
        // ordinal: uppercase before lowercase
        assert_eq!(
            shown_rows(&d, &[0, 1, 2], &[], Some((0, false))),
            [1, 3, 0, 2]
        );
    }

    #[test]
    fn filters_combine() {
        let d = data();
        let text = RowFilter::Text("a".into());
        // "a" (case-insensitive) in any shown cell: rows 1 ("A") and 3 ("a")
        assert_eq!(
            shown_rows(&d, &[0, 1, 2], std::slice::from_ref(&text), None),
            [1, 3]
        );
        // hidden columns do not count
        assert_eq!(
            shown_rows(&d, &[1, 2], std::slice::from_ref(&text), None),
            Vec::<usize>::new()
        );
        let ne = RowFilter::Ne {
            column: 0,
            value: "a".into(),
        };
        assert_eq!(shown_rows(&d, &[0, 1, 2], &[text, ne], None), [1]);
        let eq = RowFilter::Eq {
            column: 1,
            value: "10".into(),
        };
        assert_eq!(shown_rows(&d, &[0, 1, 2], &[eq], None), [0]);
    }

    #[test]
    fn text_filter_folds_case_like_to_lowercase() {
        let s = &mut String::new();
        assert!(contains_lowercase("PC-A.Contoso", "a.con", s));
        assert!(!contains_lowercase("PC-A", "pc-b", s));
        assert!(contains_lowercase("", "", s));
        // non-ASCII cells fold as str::to_lowercase does: the Kelvin sign lower-cases to "k"
        assert!(contains_lowercase("\u{212a}ELVIN", "kelvin", s));
        assert!(contains_lowercase("ÄRGER", "ärg", s));
    }

    #[test]
    fn search_wraps() {
        let d = data();
        let rows = [0, 1, 2, 3];
        assert_eq!(search(&d, &rows, &[0, 1, 2], "A", 2), Some(3));
        assert_eq!(search(&d, &rows, &[0, 1, 2], "A", 4), Some(1));
        assert_eq!(search(&d, &rows, &[0, 1, 2], "zz", 0), None);
    }

    // 2024-01-01T00:00:00Z is 1,704,067,200 s after 1970-01-01; a tick is 100 ns
    const JAN1: i64 = 1_704_067_200 * 10_000_000;
    const HOUR: i64 = 3600 * 10_000_000;

    #[test]
    fn typed_columns_format_cells_when_asked() {
        let at = Column::from_values(vec![Value::DateTime(JAN1), Value::Null]);
        assert!(matches!(at, Column::DateTime(_)));
        assert_eq!(at.cell(0), "2024-01-01T00:00:00Z");
        assert_eq!(at.cell(1), "");
        assert_eq!(at.cell(2), "", "past the end");
        let span = Column::from_values(vec![Value::TimeSpan(HOUR), Value::TimeSpan(-HOUR)]);
        assert_eq!(
            (span.cell(0), span.cell(1)),
            ("01:00:00".into(), "-01:00:00".into())
        );
        let b = Column::from_values(vec![Value::Bool(true), Value::Null, Value::Bool(false)]);
        assert_eq!([b.cell(0), b.cell(1), b.cell(2)], ["true", "", "false"]);
        let n = Column::from_values(vec![Value::Long(-3), Value::Real(0.5)]);
        // mixed kinds: kept as text
        assert!(matches!(n, Column::Text { .. }));
        assert_eq!([n.cell(0), n.cell(1)], ["-3", "0.5"]);
        let d = Column::from_values(vec![
            Value::Dynamic(serde_json::json!({"a": [1]})),
            Value::Dynamic(serde_json::json!("s")),
        ]);
        assert_eq!([d.cell(0), d.cell(1)], ["{\"a\":[1]}", "s"]);
        assert_eq!(n.take(&[1, 0, 1]).cell(2), "0.5");
    }

    #[test]
    fn typed_columns_sort_by_value() {
        let big = 1i64 << 53;
        let cells = Cells::new(
            vec![
                // beyond f64 precision: 2^53 + 1 and 2^53 differ
                Column::from_values(vec![Value::Long(big + 1), Value::Null, Value::Long(big)]),
                Column::from_values(vec![Value::Real(2.0), Value::Real(-1.5), Value::Null]),
                Column::from_values(vec![
                    Value::DateTime(JAN1 + HOUR),
                    Value::DateTime(JAN1),
                    Value::DateTime(JAN1 - 1),
                ]),
            ],
            3,
        );
        let d = TableData {
            columns: vec!["L".into(), "R".into(), "T".into()],
            types: vec!["long".into(), "real".into(), "datetime".into()],
            cells,
            ..TableData::default()
        };
        let all = [0, 1, 2];
        assert_eq!(shown_rows(&d, &all, &[], Some((0, false))), [1, 2, 0]);
        assert_eq!(shown_rows(&d, &all, &[], Some((0, true))), [0, 2, 1]);
        assert_eq!(shown_rows(&d, &all, &[], Some((1, false))), [2, 1, 0]);
        assert_eq!(shown_rows(&d, &all, &[], Some((2, false))), [2, 1, 0]);
        let eq = RowFilter::Eq {
            column: 2,
            value: "2024-01-01T01:00:00Z".into(),
        };
        assert_eq!(shown_rows(&d, &all, &[eq], None), [0]);
        let text = RowFilter::Text("-1.5".into());
        assert_eq!(shown_rows(&d, &all, &[text], None), [1]);
        let sel = d.select(&[2, 0], &[2, 0]);
        assert_eq!(sel.columns, ["T", "L"]);
        assert_eq!(
            sel.text_rows(),
            [
                // one tick before 2024: seven fraction digits
                vec!["2023-12-31T23:59:59.9999999Z".to_string(), big.to_string()],
                vec!["2024-01-01T01:00:00Z".to_string(), (big + 1).to_string()],
            ]
        );
    }
}
