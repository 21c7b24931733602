//! Re-runs through the scan cache (as the workbench runs a rule after a parameter edit) give the same rows as
//! a fresh catalog without one: the cache keeps the columns read and which rows each keyed `where` condition
//! selected, and a re-run evaluates only the conditions that changed, over the rows the others keep. The
//! reference side is the plain engine, whose seed-rule answers tests/seed_rules.rs checks against the plants.

mod common;

use huntbench::data::catalog::Catalog;
use huntbench::engine::{self, RunOptions};
use huntbench::rules::load_file;

fn rows(query: &str, cat: &Catalog, now: Option<i64>) -> Vec<String> {
    let r = engine::run(
        query,
        cat,
        &RunOptions {
            now,
            ..Default::default()
        },
    )
    .unwrap_or_else(|d| panic!("{query}: {}", d.message));
    let mut out: Vec<String> = r
        .rows()
        .expect("rows")
        .iter()
        .map(|row| format!("{row:?}"))
        .collect();
    out.sort();
    out
}

fn seed_query(file: &str) -> String {
    let path = common::repo_dir().join("rules").join(file);
    load_file(&path).expect("seed rule loads").query.clone()
}

/// The edits a tuning session makes to the SupRemo rules, in turn, each run on the same cached catalog.
fn edits(query: &str) -> Vec<String> {
    let signer = "'Nanosystems S.R.L.'";
    let mut out = vec![query.to_string()];
    out.push(query.replace("now(-5d)", "now(-3d)"));
    out.push(
        query
            .replace("now(-5d)", "now(-3d)")
            .replace(signer, "'Action1 Corporation'"),
    );
    out.push(query.replace(signer, "'Action1 Corporation'"));
    out.push(query.replace("now(-5d)", "now(-10d)"));
    out.push(query.replace("'NanoSystems'", "'Action1'"));
    out.push(
        query
            .replace("now(-5d)", "now(-1d)")
            .replace("'supremocontrol.com'", "'action1.com'"),
    );
    out.push(query.to_string());
    out
}

#[test]
fn re_runs_after_parameter_edits_match_a_fresh_catalog() {
    let data = common::repo_dir().join("sample-data");
    let now = huntbench::cli::run::manifest_now(&data);
    let plain = Catalog::open(&data).expect("sample data opens");
    let mut cached = Catalog::open(&data).expect("sample data opens");
    cached.enable_scan_cache(256 << 20);
    let mut nonempty = 0;
    for file in ["rmm_SupRemo_filesig.yaml", "rmm_SupRemo_netconn.yaml"] {
        for q in edits(&seed_query(file)) {
            let want = rows(&q, &plain, now);
            nonempty += usize::from(!want.is_empty());
            assert_eq!(rows(&q, &cached, now), want, "{file}: {q}");
        }
    }
    // The edits do select something (a comparison of empty answers would prove little).
    assert!(nonempty >= 8, "{nonempty}");
    assert!(cached.scan_cache_bytes() > 0);
}

/// Conditions that are not row by row, or that read a name the cache cannot know the value of, are not
/// reused: their answers still agree with a fresh catalog when the rest of the query changes.
#[test]
fn conditions_that_depend_on_more_than_the_row_still_agree() {
    let data = common::repo_dir().join("sample-data");
    let now = huntbench::cli::run::manifest_now(&data);
    let plain = Catalog::open(&data).expect("sample data opens");
    let mut cached = Catalog::open(&data).expect("sample data opens");
    cached.enable_scan_cache(256 << 20);
    let queries = [
        "DeviceFileCertificateInfo | where Signer has 'Nanosystems' | where Timestamp > ago(5d) | count",
        "DeviceFileCertificateInfo | where Signer has 'Nanosystems' | where Timestamp > ago(3d) | count",
        "let S = 'Nanosystems'; DeviceFileCertificateInfo | where Signer has S and Timestamp > ago(3d) | count",
        "let S = 'Action1'; DeviceFileCertificateInfo | where Signer has S and Timestamp > ago(3d) | count",
        "let Sig = (s: string) { s has 'Action1' }; DeviceFileCertificateInfo | where Sig(Signer) | count",
        "let Sig = (s: string) { s has 'Nanosystems' }; DeviceFileCertificateInfo | where Sig(Signer) | count",
        "let Signers = DeviceFileCertificateInfo | where Signer has 'Action1' | distinct Signer; \
         DeviceFileCertificateInfo | where Signer in (Signers) and Timestamp > ago(3d) | count",
        "let Signers = DeviceFileCertificateInfo | where Signer has 'Nanosystems' | distinct Signer; \
         DeviceFileCertificateInfo | where Signer in (Signers) and Timestamp > ago(3d) | count",
        "DeviceFileCertificateInfo | where Timestamp > ago(3d) and (Signer has 'Action1' or IsTrusted) | count",
    ];
    for q in queries {
        assert_eq!(rows(q, &cached, now), rows(q, &plain, now), "{q}");
    }
    // `now()` is part of what a condition means: the same text at another time selects other rows.
    let q = "DeviceFileCertificateInfo | where Timestamp > ago(2d) | count";
    let later = now.map(|n| n + 3 * 86_400 * 10_000_000);
    assert_eq!(rows(q, &cached, now), rows(q, &plain, now));
    assert_eq!(rows(q, &cached, later), rows(q, &plain, later));
    assert_ne!(rows(q, &plain, now), rows(q, &plain, later));
}
