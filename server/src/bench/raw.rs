//! The same indicators the straightforward way: GROUP BY over the raw runs table (per
//! probe, error code and minute), exact nearest-rank percentiles from the raw durations.

use std::collections::{BTreeMap, HashMap};

use app::domain::indicators::{Bucket, GroupBy, Metric, Series};
use app::domain::runs::{RunsQuery, StatusCounts};
use app::domain::status::RunStatus;
use app::domain::time_range::resolve;

use super::BenchError;
use crate::indicators::histogram::exact_quantile;
use crate::indicators::maintenance::MaintenanceIndex;
use crate::storage::{Database, StorageError};

/// A raw run, as the exact percentiles read it.
#[derive(sqlx::FromRow)]
struct RawRun {
    probe_code: String,
    started_at: i64,
    duration_ms: i64,
    #[sqlx(try_from = "String")]
    status: RunStatus,
    error_code: Option<String>,
}

/// The runs of one probe, error code and minute, counted by the database.
#[derive(sqlx::FromRow)]
struct RawMinute {
    probe_code: String,
    error_code: String,
    minute: i64,
    total: i64,
    ok: i64,
}

/// A grouped cell of raw counts and durations.
#[derive(Default)]
struct RawCell {
    total: i64,
    counted: i64,
    ok: i64,
    failed: i64,
    durations: Vec<i64>,
}

pub(super) fn storage(error: sqlx::Error) -> BenchError {
    BenchError::Storage(StorageError::from(error))
}

/// Series of a run-level metric over `[from, to)` from raw rows.
pub async fn series(
    db: &Database,
    metric: Metric,
    bucket: Bucket,
    group_by: Option<GroupBy>,
    from: i64,
    to: i64,
) -> Result<Vec<Series>, BenchError> {
    let cells = cells(db, metric, group_by, from, to, Some(bucket)).await?;
    let mut series: Vec<Series> = cells
        .into_iter()
        .map(|(key, buckets)| Series {
            key,
            points: buckets
                .into_iter()
                .filter_map(|(start, mut cell)| {
                    value(metric, &mut cell).map(|value| (start, value))
                })
                .collect(),
        })
        .collect();
    series.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(series)
}

/// Per-probe runs, availability and p95 over `[from, to)` from raw rows.
/// Per probe: runs, availability and p95 over a range.
pub type SummaryByProbe = BTreeMap<String, (i64, Option<f64>, Option<f64>)>;

pub async fn summary(db: &Database, from: i64, to: i64) -> Result<SummaryByProbe, BenchError> {
    let cells = cells(
        db,
        Metric::DurationP95,
        Some(GroupBy::Probe),
        from,
        to,
        None,
    )
    .await?;
    Ok(cells
        .into_iter()
        .filter_map(|(key, mut buckets)| {
            let probe = key.get("probe")?.clone();
            let cell = buckets.get_mut(&0)?;
            let availability = value(Metric::Availability, cell);
            Some((
                probe,
                (cell.total, availability, value(Metric::DurationP95, cell)),
            ))
        })
        .collect())
}

fn value(metric: Metric, cell: &mut RawCell) -> Option<f64> {
    match metric {
        Metric::Availability => {
            (cell.counted > 0).then(|| cell.ok as f64 * 100.0 / cell.counted as f64)
        }
        Metric::Runs => Some(cell.total as f64),
        Metric::Failures => Some(cell.failed as f64),
        other => exact_quantile(&mut cell.durations, other.quantile().unwrap_or(0.5)),
    }
}

type Cells = BTreeMap<BTreeMap<String, String>, BTreeMap<i64, RawCell>>;

