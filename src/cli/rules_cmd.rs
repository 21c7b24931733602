//! `huntbench rules`: list the rules in files or folders, with the files that failed to load.
//!
//! Output goes to stdout: a table that fits the terminal (or `--format json`), the load errors as
//! `file:line:col: message`, and a summary line `N rules, E load errors`. Rule text is untrusted: control and
//! bidirectional-override characters are shown escaped (`\u{1b}`), never written raw. Exit code 0 when every
//! file loaded, 1 when any failed.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::rules::{LoadError, LoadReport, Rule, load_paths};

#[derive(clap::Args, Debug, Clone, PartialEq, Eq)]
pub struct RulesArgs {
    /// Rule files or folders (searched recursively). Default: the bundled `rules/` folder.
    #[arg(value_name = "PATH")]
    pub dirs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RulesFormat {
    #[default]
    Table,
    Json,
}

/// The bundled rules: `rules/` in the current folder if there is one, else the `rules/` folder of the crate
/// this binary was built from.
pub fn default_rules_dir() -> Option<PathBuf> {
    let here = PathBuf::from("rules");
    if here.is_dir() {
        return Some(here);
    }
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    built.is_dir().then_some(built)
}

/// Runs the command, writing to stdout; returns the exit code (0: all loaded, 1: some file failed to load).
pub fn run(args: &RulesArgs) -> Result<i32, String> {
    run_to(args, &mut std::io::stdout().lock(), terminal_width())
}

/// [`run`] with the output and the table width chosen by the caller.
pub fn run_to(
    args: &RulesArgs,
    out: &mut dyn Write,
    max_width: Option<usize>,
) -> Result<i32, String> {
    let dirs = if args.dirs.is_empty() {
        vec![default_rules_dir().ok_or_else(|| {
            format!(
                "no rules folder: neither ./rules nor {}/rules exists; pass a file or folder",
                env!("CARGO_MANIFEST_DIR")
            )
        })?]
    } else {
        args.dirs.clone()
    };
    let report = load_paths(&dirs);
    let text = match args.format {
        RulesFormat::Table => render_table(&report, max_width),
        RulesFormat::Json => render_json(&report),
    };
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        return Err(format!("cannot write output: {e}"));
    }
    Ok(if report.errors.is_empty() { 0 } else { 1 })
}

/// The terminal's width when stdout is one; else `$COLUMNS`; else no limit.
fn terminal_width() -> Option<usize> {
    if std::io::stdout().is_terminal()
        && let Ok((w, _)) = crossterm::terminal::size()
        && w > 0
    {
        return Some(usize::from(w));
    }
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|w| *w > 0)
}

/// Escapes what must not reach a terminal raw: C0/C1 controls, DEL, bidirectional overrides and other
/// invisible format characters. `\t`, `\n`, `\r` become `\t`, `\n`, `\r`; the rest `\u{XXXX}`.
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061c}' | '\u{200b}'..='\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2069}' | '\u{feff}'
            | '\u{fff9}'..='\u{fffb}')
}

/// Display width of a character: 0 for combining marks, 2 for East Asian wide characters, else 1.
fn char_width(c: char) -> usize {
    match c as u32 {
        0x0300..=0x036f | 0x1ab0..=0x1aff | 0x1dc0..=0x1dff | 0x20d0..=0x20ff | 0xfe20..=0xfe2f => {
            0
        }
        0x1100..=0x115f
        | 0x2e80..=0x303e
        | 0x3041..=0x33ff
        | 0x3400..=0x4dbf
        | 0x4e00..=0x9fff
        | 0xa000..=0xa4cf
        | 0xac00..=0xd7a3
        | 0xf900..=0xfaff
        | 0xfe30..=0xfe4f
        | 0xff00..=0xff60
        | 0xffe0..=0xffe6
        | 0x1f300..=0x1f64f
        | 0x1f900..=0x1f9ff
        | 0x20000..=0x3fffd => 2,
        _ => 1,
    }
}

