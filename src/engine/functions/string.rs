//! String functions.
//!
//! Positions and lengths count characters (Unicode scalar values), not bytes. Arguments that are not
//! strings are converted with `tostring()` where Kusto does so ("forcibly casts", [D] indexof-function.md).

use std::borrow::Cow;

use regex::Regex;
use serde_json::Value as J;

use super::convert::{convert, converted_type};
use super::util::{
    RegexCache, array_arg, char_starts, const_regex, const_str, def, int_arg, json_text, kql_str,
};
use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    def("strlen", 1, 1, Naming::NameAndFirstArg, strlen),
    def("string_size", 1, 1, Naming::NameAndFirstArg, string_size),
    def("tolower", 1, 1, Naming::Default, tolower),
    def("toupper", 1, 1, Naming::Default, toupper),
    def("substring", 2, 3, Naming::Default, substring),
    def("strcat", 1, 64, Naming::Default, strcat),
    def("strcat_delim", 3, 65, Naming::Default, strcat_delim),
    def("strcat_array", 2, 2, Naming::Default, strcat_array),
    def("split", 2, 3, Naming::FirstArg, split),
    def("replace_string", 3, 3, Naming::Default, replace_string),
    def("replace_strings", 3, 3, Naming::Default, replace_strings),
    def("replace_regex", 3, 3, Naming::Default, replace_regex),
    def("replace", 3, 3, Naming::Default, replace_legacy),
    def("trim", 2, 2, Naming::Default, trim),
    def("trim_start", 2, 2, Naming::Default, trim_start),
    def("trim_end", 2, 2, Naming::Default, trim_end),
    def("indexof", 2, 5, Naming::Default, indexof),
    def("indexof_regex", 2, 5, Naming::Default, indexof_regex),
    def("countof", 2, 3, Naming::Default, countof),
    def("reverse", 1, 1, Naming::Default, reverse),
    def("extract", 3, 4, Naming::Default, extract),
    def("extract_all", 2, 3, Naming::Default, extract_all),
    def("strrep", 2, 3, Naming::Default, strrep),
    def("translate", 3, 3, Naming::Default, translate),
    def(
        "unicode_codepoints_from_string",
        1,
        1,
        Naming::Default,
        codepoints_from_string,
    ),
    def(
        "unicode_codepoints_to_string",
        1,
        64,
        Naming::Default,
        codepoints_to_string,
    ),
    def("tohex", 1, 2, Naming::FirstArg, tohex),
    def("isascii", 1, 1, Naming::Default, isascii),
    def("isutf8", 1, 1, Naming::Default, isutf8),
    def("strcmp", 2, 2, Naming::Default, strcmp),
    def("regex_quote", 1, 1, Naming::Default, regex_quote),
    def("format_bytes", 1, 3, Naming::FirstArg, format_bytes),
];

fn st(v: &Value) -> Cow<'_, str> {
    kql_str(v)
}

fn string_fn(f: fn(&str) -> String) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, move |v| {
        Value::String(f(&st(&v[0])))
    }))
}

/// Characters, not bytes: `strlen("⒦⒰⒮⒯⒪")` is 5, and `strlen('Çedilla')` with a combining cedilla is 8
/// ([E] strlen-function-01, -02).
fn strlen(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Long, |v| {
        Value::Long(st(&v[0]).chars().count() as i64)
    }))
}

/// Bytes of the UTF-8 form ([E] string-size-function-01: "⒦⒰⒮⒯⒪" is 15).
fn string_size(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Long, |v| {
        Value::Long(st(&v[0]).len() as i64)
    }))
}

fn tolower(_a: &[ArgInfo]) -> Result<Prepared, String> {
    string_fn(|s| s.to_lowercase())
}

fn toupper(_a: &[ArgInfo]) -> Result<Prepared, String> {
    string_fn(|s| s.to_uppercase())
}

/// `substring(s, start[, length])`; a negative start counts from the end ([D] substring-function.md).
fn substring(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        let s = st(&v[0]);
        let Some(start) = int_arg(&v[1]) else {
            return Value::String(String::new());
        };
        let idx = char_starts(&s);
        let n = (idx.len() - 1) as i64;
        let from = if start < 0 {
            (n + start).max(0)
        } else {
            start.min(n)
        };
        let to = match v.get(2) {
            None => n,
            Some(l) => match int_arg(l) {
                Some(l) if l >= 0 => from.saturating_add(l).min(n),
                Some(_) => from,
                None => return Value::String(String::new()),
            },
        };
        Value::String(s[idx[from as usize]..idx[to as usize]].to_string())
    }))
}

fn strcat(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        Value::String(v.iter().map(st).collect())
    }))
}

/// [E] strcat-delim-function-00: `strcat_delim('-', 1, '2', 'A', 1s)` is `1-2-A-00:00:01`.
fn strcat_delim(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        let delim = st(&v[0]);
        Value::String(v[1..].iter().map(st).collect::<Vec<_>>().join(&delim))
    }))
}

/// [E] strcat-array-function-00/01.
fn strcat_array(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        let delim = st(&v[1]);
        match array_arg(&v[0]) {
            Some(arr) => Value::String(arr.iter().map(json_text).collect::<Vec<_>>().join(&delim)),
            None => Value::String(String::new()),
        }
    }))
}

/// `split(s, delim[, index])`: an array of strings; with an index, an array holding that part (empty when
/// out of range). [E] split-function-00.
fn split(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let s = st(&v[0]);
        let delim = st(&v[1]);
        let parts: Vec<J> = if delim.is_empty() {
            vec![J::String(s.into_owned())]
        } else {
            s.split(delim.as_ref())
                .map(|p| J::String(p.to_string()))
                .collect()
        };
        match v.get(2) {
            None => Value::Dynamic(J::Array(parts)),
            Some(iv) => match int_arg(iv) {
                Some(i) if i >= 0 && (i as usize) < parts.len() => {
                    Value::Dynamic(J::Array(vec![parts[i as usize].clone()]))
                }
                Some(_) => Value::Dynamic(J::Array(vec![])),
                None => Value::Null,
            },
        }
    }))
}

