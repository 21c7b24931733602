//! The parser against real queries: the 607 parseable Microsoft 365 Defender hunting rules of the corpus and
//! the 785 KQL documentation examples of the conformance set.
//!
//! `shared/` is found through `HUNTBENCH_SHARED`, else at `$CARGO_MANIFEST_DIR/../shared`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use huntbench::kql::{DiagKind, Diagnostic, parse};

fn shared_dir() -> PathBuf {
    let dir = match std::env::var_os("HUNTBENCH_SHARED") {
        Some(d) => PathBuf::from(d),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    };
    assert!(
        dir.join("corpus").is_dir(),
        "shared reference data not found at {} (set HUNTBENCH_SHARED)",
        dir.display()
    );
    dir
}

/// Upstream files that are not valid YAML (listed in corpus/SOURCE.md); they have no extension.
const INVALID_YAML: &[&str] = &[
    "NegoExLogins",
    "Endpoint Linux AV Signature and Platform Versions",
    "Endpoint Linux Agent Health Status Report",
];

/// Queries that are broken upstream, with the reason. Each must fail to parse.
const ALLOWED_FAILURES: &[(&str, &str)] = &[
    (
        "rmm_DWService_createproc.yaml",
        "`| Sha1 in (...)` has no `where`: a Syntax error pointing at `Sha1`",
    ),
    (
        "VMWare-LPE-2022-22960.yaml",
        "`has (\"a\", \"b\", ...)`: `has` takes one value; a list needs `has_any` (not valid KQL, Kql.g4)",
    ),
    (
        "detect-exfiltration-after-termination.yaml",
        "`bin(5Minutebin=Timestamp, 5m)`: a named call argument (Kusto's binder takes only parameter names \
         there); reported as unsupported",
    ),
    (
        "redmenshen-bpfdoor-backdoor.yaml",
        "`has (\"a\", \"b\")`: `has` takes one value; a list needs `has_any`",
    ),
    (
        "insider-threat-detection-queries (15).yaml",
        "`datetime(\"8:00:00 AM\")`: a time without a date means today in Kusto; reported as unsupported",
    ),
];

