//! `GET /api/v1/indicators/series` and `/summary` (`docs/api.md`).

use app::domain::auth::Role;
use app::domain::indicators::{SeriesResponse, SummaryResponse};
use axum::extract::{RawQuery, State};
use axum::Json;

use super::api_v1::Caller;
use super::error::ApiError;
use super::AppState;
use crate::clock::now_ms;
use crate::indicators::{parse_series_query, parse_summary_query};

pub async fn series(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<SeriesResponse>, ApiError> {
    caller.require(Role::Viewer)?;
    let query = parse_series_query(query.as_deref().unwrap_or_default())?;
    Ok(Json(state.indicators.series(&query, now_ms()).await?))
}

pub async fn summary(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<SummaryResponse>, ApiError> {
    caller.require(Role::Viewer)?;
    let query = parse_summary_query(query.as_deref().unwrap_or_default())?;
    Ok(Json(state.indicators.summary(&query, now_ms()).await?))
}
