//! Rule tuning (issue 7): what a parameter change did to a rule's result ([`diff`]), why one raw event is in or
//! out ([`explain`]), excluding a noisy value ([`exclude`]), value counts of a column ([`frequency`]), and
//! named parameter sets per rule ([`session`]). Saving the tuned rule is [`crate::rules::save`].
//!
//! Layer: stands on `kql`, `engine`, `rules` and `data`; used by `cli` and `tui`.

pub mod diff;
pub mod exclude;
pub mod explain;
pub mod session;

pub use diff::{Change, DeviceCount, GroupDiff, ResultDiff, Table, diff, summarize_keys};
pub use exclude::{exclude, exclusion_param_name};
pub use explain::{Outcome, Verdict, explain};

/// A rule's query tuned: exclusions added, parameter values set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tuned {
    /// The query as it runs (placeholders substituted).
    pub run: String,
    /// The query as it is saved in the rule (placeholders kept), or why it cannot be.
    pub save: Result<String, String>,
    /// `values` names that are not parameters of the query.
    pub unknown: Vec<String>,
}

/// Tunes `query`: each exclusion (column, value) added ([`exclude`]), then each parameter (name, KQL value) set
/// and validated. `tables` gives the schema exclusions are placed by.
pub fn tune_query(
    query: &str,
    values: &[(String, String)],
    exclusions: &[(String, String)],
    tables: &dyn crate::data::TableProvider,
    opts: &crate::engine::RunOptions,
) -> Result<Tuned, String> {
    let mut q = query.to_string();
    for (column, value) in exclusions {
        q = exclude(&q, column, value, tables, opts)?;
    }
    let (ps, unknown) = crate::kql::params::with_values(&q, values)?;
    Ok(Tuned {
        run: crate::kql::params::apply(&q, &ps)?,
        save: crate::kql::params::apply_edits(&q, &ps),
        unknown,
    })
}

/// Value counts of column `column` of `table`: (value, count), most frequent first, then by value.
pub fn frequency(table: &Table, column: &str) -> Option<Vec<(String, usize)>> {
    let c = table.columns.iter().position(|n| n == column)?;
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for r in &table.rows {
        if let Some(v) = r.get(c) {
            *counts.entry(v.as_str()).or_default() += 1;
        }
    }
    let mut out: Vec<(String, usize)> = counts
        .into_iter()
        .map(|(v, n)| (v.to_string(), n))
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frequency_sorted_desc() {
        let t = Table {
            columns: vec!["Signer".into()],
            rows: [["b"], ["a"], ["b"], ["c"], ["a"], ["b"]]
                .iter()
                .map(|r| r.iter().map(|s| s.to_string()).collect())
                .collect(),
        };
        assert_eq!(
            frequency(&t, "Signer").unwrap(),
            [
                ("b".to_string(), 3),
                ("a".to_string(), 2),
                ("c".to_string(), 1)
            ]
        );
        assert!(frequency(&t, "Nope").is_none());
    }
}
