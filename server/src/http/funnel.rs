//! `GET /api/v1/funnel?product=P&from&to`: a product's journey funnel from real
//! prospects' events, with the probes' success rate per step (`docs/api.md`).

use app::domain::auth::Role;
use app::domain::funnel::{FunnelStep, JourneyCounts};
use axum::extract::{RawQuery, State};
use axum::Json;
use serde::Serialize;

use super::api_v1::Caller;
use super::error::ApiError;
use super::AppState;
use crate::clock::{now_ms, rfc3339};
use crate::indicators::parse_funnel_query;

#[derive(Serialize)]
pub struct FunnelBucketJson {
    start: String,
    started: i64,
    reached: Vec<i64>,
    completed: i64,
}

#[derive(Serialize)]
pub struct FunnelJson {
    product: String,
    from: String,
    to: String,
    journeys: JourneyCounts,
    conversion_pct: Option<f64>,
    steps: Vec<FunnelStep>,
    /// `hour` or `day` (Paris days).
    bucket: &'static str,
    buckets: Vec<FunnelBucketJson>,
}

pub async fn funnel(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(raw): RawQuery,
) -> Result<Json<FunnelJson>, ApiError> {
    caller.require(Role::Viewer)?;
    let query = parse_funnel_query(raw.as_deref().unwrap_or_default())?;
    let funnel = state.funnel.funnel(&query, now_ms()).await?;
    Ok(Json(FunnelJson {
        conversion_pct: funnel.conversion_pct(),
        product: funnel.product,
        from: rfc3339(funnel.from_ms),
        to: rfc3339(funnel.to_ms),
        journeys: funnel.journeys,
        steps: funnel.steps,
        bucket: if funnel.hourly { "hour" } else { "day" },
        buckets: funnel
            .buckets
            .into_iter()
            .map(|bucket| FunnelBucketJson {
                start: rfc3339(bucket.start_ms),
                started: bucket.started,
                reached: bucket.reached,
                completed: bucket.completed,
            })
            .collect(),
    }))
}