fn width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// `s` cut to at most `w` columns, ending in `…` when cut; padded with spaces to exactly `w` when `pad`.
fn fit(s: &str, w: usize, pad: bool) -> String {
    let sw = width(s);
    let mut out = String::new();
    if sw <= w {
        out.push_str(s);
        if pad {
            out.extend(std::iter::repeat_n(' ', w - sw));
        }
        return out;
    }
    if w == 0 {
        return out;
    }
    let mut used = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if used + cw > w - 1 {
            break;
        }
        out.push(c);
        used += cw;
    }
    out.push('…');
    used += 1;
    if pad {
        out.extend(std::iter::repeat_n(' ', w.saturating_sub(used)));
    }
    out
}

/// `s` in exactly `w` columns, cut in the middle when too long (`Remote Manag…AnyDesk - File Signature`):
/// rule names often share a long prefix and differ at the end.
fn fit_middle(s: &str, w: usize) -> String {
    if width(s) <= w || w < 8 {
        return fit(s, w, true);
    }
    let head_w = (w - 1) / 4;
    let tail_w = w - 1 - head_w;
    let mut head = String::new();
    let mut used = 0;
    for c in s.chars() {
        if used + char_width(c) > head_w {
            break;
        }
        used += char_width(c);
        head.push(c);
    }
    let mut tail: Vec<char> = Vec::new();
    let mut tail_used = 0;
    for c in s.chars().rev() {
        if tail_used + char_width(c) > tail_w {
            break;
        }
        tail_used += char_width(c);
        tail.push(c);
    }
    tail.reverse();
    let mut out = head;
    out.push('…');
    out.extend(tail);
    out.extend(std::iter::repeat_n(
        ' ',
        w.saturating_sub(used + 1 + tail_used),
    ));
    out
}

/// The tables a rule reads. For now `requiredDataConnectors[].dataTypes`.
/// The tables the rule's query reads; the declared `requiredDataConnectors` data types when the query does
/// not parse.
fn rule_tables(rule: &Rule) -> Vec<String> {
    match crate::kql::parse(&rule.query) {
        Ok(q) => crate::kql::refs::tables_referenced(&q),
        Err(_) => rule.data_types(),
    }
}

const HEADERS: [&str; 5] = ["ID", "NAME", "TABLES", "TACTICS", "TECHNIQUES"];
const GAP: &str = "  ";

fn row_cells(rule: &Rule) -> [String; 5] {
    [
        escape_text(rule.id.as_deref().unwrap_or("-")),
        escape_text(&rule.display_name()),
        escape_text(&rule_tables(rule).join(", ")),
        escape_text(&rule.tactics.join(", ")),
        escape_text(&rule.relevant_techniques.join(", ")),
    ]
}

/// Column widths: natural widths, shrunk in phases until the row fits: the name down to 48 columns, then
/// the id (to an 8-character prefix), tables, tactics and techniques, then the name down to 12, then
/// everything to a few columns. Within a phase the column furthest above its floor gives first.
fn column_widths(rows: &[[String; 5]], max: Option<usize>) -> [usize; 5] {
    let mut w = [0usize; 5];
    for (i, h) in HEADERS.iter().enumerate() {
        w[i] = width(h);
    }
    for r in rows {
        for i in 0..5 {
            w[i] = w[i].max(width(&r[i]));
        }
    }
    let Some(max) = max else { return w };
    let phases: [([usize; 5], &[usize]); 4] = [
        ([0, 48, 0, 0, 0], &[1]),
        ([9, 0, 12, 8, 6], &[0, 2, 3, 4]),
        ([0, 12, 0, 0, 0], &[1]),
        ([4, 4, 4, 4, 4], &[0, 1, 2, 3, 4]),
    ];
    let total = |w: &[usize; 5]| w.iter().sum::<usize>() + GAP.len() * 4;
    for (floors, cols) in phases {
        while total(&w) > max {
            let Some(i) = cols
                .iter()
                .copied()
                .filter(|&i| w[i] > floors[i])
                .max_by_key(|&i| w[i] - floors[i])
            else {
                break;
            };
            w[i] -= 1;
        }
    }
    w
}

