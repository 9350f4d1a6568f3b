//! The versioned JSON API (`docs/api.md`). Every route checks the caller's role.

use app::api::backend::RequestAuth;
use app::domain::auth::{Role, SessionUser, UserSummary};
use app::domain::board::BoardSnapshot;
use app::domain::status::RunStatus;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use super::error::ApiError;
use super::stream::board_stream;
use super::AppState;
use crate::clock::{now_ms, rfc3339};
use crate::storage::{reference, runs, users};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/probes", get(list_probes))
        .route("/board", get(board))
        .route("/board/stream", get(board_stream))
        .route("/users", get(list_users))
        .route("/runs", get(super::runs::list))
        .route("/runs/{run_id}", get(super::runs::detail))
        .route("/incidents", get(super::incidents::list))
        .route("/incidents/{incident_id}", get(super::incidents::detail))
        .route("/funnel", get(super::funnel::funnel))
        .route("/indicators/series", get(super::indicators::series))
        .route("/indicators/summary", get(super::indicators::summary))
        .route("/export/series.csv", get(super::export::series_csv))
        .route("/export/series.xlsx", get(super::export::series_xlsx))
        .route("/imports", get(super::imports_api::list))
        .route("/imports/{import_id}", get(super::imports_api::detail))
        .route(
            "/imports/{import_id}/errors",
            get(super::imports_api::errors),
        )
        .route(
            "/imports/{import_id}/rejections.csv",
            get(super::rejections_csv::rejections_csv),
        )
        .merge(super::ingest::routes())
        .fallback(|| async { ApiError::NotFound })
}

/// The authenticated caller of an API request (401 without a session).
pub struct Caller(pub SessionUser);

impl Caller {
    /// The caller if they hold `role`, otherwise 403.
    pub fn require(self, role: Role) -> Result<SessionUser, ApiError> {
        if self.0.has(role) {
            Ok(self.0)
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestAuth>()
            .and_then(|auth| auth.user.clone())
            .map(Caller)
            .ok_or(ApiError::Unauthenticated)
    }
}

#[derive(Serialize)]
struct ProbeItem {
    probe_code: String,
    label: String,
    product_code: String,
    product_label: String,
    channel: String,
    environment: String,
    interval_s: i64,
    enabled: bool,
    last_run_at: Option<String>,
    last_status: Option<RunStatus>,
}

#[derive(Serialize)]
struct Page<T> {
    items: Vec<T>,
    next_cursor: Option<String>,
}

async fn list_probes(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Page<ProbeItem>>, ApiError> {
    caller.require(Role::Viewer)?;
    let probes = reference::probes_with_products(&state.db).await?;
    let mut items = Vec::with_capacity(probes.len());
    for entry in probes {
        let last = runs::last_run(&state.db, &entry.probe.probe_code).await?;
        items.push(ProbeItem {
            last_run_at: last.as_ref().map(|run| rfc3339(run.started_at_ms)),
            last_status: last.map(|run| run.status),
            probe_code: entry.probe.probe_code,
            label: entry.probe.label,
            product_code: entry.probe.product_code,
            product_label: entry.product_label,
            channel: entry.probe.channel,
            environment: entry.probe.environment,
            interval_s: entry.probe.interval_s,
            enabled: entry.probe.enabled,
        });
    }
    Ok(Json(Page {
        items,
        next_cursor: None,
    }))
}

async fn board(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<BoardSnapshot>, ApiError> {
    caller.require(Role::Viewer)?;
    Ok(Json(state.board.snapshot(now_ms()).await?))
}

async fn list_users(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<UserSummary>>, ApiError> {
    caller.require(Role::Admin)?;
    Ok(Json(users::list_users(&state.db).await?))
}
