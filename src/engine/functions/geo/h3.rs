//! H3 cells ([h3o], a port of Uber's H3): tokens are the 15-digit lowercase hex form of a cell index.

use std::str::FromStr;

use h3o::{CellIndex, LatLng, Resolution};
use serde_json::Value as J;

use super::{
    check_numeric, check_string, level_arg, lng_lat, point_value, polygon_value, str_of,
    string_array,
};
use crate::engine::functions::{ArgInfo, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

/// Default resolution of `geo_point_to_h3cell` ([D] geo-point-to-h3cell-function.md).
const DEFAULT_RESOLUTION: i64 = 6;
/// `geo_h3cell_children` refuses more than 5 levels below the cell ([D] geo-h3cell-children-function.md).
const MAX_CHILD_LEVELS: i64 = 5;
/// `geo_h3cell_rings` distances are in [0, 142] ([D] geo-h3cell-rings-function.md).
const MAX_RING_DISTANCE: i64 = 142;

fn cell_of(v: &Value) -> Option<CellIndex> {
    let s = str_of(v)?;
    // A token is at most 16 hex digits; h3o also accepts no sign or prefix.
    if s.is_empty() || s.len() > 16 || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    CellIndex::from_str(s).ok()
}

fn resolution(r: i64) -> Option<Resolution> {
    u8::try_from(r)
        .ok()
        .and_then(|r| Resolution::try_from(r).ok())
}

fn token(c: CellIndex) -> String {
    c.to_string()
}

/// `geo_point_to_h3cell(lng, lat[, resolution])`: `""` for invalid coordinates or resolution.
pub(super) fn point_to_h3cell(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_numeric("geo_point_to_h3cell", a)?;
    Ok(Prepared::new(ScalarType::String, |v| {
        let cell = (|| {
            let (lng, lat) = lng_lat(&v[0], &v[1])?;
            let res = match v.get(2) {
                Some(r) => resolution(level_arg(r)?)?,
                None => resolution(DEFAULT_RESOLUTION)?,
            };
            Some(LatLng::new(lat, lng).ok()?.to_cell(res))
        })();
        Value::String(cell.map(token).unwrap_or_default())
    }))
}

pub(super) fn to_central_point(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("geo_h3cell_to_central_point", &a[0])?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        match cell_of(&v[0]) {
            Some(c) => {
                let ll = LatLng::from(c);
                point_value(ll.lng(), ll.lat())
            }
            None => Value::Null,
        }
    }))
}

/// The cell's boundary as H3 gives it (counterclockwise), closed.
pub(super) fn to_polygon(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("geo_h3cell_to_polygon", &a[0])?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        match cell_of(&v[0]) {
            Some(c) => {
                let ring: Vec<(f64, f64)> =
                    c.boundary().iter().map(|p| (p.lng(), p.lat())).collect();
                polygon_value(&ring)
            }
            None => Value::Null,
        }
    }))
}

/// `geo_h3cell_level`: an int ([E] geo-h3cell-level-function-00 types the column Int32).
pub(super) fn level(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("geo_h3cell_level", &a[0])?;
    Ok(Prepared::new(ScalarType::Int, |v| match cell_of(&v[0]) {
        Some(c) => Value::Int(i32::from(u8::from(c.resolution()))),
        None => Value::Null,
    }))
}

/// `geo_h3cell_parent(cell[, resolution])`: the immediate parent by default; `""` when the cell is invalid
/// or the resolution is not coarser than the cell's.
pub(super) fn parent(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("geo_h3cell_parent", &a[0])?;
    if a.len() > 1 {
        check_numeric("geo_h3cell_parent", &a[1..])?;
    }
    Ok(Prepared::new(ScalarType::String, |v| {
        let p = (|| {
            let c = cell_of(&v[0])?;
            let cur = i64::from(u8::from(c.resolution()));
            let want = match v.get(1) {
                Some(r) => level_arg(r)?,
                None => cur - 1,
            };
            if !(0..=14).contains(&want) || want > cur {
                return None;
            }
            c.parent(resolution(want)?)
        })();
        Value::String(p.map(token).unwrap_or_default())
    }))
}

/// `geo_h3cell_children(cell[, resolution])`: the immediate children by default; null when the cell is
/// invalid, the resolution is finer than the cell's, or more than 5 levels below it.
pub(super) fn children(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("geo_h3cell_children", &a[0])?;
    if a.len() > 1 {
        check_numeric("geo_h3cell_children", &a[1..])?;
    }
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let kids = (|| {
            let c = cell_of(&v[0])?;
            let cur = i64::from(u8::from(c.resolution()));
            let want = match v.get(1) {
                Some(r) => level_arg(r)?,
                None => cur + 1,
            };
            if !(1..=15).contains(&want) || want < cur || want - cur > MAX_CHILD_LEVELS {
                return None;
            }
            Some(c.children(resolution(want)?).map(token).collect::<Vec<_>>())
        })();
        kids.map(string_array).unwrap_or(Value::Null)
    }))
}

/// `geo_h3cell_rings(cell, distance)`: rings 0..=distance, each in H3's grid-disk order
/// ([E] geo-h3cell-rings-function-00).
pub(super) fn rings(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("geo_h3cell_rings", &a[0])?;
    check_numeric("geo_h3cell_rings", &a[1..])?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let rings = (|| {
            let c = cell_of(&v[0])?;
            let k = level_arg(&v[1])?;
            if !(0..=MAX_RING_DISTANCE).contains(&k) {
                return None;
            }
            let k = u32::try_from(k).ok()?;
            let disk: Vec<(CellIndex, u32)> = c.grid_disk_distances(k);
            let mut rings: Vec<Vec<J>> = vec![Vec::new(); k as usize + 1];
            for (cell, d) in disk {
                if let Some(r) = rings.get_mut(d as usize) {
                    r.push(J::String(token(cell)));
                }
            }
            Some(J::Array(rings.into_iter().map(J::Array).collect()))
        })();
        rings.map(Value::Dynamic).unwrap_or(Value::Null)
    }))
}
