//! The KQL lexer: source text to tokens with byte spans.
//!
//! Keywords are contextual, so words are all `Ident` tokens and the parser decides. The lexer decodes
//! literals (strings with escapes, verbatim and multi-line strings, numbers, timespans such as `1.5h`) and
//! captures the raw text of typed literals (`datetime(2015-12-31 23:59:59.9)`, `guid(...)`, `typeof(long)`),
//! whose insides are not tokens. Adjacent string literals are concatenated (`"a" 'b'` is `"ab"`).
//!
//! The lexer never fails: a malformed piece becomes an `Error` token carrying its diagnostic, so that the
//! parser reports errors in source order (the first error wins).

use super::ast::Span;
use super::diag::Diagnostic;
use super::literal;

#[derive(Clone, Debug, PartialEq)]
pub enum TokenKind {
    /// A word: `where`, `DeviceName`, `$left`, `_x`. The text is the token's span of the source.
    Ident,
    Long(i64),
    Real(f64),
    /// A timespan literal (`5d`, `1.5h`, `100ms`) in ticks.
    TimeSpan(i64),
    Bool(bool),
    /// A string literal, decoded; adjacent literals already concatenated.
    Str(String),
    /// `keyword(raw text)`: `datetime(...)`, `date`, `timespan`, `time`, `long`, `int64`, `int`, `int32`,
    /// `real`, `double`, `decimal`, `bool`, `boolean`, `guid`, `uuid`, `uniqueid`, `typeof`. `inner` is the
    /// span of the text between the parentheses.
    Typed {
        keyword: String,
        inner: Span,
    },
    Pipe,
    Semi,
    Comma,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Dot,
    DotDot,
    Star,
    Colon,
    /// `=`
    Assign,
    /// `==`
    EqEq,
    /// `!=`
    NotEq,
    /// `<>`
    LtGt,
    Lt,
    Le,
    Gt,
    Ge,
    /// `=~`
    EqTilde,
    /// `!~`
    NotTilde,
    Plus,
    Minus,
    Slash,
    Percent,
    /// `=>`
    FatArrow,
    At,
    Question,
    /// `in~`
    InCi,
    /// A negated word operator, written with its `!`: `!in`, `!in~`, `!has`, `!contains_cs`, `!between`, ...
    NegOp(String),
    /// A malformed piece of text.
    Error(Box<Diagnostic>),
    Eof,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Token {
    pub kind: TokenKind,
    pub span: Span,
    /// Whitespace or a comment separates this token from the previous one (used to glue `project-away`,
    /// `Device*`).
    pub space_before: bool,
}

/// The keywords whose parenthesised text is a raw literal.
pub const TYPED_LITERAL_KEYWORDS: &[&str] = &[
    "datetime", "date", "timespan", "time", "long", "int64", "int", "int32", "real", "double",
    "decimal", "bool", "boolean", "guid", "uuid", "uniqueid", "typeof",
];

/// Words that can follow `!` to form a negated operator.
const NEGATABLE: &[&str] = &[
    "in",
    "has",
    "has_cs",
    "hasprefix",
    "hasprefix_cs",
    "hassuffix",
    "hassuffix_cs",
    "contains",
    "contains_cs",
    "startswith",
    "startswith_cs",
    "endswith",
    "endswith_cs",
    "between",
];

pub fn is_ident_start(c: char) -> bool {
    c == '_' || c == '$' || c.is_alphabetic()
}

pub fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{200b}' | '\u{180e}' | '\u{feff}')
}

/// Lexes the whole source. The last token is always `Eof`.
pub fn lex(source: &str) -> Vec<Token> {
    let mut lx = Lexer {
        src: source,
        pos: 0,
        out: Vec::new(),
        space: false,
    };
    lx.run();
    merge_strings(lx.out)
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    out: Vec<Token>,
    space: bool,
}

