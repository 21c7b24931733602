//! The scalar function library: KQL functions evaluated row by row over [`Value`]s.
//!
//! The planner compiles the hot path (comparisons, the has family, arithmetic, aggregates) to vectorised
//! polars expressions; every other scalar function comes from here. A function is looked up by name
//! ([`lookup`]), then *prepared* once per call site with what the planner knows at plan time: the argument
//! types and, for constant arguments, their values (a regex or a format string is compiled once there, and a
//! `typeof(...)` argument fixes the result type). Preparing returns the result type and the row function.
//!
//! A row function never panics: a value it cannot handle gives the KQL answer for that case (usually null,
//! or `""` for strings).
//!
//! Where the real engine's behaviour is not known for an input *type* (e.g. `todatetime()` of a number), the
//! function refuses at prepare time with an "unsupported" message rather than guessing an answer.

use std::sync::Arc;

use crate::kql::ScalarType;

use super::value::Value;

mod compress;
mod convert;
mod datetime;
mod dynamic;
mod encode;
mod geo;
mod ip;
mod logic;
mod math;
mod parse;
mod punycode;
mod series;
mod special;
mod string;
mod units;
mod util;

pub use util::kql_tostring;

/// What the planner knows of an argument when it prepares a call.
#[derive(Clone, Debug)]
pub struct ArgInfo {
    pub ty: ScalarType,
    /// The value when the argument is a constant (a literal, a scalar `let`, `now()`, a constant expression).
    /// For a `typeof(T)` argument: `Some(Value::String(T's name))` with `ty` = String; see [`ArgInfo::type_arg`].
    pub constant: Option<Value>,
    /// True when the argument was written `typeof(T)`.
    pub is_type: bool,
}

impl ArgInfo {
    pub fn new(ty: ScalarType) -> Self {
        ArgInfo {
            ty,
            constant: None,
            is_type: false,
        }
    }
    pub fn constant(v: Value, ty: ScalarType) -> Self {
        ArgInfo {
            ty,
            constant: Some(v),
            is_type: false,
        }
    }
    /// A `typeof(T)` argument.
    pub fn type_of(ty: ScalarType) -> Self {
        ArgInfo {
            ty: ScalarType::String,
            constant: Some(Value::String(ty.name().to_string())),
            is_type: true,
        }
    }
    /// The type named by a `typeof(T)` argument.
    pub fn type_arg(&self) -> Option<ScalarType> {
        if !self.is_type {
            return None;
        }
        self.constant
            .as_ref()
            .and_then(|v| v.as_str())
            .and_then(ScalarType::from_name)
    }
    pub fn const_str(&self) -> Option<&str> {
        self.constant.as_ref().and_then(|v| v.as_str())
    }
    pub fn const_i64(&self) -> Option<i64> {
        self.constant.as_ref().and_then(|v| v.as_i64())
    }
}

pub type RowFn = Arc<dyn Fn(&[Value]) -> Value + Send + Sync>;

/// A prepared call: the result type and the function that computes one row from the argument values
/// (in the argument order, with nulls as [`Value::Null`] and strings never null).
#[derive(Clone)]
pub struct Prepared {
    pub ty: ScalarType,
    pub eval: RowFn,
}

impl Prepared {
    pub fn new(ty: ScalarType, f: impl Fn(&[Value]) -> Value + Send + Sync + 'static) -> Self {
        Prepared {
            ty,
            eval: Arc::new(f),
        }
    }
}

/// How an unnamed call is named in `extend`/`project`/`summarize by` (Kusto's binder rules, the
/// `ResultNameKind` of each function in Kusto.Language's `Functions.cs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// `Column1`, `Column2`, ... (strcat, tolower, iff, ...)
    Default,
    /// The first argument's name (tostring(x) -> x, bin(Timestamp, 1h) -> Timestamp, ...)
    FirstArg,
    /// The function's name and the first argument's name: `strlen(x)` -> `strlen_x`.
    NameAndFirstArg,
    /// A fixed prefix and the first argument's name: `gettype(x)` -> `type_x`.
    PrefixAndFirstArg(&'static str),
    /// The first argument's name when it is the only argument (`make_datetime(x)` -> `x`), else the default.
    OnlyArg,
    /// `<first arg>_sorted`, or `array0_sorted` for an unnamed argument: `array_sort_asc`/`_desc` return one
    /// column per sorted array ([P] Functions.cs `GetArraySortResult`; [E] array-sort-asc-function-00).
    ArraySorted,
}

