//! Incidents read one page at a time, newest first (by `started_at`, then id, see
//! [`super::keyset`]), one incident, the errors its runs' steps met, and the real
//! prospects' failures of the span (its impact). The incidents themselves are
//! written by `indicators::incidents`.

use app::domain::status::{EventOutcome, RunStatus, StepStatus};

use super::keyset::{push_after, PagePosition};
use super::packed::{bind_all_as, fetch_rows, push_in, Param};
use super::{Database, StorageResult};

/// Which incidents to read: those that overlap `[from_ms, to_ms)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentSelection {
    pub from_ms: i64,
    pub to_ms: i64,
    /// Probes to read (`None`: every probe).
    pub probes: Option<Vec<String>>,
    /// Failed steps to read (empty: any).
    pub failed_steps: Vec<String>,
    /// Error codes to read (empty: any).
    pub error_codes: Vec<String>,
}

/// An incident as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IncidentRecord {
    pub incident_id: String,
    pub probe_code: String,
    #[sqlx(rename = "started_at")]
    pub started_at_ms: i64,
    #[sqlx(rename = "ended_at")]
    pub ended_at_ms: Option<i64>,
    pub failed_runs: i64,
    pub failed_step_code: Option<String>,
    pub error_code: Option<String>,
}

const INCIDENT_COLUMNS: &str =
    "incident_id, probe_code, started_at, ended_at, failed_runs, failed_step_code, error_code";

/// Up to `limit` incidents of the selection after `after`, newest first.
pub async fn page_of_incidents(
    db: &Database,
    selection: &IncidentSelection,
    after: Option<&PagePosition>,
    limit: i64,
) -> StorageResult<Vec<IncidentRecord>> {
    let mut sql = String::from("started_at < $1 AND (ended_at IS NULL OR ended_at > $2)");
    let mut params = vec![Param::Int(selection.to_ms), Param::Int(selection.from_ms)];
    if let Some(probes) = &selection.probes {
        if probes.is_empty() {
            return Ok(Vec::new());
        }
        push_in(
            &mut sql,
            &mut params,
            "probe_code",
            probes.iter().map(String::as_str),
        );
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
    if let Some(after) = after {
        push_after(&mut sql, &mut params, ("started_at", "incident_id"), after);
    }
    let limit_at = params.len() + 1;
    params.push(Param::Int(limit));
    let sql = format!(
        "SELECT {INCIDENT_COLUMNS} FROM incidents WHERE {sql} \
         ORDER BY started_at DESC, incident_id DESC LIMIT ${limit_at}"
    );
    Ok(bind_all_as(sqlx::query_as(&sql), &params)
        .fetch_all(db.pool())
        .await?)
}

/// One incident, if it is stored.
pub async fn incident(db: &Database, incident_id: &str) -> StorageResult<Option<IncidentRecord>> {
    let sql = format!("SELECT {INCIDENT_COLUMNS} FROM incidents WHERE incident_id = $1");
    Ok(sqlx::query_as(&sql)
        .bind(incident_id)
        .fetch_optional(db.pool())
        .await?)
}

/// A `FAILED` journey event as an incident's impact reads it: product, step, time, and
/// who failed (the prospect, or the journey when it has none).
pub type FailedEvent = (String, String, i64, String);

/// Every `FAILED` journey event in `[from_ms, to_ms)`, read in one go (the failures of a
/// page of incidents are few beside the events of its span).
pub async fn failed_events(
    db: &Database,
    (from_ms, to_ms): (i64, i64),
) -> StorageResult<Vec<FailedEvent>> {
    fetch_rows(
        db,
        &["product_code", "step_code", "occurred_at", "who"],
        "SELECT product_code, step_code, occurred_at, \
         COALESCE(prospect_id, 'journey:' || journey_id) AS who FROM journey_events \
         WHERE occurred_at >= $1 AND occurred_at < $2 AND outcome = $3",
        &[
            Param::Int(from_ms),
            Param::Int(to_ms),
            Param::Text(EventOutcome::Failed.as_str()),
        ],
    )
    .await
}

/// Per step and error code, how many of `probe`'s runs started in `[from_ms, to_ms)`
/// had that step fail (`KO` or `TIMEOUT`) with that error; most frequent first.
pub async fn step_errors(
    db: &Database,
    probe: &str,
    (from_ms, to_ms): (i64, i64),
) -> StorageResult<Vec<(String, Option<String>, i64)>> {
    Ok(sqlx::query_as(
        "SELECT s.step_code, s.error_code, COUNT(*) AS failures FROM probe_runs r \
         JOIN probe_steps s ON s.run_id = r.run_id \
         WHERE r.probe_code = $1 AND r.started_at >= $2 AND r.started_at < $3 \
         AND s.status IN ($4, $5) \
         GROUP BY s.step_code, s.error_code ORDER BY failures DESC, s.step_code, s.error_code",
    )
    .bind(probe)
    .bind(from_ms)
    .bind(to_ms)
    .bind(StepStatus::Ko.as_str())
    .bind(StepStatus::Timeout.as_str())
    .fetch_all(db.pool())
    .await?)
}

/// The first OK run of `probe` that started at `at_ms` (the run that ended an incident).
pub async fn ok_run_at(db: &Database, probe: &str, at_ms: i64) -> StorageResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT run_id FROM probe_runs WHERE probe_code = $1 AND started_at = $2 AND status = $3 \
         ORDER BY run_id LIMIT 1",
    )
    .bind(probe)
    .bind(at_ms)
    .bind(RunStatus::Ok.as_str())
    .fetch_optional(db.pool())
    .await?)
}
