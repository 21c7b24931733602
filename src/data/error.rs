//! Errors and warnings of the data layer. Every message names the file, and the line where it can.

use std::fmt;

/// Why a data folder or file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error(
        "data folder '{0}' does not exist; pass --data DIR or run `huntbench sample generate --out {0}`"
    )]
    MissingFolder(String),
    #[error("'{0}' is not a folder; pass --data DIR with a folder of exported tables")]
    NotAFolder(String),
    #[error("{path}: cannot read: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}: empty file (expected a header row or JSON records)")]
    EmptyFile(String),
    #[error("{path}:{line}: {message}")]
    Malformed {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("table {table} is given twice: {first} and {second}; keep one")]
    DuplicateTable {
        table: String,
        first: String,
        second: String,
    },
}

/// Something read from the data that the user should know about: unreadable values (read as null), columns
/// that could not be used, names that were adjusted.
#[derive(Clone, Debug, PartialEq)]
pub struct DataWarning {
    pub file: String,
    /// The first line (CSV, JSON lines) or record number (JSON arrays) concerned.
    pub line: Option<usize>,
    pub column: Option<String>,
    /// How many values are concerned (1 for a one-off remark).
    pub count: usize,
    pub message: String,
}

impl fmt::Display for DataWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": ")?;
        if let Some(col) = &self.column {
            write!(f, "column {col}: ")?;
        }
        write!(f, "{}", self.message)
    }
}
