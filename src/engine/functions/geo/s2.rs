//! The S2 cell hierarchy (Google's S2 geometry library): cube faces, the quadratic projection, the Hilbert
//! curve order of cells, and cell tokens. Only what the cell functions need, ported from the reference
//! `S2CellId` and `S2Cell` algorithms.

use super::sphere::{V3, from_lng_lat, to_lng_lat};

pub(super) const MAX_LEVEL: u32 = 30;
const MAX_SIZE: u32 = 1 << MAX_LEVEL;
const LOOKUP_BITS: u32 = 4;
const SWAP_MASK: u32 = 1;
const INVERT_MASK: u32 = 2;
const POS_TO_IJ: [[u32; 4]; 4] = [[0, 1, 3, 2], [0, 2, 3, 1], [3, 2, 0, 1], [3, 1, 0, 2]];
const POS_TO_ORIENTATION: [u32; 4] = [SWAP_MASK, 0, 0, INVERT_MASK | SWAP_MASK];
const TABLE: usize = 1 << (2 * LOOKUP_BITS + 2);

/// `(lookup_pos, lookup_ij)`: for 4 levels of the Hilbert curve, `(ij << 2 | orientation)` to
/// `(pos << 2 | new orientation)` and back.
const LOOKUP: ([u16; TABLE], [u16; TABLE]) = build_lookup();

const fn build_lookup() -> ([u16; TABLE], [u16; TABLE]) {
    let mut pos_tab = [0u16; TABLE];
    let mut ij_tab = [0u16; TABLE];
    let mut orig = 0;
    while orig < 4 {
        let mut pos = 0u32;
        while pos < (1 << (2 * LOOKUP_BITS)) {
            let (mut i, mut j, mut orient) = (0u32, 0u32, orig);
            let mut level = 0;
            while level < LOOKUP_BITS {
                let digit = (pos >> (2 * (LOOKUP_BITS - 1 - level))) & 3;
                let r = POS_TO_IJ[orient as usize][digit as usize];
                i = (i << 1) | (r >> 1);
                j = (j << 1) | (r & 1);
                orient ^= POS_TO_ORIENTATION[digit as usize];
                level += 1;
            }
            let ij = (i << LOOKUP_BITS) | j;
            pos_tab[((ij << 2) | orig) as usize] = ((pos << 2) | orient) as u16;
            ij_tab[((pos << 2) | orig) as usize] = ((ij << 2) | orient) as u16;
            pos += 1;
        }
        orig += 1;
    }
    (pos_tab, ij_tab)
}

/// A valid S2 cell id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct CellId(u64);

fn face_uv_to_xyz(face: u32, u: f64, v: f64) -> V3 {
    match face {
        0 => [1.0, u, v],
        1 => [-u, 1.0, v],
        2 => [-u, -v, 1.0],
        3 => [-1.0, -v, -u],
        4 => [v, -1.0, -u],
        _ => [v, u, -1.0],
    }
}

fn xyz_to_face_uv(p: V3) -> (u32, f64, f64) {
    let ax = [p[0].abs(), p[1].abs(), p[2].abs()];
    let mut face = if ax[0] > ax[1] { 0 } else { 1 };
    if ax[2] > ax[face] {
        face = 2;
    }
    let face = if p[face] < 0.0 { face + 3 } else { face };
    let [x, y, z] = p;
    let (u, v) = match face {
        0 => (y / x, z / x),
        1 => (-x / y, z / y),
        2 => (-x / z, -y / z),
        3 => (z / x, y / x),
        4 => (z / y, -x / y),
        _ => (-y / z, -x / z),
    };
    (face as u32, u, v)
}

fn st_to_uv(s: f64) -> f64 {
    if s >= 0.5 {
        (1.0 / 3.0) * (4.0 * s * s - 1.0)
    } else {
        (1.0 / 3.0) * (1.0 - 4.0 * (1.0 - s) * (1.0 - s))
    }
}

fn uv_to_st(u: f64) -> f64 {
    if u >= 0.0 {
        0.5 * (1.0 + 3.0 * u).sqrt()
    } else {
        1.0 - 0.5 * (1.0 - 3.0 * u).sqrt()
    }
}

fn st_to_ij(s: f64) -> u32 {
    let x = (f64::from(MAX_SIZE) * s).floor();
    x.clamp(0.0, f64::from(MAX_SIZE - 1)) as u32
}

fn ij_to_st_min(i: u32) -> f64 {
    f64::from(i) / f64::from(MAX_SIZE)
}

impl CellId {
    fn from_face_ij(face: u32, i: u32, j: u32) -> CellId {
        let mut n: u64 = u64::from(face) << 60;
        let mut bits = face & SWAP_MASK;
        let mask = (1u32 << LOOKUP_BITS) - 1;
        for k in (0..8).rev() {
            bits += ((i >> (k * LOOKUP_BITS)) & mask) << (LOOKUP_BITS + 2);
            bits += ((j >> (k * LOOKUP_BITS)) & mask) << 2;
            bits = u32::from(LOOKUP.0[bits as usize]);
            n |= u64::from(bits >> 2) << (k * 2 * LOOKUP_BITS);
            bits &= SWAP_MASK | INVERT_MASK;
        }
        CellId(n * 2 + 1)
    }

