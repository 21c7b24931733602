//! End to end in tmux: tune the SupRemo file-signature rule in the real binary over the bundled
//! `sample-data/` (a copy of the rule in a temp dir, so the save writes there): run it as shipped (5 days),
//! edit the time window to 1 day, run again, open the diff (its counts are what the plant list in
//! `sample-data/manifest.json` implies), exclude the first device, save onto the rule file (confirmation,
//! backup), quit. The saved file differs from the original only in its query lines, byte for byte; exit code
//! 0 and the terminal restored. Skipped with a note when tmux is not installed.

use std::collections::BTreeMap;
use std::path::PathBuf;

#[path = "common/tmux.rs"]
mod tmux;
use tmux::{launch, row_count, tmux_missing, with_retries};

use huntbench::engine::value::parse_datetime;

const RULE_FILE: &str = "rmm_SupRemo_filesig.yaml";
const DAY_TICKS: i64 = 24 * 3600 * 10_000_000;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Per device name: planted events the rule matches in 5 days and in the last day.
fn plants() -> BTreeMap<String, (usize, usize)> {
    let text = std::fs::read_to_string(repo().join("sample-data/manifest.json")).expect("manifest");
    let m: serde_json::Value = serde_json::from_str(&text).expect("manifest JSON");
    let reference = m["reference_time"]
        .as_str()
        .and_then(parse_datetime)
        .expect("reference_time");
    let mut out: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for p in m["plants"].as_array().expect("plants") {
        let matches = p["seed_rule_matches"]
            .as_array()
            .is_some_and(|a| a.iter().any(|r| r.as_str() == Some(RULE_FILE)));
        let Some(t) = p["timestamp"].as_str().and_then(parse_datetime) else {
            continue;
        };
        if matches {
            let e = out
                .entry(p["device_name"].as_str().unwrap_or_default().to_string())
                .or_default();
            e.0 += 1;
            if t >= reference - DAY_TICKS && t <= reference {
                e.1 += 1;
            }
        }
    }
    out
}

#[test]
fn edit_run_diff_exclude_save_in_tmux() {
    with_retries("edit_run_diff_exclude_save", scenario);
}

