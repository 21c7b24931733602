//! The local view of a fetched result: which rows show (filters), in which order (sort), which columns
//! (hidden, reordered). Pure functions over [`TableData`]; the result is already local, nothing re-runs.

use std::cmp::Ordering;

use crate::engine::value::{parse_datetime, parse_timespan};

use super::action::TableData;

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

    fn keeps(&self, row: &[String], shown: &[usize]) -> bool {
        match self {
            RowFilter::Text(t) => {
                let needle = t.to_lowercase();
                shown
                    .iter()
                    .filter_map(|&c| row.get(c))
                    .any(|cell| cell.to_lowercase().contains(&needle))
            }
            RowFilter::Eq { column, value } => row.get(*column).is_some_and(|c| c == value),
            RowFilter::Ne { column, value } => row.get(*column).is_none_or(|c| c != value),
        }
    }
}

/// A sort key: numbers, datetimes and timespans by value; everything else as text. Empty cells are null.
#[derive(Clone, Debug, PartialEq, PartialOrd)]
enum SortKey {
    Num(f64),
    Ticks(i64),
    Text(String),
}

fn sort_key(ty: &str, cell: &str) -> Option<SortKey> {
    if cell.is_empty() {
        return None;
    }
    match ty {
        "long" | "int" | "real" | "decimal" => cell.trim().parse::<f64>().ok().map(SortKey::Num),
        "datetime" => parse_datetime(cell).map(SortKey::Ticks),
        "timespan" => parse_timespan(cell).map(SortKey::Ticks),
        _ => Some(SortKey::Text(cell.to_string())),
    }
    .or_else(|| Some(SortKey::Text(cell.to_string())))
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

/// The rows to show, as indexes into `data.rows`: those every filter keeps, sorted by `sort` (column index,
/// descending) when set. Ascending puts nulls first and descending last, as KQL's `sort` does; ties keep
/// the fetched order.
pub fn shown_rows(
    data: &TableData,
    shown_cols: &[usize],
    filters: &[RowFilter],
    sort: Option<(usize, bool)>,
) -> Vec<usize> {
    let mut rows: Vec<usize> = (0..data.rows.len())
        .filter(|&i| {
            let row = &data.rows[i];
            filters.iter().all(|f| f.keeps(row, shown_cols))
        })
        .collect();
    if let Some((col, desc)) = sort {
        let ty = data.types.get(col).map(String::as_str).unwrap_or("");
        let mut keyed: Vec<(Option<SortKey>, usize)> = rows
            .iter()
            .map(|&i| {
                let cell = data.rows[i].get(col).map(String::as_str).unwrap_or("");
                (sort_key(ty, cell), i)
            })
            .collect();
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
    let f = RowFilter::Text(needle.to_string());
    (0..n).map(|k| (from + k) % n).find(|&pos| {
        rows.get(pos)
            .and_then(|&i| data.rows.get(i))
            .is_some_and(|r| f.keeps(r, shown_cols))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data() -> TableData {
        TableData {
            columns: vec!["Name".into(), "Count".into(), "At".into()],
            types: vec!["string".into(), "long".into(), "datetime".into()],
            rows: vec![
                vec!["b".into(), "10".into(), "2024-01-02T00:00:00Z".into()],
                vec!["A".into(), "9".into(), "2024-01-01T12:00:00.5Z".into()],
                vec!["c".into(), "".into(), "2024-01-01T12:00:00Z".into()],
                vec!["a".into(), "100".into(), "".into()],
            ],
            ..TableData::default()
        }
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
    fn search_wraps() {
        let d = data();
        let rows = [0, 1, 2, 3];
        assert_eq!(search(&d, &rows, &[0, 1, 2], "A", 2), Some(3));
        assert_eq!(search(&d, &rows, &[0, 1, 2], "A", 4), Some(1));
        assert_eq!(search(&d, &rows, &[0, 1, 2], "zz", 0), None);
    }
}
