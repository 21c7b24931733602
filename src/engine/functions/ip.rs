//! IPv4 and IPv6 functions.
//!
//! An address may carry a prefix (`192.168.1.1/24`); comparisons use the shortest prefix involved. IPv4
//! addresses in IPv6 functions are IPv4-mapped (`::ffff:a.b.c.d`), and a prefix written after dotted
//! notation counts IPv4 bits ([E] parse-ipv6-function-00, parse-ipv6-mask-function-00).

use std::net::Ipv6Addr;

use serde_json::Value as J;

use super::util::{def, int_arg, json_text, kql_tostring};
use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    def("parse_ipv4", 1, 1, Naming::Default, parse_ipv4),
    def("parse_ipv4_mask", 2, 2, Naming::Default, parse_ipv4_mask),
    def("format_ipv4", 1, 2, Naming::Default, format_ipv4),
    def("format_ipv4_mask", 1, 2, Naming::Default, format_ipv4_mask),
    def("ipv4_compare", 2, 3, Naming::Default, ipv4_compare),
    def("ipv4_is_match", 2, 3, Naming::Default, ipv4_is_match),
    def("ipv4_is_in_range", 2, 2, Naming::Default, ipv4_is_in_range),
    def(
        "ipv4_is_in_any_range",
        2,
        64,
        Naming::Default,
        ipv4_is_in_any_range,
    ),
    def("ipv4_is_private", 1, 1, Naming::Default, ipv4_is_private),
    def(
        "ipv4_netmask_suffix",
        1,
        1,
        Naming::Default,
        ipv4_netmask_suffix,
    ),
    def(
        "ipv4_range_to_cidr_list",
        2,
        2,
        Naming::Default,
        ipv4_range_to_cidr_list,
    ),
    def("has_ipv4", 2, 2, Naming::Default, has_ipv4),
    def("has_ipv4_prefix", 2, 2, Naming::Default, has_ipv4_prefix),
    def("has_any_ipv4", 2, 64, Naming::Default, has_any_ipv4),
    def(
        "has_any_ipv4_prefix",
        2,
        64,
        Naming::Default,
        has_any_ipv4_prefix,
    ),
    def("parse_ipv6", 1, 1, Naming::Default, parse_ipv6),
    def("parse_ipv6_mask", 2, 2, Naming::Default, parse_ipv6_mask),
    def("ipv6_compare", 2, 3, Naming::Default, ipv6_compare),
    def("ipv6_is_match", 2, 3, Naming::Default, ipv6_is_match),
    def("ipv6_is_in_range", 2, 2, Naming::Default, ipv6_is_in_range),
    def(
        "ipv6_is_in_any_range",
        2,
        64,
        Naming::Default,
        ipv6_is_in_any_range,
    ),
];

// ---------------------------------------------------------------------------------------------------------
// IPv4

#[derive(Clone, Copy, Debug, PartialEq)]
struct V4 {
    addr: u32,
    prefix: u32,
}

fn mask4(prefix: u32) -> u32 {
    if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix.min(32))
    }
}

/// Four dotted decimal octets of 1 to 3 digits.
fn parse_octets(s: &str) -> Option<u32> {
    let parts: Vec<&str> = s.split('.').collect();
    if parts.len() != 4 {
        return None;
    }
    let mut addr = 0u32;
    for p in parts {
        if p.is_empty() || p.len() > 3 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let o: u32 = p.parse().ok()?;
        if o > 255 {
            return None;
        }
        addr = (addr << 8) | o;
    }
    Some(addr)
}

fn parse_v4(s: &str) -> Option<V4> {
    let t = s.trim();
    let (a, prefix) = match t.split_once('/') {
        Some((a, p)) => {
            let p: u32 = p.trim().parse().ok()?;
            if p > 32 {
                return None;
            }
            (a, p)
        }
        None => (t, 32),
    };
    Some(V4 {
        addr: parse_octets(a.trim())?,
        prefix,
    })
}