impl<'a> Lexer<'a> {
    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }
    fn peek_at(&self, byte_off: usize) -> Option<char> {
        self.src
            .get(self.pos + byte_off..)
            .and_then(|s| s.chars().next())
    }
    fn rest(&self) -> &'a str {
        &self.src[self.pos..]
    }
    fn push(&mut self, kind: TokenKind, start: usize) {
        self.out.push(Token {
            kind,
            span: Span::new(start, self.pos),
            space_before: self.space,
        });
        self.space = false;
    }
    fn error(&mut self, diag: Diagnostic, start: usize) {
        self.push(TokenKind::Error(Box::new(diag)), start);
    }

    fn run(&mut self) {
        while let Some(c) = self.peek() {
            let start = self.pos;
            if is_space(c) {
                self.pos += c.len_utf8();
                self.space = true;
                continue;
            }
            if self.rest().starts_with("//") {
                let end = self
                    .rest()
                    .find(['\n', '\r', '\u{2028}', '\u{2029}'])
                    .map(|i| self.pos + i);
                self.pos = end.unwrap_or(self.src.len());
                self.space = true;
                continue;
            }
            match c {
                '"' | '\'' => self.quoted_string(start, start),
                '@' if matches!(self.peek_at(1), Some('"' | '\'')) => {
                    self.verbatim_string(start, start)
                }
                '`' if self.rest().starts_with("```") => self.multiline_string(start, start, "```"),
                '~' if self.rest().starts_with("~~~") => self.multiline_string(start, start, "~~~"),
                '0'..='9' => self.number(start),
                c if is_ident_start(c) => self.word(start),
                _ => self.punct(c, start),
            }
        }
        let end = self.src.len();
        self.out.push(Token {
            kind: TokenKind::Eof,
            span: Span::new(end, end),
            space_before: self.space,
        });
    }

    fn punct(&mut self, c: char, start: usize) {
        use TokenKind::*;
        let two = self.rest().get(..2).unwrap_or("");
        let (kind, len) = match (c, two) {
            (_, "..") => (DotDot, 2),
            (_, "==") => (EqEq, 2),
            (_, "=~") => (EqTilde, 2),
            (_, "=>") => (FatArrow, 2),
            (_, "!=") => (NotEq, 2),
            (_, "!~") => (NotTilde, 2),
            (_, "<=") => (Le, 2),
            (_, "<>") => (LtGt, 2),
            (_, ">=") => (Ge, 2),
            ('!', _) => return self.bang(start),
            ('|', _) => (Pipe, 1),
            (';', _) => (Semi, 1),
            (',', _) => (Comma, 1),
            ('(', _) => (LParen, 1),
            (')', _) => (RParen, 1),
            ('[', _) => (LBracket, 1),
            (']', _) => (RBracket, 1),
            ('{', _) => (LBrace, 1),
            ('}', _) => (RBrace, 1),
            ('.', _) => (Dot, 1),
            ('*', _) => (Star, 1),
            (':', _) => (Colon, 1),
            ('=', _) => (Assign, 1),
            ('<', _) => (Lt, 1),
            ('>', _) => (Gt, 1),
            ('+', _) => (Plus, 1),
            ('-', _) => (Minus, 1),
            ('/', _) => (Slash, 1),
            ('%', _) => (Percent, 1),
            ('@', _) => (At, 1),
            ('?', _) => (Question, 1),
            _ => {
                self.pos += c.len_utf8();
                let shown = if c.is_control() {
                    format!("U+{:04X}", c as u32)
                } else {
                    c.to_string()
                };
                let d = Diagnostic::syntax(
                    format!("unexpected character `{shown}`"),
                    Span::new(start, self.pos),
                )
                .with_label("not valid in KQL here");
                return self.error(d, start);
            }
        };
        self.pos += len;
        self.push(kind, start);
    }

    /// `!` followed by a word: a negated operator (`!has`, `!in~`, `!between`), else an error.
    fn bang(&mut self, start: usize) {
        self.pos += 1;
        let word_len = self
            .rest()
            .find(|c: char| !is_ident_char(c))
            .unwrap_or(self.rest().len());
        let word = &self.rest()[..word_len];
        if NEGATABLE.contains(&word) {
            self.pos += word_len;
            let mut text = format!("!{word}");
            if word == "in" && self.peek() == Some('~') {
                self.pos += 1;
                text.push('~');
            }
            return self.push(TokenKind::NegOp(text), start);
        }
        let d = Diagnostic::syntax("`!` is not an operator in KQL", Span::new(start, self.pos))
            .with_label("unexpected `!`")
            .with_help(
                "negate a condition with `not(...)`; negated operators are written without a space: \
                 `!=`, `!~`, `!has`, `!contains`, `!in`, `!startswith`, `!between`",
            );
        self.error(d, start)
    }

    fn word(&mut self, start: usize) {
        let first = self.peek().unwrap_or(' ');
        self.pos += first.len_utf8();
        while let Some(c) = self.peek() {
            if is_ident_char(c) {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
        let word = &self.src[start..self.pos];
        // h"..." / H@'...' / h```...```: obfuscated string, value unchanged
        if word == "h" || word == "H" {
            let r = self.rest();
            if r.starts_with('"') || r.starts_with('\'') {
                return self.quoted_string(start, self.pos);
            }
            if r.starts_with("@\"") || r.starts_with("@'") {
                return self.verbatim_string(start, self.pos);
            }
            if r.starts_with("```") {
                return self.multiline_string(start, self.pos, "```");
            }
            if r.starts_with("~~~") {
                return self.multiline_string(start, self.pos, "~~~");
            }
        }
        match word {
            "true" | "TRUE" | "True" => return self.push(TokenKind::Bool(true), start),
            "false" | "FALSE" | "False" => return self.push(TokenKind::Bool(false), start),
            "in" if self.peek() == Some('~') => {
                self.pos += 1;
                return self.push(TokenKind::InCi, start);
            }
            _ => {}
        }
        if TYPED_LITERAL_KEYWORDS.contains(&word) {
            // keyword, optional blanks, `(`: the text up to the first `)` is raw
            let after = self.rest();
            let blanks = after.len() - after.trim_start_matches([' ', '\t']).len();
            if after[blanks..].starts_with('(') {
                let open = self.pos + blanks;
                let inner_start = open + 1;
                match self.src[inner_start..].find(')') {
                    Some(i) => {
                        self.pos = inner_start + i + 1;
                        let kind = TokenKind::Typed {
                            keyword: word.to_string(),
                            inner: Span::new(inner_start, inner_start + i),
                        };
                        return self.push(kind, start);
                    }
                    None => {
                        self.pos = self.src.len();
                        let d = Diagnostic::syntax(
                            format!("unterminated `{word}(...)` literal"),
                            Span::new(start, inner_start),
                        )
                        .with_label("this `(` is never closed")
                        .with_help(format!("close the literal: `{word}(...)`"));
                        return self.error(d, start);
                    }
                }
            }
        }
        self.push(TokenKind::Ident, start)
    }

    fn number(&mut self, start: usize) {
        let r = self.rest();
        if r.starts_with("0x") || r.starts_with("0X") {
            let hex_len = r[2..]
                .find(|c: char| !c.is_ascii_hexdigit())
                .unwrap_or(r.len() - 2);
            let tail_len = r[2 + hex_len..]
                .find(|c: char| !is_ident_char(c))
                .unwrap_or(r.len() - 2 - hex_len);
            self.pos += 2 + hex_len + tail_len;
            let text = &self.src[start..self.pos];
            return match literal::parse_integer(text) {
                Some(v) if tail_len == 0 => self.push(TokenKind::Long(v), start),
                _ => {
                    let d = Diagnostic::syntax(
                        format!("invalid hex literal `{text}`"),
                        Span::new(start, self.pos),
                    )
                    .with_label("expected `0x` and 1 to 16 hex digits");
                    self.error(d, start)
                }
            };
        }
        let digits = |s: &str| s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
        let int_len = digits(r);
        let mut len = int_len;
        let mut is_real = false;
        let bytes = r.as_bytes();
        if bytes.get(len) == Some(&b'.') {
            let next = r[len + 1..].chars().next();
            match next {
                Some(c) if c.is_ascii_digit() => {
                    len += 1 + digits(&r[len + 1..]);
                    is_real = true;
                }
                Some('.') => {}
                Some(c) if is_ident_start(c) && !exponent_at(&r[len + 1..]) => {}
                _ => {
                    // `1.` and `1.e5` are reals
                    len += 1;
                    is_real = true;
                }
            }
        }
        let number_len = len;
        let mut has_exp = false;
        if exponent_at(&r[len..]) {
            let e = &r[len + 1..];
            let sign = usize::from(e.starts_with(['+', '-']));
            len += 1 + sign + digits(&e[sign..]);
            is_real = true;
            has_exp = true;
        }
        // identifier characters glued on: a timespan suffix, a digit-led identifier, or an error
        let tail_len = r[len..]
            .find(|c: char| !is_ident_char(c))
            .unwrap_or(r.len() - len);
        if tail_len > 0 {
            let tail = &r[len..len + tail_len];
            let num = &r[..number_len];
            self.pos += len + tail_len;
            if !has_exp && literal::timespan_suffix(tail).is_some() {
                return match literal::timespan_ticks(num, tail) {
                    Some(t) => self.push(TokenKind::TimeSpan(t), start),
                    None => {
                        let d = Diagnostic::syntax(
                            format!(
                                "timespan literal `{}` is out of range",
                                &self.src[start..self.pos]
                            ),
                            Span::new(start, self.pos),
                        );
                        self.error(d, start)
                    }
                };
            }
            if !is_real {
                // digits followed by letters: an identifier, as in Kusto's grammar
                return self.push(TokenKind::Ident, start);
            }
            let d = Diagnostic::syntax(
                format!("invalid number literal `{}`", &self.src[start..self.pos]),
                Span::new(start, self.pos),
            )
            .with_help(
                "timespan units are d, h, m, s, ms, microsecond, tick (and their long forms); weeks are not supported",
            );
            return self.error(d, start);
        }
        self.pos += len;
        let text = &self.src[start..self.pos];
        if is_real {
            match text.parse::<f64>() {
                Ok(f) if f.is_finite() => self.push(TokenKind::Real(f), start),
                _ => {
                    let d = Diagnostic::syntax(
                        format!("real literal `{text}` is out of range"),
                        Span::new(start, self.pos),
                    );
                    self.error(d, start)
                }
            }
        } else {
            match text.parse::<i64>() {
                Ok(v) => self.push(TokenKind::Long(v), start),
                Err(_) => {
                    let d = Diagnostic::syntax(
                        format!("integer literal `{text}` does not fit a long"),
                        Span::new(start, self.pos),
                    )
                    .with_help("write it as a real (`1e20`) if a real is meant");
                    self.error(d, start)
                }
            }
        }
    }

    fn unterminated(
        &mut self,
        start: usize,
        quote_at: usize,
        quote_len: usize,
        closing: &str,
        multi: bool,
    ) {
        let help = if multi {
            format!("close it with {closing}")
        } else {
            format!(
                "close the string with `{closing}` on the same line; for text over several lines use ```...```"
            )
        };
        let d = Diagnostic::syntax(
            "unterminated string literal",
            Span::new(quote_at, quote_at + quote_len),
        )
        .with_label("this string is never closed")
        .with_help(help);
        self.error(d, start)
    }

    /// `"..."` / `'...'` with backslash escapes; `body_at` is the opening quote (after an `h` prefix).
    fn quoted_string(&mut self, start: usize, body_at: usize) {
        let quote = self.src[body_at..].chars().next().unwrap_or('"');
        self.pos = body_at + 1;
        let mut value = String::new();
        let mut bad_escape: Option<(Span, String)> = None;
        loop {
            let Some(c) = self.peek() else {
                return self.unterminated(start, body_at, 1, &quote.to_string(), false);
            };
            if c == '\n' || c == '\r' {
                // resume lexing on the next line
                return self.unterminated(start, body_at, 1, &quote.to_string(), false);
            }
            if c == quote {
                self.pos += 1;
                break;
            }
            if c == '\\' {
                let esc_start = self.pos;
                self.pos += 1;
                match self.escape() {
                    Ok(ch) => value.push(ch),
                    Err(msg) => {
                        if bad_escape.is_none() {
                            bad_escape = Some((Span::new(esc_start, self.pos), msg));
                        }
                    }
                }
                continue;
            }
            value.push(c);
            self.pos += c.len_utf8();
        }
        match bad_escape {
            None => self.push(TokenKind::Str(value), start),
            Some((span, msg)) => {
                let d = Diagnostic::syntax(msg, span).with_label("in this string").with_help(
                    "valid escapes are \\t \\n \\r \\\\ \\\" \\' \\uXXXX; for regular expressions use a verbatim \
                     string: @\"\\d+\"",
                );
                self.error(d, start)
            }
        }
    }

    /// After a backslash: decodes one escape sequence.
    fn escape(&mut self) -> Result<char, String> {
        let Some(c) = self.peek() else {
            return Err("unterminated escape sequence".into());
        };
        if c == '\n' || c == '\r' {
            return Err("unterminated escape sequence".into());
        }
        self.pos += c.len_utf8();
        let simple = match c {
            '\'' => Some('\''),
            '"' => Some('"'),
            '\\' => Some('\\'),
            'a' => Some('\u{7}'),
            'b' => Some('\u{8}'),
            'f' => Some('\u{c}'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\u{b}'),
            _ => None,
        };
        if let Some(ch) = simple {
            return Ok(ch);
        }
        let hex = |lx: &mut Self, n: usize| -> Option<u32> {
            let s = lx.rest().get(..n)?;
            if !s.chars().all(|c| c.is_ascii_hexdigit()) {
                return None;
            }
            lx.pos += n;
            u32::from_str_radix(s, 16).ok()
        };
        match c {
            'u' => {
                let Some(hi) = hex(self, 4) else {
                    return Err("invalid `\\u` escape: expected 4 hex digits".into());
                };
                if (0xD800..0xDC00).contains(&hi) && self.rest().starts_with("\\u") {
                    let save = self.pos;
                    self.pos += 2;
                    if let Some(lo) = hex(self, 4)
                        && (0xDC00..0xE000).contains(&lo)
                    {
                        let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        return char::from_u32(cp)
                            .ok_or_else(|| "invalid surrogate pair".to_string());
                    }
                    self.pos = save;
                }
                char::from_u32(hi).ok_or_else(|| format!("`\\u{hi:04x}` is not a character"))
            }
            'U' => {
                let Some(v) = hex(self, 8) else {
                    return Err("invalid `\\U` escape: expected 8 hex digits".into());
                };
                char::from_u32(v).ok_or_else(|| format!("`\\U{v:08x}` is not a character"))
            }
            'x' => {
                let Some(v) = hex(self, 2) else {
                    return Err("invalid `\\x` escape: expected 2 hex digits".into());
                };
                char::from_u32(v).ok_or_else(|| "invalid `\\x` escape".to_string())
            }
            '0'..='7' => {
                // up to three octal digits (the first at most 3 when three are given)
                let mut v = c as u32 - '0' as u32;
                let mut n = 1;
                while n < 3 {
                    match self.peek() {
                        Some(d @ '0'..='7') if v * 8 + (d as u32 - '0' as u32) <= 0o377 => {
                            v = v * 8 + (d as u32 - '0' as u32);
                            self.pos += 1;
                            n += 1;
                        }
                        _ => break,
                    }
                }
                char::from_u32(v).ok_or_else(|| "invalid octal escape".to_string())
            }
            other => Err(format!("invalid escape sequence `\\{other}`")),
        }
    }

    /// `@"..."` / `@'...'`: no escapes, a doubled quote is one quote. `at` is the `@`.
    fn verbatim_string(&mut self, start: usize, at: usize) {
        let quote = self.src[at + 1..].chars().next().unwrap_or('"');
        self.pos = at + 2;
        let mut value = String::new();
        loop {
            let Some(c) = self.peek() else {
                return self.unterminated(start, at, 2, &quote.to_string(), false);
            };
            if c == '\n' || c == '\r' {
                return self.unterminated(start, at, 2, &quote.to_string(), false);
            }
            self.pos += c.len_utf8();
            if c == quote {
                if self.peek() == Some(quote) {
                    self.pos += 1;
                    value.push(quote);
                    continue;
                }
                break;
            }
            value.push(c);
        }
        self.push(TokenKind::Str(value), start)
    }

    /// ```` ```...``` ```` or `~~~...~~~`: raw text over several lines.
    fn multiline_string(&mut self, start: usize, open: usize, fence: &str) {
        let body = open + 3;
        match self.src[body..].find(fence) {
            Some(i) => {
                let value = self.src[body..body + i].to_string();
                self.pos = body + i + 3;
                self.push(TokenKind::Str(value), start)
            }
            None => {
                self.pos = self.src.len();
                self.unterminated(start, open, 3, fence, true)
            }
        }
    }
}

/// `e5`, `E+10`, `e-3` at the start of `s`.
fn exponent_at(s: &str) -> bool {
    let b = s.as_bytes();
    if !matches!(b.first(), Some(b'e' | b'E')) {
        return false;
    }
    match b.get(1) {
        Some(b'+' | b'-') => b.get(2).is_some_and(u8::is_ascii_digit),
        Some(c) => c.is_ascii_digit(),
        None => false,
    }
}

/// Concatenates adjacent string literals (only whitespace or comments between them).
fn merge_strings(tokens: Vec<Token>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    for t in tokens {
        if let TokenKind::Str(s) = &t.kind
            && let Some(prev) = out.last_mut()
            && let TokenKind::Str(p) = &mut prev.kind
        {
            p.push_str(s);
            prev.span = prev.span.to(t.span);
            continue;
        }
        out.push(t);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use TokenKind::*;

    fn kinds(src: &str) -> Vec<TokenKind> {
        lex(src)
            .into_iter()
            .map(|t| t.kind)
            .filter(|k| *k != Eof)
            .collect()
    }

    fn texts(src: &str) -> Vec<&str> {
        lex(src)
            .into_iter()
            .filter(|t| t.kind != Eof)
            .map(|t| t.span.text(src))
            .collect()
    }

    #[test]
    fn punctuation_and_operators() {
        assert_eq!(
            kinds("== != <> <= >= =~ !~ = < > .. . | ; , ( ) [ ] { } * : + - / % =>"),
            vec![
                EqEq, NotEq, LtGt, Le, Ge, EqTilde, NotTilde, Assign, Lt, Gt, DotDot, Dot, Pipe,
                Semi, Comma, LParen, RParen, LBracket, RBracket, LBrace, RBrace, Star, Colon, Plus,
                Minus, Slash, Percent, FatArrow
            ]
        );
        assert_eq!(
            kinds("!in !in~ in~ !has !contains_cs !between !startswith"),
            vec![
                NegOp("!in".into()),
                NegOp("!in~".into()),
                InCi,
                NegOp("!has".into()),
                NegOp("!contains_cs".into()),
                NegOp("!between".into()),
                NegOp("!startswith".into())
            ]
        );
        assert!(
            matches!(&kinds("! x")[0], Error(d) if d.message.contains("`!` is not an operator"))
        );
        assert!(matches!(&kinds("!foo")[0], Error(_)));
    }

    #[test]
    fn comments_are_skipped() {
        assert_eq!(texts("a // comment | b\n| c"), vec!["a", "|", "c"]);
        assert_eq!(texts("a//x"), vec!["a"]);
    }

    #[test]
    fn strings() {
        assert_eq!(
            kinds(r#""a\tb\n\\\"\'\u00e9""#),
            vec![Str("a\tb\n\\\"'é".into())]
        );
        assert_eq!(kinds(r"'it\'s'"), vec![Str("it's".into())]);
        assert_eq!(kinds(r#"@"C:\dir\""x""#), vec![Str(r#"C:\dir\"x"#.into())]);
        assert_eq!(kinds("@'a''b'"), vec![Str("a'b".into())]);
        assert_eq!(
            kinds("```line1\nline2```"),
            vec![Str("line1\nline2".into())]
        );
        assert_eq!(
            kinds("h\"secret\" H@'x\\y'"),
            vec![Str("secretx\\y".into())]
        );
        assert_eq!(kinds(r#""\ud83d\ude00""#), vec![Str("😀".into())]);
        // adjacent literals concatenate, also across comments; the span covers both
        let src = "\"a\" // c\n 'b' x";
        let toks = lex(src);
        assert_eq!(toks[0].kind, Str("ab".into()));
        assert_eq!(toks[0].span, Span::new(0, 13));
        assert_eq!(toks[1].span.text(src), "x");
    }

    #[test]
    fn bad_strings() {
        let toks = lex("x 'abc\n| y");
        match &toks[1].kind {
            Error(d) => {
                assert_eq!(d.message, "unterminated string literal");
                assert_eq!(d.span, Some(Span::new(2, 3)));
            }
            other => panic!("{other:?}"),
        }
        // lexing resumes on the next line
        assert_eq!(toks[2].kind, Pipe);
        assert!(
            matches!(&kinds(r#""\d""#)[0], Error(d) if d.message.contains("invalid escape sequence `\\d`"))
        );
        assert!(matches!(&kinds("```abc")[0], Error(_)));
    }

    #[test]
    fn numbers() {
        assert_eq!(
            kinds("1 42 0x1F 0xFFFFFFFFFFFFFFFF"),
            vec![Long(1), Long(42), Long(31), Long(-1)]
        );
        assert_eq!(
            kinds("1.5 2. 1e3 1.5E-2"),
            vec![Real(1.5), Real(2.0), Real(1000.0), Real(0.015)]
        );
        assert_eq!(kinds("1..2"), vec![Long(1), DotDot, Long(2)]);
        assert_eq!(kinds("0.5..1.5"), vec![Real(0.5), DotDot, Real(1.5)]);
        assert!(matches!(&kinds("99999999999999999999")[0], Error(_)));
        assert!(matches!(&kinds("0xZ")[0], Error(_)));
    }

    #[test]
    fn timespans() {
        // hand-computed ticks: 1 day = 864e9, 1 h = 36e9, 1 min = 6e8, 1 s = 1e7, 1 ms = 1e4
        assert_eq!(
            kinds(
                "5d 1.5h 100ms 30m 10s 2days 1hr 3hrs 1min 1tick 7ticks 5microseconds 250nanoseconds"
            ),
            vec![
                TimeSpan(4_320_000_000_000),
                TimeSpan(54_000_000_000),
                TimeSpan(1_000_000),
                TimeSpan(18_000_000_000),
                TimeSpan(100_000_000),
                TimeSpan(1_728_000_000_000),
                TimeSpan(36_000_000_000),
                TimeSpan(108_000_000_000),
                TimeSpan(600_000_000),
                TimeSpan(1),
                TimeSpan(7),
                TimeSpan(50),
                TimeSpan(2),
            ]
        );
        // a suffix must not run into more identifier characters; weeks do not exist
        assert_eq!(kinds("5dx"), vec![Ident]);
        assert_eq!(kinds("5w"), vec![Ident]);
        assert!(matches!(&kinds("1.5w")[0], Error(_)));
        assert_eq!(
            kinds("1d..2d"),
            vec![
                TimeSpan(864_000_000_000),
                DotDot,
                TimeSpan(1_728_000_000_000)
            ]
        );
    }

    #[test]
    fn words_and_typed_literals() {
        assert_eq!(
            texts("$left.a _x ['b c'] count"),
            vec!["$left", ".", "a", "_x", "[", "'b c'", "]", "count"]
        );
        assert_eq!(
            kinds("true False TRUE"),
            vec![Bool(true), Bool(false), Bool(true)]
        );
        let src = "datetime(2015-12-31 23:59:59.9) typeof(long) time (1d)";
        let toks = lex(src);
        match &toks[0].kind {
            Typed { keyword, inner } => {
                assert_eq!(keyword, "datetime");
                assert_eq!(inner.text(src), "2015-12-31 23:59:59.9");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(toks[0].span.text(src), "datetime(2015-12-31 23:59:59.9)");
        assert!(matches!(&toks[1].kind, Typed { keyword, .. } if keyword == "typeof"));
        assert_eq!(toks[2].span.text(src), "time (1d)");
        // a type name not followed by `(` is a word
        assert_eq!(kinds("x:long"), vec![Ident, Colon, Ident]);
        assert!(matches!(&kinds("datetime(2020")[0], Error(_)));
    }

    #[test]
    fn unicode_and_junk_never_panic() {
        for src in [
            "é", "x é", "'é", "@", "@'", "h", "h'", "~", "~~", "#", "\u{200b}", "0x", "1e", "1.",
            "\\",
        ] {
            let toks = lex(src);
            assert_eq!(toks.last().map(|t| &t.kind), Some(&Eof), "{src}");
        }
    }
}
