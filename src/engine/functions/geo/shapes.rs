//! Measurements of points, lines and polygons on the sphere (GeoJSON shapes).

use serde_json::Value as J;

use super::sphere::{
    EARTH_RADIUS_M, Loop, V3, add, angle, antipodal, cross, distance_to_edge, dot,
    edge_true_centroid, from_lng_lat, norm, normalize, project_to_edge, scale, sub, to_lng_lat,
};
use super::{check_dynamic, check_numeric, lng_lat, num, point_value, valid_lng_lat};
use crate::engine::functions::{ArgInfo, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

// ---------------------------------------------------------------------------------------------------------
// GeoJSON input

/// A `[longitude, latitude]` position with valid coordinates.
fn position(j: &J) -> Option<(f64, f64)> {
    let a = j.as_array()?;
    if a.len() != 2 {
        return None;
    }
    let (x, y) = (a[0].as_f64()?, a[1].as_f64()?);
    valid_lng_lat(x, y).then_some((x, y))
}

fn positions(j: &J) -> Option<Vec<(f64, f64)>> {
    j.as_array()?.iter().map(position).collect()
}

fn type_and_coords(j: &J) -> Option<(&str, &J)> {
    let o = j.as_object()?;
    Some((o.get("type")?.as_str()?, o.get("coordinates")?))
}

/// A polyline: at least two vertices, no edge between antipodal points.
fn polyline(j: &J) -> Option<Vec<V3>> {
    let pts: Vec<V3> = positions(j)?
        .into_iter()
        .map(|(x, y)| from_lng_lat(x, y))
        .collect();
    if pts.len() < 2 || pts.windows(2).any(|w| antipodal(w[0], w[1])) {
        return None;
    }
    Some(pts)
}

/// A LineString or a MultiLineString, as its polylines.
fn lines(v: &Value) -> Option<Vec<Vec<V3>>> {
    let Value::Dynamic(j) = v else { return None };
    let (ty, coords) = type_and_coords(j)?;
    match ty {
        "LineString" => Some(vec![polyline(coords)?]),
        "MultiLineString" => {
            let ls: Vec<Vec<V3>> = coords
                .as_array()?
                .iter()
                .map(polyline)
                .collect::<Option<_>>()?;
            (!ls.is_empty()).then_some(ls)
        }
        _ => None,
    }
}

/// A polygon: a shell and its holes, each bounding the smaller region it encloses.
pub(super) struct Polygon {
    shell: Loop,
    holes: Vec<Loop>,
}

/// A linear ring: at least four positions, closed, its vertices otherwise distinct, no antipodal edge.
fn ring(j: &J) -> Option<Loop> {
    let mut pts = positions(j)?;
    if pts.len() < 4 || pts.first() != pts.last() {
        return None;
    }
    pts.pop();
    for (i, p) in pts.iter().enumerate() {
        if pts[i + 1..].contains(p) {
            return None;
        }
    }
    let v: Vec<V3> = pts.into_iter().map(|(x, y)| from_lng_lat(x, y)).collect();
    let n = v.len();
    if (0..n).any(|i| antipodal(v[i], v[(i + 1) % n])) {
        return None;
    }
    Loop::new(v)
}

fn polygon(j: &J) -> Option<Polygon> {
    let rings = j.as_array()?;
    let (shell, holes) = rings.split_first()?;
    Some(Polygon {
        shell: ring(shell)?,
        holes: holes.iter().map(ring).collect::<Option<_>>()?,
    })
}

/// A Polygon or a MultiPolygon, as its polygons.
pub(super) fn polygons(v: &Value) -> Option<Vec<Polygon>> {
    let Value::Dynamic(j) = v else { return None };
    let (ty, coords) = type_and_coords(j)?;
    match ty {
        "Polygon" => Some(vec![polygon(coords)?]),
        "MultiPolygon" => {
            let ps: Vec<Polygon> = coords
                .as_array()?
                .iter()
                .map(polygon)
                .collect::<Option<_>>()?;
            (!ps.is_empty()).then_some(ps)
        }
        _ => None,
    }
}

impl Polygon {
    fn contains(&self, p: V3) -> bool {
        self.shell.contains(p) && !self.holes.iter().any(|h| h.contains(p))
    }

    fn loops(&self) -> impl Iterator<Item = &Loop> {
        std::iter::once(&self.shell).chain(self.holes.iter())
    }

    /// The closest boundary point to `p` and its angular distance.
    fn closest_boundary_point(&self, p: V3) -> (V3, f64) {
        let mut best = (p, f64::INFINITY);
        for l in self.loops() {
            for (a, b) in l.edges() {
                let q = project_to_edge(p, a, b);
                let d = angle(p, q);
                if d < best.1 {
                    best = (q, d);
                }
            }
        }
        best
    }
}

/// Whether edges `a`-`b` and `c`-`d` cross or touch (or are too close to call).
fn edges_meet(a: V3, b: V3, c: V3, d: V3) -> bool {
    const EPS: f64 = 1e-14;
    let ab = cross(a, b);
    let cd = cross(c, d);
    let (acb, bda) = (-dot(ab, c), dot(ab, d));
    let (cbd, dac) = (-dot(cd, b), dot(cd, a));
    if [acb, bda, cbd, dac].iter().any(|x| x.abs() < EPS) {
        return true;
    }
    acb * bda > 0.0 && acb * cbd > 0.0 && acb * dac > 0.0
}

/// Whether the polygons of a MultiPolygon are pairwise apart (no shared points), so that the measures of
/// their union are the sums of theirs. The engine measures the union of overlapping polygons
/// ([E] geo-polygon-area-function-01), which is not computed here.
fn pairwise_apart(ps: &[Polygon]) -> bool {
    for (i, p) in ps.iter().enumerate() {
        for q in &ps[i + 1..] {
            for lp in p.loops() {
                for lq in q.loops() {
                    for (a, b) in lp.edges() {
                        if lq.edges().any(|(c, d)| edges_meet(a, b, c, d)) {
                            return false;
                        }
                    }
                }
            }
            if p.shell.v.iter().any(|&v| q.contains(v)) || q.shell.v.iter().any(|&v| p.contains(v))
            {
                return false;
            }
        }
    }
    true
}

/// Polygons whose union can be measured polygon by polygon.
fn measurable_polygons(v: &Value) -> Option<Vec<Polygon>> {
    let ps = polygons(v)?;
    (ps.len() == 1 || pairwise_apart(&ps)).then_some(ps)
}

/// At prepare time: a constant MultiPolygon of overlapping or touching polygons is refused rather than
/// measured wrongly.
fn refuse_constant_overlap(fname: &str, a: &ArgInfo) -> Result<(), String> {
    if let Some(v) = &a.constant
        && let Some(ps) = polygons(v)
        && ps.len() > 1
        && !pairwise_apart(&ps)
    {
        return Err(format!(
            "{fname}() of a MultiPolygon whose polygons overlap or touch is not supported"
        ));
    }
    Ok(())
}

fn real_or_null(x: Option<f64>) -> Value {
    x.filter(|x| x.is_finite())
        .map(Value::Real)
        .unwrap_or(Value::Null)
}

fn point_or_null(p: Option<V3>) -> Value {
    match p {
        Some(p) if norm(p) > 0.0 => {
            let (x, y) = to_lng_lat(p);
            point_value(x, y)
        }
        _ => Value::Null,
    }
}

fn point_arg(lng: &Value, lat: &Value) -> Option<V3> {
    lng_lat(lng, lat).map(|(x, y)| from_lng_lat(x, y))
}

// ---------------------------------------------------------------------------------------------------------
// Points

/// `geo_distance_2points(lng1, lat1, lng2, lat2)`: meters on the sphere.
pub(super) fn distance_2points(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_numeric("geo_distance_2points", a)?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        real_or_null((|| {
            let p = point_arg(&v[0], &v[1])?;
            let q = point_arg(&v[2], &v[3])?;
            Some(angle(p, q) * EARTH_RADIUS_M)
        })())
    }))
}

