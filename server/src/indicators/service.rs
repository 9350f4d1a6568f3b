//! The service behind `/api/v1/indicators/*` and the explorer's server functions.

use app::domain::indicators::{
    Bucket, Choice, ExplorerOptions, GroupBy, Metric, SeriesQuery, SeriesResponse, SummaryQuery,
    SummaryResponse,
};
use app::domain::time_range::resolve;
use sqlx::Row;

use super::catalog::QueryCatalog;
use super::events::event_series;
use super::facts::FactKind;
use super::incidents;
use super::params::validate_filters;
use super::planner::SummedInto;
use super::rollups::{Fold, RollupRow, RowFilter};
use super::series::{build_series, coarsest_for, collect_rows, fact_kind, Cell};
use super::summary::{check_group, summarise, Period, Scope};
use super::IndicatorError;
use crate::clock::rfc3339;
use crate::storage::Database;

/// At most this many points per series for `bucket=auto`.
pub const AUTO_MAX_POINTS: i64 = 1_500;
/// Explicit buckets are refused beyond this many points per series.
pub const MAX_POINTS: i64 = 20_000;

#[derive(Clone, Debug)]
pub struct IndicatorService {
    db: Database,
}

/// A resolved `[from, to)` in epoch milliseconds.
fn resolve_range(from: &str, to: &str, now: i64) -> Result<(i64, i64), IndicatorError> {
    let from_ms =
        resolve(from, now).map_err(|error| IndicatorError::bad("from", error.to_string()))?;
    let to_ms = resolve(to, now).map_err(|error| IndicatorError::bad("to", error.to_string()))?;
    if from_ms >= to_ms {
        return Err(IndicatorError::bad("from", "must be before 'to'"));
    }
    Ok((from_ms, to_ms))
}

/// The checked filters, resolved `[from, to)` and fixed bucket of a series query.
pub(super) fn series_window(
    query: &SeriesQuery,
    now: i64,
) -> Result<(i64, i64, Bucket), IndicatorError> {
    validate_filters(&query.filters)?;
    let (from, to) = resolve_range(&query.from, &query.to, now)?;
    let bucket = match query.bucket {
        Bucket::Auto => Bucket::auto_for(to - from, AUTO_MAX_POINTS),
        fixed => fixed,
    };
    if (to - from) / bucket.nominal_ms() > MAX_POINTS {
        return Err(IndicatorError::bad(
            "bucket",
            format!(
                "{} is too fine for this range (more than {MAX_POINTS} points)",
                bucket.as_str()
            ),
        ));
    }
    Ok((from, to, bucket))
}

/// How far a series' rows can be summed in the database: into its fixed-width buckets,
/// keeping probes and error codes apart only when the series tells them apart.
fn fold_for(bucket: Bucket, group_by: Option<GroupBy>, kind: FactKind) -> Fold {
    Fold {
        width_ms: match bucket {
            Bucket::Day | Bucket::Week | Bucket::Month => 0,
            fixed => fixed.nominal_ms(),
        },
        probe: kind == FactKind::Steps
            || matches!(
                group_by,
                Some(GroupBy::Probe | GroupBy::Product | GroupBy::Channel | GroupBy::Environment)
            ),
        error_code: matches!(group_by, Some(GroupBy::ErrorCode | GroupBy::ErrorCategory)),
    }
}

impl IndicatorService {
    pub fn new(db: Database) -> IndicatorService {
        IndicatorService { db }
    }

    pub async fn series(
        &self,
        query: &SeriesQuery,
        now: i64,
    ) -> Result<SeriesResponse, IndicatorError> {
        let (from, to, bucket) = series_window(query, now)?;
        let series = match query.metric {
            Metric::Events | Metric::Conversion => {
                event_series(
                    &self.db,
                    query.metric,
                    bucket,
                    query.group_by,
                    &query.filters,
                    from,
                    to,
                )
                .await?
            }
            metric => {
                let catalog = QueryCatalog::load(&self.db).await?;
                let kind = fact_kind(metric, query.group_by, &query.filters);
                let filter = RowFilter {
                    probes: catalog.probes_matching(&query.filters),
                    steps: (kind == FactKind::Steps)
                        .then(|| catalog.steps_matching(&query.filters))
                        .flatten(),
                    error_codes: (!query.filters.error_code.is_empty())
                        .then(|| query.filters.error_code.clone()),
                    with_histograms: metric.quantile().is_some(),
                    fold: Some(fold_for(bucket, query.group_by, kind)),
                };
                let rows = collect_rows(
                    &self.db,
                    kind,
                    from,
                    to,
                    SummedInto::Buckets(coarsest_for(bucket)),
                    &filter,
                )
                .await?;
                build_series(
                    &catalog,
                    &rows,
                    metric,
                    kind,
                    bucket,
                    query.group_by,
                    &query.filters,
                )
            }
        };
        Ok(SeriesResponse {
            metric: query.metric,
            bucket,
            bucket_ms: bucket.nominal_ms(),
            from: rfc3339(from),
            to: rfc3339(to),
            series,
        })
    }

