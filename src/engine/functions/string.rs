//! String functions.

use crate::kql::ScalarType;

use super::{ArgInfo, FnDef, Naming, Prepared};
use crate::engine::value::Value;

pub(super) static FUNCTIONS: &[FnDef] = &[
    FnDef {
        name: "strlen",
        min_args: 1,
        max_args: 1,
        naming: Naming::Default,
        prepare: strlen,
    },
    FnDef {
        name: "tolower",
        min_args: 1,
        max_args: 1,
        naming: Naming::Default,
        prepare: tolower,
    },
];

fn strlen(_args: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::Long, |v| {
        Value::Long(v[0].to_kql_string().chars().count() as i64)
    }))
}

fn tolower(_args: &[ArgInfo]) -> Result<Prepared, String> {
    Ok(Prepared::new(ScalarType::String, |v| {
        Value::String(v[0].to_kql_string().to_lowercase())
    }))
}

#[cfg(test)]
mod tests {
    use super::super::call_const;
    use crate::engine::value::Value;

    #[test]
    fn strlen_counts_characters() {
        assert_eq!(
            call_const("strlen", &[Value::String("héllo".into())]),
            Ok(Value::Long(5))
        );
    }
}
