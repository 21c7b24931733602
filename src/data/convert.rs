//! Text and JSON values into the engine's representation (see the module docs of [`crate::data`]).
//!
//! The same functions validate values when a catalog opens a file (bad values are counted and reported) and
//! convert them when a query runs, so a value reported as unreadable is exactly a value read as null.

use polars::prelude::*;

use crate::data::time::{TimeOptions, parse_datetime_with, parse_timespan};
use crate::data::types::polars_dtype;
use crate::kql::ScalarType;

/// A KQL `long` written as text: optional sign, decimal digits.
pub fn parse_long(s: &str) -> Option<i64> {
    let t = s.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<i64>().ok()
}

pub fn parse_int(s: &str) -> Option<i32> {
    parse_long(s).and_then(|v| i32::try_from(v).ok())
}

/// A KQL `real` written as text: a decimal number with optional exponent, or `NaN`, `Infinity`, `-Infinity`.
pub fn parse_real(s: &str) -> Option<f64> {
    let t = s.trim();
    match t {
        "NaN" | "nan" => return Some(f64::NAN),
        "Infinity" | "+Infinity" | "inf" => return Some(f64::INFINITY),
        "-Infinity" | "-inf" => return Some(f64::NEG_INFINITY),
        _ => {}
    }
    if !t.bytes().any(|b| b.is_ascii_digit())
        || !t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'))
    {
        return None;
    }
    t.parse::<f64>().ok()
}

/// `true`/`false` in any case (as exports write them), and `1`/`0`.
pub fn parse_bool(s: &str) -> Option<bool> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Some(false)
    } else {
        None
    }
}

/// Is a non-empty text value readable as `ty`? (An empty value is always fine: it is null, or `""`.)
pub fn text_is_valid(ty: ScalarType, s: &str) -> bool {
    text_is_valid_with(ty, s, TimeOptions::default())
}

/// [`text_is_valid`], reading datetimes with `opts`.
pub fn text_is_valid_with(ty: ScalarType, s: &str, opts: TimeOptions) -> bool {
    match ty {
        ScalarType::String | ScalarType::Guid | ScalarType::Dynamic => true,
        ScalarType::Bool => parse_bool(s).is_some(),
        ScalarType::Int => parse_int(s).is_some(),
        ScalarType::Long => parse_long(s).is_some(),
        ScalarType::Real | ScalarType::Decimal => parse_real(s).is_some(),
        ScalarType::DateTime => parse_datetime_with(s, opts).is_some(),
        ScalarType::TimeSpan => parse_timespan(s).is_some(),
    }
}

/// What a text column holds, as far as the values seen say.
#[derive(Clone, Debug)]
pub struct Inference {
    non_empty: usize,
    can_bool: bool,
    can_long: bool,
    can_real: bool,
    can_datetime: bool,
}

impl Default for Inference {
    fn default() -> Self {
        Inference {
            non_empty: 0,
            can_bool: true,
            can_long: true,
            can_real: true,
            can_datetime: true,
        }
    }
}

impl Inference {
    /// Whether further values can still change the answer.
    pub fn open(&self) -> bool {
        self.can_bool || self.can_long || self.can_real || self.can_datetime
    }

    pub fn see(&mut self, s: &str) {
        if s.is_empty() {
            return;
        }
        self.non_empty += 1;
        if self.can_bool && !(s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false")) {
            self.can_bool = false;
        }
        if self.can_long && parse_long(s).is_none() {
            self.can_long = false;
        }
        if self.can_real && (parse_real(s).is_none() || !s.bytes().any(|b| b.is_ascii_digit())) {
            self.can_real = false;
        }
        if self.can_datetime && !looks_like_datetime(s) {
            self.can_datetime = false;
        }
    }

    /// The type: bool, long, real, datetime when every non-empty value reads as one; otherwise string. A
    /// column with no values at all is a string column.
    pub fn result(&self) -> ScalarType {
        if self.non_empty == 0 {
            ScalarType::String
        } else if self.can_bool {
            ScalarType::Bool
        } else if self.can_long {
            ScalarType::Long
        } else if self.can_real {
            ScalarType::Real
        } else if self.can_datetime {
            ScalarType::DateTime
        } else {
            ScalarType::String
        }
    }
}

