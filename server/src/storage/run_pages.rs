//! Runs read one page at a time, newest first, and one run with its steps (the runs
//! list and the run page). Pages follow a keyset (`started_at`, `run_id`, see
//! [`super::keyset`]) read from the `probe_runs_by_time` or `probe_runs_by_probe_time`
//! index.

use app::domain::status::{RunStatus, StepStatus};

use super::keyset::{push_after, PagePosition};
use super::packed::{bind_all_as, push_in, Param};
use super::runs::{RunSummary, RUN_SUMMARY_COLUMNS};
use super::{Database, StorageResult};

/// Which runs to read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunSelection {
    /// `[from_ms, to_ms)` by `started_at`.
    pub from_ms: i64,
    pub to_ms: i64,
    /// Probes to read (`None`: every probe).
    pub probes: Option<Vec<String>>,
    /// Statuses to read (empty: every status).
    pub statuses: Vec<RunStatus>,
    /// Failed steps to read (empty: any, or none).
    pub failed_steps: Vec<String>,
    /// Error codes to read (empty: any, or none).
    pub error_codes: Vec<String>,
}

/// A run with what only its page shows.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RunRecord {
    #[sqlx(flatten)]
    pub run: RunSummary,
    pub error_message: Option<String>,
    pub agent: Option<String>,
}

/// A step of a run.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StepRecord {
    pub step_code: String,
    pub position: i64,
    #[sqlx(rename = "started_at")]
    pub started_at_ms: i64,
    pub duration_ms: i64,
    #[sqlx(try_from = "String")]
    pub status: StepStatus,
    pub http_status: Option<i64>,
    pub error_code: Option<String>,
    pub message: Option<String>,
}

/// `WHERE` conditions of a selection, and their values in `$n` order; `None` when
/// probes were chosen and none matched (nothing to read).
fn conditions(selection: &RunSelection) -> Option<(String, Vec<Param<'_>>)> {
    let mut sql = String::from("started_at >= $1 AND started_at < $2");
    let mut params = vec![Param::Int(selection.from_ms), Param::Int(selection.to_ms)];
    if let Some(probes) = &selection.probes {
        if probes.is_empty() {
            return None;
        }
        push_in(
            &mut sql,
            &mut params,
            "probe_code",
            probes.iter().map(String::as_str),
        );
    }
    if !selection.statuses.is_empty() {
        let statuses = selection.statuses.iter().map(|status| status.as_str());
        push_in(&mut sql, &mut params, "status", statuses);
    }
    for (column, list) in [
        ("failed_step_code", &selection.failed_steps),
        ("error_code", &selection.error_codes),
    ] {
        if !list.is_empty() {
            push_in(
                &mut sql,
                &mut params,
                column,
                list.iter().map(String::as_str),
            );
        }
    }
    Some((sql, params))
}

/// Up to `limit` runs of the selection after `after`, newest first (runs that started
/// at the same instant by id, descending).
pub async fn page_of_runs(
    db: &Database,
    selection: &RunSelection,
    after: Option<&PagePosition>,
    limit: i64,
) -> StorageResult<Vec<RunSummary>> {
    let Some((mut sql, mut params)) = conditions(selection) else {
        return Ok(Vec::new());
    };
    if let Some(after) = after {
        push_after(&mut sql, &mut params, ("started_at", "run_id"), after);
    }
    let limit_at = params.len() + 1;
    params.push(Param::Int(limit));
    let sql = format!(
        "SELECT {RUN_SUMMARY_COLUMNS} FROM probe_runs WHERE {sql} \
         ORDER BY started_at DESC, run_id DESC LIMIT ${limit_at}"
    );
    Ok(bind_all_as(sqlx::query_as(&sql), &params)
        .fetch_all(db.pool())
        .await?)
}

/// How many runs of the selection have each status (every status of the selection,
/// whatever page is shown).
pub async fn count_by_status(
    db: &Database,
    selection: &RunSelection,
) -> StorageResult<Vec<(RunStatus, i64)>> {
    let Some((sql, params)) = conditions(selection) else {
        return Ok(Vec::new());
    };
    let sql = format!("SELECT status, COUNT(*) FROM probe_runs WHERE {sql} GROUP BY status");
    let rows: Vec<(String, i64)> = bind_all_as(sqlx::query_as(&sql), &params)
        .fetch_all(db.pool())
        .await?;
    rows.into_iter()
        .map(|(status, count)| {
            let status = status.parse().map_err(|error| {
                super::StorageError::Corrupt(format!("probe_runs.status: {error}"))
            })?;
            Ok((status, count))
        })
        .collect()
}

/// One run with its steps in order, if it is stored.
pub async fn run_with_steps(
    db: &Database,
    run_id: &str,
) -> StorageResult<Option<(RunRecord, Vec<StepRecord>)>> {
    let sql = format!(
        "SELECT {RUN_SUMMARY_COLUMNS}, error_message, agent FROM probe_runs WHERE run_id = $1"
    );
    let Some(run): Option<RunRecord> = sqlx::query_as(&sql)
        .bind(run_id)
        .fetch_optional(db.pool())
        .await?
    else {
        return Ok(None);
    };
    let steps = sqlx::query_as(
        "SELECT step_code, position, started_at, duration_ms, status, http_status, error_code, \
         message FROM probe_steps WHERE run_id = $1 ORDER BY position",
    )
    .bind(run_id)
    .fetch_all(db.pool())
    .await?;
    Ok(Some((run, steps)))
}

/// The ids of the probe's runs just before and just after `run`.
pub async fn neighbours(
    db: &Database,
    run: &RunSummary,
) -> StorageResult<(Option<String>, Option<String>)> {
    let before = sqlx::query_scalar(
        "SELECT run_id FROM probe_runs WHERE probe_code = $1 \
         AND (started_at < $2 OR (started_at = $2 AND run_id < $3)) \
         ORDER BY started_at DESC, run_id DESC LIMIT 1",
    )
    .bind(&run.probe_code)
    .bind(run.started_at_ms)
    .bind(&run.run_id)
    .fetch_optional(db.pool())
    .await?;
    let after = sqlx::query_scalar(
        "SELECT run_id FROM probe_runs WHERE probe_code = $1 \
         AND (started_at > $2 OR (started_at = $2 AND run_id > $3)) \
         ORDER BY started_at, run_id LIMIT 1",
    )
    .bind(&run.probe_code)
    .bind(run.started_at_ms)
    .bind(&run.run_id)
    .fetch_optional(db.pool())
    .await?;
    Ok((before, after))
}
