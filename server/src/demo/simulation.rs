//! The live part of the demo: a new probe run every tick (`--tick-ms`; probes in turn), and
//! now and then a prospect's journey, each announced to open status boards.

use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::catalog::{probes, PRODUCTS};
use super::journeys::journey;
use super::probe_runs::generate_run;
use super::scenario::Scenario;
use super::DemoOptions;
use crate::board::RunNotifier;
use crate::clock::now_ms;
use crate::crypto::PersonalDataCipher;
use crate::ingest::RunRecorder;
use crate::storage::journeys::insert_journeys;
use crate::storage::Database;

/// Runs until the task is aborted.
pub async fn simulate(
    db: Database,
    notifier: RunNotifier,
    cipher: PersonalDataCipher,
    options: DemoOptions,
) {
    let probes = probes();
    let scenario = Scenario::new(now_ms());
    let mut rng = ChaCha8Rng::seed_from_u64(options.seed ^ now_ms() as u64);
    let mut ticker = tokio::time::interval(Duration::from_millis(options.tick_ms));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let recorder = RunRecorder::new(db.clone(), notifier);
    let mut turn = 0_usize;
    loop {
        ticker.tick().await;
        let Some(probe) = probes.get(turn % probes.len()) else {
            return;
        };
        turn += 1;
        let run = generate_run(probe, now_ms(), &mut rng, &scenario);
        if let Err(error) = recorder.record(std::slice::from_ref(&run)).await {
            tracing::warn!(%error, "demo simulation could not store a run");
        }
        if rng.gen::<f64>() < 0.3 {
            let product = &PRODUCTS[rng.gen_range(0..PRODUCTS.len())];
            let id = format!("J{}-live-{}", product.code, now_ms());
            if let Ok((prospect, events)) =
                journey(&mut rng, &cipher, &scenario, product, &id, now_ms())
            {
                let now = now_ms();
                let due: Vec<_> = events
                    .into_iter()
                    .filter(|event| event.occurred_at_ms <= now)
                    .collect();
                if let Err(error) = insert_journeys(&db, prospect.as_slice(), &due).await {
                    tracing::warn!(%error, "demo simulation could not store a journey");
                }
            }
        }
    }
}
