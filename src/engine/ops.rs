//! Operators over single values: constant folding, and the row-wise fallback for operand types the
//! vectorised path does not cover (dynamic operands, mixed types).

use std::cmp::Ordering;

use crate::kql::ScalarType;
use crate::kql::ast::BinOp;

use super::has::{self, SubstrKind, TermMatch};
use super::value::Value;

/// The result type of `a op b`, or an error message for operand types KQL rejects.
pub fn binop_type(op: BinOp, a: ScalarType, b: ScalarType) -> Result<ScalarType, String> {
    use BinOp::*;
    use ScalarType as T;
    let bad = || {
        Err(format!(
            "operator {} cannot be applied to {a} and {b}",
            op.as_str()
        ))
    };
    match op {
        Or | And => {
            if matches!(a, T::Bool | T::Dynamic) && matches!(b, T::Bool | T::Dynamic) {
                Ok(T::Bool)
            } else {
                bad()
            }
        }
        Eq | NotEq | Lt | Le | Gt | Ge => Ok(T::Bool),
        Add => match (a, b) {
            (T::DateTime, T::TimeSpan) | (T::TimeSpan, T::DateTime) => Ok(T::DateTime),
            (T::TimeSpan, T::TimeSpan) => Ok(T::TimeSpan),
            (T::Dynamic, x) | (x, T::Dynamic) if x.is_numeric() || x == T::Dynamic => {
                Ok(T::Dynamic)
            }
            _ => ScalarType::widest_numeric(a, b).map_or_else(bad, Ok),
        },
        Sub => match (a, b) {
            (T::DateTime, T::DateTime) => Ok(T::TimeSpan),
            (T::DateTime, T::TimeSpan) => Ok(T::DateTime),
            (T::TimeSpan, T::TimeSpan) => Ok(T::TimeSpan),
            (T::Dynamic, x) | (x, T::Dynamic) if x.is_numeric() || x == T::Dynamic => {
                Ok(T::Dynamic)
            }
            _ => ScalarType::widest_numeric(a, b).map_or_else(bad, Ok),
        },
        Mul => match (a, b) {
            (T::TimeSpan, x) | (x, T::TimeSpan) if x.is_numeric() => Ok(T::TimeSpan),
            (T::Dynamic, x) | (x, T::Dynamic) if x.is_numeric() || x == T::Dynamic => {
                Ok(T::Dynamic)
            }
            _ => ScalarType::widest_numeric(a, b).map_or_else(bad, Ok),
        },
        Div => match (a, b) {
            (T::TimeSpan, T::TimeSpan) => Ok(T::Real),
            (T::TimeSpan, x) if x.is_numeric() => Ok(T::TimeSpan),
            (T::Dynamic, x) | (x, T::Dynamic) if x.is_numeric() || x == T::Dynamic => {
                Ok(T::Dynamic)
            }
            _ => ScalarType::widest_numeric(a, b).map_or_else(bad, Ok),
        },
        Mod => match (a, b) {
            (T::TimeSpan, T::TimeSpan) => Ok(T::TimeSpan),
            _ => ScalarType::widest_numeric(a, b).map_or_else(bad, Ok),
        },
        _ => Ok(T::Bool), // string operators: operands are converted with tostring
    }
}

/// Ordering of two non-null values of comparable types (numbers together, strings ordinally, ticks).
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    use Value::*;
    match (a, b) {
        (Null, _) | (_, Null) => None,
        (String(x), String(y))
        | (Guid(x), Guid(y))
        | (String(x), Guid(y))
        | (Guid(x), String(y)) => Some(x.cmp(y)),
        (DateTime(x), DateTime(y)) | (TimeSpan(x), TimeSpan(y)) => Some(x.cmp(y)),
        (Bool(x), Bool(y)) => Some(x.cmp(y)),
        (Int(_) | Long(_), Int(_) | Long(_)) => Some(a.as_i64()?.cmp(&b.as_i64()?)),
        (Dynamic(x), Dynamic(y)) => {
            if let (Some(p), Some(q)) = (x.as_f64(), y.as_f64()) {
                p.partial_cmp(&q)
            } else if let (Some(p), Some(q)) = (x.as_str(), y.as_str()) {
                Some(p.cmp(q))
            } else if x == y {
                Some(Ordering::Equal)
            } else {
                None
            }
        }
        (Dynamic(serde_json::Value::String(s)), other)
        | (other, Dynamic(serde_json::Value::String(s)))
            if matches!(other, String(_)) =>
        {
            let o = other.as_str()?;
            let ord = s.as_str().cmp(o);
            Some(if matches!(a, Dynamic(_)) {
                ord
            } else {
                ord.reverse()
            })
        }
        (Dynamic(serde_json::Value::String(s)), DateTime(t)) => {
            super::value::parse_datetime(s).map(|x| x.cmp(t))
        }
        (DateTime(t), Dynamic(serde_json::Value::String(s))) => {
            super::value::parse_datetime(s).map(|x| t.cmp(&x))
        }
        _ => {
            let (x, y) = (a.as_f64()?, b.as_f64()?);
            x.partial_cmp(&y)
        }
    }
}

