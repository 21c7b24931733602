//! Geometry on the unit sphere, as S2 computes it: points are unit vectors, edges are geodesics (the
//! shorter great-circle arc), and a loop bounds the smaller of the two regions it divides the sphere into.

/// A point on (or a vector near) the unit sphere.
pub(super) type V3 = [f64; 3];

/// The Earth's radius in S2 (`S2Earth::RadiusMeters`), the one Kusto measures with: distances of
/// [E] geo-distance-2points-function-00 and lengths of [E] geo-line-length-function-00 are this radius times
/// the great-circle angle.
pub(super) const EARTH_RADIUS_M: f64 = 6_371_010.0;

pub(super) fn from_lng_lat(lng: f64, lat: f64) -> V3 {
    let (phi, theta) = (lat.to_radians(), lng.to_radians());
    let c = phi.cos();
    [theta.cos() * c, theta.sin() * c, phi.sin()]
}

/// (longitude, latitude) in degrees of a non-zero vector.
pub(super) fn to_lng_lat(p: V3) -> (f64, f64) {
    let lat = p[2].atan2((p[0] * p[0] + p[1] * p[1]).sqrt());
    let lng = p[1].atan2(p[0]);
    (lng.to_degrees(), lat.to_degrees())
}

pub(super) fn dot(a: V3, b: V3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

pub(super) fn cross(a: V3, b: V3) -> V3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

pub(super) fn add(a: V3, b: V3) -> V3 {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

pub(super) fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

pub(super) fn scale(a: V3, k: f64) -> V3 {
    [a[0] * k, a[1] * k, a[2] * k]
}

pub(super) fn norm(a: V3) -> f64 {
    dot(a, a).sqrt()
}

pub(super) fn normalize(a: V3) -> V3 {
    let n = norm(a);
    if n > 0.0 { scale(a, 1.0 / n) } else { a }
}

/// The angle between two points (radians, in [0, pi]).
pub(super) fn angle(a: V3, b: V3) -> f64 {
    norm(cross(a, b)).atan2(dot(a, b))
}

/// Whether the two points are antipodal (or too close to it for the edge between them to be defined).
pub(super) fn antipodal(a: V3, b: V3) -> bool {
    norm(cross(a, b)) < 1e-15 && dot(a, b) < 0.0
}

/// The point of edge `a`-`b` closest to `x` (`S2::Project`).
pub(super) fn project_to_edge(x: V3, a: V3, b: V3) -> V3 {
    let n = cross(add(b, a), sub(b, a)); // robust normal of the great circle through a and b
    let nn = dot(n, n);
    if nn == 0.0 {
        return a;
    }
    // The projection of x onto the great circle, if it falls within the edge.
    let p = sub(x, scale(n, dot(x, n) / nn));
    if norm(p) > 0.0 {
        let p = normalize(p);
        // p is within the edge when it lies on the same side of both edge endpoints' planes.
        let an = cross(n, a);
        let bn = cross(b, n);
        if dot(p, an) >= 0.0 && dot(p, bn) >= 0.0 {
            return p;
        }
    }
    if angle(x, a) <= angle(x, b) { a } else { b }
}

/// The angle from `x` to the nearest point of edge `a`-`b`.
pub(super) fn distance_to_edge(x: V3, a: V3, b: V3) -> f64 {
    angle(x, project_to_edge(x, a, b))
}

/// The area of the spherical triangle (l'Huilier's formula; always >= 0).
fn triangle_area(a: V3, b: V3, c: V3) -> f64 {
    let sa = angle(b, c);
    let sb = angle(c, a);
    let sc = angle(a, b);
    let s = 0.5 * (sa + sb + sc);
    if s <= 0.0 {
        return 0.0;
    }
    let t =
        (0.5 * s).tan() * (0.5 * (s - sa)).tan() * (0.5 * (s - sb)).tan() * (0.5 * (s - sc)).tan();
    4.0 * t.max(0.0).sqrt().atan()
}

/// The triangle's area, positive when `a`, `b`, `c` turn counterclockwise.
fn signed_triangle_area(a: V3, b: V3, c: V3) -> f64 {
    let area = triangle_area(a, b, c);
    if dot(cross(a, b), c) > 0.0 {
        area
    } else {
        -area
    }
}

/// The centroid of a spherical triangle times its area (`S2::TrueCentroid(a, b, c)`).
fn triangle_true_centroid(a: V3, b: V3, c: V3) -> V3 {
    let ratio = |x: V3, y: V3| {
        let s = angle(x, y);
        if s == 0.0 { 1.0 } else { s / s.sin() }
    };
    let ra = ratio(b, c);
    let rb = ratio(c, a);
    let rc = ratio(a, b);
    let x = [a[0], b[0] - a[0], c[0] - a[0]];
    let y = [a[1], b[1] - a[1], c[1] - a[1]];
    let z = [a[2], b[2] - a[2], c[2] - a[2]];
    let r = [ra, rb - ra, rc - ra];
    [
        0.5 * dot(cross(y, z), r),
        0.5 * dot(cross(z, x), r),
        0.5 * dot(cross(x, y), r),
    ]
}

/// The centroid of an edge times its length (`S2::TrueCentroid(a, b)`).
pub(super) fn edge_true_centroid(a: V3, b: V3) -> V3 {
    let vdiff = sub(a, b);
    let vsum = add(a, b);
    let sin2 = dot(vdiff, vdiff);
    let cos2 = dot(vsum, vsum);
    if cos2 == 0.0 {
        return [0.0; 3];
    }
    scale(vsum, (sin2 / cos2).sqrt())
}

/// A closed loop of distinct vertices (the closing vertex not repeated), oriented so that its interior is
/// the smaller region.
pub(super) struct Loop {
    pub(super) v: Vec<V3>,
    /// Area of the interior (steradians).
    pub(super) area: f64,
    /// Centroid of the interior times its area.
    pub(super) centroid: V3,
}

impl Loop {
    /// `None` when the loop is degenerate (zero area).
    pub(super) fn new(mut v: Vec<V3>) -> Option<Loop> {
        if v.len() < 3 {
            return None;
        }
        let o = v[0];
        let mut signed = 0.0;
        let mut centroid = [0.0; 3];
        for w in v[1..].windows(2) {
            signed += signed_triangle_area(o, w[0], w[1]);
            centroid = add(centroid, triangle_true_centroid(o, w[0], w[1]));
        }
        if signed == 0.0 || !signed.is_finite() {
            return None;
        }
        if signed < 0.0 {
            v.reverse();
            centroid = scale(centroid, -1.0);
        }
        Some(Loop {
            v,
            area: signed.abs(),
            centroid,
        })
    }

    pub(super) fn edges(&self) -> impl Iterator<Item = (V3, V3)> + '_ {
        let n = self.v.len();
        (0..n).map(move |i| (self.v[i], self.v[(i + 1) % n]))
    }

    pub(super) fn perimeter(&self) -> f64 {
        self.edges().map(|(a, b)| angle(a, b)).sum()
    }

    /// Whether `p` lies in the interior: the loop (counterclockwise around its interior) winds once around
    /// the points inside it. The winding number is the sum of the angles the edges subtend at `p`.
    pub(super) fn contains(&self, p: V3) -> bool {
        let mut total = 0.0;
        for (a, b) in self.edges() {
            let u = cross(p, a);
            let w = cross(p, b);
            total += dot(p, cross(u, w)).atan2(dot(u, w));
        }
        total > std::f64::consts::PI
    }
}