/// A string address or a long holding one.
fn v4_of(v: &Value) -> Option<V4> {
    match v {
        Value::Int(_) | Value::Long(_) => {
            let i = int_arg(v)?;
            u32::try_from(i).ok().map(|addr| V4 { addr, prefix: 32 })
        }
        Value::Null => None,
        other => parse_v4(&kql_tostring(other)),
    }
}

fn dotted(addr: u32) -> String {
    let b = addr.to_be_bytes();
    format!("{}.{}.{}.{}", b[0], b[1], b[2], b[3])
}

/// An optional prefix argument in 0..=32; `Err` when given but invalid.
fn prefix_arg(v: &[Value], i: usize, max: u32) -> Result<Option<u32>, ()> {
    match v.get(i) {
        None => Ok(None),
        Some(x) => match int_arg(x) {
            Some(p) if (0..=max as i64).contains(&p) => Ok(Some(p as u32)),
            _ => Err(()),
        },
    }
}

/// The address as a long, masked by its own prefix ([E] parse-ipv4-function-00).
fn parse_ipv4(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Long, |v| match v4_of(&v[0]) {
        Some(ip) => Value::Long((ip.addr & mask4(ip.prefix)) as i64),
        None => Value::Null,
    }))
}

/// [E] parse-ipv4-mask-function-00.
fn parse_ipv4_mask(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Long, |v| {
        match (v4_of(&v[0]), prefix_arg(v, 1, 32)) {
            (Some(ip), Ok(Some(p))) => Value::Long((ip.addr & mask4(ip.prefix.min(p))) as i64),
            _ => Value::Null,
        }
    }))
}

fn format_fn(with_suffix: bool) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, move |v| {
        let (Some(ip), Ok(p)) = (v4_of(&v[0]), prefix_arg(v, 1, 32)) else {
            return Value::String(String::new());
        };
        let p = ip.prefix.min(p.unwrap_or(32));
        let text = dotted(ip.addr & mask4(p));
        Value::String(if with_suffix {
            format!("{text}/{p}")
        } else {
            text
        })
    }))
}

/// [E] format-ipv4-function-00: an invalid prefix gives `""`.
fn format_ipv4(_a: &[ArgInfo]) -> Result<Prepared, String> {
    format_fn(false)
}

/// [E] format-ipv4-function-00 (result_mask column).
fn format_ipv4_mask(_a: &[ArgInfo]) -> Result<Prepared, String> {
    format_fn(true)
}

fn compare4(v: &[Value]) -> Option<i64> {
    let (a, b) = (v4_of(&v[0])?, v4_of(&v[1])?);
    let p = prefix_arg(v, 2, 32)
        .ok()?
        .unwrap_or(32)
        .min(a.prefix)
        .min(b.prefix);
    let m = mask4(p);
    Some(match (a.addr & m).cmp(&(b.addr & m)) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    })
}

/// [E] ipv4-compare-function-00/01.
fn ipv4_compare(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Long, |v| {
        compare4(v).map(Value::Long).unwrap_or(Value::Null)
    }))
}

/// [E] ipv4-is-match-function-00/01.
fn ipv4_is_match(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        compare4(v)
            .map(|c| Value::Bool(c == 0))
            .unwrap_or(Value::Null)
    }))
}

fn in_range4(ip: V4, range: V4) -> bool {
    let m = mask4(range.prefix);
    ip.addr & m == range.addr & m
}

/// [E] ipv4-is-in-range-function-00.
fn ipv4_is_in_range(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        match (v4_of(&v[0]), v4_of(&v[1])) {
            (Some(ip), Some(r)) => Value::Bool(in_range4(ip, r)),
            _ => Value::Null,
        }
    }))
}

/// The list arguments of the `*_any_*` functions: further string arguments, or one dynamic array.
fn list_args(v: &[Value]) -> Vec<String> {
    match &v[1] {
        Value::Dynamic(J::Array(items)) if v.len() == 2 => items.iter().map(json_text).collect(),
        _ => v[1..].iter().map(kql_tostring).collect(),
    }
}

/// [E] ipv4-is-in-any-range-function-00..02.
fn ipv4_is_in_any_range(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        let Some(ip) = v4_of(&v[0]) else {
            return Value::Null;
        };
        Value::Bool(
            list_args(v)
                .iter()
                .filter_map(|r| parse_v4(r))
                .any(|r| in_range4(ip, r)),
        )
    }))
}

