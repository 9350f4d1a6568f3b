//! Incidents (indisponibilités) as the incidents list, the timeline and the incident
//! page show them.

use serde::{Deserialize, Serialize};

use super::catalog::{ErrorCategory, MaintenanceScope, ServiceKind};
use super::indicators::Filters;
use super::runs::RunItem;
use crate::text_enum;

text_enum! {
    /// Whose failure an incident is: the bank's, or a partner's.
    pub enum Cause("incident cause") {
        Internal = "internal",
        Partner = "partner",
    }
}

impl Cause {
    /// A partner's when the failed step calls a partner's service or the error falls in
    /// the partner category; the bank's otherwise.
    pub fn of(service: Option<ServiceKind>, category: Option<ErrorCategory>) -> Cause {
        if service == Some(ServiceKind::Partner) || category == Some(ErrorCategory::Partner) {
            Cause::Partner
        } else {
            Cause::Internal
        }
    }
}

/// Which incidents to list: those of the explorer's filters that overlap the range
/// (`from`, `to` in its time grammar), newest first, and where the page starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentsQuery {
    pub filters: Filters,
    pub from: String,
    pub to: String,
    pub limit: i64,
    /// An opaque position from an earlier page's `next_cursor`.
    pub cursor: Option<String>,
}

/// One incident of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentItem {
    pub incident_id: String,
    pub probe_code: String,
    pub product_code: Option<String>,
    pub environment: Option<String>,
    pub failed_step_code: Option<String>,
    pub service_code: Option<String>,
    pub error_code: Option<String>,
    pub error_label: Option<String>,
    pub cause: Cause,
    pub started_at_ms: i64,
    /// `None` while open.
    pub ended_at_ms: Option<i64>,
    /// Until its end, or until now while open.
    pub duration_ms: i64,
    pub failed_runs: i64,
    /// Prospects with a `FAILED` journey event on the probe's product, at the failed
    /// step, during the incident.
    pub impacted_prospects: i64,
}

/// A maintenance window, as the timeline draws it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaintenanceSpan {
    pub scope: MaintenanceScope,
    pub scope_code: Option<String>,
    pub starts_at_ms: i64,
    pub ends_at_ms: i64,
    pub reason: Option<String>,
}

/// A page of incidents, newest first, with the maintenance windows of the range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentsPage {
    pub from_ms: i64,
    pub to_ms: i64,
    pub incidents: Vec<IncidentItem>,
    /// Where the next page starts; `None` on the last page.
    pub next_cursor: Option<String>,
    pub maintenance: Vec<MaintenanceSpan>,
}

/// How often a step failed with an error during an incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepErrorCount {
    pub step_code: String,
    pub error_code: Option<String>,
    pub error_label: Option<String>,
    pub count: i64,
}

/// An incident with its failed runs, its steps' errors and its impact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentDetail {
    pub incident: IncidentItem,
    /// Its failed runs, oldest first (at most [`INCIDENT_RUNS`]).
    pub runs: Vec<RunItem>,
    pub step_errors: Vec<StepErrorCount>,
    /// The run that ended it, if it has ended.
    pub recovery_run_id: Option<String>,
}

/// The most runs an incident page lists.
pub const INCIDENT_RUNS: i64 = 500;
