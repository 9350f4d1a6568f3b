//! The drop's facts, in load order (runs, steps, prospects with their place from the
//! enrich stage, journey events): taken from the reader in batches and upserted by
//! natural key (`storage::runs::upsert_runs`, `upsert_steps`,
//! `storage::journeys::upsert_prospects`, `upsert_events`), noting the span of time
//! they touch. A row that no longer passes its rules ends the load with an error that
//! asks for a restart.

use sqlx::AnyConnection;
use tokio::sync::mpsc;

use super::reader::{FactBatch, FACT_FILES};
use super::Touched;
use crate::import::files::FileType;
use crate::import::pipeline::ImportContext;
use crate::import::{PipelineError, Stage};
use crate::storage::imports::ImportRecord;
use crate::storage::{bulk_load, journeys, runs};

/// How the facts of this import are loaded.
pub(super) struct FactLoad {
    /// An initial load: fact keys are checked once at the end.
    pub bulk: bool,
    /// Runs and steps wait in the import's work tables (PostgreSQL initial load).
    pub work_tables: bool,
}

impl FactLoad {
    /// The fact files the reader reads (not the runs and steps of work tables).
    pub fn files_to_read(&self) -> Vec<FileType> {
        FACT_FILES
            .into_iter()
            .filter(|file| {
                !(self.work_tables && [FileType::ProbeRuns, FileType::ProbeSteps].contains(file))
            })
            .collect()
    }
}

/// Upserts every batch the reader sends, then the work tables' rows; answers the rows
/// written. `before` rows were written already (for the progress shown).
pub(super) async fn upsert(
    context: &ImportContext,
    tx: &mut AnyConnection,
    import: &ImportRecord,
    plan: &FactLoad,
    mut reader: mpsc::Receiver<Result<FactBatch, PipelineError>>,
    before: u64,
    touched: &mut Touched,
) -> Result<u64, PipelineError> {
    let engine = context.db.engine();
    // An initial load's runs and steps are checked against their probes and runs in one
    // join per key at the end instead of row by row (validation already checked them).
    if plan.bulk {
        runs::suspend_fact_keys(tx, engine).await?;
    }
    let mut loaded = 0;
    while let Some(batch) = reader.recv().await {
        loaded += upsert_batch(context, tx, import, batch?, touched).await?;
        context.progress.rows(before + loaded);
    }
    if plan.work_tables {
        let moved = bulk_load::move_into(tx, &import.import_id).await?;
        if let Some((first, last)) = moved.span {
            touched.add(first, last + 1);
        }
        loaded += moved.rows;
        // Killed here, the references and facts moved so far are rolled back.
        context.hold_point(Stage::Load).await;
    }
    if plan.bulk {
        runs::check_fact_keys(tx, engine).await?;
    }
    Ok(loaded)
}

/// Upserts one batch; answers its rows.
async fn upsert_batch(
    context: &ImportContext,
    tx: &mut AnyConnection,
    import: &ImportRecord,
    batch: FactBatch,
    touched: &mut Touched,
) -> Result<u64, PipelineError> {
    let engine = context.db.engine();
    let rows = match batch {
        FactBatch::Runs(runs) => {
            for run in &runs {
                touched.add(run.started_at_ms, run.started_at_ms + 1);
            }
            runs::upsert_runs(tx, engine, &runs, import.reference_ms).await?;
            runs.len()
        }
        FactBatch::Steps(steps) => {
            for (_, step) in &steps {
                touched.add(step.started_at_ms, step.started_at_ms + 1);
            }
            runs::upsert_steps(tx, engine, &steps).await?;
            steps.len()
        }
        FactBatch::Prospects(prospects) => {
            journeys::upsert_prospects(tx, engine, &prospects).await?;
            prospects.len()
        }
        FactBatch::Events(events) => {
            journeys::upsert_events(tx, engine, &events).await?;
            events.len()
        }
        FactBatch::FileDone(FileType::ProbeRuns) => {
            // Killed here, the references and runs written so far are rolled back.
            context.hold_point(Stage::Load).await;
            0
        }
        FactBatch::FileDone(_) => 0,
    };
    Ok(rows as u64)
}
