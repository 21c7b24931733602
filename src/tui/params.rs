//! Rule parameters in the workbench: the parameters [`crate::kql::params`] discovers in a rule's query (`let`
//! bindings, `{{StartTimeISO}}`-style placeholders, inline strings, lists, thresholds and time windows), edited
//! in place and substituted back into the query by span.
//!
//! A new value is accepted only when it has the parameter's type (a time window stays a datetime, a list
//! stays a list of strings) and the substituted query still parses.

use crate::kql::params::{self as kp};
pub use crate::kql::params::{Param, ParamKind, kind_of, kind_of_text};

/// The parameters of `query`, in order of appearance. Empty when the query does not parse.
pub fn params_of(query: &str) -> Vec<Param> {
    kp::params_of(query)
}

/// Checks `value` for parameter `index` of `params` (discovered in the rule's `query`, with the others at
/// their current values). Returns the reason when not.
pub fn check(query: &str, params: &[Param], index: usize, value: &str) -> Result<(), String> {
    kp::validate(query, params, index, value)
}

/// The query as it will run: `query` with every edited parameter (and every placeholder) substituted. Values
/// were checked when accepted; one that no longer fits is an error.
pub fn apply(query: &str, params: &[Param]) -> Result<String, String> {
    kp::apply(query, params)
}

#[cfg(test)]
mod tests {
    use super::*;

    const Q: &str = "let Time_start = now(-5d);\nlet Time_end = now();\nlet win = 1h;\nlet signers = dynamic(['Nanosystems', 'Other']);\nlet n = 10;\nlet s = 'x';\nlet t0 = datetime(2024-05-01);\nlet a = ago(2d);\nlet T = DeviceEvents | take 1;\nDeviceEvents\n| where Timestamp between (Time_start..Time_end)\n| take n";

    #[test]
    fn kinds_from_the_literal() {
        let ps = params_of(Q);
        let kinds: Vec<(&str, ParamKind)> = ps.iter().map(|p| (p.name.as_str(), p.kind)).collect();
        assert_eq!(
            kinds,
            [
                ("Time_start", ParamKind::Datetime),
                ("Time_end", ParamKind::Datetime),
                ("win", ParamKind::Timespan),
                ("signers", ParamKind::StringList),
                ("n", ParamKind::Number),
                ("s", ParamKind::String),
                ("t0", ParamKind::Datetime),
                ("a", ParamKind::Datetime),
                ("T", ParamKind::Expression),
            ]
        );
        assert_eq!(ps[0].original, "now(-5d)");
        assert_eq!(ps[3].original, "dynamic(['Nanosystems', 'Other'])");
    }

    #[test]
    fn bad_values_are_refused_with_a_reason() {
        let ps = params_of(Q);
        assert!(check(Q, &ps, 0, "now(-1d)").is_ok());
        assert!(check(Q, &ps, 0, "ago(12h)").is_ok());
        assert!(check(Q, &ps, 0, "datetime(2024-04-30T00:00:00Z)").is_ok());
        let e = check(Q, &ps, 0, "now(-5x)").expect_err("now(-5x) refused");
        assert!(!e.is_empty());
        assert!(check(Q, &ps, 0, "datetime(2024-13-45)").is_err());
        let e = check(Q, &ps, 0, "'yesterday'").expect_err("a string is not a datetime");
        assert!(e.contains("datetime"), "{e}");
        assert!(check(Q, &ps, 0, "").is_err());
        assert!(check(Q, &ps, 0, "now(); DeviceEvents").is_err());
        assert!(check(Q, &ps, 4, "25").is_ok());
        assert!(check(Q, &ps, 4, "'25'").is_err());
        assert!(check(Q, &ps, 3, "dynamic(['a'])").is_ok());
        assert!(check(Q, &ps, 3, "dynamic([1, 2])").is_err());
    }

    #[test]
    fn apply_substitutes_edits_only() {
        let mut ps = params_of(Q);
        assert_eq!(apply(Q, &ps).as_deref(), Ok(Q));
        ps[0].value = "now(-1d)".into();
        let q = apply(Q, &ps).expect("applies");
        assert!(q.starts_with("let Time_start = now(-1d);\nlet Time_end = now();"));
        assert_eq!(q.len(), Q.len());
    }

    #[test]
    fn queries_that_do_not_parse_have_no_params() {
        assert!(params_of("let x = ;").is_empty());
        assert!(params_of("DeviceEvents | take 1").is_empty());
    }
}
