//! Between polars columns and KQL values.

use polars::prelude::*;

use crate::data::types::polars_dtype;
use crate::kql::ScalarType;

use super::value::Value;

/// The values of a column holding KQL type `ty`.
pub fn column_values(c: &Column, ty: ScalarType) -> PolarsResult<Vec<Value>> {
    let s = c.as_materialized_series();
    let want = polars_dtype(ty);
    let s = if s.dtype() != &want {
        s.cast(&want)?
    } else {
        s.clone()
    };
    Ok(match ty {
        ScalarType::Bool => s
            .bool()?
            .iter()
            .map(|v| v.map_or(Value::Null, Value::Bool))
            .collect(),
        ScalarType::Int => s
            .i32()?
            .iter()
            .map(|v| v.map_or(Value::Null, Value::Int))
            .collect(),
        ScalarType::Long => s
            .i64()?
            .iter()
            .map(|v| v.map_or(Value::Null, Value::Long))
            .collect(),
        ScalarType::DateTime => s
            .i64()?
            .iter()
            .map(|v| v.map_or(Value::Null, Value::DateTime))
            .collect(),
        ScalarType::TimeSpan => s
            .i64()?
            .iter()
            .map(|v| v.map_or(Value::Null, Value::TimeSpan))
            .collect(),
        ScalarType::Real | ScalarType::Decimal => s
            .f64()?
            .iter()
            .map(|v| v.map_or(Value::Null, Value::Real))
            .collect(),
        ScalarType::String => s
            .str()?
            .iter()
            .map(|v| Value::String(v.unwrap_or("").to_string()))
            .collect(),
        ScalarType::Guid => s
            .str()?
            .iter()
            .map(|v| v.map_or(Value::Null, |g| Value::Guid(g.into())))
            .collect(),
        ScalarType::Dynamic => s
            .str()?
            .iter()
            .map(|v| v.map_or(Value::Null, parse_dynamic_text))
            .collect(),
    })
}

/// A dynamic cell's stored JSON text back to a value.
pub fn parse_dynamic_text(text: &str) -> Value {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Null) => Value::Null,
        Ok(v) => Value::Dynamic(v),
        Err(_) => Value::Dynamic(serde_json::Value::String(text.to_string())),
    }
}

/// The JSON text stored for a dynamic value.
pub fn dynamic_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::Dynamic(serde_json::Value::Null) => None,
        Value::Dynamic(j) => Some(j.to_string()),
        other => Some(other.to_dynamic().to_string()),
    }
}

/// Coerces a value to type `ty` for storage (numeric widening, ticks, tostring for strings). Values that
/// cannot be held become null.
pub fn coerce(v: &Value, ty: ScalarType) -> Value {
    match (ty, v) {
        (_, Value::Null) => Value::null_of(ty),
        (ScalarType::String, v) => Value::String(v.to_kql_string()),
        (ScalarType::Bool, Value::Bool(b)) => Value::Bool(*b),
        (ScalarType::Bool, Value::Dynamic(serde_json::Value::Bool(b))) => Value::Bool(*b),
        (ScalarType::Int, v) => v
            .as_i64()
            .and_then(|i| i32::try_from(i).ok())
            .map_or(Value::Null, Value::Int),
        (ScalarType::Long, Value::Real(_)) => v.as_i64().map_or(Value::Null, Value::Long),
        (ScalarType::Long, v) => match v {
            Value::Int(_) | Value::Long(_) | Value::Dynamic(_) => {
                v.as_i64().map_or(Value::Null, Value::Long)
            }
            _ => Value::Null,
        },
        (ScalarType::Real | ScalarType::Decimal, v) => v.as_f64().map_or(Value::Null, Value::Real),
        (ScalarType::DateTime, Value::DateTime(t)) => Value::DateTime(*t),
        (ScalarType::DateTime, Value::Dynamic(serde_json::Value::String(s))) => {
            super::value::parse_datetime(s).map_or(Value::Null, Value::DateTime)
        }
        (ScalarType::TimeSpan, Value::TimeSpan(t)) => Value::TimeSpan(*t),
        (ScalarType::TimeSpan, Value::Dynamic(serde_json::Value::String(s))) => {
            super::value::parse_timespan(s).map_or(Value::Null, Value::TimeSpan)
        }
        (ScalarType::Guid, Value::Guid(g) | Value::String(g)) => Value::Guid(g.clone()),
        (ScalarType::Dynamic, v) => match v {
            Value::Dynamic(_) => v.clone(),
            other => Value::Dynamic(other.to_dynamic()),
        },
        _ => Value::Null,
    }
}