/// 10.0.0.0/8, 172.16.0.0/12 and 192.168.0.0/16 ([E] ipv4-is-private-function-01).
fn ipv4_is_private(_a: &[ArgInfo]) -> Result<Prepared, String> {
    const PRIVATE: [(u32, u32); 3] = [(0x0A00_0000, 8), (0xAC10_0000, 12), (0xC0A8_0000, 16)];
    Ok(Prepared::new(ScalarType::Bool, |v| match v4_of(&v[0]) {
        Some(ip) => Value::Bool(PRIVATE.iter().any(|(net, p)| {
            ip.prefix >= *p
                && in_range4(
                    ip,
                    V4 {
                        addr: *net,
                        prefix: *p,
                    },
                )
        })),
        None => Value::Null,
    }))
}

/// [E] ipv4-netmask-suffix-function-00.
fn ipv4_netmask_suffix(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Long, |v| match v4_of(&v[0]) {
        Some(ip) => Value::Long(ip.prefix as i64),
        None => Value::Null,
    }))
}

/// The fewest CIDR blocks covering `start ..= end` ([E] ipv4-range-to-cidr-list-function-00).
fn ipv4_range_to_cidr_list(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let (Some(s), Some(e)) = (v4_of(&v[0]), v4_of(&v[1])) else {
            return Value::Null;
        };
        let (mut lo, hi) = (s.addr as u64, e.addr as u64);
        let mut out = Vec::new();
        while lo <= hi {
            let mut size = if lo == 0 {
                32
            } else {
                lo.trailing_zeros().min(32)
            };
            while size > 0 && lo + (1u64 << size) - 1 > hi {
                size -= 1;
            }
            out.push(J::String(format!("{}/{}", dotted(lo as u32), 32 - size)));
            lo += 1u64 << size;
        }
        Value::Dynamic(J::Array(out))
    }))
}

/// The IPv4 addresses in a text that are delimited by non-alphanumeric characters (and are not part of a
/// longer dotted number), as their four octets ([D] has-ipv4-function.md).
fn ipv4_entities(text: &str) -> Vec<[u32; 4]> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let boundary = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.');
        if !(b[i].is_ascii_digit() && boundary) {
            i += 1;
            continue;
        }
        // Read a run of digits and dots.
        let mut j = i;
        while j < b.len() && (b[j].is_ascii_digit() || b[j] == b'.') {
            j += 1;
        }
        let mut run = &text[i..j];
        // A trailing dot ends a sentence, not the address.
        if let Some(r) = run.strip_suffix('.') {
            run = r;
        }
        let after_ok = j >= b.len() || !b[j].is_ascii_alphanumeric();
        if after_ok && let Some(addr) = parse_octets(run) {
            let o = addr.to_be_bytes();
            out.push([o[0] as u32, o[1] as u32, o[2] as u32, o[3] as u32]);
        }
        i = j;
    }
    out
}

/// A prefix to look for: a full address, or 1 to 3 octets each followed by a dot.
fn parse_v4_prefix(p: &str) -> Option<Vec<u32>> {
    let t = p.trim();
    if let Some(addr) = parse_octets(t) {
        let o = addr.to_be_bytes();
        return Some(o.iter().map(|x| *x as u32).collect());
    }
    let body = t.strip_suffix('.')?;
    let parts: Vec<&str> = body.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    parts
        .iter()
        .map(|x| {
            if x.is_empty() || x.len() > 3 || !x.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            x.parse::<u32>().ok().filter(|o| *o <= 255)
        })
        .collect()
}

fn has_fn(any: bool, prefix: bool) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, move |v| {
        let wanted: Vec<String> = if any {
            list_args(v)
        } else {
            vec![kql_tostring(&v[1])]
        };
        let targets: Vec<Vec<u32>> = wanted
            .iter()
            .filter_map(|w| {
                if prefix {
                    parse_v4_prefix(w)
                } else {
                    parse_octets(w.trim())
                        .map(|a| a.to_be_bytes().iter().map(|x| *x as u32).collect())
                }
            })
            .collect();
        if targets.is_empty() {
            return Value::Bool(false);
        }
        let found = ipv4_entities(&kql_tostring(&v[0]));
        Value::Bool(
            found
                .iter()
                .any(|e| targets.iter().any(|t| e[..t.len()] == t[..])),
        )
    }))
}

