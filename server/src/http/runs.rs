//! `GET /api/v1/runs` (a page of runs, newest first, with the counts per status of the
//! range) and `GET /api/v1/runs/{run_id}` (one run with its steps), `docs/api.md`.

use std::collections::BTreeMap;

use app::domain::auth::Role;
use app::domain::catalog::ErrorCategory;
use app::domain::runs::{RunItem, StepItem};
use app::domain::status::{RunStatus, StepStatus};
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use serde::Serialize;

use super::api_v1::Caller;
use super::error::ApiError;
use super::AppState;
use crate::clock::{now_ms, rfc3339};
use crate::indicators::parse_runs_query;

/// A run as the API lists it (times as RFC 3339).
#[derive(Serialize)]
pub struct RunJson {
    run_id: String,
    probe_code: String,
    started_at: String,
    duration_ms: i64,
    status: RunStatus,
    failed_step_code: Option<String>,
    error_code: Option<String>,
}

impl From<RunItem> for RunJson {
    fn from(run: RunItem) -> RunJson {
        RunJson {
            started_at: rfc3339(run.started_at_ms),
            run_id: run.run_id,
            probe_code: run.probe_code,
            duration_ms: run.duration_ms,
            status: run.status,
            failed_step_code: run.failed_step_code,
            error_code: run.error_code,
        }
    }
}

#[derive(Serialize)]
pub struct RunsJson {
    items: Vec<RunJson>,
    next_cursor: Option<String>,
    /// Runs of the whole range per status (`OK`, `KO`, `TIMEOUT`).
    counts: BTreeMap<RunStatus, i64>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<RunsJson>, ApiError> {
    caller.require(Role::Viewer)?;
    let query = parse_runs_query(raw.as_deref().unwrap_or_default())?;
    let page = state.runs.page(&query, now_ms()).await?;
    let counts = BTreeMap::from([
        (RunStatus::Ok, page.counts.ok),
        (RunStatus::Ko, page.counts.ko),
        (RunStatus::Timeout, page.counts.timeout),
    ]);
    Ok(Json(RunsJson {
        items: page.runs.into_iter().map(RunJson::from).collect(),
        next_cursor: page.next_cursor,
        counts,
    }))
}

#[derive(Serialize)]
pub struct StepJson {
    step_code: String,
    position: i64,
    started_at: String,
    offset_ms: i64,
    duration_ms: i64,
    status: StepStatus,
    http_status: Option<i64>,
    error_code: Option<String>,
    error_label: Option<String>,
    message: Option<String>,
}

#[derive(Serialize)]
pub struct RunDetailJson {
    #[serde(flatten)]
    run: RunJson,
    error_label: Option<String>,
    error_category: Option<ErrorCategory>,
    error_message: Option<String>,
    agent: Option<String>,
    steps: Vec<StepJson>,
    previous_run_id: Option<String>,
    next_run_id: Option<String>,
    incident_id: Option<String>,
    step_events: Option<StepEventsJson>,
}

/// Real prospects' events at the failed step around the run, per outcome.
#[derive(Serialize)]
pub struct StepEventsJson {
    product_code: String,
    step_code: String,
    from: String,
    to: String,
    started: i64,
    completed: i64,
    failed: i64,
    abandoned: i64,
}

pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(run_id): Path<String>,
) -> Result<Json<RunDetailJson>, ApiError> {
    caller.require(Role::Viewer)?;
    let detail = state
        .runs
        .detail(&run_id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let started = detail.run.started_at_ms;
    let step = |step: StepItem| StepJson {
        started_at: rfc3339(started + step.offset_ms),
        step_code: step.step_code,
        position: step.position,
        offset_ms: step.offset_ms,
        duration_ms: step.duration_ms,
        status: step.status,
        http_status: step.http_status,
        error_code: step.error_code,
        error_label: step.error_label,
        message: step.message,
    };
    Ok(Json(RunDetailJson {
        run: detail.run.into(),
        error_label: detail.error_label,
        error_category: detail.error_category,
        error_message: detail.error_message,
        agent: detail.agent,
        steps: detail.steps.into_iter().map(step).collect(),
        previous_run_id: detail.previous_run_id,
        next_run_id: detail.next_run_id,
        incident_id: detail.incident_id,
        step_events: detail.step_events.map(|events| StepEventsJson {
            from: rfc3339(events.from_ms),
            to: rfc3339(events.to_ms),
            product_code: events.product_code,
            step_code: events.step_code,
            started: events.started,
            completed: events.completed,
            failed: events.failed,
            abandoned: events.abandoned,
        }),
    }))
}