// Over 80 lines: the straightforward computation over raw rows, kept in one piece as
// the reference the fast paths are checked against.
async fn cells(
    db: &Database,
    metric: Metric,
    group_by: Option<GroupBy>,
    from: i64,
    to: i64,
    bucket: Option<Bucket>,
) -> Result<Cells, BenchError> {
    let maintenance = MaintenanceIndex::load(db).await?;
    let products: HashMap<String, String> =
        sqlx::query_as::<_, (String, String)>("SELECT probe_code, product_code FROM probes")
            .fetch_all(db.pool())
            .await
            .map_err(storage)?
            .into_iter()
            .collect();
    let key_of = |probe: &str, error: &str| -> Option<BTreeMap<String, String>> {
        let mut key = BTreeMap::new();
        if let Some(group) = group_by {
            let value = match group {
                GroupBy::Probe => probe.to_string(),
                GroupBy::Product => products.get(probe)?.clone(),
                GroupBy::ErrorCode if !error.is_empty() => error.to_string(),
                _ => return None,
            };
            key.insert(group.as_str().to_string(), value);
        }
        Some(key)
    };
    let place = |time: i64| bucket.map_or(0, |bucket| bucket.start_of(time));
    let mut cells: Cells = BTreeMap::new();
    if metric.quantile().is_some() || bucket.is_none() {
        let runs: Vec<RawRun> = sqlx::query_as(
            "SELECT probe_code, started_at, duration_ms, status, error_code FROM probe_runs \
             WHERE started_at >= $1 AND started_at < $2",
        )
        .bind(from)
        .bind(to)
        .fetch_all(db.pool())
        .await
        .map_err(storage)?;
        for run in runs {
            let Some(key) = key_of(
                &run.probe_code,
                run.error_code.as_deref().unwrap_or_default(),
            ) else {
                continue;
            };
            let cell = cells
                .entry(key)
                .or_default()
                .entry(place(run.started_at))
                .or_default();
            cell.total += 1;
            cell.durations.push(run.duration_ms);
            if !maintenance.covers(&run.probe_code, run.started_at) {
                cell.counted += 1;
                if run.status.is_failure() {
                    cell.failed += 1
                } else {
                    cell.ok += 1
                }
            }
        }
        return Ok(cells);
    }
    let minutes: Vec<RawMinute> = sqlx::query_as(
        "SELECT probe_code, COALESCE(error_code, '') AS error_code, started_at / 60000 AS minute, \
         COUNT(*) AS total, CAST(SUM(CASE WHEN status = $3 THEN 1 ELSE 0 END) AS BIGINT) AS ok \
         FROM probe_runs WHERE started_at >= $1 AND started_at < $2 \
         GROUP BY probe_code, COALESCE(error_code, ''), started_at / 60000",
    )
    .bind(from)
    .bind(to)
    .bind(RunStatus::Ok.as_str())
    .fetch_all(db.pool())
    .await
    .map_err(storage)?;
    for RawMinute {
        probe_code: probe,
        error_code: error,
        minute,
        total,
        ok,
    } in minutes
    {
        let Some(key) = key_of(&probe, &error) else {
            continue;
        };
        let time = minute * 60_000;
        let cell = cells
            .entry(key)
            .or_default()
            .entry(place(time))
            .or_default();
        cell.total += total;
        // Maintenance windows of the data set start and end on whole minutes.
        if !maintenance.covers(&probe, time) {
            cell.counted += total;
            cell.ok += ok;
            cell.failed += total - ok;
        }
    }
    Ok(cells)
}

/// The first page of a runs list the straightforward way: every run of the range read,
/// kept, sorted and cut in memory; with the counts per status of the probes kept.
pub async fn runs_page(
    db: &Database,
    query: &RunsQuery,
    now: i64,
) -> Result<(Vec<String>, StatusCounts), BenchError> {
    let from = resolve(&query.from, now).map_err(super::queries::query_error)?;
    let to = resolve(&query.to, now).map_err(super::queries::query_error)?;
    let rows: Vec<(String, String, i64, String)> = sqlx::query_as(
        "SELECT run_id, probe_code, started_at, status FROM probe_runs \
         WHERE started_at >= $1 AND started_at < $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await
    .map_err(storage)?;
    let mut counts = StatusCounts::default();
    let mut kept = Vec::new();
    for (run_id, probe, started_at, status) in rows {
        if !query.filters.probe.is_empty() && !query.filters.probe.contains(&probe) {
            continue;
        }
        let status: RunStatus = status.parse().map_err(super::queries::query_error)?;
        counts.add(status, 1);
        if query.statuses.is_empty() || query.statuses.contains(&status) {
            kept.push((started_at, run_id));
        }
    }
    kept.sort_by(|a, b| b.cmp(a));
    kept.truncate(query.limit as usize);
    Ok((kept.into_iter().map(|(_, id)| id).collect(), counts))
}
