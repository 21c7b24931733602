//! Finding the `query` value in a rule file's raw text, so that KQL positions map to file positions and the
//! query can be replaced without touching any other byte.
//!
//! serde_yaml gives values, not spans, so this scans the text: top-level keys, skipping the content of other
//! block scalars. Whatever it finds for a literal block (`query: |`) is checked by decoding the block the way
//! YAML does and comparing with the parsed value; a mismatch means "layout not understood", and callers fall
//! back to something safe.

use std::ops::Range;

use super::model::QueryStyle;

/// One physical line of the raw text.
#[derive(Clone, Debug)]
pub(crate) struct RawLine {
    /// Byte range of the line without its line break.
    pub text: Range<usize>,
    /// The line break after it: "\n", "\r\n" or "" (last line without a break).
    pub brk: &'static str,
}

/// Splits on YAML line breaks: `\r\n`, `\n`, and a lone `\r`.
pub(crate) fn split_lines(raw: &str) -> Vec<RawLine> {
    let bytes = raw.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    while start < bytes.len() {
        match memchr::memchr2(b'\n', b'\r', &bytes[start..]) {
            Some(rel) => {
                let at = start + rel;
                if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                    out.push(RawLine {
                        text: start..at,
                        brk: "\r\n",
                    });
                    start = at + 2;
                } else {
                    let brk = if bytes[at] == b'\r' { "\r" } else { "\n" };
                    out.push(RawLine {
                        text: start..at,
                        brk,
                    });
                    start = at + 1;
                }
            }
            None => {
                out.push(RawLine {
                    text: start..bytes.len(),
                    brk: "",
                });
                start = bytes.len();
            }
        }
    }
    out
}

/// A literal block scalar holding the query, as laid out in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LiteralBlock {
    /// Byte offset of the `|` in the header line.
    pub pipe: usize,
    /// Byte offset of the end of the header line (before its break).
    pub header_end: usize,
    /// Whether the header carries an explicit indentation indicator (`|2-`).
    pub explicit_indent: bool,
    /// Indentation of the key (the top-level mapping's indentation).
    pub key_indent: usize,
    /// Content indentation in spaces.
    pub indent: usize,
    /// Byte offset where the first line after the header starts (may be `raw.len()`).
    pub content_start: usize,
    /// Whether the header line ends with a line break (false when the header is the last line).
    pub header_has_break: bool,
    /// The line break the header line ends with ("\n" when it has none).
    pub line_break: &'static str,
    /// The query's text lines in the file: from the first line after the header to the last non-blank content
    /// line. Trailing blank lines are not included (clip chomping drops them).
    pub lines: Vec<BlockLine>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BlockLine {
    /// Byte range of the line without its break.
    pub text: Range<usize>,
    pub brk: &'static str,
    /// The line as the YAML value sees it (indentation removed).
    pub decoded: String,
}

impl LiteralBlock {
    /// Byte offset of the end of the query text (end of the last content line, before its break); the header's
    /// end when the block is empty.
    pub fn content_end(&self) -> usize {
        self.lines
            .last()
            .map(|l| l.text.end)
            .unwrap_or(self.header_end)
    }
}

/// What the scan found about the `query` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Located {
    pub style: QueryStyle,
    /// 0-based index of the line holding the `query` key.
    pub key_line: usize,
    /// 1-based line where the query text starts.
    pub query_line: usize,
    /// 1-based column where the query text's lines start (literal blocks: indentation + 1).
    pub query_column: usize,
    /// Set for a literal block whose decoded text equals the parsed value.
    pub block: Option<LiteralBlock>,
    /// Byte range of a value written on the key's own line (plain or quoted), for replacing it.
    pub same_line_value: Option<Range<usize>>,
}

fn leading_spaces(s: &str) -> usize {
    s.bytes().take_while(|&b| b == b' ').count()
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|b| b == b' ' || b == b'\t')
}

