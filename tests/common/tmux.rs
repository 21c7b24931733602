//! A tmux session driving the real binary, shared by the end-to-end tests (`#[path]`-included by them).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    pub socket: String,
    pub session: String,
}

impl Tmux {
    pub fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs")
    }

    pub fn keys(&self, keys: &[&str]) {
        for k in keys {
            let out = self.cmd(&["send-keys", "-t", &self.session, k]);
            assert!(out.status.success(), "send-keys {k}");
            std::thread::sleep(Duration::from_millis(60));
        }
    }

    pub fn text(&self, s: &str) {
        let out = self.cmd(&["send-keys", "-t", &self.session, "-l", s]);
        assert!(out.status.success(), "send-keys -l {s}");
        std::thread::sleep(Duration::from_millis(60));
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(
            &self
                .cmd(&["capture-pane", "-p", "-t", &self.session])
                .stdout,
        )
        .into_owned()
    }

    /// Waits until the screen satisfies `ok`; panics with the screen after `secs`.
    pub fn wait(&self, what: &str, secs: u64, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if ok(&s) {
                return s;
            }
            if start.elapsed() > Duration::from_secs(secs) {
                panic!("timed out waiting for {what}; screen:\n{s}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd(&["kill-server"]);
    }
}

/// The row count in the status bar (` 3 rows · 12 ms`).
pub fn row_count(screen: &str) -> Option<usize> {
    let status = screen.lines().rev().nth(1)?;
    let mut words = status.split_whitespace();
    let n = words.next()?.parse().ok()?;
    matches!(words.next(), Some("row" | "rows")).then_some(n)
}

pub fn sh_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', "'\\''"))
}

pub fn tmux_missing() -> bool {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("note: tmux is not installed; skipping the end-to-end TUI test");
        return true;
    }
    false
}

/// Runs an end-to-end scenario up to three times: it drives a real terminal with timeouts, and a loaded
/// 2-core machine can miss one. A real breakage fails every attempt; the failures are printed.
pub fn with_retries(name: &str, scenario: fn()) {
    let mut failures = Vec::new();
    for attempt in 1..=3 {
        match std::panic::catch_unwind(scenario) {
            Ok(()) => {
                if !failures.is_empty() {
                    println!("{name}: passed on attempt {attempt} after: {failures:?}");
                }
                return;
            }
            Err(e) => {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                failures.push(msg);
            }
        }
    }
    panic!("{name} failed three times: {failures:#?}");
}

/// Starts `huntbench tui --data sample-data RULES` from `dir` in a detached 100x30 tmux session on its own
/// server (`socket`), with NO_COLOR and an empty config dir (`dir`: the default keys, whatever the user running
/// the tests has configured); the shell then writes `EXIT=<code>` to `exit_file`, prints `after-the-tui` and
/// waits.
pub fn launch(dir: &Path, rules: &Path, exit_file: &Path, socket: &str) -> Tmux {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_huntbench"));
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("sample-data");
    let script = format!(
        "cd {}; HUNTBENCH_CONFIG_DIR={} NO_COLOR=1 TERM=xterm-256color {} tui --data {} {}; echo EXIT=$? > {}; echo after-the-tui; sleep 120",
        sh_quote(dir),
        sh_quote(dir),
        sh_quote(&bin),
        sh_quote(&data),
        sh_quote(rules),
        sh_quote(exit_file),
    );
    let t = Tmux {
        socket: format!("{socket}-{}", std::process::id()),
        session: "e2e".into(),
    };
    let out = t.cmd(&[
        "-f",
        "/dev/null",
        "new-session",
        "-d",
        "-s",
        "e2e",
        "-x",
        "100",
        "-y",
        "30",
        "sh",
        "-c",
        &script,
    ]);
    assert!(
        out.status.success(),
        "tmux new-session: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = t.cmd(&["set-option", "-s", "escape-time", "0"]);
    t
}
