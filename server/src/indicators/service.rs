//! The service behind `/api/v1/indicators/*`, the exports, the explorer's server
//! functions and the board's availability figures. A series or summary is answered from
//! the window of recent facts when it holds the range, else from the planner's rollup
//! levels and raw edges; a series without percentiles has the engine sum its rollup rows
//! into its fixed-width buckets (`rollups::Fold`). The summary reads its incidents on a
//! task of their own while its rows are counted.

use std::sync::Arc;

use app::domain::indicators::{
    Bucket, Choice, ExplorerOptions, Filters, GroupBy, Metric, SeriesQuery, SeriesResponse,
    SummaryQuery, SummaryResponse,
};
use app::domain::time_range::resolve;
use tokio_util::task::AbortOnDropHandle;

use super::catalog::QueryCatalog;
use super::events::event_series;
use super::facts::FactKind;
use super::incidents;
use super::maintenance::MaintenanceIndex;
use super::params::validate_filters;
use super::planner::SummedInto;
use super::recent::RecentFacts;
use super::rollups::{Fold, RollupRow, RowFilter};
use super::series::{build_series, coarsest_for, collect_rows, fact_kind, Cell};
use super::summary::{
    check_group, counts_incidents_per_probe, summarise, IncidentsRead, Period, Scope,
};
use super::IndicatorError;
use crate::clock::rfc3339;
use crate::storage::reference::{self, ReferenceTable};
use crate::storage::{Database, StorageError};

/// At most this many points per series for `bucket=auto`.
pub const AUTO_MAX_POINTS: i64 = 1_500;
/// Explicit buckets are refused beyond this many points per series.
pub const MAX_POINTS: i64 = 20_000;

#[derive(Clone, Debug)]
pub struct IndicatorService {
    db: Database,
    recent: RecentFacts,
}

