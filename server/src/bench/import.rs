//! `vigie bench --mode import`: writes a drop of generated history (the demo's probes,
//! one run every 5 minutes each, with their steps) and times an initial import of it,
//! end to end, into a fresh database per engine; prints each stage's rows/s and the
//! process's peak resident memory during the import.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use chrono::TimeZone;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::{BenchArgs, BenchError, Scratch};
use crate::clock::now_ms;
use crate::crypto::{LocalKeyProvider, PersonalDataCipher};
use crate::demo::catalog::{catalog, probes};
use crate::demo::probe_runs::{generate_run, probe_offset_ms, INTERVAL_MS};
use crate::demo::scenario::Scenario;
use crate::import::drop_writer::DropWriter;
use crate::import::pipeline::{self, ImportContext};
use crate::import::progress::Console;
use crate::import::Phase;
use crate::storage::{imports, Engine};

#[derive(Debug, Clone, Serialize)]
pub struct StageFigure {
    pub stage: String,
    pub rows: i64,
    pub seconds: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportFigures {
    pub engine: String,
    pub runs: u64,
    pub steps: u64,
    pub seconds: f64,
    /// Step rows per second, end to end (every stage, validation included).
    pub step_rows_per_second: f64,
    pub peak_rss_mb: f64,
    pub stages: Vec<StageFigure>,
}

/// The generated drop: how many runs and steps it holds.
struct Generated {
    runs: u64,
    steps: u64,
}

pub async fn run(args: &BenchArgs, days: u32) -> Result<Vec<ImportFigures>, BenchError> {
    let folder = args.work_dir.join(format!("drop-{days}d-{}p", args.probes));
    let generated = generate(&folder, days, args.probes)?;
    let mut figures = Vec::new();
    for name in &args.engines {
        let engine = super::engine_of(name)?;
        let scratch = Scratch::create(engine, args, days).await?;
        let context = ImportContext {
            progress: Arc::new(Console::new()),
            ..ImportContext::new(
                scratch.db.clone(),
                PersonalDataCipher::new(Arc::new(LocalKeyProvider::demo())),
                None,
            )
        };
        reset_peak_rss();
        let timer = Instant::now();
        let outcome = pipeline::start(&context, Phase::Initial, &folder)
            .await
            .map_err(|error| BenchError::Query(error.to_string()))?;
        let seconds = timer.elapsed().as_secs_f64();
        let peak_rss_mb = peak_rss_kb() as f64 / 1024.0;
        let stages = imports::stages(&scratch.db, &outcome.import.import_id)
            .await?
            .into_iter()
            .map(|stage| StageFigure {
                seconds: stage
                    .ended_at_ms
                    .map_or(0.0, |end| (end - stage.started_at_ms) as f64 / 1000.0),
                stage: stage.stage.to_string(),
                rows: stage.rows_done,
            })
            .collect();
        let figure = ImportFigures {
            engine: name.clone(),
            runs: generated.runs,
            steps: generated.steps,
            seconds,
            step_rows_per_second: generated.steps as f64 / seconds.max(1e-9),
            peak_rss_mb,
            stages,
        };
        print(&figure, engine);
        figures.push(figure);
        if args.keep {
            println!("[bench import] {name}: kept in {}", scratch.url);
            scratch.db.close().await;
        } else {
            scratch.remove().await?;
        }
    }
    Ok(figures)
}

fn print(figure: &ImportFigures, engine: Engine) {
    println!(
        "[bench import] {engine:?}: {} runs, {} steps in {:.1} s: {:.0} step rows/s end to end, peak RSS {:.0} MB",
        figure.runs, figure.steps, figure.seconds, figure.step_rows_per_second, figure.peak_rss_mb
    );
    for stage in &figure.stages {
        println!(
            "    {:<9} {:>12} rows {:>8.1} s {:>12.0} rows/s",
            stage.stage,
            stage.rows,
            stage.seconds,
            stage.rows as f64 / stage.seconds.max(1e-3)
        );
    }
}

/// Writes the drop once per scale (a `complete` marker tells a finished one).
fn generate(folder: &Path, days: u32, probe_count: u32) -> Result<Generated, BenchError> {
    let marker = folder.join("complete");
    let end = now_ms();
    let start = end - i64::from(days) * 86_400_000;
    let scenario = Scenario::new(end);
    let probes: Vec<_> = probes().into_iter().take(probe_count as usize).collect();
    let steps_marker = std::fs::read_to_string(&marker).ok();
    if let Some(text) = steps_marker {
        let mut parts = text.split_whitespace().filter_map(|part| part.parse().ok());
        if let (Some(runs), Some(steps)) = (parts.next(), parts.next()) {
            println!("[bench import] reusing the drop in {}", folder.display());
            return Ok(Generated { runs, steps });
        }
    }
    let _ = std::fs::remove_dir_all(folder);
    let date = chrono_tz::Europe::Paris
        .timestamp_millis_opt(end)
        .single()
        .map(|time| time.date_naive())
        .unwrap_or_default();
    println!(
        "[bench import] writing {days} days for {probe_count} probes into {}",
        folder.display()
    );
    let timer = Instant::now();
    let mut writer = DropWriter::create(folder, date)?;
    writer.catalog(&catalog(&scenario))?;
    let (mut runs, mut steps) = (0_u64, 0_u64);
    for slot in start.div_euclid(INTERVAL_MS)..end.div_euclid(INTERVAL_MS) {
        for (index, probe) in probes.iter().enumerate() {
            let started_at = slot * INTERVAL_MS + probe_offset_ms(index);
            let mut rng = ChaCha8Rng::seed_from_u64(slot as u64 ^ ((index as u64) << 48));
            let run = generate_run(probe, started_at, &mut rng, &scenario);
            runs += 1;
            steps += run.steps.len() as u64;
            writer.run(&run)?;
        }
    }
    writer.finish()?;
    std::fs::write(&marker, format!("{runs} {steps}"))?;
    println!(
        "[bench import] {runs} runs, {steps} steps written in {:.1} s",
        timer.elapsed().as_secs_f64()
    );
    Ok(Generated { runs, steps })
}

/// Resets the kernel's peak-resident-memory mark of this process (Linux).
fn reset_peak_rss() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The peak resident memory of this process since the last reset, in KiB (Linux).
fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| value.split_whitespace().next()?.parse().ok())
        })
        .unwrap_or(0)
}
