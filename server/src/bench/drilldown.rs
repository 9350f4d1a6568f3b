//! The drill-down in the query mix: the first page of a year's incidents, the page of
//! the newest failed run and a product's funnel, timed through their services and
//! checked against the raw rows (the incidents of the range in order, the run's steps,
//! the journeys that started in the range and reached each step, counted plainly).

use app::domain::incidents::IncidentsQuery;
use app::domain::indicators::Filters;
use app::domain::runs::DEFAULT_PAGE;
use app::domain::time_range::resolve;

use super::queries::{query_error, Measured, Side};
use super::raw::storage;
use super::BenchError;
use std::collections::{HashMap, HashSet};

use app::domain::funnel::FunnelQuery;

use crate::drilldown::funnel::JOURNEY_HORIZON_MS;
use crate::drilldown::{FunnelService, IncidentService, RunService};
use crate::indicators::IndicatorError;

/// The first page (100) of the incidents of `from` until now.
pub fn incidents_query(from: &str) -> IncidentsQuery {
    IncidentsQuery {
        filters: Filters::default(),
        from: from.into(),
        to: "now".into(),
        limit: DEFAULT_PAGE,
        cursor: None,
    }
}

/// The ids of the incidents that overlap `[from, to)`, newest first, read whole.
async fn raw_incidents(side: &Side<'_>, query: &IncidentsQuery) -> Result<Vec<String>, BenchError> {
    let now = side.target.now;
    let from = resolve(&query.from, now).map_err(query_error)?;
    let to = resolve(&query.to, now).map_err(query_error)?;
    let mut rows: Vec<(i64, Option<i64>, String)> =
        sqlx::query_as("SELECT started_at, ended_at, incident_id FROM incidents")
            .fetch_all(side.target.db.pool())
            .await
            .map_err(storage)?;
    rows.retain(|(start, end, _)| *start < to && end.is_none_or(|end| end > from));
    rows.sort_by(|a, b| (b.0, &b.2).cmp(&(a.0, &a.2)));
    Ok(rows
        .into_iter()
        .take(query.limit as usize)
        .map(|(.., id)| id)
        .collect())
}