/// `geo_point_in_circle(lng, lat, center_lng, center_lat, radius)`: null for a negative radius.
pub(super) fn point_in_circle(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_numeric("geo_point_in_circle", a)?;
    Ok(Prepared::new(ScalarType::Bool, |v| {
        let r = (|| {
            let p = point_arg(&v[0], &v[1])?;
            let c = point_arg(&v[2], &v[3])?;
            let radius = num(&v[4]).filter(|r| *r >= 0.0)?;
            Some(angle(p, c) * EARTH_RADIUS_M <= radius)
        })();
        r.map(Value::Bool).unwrap_or(Value::Null)
    }))
}

/// `geo_azimuth(lng1, lat1, lng2, lat2)`: the initial bearing of the geodesic from the first point to the
/// second, clockwise from north, in radians in [0, 2*pi); null for equal or antipodal points.
pub(super) fn azimuth(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_numeric("geo_azimuth", a)?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        real_or_null((|| {
            let (x1, y1) = lng_lat(&v[0], &v[1])?;
            let (x2, y2) = lng_lat(&v[2], &v[3])?;
            let (p, q) = (from_lng_lat(x1, y1), from_lng_lat(x2, y2));
            if angle(p, q) == 0.0 || antipodal(p, q) {
                return None;
            }
            let (f1, f2) = (y1.to_radians(), y2.to_radians());
            let dl = (x2 - x1).to_radians();
            let t =
                (dl.sin() * f2.cos()).atan2(f1.cos() * f2.sin() - f1.sin() * f2.cos() * dl.cos());
            Some(if t < 0.0 {
                t + 2.0 * std::f64::consts::PI
            } else {
                t
            })
        })())
    }))
}

