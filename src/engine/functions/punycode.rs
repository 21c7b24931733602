//! Punycode (RFC 3492) and its use on domain names.
//!
//! The engine applies plain RFC 3492 without IDNA mapping: case and spaces are kept
//! ([E] punycode-domain-to-string-function-00: `Lê Lợi` gives `xn--L Li-gpa4517b`). Domain labels are
//! split at the IDNA separators (`.`, `。`, `．`, `｡`) and joined with `.`; a label with a non-ASCII
//! character is encoded with the `xn--` prefix, an `xn--` label is decoded. Failure gives `""`
//! ([D] punycode-*-function.md).

use super::util::{def, kql_str};
use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    def(
        "punycode_from_string",
        1,
        1,
        Naming::Default,
        punycode_from_string,
    ),
    def(
        "punycode_to_string",
        1,
        1,
        Naming::Default,
        punycode_to_string,
    ),
    def(
        "punycode_domain_to_string",
        1,
        1,
        Naming::Default,
        punycode_domain_to_string,
    ),
    def(
        "punycode_domain_from_string",
        1,
        1,
        Naming::Default,
        punycode_domain_from_string,
    ),
];

const BASE: u32 = 36;
const TMIN: u32 = 1;
const TMAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;

fn adapt(mut delta: u32, numpoints: u32, first: bool) -> u32 {
    delta /= if first { DAMP } else { 2 };
    delta += delta / numpoints;
    let mut k = 0;
    while delta > ((BASE - TMIN) * TMAX) / 2 {
        delta /= BASE - TMIN;
        k += BASE;
    }
    k + (BASE - TMIN + 1) * delta / (delta + SKEW)
}

fn digit_char(d: u32) -> char {
    // 0..25 -> a..z, 26..35 -> 0..9
    if d < 26 {
        (b'a' + d as u8) as char
    } else {
        (b'0' + (d - 26) as u8) as char
    }
}

fn char_digit(c: char) -> Option<u32> {
    match c {
        'a'..='z' => Some(c as u32 - 'a' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32),
        '0'..='9' => Some(c as u32 - '0' as u32 + 26),
        _ => None,
    }
}

fn threshold(k: u32, bias: u32) -> u32 {
    if k <= bias {
        TMIN
    } else if k >= bias + TMAX {
        TMAX
    } else {
        k - bias
    }
}

