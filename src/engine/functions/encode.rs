//! Encodings and hashes: base64, URL encoding, MD5/SHA-1/SHA-256, xxHash64 (`hash()`).

use serde_json::Value as J;

use super::convert::to_guid;
use super::util::{EPOCH_0001, array_arg, def, int_arg, kql_tostring};
use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    def(
        "base64_encode_tostring",
        1,
        1,
        Naming::Default,
        base64_encode_tostring,
    ),
    def(
        "base64_decode_tostring",
        1,
        1,
        Naming::Default,
        base64_decode_tostring,
    ),
    def(
        "base64_decode_toarray",
        1,
        1,
        Naming::Default,
        base64_decode_toarray,
    ),
    def(
        "base64_encode_fromarray",
        1,
        1,
        Naming::Default,
        base64_encode_fromarray,
    ),
    def(
        "base64_decode_toguid",
        1,
        1,
        Naming::Default,
        base64_decode_toguid,
    ),
    def(
        "base64_encode_fromguid",
        1,
        1,
        Naming::Default,
        base64_encode_fromguid,
    ),
    def("url_encode", 1, 1, Naming::Default, url_encode),
    def(
        "url_encode_component",
        1,
        1,
        Naming::Default,
        url_encode_component,
    ),
    def("url_decode", 1, 1, Naming::Default, url_decode),
    def("hash_md5", 1, 1, Naming::Default, hash_md5),
    def("hash_sha1", 1, 1, Naming::Default, hash_sha1),
    def("hash_sha256", 1, 1, Naming::Default, hash_sha256),
    def("hash", 1, 2, Naming::Default, hash),
    def("hash_xxhash64", 1, 2, Naming::Default, hash),
];

// ---------------------------------------------------------------------------------------------------------
// base64 (standard alphabet, padded, as .NET's Convert)

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(super) fn b64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(B64[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Strict decoding: whitespace is ignored, the length must be a multiple of 4, `=` only as padding.
pub(super) fn b64_decode(text: &str) -> Option<Vec<u8>> {
    let chars: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !chars.len().is_multiple_of(4) {
        return None;
    }
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut out = Vec::with_capacity(chars.len() / 4 * 3);
    let quads = chars.len() / 4;
    for (qi, q) in chars.chunks(4).enumerate() {
        let pad = q.iter().rev().take_while(|c| **c == b'=').count();
        if pad > 2 || (pad > 0 && qi + 1 != quads) {
            return None;
        }
        let mut n = 0u32;
        for (i, c) in q.iter().enumerate() {
            let v = if i >= 4 - pad { 0 } else { val(*c)? };
            n |= v << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// [E] base64-encode-tostring-function-00.
fn base64_encode_tostring(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        Value::String(b64_encode(kql_tostring(&v[0]).as_bytes()))
    }))
}

/// Bytes that are not valid base64 or not UTF-8 give `""` ([E] base64-decode-tostring-function-00/01).
fn base64_decode_tostring(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        let s = b64_decode(&kql_tostring(&v[0]))
            .and_then(|b| String::from_utf8(b).ok())
            .unwrap_or_default();
        Value::String(s)
    }))
}

/// The bytes as an array of longs; invalid base64 gives null ([E] base64-decode-toarray-function-00).
fn base64_decode_toarray(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        match b64_decode(&kql_tostring(&v[0])) {
            Some(b) => Value::Dynamic(J::Array(b.into_iter().map(J::from).collect())),
            None => Value::Null,
        }
    }))
}

/// An array of byte values to base64; anything else gives `""` ([E] base64-encode-fromarray-function-00/01).
fn base64_encode_fromarray(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        let Some(items) = array_arg(&v[0]) else {
            return Value::String(String::new());
        };
        let mut bytes = Vec::with_capacity(items.len());
        for j in items {
            match int_arg(&Value::Dynamic(j.clone())).and_then(|i| u8::try_from(i).ok()) {
                Some(b) => bytes.push(b),
                None => return Value::String(String::new()),
            }
        }
        Value::String(b64_encode(&bytes))
    }))
}

