//! Rule tuning against the bundled SupRemo file-signature rule and the sample data: diff counts as the
//! manifest's plant list implies, a tuned rule saved back (only its query lines change, byte for byte, CRLF
//! kept), reloaded and run, explain on planted events, exclusions, sessions and the CLI.
//!
//! Expected values come from sample-data/manifest.json: the plants whose `seed_rule_matches` name the rule
//! (the rule's result under its own 5-day window), narrowed by timestamp for the 1-day window.

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;

use assert_cmd::Command;
use huntbench::data::catalog::Catalog;
use huntbench::engine::{self, RunOptions};
use huntbench::rules;
use huntbench::tune::{self, Change, Outcome, Table};

const RULE: &str = "rmm_SupRemo_filesig.yaml";

fn hb() -> Command {
    let mut c = Command::cargo_bin("huntbench").expect("the huntbench binary");
    c.env("NO_COLOR", "1").env("COLUMNS", "200");
    c
}

fn rule_path() -> PathBuf {
    common::repo_dir().join("rules").join(RULE)
}

fn catalog() -> Catalog {
    Catalog::open(common::repo_dir().join("sample-data")).expect("sample data")
}

fn opts() -> RunOptions {
    let m = common::sample_manifest();
    let now = engine::value::parse_datetime(m["reference_time"].as_str().unwrap()).unwrap();
    RunOptions {
        now: Some(now),
        ..Default::default()
    }
}

