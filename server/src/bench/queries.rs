//! The fixed query mix, timed through the service layer and by GROUP BY over raw rows,
//! with a check that both give the same answers.

use std::time::Instant;

use app::domain::funnel::FunnelQuery;
use app::domain::incidents::IncidentsQuery;
use app::domain::indicators::{
    Bucket, Filters, GroupBy, Metric, Series, SeriesQuery, SummaryQuery, SummaryRow,
};
use app::domain::runs::{RunsQuery, DEFAULT_PAGE};
use app::domain::status::RunStatus;
use app::domain::time_range::resolve;

use super::{drilldown, raw, BenchError};
use crate::drilldown::RunService;
use crate::indicators::{IndicatorError, IndicatorService};
use crate::storage::Database;

/// One query of the mix and its figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QueryFigures {
    pub name: String,
    /// The service as the server runs it: recent ranges from the window in memory.
    pub service_p50_ms: f64,
    pub service_p95_ms: f64,
    /// The service from rollups and raw rows only (no window in memory).
    pub rollups_p50_ms: f64,
    pub rollups_p95_ms: f64,
    pub raw_p50_ms: f64,
    pub speedup: f64,
    pub points: usize,
    pub agrees: bool,
    pub max_percentile_error_pct: f64,
}

enum Shape {
    Series(SeriesQuery),
    Summary(SummaryQuery),
    /// The first page of a runs list.
    Runs(RunsQuery),
    /// The first page of an incidents list.
    Incidents(IncidentsQuery),
    /// The page of the newest failed run.
    RunPage,
    /// A product's journey funnel.
    Funnel(FunnelQuery),
}

fn series(metric: Metric, bucket: Bucket, group_by: Option<GroupBy>, from: &str) -> Shape {
    Shape::Series(SeriesQuery {
        metric,
        bucket,
        group_by,
        filters: Filters::default(),
        from: from.into(),
        to: "now".into(),
    })
}

fn summary(group_by: GroupBy, from: &str) -> Shape {
    Shape::Summary(SummaryQuery {
        group_by: Some(group_by),
        filters: Filters::default(),
        from: from.into(),
        to: "now".into(),
    })
}

/// The first page of a runs list (100 runs) of `statuses` (empty: all), of the first
/// demo probe when `one_probe`.
fn runs_page(statuses: Vec<RunStatus>, one_probe: bool, from: &str) -> Shape {
    let probe = crate::demo::catalog::probes()
        .into_iter()
        .next()
        .filter(|_| one_probe)
        .map(|probe| probe.code);
    Shape::Runs(RunsQuery {
        filters: Filters {
            probe: probe.into_iter().collect(),
            ..Filters::default()
        },
        statuses,
        from: from.into(),
        to: "now".into(),
        limit: DEFAULT_PAGE,
        cursor: None,
    })
}

/// Dashboard and explorer questions over fixed ranges (so that their cost can be
/// compared between a 1-year and a 3-year database): the year views of the product
/// owners, the month and week views of the explorer, and the day views of the board.
fn mix() -> Vec<(&'static str, Shape)> {
    use Metric::{Availability, DurationP95, DurationP99, Failures, Runs};
    vec![
        (
            "availability 1y by product 1M",
            series(
                Availability,
                Bucket::Month,
                Some(GroupBy::Product),
                "now-12M",
            ),
        ),
        (
            "availability 1y by probe 1w",
            series(Availability, Bucket::Week, Some(GroupBy::Probe), "now-12M"),
        ),
        (
            "p95 1y by product 1w",
            series(DurationP95, Bucket::Week, Some(GroupBy::Product), "now-12M"),
        ),
        (
            "p99 1y 1M",
            series(DurationP99, Bucket::Month, None, "now-12M"),
        ),
        ("summary 1y by probe", summary(GroupBy::Probe, "now-12M")),
        (
            "availability 90d by product 1d",
            series(Availability, Bucket::Day, Some(GroupBy::Product), "now-90d"),
        ),
        ("summary 30d by probe", summary(GroupBy::Probe, "now-30d")),
        (
            "availability 30d by probe auto",
            series(Availability, Bucket::Auto, Some(GroupBy::Probe), "now-30d"),
        ),
        (
            "p95 30d by product 1d",
            series(DurationP95, Bucket::Day, Some(GroupBy::Product), "now-30d"),
        ),
        (
            "runs 7d by product 1h",
            series(Runs, Bucket::Hour, Some(GroupBy::Product), "now-7d"),
        ),
        (
            "availability 7d auto",
            series(Availability, Bucket::Auto, None, "now-7d"),
        ),
        (
            "failures 24h by error_code auto",
            series(Failures, Bucket::Auto, Some(GroupBy::ErrorCode), "now-24h"),
        ),
        (
            "availability today 15m",
            series(Availability, Bucket::FifteenMinutes, None, "now/d"),
        ),
        (
            "runs page 24h failed",
            runs_page(vec![RunStatus::Ko, RunStatus::Timeout], false, "now-24h"),
        ),
        (
            "runs page 30d of one probe",
            runs_page(Vec::new(), true, "now-30d"),
        ),
        (
            "incidents 1y first page",
            Shape::Incidents(drilldown::incidents_query("now-12M")),
        ),
        ("run page newest failed", Shape::RunPage),
        (
            "funnel 30d of one product",
            Shape::Funnel(drilldown::funnel_query("now-30d")),
        ),
    ]
}

