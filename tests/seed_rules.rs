//! The five seed rules over the bundled sample data give exactly the planted detections.
//!
//! Expected results are derived here from the generator's plant list (`sample-data/manifest.json`, each plant
//! with the seed rules it must match), never from the engine: per group (DeviceId, DeviceName, and RemoteUrl
//! for the network rule) FirstSeen = min timestamp, LastSeen = max, Report = the set of ReportIds, Count = the
//! number of planted rows. The generator's own test proves no background row matches a seed rule.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use assert_cmd::Command;
use huntbench::engine::value::parse_datetime;
use serde_json::Value;

const SEEDS: &[&str] = &[
    "rmm_SupRemo_filesig.yaml",
    "rmm_SupRemo_netconn.yaml",
    "rmm_Action1_filesig.yaml",
    "rmm_NetSupport_filesig.yaml",
    "rmm_RemotePC_filesig.yaml",
];

/// (DeviceId, DeviceName, RemoteUrl or "") -> (first, last, reports, count)
type Groups = BTreeMap<(String, String, String), (i64, i64, BTreeSet<i64>, i64)>;

fn manifest() -> Value {
    common::sample_manifest()
}

fn ticks(v: &Value) -> i64 {
    parse_datetime(v.as_str().expect("a datetime string")).expect("an ISO datetime")
}

fn expected_from_plants(m: &Value, rule: &str) -> Groups {
    let mut g = Groups::new();
    for p in m["plants"].as_array().expect("plants") {
        let matches = p["seed_rule_matches"]
            .as_array()
            .expect("seed_rule_matches");
        if !matches.iter().any(|r| r == rule) {
            continue;
        }
        let url = if rule.contains("netconn") {
            p["fields"]["RemoteUrl"]
                .as_str()
                .expect("netconn plants have a RemoteUrl")
                .to_string()
        } else {
            String::new()
        };
        let key = (
            p["device_id"].as_str().unwrap().to_string(),
            p["device_name"].as_str().unwrap().to_string(),
            url,
        );
        let t = ticks(&p["timestamp"]);
        let e = g.entry(key).or_insert((t, t, BTreeSet::new(), 0));
        e.0 = e.0.min(t);
        e.1 = e.1.max(t);
        e.2.insert(p["report_id"].as_i64().expect("report_id"));
        e.3 += 1;
    }
    g
}

/// The engine's result for one rule, as groups.
fn actual(result: &Value) -> Groups {
    assert_eq!(result["status"], "ok", "{result}");
    let names: Vec<&str> = result["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    let col = |row: &Vec<Value>, n: &str| {
        row[names
            .iter()
            .position(|x| *x == n)
            .unwrap_or_else(|| panic!("no column {n}"))]
        .clone()
    };
    let mut g = Groups::new();
    for row in result["rows"].as_array().unwrap() {
        let row = row.as_array().unwrap();
        let url = if names.contains(&"RemoteUrl") {
            col(row, "RemoteUrl").as_str().unwrap().to_string()
        } else {
            String::new()
        };
        let key = (
            col(row, "DeviceId").as_str().unwrap().to_string(),
            col(row, "DeviceName").as_str().unwrap().to_string(),
            url,
        );
        let reports: BTreeSet<i64> = col(row, "Report")
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_i64().unwrap())
            .collect();
        let prev = g.insert(
            key.clone(),
            (
                ticks(&col(row, "FirstSeen")),
                ticks(&col(row, "LastSeen")),
                reports,
                col(row, "Count").as_i64().unwrap(),
            ),
        );
        assert!(prev.is_none(), "group {key:?} appears twice");
    }
    g
}

fn run_seeds() -> BTreeMap<String, Value> {
    let mut cmd = Command::cargo_bin("huntbench").unwrap();
    cmd.current_dir(common::repo_dir()).arg("run");
    for s in SEEDS {
        cmd.arg(format!("rules/{s}"));
    }
    let out = cmd
        .args(["--data", "sample-data", "--format", "json"])
        .output()
        .unwrap();
    common::assert_ok(&out);
    // the run says which reference time it used
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("reference time"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = common::stdout_json(&out);
    let m = manifest();
    assert_eq!(
        doc["reference_time"].as_str().map(parse_datetime),
        Some(parse_datetime(m["reference_time"].as_str().unwrap()))
    );
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let file = r["file"].as_str().unwrap();
            (file.rsplit('/').next().unwrap().to_string(), r.clone())
        })
        .collect()
}

#[test]
fn seed_rules_find_exactly_the_planted_detections() {
    let m = manifest();
    let results = run_seeds();
    for rule in SEEDS {
        let want = expected_from_plants(&m, rule);
        assert!(
            !want.is_empty(),
            "the sample data plants true positives for {rule}"
        );
        let got = actual(&results[*rule]);
        assert_eq!(got, want, "{rule}");
    }
}

