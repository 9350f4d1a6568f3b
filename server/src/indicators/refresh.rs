//! Keeping rollups and incidents in step with raw runs.

use std::collections::BTreeMap;

use super::incidents;
use super::maintenance::MaintenanceIndex;
use super::rollups;
use crate::storage::{Database, StorageResult};

/// After runs were stored: recompute the rollups of the days they touch and the
/// incidents around them, per probe. `touched` holds (probe, started_at) pairs.
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

/// Recomputes rollups and incidents of every probe over `[from, to)` (after a bulk load,
/// a change of maintenance windows, or on demand with `vigie rollups rebuild`).
pub async fn rebuild(db: &Database, from: i64, to: i64) -> StorageResult<u64> {
    let days = rollups::rebuild(db, from, to, None).await?;
    let maintenance = MaintenanceIndex::load(db).await?;
    let probes: Vec<String> = sqlx::query_scalar("SELECT probe_code FROM probes")
        .fetch_all(db.pool())
        .await?;
    for probe in probes {
        incidents::recompute(db, &maintenance, &probe, from, to).await?;
    }
    Ok(days)
}
