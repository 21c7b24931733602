//! Tables: the Defender Advanced Hunting schema, the catalog of tables read from export files, and the
//! sample-data generator.
//!
//! Representation contract with the engine (see [`types::polars_dtype`]): every KQL type maps to one polars
//! type. Datetimes and timespans are `Int64` 100 ns ticks (datetimes since the Unix epoch, UTC); dynamic is
//! a `String` holding JSON text (polars null for `dynamic(null)`); strings are never null (`""`).

pub mod catalog;
pub mod convert;
pub mod csvfile;
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
    /// A scan of the table keeping the rows `predicate` (over the columns of [`Self::scan`]) holds for.
    /// Providers that convert the files' columns on the way in apply it before the conversion where they can,
    /// so that the file reader itself drops the rows that fail it.
    fn scan_where(&self, name: &str, predicate: Expr) -> Result<LazyFrame, String> {
        Ok(self.scan(name)?.filter(predicate))
    }
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