pub(super) fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

pub(super) fn query_error(error: impl std::fmt::Display) -> BenchError {
    BenchError::Query(error.to_string())
}

/// Compares two answers: counts and rates exactly, percentiles within 2%.
fn compare(metric: Metric, service: &[Series], raw: &[Series]) -> (bool, f64) {
    let mut worst: f64 = 0.0;
    if service.len() != raw.len() {
        return (false, worst);
    }
    for (left, right) in service.iter().zip(raw) {
        if left.key != right.key || left.points.len() != right.points.len() {
            return (false, worst);
        }
        for (a, b) in left.points.iter().zip(&right.points) {
            if a.0 != b.0 {
                return (false, worst);
            }
            if metric.quantile().is_some() {
                let error = (a.1 - b.1).abs() / b.1.abs().max(1.0) * 100.0;
                worst = worst.max(error);
                if error > 2.0 {
                    return (false, worst);
                }
            } else if (a.1 - b.1).abs() > 1e-6 {
                return (false, worst);
            }
        }
    }
    (true, worst)
}

/// Asks `ask` `repeat` times, timed: the last answer (`None` when `repeat` is 0) and the
/// timings (milliseconds).
async fn timings_of<T, E, F, Fut>(repeat: u32, mut ask: F) -> Result<(Option<T>, Vec<f64>), E>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, E>>,
{
    let mut answer = None;
    let mut timings = Vec::with_capacity(repeat as usize);
    for _ in 0..repeat {
        let timer = Instant::now();
        answer = Some(ask().await?);
        timings.push(timer.elapsed().as_secs_f64() * 1000.0);
    }
    Ok((answer, timings))
}

/// Asks `ask(i)` once untimed for each of `count` targets, then `repeat` rounds, each
/// asking every target in turn, timed (so that a change of the machine's pace during the
/// run weighs on every target alike): per target, the last answer and the timings
/// (milliseconds).
pub(super) async fn timed_side_by_side<T, F, Fut>(
    repeat: u32,
    count: usize,
    mut ask: F,
) -> Result<Vec<(T, Vec<f64>)>, BenchError>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = Result<T, IndicatorError>>,
{
    let mut measured = Vec::with_capacity(count);
    for target in 0..count {
        let first = ask(target).await.map_err(query_error)?;
        measured.push((first, Vec::with_capacity(repeat as usize)));
    }
    for _ in 0..repeat {
        for (target, (answer, timings)) in measured.iter_mut().enumerate() {
            let timer = Instant::now();
            *answer = ask(target).await.map_err(query_error)?;
            timings.push(timer.elapsed().as_secs_f64() * 1000.0);
        }
    }
    Ok(measured)
}

/// Times the raw GROUP BY `ask`: its first run when that takes a second or more, else
/// (a single sample of a fast query is mostly noise) the median of five more, the first
/// one serving as warm-up: the last answer and the time (milliseconds).
pub(super) async fn timed_raw<T, F, Fut>(mut ask: F) -> Result<(T, f64), BenchError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, BenchError>>,
{
    let timer = Instant::now();
    let first = ask().await?;
    let once = timer.elapsed().as_secs_f64() * 1000.0;
    if once >= 1000.0 {
        return Ok((first, once));
    }
    let (last, mut timings) = timings_of(5, ask).await?;
    timings.sort_by(f64::total_cmp);
    Ok((last.unwrap_or(first), percentile(&timings, 0.5)))
}

/// A database the mix is timed on, and the time its questions are asked at.
pub struct Target {
    /// Names the target in the printed lines (engine and scale).
    pub label: String,
    pub db: Database,
    pub now: i64,
}