/// [E] has-ipv4-function-00..02.
fn has_ipv4(_a: &[ArgInfo]) -> Result<Prepared, String> {
    has_fn(false, false)
}

/// [E] has-ipv4-prefix-function-00..03.
fn has_ipv4_prefix(_a: &[ArgInfo]) -> Result<Prepared, String> {
    has_fn(false, true)
}

/// [E] has-any-ipv4-function-00..03.
fn has_any_ipv4(_a: &[ArgInfo]) -> Result<Prepared, String> {
    has_fn(true, false)
}

/// [E] has-any-ipv4-prefix-function-00..03.
fn has_any_ipv4_prefix(_a: &[ArgInfo]) -> Result<Prepared, String> {
    has_fn(true, true)
}

// ---------------------------------------------------------------------------------------------------------
// IPv6

#[derive(Clone, Copy, Debug, PartialEq)]
struct V6 {
    addr: u128,
    prefix: u32,
}

fn mask6(prefix: u32) -> u128 {
    if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix.min(128))
    }
}

fn parse_v6(s: &str) -> Option<V6> {
    let t = s.trim();
    let (a, p) = match t.split_once('/') {
        Some((a, p)) => (a.trim(), Some(p.trim().parse::<u32>().ok()?)),
        None => (t, None),
    };
    if let Some(addr) = parse_octets(a) {
        let p = p.unwrap_or(32);
        if p > 32 {
            return None;
        }
        return Some(V6 {
            addr: (0xffffu128 << 32) | addr as u128,
            prefix: 96 + p,
        });
    }
    let ip: Ipv6Addr = a.parse().ok()?;
    let dotted_tail = a.contains('.');
    let prefix = match p {
        None => 128,
        Some(p) if dotted_tail && p <= 32 => 96 + p,
        Some(p) if !dotted_tail && p <= 128 => p,
        Some(_) => return None,
    };
    Some(V6 {
        addr: u128::from(ip),
        prefix,
    })
}

/// For comparisons, an IPv6 address written with a dotted IPv4 tail (`::192.168.1.1`) stands for that IPv4
/// address, i.e. IPv4-mapped (ipv6-compare-function-00: '::192.168.1.1/30' equals '192.168.1.255/24'), while
/// parse_ipv6_mask keeps it as written (parse-ipv6-mask-function-00).
fn v6_for_compare(v: &Value) -> Option<V6> {
    let text = match v {
        Value::Null => return None,
        other => kql_tostring(other),
    };
    let mut ip = parse_v6(&text)?;
    let addr_part = text.split('/').next().unwrap_or("");
    if addr_part.contains(':') && addr_part.contains('.') {
        ip.addr = (0xffffu128 << 32) | (ip.addr & 0xffff_ffff);
    }
    Some(ip)
}

fn v6_of(v: &Value) -> Option<V6> {
    match v {
        Value::Null => None,
        other => parse_v6(&kql_tostring(other)),
    }
}

fn full_v6(addr: u128) -> String {
    let groups: Vec<String> = (0..8)
        .rev()
        .map(|i| format!("{:04x}", (addr >> (16 * i)) & 0xffff))
        .collect();
    groups.join(":")
}

/// The canonical, fully written address, masked by its prefix ([E] parse-ipv6-function-00).
fn parse_ipv6(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| match v6_of(&v[0]) {
        Some(ip) => Value::String(full_v6(ip.addr & mask6(ip.prefix))),
        None => Value::String(String::new()),
    }))
}

/// [E] parse-ipv6-mask-function-00.
fn parse_ipv6_mask(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        match (v6_of(&v[0]), prefix_arg(v, 1, 128)) {
            (Some(ip), Ok(Some(p))) => Value::String(full_v6(ip.addr & mask6(ip.prefix.min(p)))),
            _ => Value::String(String::new()),
        }
    }))
}

