//! Keeping rollups and incidents in step with raw runs: after runs are stored
//! ([`after_runs_stored`], by `ingest::RunRecorder`), over a whole range ([`rebuild`]:
//! the import's rollups stage, `vigie rollups rebuild`), and at start-up when the stored
//! rollups follow an older `ROLLUP_FORMAT` than the code ([`ensure_rollups_current`],
//! through the `rollup_state` table). In the server, refreshes take turns on
//! `Database::refresh_lock`, so that no stale total is written over a fresh one. A
//! rebuild detects two probes' incidents at once and writes each probe's as soon as they
//! are found; on PostgreSQL it starts with `ANALYZE probe_runs, probe_steps` and ends
//! with `ANALYZE rollups, incidents`, so that the queries after a bulk load are not
//! planned for a few rows.

use std::collections::BTreeMap;

use futures::StreamExt;

use super::incidents;
use super::maintenance::MaintenanceIndex;
use super::rollups;
use crate::storage::{Database, Engine, StorageResult};

/// After runs were stored: recompute the rollups of the days they touch and the
/// incidents around them, per probe. `touched` holds (probe, started_at) pairs.
#[tracing::instrument(name = "rollups_refresh", level = "debug", skip_all, fields(runs = touched.len()), err)]
pub async fn after_runs_stored(db: &Database, touched: &[(String, i64)]) -> StorageResult<()> {
    rollups::refresh(db, touched).await?;
    let mut spans: BTreeMap<&str, (i64, i64)> = BTreeMap::new();
    for (probe, at) in touched {
        let span = spans.entry(probe.as_str()).or_insert((*at, *at));
        span.0 = span.0.min(*at);
        span.1 = span.1.max(*at);
    }
    let maintenance = MaintenanceIndex::load(db).await?;
    for (probe, (from, to)) in spans {
        incidents::recompute(db, &maintenance, probe, from, to + 1).await?;
    }
    Ok(())
}

/// Probes whose incidents are detected at once by [`rebuild`].
const PROBES_IN_FLIGHT: usize = 2;

/// Recomputes rollups and incidents of every probe over `[from, to)` (after a bulk load,
/// a change of maintenance windows, or on demand with `vigie rollups rebuild`).
#[tracing::instrument(name = "rollups_rebuild", skip(db), err)]
pub async fn rebuild(db: &Database, from: i64, to: i64) -> StorageResult<u64> {
    if db.engine() == Engine::Postgres {
        // After a bulk load PostgreSQL's statistics lag, and it plans the day's steps join
        // as a scan of every stored step (a 1-year rebuild took 449 s instead of ~90 s).
        sqlx::query("ANALYZE probe_runs, probe_steps")
            .execute(db.pool())
            .await?;
    }
    let timer = std::time::Instant::now();
    let days = rollups::rebuild(db, from, to, None).await?;
    tracing::info!(
        days,
        seconds = timer.elapsed().as_secs_f64(),
        "rollups rebuilt"
    );
    let timer = std::time::Instant::now();
    let maintenance = MaintenanceIndex::load(db).await?;
    let probes: Vec<String> = sqlx::query_scalar("SELECT probe_code FROM probes")
        .fetch_all(db.pool())
        .await?;
    // Two probes' runs are read at once (the engine and our side each keep a core busy
    // then); each probe's incidents are written as soon as they are detected.
    // (Futures made beforehand: a closure in the stream would make the spawned import
    // future's `Send` too general for the compiler to prove.)
    let detections: Vec<_> = probes
        .iter()
        .map(|probe| incidents::detect_around(db, &maintenance, probe, from, to))
        .collect();
    let mut detected = futures::stream::iter(detections).buffered(PROBES_IN_FLIGHT);
    while let Some(recomputed) = detected.next().await {
        recomputed?.write(db).await?;
    }
    tracing::info!(
        seconds = timer.elapsed().as_secs_f64(),
        "incidents recomputed"
    );
    if db.engine() == Engine::Postgres {
        // Fresh statistics for what was just rewritten: without them, the first queries
        // after a bulk load were planned for a few rows where a year of weeks reads
        // thousands (autovacuum would get there, minutes later).
        sqlx::query("ANALYZE rollups, incidents")
            .execute(db.pool())
            .await?;
    }
    Ok(days)
}

/// Rebuilds every rollup from raw rows when the stored ones follow an older format than
/// [`rollups::ROLLUP_FORMAT`] (after an upgrade that changed them), then records the
/// format. Answers whether a rebuild ran.
pub async fn ensure_rollups_current(db: &Database) -> StorageResult<bool> {
    let stored: Option<i64> = sqlx::query_scalar("SELECT format FROM rollup_state WHERE id = 1")
        .fetch_optional(db.pool())
        .await?;
    if stored.is_some_and(|format| format >= rollups::ROLLUP_FORMAT) {
        return Ok(false);
    }
    if let Some((first, last)) = crate::storage::runs::started_span(db).await? {
        tracing::info!("rebuilding rollups in their new format from raw runs");
        let days = rebuild(db, first, last + 1).await?;
        tracing::info!(days, "rollups rebuilt");
    }
    sqlx::query("UPDATE rollup_state SET format = $1 WHERE id = 1")
        .bind(rollups::ROLLUP_FORMAT)
        .execute(db.pool())
        .await?;
    Ok(true)
}