fn collect_yaml(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_yaml(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// (file name, query) of every corpus rule with valid YAML.
fn corpus_queries() -> Vec<(String, String)> {
    let root = shared_dir().join("corpus/sentinel-m365d");
    let mut files = Vec::new();
    collect_yaml(&root, &mut files);
    let mut out = Vec::new();
    for f in files {
        let name = f
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if INVALID_YAML.contains(&name.as_str()) {
            continue;
        }
        assert!(
            name.ends_with(".yaml") || name.ends_with(".yml"),
            "unexpected file {}",
            f.display()
        );
        let text = std::fs::read_to_string(&f).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let doc: serde_yaml::Value =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        let query = doc
            .get("query")
            .and_then(|q| q.as_str())
            .unwrap_or_else(|| panic!("{}: no query", f.display()));
        out.push((name, query.to_string()));
    }
    out
}

fn conformance_queries() -> Vec<(String, String)> {
    let path = shared_dir().join("conformance/kusto_emulator_doc_cases.jsonl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("jsonl line");
            let id = v["id"].as_str().unwrap_or("?").to_string();
            let q = v["query"].as_str().unwrap_or("").to_string();
            (id, q)
        })
        .collect()
}

fn show(name: &str, q: &str, d: &Diagnostic) -> String {
    d.one_line(q, name, 1)
}

#[test]
fn corpus_queries_parse() {
    let queries = corpus_queries();
    assert_eq!(queries.len(), 607, "607 corpus files have valid YAML");
    let mut failures: BTreeMap<String, (String, Diagnostic)> = BTreeMap::new();
    let started = std::time::Instant::now();
    for (name, q) in &queries {
        if let Err(d) = parse(q) {
            failures.insert(name.clone(), (q.clone(), d));
        }
    }
    for (name, (q, d)) in &failures {
        eprintln!("{}", show(name, q, d));
    }
    let elapsed = started.elapsed();
    let parsed = queries.len() - failures.len();
    eprintln!("corpus: parsed {} queries in {elapsed:?}", queries.len());
    eprintln!(
        "corpus: {parsed}/{} queries parse ({:.1}%)",
        queries.len(),
        100.0 * parsed as f64 / queries.len() as f64
    );
    let unexpected: Vec<&String> = failures
        .keys()
        .filter(|n| !ALLOWED_FAILURES.iter().any(|(a, _)| a == n))
        .collect();
    assert!(
        unexpected.is_empty(),
        "unexpected parse failures: {unexpected:?}"
    );
    for (name, reason) in ALLOWED_FAILURES {
        assert!(
            failures.contains_key(*name),
            "{name} was expected to fail ({reason}) but parsed"
        );
    }

    // The DWService rule: a Syntax error on `Sha1`, with a hint about `where`.
    let (q, d) = &failures["rmm_DWService_createproc.yaml"];
    assert_eq!(d.kind, DiagKind::Syntax);
    let span = d.span.expect("span");
    assert_eq!(span.text(q), "Sha1");
    assert!(d.help.as_deref().unwrap_or("").contains("where"), "{d:?}");
}

/// Every prefix of every corpus query and doc example parses or returns an error; none panics. Prefixes are cut at every
/// character boundary of the first 400 bytes and then every 7 bytes (the full sweep is the ignored test
/// below).
#[test]
fn corpus_prefixes_never_panic() {
    for (_, q) in corpus_queries().into_iter().chain(conformance_queries()) {
        let mut i = 0;
        while i <= q.len() {
            if q.is_char_boundary(i) {
                let _ = parse(&q[..i]);
            }
            i += if i < 400 { 1 } else { 7 };
        }
    }
}

#[test]
#[ignore = "slow: every prefix of every corpus query"]
fn corpus_every_prefix_never_panics() {
    for (_, q) in corpus_queries() {
        for i in 0..=q.len() {
            if q.is_char_boundary(i) {
                let _ = parse(&q[..i]);
            }
        }
    }
}

/// How many of the documentation examples parse. Failures are printed with their first error; the floor is
/// the count measured when the parser was written.
#[test]
fn conformance_queries_parse() {
    let queries = conformance_queries();
    assert_eq!(queries.len(), 785);
    let mut ok = 0;
    let mut by_message: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (id, q) in &queries {
        match parse(q) {
            Ok(_) => ok += 1,
            Err(d) => {
                eprintln!("{}", show(id, q, &d));
                by_message
                    .entry(d.message.clone())
                    .or_default()
                    .push(id.clone());
            }
        }
    }
    eprintln!("conformance: {ok}/{} queries parse", queries.len());
    assert!(
        ok >= CONFORMANCE_FLOOR,
        "only {ok} conformance queries parse (floor {CONFORMANCE_FLOOR})"
    );
}

const CONFORMANCE_FLOOR: usize = 770;

// -------------------------------------------------------------------------------------------------------
// span invariants over whole queries: every node's span lies inside its parent's, is non-empty, and has no
// leading or trailing whitespace (it covers exactly the node's text)

use huntbench::kql::ast::*;

struct SpanCheck<'a> {
    src: &'a str,
    errors: Vec<String>,
}

