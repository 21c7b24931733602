//! Parsing functions: parse_url, parse_urlquery, parse_path, parse_csv, parse_command_line.

use serde_json::{Map, Value as J};

use super::util::{const_str, def, kql_tostring};
use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::value::Value;
use crate::kql::ScalarType;

pub(super) static FUNCTIONS: &[FnDef] = &[
    def("parse_url", 1, 1, Naming::Default, parse_url),
    def("parse_urlquery", 1, 1, Naming::Default, parse_urlquery),
    def("parse_path", 1, 1, Naming::Default, parse_path),
    def("parse_csv", 1, 1, Naming::FirstArg, parse_csv),
    def(
        "parse_command_line",
        2,
        2,
        Naming::Default,
        parse_command_line,
    ),
];

fn obj(pairs: Vec<(&str, J)>) -> Value {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_string(), v);
    }
    Value::Dynamic(J::Object(m))
}

fn js(s: &str) -> J {
    J::String(s.to_string())
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else if b[i] == b'+' {
            out.push(b' ');
            i += 1;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `k1=v1&k2=v2` as a bag (values URL-decoded; a later duplicate key wins).
fn query_bag(q: &str) -> J {
    let mut m = Map::new();
    for part in q.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        m.insert(percent_decode(k), J::String(percent_decode(v)));
    }
    J::Object(m)
}

fn scheme_len(s: &str) -> Option<usize> {
    let i = s.find("://")?;
    let scheme = &s[..i];
    let mut chars = scheme.chars();
    let first = chars.next()?;
    if first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    {
        Some(i)
    } else {
        None
    }
}

fn url_parts(url: &str) -> Option<Value> {
    let u = url.trim();
    let si = scheme_len(u)?;
    let scheme = &u[..si];
    let rest = &u[si + 3..];
    let (rest, fragment) = rest.split_once('#').unwrap_or((rest, ""));
    let (rest, query) = rest.split_once('?').unwrap_or((rest, ""));
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let (userinfo, hostport) = match authority.rfind('@') {
        Some(i) => (&authority[..i], &authority[i + 1..]),
        None => ("", authority),
    };
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let (host, port) = if hostport.starts_with('[') {
        match hostport.find(']') {
            Some(i) => (
                &hostport[..=i],
                hostport[i + 1..].strip_prefix(':').unwrap_or(""),
            ),
            None => (hostport, ""),
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p),
            None => (hostport, ""),
        }
    };
    if !port.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some(obj(vec![
        ("Scheme", js(scheme)),
        ("Host", js(host)),
        ("Port", js(port)),
        ("Path", js(path)),
        ("Username", js(user)),
        ("Password", js(password)),
        ("Query Parameters", query_bag(query)),
        ("Fragment", js(fragment)),
    ]))
}

/// The parts of an absolute URL ([D] parse-url-function.md; [E] parse-url-function-00). Text without a
/// `scheme://` gives the same bag with empty parts.
fn parse_url(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        url_parts(&kql_tostring(&v[0])).unwrap_or_else(|| {
            obj(vec![
                ("Scheme", js("")),
                ("Host", js("")),
                ("Port", js("")),
                ("Path", js("")),
                ("Username", js("")),
                ("Password", js("")),
                ("Query Parameters", J::Object(Map::new())),
                ("Fragment", js("")),
            ])
        })
    }))
}

/// [E] parse-url-query-function-00/01.
fn parse_urlquery(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        let s = kql_tostring(&v[0]);
        let q = s.trim().trim_start_matches('?');
        obj(vec![("Query Parameters", query_bag(q))])
    }))
}

fn path_parts(p: &str) -> Value {
    let (scheme, rest) = match scheme_len(p) {
        Some(i) if i > 1 => (&p[..i], &p[i + 3..]),
        _ => ("", p),
    };
    let b = rest.as_bytes();
    let root = if b.len() >= 3
        && b[0].is_ascii_alphabetic()
        && b[1] == b':'
        && (b[2] == b'\\' || b[2] == b'/')
    {
        &rest[..3]
    } else {
        ""
    };
    let is_sep = |c: char| c == '\\' || c == '/';
    let (dir, file) = match rest.rfind(is_sep) {
        Some(i) => {
            let d = &rest[..i];
            (if d.len() < root.len() { root } else { d }, &rest[i + 1..])
        }
        None => ("", rest),
    };
    let (file, ads) = match file.find(':') {
        Some(i) => (&file[..i], &file[i + 1..]),
        None => (file, ""),
    };
    let dir_name = dir.rsplit(is_sep).next().unwrap_or("");
    let ext = match file.rfind('.') {
        Some(i) => &file[i + 1..],
        None => "",
    };
    obj(vec![
        ("Scheme", js(scheme)),
        ("RootPath", js(root)),
        ("DirectoryPath", js(dir)),
        ("DirectoryName", js(dir_name)),
        ("Filename", js(file)),
        ("Extension", js(ext)),
        ("AlternateDataStreamName", js(ads)),
    ])
}