/// Parses a mapping key at the start of `s` (plain, or single/double quoted) followed by `:` and a space or the
/// end of the line. Returns the key text and the byte offset just after the `:`.
pub(crate) fn parse_key(s: &str) -> Option<(String, usize)> {
    let bytes = s.as_bytes();
    let first = *bytes.first()?;
    if first == b'"' || first == b'\'' {
        let mut key = String::new();
        let mut chars = s.char_indices().skip(1).peekable();
        let mut closed = None;
        while let Some((pos, c)) = chars.next() {
            if first == b'\'' {
                if c == '\'' {
                    if chars.peek().map(|x| x.1) == Some('\'') {
                        key.push('\'');
                        chars.next();
                        continue;
                    }
                    closed = Some(pos + 1);
                    break;
                }
            } else if c == '\\' {
                // Only simple escapes matter for key names; anything else means "not the key we look for".
                let (_, next) = chars.next()?;
                key.push(match next {
                    '"' => '"',
                    '\\' => '\\',
                    '/' => '/',
                    _ => return None,
                });
                continue;
            } else if c == '"' {
                closed = Some(pos + 1);
                break;
            }
            key.push(c);
        }
        let end = closed?;
        let rest = &s[end..];
        let ws = rest
            .bytes()
            .take_while(|&b| b == b' ' || b == b'\t')
            .count();
        if rest.as_bytes().get(ws) == Some(&b':') {
            return Some((key, end + ws + 1));
        }
        return None;
    }
    if matches!(
        first,
        b'-' | b'#' | b'[' | b'{' | b'?' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`'
    ) && !(first == b'-' && bytes.get(1).is_some_and(|b| *b != b' ' && *b != b'\t'))
    {
        return None;
    }
    // A plain key ends at the first ':' followed by a blank or the end of the line.
    let mut idx = 0;
    while let Some(rel) = s[idx..].find(':') {
        let colon = idx + rel;
        let next = bytes.get(colon + 1);
        if next.is_none() || next == Some(&b' ') || next == Some(&b'\t') {
            let key = s[..colon].trim_end();
            if key.is_empty() || key.contains(" #") {
                return None;
            }
            return Some((key.to_string(), colon + 1));
        }
        idx = colon + 1;
    }
    None
}

/// The header of a block scalar: `|` or `>` then indicators, then blanks and an optional comment.
struct BlockHeader {
    literal: bool,
    explicit_indent: Option<usize>,
    chomp: Chomp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Chomp {
    Clip,
    Strip,
    Keep,
}

fn parse_block_header(v: &str) -> Option<BlockHeader> {
    let mut chars = v.chars();
    let literal = match chars.next()? {
        '|' => true,
        '>' => false,
        _ => return None,
    };
    let mut explicit_indent = None;
    let mut chomp = Chomp::Clip;
    let rest = &v[1..];
    let mut consumed = 0;
    for c in rest.chars().take(2) {
        match c {
            '1'..='9' if explicit_indent.is_none() => {
                explicit_indent = Some(c as usize - '0' as usize)
            }
            '-' if chomp == Chomp::Clip => chomp = Chomp::Strip,
            '+' if chomp == Chomp::Clip => chomp = Chomp::Keep,
            _ => break,
        }
        consumed += 1;
    }
    let tail = &rest[consumed..];
    let t = tail.trim_start_matches([' ', '\t']);
    // Nothing, or a comment separated from the indicators by a blank.
    let comment = t.starts_with('#') && t.len() < tail.len();
    if !t.is_empty() && !comment {
        return None;
    }
    Some(BlockHeader {
        literal,
        explicit_indent,
        chomp,
    })
}

/// Scans `raw` for the top-level `query` key and works out where its text lies. `parsed` is the value
/// serde_yaml produced for `query`, used to check the literal-block decoding.
pub(crate) fn locate_query(raw: &str, parsed: &str) -> Option<Located> {
    let lines = split_lines(raw);
    let key_line = find_top_level_key(raw, &lines, "query")?;
    let line = &lines[key_line.line];
    let text = &raw[line.text.clone()];
    let value_off = key_line.after_colon;
    let value_str = &text[value_off..];
    let value_ws = value_str
        .bytes()
        .take_while(|&b| b == b' ' || b == b'\t')
        .count();
    let value = &value_str[value_ws..];
    let value_abs = line.text.start + value_off + value_ws;
    let key_indent = key_line.indent;

    if let Some(h) = parse_block_header(value) {
        let query_line = key_line.line + 2;
        if !h.literal {
            return Some(Located {
                style: QueryStyle::Folded,
                key_line: key_line.line,
                query_line,
                query_column: 1,
                block: None,
                same_line_value: None,
            });
        }
        let block = decode_literal(raw, &lines, key_line.line, key_indent, value_abs, &h);
        let (block, column) = match block {
            Some((b, decoded)) if decoded == parsed => {
                let col = b.indent + 1;
                (Some(b), col)
            }
            Some((b, _)) => (None, b.indent + 1),
            None => (None, 1),
        };
        return Some(Located {
            style: if block.is_some() {
                QueryStyle::Literal
            } else {
                QueryStyle::Unknown
            },
            key_line: key_line.line,
            query_line,
            query_column: column,
            block,
            same_line_value: None,
        });
    }

    let (style, same_line) = if value.is_empty() || value.starts_with('#') {
        (QueryStyle::Unknown, None)
    } else if value.starts_with('\'') {
        (QueryStyle::SingleQuoted, Some(value_abs..line.text.end))
    } else if value.starts_with('"') {
        (QueryStyle::DoubleQuoted, Some(value_abs..line.text.end))
    } else if value.starts_with(['&', '!', '*', '[', '{']) {
        (QueryStyle::Unknown, None)
    } else {
        (QueryStyle::Plain, Some(value_abs..line.text.end))
    };
    let (query_line, query_column) = if same_line.is_some() {
        let quote = usize::from(matches!(
            style,
            QueryStyle::SingleQuoted | QueryStyle::DoubleQuoted
        ));
        let col = raw[line.text.start..value_abs].chars().count() + 1 + quote;
        (key_line.line + 1, col)
    } else {
        // The value starts on a later line: the first non-blank, non-comment one.
        let mut l = key_line.line + 1;
        while l < lines.len() {
            let t = &raw[lines[l].text.clone()];
            if !is_blank(t) && !t.trim_start().starts_with('#') {
                break;
            }
            l += 1;
        }
        let col = lines
            .get(l)
            .map(|x| leading_spaces(&raw[x.text.clone()]) + 1)
            .unwrap_or(1);
        (l.min(lines.len().saturating_sub(1)) + 1, col)
    };
    Some(Located {
        style,
        key_line: key_line.line,
        query_line,
        query_column,
        block: None,
        same_line_value: same_line,
    })
}

pub(crate) struct KeyLine {
    pub line: usize,
    pub indent: usize,
    /// Byte offset within the line just after the `:`.
    pub after_colon: usize,
}

/// Finds the line of a top-level key. Top-level keys sit at the indentation of the document's first key;
/// content of block scalars (and anything more indented) is skipped.
pub(crate) fn find_top_level_key(raw: &str, lines: &[RawLine], wanted: &str) -> Option<KeyLine> {
    let mut top_indent: Option<usize> = None;
    // While inside a block scalar: the indentation of its key; lines more indented (or blank) belong to it.
    let mut in_block: Option<usize> = None;
    for (i, l) in lines.iter().enumerate() {
        let mut t = &raw[l.text.clone()];
        let mut bom = 0;
        if i == 0 && t.starts_with('\u{feff}') {
            bom = '\u{feff}'.len_utf8();
            t = &t[bom..];
        }
        if let Some(k) = in_block {
            if is_blank(t) || leading_spaces(t) > k {
                continue;
            }
            in_block = None;
        }
        if is_blank(t) {
            continue;
        }
        let ind = leading_spaces(t);
        let body = &t[ind..];
        if body.starts_with('#') {
            continue;
        }
        if top_indent.is_none() {
            if body.starts_with('%') || body == "---" || body.starts_with("--- ") {
                continue;
            }
            top_indent = Some(ind);
        }
        if Some(ind) != top_indent {
            continue;
        }
        let Some((key, after)) = parse_key(body) else {
            continue;
        };
        let after_abs = bom + ind + after;
        if key == wanted {
            return Some(KeyLine {
                line: i,
                indent: ind,
                after_colon: after_abs,
            });
        }
        let v = body[after..].trim_start_matches([' ', '\t']);
        if parse_block_header(v).is_some() {
            in_block = Some(ind);
        }
    }
    None
}

/// Decodes the literal block whose header is on line `header`; returns the layout and the value YAML gives it.
fn decode_literal(
    raw: &str,
    lines: &[RawLine],
    header: usize,
    key_indent: usize,
    pipe: usize,
    h: &BlockHeader,
) -> Option<(LiteralBlock, String)> {
    let header_line = &lines[header];
    let content_start = lines
        .get(header + 1)
        .map(|l| l.text.start)
        .unwrap_or(raw.len());
    let indent = match h.explicit_indent {
        Some(m) => key_indent + m,
        None => {
            // Auto-detected, as libyaml does: the first non-blank line's indentation, or more if a blank line
            // before it has more spaces; at least one more than the key's.
            let mut ind = key_indent + 1;
            for l in &lines[header + 1..] {
                let t = &raw[l.text.clone()];
                let sp = leading_spaces(t);
                ind = ind.max(sp);
                if sp < t.len() {
                    break;
                }
            }
            ind
        }
    };
    let mut block_lines = Vec::new();
    for l in &lines[header + 1..] {
        let t = &raw[l.text.clone()];
        let sp = leading_spaces(t);
        if sp == t.len() {
            // Only spaces: an empty line, or content when longer than the indentation.
            let decoded = if sp > indent {
                t[indent..].to_string()
            } else {
                String::new()
            };
            block_lines.push(BlockLine {
                text: l.text.clone(),
                brk: l.brk,
                decoded,
            });
            continue;
        }
        if sp < indent {
            break;
        }
        block_lines.push(BlockLine {
            text: l.text.clone(),
            brk: l.brk,
            decoded: t[indent..].to_string(),
        });
    }
    // Trailing blank lines are not part of the text.
    let mut trailing = 0;
    while block_lines.last().is_some_and(|l| l.decoded.is_empty()) {
        block_lines.pop();
        trailing += 1;
    }
    let mut value = String::new();
    for (i, l) in block_lines.iter().enumerate() {
        if i > 0 {
            value.push('\n');
        }
        value.push_str(&l.decoded);
    }
    let last_has_break = block_lines.last().is_some_and(|l| !l.brk.is_empty());
    match h.chomp {
        Chomp::Strip => {}
        Chomp::Clip => {
            if !block_lines.is_empty() && last_has_break {
                value.push('\n');
            }
        }
        Chomp::Keep => {
            if !block_lines.is_empty() && last_has_break {
                value.push('\n');
            }
            for _ in 0..trailing {
                value.push('\n');
            }
        }
    }
    let block = LiteralBlock {
        pipe,
        header_end: header_line.text.end,
        explicit_indent: h.explicit_indent.is_some(),
        key_indent,
        indent,
        content_start,
        header_has_break: !header_line.brk.is_empty(),
        line_break: if header_line.brk.is_empty() {
            "\n"
        } else {
            header_line.brk
        },
        lines: block_lines,
    };
    Some((block, value))
}

/// Writes `new_lines` (the new query split on '\n', no trailing empty line) into the literal block, returning
/// the whole new file text; `None` when the block cannot hold the text as a literal (the caller falls back).
pub(crate) fn write_literal(raw: &str, b: &LiteralBlock, new_lines: &[&str]) -> Option<String> {
    let mut out = String::with_capacity(raw.len() + 64);
    // The header, with an indentation indicator added when the first non-empty line starts with a space
    // (auto-detection would take that space for indentation).
    let needs_indicator = !b.explicit_indent
        && new_lines
            .iter()
            .find(|l| !l.is_empty())
            .is_some_and(|l| l.starts_with(' '));
    if needs_indicator {
        let m = b.indent.checked_sub(b.key_indent)?;
        if !(1..=9).contains(&m) {
            return None;
        }
        out.push_str(&raw[..b.pipe + 1]);
        out.push(char::from(b'0' + m as u8));
        out.push_str(&raw[b.pipe + 1..b.header_end]);
    } else {
        out.push_str(&raw[..b.header_end]);
    }
    let old_region_empty = b.lines.is_empty();
    if old_region_empty {
        // Nothing between the header and what follows it: keep the header's break, then the new lines, each
        // followed by a break so that the next line stays where it was.
        if new_lines.is_empty() {
            out.push_str(&raw[b.header_end..]);
            return Some(out);
        }
        out.push_str(b.line_break);
        for l in new_lines {
            if !l.is_empty() {
                push_indent(&mut out, b.indent);
                out.push_str(l);
            }
            out.push_str(b.line_break);
        }
        if b.header_has_break {
            out.push_str(&raw[b.content_start..]);
        } else {
            // The header was the last line; the text now ends with the query's last line break removed only
            // if the original had none after the header.
            out.truncate(out.len() - b.line_break.len());
        }
        return Some(out);
    }
    // The old text runs from content_start to content_end; bytes between header_end and content_start are the
    // header's line break.
    out.push_str(&raw[b.header_end..b.content_start]);
    for (i, l) in new_lines.iter().enumerate() {
        if i > 0 {
            let brk = b
                .lines
                .get(i - 1)
                .map(|x| x.brk)
                .filter(|x| !x.is_empty())
                .unwrap_or(b.line_break);
            out.push_str(brk);
        }
        match b.lines.get(i) {
            Some(old) if old.decoded == *l => out.push_str(&raw[old.text.clone()]),
            _ => {
                if !l.is_empty() {
                    push_indent(&mut out, b.indent);
                    out.push_str(l);
                }
            }
        }
    }
    if new_lines.is_empty() {
        // Drop the old text and the header's break that led to it: the next thing after the old text is the
        // last content line's break, which we keep.
        out.truncate(out.len() - (b.content_start - b.header_end));
    }
    out.push_str(&raw[b.content_end()..]);
    Some(out)
}

fn push_indent(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push(' ');
    }
}

/// A YAML double-quoted scalar holding `s` exactly, escaping everything that is not printable.
pub(crate) fn yaml_double_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(parse_key("query: |"), Some(("query".to_string(), 6)));
        assert_eq!(parse_key("query:"), Some(("query".to_string(), 6)));
        assert_eq!(parse_key("\"query\" : x"), Some(("query".to_string(), 9)));
        assert_eq!(parse_key("'que''ry': x"), Some(("que'ry".to_string(), 10)));
        assert_eq!(parse_key("a:b: c"), Some(("a:b".to_string(), 4)));
        assert_eq!(parse_key("- item"), None);
        assert_eq!(parse_key("# query: x"), None);
        assert_eq!(parse_key("plain text"), None);
    }

    #[test]
    fn headers() {
        assert!(parse_block_header("|").is_some_and(|h| h.literal && h.chomp == Chomp::Clip));
        assert!(
            parse_block_header("|2-")
                .is_some_and(|h| h.explicit_indent == Some(2) && h.chomp == Chomp::Strip)
        );
        assert!(
            parse_block_header("|+3 # c")
                .is_some_and(|h| h.explicit_indent == Some(3) && h.chomp == Chomp::Keep)
        );
        assert!(parse_block_header("|   ").is_some());
        assert!(parse_block_header(">-").is_some_and(|h| !h.literal));
        assert!(parse_block_header("| where x").is_none());
        assert!(parse_block_header("|#x").is_none());
        assert!(parse_block_header("'x'").is_none());
    }

    #[test]
    fn lines_keep_breaks() {
        let raw = "a\r\nb\nc\rd";
        let l = split_lines(raw);
        assert_eq!(l.len(), 4);
        assert_eq!((l[0].text.clone(), l[0].brk), (0..1, "\r\n"));
        assert_eq!((l[1].text.clone(), l[1].brk), (3..4, "\n"));
        assert_eq!((l[2].text.clone(), l[2].brk), (5..6, "\r"));
        assert_eq!((l[3].text.clone(), l[3].brk), (7..8, ""));
    }

    #[test]
    fn skips_other_blocks() {
        let raw = "description: |\n  query: not this\nquery: |\n  T\n";
        let loc = locate_query(raw, "T\n").expect("found");
        assert_eq!(loc.key_line, 2);
        assert_eq!(loc.query_line, 4);
        assert_eq!(loc.query_column, 3);
        assert_eq!(loc.style, QueryStyle::Literal);
    }

    #[test]
    fn explicit_indent_block() {
        // `|2-` under a top-level key: content indentation 2, so a third space is text.
        let raw = "query: |2-\n   // c\n  T\n";
        let loc = locate_query(raw, " // c\nT").expect("found");
        assert_eq!(loc.style, QueryStyle::Literal);
        assert_eq!(loc.block.as_ref().map(|b| b.indent), Some(2));
    }

    #[test]
    fn same_line_values() {
        let raw = "id: x\nquery: 'T | take 1'\n";
        let loc = locate_query(raw, "T | take 1").expect("found");
        assert_eq!(loc.style, QueryStyle::SingleQuoted);
        assert_eq!((loc.query_line, loc.query_column), (2, 9));
        let raw = "query: T\n";
        let loc = locate_query(raw, "T").expect("found");
        assert_eq!(loc.style, QueryStyle::Plain);
        assert_eq!((loc.query_line, loc.query_column), (1, 8));
    }

    #[test]
    fn double_quoted_escapes() {
        assert_eq!(
            yaml_double_quoted("a\"b\\c\nd\u{1b}\u{7f}"),
            "\"a\\\"b\\\\c\\nd\\x1b\\x7f\""
        );
    }
}
