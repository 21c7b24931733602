//! The KQL parser: a hand-written recursive-descent parser over the lexer's tokens.
//!
//! One expression grammar, as in Microsoft's parser (grammar/Kql.g4): the pipe is the lowest-precedence
//! form, then `or` < `and` < equality family (`==`, `!=`, `<>`, `in`, `!in`, `in~`, `!in~`, `has_any`,
//! `has_all`, `between`; non-associative) < relational (`<` `<=` `>` `>=`, at most one) < additive <
//! multiplicative < string operators (`=~`, `has`, `contains`, `matches regex`, `like`, ...) < unary `+`/`-` <
//! postfix (call, `.member`, `[index]`). Keywords are contextual: words are identifiers unless the grammar
//! expects a keyword at that point.
//!
//! The first error wins; it carries the span of the offending token and says what was expected.

use super::ast::*;
use super::diag::{Diagnostic, line_col, nearest};
use super::lexer::{Token, TokenKind as K, lex};
use super::literal;
use super::types::ScalarType;

type PResult<T> = Result<T, Diagnostic>;

/// Nesting limit (parentheses, sub-expressions, dynamic literals), so that hostile input cannot overflow the
/// stack.
const MAX_DEPTH: usize = 150;

/// Stack the parser may use below `parse`'s frame before it reports "nested too deeply" instead of
/// overflowing (unoptimised builds use about 40 KiB per level of parentheses; optimised ones far less).
const STACK_BUDGET: usize = 1 << 20;

/// At most this many operators chained at one level (`a or b or ...`, `x[1][2]...`): the tree nests one level
/// per operator, and consumers walk it recursively.
const MAX_CHAIN: usize = 2000;

/// Operators the parser recognises but the engine does not run: parsed to the next top-level `|` and
/// reported by name.
const UNSUPPORTED_OPS: &[&str] = &[
    "mv-apply",
    "mvapply",
    "make-series",
    "partition",
    "scan",
    "fork",
    "facet",
    "reduce",
    "sample-distinct",
    "top-hitters",
    "parse-kv",
    "project-smart",
    "consume",
    "find",
    "macro-expand",
    "make-graph",
    "graph-match",
    "graph-merge",
    "graph-to-table",
    "graph-shortest-paths",
    "graph-mark-components",
    "execute-and-cache",
    "__executeAndCache",
    "assert-schema",
];

/// Operators the parser runs, for "did you mean" help.
const KNOWN_OPS: &[&str] = &[
    "where",
    "filter",
    "project",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "extend",
    "summarize",
    "count",
    "distinct",
    "take",
    "limit",
    "sort",
    "order",
    "top",
    "join",
    "lookup",
    "union",
    "mv-expand",
    "mvexpand",
    "parse",
    "parse-where",
    "serialize",
    "as",
    "getschema",
    "invoke",
    "search",
    "evaluate",
    "sample",
    "render",
];

/// Parses a whole query.
pub fn parse(source: &str) -> Result<Query, Diagnostic> {
    let toks = lex(source);
    let base = 0u8;
    let stack_base = std::hint::black_box(&base) as *const u8 as usize;
    let mut p = Parser {
        src: source,
        toks,
        pos: 0,
        depth: 0,
        last_end: 0,
        stack_base,
    };
    p.query()
}

struct Parser<'a> {
    src: &'a str,
    /// Never empty: the last token is `Eof`.
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
    /// End of the last consumed token.
    last_end: usize,
    /// Address of a local of `parse`: how deep the recursion has gone, in bytes of stack.
    stack_base: usize,
}

fn expr(kind: ExprKind, span: Span) -> Expr {
    Expr { kind, span }
}

fn boxed(e: Expr) -> Box<Expr> {
    Box::new(e)
}

fn statement_span(s: &Statement) -> Span {
    match s {
        Statement::Let(l) => l.span,
        Statement::Expr(e) => e.span,
        Statement::Set { span, .. } | Statement::DeclareQueryParameters { span, .. } => *span,
    }
}

impl<'a> Parser<'a> {
    // ---------------------------------------------------------------------------------------------------
    // token helpers

