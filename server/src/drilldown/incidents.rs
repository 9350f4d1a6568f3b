//! The incidents behind the availability figures: a page of the incidents that overlap
//! a range (newest first) with the maintenance windows of the range, for the list and
//! its timeline; and one incident with its failed runs, its steps' errors and its
//! impact on real prospects.
//!
//! Each incident says its product and environment (from its probe), its failed step's
//! service, and its cause: a partner's when that service is a partner's or the error
//! falls in the partner category, the bank's otherwise ([`Cause::of`]). Its impact is
//! the prospects who failed at its step on its product while it lasted (open: until
//! now). Filters are the runs list's: probe, product, channel and environment choose
//! probes; `step`, `service` and `error_code` choose by the incident's failed step and
//! error.

use std::collections::{HashMap, HashSet};

use app::domain::catalog::{ErrorCategory, ServiceKind};
use app::domain::incidents::{
    Cause, IncidentDetail, IncidentItem, IncidentsPage, IncidentsQuery, MaintenanceSpan,
    StepErrorCount, INCIDENT_RUNS,
};
use app::domain::runs::MAX_PAGE;
use app::domain::status::RunStatus;

use super::cursor;
use super::runs::{failed_steps, item};
use crate::indicators::catalog::QueryCatalog;
use crate::indicators::{resolve_range, IndicatorError};
use crate::storage::incident_pages::{self, FailedEvent, IncidentRecord, IncidentSelection};
use crate::storage::keyset::PagePosition;
use crate::storage::reference::{self, ErrorCode};
use crate::storage::run_pages::{self, RunSelection};
use crate::storage::{Database, StorageError};

#[derive(Clone)]
pub struct IncidentService {
    db: Database,
}

/// What an incident's description needs beside its row.
struct Describer {
    catalog: QueryCatalog,
    service_kinds: HashMap<String, ServiceKind>,
    errors: HashMap<String, ErrorCode>,
}

impl Describer {
    async fn load(db: &Database) -> Result<Describer, StorageError> {
        Ok(Describer {
            catalog: QueryCatalog::load(db).await?,
            service_kinds: reference::service_kinds(db).await?,
            errors: reference::error_codes(db).await?,
        })
    }

    /// The incident as listed; `failures` holds at least the `FAILED` journey events of
    /// its span (see [`Describer::spans`]).
    fn describe(
        &self,
        record: IncidentRecord,
        failures: &[FailedEvent],
        now_ms: i64,
    ) -> IncidentItem {
        let probe = self.catalog.probes.get(&record.probe_code);
        let product = probe.map(|probe| probe.product.clone());
        let service = match (&product, &record.failed_step_code) {
            (Some(product), Some(step)) => self
                .catalog
                .step_service
                .get(&(product.clone(), step.clone()))
                .cloned(),
            _ => None,
        };
        let error = record
            .error_code
            .as_ref()
            .and_then(|code| self.errors.get(code));
        let category: Option<ErrorCategory> = error.map(|error| error.category);
        let kind = service
            .as_ref()
            .and_then(|service| self.service_kinds.get(service))
            .copied();
        let end = end_of(&record, now_ms);
        let impacted: HashSet<&str> = failures
            .iter()
            .filter(|(event_product, step, at, _)| {
                product.as_ref() == Some(event_product)
                    && record.failed_step_code.as_ref() == Some(step)
                    && (record.started_at_ms..end).contains(at)
            })
            .map(|(.., who)| who.as_str())
            .collect();
        IncidentItem {
            cause: Cause::of(kind, category),
            error_label: error.map(|error| error.label.clone()),
            environment: probe.map(|probe| probe.environment.clone()),
            product_code: product,
            service_code: service,
            duration_ms: end - record.started_at_ms,
            impacted_prospects: impacted.len() as i64,
            incident_id: record.incident_id,
            probe_code: record.probe_code,
            failed_step_code: record.failed_step_code,
            error_code: record.error_code,
            started_at_ms: record.started_at_ms,
            ended_at_ms: record.ended_at_ms,
            failed_runs: record.failed_runs,
        }
    }

    /// The incidents described, their impact read in one query over their whole span.
    async fn describe_all(
        &self,
        db: &Database,
        records: Vec<IncidentRecord>,
        now_ms: i64,
    ) -> Result<Vec<IncidentItem>, StorageError> {
        let span = records
            .iter()
            .fold(None, |span: Option<(i64, i64)>, record| {
                let (start, end) = (record.started_at_ms, end_of(record, now_ms));
                Some(span.map_or((start, end), |(from, to)| (from.min(start), to.max(end))))
            });
        let failures = match span {
            Some(span) => incident_pages::failed_events(db, span).await?,
            None => Vec::new(),
        };
        Ok(records
            .into_iter()
            .map(|record| self.describe(record, &failures, now_ms))
            .collect())
    }
}

