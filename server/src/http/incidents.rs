//! `GET /api/v1/incidents` (a page of the incidents that overlap a range, newest first,
//! with the range's maintenance windows) and `GET /api/v1/incidents/{incident_id}` (one
//! incident with its failed runs, its steps' errors and its impact), `docs/api.md`.

use app::domain::auth::Role;
use app::domain::catalog::MaintenanceScope;
use app::domain::incidents::{Cause, IncidentItem, MaintenanceSpan, StepErrorCount};
use axum::extract::{Path, RawQuery, State};
use axum::Json;
use serde::Serialize;

use super::api_v1::Caller;
use super::error::ApiError;
use super::runs::RunJson;
use super::AppState;
use crate::clock::{now_ms, rfc3339};
use crate::indicators::parse_incidents_query;

/// An incident as the API lists it (times as RFC 3339, durations in seconds).
#[derive(Serialize)]
pub struct IncidentJson {
    id: String,
    probe_code: String,
    product_code: Option<String>,
    environment: Option<String>,
    started_at: String,
    ended_at: Option<String>,
    duration_s: i64,
    failed_runs: i64,
    failed_step_code: Option<String>,
    service_code: Option<String>,
    error_code: Option<String>,
    error_label: Option<String>,
    cause: Cause,
    impacted_prospects: i64,
}

impl From<IncidentItem> for IncidentJson {
    fn from(incident: IncidentItem) -> IncidentJson {
        IncidentJson {
            started_at: rfc3339(incident.started_at_ms),
            ended_at: incident.ended_at_ms.map(rfc3339),
            duration_s: incident.duration_ms / 1000,
            id: incident.incident_id,
            probe_code: incident.probe_code,
            product_code: incident.product_code,
            environment: incident.environment,
            failed_runs: incident.failed_runs,
            failed_step_code: incident.failed_step_code,
            service_code: incident.service_code,
            error_code: incident.error_code,
            error_label: incident.error_label,
            cause: incident.cause,
            impacted_prospects: incident.impacted_prospects,
        }
    }
}

#[derive(Serialize)]
pub struct MaintenanceJson {
    scope: MaintenanceScope,
    scope_code: Option<String>,
    starts_at: String,
    ends_at: String,
    reason: Option<String>,
}

impl From<MaintenanceSpan> for MaintenanceJson {
    fn from(window: MaintenanceSpan) -> MaintenanceJson {
        MaintenanceJson {
            scope: window.scope,
            scope_code: window.scope_code,
            starts_at: rfc3339(window.starts_at_ms),
            ends_at: rfc3339(window.ends_at_ms),
            reason: window.reason,
        }
    }
}

#[derive(Serialize)]
pub struct IncidentsJson {
    from: String,
    to: String,
    items: Vec<IncidentJson>,
    next_cursor: Option<String>,
    /// The maintenance windows that overlap the range.
    maintenance: Vec<MaintenanceJson>,
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<IncidentsJson>, ApiError> {
    caller.require(Role::Viewer)?;
    let query = parse_incidents_query(raw.as_deref().unwrap_or_default())?;
    let page = state.incidents.page(&query, now_ms()).await?;
    Ok(Json(IncidentsJson {
        from: rfc3339(page.from_ms),
        to: rfc3339(page.to_ms),
        items: page.incidents.into_iter().map(IncidentJson::from).collect(),
        next_cursor: page.next_cursor,
        maintenance: page.maintenance.into_iter().map(Into::into).collect(),
    }))
}

#[derive(Serialize)]
pub struct IncidentDetailJson {
    #[serde(flatten)]
    incident: IncidentJson,
    runs: Vec<RunJson>,
    step_errors: Vec<StepErrorCount>,
    recovery_run_id: Option<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    caller: Caller,
    Path(incident_id): Path<String>,
) -> Result<Json<IncidentDetailJson>, ApiError> {
    caller.require(Role::Viewer)?;
    let detail = state
        .incidents
        .detail(&incident_id, now_ms())
        .await?
        .ok_or(ApiError::NotFound)?;
    Ok(Json(IncidentDetailJson {
        incident: detail.incident.into(),
        runs: detail.runs.into_iter().map(RunJson::from).collect(),
        step_errors: detail.step_errors,
        recovery_run_id: detail.recovery_run_id,
    }))
}
