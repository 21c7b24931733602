//! Drawing: a function of the state. The only state it writes is view geometry (scroll offsets that keep
//! the cursor visible, the page size), which depends on the frame size.
//!
//! Every string that comes from a rule file or from data goes through [`sanitize`] before it is drawn.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, Wrap};

use crate::cli::output::sanitize;
use crate::engine::value::format_datetime_iso;

use super::action::JobPurpose;
use super::app::{
    App, ErrorView, InputKind, ParamsView, RecordView, ResultsView, RuleEntry, Screen,
};
use super::keymap::keys_label;
use super::theme::Theme;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Width at which the rule list and its detail sit side by side.
const WIDE: u16 = 120;

/// Draws the whole workbench.
pub fn draw(f: &mut Frame, app: &mut App) {
    let theme = Theme { color: app.color };
    let [top, main, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(f.area());
    draw_breadcrumbs(f, app, theme, top);
    match app.stack.last() {
        None => draw_rules(f, app, theme, main),
        Some(Screen::Results(_)) => {
            if let Some(Screen::Results(v)) = app.stack.last_mut() {
                let page = draw_results(f, v, theme, main);
                app.page = page;
            }
        }
        Some(Screen::Record(_)) => {
            if let Some(Screen::Record(v)) = app.stack.last_mut() {
                let page = draw_record(f, v, theme, main);
                app.page = page;
            }
        }
        Some(Screen::Error(_)) => {
            let file = match app.stack.last() {
                Some(Screen::Error(v)) => error_origin(app, v),
                _ => None,
            };
            if let Some(Screen::Error(v)) = app.stack.last_mut() {
                let page = draw_error(f, v, file, theme, main);
                app.page = page;
            }
        }
        Some(Screen::Params(_)) => {
            let query = match app.stack.last() {
                Some(Screen::Params(v)) => app.rule_query(v.rule),
                _ => None,
            };
            if let Some(Screen::Params(v)) = app.stack.last_mut() {
                draw_params(f, v, query.as_deref().unwrap_or(""), theme, main);
            }
        }
    }
    draw_status(f, app, theme, status);
    draw_footer(f, app, theme, footer);
    super::tune::draw(f, app, theme, main);
    if app.help {
        let area = f.area();
        draw_help(f, app, theme, area);
    }
}

fn draw_breadcrumbs(f: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let mut spans = vec![Span::styled("huntbench", theme.title())];
    let mut crumbs: Vec<String> = app
        .breadcrumbs()
        .iter()
        .map(|c| fit_middle(&sanitize(c), 40))
        .collect();
    // too wide: the innermost views matter most, drop the outer ones
    let total = |cs: &[String]| -> usize {
        9 + cs
            .iter()
            .map(|c| 3 + Span::raw(c.as_str()).width())
            .sum::<usize>()
    };
    let mut dropped = false;
    while crumbs.len() > 1 && total(&crumbs) + usize::from(dropped) * 4 > area.width as usize {
        crumbs.remove(0);
        dropped = true;
    }
    if dropped {
        crumbs.insert(0, "…".to_string());
    }
    let n = crumbs.len();
    for (i, text) in crumbs.into_iter().enumerate() {
        spans.push(Span::styled(" › ", theme.dim()));
        if i + 1 == n {
            spans.push(Span::styled(text, theme.title()));
        } else {
            spans.push(Span::raw(text));
        }
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Cuts `s` to `max` cells, keeping its start and end around an ellipsis (rule names share long prefixes).
pub fn fit_middle(s: &str, max: usize) -> String {
    let w = Span::raw(s).width();
    if w <= max || max < 5 {
        return s.to_string();
    }
    let chars: Vec<char> = s.chars().collect();
    let keep_head = (max - 1) / 3;
    let keep_tail = max - 1 - keep_head;
    let mut head = String::new();
    let mut hw = 0;
    for c in &chars {
        let cw = Span::raw(c.to_string()).width();
        if hw + cw > keep_head {
            break;
        }
        head.push(*c);
        hw += cw;
    }
    let mut tail: Vec<char> = Vec::new();
    let mut tw = 0;
    for c in chars.iter().rev() {
        let cw = Span::raw(c.to_string()).width();
        if tw + cw > keep_tail {
            break;
        }
        tail.push(*c);
        tw += cw;
    }
    tail.reverse();
    format!("{head}…{}", tail.into_iter().collect::<String>())
}

/// Keeps `pos` inside a window of `height` rows starting at `offset`.
fn scroll_to(offset: usize, pos: usize, height: usize) -> usize {
    let height = height.max(1);
    if pos < offset {
        pos
    } else if pos >= offset + height {
        pos + 1 - height
    } else {
        offset
    }
}

fn draw_rules(f: &mut Frame, app: &mut App, theme: Theme, area: Rect) {
    let (list_area, detail_area) = if area.width >= WIDE {
        let [a, b] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
            .areas(area);
        (a, b)
    } else {
        let [a, b] =
            Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
        (a, b)
    };
    let failed = app
        .entries
        .iter()
        .filter(|e| matches!(e, RuleEntry::Failed(_)))
        .count();
    let mut title = vec![Span::styled(
        format!(" Rules {}/{}", app.visible.len(), app.entries.len()),
        theme.title(),
    )];
    if failed > 0 {
        title.push(Span::styled(
            format!(" ({failed} failed to load)"),
            theme.error(),
        ));
    }
    if app.filtering || !app.filter.is_empty() {
        title.push(Span::raw(format!(" /{}", sanitize(&app.filter))));
        if app.filtering {
            title.push(Span::styled("█", theme.key()));
        }
    }
    title.push(Span::raw(" "));
    let block = Block::bordered().title(Line::from(title));
    let inner = block.inner(list_area);
    f.render_widget(block, list_area);

    let height = inner.height as usize;
    app.page = height.max(1);
    app.list_area = inner;
    app.offset = scroll_to(app.offset, app.selected, height);
    if app.visible.is_empty() {
        let msg = if app.entries.is_empty() {
            "no rules found"
        } else {
            "no rule matches the filter"
        };
        f.render_widget(Paragraph::new(Span::styled(msg, theme.dim())), inner);
    } else {
        let rows: Vec<(String, String, String, bool)> = app
            .visible
            .iter()
            .skip(app.offset)
            .take(height)
            .filter_map(|&i| app.entries.get(i))
            .map(|e| {
                (
                    sanitize(&e.name()),
                    sanitize(&e.tables()),
                    sanitize(&e.tactics()),
                    matches!(e, RuleEntry::Failed(_)),
                )
            })
            .collect();
        let w = inner.width as usize;
        let tables_w = rows
            .iter()
            .map(|r| Span::raw(r.1.as_str()).width())
            .max()
            .unwrap_or(0)
            .clamp(6, if w >= 90 { 25 } else { 18 });
        let tactics_w = rows
            .iter()
            .map(|r| Span::raw(r.2.as_str()).width())
            .max()
            .unwrap_or(0)
            .clamp(6, if w >= 90 { 30 } else { 23 });
        let name_w = w.saturating_sub(tables_w + tactics_w + 2).max(8);
        let table_rows: Vec<Row> = rows
            .into_iter()
            .enumerate()
            .map(|(k, (name, tables, tactics, failed))| {
                let marker = if failed { "✗ " } else { "" };
                let name = fit_middle(&format!("{marker}{name}"), name_w);
                let style = if app.offset + k == app.selected {
                    theme.selected()
                } else if failed {
                    theme.error()
                } else {
                    Style::new()
                };
                Row::new(vec![
                    Cell::from(name),
                    Cell::from(fit_middle(&tables, tables_w)),
                    Cell::from(tactics),
                ])
                .style(style)
            })
            .collect();
        let table = Table::new(
            table_rows,
            [
                Constraint::Length(name_w as u16),
                Constraint::Length(tables_w as u16),
                Constraint::Length(tactics_w as u16),
            ],
        )
        .column_spacing(1);
        f.render_widget(table, inner);
    }

    // detail
    let block = Block::bordered().title(Span::styled(" Detail ", theme.title()));
    let inner = block.inner(detail_area);
    f.render_widget(block, detail_area);
    let lines = match app.selected_entry() {
        Some((i, e)) => {
            let edited = if app.params.contains_key(&i) {
                app.rule_query(i)
            } else {
                None
            };
            detail_lines(e, edited.as_deref(), theme)
        }
        None => Vec::new(),
    };
    let max_scroll = lines.len().saturating_sub(1);
    app.detail_scroll = app.detail_scroll.min(max_scroll);
    let scroll = u16::try_from(app.detail_scroll).unwrap_or(u16::MAX);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
}

/// Text lines of a multi-line string, each sanitised (tabs expanded first).
fn text_lines(s: &str) -> Vec<String> {
    s.lines()
        .map(|l| sanitize(&l.replace('\t', "    ")))
        .collect()
}

fn field<'a>(label: &'a str, value: String, theme: Theme) -> Line<'a> {
    Line::from(vec![Span::styled(label, theme.header()), Span::raw(value)])
}

/// The rule's detail; `edited` is the query as it will run when its parameters were edited.
fn detail_lines(e: &RuleEntry, edited: Option<&str>, theme: Theme) -> Vec<Line<'static>> {
    let query_lines = |q: &str| super::highlight::lines(q, theme.color);
    let mut out: Vec<Line<'static>> = Vec::new();
    match e {
        RuleEntry::Failed(err) => {
            out.push(Line::styled("This rule failed to load:", theme.error()));
            out.push(Line::raw(sanitize(&err.to_string())));
        }
        RuleEntry::Loaded(r) => {
            out.push(Line::styled(sanitize(&r.display_name()), theme.title()));
            out.push(field(
                "File: ",
                sanitize(&r.path.display().to_string()),
                theme,
            ));
            if let Some(id) = &r.id {
                out.push(field("Id: ", sanitize(id), theme));
            }
            let connectors: Vec<String> = r
                .required_data_connectors
                .iter()
                .map(|c| {
                    format!(
                        "{} ({})",
                        c.connector_id.as_deref().unwrap_or("?"),
                        c.data_types.join(", ")
                    )
                })
                .collect();
            out.push(field(
                "Connectors: ",
                sanitize(&connectors.join("; ")),
                theme,
            ));
            out.push(field("Tactics: ", sanitize(&r.tactics.join(", ")), theme));
            out.push(field(
                "Techniques: ",
                sanitize(&r.relevant_techniques.join(", ")),
                theme,
            ));
            for w in &r.warnings {
                out.push(Line::styled(format!("note: {}", sanitize(w)), theme.dim()));
            }
            if let Some(d) = &r.description {
                out.push(Line::raw(""));
                out.extend(text_lines(d.trim_end()).into_iter().map(Line::raw));
            }
            out.push(Line::raw(""));
            match edited {
                Some(q) => {
                    out.push(Line::styled(
                        "Query as it will run (parameters edited; p to change)",
                        theme.header(),
                    ));
                    out.extend(query_lines(q.trim_end()));
                }
                None => {
                    out.push(Line::styled("Query", theme.header()));
                    out.extend(query_lines(r.query.trim_end()));
                }
            }
        }
    }
    out
}

