//! Tokens and client secrets: a type that never prints its value, and scrubbing of text echoed in errors.

use std::fmt;

/// A bearer token or client secret. `Debug` and `Display` print `<redacted>`; only [`Secret::expose`]
/// gives the value, for the one header or form field that needs it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Text from a service (a response body, a CLI's stderr) made fit for an error message: every secret
/// replaced by `<redacted>`, anything after `Bearer ` and JWT-looking words redacted, control characters
/// replaced by spaces, and cut to `max` characters.
pub fn scrub(text: &str, secrets: &[&Secret], max: usize) -> String {
    let mut s = text.to_string();
    for sec in secrets {
        if sec.expose().len() >= 4 {
            s = s.replace(sec.expose(), "<redacted>");
        }
    }
    let mut words: Vec<String> = Vec::new();
    let mut after_bearer = false;
    for w in s.split(' ') {
        let jwt = w.starts_with("eyJ") && w.matches('.').count() >= 2;
        if after_bearer || jwt {
            words.push("<redacted>".into());
        } else {
            words.push(w.to_string());
        }
        after_bearer = w.eq_ignore_ascii_case("bearer");
    }
    let s = words.join(" ");
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(max)
        .collect();
    if s.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints() {
        let s = Secret::new("tok-123456");
        assert_eq!(format!("{s} {s:?}"), "<redacted> <redacted>");
        assert_eq!(s.expose(), "tok-123456");
    }

    #[test]
    fn scrubs() {
        let s = Secret::new("tok-123456");
        let t = scrub(
            "bad token tok-123456; Authorization: Bearer abc.def eyJa.b.c\u{1b}[2J",
            &[&s],
            200,
        );
        assert!(!t.contains("tok-123456") && !t.contains("abc.def") && !t.contains("eyJa"));
        assert!(!t.chars().any(char::is_control), "{t}");
        assert_eq!(scrub("abcdef", &[], 3), "abc…");
    }
}
