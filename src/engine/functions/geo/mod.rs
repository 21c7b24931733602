//! Geospatial functions: H3, S2 and geohash cells, and measurements on the sphere.
//!
//! Kusto evaluates geospatial functions on a sphere with the S2 library's Earth radius (6,371,010 m): a
//! distance is the great-circle angle times that radius, polygon edges are geodesics, and areas, lengths and
//! centroids are S2's spherical measures. Every function here was checked against the real engine's answers
//! (`kusto_emulator_doc_cases.jsonl`, cited by case id in the tests). Points are `(longitude, latitude)` in
//! degrees; shapes are GeoJSON dynamic values; cells are token strings.
//!
//! Invalid input (a coordinate out of range, a malformed shape or token, a level out of range) gives null,
//! or `""` for the functions that return strings, as the docs say.
//!
//! Not provided (the engine's exact answers are not reproduced, so they stay "not supported"): the
//! `*_neighbors` functions (their element order is the engine's own), unions, intersections, buffers,
//! simplification, densification, coverings (`geo_polygon_to_s2cells`, ...) and `geo_info_from_ip_address`.

mod cells;
mod geohash;
mod h3;
mod s2;
mod shapes;
mod sphere;
mod wkt;

use serde_json::Value as J;

use super::util::{def, real_arg};
use super::{ArgInfo, FnDef, Naming};
use crate::engine::value::Value;
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    // H3
    def(
        "geo_point_to_h3cell",
        2,
        3,
        Naming::Default,
        h3::point_to_h3cell,
    ),
    def(
        "geo_h3cell_to_central_point",
        1,
        1,
        Naming::Default,
        h3::to_central_point,
    ),
    def(
        "geo_h3cell_to_polygon",
        1,
        1,
        Naming::Default,
        h3::to_polygon,
    ),
    def("geo_h3cell_level", 1, 1, Naming::Default, h3::level),
    def("geo_h3cell_parent", 1, 2, Naming::Default, h3::parent),
    def("geo_h3cell_children", 1, 2, Naming::Default, h3::children),
    def("geo_h3cell_rings", 2, 2, Naming::Default, h3::rings),
    // geohash
    def(
        "geo_point_to_geohash",
        2,
        3,
        Naming::Default,
        geohash::point_to_geohash,
    ),
    def(
        "geo_geohash_to_central_point",
        1,
        1,
        Naming::Default,
        geohash::to_central_point,
    ),
    def(
        "geo_geohash_to_polygon",
        1,
        1,
        Naming::Default,
        geohash::to_polygon,
    ),
    // S2
    def(
        "geo_point_to_s2cell",
        2,
        3,
        Naming::Default,
        cells::point_to_s2cell,
    ),
    def(
        "geo_s2cell_to_central_point",
        1,
        1,
        Naming::Default,
        cells::s2_to_central_point,
    ),
    def(
        "geo_s2cell_to_polygon",
        1,
        1,
        Naming::Default,
        cells::s2_to_polygon,
    ),
    // measurements on the sphere
    def(
        "geo_distance_2points",
        4,
        4,
        Naming::Default,
        shapes::distance_2points,
    ),
    def(
        "geo_point_in_circle",
        5,
        5,
        Naming::Default,
        shapes::point_in_circle,
    ),
    def("geo_azimuth", 4, 4, Naming::Default, shapes::azimuth),
    def("geo_angle", 6, 6, Naming::Default, shapes::geo_angle),
    def(
        "geo_point_in_polygon",
        3,
        3,
        Naming::Default,
        shapes::point_in_polygon,
    ),
    def(
        "geo_distance_point_to_line",
        3,
        3,
        Naming::Default,
        shapes::distance_point_to_line,
    ),
    def(
        "geo_closest_point_on_line",
        3,
        3,
        Naming::Default,
        shapes::closest_point_on_line,
    ),
    def(
        "geo_distance_point_to_polygon",
        3,
        3,
        Naming::Default,
        shapes::distance_point_to_polygon,
    ),
    def(
        "geo_closest_point_on_polygon",
        3,
        3,
        Naming::Default,
        shapes::closest_point_on_polygon,
    ),
    def(
        "geo_line_length",
        1,
        1,
        Naming::Default,
        shapes::line_length,
    ),
    def(
        "geo_line_centroid",
        1,
        1,
        Naming::Default,
        shapes::line_centroid,
    ),
    def(
        "geo_line_interpolate_point",
        2,
        2,
        Naming::Default,
        shapes::line_interpolate_point,
    ),
    def(
        "geo_line_locate_point",
        3,
        3,
        Naming::Default,
        shapes::line_locate_point,
    ),
    def(
        "geo_polygon_area",
        1,
        1,
        Naming::Default,
        shapes::polygon_area,
    ),
    def(
        "geo_polygon_perimeter",
        1,
        1,
        Naming::Default,
        shapes::polygon_perimeter,
    ),
    def(
        "geo_polygon_centroid",
        1,
        1,
        Naming::Default,
        shapes::polygon_centroid,
    ),
    def(
        "geo_intersects_2lines",
        2,
        2,
        Naming::Default,
        shapes::intersects_2lines,
    ),
    def(
        "geo_intersects_2polygons",
        2,
        2,
        Naming::Default,
        shapes::intersects_2polygons,
    ),
    def(
        "geo_intersects_line_with_polygon",
        2,
        2,
        Naming::Default,
        shapes::intersects_line_with_polygon,
    ),
    def("geo_from_wkt", 1, 1, Naming::Default, wkt::from_wkt),
];

