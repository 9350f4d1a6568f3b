//! Synthetic probe runs: one every 5 minutes per probe, step by step, shaped by the
//! scenario.

use app::domain::status::{RunStatus, StepStatus};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::catalog::{probes, ProbeDef};
use super::scenario::Scenario;
use crate::storage::runs::{insert_runs, ProbeRun, ProbeStep};
use crate::storage::{Database, StorageResult};

pub const INTERVAL_MS: i64 = 300_000;
const TIMEOUT_MS: i64 = 30_000;
const BATCH_RUNS: usize = 2_000;

/// Stores the runs of every probe on its 5-minute grid in `[from, to)`, skipping what an
/// earlier start already stored. Answers how many runs were added.
pub async fn fill_history(
    db: &Database,
    scenario: &Scenario,
    seed: u64,
    from: i64,
    to: i64,
) -> StorageResult<(u64, i64)> {
    let latest = crate::storage::runs::latest_started_at(db).await?;
    let from = latest.map_or(from, |latest| from.max(latest + 1));
    let probes = probes();
    let mut batch = Vec::with_capacity(BATCH_RUNS);
    let mut stored = 0;
    let first_slot = from.div_euclid(INTERVAL_MS);
    let last_slot = to.div_euclid(INTERVAL_MS);
    for slot in first_slot..=last_slot {
        for (index, probe) in probes.iter().enumerate() {
            let started_at = slot * INTERVAL_MS + probe_offset_ms(index);
            if started_at < from || started_at >= to {
                continue;
            }
            let mut rng = ChaCha8Rng::seed_from_u64(
                seed ^ (slot as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index as u64,
            );
            batch.push(generate_run(probe, started_at, &mut rng, scenario));
            if batch.len() >= BATCH_RUNS {
                stored += insert_runs(db, &batch, to).await?;
                batch.clear();
            }
        }
    }
    if !batch.is_empty() {
        stored += insert_runs(db, &batch, to).await?;
    }
    Ok((stored, from))
}

/// Spreads probes over the interval so that they do not all run at once.
pub fn probe_offset_ms(index: usize) -> i64 {
    (index as i64 * 13_000) % INTERVAL_MS
}

/// One run of `probe` starting at `started_at`.
// Over 80 lines: one run simulated step by step (durations, failures, skipped steps),
// as a probe would run it.
pub fn generate_run(
    probe: &ProbeDef,
    started_at: i64,
    rng: &mut ChaCha8Rng,
    scenario: &Scenario,
) -> ProbeRun {
    let mut steps = Vec::with_capacity(probe.product.steps.len());
    let mut clock = started_at;
    let mut failure: Option<(String, String, RunStatus)> = None;
    for (index, step) in probe.product.steps.iter().enumerate() {
        let position = index as i64 + 1;
        if failure.is_some() {
            steps.push(ProbeStep {
                step_code: step.code.into(),
                position,
                started_at_ms: clock,
                duration_ms: 0,
                status: StepStatus::Skipped,
                http_status: None,
                error_code: None,
                message: None,
            });
            continue;
        }
        let condition = scenario.step_condition(
            &probe.code,
            probe.environment,
            step.code,
            step.service,
            clock,
        );
        let channel_factor = if probe.channel == "mobile" { 1.15 } else { 1.0 };
        let noise =
            (0.28 * (rng.gen::<f64>() + rng.gen::<f64>() + rng.gen::<f64>() - 1.5) * 2.0).exp();
        let mut duration = (step.typical_ms * condition.slowness * channel_factor * noise) as i64;
        let (status, http_status, error_code, message) = match condition.failure {
            Some((probability, error, timeout)) if rng.gen::<f64>() < probability => {
                let error = if error.is_empty() {
                    step.usual_error
                } else {
                    error
                };
                let timeout = timeout || rng.gen::<f64>() < 0.15;
                if timeout {
                    duration = TIMEOUT_MS;
                }
                let (status, run_status) = if timeout {
                    (StepStatus::Timeout, RunStatus::Timeout)
                } else {
                    (StepStatus::Ko, RunStatus::Ko)
                };
                let http = if timeout {
                    504
                } else if error.starts_with("ESIGN") || error.starts_with("IDV") {
                    503
                } else {
                    500
                };
                let message = format!(
                    "{} : réponse HTTP {http} du service {}",
                    step.label, step.service
                );
                failure = Some((step.code.to_string(), error.to_string(), run_status));
                (status, Some(http), Some(error.to_string()), Some(message))
            }
            _ => (StepStatus::Ok, Some(200), None, None),
        };
        steps.push(ProbeStep {
            step_code: step.code.into(),
            position,
            started_at_ms: clock,
            duration_ms: duration,
            status,
            http_status,
            error_code,
            message,
        });
        clock += duration;
    }
    let (status, failed_step_code, error_code, error_message) = match &failure {
        Some((step, error, status)) => (
            *status,
            Some(step.clone()),
            Some(error.clone()),
            steps
                .iter()
                .find(|s| &s.step_code == step)
                .and_then(|s| s.message.clone()),
        ),
        None => (RunStatus::Ok, None, None, None),
    };
    ProbeRun {
        run_id: format!("{}-{started_at}", probe.code),
        probe_code: probe.code.clone(),
        started_at_ms: started_at,
        duration_ms: clock - started_at,
        status,
        failed_step_code,
        error_code,
        error_message,
        agent: Some(format!(
            "robot-{}",
            if probe.environment == "prod" {
                "prd-01"
            } else {
                "rec-01"
            }
        )),
        steps,
    }
}
