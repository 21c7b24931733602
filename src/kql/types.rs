//! KQL scalar types.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
pub enum ScalarType {
    Bool,
    Int,
    Long,
    Real,
    Decimal,
    String,
    DateTime,
    TimeSpan,
    Dynamic,
    Guid,
}

impl ScalarType {
    /// The KQL name, as `getschema` and `--format json` print it.
    pub fn name(self) -> &'static str {
        match self {
            ScalarType::Bool => "bool",
            ScalarType::Int => "int",
            ScalarType::Long => "long",
            ScalarType::Real => "real",
            ScalarType::Decimal => "decimal",
            ScalarType::String => "string",
            ScalarType::DateTime => "datetime",
            ScalarType::TimeSpan => "timespan",
            ScalarType::Dynamic => "dynamic",
            ScalarType::Guid => "guid",
        }
    }

    /// A type name as written in KQL (`long`, `int64`, `double`, `date`, `time`, `boolean`, ...), and the
    /// .NET names that exports use (`Int64`, `DateTime`, `Object`, `SByte`, ...). Case-insensitive.
    pub fn from_name(name: &str) -> Option<ScalarType> {
        let n = name.trim().to_ascii_lowercase();
        let n = n.strip_prefix("system.").unwrap_or(&n);
        Some(match n {
            "bool" | "boolean" | "sbyte" => ScalarType::Bool,
            "int" | "int32" => ScalarType::Int,
            "long" | "int64" => ScalarType::Long,
            "real" | "double" | "float" => ScalarType::Real,
            "decimal" | "sqldecimal" => ScalarType::Decimal,
            "string" => ScalarType::String,
            "datetime" | "date" => ScalarType::DateTime,
            "timespan" | "time" => ScalarType::TimeSpan,
            "dynamic" | "object" => ScalarType::Dynamic,
            "guid" | "uuid" | "uniqueid" => ScalarType::Guid,
            _ => return None,
        })
    }

    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ScalarType::Int | ScalarType::Long | ScalarType::Real | ScalarType::Decimal
        )
    }

    /// Numeric promotion: int -> long -> real (decimal is kept apart, as real here).
    pub fn widest_numeric(a: ScalarType, b: ScalarType) -> Option<ScalarType> {
        use ScalarType::*;
        if !a.is_numeric() || !b.is_numeric() {
            return None;
        }
        Some(match (a, b) {
            (Decimal, _) | (_, Decimal) => Decimal,
            (Real, _) | (_, Real) => Real,
            (Long, _) | (_, Long) => Long,
            _ => Int,
        })
    }
}

impl std::fmt::Display for ScalarType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}
