//! Parameter discovery over the 610 real Defender hunting rules of `shared/corpus`: on every rule that
//! parses, discovery succeeds, names are unique, each parameter's own value validates (so a value the rule
//! ships with is never refused), and a new value set on a string or number parameter lands where it belongs:
//! the edited query parses, rediscovery finds that parameter holding the new value, and every other
//! parameter keeps its value. (Placeholder rules are covered in tests/tune.rs: the corpus snapshot has none.)

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use huntbench::kql::params::{self, Origin, ParamKind};

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
            let (mut rules, mut total, mut inline, mut probed) = (0, 0, 0, 0);
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
                for p in ps
                    .iter()
                    .filter(|p| !matches!(p.origin, Origin::Placeholder { .. }))
                {
                    let probe = match p.kind {
                        ParamKind::String => "'hb_probe_value'",
                        ParamKind::Number => "4242",
                        _ => continue,
                    };
                    probed += 1;
                    let edited = params::set_values(q, &[(p.name.clone(), probe.to_string())]);
                    let again = edited
                        .as_ref()
                        .map_err(|e| e.clone())
                        .and_then(|(e, _)| params::discover(e).map_err(|d| d.message));
                    match again {
                        Err(e) => {
                            problems.push(format!("{}: {} = {probe}: {e}", f.display(), p.name))
                        }
                        Ok(after) => {
                            let value_of = |n: &str| {
                                after
                                    .iter()
                                    .find(|a| a.name == n)
                                    .map(|a| a.original.clone())
                            };
                            if value_of(&p.name).as_deref() != Some(probe) {
                                problems.push(format!(
                                    "{}: {} not set to {probe}",
                                    f.display(),
                                    p.name
                                ));
                            }
                            // a `let` whose value holds the edited literal changes with it
                            let outside = |o: &&params::Param| {
                                o.name != p.name
                                    && !(o.span().start <= p.span().start
                                        && p.span().end <= o.span().end)
                            };
                            for o in ps.iter().filter(outside) {
                                if value_of(&o.name).as_deref() != Some(o.original.as_str()) {
                                    problems.push(format!(
                                        "{}: setting {} changed {}",
                                        f.display(),
                                        p.name,
                                        o.name
                                    ));
                                }
                            }
                        }
                    }
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
            (rules, total, inline, probed, problems)
        })
        .expect("thread");
    let (rules, total, inline, probed, problems) = handle.join().expect("no panic");
    println!("{rules} rules, {total} parameters ({inline} inline), {probed} set to a new value");
    assert!(rules > 550, "{rules} rules parsed");
    assert!(inline > 1000, "{inline} inline parameters");
    assert!(probed > 1000, "{probed} parameters set to a new value");
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