// ---------------------------------------------------------------------------------------------------------
// Arguments

/// Coordinates, levels and distances are numbers (a dynamic number is taken as it is).
fn check_numeric(fname: &str, args: &[ArgInfo]) -> Result<(), String> {
    match args
        .iter()
        .find(|a| !(a.ty.is_numeric() || a.ty == ScalarType::Dynamic))
    {
        Some(bad) => Err(format!("{fname}() expects numbers, got {}", bad.ty)),
        None => Ok(()),
    }
}

/// A cell token or WKT text is a string (or a dynamic string).
fn check_string(fname: &str, arg: &ArgInfo) -> Result<(), String> {
    match arg.ty {
        ScalarType::String | ScalarType::Dynamic => Ok(()),
        other => Err(format!("{fname}() expects a string, got {other}")),
    }
}

/// A shape is a dynamic GeoJSON value.
fn check_dynamic(fname: &str, arg: &ArgInfo) -> Result<(), String> {
    match arg.ty {
        ScalarType::Dynamic => Ok(()),
        other => Err(format!(
            "{fname}() expects a dynamic GeoJSON shape, got {other}"
        )),
    }
}

fn str_of(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        Value::Dynamic(J::String(s)) => Some(s),
        _ => None,
    }
}

/// A finite number.
fn num(v: &Value) -> Option<f64> {
    real_arg(v).filter(|x| x.is_finite())
}

/// An integer level: a whole number (int, long, or a real or dynamic number with no fraction).
fn level_arg(v: &Value) -> Option<i64> {
    let x = real_arg(v)?;
    if x.is_finite() && x.fract() == 0.0 && x.abs() < 1e15 {
        Some(x as i64)
    } else {
        None
    }
}

/// A valid point: longitude in [-180, 180], latitude in [-90, 90].
fn lng_lat(lng: &Value, lat: &Value) -> Option<(f64, f64)> {
    let (x, y) = (num(lng)?, num(lat)?);
    valid_lng_lat(x, y).then_some((x, y))
}

fn valid_lng_lat(lng: f64, lat: f64) -> bool {
    (-180.0..=180.0).contains(&lng) && (-90.0..=90.0).contains(&lat)
}

// ---------------------------------------------------------------------------------------------------------
// GeoJSON output

fn jnum(x: f64) -> J {
    serde_json::Number::from_f64(x)
        .map(J::Number)
        .unwrap_or(J::Null)
}

fn jpair(lng: f64, lat: f64) -> J {
    J::Array(vec![jnum(lng), jnum(lat)])
}

fn point_value(lng: f64, lat: f64) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("type".into(), J::String("Point".into()));
    m.insert("coordinates".into(), jpair(lng, lat));
    Value::Dynamic(J::Object(m))
}

/// A polygon with one ring; the first vertex is repeated at the end.
fn polygon_value(ring: &[(f64, f64)]) -> Value {
    let mut coords: Vec<J> = ring.iter().map(|&(x, y)| jpair(x, y)).collect();
    if let Some(&(x, y)) = ring.first() {
        coords.push(jpair(x, y));
    }
    let mut m = serde_json::Map::new();
    m.insert("type".into(), J::String("Polygon".into()));
    m.insert("coordinates".into(), J::Array(vec![J::Array(coords)]));
    Value::Dynamic(J::Object(m))
}

fn string_array(items: impl IntoIterator<Item = String>) -> Value {
    Value::Dynamic(J::Array(items.into_iter().map(J::String).collect()))
}

#[cfg(test)]
mod tests;