impl SpanCheck<'_> {
    fn node(&mut self, what: &str, span: Span, parent: Span) {
        let text = self.src.get(span.start..span.end);
        let ok = span.start < span.end
            && span.end <= self.src.len()
            && parent.start <= span.start
            && span.end <= parent.end
            && text.is_some_and(|t| t.trim() == t);
        if !ok {
            self.errors
                .push(format!("{what} {span:?} (parent {parent:?}): {text:?}"));
        }
    }

    fn ident(&mut self, i: &Ident, parent: Span) {
        self.node("ident", i.span, parent);
    }

    fn statement(&mut self, s: &Statement, parent: Span) {
        match s {
            Statement::Let(l) => {
                self.node("let", l.span, parent);
                self.ident(&l.name, l.span);
                match &l.value {
                    LetValue::Expr(e) => self.expr(e, l.span),
                    LetValue::Function(f) | LetValue::View(f) => {
                        self.node("function", f.span, l.span);
                        self.params(&f.params, f.span);
                        for st in &f.body {
                            self.statement(st, f.span);
                        }
                    }
                }
            }
            Statement::Expr(e) => self.expr(e, parent),
            Statement::Set { name, value, span } => {
                self.node("set", *span, parent);
                self.ident(name, *span);
                if let Some(v) = value {
                    self.expr(v, *span);
                }
            }
            Statement::DeclareQueryParameters { params, span } => {
                self.node("declare", *span, parent);
                self.params(params, *span);
            }
        }
    }

    fn params(&mut self, ps: &[Param], parent: Span) {
        for p in ps {
            self.node("param", p.span, parent);
            self.ident(&p.name, p.span);
            if let ParamType::Tabular(Some(cols)) = &p.ty {
                for c in cols {
                    self.node("column", c.span, p.span);
                }
            }
            if let Some(d) = &p.default {
                self.expr(d, p.span);
            }
        }
    }

    fn named(&mut self, n: &NamedExpr, parent: Span) {
        self.node("named", n.span, parent);
        for i in &n.names {
            self.ident(i, n.span);
        }
        self.expr(&n.expr, n.span);
    }

    fn op_params(&mut self, ps: &[OpParam], parent: Span) {
        for p in ps {
            self.node("op param", p.span, parent);
            self.ident(&p.name, p.span);
            self.expr(&p.value, p.span);
        }
    }

    fn sort_keys(&mut self, keys: &[SortKey], parent: Span) {
        for k in keys {
            self.node("sort key", k.span, parent);
            self.expr(&k.expr, k.span);
        }
    }

    fn union(&mut self, u: &UnionSpec, parent: Span) {
        self.node("union", u.span, parent);
        self.op_params(&u.params, u.span);
        for l in &u.legs {
            self.expr(l, u.span);
        }
    }

    fn search(&mut self, s: &SearchSpec, parent: Span) {
        self.node("search", s.span, parent);
        self.op_params(&s.params, s.span);
        for t in &s.tables {
            self.ident(t, s.span);
        }
        self.expr(&s.predicate, s.span);
    }

    fn expr(&mut self, e: &Expr, parent: Span) {
        self.node("expr", e.span, parent);
        let s = e.span;
        match &e.kind {
            ExprKind::Literal(_)
            | ExprKind::Star
            | ExprKind::TypeOf(_)
            | ExprKind::UnsupportedSource { .. } => {}
            ExprKind::Ident(i) => self.ident(i, s),
            ExprKind::Binary { left, right, .. } => {
                self.expr(left, s);
                self.expr(right, s);
            }
            ExprKind::Unary { expr, .. } | ExprKind::Paren(expr) => self.expr(expr, s),
            ExprKind::Call { name, args } => {
                self.ident(name, s);
                args.iter().for_each(|a| self.expr(a, s));
            }
            ExprKind::Member { expr, name } => {
                self.expr(expr, s);
                self.ident(name, s);
            }
            ExprKind::Index { expr, index } => {
                self.expr(expr, s);
                self.expr(index, s);
            }
            ExprKind::ListOp { expr, items, .. } => {
                self.expr(expr, s);
                items.iter().for_each(|a| self.expr(a, s));
            }
            ExprKind::Between {
                expr, low, high, ..
            } => {
                self.expr(expr, s);
                self.expr(low, s);
                self.expr(high, s);
            }
            ExprKind::Pipe { input, op } => {
                self.expr(input, s);
                self.operator(op, s);
                if input.span.end > op.span.start {
                    self.errors.push(format!(
                        "pipe input {:?} overlaps operator {:?}",
                        input.span, op.span
                    ));
                }
            }
            ExprKind::Datatable { columns, values } => {
                columns.iter().for_each(|c| self.node("column", c.span, s));
                values.iter().for_each(|v| self.expr(v, s));
            }
            ExprKind::Print(items) => items.iter().for_each(|n| self.named(n, s)),
            ExprKind::Range {
                name,
                from,
                to,
                step,
            } => {
                self.ident(name, s);
                self.expr(from, s);
                self.expr(to, s);
                self.expr(step, s);
            }
            ExprKind::Union(u) => self.union(u, s),
            ExprKind::Search(x) => self.search(x, s),
        }
    }

    fn operator(&mut self, op: &Operator, parent: Span) {
        self.node("operator", op.span, parent);
        let s = op.span;
        match &op.kind {
            OpKind::Where(e) | OpKind::Take(e) | OpKind::Sample(e) => self.expr(e, s),
            OpKind::Project(v) | OpKind::Extend(v) | OpKind::Serialize(v) => {
                v.iter().for_each(|n| self.named(n, s))
            }
            OpKind::ProjectAway(v) | OpKind::ProjectKeep(v) => {
                v.iter().for_each(|i| self.ident(i, s))
            }
            OpKind::ProjectRename(v) => v.iter().for_each(|(a, b)| {
                self.ident(a, s);
                self.ident(b, s);
            }),
            OpKind::ProjectReorder(v) => v.iter().for_each(|(a, _)| self.ident(a, s)),
            OpKind::Summarize { params, aggs, by } => {
                self.op_params(params, s);
                aggs.iter().chain(by).for_each(|n| self.named(n, s));
            }
            OpKind::Count | OpKind::GetSchema | OpKind::Unsupported { .. } => {}
            OpKind::Distinct(v) => v.iter().for_each(|e| self.expr(e, s)),
            OpKind::Sort(k) => self.sort_keys(k, s),
            OpKind::Top { n, by } => {
                self.expr(n, s);
                self.sort_keys(by, s);
            }
            OpKind::TopNested(levels) => {
                for l in levels {
                    self.node("top-nested level", l.span, s);
                    if let Some(n) = &l.n {
                        self.expr(n, l.span);
                    }
                    self.named(&l.of, l.span);
                    if let Some(o) = &l.others {
                        self.expr(o, l.span);
                    }
                    self.named(&l.by, l.span);
                }
            }
            OpKind::Join {
                params, right, on, ..
            }
            | OpKind::Lookup {
                params, right, on, ..
            } => {
                self.op_params(params, s);
                self.expr(right, s);
                for c in on {
                    match c {
                        JoinCond::Same(i) => self.ident(i, s),
                        JoinCond::Pair { left, right } => {
                            self.ident(left, s);
                            self.ident(right, s);
                        }
                    }
                }
            }
            OpKind::Union(u) => self.union(u, s),
            OpKind::MvExpand {
                params,
                items,
                limit,
                ..
            } => {
                self.op_params(params, s);
                for i in items {
                    self.node("mv-expand item", i.span, s);
                    self.named(&i.target, i.span);
                }
                if let Some(l) = limit {
                    self.expr(l, s);
                }
            }
            OpKind::Parse { expr, parts, .. } => {
                self.expr(expr, s);
                for p in parts {
                    if let ParsePart::Column { name, .. } = p {
                        self.ident(name, s);
                    }
                }
            }
            OpKind::As(i) => self.ident(i, s),
            OpKind::Invoke { name, args } => {
                self.ident(name, s);
                args.iter().for_each(|a| self.expr(a, s));
            }
            OpKind::Search(x) => self.search(x, s),
            OpKind::Evaluate { plugin, args } => {
                self.ident(plugin, s);
                args.iter().for_each(|a| self.expr(a, s));
            }
            OpKind::Render { chart } => self.ident(chart, s),
        }
    }
}

