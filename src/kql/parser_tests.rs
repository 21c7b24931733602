//! Parser tests. Most assertions compare a compact rendering of the AST (`sx`) with a hand-written
//! expectation derived from the KQL grammar and docs; spans are checked explicitly; full ASTs and rendered
//! diagnostics are insta snapshots under `src/kql/snapshots/`, reviewed by hand.

use super::*;
use crate::kql::diag::DiagKind;

// -------------------------------------------------------------------------------------------------------
// a compact rendering of the AST

fn lit(l: &Literal) -> String {
    fn opt<T: std::fmt::Display>(tag: &str, v: &Option<T>) -> String {
        match v {
            Some(v) => format!("{tag}:{v}"),
            None => format!("{tag}:null"),
        }
    }
    match l {
        Literal::Bool(b) => opt("bool", b),
        Literal::Int(v) => opt("int", v),
        Literal::Long(v) => opt("long", v),
        Literal::Real(v) => opt("real", v),
        Literal::Decimal(v) => opt("decimal", v),
        Literal::String(s) => format!("{s:?}"),
        Literal::DateTime(v) => opt("datetime", v),
        Literal::TimeSpan(v) => opt("timespan", v),
        Literal::Guid(v) => opt("guid", v),
        Literal::Dynamic(v) => format!("dynamic:{v}"),
    }
}

fn list(items: &[Expr]) -> String {
    items.iter().map(sx).collect::<Vec<_>>().join(", ")
}

fn named(n: &NamedExpr) -> String {
    match n.names.len() {
        0 => sx(&n.expr),
        1 => format!("{}={}", n.names[0].name, sx(&n.expr)),
        _ => {
            let names: Vec<&str> = n.names.iter().map(|i| i.name.as_str()).collect();
            format!("({})={}", names.join(","), sx(&n.expr))
        }
    }
}

fn nameds(v: &[NamedExpr]) -> String {
    v.iter().map(named).collect::<Vec<_>>().join(", ")
}

fn params(v: &[OpParam]) -> String {
    v.iter()
        .map(|p| format!("{}={} ", p.name.name, sx(&p.value)))
        .collect()
}

