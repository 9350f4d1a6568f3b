//! A product's journey funnel as the journeys page shows it: real prospects' journeys
//! through the product's steps, and beside each step what the probes saw of it.

use serde::{Deserialize, Serialize};

/// Which funnel to draw: a product, and a range in the explorer's time grammar.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelQuery {
    pub product: String,
    pub from: String,
    pub to: String,
    /// Channels to keep (empty: every channel).
    #[serde(default)]
    pub channel: Vec<String>,
}

/// Journeys counted by how they went (each journey once).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JourneyCounts {
    /// Journeys that started in the range.
    pub started: i64,
    /// Completed the product's last step.
    pub completed: i64,
    /// Have a `FAILED` event and did not complete.
    pub failed: i64,
    /// Have an `ABANDONED` event and did not complete (after a failure or not).
    pub abandoned: i64,
}

/// One step of the funnel: how many of the range's journeys reached it and how they
/// left it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FunnelStep {
    pub step_code: String,
    pub label: String,
    pub position: i64,
    /// Journeys with a `STARTED` event at the step.
    pub started: i64,
    /// Journeys with any event at the step.
    pub reached: i64,
    pub completed: i64,
    pub failed: i64,
    pub abandoned: i64,
    /// `reached` over the previous step's `reached` (the first step: over the journeys
    /// started), × 100; `None` when nothing came to the step before.
    pub conversion_pct: Option<f64>,
    /// `failed` over `reached` × 100; `None` when none reached the step.
    pub failure_pct: Option<f64>,
    /// The probes' success rate at the step over the range (production probes of the
    /// product); `None` without a probe run there.
    pub probe_success_pct: Option<f64>,
}

/// The funnel of one bucket of time (Paris days, or hours over two days or less):
/// journeys that started in it, and how many reached each step (in step order).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunnelBucket {
    pub start_ms: i64,
    pub started: i64,
    pub reached: Vec<i64>,
    pub completed: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Funnel {
    pub product: String,
    pub from_ms: i64,
    pub to_ms: i64,
    pub journeys: JourneyCounts,
    pub steps: Vec<FunnelStep>,
    /// `true`: buckets are hours; `false`: Paris days.
    pub hourly: bool,
    pub buckets: Vec<FunnelBucket>,
}

impl Funnel {
    /// Completed over started × 100; `None` without journeys.
    pub fn conversion_pct(&self) -> Option<f64> {
        percent(self.journeys.completed, self.journeys.started)
    }
}

/// `part` over `whole` × 100, `None` when `whole` is 0.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}