/// [E] parse-path-function-00.
fn parse_path(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        path_parts(&kql_tostring(&v[0]))
    }))
}

/// The first CSV record: fields split on commas, double-quoted fields may hold commas, newlines and `""`
/// ([E] parse-csv-function-01/02).
fn csv_record(s: &str) -> Vec<J> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    let mut in_quotes = false;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    cur.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                cur.push(c);
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                in_quotes = true;
                at_field_start = false;
            }
            ',' => {
                fields.push(J::String(std::mem::take(&mut cur)));
                at_field_start = true;
            }
            '\n' => break,
            '\r' if chars.peek() == Some(&'\n') => {}
            c => {
                cur.push(c);
                at_field_start = false;
            }
        }
    }
    fields.push(J::String(cur));
    fields
}

fn parse_csv(_a: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        Value::Dynamic(J::Array(csv_record(&kql_tostring(&v[0]))))
    }))
}

/// Windows command-line splitting (the rules of `CommandLineToArgvW`): the program name ends at the first
/// whitespace or closing quote; after it, `2n` backslashes before a quote give `n` and toggle quoting,
/// `2n+1` give `n` and a literal quote, and `""` inside quotes is a literal quote.
fn split_windows(cmd: &str) -> Vec<String> {
    let chars: Vec<char> = cmd.chars().collect();
    let mut args = Vec::new();
    let mut i = 0;
    // program name
    let mut prog = String::new();
    if chars.first() == Some(&'"') {
        i = 1;
        while i < chars.len() && chars[i] != '"' {
            prog.push(chars[i]);
            i += 1;
        }
        i += 1;
    } else {
        while i < chars.len() && !chars[i].is_whitespace() {
            prog.push(chars[i]);
            i += 1;
        }
    }
    if !cmd.is_empty() {
        args.push(prog);
    }
    loop {
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\t') {
            i += 1;
        }
        if i >= chars.len() {
            break;
        }
        let mut arg = String::new();
        let mut quoted = false;
        while i < chars.len() {
            let c = chars[i];
            if (c == ' ' || c == '\t') && !quoted {
                break;
            }
            if c == '\\' {
                let start = i;
                while i < chars.len() && chars[i] == '\\' {
                    i += 1;
                }
                let n = i - start;
                if i < chars.len() && chars[i] == '"' {
                    arg.extend(std::iter::repeat_n('\\', n / 2));
                    if n % 2 == 1 {
                        arg.push('"');
                        i += 1;
                    }
                } else {
                    arg.extend(std::iter::repeat_n('\\', n));
                }
                continue;
            }
            if c == '"' {
                if quoted && chars.get(i + 1) == Some(&'"') {
                    arg.push('"');
                    i += 2;
                    continue;
                }
                quoted = !quoted;
                i += 1;
                continue;
            }
            arg.push(c);
            i += 1;
        }
        args.push(arg);
    }
    args
}

