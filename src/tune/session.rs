//! Tuning sessions: named parameter sets per rule id (parameter values and exclusions), persisted as JSON in
//! the user data dir (`directories`; `HUNTBENCH_DATA_DIR` overrides it) as `sessions/<rule id>.json`, and
//! reopened by name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One named parameter set of a rule.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Parameter name → KQL value (as `--set NAME=VALUE`).
    pub values: Vec<(String, String)>,
    /// Exclusions (column, value), applied before the values.
    pub exclusions: Vec<(String, String)>,
    /// When saved (ISO-8601 UTC).
    pub saved_at: String,
}

/// The folder sessions live in: `$HUNTBENCH_DATA_DIR/sessions`, else the user data dir's.
pub fn sessions_dir() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("HUNTBENCH_DATA_DIR").filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(d).join("sessions"));
    }
    directories::ProjectDirs::from("", "", "huntbench").map(|p| p.data_dir().join("sessions"))
}

fn file_for(dir: &Path, rule_id: &str) -> PathBuf {
    let safe: String = rule_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("{safe}.json"))
}

fn default_dir() -> Result<PathBuf, String> {
    sessions_dir().ok_or_else(|| "no user data folder: set HUNTBENCH_DATA_DIR".to_string())
}

/// Every session of `rule_id`, by name.
pub fn load_all(rule_id: &str) -> Result<BTreeMap<String, Session>, String> {
    load_all_in(&default_dir()?, rule_id)
}

/// Every session of `rule_id` in sessions folder `dir`, by name.
pub fn load_all_in(dir: &Path, rule_id: &str) -> Result<BTreeMap<String, Session>, String> {
    let path = file_for(dir, rule_id);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}:{}:{}: not a session file: {e}",
                path.display(),
                e.line(),
                e.column()
            )
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

/// The session `name` of `rule_id`.
pub fn load(rule_id: &str, name: &str) -> Result<Session, String> {
    let all = load_all(rule_id)?;
    all.get(name).cloned().ok_or_else(|| {
        let names: Vec<&str> = all.keys().map(String::as_str).collect();
        if names.is_empty() {
            format!("rule {rule_id} has no saved session `{name}`")
        } else {
            format!(
                "rule {rule_id} has no session `{name}`; it has: {}",
                names.join(", ")
            )
        }
    })
}

/// Saves `session` as `name` for `rule_id` (replacing a session of that name); returns the file.
pub fn save(rule_id: &str, name: &str, session: Session) -> Result<PathBuf, String> {
    save_in(&default_dir()?, rule_id, name, session)
}

/// [`save`] into sessions folder `dir`.
pub fn save_in(
    dir: &Path,
    rule_id: &str,
    name: &str,
    mut session: Session,
) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut all = load_all_in(dir, rule_id)?;
    if session.saved_at.is_empty() {
        session.saved_at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    }
    all.insert(name.to_string(), session);
    let path = file_for(dir, rule_id);
    let text = serde_json::to_string_pretty(&all).map_err(|e| e.to_string())?;
    crate::rules::save::write_atomic(&path, &text)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(path)
}