/// .NET's GUID byte order: the first three fields little-endian.
fn guid_from_bytes(b: &[u8]) -> Option<String> {
    if b.len() != 16 {
        return None;
    }
    let hex = |s: &[u8]| s.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let rev = |s: &[u8]| s.iter().rev().copied().collect::<Vec<u8>>();
    Some(format!(
        "{}-{}-{}-{}-{}",
        hex(&rev(&b[0..4])),
        hex(&rev(&b[4..6])),
        hex(&rev(&b[6..8])),
        hex(&b[8..10]),
        hex(&b[10..16])
    ))
}

fn guid_to_bytes(g: &str) -> Option<Vec<u8>> {
    let hex: String = g.chars().filter(|c| *c != '-').collect();
    let raw: Vec<u8> = (0..16)
        .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    let mut out = Vec::with_capacity(16);
    out.extend(raw[0..4].iter().rev());
    out.extend(raw[4..6].iter().rev());
    out.extend(raw[6..8].iter().rev());
    out.extend_from_slice(&raw[8..16]);
    Some(out)
}

/// [E] base64-decode-toguid-function-00/01.
fn base64_decode_toguid(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Guid, |v| {
        match b64_decode(&kql_tostring(&v[0]))
            .as_deref()
            .and_then(guid_from_bytes)
        {
            Some(g) => Value::Guid(g),
            None => Value::Null,
        }
    }))
}

/// [E] base64-encode-fromguid-function-00.
fn base64_encode_fromguid(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        let s = to_guid(&v[0])
            .and_then(|g| guid_to_bytes(&g))
            .map(|b| b64_encode(&b))
            .unwrap_or_default();
        Value::String(s)
    }))
}

// ---------------------------------------------------------------------------------------------------------
// URL encoding (.NET HttpUtility rules: lower-case hex, `-_.!*()` and alphanumerics kept)

fn url_encode_str(s: &str, space: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'a'..=b'z'
            | b'A'..=b'Z'
            | b'0'..=b'9'
            | b'-'
            | b'_'
            | b'.'
            | b'!'
            | b'*'
            | b'('
            | b')' => out.push(b as char),
            b' ' => out.push_str(space),
            _ => out.push_str(&format!("%{b:02x}")),
        }
    }
    out
}

/// Spaces become `+` ([E] url-encode-function-00).
fn url_encode(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        Value::String(url_encode_str(&kql_tostring(&v[0]), "+"))
    }))
}

/// Spaces become `%20` ([E] url-encode-component-function-00).
fn url_encode_component(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        Value::String(url_encode_str(&kql_tostring(&v[0]), "%20"))
    }))
}

fn hex_val(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// `%xx` escapes (and `%uXXXX`), `+` as a space; malformed escapes are kept as they are.
fn url_decode_str(s: &str) -> String {
    let b = s.as_bytes();
    let mut bytes: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => {
                bytes.push(b' ');
                i += 1;
            }
            b'%' if i + 6 <= b.len() && (b[i + 1] == b'u' || b[i + 1] == b'U') => {
                let code = (2..6).try_fold(0u32, |acc, k| {
                    hex_val(b[i + k]).map(|d| acc * 16 + d as u32)
                });
                match code.and_then(char::from_u32) {
                    Some(c) => {
                        let mut buf = [0u8; 4];
                        bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        i += 6;
                    }
                    None => {
                        bytes.push(b'%');
                        i += 1;
                    }
                }
            }
            b'%' if i + 3 <= b.len() => match (hex_val(b[i + 1]), hex_val(b[i + 2])) {
                (Some(h), Some(l)) => {
                    bytes.push(h * 16 + l);
                    i += 3;
                }
                _ => {
                    bytes.push(b'%');
                    i += 1;
                }
            },
            c => {
                bytes.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// [E] url-decode-function-00.
fn url_decode(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        Value::String(url_decode_str(&kql_tostring(&v[0])))
    }))
}