/// A column of type `ty` from values (coerced).
pub fn values_column(name: &str, values: &[Value], ty: ScalarType) -> Column {
    let name: PlSmallStr = name.into();
    let s: Series = match ty {
        ScalarType::Bool => BooleanChunked::from_iter_options(
            name,
            values.iter().map(|v| match coerce(v, ty) {
                Value::Bool(b) => Some(b),
                _ => None,
            }),
        )
        .into_series(),
        ScalarType::Int => Int32Chunked::from_iter_options(
            name,
            values.iter().map(|v| match coerce(v, ty) {
                Value::Int(i) => Some(i),
                _ => None,
            }),
        )
        .into_series(),
        ScalarType::Long | ScalarType::DateTime | ScalarType::TimeSpan => {
            Int64Chunked::from_iter_options(
                name,
                values.iter().map(|v| match coerce(v, ty) {
                    Value::Long(i) | Value::DateTime(i) | Value::TimeSpan(i) => Some(i),
                    _ => None,
                }),
            )
            .into_series()
        }
        ScalarType::Real | ScalarType::Decimal => Float64Chunked::from_iter_options(
            name,
            values.iter().map(|v| match coerce(v, ty) {
                Value::Real(f) => Some(f),
                _ => None,
            }),
        )
        .into_series(),
        ScalarType::String => {
            StringChunked::from_iter_options(name, values.iter().map(|v| Some(v.to_kql_string())))
                .into_series()
        }
        ScalarType::Guid => StringChunked::from_iter_options(
            name,
            values.iter().map(|v| match v {
                Value::Null => None,
                other => Some(other.to_kql_string()),
            }),
        )
        .into_series(),
        ScalarType::Dynamic => {
            StringChunked::from_iter_options(name, values.iter().map(dynamic_text)).into_series()
        }
    };
    s.into_column()
}

/// The rows of a frame as values, given its KQL schema.
pub fn frame_rows(
    df: &DataFrame,
    schema: &[(String, ScalarType)],
) -> PolarsResult<Vec<Vec<Value>>> {
    let mut cols = Vec::with_capacity(schema.len());
    for (name, ty) in schema {
        cols.push(column_values(df.column(name)?, *ty)?);
    }
    let n = df.height();
    Ok((0..n)
        .map(|i| cols.iter().map(|c| c[i].clone()).collect())
        .collect())
}

/// A polars literal expression holding a KQL constant of type `ty`.
pub fn lit_value(v: &Value, ty: ScalarType) -> Expr {
    let v = coerce(v, ty);
    let dtype = polars_dtype(ty);
    // Every literal is cast to the declared dtype: polars keeps integer literals "dynamic" and may
    // materialise them as Int32, while a KQL long column must be Int64 (union/concat compare dtypes).
    let e = match v {
        Value::Null => lit(Null {}),
        Value::Bool(b) => lit(b),
        Value::Int(i) => lit(i),
        Value::Long(i) | Value::DateTime(i) | Value::TimeSpan(i) => lit(i),
        Value::Real(f) => lit(f),
        Value::String(s) | Value::Guid(s) => lit(s),
        Value::Dynamic(_) => match dynamic_text(&v) {
            Some(t) => lit(t),
            None => lit(Null {}),
        },
    };
    e.cast(dtype)
}