fn compare6(v: &[Value]) -> Option<i64> {
    let (a, b) = (v6_for_compare(&v[0])?, v6_for_compare(&v[1])?);
    let p = prefix_arg(v, 2, 128)
        .ok()?
        .unwrap_or(128)
        .min(a.prefix)
        .min(b.prefix);
    let m = mask6(p);
    Some(match (a.addr & m).cmp(&(b.addr & m)) {
        std::cmp::Ordering::Less => -1,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    })
}

/// [E] ipv6-compare-function-00/01.
fn ipv6_compare(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Long, |v| {
        compare6(v).map(Value::Long).unwrap_or(Value::Null)
    }))
}

/// [E] ipv6-is-match-function-00/01.
fn ipv6_is_match(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        compare6(v)
            .map(|c| Value::Bool(c == 0))
            .unwrap_or(Value::Null)
    }))
}

fn in_range6(ip: V6, range: V6) -> bool {
    let m = mask6(range.prefix);
    ip.addr & m == range.addr & m
}

/// [E] ipv6-is-in-range-function-00.
fn ipv6_is_in_range(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        match (v6_of(&v[0]), v6_of(&v[1])) {
            (Some(ip), Some(r)) => Value::Bool(in_range6(ip, r)),
            _ => Value::Null,
        }
    }))
}

/// [E] ipv6-is-in-any-range-function-00.
fn ipv6_is_in_any_range(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        let Some(ip) = v6_of(&v[0]) else {
            return Value::Null;
        };
        Value::Bool(
            list_args(v)
                .iter()
                .filter_map(|r| parse_v6(r))
                .any(|r| in_range6(ip, r)),
        )
    }))
}

