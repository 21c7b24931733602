//! Shared by the tui tests (`#[path]`-included): a small data folder, apps over it, key presses, drawing.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use huntbench::data::catalog::Catalog;
use huntbench::engine::value::parse_datetime;
use huntbench::rules::{self, LoadReport};
use huntbench::tui::action::Effect;
use huntbench::tui::runtime::run_effects_sync;
use huntbench::tui::{App, DataInfo, Executor};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The reference time of the fixture: 2024-05-01T12:00:00Z; the SupRemo rule looks back 5 days, to
/// 2024-04-26T12:00:00Z.
pub const NOW: &str = "2024-05-01T12:00:00Z";

pub fn now() -> i64 {
    parse_datetime(NOW).expect("NOW parses")
}

/// DeviceFileCertificateInfo: two devices with SupRemo's signer inside the window (dev-a twice, dev-b once),
/// one benign signer, one SupRemo row outside the window.
pub const CERT_CSV: &str = "\
Timestamp,DeviceId,DeviceName,SHA1,Signer,ReportId
2024-04-29T10:00:00Z,dev-a,pc-a.contoso.com,1111111111111111111111111111111111111111,Nanosystems S.r.l.,11
2024-04-30T08:30:00Z,dev-a,pc-a.contoso.com,2222222222222222222222222222222222222222,Nanosystems S.r.l.,12
2024-04-28T09:00:00Z,dev-b,pc-b.contoso.com,3333333333333333333333333333333333333333,Nanosystems S.r.l.,21
2024-04-30T00:00:00Z,dev-c,pc-c.contoso.com,4444444444444444444444444444444444444444,Microsoft Windows,31
2024-04-20T00:00:00Z,dev-d,pc-d.contoso.com,5555555555555555555555555555555555555555,Nanosystems S.r.l.,41
";

/// A temp data folder with `CERT_CSV` (plus `extra` files).
pub fn data_dir(extra: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("DeviceFileCertificateInfo.csv"), CERT_CSV).expect("write csv");
    for (name, text) in extra {
        std::fs::write(dir.path().join(name), text).expect("write extra");
    }
    dir
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Loads rules and shows their paths relative to the repository (stable snapshots).
pub fn load(paths: &[PathBuf]) -> LoadReport {
    let mut report = rules::load_paths(paths);
    let root = repo();
    for r in &mut report.rules {
        if let Ok(p) = r.path.strip_prefix(&root) {
            r.path = p.to_path_buf();
        }
    }
    for e in &mut report.errors {
        if let Ok(p) = e.path.strip_prefix(&root) {
            e.path = p.to_path_buf();
        }
    }
    report
}

/// A rule file written to `dir`, loaded, and shown as `rules/<name>`.
pub fn rule_file(dir: &Path, name: &str, text: &str, report: &mut LoadReport) {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write rule");
    match rules::load_file(&path) {
        Ok(mut r) => {
            r.path = PathBuf::from("rules").join(name);
            report.rules.push(r);
        }
        Err(mut e) => {
            e.path = PathBuf::from("rules").join(name);
            report.errors.push(e);
        }
    }
}

pub struct Bench {
    pub app: App,
    pub exec: Executor,
    pub _data: tempfile::TempDir,
}

impl Bench {
    pub fn new(report: LoadReport, extra: &[(&str, &str)]) -> Bench {
        let data = data_dir(extra);
        let catalog = Catalog::open(data.path()).expect("catalog");
        let info = DataInfo {
            now: now(),
            now_source: "--now".into(),
            data_source: "fixture-data".into(),
        };
        let mut app = App::new(report, info);
        app.color = false;
        app.device_tables = huntbench::tui::timeline::device_tables(&catalog);
        Bench {
            app,
            exec: Executor::new(Arc::new(catalog), now()),
            _data: data,
        }
    }

    /// The bundled `rules/` folder.
    pub fn bundled(extra: &[(&str, &str)]) -> Bench {
        Bench::new(load(&[repo().join("rules")]), extra)
    }

    /// Presses one key and runs its effects to completion.
    pub fn key(&mut self, code: KeyCode) -> Vec<Effect> {
        self.key_mod(code, KeyModifiers::NONE)
    }

    pub fn key_mod(&mut self, code: KeyCode, m: KeyModifiers) -> Vec<Effect> {
        let fx = self.app.handle_key(&KeyEvent::new(code, m));
        run_effects_sync(&mut self.app, &self.exec, fx.clone());
        fx
    }

    /// Presses each character of `s` as a key.
    pub fn type_keys(&mut self, s: &str) {
        for c in s.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Draws into a `w`×`h` test terminal.
    pub fn draw(&mut self, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        t.draw(|f| huntbench::tui::ui::draw(f, &mut self.app))
            .expect("draw");
        t
    }

    /// The screen as text lines.
    pub fn screen(&mut self, w: u16, h: u16) -> String {
        self.draw(w, h).backend().to_string()
    }

    /// Selects the rule whose path ends with `file` through the filter.
    pub fn select_rule(&mut self, filter: &str) {
        self.key(KeyCode::Char('/'));
        self.type_keys(filter);
        self.key(KeyCode::Enter);
    }
}