// ---------------------------------------------------------------------------------------------------------
// Polygons

fn polygon_fn_check(fname: &str, a: &[ArgInfo]) -> Result<(), String> {
    check_numeric(fname, &a[..2])?;
    check_dynamic(fname, &a[2])
}

/// `geo_point_in_polygon(lng, lat, polygon)`: whether the point is in the polygon or in any polygon of a
/// MultiPolygon (a hole excludes its interior).
pub(super) fn point_in_polygon(a: &[ArgInfo]) -> Result<Prepared, String> {
    polygon_fn_check("geo_point_in_polygon", a)?;
    // A constant polygon (the usual case) is parsed once.
    let fixed: Option<std::sync::Arc<Option<Vec<Polygon>>>> = a[2]
        .constant
        .as_ref()
        .map(|c| std::sync::Arc::new(polygons(c)));
    Ok(Prepared::new(ScalarType::Bool, move |v| {
        let r = (|| {
            let p = point_arg(&v[0], &v[1])?;
            let parsed;
            let ps: &[Polygon] = match &fixed {
                Some(f) => f.as_ref().as_ref()?,
                None => {
                    parsed = polygons(&v[2])?;
                    &parsed
                }
            };
            Some(ps.iter().any(|poly| poly.contains(p)))
        })();
        r.map(Value::Bool).unwrap_or(Value::Null)
    }))
}

/// The closest point of the polygons to `p` (`p` itself when inside) and its angular distance.
fn closest_on_polygons(p: V3, ps: &[Polygon]) -> (V3, f64) {
    if ps.iter().any(|poly| poly.contains(p)) {
        return (p, 0.0);
    }
    ps.iter()
        .map(|poly| poly.closest_boundary_point(p))
        .fold(
            (p, f64::INFINITY),
            |best, c| if c.1 < best.1 { c } else { best },
        )
}

/// `geo_distance_point_to_polygon(lng, lat, polygon)`: meters; 0 inside.
pub(super) fn distance_point_to_polygon(a: &[ArgInfo]) -> Result<Prepared, String> {
    polygon_fn_check("geo_distance_point_to_polygon", a)?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        real_or_null((|| {
            let p = point_arg(&v[0], &v[1])?;
            let ps = polygons(&v[2])?;
            Some(closest_on_polygons(p, &ps).1 * EARTH_RADIUS_M)
        })())
    }))
}

/// `geo_closest_point_on_polygon(lng, lat, polygon)`: the point itself when inside.
pub(super) fn closest_point_on_polygon(a: &[ArgInfo]) -> Result<Prepared, String> {
    polygon_fn_check("geo_closest_point_on_polygon", a)?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let r = (|| {
            let (x, y) = lng_lat(&v[0], &v[1])?;
            let p = from_lng_lat(x, y);
            let ps = polygons(&v[2])?;
            let (q, d) = closest_on_polygons(p, &ps);
            Some(if d == 0.0 {
                point_value(x, y)
            } else {
                point_or_null(Some(q))
            })
        })();
        r.unwrap_or(Value::Null)
    }))
}