impl Naming {
    /// The column name of an unnamed call of `fn_name`, given the names the planner infers for its arguments
    /// (`None` for an argument without a name, such as a literal or an operator expression). `None` means
    /// "use the default name" (`Column1`, ... or `print_0`, ...).
    pub fn column_name(self, fn_name: &str, arg_names: &[Option<&str>]) -> Option<String> {
        let first = arg_names.first().copied().flatten();
        match self {
            Naming::Default => None,
            Naming::FirstArg => first.map(str::to_string),
            Naming::NameAndFirstArg => first.map(|a| format!("{fn_name}_{a}")),
            Naming::PrefixAndFirstArg(p) => first.map(|a| format!("{p}_{a}")),
            Naming::ArraySorted => Some(format!("{}_sorted", first.unwrap_or("array0"))),
            Naming::OnlyArg => {
                if arg_names.len() == 1 {
                    first.map(str::to_string)
                } else {
                    None
                }
            }
        }
    }
}

/// Preparation error: the message names the problem with the arguments ("format_datetime expects a constant
/// format string"); the planner adds the span.
pub type PrepareFn = fn(&[ArgInfo]) -> Result<Prepared, String>;

pub struct FnDef {
    pub name: &'static str,
    pub min_args: usize,
    pub max_args: usize,
    pub naming: Naming,
    pub prepare: PrepareFn,
}

/// All functions, by canonical name, then aliases (`iif` -> `iff`, `parsejson` -> `parse_json`, ...).
fn registry() -> impl Iterator<Item = &'static FnDef> {
    string::FUNCTIONS
        .iter()
        .chain(convert::FUNCTIONS)
        .chain(logic::FUNCTIONS)
        .chain(encode::FUNCTIONS)
        .chain(parse::FUNCTIONS)
        .chain(datetime::FUNCTIONS)
        .chain(math::FUNCTIONS)
        .chain(dynamic::FUNCTIONS)
        .chain(ip::FUNCTIONS)
        .chain(geo::FUNCTIONS)
        .chain(series::FUNCTIONS)
        .chain(compress::FUNCTIONS)
        .chain(punycode::FUNCTIONS)
        .chain(special::FUNCTIONS)
        .chain(units::FUNCTIONS)
}

/// Legacy and alternative names. Each alias has the same semantics and naming as its target in Kusto.
const ALIASES: &[(&str, &str)] = &[
    ("iif", "iff"),
    ("toboolean", "tobool"),
    ("todouble", "toreal"),
    ("todynamic", "parse_json"),
    ("toobject", "parse_json"),
    ("parsejson", "parse_json"),
    ("totime", "totimespan"),
    ("extractjson", "extract_json"),
    ("extractall", "extract_all"),
    ("notempty", "isnotempty"),
    ("notnull", "isnotnull"),
    ("pack", "bag_pack"),
    ("pack_dictionary", "bag_pack"),
    ("base64_encodestring", "base64_encode_tostring"),
    ("base64_decodestring", "base64_decode_tostring"),
    ("array_iif", "array_iff"),
    ("array_strcat", "strcat_array"),
    ("arraylength", "array_length"),
    ("make_string", "unicode_codepoints_to_string"),
    ("to_utf8", "unicode_codepoints_from_string"),
    ("floor", "bin"),
    ("parseurl", "parse_url"),
    ("parseurlquery", "parse_urlquery"),
    ("datepart", "datetime_part"),
    ("weekofyear", "week_of_year"),
    ("getmonth", "monthofyear"),
];

/// The function named `name` (case-sensitive, as KQL is), following legacy aliases.
pub fn lookup(name: &str) -> Option<&'static FnDef> {
    let canonical = ALIASES
        .iter()
        .find(|(a, _)| *a == name)
        .map(|(_, c)| *c)
        .unwrap_or(name);
    registry().find(|f| f.name == canonical)
}

/// Every function name known, for "did you mean" and `huntbench check`.
pub fn names() -> Vec<&'static str> {
    registry()
        .map(|f| f.name)
        .chain(ALIASES.iter().map(|(a, _)| *a))
        .collect()
}

/// Prepares a call after checking the argument count.
pub fn prepare(def: &FnDef, args: &[ArgInfo]) -> Result<Prepared, String> {
    if args.len() < def.min_args || args.len() > def.max_args {
        let want = if def.min_args == def.max_args {
            format!("{}", def.min_args)
        } else if def.max_args == usize::MAX {
            format!("at least {}", def.min_args)
        } else {
            format!("{} to {}", def.min_args, def.max_args)
        };
        return Err(format!(
            "{}() takes {want} argument(s), got {}",
            def.name,
            args.len()
        ));
    }
    (def.prepare)(args)
}

/// Evaluates a prepared call over constant arguments (used for constant folding and by tests).
pub fn call_const(name: &str, args: &[Value]) -> Result<Value, String> {
    let def = lookup(name).ok_or_else(|| format!("unknown function {name}"))?;
    let infos: Vec<ArgInfo> = args
        .iter()
        .map(|v| ArgInfo::constant(v.clone(), v.scalar_type().unwrap_or(ScalarType::Dynamic)))
        .collect();
    let p = prepare(def, &infos)?;
    Ok((p.eval)(args))
}

