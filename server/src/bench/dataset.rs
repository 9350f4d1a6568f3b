//! The benchmark's data: the demo's probes and scenario, one run every 5 minutes each,
//! and the demo's real-prospect journeys (events and sealed prospects) over the same
//! span, at the demo's volume.

use std::time::Instant;

use std::sync::Arc;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::BenchError;
use crate::clock::now_ms;
use crate::crypto::{LocalKeyProvider, PersonalDataCipher};
use crate::demo::catalog::{catalog, probes};
use crate::demo::journeys::fill_history;
use crate::demo::probe_runs::{generate_run, probe_offset_ms, INTERVAL_MS};
use crate::demo::scenario::Scenario;
use crate::indicators::refresh;
use crate::storage::reference::upsert_catalog;
use crate::storage::runs::insert_runs;
use crate::storage::Database;

#[derive(Debug, Clone, Copy, Default)]
pub struct LoadFigures {
    pub runs: u64,
    pub steps: u64,
    /// Real-prospect journeys generated (their events are stored too).
    pub journeys: u64,
    pub insert_s: f64,
    pub rollup_s: f64,
    /// End of the generated history (the "now" of the queries).
    pub end_ms: i64,
}

const BATCH: usize = 5_000;
const JOURNEY_SEED: u64 = 29;

pub async fn load(db: &Database, days: u32, probe_count: u32) -> Result<LoadFigures, BenchError> {
    let end = now_ms();
    let start = end - i64::from(days) * 86_400_000;
    let scenario = Scenario::new(end);
    upsert_catalog(db, &catalog(&scenario)).await?;
    let probes: Vec<_> = probes().into_iter().take(probe_count as usize).collect();
    let mut batch = Vec::with_capacity(BATCH);
    let (mut runs, mut steps) = (0_u64, 0_u64);
    let mut insert_s = 0.0;
    for slot in start.div_euclid(INTERVAL_MS)..end.div_euclid(INTERVAL_MS) {
        for (index, probe) in probes.iter().enumerate() {
            let started_at = slot * INTERVAL_MS + probe_offset_ms(index);
            let mut rng = ChaCha8Rng::seed_from_u64(slot as u64 ^ ((index as u64) << 48));
            let run = generate_run(probe, started_at, &mut rng, &scenario);
            steps += run.steps.len() as u64;
            batch.push(run);
            if batch.len() == BATCH {
                let timer = Instant::now();
                runs += insert_runs(db, &batch, end).await?;
                insert_s += timer.elapsed().as_secs_f64();
                batch.clear();
            }
        }
    }
    if !batch.is_empty() {
        let timer = Instant::now();
        runs += insert_runs(db, &batch, end).await?;
        insert_s += timer.elapsed().as_secs_f64();
    }
    let cipher = PersonalDataCipher::new(Arc::new(LocalKeyProvider::demo()));
    let journeys = fill_history(db, &cipher, &scenario, JOURNEY_SEED, start, end)
        .await
        .map_err(|error| BenchError::Query(error.to_string()))?;
    let timer = Instant::now();
    refresh::rebuild(db, start, end).await?;
    let rollup_s = timer.elapsed().as_secs_f64();
    Ok(LoadFigures {
        runs,
        steps,
        journeys,
        insert_s,
        rollup_s,
        end_ms: end,
    })
}