/// When an incident ends: its end, or now while open.
fn end_of(record: &IncidentRecord, now_ms: i64) -> i64 {
    record
        .ended_at_ms
        .unwrap_or(now_ms)
        .max(record.started_at_ms)
}

impl IncidentService {
    pub fn new(db: Database) -> IncidentService {
        IncidentService { db }
    }

    /// A page of the incidents `query` asks for.
    pub async fn page(
        &self,
        query: &IncidentsQuery,
        now_ms: i64,
    ) -> Result<IncidentsPage, IndicatorError> {
        if !(1..=MAX_PAGE).contains(&query.limit) {
            return Err(IndicatorError::bad(
                "limit",
                format!("must be 1 to {MAX_PAGE}"),
            ));
        }
        let after = query
            .cursor
            .as_deref()
            .map(|text| {
                cursor::decode(text)
                    .ok_or_else(|| IndicatorError::bad("cursor", "is not a cursor of this list"))
            })
            .transpose()?;
        let (from_ms, to_ms) = resolve_range(&query.from, &query.to, now_ms)?;
        let describer = Describer::load(&self.db).await?;
        let selection = IncidentSelection {
            from_ms,
            to_ms,
            probes: describer.catalog.probes_matching(&query.filters),
            failed_steps: failed_steps(&describer.catalog, &query.filters),
            error_codes: query.filters.error_code.clone(),
        };
        let nothing_served = !query.filters.service.is_empty() && selection.failed_steps.is_empty();
        let mut records = if nothing_served {
            Vec::new()
        } else {
            incident_pages::page_of_incidents(&self.db, &selection, after.as_ref(), query.limit + 1)
                .await?
        };
        let next_cursor = if records.len() as i64 > query.limit {
            records.truncate(query.limit as usize);
            records.last().map(|incident| {
                cursor::encode(&PagePosition {
                    at_ms: incident.started_at_ms,
                    id: incident.incident_id.clone(),
                })
            })
        } else {
            None
        };
        let incidents = describer.describe_all(&self.db, records, now_ms).await?;
        let maintenance = reference::maintenance_windows(&self.db)
            .await?
            .into_iter()
            .filter(|window| window.starts_at_ms < to_ms && window.ends_at_ms > from_ms)
            .map(|window| MaintenanceSpan {
                scope: window.scope,
                scope_code: window.scope_code,
                starts_at_ms: window.starts_at_ms,
                ends_at_ms: window.ends_at_ms,
                reason: window.reason,
            })
            .collect();
        Ok(IncidentsPage {
            from_ms,
            to_ms,
            incidents,
            next_cursor,
            maintenance,
        })
    }

    /// One incident with its failed runs, its steps' errors and its impact, if stored.
    pub async fn detail(
        &self,
        incident_id: &str,
        now_ms: i64,
    ) -> Result<Option<IncidentDetail>, StorageError> {
        let Some(record) = incident_pages::incident(&self.db, incident_id).await? else {
            return Ok(None);
        };
        let describer = Describer::load(&self.db).await?;
        let incident = describer
            .describe_all(&self.db, vec![record], now_ms)
            .await?
            .pop()
            .ok_or_else(|| StorageError::Corrupt("an incident vanished while described".into()))?;
        let span = (
            incident.started_at_ms,
            incident.started_at_ms + incident.duration_ms,
        );
        let selection = RunSelection {
            from_ms: span.0,
            // A run that started at the incident's last instant still belongs to it.
            to_ms: incident.ended_at_ms.unwrap_or(span.1 + 1),
            probes: Some(vec![incident.probe_code.clone()]),
            statuses: vec![RunStatus::Ko, RunStatus::Timeout],
            ..RunSelection::default()
        };
        let mut runs = run_pages::page_of_runs(&self.db, &selection, None, INCIDENT_RUNS).await?;
        runs.reverse();
        let step_errors = incident_pages::step_errors(
            &self.db,
            &incident.probe_code,
            (selection.from_ms, selection.to_ms),
        )
        .await?
        .into_iter()
        .map(|(step_code, error_code, count)| StepErrorCount {
            error_label: error_code
                .as_ref()
                .and_then(|code| describer.errors.get(code))
                .map(|error| error.label.clone()),
            step_code,
            error_code,
            count,
        })
        .collect();
        let recovery_run_id = match incident.ended_at_ms {
            Some(ended) => incident_pages::ok_run_at(&self.db, &incident.probe_code, ended).await?,
            None => None,
        };
        Ok(Some(IncidentDetail {
            incident,
            runs: runs.into_iter().map(item).collect(),
            step_errors,
            recovery_run_id,
        }))
    }
}