fn scenario() {
    if tmux_missing() {
        return;
    }
    let p = plants();
    let five = p.len();
    let one = p.values().filter(|(_, n1)| *n1 > 0).count();
    let removed = p.values().filter(|(_, n1)| *n1 == 0).count();
    let unchanged = p.values().filter(|(n5, n1)| *n1 > 0 && n1 == n5).count();
    let changed = one - unchanged;
    assert!(
        removed > 0 && one > 1,
        "the plant list tells 1 day from 5 days"
    );

    let tmp = tempfile::tempdir().expect("tempdir");
    let rule = tmp.path().join(RULE_FILE);
    std::fs::copy(repo().join("rules").join(RULE_FILE), &rule).expect("copy the rule");
    let original = std::fs::read_to_string(&rule).expect("rule text");
    let exit_file = tmp.path().join("exit");
    let t = launch(tmp.path(), &rule, &exit_file, "huntbench-tune-e2e");
    t.wait("the rule list", 60, |s| s.contains("huntbench › Rules"));

    // the rule as shipped
    t.keys(&["Enter"]);
    let s = t.wait("the 5-day results", 120, |s| {
        row_count(s).is_some() && s.contains("DeviceId")
    });
    assert_eq!(row_count(&s), Some(five), "screen:\n{s}");
    t.keys(&["Escape"]);
    t.wait("the rule list again", 10, |s| !s.contains("DeviceId "));

    // edit the window to 1 day and run
    t.keys(&["p"]);
    t.wait("the parameter form", 10, |s| {
        s.contains("Time_start") && s.contains("now(-5d)")
    });
    t.keys(&["Enter"]);
    t.wait("the edit line", 10, |s| s.contains("new value: now(-5d)"));
    for _ in 0.."now(-5d)".len() {
        t.keys(&["BSpace"]);
    }
    t.text("now(-1d)");
    t.keys(&["Enter"]);
    t.wait("the edited value", 10, |s| s.contains("(rule: now(-5d))"));
    t.keys(&["r"]);
    let s = t.wait("the 1-day results", 120, |s| {
        s.contains("vs previous run") && row_count(s).is_some()
    });
    assert_eq!(row_count(&s), Some(one), "screen:\n{s}");

    // the diff
    t.keys(&["D"]);
    let want = format!("0 added, {removed} removed, {changed} changed, {unchanged} unchanged");
    let s = t.wait("the diff view", 10, |s| s.contains("Diff vs previous run"));
    assert!(s.contains(&want), "expected `{want}`; screen:\n{s}");
    t.keys(&["Escape"]);
    t.wait("the results again", 10, |s| {
        !s.contains("Diff vs previous run")
    });

    // exclude the first row's device name (the column cursor one to the right: DeviceName)
    t.keys(&["l", "g", "E"]);
    let s = t.wait("the re-run without the device", 120, |s| {
        row_count(s) == Some(one - 1)
    });
    assert!(
        s.contains("vs previous run: 0 added, 1 removed"),
        "screen:\n{s}"
    );

    // save onto the rule file
    t.keys(&["W"]);
    t.wait("the save confirmation", 10, |s| {
        s.contains("Save the tuned rule")
    });
    t.keys(&["y"]);
    t.wait("the saved note", 20, |s| s.contains("saved "));
    t.keys(&["q"]);
    let after = t.wait("the shell after the TUI", 30, |s| {
        s.contains("after-the-tui")
    });
    let code = std::fs::read_to_string(&exit_file).unwrap_or_default();
    assert_eq!(code.trim(), "EXIT=0");
    assert!(
        !after.contains("huntbench ›"),
        "the alternate screen was left; screen:\n{after}"
    );

    // the saved file: the original with only the query lines changed
    let saved = std::fs::read_to_string(&rule).expect("saved rule");
    let line = saved
        .lines()
        .find(|l| l.contains("let Excluded_DeviceName = dynamic(['"))
        .unwrap_or_else(|| panic!("the exclusion list in:\n{saved}"));
    let device = line
        .split("dynamic(['")
        .nth(1)
        .and_then(|r| r.split("'])").next())
        .expect("the excluded name")
        .to_string();
    assert!(
        p.get(&device).is_some_and(|(_, n1)| *n1 > 0),
        "the excluded device {device} was in the 1-day result"
    );
    let eol = if original.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let expected = original
        .replace("let Time_start = now(-5d);", "let Time_start = now(-1d);")
        .replace(
            &format!("  DeviceFileCertificateInfo{eol}"),
            &format!(
                "  let Excluded_DeviceName = dynamic(['{device}']);{eol}  DeviceFileCertificateInfo{eol}"
            ),
        )
        .replace(
            "  | summarize ",
            &format!("  | where DeviceName !in (Excluded_DeviceName){eol}  | summarize "),
        );
    assert_eq!(saved, expected);
    let backup =
        std::fs::read_to_string(tmp.path().join(format!("{RULE_FILE}.bak"))).expect("the backup");
    assert_eq!(backup, original);

    // reloaded, the saved rule gives the tuned result
    let r = huntbench::rules::load_file(&rule).expect("reloads");
    let catalog =
        huntbench::data::catalog::Catalog::open(repo().join("sample-data")).expect("sample data");
    let text = std::fs::read_to_string(repo().join("sample-data/manifest.json")).expect("manifest");
    let m: serde_json::Value = serde_json::from_str(&text).expect("manifest JSON");
    let now = m["reference_time"].as_str().and_then(parse_datetime);
    let res = huntbench::engine::run(
        &r.query,
        &catalog,
        &huntbench::engine::RunOptions {
            now,
            ..Default::default()
        },
    )
    .expect("runs");
    assert_eq!(res.frame.height(), one - 1);
}