    /// The leaf cell containing a point given in degrees.
    pub(super) fn from_lng_lat(lng: f64, lat: f64) -> CellId {
        let (face, u, v) = xyz_to_face_uv(from_lng_lat(lng, lat));
        CellId::from_face_ij(face, st_to_ij(uv_to_st(u)), st_to_ij(uv_to_st(v)))
    }

    fn lsb(self) -> u64 {
        self.0 & self.0.wrapping_neg()
    }

    fn lsb_for_level(level: u32) -> u64 {
        1u64 << (2 * (MAX_LEVEL - level))
    }

    pub(super) fn level(self) -> u32 {
        MAX_LEVEL - self.lsb().trailing_zeros() / 2
    }

    fn face(self) -> u32 {
        (self.0 >> 61) as u32
    }

    fn is_leaf(self) -> bool {
        self.0 & 1 == 1
    }

    /// The ancestor at `level` (which must not exceed this cell's level).
    pub(super) fn parent(self, level: u32) -> CellId {
        let lsb = CellId::lsb_for_level(level);
        CellId((self.0 & lsb.wrapping_neg()) | lsb)
    }

    /// A cell from its token: 1 to 16 hex digits, trailing zeros dropped. `None` when the text is not a
    /// token or names no valid cell.
    pub(super) fn from_token(token: &str) -> Option<CellId> {
        if token.is_empty() || token.len() > 16 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let v = u64::from_str_radix(token, 16).ok()?;
        let id = v << (4 * (16 - token.len() as u32));
        let c = CellId(id);
        let valid = c.face() < 6 && (c.lsb() & 0x1555_5555_5555_5555) != 0;
        valid.then_some(c)
    }

    /// The token: the hex id without trailing zeros.
    pub(super) fn token(self) -> String {
        let s = format!("{:016x}", self.0);
        s.trim_end_matches('0').to_string()
    }

    /// `(face, i, j)`: the face and the leaf coordinates of a leaf cell within this cell.
    fn to_face_ij(self) -> (u32, u32, u32) {
        let face = self.face();
        let (mut i, mut j) = (0u32, 0u32);
        let mut bits = face & SWAP_MASK;
        for k in (0..8u32).rev() {
            let nbits = if k == 7 {
                MAX_LEVEL - 7 * LOOKUP_BITS
            } else {
                LOOKUP_BITS
            };
            bits +=
                (((self.0 >> (k * 2 * LOOKUP_BITS + 1)) & ((1u64 << (2 * nbits)) - 1)) as u32) << 2;
            bits = u32::from(LOOKUP.1[bits as usize]);
            i += (bits >> (LOOKUP_BITS + 2)) << (k * LOOKUP_BITS);
            j += ((bits >> 2) & ((1 << LOOKUP_BITS) - 1)) << (k * LOOKUP_BITS);
            bits &= SWAP_MASK | INVERT_MASK;
        }
        (face, i, j)
    }

    /// The cell's center as (longitude, latitude), as `S2CellId::ToLatLng` computes it.
    pub(super) fn center_lng_lat(self) -> (f64, f64) {
        let (face, i, j) = self.to_face_ij();
        let delta: u32 = if self.is_leaf() {
            1
        } else if ((i ^ ((self.0 >> 2) as u32)) & 1) != 0 {
            2
        } else {
            0
        };
        // si, ti are in [0, 2^31]; as s = si / 2^31.
        let si = 2 * u64::from(i) + u64::from(delta);
        let ti = 2 * u64::from(j) + u64::from(delta);
        let scale = 1.0 / f64::from(1u32 << 31);
        let u = st_to_uv(si as f64 * scale);
        let v = st_to_uv(ti as f64 * scale);
        to_lng_lat(face_uv_to_xyz(face, u, v))
    }

    /// The four vertices as (longitude, latitude), counterclockwise as `S2Cell::GetVertex(0..4)`.
    pub(super) fn vertices_lng_lat(self) -> [(f64, f64); 4] {
        let (face, i, j) = self.to_face_ij();
        let size = 1u32 << (MAX_LEVEL - self.level());
        let (i0, j0) = (i & size.wrapping_neg(), j & size.wrapping_neg());
        let u = [
            st_to_uv(ij_to_st_min(i0)),
            st_to_uv(ij_to_st_min(i0 + size)),
        ];
        let v = [
            st_to_uv(ij_to_st_min(j0)),
            st_to_uv(ij_to_st_min(j0 + size)),
        ];
        let corner = |k: usize| to_lng_lat(face_uv_to_xyz(face, u[(k >> 1) ^ (k & 1)], v[k >> 1]));
        [corner(0), corner(1), corner(2), corner(3)]
    }
}
