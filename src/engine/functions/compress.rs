//! gzip and zlib compression to and from base64 strings.
//!
//! Decompression accepts any valid stream. Compression writes what the real engine writes: deflate
//! *stored* blocks (no compression, zlib level 0) — [E] zlib-base64-compress-function-00 gives
//! `78 01` + one final stored block + Adler-32, byte for byte what zlib writes at level 0, and
//! [E] gzip-base64-compress-00 gives a gzip header with mtime 0, XFL 0 and OS 255, one final stored block,
//! CRC-32 and the length. Blocks are split as zlib splits them at level 0 in one call (65,531 bytes): only
//! inputs below that size are confirmed by a case shape; above it the block boundaries are an assumption.

use std::io::Read;

use super::encode::{b64_decode, b64_encode};
use super::util::{def, kql_str};
use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    def(
        "gzip_compress_to_base64_string",
        1,
        1,
        Naming::Default,
        gzip_compress,
    ),
    def(
        "gzip_decompress_from_base64_string",
        1,
        1,
        Naming::Default,
        gzip_decompress,
    ),
    def(
        "zlib_compress_to_base64_string",
        1,
        1,
        Naming::Default,
        zlib_compress,
    ),
    def(
        "zlib_decompress_from_base64_string",
        1,
        1,
        Naming::Default,
        zlib_decompress,
    ),
];

/// zlib's largest stored block at level 0 when the whole input is given in one call.
const MAX_STORED: usize = 65_531;

/// Raw deflate with stored blocks only.
fn deflate_stored(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 5 * (data.len() / MAX_STORED + 1));
    let mut chunks: Vec<&[u8]> = data.chunks(MAX_STORED).collect();
    if chunks.is_empty() {
        chunks.push(&[]);
    }
    let last = chunks.len() - 1;
    for (i, c) in chunks.iter().enumerate() {
        out.push(u8::from(i == last));
        let len = c.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(c);
    }
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65_521;
        b %= 65_521;
    }
    (b << 16) | a
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = flate2::Crc::new();
    crc.update(data);
    crc.sum()
}

pub(super) fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    out.extend(deflate_stored(data));
    out.extend_from_slice(&adler32(data).to_be_bytes());
    out
}

pub(super) fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    out.extend(deflate_stored(data));
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

fn text_of(mut r: impl Read) -> Option<String> {
    let mut buf = Vec::new();
    r.read_to_end(&mut buf).ok()?;
    String::from_utf8(buf).ok()
}

fn gzip_text(bytes: &[u8]) -> Option<String> {
    text_of(flate2::read::GzDecoder::new(bytes))
}

fn zlib_text(bytes: &[u8]) -> Option<String> {
    text_of(flate2::read::ZlibDecoder::new(bytes))
}

fn string_fn(
    f: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, move |v| {
        Value::String(f(&kql_str(&v[0])).unwrap_or_default())
    }))
}

fn check_string(fname: &str, a: &ArgInfo) -> Result<(), String> {
    if a.ty == ScalarType::String || a.ty == ScalarType::Dynamic {
        Ok(())
    } else {
        Err(format!("{fname}() expects a string, got {}", a.ty.name()))
    }
}

/// [E] gzip-base64-compress-00.
fn gzip_compress(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("gzip_compress_to_base64_string", &a[0])?;
    string_fn(|s| Some(b64_encode(&gzip_stored(s.as_bytes()))))
}

/// [E] gzip-base64-decompress-00; invalid input gives `""` ([E] gzip-base64-decompress-01).
fn gzip_decompress(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("gzip_decompress_from_base64_string", &a[0])?;
    string_fn(|s| gzip_text(&b64_decode(s)?))
}

/// [E] zlib-base64-compress-function-00.
fn zlib_compress(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("zlib_compress_to_base64_string", &a[0])?;
    string_fn(|s| Some(b64_encode(&zlib_stored(s.as_bytes()))))
}

/// [E] zlib-base64-decompress-function-00; invalid input gives `""` ([E] ...-function-01).
fn zlib_decompress(a: &[ArgInfo]) -> Result<Prepared, String> {
    check_string("zlib_decompress_from_base64_string", &a[0])?;
    string_fn(|s| zlib_text(&b64_decode(s)?))
}

#[cfg(test)]
mod tests {
    use super::super::call_const;
    use super::*;

    fn call(name: &str, s: &str) -> Value {
        call_const(name, &[Value::String(s.into())]).unwrap_or_else(|e| panic!("{e}"))
    }
    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    #[test]
    fn gzip_matches_the_engine() {
        // [E] gzip-base64-compress-00, gzip-base64-decompress-00/01
        let z = "H4sIAAAAAAAA/wEUAOv/MTIzNDU2Nzg5MHF3ZXJ0eXVpb3A6m7f2FAAAAA==";
        assert_eq!(
            call("gzip_compress_to_base64_string", "1234567890qwertyuiop"),
            s(z)
        );
        assert_eq!(
            call("gzip_decompress_from_base64_string", z),
            s("1234567890qwertyuiop")
        );
        assert_eq!(call("gzip_decompress_from_base64_string", "x0x0x0"), s(""));
    }

    #[test]
    fn zlib_matches_the_engine() {
        // [E] zlib-base64-compress-function-00, zlib-base64-decompress-function-00/01
        assert_eq!(
            call("zlib_compress_to_base64_string", "1234567890qwertyuiop"),
            s("eAEBFADr/zEyMzQ1Njc4OTBxd2VydHl1aW9wOAkGdw==")
        );
        assert_eq!(
            call(
                "zlib_decompress_from_base64_string",
                "eJwLSS0uUSguKcrMS1cwNDIGACxqBQ4="
            ),
            s("Test string 123")
        );
        assert_eq!(call("zlib_decompress_from_base64_string", "x0x0x0"), s(""));
    }

    #[test]
    fn stored_streams_round_trip() {
        let big = "ab".repeat(70_000);
        for text in ["", "x", big.as_str()] {
            let g = b64_encode(&gzip_stored(text.as_bytes()));
            assert_eq!(call("gzip_decompress_from_base64_string", &g), s(text));
            let z = b64_encode(&zlib_stored(text.as_bytes()));
            assert_eq!(call("zlib_decompress_from_base64_string", &z), s(text));
        }
        // zlib at level 0 writes an empty input as one empty stored block
        assert_eq!(
            zlib_stored(b""),
            [
                0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01
            ]
        );
    }
}