/// [E] replace-string-function-00/01.
fn replace_string(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        let text = st(&v[0]);
        let lookup = st(&v[1]);
        if lookup.is_empty() {
            return Value::String(text.into_owned());
        }
        Value::String(text.replace(lookup.as_ref(), &st(&v[2])))
    }))
}

/// Several lookups replaced at once: earlier lookups claim their matches first, a later lookup's match that
/// overlaps a claimed one is skipped, and replaced text is not searched again. A rewrite that is not a
/// string leaves its matches as they are ([E] replace-strings-function-00..03).
fn replace_strings(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        let text = st(&v[0]);
        let (Some(lookups), Some(rewrites)) = (array_arg(&v[1]), array_arg(&v[2])) else {
            return Value::String(text.into_owned());
        };
        let mut claims: Vec<(usize, usize, Option<&str>)> = Vec::new();
        for (i, l) in lookups.iter().enumerate() {
            let J::String(l) = l else { continue };
            if l.is_empty() {
                continue;
            }
            let rewrite = match rewrites.get(i) {
                Some(J::String(r)) => Some(r.as_str()),
                _ => None,
            };
            let mut pos = 0;
            while let Some(k) = text[pos..].find(l.as_str()) {
                let (s, e) = (pos + k, pos + k + l.len());
                if claims.iter().any(|(cs, ce, _)| s < *ce && *cs < e) {
                    pos = s + text[s..].chars().next().map(char::len_utf8).unwrap_or(1);
                } else {
                    claims.push((s, e, rewrite));
                    pos = e;
                }
            }
        }
        claims.sort_by_key(|c| c.0);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (s, e, rewrite) in claims {
            out.push_str(&text[at..s]);
            out.push_str(rewrite.unwrap_or(&text[s..e]));
            at = e;
        }
        out.push_str(&text[at..]);
        Value::String(out)
    }))
}

/// A KQL rewrite pattern (`\0`, `\1`, ... refer to groups) in the regex crate's syntax.
fn rewrite_to_regex(rw: &str) -> String {
    let mut out = String::with_capacity(rw.len() + 8);
    let mut chars = rw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.peek().copied() {
                // RE2 rewrite syntax: `\0`..`\9` name a group (one digit), `\\` is a backslash.
                Some(d) if d.is_ascii_digit() => {
                    out.push_str(&format!("${{{d}}}"));
                    chars.next();
                }
                Some('\\') => {
                    out.push('\\');
                    chars.next();
                }
                _ => out.push('\\'),
            },
            '$' => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out
}

/// A regex argument: compiled once when constant, else per row through a one-entry cache.
enum RegexArg {
    Fixed(Regex),
    PerRow(RegexCache, usize),
}

impl RegexArg {
    fn new(fname: &str, a: &[ArgInfo], i: usize) -> Result<Self, String> {
        if a[i].constant.is_some() {
            Ok(RegexArg::Fixed(const_regex(fname, &a[i], "regex")?))
        } else {
            Ok(RegexArg::PerRow(RegexCache::new(), i))
        }
    }
    /// Runs `f` with the row's regex; `None` when a per-row pattern does not compile.
    fn with<R>(&self, v: &[Value], f: impl FnOnce(&Regex) -> R) -> Option<R> {
        match self {
            RegexArg::Fixed(r) => Some(f(r)),
            RegexArg::PerRow(c, i) => c.with(&st(&v[*i]), f),
        }
    }
}

fn regex_replace(
    fname: &str,
    a: &[ArgInfo],
    text: usize,
    re: usize,
    rw: usize,
) -> Result<Prepared, String> {
    let rx = RegexArg::new(fname, a, re)?;
    let fixed_rw = a[rw].constant.as_ref().map(|c| rewrite_to_regex(&st(c)));
    Ok(Prepared::new(ScalarType::String, move |v| {
        let s = st(&v[text]);
        let rewrite = match &fixed_rw {
            Some(r) => std::borrow::Cow::Borrowed(r.as_str()),
            None => std::borrow::Cow::Owned(rewrite_to_regex(&st(&v[rw]))),
        };
        match rx.with(v, |r| r.replace_all(&s, rewrite.as_ref()).into_owned()) {
            Some(out) => Value::String(out),
            None => Value::String(s.into_owned()),
        }
    }))
}

/// `replace_regex(text, regex, rewrite)` ([E] replace-regex-function-00).
fn replace_regex(a: &[ArgInfo]) -> Result<Prepared, String> {
    regex_replace("replace_regex", a, 0, 1, 2)
}

/// The deprecated `replace(regex, rewrite, text)`.
fn replace_legacy(a: &[ArgInfo]) -> Result<Prepared, String> {
    regex_replace("replace", a, 2, 0, 1)
}

fn trim_fn(a: &[ArgInfo], fname: &str, start: bool, end: bool) -> Result<Prepared, String> {
    let pat = const_str(fname, &a[0], "regex")?;
    let pat = crate::engine::re2::translate(pat);
    let re_start = Regex::new(&format!("^(?:{pat})+"))
        .map_err(|e| format!("{fname}(): invalid regex: {e}"))?;
    let re_end = Regex::new(&format!("(?:{pat})+$"))
        .map_err(|e| format!("{fname}(): invalid regex: {e}"))?;
    Ok(Prepared::new(ScalarType::String, move |v| {
        let s = st(&v[1]);
        let mut from = 0;
        let mut to = s.len();
        if start && let Some(m) = re_start.find(&s) {
            from = m.end();
        }
        if end && let Some(m) = re_end.find_at(&s, from) {
            to = m.start().max(from);
        }
        Value::String(s[from..to].to_string())
    }))
}

