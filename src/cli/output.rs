//! Writing results: JSON, CSV and terminal tables. Values from data are untrusted: control characters are
//! escaped before anything reaches a terminal.

use crate::engine::{QueryResult, Value};
use crate::kql::Diagnostic;

/// Makes a string safe to print on a terminal: control characters (ESC, BEL, C1 controls, DEL ...) become
/// visible escapes (`\u{1b}`), newlines and tabs become `\n` / `\t`.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

/// A cell as text for tables and CSV.
pub fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Dynamic(j) => match j {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        },
        other => other.to_kql_string(),
    }
}

pub fn to_csv(res: &QueryResult) -> Result<String, Diagnostic> {
    let mut out = String::new();
    let quote = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    out.push_str(
        &res.columns
            .iter()
            .map(|(n, _)| quote(n))
            .collect::<Vec<_>>()
            .join(","),
    );
    out.push('\n');
    for row in res.rows()? {
        out.push_str(
            &row.iter()
                .map(|v| quote(&cell_text(v)))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    Ok(out)
}

/// Display width of a string in terminal cells (wide characters count 2).
fn width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD)
}

fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = if is_wide(c) { 2 } else { 1 };
        if w + cw + 1 > max {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// A plain table that fits `term_width` columns: column widths are fitted to content and shrunk, widest
/// first, until the table fits; cells are truncated with `…`.
pub fn to_table(header: &[String], rows: &[Vec<String>], term_width: usize) -> String {
    let ncol = header.len();
    if ncol == 0 {
        return String::new();
    }
    let header: Vec<String> = header.iter().map(|h| sanitize(h)).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| sanitize(c)).collect())
        .collect();
    let mut widths: Vec<usize> = header.iter().map(|h| width(h)).collect();
    for r in &rows {
        for (i, c) in r.iter().enumerate().take(ncol) {
            widths[i] = widths[i].max(width(c)).min(60);
        }
    }
    let sep = 2;
    let total = |w: &[usize]| w.iter().sum::<usize>() + sep * (w.len().saturating_sub(1));
    while total(&widths) > term_width {
        let (i, &m) = widths
            .iter()
            .enumerate()
            .max_by_key(|(_, w)| **w)
            .unwrap_or((0, &0));
        if m <= 4 {
            break;
        }
        widths[i] = m - 1;
    }
    let mut out = String::new();
    let line = |cells: &[String], out: &mut String| {
        let parts: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let t = truncate(c, *w);
                let pad = w.saturating_sub(width(&t));
                format!("{t}{}", " ".repeat(pad))
            })
            .collect();
        out.push_str(parts.join(&" ".repeat(sep)).trim_end());
        out.push('\n');
    };
    line(&header, &mut out);
    let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
    out.push_str(&rule.join(&" ".repeat(sep)));
    out.push('\n');
    for r in &rows {
        line(r, &mut out);
    }
    out
}

/// The terminal's width, or 100 when not on a terminal (or COLUMNS says otherwise). Reads no escape
/// sequences from the terminal.
pub fn term_width() -> usize {
    if let Some(c) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
    {
        return c.max(20);
    }
    crossterm::terminal::size()
        .map(|(w, _)| w as usize)
        .unwrap_or(100)
        .max(20)
}

pub fn result_table(res: &QueryResult, term_width: usize) -> Result<String, Diagnostic> {
    let header: Vec<String> = res.columns.iter().map(|(n, _)| n.clone()).collect();
    let rows: Vec<Vec<String>> = res
        .rows()?
        .iter()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    Ok(to_table(&header, &rows, term_width))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_inert() {
        let s = sanitize("a\u{1b}[2Jb\u{1b}]0;title\u{7}c\u{9b}d");
        assert!(!s.chars().any(|c| c.is_control()), "{s:?}");
        assert!(s.contains("\\u{1b}[2J"));
    }

    #[test]
    fn table_fits_width() {
        let header = vec!["DeviceName".to_string(), "ProcessCommandLine".to_string()];
        let rows = vec![vec![
            "ws-fin-0042.contoso.local".to_string(),
            "x".repeat(200),
        ]];
        let t = to_table(&header, &rows, 50);
        for line in t.lines() {
            assert!(width(line) <= 50, "{line}");
        }
        assert!(t.contains('…'));
    }
}