/// `geo_polygon_area(polygon)`: square meters.
pub(super) fn polygon_area(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("geo_polygon_area", &a[0])?;
    refuse_constant_overlap("geo_polygon_area", &a[0])?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        real_or_null((|| {
            let ps = measurable_polygons(&v[0])?;
            let sr: f64 = ps
                .iter()
                .map(|p| p.shell.area - p.holes.iter().map(|h| h.area).sum::<f64>())
                .sum();
            Some(sr * EARTH_RADIUS_M * EARTH_RADIUS_M)
        })())
    }))
}

/// `geo_polygon_perimeter(polygon)`: meters, holes included.
pub(super) fn polygon_perimeter(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("geo_polygon_perimeter", &a[0])?;
    refuse_constant_overlap("geo_polygon_perimeter", &a[0])?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        real_or_null((|| {
            let ps = measurable_polygons(&v[0])?;
            let rad: f64 = ps
                .iter()
                .flat_map(|p| p.loops())
                .map(|l| l.perimeter())
                .sum();
            Some(rad * EARTH_RADIUS_M)
        })())
    }))
}

/// `geo_polygon_centroid(polygon)`: the area centroid, as a point.
pub(super) fn polygon_centroid(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("geo_polygon_centroid", &a[0])?;
    refuse_constant_overlap("geo_polygon_centroid", &a[0])?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        point_or_null((|| {
            let ps = measurable_polygons(&v[0])?;
            let mut c = [0.0; 3];
            for p in &ps {
                c = add(c, p.shell.centroid);
                for h in &p.holes {
                    c = sub(c, h.centroid);
                }
            }
            Some(c)
        })())
    }))
}

// ---------------------------------------------------------------------------------------------------------
// Lines

fn line_fn_check(fname: &str, a: &[ArgInfo]) -> Result<(), String> {
    check_numeric(fname, &a[..2])?;
    check_dynamic(fname, &a[2])
}

fn edges(lines: &[Vec<V3>]) -> impl Iterator<Item = (V3, V3)> + '_ {
    lines
        .iter()
        .flat_map(|l| l.windows(2).map(|w| (w[0], w[1])))
}

fn closest_on_lines(p: V3, lines: &[Vec<V3>]) -> Option<(V3, f64)> {
    edges(lines)
        .map(|(a, b)| {
            let q = project_to_edge(p, a, b);
            (q, angle(p, q))
        })
        .fold(None, |best: Option<(V3, f64)>, c| match best {
            Some(b) if b.1 <= c.1 => Some(b),
            _ => Some(c),
        })
}

/// `geo_distance_point_to_line(lng, lat, line)`: meters to the nearest point of a (multi)line.
pub(super) fn distance_point_to_line(a: &[ArgInfo]) -> Result<Prepared, String> {
    line_fn_check("geo_distance_point_to_line", a)?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        real_or_null((|| {
            let p = point_arg(&v[0], &v[1])?;
            let ls = lines(&v[2])?;
            edges(&ls)
                .map(|(a, b)| distance_to_edge(p, a, b))
                .reduce(f64::min)
                .map(|d| d * EARTH_RADIUS_M)
        })())
    }))
}

/// `geo_closest_point_on_line(lng, lat, line)`: the nearest point of a (multi)line.
pub(super) fn closest_point_on_line(a: &[ArgInfo]) -> Result<Prepared, String> {
    line_fn_check("geo_closest_point_on_line", a)?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        point_or_null((|| {
            let p = point_arg(&v[0], &v[1])?;
            let ls = lines(&v[2])?;
            closest_on_lines(p, &ls).map(|(q, _)| q)
        })())
    }))
}

/// `geo_line_length(line)`: meters, the lines of a MultiLineString added up.
pub(super) fn line_length(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("geo_line_length", &a[0])?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        real_or_null((|| {
            let ls = lines(&v[0])?;
            Some(edges(&ls).map(|(a, b)| angle(a, b)).sum::<f64>() * EARTH_RADIUS_M)
        })())
    }))
}

