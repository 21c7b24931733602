//! Geohash: the base-32 interleaving of longitude and latitude bisections.

use super::{check_numeric, check_string, level_arg, lng_lat, point_value, polygon_value, str_of};
use crate::engine::functions::{ArgInfo, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

const ALPHABET: &[u8; 32] = b"0123456789bcdefghjkmnpqrstuvwxyz";
/// Default and largest accuracy (geohash length) ([D] geo-point-to-geohash-function.md).
const DEFAULT_ACCURACY: i64 = 5;
const MAX_ACCURACY: i64 = 18;

/// The geohash of a point, `len` characters long. A coordinate on a bisection line goes to the upper half.
pub(super) fn encode(lng: f64, lat: f64, len: usize) -> String {
    let (mut lo_x, mut hi_x) = (-180.0_f64, 180.0_f64);
    let (mut lo_y, mut hi_y) = (-90.0_f64, 90.0_f64);
    let mut out = String::with_capacity(len);
    let mut even = true;
    while out.len() < len {
        let mut ch = 0usize;
        for _ in 0..5 {
            let (lo, hi, x) = if even {
                (&mut lo_x, &mut hi_x, lng)
            } else {
                (&mut lo_y, &mut hi_y, lat)
            };
            let mid = (*lo + *hi) / 2.0;
            ch <<= 1;
            if x >= mid {
                ch |= 1;
                *lo = mid;
            } else {
                *hi = mid;
            }
            even = !even;
        }
        out.push(char::from(ALPHABET[ch]));
    }
    out
}

/// The cell of a geohash: `(west, south, east, north)`; `None` for an empty, too long or invalid hash.
pub(super) fn decode(hash: &str) -> Option<(f64, f64, f64, f64)> {
    if hash.is_empty() || hash.len() > MAX_ACCURACY as usize {
        return None;
    }
    let (mut lo_x, mut hi_x) = (-180.0_f64, 180.0_f64);
    let (mut lo_y, mut hi_y) = (-90.0_f64, 90.0_f64);
    let mut even = true;
    for b in hash.bytes() {
        let v = ALPHABET.iter().position(|&c| c == b)?;
        for bit in (0..5).rev() {
            let (lo, hi) = if even {
                (&mut lo_x, &mut hi_x)
            } else {
                (&mut lo_y, &mut hi_y)
            };
            let mid = (*lo + *hi) / 2.0;
            if (v >> bit) & 1 == 1 {
                *lo = mid;
            } else {
                *hi = mid;
            }
            even = !even;
        }
    }
    Some((lo_x, lo_y, hi_x, hi_y))
}

/// `geo_point_to_geohash(lng, lat[, accuracy])`: `""` for invalid coordinates or accuracy.
pub(super) fn point_to_geohash(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_numeric("geo_point_to_geohash", a)?;
    Ok(Prepared::new(ScalarType::String, |v| {
        let h = (|| {
            let (lng, lat) = lng_lat(&v[0], &v[1])?;
            let acc = match v.get(2) {
                Some(x) => level_arg(x)?,
                None => DEFAULT_ACCURACY,
            };
            if !(1..=MAX_ACCURACY).contains(&acc) {
                return None;
            }
            Some(encode(lng, lat, acc as usize))
        })();
        Value::String(h.unwrap_or_default())
    }))
}

pub(super) fn to_central_point(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("geo_geohash_to_central_point", &a[0])?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        match str_of(&v[0]).and_then(decode) {
            Some((w, s, e, n)) => point_value((w + e) / 2.0, (s + n) / 2.0),
            None => Value::Null,
        }
    }))
}

/// The cell rectangle, counterclockwise from the south-west corner ([E] geo-geohash-to-polygon-function-00).
pub(super) fn to_polygon(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("geo_geohash_to_polygon", &a[0])?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        match str_of(&v[0]).and_then(decode) {
            Some((w, s, e, n)) => polygon_value(&[(w, s), (e, s), (e, n), (w, n)]),
            None => Value::Null,
        }
    }))
}