/// Plants of the rule from the manifest: device name → timestamps (ticks).
fn plants() -> BTreeMap<String, Vec<i64>> {
    let m = common::sample_manifest();
    let mut out: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for p in m["plants"].as_array().unwrap() {
        let matches = p["seed_rule_matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == RULE);
        if matches {
            let t = engine::value::parse_datetime(p["timestamp"].as_str().unwrap()).unwrap();
            out.entry(p["device_name"].as_str().unwrap().to_string())
                .or_default()
                .push(t);
        }
    }
    out
}

const DAY: i64 = 86_400 * 10_000_000;

/// (device, count in 5 days, count in 1 day) from the plants.
fn expected_windows() -> Vec<(String, usize, usize)> {
    let now = opts().now.unwrap();
    plants()
        .into_iter()
        .map(|(d, ts)| {
            let in1 = ts.iter().filter(|&&t| t >= now - DAY && t <= now).count();
            (d, ts.len(), in1)
        })
        .collect()
}

fn run_table(q: &str) -> Table {
    let r = engine::run(q, &catalog(), &opts()).expect("runs");
    Table::from_result(&r).expect("rows")
}

#[test]
fn diff_counts_follow_the_plant_list() {
    let rule = rules::load_file(rule_path()).unwrap();
    let before = run_table(&rule.query);
    let (q1, unknown) = huntbench::kql::params::set_values(
        &rule.query,
        &[("Time_start".into(), "now(-1d)".into())],
    )
    .unwrap();
    assert!(unknown.is_empty());
    let after = run_table(&q1);
    let keys = tune::summarize_keys(&rule.query);
    assert_eq!(keys, ["DeviceId", "DeviceName"]);
    let d = tune::diff(&before, &after, &keys);

    let exp = expected_windows();
    assert!(
        exp.len() >= 3,
        "the manifest plants the rule on several devices"
    );
    let removed = exp.iter().filter(|(_, _, n1)| *n1 == 0).count();
    let unchanged = exp.iter().filter(|(_, n5, n1)| *n1 > 0 && n1 == n5).count();
    let changed = exp.iter().filter(|(_, n5, n1)| *n1 > 0 && n1 != n5).count();
    assert_eq!(
        (d.added, d.removed, d.changed, d.unchanged),
        (0, removed, changed, unchanged)
    );
    assert!(
        removed > 0 && changed > 0,
        "the 1-day window must change something"
    );
    // rows per device: one group per device in each window
    assert_eq!(d.device_column.as_deref(), Some("DeviceName"));
    let got: Vec<(String, usize, usize)> = d
        .devices
        .iter()
        .map(|x| (x.device.clone(), x.before, x.after))
        .collect();
    let want: Vec<(String, usize, usize)> = exp
        .iter()
        .map(|(dev, _, n1)| (dev.clone(), 1, usize::from(*n1 > 0)))
        .collect();
    assert_eq!(got, want);
    // the removed groups are the devices with no plant in the last day
    let removed_devices: Vec<&str> = d
        .groups
        .iter()
        .filter(|g| g.change == Change::Removed)
        .map(|g| g.key[1].as_str())
        .collect();
    let want_removed: Vec<&str> = exp
        .iter()
        .filter(|(_, _, n1)| *n1 == 0)
        .map(|(d, _, _)| d.as_str())
        .collect();
    assert_eq!(removed_devices, want_removed);
}

#[test]
fn run_diff_on_the_command_line() {
    let out = hb()
        .arg("run")
        .arg(rule_path())
        .args(["--set", "Time_start=now(-1d)", "--diff", "--format", "json"])
        .output()
        .unwrap();
    common::assert_ok(&out);
    let v = common::stdout_json(&out);
    let d = &v["results"][0]["diff"];
    let exp = expected_windows();
    let removed = exp.iter().filter(|(_, _, n1)| *n1 == 0).count();
    assert_eq!(d["removed"], serde_json::json!(removed));
    assert_eq!(d["added"], serde_json::json!(0));
    assert_eq!(d["devices"].as_array().unwrap().len(), exp.len(), "{d}");
    let out = hb()
        .arg("run")
        .arg(rule_path())
        .args(["--set", "Time_start=now(-1d)", "--diff"])
        .output()
        .unwrap();
    common::assert_ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!(
            "diff (by DeviceId, DeviceName): 0 added, {removed} removed"
        )),
        "{text}"
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("huntbench-tune-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// The device with the most planted events in the last day: the one the tests exclude.
fn excluded_device() -> String {
    let exp = expected_windows();
    exp.iter()
        .filter(|(_, _, n1)| *n1 > 0)
        .max_by_key(|(d, _, n1)| (*n1, d.clone()))
        .map(|(d, _, _)| d.clone())
        .unwrap()
}

/// The bytes a tuned SupRemo rule must have: the original with the window line changed and two lines added
/// inside the query block, written with `eol`.
fn expected_tuned(original: &str, device: &str, eol: &str) -> String {
    let mut out = String::new();
    for line in original.split_inclusive('\n') {
        let body = line.trim_end_matches(['\r', '\n']);
        if body == "  DeviceFileCertificateInfo" {
            out.push_str(&format!(
                "  let Excluded_DeviceName = dynamic(['{device}']);{eol}"
            ));
        }
        if body.starts_with("  | summarize ") {
            out.push_str(&format!(
                "  | where DeviceName !in (Excluded_DeviceName){eol}"
            ));
        }
        if body == "  let Time_start = now(-5d);" {
            out.push_str(&format!("  let Time_start = now(-1d);{eol}"));
            continue;
        }
        out.push_str(line);
    }
    out
}

fn save_and_check(eol: &str) {
    let dir = temp_dir(if eol == "\n" { "lf" } else { "crlf" });
    let original = std::fs::read_to_string(rule_path())
        .unwrap()
        .replace("\r\n", "\n")
        .replace('\n', eol);
    let path = dir.join(RULE);
    std::fs::write(&path, &original).unwrap();
    let device = excluded_device();
    let out = hb()
        .args(["tune", "save"])
        .arg(&path)
        .args(["--set", "Time_start=now(-1d)", "--exclude"])
        .arg(format!("DeviceName={device}"))
        .output()
        .unwrap();
    common::assert_ok(&out);
    let saved = std::fs::read_to_string(&path).unwrap();
    assert_eq!(saved, expected_tuned(&original, &device, eol));
    // the previous file is kept
    let backup = dir.join(format!("{RULE}.bak"));
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), original);

    // reloaded, it gives the tuned result: the 1-day devices without the excluded one
    let rule = rules::load_file(&path).unwrap();
    let t = run_table(&rule.query);
    let c = t.columns.iter().position(|c| c == "DeviceName").unwrap();
    let mut got: Vec<String> = t.rows.iter().map(|r| r[c].clone()).collect();
    got.sort();
    let want: Vec<String> = expected_windows()
        .into_iter()
        .filter(|(d, _, n1)| *n1 > 0 && *d != device)
        .map(|(d, _, _)| d)
        .collect();
    assert_eq!(got, want);
    assert!(!want.is_empty());

    // a second save keeps the first backup and makes a timestamped one
    let out = hb()
        .args(["tune", "save"])
        .arg(&path)
        .args(["--set", "Time_end=now(-1h)"])
        .output()
        .unwrap();
    common::assert_ok(&out);
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), original);
    let backups = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            let n = e.as_ref().unwrap().file_name();
            let n = n.to_string_lossy();
            n.starts_with(RULE) && n.ends_with(".bak")
        })
        .count();
    assert_eq!(backups, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn tuned_rule_saved_back_changes_only_query_lines() {
    save_and_check("\n");
}

#[test]
fn tuned_rule_saved_back_keeps_crlf() {
    save_and_check("\r\n");
}

#[test]
fn save_to_a_new_file_refuses_to_overwrite() {
    let dir = temp_dir("out");
    let out_file = dir.join("tuned.yaml");
    std::fs::write(&out_file, "keep me").unwrap();
    let out = hb()
        .args(["tune", "save"])
        .arg(rule_path())
        .args(["--set", "Signer_has='idrive'", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "keep me");
    let out = hb()
        .args(["tune", "save"])
        .arg(rule_path())
        .args(["--set", "Signer_has='idrive'", "--force", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    common::assert_ok(&out);
    let text = std::fs::read_to_string(&out_file).unwrap();
    let original = std::fs::read_to_string(rule_path()).unwrap();
    assert_eq!(
        text,
        original.replace("has 'Nanosystems S.R.L.'", "has 'idrive'")
    );
    // a bad value is refused with the reason and nothing is written
    let out = hb()
        .args(["tune", "save"])
        .arg(rule_path())
        .args(["--set", "Time_start=now(-5x)", "--force", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Time_start"));
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), text);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn version_is_bumped_when_the_rule_has_one() {
    let dir = temp_dir("version");
    let path = dir.join("r.yaml");
    let text = "id: 1\nname: r\n# a comment\nquery: |\n  DeviceInfo\n  | where OSPlatform == 'Windows10'\nversion: 1.0.1\nkind: Scheduled\n";
    std::fs::write(&path, text).unwrap();
    let out = hb()
        .args(["tune", "save"])
        .arg(&path)
        .args(["--set", "OSPlatform_eq='Windows11'"])
        .output()
        .unwrap();
    common::assert_ok(&out);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "id: 1\nname: r\n# a comment\nquery: |\n  DeviceInfo\n  | where OSPlatform == 'Windows11'\nversion: 1.0.2\nkind: Scheduled\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn params_lists_discovered_parameters() {
    let out = hb()
        .arg("params")
        .arg(rule_path())
        .args(["--format", "json"])
        .output()
        .unwrap();
    common::assert_ok(&out);
    let v = common::stdout_json(&out);
    let ps: Vec<(String, String, String, String)> = v[0]["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["type"].as_str().unwrap().to_string(),
                p["value"].as_str().unwrap().to_string(),
                p["context"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str, d: &str| (a.into(), b.into(), c.into(), d.into());
    assert_eq!(
        ps,
        [
            s("Time_start", "datetime", "now(-5d)", "let"),
            s("Time_end", "datetime", "now()", "let"),
            s("Signer_has", "string", "'Nanosystems S.R.L.'", "Signer has"),
        ]
    );
    // the file line of the inline value (line 18 of the file: the query block starts on line 13)
    assert_eq!(v[0]["params"][2]["line"], serde_json::json!(18));
    // every discovered parameter is accepted by run --set
    let out = hb()
        .arg("run")
        .arg(rule_path())
        .args(["--set", "Signer_has='Nanosystems'", "--format", "json"])
        .output()
        .unwrap();
    common::assert_ok(&out);
}

#[test]
fn explain_planted_events() {
    let rule = rules::load_file(rule_path()).unwrap();
    let m = common::sample_manifest();
    let event = |p: &serde_json::Value| {
        format!(
            "ReportId == {} and DeviceId == '{}'",
            p["report_id"],
            p["device_id"].as_str().unwrap()
        )
    };
    let outcomes = |q: &str, p: &serde_json::Value| -> Vec<(String, Outcome)> {
        tune::explain(q, &event(p), &catalog(), &opts())
            .expect("explains")
            .into_iter()
            .map(|v| (v.text, v.outcome))
            .collect()
    };
    // a planted true positive satisfies both predicates
    let tp = m["plants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["category"] == "true_positive"
                && p["seed_rule_matches"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r == RULE)
        })
        .unwrap()
        .clone();
    assert_eq!(
        outcomes(&rule.query, &tp),
        [
            (
                "Timestamp between (Time_start..Time_end)".to_string(),
                Outcome::True
            ),
            ("Signer has 'Nanosystems S.R.L.'".to_string(), Outcome::True),
        ]
    );
    // the look-alike signer plant (near miss, not matched) fails the signer predicate only
    let near = m["plants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["category"] == "near_miss"
                && p["table"] == "DeviceFileCertificateInfo"
                && p["tool"] == "SupRemo"
                && p["seed_rule_matches"].as_array().unwrap().is_empty()
        })
        .unwrap()
        .clone();
    let got = outcomes(&rule.query, &near);
    assert_eq!(got[1].1, Outcome::False, "{got:?} for {}", near["id"]);
    // with a 1-day window, an older true positive fails the time window
    let now = opts().now.unwrap();
    let old = m["plants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["seed_rule_matches"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == RULE)
                && engine::value::parse_datetime(p["timestamp"].as_str().unwrap()).unwrap()
                    < now - DAY
        })
        .unwrap()
        .clone();
    let (q1, _) = huntbench::kql::params::set_values(
        &rule.query,
        &[("Time_start".into(), "now(-1d)".into())],
    )
    .unwrap();
    let got = outcomes(&q1, &old);
    assert_eq!(got[0].1, Outcome::False);
    assert_eq!(got[1].1, Outcome::True);
    // an unknown event is an error
    assert!(tune::explain(&rule.query, "ReportId == -1", &catalog(), &opts()).is_err());
}

#[test]
fn exclusions_through_the_library() {
    let rule = rules::load_file(rule_path()).unwrap();
    let device = excluded_device();
    let tuned = tune::tune_query(
        &rule.query,
        &[],
        &[("DeviceName".into(), device.clone())],
        &Catalog::schema_only(),
        &opts(),
    )
    .unwrap();
    let t = run_table(&tuned.run);
    let c = t.columns.iter().position(|c| c == "DeviceName").unwrap();
    assert!(t.rows.iter().all(|r| r[c] != device));
    assert_eq!(t.rows.len(), expected_windows().len() - 1);
    let freq = tune::frequency(&run_table(&rule.query), "DeviceName").unwrap();
    assert_eq!(freq.len(), expected_windows().len());
    assert!(freq.iter().all(|(_, n)| *n == 1));
}

#[test]
fn sessions_round_trip() {
    let dir = temp_dir("sessions");
    let path = dir.join(RULE);
    std::fs::copy(rule_path(), &path).unwrap();
    let out = hb()
        .env("HUNTBENCH_DATA_DIR", &dir)
        .args(["tune", "save"])
        .arg(&path)
        .args([
            "--set",
            "Time_start=now(-2d)",
            "--session",
            "two-days",
            "--out",
        ])
        .arg(dir.join("a.yaml"))
        .output()
        .unwrap();
    common::assert_ok(&out);
    assert!(dir.join("sessions").is_dir());
    // reopened by name: same values, same file
    let out = hb()
        .env("HUNTBENCH_DATA_DIR", &dir)
        .args(["tune", "save"])
        .arg(&path)
        .args(["--session", "two-days", "--out"])
        .arg(dir.join("b.yaml"))
        .output()
        .unwrap();
    common::assert_ok(&out);
    let a = std::fs::read(dir.join("a.yaml")).unwrap();
    assert_eq!(a, std::fs::read(dir.join("b.yaml")).unwrap());
    assert!(String::from_utf8_lossy(&a).contains("now(-2d)"));
    let out = hb()
        .env("HUNTBENCH_DATA_DIR", &dir)
        .args(["tune", "save"])
        .arg(&path)
        .args(["--session", "nope", "--out"])
        .arg(dir.join("c.yaml"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("two-days"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn placeholder_rules_run() {
    let dir = temp_dir("placeholder");
    let path = dir.join("p.yaml");
    std::fs::write(
        &path,
        "id: p\nname: placeholder\nquery: |\n  let starttime = todatetime('{{StartTimeISO}}');\n  let endtime = todatetime('{{EndTimeISO}}');\n  DeviceFileCertificateInfo\n  | where Timestamp between (starttime .. endtime)\n  | where Signer has 'Nanosystems S.R.L.'\n  | summarize Count = count() by DeviceName\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        let out = hb()
            .arg("run")
            .arg(&path)
            .args(extra)
            .args(["--format", "json"])
            .output()
            .unwrap();
        common::assert_ok(&out);
        let v = common::stdout_json(&out);
        v["results"][0]["rows"].as_array().unwrap().len()
    };
    let exp = expected_windows();
    // the default window is the last day
    assert_eq!(run(&[]), exp.iter().filter(|(_, _, n1)| *n1 > 0).count());
    // a wider window through the placeholder parameter
    assert_eq!(run(&["--set", "StartTimeISO=ago(5d)"]), exp.len());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_on_the_command_line() {
    let m = common::sample_manifest();
    let tp = m["plants"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| {
            p["seed_rule_matches"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r == RULE)
        })
        .unwrap()
        .clone();
    let event = format!(
        "ReportId == {} and DeviceId == '{}'",
        tp["report_id"],
        tp["device_id"].as_str().unwrap()
    );
    let out = hb()
        .args(["tune", "explain"])
        .arg(rule_path())
        .args(["--event", &event, "--set", "Signer_has='idrive'"])
        .output()
        .unwrap();
    common::assert_ok(&out);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "true  Timestamp between (Time_start..Time_end)\nfalse Signer has 'idrive'\n"
    );
}

#[test]
fn run_refuses_a_bad_value_with_the_reason() {
    let out = hb()
        .arg("run")
        .arg(rule_path())
        .args(["--set", "Time_start=now(-1x)"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("FAILED") && text.contains("Time_start=now(-1x)"),
        "{text}"
    );
    let out = hb()
        .arg("run")
        .arg(rule_path())
        .args(["--set", "NoSuchParam=1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no rule has a parameter `NoSuchParam`"));
}