/// Leading and trailing matches of a regex ([E] trim-function-00..02).
fn trim(a: &[ArgInfo]) -> Result<Prepared, String> {
    trim_fn(a, "trim", true, true)
}

fn trim_start(a: &[ArgInfo]) -> Result<Prepared, String> {
    trim_fn(a, "trim_start", true, false)
}

fn trim_end(a: &[ArgInfo]) -> Result<Prepared, String> {
    trim_fn(a, "trim_end", false, true)
}

/// The optional start/length/occurrence arguments of indexof and indexof_regex; `None` when one of them is
/// out of its domain (the function then returns null).
fn search_window(v: &[Value], n: i64, negative_start_from_end: bool) -> Option<(i64, i64, i64)> {
    let start = match v.get(2) {
        Some(x) => int_arg(x)?,
        None => 0,
    };
    let start = if start < 0 {
        if !negative_start_from_end {
            return None;
        }
        (n + start).max(0)
    } else {
        start
    };
    let length = match v.get(3) {
        Some(x) => int_arg(x)?,
        None => -1,
    };
    let occurrence = match v.get(4) {
        Some(x) => int_arg(x)?,
        None => 1,
    };
    if length < -1 || occurrence < 0 {
        return None;
    }
    let limit = if length == -1 {
        i64::MAX
    } else {
        start.saturating_add(length)
    };
    Some((start, limit, occurrence))
}

/// `indexof(s, lookup[, start[, length[, occurrence]]])`: the character index of the occurrence'th match
/// starting in `[start, start+length)`; -1 if none. A negative start counts from the end; a length below -1
/// or a negative occurrence gives null ([D] indexof-function.md, [E] indexof-function-00).
fn indexof(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Long, |v| {
        let s = st(&v[0]);
        let lookup = st(&v[1]);
        let idx = char_starts(&s);
        let n = (idx.len() - 1) as i64;
        let Some((start, limit, occurrence)) = search_window(v, n, true) else {
            return Value::Null;
        };
        if occurrence == 0 || start > n {
            return Value::Long(-1);
        }
        let mut seen = 0;
        let mut ci = start;
        while ci <= n && ci < limit {
            if s[idx[ci as usize]..].starts_with(lookup.as_ref()) {
                seen += 1;
                if seen == occurrence {
                    return Value::Long(ci);
                }
            }
            ci += 1;
        }
        Value::Long(-1)
    }))
}

/// Like indexof with a regex; matches do not overlap, and a negative start gives null
/// ([E] indexof-regex-function-00).
fn indexof_regex(a: &[ArgInfo]) -> Result<Prepared, String> {
    let rx = RegexArg::new("indexof_regex", a, 1)?;
    Ok(Prepared::new(ScalarType::Long, move |v| {
        let s = st(&v[0]);
        let idx = char_starts(&s);
        let n = (idx.len() - 1) as i64;
        let Some((start, limit, occurrence)) = search_window(v, n, false) else {
            return Value::Null;
        };
        if occurrence == 0 || start > n {
            return rx.with(v, |_| Value::Long(-1)).unwrap_or(Value::Null);
        }
        let from = idx[start as usize];
        let found = rx.with(v, |r| {
            for (k, m) in r.find_iter(&s[from..]).enumerate() {
                let ci = idx.partition_point(|b| *b < from + m.start()) as i64;
                if ci >= limit {
                    break;
                }
                if k as i64 + 1 == occurrence {
                    return ci;
                }
            }
            -1
        });
        found.map(Value::Long).unwrap_or(Value::Null)
    }))
}

/// Plain matches may overlap, regex matches don't ([D] countof-function.md).
fn countof(a: &[ArgInfo]) -> Result<Prepared, String> {
    let regex_mode = match a.get(2) {
        None => false,
        Some(k) => match const_str("countof", k, "kind")? {
            "normal" => false,
            "regex" => true,
            other => {
                return Err(format!(
                    "countof(): kind must be 'normal' or 'regex', got '{other}'"
                ));
            }
        },
    };
    let rx = if regex_mode {
        Some(RegexArg::new("countof", a, 1)?)
    } else {
        None
    };
    Ok(Prepared::new(ScalarType::Long, move |v| {
        let s = st(&v[0]);
        if let Some(rx) = &rx {
            return match rx.with(v, |r| r.find_iter(&s).count()) {
                Some(n) => Value::Long(n as i64),
                None => Value::Null,
            };
        }
        let search = st(&v[1]);
        if search.is_empty() {
            return Value::Long(0);
        }
        let mut count = 0;
        let mut pos = 0;
        while let Some(i) = s[pos..].find(search.as_ref()) {
            count += 1;
            let at = pos + i;
            pos = at + s[at..].chars().next().map(char::len_utf8).unwrap_or(1);
        }
        Value::Long(count)
    }))
}

/// [E] reverse-function-00/01: non-strings are reversed in their `tostring()` form.
fn reverse(_a: &[ArgInfo]) -> Result<Prepared, String> {
    string_fn(|s| s.chars().rev().collect())
}

