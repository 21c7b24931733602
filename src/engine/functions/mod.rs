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

use std::sync::Arc;

use crate::kql::ScalarType;

use super::value::Value;

mod string;

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

/// How an unnamed call is named in `extend`/`project`/`summarize by` (Kusto's binder rules).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// `Column1`, `Column2`, ... (strcat, tolower, iff, ...)
    Default,
    /// The first argument's name (tostring(x) -> x, bin(Timestamp, 1h) -> Timestamp, ...)
    FirstArg,
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
    string::FUNCTIONS.iter()
}

const ALIASES: &[(&str, &str)] = &[];

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