pub async fn measure_incidents(
    sides: &[Side<'_>],
    query: &IncidentsQuery,
    repeat: u32,
) -> Result<Vec<Measured>, BenchError> {
    let services: Vec<IncidentService> = sides
        .iter()
        .map(|side| IncidentService::new(side.target.db.clone()))
        .collect();
    let answers = super::queries::timed_side_by_side(repeat, sides.len(), |i| {
        services[i].page(query, sides[i].target.now)
    })
    .await?;
    let mut all = Vec::with_capacity(sides.len());
    for (side, (answer, timings)) in sides.iter().zip(answers) {
        let (raw, raw_ms) = super::queries::timed_raw(|| raw_incidents(side, query)).await?;
        let ids: Vec<String> = answer
            .incidents
            .iter()
            .map(|incident| incident.incident_id.clone())
            .collect();
        all.push(Measured {
            agrees: ids == raw,
            worst: 0.0,
            raw_ms,
            points: ids.len(),
            rollup_timings: timings.clone(),
            timings,
        });
    }
    Ok(all)
}

/// The page of each side's newest failed run: its steps, neighbours, incident and the
/// prospects' events at its failed step.
pub async fn measure_run_page(
    sides: &[Side<'_>],
    repeat: u32,
) -> Result<Vec<Measured>, BenchError> {
    let mut run_ids = Vec::with_capacity(sides.len());
    for side in sides {
        let id: Option<String> = sqlx::query_scalar(
            "SELECT run_id FROM probe_runs WHERE status <> 'OK' AND started_at <= $1 \
             ORDER BY started_at DESC LIMIT 1",
        )
        .bind(side.target.now)
        .fetch_optional(side.target.db.pool())
        .await
        .map_err(storage)?;
        run_ids.push(id.ok_or_else(|| BenchError::Query("no failed run to open".into()))?);
    }
    let services: Vec<RunService> = sides
        .iter()
        .map(|side| RunService::new(side.target.db.clone()))
        .collect();
    let answers = super::queries::timed_side_by_side(repeat, sides.len(), |i| {
        let (service, run_id) = (&services[i], &run_ids[i]);
        async move {
            service
                .detail(run_id)
                .await
                .map_err(IndicatorError::from)?
                .ok_or_else(|| IndicatorError::bad("run_id", "not found"))
        }
    })
    .await?;
    let mut all = Vec::with_capacity(sides.len());
    for ((side, (answer, timings)), run_id) in sides.iter().zip(answers).zip(&run_ids) {
        let count = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM probe_steps WHERE run_id = $1")
                .bind(run_id)
                .fetch_one(side.target.db.pool())
                .await
                .map_err(storage)
        };
        let (steps, raw_ms) = super::queries::timed_raw(count).await?;
        all.push(Measured {
            agrees: answer.steps.len() as i64 == steps,
            worst: 0.0,
            raw_ms,
            points: answer.steps.len(),
            rollup_timings: timings.clone(),
            timings,
        });
    }
    Ok(all)
}

/// The funnel of the first demo product from `from` until now.
pub fn funnel_query(from: &str) -> FunnelQuery {
    FunnelQuery {
        product: crate::demo::catalog::PRODUCTS
            .first()
            .map(|product| product.code.to_string())
            .unwrap_or_default(),
        from: from.into(),
        to: "now".into(),
        channel: Vec::new(),
    }
}

/// The journeys that started in the range (by their first event) and, per step in
/// journey order, how many of them have an event there: every event of the product
/// around the range read, then counted with sets.
async fn raw_funnel(side: &Side<'_>, query: &FunnelQuery) -> Result<(i64, Vec<i64>), BenchError> {
    let now = side.target.now;
    let from = resolve(&query.from, now).map_err(query_error)?;
    let to = resolve(&query.to, now).map_err(query_error)?;
    let steps: Vec<String> = sqlx::query_scalar(
        "SELECT step_code FROM journey_steps WHERE product_code = $1 ORDER BY position",
    )
    .bind(&query.product)
    .fetch_all(side.target.db.pool())
    .await
    .map_err(storage)?;
    let events: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT journey_id, occurred_at, step_code FROM journey_events \
         WHERE product_code = $1 AND occurred_at >= $2 AND occurred_at < $3",
    )
    .bind(&query.product)
    .bind(from - JOURNEY_HORIZON_MS)
    .bind(to + JOURNEY_HORIZON_MS)
    .fetch_all(side.target.db.pool())
    .await
    .map_err(storage)?;
    let mut first: HashMap<&str, i64> = HashMap::new();
    for (journey, at, _) in &events {
        let earliest = first.entry(journey).or_insert(*at);
        *earliest = (*earliest).min(*at);
    }
    let started: HashSet<&str> = first
        .iter()
        .filter(|(_, at)| (from..to).contains(*at))
        .map(|(journey, _)| *journey)
        .collect();
    let reached = steps
        .iter()
        .map(|step| {
            events
                .iter()
                .filter(|(journey, _, at_step)| {
                    at_step == step && started.contains(journey.as_str())
                })
                .map(|(journey, ..)| journey.as_str())
                .collect::<HashSet<&str>>()
                .len() as i64
        })
        .collect();
    Ok((started.len() as i64, reached))
}

pub async fn measure_funnel(
    sides: &[Side<'_>],
    query: &FunnelQuery,
    repeat: u32,
) -> Result<Vec<Measured>, BenchError> {
    let services: Vec<FunnelService> = sides
        .iter()
        .map(|side| FunnelService::new(side.target.db.clone(), side.service.clone()))
        .collect();
    let answers = super::queries::timed_side_by_side(repeat, sides.len(), |i| {
        services[i].funnel(query, sides[i].target.now)
    })
    .await?;
    let mut all = Vec::with_capacity(sides.len());
    for (side, (answer, timings)) in sides.iter().zip(answers) {
        let ((started, reached), raw_ms) =
            super::queries::timed_raw(|| raw_funnel(side, query)).await?;
        let got: Vec<i64> = answer.steps.iter().map(|step| step.reached).collect();
        all.push(Measured {
            agrees: answer.journeys.started == started && got == reached,
            worst: 0.0,
            raw_ms,
            points: answer.journeys.started as usize,
            rollup_timings: timings.clone(),
            timings,
        });
    }
    Ok(all)
}
