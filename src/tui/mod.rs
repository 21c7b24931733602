//! The interactive workbench: pick a rule, run it, read the results, drill into the events behind a row.
//!
//! Built the Elm way (see `ANCHORS_STYLE.md`): [`action::Action`]s are data, keys map to them through the
//! [`keymap::Keymap`] (which also generates the help overlay and footer hints), [`app::update`] is a pure
//! function from state and action to state and [`action::Effect`]s, and the [`runtime`] runs the effects:
//! queries on worker threads with a cancel flag, results back over a channel. [`ui::draw`] renders the state.
//!
//! Beyond running and drilling: a rule's parameters ([`crate::kql::params`]) are edited in a form
//! and runs use the edited query; result views export to CSV/JSON and copy a cell with OSC 52 ([`export`]);
//! a row or record opens the device timeline around it ([`timeline`]). A result view sorts, filters, hides
//! and reorders columns and searches its fetched rows locally ([`table`]), around a column cursor; export
//! writes the view as shown. The user's `keymap.toml` ([`keyfile`]) rebinds keys and turns on the mouse
//! (wheel scrolls, click selects; also `--mouse`). SIGTERM and SIGHUP end the workbench the normal way,
//! restoring the terminal.

pub mod action;
pub mod app;
pub mod connections;
pub mod drill;
pub mod exec;
pub mod export;
pub mod highlight;
pub mod keyfile;
pub mod keymap;

pub mod runtime;
pub mod table;
pub mod theme;
pub mod timeline;
pub mod tune;
pub mod ui;

use std::path::PathBuf;
use std::sync::Arc;

use clap::Args;

use crate::data::catalog::Catalog;
use crate::engine;
use crate::rules;

pub use action::{Action, Effect};
pub use app::{App, DataInfo, update};
pub use exec::Executor;

#[derive(Args, Default)]
pub struct TuiArgs {
    /// Rule files or folders (default: the bundled rules).
    pub paths: Vec<PathBuf>,
    /// Folder of exported tables (default: the bundled sample data).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// The instant `now()` stands for (ISO-8601 UTC). Default: the data set's reference time
    /// (manifest.json), else the clock.
    #[arg(long)]
    pub now: Option<String>,
    /// Print the default keymap (a template for the user keymap file) and where it goes, then exit.
    #[arg(long)]
    pub print_keymap: bool,
    /// Mouse: the wheel scrolls, a click selects (also `mouse = true` in the keymap file's [settings]).
    #[arg(long)]
    pub mouse: bool,
    /// Half-width of the device timeline window in minutes (±N around the event; `[`/`]` change it).
    #[arg(long, value_name = "MINUTES", value_parser = clap::value_parser!(i64).range(1..=10080))]
    pub timeline_window: Option<i64>,
}

/// Whether colours are allowed: not when NO_COLOR is set to anything non-empty.
pub fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// The status-line note for the keymap file's problems: the first one, and how many more.
pub fn problems_note(problems: &[String]) -> Option<String> {
    let first = problems.first()?;
    Some(match problems.len() {
        1 => format!("keymap: {first}"),
        n => format!("keymap: {first} (and {} more problems)", n - 1),
    })
}

/// `huntbench tui`: opens the workbench. Returns the exit code.
pub fn run(a: &TuiArgs) -> u8 {
    use crate::cli::{EXIT_FAILED, EXIT_USAGE};
    if a.print_keymap {
        let path = keyfile::user_file()
            .map(|p| p.display().to_string())
            .unwrap_or_else(|| "(no config dir on this system: set HUNTBENCH_CONFIG_DIR)".into());
        println!("# Default keymap. Save as {path}\n");
        print!("{}", keyfile::to_file(&keymap::Keymap::defaults()));
        return 0;
    }
    let fixed_now = match a.now.as_deref().map(crate::cli::parse_now).transpose() {
        Ok(n) => n,
        Err(e) => {
            eprintln!("huntbench: {e}");
            return EXIT_USAGE;
        }
    };
    let paths = if a.paths.is_empty() {
        vec![crate::cli::default_rules_dir()]
    } else {
        a.paths.clone()
    };
    let report = rules::load_paths(&paths);
    let Some(data_dir) = a.data.clone().or_else(crate::cli::default_data_dir) else {
        eprintln!(
            "huntbench: no data folder: pass --data DIR (the bundled sample-data/ was not found)"
        );
        return EXIT_USAGE;
    };
    let catalog = match Catalog::open(&data_dir) {
        // Re-runs after a parameter edit read the columns from memory (at most 1 GiB of them).
        Ok(mut c) => {
            c.enable_scan_cache(1 << 30);
            c
        }
        Err(e) => {
            eprintln!("huntbench: {e}");
            return EXIT_FAILED;
        }
    };
    let (now, now_source) = match fixed_now {
        Some(n) => (n, "--now"),
        None => match crate::cli::run::manifest_now(&data_dir) {
            Some(n) => (n, "data reference time"),
            None => (engine::wall_clock_now(), "clock"),
        },
    };
    let info = DataInfo {
        now,
        now_source: now_source.to_string(),
        data_source: data_dir.display().to_string(),
    };
    let mut app = App::new(report, info);
    app.color = color_allowed();
    let keys = keyfile::load_user();
    app.keymap = keys.keymap;
    app.mouse = a.mouse || keys.settings.mouse;
    app.message = problems_note(&keys.problems);
    app.keymap_problems = keys.problems;
    if let Some(m) = a.timeline_window {
        app.timeline_minutes = m;
    }
    app.device_tables = timeline::device_tables(&catalog);
    let mut exec = Executor::new(Arc::new(catalog), now);
    match crate::config::load() {
        Ok(cfg) => {
            app.connections = connections::Picker::from_config(&cfg);
            exec = exec.with_connections(cfg.connections);
        }
        Err(e) => app.message = Some(format!("connections not loaded: {e}")),
    }
    match runtime::run(app, exec) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("huntbench: terminal error: {e}");
            EXIT_FAILED
        }
    }
}
