//! KQL regular expressions are RE2; the `regex` crate reads nearly the same syntax. The differences that
//! real queries hit are translated here: octal escapes (`\0`, `\012`, which `regex` takes for backreferences)
//! and `\Q...\E` literal quoting.

use regex::Regex;

/// The pattern in the `regex` crate's syntax.
pub fn translate(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let n = chars[i + 1];
            if n == 'Q' {
                // \Q...\E: everything up to \E (or the end) is literal
                let rest: String = chars[i + 2..].iter().collect();
                let (lit, tail_len) = match rest.find("\\E") {
                    Some(p) => (&rest[..p], rest[..p].chars().count() + 2),
                    None => (rest.as_str(), rest.chars().count()),
                };
                out.push_str(&regex::escape(lit));
                i += 2 + tail_len;
                continue;
            }
            if n.is_digit(8) && (n == '0' || chars.get(i + 2).is_some_and(|d| d.is_digit(8))) {
                // octal escape: up to three digits
                let mut j = i + 1;
                let mut v = 0u32;
                while j < chars.len() && j < i + 4 && chars[j].is_digit(8) {
                    v = v * 8 + chars[j].to_digit(8).unwrap_or(0);
                    j += 1;
                }
                out.push_str(&format!("\\x{{{v:x}}}"));
                i = j;
                continue;
            }
            out.push(c);
            out.push(n);
            i += 2;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Compiles a KQL (RE2) regular expression.
pub fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    Regex::new(&translate(pattern))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn octal_and_quoting() {
        assert!(compile("\\0").unwrap().is_match("a\u{0}b"));
        assert!(compile("\\101").unwrap().is_match("A"));
        assert!(compile("\\Qa.b\\E+").unwrap().is_match("a.bbb"));
        assert!(!compile("\\Qa.b\\E").unwrap().is_match("axb"));
        assert!(compile(r"\d+\.\d").unwrap().is_match("12.5"));
        assert!(
            compile(r"(a)\1").is_err(),
            "backreferences stay unsupported, as in RE2"
        );
    }
}