/// RFC 3492 encoding (section 6.3); `None` on overflow.
pub(super) fn encode(input: &str) -> Option<String> {
    let cps: Vec<u32> = input.chars().map(|c| c as u32).collect();
    let mut out: String = input.chars().filter(char::is_ascii).collect();
    let b = out.len() as u32;
    let mut h = b;
    if b > 0 {
        out.push('-');
    }
    let mut n = INITIAL_N;
    let mut delta: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let total = cps.len() as u32;
    while h < total {
        let m = cps.iter().copied().filter(|&c| c >= n).min()?;
        delta = delta.checked_add((m - n).checked_mul(h + 1)?)?;
        n = m;
        for &c in &cps {
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    out.push(digit_char(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit_char(q));
                bias = adapt(delta, h + 1, h == b);
                delta = 0;
                h += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(out)
}

/// RFC 3492 decoding (section 6.2); `None` for non-ASCII input, a bad digit or overflow.
pub(super) fn decode(input: &str) -> Option<String> {
    if !input.is_ascii() {
        return None;
    }
    let (basic, rest) = match input.rfind('-') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => ("", input),
    };
    let mut out: Vec<char> = basic.chars().collect();
    let mut n = INITIAL_N;
    let mut i: u32 = 0;
    let mut bias = INITIAL_BIAS;
    let mut digits = rest.chars().peekable();
    while digits.peek().is_some() {
        let old_i = i;
        let mut w: u32 = 1;
        let mut k = BASE;
        loop {
            let d = char_digit(digits.next()?)?;
            i = i.checked_add(d.checked_mul(w)?)?;
            let t = threshold(k, bias);
            if d < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = out.len() as u32 + 1;
        bias = adapt(i - old_i, len, old_i == 0);
        n = n.checked_add(i / len)?;
        i %= len;
        out.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(out.into_iter().collect())
}

fn is_separator(c: char) -> bool {
    matches!(c, '.' | '\u{3002}' | '\u{FF0E}' | '\u{FF61}')
}

fn domain_to_ascii(domain: &str) -> Option<String> {
    let labels: Option<Vec<String>> = domain
        .split(is_separator)
        .map(|l| {
            if l.is_ascii() {
                Some(l.to_string())
            } else {
                encode(l).map(|e| format!("xn--{e}"))
            }
        })
        .collect();
    Some(labels?.join("."))
}

fn domain_from_ascii(domain: &str) -> Option<String> {
    let labels: Option<Vec<String>> = domain
        .split(is_separator)
        .map(|l| match l.get(..4) {
            Some(p) if p.eq_ignore_ascii_case("xn--") => decode(&l[4..]),
            _ => Some(l.to_string()),
        })
        .collect();
    Some(labels?.join("."))
}

fn string_fn(
    fname: &str,
    a: &[ArgInfo],
    f: fn(&str) -> Option<String>,
) -> Result<Prepared, String> {
    if !(a[0].ty == ScalarType::String || a[0].ty == ScalarType::Dynamic) {
        return Err(format!(
            "{fname}() expects a string, got {}",
            a[0].ty.name()
        ));
    }
    Ok(Prepared::new(ScalarType::String, move |v| {
        Value::String(f(&kql_str(&v[0])).unwrap_or_default())
    }))
}

fn punycode_from_string(a: &[ArgInfo]) -> Result<Prepared, String> {
    string_fn("punycode_from_string", a, encode)
}
fn punycode_to_string(a: &[ArgInfo]) -> Result<Prepared, String> {
    string_fn("punycode_to_string", a, decode)
}
fn punycode_domain_to_string(a: &[ArgInfo]) -> Result<Prepared, String> {
    string_fn("punycode_domain_to_string", a, domain_to_ascii)
}
fn punycode_domain_from_string(a: &[ArgInfo]) -> Result<Prepared, String> {
    string_fn("punycode_domain_from_string", a, domain_from_ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_3492_samples() {
        // [E] punycode-from-string-function-00/01, punycode-to-string-function-00
        assert_eq!(
            encode("académie-française").as_deref(),
            Some("acadmie-franaise-npb1a")
        );
        assert_eq!(encode("艺术").as_deref(), Some("cqv902d"));
        assert_eq!(
            decode("acadmie-franaise-npb1a").as_deref(),
            Some("académie-française")
        );
        // RFC 3492 section 7.1 (A) Arabic (Egyptian)
        assert_eq!(
            encode("\u{644}\u{64A}\u{647}\u{645}\u{627}\u{628}\u{62A}\u{643}\u{644}\u{645}\u{648}\u{634}\u{639}\u{631}\u{628}\u{64A}\u{61F}").as_deref(),
            Some("egbpdaj6bu4bxfgehfvwxn")
        );
        assert_eq!(decode("ü"), None);
        assert_eq!(decode("a-9999999999"), None);
    }

    #[test]
    fn domains() {
        // [E] punycode-domain-to-string-function-00
        assert_eq!(
            domain_to_ascii("Lê Lợi。Thuận Thiên。com").as_deref(),
            Some("xn--L Li-gpa4517b.xn--Thun Thin-s4a7194f.com")
        );
        assert_eq!(
            domain_to_ascii("Riðill｡Skáldskaparmál｡org").as_deref(),
            Some("xn--Riill-jta.xn--Skldskaparml-dbbj.org")
        );
        assert_eq!(
            domain_to_ascii("Kaledvoulc'h.Artorījos.edu").as_deref(),
            Some("Kaledvoulc'h.xn--Artorjos-ejb.edu")
        );
        // [E] punycode-domain-from-string-function-00
        assert_eq!(
            domain_from_ascii("xn--Ge-mia.Bulg.edu").as_deref(),
            Some("Gáe.Bulg.edu")
        );
        assert_eq!(
            domain_from_ascii("xn--Lin-8na.Celtchair.org").as_deref(),
            Some("Lúin.Celtchair.org")
        );
        assert_eq!(
            domain_from_ascii("xn--Ry-lja8c.xn--Jng-uta63a.xn--Bng-9ka.com").as_deref(),
            Some("Rúyì.Jīngū.Bàng.com")
        );
    }
}