/// An ISO or locale datetime with at least a time of day, or a bare `yyyy-MM-dd` date.
fn looks_like_datetime(s: &str) -> bool {
    s.len() >= 10 && parse_datetime_with(s, TimeOptions::default()).is_some()
}

fn int64_from<I: Iterator<Item = Option<i64>>>(name: PlSmallStr, it: I) -> Column {
    let ca: Int64Chunked = it.collect();
    ca.with_name(name).into_column()
}

/// Converts a polars String column (text as read from a file) into the representation of `ty`. Used as a
/// lazy, elementwise map when a query runs.
pub fn convert_text_column(c: Column, ty: ScalarType) -> PolarsResult<Column> {
    convert_text_column_with(c, ty, TimeOptions::default())
}

/// [`convert_text_column`], reading datetimes with `opts`.
pub fn convert_text_column_with(
    c: Column,
    ty: ScalarType,
    opts: TimeOptions,
) -> PolarsResult<Column> {
    let name = c.name().clone();
    let c = if c.dtype() == &DataType::String {
        c
    } else {
        c.cast(&DataType::String)?
    };
    let ca = c.str()?;
    Ok(match ty {
        ScalarType::String | ScalarType::Guid => {
            let out: StringChunked = ca.iter().map(|o| Some(o.unwrap_or(""))).collect();
            out.with_name(name).into_column()
        }
        ScalarType::Dynamic => {
            let out: StringChunked = ca.iter().map(|o| o.filter(|s| !s.is_empty())).collect();
            out.with_name(name).into_column()
        }
        ScalarType::Bool => {
            let out: BooleanChunked = ca.iter().map(|o| o.and_then(parse_bool)).collect();
            out.with_name(name).into_column()
        }
        ScalarType::Int => {
            let out: Int32Chunked = ca.iter().map(|o| o.and_then(parse_int)).collect();
            out.with_name(name).into_column()
        }
        ScalarType::Long => int64_from(name, ca.iter().map(|o| o.and_then(parse_long))),
        ScalarType::Real | ScalarType::Decimal => {
            let out: Float64Chunked = ca.iter().map(|o| o.and_then(parse_real)).collect();
            out.with_name(name).into_column()
        }
        ScalarType::DateTime => int64_from(
            name,
            ca.iter()
                .map(|o| o.and_then(|s| parse_datetime_with(s, opts))),
        ),
        ScalarType::TimeSpan => int64_from(name, ca.iter().map(|o| o.and_then(parse_timespan))),
    })
}

/// A lazy expression converting the text column `source` into `ty`, named `name`.
pub fn text_expr(source: &str, name: &str, ty: ScalarType) -> Expr {
    text_expr_with(source, name, ty, TimeOptions::default())
}

/// [`text_expr`], reading datetimes with `opts`.
pub fn text_expr_with(source: &str, name: &str, ty: ScalarType, opts: TimeOptions) -> Expr {
    let dtype = polars_dtype(ty);
    col(source)
        .map(
            move |c| convert_text_column_with(c, ty, opts),
            move |_, f| Ok(Field::new(f.name().clone(), dtype.clone())),
        )
        .alias(name)
}

/// A column of nulls (or `""` for strings) of type `ty`, named `name`.
pub fn null_expr(name: &str, ty: ScalarType) -> Expr {
    match ty {
        ScalarType::String | ScalarType::Guid => lit("").alias(name),
        _ => lit(NULL).cast(polars_dtype(ty)).alias(name),
    }
}

/// A column of `height` nulls (or `""` for strings) of type `ty`.
pub fn null_column(name: &str, ty: ScalarType, height: usize) -> Column {
    match ty {
        ScalarType::String | ScalarType::Guid => Column::new(name.into(), vec![""; height]),
        _ => Column::full_null(name.into(), height, &polars_dtype(ty)),
    }
}

/// One value in the engine's representation (datetimes and timespans as `Long` ticks).
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Null,
    Bool(bool),
    Int(i32),
    Long(i64),
    Real(f64),
    Str(String),
}

/// A value that cannot be read as its column's type (it is read as null, and reported).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Unreadable;

/// A JSON value as `ty`: JSON null is null (`""` for strings); text is parsed as the exports write it.
pub fn json_cell(ty: ScalarType, v: &serde_json::Value) -> Result<Cell, Unreadable> {
    json_cell_with(ty, v, TimeOptions::default())
}