/// `parse_command_line(command, "windows")` ([E] parse-command-line-function-00).
fn parse_command_line(a: &[ArgInfo]) -> Result<Prepared, String> {
    let kind = const_str("parse_command_line", &a[1], "parser kind")?;
    if !kind.eq_ignore_ascii_case("windows") {
        return Err(format!(
            "parse_command_line(): parser '{kind}' is not supported (only \"windows\")"
        ));
    }
    Ok(Prepared::new(ScalarType::Dynamic, |v| {
        Value::Dynamic(J::Array(
            split_windows(&kql_tostring(&v[0]))
                .into_iter()
                .map(J::String)
                .collect(),
        ))
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
    fn d(j: serde_json::Value) -> Value {
        Value::Dynamic(j)
    }

    #[test]
    fn urls() {
        // parse-url-function-00
        let r = call_const(
            "parse_url",
            &[s(
                "scheme://username:password@host:1234/this/is/a/path?k1=v1&k2=v2#fragment",
            )],
        );
        let want = json!({"Scheme": "scheme", "Host": "host", "Port": "1234", "Path": "/this/is/a/path", "Username": "username", "Password": "password", "Query Parameters": {"k1": "v1", "k2": "v2"}, "Fragment": "fragment"});
        assert_eq!(r, Ok(d(want)));
        let r = call_const("parse_url", &[s("https://bing.com")]);
        let want = json!({"Scheme": "https", "Host": "bing.com", "Port": "", "Path": "", "Username": "", "Password": "", "Query Parameters": {}, "Fragment": ""});
        assert_eq!(r, Ok(d(want)));
        // parse-url-query-function-00/01
        let r = call_const("parse_urlquery", &[s("k1=v1&k2=v2&k3=v3")]);
        assert_eq!(
            r,
            Ok(d(
                json!({"Query Parameters": {"k1": "v1", "k2": "v2", "k3": "v3"}})
            ))
        );
        let r = call_const("parse_urlquery", &[s("view=vs-2019&preserve-view=true")]);
        assert_eq!(
            r,
            Ok(d(
                json!({"Query Parameters": {"view": "vs-2019", "preserve-view": "true"}})
            ))
        );
    }

    #[test]
    fn paths() {
        // parse-path-function-00
        let p = |x: &str| call_const("parse_path", &[s(x)]);
        let row = |scheme: &str,
                   root: &str,
                   dir: &str,
                   name: &str,
                   file: &str,
                   ext: &str,
                   ads: &str| {
            Ok(d(
                json!({"Scheme": scheme, "RootPath": root, "DirectoryPath": dir, "DirectoryName": name, "Filename": file, "Extension": ext, "AlternateDataStreamName": ads}),
            ))
        };
        assert_eq!(
            p(r"C:\temp\file.txt"),
            row("", r"C:\", r"C:\temp", "temp", "file.txt", "txt", "")
        );
        assert_eq!(
            p(r"temp\file.txt"),
            row("", "", "temp", "temp", "file.txt", "txt", "")
        );
        assert_eq!(
            p("file://C:/temp/file.txt:some.exe"),
            row(
                "file", "C:/", "C:/temp", "temp", "file.txt", "txt", "some.exe"
            )
        );
        assert_eq!(
            p(r"\\shared\users\temp\file.txt.gz"),
            row(
                "",
                "",
                r"\\shared\users\temp",
                "temp",
                "file.txt.gz",
                "gz",
                ""
            )
        );
        assert_eq!(
            p("/usr/lib/temp/file.txt"),
            row("", "", "/usr/lib/temp", "temp", "file.txt", "txt", "")
        );
    }

    #[test]
    fn csv() {
        // parse-csv-function-01/02
        let r = call_const(
            "parse_csv",
            &[s(
                "aa,\"b,b,b\",cc,\"Escaping quotes: \"\"Title\"\"\",\"line1\nline2\"",
            )],
        );
        assert_eq!(
            r,
            Ok(d(json!([
                "aa",
                "b,b,b",
                "cc",
                "Escaping quotes: \"Title\"",
                "line1\nline2"
            ])))
        );
        let r = call_const("parse_csv", &[s("record1,a,b,c\nrecord2,x,y,z")]);
        assert_eq!(r, Ok(d(json!(["record1", "a", "b", "c"]))));
    }

    #[test]
    fn command_lines() {
        // parse-command-line-function-00
        let r = call_const(
            "parse_command_line",
            &[s("echo \"hello world!\""), s("windows")],
        );
        assert_eq!(r, Ok(d(json!(["echo", "hello world!"]))));
        // CommandLineToArgvW rules
        let r = call_const(
            "parse_command_line",
            &[
                s(r#""C:\Program Files\a.exe" a\\\"b "c d" e\f"#),
                s("windows"),
            ],
        );
        assert_eq!(
            r,
            Ok(d(json!([
                r"C:\Program Files\a.exe",
                "a\\\"b",
                "c d",
                r"e\f"
            ])))
        );
        assert!(call_const("parse_command_line", &[s("ls -l"), s("linux")]).is_err());
    }
}