/// The listing as text: the table, the load errors, the summary line. `max_width` limits table rows; `None`
/// means no limit.
pub fn render_table(report: &LoadReport, max_width: Option<usize>) -> String {
    let rows: Vec<[String; 5]> = report.rules.iter().map(row_cells).collect();
    let w = column_widths(&rows, max_width);
    let mut out = String::new();
    let mut line = |cells: &[String; 5]| {
        let mut l = String::new();
        for i in 0..5 {
            if i > 0 {
                l.push_str(GAP);
            }
            if i == 1 {
                l.push_str(&fit_middle(&cells[i], w[i]));
            } else {
                l.push_str(&fit(&cells[i], w[i], i < 4));
            }
        }
        let l = l.trim_end().to_string();
        let l = match max_width {
            Some(m) => fit(&l, m, false),
            None => l,
        };
        out.push_str(&l);
        out.push('\n');
    };
    if !rows.is_empty() {
        line(&HEADERS.map(String::from));
        for r in &rows {
            line(r);
        }
    }
    if !report.errors.is_empty() {
        if !rows.is_empty() {
            out.push('\n');
        }
        for e in &report.errors {
            // One line per error, never cut or wrapped: `file:line:col: message` is what editors and grep read.
            out.push_str(&error_line(e));
            out.push('\n');
        }
    }
    out.push_str(&summary(report));
    out.push('\n');
    out
}

fn error_line(e: &LoadError) -> String {
    format!(
        "{}:{}:{}: {}",
        escape_text(&e.path.to_string_lossy()),
        e.line,
        e.column,
        escape_text(&e.message)
    )
}

fn summary(report: &LoadReport) -> String {
    let n = report.rules.len();
    let e = report.errors.len();
    format!(
        "{n} rule{}, {e} load error{}",
        if n == 1 { "" } else { "s" },
        if e == 1 { "" } else { "s" }
    )
}

/// The listing as JSON: `{"rules": [...], "errors": [...], "summary": {"rules": N, "errors": E}}`.
/// Characters JSON leaves raw but a terminal would act on (DEL, C1 controls, bidi overrides) are `\u` escaped.
pub fn render_json(report: &LoadReport) -> String {
    let rules: Vec<serde_json::Value> = report
        .rules
        .iter()
        .map(|r| {
            serde_json::json!({
                "path": r.path.to_string_lossy(),
                "id": r.id,
                "name": r.name,
                "tables": rule_tables(r),
                "tactics": r.tactics,
                "techniques": r.relevant_techniques,
                "query_line": r.query_line,
                "warnings": r.warnings,
            })
        })
        .collect();
    let errors: Vec<serde_json::Value> = report
        .errors
        .iter()
        .map(|e| {
            serde_json::json!({
                "path": e.path.to_string_lossy(),
                "line": e.line,
                "column": e.column,
                "message": e.message,
            })
        })
        .collect();
    let v = serde_json::json!({
        "rules": rules,
        "errors": errors,
        "summary": { "rules": report.rules.len(), "errors": report.errors.len() },
    });
    let text = serde_json::to_string_pretty(&v).unwrap_or_else(|_| "{}".into());
    let mut out = String::with_capacity(text.len() + 1);
    for c in text.chars() {
        // serde_json already escapes C0 controls; inside JSON strings \uXXXX is the same character.
        if needs_escape(c) && !matches!(c, '\n' | '\t' | '\r') {
            let mut buf = [0u16; 2];
            for unit in c.encode_utf16(&mut buf) {
                out.push_str(&format!("\\u{unit:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    out.push('\n');
    out
}
