//! Diagnostics: a message tied to a span of the query, rendered with the source line and a caret.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use super::ast::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Severity {
    Error,
    Warning,
}

/// What went wrong. `kind` lets callers tell a syntax error from an unsupported feature or an unknown name
/// (`huntbench check` counts them apart) without parsing the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum DiagKind {
    /// The text is not valid KQL.
    Syntax,
    /// Valid KQL that huntbench does not run (an operator, function, plugin or option).
    Unsupported,
    /// A table that is not loaded / not in the schema.
    UnknownTable,
    /// A column, variable or function name that does not resolve.
    UnknownName,
    /// Wrong argument types, arity, or a value that cannot be used (a bad regex, a negative take ...).
    Semantic,
    /// The data could not be read or the run failed.
    Runtime,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub kind: DiagKind,
    pub message: String,
    /// Where in the query; `None` when the problem is not tied to the text.
    pub span: Option<Span>,
    /// The label under the caret.
    pub label: Option<String>,
    /// What to do about it ("did you mean `DeviceName`?").
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(kind: DiagKind, message: impl Into<String>, span: impl Into<Option<Span>>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            kind,
            message: message.into(),
            span: span.into(),
            label: None,
            help: None,
        }
    }
    pub fn syntax(message: impl Into<String>, span: Span) -> Self {
        Self::new(DiagKind::Syntax, message, span)
    }
    pub fn unsupported(message: impl Into<String>, span: impl Into<Option<Span>>) -> Self {
        Self::new(DiagKind::Unsupported, message, span)
    }
    pub fn semantic(message: impl Into<String>, span: impl Into<Option<Span>>) -> Self {
        Self::new(DiagKind::Semantic, message, span)
    }
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// Renders the diagnostic against `source` (the query text). `origin` names where the query came from
    /// (a rule file, `<stdin>`); `line_offset` is the 1-based line of the query's first line in that file, so
    /// that a query embedded in a YAML rule points at the right line of the file. Control characters in the
    /// source are made visible, never written raw.
    pub fn render(&self, source: &str, origin: &str, line_offset: usize, color: bool) -> String {
        let renderer = if color { Renderer::styled() } else { Renderer::plain() };
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = annotate_snippets::normalize_untrusted_str(&self.message);
        let clean_source = annotate_snippets::normalize_untrusted_str(source);
        // normalize_untrusted_str may change byte lengths; fall back to a plain header if it did.
        let head = level.primary_title(title.as_str());
        let group = if let Some(span) = self.span
            && clean_source.len() == source.len()
            && span.end <= source.len()
        {
            let label = self.label.clone().unwrap_or_default();
            let mut snippet = Snippet::source(clean_source.as_str())
                .line_start(line_offset.max(1))
                .path(origin);
            let s = span.start.min(source.len());
            let e = span.end.max(s).min(source.len());
            snippet = snippet.annotation(AnnotationKind::Primary.span(s..e).label(label));
            head.element(snippet)
        } else {
            Group::with_title(head)
        };
        let mut groups = vec![group];
        let help_text;
        if let Some(help) = &self.help {
            help_text = annotate_snippets::normalize_untrusted_str(help);
            groups.push(Group::with_title(Level::HELP.secondary_title(help_text.as_str())));
        }
        let mut out = renderer.render(&groups);
        if self.span.is_none() || clean_source.len() != source.len() {
            // still say where, as file:line:col when we know it
            if let Some(span) = self.span {
                let (l, c) = line_col(source, span.start);
                out = format!("{out}\n  --> {origin}:{}:{c}", l + line_offset.max(1) - 1);
            }
        }
        out
    }

    /// `file:line:col: message`, one line, for listings.
    pub fn one_line(&self, source: &str, origin: &str, line_offset: usize) -> String {
        let msg = annotate_snippets::normalize_untrusted_str(&self.message);
        match self.span {
            Some(span) => {
                let (l, c) = line_col(source, span.start);
                format!("{origin}:{}:{c}: {msg}", l + line_offset.max(1) - 1)
            }
            None => format!("{origin}: {msg}"),
        }
    }
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|s| s.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The names among `candidates` closest to `name` (case-insensitive edit distance), best first, for
/// "did you mean" help.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>, max: usize) -> Vec<&'a str> {
    let lname = name.to_lowercase();
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .map(|c| {
            let lc = c.to_lowercase();
            let mut d = edit_distance(&lname, &lc);
            if lc.contains(&lname) || lname.contains(&lc) {
                d = d.min(2);
            }
            (d, c)
        })
        .filter(|(d, c)| *d <= (c.chars().count().max(name.chars().count()) / 2).max(2))
        .collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars() {
        let s = "let a = 1;\nT | where ü == 'x'";
        assert_eq!(line_col(s, 0), (1, 1));
        assert_eq!(line_col(s, 11), (2, 1));
        let off = s.find("==").unwrap();
        assert_eq!(line_col(s, off), (2, 13));
    }

    #[test]
    fn nearest_finds_typos() {
        let cands = ["DeviceName", "DeviceId", "Timestamp", "ReportId"];
        assert_eq!(nearest("DevicName", cands, 2)[0], "DeviceName");
        assert_eq!(nearest("timestamp", cands, 1), vec!["Timestamp"]);
        assert!(nearest("zzzzzzzz", cands, 3).is_empty());
    }

    #[test]
    fn render_points_at_span() {
        let src = "T\n| where x ==";
        let d = Diagnostic::syntax("expected an expression", Span::new(13, 13)).with_label("here");
        let out = d.render(src, "q.kql", 1, false);
        assert!(out.contains("expected an expression"), "{out}");
        assert!(out.contains("q.kql:2:"), "{out}");
        assert!(out.contains('^'), "{out}");
    }
}
