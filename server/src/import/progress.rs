//! How an import shows its progress: a bar with rows/s on an interactive terminal, plain
//! lines otherwise (a log file, a scheduler), nothing in tests.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::Stage;

pub trait Progress: Send + Sync {
    /// A stage starts.
    fn stage(&self, import_id: &str, stage: Stage);
    /// `done` rows of the current stage are handled so far.
    fn rows(&self, done: u64);
    /// The stage ended after `rows` rows.
    fn stage_done(&self, stage: Stage, rows: u64, elapsed: Duration);
}

/// Shows nothing.
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &str, _: Stage) {}
    fn rows(&self, _: u64) {}
    fn stage_done(&self, _: Stage, _: u64, _: Duration) {}
}

/// Writes to stderr: a redrawn bar on a terminal, a line every few seconds otherwise.
pub struct Console {
    interactive: bool,
    state: Mutex<ConsoleState>,
}

struct ConsoleState {
    stage: Stage,
    started: Instant,
    last_shown: Instant,
}

impl Console {
    pub fn new() -> Console {
        Console {
            interactive: std::io::stderr().is_terminal(),
            state: Mutex::new(ConsoleState {
                stage: Stage::Check,
                started: Instant::now(),
                last_shown: Instant::now(),
            }),
        }
    }
}

impl Default for Console {
    fn default() -> Self {
        Console::new()
    }
}

const BAR_WIDTH: usize = 24;

impl Progress for Console {
    fn stage(&self, import_id: &str, stage: Stage) {
        if let Ok(mut state) = self.state.lock() {
            state.stage = stage;
            state.started = Instant::now();
            state.last_shown = Instant::now();
        }
        eprintln!("{import_id}: stage {}", stage.as_str());
    }

    fn rows(&self, done: u64) {
        let Ok(mut state) = self.state.lock() else {
            return;
        };
        let every = if self.interactive {
            Duration::from_millis(200)
        } else {
            Duration::from_secs(5)
        };
        if state.last_shown.elapsed() < every {
            return;
        }
        state.last_shown = Instant::now();
        let elapsed = state.started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / elapsed;
        let stage_index = Stage::ALL
            .iter()
            .position(|stage| *stage == state.stage)
            .unwrap_or(0);
        if self.interactive {
            let filled = (stage_index + 1) * BAR_WIDTH / Stage::ALL.len();
            let bar = format!("{}{}", "#".repeat(filled), "-".repeat(BAR_WIDTH - filled));
            let mut stderr = std::io::stderr();
            let _ = write!(
                stderr,
                "\r[{bar}] {:<8} {done:>12} rows {rate:>10.0} rows/s",
                state.stage.as_str()
            );
            let _ = stderr.flush();
        } else {
            eprintln!("  {}: {done} rows, {rate:.0} rows/s", state.stage.as_str());
        }
    }

    fn stage_done(&self, stage: Stage, rows: u64, elapsed: Duration) {
        if self.interactive {
            eprint!("\r{}\r", " ".repeat(BAR_WIDTH + 50));
        }
        let rate = rows as f64 / elapsed.as_secs_f64().max(0.001);
        eprintln!(
            "  {} done: {rows} rows in {:.1} s ({rate:.0} rows/s)",
            stage.as_str(),
            elapsed.as_secs_f64()
        );
    }
}
