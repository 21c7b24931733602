//! Sentinel hunting rules: the YAML model, loading files and folder trees, and replacing a rule's query in
//! place (for saving a tuned rule).
//!
//! A rule file is a YAML mapping with at least `query` (the KQL text); `id`, `name`, `description`,
//! `requiredDataConnectors`, `tactics`, `relevantTechniques` are read into [`Rule`]'s typed fields and every
//! field, known or not, stays in [`Rule::doc`] in file order.
//!
//! Loading ([`load_path`]) never stops at a bad file: each one becomes a [`LoadError`] with a 1-based line and
//! column (`file:line:col: message`). Extensionless files are loaded when they parse as a rule, reported when
//! they look like a rule attempt (the corpus has exactly three, all upstream YAML mistakes), and skipped
//! otherwise.
//!
//! [`save`] writes a tuned rule back (only the query lines change, `version` bumped; atomic, with a backup).
//!
//! [`pack`] builds huntbench's RMM rule pack (`rules/rmm-pack/`) from `rmm_tools.json`.

mod load;
mod locate;
mod model;
pub mod pack;
pub mod save;

pub use load::{
    LoadError, LoadReport, MAX_RULE_FILE_BYTES, SkippedFile, load_file, load_path, load_paths,
    parse_rule,
};
pub use model::{DataConnector, QueryStyle, Rule};