/// `extract(regex, group, text[, typeof(T)])`: the group of the first match; no match gives `""`, or null
/// when a type is given ([D] extract-function.md; [E] extract-function-00/01).
fn extract(a: &[ArgInfo]) -> Result<Prepared, String> {
    let rx = RegexArg::new("extract", a, 0)?;
    let ty = match a.get(3) {
        Some(t) => t
            .type_arg()
            .ok_or("extract(): the fourth argument must be typeof(T)")?,
        None => ScalarType::String,
    };
    let out = converted_type(ty);
    Ok(Prepared::new(out, move |v| {
        let s = st(&v[2]);
        let found = match int_arg(&v[1]) {
            Some(g) if g >= 0 => rx
                .with(v, |r| {
                    r.captures(&s)
                        .and_then(|c| c.get(g as usize))
                        .map(|m| m.as_str().to_string())
                })
                .flatten(),
            _ => None,
        };
        match found {
            None => Value::null_of(out),
            Some(m) if ty == ScalarType::String => Value::String(m),
            Some(m) => convert(ty, &Value::String(m)),
        }
    }))
}

/// `extract_all(regex, [groups,] text)`: all matches; one selected group gives a flat array, several an
/// array of arrays; no match gives null ([D] extract-all-function.md; [E] extract-all-function-00..04).
fn extract_all(a: &[ArgInfo]) -> Result<Prepared, String> {
    let re = const_regex("extract_all", &a[0], "regex")?;
    let ngroups = re.captures_len() - 1;
    if ngroups == 0 {
        return Err("extract_all(): the regex must have at least one capture group".into());
    }
    let groups: Vec<usize> = if a.len() == 3 {
        let sel = match &a[1].constant {
            Some(Value::Dynamic(J::Array(items))) => items.clone(),
            _ => {
                return Err(
                    "extract_all(): the capture groups must be a constant dynamic array".into(),
                );
            }
        };
        let names: Vec<Option<&str>> = re.capture_names().collect();
        let mut out = Vec::new();
        for item in sel {
            let g = match &item {
                J::Number(n) => n.as_u64().map(|g| g as usize),
                J::String(name) => names.iter().position(|n| *n == Some(name.as_str())),
                _ => None,
            };
            match g {
                Some(g) if g >= 1 && g <= ngroups => out.push(g),
                _ => return Err(format!("extract_all(): no capture group {item}")),
            }
        }
        out
    } else {
        (1..=ngroups).collect()
    };
    let text_at = a.len() - 1;
    Ok(Prepared::new(ScalarType::Dynamic, move |v| {
        let s = st(&v[text_at]);
        let mut rows = Vec::new();
        for caps in re.captures_iter(&s) {
            let vals: Vec<J> = groups
                .iter()
                .map(|g| {
                    J::String(
                        caps.get(*g)
                            .map(|m| m.as_str().to_string())
                            .unwrap_or_default(),
                    )
                })
                .collect();
            if vals.len() == 1 {
                rows.extend(vals);
            } else {
                rows.push(J::Array(vals));
            }
        }
        if rows.is_empty() {
            Value::Null
        } else {
            Value::Dynamic(J::Array(rows))
        }
    }))
}

/// `strrep(value, n[, delimiter])`; n is capped at 1024 ([D] strrep-function.md; [E] strrep-function-00).
fn strrep(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        let s = st(&v[0]);
        let n = int_arg(&v[1]).unwrap_or(0).min(1024);
        let delim = v.get(2).map(st).unwrap_or_default();
        if n <= 0 {
            return Value::String(String::new());
        }
        Value::String(vec![s; n as usize].join(&delim))
    }))
}

/// Character-for-character replacement; a short replacement list repeats its last character, an empty one
/// deletes ([D] translate-function.md).
fn translate(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        let search: Vec<char> = st(&v[0]).chars().collect();
        let repl: Vec<char> = st(&v[1]).chars().collect();
        let src = st(&v[2]);
        let out: String = src
            .chars()
            .filter_map(|c| match search.iter().position(|x| *x == c) {
                None => Some(c),
                Some(_) if repl.is_empty() => None,
                Some(i) => Some(*repl.get(i).unwrap_or(&repl[repl.len() - 1])),
            })
            .collect();
        Value::String(out)
    }))
}

/// [E] unicode-codepoints-from-string-function-00/01.
fn codepoints_from_string(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        Value::Dynamic(J::Array(
            st(&v[0]).chars().map(|c| J::from(c as u32)).collect(),
        ))
    }))
}

/// Arguments are code points or arrays of them ([E] unicode-codepoints-to-string-function-00..04); an
/// invalid code point gives `""`.
fn codepoints_to_string(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        let mut out = String::new();
        let push = |out: &mut String, x: Option<i64>| -> bool {
            match x
                .and_then(|i| u32::try_from(i).ok())
                .and_then(char::from_u32)
            {
                Some(c) => {
                    out.push(c);
                    true
                }
                None => false,
            }
        };
        for arg in v {
            let ok = match arg {
                Value::Dynamic(J::Array(items)) => items
                    .iter()
                    .all(|j| push(&mut out, int_arg(&Value::Dynamic(j.clone())))),
                Value::Null => true,
                other => push(&mut out, int_arg(other)),
            };
            if !ok {
                return Value::String(String::new());
            }
        }
        Value::String(out)
    }))
}

/// `tohex(n[, minLength])`: two's complement of the argument's width, lower-case, zero-padded
/// ([E] tohex-function-00).
fn tohex(a: &[ArgInfo]) -> Result<Prepared, String> {
    if !matches!(
        a[0].ty,
        ScalarType::Int | ScalarType::Long | ScalarType::Dynamic
    ) {
        return Err(format!("tohex() expects an integer, got {}", a[0].ty));
    }
    Ok(Prepared::new(ScalarType::String, |v| {
        let hex = match &v[0] {
            Value::Int(i) => format!("{:x}", *i as u32),
            Value::Long(i) => format!("{:x}", *i as u64),
            Value::Dynamic(J::Number(n)) => match n.as_i64() {
                Some(i) => format!("{:x}", i as u64),
                None => return Value::String(String::new()),
            },
            _ => return Value::String(String::new()),
        };
        let min = v.get(1).and_then(int_arg).unwrap_or(0).clamp(0, 256) as usize;
        Value::String(if hex.len() < min {
            format!("{}{hex}", "0".repeat(min - hex.len()))
        } else {
            hex
        })
    }))
}

