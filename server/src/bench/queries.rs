//! The fixed query mix, timed through the service layer and by GROUP BY over raw rows,
//! with a check that both give the same answers.

use std::time::Instant;

use app::domain::indicators::{
    Bucket, Filters, GroupBy, Metric, Series, SeriesQuery, SummaryQuery,
};
use app::domain::time_range::resolve;

use super::{raw, BenchError};
use crate::indicators::IndicatorService;
use crate::storage::Database;

/// One query of the mix and its figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct QueryFigures {
    pub name: String,
    pub service_p50_ms: f64,
    pub service_p95_ms: f64,
    pub raw_p50_ms: f64,
    pub speedup: f64,
    pub points: usize,
    pub agrees: bool,
    pub max_percentile_error_pct: f64,
}

enum Shape {
    Series(SeriesQuery),
    Summary(SummaryQuery),
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

pub async fn run_mix(
    db: &Database,
    now: i64,
    repeat: u32,
    only: Option<&str>,
) -> Result<Vec<QueryFigures>, BenchError> {
    let service = IndicatorService::new(db.clone());
    let mut figures = Vec::new();
    let chosen = mix()
        .into_iter()
        .filter(|(name, _)| only.is_none_or(|text| name.contains(text)));
    for (name, shape) in chosen {
        let mut timings = Vec::with_capacity(repeat as usize);
        let points;
        let (agrees, worst, raw_ms) = match &shape {
            Shape::Series(query) => {
                let mut answer = None;
                for round in 0..=repeat {
                    let timer = Instant::now();
                    let response = service.series(query, now).await.map_err(query_error)?;
                    if round > 0 {
                        timings.push(timer.elapsed().as_secs_f64() * 1000.0);
                    }
                    answer = Some(response);
                }
                let answer = answer.ok_or_else(|| query_error("no answer"))?;
                points = answer.series.iter().map(|s| s.points.len()).sum();
                let from = resolve(&query.from, now).map_err(query_error)?;
                let timer = Instant::now();
                let raw =
                    raw::series(db, query.metric, answer.bucket, query.group_by, from, now).await?;
                let raw_ms = timer.elapsed().as_secs_f64() * 1000.0;
                let (agrees, worst) = compare(query.metric, &answer.series, &raw);
                (agrees, worst, raw_ms)
            }
            Shape::Summary(query) => {
                let mut answer = None;
                for round in 0..=repeat {
                    let timer = Instant::now();
                    let response = service.summary(query, now).await.map_err(query_error)?;
                    if round > 0 {
                        timings.push(timer.elapsed().as_secs_f64() * 1000.0);
                    }
                    answer = Some(response);
                }
                let answer = answer.ok_or_else(|| query_error("no answer"))?;
                points = answer.rows.len();
                let from = resolve(&query.from, now).map_err(query_error)?;
                let timer = Instant::now();
                let raw = raw::summary(db, from, now).await?;
                let raw_ms = timer.elapsed().as_secs_f64() * 1000.0;
                let mut agrees = answer.rows.len() == raw.len();
                let mut worst: f64 = 0.0;
                for row in &answer.rows {
                    let Some((runs, availability, p95)) =
                        row.key.get("probe").and_then(|probe| raw.get(probe))
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
                (agrees, worst, raw_ms)
            }
        };
        timings.sort_by(f64::total_cmp);
        let p50 = percentile(&timings, 0.5);
        let figure = QueryFigures {
            service_p50_ms: p50,
            service_p95_ms: percentile(&timings, 0.95),
            raw_p50_ms: raw_ms,
            speedup: raw_ms / p50.max(1e-6),
            points,
            agrees,
            max_percentile_error_pct: worst,
            name: name.to_string(),
        };
        println!(
            "[bench]   {:<36} p50 {:>7.1} ms  p95 {:>7.1} ms  raw {:>8.1} ms  ×{:>6.1}  {}",
            figure.name,
            figure.service_p50_ms,
            figure.service_p95_ms,
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
    Ok(figures)
}