/// Like [`call_const`], with the argument infos given (typed nulls, `typeof(T)` arguments). The values passed
/// to the row function are the constants of the infos (`Value::Null` where there is none).
pub fn call_with(name: &str, infos: &[ArgInfo]) -> Result<(ScalarType, Value), String> {
    let def = lookup(name).ok_or_else(|| format!("unknown function {name}"))?;
    let p = prepare(def, infos)?;
    let values: Vec<Value> = infos
        .iter()
        .map(|i| i.constant.clone().unwrap_or(Value::Null))
        .collect();
    Ok((p.ty, (p.eval)(&values)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_resolves_and_is_unique() {
        let mut seen = std::collections::HashSet::new();
        for f in registry() {
            assert!(seen.insert(f.name), "duplicate function {}", f.name);
            assert!(f.min_args <= f.max_args, "{}", f.name);
        }
        for (alias, target) in ALIASES {
            assert!(
                lookup(target).is_some(),
                "alias {alias} -> missing {target}"
            );
            assert!(!seen.contains(alias), "alias {alias} shadows a function");
        }
    }

    #[test]
    fn naming_rules() {
        // [P] Functions.cs: strlen is NameAndFirstArgument, gettype PrefixAndFirstArgument("type"),
        // make_datetime OnlyArgument.
        assert_eq!(
            Naming::NameAndFirstArg.column_name("strlen", &[Some("Name")]),
            Some("strlen_Name".into())
        );
        assert_eq!(
            Naming::PrefixAndFirstArg("type").column_name("gettype", &[Some("x")]),
            Some("type_x".into())
        );
        assert_eq!(
            Naming::OnlyArg.column_name("make_datetime", &[Some("d")]),
            Some("d".into())
        );
        assert_eq!(
            Naming::OnlyArg.column_name("make_datetime", &[Some("y"), Some("m"), Some("d")]),
            None
        );
        assert_eq!(Naming::FirstArg.column_name("tostring", &[None]), None);
        assert_eq!(lookup("tostring").map(|f| f.naming), Some(Naming::FirstArg));
        assert_eq!(lookup("strcat").map(|f| f.naming), Some(Naming::Default));
        assert_eq!(lookup("floor").map(|f| f.name), Some("bin"));
    }

    #[test]
    fn argument_count_is_checked() {
        let e = call_const("strlen", &[]).unwrap_err();
        assert!(e.contains("takes 1 argument"), "{e}");
    }
}

/// Per-row cost of a few prepared functions: `cargo test --lib bench_row_functions -- --ignored --nocapture`.
#[cfg(test)]
mod bench {
    use super::*;

    #[test]
    #[ignore]
    fn bench_row_functions() {
        let text = Value::String(
            r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe -enc SQBFAFgA".into(),
        );
        let json = Value::String(r#"{"Command":"whoami /all","Count":3,"Tags":["a","b"]}"#.into());
        let cases: Vec<(&str, Vec<ArgInfo>, Vec<Value>)> = vec![
            (
                "tolower",
                vec![ArgInfo::new(ScalarType::String)],
                vec![text.clone()],
            ),
            (
                "extract",
                vec![
                    ArgInfo::constant(Value::String(r"-enc\s+(\S+)".into()), ScalarType::String),
                    ArgInfo::constant(Value::Long(1), ScalarType::Long),
                    ArgInfo::new(ScalarType::String),
                ],
                vec![
                    Value::String(r"-enc\s+(\S+)".into()),
                    Value::Long(1),
                    text.clone(),
                ],
            ),
            (
                "parse_json",
                vec![ArgInfo::new(ScalarType::String)],
                vec![json.clone()],
            ),
            (
                "extract_json",
                vec![
                    ArgInfo::constant(Value::String("$.Command".into()), ScalarType::String),
                    ArgInfo::new(ScalarType::String),
                ],
                vec![Value::String("$.Command".into()), json],
            ),
            (
                "split",
                vec![
                    ArgInfo::new(ScalarType::String),
                    ArgInfo::constant(Value::String(r"\".into()), ScalarType::String),
                ],
                vec![text.clone(), Value::String(r"\".into())],
            ),
            (
                "format_datetime",
                vec![
                    ArgInfo::new(ScalarType::DateTime),
                    ArgInfo::constant(Value::String("yyyy-MM-dd HH:mm".into()), ScalarType::String),
                ],
                vec![
                    Value::DateTime(17_000_000_000_000_000),
                    Value::String("yyyy-MM-dd HH:mm".into()),
                ],
            ),
        ];
        let n = 200_000;
        for (name, infos, vals) in cases {
            let p = lookup(name).map(|d| prepare(d, &infos));
            let Some(Ok(p)) = p else { panic!("{name}") };
            let t = std::time::Instant::now();
            for _ in 0..n {
                std::hint::black_box((p.eval)(std::hint::black_box(&vals)));
            }
            println!(
                "{name}: {:.0} ns/row",
                t.elapsed().as_nanos() as f64 / n as f64
            );
        }
    }
}
