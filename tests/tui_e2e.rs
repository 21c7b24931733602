//! End to end in tmux: the real binary in a detached 100x30 session (NO_COLOR) over the bundled
//! `sample-data/`. Select the SupRemo file-signature rule, change its time window from 5 days to 1 day in the
//! parameter form, run, read the device count off the screen and compare it with the count the plant list
//! implies (`sample-data/manifest.json`), drill into a device and one of its events (ReportId), back out
//! twice, quit; the exit code is 0 and the terminal is restored (the alternate screen is left). Skipped with
//! a note when tmux is not installed.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

#[path = "common/tmux.rs"]
mod tmux;
use tmux::{launch, row_count, tmux_missing, with_retries};

use huntbench::engine::value::parse_datetime;

const RULE_FILE: &str = "rmm_SupRemo_filesig.yaml";
const DAY_TICKS: i64 = 24 * 3600 * 10_000_000;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Distinct devices of plants the SupRemo file-signature rule matches, within `days` before the
/// reference time.
fn expected_devices(days: i64) -> usize {
    let text = std::fs::read_to_string(repo().join("sample-data/manifest.json")).expect("manifest");
    let m: serde_json::Value = serde_json::from_str(&text).expect("manifest JSON");
    let reference = m["reference_time"]
        .as_str()
        .and_then(parse_datetime)
        .expect("reference_time");
    let mut devices = BTreeSet::new();
    for p in m["plants"].as_array().expect("plants") {
        let matches = p["seed_rule_matches"]
            .as_array()
            .is_some_and(|a| a.iter().any(|r| r.as_str() == Some(RULE_FILE)));
        let Some(t) = p["timestamp"].as_str().and_then(parse_datetime) else {
            continue;
        };
        if matches && t >= reference - days * DAY_TICKS && t <= reference {
            devices.insert(p["device_id"].as_str().unwrap_or_default().to_string());
        }
    }
    devices.len()
}

#[test]
fn sigterm_and_sighup_restore_the_terminal() {
    with_retries("sigterm_and_sighup", sigterm_and_sighup_scenario);
}

fn sigterm_and_sighup_scenario() {
    if tmux_missing() {
        return;
    }
    for sig in ["TERM", "HUP"] {
        let tmp = tempfile::tempdir().expect("tempdir");
        let exit_file = tmp.path().join("exit");
        let t = launch(
            tmp.path(),
            &repo().join("rules"),
            &exit_file,
            &format!("huntbench-e2e-{sig}"),
        );
        t.wait("the rule list", 60, |s| s.contains("huntbench › Rules"));
        // the workbench is the shell's child in the pane
        let out = t.cmd(&["list-panes", "-t", "e2e", "-F", "#{pane_pid}"]);
        let shell = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let out = Command::new("ps")
            .args(["-o", "pid=", "--ppid", &shell])
            .output()
            .expect("ps");
        let pid = String::from_utf8_lossy(&out.stdout).trim().to_string();
        assert!(!pid.is_empty(), "the workbench process under shell {shell}");
        let status = Command::new("kill")
            .args([&format!("-{sig}"), &pid])
            .status()
            .expect("kill");
        assert!(status.success());
        let after = t.wait("the shell after SIG{sig}", 30, |s| {
            s.contains("after-the-tui")
        });
        let code = std::fs::read_to_string(&exit_file).unwrap_or_default();
        assert_eq!(code.trim(), "EXIT=0", "SIG{sig}");
        assert!(
            !after.contains("huntbench ›"),
            "SIG{sig}: the alternate screen was left; screen:\n{after}"
        );
    }
}

#[test]
fn supremo_one_day_window_in_tmux() {
    with_retries("supremo_one_day_window", supremo_one_day_window_scenario);
}

fn supremo_one_day_window_scenario() {
    if tmux_missing() {
        return;
    }
    let one_day = expected_devices(1);
    let five_days = expected_devices(5);
    assert!(
        one_day > 0 && one_day < five_days,
        "the sample data tells 1 day from 5 days: {one_day} vs {five_days}"
    );

    let tmp = tempfile::tempdir().expect("tempdir");
    let exit_file = tmp.path().join("exit");
    let t = launch(
        tmp.path(),
        &repo().join("rules"),
        &exit_file,
        "huntbench-e2e-main",
    );
    t.wait("the rule list", 60, |s| s.contains("huntbench › Rules"));
    t.keys(&["/"]);
    t.text("rules/rmm_supremo_f");
    t.wait("the filter", 10, |s| s.contains("/rules/rmm_supremo_f"));
    t.keys(&["Enter", "p"]);
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
    t.wait("the edited value", 10, |s| {
        s.contains("let Time_start = now(-1d);") && s.contains("(rule: now(-5d))")
    });
    t.keys(&["r"]);
    let results = t.wait("the results", 120, |s| {
        row_count(s).is_some() && s.contains("DeviceId")
    });
    assert_eq!(
        row_count(&results),
        Some(one_day),
        "devices on screen vs the plant list (1 day); screen:\n{results}"
    );

    // the events behind the first device, then one event's record (with its ReportId)
    t.keys(&["Enter"]);
    t.wait("the device's events", 120, |s| s.contains("DeviceId = "));
    t.keys(&["Enter"]);
    t.wait("the record", 10, |s| {
        s.contains("record 1 of") && s.contains("ReportId")
    });
    t.keys(&["Escape"]);
    t.wait("the events again", 10, |s| !s.contains("record 1 of"));
    t.keys(&["Escape"]);
    t.wait("the rule's results again", 10, |s| {
        !s.contains("DeviceId = ")
    });
    t.keys(&["q"]);

    let after = t.wait("the shell after the TUI", 30, |s| {
        s.contains("after-the-tui")
    });
    let code = std::fs::read_to_string(&exit_file).unwrap_or_default();
    assert_eq!(code.trim(), "EXIT=0");
    assert!(
        !after.contains("huntbench ›") && !after.contains("Time_start"),
        "the alternate screen was left; screen:\n{after}"
    );
}