/// [E] isascii-00.
fn isascii(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |v| {
        Value::Bool(st(&v[0]).is_ascii())
    }))
}

/// Strings here are always valid UTF-8 ([E] isutf8-function-00).
fn isutf8(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Bool, |_v| Value::Bool(true)))
}

/// Ordinal comparison: -1, 0 or 1 ([E] strcmp-function-00).
fn strcmp(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Long, |v| {
        Value::Long(match st(&v[0]).cmp(&st(&v[1])) {
            std::cmp::Ordering::Less => -1,
            std::cmp::Ordering::Equal => 0,
            std::cmp::Ordering::Greater => 1,
        })
    }))
}

/// RE2's QuoteMeta: a backslash before every ASCII character that is not a letter, digit or `_`
/// ([E] regex-quote-function-00).
fn regex_quote(_a: &[ArgInfo]) -> Result<Prepared, String> {
    string_fn(|s| {
        let mut out = String::with_capacity(s.len() * 2);
        for c in s.chars() {
            if c == '\0' {
                out.push_str("\\x00");
            } else {
                if c.is_ascii() && !(c.is_ascii_alphanumeric() || c == '_') {
                    out.push('\\');
                }
                out.push(c);
            }
        }
        out
    })
}

const BYTE_UNITS: [&str; 7] = ["Bytes", "KB", "MB", "GB", "TB", "PB", "EB"];

/// `format_bytes(size[, precision[, unit]])`: 1024-based units, the largest that keeps the value at least
/// 1 unless one is given ([E] format-bytes-function-00).
fn format_bytes(a: &[ArgInfo]) -> Result<Prepared, String> {
    let fixed_unit = match a.get(2) {
        Some(u) => {
            let name = const_str("format_bytes", u, "unit")?;
            let i = BYTE_UNITS
                .iter()
                .position(|x| x.eq_ignore_ascii_case(name))
                .ok_or_else(|| format!("format_bytes(): unknown unit '{name}'"))?;
            Some(i)
        }
        None => None,
    };
    Ok(Prepared::new(ScalarType::String, move |v| {
        let Some(size) = super::util::real_arg(&v[0]) else {
            return Value::String(String::new());
        };
        let precision = match v.get(1) {
            Some(p) => int_arg(p).unwrap_or(0).clamp(0, 15) as usize,
            None => 0,
        };
        let unit = fixed_unit.unwrap_or_else(|| {
            let mut u = 0;
            while u + 1 < BYTE_UNITS.len() && size.abs() >= 1024f64.powi(u as i32 + 1) {
                u += 1;
            }
            u
        });
        let scaled = size / 1024f64.powi(unit as i32);
        Value::String(format!("{scaled:.precision$} {}", BYTE_UNITS[unit]))
    }))
}

