//! The KQL front end: lexer, parser, syntax tree with spans, diagnostics and parameter discovery.
//! Knows nothing of polars or the terminal.

pub mod ast;
pub mod diag;
pub mod lexer;
pub mod literal;
pub mod params;
pub mod parser;
pub mod refs;
pub mod types;

pub use ast::{Query, Span};
pub use diag::{DiagKind, Diagnostic};
pub use parser::parse;
pub use types::ScalarType;