/// `geo_line_centroid(line)`: the length-weighted centroid, as a point.
pub(super) fn line_centroid(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("geo_line_centroid", &a[0])?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        point_or_null((|| {
            let ls = lines(&v[0])?;
            Some(edges(&ls).fold([0.0; 3], |c, (a, b)| add(c, edge_true_centroid(a, b))))
        })())
    }))
}

/// The point at angle `t` along the geodesic from `a` towards `b`.
fn along(a: V3, b: V3, t: f64) -> V3 {
    let dir = normalize(sub(b, scale(a, dot(a, b))));
    normalize(add(scale(a, t.cos()), scale(dir, t.sin())))
}

/// A single LineString (the fraction functions are defined on one line).
fn single_line(v: &Value) -> Option<Vec<V3>> {
    let Value::Dynamic(j) = v else { return None };
    let (ty, coords) = type_and_coords(j)?;
    (ty == "LineString").then(|| polyline(coords)).flatten()
}

/// `geo_line_interpolate_point(line, fraction)`: the point at that fraction of the line's length.
pub(super) fn line_interpolate_point(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("geo_line_interpolate_point", &a[0])?;
    check_numeric("geo_line_interpolate_point", &a[1..])?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        point_or_null((|| {
            let l = single_line(&v[0])?;
            let f = num(&v[1]).filter(|f| (0.0..=1.0).contains(f))?;
            let lens: Vec<f64> = l.windows(2).map(|w| angle(w[0], w[1])).collect();
            let total: f64 = lens.iter().sum();
            let mut target = f * total;
            for (w, len) in l.windows(2).zip(&lens) {
                if target < *len {
                    return Some(along(w[0], w[1], target));
                }
                target -= len;
            }
            l.last().copied()
        })())
    }))
}

/// `geo_line_locate_point(line, lng, lat)`: the fraction of the line's length at the point of the line
/// nearest to the given point.
pub(super) fn line_locate_point(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_dynamic("geo_line_locate_point", &a[0])?;
    check_numeric("geo_line_locate_point", &a[1..])?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        real_or_null((|| {
            let l = single_line(&v[0])?;
            let p = point_arg(&v[1], &v[2])?;
            let mut best: Option<(f64, f64)> = None; // (distance, length before the nearest point)
            let mut before = 0.0;
            for w in l.windows(2) {
                let q = project_to_edge(p, w[0], w[1]);
                let d = angle(p, q);
                if best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, before + angle(w[0], q)));
                }
                before += angle(w[0], w[1]);
            }
            let (_, at) = best?;
            if before == 0.0 {
                return None;
            }
            Some((at / before).clamp(0.0, 1.0))
        })())
    }))
}

/// `geo_angle(lng1, lat1, lng2, lat2, lng3, lat3)`: the angle at the second point from the line towards
/// the first point to the line towards the third, clockwise, in radians in [0, 2*pi); null when the second
/// point equals the first or the third ([E] geo-angle-function-00, -02).
pub(super) fn geo_angle(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_numeric("geo_angle", a)?;
    Ok(Prepared::new(ScalarType::Real, |v| {
        real_or_null((|| {
            let p1 = lng_lat(&v[0], &v[1])?;
            let p2 = lng_lat(&v[2], &v[3])?;
            let p3 = lng_lat(&v[4], &v[5])?;
            let to1 = bearing(p2, p1)?;
            let to3 = bearing(p2, p3)?;
            let t = (to3 - to1).rem_euclid(2.0 * std::f64::consts::PI);
            Some(if t >= 2.0 * std::f64::consts::PI {
                0.0
            } else {
                t
            })
        })())
    }))
}

/// The initial bearing (radians, clockwise from north, in (-pi, pi]) of the geodesic from `p` to `q`;
/// `None` for equal or antipodal points.
fn bearing(p: (f64, f64), q: (f64, f64)) -> Option<f64> {
    let (vp, vq) = (from_lng_lat(p.0, p.1), from_lng_lat(q.0, q.1));
    if angle(vp, vq) == 0.0 || antipodal(vp, vq) {
        return None;
    }
    let (f1, f2) = (p.1.to_radians(), q.1.to_radians());
    let dl = (q.0 - p.0).to_radians();
    Some((dl.sin() * f2.cos()).atan2(f1.cos() * f2.sin() - f1.sin() * f2.cos() * dl.cos()))
}