fn bool_of(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::Dynamic(serde_json::Value::Bool(b)) => Some(*b),
        _ => None,
    }
}

/// `a op b` over values, KQL null rules included: `null == x` is false, `null != x` true,
/// `null == null` null; arithmetic propagates null; `false and null` false, `true or null` true.
pub fn binop(op: BinOp, a: &Value, b: &Value) -> Value {
    use BinOp::*;
    match op {
        And => match (bool_of(a), bool_of(b)) {
            (Some(false), _) | (_, Some(false)) => Value::Bool(false),
            (Some(true), Some(true)) => Value::Bool(true),
            _ => Value::Null,
        },
        Or => match (bool_of(a), bool_of(b)) {
            (Some(true), _) | (_, Some(true)) => Value::Bool(true),
            (Some(false), Some(false)) => Value::Bool(false),
            _ => Value::Null,
        },
        Eq | NotEq => {
            let r = match (a.is_null(), b.is_null()) {
                (true, true) => return Value::Null,
                (true, false) | (false, true) => false,
                _ => values_equal(a, b),
            };
            Value::Bool(if op == Eq { r } else { !r })
        }
        Lt | Le | Gt | Ge => match compare(a, b) {
            None => Value::Null,
            Some(o) => Value::Bool(match op {
                Lt => o == Ordering::Less,
                Le => o != Ordering::Greater,
                Gt => o == Ordering::Greater,
                _ => o != Ordering::Less,
            }),
        },
        Add | Sub | Mul | Div | Mod => arith(op, a, b),
        _ => string_op(op, &a.to_kql_string(), &b.to_kql_string()),
    }
}

pub fn values_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Real(x), Value::Real(y)) => x == y,
        (Value::Dynamic(x), Value::Dynamic(y)) => x == y,
        (Value::Dynamic(x), other) | (other, Value::Dynamic(x)) => match other {
            Value::String(s) | Value::Guid(s) => x.as_str() == Some(s.as_str()),
            Value::Bool(bv) => x.as_bool() == Some(*bv),
            _ => match (x.as_f64(), other.as_f64()) {
                (Some(p), Some(q)) => p == q,
                _ => compare(a, b) == Some(Ordering::Equal),
            },
        },
        _ => compare(a, b) == Some(Ordering::Equal),
    }
}

fn dyn_to_scalar(v: &Value) -> Value {
    match v {
        Value::Dynamic(serde_json::Value::Number(n)) => {
            if let Some(i) = n.as_i64() {
                Value::Long(i)
            } else {
                n.as_f64().map_or(Value::Null, Value::Real)
            }
        }
        Value::Dynamic(_) => Value::Null,
        other => other.clone(),
    }
}

fn arith(op: BinOp, a: &Value, b: &Value) -> Value {
    use BinOp::*;
    use Value::*;
    let (a, b) = (dyn_to_scalar(a), dyn_to_scalar(b));
    match (&a, &b) {
        (Null, _) | (_, Null) => Null,
        (DateTime(x), TimeSpan(y)) => match op {
            Add => x.checked_add(*y).map_or(Null, DateTime),
            Sub => x.checked_sub(*y).map_or(Null, DateTime),
            _ => Null,
        },
        (TimeSpan(x), DateTime(y)) if op == Add => x.checked_add(*y).map_or(Null, DateTime),
        (DateTime(x), DateTime(y)) if op == Sub => x.checked_sub(*y).map_or(Null, TimeSpan),
        (TimeSpan(x), TimeSpan(y)) => match op {
            Add => x.checked_add(*y).map_or(Null, TimeSpan),
            Sub => x.checked_sub(*y).map_or(Null, TimeSpan),
            Div => Real(*x as f64 / *y as f64),
            Mod if *y != 0 => TimeSpan(x.rem_euclid(*y)),
            _ => Null,
        },
        (TimeSpan(x), n) | (n, TimeSpan(x)) if op == Mul && n.as_f64().is_some() => match n {
            Real(f) => TimeSpan((*x as f64 * f).round() as i64),
            _ => n
                .as_i64()
                .and_then(|k| x.checked_mul(k))
                .map_or(Null, TimeSpan),
        },
        (TimeSpan(x), n) if op == Div => match n {
            Real(f) => TimeSpan((*x as f64 / f).round() as i64),
            _ => match n.as_i64() {
                Some(0) | None => Null,
                Some(k) => TimeSpan(x / k),
            },
        },
        (Real(_), _) | (_, Real(_)) => {
            let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) else {
                return Null;
            };
            Real(match op {
                Add => x + y,
                Sub => x - y,
                Mul => x * y,
                Div => x / y,
                _ => {
                    if y == 0.0 {
                        return Real(f64::NAN);
                    }
                    x.rem_euclid(y.abs())
                }
            })
        }
        (Int(_) | Long(_), Int(_) | Long(_)) => {
            let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) else {
                return Null;
            };
            let r = match op {
                Add => x.checked_add(y),
                Sub => x.checked_sub(y),
                Mul => x.checked_mul(y),
                Div => {
                    if y == 0 {
                        None
                    } else {
                        x.checked_div(y)
                    }
                }
                _ => {
                    if y == 0 {
                        None
                    } else {
                        Some(x.rem_euclid(y.abs()))
                    }
                }
            };
            match r {
                None => Null,
                Some(r) => {
                    if matches!((&a, &b), (Int(_), Int(_))) {
                        i32::try_from(r).map_or(Long(r), Int)
                    } else {
                        Long(r)
                    }
                }
            }
        }
        _ => Null,
    }
}

