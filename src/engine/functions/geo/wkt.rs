//! `geo_from_wkt`: Well-Known Text to GeoJSON.

use serde_json::{Map, Value as J};

use super::{check_string, jnum, str_of, valid_lng_lat};
use crate::engine::functions::{ArgInfo, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn ws(&mut self) {
        while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
            self.i += 1;
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.ws();
        if self.s.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }

    fn word(&mut self) -> String {
        self.ws();
        let start = self.i;
        while self.i < self.s.len() && self.s[self.i].is_ascii_alphabetic() {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).to_ascii_uppercase()
    }

    fn number(&mut self) -> Option<f64> {
        self.ws();
        let start = self.i;
        while self.i < self.s.len()
            && (self.s[self.i].is_ascii_digit() || b"+-.eE".contains(&self.s[self.i]))
        {
            self.i += 1;
        }
        let t = std::str::from_utf8(&self.s[start..self.i]).ok()?;
        t.parse::<f64>().ok().filter(|x| x.is_finite())
    }

    /// `x y`: a valid longitude and latitude.
    fn position(&mut self) -> Option<J> {
        let x = self.number()?;
        let y = self.number()?;
        if !valid_lng_lat(x, y) {
            return None;
        }
        Some(J::Array(vec![jnum(x), jnum(y)]))
    }

    /// `(x y, x y, ...)`
    fn positions(&mut self) -> Option<Vec<J>> {
        if !self.eat(b'(') {
            return None;
        }
        let mut out = vec![self.position()?];
        while self.eat(b',') {
            out.push(self.position()?);
        }
        self.eat(b')').then_some(out)
    }

    /// `(item, item, ...)`
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        if !self.eat(b'(') {
            return None;
        }
        let mut out = vec![item(self)?];
        while self.eat(b',') {
            out.push(item(self)?);
        }
        self.eat(b')').then_some(out)
    }

    /// A MULTIPOINT member: `x y` or `(x y)`.
    fn multipoint_member(&mut self) -> Option<J> {
        if self.eat(b'(') {
            let p = self.position()?;
            self.eat(b')').then_some(p)
        } else {
            self.position()
        }
    }

    fn line(&mut self) -> Option<J> {
        let pts = self.positions()?;
        (pts.len() >= 2).then_some(J::Array(pts))
    }

    fn ring(&mut self) -> Option<J> {
        let pts = self.positions()?;
        (pts.len() >= 4 && pts.first() == pts.last()).then_some(J::Array(pts))
    }

    fn polygon(&mut self) -> Option<J> {
        self.list(Self::ring).map(J::Array)
    }

    fn geometry(&mut self) -> Option<J> {
        let kind = self.word();
        let (ty, coords) = match kind.as_str() {
            "POINT" => {
                if !self.eat(b'(') {
                    return None;
                }
                let p = self.position()?;
                if !self.eat(b')') {
                    return None;
                }
                ("Point", p)
            }
            "LINESTRING" => ("LineString", self.line()?),
            "POLYGON" => ("Polygon", self.polygon()?),
            "MULTIPOINT" => ("MultiPoint", J::Array(self.list(Self::multipoint_member)?)),
            "MULTILINESTRING" => ("MultiLineString", J::Array(self.list(Self::line)?)),
            "MULTIPOLYGON" => ("MultiPolygon", J::Array(self.list(Self::polygon)?)),
            "GEOMETRYCOLLECTION" => {
                let geoms = self.list(Self::geometry)?;
                let mut m = Map::new();
                m.insert("type".into(), J::String("GeometryCollection".into()));
                m.insert("geometries".into(), J::Array(geoms));
                return Some(J::Object(m));
            }
            _ => return None,
        };
        let mut m = Map::new();
        m.insert("type".into(), J::String(ty.into()));
        m.insert("coordinates".into(), coords);
        Some(J::Object(m))
    }
}

/// Parses WKT; `None` when the text is not a supported, complete geometry.
pub(super) fn parse(text: &str) -> Option<J> {
    let mut p = Parser {
        s: text.as_bytes(),
        i: 0,
    };
    let g = p.geometry()?;
    p.ws();
    (p.i == p.s.len()).then_some(g)
}

/// `geo_from_wkt(text)`: the GeoJSON shape; null for invalid text ([E] geo-from-wkt-function-07).
pub(super) fn from_wkt(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("geo_from_wkt", &a[0])?;
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        str_of(&v[0])
            .and_then(parse)
            .map(Value::Dynamic)
            .unwrap_or(Value::Null)
    }))
}