/// [`json_cell`], reading datetime text with `opts`.
pub fn json_cell_with(
    ty: ScalarType,
    v: &serde_json::Value,
    opts: TimeOptions,
) -> Result<Cell, Unreadable> {
    use serde_json::Value as J;
    if v.is_null() {
        return Ok(match ty {
            ScalarType::String | ScalarType::Guid => Cell::Str(String::new()),
            _ => Cell::Null,
        });
    }
    let text = |s: &str, ok: Option<Cell>| -> Result<Cell, Unreadable> {
        if s.is_empty() {
            Ok(Cell::Null)
        } else {
            ok.ok_or(Unreadable)
        }
    };
    match ty {
        ScalarType::String | ScalarType::Guid => Ok(Cell::Str(match v {
            J::String(s) => s.clone(),
            other => other.to_string(),
        })),
        ScalarType::Dynamic => Ok(match v {
            // A string holding JSON stays as it is; a bare string becomes a JSON string.
            J::String(s) if s.is_empty() => Cell::Null,
            J::String(s) => match serde_json::from_str::<serde_json::Value>(s) {
                Ok(_) => Cell::Str(s.clone()),
                Err(_) => Cell::Str(v.to_string()),
            },
            other => Cell::Str(other.to_string()),
        }),
        ScalarType::Bool => match v {
            J::Bool(b) => Ok(Cell::Bool(*b)),
            J::Number(n) => match n.as_i64() {
                Some(0) => Ok(Cell::Bool(false)),
                Some(1) => Ok(Cell::Bool(true)),
                _ => Err(Unreadable),
            },
            J::String(s) => text(s, parse_bool(s).map(Cell::Bool)),
            _ => Err(Unreadable),
        },
        ScalarType::Int => match v {
            J::Number(n) => n
                .as_i64()
                .and_then(|i| i32::try_from(i).ok())
                .map(Cell::Int)
                .ok_or(Unreadable),
            J::String(s) => text(s, parse_int(s).map(Cell::Int)),
            _ => Err(Unreadable),
        },
        ScalarType::Long => match v {
            J::Number(n) => n.as_i64().map(Cell::Long).ok_or(Unreadable),
            J::String(s) => text(s, parse_long(s).map(Cell::Long)),
            _ => Err(Unreadable),
        },
        ScalarType::Real | ScalarType::Decimal => match v {
            J::Number(n) => n.as_f64().map(Cell::Real).ok_or(Unreadable),
            J::String(s) => text(s, parse_real(s).map(Cell::Real)),
            _ => Err(Unreadable),
        },
        ScalarType::DateTime => match v {
            J::String(s) => text(s, parse_datetime_with(s, opts).map(Cell::Long)),
            _ => Err(Unreadable),
        },
        ScalarType::TimeSpan => match v {
            J::String(s) => text(s, parse_timespan(s).map(Cell::Long)),
            _ => Err(Unreadable),
        },
    }
}

/// Builds a polars column of type `ty` from cells.
pub fn cells_to_column(name: &str, ty: ScalarType, cells: Vec<Cell>) -> Column {
    let name = PlSmallStr::from(name);
    match ty {
        ScalarType::String | ScalarType::Guid | ScalarType::Dynamic => {
            let ca: StringChunked = cells
                .into_iter()
                .map(|c| match c {
                    Cell::Str(s) => Some(s),
                    _ if ty == ScalarType::Dynamic => None,
                    _ => Some(String::new()),
                })
                .collect();
            ca.with_name(name).into_column()
        }
        ScalarType::Bool => {
            let ca: BooleanChunked = cells
                .into_iter()
                .map(|c| if let Cell::Bool(b) = c { Some(b) } else { None })
                .collect();
            ca.with_name(name).into_column()
        }
        ScalarType::Int => {
            let ca: Int32Chunked = cells
                .into_iter()
                .map(|c| if let Cell::Int(i) = c { Some(i) } else { None })
                .collect();
            ca.with_name(name).into_column()
        }
        ScalarType::Real | ScalarType::Decimal => {
            let ca: Float64Chunked = cells
                .into_iter()
                .map(|c| if let Cell::Real(f) = c { Some(f) } else { None })
                .collect();
            ca.with_name(name).into_column()
        }
        ScalarType::Long | ScalarType::DateTime | ScalarType::TimeSpan => int64_from(
            name,
            cells
                .into_iter()
                .map(|c| if let Cell::Long(i) = c { Some(i) } else { None }),
        ),
    }
}