// ---------------------------------------------------------------------------------------------------------
// Cryptographic hashes of the value's string form ([E] hash-md5-function-00: a datetime is hashed as
// "2020-01-01T00:00:00.0000000Z")

fn md5(input: &[u8]) -> [u8; 16] {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5,
        9, 14, 20, 5, 9, 14, 20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10,
        15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ];
    let k: Vec<u32> = (0..64)
        .map(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32)
        .collect();
    let mut h: [u32; 4] = [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476];
    let mut msg = input.to_vec();
    let bitlen = (input.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bitlen.to_le_bytes());
    for block in msg.chunks(64) {
        let m: Vec<u32> = block
            .chunks(4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
            .collect();
        let (mut a, mut b, mut c, mut d) = (h[0], h[1], h[2], h[3]);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        h[0] = h[0].wrapping_add(a);
        h[1] = h[1].wrapping_add(b);
        h[2] = h[2].wrapping_add(c);
        h[3] = h[3].wrapping_add(d);
    }
    let mut out = [0u8; 16];
    for (i, w) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&w.to_le_bytes());
    }
    out
}

fn pad_be(input: &[u8]) -> Vec<u8> {
    let mut msg = input.to_vec();
    let bitlen = (input.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bitlen.to_be_bytes());
    msg
}

fn sha1(input: &[u8]) -> [u8; 20] {
    let mut h: [u32; 5] = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0];
    for block in pad_be(input).chunks(64) {
        let mut w = [0u32; 80];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([
                block[4 * i],
                block[4 * i + 1],
                block[4 * i + 2],
                block[4 * i + 3],
            ]);
        }
        for i in 16..80 {
            w[i] = (w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]).rotate_left(1);
        }
        let (mut a, mut b, mut c, mut d, mut e) = (h[0], h[1], h[2], h[3], h[4]);
        for (i, wi) in w.iter().enumerate() {
            let (f, k) = match i / 20 {
                0 => ((b & c) | (!b & d), 0x5A827999),
                1 => (b ^ c ^ d, 0x6ED9EBA1),
                2 => ((b & c) | (b & d) | (c & d), 0x8F1BBCDC),
                _ => (b ^ c ^ d, 0xCA62C1D6u32),
            };
            let t = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(*wi);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = t;
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e]) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 20];
    for (i, w) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&w.to_be_bytes());
    }
    out
}

