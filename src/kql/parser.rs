//! The KQL parser. (to be written)

use super::ast::Query;
use super::diag::Diagnostic;

/// Parses a whole query.
pub fn parse(source: &str) -> Result<Query, Diagnostic> {
    let _ = source;
    Err(Diagnostic::unsupported(
        "the parser is not written yet",
        None,
    ))
}