fn sort_keys(v: &[SortKey]) -> String {
    v.iter()
        .map(|k| {
            let mut s = sx(&k.expr);
            match k.order {
                Some(SortOrder::Asc) => s.push_str(" asc"),
                Some(SortOrder::Desc) => s.push_str(" desc"),
                None => {}
            }
            match k.nulls {
                Some(NullsOrder::First) => s.push_str(" nulls-first"),
                Some(NullsOrder::Last) => s.push_str(" nulls-last"),
                None => {}
            }
            s
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn conds(v: &[JoinCond]) -> String {
    v.iter()
        .map(|c| match c {
            JoinCond::Same(i) => i.name.clone(),
            JoinCond::Pair { left, right } => format!("$left.{}==$right.{}", left.name, right.name),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn idents(v: &[Ident]) -> String {
    v.iter()
        .map(|i| i.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn union(u: &UnionSpec) -> String {
    format!("union {}[{}]", params(&u.params), list(&u.legs))
}

fn search(s: &SearchSpec) -> String {
    let tables = if s.tables.is_empty() {
        String::new()
    } else {
        format!("in({}) ", idents(&s.tables))
    };
    format!("search {}{tables}{}", params(&s.params), sx(&s.predicate))
}

fn sx(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(l) => lit(l),
        ExprKind::Ident(i) => i.name.clone(),
        ExprKind::Star => "*".into(),
        ExprKind::Binary { op, left, right } => {
            format!("({} {} {})", op.as_str(), sx(left), sx(right))
        }
        ExprKind::Unary { op, expr } => format!(
            "({} {})",
            if *op == UnaryOp::Neg { "neg" } else { "plus" },
            sx(expr)
        ),
        ExprKind::Call { name, args } => format!("{}({})", name.name, list(args)),
        ExprKind::Member { expr, name } => format!("{}.{}", sx(expr), name.name),
        ExprKind::Index { expr, index } => format!("{}[{}]", sx(expr), sx(index)),
        ExprKind::ListOp { op, expr, items } => {
            format!("({} {} [{}])", op.as_str(), sx(expr), list(items))
        }
        ExprKind::Between {
            negated,
            expr,
            low,
            high,
        } => {
            format!(
                "({} {} {} {})",
                if *negated { "!between" } else { "between" },
                sx(expr),
                sx(low),
                sx(high)
            )
        }
        ExprKind::TypeOf(t) => format!("typeof({t})"),
        ExprKind::Paren(e) => format!("paren({})", sx(e)),
        ExprKind::Pipe { input, op } => format!("{} | {}", sx(input), op_sx(op)),
        ExprKind::Datatable { columns, values } => {
            let cols: Vec<String> = columns
                .iter()
                .map(|c| format!("{}:{}", c.name.name, c.ty))
                .collect();
            format!("datatable({})[{}]", cols.join(", "), list(values))
        }
        ExprKind::Print(items) => format!("print {}", nameds(items)),
        ExprKind::Range {
            name,
            from,
            to,
            step,
        } => {
            format!(
                "range {} from {} to {} step {}",
                name.name,
                sx(from),
                sx(to),
                sx(step)
            )
        }
        ExprKind::Union(u) => union(u),
        ExprKind::Search(s) => search(s),
        ExprKind::UnsupportedSource { name } => format!("unsupported-source:{name}"),
    }
}

fn op_sx(op: &Operator) -> String {
    match &op.kind {
        OpKind::Where(e) => format!("where {}", sx(e)),
        OpKind::TopNested(levels) => {
            let l: Vec<String> = levels
                .iter()
                .map(|l| {
                    format!(
                        "{}of {} by {}",
                        l.n.as_ref()
                            .map(|n| format!("{} ", sx(n)))
                            .unwrap_or_default(),
                        sx(&l.of.expr),
                        sx(&l.by.expr)
                    )
                })
                .collect();
            format!("top-nested {}", l.join(", "))
        }
        OpKind::Project(v) => format!("project {}", nameds(v)),
        OpKind::ProjectAway(v) => format!("project-away {}", idents(v)),
        OpKind::ProjectKeep(v) => format!("project-keep {}", idents(v)),
        OpKind::ProjectRename(v) => {
            let p: Vec<String> = v
                .iter()
                .map(|(n, o)| format!("{}<-{}", n.name, o.name))
                .collect();
            format!("project-rename {}", p.join(", "))
        }
        OpKind::ProjectReorder(v) => {
            let p: Vec<String> = v
                .iter()
                .map(|(n, o)| {
                    format!(
                        "{}{}",
                        n.name,
                        o.map(|o| format!(" {o:?}")).unwrap_or_default()
                    )
                })
                .collect();
            format!("project-reorder {}", p.join(", "))
        }
        OpKind::Extend(v) => format!("extend {}", nameds(v)),
        OpKind::Summarize {
            params: p,
            aggs,
            by,
        } => {
            format!(
                "summarize {}[{}] by [{}]",
                params(p),
                nameds(aggs),
                nameds(by)
            )
        }
        OpKind::Count => "count".into(),
        OpKind::Distinct(v) => format!("distinct {}", list(v)),
        OpKind::Take(e) => format!("take {}", sx(e)),
        OpKind::Sort(k) => format!("sort by {}", sort_keys(k)),
        OpKind::Top { n, by } => format!("top {} by {}", sx(n), sort_keys(by)),
        OpKind::Join {
            params: p,
            kind,
            right,
            on,
        } => {
            format!(
                "join {}kind={kind:?} {} on {}",
                params(p),
                sx(right),
                conds(on)
            )
        }
        OpKind::Lookup {
            params: p,
            kind,
            right,
            on,
        } => {
            format!(
                "lookup {}kind={kind:?} {} on {}",
                params(p),
                sx(right),
                conds(on)
            )
        }
        OpKind::Union(u) => union(u),
        OpKind::MvExpand {
            legacy,
            params: p,
            items,
            limit,
        } => {
            let it: Vec<String> = items
                .iter()
                .map(|i| match i.to_type {
                    Some(t) => format!("{} to {t}", named(&i.target)),
                    None => named(&i.target),
                })
                .collect();
            let lim = limit
                .as_ref()
                .map(|l| format!(" limit {}", sx(l)))
                .unwrap_or_default();
            format!(
                "mv-expand{} {}{}{lim}",
                if *legacy { "(legacy)" } else { "" },
                params(p),
                it.join(", ")
            )
        }
        OpKind::Parse {
            kind,
            where_,
            flags,
            expr,
            parts,
        } => {
            let ps: Vec<String> = parts
                .iter()
                .map(|p| match p {
                    ParsePart::Literal(s) => format!("{s:?}"),
                    ParsePart::Star => "*".into(),
                    ParsePart::Column { name, ty: Some(t) } => format!("{}:{t}", name.name),
                    ParsePart::Column { name, ty: None } => name.name.clone(),
                })
                .collect();
            format!(
                "{} {kind:?}{} {} with {}",
                if *where_ { "parse-where" } else { "parse" },
                flags
                    .as_ref()
                    .map(|f| format!(" flags={f}"))
                    .unwrap_or_default(),
                sx(expr),
                ps.join(" ")
            )
        }
        OpKind::Serialize(v) => format!("serialize {}", nameds(v)),
        OpKind::As(n) => format!("as {}", n.name),
        OpKind::GetSchema => "getschema".into(),
        OpKind::Invoke { name, args } => format!("invoke {}({})", name.name, list(args)),
        OpKind::Search(s) => search(s),
        OpKind::Evaluate { plugin, args } => format!("evaluate {}({})", plugin.name, list(args)),
        OpKind::Sample(e) => format!("sample {}", sx(e)),
        OpKind::Render { chart } => format!("render {}", chart.name),
        OpKind::Unsupported { name } => format!("unsupported:{name}"),
    }
}

fn stmt_sx(s: &Statement) -> String {
    match s {
        Statement::Let(l) => {
            let v = match &l.value {
                LetValue::Expr(e) => sx(e),
                LetValue::Function(f) => format!("fn{}", fdef(f)),
                LetValue::View(f) => format!("view{}", fdef(f)),
            };
            format!("let {} = {v}", l.name.name)
        }
        Statement::Expr(e) => sx(e),
        Statement::Set { name, value, .. } => {
            format!(
                "set {}{}",
                name.name,
                value
                    .as_ref()
                    .map(|v| format!("={}", sx(v)))
                    .unwrap_or_default()
            )
        }
        Statement::DeclareQueryParameters { params, .. } => {
            format!("declare({})", param_list(params))
        }
    }
}

fn param_list(ps: &[Param]) -> String {
    ps.iter()
        .map(|p| {
            let ty = match &p.ty {
                ParamType::Scalar(t) => t.to_string(),
                ParamType::Tabular(None) => "(*)".into(),
                ParamType::Tabular(Some(cols)) => {
                    let c: Vec<String> = cols
                        .iter()
                        .map(|c| format!("{}:{}", c.name.name, c.ty))
                        .collect();
                    format!("({})", c.join(", "))
                }
            };
            let d = p
                .default
                .as_ref()
                .map(|d| format!("={}", sx(d)))
                .unwrap_or_default();
            format!("{}:{ty}{d}", p.name.name)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn fdef(f: &FunctionDef) -> String {
    let body: Vec<String> = f.body.iter().map(stmt_sx).collect();
    format!("({}) {{ {} }}", param_list(&f.params), body.join("; "))
}

/// The whole query, statements joined by `; `.
fn q(src: &str) -> String {
    match parse(src) {
        Ok(query) => query
            .statements
            .iter()
            .map(stmt_sx)
            .collect::<Vec<_>>()
            .join("; "),
        Err(d) => panic!(
            "parse failed for {src:?}: {}",
            d.render(src, "q.kql", 1, false)
        ),
    }
}

/// The expression of `print x = <e>`.
fn e(src: &str) -> String {
    q(&format!("print {src}"))
        .trim_start_matches("print ")
        .to_string()
}

fn only_expr(src: &str) -> Expr {
    match parse(src)
        .unwrap_or_else(|d| panic!("{src:?}: {d:?}"))
        .statements
        .pop()
    {
        Some(Statement::Expr(e)) => e,
        other => panic!("{other:?}"),
    }
}

fn err(src: &str) -> Diagnostic {
    match parse(src) {
        Ok(q) => panic!("{src:?} parsed: {q:?}"),
        Err(d) => d,
    }
}

fn render(src: &str) -> String {
    err(src).render(src, "q.kql", 1, false)
}

const DAY: i64 = 864_000_000_000;
const HOUR: i64 = 36_000_000_000;

// -------------------------------------------------------------------------------------------------------
// precedence (KQL_SEMANTICS §3)

#[test]
fn string_operators_bind_tighter_than_arithmetic() {
    assert_eq!(e(r#"A + B has "x""#), r#"(+ A (has B "x"))"#);
    assert_eq!(e(r#"A * B contains "x""#), r#"(* A (contains B "x"))"#);
    assert_eq!(e(r#"A has "x" == true"#), r#"(== (has A "x") bool:true)"#);
}

#[test]
fn and_binds_tighter_than_or() {
    assert_eq!(
        e("x == 1 and y == 2 or z"),
        "(or (and (== x long:1) (== y long:2)) z)"
    );
    assert_eq!(e("a or b and c"), "(or a (and b c))");
    assert_eq!(e("a or b or c"), "(or (or a b) c)");
}

#[test]
fn arithmetic_and_comparison_levels() {
    assert_eq!(e("1 + 2 * 3"), "(+ long:1 (* long:2 long:3))");
    assert_eq!(e("1 - 2 - 3"), "(- (- long:1 long:2) long:3)");
    assert_eq!(e("a % 2 == 0"), "(== (% a long:2) long:0)");
    assert_eq!(e("a + 1 < b * 2"), "(< (+ a long:1) (* b long:2))");
    assert_eq!(e("a < b == true"), "(== (< a b) bool:true)");
    assert_eq!(e("a <> b"), "(!= a b)");
    assert_eq!(e("-a.b"), "(neg a.b)");
    assert_eq!(e("- -1"), "(neg (neg long:1))");
    assert_eq!(e("-x has 'a'"), r#"(has (neg x) "a")"#);
    assert_eq!(e("(a + b) * c"), "(* paren((+ a b)) c)");
}

#[test]
fn every_string_operator() {
    let ops = [
        ("=~", "=~"),
        ("!~", "!~"),
        ("has", "has"),
        ("!has", "!has"),
        ("has_cs", "has_cs"),
        ("!has_cs", "!has_cs"),
        ("hasprefix", "hasprefix"),
        ("!hasprefix", "!hasprefix"),
        ("hasprefix_cs", "hasprefix_cs"),
        ("!hasprefix_cs", "!hasprefix_cs"),
        ("hassuffix", "hassuffix"),
        ("!hassuffix", "!hassuffix"),
        ("hassuffix_cs", "hassuffix_cs"),
        ("!hassuffix_cs", "!hassuffix_cs"),
        ("contains", "contains"),
        ("!contains", "!contains"),
        ("contains_cs", "contains_cs"),
        ("!contains_cs", "!contains_cs"),
        ("containscs", "contains_cs"),
        ("notcontains", "!contains"),
        ("notcontainscs", "!contains_cs"),
        ("startswith", "startswith"),
        ("!startswith", "!startswith"),
        ("startswith_cs", "startswith_cs"),
        ("!startswith_cs", "!startswith_cs"),
        ("endswith", "endswith"),
        ("!endswith", "!endswith"),
        ("endswith_cs", "endswith_cs"),
        ("!endswith_cs", "!endswith_cs"),
        ("matches regex", "matches regex"),
        ("like", "like"),
        ("notlike", "notlike"),
        ("likecs", "likecs"),
        ("notlikecs", "notlikecs"),
    ];
    for (written, canonical) in ops {
        assert_eq!(
            e(&format!("a {written} 'x'")),
            format!(r#"({canonical} a "x")"#),
            "{written}"
        );
    }
    assert_eq!(e("a == b"), "(== a b)");
    assert_eq!(e("a != b"), "(!= a b)");
}

#[test]
fn list_operators_and_between() {
    assert_eq!(e("x in (1, 2)"), "(in x [long:1, long:2])");
    assert_eq!(e("x !in ('a')"), r#"(!in x ["a"])"#);
    assert_eq!(e("x in~ ('a', 'b')"), r#"(in~ x ["a", "b"])"#);
    assert_eq!(e("x !in~ (xs)"), "(!in~ x [xs])");
    assert_eq!(e("x has_any ('a', 'b')"), r#"(has_any x ["a", "b"])"#);
    assert_eq!(
        e("x has_all (dynamic(['a']))"),
        r#"(has_all x [dynamic:["a"]])"#
    );
    // a tabular expression as an item, with or without its own parentheses
    assert_eq!(e("x in (T | project c)"), "(in x [T | project c])");
    assert_eq!(e("x in ((T | project c))"), "(in x [paren(T | project c)])");
    assert_eq!(e("x between (1 .. 10)"), "(between x long:1 long:10)");
    assert_eq!(e("x !between (a..b)"), "(!between x a b)");
    assert_eq!(
        e("t between (ago(1d) .. now())"),
        format!("(between t ago(timespan:{DAY}) now())")
    );
    assert_eq!(e("a and x in (1) or y"), "(or (and a (in x [long:1])) y)");
    // the list binds at the equality level: `+` inside the operand
    assert_eq!(e("a + 1 in (2)"), "(in (+ a long:1) [long:2])");
}

#[test]
fn postfix_member_index_and_calls() {
    assert_eq!(e("a.b.c"), "a.b.c");
    assert_eq!(e("a['b'].c[0]"), r#"a["b"].c[long:0]"#);
    assert_eq!(e("a.['b c']"), r#"a["b c"]"#);
    assert_eq!(e("parse_json(x).y"), "parse_json(x).y");
    assert_eq!(e("f()"), "f()");
    assert_eq!(e("count()"), "count()");
    assert_eq!(e("arg_max(T, *)"), "arg_max(T, *)");
    assert_eq!(e("toscalar(T | count)"), "toscalar(T | count)");
    assert_eq!(e("bag['$type']"), r#"bag["$type"]"#);
    assert_eq!(e("$left.a"), "$left.a");
    // keywords are names where the grammar allows
    assert_eq!(e("count + project"), "(+ count project)");
    assert_eq!(e("['where']"), "where");
}

#[test]
fn chained_comparisons_are_errors() {
    let d = err("print a == b == c");
    assert_eq!(d.kind, DiagKind::Syntax);
    assert!(d.message.contains("cannot be chained"), "{d:?}");
    assert_eq!(d.span, Some(Span::new(13, 15)));
    assert!(err("print a < b < c").message.contains("cannot be chained"));
}

// -------------------------------------------------------------------------------------------------------
// literals (tick values computed by hand: 1 s = 1e7 ticks)

#[test]
fn scalar_literals() {
    assert_eq!(e("1"), "long:1");
    assert_eq!(e("0x10"), "long:16");
    assert_eq!(e("1.5"), "real:1.5");
    assert_eq!(e("1e3"), "real:1000");
    assert_eq!(e("true"), "bool:true");
    assert_eq!(e("'a' \"b\" @'c\\'"), r#""abc\\""#);
    assert_eq!(e("5d"), format!("timespan:{}", 5 * DAY));
    assert_eq!(e("1.5h"), "timespan:54000000000");
    assert_eq!(e("100ms"), "timespan:1000000");
    assert_eq!(e("long(5)"), "long:5");
    assert_eq!(e("long(-5)"), "long:-5");
    assert_eq!(e("int(null)"), "int:null");
    assert_eq!(e("int(7)"), "int:7");
    assert_eq!(e("real(1.5)"), "real:1.5");
    assert_eq!(e("real(+inf)"), "real:inf");
    assert_eq!(e("double(-inf)"), "real:-inf");
    assert_eq!(e("real(nan)"), "real:NaN");
    assert_eq!(e("bool(true)"), "bool:true");
    assert_eq!(e("bool(null)"), "bool:null");
    assert_eq!(e("decimal(1.25)"), "decimal:1.25");
    assert_eq!(
        e("guid(74be27de-1e4e-49d9-b579-fe0b331d3642)"),
        "guid:74be27de-1e4e-49d9-b579-fe0b331d3642"
    );
    assert_eq!(e("guid(null)"), "guid:null");
    assert_eq!(e("typeof(long)"), "typeof(long)");
    assert_eq!(e("typeof(int64)"), "typeof(long)");
}

#[test]
fn datetime_and_timespan_literals() {
    // 2015-12-31T23:59:59Z is 1451606399 s after the epoch
    assert_eq!(
        e("datetime(2015-12-31 23:59:59.9)"),
        "datetime:14516063999000000"
    );
    // 2014-05-25T08:20:03Z is 1401006003 s after the epoch
    assert_eq!(
        e("datetime(2014-05-25T08:20:03.123456Z)"),
        "datetime:14010060031234560"
    );
    assert_eq!(e("datetime(2015-12-31)"), "datetime:14515200000000000");
    assert_eq!(e("date(1970-01-02)"), format!("datetime:{DAY}"));
    assert_eq!(e("datetime(null)"), "datetime:null");
    assert_eq!(e("timespan(2)"), format!("timespan:{}", 2 * DAY));
    assert_eq!(e("timespan(15 seconds)"), "timespan:150000000");
    assert_eq!(e("timespan(0.12:34:56.7)"), "timespan:452967000000");
    assert_eq!(e("time(1d)"), format!("timespan:{DAY}"));
    assert_eq!(e("timespan(null)"), "timespan:null");
    assert_eq!(e("timespan(1.5h)"), "timespan:54000000000");
}

#[test]
fn dynamic_literals() {
    assert_eq!(e("dynamic(null)"), "dynamic:null");
    assert_eq!(
        e("dynamic([1, 'a', true, null, 1.5, -2])"),
        r#"dynamic:[1,"a",true,null,1.5,-2]"#
    );
    assert_eq!(
        e(r#"dynamic({"a": 1, "b": {"c": [2]}})"#),
        r#"dynamic:{"a":1,"b":{"c":[2]}}"#
    );
    assert_eq!(e("dynamic([])"), "dynamic:[]");
    assert_eq!(e("dynamic({})"), "dynamic:{}");
    // typed literals inside become their JSON form
    assert_eq!(
        e("dynamic([datetime(2015-12-31), 1d, long(3)])"),
        r#"dynamic:["2015-12-31T00:00:00Z","1.00:00:00",3]"#
    );
    assert_eq!(
        e("dynamic({'a': dynamic({'b': 1})})"),
        r#"dynamic:{"a":{"b":1}}"#
    );
    assert_eq!(e("dynamic(1)"), "dynamic:1");
    assert_eq!(e("dynamic('x')"), r#"dynamic:"x""#);
}

#[test]
fn bad_literals() {
    let src = "print datetime(2015-13-45)";
    let d = err(src);
    assert_eq!(d.kind, DiagKind::Syntax);
    assert_eq!(d.message, "invalid datetime literal `datetime(2015-13-45)`");
    assert_eq!(d.span.map(|s| s.text(src)), Some("datetime(2015-13-45)"));
    assert!(
        err("print timespan(5w)")
            .message
            .contains("invalid timespan literal")
    );
    assert!(
        err("print guid(xyz)")
            .message
            .contains("invalid guid literal")
    );
    assert!(
        err("print long(1.5)")
            .message
            .contains("invalid long literal")
    );
    assert!(
        err("print typeof(foo)")
            .message
            .contains("unknown type `foo`")
    );
    assert!(err("print dynamic([1,])x").message.contains("expected"));
    let d = err("print datetime('8:00 AM')");
    assert_eq!(d.kind, DiagKind::Unsupported);
}

// -------------------------------------------------------------------------------------------------------
// statements

#[test]
fn let_statements() {
    assert_eq!(
        q("let x = 5; T | where a > x"),
        "let x = long:5; T | where (> a x)"
    );
    assert_eq!(
        q("let T2 = T | take 1;\nT2"),
        "let T2 = T | take long:1; T2"
    );
    assert_eq!(
        q("let ['my name'] = 1; print ['my name']"),
        "let my name = long:1; print my name"
    );
    assert_eq!(q("let x = 1;;; print x;"), "let x = long:1; print x");
    assert_eq!(
        q("let x = (1 + 2); print x"),
        "let x = paren((+ long:1 long:2)); print x"
    );
    assert_eq!(q("let y = (T | count); y"), "let y = paren(T | count); y");
}

#[test]
fn let_functions_and_views() {
    assert_eq!(
        q(
            r#"let f = (a:long, b:string = "d", T:(*), U:(c:long)) { let z = a; T | where c > z }; f(1)"#
        ),
        r#"let f = fn(a:long, b:string="d", T:(*), U:(c:long)) { let z = a; T | where (> c z) }; f(long:1)"#
    );
    assert_eq!(
        q("let g = () { 42 }; print g()"),
        "let g = fn() { long:42 }; print g()"
    );
    assert_eq!(
        q("let g = () { 42; }; print g()"),
        "let g = fn() { long:42 }; print g()"
    );
    assert_eq!(
        q("let V = view () { T | take 1 }; V"),
        "let V = view() { T | take long:1 }; V"
    );
    assert_eq!(
        q("let f = (x:datetime = datetime(null)) { x }; print f()"),
        "let f = fn(x:datetime=datetime:null) { x }; print f()"
    );
}

#[test]
fn set_and_declare() {
    assert_eq!(q("set notruncation; T"), "set notruncation; T");
    assert_eq!(
        q("set truncationmaxrecords = 100; T"),
        "set truncationmaxrecords=long:100; T"
    );
    assert_eq!(
        q("set query_now = datetime(1970-01-02); T"),
        format!("set query_now=datetime:{DAY}; T")
    );
    assert_eq!(
        q("declare query_parameters(n:long = 5, s:string); T | take n"),
        "declare(n:long=long:5, s:string); T | take n"
    );
    assert_eq!(err("declare pattern p; T").kind, DiagKind::Unsupported);
}

// -------------------------------------------------------------------------------------------------------
// sources

#[test]
fn tabular_sources() {
    assert_eq!(
        q(r#"datatable(a:long, b:string)[1, "x", 2, "y",]"#),
        r#"datatable(a:long, b:string)[long:1, "x", long:2, "y"]"#
    );
    assert!(
        err("datatable(a:long)[now()]")
            .message
            .contains("datatable value must be a literal")
    );
    assert!(
        err("let f = (a:long = x) { a }; f()")
            .message
            .contains("parameter default must be a literal")
    );
    assert_eq!(
        q("datatable(d:datetime)[datetime(null), -1]"),
        "datatable(d:datetime)[datetime:null, (neg long:1)]"
    );
    assert_eq!(q("print 1, b = 'x'"), r#"print long:1, b="x""#);
    assert_eq!(
        q("range x from 1 to 10 step 2"),
        "range x from long:1 to long:10 step long:2"
    );
    assert_eq!(
        q("union T1, Device*, (T2 | take 1)"),
        "union [T1, Device*, paren(T2 | take long:1)]"
    );
    assert_eq!(
        q("union withsource=Src kind=outer isfuzzy=true A"),
        "union withsource=Src kind=outer isfuzzy=bool:true [A]"
    );
    assert_eq!(q("union *Events | count"), "union [*Events] | count");
    assert_eq!(q("search 'x'"), r#"search "x""#);
    assert_eq!(
        q("search in (T1, T2) Col: 'x' and * has 'y'"),
        r#"search in(T1, T2) (and (has Col "x") (has * "y"))"#
    );
    assert_eq!(q("search *"), "search *");
    assert_eq!(q("T(1, 'a') | take 1"), r#"T(long:1, "a") | take long:1"#);
    assert_eq!(q("materialize(T | take 1)"), "materialize(T | take long:1)");
    assert_eq!(q("(T | take 1) | count"), "paren(T | take long:1) | count");
    assert_eq!(
        q("let X = externaldata(a:string)[@'https://x/y.csv'] with (format='csv'); X | take 1"),
        "let X = unsupported-source:externaldata; X | take long:1"
    );
    assert_eq!(
        q("cluster('c').database('d').T | take 1"),
        "unsupported-source:cluster"
    );
    assert_eq!(q("find in (T) where x == 1"), "unsupported-source:find");
    assert_eq!(
        q("evaluate python(typeof(*), 'x')"),
        "unsupported-source:evaluate"
    );
    assert_eq!(
        q("(externaldata(a:string)['u']) | take 1"),
        "paren(unsupported-source:externaldata) | take long:1"
    );
}

// -------------------------------------------------------------------------------------------------------
// operators

#[test]
fn basic_operators() {
    assert_eq!(
        q("T | where a == 1 | filter b"),
        "T | where (== a long:1) | filter_is_where b".replace("filter_is_where", "where")
    );
    assert_eq!(
        q("T | project a, b = c + 1, ['d e'] = 2"),
        "T | project a, b=(+ c long:1), d e=long:2"
    );
    assert_eq!(q("T | project"), "T | project ");
    assert_eq!(
        q("T | project-away a, b*, *_x"),
        "T | project-away a, b*, *_x"
    );
    assert_eq!(q("T|project-keep a*"), "T | project-keep a*");
    assert_eq!(
        q("T | project-rename new = old, ['n 2'] = ['o 2']"),
        "T | project-rename new<-old, n 2<-o 2"
    );
    assert_eq!(
        q("T | project-reorder b, a* asc, c granny-desc"),
        "T | project-reorder b, a* Asc, c GrannyDesc"
    );
    assert_eq!(q("T | extend x = 1, y"), "T | extend x=long:1, y");
    assert_eq!(q("T | count"), "T | count");
    assert_eq!(q("T | distinct a, b"), "T | distinct a, b");
    assert_eq!(q("T | distinct *"), "T | distinct *");
    assert_eq!(q("T | take 10 | limit 5"), "T | take long:10 | take long:5");
    assert_eq!(q("T | sample 3"), "T | sample long:3");
    assert_eq!(
        q("T | serialize | serialize r = row_number()"),
        "T | serialize  | serialize r=row_number()"
    );
    assert_eq!(q("T | as hint.materialized=true X"), "T | as X");
    assert_eq!(q("T | getschema"), "T | getschema");
    assert_eq!(q("T | invoke f(1)"), "T | invoke f(long:1)");
    assert_eq!(
        q("T | evaluate bag_unpack(d) : (a:string)"),
        "T | evaluate bag_unpack(d)"
    );
    assert_eq!(
        q("T | render timechart with (title='x') | take 1"),
        "T | render timechart | take long:1"
    );
    assert_eq!(q("T | search 'x'"), r#"T | search "x""#);
    assert_eq!(q("T | union U"), "T | union [U]");
}

#[test]
fn summarize() {
    assert_eq!(q("T | summarize count()"), "T | summarize [count()] by []");
    assert_eq!(q("T | summarize by a, b"), "T | summarize [] by [a, b]");
    assert_eq!(
        q("T | summarize n = count(), dcount(x) by bin(Timestamp, 1h), k = a"),
        format!("T | summarize [n=count(), dcount(x)] by [bin(Timestamp, timespan:{HOUR}), k=a]")
    );
    assert_eq!(
        q("T | summarize hint.strategy=shuffle hint.shufflekey=k (t, x) = arg_max(t, x) by k"),
        "T | summarize hint.strategy=shuffle hint.shufflekey=k [(t,x)=arg_max(t, x)] by [k]"
    );
    assert_eq!(
        q("T | summarize arg_max(t, *) by k"),
        "T | summarize [arg_max(t, *)] by [k]"
    );
    assert_eq!(
        q("T | summarize count = count() by by"),
        "T | summarize [count=count()] by [by]"
    );
}

#[test]
fn sort_and_top() {
    assert_eq!(q("T | sort by a"), "T | sort by a");
    assert_eq!(
        q("T | order by a asc nulls last, b desc, c nulls first"),
        "T | sort by a asc nulls-last, b desc, c nulls-first"
    );
    assert_eq!(
        q("T | top 5 by x desc nulls last"),
        "T | top long:5 by x desc nulls-last"
    );
    assert_eq!(q("T | top n + 1 by x"), "T | top (+ n long:1) by x");
}

#[test]
fn join_and_lookup() {
    assert_eq!(q("T | join U on a"), "T | join kind=None U on a");
    assert_eq!(
        q("T | join kind=inner (U | take 1) on a, b"),
        "T | join kind=Some(Inner) paren(U | take long:1) on a, b"
    );
    assert_eq!(
        q(
            "T | join kind=leftanti hint.strategy=broadcast U on $left.a == $right.b and $right.c == $left.d"
        ),
        "T | join hint.strategy=broadcast kind=Some(LeftAnti) U on $left.a==$right.b, $left.d==$right.c"
    );
    assert_eq!(
        q("T | join kind=anti U on a"),
        "T | join kind=Some(LeftAnti) U on a"
    );
    assert_eq!(
        q("T | join kind = rightsemi U on (a)"),
        "T | join kind=Some(RightSemi) U on a"
    );
    assert_eq!(q("T | lookup U on a"), "T | lookup kind=None U on a");
    assert_eq!(
        q("T | lookup kind=inner (U) on $left.a == $right.a"),
        "T | lookup kind=Some(Inner) paren(U) on $left.a==$right.a"
    );
    let d = err("T | join U on a > b");
    assert!(d.message.contains("join condition"), "{d:?}");
    assert!(
        err("T | join kind=sideways U on a")
            .message
            .contains("unknown join kind `sideways`")
    );
    assert!(err("T | join U").message.contains("expected `on`"));
}

#[test]
fn mv_expand() {
    assert_eq!(q("T | mv-expand a"), "T | mv-expand a");
    assert_eq!(q("T | mvexpand a"), "T | mv-expand(legacy) a");
    assert_eq!(
        q("T | mv-expand kind=array with_itemindex=i x = a to typeof(long), b limit 10"),
        "T | mv-expand kind=array with_itemindex=i x=a to long, b limit long:10"
    );
    assert_eq!(
        q("T | mv-expand bagexpansion=bag d.x"),
        "T | mv-expand bagexpansion=bag d.x"
    );
}

#[test]
fn parse_operator() {
    assert_eq!(
        q(r#"T | parse Msg with * "id=" Id:long ", name=" Name *"#),
        r#"T | parse Simple Msg with * "id=" Id:long ", name=" Name *"#
    );
    assert_eq!(
        q(r#"T | parse kind=regex flags=Ui Msg with "x" A:string "y""#),
        r#"T | parse Regex flags=Ui Msg with "x" A:string "y""#
    );
    assert_eq!(
        q(r#"T | parse-where kind=relaxed tostring(d) with "a" b"#),
        r#"T | parse-where Relaxed tostring(d) with "a" b"#
    );
    assert!(
        err("T | parse Msg with")
            .message
            .contains("pattern element")
    );
    assert!(err("T | parse Msg").message.contains("expected `with`"));
}

#[test]
fn unsupported_operators_are_parsed_to_their_end() {
    assert_eq!(
        q("T | mv-apply x = a to typeof(long) on (summarize sum(x) | where y) | take 1"),
        "T | unsupported:mv-apply | take long:1"
    );
    assert_eq!(
        q("T | make-series c = count() on t step 1d by k"),
        "T | unsupported:make-series"
    );
    // top-nested is parsed into levels now (both spellings of the next level)
    assert_eq!(
        q("T | top-nested 3 of a by count(), top-nested of b by c = max(x) asc"),
        "T | top-nested long:3 of a by count(), of b by max(x)"
    );
    assert_eq!(
        q("T | partition by k { take 1 } | count"),
        "T | unsupported:partition | count"
    );
    assert_eq!(q("T | fork (where a) (take 1)"), "T | unsupported:fork");
    assert_eq!(q("T | count as N"), "T | unsupported:count as");
    assert_eq!(
        q("let x = (T | scan with (step s: true;)); x"),
        "let x = paren(T | unsupported:scan); x"
    );
}

#[test]
fn hyphenated_names_need_no_spaces() {
    // `mv - expand` is not an operator name
    assert!(
        err("T | mv - expand x")
            .message
            .contains("unknown tabular operator `mv`")
    );
    // `project - away` is `project (-away)`
    assert_eq!(q("T | project - away"), "T | project (neg away)");
}

// -------------------------------------------------------------------------------------------------------
// spans

#[test]
fn spans_cover_their_text() {
    let src = "let x = 1;\nT | where a + b has 'q' | project n = f(x), ['y z']";
    let query = parse(src).unwrap();
    assert_eq!(query.span.text(src), src);
    let Statement::Let(l) = &query.statements[0] else {
        panic!()
    };
    assert_eq!(l.span.text(src), "let x = 1");
    let Statement::Expr(e) = &query.statements[1] else {
        panic!()
    };
    assert_eq!(
        e.span.text(src),
        "T | where a + b has 'q' | project n = f(x), ['y z']"
    );
    let ExprKind::Pipe { input, op } = &e.kind else {
        panic!()
    };
    assert_eq!(op.span.text(src), "project n = f(x), ['y z']");
    assert_eq!(input.span.text(src), "T | where a + b has 'q'");
    let OpKind::Project(items) = &op.kind else {
        panic!()
    };
    assert_eq!(items[0].span.text(src), "n = f(x)");
    assert_eq!(items[0].expr.span.text(src), "f(x)");
    assert_eq!(items[1].span.text(src), "['y z']");
    assert_eq!(items[1].expr.span.text(src), "['y z']");
    let ExprKind::Ident(id) = &items[1].expr.kind else {
        panic!()
    };
    assert_eq!(id.name, "y z");
    let ExprKind::Pipe { op: where_op, .. } = &input.kind else {
        panic!()
    };
    let OpKind::Where(pred) = &where_op.kind else {
        panic!()
    };
    assert_eq!(pred.span.text(src), "a + b has 'q'");
    let ExprKind::Binary { right, .. } = &pred.kind else {
        panic!()
    };
    assert_eq!(right.span.text(src), "b has 'q'");
}

#[test]
fn spans_of_compound_nodes() {
    let src = "T | where x in ('a', 'b') and t between (1 .. 2) and -y > 0 and d['k'].m == 1";
    let e = only_expr(src);
    let ExprKind::Pipe { op, .. } = &e.kind else {
        panic!()
    };
    let OpKind::Where(pred) = &op.kind else {
        panic!()
    };
    let mut texts = Vec::new();
    fn walk(e: &Expr, src: &str, out: &mut Vec<String>) {
        out.push(e.span.text(src).to_string());
        match &e.kind {
            ExprKind::Binary { left, right, .. } => {
                walk(left, src, out);
                walk(right, src, out);
            }
            ExprKind::Unary { expr, .. } | ExprKind::Member { expr, .. } => walk(expr, src, out),
            ExprKind::Index { expr, index } => {
                walk(expr, src, out);
                walk(index, src, out);
            }
            ExprKind::ListOp { expr, items, .. } => {
                walk(expr, src, out);
                items.iter().for_each(|i| walk(i, src, out));
            }
            ExprKind::Between {
                expr, low, high, ..
            } => {
                walk(expr, src, out);
                walk(low, src, out);
                walk(high, src, out);
            }
            _ => {}
        }
    }
    walk(pred, src, &mut texts);
    let expected = [
        "x in ('a', 'b') and t between (1 .. 2) and -y > 0 and d['k'].m == 1",
        "x in ('a', 'b') and t between (1 .. 2) and -y > 0",
        "x in ('a', 'b') and t between (1 .. 2)",
        "x in ('a', 'b')",
        "x",
        "'a'",
        "'b'",
        "t between (1 .. 2)",
        "t",
        "1",
        "2",
        "-y > 0",
        "-y",
        "y",
        "0",
        "d['k'].m == 1",
        "d['k'].m",
        "d['k']",
        "d",
        "'k'",
        "1",
    ];
    assert_eq!(texts, expected);
}

#[test]
fn pipe_span_covers_input_through_operator() {
    let src = "  T\n| where a  // c\n| take 5 ; ";
    let e = only_expr(src);
    assert_eq!(e.span.text(src), "T\n| where a  // c\n| take 5");
    let ExprKind::Pipe { input, op } = &e.kind else {
        panic!()
    };
    assert_eq!(input.span.text(src), "T\n| where a");
    assert_eq!(op.span.text(src), "take 5");
}

// -------------------------------------------------------------------------------------------------------
// diagnostics

#[test]
fn error_points_at_offending_token() {
    let src = "T | where (a | b";
    let d = err(src);
    assert_eq!(d.kind, DiagKind::Syntax);
    assert_eq!(d.span, Some(Span::new(15, 16)));
    assert!(d.message.contains("unknown tabular operator `b`"), "{d:?}");

    let src = "T | where f(a b";
    let d = err(src);
    assert_eq!(
        d.message,
        "expected `,` or `)` to close the call to `f` at line 1, column 12, found `b`"
    );
    assert_eq!(d.span.map(|s| s.text(src)), Some("b"));

    let src = "T | where (a == 1 | take 1";
    let d = err(src);
    assert!(
        d.message.starts_with("unknown tabular operator") || d.message.contains("expected `)`"),
        "{d:?}"
    );

    let src = "print (1 + 2";
    let d = err(src);
    assert_eq!(
        d.message,
        "expected `)` to close the `(` at line 1, column 7, found end of query"
    );
}

#[test]
fn error_for_bare_bang() {
    let src = "T | where ! (a == 1)";
    let d = err(src);
    assert_eq!(d.span, Some(Span::new(10, 11)));
    assert!(d.help.as_deref().unwrap_or("").contains("not("));
}

#[test]
fn error_for_unterminated_string_points_at_opening_quote() {
    let src = "T\n| where a == 'abc\n| take 1";
    let d = err(src);
    assert_eq!(d.message, "unterminated string literal");
    assert_eq!(d.span, Some(Span::new(15, 16)));
}

#[test]
fn error_for_missing_semicolon_after_let() {
    let src = "let x = 5\nT | take x";
    let d = err(src);
    assert_eq!(
        d.message,
        "expected `;` after the `let` statement, found `T`"
    );
    assert_eq!(d.span.map(|s| s.text(src)), Some("T"));
}

#[test]
fn error_for_assignment_in_where() {
    let d = err("T | where a = 1");
    assert!(d.help.as_deref().unwrap_or("").contains("=="), "{d:?}");
    assert_eq!(d.span, Some(Span::new(12, 13)));
}

#[test]
fn error_for_condition_without_where() {
    let src = "T\n| Sha1 in ('a')";
    let d = err(src);
    assert_eq!(d.span.map(|s| s.text(src)), Some("Sha1"));
    assert!(
        d.help.as_deref().unwrap_or("").contains("| where Sha1"),
        "{d:?}"
    );
}

#[test]
fn empty_and_trivial_inputs() {
    for src in [
        "",
        "   ",
        "// only a comment",
        ";",
        "|",
        "T |",
        "let x = 1",
        "let",
        "print",
        "T | where",
    ] {
        let _ = parse(src);
    }
    assert!(err("").message.contains("empty"));
    assert!(parse("let x = 1").is_ok());
    assert!(parse("let x = 1;").is_ok());
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let src = format!("print {}1{}", "(".repeat(5000), ")".repeat(5000));
    assert!(err(&src).message.contains("nested too deeply"));
    let src = format!("print {}1", "-".repeat(5000));
    assert!(err(&src).message.contains("nested too deeply"));
    let src = format!("print dynamic({}1{})", "[".repeat(5000), "]".repeat(5000));
    assert!(err(&src).message.contains("nested too deeply"));
    let src = format!("print x{}", "[1]".repeat(1000));
    assert!(parse(&src).is_ok());
    // long operator chains are capped, so that no later recursion over the tree can overflow the stack
    let src = format!("print x{}", " or x".repeat(5000));
    assert!(err(&src).message.contains("too long"));
    let src = format!("print x{}", "[1]".repeat(5000));
    assert!(err(&src).message.contains("too long"));
    let src = format!("print x{}", " + 1".repeat(1500));
    assert!(parse(&src).is_ok());
    // moderately deep queries parse
    let src = format!("print {}1{}", "(".repeat(40), ")".repeat(40));
    assert!(parse(&src).is_ok());
}

#[test]
fn garbage_never_panics() {
    let pieces = [
        "T",
        "|",
        "where",
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "'a'",
        "1",
        "1d",
        ",",
        ";",
        "=",
        "==",
        "in",
        "!in",
        "by",
        "let",
        "x",
        "datetime(",
        "dynamic(",
        "{",
        ":",
        "..",
        "between",
        "*",
        "-",
        "join",
        "on",
        "$left",
        ".",
        "summarize",
        "mv-expand",
        "parse",
        "with",
        "union",
        "project-away",
        "@'",
        "```",
        "typeof(",
        "!",
        "~",
    ];
    // a deterministic pseudo-random walk over token soups
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..3000 {
        let mut src = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let n = (seed % 16) as usize;
        for i in 0..n {
            let r = seed.rotate_left((i * 7) as u32) as usize;
            src.push_str(pieces[r % pieces.len()]);
            if !r.is_multiple_of(3) {
                src.push(' ');
            }
        }
        let _ = parse(&src);
    }
}

// -------------------------------------------------------------------------------------------------------
// snapshots (reviewed by hand)

#[test]
fn snapshot_full_ast_small_query() {
    let src = "let t = 1h;\nT | where A has 'x' and B in ('a', 'b')\n| summarize n = count() by bin(Timestamp, t)";
    insta::assert_debug_snapshot!(parse(src).unwrap());
}

#[test]
fn snapshot_join_ast() {
    let src = "T | join kind=inner (U | project b) on $left.a == $right.b";
    insta::assert_debug_snapshot!(parse(src).unwrap());
}

#[test]
fn snapshot_diagnostics() {
    let cases = [
        "T | where (a | b",
        "T\n| where ! (a == 1)",
        "T\n| where a == 'abc\n| take 1",
        "let x = 5\nT | take x",
        "T | where a = 1",
        "T\n| Sha1 in ('a', 'b')",
        "print datetime(2015-13-45)",
        "T | sumarize count()",
        "T | where x has ('a', 'b')",
        "T | join U",
        "print a == b == c",
        "T | where f(a b",
        "",
    ];
    let rendered: Vec<String> = cases
        .iter()
        .map(|c| format!("--- {c:?}\n{}", render(c)))
        .collect();
    insta::assert_snapshot!(rendered.join("\n\n"));
}

/// The stack budget holds on a small thread: deep input gives an error, never an overflow.
#[test]
fn deep_nesting_on_a_small_stack() {
    let r = std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(|| {
            let mut max_ok = 0;
            for n in [5usize, 10, 15, 20, 25, 30, 40, 60, 100, 1000] {
                let src = format!("T | where {}x{}", "(T | where (".repeat(n), "))".repeat(n));
                match parse(&src) {
                    Ok(_) => max_ok = n,
                    Err(d) => assert!(d.message.contains("nested too deeply"), "{d:?}"),
                }
            }
            max_ok
        })
        .unwrap()
        .join()
        .unwrap();
    eprintln!("deepest nesting parsed: {r} levels of `(T | where (`");
    assert!(r >= 5, "{r}");
}