fn sha256(input: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    for block in pad_be(input).chunks(64) {
        let mut w = [0u32; 64];
        for i in 0..16 {
            w[i] = u32::from_be_bytes([
                block[4 * i],
                block[4 * i + 1],
                block[4 * i + 2],
                block[4 * i + 3],
            ]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let mut s = h;
        for i in 0..64 {
            let [a, b, c, d, e, f, g, hh] = s;
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            s = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
        }
        for (x, y) in h.iter_mut().zip(s) {
            *x = x.wrapping_add(y);
        }
    }
    let mut out = [0u8; 32];
    for (i, w) in h.iter().enumerate() {
        out[4 * i..4 * i + 4].copy_from_slice(&w.to_be_bytes());
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn not_dynamic(fname: &str, a: &ArgInfo) -> Result<(), String> {
    if a.ty == ScalarType::Dynamic {
        Err(format!("{fname}() does not take a dynamic value"))
    } else {
        Ok(())
    }
}

/// [E] hash-md5-function-00.
fn hash_md5(a: &[ArgInfo]) -> Result<Prepared, String> {
    not_dynamic("hash_md5", &a[0])?;
    Ok(Prepared::new(ScalarType::String, |v| {
        Value::String(hex(&md5(kql_tostring(&v[0]).as_bytes())))
    }))
}

/// [E] hash-sha1-function-00.
fn hash_sha1(a: &[ArgInfo]) -> Result<Prepared, String> {
    not_dynamic("hash_sha1", &a[0])?;
    Ok(Prepared::new(ScalarType::String, |v| {
        Value::String(hex(&sha1(kql_tostring(&v[0]).as_bytes())))
    }))
}

/// [E] hash-sha256-function-00.
fn hash_sha256(a: &[ArgInfo]) -> Result<Prepared, String> {
    not_dynamic("hash_sha256", &a[0])?;
    Ok(Prepared::new(ScalarType::String, |v| {
        Value::String(hex(&sha256(kql_tostring(&v[0]).as_bytes())))
    }))
}

// ---------------------------------------------------------------------------------------------------------
// xxHash64 (seed 0)

const P1: u64 = 11_400_714_785_074_694_791;
const P2: u64 = 14_029_467_366_897_019_727;
const P3: u64 = 1_609_587_929_392_839_161;
const P4: u64 = 9_650_029_242_287_828_579;
const P5: u64 = 2_870_177_450_012_600_261;

fn xx_round(acc: u64, input: u64) -> u64 {
    acc.wrapping_add(input.wrapping_mul(P2))
        .rotate_left(31)
        .wrapping_mul(P1)
}

fn xx_merge(acc: u64, val: u64) -> u64 {
    (acc ^ xx_round(0, val)).wrapping_mul(P1).wrapping_add(P4)
}

fn read64(b: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[i..i + 8]);
    u64::from_le_bytes(w)
}

pub(super) fn xxh64(b: &[u8]) -> u64 {
    let n = b.len();
    let mut i = 0;
    let mut h = if n >= 32 {
        let mut v = [P1.wrapping_add(P2), P2, 0, 0u64.wrapping_sub(P1)];
        while i + 32 <= n {
            for (k, lane) in v.iter_mut().enumerate() {
                *lane = xx_round(*lane, read64(b, i + 8 * k));
            }
            i += 32;
        }
        let mut h = v[0]
            .rotate_left(1)
            .wrapping_add(v[1].rotate_left(7))
            .wrapping_add(v[2].rotate_left(12))
            .wrapping_add(v[3].rotate_left(18));
        for lane in v {
            h = xx_merge(h, lane);
        }
        h
    } else {
        P5
    };
    h = h.wrapping_add(n as u64);
    while i + 8 <= n {
        h = (h ^ xx_round(0, read64(b, i)))
            .rotate_left(27)
            .wrapping_mul(P1)
            .wrapping_add(P4);
        i += 8;
    }
    if i + 4 <= n {
        let w = u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as u64;
        h = (h ^ w.wrapping_mul(P1))
            .rotate_left(23)
            .wrapping_mul(P2)
            .wrapping_add(P3);
        i += 4;
    }
    while i < n {
        h = (h ^ (b[i] as u64).wrapping_mul(P5))
            .rotate_left(11)
            .wrapping_mul(P1);
        i += 1;
    }
    h ^= h >> 33;
    h = h.wrapping_mul(P2);
    h ^= h >> 29;
    h = h.wrapping_mul(P3);
    h ^ (h >> 32)
}

/// `hash(value[, mod])` (= `hash_xxhash64`): xxHash64 of a string's UTF-8 bytes, or of the 8 little-endian
/// bytes of a datetime's .NET ticks ([E] hash-function-00..02). Longs and timespans are hashed the same
/// way as datetimes; other types are refused (their byte form is not known).
fn hash(a: &[ArgInfo]) -> Result<Prepared, String> {
    match a[0].ty {
        ScalarType::String | ScalarType::DateTime | ScalarType::Long | ScalarType::TimeSpan => {}
        other => return Err(format!("hash() of a {other} is not supported")),
    }
    Ok(Prepared::new(ScalarType::Long, |v| {
        let h = match &v[0] {
            Value::String(s) => xxh64(s.as_bytes()),
            Value::DateTime(t) => xxh64(&(t + EPOCH_0001).to_le_bytes()),
            Value::Long(x) | Value::TimeSpan(x) => xxh64(&x.to_le_bytes()),
            _ => return Value::Null,
        };
        match v.get(1) {
            None => Value::Long(h as i64),
            Some(m) => match int_arg(m) {
                Some(m) if m > 0 => Value::Long((h % m as u64) as i64),
                _ => Value::Null,
            },
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::super::call_const;
    use crate::engine::value::{Value, parse_datetime};
    use serde_json::json;

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    #[test]
    fn base64_round_trips() {
        // base64-encode-tostring-function-00, base64-decode-tostring-function-00/01
        assert_eq!(
            call_const("base64_encode_tostring", &[s("Kusto")]),
            Ok(s("S3VzdG8="))
        );
        assert_eq!(
            call_const("base64_decode_tostring", &[s("S3VzdG8=")]),
            Ok(s("Kusto"))
        );
        assert_eq!(
            call_const(
                "base64_decode_tostring",
                &[s("U3RyaW5n0KHR0tGA0L7Rh9C60LA=")]
            ),
            Ok(s(""))
        );
        assert_eq!(
            call_const("base64_decodestring", &[s("not base64!")]),
            Ok(s(""))
        );
        // base64-decode-toarray-function-00, base64-encode-fromarray-function-00/01
        let arr = Value::Dynamic(json!([75, 117, 115, 116, 111]));
        assert_eq!(
            call_const("base64_decode_toarray", &[s("S3VzdG8=")]),
            Ok(arr.clone())
        );
        assert_eq!(
            call_const("base64_encode_fromarray", &[arr]),
            Ok(s("S3VzdG8="))
        );
        let bad = call_const("base64_decode_toarray", &[s("U3RyaW5n0KHR0tGA0L7Rh9C60LA")])
            .unwrap_or(Value::Null);
        assert_eq!(call_const("base64_encode_fromarray", &[bad]), Ok(s("")));
        for text in ["", "a", "ab", "abc", "abcd", "hello world"] {
            let enc = super::b64_encode(text.as_bytes());
            assert_eq!(
                super::b64_decode(&enc).as_deref(),
                Some(text.as_bytes()),
                "{text}"
            );
        }
    }

    #[test]
    fn base64_guids() {
        // base64-decode-toguid-function-00/01, base64-encode-fromguid-function-00
        let g = call_const("base64_decode_toguid", &[s("JpbpECu8dUy7Pv5gbeJXAA==")]);
        assert_eq!(
            g,
            Ok(Value::Guid("10e99626-bc2b-4c75-bb3e-fe606de25700".into()))
        );
        assert_eq!(
            call_const("base64_decode_toguid", &[s("abcd1231")]),
            Ok(Value::Null)
        );
        let r = call_const(
            "base64_encode_fromguid",
            &[Value::Guid("ae3133f2-6e22-49ae-b06a-16e6a9b212eb".into())],
        );
        assert_eq!(r, Ok(s("8jMxriJurkmwahbmqbIS6w==")));
    }

    #[test]
    fn url_coding() {
        // url-encode-function-00, url-encode-component-function-00, url-decode-function-00
        let r = call_const("url_encode", &[s("https://www.bing.com/hello world")]);
        assert_eq!(r, Ok(s("https%3a%2f%2fwww.bing.com%2fhello+world")));
        let r = call_const(
            "url_encode_component",
            &[s("https://www.bing.com/hello world/")],
        );
        assert_eq!(r, Ok(s("https%3a%2f%2fwww.bing.com%2fhello%20world%2f")));
        assert_eq!(
            call_const("url_decode", &[s("https%3a%2f%2fwww.bing.com%2f")]),
            Ok(s("https://www.bing.com/"))
        );
        assert_eq!(
            call_const("url_decode", &[s("a+b%20c%zz%e2%82%ac%")]),
            Ok(s("a b c%zz€%"))
        );
    }

    #[test]
    fn cryptographic_hashes() {
        // hash-md5-function-00, hash-sha1-function-00, hash-sha256-function-00
        let day = Value::DateTime(parse_datetime("2020-01-01").unwrap_or(0));
        assert_eq!(
            call_const("hash_md5", &[s("World")]),
            Ok(s("f5a7924e621e84c9280a9a27e1bcb7f6"))
        );
        assert_eq!(
            call_const("hash_md5", std::slice::from_ref(&day)),
            Ok(s("786c530672d1f8db31fee25ea8a9390b"))
        );
        assert_eq!(
            call_const("hash_sha1", &[s("World")]),
            Ok(s("70c07ec18ef89c5309bbb0937f3a6342411e1fdd"))
        );
        assert_eq!(
            call_const("hash_sha1", std::slice::from_ref(&day)),
            Ok(s("e903e533f4d636b4fc0dcf3cf81e7b7f330de776"))
        );
        let want = "78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524";
        assert_eq!(call_const("hash_sha256", &[s("World")]), Ok(s(want)));
        let want = "ba666752dc1a20eb750b0eb64e780cc4c968bc9fb8813461c1d7e750f302d71d";
        assert_eq!(call_const("hash_sha256", &[day]), Ok(s(want)));
        // block boundaries (expected values from Python's hashlib)
        let t = "a".repeat(55);
        assert_eq!(
            call_const("hash_md5", &[s(&t)]),
            Ok(s("ef1772b6dff9a122358552954ad0df65"))
        );
        assert_eq!(
            call_const("hash_sha1", &[s(&t)]),
            Ok(s("c1c8bbdc22796e28c0e15163d20899b65621d65a"))
        );
        assert_eq!(
            call_const("hash_sha256", &[s(&t)]),
            Ok(s(
                "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"
            ))
        );
        let t = "a".repeat(56);
        assert_eq!(
            call_const("hash_md5", &[s(&t)]),
            Ok(s("3b0c8ac703f828b04c6c197006d17218"))
        );
        assert_eq!(
            call_const("hash_sha1", &[s(&t)]),
            Ok(s("c2db330f6083854c99d4b5bfb6e8f29f201be699"))
        );
        assert_eq!(
            call_const("hash_sha256", &[s(&t)]),
            Ok(s(
                "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"
            ))
        );
        let t = "a".repeat(64);
        assert_eq!(
            call_const("hash_md5", &[s(&t)]),
            Ok(s("014842d480b571495a4a0363793f7367"))
        );
        assert_eq!(
            call_const("hash_sha1", &[s(&t)]),
            Ok(s("0098ba824b5c16427bd7a1122a5a442a25ec644d"))
        );
        assert_eq!(
            call_const("hash_sha256", &[s(&t)]),
            Ok(s(
                "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"
            ))
        );
        let t = "a".repeat(200);
        assert_eq!(
            call_const("hash_md5", &[s(&t)]),
            Ok(s("887f30b43b2867f4a9accceee7d16e6c"))
        );
        assert_eq!(
            call_const("hash_sha1", &[s(&t)]),
            Ok(s("e61cfffe0d9195a525fc6cf06ca2d77119c24a40"))
        );
        assert_eq!(
            call_const("hash_sha256", &[s(&t)]),
            Ok(s(
                "c2a908d98f5df987ade41b5fce213067efbcc21ef2240212a41e54b5e7c28ae5"
            ))
        );
    }

    #[test]
    fn xxhash() {
        // hash-function-00..02, hash-xxhash64-function-00..02, hash-combine-function-00 (h1)
        assert_eq!(
            call_const("hash", &[s("World")]),
            Ok(Value::Long(1846988464401551951))
        );
        assert_eq!(
            call_const("hash", &[s("World"), Value::Long(100)]),
            Ok(Value::Long(51))
        );
        let day = Value::DateTime(parse_datetime("2015-01-01").unwrap_or(0));
        assert_eq!(
            call_const("hash_xxhash64", &[day]),
            Ok(Value::Long(1380966698541616202))
        );
        assert_eq!(
            call_const("hash", &[s("Hello")]),
            Ok(Value::Long(753694413698530628))
        );
        let long_text = "x".repeat(100);
        assert!(matches!(
            call_const("hash", &[s(&long_text)]),
            Ok(Value::Long(_))
        ));
        assert!(call_const("hash", &[Value::Real(1.5)]).is_err());
    }
}
