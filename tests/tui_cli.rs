//! `huntbench tui` argument errors are reported before the terminal is touched.

use assert_cmd::Command;
use predicates::prelude::*;

#[test]
fn bad_now_is_a_usage_error() {
    Command::cargo_bin("huntbench")
        .expect("binary")
        .env("NO_COLOR", "1")
        .args(["tui", "--now", "yesterday-ish"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--now"));
}

#[test]
fn missing_data_folder_fails_before_the_terminal() {
    Command::cargo_bin("huntbench")
        .expect("binary")
        .env("NO_COLOR", "1")
        .args(["tui", "--data", "/nonexistent/huntbench-data"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("huntbench-data"));
}
