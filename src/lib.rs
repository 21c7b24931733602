//! huntbench: a terminal hunt workbench for Microsoft Sentinel / Defender XDR hunting rules.
//!
//! Layers, arrows pointing one way: `kql` (language front end) → `data` (tables from export files, the
//! Defender schema) → `engine` (plans KQL onto polars) → `remote` (the local engine or a remote Kusto
//! service behind one `Backend`, with `config`'s named connections); `rules` (Sentinel YAML) stands on
//! `kql`; `cli` and `tui` at the top.

pub mod cli;
pub mod config;
pub mod data;
pub mod engine;
pub mod kql;
pub mod remote;
pub mod rules;
pub mod tui;
pub mod tune;