/// String operators over already-stringified operands.
pub fn string_op(op: BinOp, a: &str, b: &str) -> Value {
    use BinOp::*;
    let r = match op {
        EqTilde => has::substr_match(a, b, SubstrKind::Equals, false),
        NotEqTilde => !has::substr_match(a, b, SubstrKind::Equals, false),
        Has => has::has(a, b, TermMatch::Whole, false),
        NotHas => !has::has(a, b, TermMatch::Whole, false),
        HasCs => has::has(a, b, TermMatch::Whole, true),
        NotHasCs => !has::has(a, b, TermMatch::Whole, true),
        HasPrefix => has::has(a, b, TermMatch::Prefix, false),
        NotHasPrefix => !has::has(a, b, TermMatch::Prefix, false),
        HasPrefixCs => has::has(a, b, TermMatch::Prefix, true),
        NotHasPrefixCs => !has::has(a, b, TermMatch::Prefix, true),
        HasSuffix => has::has(a, b, TermMatch::Suffix, false),
        NotHasSuffix => !has::has(a, b, TermMatch::Suffix, false),
        HasSuffixCs => has::has(a, b, TermMatch::Suffix, true),
        NotHasSuffixCs => !has::has(a, b, TermMatch::Suffix, true),
        Contains => has::substr_match(a, b, SubstrKind::Contains, false),
        NotContains => !has::substr_match(a, b, SubstrKind::Contains, false),
        ContainsCs => has::substr_match(a, b, SubstrKind::Contains, true),
        NotContainsCs => !has::substr_match(a, b, SubstrKind::Contains, true),
        StartsWith => has::substr_match(a, b, SubstrKind::StartsWith, false),
        NotStartsWith => !has::substr_match(a, b, SubstrKind::StartsWith, false),
        StartsWithCs => has::substr_match(a, b, SubstrKind::StartsWith, true),
        NotStartsWithCs => !has::substr_match(a, b, SubstrKind::StartsWith, true),
        EndsWith => has::substr_match(a, b, SubstrKind::EndsWith, false),
        NotEndsWith => !has::substr_match(a, b, SubstrKind::EndsWith, false),
        EndsWithCs => has::substr_match(a, b, SubstrKind::EndsWith, true),
        NotEndsWithCs => !has::substr_match(a, b, SubstrKind::EndsWith, true),
        MatchesRegex => match super::re2::compile(b) {
            Ok(re) => re.is_match(a),
            Err(_) => return Value::Null,
        },
        Like | NotLike | LikeCs | NotLikeCs => {
            let cs = matches!(op, LikeCs | NotLikeCs);
            match has::like_to_regex(b, cs) {
                Ok(re) => re.is_match(a) != matches!(op, NotLike | NotLikeCs),
                Err(_) => return Value::Null,
            }
        }
        _ => return Value::Null,
    };
    Value::Bool(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modulo_is_never_negative() {
        // KQL_SEMANTICS §9: 14%12=2, -14%12=10, 14%-12=2, -14%-12=10
        assert_eq!(
            binop(BinOp::Mod, &Value::Long(-14), &Value::Long(12)),
            Value::Long(10)
        );
        assert_eq!(
            binop(BinOp::Mod, &Value::Long(14), &Value::Long(-12)),
            Value::Long(2)
        );
        assert_eq!(
            binop(BinOp::Mod, &Value::Long(-14), &Value::Long(-12)),
            Value::Long(10)
        );
    }

    #[test]
    fn null_comparisons() {
        // KQL_SEMANTICS §5
        assert_eq!(
            binop(BinOp::Eq, &Value::Null, &Value::Long(1)),
            Value::Bool(false)
        );
        assert_eq!(
            binop(BinOp::NotEq, &Value::Null, &Value::Long(1)),
            Value::Bool(true)
        );
        assert_eq!(
            binop(BinOp::And, &Value::Bool(false), &Value::Null),
            Value::Bool(false)
        );
        assert_eq!(
            binop(BinOp::Or, &Value::Bool(true), &Value::Null),
            Value::Bool(true)
        );
        assert_eq!(
            binop(BinOp::Add, &Value::Null, &Value::Long(1)),
            Value::Null
        );
    }

    #[test]
    fn datetime_arithmetic() {
        let d = Value::DateTime(1000);
        assert_eq!(
            binop(BinOp::Sub, &d, &Value::TimeSpan(10)),
            Value::DateTime(990)
        );
        assert_eq!(
            binop(BinOp::Sub, &d, &Value::DateTime(400)),
            Value::TimeSpan(600)
        );
        assert_eq!(
            binop(BinOp::Div, &Value::TimeSpan(10), &Value::TimeSpan(4)),
            Value::Real(2.5)
        );
    }
}