/// Every near-miss and false positive of the sample data, asserted one by one: the plant's (device, ReportId)
/// appears in the targeted rule's result exactly when the plant says it must.
#[test]
fn near_misses_and_false_positives_are_judged_right() {
    let m = manifest();
    let results = run_seeds();
    let mut checked = 0;
    for p in m["plants"].as_array().unwrap() {
        if p["category"] == "true_positive" {
            continue;
        }
        let rule = p["rule"].as_str().unwrap();
        if !SEEDS.contains(&rule) {
            continue;
        }
        let got = actual(&results[rule]);
        let device = p["device_id"].as_str().unwrap();
        let report = p["report_id"].as_i64().unwrap();
        let found = got
            .iter()
            .any(|((d, _, _), (_, _, reps, _))| d == device && reps.contains(&report));
        assert_eq!(
            found,
            p["expect_match"].as_bool().unwrap(),
            "plant {} ({}): {}",
            p["id"],
            rule,
            p["note"]
        );
        checked += 1;
    }
    // the list: Nanosystems SRL look-alike, supremocontrol.community, non-NanoSystems company, IDrive
    // backup (false positive), the window edges, ... all present
    assert!(checked >= 12, "only {checked} near-misses checked");
    let notes: String = m["plants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["note"].as_str().unwrap_or(""))
        .collect();
    for needle in [
        "supremocontrol.community",
        "Nanosystems SRL",
        "IDrive",
        "5 days",
    ] {
        assert!(notes.contains(needle), "a plant about {needle}");
    }
}

/// The same ReportId on two devices stays two groups.
#[test]
fn a_report_id_shared_by_two_devices_is_kept_apart() {
    let m = manifest();
    let results = run_seeds();
    let mut by_report: BTreeMap<i64, BTreeSet<String>> = BTreeMap::new();
    for rule in SEEDS {
        for ((d, _, _), (_, _, reps, _)) in actual(&results[*rule]) {
            for r in reps {
                by_report.entry(r).or_default().insert(d.clone());
            }
        }
    }
    let shared: Vec<_> = by_report.iter().filter(|(_, ds)| ds.len() > 1).collect();
    assert!(
        !shared.is_empty(),
        "the sample data plants a ReportId on two devices: {:?}",
        m["plant_summary"]
    );
}

/// A time-window parameter change behaves as the plant list says: with 1 day instead of 5, only plants of
/// the last day remain.
#[test]
fn narrowing_the_window_keeps_only_the_last_day() {
    let m = manifest();
    let now = parse_datetime(m["reference_time"].as_str().unwrap()).unwrap();
    let day = 24 * 3600 * 10_000_000i64;
    let out = Command::cargo_bin("huntbench")
        .unwrap()
        .current_dir(common::repo_dir())
        .args([
            "run",
            "rules/rmm_SupRemo_filesig.yaml",
            "--data",
            "sample-data",
            "--format",
            "json",
            "--set",
            "Time_start=now(-1d)",
        ])
        .output()
        .unwrap();
    common::assert_ok(&out);
    let doc = common::stdout_json(&out);
    let got = actual(&doc["results"][0]);
    // recomputed from the plants inside [now-1d, now]
    let mut want = Groups::new();
    for p in m["plants"].as_array().unwrap() {
        let t = ticks(&p["timestamp"]);
        let matches = p["seed_rule_matches"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r == "rmm_SupRemo_filesig.yaml");
        if !matches || t < now - day || t > now {
            continue;
        }
        let key = (
            p["device_id"].as_str().unwrap().to_string(),
            p["device_name"].as_str().unwrap().to_string(),
            String::new(),
        );
        let e = want.entry(key).or_insert((t, t, BTreeSet::new(), 0));
        e.0 = e.0.min(t);
        e.1 = e.1.max(t);
        e.2.insert(p["report_id"].as_i64().unwrap());
        e.3 += 1;
    }
    assert_eq!(got, want);
    assert!(
        got.len() < expected_from_plants(&m, "rmm_SupRemo_filesig.yaml").len(),
        "the 1-day window finds fewer devices"
    );
}

/// huntbench's RMM pack over the sample data: every planted file-signature, network and process event of a
/// tool is found by that tool's pack rule (or, for the five seed rules' tools, by the shipped seed rule).
#[test]
fn the_rmm_pack_finds_every_tool_plant() {
    let m = manifest();
    let out = Command::cargo_bin("huntbench")
        .unwrap()
        .current_dir(common::repo_dir())
        .args([
            "run",
            "rules/rmm-pack",
            "rules/",
            "--data",
            "sample-data",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    common::assert_ok(&out);
    let doc = common::stdout_json(&out);
    let mut by_file: BTreeMap<String, Groups> = BTreeMap::new();
    for r in doc["results"].as_array().unwrap() {
        let name = r["file"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        by_file.insert(name, actual(r));
    }
    let mut checked = 0;
    for p in m["plants"].as_array().unwrap() {
        let rule = p["rule"].as_str().unwrap();
        let Some(rest) = rule.strip_prefix("rmm-pack:") else {
            continue;
        };
        let (tool, kind) = rest.rsplit_once(':').unwrap();
        if !matches!(kind, "filesig" | "netconn" | "createproc")
            || !p["expect_match"].as_bool().unwrap()
        {
            continue;
        }
        let t = ticks(&p["timestamp"]);
        let now = parse_datetime(m["reference_time"].as_str().unwrap()).unwrap();
        if t < now - 5 * 24 * 3600 * 10_000_000i64 || t > now {
            continue; // outside the rules' 5-day window
        }
        let file = format!(
            "rmm_{}_{kind}.yaml",
            huntbench::rules::pack::short_name(tool)
        );
        let Some(groups) = by_file.get(&file) else {
            // tools without a rule of that kind (no signer facts): the pack's README says which
            continue;
        };
        let device = p["device_id"].as_str().unwrap();
        let report = p["report_id"].as_i64().unwrap();
        assert!(
            groups
                .iter()
                .any(|((d, _, _), (_, _, reps, _))| d == device && reps.contains(&report)),
            "{file} misses plant {} ({tool}, {kind})",
            p["id"]
        );
        checked += 1;
    }
    assert!(checked >= 60, "only {checked} pack plants checked");
}