    fn nth(&self, n: usize) -> &Token {
        let i = (self.pos + n).min(self.toks.len() - 1);
        &self.toks[i]
    }
    fn peek(&self) -> &Token {
        self.nth(0)
    }
    fn kind(&self) -> &K {
        &self.peek().kind
    }
    fn at(&self, k: &K) -> bool {
        self.kind() == k
    }
    fn nth_is(&self, n: usize, k: &K) -> bool {
        &self.nth(n).kind == k
    }
    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        self.last_end = t.span.end;
        t
    }
    fn eat(&mut self, k: &K) -> Option<Token> {
        if self.at(k) { Some(self.bump()) } else { None }
    }
    fn text(&self, t: &Token) -> &'a str {
        t.span.text(self.src)
    }
    fn word_at(&self, n: usize) -> Option<&'a str> {
        let t = self.nth(n);
        if t.kind == K::Ident {
            Some(t.span.text(self.src))
        } else {
            None
        }
    }
    fn is_word(&self, w: &str) -> bool {
        self.word_at(0) == Some(w)
    }
    fn eat_word(&mut self, w: &str) -> Option<Span> {
        if self.is_word(w) {
            Some(self.bump().span)
        } else {
            None
        }
    }
    fn start(&self) -> usize {
        self.peek().span.start
    }
    fn span_from(&self, start: usize) -> Span {
        Span::new(start, self.last_end.max(start))
    }

    /// A token as the "found ..." part of a message.
    fn describe(&self, t: &Token) -> String {
        let text = self.text(t);
        match &t.kind {
            K::Eof => "end of query".to_string(),
            K::Ident => format!("`{text}`"),
            K::Str(_) => format!("string literal {}", shorten(text)),
            K::Long(_) | K::Real(_) => format!("number `{text}`"),
            K::TimeSpan(_) => format!("timespan `{text}`"),
            K::Bool(_) => format!("`{text}`"),
            K::Typed { .. } => format!("literal `{}`", shorten(text)),
            K::Error(d) => d.message.clone(),
            _ => format!("`{text}`"),
        }
    }

    /// "expected X, found Y" at the current token (or the lexer's error, if the current token is one).
    fn expected(&self, what: &str) -> Diagnostic {
        let t = self.peek();
        if let K::Error(d) = &t.kind {
            return (**d).clone();
        }
        Diagnostic::syntax(
            format!("expected {what}, found {}", self.describe(t)),
            t.span,
        )
        .with_label(format!("expected {what}"))
    }

    fn expect(&mut self, k: K, what: &str) -> PResult<Token> {
        if self.at(&k) {
            Ok(self.bump())
        } else {
            Err(self.expected(what))
        }
    }

    fn expect_word(&mut self, w: &str) -> PResult<Span> {
        match self.eat_word(w) {
            Some(s) => Ok(s),
            None => Err(self.expected(&format!("`{w}`"))),
        }
    }

    /// "expected `)` to close the `(` at line L, column C, found ...".
    fn close_error(&self, open: Span, close: &str, opener: &str) -> Diagnostic {
        let t = self.peek();
        if let K::Error(d) = &t.kind {
            return (**d).clone();
        }
        let (l, c) = line_col(self.src, open.start);
        Diagnostic::syntax(
            format!(
                "expected `{close}` to close the `{opener}` at line {l}, column {c}, found {}",
                self.describe(t)
            ),
            t.span,
        )
        .with_label(format!("expected `{close}`"))
    }

    fn enter(&mut self) -> PResult<()> {
        let here = 0u8;
        let used = self
            .stack_base
            .abs_diff(std::hint::black_box(&here) as *const u8 as usize);
        if self.depth >= MAX_DEPTH || used > STACK_BUDGET {
            return Err(
                Diagnostic::syntax("the query is nested too deeply", self.peek().span)
                    .with_label("too many nested parentheses or sub-expressions here"),
            );
        }
        self.depth += 1;
        Ok(())
    }
    /// Counts one more chained operator at the current level.
    fn chain(&self, n: &mut usize) -> PResult<()> {
        *n += 1;
        if *n > MAX_CHAIN {
            return Err(Diagnostic::syntax(
                format!(
                    "expression too long: more than {MAX_CHAIN} operators chained at one level"
                ),
                self.peek().span,
            )
            .with_label("too many chained operators")
            .with_help(
                "split the query, or test many values at once with `in (...)` / `has_any (...)`",
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// The current token ends a tabular operator (`|`, `;`, a closing bracket, end of query).
    fn at_op_end(&self) -> bool {
        matches!(
            self.kind(),
            K::Pipe | K::Semi | K::Eof | K::RParen | K::RBracket | K::RBrace
        )
    }

    /// The token can begin an expression.
    fn can_start_expr(t: &Token) -> bool {
        matches!(
            t.kind,
            K::Ident
                | K::Long(_)
                | K::Real(_)
                | K::TimeSpan(_)
                | K::Bool(_)
                | K::Str(_)
                | K::Typed { .. }
                | K::LParen
                | K::LBracket
                | K::Minus
                | K::Plus
                | K::Star
                | K::Error(_)
        )
    }

    /// A name (`Col`, `['Col name']`, `["x"]`) starts at token `n`.
    fn name_at(&self, n: usize) -> Option<usize> {
        match self.nth(n).kind {
            K::Ident => Some(1),
            K::LBracket
                if matches!(self.nth(n + 1).kind, K::Str(_))
                    && self.nth_is(n + 2, &K::RBracket) =>
            {
                Some(3)
            }
            _ => None,
        }
    }

    /// Skips to the end of the current operator: the next `|` or `;` outside brackets, a closing bracket that
    /// is not ours, or the end. With `whole_statement`, `|` does not stop.
    fn skip_balanced(&mut self, whole_statement: bool) -> PResult<()> {
        let mut depth = 0usize;
        loop {
            match self.kind() {
                K::Eof => return Ok(()),
                K::Error(d) => return Err((**d).clone()),
                K::Semi if depth == 0 => return Ok(()),
                K::Pipe if depth == 0 && !whole_statement => return Ok(()),
                K::LParen | K::LBracket | K::LBrace => depth += 1,
                K::RParen | K::RBracket | K::RBrace => {
                    if depth == 0 {
                        return Ok(());
                    }
                    depth -= 1;
                }
                _ => {}
            }
            self.bump();
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // statements

    fn query(&mut self) -> PResult<Query> {
        let mut statements = Vec::new();
        loop {
            while self.eat(&K::Semi).is_some() {}
            if self.at(&K::Eof) {
                break;
            }
            let st = self.statement()?;
            let is_let = matches!(st, Statement::Let(_));
            statements.push(st);
            if self.at(&K::Semi) {
                continue;
            }
            if self.at(&K::Eof) {
                break;
            }
            return Err(self.after_statement_error(is_let));
        }
        let (Some(first), Some(last)) = (statements.first(), statements.last()) else {
            let t = self.peek();
            if let K::Error(d) = &t.kind {
                return Err((**d).clone());
            }
            return Err(Diagnostic::syntax("the query is empty", t.span)
                .with_label("expected a tabular expression")
                .with_help("a query is a table followed by operators, e.g. `DeviceProcessEvents | take 10`"));
        };
        let span = statement_span(first).to(statement_span(last));
        Ok(Query { statements, span })
    }

    fn after_statement_error(&self, is_let: bool) -> Diagnostic {
        let t = self.peek();
        if let K::Error(d) = &t.kind {
            return (**d).clone();
        }
        let found = self.describe(t);
        if is_let {
            return Diagnostic::syntax(
                format!("expected `;` after the `let` statement, found {found}"),
                t.span,
            )
            .with_label("expected `;` before this")
            .with_help("every `let` statement ends with `;`: `let x = 1; T | where y > x`");
        }
        match &t.kind {
            K::RParen | K::RBracket | K::RBrace => {
                Diagnostic::syntax(format!("unmatched {found}: nothing to close here"), t.span)
                    .with_label("no matching opening bracket")
            }
            K::Assign => Diagnostic::syntax(
                format!("expected `|`, `;` or end of query, found {found}"),
                t.span,
            )
            .with_label("unexpected `=`")
            .with_help("to compare values use `==` (or `=~` to ignore case)"),
            _ => {
                let d = Diagnostic::syntax(
                    format!("expected `|`, `;` or end of query, found {found}"),
                    t.span,
                )
                .with_label("unexpected here");
                match self.word_at(0) {
                    Some(w) if KNOWN_OPS.contains(&w) => {
                        d.with_help(format!("tabular operators follow a pipe: `| {w} ...`"))
                    }
                    _ => d,
                }
            }
        }
    }

    fn statement(&mut self) -> PResult<Statement> {
        if self.is_word("let") && self.name_at(1).is_some() {
            return Ok(Statement::Let(self.let_stmt()?));
        }
        if self.is_word("set") && self.nth_is(1, &K::Ident) {
            return self.set_stmt();
        }
        if self.is_word("declare") && self.word_at(1) == Some("query_parameters") {
            let start = self.bump().span.start;
            self.bump();
            let params = self.params()?;
            return Ok(Statement::DeclareQueryParameters {
                params,
                span: self.span_from(start),
            });
        }
        let unsupported = match (self.word_at(0), self.word_at(1)) {
            (Some("declare"), Some("pattern")) => Some("declare pattern"),
            (Some("alias"), Some("database")) => Some("alias database"),
            (Some("restrict"), Some("access")) => Some("restrict access"),
            _ => None,
        };
        if let Some(what) = unsupported {
            let span = self.peek().span.to(self.nth(1).span);
            return Err(Diagnostic::unsupported(
                format!("the `{what}` statement is not supported"),
                span,
            ));
        }
        Ok(Statement::Expr(self.pipe_expr()?))
    }

    fn let_stmt(&mut self) -> PResult<LetStmt> {
        let start = self.bump().span.start; // let
        let name = self.name()?;
        if self.at(&K::EqEq) {
            return Err(Diagnostic::syntax(
                format!("expected `=` after `let {}`, found `==`", name.name),
                self.peek().span,
            )
            .with_label("expected `=`")
            .with_help("`let` binds a name with a single `=`: `let x = 5;`"));
        }
        self.expect(K::Assign, "`=`")?;
        let value = if self.is_word("view") && self.nth_is(1, &K::LParen) {
            let vstart = self.bump().span.start;
            LetValue::View(self.function_def(vstart)?)
        } else if self.at(&K::LParen) && self.looks_like_params() {
            let fstart = self.start();
            LetValue::Function(self.function_def(fstart)?)
        } else {
            LetValue::Expr(self.pipe_expr()?)
        };
        Ok(LetStmt {
            name,
            value,
            span: self.span_from(start),
        })
    }

    /// At `(`: a function parameter list (`()` then `{`, or `(name:`) rather than a parenthesised expression.
    fn looks_like_params(&self) -> bool {
        if self.nth_is(1, &K::RParen) {
            return self.nth_is(2, &K::LBrace);
        }
        match self.name_at(1) {
            Some(n) => self.nth_is(1 + n, &K::Colon),
            None => false,
        }
    }

    fn function_def(&mut self, start: usize) -> PResult<FunctionDef> {
        let params = self.params()?;
        let body = self.body()?;
        Ok(FunctionDef {
            params,
            body,
            span: self.span_from(start),
        })
    }

    /// `(name:type [= default], T:(*), U:(c:long), ...)`
    fn params(&mut self) -> PResult<Vec<Param>> {
        let open = self.expect(K::LParen, "`(` and the parameter list")?.span;
        let mut out = Vec::new();
        if self.eat(&K::RParen).is_some() {
            return Ok(out);
        }
        loop {
            out.push(self.param()?);
            if self.eat(&K::Comma).is_some() {
                continue;
            }
            if self.eat(&K::RParen).is_some() {
                return Ok(out);
            }
            return Err(self.close_error(open, ")", "("));
        }
    }

    fn param(&mut self) -> PResult<Param> {
        let start = self.start();
        let name = self.name()?;
        self.expect(K::Colon, "`:` and the parameter's type")?;
        let ty = if self.at(&K::LParen) {
            let open = self.bump().span;
            if self.eat(&K::Star).is_some() {
                if self.eat(&K::RParen).is_none() {
                    return Err(self.close_error(open, ")", "("));
                }
                ParamType::Tabular(None)
            } else {
                let mut cols = Vec::new();
                loop {
                    cols.push(self.column_decl()?);
                    if self.eat(&K::Comma).is_some() {
                        continue;
                    }
                    if self.eat(&K::RParen).is_some() {
                        break;
                    }
                    return Err(self.close_error(open, ")", "("));
                }
                ParamType::Tabular(Some(cols))
            }
        } else {
            ParamType::Scalar(self.type_name()?)
        };
        let default = if self.eat(&K::Assign).is_some() {
            Some(self.literal_value("a parameter default")?)
        } else {
            None
        };
        Ok(Param {
            name,
            ty,
            default,
            span: self.span_from(start),
        })
    }

    fn column_decl(&mut self) -> PResult<ColumnDecl> {
        let start = self.start();
        let name = self.name()?;
        self.expect(K::Colon, "`:` and the column's type")?;
        let ty = self.type_name()?;
        Ok(ColumnDecl {
            name,
            ty,
            span: self.span_from(start),
        })
    }

    fn type_name(&mut self) -> PResult<ScalarType> {
        if self.at(&K::Ident) {
            let t = self.peek().clone();
            let text = self.text(&t);
            if let Some(ty) = ScalarType::from_name(text) {
                self.bump();
                return Ok(ty);
            }
            return Err(Diagnostic::syntax(format!("unknown type `{text}`"), t.span)
                .with_label("not a KQL type")
                .with_help("KQL types: bool, int, long, real, decimal, string, datetime, timespan, dynamic, guid"));
        }
        Err(self.expected("a type name (`long`, `string`, `datetime`, ...)"))
    }

    /// `{ let ...; ...; expr }`
    fn body(&mut self) -> PResult<Vec<Statement>> {
        let open = self.expect(K::LBrace, "`{` and the function body")?.span;
        let mut body = Vec::new();
        loop {
            while self.eat(&K::Semi).is_some() {}
            if self.at(&K::RBrace) {
                break;
            }
            let st = self.statement()?;
            let is_let = matches!(st, Statement::Let(_));
            body.push(st);
            if self.at(&K::Semi) || self.at(&K::RBrace) {
                continue;
            }
            if is_let {
                return Err(self.after_statement_error(true));
            }
            return Err(self.close_error(open, "}", "{"));
        }
        let close = self.bump().span;
        if !matches!(body.last(), Some(Statement::Expr(_))) {
            return Err(
                Diagnostic::syntax("a function body must end with an expression", close)
                    .with_label("expected an expression before `}`"),
            );
        }
        Ok(body)
    }

    fn set_stmt(&mut self) -> PResult<Statement> {
        let start = self.bump().span.start; // set
        let t = self.bump();
        let name = Ident {
            name: self.text(&t).to_string(),
            span: t.span,
        };
        let value = if self.eat(&K::Assign).is_some() {
            if self.at(&K::Ident) {
                let t = self.bump();
                let id = Ident {
                    name: self.text(&t).to_string(),
                    span: t.span,
                };
                Some(expr(ExprKind::Ident(id), t.span))
            } else {
                Some(self.unary()?)
            }
        } else {
            None
        };
        Ok(Statement::Set {
            name,
            value,
            span: self.span_from(start),
        })
    }

    // ---------------------------------------------------------------------------------------------------
    // names

    /// `Col`, `['Col name']`, `["x"]`. The span of a bracketed name includes the brackets.
    fn name(&mut self) -> PResult<Ident> {
        match self.kind() {
            K::Ident => {
                let t = self.bump();
                Ok(Ident {
                    name: self.text(&t).to_string(),
                    span: t.span,
                })
            }
            K::LBracket => {
                if let K::Str(s) = &self.nth(1).kind
                    && self.nth_is(2, &K::RBracket)
                {
                    let s = s.clone();
                    let open = self.bump().span;
                    self.bump();
                    let close = self.bump().span;
                    return Ok(Ident {
                        name: s,
                        span: open.to(close),
                    });
                }
                Err(self.expected("a name"))
            }
            _ => Err(self.expected("a name")),
        }
    }

    /// A name that may hold `*` wildcards (`Device*`, `*Name`, `*`), written without spaces.
    fn wildcard_name(&mut self) -> PResult<Ident> {
        if self.at(&K::LBracket) {
            return self.name();
        }
        if !matches!(self.kind(), K::Ident | K::Star) {
            return Err(self.expected("a name"));
        }
        let first = self.bump();
        let mut name = self.text(&first).to_string();
        let mut span = first.span;
        while matches!(self.kind(), K::Ident | K::Star | K::Long(_)) && !self.peek().space_before {
            let t = self.bump();
            name.push_str(self.text(&t));
            span = span.to(t.span);
        }
        Ok(Ident { name, span })
    }

    // ---------------------------------------------------------------------------------------------------
    // expressions

    /// The pipe level: a source or scalar expression followed by `| operator ...`.
    ///
    /// The functions on the recursion path of nested expressions (`pipe_expr`, `binary`, `postfix`,
    /// `paren_expr`, `ident_expr`, `call_args`) keep their stack frames small and few: everything else is in
    /// helpers that return before the recursion goes deeper. The depth counter is not restored on errors:
    /// the first error ends the parse.
    fn pipe_expr(&mut self) -> PResult<Expr> {
        self.enter()?;
        let mut e = match self.special_source_ahead() {
            Some(w) => self.special_source(w)?,
            None => self.binary(0)?,
        };
        let mut n = 0;
        while self.at(&K::Pipe) {
            self.chain(&mut n)?;
            e = self.pipe_op(e)?;
        }
        self.leave();
        Ok(e)
    }

    /// At `|`: `input | operator`.
    fn pipe_op(&mut self, input: Expr) -> PResult<Expr> {
        self.bump();
        let op = self.operator()?;
        let span = input.span.to(op.span);
        Ok(expr(
            ExprKind::Pipe {
                input: boxed(input),
                op: Box::new(op),
            },
            span,
        ))
    }

    /// Tabular sources that only appear at the start of a pipe (`print`, `range`, `union`, `search`, ...);
    /// other sources (table names, calls, `datatable`, `(subquery)`) are scalar-grammar expressions.
    fn special_source_ahead(&self) -> Option<&'static str> {
        let next_starts = Self::can_start_expr(self.nth(1));
        match self.word_at(0)? {
            "print" if next_starts => Some("print"),
            "union" if next_starts => Some("union"),
            "search" if next_starts => Some("search"),
            "find" if next_starts => Some("find"),
            "evaluate" if next_starts => Some("evaluate"),
            "range" if self.nth_is(1, &K::Ident) && self.word_at(2) == Some("from") => {
                Some("range")
            }
            _ => None,
        }
    }

    fn special_source(&mut self, word: &str) -> PResult<Expr> {
        if word == "range" {
            return self.range();
        }
        if word == "find" || word == "evaluate" {
            return self.unsupported_source(word.to_string());
        }
        let start = self.bump().span.start;
        let kind = match word {
            "print" => ExprKind::Print(self.named_list()?),
            "union" => ExprKind::Union(self.union_spec(start)?),
            _ => ExprKind::Search(self.search_spec(start)?),
        };
        Ok(expr(kind, self.span_from(start)))
    }

    /// Consumes a source the engine does not run, to the end of the statement or the enclosing bracket.
    fn unsupported_source(&mut self, name: String) -> PResult<Expr> {
        let start = self.bump().span.start;
        self.skip_balanced(true)?;
        Ok(expr(
            ExprKind::UnsupportedSource { name },
            self.span_from(start),
        ))
    }

    fn range(&mut self) -> PResult<Expr> {
        let start = self.bump().span.start; // range
        let name = self.name()?;
        self.expect_word("from")?;
        let from = self.unnamed()?;
        self.expect_word("to")?;
        let to = self.unnamed()?;
        self.expect_word("step")?;
        let step = self.unnamed()?;
        Ok(expr(
            ExprKind::Range {
                name,
                from: boxed(from),
                to: boxed(to),
                step: boxed(step),
            },
            self.span_from(start),
        ))
    }

    /// A scalar-grammar expression (`or` level).
    fn unnamed(&mut self) -> PResult<Expr> {
        self.binary(0)
    }

    /// The binary operator at the current token: its precedence level, what it builds, how many tokens it
    /// takes.
    fn binary_op(&self) -> Option<(u8, BinKind, usize)> {
        let bin = |prec, op| Some((prec, BinKind::Bin(op), 1));
        match self.kind() {
            K::Lt => return bin(PREC_REL, BinOp::Lt),
            K::Le => return bin(PREC_REL, BinOp::Le),
            K::Gt => return bin(PREC_REL, BinOp::Gt),
            K::Ge => return bin(PREC_REL, BinOp::Ge),
            K::Plus => return bin(PREC_ADD, BinOp::Add),
            K::Minus => return bin(PREC_ADD, BinOp::Sub),
            K::Star => return bin(PREC_MUL, BinOp::Mul),
            K::Slash => return bin(PREC_MUL, BinOp::Div),
            K::Percent => return bin(PREC_MUL, BinOp::Mod),
            K::Ident => match self.text(self.peek()) {
                "or" => return bin(PREC_OR, BinOp::Or),
                "and" => return bin(PREC_AND, BinOp::And),
                _ => {}
            },
            _ => {}
        }
        if let Some(op) = self.equality_op() {
            let kind = match op {
                EqOp::Bin(op) => BinKind::Bin(op),
                EqOp::List(op) => BinKind::List(op),
                EqOp::Between(neg) => BinKind::Between(neg),
            };
            return Some((PREC_EQ, kind, 1));
        }
        let (op, n) = self.string_operator()?;
        Some((PREC_STR, BinKind::Bin(op), n))
    }

    /// Precedence climbing over the binary levels (KQL_SEMANTICS §3): operators of precedence `min` and
    /// above. All levels are left-associative except equality and relational, which are non-associative.
    fn binary(&mut self, min: u8) -> PResult<Expr> {
        self.enter()?;
        let mut left = if matches!(self.kind(), K::Minus | K::Plus) {
            self.unary()?
        } else {
            self.postfix()?
        };
        let mut n = 0;
        let mut last = 0u8;
        while let Some((prec, kind, ntok)) = self.binary_op() {
            if prec < min {
                break;
            }
            if (prec == PREC_EQ || prec == PREC_REL) && last == prec {
                return Err(self.chained_comparison(prec));
            }
            self.chain(&mut n)?;
            left = self.combine(left, prec, kind, ntok)?;
            last = prec;
        }
        self.leave();
        Ok(left)
    }

    /// Consumes the operator and its right side.
    fn combine(&mut self, left: Expr, prec: u8, kind: BinKind, ntok: usize) -> PResult<Expr> {
        let op_tok = self.bump();
        for _ in 1..ntok {
            self.bump();
        }
        match kind {
            BinKind::Bin(op) => {
                let right = self.binary(prec + 1)?;
                let span = left.span.to(right.span);
                Ok(expr(
                    ExprKind::Binary {
                        op,
                        left: boxed(left),
                        right: boxed(right),
                    },
                    span,
                ))
            }
            BinKind::List(op) => {
                let items = self.list_items(op)?;
                let span = self.span_from(left.span.start);
                Ok(expr(
                    ExprKind::ListOp {
                        op,
                        expr: boxed(left),
                        items,
                    },
                    span,
                ))
            }
            BinKind::Between(negated) => self.between(left, negated, &op_tok),
        }
    }

    fn chained_comparison(&self, prec: u8) -> Diagnostic {
        let t = self.peek();
        let help = if prec == PREC_REL {
            "write `a < b and b < c`, or `b between (a .. c)`"
        } else {
            "add parentheses or join the conditions with `and`"
        };
        Diagnostic::syntax(
            format!(
                "comparison operators cannot be chained: unexpected {}",
                self.describe(t)
            ),
            t.span,
        )
        .with_label("a second comparison at the same level")
        .with_help(help)
    }

    fn equality_op(&self) -> Option<EqOp> {
        Some(match self.kind() {
            K::EqEq => EqOp::Bin(BinOp::Eq),
            K::NotEq | K::LtGt => EqOp::Bin(BinOp::NotEq),
            K::InCi => EqOp::List(ListOp::InCi),
            K::NegOp(s) => match s.as_str() {
                "!in" => EqOp::List(ListOp::NotIn),
                "!in~" => EqOp::List(ListOp::NotInCi),
                "!between" => EqOp::Between(true),
                _ => return None,
            },
            K::Ident => match self.text(self.peek()) {
                "in" => EqOp::List(ListOp::In),
                "has_any" => EqOp::List(ListOp::HasAny),
                "has_all" => EqOp::List(ListOp::HasAll),
                "between" => EqOp::Between(false),
                _ => return None,
            },
            _ => return None,
        })
    }

    /// After `between` / `!between`: `(low .. high)`.
    fn between(&mut self, left: Expr, negated: bool, op_tok: &Token) -> PResult<Expr> {
        let word = self.text(op_tok);
        let Some(open) = self.eat(&K::LParen) else {
            return Err(self
                .expected(&format!("`(` after `{word}`"))
                .with_help(format!("write a range as `x {word} (low .. high)`")));
        };
        let low = self.unnamed()?;
        if self.eat(&K::DotDot).is_none() {
            return Err(self
                .expected("`..` between the bounds")
                .with_help(format!("write a range as `x {word} (low .. high)`")));
        }
        let high = self.unnamed()?;
        if self.eat(&K::RParen).is_none() {
            return Err(self.close_error(open.span, ")", "("));
        }
        let span = self.span_from(left.span.start);
        Ok(expr(
            ExprKind::Between {
                negated,
                expr: boxed(left),
                low: boxed(low),
                high: boxed(high),
            },
            span,
        ))
    }

    /// `( item, ... )` after `in`, `has_any`, ...: items are parsed at the pipe level, so a tabular
    /// expression works with or without its own parentheses.
    fn list_items(&mut self, op: ListOp) -> PResult<Vec<Expr>> {
        let Some(open) = self.eat(&K::LParen) else {
            return Err(self
                .expected(&format!("`(` after `{}`", op.as_str()))
                .with_help(format!(
                    "`{}` takes a parenthesised list: `x {} (\"a\", \"b\")`",
                    op.as_str(),
                    op.as_str()
                )));
        };
        let mut items = Vec::new();
        loop {
            items.push(self.pipe_expr()?);
            if self.eat(&K::Comma).is_some() {
                continue;
            }
            if self.eat(&K::RParen).is_some() {
                return Ok(items);
            }
            return Err(self.close_error(open.span, ")", "("));
        }
    }

    /// A string operator at the current token, and how many tokens it takes.
    fn string_operator(&self) -> Option<(BinOp, usize)> {
        use BinOp::*;
        let op = match self.kind() {
            K::EqTilde => EqTilde,
            K::NotTilde => NotEqTilde,
            // `Col: "x"` is `has` (search syntax)
            K::Colon => Has,
            K::NegOp(s) => match s.as_str() {
                "!has" => NotHas,
                "!has_cs" => NotHasCs,
                "!hasprefix" => NotHasPrefix,
                "!hasprefix_cs" => NotHasPrefixCs,
                "!hassuffix" => NotHasSuffix,
                "!hassuffix_cs" => NotHasSuffixCs,
                "!contains" => NotContains,
                "!contains_cs" => NotContainsCs,
                "!startswith" => NotStartsWith,
                "!startswith_cs" => NotStartsWithCs,
                "!endswith" => NotEndsWith,
                "!endswith_cs" => NotEndsWithCs,
                _ => return None,
            },
            K::Ident => match self.text(self.peek()) {
                "has" => Has,
                "has_cs" => HasCs,
                "hasprefix" => HasPrefix,
                "hasprefix_cs" => HasPrefixCs,
                "hassuffix" => HasSuffix,
                "hassuffix_cs" => HasSuffixCs,
                "contains" => Contains,
                "contains_cs" | "containscs" => ContainsCs,
                "notcontains" => NotContains,
                "notcontainscs" => NotContainsCs,
                "startswith" => StartsWith,
                "startswith_cs" => StartsWithCs,
                "endswith" => EndsWith,
                "endswith_cs" => EndsWithCs,
                "like" => Like,
                "notlike" => NotLike,
                "likecs" => LikeCs,
                "notlikecs" => NotLikeCs,
                "matches" if self.word_at(1) == Some("regex") => return Some((MatchesRegex, 2)),
                _ => return None,
            },
            _ => return None,
        };
        Some((op, 1))
    }

    /// `-x`, `+x`, `- -x`.
    fn unary(&mut self) -> PResult<Expr> {
        let op = match self.kind() {
            K::Minus => UnaryOp::Neg,
            K::Plus => UnaryOp::Plus,
            _ => return self.postfix(),
        };
        self.enter()?;
        let start = self.bump().span.start;
        let inner = self.unary()?;
        self.leave();
        let span = Span::new(start, inner.span.end);
        Ok(expr(
            ExprKind::Unary {
                op,
                expr: boxed(inner),
            },
            span,
        ))
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = match self.kind() {
            K::LParen => self.paren_expr()?,
            K::Ident => self.ident_expr()?,
            _ => self.atom()?,
        };
        let mut n = 0;
        loop {
            e = match self.kind() {
                K::Dot if self.nth_is(1, &K::LBracket) => {
                    // legacy `x.['key']`
                    self.chain(&mut n)?;
                    self.bump();
                    self.index(e)?
                }
                K::Dot => {
                    self.chain(&mut n)?;
                    self.member(e)?
                }
                K::LBracket => {
                    self.chain(&mut n)?;
                    self.index(e)?
                }
                _ => return Ok(e),
            };
        }
    }

    /// At `.`: `base.name`.
    fn member(&mut self, base: Expr) -> PResult<Expr> {
        self.bump();
        let name = match self.kind() {
            K::Ident | K::LBracket => self.name()?,
            // `x.true`, `x.int(...)`: a keyword as a property name
            K::Bool(_) | K::Typed { .. } if !self.peek().space_before => {
                let t = self.bump();
                Ident {
                    name: self.text(&t).to_string(),
                    span: t.span,
                }
            }
            _ => return Err(self.expected("a property name after `.`")),
        };
        if self.at(&K::LParen) {
            return Err(Diagnostic::unsupported(
                format!(
                    "dotted calls such as `.{}(...)` are not supported",
                    name.name
                ),
                name.span,
            ));
        }
        let span = base.span.to(name.span);
        Ok(expr(
            ExprKind::Member {
                expr: boxed(base),
                name,
            },
            span,
        ))
    }

    fn index(&mut self, base: Expr) -> PResult<Expr> {
        let open = self.bump().span; // [
        let index = self.unnamed()?;
        if self.eat(&K::RBracket).is_none() {
            return Err(self.close_error(open, "]", "["));
        }
        let span = self.span_from(base.span.start);
        Ok(expr(
            ExprKind::Index {
                expr: boxed(base),
                index: boxed(index),
            },
            span,
        ))
    }

    fn paren_expr(&mut self) -> PResult<Expr> {
        let open = self.bump().span;
        let inner = self.pipe_expr()?;
        if self.eat(&K::RParen).is_none() {
            return Err(self.paren_close_error(open));
        }
        Ok(expr(
            ExprKind::Paren(boxed(inner)),
            self.span_from(open.start),
        ))
    }

    fn paren_close_error(&self, open: Span) -> Diagnostic {
        let d = self.close_error(open, ")", "(");
        if self.at(&K::Comma) {
            return d.with_help(
                "a parenthesised list is only allowed after `in`, `!in`, `in~`, `has_any` and `has_all`; to \
                 match any of several values use `has_any (...)` or `in (...)`",
            );
        }
        d
    }

    /// A literal, a quoted name, `*`.
    fn atom(&mut self) -> PResult<Expr> {
        let t = self.peek().clone();
        let lit = |l: Literal| Ok(expr(ExprKind::Literal(l), t.span));
        match &t.kind {
            K::Long(v) => {
                self.bump();
                lit(Literal::Long(Some(*v)))
            }
            K::Real(f) => {
                self.bump();
                lit(Literal::Real(Some(*f)))
            }
            K::TimeSpan(v) => {
                self.bump();
                lit(Literal::TimeSpan(Some(*v)))
            }
            K::Bool(b) => {
                self.bump();
                lit(Literal::Bool(Some(*b)))
            }
            K::Str(s) => {
                self.bump();
                lit(Literal::String(s.clone()))
            }
            K::Typed { keyword, inner } => {
                self.bump();
                let kind = self.typed_literal(keyword, *inner, t.span)?;
                Ok(expr(kind, t.span))
            }
            K::LBracket => {
                if self.name_at(0).is_some() {
                    let id = self.name()?;
                    let span = id.span;
                    return Ok(expr(ExprKind::Ident(id), span));
                }
                Err(self.expected("an expression").with_help(
                    "a quoted name is written `['name']`; a dynamic array is `dynamic([1, 2])`",
                ))
            }
            K::Star => {
                self.bump();
                Ok(expr(ExprKind::Star, t.span))
            }
            K::Error(d) => Err((**d).clone()),
            _ => Err(self.expected("an expression")),
        }
    }

    fn typed_literal(&self, keyword: &str, inner: Span, whole: Span) -> PResult<ExprKind> {
        let text = inner.text(self.src);
        if keyword == "typeof" {
            return match ScalarType::from_name(text) {
                Some(ty) => Ok(ExprKind::TypeOf(ty)),
                None => Err(Diagnostic::syntax(format!("unknown type `{}` in typeof()", text.trim()), whole)
                    .with_label("not a KQL type")
                    .with_help("KQL types: bool, int, long, real, decimal, string, datetime, timespan, dynamic, guid")),
            };
        }
        match literal::decode_typed(keyword, text) {
            Ok(l) => Ok(ExprKind::Literal(l)),
            Err("datetime") if literal::is_time_only(text) => Err(Diagnostic::unsupported(
                format!("a datetime without a date (`{}`) is not supported", whole.text(self.src)),
                whole,
            )
            .with_label("Kusto reads a time alone as a time of the current day")
            .with_help("write the full date, e.g. datetime(2024-01-31 08:00:00), or use startofday(now()) + 8h")),
            Err(kind) => {
                let help = match kind {
                    "datetime" => {
                        "write dates as ISO 8601: datetime(2024-01-31), datetime(2024-01-31 13:45:00), \
                         datetime(2024-01-31T13:45:00.123Z), or datetime(null)"
                    }
                    "timespan" => {
                        "write e.g. timespan(1d), timespan(15 seconds), timespan(0.12:34:56.7), timespan(2) \
                         (days), or timespan(null)"
                    }
                    "guid" => "a guid is 32 hex digits: guid(74be27de-1e4e-49d9-b579-fe0b331d3642)",
                    "bool" => "expected true, false or null",
                    "real" | "decimal" => "expected a number, nan, +inf, -inf or null",
                    _ => "expected an integer or null",
                };
                Err(Diagnostic::syntax(format!("invalid {kind} literal `{}`", whole.text(self.src)), whole)
                    .with_label(format!("not a valid {kind}"))
                    .with_help(help))
            }
        }
    }

    /// A word in expression position: a name, a call, `datatable(...)[...]`, `dynamic(...)`, or a source the
    /// engine does not run (`externaldata`, `cluster(...)`).
    fn ident_expr(&mut self) -> PResult<Expr> {
        let t = self.peek().clone();
        let text = self.text(&t);
        let call = self.nth_is(1, &K::LParen);
        match text {
            "datatable" if call || self.nth_is(1, &K::Ident) => return self.datatable(),
            "externaldata" | "external_data" if call || self.nth_is(1, &K::Ident) => {
                return self.unsupported_source(text.to_string());
            }
            "cluster" | "database" if call => return self.unsupported_source(text.to_string()),
            "dynamic" if call => return self.dynamic_literal(),
            _ => {}
        }
        self.bump();
        let name = Ident {
            name: text.to_string(),
            span: t.span,
        };
        if !call {
            return Ok(expr(ExprKind::Ident(name), t.span));
        }
        let open = self.bump().span;
        let args = self.call_args(open, &name.name)?;
        let span = self.span_from(t.span.start);
        Ok(expr(ExprKind::Call { name, args }, span))
    }

    /// After `(`: arguments to `)`. Arguments are parsed at the pipe level (`materialize(T | ...)`,
    /// `toscalar(...)`); a lone `*` is `ExprKind::Star`.
    fn call_args(&mut self, open: Span, fname: &str) -> PResult<Vec<Expr>> {
        let mut args = Vec::new();
        if self.eat(&K::RParen).is_some() {
            return Ok(args);
        }
        loop {
            if self.at(&K::Star) && matches!(self.nth(1).kind, K::Comma | K::RParen) {
                let s = self.bump().span;
                args.push(expr(ExprKind::Star, s));
            } else if self.at(&K::Ident) && self.nth_is(1, &K::Assign) {
                let span = self.peek().span.to(self.nth(1).span);
                return Err(Diagnostic::unsupported(
                    format!(
                        "named arguments (`name = value`) in the call to `{fname}` are not supported"
                    ),
                    span,
                ));
            } else {
                args.push(self.pipe_expr()?);
            }
            if self.eat(&K::Comma).is_some() {
                continue;
            }
            if self.eat(&K::RParen).is_some() {
                return Ok(args);
            }
            let t = self.peek();
            if let K::Error(d) = &t.kind {
                return Err((**d).clone());
            }
            let (l, c) = line_col(self.src, open.start);
            return Err(Diagnostic::syntax(
                format!(
                    "expected `,` or `)` to close the call to `{fname}` at line {l}, column {c}, found {}",
                    self.describe(t)
                ),
                t.span,
            )
            .with_label("expected `,` or `)`"));
        }
    }

    /// `datatable(a:long, b:string) [1, "x", 2, "y"]`
    fn datatable(&mut self) -> PResult<Expr> {
        let start = self.bump().span.start;
        let _params = self.op_params(&[])?;
        let open = self
            .expect(K::LParen, "`(` and the datatable's columns")?
            .span;
        let mut columns = Vec::new();
        loop {
            if self.eat(&K::RParen).is_some() {
                break;
            }
            columns.push(self.column_decl()?);
            if self.eat(&K::Comma).is_some() {
                continue;
            }
            if self.eat(&K::RParen).is_some() {
                break;
            }
            return Err(self.close_error(open, ")", "("));
        }
        let open = self
            .expect(K::LBracket, "`[` and the datatable's values")?
            .span;
        let mut values = Vec::new();
        loop {
            if self.eat(&K::RBracket).is_some() {
                break;
            }
            values.push(self.literal_value("a datatable value")?);
            if self.eat(&K::Comma).is_some() {
                continue;
            }
            if self.eat(&K::RBracket).is_some() {
                break;
            }
            return Err(self.close_error(open, "]", "["));
        }
        Ok(expr(
            ExprKind::Datatable { columns, values },
            self.span_from(start),
        ))
    }

    /// `dynamic(...)`: JSON-like values, with typed literals allowed inside.
    fn dynamic_literal(&mut self) -> PResult<Expr> {
        let start = self.bump().span.start;
        let open = self.bump().span; // (
        let value = self.json_value()?;
        if self.eat(&K::RParen).is_none() {
            return Err(self.close_error(open, ")", "dynamic("));
        }
        Ok(expr(
            ExprKind::Literal(Literal::Dynamic(value)),
            self.span_from(start),
        ))
    }

    fn json_value(&mut self) -> PResult<serde_json::Value> {
        self.enter()?;
        let r = self.json_value_inner();
        self.leave();
        r
    }

    fn json_value_inner(&mut self) -> PResult<serde_json::Value> {
        use serde_json::Value as J;
        let t = self.peek().clone();
        let v = match &t.kind {
            K::LBracket => {
                let open = self.bump().span;
                let mut arr = Vec::new();
                loop {
                    if self.eat(&K::RBracket).is_some() {
                        break;
                    }
                    arr.push(self.json_value()?);
                    if self.eat(&K::Comma).is_some() {
                        continue;
                    }
                    if self.eat(&K::RBracket).is_some() {
                        break;
                    }
                    return Err(self.close_error(open, "]", "["));
                }
                return Ok(J::Array(arr));
            }
            K::LBrace => {
                let open = self.bump().span;
                let mut map = serde_json::Map::new();
                loop {
                    if self.eat(&K::RBrace).is_some() {
                        break;
                    }
                    let key = match self.kind() {
                        K::Str(s) => s.clone(),
                        _ => return Err(self.expected("a quoted property name")),
                    };
                    self.bump();
                    self.expect(K::Colon, "`:`")?;
                    let v = self.json_value()?;
                    map.insert(key, v);
                    if self.eat(&K::Comma).is_some() {
                        continue;
                    }
                    if self.eat(&K::RBrace).is_some() {
                        break;
                    }
                    return Err(self.close_error(open, "}", "{"));
                }
                return Ok(J::Object(map));
            }
            K::Str(s) => J::String(s.clone()),
            K::Long(v) => J::from(*v),
            K::Real(f) => J::from(*f),
            K::TimeSpan(v) => J::String(literal::format_timespan(*v)),
            K::Bool(b) => J::Bool(*b),
            K::Ident if self.text(&t) == "null" => J::Null,
            // a nested `dynamic(...)` ([E] dynamic-to-json-function-00)
            K::Ident if self.text(&t) == "dynamic" && self.nth_is(1, &K::LParen) => {
                self.bump();
                let open = self.bump().span;
                let v = self.json_value()?;
                if self.eat(&K::RParen).is_none() {
                    return Err(self.close_error(open, ")", "dynamic("));
                }
                return Ok(v);
            }
            K::Minus | K::Plus => {
                let neg = t.kind == K::Minus;
                let n = self.nth(1).clone();
                if n.span.start != t.span.end {
                    return Err(self.expected("a dynamic value"));
                }
                let v = match n.kind {
                    K::Long(v) if neg => J::from(v.checked_neg().unwrap_or(i64::MIN)),
                    K::Long(v) => J::from(v),
                    K::Real(f) => J::from(if neg { -f } else { f }),
                    K::TimeSpan(v) => J::String(literal::format_timespan(if neg { -v } else { v })),
                    _ => return Err(self.expected("a dynamic value")),
                };
                self.bump();
                v
            }
            K::Typed { keyword, inner } if keyword != "typeof" => {
                let ExprKind::Literal(l) = self.typed_literal(keyword, *inner, t.span)? else {
                    return Err(self.expected("a dynamic value"));
                };
                match l {
                    Literal::DateTime(Some(v)) => J::String(literal::format_datetime_iso(v)),
                    Literal::TimeSpan(Some(v)) => J::String(literal::format_timespan(v)),
                    Literal::Long(Some(v)) => J::from(v),
                    Literal::Int(Some(v)) => J::from(v),
                    Literal::Real(Some(f)) | Literal::Decimal(Some(f)) => {
                        serde_json::Number::from_f64(f)
                            .map(J::Number)
                            .unwrap_or(J::Null)
                    }
                    Literal::Bool(Some(b)) => J::Bool(b),
                    Literal::Guid(Some(g)) => J::String(g),
                    _ => J::Null,
                }
            }
            K::Error(d) => return Err((**d).clone()),
            _ => {
                return Err(self.expected(
                    "a dynamic value (a number, a string, true, false, null, [array] or {property bag})",
                ));
            }
        };
        self.bump();
        Ok(v)
    }

    /// A literal, optionally signed (`-1`, `+2.5`, `datetime(null)`, `dynamic([1])`): what the grammar allows
    /// for datatable values and parameter defaults.
    fn literal_value(&mut self, what: &str) -> PResult<Expr> {
        let e = self.unary()?;
        let ok = match &e.kind {
            ExprKind::Literal(_) | ExprKind::TypeOf(_) => true,
            ExprKind::Unary { expr, .. } => matches!(
                expr.kind,
                ExprKind::Literal(
                    Literal::Long(_)
                        | Literal::Int(_)
                        | Literal::Real(_)
                        | Literal::Decimal(_)
                        | Literal::TimeSpan(_)
                )
            ),
            _ => false,
        };
        if ok {
            Ok(e)
        } else {
            Err(
                Diagnostic::syntax(format!("{what} must be a literal"), e.span)
                    .with_label("not a literal")
                    .with_help("use a constant such as `1`, `-2.5`, `\"text\"`, `datetime(2024-01-31)` or `dynamic([1, 2])`"),
            )
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // named expressions, operator parameters

    /// `name = expr`, `(a, b) = expr`, `['x'] = expr`, or `expr`.
    fn named_expr(&mut self) -> PResult<NamedExpr> {
        let start = self.start();
        let mut names = Vec::new();
        if let Some(n) = self.name_at(0)
            && self.nth_is(n, &K::Assign)
        {
            names.push(self.name()?);
            self.bump();
        } else if self.at(&K::LParen) && self.tuple_names_ahead() {
            self.bump();
            loop {
                names.push(self.name()?);
                if self.eat(&K::Comma).is_none() {
                    break;
                }
            }
            self.bump(); // )
            self.bump(); // =
        }
        let e = self.unnamed()?;
        Ok(NamedExpr {
            names,
            span: Span::new(start, e.span.end),
            expr: e,
        })
    }

    /// `(a, b, ...) =` ahead.
    fn tuple_names_ahead(&self) -> bool {
        let mut i = 1;
        loop {
            let Some(n) = self.name_at(i) else {
                return false;
            };
            i += n;
            match self.nth(i).kind {
                K::Comma => i += 1,
                K::RParen => return self.nth_is(i + 1, &K::Assign),
                _ => return false,
            }
        }
    }

    fn named_list(&mut self) -> PResult<Vec<NamedExpr>> {
        let mut v = vec![self.named_expr()?];
        while self.eat(&K::Comma).is_some() {
            v.push(self.named_expr()?);
        }
        Ok(v)
    }

    /// `name=value` options before an operator's arguments. `hint.*` is always an option; other names only
    /// when listed in `allowed`.
    fn op_params(&mut self, allowed: &[&str]) -> PResult<Vec<OpParam>> {
        let mut out = Vec::new();
        loop {
            if !self.at(&K::Ident) {
                return Ok(out);
            }
            // dotted name: hint.strategy
            let mut n = 1;
            while self.nth_is(n, &K::Dot)
                && self.nth_is(n + 1, &K::Ident)
                && !self.nth(n).space_before
                && !self.nth(n + 1).space_before
            {
                n += 2;
            }
            if !self.nth_is(n, &K::Assign) {
                return Ok(out);
            }
            let first = self.peek().span;
            let last = self.nth(n - 1).span;
            let name_span = first.to(last);
            let name = name_span.text(self.src).to_string();
            if !(name.starts_with("hint.") || allowed.contains(&name.as_str())) {
                return Ok(out);
            }
            for _ in 0..=n {
                self.bump();
            }
            let value = if self.at(&K::Ident) {
                let t = self.bump();
                let id = Ident {
                    name: self.text(&t).to_string(),
                    span: t.span,
                };
                expr(ExprKind::Ident(id), t.span)
            } else {
                self.unary()?
            };
            let span = name_span.to(value.span);
            out.push(OpParam {
                name: Ident {
                    name,
                    span: name_span,
                },
                value,
                span,
            });
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // tabular operators

    /// The operator's name after `|`; hyphenated names written without spaces are one name (`project-away`).
    fn op_name(&mut self) -> PResult<(String, Span)> {
        if !self.at(&K::Ident) {
            return Err(self.expected("a tabular operator after `|`"));
        }
        let first = self.bump();
        let mut name = self.text(&first).to_string();
        let mut span = first.span;
        while self.at(&K::Minus)
            && !self.peek().space_before
            && self.nth_is(1, &K::Ident)
            && !self.nth(1).space_before
        {
            self.bump();
            let t = self.bump();
            name.push('-');
            name.push_str(self.text(&t));
            span = span.to(t.span);
        }
        Ok((name, span))
    }

    fn operator(&mut self) -> PResult<Operator> {
        let (name, name_span) = self.op_name()?;
        let start = name_span.start;
        // each operator in its own function: this one sits on the recursion path of nested queries, so its
        // stack frame stays small
        let kind = match name.as_str() {
            "where" | "filter" => self.op_where(&name)?,
            "project" => self.op_project()?,
            "project-away" => OpKind::ProjectAway(self.wildcard_list()?),
            "project-keep" => OpKind::ProjectKeep(self.wildcard_list()?),
            "project-rename" => self.op_project_rename()?,
            "project-reorder" => self.op_project_reorder()?,
            "extend" => OpKind::Extend(self.named_list()?),
            "summarize" => self.op_summarize()?,
            "count" => self.op_count()?,
            "distinct" => self.op_distinct()?,
            "take" | "limit" => self.op_take()?,
            "sort" | "order" => self.op_sort(&name)?,
            "top" => self.op_top()?,
            "top-nested" => self.op_top_nested()?,
            "join" => self.join_like(false)?,
            "lookup" => self.join_like(true)?,
            "union" => OpKind::Union(self.union_spec(start)?),
            "mv-expand" | "mvexpand" => self.mv_expand(name == "mvexpand")?,
            "parse" => self.parse_op(false)?,
            "parse-where" => self.parse_op(true)?,
            "serialize" => self.op_serialize()?,
            "as" => self.op_as()?,
            "getschema" => OpKind::GetSchema,
            "invoke" => self.op_invoke()?,
            "search" => OpKind::Search(self.search_spec(start)?),
            "evaluate" => self.op_evaluate()?,
            "sample" => self.op_sample()?,
            "render" => self.op_render()?,
            n if UNSUPPORTED_OPS.contains(&n) => {
                self.skip_balanced(false)?;
                OpKind::Unsupported { name }
            }
            _ => return Err(self.unknown_operator(&name, name_span)),
        };
        Ok(Operator {
            kind,
            span: self.span_from(start),
        })
    }

    fn op_where(&mut self, name: &str) -> PResult<OpKind> {
        self.op_params(&[])?;
        let e = self.unnamed()?;
        if self.at(&K::Assign) {
            return Err(Diagnostic::syntax(
                format!("unexpected `=` in the `{name}` condition"),
                self.peek().span,
            )
            .with_label("`=` does not compare")
            .with_help("to compare values use `==` (or `=~` to ignore case)"));
        }
        Ok(OpKind::Where(e))
    }

    fn op_project(&mut self) -> PResult<OpKind> {
        Ok(OpKind::Project(if self.at_op_end() {
            Vec::new()
        } else {
            self.named_list()?
        }))
    }

    fn op_project_rename(&mut self) -> PResult<OpKind> {
        let mut pairs = Vec::new();
        if !self.at_op_end() {
            loop {
                let new = self.name()?;
                self.expect(K::Assign, "`=` (`project-rename NewName = OldName`)")?;
                let old = self.name()?;
                pairs.push((new, old));
                if self.eat(&K::Comma).is_none() {
                    break;
                }
            }
        }
        Ok(OpKind::ProjectRename(pairs))
    }

    fn op_project_reorder(&mut self) -> PResult<OpKind> {
        let mut cols = Vec::new();
        if !self.at_op_end() {
            loop {
                let n = self.wildcard_name()?;
                let order = self.reorder_order();
                cols.push((n, order));
                if self.eat(&K::Comma).is_none() {
                    break;
                }
            }
        }
        Ok(OpKind::ProjectReorder(cols))
    }

    fn op_summarize(&mut self) -> PResult<OpKind> {
        let params = self.op_params(&[])?;
        let at_by = self.is_word("by") && !self.nth_is(1, &K::Assign);
        let aggs = if at_by || self.at_op_end() {
            Vec::new()
        } else {
            self.named_list()?
        };
        let by = if self.is_word("by") {
            self.bump();
            self.named_list()?
        } else {
            Vec::new()
        };
        Ok(OpKind::Summarize { params, aggs, by })
    }

    fn op_count(&mut self) -> PResult<OpKind> {
        if self.eat_word("as").is_some() {
            self.name()?;
            return Ok(OpKind::Unsupported {
                name: "count as".into(),
            });
        }
        Ok(OpKind::Count)
    }

    fn op_distinct(&mut self) -> PResult<OpKind> {
        self.op_params(&[])?;
        if self.at(&K::Star) && matches!(self.nth(1).kind, K::Pipe | K::Semi | K::Eof | K::RParen) {
            let s = self.bump().span;
            return Ok(OpKind::Distinct(vec![expr(ExprKind::Star, s)]));
        }
        let mut v = vec![self.unnamed()?];
        while self.eat(&K::Comma).is_some() {
            v.push(self.unnamed()?);
        }
        Ok(OpKind::Distinct(v))
    }

    fn op_take(&mut self) -> PResult<OpKind> {
        self.op_params(&[])?;
        Ok(OpKind::Take(self.unnamed()?))
    }

    fn op_sort(&mut self, name: &str) -> PResult<OpKind> {
        self.op_params(&[])?;
        if self.eat_word("by").is_none() {
            return Err(self
                .expected("`by`")
                .with_help(format!("write `{name} by Column [asc|desc]`")));
        }
        Ok(OpKind::Sort(self.sort_keys()?))
    }

    fn op_top(&mut self) -> PResult<OpKind> {
        self.op_params(&[])?;
        let n = self.unnamed()?;
        if self.eat_word("by").is_none() {
            return Err(self
                .expected("`by`")
                .with_help("write `top 10 by Column [asc|desc]`"));
        }
        Ok(OpKind::Top {
            n,
            by: self.sort_keys()?,
        })
    }

    /// `top-nested [N] of Expr [with others = Expr] by [Name =] Aggregate [asc|desc] [, ...]`
    fn op_top_nested(&mut self) -> PResult<OpKind> {
        let mut levels = Vec::new();
        loop {
            let start = self.start();
            let n = if self.is_word("of") {
                None
            } else {
                Some(self.unnamed()?)
            };
            if self.eat_word("of").is_none() {
                return Err(self
                    .expected("`of`")
                    .with_help("write `top-nested 3 of Column by count()`"));
            }
            let of = self.named_expr()?;
            let others = if self.eat_word("with").is_some() {
                if self.eat_word("others").is_none() {
                    return Err(self.expected("`others`"));
                }
                if self.eat(&K::Assign).is_none() {
                    return Err(self.expected("`=`"));
                }
                Some(self.unnamed()?)
            } else {
                None
            };
            if self.eat_word("by").is_none() {
                return Err(self
                    .expected("`by` and an aggregate")
                    .with_help("write `top-nested 3 of Column by count()`"));
            }
            let by = self.named_expr()?;
            let order = if self.eat_word("asc").is_some() {
                Some(SortOrder::Asc)
            } else if self.eat_word("desc").is_some() {
                Some(SortOrder::Desc)
            } else {
                None
            };
            levels.push(TopNestedLevel {
                n,
                of,
                others,
                by,
                order,
                span: self.span_from(start),
            });
            if self.eat(&K::Comma).is_none() {
                break;
            }
            // the docs repeat the keyword for each level: `..., top-nested 2 of x by ...`
            if self.is_word("top")
                && self.nth_is(1, &K::Minus)
                && !self.nth(1).space_before
                && self.nth_is(2, &K::Ident)
                && !self.nth(2).space_before
            {
                let (name, span) = self.op_name()?;
                if name != "top-nested" {
                    return Err(Diagnostic::syntax(
                        format!("expected the next top-nested level, found `{name}`"),
                        span,
                    ));
                }
            }
        }
        Ok(OpKind::TopNested(levels))
    }

    fn op_serialize(&mut self) -> PResult<OpKind> {
        self.op_params(&[])?;
        Ok(OpKind::Serialize(if self.at_op_end() {
            Vec::new()
        } else {
            self.named_list()?
        }))
    }

    fn op_as(&mut self) -> PResult<OpKind> {
        self.op_params(&[])?;
        Ok(OpKind::As(self.name()?))
    }

    fn op_invoke(&mut self) -> PResult<OpKind> {
        let fname = self.name()?;
        let Some(open) = self.eat(&K::LParen) else {
            return Err(self.expected("`(` and the function's arguments"));
        };
        let args = self.call_args(open.span, &fname.name)?;
        Ok(OpKind::Invoke { name: fname, args })
    }

    fn op_evaluate(&mut self) -> PResult<OpKind> {
        self.op_params(&[])?;
        let plugin = self.name()?;
        let Some(open) = self.eat(&K::LParen) else {
            return Err(self.expected("`(` and the plugin's arguments"));
        };
        let args = self.call_args(open.span, &plugin.name)?;
        if self.eat(&K::Colon).is_some() {
            // output schema `: (a:long, ...)`: accepted, not used
            let open = self.expect(K::LParen, "`(` and the output schema")?.span;
            self.skip_balanced(false)?;
            if self.eat(&K::RParen).is_none() {
                return Err(self.close_error(open, ")", "("));
            }
        }
        Ok(OpKind::Evaluate { plugin, args })
    }

    fn op_sample(&mut self) -> PResult<OpKind> {
        self.op_params(&[])?;
        Ok(OpKind::Sample(self.unnamed()?))
    }

    fn op_render(&mut self) -> PResult<OpKind> {
        let chart = self.name()?;
        self.skip_balanced(false)?;
        Ok(OpKind::Render { chart })
    }

    fn unknown_operator(&self, name: &str, span: Span) -> Diagnostic {
        let d = Diagnostic::syntax(format!("unknown tabular operator `{name}`"), span)
            .with_label("expected an operator such as `where`, `project`, `extend`, `summarize`");
        // `| Sha1 in (...)`: a condition without `where`
        let cond_follows = self.equality_op().is_some()
            || self.string_operator().is_some()
            || matches!(self.kind(), K::Lt | K::Le | K::Gt | K::Ge | K::Assign);
        if cond_follows {
            let text = span.text(self.src);
            return d.with_help(format!(
                "to filter rows, start the condition with `where`: `| where {text} ...`"
            ));
        }
        if name.chars().count() < 3 {
            return d;
        }
        let mut all: Vec<&str> = KNOWN_OPS.to_vec();
        all.extend_from_slice(UNSUPPORTED_OPS);
        match nearest(name, all, 1).first() {
            Some(s) => d.with_help(format!("did you mean `{s}`?")),
            None => d,
        }
    }

    fn wildcard_list(&mut self) -> PResult<Vec<Ident>> {
        let mut v = Vec::new();
        if self.at_op_end() {
            return Ok(v);
        }
        loop {
            v.push(self.wildcard_name()?);
            if self.eat(&K::Comma).is_none() {
                return Ok(v);
            }
        }
    }

    fn reorder_order(&mut self) -> Option<ReorderOrder> {
        match self.word_at(0)? {
            "asc" => {
                self.bump();
                Some(ReorderOrder::Asc)
            }
            "desc" => {
                self.bump();
                Some(ReorderOrder::Desc)
            }
            "granny"
                if self.nth_is(1, &K::Minus)
                    && !self.nth(1).space_before
                    && !self.nth(2).space_before =>
            {
                let order = match self.word_at(2)? {
                    "asc" => ReorderOrder::GrannyAsc,
                    "desc" => ReorderOrder::GrannyDesc,
                    _ => return None,
                };
                for _ in 0..3 {
                    self.bump();
                }
                Some(order)
            }
            _ => None,
        }
    }

    fn sort_keys(&mut self) -> PResult<Vec<SortKey>> {
        let mut keys = Vec::new();
        loop {
            let e = self.unnamed()?;
            let start = e.span.start;
            let order = if self.eat_word("asc").is_some() {
                Some(SortOrder::Asc)
            } else if self.eat_word("desc").is_some() {
                Some(SortOrder::Desc)
            } else {
                None
            };
            let nulls = if self.eat_word("nulls").is_some() {
                if self.eat_word("first").is_some() {
                    Some(NullsOrder::First)
                } else if self.eat_word("last").is_some() {
                    Some(NullsOrder::Last)
                } else {
                    return Err(self.expected("`first` or `last` after `nulls`"));
                }
            } else {
                None
            };
            keys.push(SortKey {
                expr: e,
                order,
                nulls,
                span: self.span_from(start),
            });
            if self.eat(&K::Comma).is_none() {
                return Ok(keys);
            }
        }
    }

    fn join_like(&mut self, lookup: bool) -> PResult<OpKind> {
        let op = if lookup { "lookup" } else { "join" };
        let mut params = self.op_params(&["kind"])?;
        let mut kind = None;
        if let Some(i) = params.iter().position(|p| p.name.name == "kind") {
            let p = params.remove(i);
            kind = Some(join_kind(&p, self.src)?);
        }
        let right = match self.kind() {
            K::LParen | K::Ident | K::LBracket => self.postfix()?,
            _ => {
                return Err(self.expected(&format!(
                    "the right side of the {op}: a table name or `(subquery)`"
                )));
            }
        };
        if self.is_word("where") {
            return Err(Diagnostic::unsupported(
                format!("`{op} ... where` is not supported"),
                self.peek().span,
            )
            .with_help("join on equal columns: `on Col` or `on $left.a == $right.b`"));
        }
        if self.eat_word("on").is_none() {
            return Err(self
                .expected("`on` and the join condition")
                .with_help(format!(
                    "write `{op} (Right) on Col` or `on $left.a == $right.b`"
                )));
        }
        let mut on = Vec::new();
        loop {
            let e = self.unnamed()?;
            join_conditions(e, &mut on)?;
            if self.eat(&K::Comma).is_none() {
                break;
            }
        }
        let right = Box::new(right);
        Ok(if lookup {
            OpKind::Lookup {
                params,
                kind,
                right,
                on,
            }
        } else {
            OpKind::Join {
                params,
                kind,
                right,
                on,
            }
        })
    }

    /// After `union`: options and legs.
    fn union_spec(&mut self, start: usize) -> PResult<UnionSpec> {
        let params = self.op_params(&["kind", "withsource", "with_source", "isfuzzy"])?;
        let mut legs = Vec::new();
        loop {
            let leg = match self.kind() {
                K::LParen => self.paren_expr()?,
                K::Ident if self.nth_is(1, &K::LParen) => self.postfix()?,
                K::Ident | K::Star | K::LBracket => {
                    let id = self.wildcard_name()?;
                    let span = id.span;
                    expr(ExprKind::Ident(id), span)
                }
                _ => return Err(self.expected("a table name or `(subquery)` to union")),
            };
            legs.push(leg);
            if self.eat(&K::Comma).is_none() {
                break;
            }
        }
        Ok(UnionSpec {
            params,
            legs,
            span: self.span_from(start),
        })
    }

    /// After `search`: options, `in (T1, T2)`, predicate.
    fn search_spec(&mut self, start: usize) -> PResult<SearchSpec> {
        let params = self.op_params(&["kind", "with_source", "withsource"])?;
        let mut tables = Vec::new();
        if self.is_word("in") && self.nth_is(1, &K::LParen) {
            self.bump();
            let open = self.bump().span;
            loop {
                tables.push(self.wildcard_name()?);
                if self.eat(&K::Comma).is_some() {
                    continue;
                }
                if self.eat(&K::RParen).is_some() {
                    break;
                }
                return Err(self.close_error(open, ")", "("));
            }
        }
        let predicate = if self.at(&K::Star)
            && matches!(self.nth(1).kind, K::Pipe | K::Semi | K::Eof | K::RParen)
        {
            let s = self.bump().span;
            expr(ExprKind::Star, s)
        } else {
            self.unnamed()?
        };
        Ok(SearchSpec {
            params,
            tables,
            predicate: boxed(predicate),
            span: self.span_from(start),
        })
    }

    fn mv_expand(&mut self, legacy: bool) -> PResult<OpKind> {
        let params = self.op_params(&["kind", "bagexpansion", "with_itemindex"])?;
        let mut items = Vec::new();
        loop {
            let target = self.named_expr()?;
            let start = target.span.start;
            let to_type = if self.eat_word("to").is_some() {
                let t = self.peek().clone();
                match &t.kind {
                    K::Typed { keyword, inner } if keyword == "typeof" => {
                        self.bump();
                        match self.typed_literal(keyword, *inner, t.span)? {
                            ExprKind::TypeOf(ty) => Some(ty),
                            _ => None,
                        }
                    }
                    _ => return Err(self.expected("`typeof(type)` after `to`")),
                }
            } else {
                None
            };
            items.push(MvExpandItem {
                target,
                to_type,
                span: self.span_from(start),
            });
            if self.eat(&K::Comma).is_none() {
                break;
            }
        }
        let limit = if self.eat_word("limit").is_some() {
            Some(self.unnamed()?)
        } else {
            None
        };
        Ok(OpKind::MvExpand {
            legacy,
            params,
            items,
            limit,
        })
    }

    fn parse_op(&mut self, where_: bool) -> PResult<OpKind> {
        let mut kind = ParseKind::Simple;
        let mut flags = None;
        loop {
            if self.is_word("kind") && self.nth_is(1, &K::Assign) {
                self.bump();
                self.bump();
                kind = match self.word_at(0) {
                    Some("simple") => ParseKind::Simple,
                    Some("regex") => ParseKind::Regex,
                    Some("relaxed") => ParseKind::Relaxed,
                    _ => return Err(self.expected("`simple`, `regex` or `relaxed`")),
                };
                self.bump();
            } else if self.is_word("flags") && self.nth_is(1, &K::Assign) {
                self.bump();
                self.bump();
                let t = self.peek().clone();
                flags = Some(match &t.kind {
                    K::Ident => self.text(&t).to_string(),
                    K::Str(s) => s.clone(),
                    _ => return Err(self.expected("regex flags such as `Ui`")),
                });
                self.bump();
            } else {
                break;
            }
        }
        let e = self.unnamed()?;
        if self.eat_word("with").is_none() {
            return Err(self
                .expected("`with` and the pattern")
                .with_help("write `parse Column with \"prefix\" Name:string \" suffix\" *`"));
        }
        let mut parts = Vec::new();
        loop {
            let t = self.peek().clone();
            match &t.kind {
                K::Star => {
                    self.bump();
                    parts.push(ParsePart::Star);
                }
                K::Str(s) => {
                    self.bump();
                    parts.push(ParsePart::Literal(s.clone()));
                }
                K::Ident | K::LBracket => {
                    let name = self.name()?;
                    let ty = if self.eat(&K::Colon).is_some() {
                        Some(self.type_name()?)
                    } else {
                        None
                    };
                    parts.push(ParsePart::Column { name, ty });
                }
                _ if self.at_op_end() && !parts.is_empty() => break,
                _ => return Err(self.expected("a pattern element: a string, `Name[:type]` or `*`")),
            }
        }
        Ok(OpKind::Parse {
            kind,
            where_,
            flags,
            expr: e,
            parts,
        })
    }
}

const PREC_OR: u8 = 1;
const PREC_AND: u8 = 2;
const PREC_EQ: u8 = 3;
const PREC_REL: u8 = 4;
const PREC_ADD: u8 = 5;
const PREC_MUL: u8 = 6;
const PREC_STR: u8 = 7;

enum BinKind {
    Bin(BinOp),
    List(ListOp),
    Between(bool),
}

enum EqOp {
    Bin(BinOp),
    List(ListOp),
    Between(bool),
}

fn shorten(text: &str) -> String {
    let first_line = text.lines().next().unwrap_or("");
    if first_line.chars().count() > 30 || first_line.len() != text.len() {
        let s: String = first_line.chars().take(27).collect();
        format!("`{s}...`")
    } else {
        format!("`{text}`")
    }
}

fn join_kind(p: &OpParam, src: &str) -> PResult<JoinKind> {
    let text = p.value.span.text(src);
    Ok(match text {
        "innerunique" => JoinKind::InnerUnique,
        "inner" => JoinKind::Inner,
        "leftouter" => JoinKind::LeftOuter,
        "rightouter" => JoinKind::RightOuter,
        "fullouter" | "outer" => JoinKind::FullOuter,
        "leftsemi" => JoinKind::LeftSemi,
        "leftanti" | "anti" | "leftantisemi" => JoinKind::LeftAnti,
        "rightsemi" => JoinKind::RightSemi,
        "rightanti" | "rightantisemi" => JoinKind::RightAnti,
        _ => {
            return Err(Diagnostic::syntax(format!("unknown join kind `{text}`"), p.value.span)
                .with_label("not a join kind")
                .with_help(
                    "join kinds: innerunique, inner, leftouter, rightouter, fullouter, leftsemi, leftanti, \
                     rightsemi, rightanti",
                ));
        }
    })
}

/// Normalises one `on` expression: `Col`, `$left.a == $right.b` (either order), conditions joined by `and`.
fn join_conditions(e: Expr, out: &mut Vec<JoinCond>) -> PResult<()> {
    let span = e.span;
    match e.kind {
        ExprKind::Ident(id) => out.push(JoinCond::Same(id)),
        ExprKind::Paren(inner) => join_conditions(*inner, out)?,
        ExprKind::Binary {
            op: BinOp::And,
            left,
            right,
        } => {
            join_conditions(*left, out)?;
            join_conditions(*right, out)?;
        }
        ExprKind::Binary {
            op: BinOp::Eq,
            left,
            right,
        } => match (side(&left), side(&right)) {
            (Some(Side::Left(l)), Some(Side::Right(r)))
            | (Some(Side::Right(r)), Some(Side::Left(l))) => {
                out.push(JoinCond::Pair { left: l, right: r })
            }
            _ => {
                return Err(Diagnostic::syntax("a join condition must compare `$left.Col == $right.Col`", span)
                    .with_label("not a `$left`/`$right` equality")
                    .with_help("join on a shared column with `on Col`, or on two columns with `on $left.a == $right.b`"));
            }
        },
        _ => {
            return Err(Diagnostic::syntax(
                "a join condition must be a column name or `$left.Col == $right.Col`",
                span,
            )
            .with_label("not a join condition")
            .with_help("only equality joins are supported: `on Col` or `on $left.a == $right.b`"));
        }
    }
    Ok(())
}

enum Side {
    Left(Ident),
    Right(Ident),
}

fn side(e: &Expr) -> Option<Side> {
    let ExprKind::Member { expr, name } = &e.kind else {
        return None;
    };
    let ExprKind::Ident(base) = &expr.kind else {
        return None;
    };
    match base.name.as_str() {
        "$left" => Some(Side::Left(name.clone())),
        "$right" => Some(Side::Right(name.clone())),
        _ => None,
    }
}

#[cfg(test)]
#[path = "parser_tests.rs"]
mod tests;
