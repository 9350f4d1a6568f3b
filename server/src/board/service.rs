use std::collections::{BTreeMap, HashMap};

use app::domain::board::{BoardSnapshot, ProbeState, ProbeTile, ProductBoard, RecentRun};
use app::domain::time_range::start_of_paris_day;

use super::state::{failing_streak_start, probe_state};
use crate::indicators::incidents;
use crate::indicators::maintenance::MaintenanceIndex;
use crate::indicators::{IndicatorError, IndicatorService};
use crate::storage::{reference, runs, Database, StorageError, StorageResult};

/// How far back the board looks for recent runs (state and sparkline).
const RECENT_WINDOW_MS: i64 = 3 * 3_600_000;
const DAY_MS: i64 = 24 * 3_600_000;

/// Computes the status board from stored runs and the indicators.
#[derive(Clone, Debug)]
pub struct BoardService {
    db: Database,
    indicators: IndicatorService,
}

impl BoardService {
    /// The board, with the indicator service it shares with the explorer (and so its
    /// window of recent facts).
    pub fn new(db: Database, indicators: IndicatorService) -> BoardService {
        BoardService { db, indicators }
    }

    /// Availability per probe over `[from, to)`, from the indicator service (the same
    /// numbers as the explorer and the API).
    async fn availability_by_probe(
        &self,
        from: i64,
        to: i64,
    ) -> StorageResult<Vec<(String, Option<f64>)>> {
        self.indicators
            .availability_by_probe(from, to)
            .await
            .map_err(|error| match error {
                IndicatorError::Storage(error) => error,
                other => StorageError::Corrupt(other.to_string()),
            })
    }

    // Over 80 lines: the board assembled tile by tile from what it reads once.
    #[tracing::instrument(name = "board_snapshot", level = "debug", skip_all, err)]
    pub async fn snapshot(&self, now_ms: i64) -> StorageResult<BoardSnapshot> {
        let probes = reference::probes_with_products(&self.db).await?;
        let mut recent = runs::recent_runs(&self.db, now_ms - RECENT_WINDOW_MS).await?;
        let maintenance = MaintenanceIndex::load(&self.db).await?;
        let starts = [
            start_of_paris_day(now_ms),
            now_ms - 7 * DAY_MS,
            now_ms - 30 * DAY_MS,
        ];
        let mut availability: HashMap<String, [Option<f64>; 3]> = HashMap::new();
        for (index, start) in starts.into_iter().enumerate() {
            for (probe, pct) in self.availability_by_probe(start, now_ms + 1).await? {
                availability.entry(probe).or_default()[index] = pct;
            }
        }
        let error_labels = reference::error_labels(&self.db).await?;

        let mut products: BTreeMap<(String, String), Vec<ProbeTile>> = BTreeMap::new();
        for entry in probes {
            let probe = entry.probe;
            let mut probe_runs = recent.remove(&probe.probe_code).unwrap_or_default();
            if probe_runs.is_empty() {
                // A silent probe still shows when it last ran.
                probe_runs.extend(runs::last_run(&self.db, &probe.probe_code).await?);
            }
            let state = probe_state(
                &probe_runs,
                probe.interval_s,
                probe.enabled,
                maintenance.covers(&probe.probe_code, now_ms),
                now_ms,
            );
            let pct = |index: usize| {
                availability
                    .get(&probe.probe_code)
                    .and_then(|pcts| pcts[index])
            };
            let last = probe_runs.last();
            let last_failed = last.filter(|run| run.status.is_failure());
            let incident_id = match last_failed {
                Some(run) if state == ProbeState::Down => {
                    incidents::containing(&self.db, &probe.probe_code, run.started_at_ms).await?
                }
                _ => None,
            };
            let tile = ProbeTile {
                probe_code: probe.probe_code.clone(),
                label: probe.label,
                channel: probe.channel,
                environment: probe.environment,
                state,
                last_run_at_ms: last.map(|run| run.started_at_ms),
                last_status: last.map(|run| run.status),
                last_duration_ms: last.map(|run| run.duration_ms),
                last_failed_step: last_failed.and_then(|run| run.failed_step_code.clone()),
                last_error_code: last_failed.and_then(|run| run.error_code.clone()),
                last_error_label: last_failed
                    .and_then(|run| run.error_code.as_ref())
                    .and_then(|code| error_labels.get(code).cloned()),
                down_since_ms: (state == ProbeState::Down)
                    .then(|| failing_streak_start(&probe_runs))
                    .flatten(),
                incident_id,
                availability_today: pct(0),
                availability_7d: pct(1),
                availability_30d: pct(2),
                recent: probe_runs
                    .iter()
                    .map(|run| RecentRun {
                        started_at_ms: run.started_at_ms,
                        duration_ms: run.duration_ms,
                        failed: run.status.is_failure(),
                    })
                    .collect(),
            };
            products
                .entry((entry.product_label, probe.product_code))
                .or_default()
                .push(tile);
        }
        Ok(BoardSnapshot {
            generated_at_ms: now_ms,
            products: products
                .into_iter()
                .map(|((label, product_code), probes)| ProductBoard {
                    product_code,
                    label,
                    probes,
                })
                .collect(),
        })
    }
}
