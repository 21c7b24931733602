//! The KQL syntax tree.
//!
//! One expression grammar covers scalar and tabular expressions, as in Microsoft's own parser: a pipe
//! `A | where x` is the lowest-precedence expression form (`ExprKind::Pipe`), and tabular sources (`datatable`,
//! `print`, `range`, `union`) are expression kinds too. Whether a name or a `let` binds a table or a scalar is
//! decided by the planner, which knows the tables and the bindings; the parser cannot know.
//!
//! Every node carries the byte span of its text in the query, so diagnostics, parameter discovery and
//! substitution work on the original source.

use serde::Serialize;

use super::types::ScalarType;

/// Byte offsets `[start, end)` into the query text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }
    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn text<'a>(&self, source: &'a str) -> &'a str {
        source.get(self.start..self.end).unwrap_or("")
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A whole query: statements separated by `;`. The last non-`let` statement is the query's result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Query {
    pub statements: Vec<Statement>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Statement {
    /// `let name = value;`
    Let(LetStmt),
    /// A tabular (or, inside function bodies, scalar) expression statement.
    Expr(Expr),
    /// `set option = value;` and `declare query_parameters(...)`: accepted and recorded, no effect.
    Set {
        name: Ident,
        value: Option<Expr>,
        span: Span,
    },
    DeclareQueryParameters {
        params: Vec<Param>,
        span: Span,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LetStmt {
    pub name: Ident,
    pub value: LetValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum LetValue {
    /// Scalar or tabular; the planner decides.
    Expr(Expr),
    /// `(a:long, T:(*)) { body }`
    Function(FunctionDef),
    /// `view () { body }`
    View(FunctionDef),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FunctionDef {
    pub params: Vec<Param>,
    /// Statements of the body; the last one is `Statement::Expr`, the function's value.
    pub body: Vec<Statement>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Param {
    pub name: Ident,
    pub ty: ParamType,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ParamType {
    Scalar(ScalarType),
    /// `T:(*)` is `Tabular(None)`; `T:(a:long, b:string)` lists the columns it requires.
    Tabular(Option<Vec<ColumnDecl>>),
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ColumnDecl {
    pub name: Ident,
    pub ty: ScalarType,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ExprKind {
    Literal(Literal),
    /// A column, a `let` name, a table name. `['name']` and `["name"]` quoted names land here too.
    Ident(Ident),
    /// `*` as an argument: `count(*)`? no; `arg_max(x, *)`, `take_any(*)`, `distinct *`.
    Star,
    Binary {
        op: BinOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Unary {
        op: UnaryOp,
        expr: Box<Expr>,
    },
    /// `name(args)`: scalar function, aggregate, user function, or tabular function/table call.
    Call {
        name: Ident,
        args: Vec<Expr>,
    },
    /// `expr.name` (dynamic property, or `$left.x` / `$right.x` in join conditions, where the base is the
    /// identifier `$left` / `$right`).
    Member {
        expr: Box<Expr>,
        name: Ident,
    },
    /// `expr[index]`: dynamic index or key.
    Index {
        expr: Box<Expr>,
        index: Box<Expr>,
    },
    /// `x in (a, b)`, `x !in~ (T | project c)`, `x has_any (list)`, `x has_all (...)`.
    /// An item is a scalar, a dynamic array (flattened), or a tabular expression (first column).
    ListOp {
        op: ListOp,
        expr: Box<Expr>,
        items: Vec<Expr>,
    },
    /// `x between (lo .. hi)` / `x !between (lo .. hi)`.
    Between {
        negated: bool,
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
    },
    /// `typeof(long)`: a type as a value (`extract(..., typeof(long))`, `mv-expand x to typeof(string)`).
    TypeOf(ScalarType),
    /// `( expr )`: kept so that rendering and spans follow the source.
    Paren(Box<Expr>),
    /// `input | operator`: the tabular pipe, lowest precedence.
    Pipe {
        input: Box<Expr>,
        op: Box<Operator>,
    },
    /// `datatable(a:long, b:string) [1, "x", 2, "y"]`; values in row-major order.
    Datatable {
        columns: Vec<ColumnDecl>,
        values: Vec<Expr>,
    },
    /// `print a = 1, 2`.
    Print(Vec<NamedExpr>),
    /// `range x from 1 to 10 step 1`.
    Range {
        name: Ident,
        from: Box<Expr>,
        to: Box<Expr>,
        step: Box<Expr>,
    },
    /// `union T1, T2` as a source (not after a pipe).
    Union(UnionSpec),
    /// `search [in (T1, T2)] predicate` as a source.
    Search(SearchSpec),
    /// `externaldata`, `evaluate` as source, `find`, `cluster(...)`, ...: parsed far enough to report by name.
    UnsupportedSource {
        name: String,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum UnaryOp {
    Neg,
    Plus,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum BinOp {
    Or,
    And,
    // equality family
    Eq,
    NotEq,
    // relational
    Lt,
    Le,
    Gt,
    Ge,
    // arithmetic
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    // string operators (case-insensitive unless _cs)
    EqTilde,
    NotEqTilde,
    Has,
    NotHas,
    HasCs,
    NotHasCs,
    HasPrefix,
    NotHasPrefix,
    HasPrefixCs,
    NotHasPrefixCs,
    HasSuffix,
    NotHasSuffix,
    HasSuffixCs,
    NotHasSuffixCs,
    Contains,
    NotContains,
    ContainsCs,
    NotContainsCs,
    StartsWith,
    NotStartsWith,
    StartsWithCs,
    NotStartsWithCs,
    EndsWith,
    NotEndsWith,
    EndsWithCs,
    NotEndsWithCs,
    MatchesRegex,
    Like,
    NotLike,
    LikeCs,
    NotLikeCs,
}

impl BinOp {
    /// A string operator (`=~`, `has`, `contains`, `startswith`, `matches regex`, `like` and their negated and
    /// case-sensitive forms): one that compares text, not values.
    pub fn is_string_op(self) -> bool {
        use BinOp::*;
        !matches!(
            self,
            Or | And | Eq | NotEq | Lt | Le | Gt | Ge | Add | Sub | Mul | Div | Mod
        )
    }

    /// The operator as written in KQL.
    pub fn as_str(self) -> &'static str {
        use BinOp::*;
        match self {
            Or => "or",
            And => "and",
            Eq => "==",
            NotEq => "!=",
            Lt => "<",
            Le => "<=",
            Gt => ">",
            Ge => ">=",
            Add => "+",
            Sub => "-",
            Mul => "*",
            Div => "/",
            Mod => "%",
            EqTilde => "=~",
            NotEqTilde => "!~",
            Has => "has",
            NotHas => "!has",
            HasCs => "has_cs",
            NotHasCs => "!has_cs",
            HasPrefix => "hasprefix",
            NotHasPrefix => "!hasprefix",
            HasPrefixCs => "hasprefix_cs",
            NotHasPrefixCs => "!hasprefix_cs",
            HasSuffix => "hassuffix",
            NotHasSuffix => "!hassuffix",
            HasSuffixCs => "hassuffix_cs",
            NotHasSuffixCs => "!hassuffix_cs",
            Contains => "contains",
            NotContains => "!contains",
            ContainsCs => "contains_cs",
            NotContainsCs => "!contains_cs",
            StartsWith => "startswith",
            NotStartsWith => "!startswith",
            StartsWithCs => "startswith_cs",
            NotStartsWithCs => "!startswith_cs",
            EndsWith => "endswith",
            NotEndsWith => "!endswith",
            EndsWithCs => "endswith_cs",
            NotEndsWithCs => "!endswith_cs",
            MatchesRegex => "matches regex",
            Like => "like",
            NotLike => "notlike",
            LikeCs => "likecs",
            NotLikeCs => "notlikecs",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ListOp {
    In,
    NotIn,
    InCi,
    NotInCi,
    HasAny,
    HasAll,
}

impl ListOp {
    pub fn as_str(self) -> &'static str {
        match self {
            ListOp::In => "in",
            ListOp::NotIn => "!in",
            ListOp::InCi => "in~",
            ListOp::NotInCi => "!in~",
            ListOp::HasAny => "has_any",
            ListOp::HasAll => "has_all",
        }
    }
}

/// Literal values, already decoded. Datetimes and timespans are in 100 ns ticks (datetimes since the Unix
/// epoch, UTC). `None` is the typed null (`long(null)`, `datetime(null)`, ...).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Literal {
    Bool(Option<bool>),
    Int(Option<i32>),
    Long(Option<i64>),
    Real(Option<f64>),
    Decimal(Option<f64>),
    String(String),
    DateTime(Option<i64>),
    TimeSpan(Option<i64>),
    Guid(Option<String>),
    /// `dynamic(...)`; `serde_json::Value::Null` for `dynamic(null)`. Typed literals inside (datetime(...))
    /// are stored in their JSON form (ISO-8601 string).
    Dynamic(serde_json::Value),
}

/// `name = expr`, `(a, b) = expr` (tuple assignment), or a bare `expr`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NamedExpr {
    pub names: Vec<Ident>,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Operator {
    pub kind: OpKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum NullsOrder {
    First,
    Last,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SortKey {
    pub expr: Expr,
    pub order: Option<SortOrder>,
    pub nulls: Option<NullsOrder>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum JoinKind {
    InnerUnique,
    Inner,
    LeftOuter,
    RightOuter,
    FullOuter,
    LeftSemi,
    LeftAnti,
    RightSemi,
    RightAnti,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum JoinCond {
    /// `on Col`: the same column on both sides.
    Same(Ident),
    /// `on $left.a == $right.b` (either order in the source; normalised to left/right here).
    Pair { left: Ident, right: Ident },
}

/// A `name=value` option of an operator (`kind=inner`, `hint.strategy=broadcast`, `withsource=T`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OpParam {
    pub name: Ident,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnionSpec {
    /// `kind=`, `withsource=`, `isfuzzy=` ...
    pub params: Vec<OpParam>,
    /// Each leg: an identifier possibly with wildcards (`Device*`) as `ExprKind::Ident`, or any tabular
    /// expression (parenthesised).
    pub legs: Vec<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchSpec {
    pub params: Vec<OpParam>,
    /// `in (T1, T2)`; empty for all tables (as a source) or the piped input.
    pub tables: Vec<Ident>,
    pub predicate: Box<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MvExpandItem {
    pub target: NamedExpr,
    pub to_type: Option<ScalarType>,
    pub span: Span,
}

/// One level of `top-nested`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TopNestedLevel {
    /// How many values to keep at this level; all when absent.
    pub n: Option<Expr>,
    /// `of Expr` (optionally named).
    pub of: NamedExpr,
    /// `with others = Expr`: not run, kept so the engine can say so.
    pub others: Option<Expr>,
    /// `by [Name =] Aggregate`.
    pub by: NamedExpr,
    pub order: Option<SortOrder>,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ParseKind {
    Simple,
    Regex,
    Relaxed,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum ParsePart {
    /// A constant string to match.
    Literal(String),
    /// `*`: skip.
    Star,
    /// `Name` or `Name:type`.
    Column { name: Ident, ty: Option<ScalarType> },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ReorderOrder {
    Asc,
    Desc,
    GrannyAsc,
    GrannyDesc,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum OpKind {
    /// `where` / `filter`
    Where(Expr),
    Project(Vec<NamedExpr>),
    /// Names may hold `*` wildcards.
    ProjectAway(Vec<Ident>),
    ProjectKeep(Vec<Ident>),
    /// `project-rename new = old, ...`: (new, old)
    ProjectRename(Vec<(Ident, Ident)>),
    ProjectReorder(Vec<(Ident, Option<ReorderOrder>)>),
    Extend(Vec<NamedExpr>),
    Summarize {
        params: Vec<OpParam>,
        aggs: Vec<NamedExpr>,
        by: Vec<NamedExpr>,
    },
    /// The `count` operator, optionally `count as Name`? (no: `| count` only).
    Count,
    /// `distinct a, b` or `distinct *` (`ExprKind::Star`).
    Distinct(Vec<Expr>),
    /// `take` / `limit`
    Take(Expr),
    /// `sort by` / `order by`
    Sort(Vec<SortKey>),
    /// `top N by key [asc|desc] [nulls first|last]`
    Top {
        n: Expr,
        by: Vec<SortKey>,
    },
    Join {
        params: Vec<OpParam>,
        kind: Option<JoinKind>,
        right: Box<Expr>,
        on: Vec<JoinCond>,
    },
    Lookup {
        params: Vec<OpParam>,
        kind: Option<JoinKind>,
        right: Box<Expr>,
        on: Vec<JoinCond>,
    },
    Union(UnionSpec),
    /// `mv-expand` / `mvexpand` (legacy: default limit 128)
    MvExpand {
        legacy: bool,
        params: Vec<OpParam>,
        items: Vec<MvExpandItem>,
        limit: Option<Expr>,
    },
    Parse {
        kind: ParseKind,
        /// `parse-where`
        where_: bool,
        flags: Option<String>,
        expr: Expr,
        parts: Vec<ParsePart>,
    },
    Serialize(Vec<NamedExpr>),
    /// `as Name`
    As(Ident),
    /// `getschema`
    GetSchema,
    /// `invoke f(args)`
    Invoke {
        name: Ident,
        args: Vec<Expr>,
    },
    Search(SearchSpec),
    /// `evaluate plugin(args)`
    Evaluate {
        plugin: Ident,
        args: Vec<Expr>,
    },
    /// `top-nested [N] of Expr by [Name =] Aggregate [asc|desc], ...`: one level per item.
    TopNested(Vec<TopNestedLevel>),
    /// `sample N`
    Sample(Expr),
    /// `render chart ...`: a display hint; the table passes through.
    Render {
        chart: Ident,
    },
    /// An operator the parser recognises but the engine does not run (`mv-apply`, `make-series`,
    /// `top-nested`, `partition`, `scan`, `fork`, `facet`, ...). Parsed to its end so the error names it.
    Unsupported {
        name: String,
    },
}