#[cfg(test)]
mod tests {
    use super::super::{ArgInfo, call_const, call_with};
    use crate::engine::value::Value;
    use crate::kql::ScalarType;
    use serde_json::json;

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }
    fn l(i: i64) -> Value {
        Value::Long(i)
    }

    #[test]
    fn strlen_and_string_size() {
        // strlen-function-00..02, string-size-function-00/01
        assert_eq!(call_const("strlen", &[s("hello")]), Ok(l(5)));
        assert_eq!(call_const("strlen", &[s("⒦⒰⒮⒯⒪")]), Ok(l(5)));
        assert_eq!(call_const("strlen", &[s("C\u{327}edilla")]), Ok(l(8)));
        assert_eq!(call_const("string_size", &[s("hello")]), Ok(l(5)));
        assert_eq!(call_const("string_size", &[s("⒦⒰⒮⒯⒪")]), Ok(l(15)));
    }

    #[test]
    fn case_conversion() {
        assert_eq!(call_const("tolower", &[s("HeLLo É")]), Ok(s("hello é")));
        assert_eq!(call_const("toupper", &[s("hello")]), Ok(s("HELLO")));
    }

    #[test]
    fn substring_rules() {
        // substring-function.md examples
        assert_eq!(
            call_const("substring", &[s("123456"), l(1)]),
            Ok(s("23456"))
        );
        assert_eq!(
            call_const("substring", &[s("123456"), l(2), l(2)]),
            Ok(s("34"))
        );
        assert_eq!(
            call_const("substring", &[s("ABCD"), l(0), l(2)]),
            Ok(s("AB"))
        );
        assert_eq!(
            call_const("substring", &[s("123456"), l(-2), l(2)]),
            Ok(s("56"))
        );
        assert_eq!(call_const("substring", &[s("abc"), l(10)]), Ok(s("")));
        assert_eq!(
            call_const("substring", &[s("abc"), l(1), l(100)]),
            Ok(s("bc"))
        );
        assert_eq!(
            call_const("substring", &[s("héllo"), l(1), l(2)]),
            Ok(s("él"))
        );
    }

    #[test]
    fn strcat_family() {
        // strcat-function-00/01
        assert_eq!(
            call_const("strcat", &[s("hello"), s(" "), s("world")]),
            Ok(s("hello world"))
        );
        assert_eq!(
            call_const("strcat", &[s("Line 1\n"), s("Line 2\n"), s("Line 3")]),
            Ok(s("Line 1\nLine 2\nLine 3"))
        );
        assert_eq!(
            call_const("strcat", &[s("a"), Value::Null, l(1)]),
            Ok(s("a1"))
        );
        // strcat-delim-function-00
        let r = call_const(
            "strcat_delim",
            &[s("-"), l(1), s("2"), s("A"), Value::TimeSpan(10_000_000)],
        );
        assert_eq!(r, Ok(s("1-2-A-00:00:01")));
        // strcat-array-function-00/01
        assert_eq!(
            call_const("strcat_array", &[Value::Dynamic(json!([1, 2, 3])), s("->")]),
            Ok(s("1->2->3"))
        );
        assert_eq!(
            call_const("strcat_array", &[Value::Dynamic(json!([1, 2, 3])), s("\"")]),
            Ok(s("1\"2\"3"))
        );
    }

    #[test]
    fn split_cases() {
        // split-function-00
        assert_eq!(
            call_const("split", &[s("aa_bb"), s("_")]),
            Ok(Value::Dynamic(json!(["aa", "bb"])))
        );
        assert_eq!(
            call_const("split", &[s("aaa_bbb_ccc"), s("_"), l(1)]),
            Ok(Value::Dynamic(json!(["bbb"])))
        );
        assert_eq!(
            call_const("split", &[s(""), s("_")]),
            Ok(Value::Dynamic(json!([""])))
        );
        assert_eq!(
            call_const("split", &[s("a__b"), s("_")]),
            Ok(Value::Dynamic(json!(["a", "", "b"])))
        );
        assert_eq!(
            call_const("split", &[s("aabbcc"), s("bb")]),
            Ok(Value::Dynamic(json!(["aa", "cc"])))
        );
        assert_eq!(
            call_const("split", &[s("a_b"), s("_"), l(5)]),
            Ok(Value::Dynamic(json!([])))
        );
    }

    #[test]
    fn replacing() {
        // replace-string-function-00
        let r = call_const(
            "replace_string",
            &[
                s("A magic trick can turn a cat into a dog"),
                s("cat"),
                s("hamster"),
            ],
        );
        assert_eq!(r, Ok(s("A magic trick can turn a hamster into a dog")));
        // replace-regex-function-00
        let r = call_const(
            "replace_regex",
            &[s("Number is 1"), s(r"is (\d+)"), s(r"was: \1")],
        );
        assert_eq!(r, Ok(s("Number was: 1")));
        // legacy replace(regex, rewrite, text)
        assert_eq!(
            call_const("replace", &[s(r"(\d)"), s(r"<\1>$"), s("a1b2")]),
            Ok(s("a<1>$b<2>$"))
        );
    }

    #[test]
    fn rewrite_escapes_follow_re2() {
        // A corpus rule: replace(@"(HKEY_CURRENT_USER\\)S-[^\\]+\\", @"\1SID\\", RegistryKey); in the rewrite,
        // `\\` is one backslash and `\1` the group (RE2 rewrite syntax).
        let key = s(r"HKEY_CURRENT_USER\S-1-5-21-1\Software\Run");
        let r = call_const(
            "replace",
            &[s(r"(HKEY_CURRENT_USER\\)S-[^\\]+\\"), s(r"\1SID\\"), key],
        );
        assert_eq!(r, Ok(s(r"HKEY_CURRENT_USER\SID\Software\Run")));
        // one digit names a group: \10 is group 1 then "0"
        assert_eq!(
            call_const("replace_regex", &[s("ab"), s("(a)"), s(r"\10")]),
            Ok(s("a0b"))
        );
    }

    #[test]
    fn replacing_several() {
        // replace-strings-function-00..03
        let msg = s("A magic trick can turn a cat into a dog");
        let rs = |t: &Value, l: serde_json::Value, r: serde_json::Value| {
            call_const(
                "replace_strings",
                &[t.clone(), Value::Dynamic(l), Value::Dynamic(r)],
            )
        };
        assert_eq!(
            rs(&msg, json!(["cat", "dog"]), json!(["dog", "pigeon"])),
            Ok(s("A magic trick can turn a dog into a pigeon"))
        );
        assert_eq!(
            rs(
                &msg,
                json!(["turn", " into a dog"]),
                json!(["disappear", ""])
            ),
            Ok(s("A magic trick can disappear a cat"))
        );
        let ex = s("This is an example of using replace_strings()");
        assert_eq!(
            rs(&ex, json!(["This", "is"]), json!(["This", "was"])),
            Ok(s("This was an example of using replace_strings()"))
        );
        assert_eq!(
            rs(&ex, json!(["is", "This"]), json!(["was", "This"])),
            Ok(s("Thwas was an example of using replace_strings()"))
        );
        assert_eq!(
            rs(&ex, json!(["This", "is"]), json!([12345, "was"])),
            Ok(s("This was an example of using replace_strings()"))
        );
    }

    #[test]
    fn byte_sizes() {
        // format-bytes-function-00
        assert_eq!(call_const("format_bytes", &[l(564)]), Ok(s("564 Bytes")));
        assert_eq!(
            call_const("format_bytes", &[l(10332), l(1)]),
            Ok(s("10.1 KB"))
        );
        assert_eq!(call_const("format_bytes", &[l(20010332)]), Ok(s("19 MB")));
        assert_eq!(
            call_const("format_bytes", &[l(20010332), l(2)]),
            Ok(s("19.08 MB"))
        );
        assert_eq!(
            call_const("format_bytes", &[l(20010332), l(0), s("KB")]),
            Ok(s("19541 KB"))
        );
    }

    #[test]
    fn trimming() {
        // trim-function-00..02, trim-start-function-00..02, trim-end-function-00/02
        assert_eq!(
            call_const("trim", &[s("--"), s("--https://bing.com--")]),
            Ok(s("https://bing.com"))
        );
        assert_eq!(
            call_const("trim", &[s(r"[^\w]+"), s("-  Te st1// $")]),
            Ok(s("Te st1"))
        );
        assert_eq!(
            call_const("trim", &[s(r"\s+"), s("    Hello, world!    ")]),
            Ok(s("Hello, world!"))
        );
        assert_eq!(
            call_const("trim_start", &[s("https://"), s("https://bing.com")]),
            Ok(s("bing.com"))
        );
        assert_eq!(
            call_const("trim_start", &[s(r"[^\w]+"), s("-  Te st1// $")]),
            Ok(s("Te st1// $"))
        );
        assert_eq!(
            call_const("trim_start", &[s(r"\s+"), s("  Hi  ")]),
            Ok(s("Hi  "))
        );
        assert_eq!(
            call_const("trim_end", &[s(".com"), s("bing.com")]),
            Ok(s("bing"))
        );
        assert_eq!(
            call_const("trim_end", &[s(r"\s+"), s("    Hello, world!    ")]),
            Ok(s("    Hello, world!"))
        );
    }

    #[test]
    fn indexof_cases() {
        // indexof-function-00
        let i = |args: &[Value]| call_const("indexof", args);
        assert_eq!(i(&[s("abcdefg"), s("cde")]), Ok(l(2)));
        assert_eq!(i(&[s("abcdefg"), s("cde"), l(1), l(4)]), Ok(l(2)));
        assert_eq!(i(&[s("abcdefg"), s("cde"), l(1), l(2)]), Ok(l(2)));
        assert_eq!(i(&[s("abcdefg"), s("cde"), l(3), l(4)]), Ok(l(-1)));
        assert_eq!(i(&[s("abcdefg"), s("cde"), l(-5)]), Ok(l(2)));
        assert_eq!(i(&[l(1234567), l(5), l(1), l(4)]), Ok(l(4)));
        assert_eq!(i(&[s("abcdefg"), s("cde"), l(2), l(-1)]), Ok(l(2)));
        assert_eq!(
            i(&[s("abcdefgabcdefg"), s("cde"), l(1), l(10), l(2)]),
            Ok(l(9))
        );
        assert_eq!(
            i(&[s("abcdefgabcdefg"), s("cde"), l(1), l(-1), l(3)]),
            Ok(l(-1))
        );
        // indexof-function.md: length < -1 gives null
        assert_eq!(i(&[s("abc"), s("b"), l(0), l(-2)]), Ok(Value::Null));
    }

    #[test]
    fn indexof_regex_cases() {
        // indexof-regex-function-00
        let i = |args: &[Value]| call_const("indexof_regex", args);
        assert_eq!(i(&[s("abcabc"), s("a.c")]), Ok(l(0)));
        assert_eq!(i(&[s("abcabcdefg"), s("a.c"), l(0), l(9), l(2)]), Ok(l(3)));
        assert_eq!(i(&[s("abcabc"), s("a.c"), l(1), l(-1), l(2)]), Ok(l(-1)));
        assert_eq!(i(&[s("ababaa"), s("a.a"), l(0), l(-1), l(2)]), Ok(l(-1)));
        assert_eq!(i(&[s("abcabc"), s("a|ab"), l(-1)]), Ok(Value::Null));
    }

    #[test]
    fn countof_cases() {
        // countof-function.md
        assert_eq!(call_const("countof", &[s("aaa"), s("a")]), Ok(l(3)));
        assert_eq!(call_const("countof", &[s("aaaa"), s("aa")]), Ok(l(3)));
        assert_eq!(
            call_const("countof", &[s("ababa"), s("ab"), s("normal")]),
            Ok(l(2))
        );
        assert_eq!(call_const("countof", &[s("ababa"), s("aba")]), Ok(l(2)));
        assert_eq!(
            call_const("countof", &[s("ababa"), s("aba"), s("regex")]),
            Ok(l(1))
        );
        assert_eq!(
            call_const("countof", &[s("abcabc"), s("a.c"), s("regex")]),
            Ok(l(2))
        );
    }

    #[test]
    fn reverse_cases() {
        // reverse-function-00/01
        assert_eq!(
            call_const("reverse", &[s("ABCDEFGHIJKLMNOPQRSTUVWXYZ")]),
            Ok(s("ZYXWVUTSRQPONMLKJIHGFEDCBA"))
        );
        assert_eq!(call_const("reverse", &[l(12345)]), Ok(s("54321")));
        assert_eq!(
            call_const("reverse", &[Value::Real(123.45)]),
            Ok(s("54.321"))
        );
        assert_eq!(
            call_const("reverse", &[Value::TimeSpan(3 * 36_000_000_000)]),
            Ok(s("00:00:30"))
        );
    }

    #[test]
    fn extract_cases() {
        // extract-function-00
        let text = s("User: James, Email: James@example.com, Age: 29");
        assert_eq!(
            call_const("extract", &[s("User: ([^,]+)"), l(1), text.clone()]),
            Ok(s("James"))
        );
        assert_eq!(
            call_const("extract", &[s(r"Email: (\S+),"), l(1), text.clone()]),
            Ok(s("James@example.com"))
        );
        assert_eq!(call_const("extract", &[s(r"\d+"), l(0), text]), Ok(s("29")));
        assert_eq!(
            call_const(
                "extract",
                &[s(r"Email: (\S+),"), l(1), s("User: David, Age: 35")]
            ),
            Ok(s(""))
        );
        // extract-function-01: typeof(int)
        let typed = |text: &str| {
            call_with(
                "extract",
                &[
                    ArgInfo::constant(s(r"-(\d{2})-"), ScalarType::String),
                    ArgInfo::constant(l(1), ScalarType::Long),
                    ArgInfo::constant(s(text), ScalarType::String),
                    ArgInfo::type_of(ScalarType::Int),
                ],
            )
        };
        assert_eq!(typed("15-12-2024"), Ok((ScalarType::Int, Value::Int(12))));
        assert_eq!(typed("21-07-2023"), Ok((ScalarType::Int, Value::Int(7))));
        // KQL_SEMANTICS §4.3: no match with a type gives null
        assert_eq!(typed("no date"), Ok((ScalarType::Int, Value::Null)));
    }

    #[test]
    fn extract_all_cases() {
        // extract-all-function-00..04
        let r = call_const(
            "extract_all",
            &[s(r"(\d+)"), s("a set of numbers: 123, 567 and 789")],
        );
        assert_eq!(r, Ok(Value::Dynamic(json!(["123", "567", "789"]))));
        let id = s("82b8be2d-dfa7-4bd1-8f63-24ad26d31449");
        let r = call_const("extract_all", &[s(r"(\w)(\w+)(\w)"), id.clone()]);
        let want = json!([
            ["8", "2b8be2", "d"],
            ["d", "fa", "7"],
            ["4", "bd", "1"],
            ["8", "f6", "3"],
            ["2", "4ad26d3144", "9"]
        ]);
        assert_eq!(r, Ok(Value::Dynamic(want.clone())));
        let r = call_const(
            "extract_all",
            &[
                s(r"(\w)(\w+)(\w)"),
                Value::Dynamic(json!([1, 3])),
                id.clone(),
            ],
        );
        assert_eq!(
            r,
            Ok(Value::Dynamic(json!([
                ["8", "d"],
                ["d", "7"],
                ["4", "1"],
                ["8", "3"],
                ["2", "9"]
            ])))
        );
        let named = s(r"(?P<first>\w)(?P<middle>\w+)(?P<last>\w)");
        let r = call_const(
            "extract_all",
            &[named, Value::Dynamic(json!(["first", 2, "last"])), id],
        );
        assert_eq!(r, Ok(Value::Dynamic(want)));
        assert_eq!(
            call_const("extract_all", &[s(r"(\d+)"), s("none")]),
            Ok(Value::Null)
        );
        assert!(call_const("extract_all", &[s(r"\d+"), s("1")]).is_err());
    }

    #[test]
    fn strrep_and_translate() {
        // strrep-function-00
        assert_eq!(call_const("strrep", &[s("ABC"), l(2)]), Ok(s("ABCABC")));
        assert_eq!(
            call_const("strrep", &[l(123), l(3), s(".")]),
            Ok(s("123.123.123"))
        );
        assert_eq!(
            call_const("strrep", &[Value::TimeSpan(30_000_000), l(2), s(" ")]),
            Ok(s("00:00:03 00:00:03"))
        );
        // translate-function.md
        assert_eq!(
            call_const("translate", &[s("abc"), s("x"), s("abc")]),
            Ok(s("xxx"))
        );
        assert_eq!(
            call_const("translate", &[s("abc"), s(""), s("ab")]),
            Ok(s(""))
        );
        assert_eq!(
            call_const("translate", &[s("krasp"), s("otsku"), s("spark")]),
            Ok(s("kusto"))
        );
    }

    #[test]
    fn codepoints() {
        // unicode-codepoints-from-string-function-00/01, unicode-codepoints-to-string-function-00..03
        assert_eq!(
            call_const("unicode_codepoints_from_string", &[s("⒦⒰⒮⒯⒪")]),
            Ok(Value::Dynamic(json!([9382, 9392, 9390, 9391, 9386])))
        );
        let kusto = [l(75), l(117), l(115), l(116), l(111)];
        assert_eq!(
            call_const("unicode_codepoints_to_string", &kusto),
            Ok(s("Kusto"))
        );
        assert_eq!(
            call_const(
                "unicode_codepoints_to_string",
                &[Value::Dynamic(json!([75, 117, 115])), l(116), l(111)]
            ),
            Ok(s("Kusto"))
        );
        assert_eq!(
            call_const("make_string", &[l(75), l(10), l(117)]),
            Ok(s("K\nu"))
        );
    }

    #[test]
    fn tohex_cases() {
        // tohex-function-00
        assert_eq!(call_const("tohex", &[l(256)]), Ok(s("100")));
        assert_eq!(call_const("tohex", &[l(-256)]), Ok(s("ffffffffffffff00")));
        assert_eq!(
            call_const("tohex", &[Value::Int(-256), l(8)]),
            Ok(s("ffffff00"))
        );
        assert_eq!(call_const("tohex", &[l(256), l(8)]), Ok(s("00000100")));
        assert_eq!(call_const("tohex", &[l(256), l(2)]), Ok(s("100")));
    }

    #[test]
    fn small_string_predicates() {
        // isascii-00, isutf8-function-00, strcmp-function-00, regex-quote-function-00
        assert_eq!(
            call_const("isascii", &[s("some string")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(call_const("isascii", &[s("é")]), Ok(Value::Bool(false)));
        assert_eq!(
            call_const("isutf8", &[s("some string")]),
            Ok(Value::Bool(true))
        );
        assert_eq!(call_const("strcmp", &[s("ABC"), s("ABC")]), Ok(l(0)));
        assert_eq!(call_const("strcmp", &[s("abc"), s("ABC")]), Ok(l(1)));
        assert_eq!(call_const("strcmp", &[s("ABC"), s("abc")]), Ok(l(-1)));
        assert_eq!(call_const("strcmp", &[s("abcde"), s("abc")]), Ok(l(1)));
        assert_eq!(
            call_const("regex_quote", &[s("(so$me.Te^xt)")]),
            Ok(s(r"\(so\$me\.Te\^xt\)"))
        );
    }
}