/// The KQL type a JSON value suggests (for tables without a known schema).
pub fn json_value_type(v: &serde_json::Value) -> Option<ScalarType> {
    use serde_json::Value as J;
    match v {
        J::Null => None,
        J::Bool(_) => Some(ScalarType::Bool),
        J::Number(n) if n.is_i64() => Some(ScalarType::Long),
        J::Number(_) => Some(ScalarType::Real),
        J::String(s) if s.is_empty() => None,
        J::String(s) if looks_like_datetime(s) => Some(ScalarType::DateTime),
        J::String(_) => Some(ScalarType::String),
        J::Array(_) | J::Object(_) => Some(ScalarType::Dynamic),
    }
}

/// Merges two suggested types: long and real make real; anything else mixed is string, or dynamic if one
/// side is dynamic.
pub fn merge_types(a: Option<ScalarType>, b: Option<ScalarType>) -> Option<ScalarType> {
    use ScalarType::*;
    match (a, b) {
        (None, x) | (x, None) => x,
        (Some(x), Some(y)) if x == y => Some(x),
        (Some(Long), Some(Real)) | (Some(Real), Some(Long)) => Some(Real),
        (Some(Dynamic), _) | (_, Some(Dynamic)) => Some(Dynamic),
        _ => Some(String),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars() {
        assert_eq!(parse_long("48213"), Some(48213));
        assert_eq!(parse_long("-7"), Some(-7));
        assert_eq!(parse_long("1.0"), None);
        assert_eq!(parse_long(""), None);
        assert_eq!(parse_int("3000000000"), None);
        assert_eq!(parse_real("1e3"), Some(1000.0));
        assert_eq!(parse_real("e"), None);
        assert_eq!(parse_bool("True"), Some(true));
        assert_eq!(parse_bool("FALSE"), Some(false));
        assert_eq!(parse_bool("yes"), None);
    }

    #[test]
    fn inference() {
        let infer = |vals: &[&str]| {
            let mut i = Inference::default();
            vals.iter().for_each(|v| i.see(v));
            i.result()
        };
        assert_eq!(infer(&["1", "", "22"]), ScalarType::Long);
        assert_eq!(infer(&["1", "2.5"]), ScalarType::Real);
        assert_eq!(infer(&["true", "False"]), ScalarType::Bool);
        assert_eq!(
            infer(&["2024-01-01T00:00:00Z", "2024-01-02 10:00"]),
            ScalarType::DateTime
        );
        assert_eq!(infer(&["1", "x"]), ScalarType::String);
        assert_eq!(infer(&["", ""]), ScalarType::String);
        assert_eq!(infer(&["NaN"]), ScalarType::String);
    }

    #[test]
    fn json_cells() {
        use serde_json::json;
        assert_eq!(json_cell(ScalarType::Long, &json!(5)), Ok(Cell::Long(5)));
        assert_eq!(json_cell(ScalarType::Long, &json!("5")), Ok(Cell::Long(5)));
        assert_eq!(json_cell(ScalarType::Long, &json!("x")), Err(Unreadable));
        assert_eq!(
            json_cell(ScalarType::String, &json!(null)),
            Ok(Cell::Str(String::new()))
        );
        assert_eq!(
            json_cell(ScalarType::String, &json!({"a": 1})),
            Ok(Cell::Str("{\"a\":1}".into()))
        );
        assert_eq!(
            json_cell(ScalarType::DateTime, &json!("1970-01-01T00:00:01Z")),
            Ok(Cell::Long(10_000_000))
        );
        assert_eq!(json_cell(ScalarType::DateTime, &json!("")), Ok(Cell::Null));
        assert_eq!(
            json_cell(ScalarType::Dynamic, &json!("[]")),
            Ok(Cell::Str("[]".into()))
        );
        assert_eq!(
            json_cell(ScalarType::Dynamic, &json!([1, 2])),
            Ok(Cell::Str("[1,2]".into()))
        );
    }
}
