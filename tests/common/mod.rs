//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `../shared` beside the repository (or `$HUNTBENCH_SHARED`).
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("HUNTBENCH_SHARED") {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    }
}

pub fn repo_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Asserts a command succeeded, showing its stderr otherwise.
pub fn assert_ok(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A command's stdout as JSON.
pub fn stdout_json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// The bundled sample data's manifest (reference time, parameters, planted events).
pub fn sample_manifest() -> serde_json::Value {
    let text = std::fs::read_to_string(repo_dir().join("sample-data/manifest.json"))
        .expect("sample-data/manifest.json");
    serde_json::from_str(&text).expect("the manifest is JSON")
}