fn numeric(ty: &str) -> bool {
    matches!(ty, "long" | "int" | "real" | "decimal")
}

/// The first column position to draw so that the cursor column `col` is visible: from `first`, moved
/// left to the cursor or right until the columns up to the cursor fit in `width`.
fn first_column(first: usize, col: usize, widths: &[usize], width: usize) -> usize {
    if col < first {
        return col;
    }
    let mut first = first;
    while first < col {
        let used: usize = widths
            .get(first..=col)
            .map_or(0, |ws| ws.iter().map(|w| w + 1).sum());
        if used <= width + 1 {
            break;
        }
        first += 1;
    }
    first
}

/// Draws a result table; returns the number of data rows that fit.
fn draw_results(f: &mut Frame, v: &mut ResultsView, theme: Theme, area: Rect) -> usize {
    let ncols = v.cols.len();
    let nrows = v.row_count();
    v.col = v.col.min(ncols.saturating_sub(1));
    let block = Block::bordered();
    let inner = block.inner(area);
    let height = (inner.height as usize).saturating_sub(1).max(1);
    v.selected = v.selected.min(nrows.saturating_sub(1));
    v.offset = scroll_to(v.offset, v.selected, height);

    // the shown columns, from the first drawn one; the cursor column stays visible
    let width = inner.width as usize;
    let col_widths: Vec<usize> = v
        .cols
        .iter()
        .map(|&c| v.data.widths.get(c).copied().unwrap_or(8))
        .collect();
    v.first_col = first_column(v.first_col, v.col, &col_widths, width);
    let mut cols = Vec::new();
    let mut used = 0usize;
    for (pos, &c) in v.cols.iter().enumerate().skip(v.first_col) {
        if used >= width {
            break;
        }
        let w = col_widths.get(pos).copied().unwrap_or(8).min(width - used);
        cols.push((pos, c, w));
        used += w + 1;
    }
    v.body = Rect {
        y: inner.y.saturating_add(1),
        height: inner.height.saturating_sub(1),
        ..inner
    };
    let mut x = inner.x;
    v.col_spans = cols
        .iter()
        .map(|&(pos, _, w)| {
            let w = u16::try_from(w).unwrap_or(u16::MAX);
            let span = (x, w, pos);
            x = x.saturating_add(w).saturating_add(1);
            span
        })
        .collect();
    let last_col = cols.last().map(|c| c.0 + 1).unwrap_or(0);
    let mut title = vec![Span::styled(format!(" {}", v.summary()), theme.title())];
    if v.data.truncated {
        title.push(Span::styled(" (truncated)", theme.error()));
    }
    if ncols > 0 {
        title.push(Span::raw(format!(
            " · columns {}-{} of {}",
            v.first_col + 1,
            last_col,
            ncols
        )));
    }
    if v.drill.is_some() {
        title.push(Span::styled(" · Enter: events", theme.dim()));
    }
    title.push(Span::raw(" "));
    let block = block.title(Line::from(title));
    f.render_widget(block, area);
    if ncols == 0 || nrows == 0 {
        f.render_widget(Paragraph::new(Span::styled("no rows", theme.dim())), inner);
        if nrows == 0 && ncols > 0 {
            let header: Vec<Span> = cols
                .iter()
                .map(|&(_, c, _)| {
                    Span::styled(
                        format!(
                            "{} ",
                            sanitize(v.data.columns.get(c).map_or("", String::as_str))
                        ),
                        theme.header(),
                    )
                })
                .collect();
            let [h, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
            f.render_widget(Paragraph::new(Line::from(header)), h);
            f.render_widget(Paragraph::new(Span::styled("no rows", theme.dim())), rest);
        }
        return height;
    }
    let header = Row::new(
        cols.iter()
            .map(|&(pos, c, _)| {
                let name = sanitize(v.data.columns.get(c).map_or("", String::as_str));
                let mark = match v.sort {
                    Some((s, desc)) if s == c => {
                        if desc {
                            " ▼"
                        } else {
                            " ▲"
                        }
                    }
                    _ => "",
                };
                let cell = Cell::from(format!("{name}{mark}"));
                if pos == v.col {
                    cell.style(theme.current_column())
                } else {
                    cell
                }
            })
            .collect::<Vec<_>>(),
    )
    .style(theme.header());
    let rows: Vec<Row> = (v.offset..nrows)
        .take(height)
        .filter_map(|pos| Some((pos, v.row_index(pos)?)))
        .map(|(ri, row)| {
            let cells: Vec<Cell> = cols
                .iter()
                .map(|&(pos, c, w)| {
                    // only the drawn cells are formatted
                    let raw = v.data.cell(row, c);
                    let head: String = raw.chars().take(w + 8).collect();
                    let text = sanitize(&head);
                    let ty = v.data.types.get(c).map(String::as_str).unwrap_or("");
                    let cell = if numeric(ty) {
                        Cell::from(Line::from(text).right_aligned())
                    } else {
                        Cell::from(text)
                    };
                    if pos == v.col && ri == v.selected {
                        cell.style(theme.current_cell())
                    } else {
                        cell
                    }
                })
                .collect();
            let r = Row::new(cells);
            if ri == v.selected {
                r.style(theme.selected())
            } else {
                r
            }
        })
        .collect();
    let widths: Vec<Constraint> = cols
        .iter()
        .map(|&(_, _, w)| Constraint::Length(w as u16))
        .collect();
    f.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        inner,
    );
    height
}

