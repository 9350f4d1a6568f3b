//! Probe runs as the runs list and the run page show them.

use serde::{Deserialize, Serialize};

use super::catalog::ErrorCategory;
use super::indicators::Filters;
use super::status::{RunStatus, StepStatus};

/// The most runs one page holds.
pub const MAX_PAGE: i64 = 1_000;
/// Runs per page when none is asked.
pub const DEFAULT_PAGE: i64 = 100;

/// Which runs to list: the explorer's filters and time range (`from`, `to` in its time
/// grammar), statuses, and where the page starts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunsQuery {
    pub filters: Filters,
    /// Empty: every status.
    pub statuses: Vec<RunStatus>,
    pub from: String,
    pub to: String,
    pub limit: i64,
    /// An opaque position from an earlier page's `next_cursor`.
    pub cursor: Option<String>,
}

/// One run of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunItem {
    pub run_id: String,
    pub probe_code: String,
    pub started_at_ms: i64,
    pub duration_ms: i64,
    pub status: RunStatus,
    pub failed_step_code: Option<String>,
    pub error_code: Option<String>,
}

/// How many runs of the whole range (not only the page) have each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusCounts {
    pub ok: i64,
    pub ko: i64,
    pub timeout: i64,
}

impl StatusCounts {
    pub fn add(&mut self, status: RunStatus, count: i64) {
        match status {
            RunStatus::Ok => self.ok += count,
            RunStatus::Ko => self.ko += count,
            RunStatus::Timeout => self.timeout += count,
        }
    }

    /// The runs of `statuses` (every status when empty).
    pub fn of(&self, statuses: &[RunStatus]) -> i64 {
        if statuses.is_empty() {
            return self.total();
        }
        statuses
            .iter()
            .map(|status| match status {
                RunStatus::Ok => self.ok,
                RunStatus::Ko => self.ko,
                RunStatus::Timeout => self.timeout,
            })
            .sum()
    }

    pub fn total(&self) -> i64 {
        self.ok + self.ko + self.timeout
    }
}

/// A page of runs, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunsPage {
    pub runs: Vec<RunItem>,
    /// Where the next page starts; `None` on the last page.
    pub next_cursor: Option<String>,
    pub counts: StatusCounts,
}

/// A step of a run, placed on the run's time axis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepItem {
    pub step_code: String,
    pub position: i64,
    /// From the run's start to the step's.
    pub offset_ms: i64,
    pub duration_ms: i64,
    pub status: StepStatus,
    pub http_status: Option<i64>,
    pub error_code: Option<String>,
    pub error_label: Option<String>,
    pub message: Option<String>,
}

/// A run with its steps and what surrounds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunDetail {
    pub run: RunItem,
    pub error_label: Option<String>,
    pub error_category: Option<ErrorCategory>,
    pub error_message: Option<String>,
    pub agent: Option<String>,
    pub steps: Vec<StepItem>,
    /// The probe's runs just before and after.
    pub previous_run_id: Option<String>,
    pub next_run_id: Option<String>,
    /// The incident the run belongs to, if any.
    pub incident_id: Option<String>,
    /// Real prospects' events at the failed step around the run (failed runs only).
    pub step_events: Option<StepEvents>,
}

/// How long before and after a failed run's start real prospects' events at its failed
/// step are counted.
pub const EVENTS_AROUND_MS: i64 = 15 * 60_000;

/// Real prospects' journey events of a product at one step in `[from_ms, to_ms)`, per
/// outcome (counts only: who they are is the sales list's).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepEvents {
    pub product_code: String,
    pub step_code: String,
    pub from_ms: i64,
    pub to_ms: i64,
    pub started: i64,
    pub completed: i64,
    pub failed: i64,
    pub abandoned: i64,
}