fn span_errors(src: &str, q: &Query) -> Vec<String> {
    let mut c = SpanCheck {
        src,
        errors: Vec::new(),
    };
    let whole = Span::new(0, src.len());
    c.node("query", q.span, whole);
    for s in &q.statements {
        c.statement(s, q.span);
    }
    c.errors
}

#[test]
fn spans_are_exact_and_nested_over_the_corpus_and_docs() {
    let mut checked = 0;
    let mut bad = Vec::new();
    for (name, q) in corpus_queries().into_iter().chain(conformance_queries()) {
        if let Ok(query) = parse(&q) {
            checked += 1;
            for e in span_errors(&q, &query) {
                bad.push(format!("{name}: {e}"));
            }
        }
    }
    for b in bad.iter().take(30) {
        eprintln!("{b}");
    }
    assert!(checked > 1300, "{checked}");
    assert!(bad.is_empty(), "{} span problems", bad.len());
}

// -------------------------------------------------------------------------------------------------------
// the five seed rules: full ASTs, reviewed by hand

const SEEDS: &[&str] = &[
    "rmm_SupRemo_filesig.yaml",
    "rmm_SupRemo_netconn.yaml",
    "rmm_Action1_filesig.yaml",
    "rmm_NetSupport_filesig.yaml",
    "rmm_RemotePC_filesig.yaml",
];

#[test]
fn seed_rules_full_ast() {
    let queries = corpus_queries();
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../src/kql/snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        for seed in SEEDS {
            let (_, q) = queries
                .iter()
                .find(|(n, _)| n == seed)
                .unwrap_or_else(|| panic!("{seed} not in corpus"));
            let query =
                parse(q).unwrap_or_else(|d| panic!("{seed}: {}", d.render(q, seed, 1, false)));
            assert!(span_errors(q, &query).is_empty(), "{seed}");
            let name = format!("seed__{}", seed.trim_end_matches(".yaml"));
            insta::assert_debug_snapshot!(name, query);
        }
    });
}