/// Cuts `s` into pieces of at most `width` cells.
fn wrap_cells(s: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = Span::raw(c.to_string()).width();
        if w + cw > width && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
            w = 0;
        }
        cur.push(c);
        w += cw;
    }
    if !cur.is_empty() || out.is_empty() {
        out.push(cur);
    }
    out
}

/// Draws one record vertically; returns the lines per page.
fn draw_record(f: &mut Frame, v: &mut RecordView, theme: Theme, area: Rect) -> usize {
    let block = Block::bordered().title(Span::styled(
        format!(" {} · {} columns ", sanitize(&v.crumb), v.columns.len()),
        theme.title(),
    ));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let names: Vec<String> = v.columns.iter().map(|c| sanitize(c)).collect();
    let name_w = names
        .iter()
        .map(|n| Span::raw(n.as_str()).width())
        .max()
        .unwrap_or(0)
        .min(28);
    let value_w = (inner.width as usize).saturating_sub(name_w + 1).max(8);
    let mut lines: Vec<Line> = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let value = sanitize(v.values.get(i).map(String::as_str).unwrap_or(""));
        for (k, piece) in wrap_cells(&value, value_w).into_iter().enumerate() {
            let label = if k == 0 {
                fit_middle(name, name_w)
            } else {
                String::new()
            };
            let pad = name_w.saturating_sub(Span::raw(label.as_str()).width());
            lines.push(Line::from(vec![
                Span::styled(format!("{label}{} ", " ".repeat(pad)), theme.header()),
                Span::raw(piece),
            ]));
        }
    }
    let height = inner.height as usize;
    v.scroll = v.scroll.min(lines.len().saturating_sub(height));
    let shown: Vec<Line> = lines.into_iter().skip(v.scroll).take(height).collect();
    f.render_widget(Paragraph::new(shown), inner);
    height.max(1)
}

