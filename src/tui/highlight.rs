//! KQL syntax highlighting for the query panes: keywords (the operator after `|`, `let`), strings,
//! numbers and timespans (and typed literals like `datetime(...)`), comments. Tokens come from the KQL
//! lexer; comments are the `//` text between tokens. Any text is accepted: what the lexer cannot read
//! stays plain.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::cli::output::sanitize;
use crate::kql::lexer::{TokenKind, lex};

/// What a piece of query text is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Plain,
    Keyword,
    Str,
    Number,
    Comment,
}

impl Kind {
    /// The style of a kind: colours, or bold / italic / dim without them.
    pub fn style(self, color: bool) -> Style {
        match (self, color) {
            (Kind::Plain, _) => Style::new(),
            (Kind::Keyword, true) => Style::new().fg(Color::Magenta).add_modifier(Modifier::BOLD),
            (Kind::Keyword, false) => Style::new().add_modifier(Modifier::BOLD),
            (Kind::Str, true) => Style::new().fg(Color::Green),
            (Kind::Str, false) => Style::new().add_modifier(Modifier::ITALIC),
            (Kind::Number, true) => Style::new().fg(Color::LightBlue),
            (Kind::Number, false) => Style::new().add_modifier(Modifier::UNDERLINED),
            (Kind::Comment, true) => Style::new().fg(Color::DarkGray),
            (Kind::Comment, false) => Style::new().add_modifier(Modifier::DIM),
        }
    }
}

/// The kind of every byte of `query`.
fn byte_kinds(query: &str) -> Vec<Kind> {
    let n = query.len();
    let mut kinds = vec![Kind::Plain; n];
    let mark = |start: usize, end: usize, k: Kind, kinds: &mut Vec<Kind>| {
        let (s, e) = (start.min(n), end.min(n));
        if s < e {
            kinds[s..e].fill(k);
        }
    };
    let tokens = lex(query);
    let mut prev_end = 0usize;
    let mut after_pipe = false;
    for t in &tokens {
        // comments live in the gap before a token
        let gap_end = t.span.start.min(n).max(prev_end);
        if let Some(gap) = query.get(prev_end..gap_end) {
            let mut i = 0;
            while let Some(p) = gap[i..].find("//") {
                let s = i + p;
                let e = gap[s..].find('\n').map_or(gap.len(), |q| s + q);
                mark(prev_end + s, prev_end + e, Kind::Comment, &mut kinds);
                i = e;
                if i >= gap.len() {
                    break;
                }
            }
        }
        let text = query.get(t.span.start..t.span.end).unwrap_or("");
        let kind = match &t.kind {
            TokenKind::Ident if after_pipe || text == "let" => Kind::Keyword,
            TokenKind::Str(_) => Kind::Str,
            TokenKind::Long(_)
            | TokenKind::Real(_)
            | TokenKind::TimeSpan(_)
            | TokenKind::Bool(_)
            | TokenKind::Typed { .. } => Kind::Number,
            _ => Kind::Plain,
        };
        mark(t.span.start, t.span.end, kind, &mut kinds);
        after_pipe = matches!(t.kind, TokenKind::Pipe);
        prev_end = prev_end.max(t.span.end.min(n));
    }
    kinds
}

/// The query as styled lines (each piece sanitised, tabs expanded).
pub fn lines(query: &str, color: bool) -> Vec<Line<'static>> {
    let kinds = byte_kinds(query);
    let mut out = Vec::new();
    let mut offset = 0usize;
    for raw in query.split('\n') {
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let mut spans: Vec<Span<'static>> = Vec::new();
        let mut run = String::new();
        let mut run_kind = Kind::Plain;
        for (i, c) in line.char_indices() {
            let k = kinds.get(offset + i).copied().unwrap_or(Kind::Plain);
            if k != run_kind && !run.is_empty() {
                spans.push(styled(&run, run_kind, color));
                run.clear();
            }
            run_kind = k;
            run.push(c);
        }
        if !run.is_empty() {
            spans.push(styled(&run, run_kind, color));
        }
        out.push(Line::from(spans));
        offset += raw.len() + 1;
    }
    out
}