/// The services a target is asked through.
pub(super) struct Side<'a> {
    pub(super) target: &'a Target,
    /// As the server runs it: with the window of recent facts and the change watch.
    pub(super) service: IndicatorService,
    /// Rollups and raw rows only.
    rollups_only: IndicatorService,
}

/// What one query measured on one target, before its figures are summed up.
pub(super) struct Measured {
    pub(super) agrees: bool,
    pub(super) worst: f64,
    pub(super) raw_ms: f64,
    pub(super) points: usize,
    pub(super) timings: Vec<f64>,
    pub(super) rollup_timings: Vec<f64>,
}

/// Times the mix on every target, each query in turn on each target: per target, the
/// figures of each query.
pub async fn run_mix(
    targets: &[Target],
    repeat: u32,
    only: Option<&str>,
) -> Result<Vec<Vec<QueryFigures>>, BenchError> {
    let mut sides = Vec::with_capacity(targets.len());
    for target in targets {
        let service = IndicatorService::new(target.db.clone());
        service
            .recent()
            .follow_changes(crate::storage::change_watch::POLL_EVERY);
        let timer = Instant::now();
        service
            .recent()
            .warm_up(target.now)
            .await
            .map_err(query_error)?;
        let (run_days, step_days) = service.recent().days_held().await;
        println!(
            "[bench]   {}: recent window: {run_days} days of runs and {step_days} of steps loaded in {:.1} s",
            target.label,
            timer.elapsed().as_secs_f64()
        );
        sides.push(Side {
            target,
            service,
            rollups_only: IndicatorService::from_rollups_only(target.db.clone()),
        });
    }
    let mut figures: Vec<Vec<QueryFigures>> = targets.iter().map(|_| Vec::new()).collect();
    let chosen = mix()
        .into_iter()
        .filter(|(name, _)| only.is_none_or(|text| name.contains(text)));
    for (name, shape) in chosen {
        let measured = measure(&sides, &shape, repeat).await?;
        for ((side, figures), measured) in sides.iter().zip(&mut figures).zip(measured) {
            let figure = summed_up(name, measured);
            println!(
                "[bench]   {:<14} {:<33} p50 {:>7.2} ms  p95 {:>7.2} ms  (rollups only {:>6.1} / {:>6.1})  raw {:>8.1} ms  ×{:>7.1}  {}",
                side.target.label,
                figure.name,
                figure.service_p50_ms,
                figure.service_p95_ms,
                figure.rollups_p50_ms,
                figure.rollups_p95_ms,
                figure.raw_p50_ms,
                figure.speedup,
                if figure.agrees {
                    "same answer"
                } else {
                    "DIFFERENT ANSWER"
                }
            );
            figures.push(figure);
        }
    }
    Ok(figures)
}

