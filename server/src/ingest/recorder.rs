//! The one write path for probe runs: store, refresh rollups and incidents, announce.

use crate::board::{RunNotifier, RunStored};
use crate::clock::now_ms;
use crate::indicators::refresh::after_runs_stored;
use crate::storage::runs::{insert_runs, ProbeRun};
use crate::storage::{Database, StorageResult};

#[derive(Clone, Debug)]
pub struct RunRecorder {
    db: Database,
    notifier: RunNotifier,
}

impl RunRecorder {
    pub fn new(db: Database, notifier: RunNotifier) -> RunRecorder {
        RunRecorder { db, notifier }
    }

    /// Stores the runs (idempotent by `run_id`), brings rollups and incidents up to date,
    /// then announces each run. Answers how many were new.
    ///
    /// The refresh runs even when every run was already stored: a retry after a failed
    /// refresh then repairs the rollups. Refreshes of one database take turns, so that two
    /// requests touching the same day cannot write a stale total over a fresh one.
    #[tracing::instrument(name = "record_runs", level = "debug", skip_all, fields(runs = runs.len()), err)]
    pub async fn record(&self, runs: &[ProbeRun]) -> StorageResult<u64> {
        if runs.is_empty() {
            return Ok(0);
        }
        let inserted = insert_runs(&self.db, runs, now_ms()).await?;
        let touched: Vec<(String, i64)> = runs
            .iter()
            .map(|run| (run.probe_code.clone(), run.started_at_ms))
            .collect();
        {
            let _turn = self.db.refresh_lock().lock().await;
            after_runs_stored(&self.db, &touched).await?;
        }
        if inserted > 0 {
            for run in runs {
                self.notifier.publish(RunStored {
                    probe_code: run.probe_code.clone(),
                    started_at_ms: run.started_at_ms,
                    status: run.status,
                });
            }
        }
        Ok(inserted)
    }
}