/// Where an error at 1-based `column` (in characters) of the query line `src` shows in [`lines`]' output
/// (tabs expanded): the display column (0-based) and the width of the token there (a word, or one
/// character; at least 1).
pub fn token_at(src: &str, column: usize) -> (usize, usize) {
    let chars: Vec<char> = src.chars().collect();
    let start = column.saturating_sub(1).min(chars.len());
    let width = |c: &char| if *c == '\t' { 4 } else { 1 };
    let from: usize = chars[..start].iter().map(width).sum();
    let word = |c: &char| c.is_alphanumeric() || *c == '_';
    let len = match chars.get(start) {
        Some(c) if word(c) => chars[start..].iter().take_while(|c| word(c)).count(),
        Some(c) => width(c),
        None => 1,
    };
    (from, len.max(1))
}

/// `line` with the characters at display columns `from..from + len` restyled with `style` (patched over
/// the highlighting); past the end, a marked blank is added so the place still shows.
pub fn mark(line: Line<'static>, from: usize, len: usize, style: Style) -> Line<'static> {
    let mut out: Vec<Span<'static>> = Vec::new();
    let mut col = 0usize;
    let to = from + len;
    for sp in line.spans {
        let mut run = String::new();
        let mut run_marked = false;
        for c in sp.content.chars() {
            let marked = col >= from && col < to;
            if marked != run_marked && !run.is_empty() {
                let st = if run_marked {
                    sp.style.patch(style)
                } else {
                    sp.style
                };
                out.push(Span::styled(std::mem::take(&mut run), st));
            }
            run_marked = marked;
            run.push(c);
            col += 1;
        }
        if !run.is_empty() {
            let st = if run_marked {
                sp.style.patch(style)
            } else {
                sp.style
            };
            out.push(Span::styled(run, st));
        }
    }
    if col <= from {
        out.push(Span::raw(" ".repeat(from - col)));
        out.push(Span::styled(" ", style));
    }
    Line::from(out)
}

fn styled(text: &str, kind: Kind, color: bool) -> Span<'static> {
    Span::styled(sanitize(&text.replace('\t', "    ")), kind.style(color))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(text, kind)` runs of a one-line query, whitespace runs left out.
    fn runs(q: &str) -> Vec<(String, Kind)> {
        let kinds = byte_kinds(q);
        let mut out: Vec<(String, Kind)> = Vec::new();
        for (i, c) in q.char_indices() {
            let k = kinds[i];
            match out.last_mut() {
                Some((s, lk)) if *lk == k => s.push(c),
                _ => out.push((c.to_string(), k)),
            }
        }
        out.into_iter()
            .map(|(s, k)| (s.trim().to_string(), k))
            .filter(|(s, _)| !s.is_empty())
            .collect()
    }

    #[test]
    fn kinds_of_a_query() {
        let q = "let x = 5d; // window\nT | where A == \"a\" and N > 10 | take 3";
        let r = runs(q);
        let want: Vec<(String, Kind)> = [
            ("let", Kind::Keyword),
            ("x =", Kind::Plain),
            ("5d", Kind::Number),
            (";", Kind::Plain),
            ("// window", Kind::Comment),
            ("T |", Kind::Plain),
            ("where", Kind::Keyword),
            ("A ==", Kind::Plain),
            ("\"a\"", Kind::Str),
            ("and N >", Kind::Plain),
            ("10", Kind::Number),
            ("|", Kind::Plain),
            ("take", Kind::Keyword),
            ("3", Kind::Number),
        ]
        .iter()
        .map(|(s, k)| (s.to_string(), *k))
        .collect();
        assert_eq!(r, want);
    }

    #[test]
    fn typed_literals_are_values() {
        let r = runs("T | where Timestamp > datetime(2024-01-01)");
        assert_eq!(
            r.last(),
            Some(&("datetime(2024-01-01)".to_string(), Kind::Number))
        );
    }

    #[test]
    fn odd_text_does_not_panic() {
        for q in [
            "",
            "\"unterminated",
            "| | |",
            "T | where x == 'é日本' // ünïcode\r\n| take",
            "@'verbatim' h\"x\" ```multi\nline``` ",
            "\u{1b}[31m red \u{7}",
            "/",
            "//",
        ] {
            let ls = lines(q, true);
            assert_eq!(ls.len(), q.split('\n').count());
            let text: String = ls
                .iter()
                .flat_map(|l| l.spans.iter().map(|s| s.content.to_string()))
                .collect();
            assert!(!text.contains('\u{1b}'), "sanitised: {text:?}");
        }
    }
}