#[cfg(test)]
mod tests {
    use super::super::call_const;
    use crate::engine::value::Value;
    use serde_json::json;

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }
    fn l(i: i64) -> Value {
        Value::Long(i)
    }
    fn b(x: bool) -> Value {
        Value::Bool(x)
    }

    #[test]
    fn parsing_and_formatting() {
        // parse-ipv4-function-00, parse-ipv4-mask-function-00
        assert_eq!(
            call_const("parse_ipv4", &[s("192.168.1.1")]),
            Ok(l(3232235777))
        );
        assert_eq!(
            call_const("parse_ipv4", &[s("192.168.1.1/24")]),
            Ok(l(3232235776))
        );
        assert_eq!(
            call_const("parse_ipv4", &[s("255.255.255.255/31")]),
            Ok(l(4294967294))
        );
        assert_eq!(
            call_const("parse_ipv4", &[s("127.0.0.256")]),
            Ok(Value::Null)
        );
        assert_eq!(
            call_const("parse_ipv4_mask", &[s("127.0.0.1"), l(24)]),
            Ok(l(2130706432))
        );
        // format-ipv4-function-00
        let f = |a: &str, m: i64| {
            (
                call_const("format_ipv4", &[s(a), l(m)]),
                call_const("format_ipv4_mask", &[s(a), l(m)]),
            )
        };
        assert_eq!(
            f("192.168.1.1", 24),
            (Ok(s("192.168.1.0")), Ok(s("192.168.1.0/24")))
        );
        assert_eq!(
            f("192.168.1.1", 32),
            (Ok(s("192.168.1.1")), Ok(s("192.168.1.1/32")))
        );
        assert_eq!(
            f("192.168.1.1/24", 32),
            (Ok(s("192.168.1.0")), Ok(s("192.168.1.0/24")))
        );
        assert_eq!(f("192.168.1.1/24", -1), (Ok(s("")), Ok(s(""))));
        assert_eq!(
            call_const("format_ipv4", &[l(3232235777)]),
            Ok(s("192.168.1.1"))
        );
        // ipv4-netmask-suffix-function-00
        assert_eq!(
            call_const("ipv4_netmask_suffix", &[s("10.1.2.3")]),
            Ok(l(32))
        );
        assert_eq!(
            call_const("ipv4_netmask_suffix", &[s("192.168.1.1/24")]),
            Ok(l(24))
        );
    }

    #[test]
    fn comparisons_and_ranges() {
        // ipv4-compare-function-00/01, ipv4-is-match-function-00/01
        let pairs = [
            ("192.168.1.0", "192.168.1.0"),
            ("192.168.1.1/24", "192.168.1.255"),
            ("192.168.1.1", "192.168.1.255/24"),
            ("192.168.1.1/30", "192.168.1.255/24"),
        ];
        for (x, y) in pairs {
            assert_eq!(
                call_const("ipv4_compare", &[s(x), s(y)]),
                Ok(l(0)),
                "{x} {y}"
            );
            assert_eq!(
                call_const("ipv4_is_match", &[s(x), s(y)]),
                Ok(b(true)),
                "{x} {y}"
            );
        }
        assert_eq!(
            call_const("ipv4_compare", &[s("192.168.1.1"), s("192.168.1.0"), l(31)]),
            Ok(l(0))
        );
        assert_eq!(
            call_const(
                "ipv4_compare",
                &[s("192.168.1.1"), s("192.168.1.255"), l(24)]
            ),
            Ok(l(0))
        );
        assert_eq!(
            call_const("ipv4_compare", &[s("10.0.0.1"), s("10.0.0.2")]),
            Ok(l(-1))
        );
        assert_eq!(
            call_const(
                "ipv4_is_match",
                &[s("192.168.1.1/24"), s("192.168.1.255"), l(31)]
            ),
            Ok(b(true))
        );
        // ipv4-is-in-range-function-00
        assert_eq!(
            call_const("ipv4_is_in_range", &[s("192.168.1.1"), s("192.168.1.1")]),
            Ok(b(true))
        );
        assert_eq!(
            call_const(
                "ipv4_is_in_range",
                &[s("192.168.1.1"), s("192.168.1.255/24")]
            ),
            Ok(b(true))
        );
        assert_eq!(
            call_const(
                "ipv4_is_in_range",
                &[s("192.168.2.1"), s("192.168.1.255/24")]
            ),
            Ok(b(false))
        );
        // ipv4-is-in-any-range-function-00..02
        let r = call_const(
            "ipv4_is_in_any_range",
            &[
                s("192.168.1.6"),
                s("192.168.1.1/24"),
                s("10.0.0.1/8"),
                s("127.1.0.1/16"),
            ],
        );
        assert_eq!(r, Ok(b(true)));
        let r = call_const(
            "ipv4_is_in_any_range",
            &[
                s("127.0.0.1"),
                Value::Dynamic(json!(["127.0.0.1", "192.168.1.1"])),
            ],
        );
        assert_eq!(r, Ok(b(true)));
        let nets = Value::Dynamic(json!(["192.168.1.1/16", "127.0.0.1/8", "10.0.0.1/8"]));
        for (ip, want) in [
            ("10.1.2.3", true),
            ("192.168.1.5", true),
            ("123.1.11.21", false),
            ("1.1.1.1", false),
        ] {
            assert_eq!(
                call_const("ipv4_is_in_any_range", &[s(ip), nets.clone()]),
                Ok(b(want)),
                "{ip}"
            );
        }
        // ipv4-is-private-function-01
        assert_eq!(call_const("ipv4_is_private", &[s("10.1.2.3")]), Ok(b(true)));
        assert_eq!(
            call_const("ipv4_is_private", &[s("192.168.1.1/24")]),
            Ok(b(true))
        );
        assert_eq!(
            call_const("ipv4_is_private", &[s("127.0.0.1")]),
            Ok(b(false))
        );
        assert_eq!(
            call_const("ipv4_is_private", &[s("172.31.0.1")]),
            Ok(b(true))
        );
        assert_eq!(
            call_const("ipv4_is_private", &[s("172.32.0.1")]),
            Ok(b(false))
        );
    }

    #[test]
    fn cidr_lists() {
        // ipv4-range-to-cidr-list-function-00
        let r = call_const(
            "ipv4_range_to_cidr_list",
            &[s("1.1.128.0"), s("1.1.140.255")],
        );
        assert_eq!(
            r,
            Ok(Value::Dynamic(json!([
                "1.1.128.0/21",
                "1.1.136.0/22",
                "1.1.140.0/24"
            ])))
        );
        let r = call_const(
            "ipv4_range_to_cidr_list",
            &[s("0.0.0.0"), s("255.255.255.255")],
        );
        assert_eq!(r, Ok(Value::Dynamic(json!(["0.0.0.0/0"]))));
    }

    #[test]
    fn has_ipv4_family() {
        let log = s("05:04:54 127.0.0.1 GET /favicon.ico 404");
        let glued = s("05:04:54127.0.0.1 GET /favicon.ico 404");
        // has-ipv4-function-00..02
        assert_eq!(
            call_const("has_ipv4", &[log.clone(), s("127.0.0.1")]),
            Ok(b(true))
        );
        assert_eq!(
            call_const(
                "has_ipv4",
                &[
                    s("05:04:54 127.0.0.256 GET /favicon.ico 404"),
                    s("127.0.0.256")
                ]
            ),
            Ok(b(false))
        );
        assert_eq!(
            call_const("has_ipv4", &[glued.clone(), s("127.0.0.1")]),
            Ok(b(false))
        );
        // has-ipv4-prefix-function-00..03
        assert_eq!(
            call_const("has_ipv4_prefix", &[log.clone(), s("127.0.")]),
            Ok(b(true))
        );
        assert_eq!(
            call_const("has_ipv4_prefix", &[log.clone(), s("127.0")]),
            Ok(b(false))
        );
        assert_eq!(
            call_const(
                "has_ipv4_prefix",
                &[s("05:04:54 127.0.0.256 GET"), s("127.0.")]
            ),
            Ok(b(false))
        );
        assert_eq!(
            call_const("has_ipv4_prefix", &[glued.clone(), s("127.0.")]),
            Ok(b(false))
        );
        // has-any-ipv4-function-00..03
        assert_eq!(
            call_const(
                "has_any_ipv4",
                &[log.clone(), s("127.0.0.1"), s("127.0.0.2")]
            ),
            Ok(b(true))
        );
        let ips = Value::Dynamic(json!(["127.0.0.1", "127.0.0.2"]));
        assert_eq!(call_const("has_any_ipv4", &[log.clone(), ips]), Ok(b(true)));
        let bad = Value::Dynamic(json!(["127.0.0.256", "192.168.1.1"]));
        assert_eq!(
            call_const(
                "has_any_ipv4",
                &[s("05:04:54 127.0.0.256 GET /favicon.ico 404"), bad]
            ),
            Ok(b(false))
        );
        assert_eq!(
            call_const(
                "has_any_ipv4",
                &[glued.clone(), s("127.0.0.1"), s("192.168.1.1")]
            ),
            Ok(b(false))
        );
        // has-any-ipv4-prefix-function-00..03
        assert_eq!(
            call_const(
                "has_any_ipv4_prefix",
                &[log.clone(), s("127.0."), s("192.168.")]
            ),
            Ok(b(true))
        );
        let pre = Value::Dynamic(json!(["127.0.", "192.168."]));
        assert_eq!(
            call_const("has_any_ipv4_prefix", &[log.clone(), pre]),
            Ok(b(true))
        );
        assert_eq!(
            call_const("has_any_ipv4_prefix", &[log, s("127.0")]),
            Ok(b(false))
        );
        assert_eq!(
            call_const("has_any_ipv4_prefix", &[glued, s("127.0."), s("192.")]),
            Ok(b(false))
        );
        // has-ipv4-function.md: addresses delimited by punctuation
        let text = s("These requests came from: 192.168.1.1, 10.1.1.115 and 10.1.1.201");
        assert_eq!(
            call_const("has_ipv4", &[text.clone(), s("10.1.1.115")]),
            Ok(b(true))
        );
        assert_eq!(
            call_const("has_ipv4", &[text, s("10.1.1.11")]),
            Ok(b(false))
        );
    }

    #[test]
    fn ipv6() {
        // parse-ipv6-function-00
        assert_eq!(
            call_const("parse_ipv6", &[s("192.168.255.255")]),
            Ok(s("0000:0000:0000:0000:0000:ffff:c0a8:ffff"))
        );
        assert_eq!(
            call_const("parse_ipv6", &[s("192.168.255.255/24")]),
            Ok(s("0000:0000:0000:0000:0000:ffff:c0a8:ff00"))
        );
        // parse-ipv6-mask-function-00
        let m = |ip: &str, n: i64| call_const("parse_ipv6_mask", &[s(ip), l(n)]);
        assert_eq!(
            m("192.168.255.255", 120),
            Ok(s("0000:0000:0000:0000:0000:ffff:c0a8:ff00"))
        );
        assert_eq!(
            m("192.168.255.255/24", 124),
            Ok(s("0000:0000:0000:0000:0000:ffff:c0a8:ff00"))
        );
        assert_eq!(
            m("fe80::85d:e82c:9446:7994", 128),
            Ok(s("fe80:0000:0000:0000:085d:e82c:9446:7994"))
        );
        assert_eq!(
            m("fe80::85d:e82c:9446:7994/120", 124),
            Ok(s("fe80:0000:0000:0000:085d:e82c:9446:7900"))
        );
        assert_eq!(
            m("::192.168.255.255", 128),
            Ok(s("0000:0000:0000:0000:0000:0000:c0a8:ffff"))
        );
        assert_eq!(
            m("::192.168.255.255/24", 128),
            Ok(s("0000:0000:0000:0000:0000:0000:c0a8:ff00"))
        );
        // ipv6-compare-function-00/01, ipv6-is-match-function-00/01
        let pairs = [
            ("192.168.1.1/24", "192.168.1.255"),
            ("fe80::85d:e82c:9446:7994/120", "fe80::85d:e82c:9446:7998"),
            ("192.168.1.1", "::ffff:c0a8:0101"),
            ("::ffff:c0a8:0101", "192.168.1.255/24"),
        ];
        for (x, y) in pairs {
            assert_eq!(
                call_const("ipv6_compare", &[s(x), s(y)]),
                Ok(l(0)),
                "{x} {y}"
            );
            assert_eq!(
                call_const("ipv6_is_match", &[s(x), s(y)]),
                Ok(b(true)),
                "{x} {y}"
            );
        }
        assert_eq!(
            call_const(
                "ipv6_compare",
                &[
                    s("fe80::85d:e82c:9446:7994"),
                    s("fe80::85d:e82c:9446:7995"),
                    l(127)
                ]
            ),
            Ok(l(0))
        );
        assert_eq!(
            call_const(
                "ipv6_compare",
                &[s("::ffff:c0a8:0101"), s("192.168.1.255"), l(120)]
            ),
            Ok(l(0))
        );
        assert_eq!(
            call_const("ipv6_compare", &[s("fe80::1"), s("fe80::2")]),
            Ok(l(-1))
        );
        // ipv6-is-in-range-function-00, ipv6-is-in-any-range-function-00
        let ip = s("a5e:f127:8a9d:146d:e102:b5d3:c755:abcd");
        assert_eq!(
            call_const(
                "ipv6_is_in_range",
                &[ip.clone(), s("a5e:f127:8a9d:146d:e102:b5d3:c755:0000/112")]
            ),
            Ok(b(true))
        );
        assert_eq!(
            call_const(
                "ipv6_is_in_range",
                &[ip.clone(), s("0:0:0:0:0:ffff:c0a8:ac/60")]
            ),
            Ok(b(false))
        );
        let nets = Value::Dynamic(json!([
            "a5e:f127:8a9d:146d:e102:b5d3:c755:f6cd/112",
            "0:0:0:0:0:ffff:c0a8:ac/60"
        ]));
        assert_eq!(
            call_const("ipv6_is_in_any_range", &[ip, nets.clone()]),
            Ok(b(true))
        );
        assert_eq!(
            call_const(
                "ipv6_is_in_any_range",
                &[s("a5e:f127:8a9d:146d:e102:b5d3:c756:abd1"), nets]
            ),
            Ok(b(false))
        );
    }
}
