//! The KQL engine: plans a parsed query onto polars lazy frames and runs it.

pub mod functions;
pub mod value;
