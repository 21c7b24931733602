//! How KQL types are held in polars.

use polars::prelude::DataType;

use crate::kql::ScalarType;

/// The polars type that holds a KQL type (see the module docs of [`crate::data`]).
pub fn polars_dtype(ty: ScalarType) -> DataType {
    match ty {
        ScalarType::Bool => DataType::Boolean,
        ScalarType::Int => DataType::Int32,
        ScalarType::Long => DataType::Int64,
        ScalarType::Real | ScalarType::Decimal => DataType::Float64,
        ScalarType::String | ScalarType::Guid | ScalarType::Dynamic => DataType::String,
        ScalarType::DateTime | ScalarType::TimeSpan => DataType::Int64,
    }
}