/// One query of the mix on every side: through the service, from rollups only, and by
/// GROUP BY over raw rows, compared.
async fn measure(
    sides: &[Side<'_>],
    shape: &Shape,
    repeat: u32,
) -> Result<Vec<Measured>, BenchError> {
    let mut all = Vec::with_capacity(sides.len());
    match shape {
        Shape::Series(query) => {
            let answers = timed_side_by_side(repeat, sides.len(), |i| {
                sides[i].service.series(query, sides[i].target.now)
            })
            .await?;
            let from_rollups = timed_side_by_side(repeat, sides.len(), |i| {
                sides[i].rollups_only.series(query, sides[i].target.now)
            })
            .await?;
            for ((side, (answer, timings)), (from_rollups, rollup_timings)) in
                sides.iter().zip(answers).zip(from_rollups)
            {
                let (db, now) = (&side.target.db, side.target.now);
                let from = resolve(&query.from, now).map_err(query_error)?;
                let (raw, raw_ms) = timed_raw(|| {
                    raw::series(db, query.metric, answer.bucket, query.group_by, from, now)
                })
                .await?;
                let (agrees, worst) = compare(query.metric, &answer.series, &raw);
                let (agrees_too, worst_too) = compare(query.metric, &from_rollups.series, &raw);
                all.push(Measured {
                    agrees: agrees && agrees_too,
                    worst: worst.max(worst_too),
                    raw_ms,
                    points: answer.series.iter().map(|s| s.points.len()).sum(),
                    timings,
                    rollup_timings,
                });
            }
        }
        Shape::Summary(query) => {
            let answers = timed_side_by_side(repeat, sides.len(), |i| {
                sides[i].service.summary(query, sides[i].target.now)
            })
            .await?;
            let from_rollups = timed_side_by_side(repeat, sides.len(), |i| {
                sides[i].rollups_only.summary(query, sides[i].target.now)
            })
            .await?;
            for ((side, (answer, timings)), (from_rollups, rollup_timings)) in
                sides.iter().zip(answers).zip(from_rollups)
            {
                let (db, now) = (&side.target.db, side.target.now);
                let from = resolve(&query.from, now).map_err(query_error)?;
                let (raw, raw_ms) = timed_raw(|| raw::summary(db, from, now)).await?;
                let (agrees, worst) = compare_summary(&answer.rows, &raw);
                let (agrees_too, worst_too) = compare_summary(&from_rollups.rows, &raw);
                all.push(Measured {
                    agrees: agrees && agrees_too,
                    worst: worst.max(worst_too),
                    raw_ms,
                    points: answer.rows.len(),
                    timings,
                    rollup_timings,
                });
            }
        }
        Shape::Runs(query) => all = measure_runs(sides, query, repeat).await?,
        Shape::Incidents(query) => all = drilldown::measure_incidents(sides, query, repeat).await?,
        Shape::RunPage => all = drilldown::measure_run_page(sides, repeat).await?,
        Shape::Funnel(query) => all = drilldown::measure_funnel(sides, query, repeat).await?,
    }
    Ok(all)
}

/// The first page of a runs list on every side, timed through `RunService` and
/// compared with every run of the range read, kept and sorted in memory. Runs are read
/// from raw rows either way: there is no rollups-only path to time apart.
async fn measure_runs(
    sides: &[Side<'_>],
    query: &RunsQuery,
    repeat: u32,
) -> Result<Vec<Measured>, BenchError> {
    let services: Vec<RunService> = sides
        .iter()
        .map(|side| RunService::new(side.target.db.clone()))
        .collect();
    let answers = timed_side_by_side(repeat, sides.len(), |i| {
        services[i].page(query, sides[i].target.now)
    })
    .await?;
    let mut all = Vec::with_capacity(sides.len());
    for (side, (answer, timings)) in sides.iter().zip(answers) {
        let (raw, raw_ms) =
            timed_raw(|| raw::runs_page(&side.target.db, query, side.target.now)).await?;
        let ids: Vec<String> = answer.runs.iter().map(|run| run.run_id.clone()).collect();
        all.push(Measured {
            agrees: ids == raw.0 && answer.counts == raw.1,
            worst: 0.0,
            raw_ms,
            points: ids.len(),
            rollup_timings: timings.clone(),
            timings,
        });
    }
    Ok(all)
}

/// The figures of one query on one side.
fn summed_up(name: &str, mut measured: Measured) -> QueryFigures {
    measured.timings.sort_by(f64::total_cmp);
    measured.rollup_timings.sort_by(f64::total_cmp);
    let p50 = percentile(&measured.timings, 0.5);
    QueryFigures {
        service_p50_ms: p50,
        service_p95_ms: percentile(&measured.timings, 0.95),
        rollups_p50_ms: percentile(&measured.rollup_timings, 0.5),
        rollups_p95_ms: percentile(&measured.rollup_timings, 0.95),
        raw_p50_ms: measured.raw_ms,
        speedup: measured.raw_ms / p50.max(1e-6),
        points: measured.points,
        agrees: measured.agrees,
        max_percentile_error_pct: measured.worst,
        name: name.to_string(),
    }
}

/// Compares summary rows with the raw per-probe figures: runs and availability exactly,
/// p95 within 2%.
fn compare_summary(rows: &[SummaryRow], raw: &raw::SummaryByProbe) -> (bool, f64) {
    let mut agrees = rows.len() == raw.len();
    let mut worst: f64 = 0.0;
    for row in rows {
        let Some((runs, availability, p95)) = row.key.get("probe").and_then(|probe| raw.get(probe))
        else {
            agrees = false;
            continue;
        };
        agrees &= row.runs == *runs;
        agrees &= match (row.availability_pct, availability) {
            (Some(a), Some(b)) => (a - b).abs() < 1e-6,
            (None, None) => true,
            _ => false,
        };
        if let (Some(a), Some(b)) = (row.p95_ms, p95) {
            let error = (a - b).abs() / b.abs().max(1.0) * 100.0;
            worst = worst.max(error);
            agrees &= error <= 2.0;
        }
    }
    (agrees, worst)
}
