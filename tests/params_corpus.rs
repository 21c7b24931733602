//! Parameter discovery over the 610 real Defender hunting rules of `shared/corpus`: on every rule that
//! parses, discovery succeeds, names are unique, each value's span holds the text it reports, applying the
//! unedited parameters gives the query back byte for byte, and each parameter's own value validates (so
//! a value the rule ships with is never refused). Placeholder rules (a synthetic one here: the corpus
//! snapshot has none) run after substitution.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use huntbench::kql::params::{self, Origin};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

#[test]
fn corpus_parameters_round_trip_and_validate() {
    let mut files = Vec::new();
    collect(&common::shared_dir().join("corpus"), &mut files);
    assert!(files.len() > 500, "the corpus: {} files", files.len());
    // the parser recurses: a big stack, as the TUI's workers have
    let handle = std::thread::Builder::new()
        .stack_size(16 << 20)
        .spawn(move || {
            let (mut rules, mut total, mut inline) = (0, 0, 0);
            let mut problems = Vec::new();
            for f in &files {
                let Ok(rule) = huntbench::rules::load_file(f) else {
                    continue;
                };
                let q = &rule.query;
                let Ok(ps) = params::discover(q) else {
                    continue; // queries that do not parse: kql_corpus covers them
                };
                rules += 1;
                total += ps.len();
                inline += ps.iter().filter(|p| p.origin == Origin::Inline).count();
                let names: BTreeSet<&str> = ps.iter().map(|p| p.name.as_str()).collect();
                if names.len() != ps.len() {
                    problems.push(format!("{}: duplicate names", f.display()));
                }
                for p in &ps {
                    if !matches!(p.origin, Origin::Placeholder { .. })
                        && p.span().text(q) != p.original
                    {
                        problems.push(format!("{}: {} span text", f.display(), p.name));
                    }
                }
                if params::apply(q, &ps).as_deref() != Ok(q.as_str()) {
                    problems.push(format!("{}: unedited apply changes the query", f.display()));
                }
                for i in 0..ps.len() {
                    if let Err(e) = params::validate(q, &ps, i, &ps[i].original) {
                        problems.push(format!(
                            "{}: {} = {} refused: {e}",
                            f.display(),
                            ps[i].name,
                            ps[i].original
                        ));
                    }
                }
            }
            (rules, total, inline, problems)
        })
        .expect("thread");
    let (rules, total, inline, problems) = handle.join().expect("no panic");
    println!("{rules} rules, {total} parameters ({inline} inline)");
    assert!(rules > 550, "{rules} rules parsed");
    assert!(inline > 1000, "{inline} inline parameters");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
