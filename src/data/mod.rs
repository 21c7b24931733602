//! Tables: the Defender Advanced Hunting schema, the catalog of tables read from export files, and the
//! sample-data generator.
//!
//! Representation contract with the engine (see [`types::polars_dtype`]): every KQL type maps to one polars
//! type. Datetimes and timespans are `Int64` 100 ns ticks (datetimes since the Unix epoch, UTC); dynamic is
//! a `String` holding JSON text (polars null for `dynamic(null)`); strings are never null (`""`).

pub mod catalog;
pub mod convert;
pub mod csvfile;
pub mod csvread;
mod dict;
pub mod error;
pub mod export_write;
pub mod jsonfile;
pub mod sample;
pub mod schema;
pub mod time;
pub mod types;

pub use catalog::{Catalog, FileInfo, LoadOptions, TableInfo};
pub use error::{DataError, DataWarning};
pub use schema::{defender_schema, defender_table_names};

use polars::prelude::{Expr, LazyFrame};

use crate::kql::ScalarType;

/// A table's columns, in order.
pub type TableSchema = Vec<(String, ScalarType)>;

/// Where the engine gets tables from. The catalog of export files implements it; so do the schema-only
/// catalog of `huntbench check` and the empty catalog of self-contained queries.
pub trait TableProvider: Send + Sync {
    /// The names of all tables, for `union *`-style wildcards and "did you mean".
    fn table_names(&self) -> Vec<String>;
    /// A table's schema, without reading its data.
    fn schema(&self, name: &str) -> Option<TableSchema>;
    /// A lazy scan of the table in the representation above. Only the columns and rows a query needs are
    /// read when it runs.
    fn scan(&self, name: &str) -> Result<LazyFrame, String>;
    /// A scan of the table keeping the rows for which every one of `conditions` (over the columns of
    /// [`Self::scan`]) holds. Providers that convert the files' columns on the way in apply them before the
    /// conversion where they can, so that the file reader itself drops the rows that fail them; providers that
    /// keep data between queries may reuse what a condition with the same [`Condition::key`] selected before.
    fn scan_where(&self, name: &str, conditions: Vec<Condition>) -> Result<LazyFrame, String> {
        let lf = self.scan(name)?;
        Ok(match all_of(&conditions) {
            Some(p) => lf.filter(p),
            None => lf,
        })
    }
    /// Problems the scans run so far found in the data (values that could not be read, say), for providers
    /// that check data as queries read it.
    fn read_warnings(&self) -> Vec<DataWarning> {
        Vec::new()
    }
}

/// One `and`-part of the filter a query puts straight over a table.
#[derive(Clone, Debug)]
pub struct Condition {
    /// The condition over the table's columns, row by row; null counts as false.
    pub expr: Expr,
    /// What the condition means independently of the query it came from (its KQL form with the values of the
    /// names it uses and the query's `now()`), when it depends on nothing but the table's rows and each row
    /// on its own values. Two conditions with the same key select the same rows of the same data, and a keyed
    /// condition can be evaluated over any subset of the rows. `None`: neither.
    pub key: Option<String>,
}

/// The conjunction of `conditions` (`None` for none).
pub fn all_of(conditions: &[Condition]) -> Option<Expr> {
    conditions
        .iter()
        .map(|c| c.expr.clone())
        .reduce(|a, b| a.and(b))
}

/// No tables: for queries that build their own data (`datatable`, `print`, `range`).
pub struct NoTables;

impl TableProvider for NoTables {
    fn table_names(&self) -> Vec<String> {
        Vec::new()
    }
    fn schema(&self, _name: &str) -> Option<TableSchema> {
        None
    }
    fn scan(&self, name: &str) -> Result<LazyFrame, String> {
        Err(format!("no table named {name}"))
    }
}
