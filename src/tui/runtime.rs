//! The runtime: terminal setup and restore, the event loop, and query jobs on worker threads.
//!
//! The terminal is restored on quit, on error, and on panic (ratatui's init installs a hook that restores it
//! before the panic message prints). Startup sends no terminal queries (full-screen alternate screen, no
//! cursor-position or colour requests). SIGTERM and SIGHUP set a flag the event loop polls: it quits the
//! normal way, so the terminal is restored.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self, DisableMouseCapture, EnableMouseCapture, Event, KeyEventKind, MouseButton, MouseEvent,
    MouseEventKind,
};

use super::action::{Action, Effect, JobDone};
use super::app::{App, update};
use super::exec::{Executor, STACK_SIZE};
use super::ui;

/// Runs the workbench until the user quits.
pub fn run(app: App, exec: Executor) -> io::Result<()> {
    let stop = stop_flag()?;
    let mouse = app.mouse;
    let mut terminal = ratatui::try_init()?;
    if mouse {
        // mouse reporting is off again on quit and on panic (before ratatui's own restore)
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let _ = ratatui::crossterm::execute!(io::stdout(), DisableMouseCapture);
            prev(info);
        }));
        ratatui::crossterm::execute!(io::stdout(), EnableMouseCapture)?;
    }
    let result = event_loop(&mut terminal, app, exec, &stop);
    if mouse {
        let _ = ratatui::crossterm::execute!(io::stdout(), DisableMouseCapture);
    }
    ratatui::restore();
    result
}

/// A flag set when SIGTERM or SIGHUP arrives (the handler only stores to the flag).
pub fn stop_flag() -> io::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
        signal_hook::flag::register(sig, flag.clone())?;
    }
    Ok(flag)
}

struct Running {
    cancel: Arc<AtomicBool>,
    started: Instant,
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    mut app: App,
    exec: Executor,
    stop: &AtomicBool,
) -> io::Result<()> {
    let (tx, rx) = mpsc::channel::<JobDone>();
    let mut jobs: HashMap<u64, Running> = HashMap::new();
    loop {
        if app.quit || stop.load(Ordering::Relaxed) {
            break;
        }
        terminal.draw(|f| ui::draw(f, &mut app))?;
        if app.quit {
            break;
        }
        let timeout = if app.job.is_some() {
            Duration::from_millis(100)
        } else {
            Duration::from_millis(500)
        };
        let mut actions = Vec::new();
        if stop.load(Ordering::Relaxed) {
            actions.push(Action::Quit);
        } else if event::poll(timeout)? {
            match event::read()? {
                Event::Key(k) if k.kind != KeyEventKind::Release => {
                    if let Some(a) = app.keymap.resolve(&app.layers(), &k) {
                        actions.push(a);
                    }
                }
                Event::Mouse(m) => actions.extend(mouse_actions(&m)),
                _ => {} // resize: the next draw uses the new size
            }
        }
        while let Ok(done) = rx.try_recv() {
            jobs.remove(&done.id);
            actions.push(Action::JobDone(done));
        }
        if let Some(j) = &app.job
            && let Some(r) = jobs.get(&j.id)
        {
            actions.push(Action::Tick(r.started.elapsed()));
        }
        let mut follow = Vec::new();
        for a in actions {
            for fx in update(&mut app, a) {
                match fx {
                    Effect::Run(spec) => {
                        let cancel = Arc::new(AtomicBool::new(false));
                        jobs.insert(
                            spec.id,
                            Running {
                                cancel: cancel.clone(),
                                started: Instant::now(),
                            },
                        );
                        let exec = exec.clone();
                        let tx = tx.clone();
                        let spawned = std::thread::Builder::new()
                            .name(format!("query-{}", spec.id))
                            .stack_size(STACK_SIZE)
                            .spawn(move || {
                                let done = exec.execute(&spec, cancel);
                                let _ = tx.send(done);
                            });
                        if let Err(e) = spawned {
                            app.message = Some(format!("could not start the query: {e}"));
                            app.job = None;
                        }
                    }
                    Effect::Cancel(id) => {
                        if let Some(r) = jobs.remove(&id) {
                            r.cancel.store(true, Ordering::Relaxed);
                        }
                    }
                    Effect::Export {
                        stem,
                        ext,
                        contents,
                    } => {
                        let note = match std::env::current_dir()
                            .and_then(|d| super::export::write_new(&d, &stem, &ext, &contents))
                        {
                            Ok(p) => format!(
                                "exported to {}",
                                p.file_name()
                                    .map(|f| f.to_string_lossy().into_owned())
                                    .unwrap_or_default()
                            ),
                            Err(e) => format!("export failed: {e}"),
                        };
                        follow.push(Action::Note(note));
                    }
                    Effect::Clipboard(text) => {
                        let mut out = io::stdout();
                        out.write_all(super::export::osc52(&text).as_bytes())?;
                        out.flush()?;
                    }
                    Effect::Tune(t) => follow.push(super::tune::perform(t, &exec)),
                    Effect::Quit => app.quit = true,
                }
            }
        }
        for a in follow {
            update(&mut app, a);
        }
    }
    for r in jobs.values() {
        r.cancel.store(true, Ordering::Relaxed);
    }
    Ok(())
}

/// Lines the mouse wheel moves per notch.
pub const WHEEL_LINES: usize = 3;

/// The actions of a mouse event: the wheel moves the cursor of the active view, a left click selects.
pub fn mouse_actions(m: &MouseEvent) -> Vec<Action> {
    match m.kind {
        MouseEventKind::ScrollDown => vec![Action::Down; WHEEL_LINES],
        MouseEventKind::ScrollUp => vec![Action::Up; WHEEL_LINES],
        MouseEventKind::Down(MouseButton::Left) => vec![Action::Click {
            x: m.column,
            y: m.row,
        }],
        _ => Vec::new(),
    }
}

/// Runs effects on the calling thread (each query on a blocking worker) and feeds the outcomes back into
/// `update` until nothing is left: a deterministic runtime for tests.
pub fn run_effects_sync(app: &mut App, exec: &Executor, effects: Vec<Effect>) {
    let mut queue = effects;
    while !queue.is_empty() {
        let mut next = Vec::new();
        for fx in queue {
            match fx {
                Effect::Run(spec) => {
                    let done = exec.execute_blocking(&spec);
                    next.extend(update(app, Action::JobDone(done)));
                }
                Effect::Tune(t) => next.extend(update(app, super::tune::perform(t, exec))),
                _ => {}
            }
        }
        queue = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigterm_and_sighup_set_the_stop_flag() {
        for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGHUP] {
            let flag = stop_flag().expect("handlers registered");
            assert!(!flag.load(Ordering::Relaxed));
            signal_hook::low_level::raise(sig).expect("raise");
            assert!(flag.load(Ordering::Relaxed), "signal {sig} sets the flag");
        }
    }
}