    pub async fn summary(
        &self,
        query: &SummaryQuery,
        now: i64,
    ) -> Result<SummaryResponse, IndicatorError> {
        validate_filters(&query.filters)?;
        check_group(query.group_by).map_err(|message| IndicatorError::bad("group_by", message))?;
        let (from, to) = resolve_range(&query.from, &query.to, now)?;
        // Steps when grouped by (or filtered on) step or service, as a series would.
        let kind = fact_kind(Metric::Availability, query.group_by, &query.filters);
        // The incidents are read beside the rollups and filtered with them (by their
        // probe, first failed step and error code).
        let rollups = async {
            let catalog = QueryCatalog::load(&self.db).await?;
            let probes = catalog.probes_matching(&query.filters);
            let filter = RowFilter {
                probes: probes.clone(),
                steps: (kind == FactKind::Steps)
                    .then(|| catalog.steps_matching(&query.filters))
                    .flatten(),
                error_codes: (!query.filters.error_code.is_empty())
                    .then(|| query.filters.error_code.clone()),
                with_histograms: true,
                fold: None,
            };
            let summed = SummedInto::WholeRange;
            let rows = collect_rows(&self.db, kind, from, to, summed, &filter).await?;
            Ok::<_, IndicatorError>((catalog, probes, rows))
        };
        let incidents =
            async { Ok::<_, IndicatorError>(incidents::overlapping(&self.db, from, to).await?) };
        let ((catalog, probes, rows), incidents) = futures::try_join!(rollups, incidents)?;
        Ok(SummaryResponse {
            from: rfc3339(from),
            to: rfc3339(to),
            rows: summarise(
                &catalog,
                &rows,
                &incidents,
                Scope {
                    group_by: query.group_by,
                    filters: &query.filters,
                    probes: probes.as_ref(),
                    kind,
                },
                Period { from, to, now },
            ),
        })
    }

    /// Run rollup rows that add up to totals over `[from, to)`, in no series bucket.
    async fn run_rows_over(
        &self,
        from: i64,
        to: i64,
        filter: &RowFilter,
    ) -> Result<Vec<RollupRow>, IndicatorError> {
        let summed = SummedInto::WholeRange;
        Ok(collect_rows(&self.db, FactKind::Runs, from, to, summed, filter).await?)
    }

    /// Availability per probe over `[from, to)` (the board's today / 7 d / 30 d figures):
    /// the summary's numbers without percentiles or incidents.
    pub async fn availability_by_probe(
        &self,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, Option<f64>)>, IndicatorError> {
        let catalog = QueryCatalog::load(&self.db).await?;
        let rows = self.run_rows_over(from, to, &RowFilter::default()).await?;
        let mut cells: std::collections::HashMap<String, Cell> = std::collections::HashMap::new();
        for row in &rows {
            if catalog.probes.contains_key(&row.key.probe_code) {
                cells
                    .entry(row.key.probe_code.clone())
                    .or_default()
                    .add(row);
            }
        }
        Ok(cells
            .into_iter()
            .map(|(probe, cell)| (probe, cell.value(Metric::Availability, FactKind::Runs)))
            .collect())
    }

    /// Everything the explorer's filters can choose from, with labels.
    pub async fn options(&self) -> Result<ExplorerOptions, IndicatorError> {
        let choices = |sql: &'static str| async move {
            let rows = sqlx::query(sql).fetch_all(self.db.pool()).await?;
            rows.iter()
                .map(|row| {
                    Ok(Choice {
                        code: row.try_get("code")?,
                        label: row.try_get("label")?,
                    })
                })
                .collect::<Result<Vec<_>, sqlx::Error>>()
        };
        let fixed = |codes: &[&str]| {
            codes
                .iter()
                .map(|code| Choice {
                    code: code.to_string(),
                    label: code.to_string(),
                })
                .collect()
        };
        Ok(ExplorerOptions {
            products: choices("SELECT product_code AS code, label FROM products ORDER BY label").await?,
            probes: choices("SELECT probe_code AS code, label FROM probes ORDER BY label").await?,
            services: choices("SELECT service_code AS code, label FROM services ORDER BY label").await?,
            steps: choices("SELECT step_code AS code, MIN(label) AS label FROM journey_steps GROUP BY step_code ORDER BY step_code").await?,
            error_codes: choices("SELECT error_code AS code, label FROM error_codes ORDER BY error_code").await?,
            channels: fixed(&["web", "mobile", "api"]),
            environments: fixed(&["prod", "recette"]),
        })
    }
}
