//! The S2 cell functions.

use super::s2::{CellId, MAX_LEVEL};
use super::{check_numeric, check_string, level_arg, lng_lat, point_value, polygon_value, str_of};
use crate::engine::functions::{ArgInfo, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

/// Default level of `geo_point_to_s2cell` ([D] geo-point-to-s2cell-function.md).
const DEFAULT_LEVEL: i64 = 11;

/// `geo_point_to_s2cell(lng, lat[, level])`: the token; `""` for invalid coordinates or level.
pub(super) fn point_to_s2cell(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_numeric("geo_point_to_s2cell", a)?;
    Ok(Prepared::new(ScalarType::String, |v| {
        let t = (|| {
            let (lng, lat) = lng_lat(&v[0], &v[1])?;
            let level = match v.get(2) {
                Some(l) => level_arg(l)?,
                None => DEFAULT_LEVEL,
            };
            let level = u32::try_from(level).ok().filter(|l| *l <= MAX_LEVEL)?;
            Some(CellId::from_lng_lat(lng, lat).parent(level).token())
        })();
        Value::String(t.unwrap_or_default())
    }))
}

fn cell_arg(v: &Value) -> Option<CellId> {
    str_of(v).and_then(CellId::from_token)
}

pub(super) fn s2_to_central_point(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("geo_s2cell_to_central_point", &a[0])?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        match cell_arg(&v[0]) {
            Some(c) => {
                let (x, y) = c.center_lng_lat();
                point_value(x, y)
            }
            None => Value::Null,
        }
    }))
}

/// The cell's four vertices, counterclockwise as S2 numbers them, closed
/// ([E] geo-s2cell-to-polygon-function-00).
pub(super) fn s2_to_polygon(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("geo_s2cell_to_polygon", &a[0])?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        match cell_arg(&v[0]) {
            Some(c) => polygon_value(&c.vertices_lng_lat()),
            None => Value::Null,
        }
    }))
}