/// `file:line:col` of an error in a rule's own query (not for drill-down queries, whose text is generated).
fn error_origin(app: &App, v: &ErrorView) -> Option<String> {
    let JobPurpose::Rule { rule } = v.purpose else {
        return None;
    };
    let Some(RuleEntry::Loaded(r)) = app.entries.get(rule) else {
        return None;
    };
    Some(match (v.error.line, v.error.column) {
        (Some(l), Some(c)) => {
            let (fl, fc) = r.file_position(l, c);
            format!("{}:{fl}:{fc}", r.path.display())
        }
        _ => r.path.display().to_string(),
    })
}

fn draw_error(
    f: &mut Frame,
    v: &mut ErrorView,
    origin: Option<String>,
    theme: Theme,
    area: Rect,
) -> usize {
    let block = Block::bordered().title(Span::styled(" The query failed ", theme.error()));
    let inner = block.inner(area);
    f.render_widget(block, area);
    let e = &v.error;
    let mut lines: Vec<Line> = vec![Line::from(vec![
        Span::styled(format!("{}: ", e.kind), theme.error()),
        Span::raw(sanitize(&e.message)),
    ])];
    let at = match (&origin, e.line, e.column) {
        (Some(o), _, _) => Some(sanitize(o)),
        (None, Some(l), Some(c)) => Some(format!("drill-down query, line {l}, column {c}")),
        _ => None,
    };
    if let Some(at) = at {
        lines.push(Line::styled(format!("  at {at}"), theme.dim()));
    }
    if let (Some(l), Some(text)) = (e.line, &e.line_text) {
        let gutter = format!("{l:>4} | ");
        let text = sanitize(&text.replace('\t', "    "));
        lines.push(Line::raw(""));
        lines.push(Line::from(vec![
            Span::styled(gutter.clone(), theme.dim()),
            Span::raw(text),
        ]));
        if let Some(c) = e.column {
            lines.push(Line::from(vec![
                Span::styled("     | ", theme.dim()),
                Span::raw(" ".repeat(c.saturating_sub(1))),
                Span::styled("^", theme.error()),
            ]));
        }
    }
    if let Some(h) = &e.help {
        lines.push(Line::from(vec![
            Span::styled("help: ", theme.header()),
            Span::raw(sanitize(h)),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Query", theme.header()));
    let query = v.query.trim_end();
    for (i, l) in super::highlight::lines(query, theme.color)
        .into_iter()
        .enumerate()
    {
        let at_error = Some(i + 1) == e.line;
        let gutter = if at_error {
            Span::styled(format!("{:>4} ▶ ", i + 1), theme.error())
        } else {
            Span::styled(format!("{:>4} | ", i + 1), theme.dim())
        };
        let mut spans = vec![gutter];
        match (at_error, e.column, query.lines().nth(i)) {
            (true, Some(c), Some(src)) => {
                let (from, len) = super::highlight::token_at(src, c);
                spans.extend(super::highlight::mark(l, from, len, theme.error_span()).spans);
                lines.push(Line::from(spans));
                lines.push(Line::from(vec![
                    Span::styled("     | ", theme.dim()),
                    Span::raw(" ".repeat(from)),
                    Span::styled("^".repeat(len.max(1)), theme.error()),
                ]));
            }
            _ => {
                spans.extend(l.spans);
                lines.push(Line::from(spans));
            }
        }
    }
    let height = inner.height as usize;
    v.scroll = v.scroll.min(lines.len().saturating_sub(1));
    let scroll = u16::try_from(v.scroll).unwrap_or(u16::MAX);
    f.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
    height.max(1)
}

/// The parameter form: each parameter with its type and value (edited ones marked), the value being typed
/// or the reason the last one was refused, and the query as it will run.
fn draw_params(f: &mut Frame, v: &mut ParamsView, query: &str, theme: Theme, area: Rect) {
    let n = v.params.len();
    let text_w = usize::from(area.width.saturating_sub(2)).max(1);
    let err_lines = v.error.as_ref().map_or(0, |e| {
        Span::raw(sanitize(e)).width().div_ceil(text_w).max(1)
    });
    let notes = usize::from(v.edit.is_some()) + err_lines;
    let extra = if notes > 0 { notes + 1 } else { 0 };
    let form_h = u16::try_from(n + 2 + extra).unwrap_or(u16::MAX);
    let [form, rest] = Layout::vertical([Constraint::Max(form_h), Constraint::Min(3)]).areas(area);
    let block = Block::bordered().title(Span::styled(" Parameters ", theme.title()));
    let inner = block.inner(form);
    f.render_widget(block, form);
    let name_w = v
        .params
        .iter()
        .map(|p| Span::raw(sanitize(&p.name)).width())
        .max()
        .unwrap_or(4)
        .min(24);
    let mut lines: Vec<Line> = Vec::new();
    for (i, p) in v.params.iter().enumerate() {
        let sel = i == v.selected;
        let marker = if sel { "▶ " } else { "  " };
        let style = if sel { theme.selected() } else { Style::new() };
        let mut spans = vec![
            Span::styled(marker, style),
            Span::styled(
                format!("{:<name_w$} ", fit_middle(&sanitize(&p.name), name_w)),
                style,
            ),
            Span::styled(format!("{:<11} ", p.kind.label()), theme.dim()),
            Span::styled(sanitize(&p.value), style),
        ];
        if p.edited() {
            spans.push(Span::styled(
                format!("  (rule: {})", sanitize(&p.original)),
                theme.dim(),
            ));
        }
        lines.push(Line::from(spans));
    }
    if extra > 0 {
        lines.push(Line::raw(""));
    }
    if let Some(e) = &v.edit {
        lines.push(Line::from(vec![
            Span::styled("new value: ", theme.header()),
            Span::raw(sanitize(e)),
            Span::styled("▏", theme.key()),
        ]));
    }
    if let Some(err) = &v.error {
        lines.push(Line::styled(sanitize(err), theme.error()));
    }
    // keep the selected parameter visible
    let h = inner.height as usize;
    let first = v.selected.saturating_sub(h.saturating_sub(1 + extra));
    let scroll = u16::try_from(first).unwrap_or(0);
    f.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        inner,
    );
    let block = Block::bordered().title(Span::styled(" Query as it will run ", theme.header()));
    let inner = block.inner(rest);
    f.render_widget(block, rest);
    let lines: Vec<Line> = super::highlight::lines(query.trim_end(), theme.color)
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let mut spans = vec![Span::styled(format!("{:>3} ", i + 1), theme.dim())];
            spans.extend(l.spans);
            Line::from(spans)
        })
        .collect();
    v.scroll = v.scroll.min(lines.len().saturating_sub(1));
    let scroll = u16::try_from(v.scroll).unwrap_or(u16::MAX);
    f.render_widget(Paragraph::new(Text::from(lines)).scroll((scroll, 0)), inner);
}

fn draw_status(f: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let mut left: Vec<Span> = Vec::new();
    if let Some(j) = &app.job {
        let frame = SPINNER[(j.elapsed.as_millis() / 100) as usize % SPINNER.len()];
        left.push(Span::styled(format!(" {frame} "), theme.key()));
        left.push(Span::raw(format!(
            "running {} {:.1}s (Esc cancels)",
            fit_middle(&sanitize(&j.label), 30),
            j.elapsed.as_secs_f64()
        )));
    } else if let Some(Screen::Results(ResultsView {
        input: Some(input), ..
    })) = app.stack.last()
    {
        let label = match input.kind {
            InputKind::Filter => "filter rows: ",
            InputKind::Search => "search: ",
        };
        left.push(Span::styled(format!(" {label}"), theme.key()));
        left.push(Span::raw(sanitize(&input.text)));
        left.push(Span::styled("█", theme.key()));
    } else if let Some(m) = &app.message {
        left.push(Span::raw(format!(" {}", sanitize(m))));
    } else if let Some(Screen::Results(v)) = app
        .stack
        .iter()
        .rev()
        .find(|s| !matches!(s, Screen::Record(_)))
    {
        left.push(Span::raw(format!(
            " {}{} · {}{}",
            sanitize(&v.summary()),
            if v.data.truncated { " (truncated)" } else { "" },
            format_elapsed(v.data.elapsed),
            if v.data.backend.is_empty() {
                String::new()
            } else {
                format!(" · from {}", sanitize(&v.data.backend))
            }
        )));
    } else {
        let n = app.entries.len();
        left.push(Span::raw(format!(
            " {n} rule{}",
            if n == 1 { "" } else { "s" }
        )));
    }
    let right = match app.connections.selected() {
        Some(name) => format!("on {} ", sanitize(name)),
        None => format!(
            "now {} ({}) · data {} ",
            format_datetime_iso(app.info.now),
            sanitize(&app.info.now_source),
            sanitize(&app.info.data_source)
        ),
    };
    let lw: usize = left.iter().map(Span::width).sum();
    let total = area.width as usize;
    // the data source, then the reference time, give way when the bar is too narrow
    let short = format!("now {} ", format_datetime_iso(app.info.now));
    for r in [right, short] {
        let rw = Span::raw(r.as_str()).width();
        if lw + rw < total {
            left.push(Span::raw(" ".repeat(total - lw - rw)));
            left.push(Span::raw(r));
            break;
        }
    }
    let line = Line::from(left);
    f.render_widget(Paragraph::new(line).style(theme.bar()), area);
}

fn format_elapsed(d: std::time::Duration) -> String {
    if d.as_secs_f64() < 1.0 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

fn draw_footer(f: &mut Frame, app: &App, theme: Theme, area: Rect) {
    let mut spans = Vec::new();
    let mut used = 0;
    for (keys, help) in app.keymap.hints(&app.layers()) {
        let text = format!(" {help}  ");
        let w = Span::raw(keys.as_str()).width() + Span::raw(text.trim_end()).width();
        if used + w > area.width as usize {
            continue; // whole hints only; `?` lists everything
        }
        used += w + 2;
        spans.push(Span::styled(keys, theme.key()));
        spans.push(Span::raw(text));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_help(f: &mut Frame, app: &mut App, theme: Theme, area: Rect) {
    let layers = app.screen_layers();
    let kw = app
        .keymap
        .active(&layers)
        .iter()
        .map(|b| Span::raw(keys_label(&b.keys)).width())
        .max()
        .unwrap_or(8)
        .clamp(8, 16)
        + 1;
    let mut lines: Vec<Line> = Vec::new();
    for layer in &layers {
        let bindings: Vec<_> = app
            .keymap
            .active(&layers)
            .into_iter()
            .filter(|b| b.layer == *layer)
            .collect();
        if bindings.is_empty() {
            continue;
        }
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(layer.title(), theme.header()));
        for b in bindings {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<kw$}", keys_label(&b.keys)), theme.key()),
                Span::raw(b.help),
            ]));
        }
    }
    // too tall for the screen: two columns side by side when the screen is wide enough
    let avail = area.height.saturating_sub(4) as usize;
    let one_w = usize::from(area.width.saturating_sub(6).min(58)).max(1);
    let problem_lines: usize = app
        .keymap_problems
        .iter()
        .map(|p| Span::raw(sanitize(p)).width().div_ceil(one_w).max(1))
        .sum::<usize>()
        + usize::from(!app.keymap_problems.is_empty());
    let two =
        lines.len() + problem_lines.min(usize::from(area.height / 2)) > avail && area.width >= 64;
    let rows = if two {
        lines.len().div_ceil(2)
    } else {
        lines.len()
    };
    let w = if two {
        area.width.saturating_sub(4).min(110)
    } else {
        area.width.saturating_sub(4).min(60)
    };
    // the keymap file's problems, wrapped, above the bindings
    let mut problems: Vec<Line> = Vec::new();
    for p in &app.keymap_problems {
        for piece in wrap_cells(&sanitize(p), usize::from(w.saturating_sub(2))) {
            problems.push(Line::styled(piece, theme.error()));
        }
    }
    if !problems.is_empty() {
        problems.push(Line::raw(""));
    }
    // at most half the screen for them (the rest of the text is in the status line at start)
    problems.truncate(usize::from(area.height / 2));
    let plen = u16::try_from(problems.len()).unwrap_or(0);
    let h = (u16::try_from(rows)
        .unwrap_or(u16::MAX)
        .saturating_add(plen + 2))
    .min(area.height.saturating_sub(2));
    let rect = Rect {
        x: area.x + (area.width.saturating_sub(w)) / 2,
        y: area.y + (area.height.saturating_sub(h)) / 2,
        width: w,
        height: h,
    };
    f.render_widget(Clear, rect);
    let inner_h = usize::from(h.saturating_sub(2 + plen));
    let max_scroll = rows.saturating_sub(inner_h);
    app.help_scroll = app.help_scroll.min(max_scroll);
    let title = if max_scroll > 0 {
        format!(
            " Keys {}-{} of {} · j/k scroll · Esc or ? closes ",
            app.help_scroll + 1,
            (app.help_scroll + inner_h).min(rows),
            rows
        )
    } else {
        " Keys · Esc or ? closes ".to_string()
    };
    let block = Block::bordered().title(Span::styled(title, theme.title()));
    let inner = block.inner(rect);
    f.render_widget(block, rect);
    let [top, inner] =
        Layout::vertical([Constraint::Length(plen), Constraint::Min(0)]).areas(inner);
    f.render_widget(Paragraph::new(problems), top);
    let scroll = (u16::try_from(app.help_scroll).unwrap_or(u16::MAX), 0);
    if two {
        let right = lines.split_off(rows);
        let [a, b] = Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
            .areas(inner);
        f.render_widget(Paragraph::new(lines).scroll(scroll), a);
        f.render_widget(Paragraph::new(right).scroll(scroll), b);
    } else {
        f.render_widget(Paragraph::new(lines).scroll(scroll), inner);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_middle_keeps_both_ends() {
        assert_eq!(fit_middle("short", 10), "short");
        let s = "Remote Management and Monitoring tool - SupRemo - File Signature";
        let f = fit_middle(s, 30);
        // a third of the room for the head, the rest (after the ellipsis) for the tail: 9 + 1 + 20
        assert_eq!(f, "Remote Ma…emo - File Signature");
        assert!(Span::raw(f.as_str()).width() <= 30);
        // wide characters count two cells
        let f = fit_middle("日本語のルール名前テスト", 9);
        assert!(Span::raw(f.as_str()).width() <= 9, "{f}");
    }

    #[test]
    fn scroll_keeps_the_cursor_visible() {
        assert_eq!(scroll_to(0, 5, 10), 0);
        assert_eq!(scroll_to(0, 10, 10), 1);
        assert_eq!(scroll_to(8, 3, 10), 3);
        assert_eq!(scroll_to(0, 0, 0), 0);
    }
}
