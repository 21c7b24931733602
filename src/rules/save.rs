//! Writing a tuned rule back as Sentinel YAML: only the query lines change ([`Rule::with_query`]) and
//! `version` is bumped when the rule has one (a minimal edit of that line). Writes are atomic (a temporary
//! file in the same folder, fsync, rename) and the previous file is kept as a backup (`NAME.yaml.bak`, or a
//! timestamped `NAME.yaml.YYYYMMDDTHHMMSS.bak` when that exists: an existing backup is never overwritten).

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use super::Rule;

/// What a save did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub path: PathBuf,
    /// The backup of the previous file (saves onto the rule's own file).
    pub backup: Option<PathBuf>,
    /// The new `version`, when the rule has one.
    pub version: Option<String>,
}

/// The rule file's text with the query replaced by `new_query` and `version` bumped when present.
pub fn tuned_text(rule: &Rule, new_query: &str) -> (String, Option<String>) {
    let out = rule.with_query(new_query);
    if rule.get("version").is_none() || new_query.trim_end() == rule.query.trim_end() {
        return (out, rule.version());
    }
    match bump_version_line(&out) {
        Some((text, v)) => (text, Some(v)),
        None => (out, rule.version()),
    }
}

/// Bumps the last number of a top-level `version: 1.0.2` line (quotes kept): `1.0.3`.
fn bump_version_line(text: &str) -> Option<(String, String)> {
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("version:") {
            let value_start = pos + "version:".len() + (rest.len() - rest.trim_start().len());
            let value = rest.trim();
            let (q, inner) = match value.chars().next() {
                Some(c @ ('\'' | '"')) if value.len() >= 2 && value.ends_with(c) => {
                    (Some(c), &value[1..value.len() - 1])
                }
                _ => (None, value),
            };
            let digits_end = inner.len();
            let digits_start = inner
                .char_indices()
                .rev()
                .take_while(|(_, c)| c.is_ascii_digit())
                .last()
                .map(|(i, _)| i)?;
            let n: u64 = inner[digits_start..digits_end].parse().ok()?;
            let new_inner = format!("{}{}", &inner[..digits_start], n + 1);
            let new_value = match q {
                Some(c) => format!("{c}{new_inner}{c}"),
                None => new_inner.clone(),
            };
            let mut out = String::with_capacity(text.len() + 1);
            out.push_str(&text[..value_start]);
            out.push_str(&new_value);
            out.push_str(&text[value_start + value.len()..]);
            return Some((out, new_inner));
        }
        pos += line.len();
    }
    None
}

/// Writes `text` to `path` atomically: a temporary file beside it, fsync, rename, fsync of the folder.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "rule.yaml".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut f = OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        if let Ok(d) = File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A backup name for `path` that does not exist yet.
fn backup_path(path: &Path) -> PathBuf {
    let plain = PathBuf::from(format!("{}.bak", path.display()));
    if !plain.exists() {
        return plain;
    }
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S");
    for n in 0.. {
        let p = if n == 0 {
            PathBuf::from(format!("{}.{stamp}.bak", path.display()))
        } else {
            PathBuf::from(format!("{}.{stamp}-{n}.bak", path.display()))
        };
        if !p.exists() {
            return p;
        }
    }
    plain
}

fn io_err(path: &Path, what: &str, e: std::io::Error) -> String {
    format!("{}: {what}: {e}", path.display())
}

/// Saves `rule` with `new_query` onto its own file, keeping a backup of the previous file.
pub fn save_in_place(rule: &Rule, new_query: &str) -> Result<Saved, String> {
    let (text, version) = tuned_text(rule, new_query);
    let current = fs::read(&rule.path).map_err(|e| io_err(&rule.path, "cannot read", e))?;
    if current != rule.raw.as_bytes() {
        return Err(format!(
            "{}: the file changed on disk since it was loaded; reload it, or save to a new file with --out",
            rule.path.display()
        ));
    }
    let backup = backup_path(&rule.path);
    let mut b = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&backup)
        .map_err(|e| io_err(&backup, "cannot create the backup", e))?;
    b.write_all(&current)
        .and_then(|()| b.sync_all())
        .map_err(|e| io_err(&backup, "cannot write the backup", e))?;
    write_atomic(&rule.path, &text).map_err(|e| io_err(&rule.path, "cannot write", e))?;
    Ok(Saved {
        path: rule.path.clone(),
        backup: Some(backup),
        version,
    })
}

/// Saves `rule` with `new_query` to a new file `out`; an existing file is refused unless `force`.
pub fn save_to(rule: &Rule, new_query: &str, out: &Path, force: bool) -> Result<Saved, String> {
    if out.exists() && !force {
        return Err(format!(
            "{}: exists; pass --force to overwrite it, or choose another file",
            out.display()
        ));
    }
    let (text, version) = tuned_text(rule, new_query);
    write_atomic(out, &text).map_err(|e| io_err(out, "cannot write", e))?;
    Ok(Saved {
        path: out.to_path_buf(),
        backup: None,
        version,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_bump_is_one_line() {
        let t = "id: x\r\nversion: 1.0.9\r\nquery: |\r\n  T\r\n";
        let (out, v) = bump_version_line(t).expect("bumps");
        assert_eq!(out, "id: x\r\nversion: 1.0.10\r\nquery: |\r\n  T\r\n");
        assert_eq!(v, "1.0.10");
        let (out, _) = bump_version_line("version: '2.1'\n").expect("bumps");
        assert_eq!(out, "version: '2.2'\n");
        assert!(bump_version_line("name: v\n").is_none());
    }
}