// ---------------------------------------------------------------------------------------------------------
// Intersection tests

/// Whether edges `a`-`b` and `c`-`d` share a point: they cross, or (in the degenerate cases) an endpoint of
/// one lies on the other.
fn edges_intersect(a: V3, b: V3, c: V3, d: V3) -> bool {
    const EPS: f64 = 1e-14;
    let ab = cross(a, b);
    let cd = cross(c, d);
    let (acb, bda) = (-dot(ab, c), dot(ab, d));
    let (cbd, dac) = (-dot(cd, b), dot(cd, a));
    if [acb, bda, cbd, dac].iter().all(|x| x.abs() >= EPS) {
        return acb * bda > 0.0 && acb * cbd > 0.0 && acb * dac > 0.0;
    }
    const ON: f64 = 1e-12;
    distance_to_edge(c, a, b) < ON
        || distance_to_edge(d, a, b) < ON
        || distance_to_edge(a, c, d) < ON
        || distance_to_edge(b, c, d) < ON
}

fn polygon_edges(ps: &[Polygon]) -> Vec<(V3, V3)> {
    ps.iter()
        .flat_map(|p| p.loops())
        .flat_map(|l| l.edges())
        .collect()
}

fn any_edges_intersect(e1: &[(V3, V3)], e2: &[(V3, V3)]) -> bool {
    e1.iter()
        .any(|&(a, b)| e2.iter().any(|&(c, d)| edges_intersect(a, b, c, d)))
}

fn two_shapes(fname: &str, a: &[ArgInfo]) -> Result<(), String> {
    check_dynamic(fname, &a[0])?;
    check_dynamic(fname, &a[1])
}

/// `geo_intersects_2lines(line1, line2)`: whether the (multi)lines share a point.
pub(super) fn intersects_2lines(a: &[ArgInfo]) -> Result<Prepared, String> {
    two_shapes("geo_intersects_2lines", a)?;
    Ok(Prepared::new(ScalarType::Bool, |v| {
        let r = (|| {
            let e1: Vec<(V3, V3)> = edges(&lines(&v[0])?).collect();
            let e2: Vec<(V3, V3)> = edges(&lines(&v[1])?).collect();
            Some(any_edges_intersect(&e1, &e2))
        })();
        r.map(Value::Bool).unwrap_or(Value::Null)
    }))
}

/// `geo_intersects_2polygons(polygon1, polygon2)`: whether the (multi)polygons share a point.
pub(super) fn intersects_2polygons(a: &[ArgInfo]) -> Result<Prepared, String> {
    two_shapes("geo_intersects_2polygons", a)?;
    Ok(Prepared::new(ScalarType::Bool, |v| {
        let r = (|| {
            let p1 = polygons(&v[0])?;
            let p2 = polygons(&v[1])?;
            let inside = |ps: &[Polygon], qs: &[Polygon]| {
                qs.iter()
                    .flat_map(|q| q.shell.v.iter())
                    .any(|&x| ps.iter().any(|p| p.contains(x)))
            };
            Some(
                any_edges_intersect(&polygon_edges(&p1), &polygon_edges(&p2))
                    || inside(&p1, &p2)
                    || inside(&p2, &p1),
            )
        })();
        r.map(Value::Bool).unwrap_or(Value::Null)
    }))
}

/// `geo_intersects_line_with_polygon(line, polygon)`: whether the (multi)line and the (multi)polygon share
/// a point.
pub(super) fn intersects_line_with_polygon(a: &[ArgInfo]) -> Result<Prepared, String> {
    two_shapes("geo_intersects_line_with_polygon", a)?;
    Ok(Prepared::new(ScalarType::Bool, |v| {
        let r = (|| {
            let ls = lines(&v[0])?;
            let ps = polygons(&v[1])?;
            let le: Vec<(V3, V3)> = edges(&ls).collect();
            let inside = ls
                .iter()
                .flatten()
                .any(|&x| ps.iter().any(|p| p.contains(x)));
            Some(inside || any_edges_intersect(&le, &polygon_edges(&ps)))
        })();
        r.map(Value::Bool).unwrap_or(Value::Null)
    }))
}
