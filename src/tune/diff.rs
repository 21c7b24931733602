//! Comparing two results of a rule (the previous run and the current one, or the rule as shipped and as
//! tuned): groups added, removed, changed and unchanged, keyed by the by-columns of the query's final
//! `summarize` (else whole rows), and rows per device before and after.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::Serialize;

use crate::engine::QueryResult;
use crate::kql::ast::{Expr, ExprKind, OpKind, Statement};
use crate::kql::diag::Diagnostic;

/// A result as text cells (what the diff and the frequency panel compare).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Table {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Table {
    pub fn from_result(r: &QueryResult) -> Result<Table, Diagnostic> {
        Ok(Table {
            columns: r.columns.iter().map(|(n, _)| n.clone()).collect(),
            rows: r
                .rows()?
                .iter()
                .map(|row| row.iter().map(|v| v.to_kql_string()).collect())
                .collect(),
        })
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
    /// Same key, other values differ (e.g. a count).
    Changed,
    Unchanged,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupDiff {
    pub change: Change,
    /// The key values (by-columns, or the whole row).
    pub key: Vec<String>,
    pub before: Option<Vec<String>>,
    pub after: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeviceCount {
    pub device: String,
    pub before: usize,
    pub after: usize,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ResultDiff {
    /// The columns rows are matched on (empty: whole rows).
    pub key_columns: Vec<String>,
    pub columns: Vec<String>,
    pub added: usize,
    pub removed: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub groups: Vec<GroupDiff>,
    /// The device column counted (DeviceName, else DeviceId), when the results have one.
    pub device_column: Option<String>,
    /// Rows per device, before and after, for devices in either.
    pub devices: Vec<DeviceCount>,
}

/// The output names of the by-columns of the final statement's last `summarize`, when every one is a plain
/// name (`by DeviceId, Name = x`). Empty otherwise.
pub fn summarize_keys(query: &str) -> Vec<String> {
    let Ok(q) = crate::kql::parse(&crate::kql::params::parsable_text(query)) else {
        return Vec::new();
    };
    let Some(Statement::Expr(e)) = q
        .statements
        .iter()
        .rev()
        .find(|s| matches!(s, Statement::Expr(_)))
    else {
        return Vec::new();
    };
    let mut cur: &Expr = e;
    loop {
        match &cur.kind {
            ExprKind::Pipe { input, op } => {
                if let OpKind::Summarize { by, .. } = &op.kind {
                    let names: Option<Vec<String>> = by
                        .iter()
                        .map(|b| match (b.names.first(), &b.expr.kind) {
                            (Some(n), _) => Some(n.name.clone()),
                            (None, ExprKind::Ident(id)) => Some(id.name.clone()),
                            _ => None,
                        })
                        .collect();
                    return names.unwrap_or_default();
                }
                cur = input;
            }
            ExprKind::Paren(x) => cur = x,
            _ => return Vec::new(),
        }
    }
}

/// Compares `before` and `after` keyed by `key_columns` (whole rows when empty or when a key column is
/// missing from either result).
pub fn diff(before: &Table, after: &Table, key_columns: &[String]) -> ResultDiff {
    let keys: Vec<String> = if !key_columns.is_empty()
        && key_columns
            .iter()
            .all(|k| before.col(k).is_some() && after.col(k).is_some())
    {
        key_columns.to_vec()
    } else {
        Vec::new()
    };
    // column positions, looked up once rather than per row
    let key_idx = |t: &Table| -> Vec<Option<usize>> { keys.iter().map(|k| t.col(k)).collect() };
    let (before_keys, after_keys) = (key_idx(before), key_idx(after));
    let key_of = |idx: &[Option<usize>], row: &[String]| -> Vec<String> {
        if keys.is_empty() {
            row.to_vec()
        } else {
            idx.iter()
                .map(|i| i.and_then(|i| row.get(i)).cloned().unwrap_or_default())
                .collect()
        }
    };
    // the after row in before's column order, so rows compare across column reorders
    let after_pos: Vec<Option<usize>> = before.columns.iter().map(|c| after.col(c)).collect();
    let same_values = |b: &[String], a: &[String]| -> bool {
        before.columns.len() == after.columns.len()
            && after_pos
                .iter()
                .enumerate()
                .all(|(i, j)| j.and_then(|j| a.get(j)) == b.get(i))
    };
    let mut after_by_key: HashMap<Vec<String>, VecDeque<usize>> = HashMap::new();
    for (i, r) in after.rows.iter().enumerate() {
        after_by_key
            .entry(key_of(&after_keys, r))
            .or_default()
            .push_back(i);
    }
    let mut used = vec![false; after.rows.len()];
    let mut groups = Vec::new();
    for r in &before.rows {
        let k = key_of(&before_keys, r);
        let hit = after_by_key.get_mut(&k).and_then(VecDeque::pop_front);
        match hit {
            Some(j) => {
                used[j] = true;
                let a = &after.rows[j];
                let change = if same_values(r, a) {
                    Change::Unchanged
                } else {
                    Change::Changed
                };
                groups.push(GroupDiff {
                    change,
                    key: k,
                    before: Some(r.clone()),
                    after: Some(a.clone()),
                });
            }
            None => groups.push(GroupDiff {
                change: Change::Removed,
                key: k,
                before: Some(r.clone()),
                after: None,
            }),
        }
    }
    for (j, a) in after.rows.iter().enumerate() {
        if !used[j] {
            groups.push(GroupDiff {
                change: Change::Added,
                key: key_of(&after_keys, a),
                before: None,
                after: Some(a.clone()),
            });
        }
    }
    // stable order whatever the engine's row order: added, removed, changed, unchanged, each by key
    groups.sort_by(|a, b| (a.change as u8, &a.key).cmp(&(b.change as u8, &b.key)));
    let count = |c: Change| groups.iter().filter(|g| g.change == c).count();
    let device_column = ["DeviceName", "DeviceId"]
        .iter()
        .find(|c| before.col(c).is_some() || after.col(c).is_some())
        .map(|c| c.to_string());
    let mut devices: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    if let Some(dc) = &device_column {
        if let Some(i) = before.col(dc) {
            for v in before.rows.iter().filter_map(|r| r.get(i)) {
                devices.entry(v.clone()).or_default().0 += 1;
            }
        }
        if let Some(i) = after.col(dc) {
            for v in after.rows.iter().filter_map(|r| r.get(i)) {
                devices.entry(v.clone()).or_default().1 += 1;
            }
        }
    }
    ResultDiff {
        key_columns: keys,
        columns: after.columns.clone(),
        added: count(Change::Added),
        removed: count(Change::Removed),
        changed: count(Change::Changed),
        unchanged: count(Change::Unchanged),
        groups,
        device_column,
        devices: devices
            .into_iter()
            .map(|(device, (before, after))| DeviceCount {
                device,
                before,
                after,
            })
            .collect(),
    }
}

impl ResultDiff {
    /// A text report: the counts, each group that changed, and the per-device table.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let keyed = if self.key_columns.is_empty() {
            "whole rows".to_string()
        } else {
            format!("by {}", self.key_columns.join(", "))
        };
        let _ = writeln!(
            s,
            "diff ({keyed}): {} added, {} removed, {} changed, {} unchanged",
            self.added, self.removed, self.changed, self.unchanged
        );
        for g in &self.groups {
            let mark = match g.change {
                Change::Added => "+",
                Change::Removed => "-",
                Change::Changed => "~",
                Change::Unchanged => continue,
            };
            let _ = writeln!(s, "{mark} {}", g.key.join(" | "));
        }
        if let Some(dc) = &self.device_column {
            let _ = writeln!(s, "rows per {dc} (before -> after):");
            for d in &self.devices {
                let _ = writeln!(s, "  {}: {} -> {}", d.device, d.before, d.after);
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(cols: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            columns: cols.iter().map(|s| s.to_string()).collect(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
        }
    }

    #[test]
    fn keyed_groups_and_devices() {
        let b = t(
            &["DeviceName", "Count"],
            &[&["a", "1"], &["b", "2"], &["c", "3"]],
        );
        let a = t(
            &["DeviceName", "Count"],
            &[&["a", "1"], &["c", "1"], &["d", "5"]],
        );
        let d = diff(&b, &a, &["DeviceName".to_string()]);
        assert_eq!((d.added, d.removed, d.changed, d.unchanged), (1, 1, 1, 1));
        assert_eq!(d.device_column.as_deref(), Some("DeviceName"));
        let devs: Vec<(&str, usize, usize)> = d
            .devices
            .iter()
            .map(|x| (x.device.as_str(), x.before, x.after))
            .collect();
        assert_eq!(devs, [("a", 1, 1), ("b", 1, 0), ("c", 1, 1), ("d", 0, 1)]);
        // whole rows: the changed group is one removed and one added row
        let d = diff(&b, &a, &[]);
        assert_eq!((d.added, d.removed, d.changed, d.unchanged), (2, 2, 0, 1));
    }

    #[test]
    fn keys_of_the_final_summarize() {
        assert_eq!(
            summarize_keys(
                "let x = 1; T | where a > 1 | summarize c = count() by DeviceId, N = DeviceName | sort by c"
            ),
            ["DeviceId", "N"]
        );
        assert!(summarize_keys("T | summarize count() by bin(Timestamp, 1h)").is_empty());
        assert!(summarize_keys("T | take 1").is_empty());
    }
}