/// A resolved `[from, to)` in epoch milliseconds.
pub fn resolve_range(from: &str, to: &str, now: i64) -> Result<(i64, i64), IndicatorError> {
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

/// The rows a question reads: those of the probes, steps and error codes its filters
/// keep, with histograms when it asks for percentiles.
fn row_filter(
    catalog: &QueryCatalog,
    filters: &Filters,
    kind: FactKind,
    with_histograms: bool,
) -> RowFilter {
    RowFilter {
        probes: catalog.probes_matching(filters),
        steps: (kind == FactKind::Steps)
            .then(|| catalog.steps_matching(filters))
            .flatten(),
        error_codes: (!filters.error_code.is_empty()).then(|| filters.error_code.clone()),
        with_histograms,
        fold: None,
    }
}

impl IndicatorService {
    /// The service, with a window of recent facts in memory (see [`RecentFacts`]).
    pub fn new(db: Database) -> IndicatorService {
        IndicatorService {
            recent: RecentFacts::new(db.clone()),
            db,
        }
    }

    /// The service without the window: every answer from rollups and raw rows (to
    /// compare both ways in tests and in the benchmark).
    pub fn from_rollups_only(db: Database) -> IndicatorService {
        IndicatorService {
            recent: RecentFacts::disabled(db.clone()),
            db,
        }
    }

    /// The window of recent facts.
    pub fn recent(&self) -> &RecentFacts {
        &self.recent
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
                let kind = fact_kind(metric, query.group_by, &query.filters);
                let grouping = (query.group_by, &query.filters);
                let histograms = metric.quantile().is_some();
                match self.recent.view(kind, from, to, now).await? {
                    Some(view) => {
                        let filter = row_filter(&view.catalog, &query.filters, kind, histograms);
                        view.series(&filter, metric, bucket, grouping)
                    }
                    None => {
                        let catalog = QueryCatalog::load(&self.db).await?;
                        let filter = RowFilter {
                            fold: Some(fold_for(bucket, query.group_by, kind)),
                            ..row_filter(&catalog, &query.filters, kind, histograms)
                        };
                        let summed = SummedInto::Buckets(coarsest_for(bucket));
                        let rows = collect_rows(&self.db, kind, from, to, summed, &filter).await?;
                        build_series(&catalog, &rows, metric, kind, bucket, grouping)
                    }
                }
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
        let per_probe = counts_incidents_per_probe(query.group_by, &query.filters);
        // The incidents are read beside the rollups and filtered with them (by their
        // probe, first failed step and error code): on a task of their own, so that the
        // database answers while facts held in memory are counted on this one. Per
        // probe, the database adds them up.
        let db = self.db.clone();
        let incidents = AbortOnDropHandle::new(tokio::spawn(async move {
            if per_probe {
                incidents::totals_per_probe(&db, from, to, now)
                    .await
                    .map(IncidentsRead::PerProbe)
            } else {
                incidents::overlapping(&db, from, to)
                    .await
                    .map(IncidentsRead::Each)
            }
        }));
        let (catalog, rows) = self
            .rows_over(kind, (from, to, now), &query.filters, true)
            .await?;
        let incidents = incidents
            .await
            .map_err(|error| StorageError::Interrupted(format!("reading incidents: {error}")))??;
        let probes = catalog.probes_matching(&query.filters);
        // Maintenance only weighs on MTBF, which only a group with incidents has.
        let maintenance = if incidents.is_empty() {
            MaintenanceIndex::default()
        } else {
            MaintenanceIndex::load(&self.db).await?
        };
        Ok(SummaryResponse {
            from: rfc3339(from),
            to: rfc3339(to),
            rows: summarise(
                &catalog,
                &rows,
                incidents,
                &maintenance,
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

    /// Rows of `kind` kept by `filters` that add up to totals over `[from, to)` (at
    /// `now`), in no series bucket, and the catalog they were read with: from the
    /// recent window when it holds the range, else from rollups.
    async fn rows_over(
        &self,
        kind: FactKind,
        (from, to, now): (i64, i64, i64),
        filters: &Filters,
        histograms: bool,
    ) -> Result<(Arc<QueryCatalog>, Vec<RollupRow>), IndicatorError> {
        match self.recent.view(kind, from, to, now).await? {
            Some(view) => {
                let filter = row_filter(&view.catalog, filters, kind, histograms);
                Ok((view.catalog.clone(), view.rows_over(&filter)))
            }
            None => {
                let catalog = QueryCatalog::load(&self.db).await?;
                let filter = row_filter(&catalog, filters, kind, histograms);
                let summed = SummedInto::WholeRange;
                let rows = collect_rows(&self.db, kind, from, to, summed, &filter).await?;
                Ok((Arc::new(catalog), rows))
            }
        }
    }

    /// Availability per probe over `[from, to)` (the board's today / 7 d / 30 d figures):
    /// the summary's numbers without percentiles or incidents.
    pub async fn availability_by_probe(
        &self,
        from: i64,
        to: i64,
    ) -> Result<Vec<(String, Option<f64>)>, IndicatorError> {
        let (catalog, rows) = self
            .rows_over(FactKind::Runs, (from, to, to), &Filters::default(), false)
            .await?;
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
        let choices = |table: ReferenceTable| async move {
            let labelled = reference::labelled(&self.db, table).await?;
            Ok::<_, IndicatorError>(
                labelled
                    .into_iter()
                    .map(|(code, label)| Choice { code, label })
                    .collect::<Vec<_>>(),
            )
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
            products: choices(ReferenceTable::Products).await?,
            probes: choices(ReferenceTable::Probes).await?,
            services: choices(ReferenceTable::Services).await?,
            steps: choices(ReferenceTable::JourneySteps).await?,
            error_codes: choices(ReferenceTable::ErrorCodes).await?,
            channels: fixed(&["web", "mobile", "api"]),
            environments: fixed(&["prod", "recette"]),
        })
    }
}
