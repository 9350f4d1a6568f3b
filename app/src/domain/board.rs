use serde::{Deserialize, Serialize};

use super::status::RunStatus;

/// A probe's health right now, as the board shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeState {
    /// The last runs succeeded.
    Up,
    /// An incident is open: the last runs failed in a row.
    Down,
    /// Recent failures or slowness, but no open incident.
    Degraded,
    /// A planned maintenance window covers the probe now.
    Maintenance,
    /// No run recently: the probe is silent or disabled.
    NoData,
}

impl ProbeState {
    /// Translation key of the state's label.
    pub fn label_key(self) -> &'static str {
        match self {
            ProbeState::Up => "state.up",
            ProbeState::Down => "state.down",
            ProbeState::Degraded => "state.degraded",
            ProbeState::Maintenance => "state.maintenance",
            ProbeState::NoData => "state.no_data",
        }
    }

    pub fn css_class(self) -> &'static str {
        match self {
            ProbeState::Up => "up",
            ProbeState::Down => "down",
            ProbeState::Degraded => "degraded",
            ProbeState::Maintenance => "maintenance",
            ProbeState::NoData => "no-data",
        }
    }
}

/// One probe's tile on the status board.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProbeTile {
    pub probe_code: String,
    pub label: String,
    pub channel: String,
    pub environment: String,
    pub state: ProbeState,
    pub last_run_at_ms: Option<i64>,
    pub last_status: Option<RunStatus>,
    pub last_duration_ms: Option<i64>,
    /// Failing step and error of the last run, when it failed.
    pub last_failed_step: Option<String>,
    pub last_error_code: Option<String>,
    pub last_error_label: Option<String>,
    /// Start of the current streak of failed runs, when the probe is down.
    pub down_since_ms: Option<i64>,
    /// The incident its last run belongs to, when the probe is down and one is open.
    #[serde(default)]
    pub incident_id: Option<String>,
    /// Availability in percent, maintenance excluded; `None` when no run counts.
    pub availability_today: Option<f64>,
    pub availability_7d: Option<f64>,
    pub availability_30d: Option<f64>,
    /// Recent runs, oldest first: (started_at epoch ms, duration ms, failed).
    pub recent: Vec<RecentRun>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentRun {
    pub started_at_ms: i64,
    pub duration_ms: i64,
    pub failed: bool,
}

/// A product and its probes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductBoard {
    pub product_code: String,
    pub label: String,
    pub probes: Vec<ProbeTile>,
}

/// The whole status board at one instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BoardSnapshot {
    pub generated_at_ms: i64,
    pub products: Vec<ProductBoard>,
}

impl BoardSnapshot {
    /// Probes that are down right now, for the banner.
    pub fn down(&self) -> Vec<(&ProductBoard, &ProbeTile)> {
        self.products
            .iter()
            .flat_map(|product| product.probes.iter().map(move |probe| (product, probe)))
            .filter(|(_, probe)| probe.state == ProbeState::Down)
            .collect()
    }
}
