//! Why one raw event is in or out of a rule's result: each predicate of the `where` clauses of the query's
//! final pipeline (split on top-level `and`) evaluated on that event by the engine.
//!
//! The event is a row of the pipeline's input, chosen by a KQL predicate (`ReportId == 12 and DeviceId ==
//! 'dev-a'`). For the predicate of a `where` at position k, the engine runs the pipeline's source restricted
//! to the event, then the row-wise operators before k (extend, project, parse ...; other `where`s skipped so
//! a failed one does not hide the rest), then `project` of the predicate: one row, one value. No second
//! evaluator: what the engine says is what the rule does. Predicates after a `summarize` (or another operator
//! that changes what a row is) are reported as not evaluated per event.

use serde::Serialize;

use super::exclude::{final_pipeline, pipe_before};
use crate::data::TableProvider;
use crate::engine::{self, RunOptions, Value};
use crate::kql::Span;
use crate::kql::ast::{BinOp, Expr, ExprKind, OpKind};
use crate::kql::diag::Diagnostic;
use crate::kql::params;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    True,
    False,
    Null,
    /// Not evaluated on the event, with the reason.
    NotEvaluated(String),
}

impl Outcome {
    pub fn label(&self) -> &str {
        match self {
            Outcome::True => "true",
            Outcome::False => "false",
            Outcome::Null => "null",
            Outcome::NotEvaluated(_) => "n/a",
        }
    }
}

/// One predicate and what it gave on the event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// 0-based index of the `where` clause in the final pipeline.
    pub clause: usize,
    /// The predicate's KQL text as written (placeholders substituted).
    pub text: String,
    /// Its span in the query as run.
    pub span: Span,
    pub outcome: Outcome,
}

fn conjuncts<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Binary {
            op: BinOp::And,
            left,
            right,
        } => {
            conjuncts(left, out);
            conjuncts(right, out);
        }
        _ => out.push(e),
    }
}

/// Explains `query` (a rule's query, parameters applied or not) on the event of its final pipeline's input
/// that `event` selects. Errors: the query does not parse or plan, or no event matches.
pub fn explain(
    query: &str,
    event: &str,
    tables: &dyn TableProvider,
    opts: &RunOptions,
) -> Result<Vec<Verdict>, Diagnostic> {
    let ps = params::discover(query)?;
    let src = params::apply(query, &ps)
        .map_err(|m| Diagnostic::new(crate::kql::DiagKind::Runtime, m, None))?;
    let q = crate::kql::parse(&src)?;
    let Some((source, ops)) = final_pipeline(&q) else {
        return Err(Diagnostic::new(
            crate::kql::DiagKind::Runtime,
            "the query has no tabular pipeline to explain",
            None,
        ));
    };
    // statements before the final one (lets) stay as they are
    let head = &src[..source.span.start];
    let base = format!("{head}{} | where {event} | take 1", source.span.text(&src));
    let count = engine::run(&format!("{base} | count"), tables, opts)?;
    let n = count
        .rows()?
        .first()
        .and_then(|r| r.first())
        .and_then(Value::as_i64)
        .unwrap_or(0);
    if n == 0 {
        return Err(Diagnostic::new(
            crate::kql::DiagKind::Runtime,
            format!("no event of `{}` matches `{event}`", source.span.text(&src)),
            None,
        ));
    }
    let mut verdicts = Vec::new();
    let mut prefix = base.clone();
    let mut stopped: Option<String> = None;
    let mut clause = 0;
    for op in ops {
        match &op.kind {
            OpKind::Where(p) => {
                let mut parts = Vec::new();
                conjuncts(p, &mut parts);
                for part in parts {
                    let text = part.span.text(&src).to_string();
                    let outcome = match &stopped {
                        Some(why) => Outcome::NotEvaluated(why.clone()),
                        None => {
                            let probe = format!("{prefix} | project __huntbench_p = ({text})");
                            match engine::run(&probe, tables, opts) {
                                Ok(r) => match r.rows()?.first().and_then(|row| row.first()) {
                                    Some(Value::Bool(true)) => Outcome::True,
                                    Some(Value::Bool(false)) => Outcome::False,
                                    Some(Value::Null) | None => Outcome::Null,
                                    Some(other) => Outcome::NotEvaluated(format!(
                                        "not a boolean: {}",
                                        other.to_kql_string()
                                    )),
                                },
                                Err(d) => Outcome::NotEvaluated(d.message),
                            }
                        }
                    };
                    verdicts.push(Verdict {
                        clause,
                        text,
                        span: part.span,
                        outcome,
                    });
                }
                clause += 1;
            }
            OpKind::Extend(_)
            | OpKind::Project(_)
            | OpKind::ProjectAway(_)
            | OpKind::ProjectKeep(_)
            | OpKind::ProjectRename(_)
            | OpKind::ProjectReorder(_)
            | OpKind::Serialize(_)
            | OpKind::Parse { where_: false, .. } => {
                if stopped.is_none() {
                    let start = pipe_before(&src, op.span.start).unwrap_or(op.span.start);
                    let text = &src[start..op.span.end];
                    let text = text.strip_prefix('|').unwrap_or(text);
                    prefix = format!("{prefix} | {text}");
                }
            }
            OpKind::Sort(_) | OpKind::Take(_) | OpKind::Render { .. } | OpKind::As(_) => {}
            _ => {
                if stopped.is_none() {
                    let name = op.span.text(&src).split_whitespace().next().unwrap_or("");
                    stopped = Some(format!("after `{name}`: not a per-event predicate"));
                }
            }
        }
    }
    Ok(verdicts)
}
