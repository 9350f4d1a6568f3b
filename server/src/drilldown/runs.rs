//! The runs behind a number: a page of runs of the explorer's filters and range,
//! newest first, with the counts per status of the whole range; and one run with its
//! steps on a time axis, its error's label and category, the probe's runs just before
//! and after, the incident it belongs to, and (failed) how many real prospects' events
//! its failed step saw within [`EVENTS_AROUND_MS`] of its start.
//!
//! Filters: probe, product, channel and environment choose probes; `step` keeps runs
//! that failed at that step, `service` runs that failed at a step of that service,
//! `error_code` runs with that error. `limit` is 1 to 1,000 (100 when absent).

use app::domain::indicators::Filters;
use app::domain::runs::{
    RunDetail, RunItem, RunsPage, RunsQuery, StatusCounts, StepEvents, StepItem, EVENTS_AROUND_MS,
    MAX_PAGE,
};
use app::domain::status::EventOutcome;

use super::cursor;
use crate::indicators::catalog::QueryCatalog;
use crate::indicators::{incidents, resolve_range, IndicatorError};
use crate::storage::keyset::PagePosition;
use crate::storage::run_pages::{self, RunSelection};
use crate::storage::runs::RunSummary;
use crate::storage::{journeys, reference};
use crate::storage::{Database, StorageError};

#[derive(Clone)]
pub struct RunService {
    db: Database,
}

impl RunService {
    pub fn new(db: Database) -> RunService {
        RunService { db }
    }

    /// A page of the runs `query` asks for.
    pub async fn page(&self, query: &RunsQuery, now_ms: i64) -> Result<RunsPage, IndicatorError> {
        if !(1..=MAX_PAGE).contains(&query.limit) {
            return Err(IndicatorError::bad(
                "limit",
                format!("must be 1 to {MAX_PAGE}"),
            ));
        }
        let after = match &query.cursor {
            Some(text) => Some(
                cursor::decode(text)
                    .ok_or_else(|| IndicatorError::bad("cursor", "is not a cursor of this list"))?,
            ),
            None => None,
        };
        let (from_ms, to_ms) = resolve_range(&query.from, &query.to, now_ms)?;
        let catalog = QueryCatalog::load(&self.db).await?;
        let selection = RunSelection {
            from_ms,
            to_ms,
            probes: catalog.probes_matching(&query.filters),
            statuses: query.statuses.clone(),
            failed_steps: failed_steps(&catalog, &query.filters),
            error_codes: query.filters.error_code.clone(),
        };
        if !query.filters.service.is_empty() && selection.failed_steps.is_empty() {
            // No step is served by those services: no run failed at one.
            return Ok(RunsPage {
                runs: Vec::new(),
                next_cursor: None,
                counts: StatusCounts::default(),
            });
        }
        let mut runs =
            run_pages::page_of_runs(&self.db, &selection, after.as_ref(), query.limit + 1).await?;
        let next_cursor = if runs.len() as i64 > query.limit {
            runs.truncate(query.limit as usize);
            runs.last().map(|run| {
                cursor::encode(&PagePosition {
                    at_ms: run.started_at_ms,
                    id: run.run_id.clone(),
                })
            })
        } else {
            None
        };
        // The counts are the range's under the other filters, whatever statuses the
        // page shows (so that "12 failed of 288" reads beside a page of failed runs).
        let every_status = RunSelection {
            statuses: Vec::new(),
            ..selection
        };
        let mut counts = StatusCounts::default();
        for (status, count) in run_pages::count_by_status(&self.db, &every_status).await? {
            counts.add(status, count);
        }
        Ok(RunsPage {
            runs: runs.into_iter().map(item).collect(),
            next_cursor,
            counts,
        })
    }

    /// One run with its steps, if it is stored.
    pub async fn detail(&self, run_id: &str) -> Result<Option<RunDetail>, StorageError> {
        let Some((record, steps)) = run_pages::run_with_steps(&self.db, run_id).await? else {
            return Ok(None);
        };
        let errors = reference::error_codes(&self.db).await?;
        let (previous_run_id, next_run_id) = run_pages::neighbours(&self.db, &record.run).await?;
        let incident_id = if record.run.status.is_failure() {
            incidents::containing(&self.db, &record.run.probe_code, record.run.started_at_ms)
                .await?
        } else {
            None
        };
        let step_events = match (&record.run.failed_step_code, record.run.status.is_failure()) {
            (Some(step), true) => {
                self.step_events(&record.run.probe_code, step, record.run.started_at_ms)
                    .await?
            }
            _ => None,
        };
        let error = |code: &Option<String>| code.as_ref().and_then(|code| errors.get(code));
        let label = |code: &Option<String>| error(code).map(|error| error.label.clone());
        let started = record.run.started_at_ms;
        Ok(Some(RunDetail {
            error_label: label(&record.run.error_code),
            error_category: error(&record.run.error_code).map(|error| error.category),
            error_message: record.error_message,
            agent: record.agent,
            steps: steps
                .into_iter()
                .map(|step| StepItem {
                    error_label: label(&step.error_code),
                    offset_ms: step.started_at_ms - started,
                    step_code: step.step_code,
                    position: step.position,
                    duration_ms: step.duration_ms,
                    status: step.status,
                    http_status: step.http_status,
                    error_code: step.error_code,
                    message: step.message,
                })
                .collect(),
            run: item(record.run),
            previous_run_id,
            next_run_id,
            incident_id,
            step_events,
        }))
    }

    /// Real prospects' events at `step` of `probe`'s product within
    /// [`EVENTS_AROUND_MS`] of `at_ms`.
    async fn step_events(
        &self,
        probe: &str,
        step: &str,
        at_ms: i64,
    ) -> Result<Option<StepEvents>, StorageError> {
        let products = reference::probe_products(&self.db).await?;
        let Some(product) = products.get(probe) else {
            return Ok(None);
        };
        let (from_ms, to_ms) = (at_ms - EVENTS_AROUND_MS, at_ms + EVENTS_AROUND_MS);
        let mut events = StepEvents {
            product_code: product.clone(),
            step_code: step.to_string(),
            from_ms,
            to_ms,
            ..StepEvents::default()
        };
        for (outcome, count) in
            journeys::outcomes_at_step(&self.db, product, step, (from_ms, to_ms)).await?
        {
            *match outcome {
                EventOutcome::Started => &mut events.started,
                EventOutcome::Completed => &mut events.completed,
                EventOutcome::Failed => &mut events.failed,
                EventOutcome::Abandoned => &mut events.abandoned,
            } += count;
        }
        Ok(Some(events))
    }
}

/// The failed steps the `step` and `service` filters keep (empty: any).
pub(super) fn failed_steps(catalog: &QueryCatalog, filters: &Filters) -> Vec<String> {
    let mut steps = filters.step.clone();
    if !filters.service.is_empty() {
        let served: Vec<&String> = catalog
            .step_service
            .iter()
            .filter(|(_, service)| filters.service.contains(service))
            .map(|((_, step), _)| step)
            .collect();
        if filters.step.is_empty() {
            steps.extend(served.into_iter().cloned());
        } else {
            steps.retain(|step| served.contains(&step));
        }
    }
    steps.sort();
    steps.dedup();
    steps
}

pub(super) fn item(run: RunSummary) -> RunItem {
    RunItem {
        run_id: run.run_id,
        probe_code: run.probe_code,
        started_at_ms: run.started_at_ms,
        duration_ms: run.duration_ms,
        status: run.status,
        failed_step_code: run.failed_step_code,
        error_code: run.error_code,
    }
}
