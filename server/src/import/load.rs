//! The load stage: in one transaction, the reference tables are replaced whole (after
//! checking that no stored fact names a reference the drop drops), then the accepted
//! facts are upserted by natural key, and the import moves to the rollups stage. A kill
//! at any moment leaves the final tables as they were before.

use std::collections::{HashMap, HashSet};

use sqlx::{AnyConnection, Connection};

use super::files::FileType;
use super::load_facts::{self, changed, FactBatch, FactSource};
use super::pipeline::ImportContext;
use super::stage::Stage;
use super::staged::open_chunk;
use super::validation::DropState;
use super::validation::{bulk_loads, uses_work_tables};
use super::PipelineError;
use crate::ingest::validate::Record;
use crate::storage::bulk_load;
use crate::storage::changes::record_change_in;
use crate::storage::imports::{self, ImportRecord};
use crate::storage::journeys;
use crate::storage::reference::{orphans_without, remove_references_not_in, write_catalog};
use crate::storage::runs;

const REFERENCE_FILES: [FileType; 6] = [
    FileType::Products,
    FileType::Services,
    FileType::JourneySteps,
    FileType::Probes,
    FileType::ErrorCodes,
    FileType::MaintenanceWindows,
];

/// The span of time the loaded facts cover (for the rollups stage).
#[derive(Debug, Default)]
struct Touched(Option<(i64, i64)>);

impl Touched {
    fn add(&mut self, from: i64, to: i64) {
        self.0 = Some(match self.0 {
            Some((first, last)) => (first.min(from), last.max(to)),
            None => (from, to),
        });
    }
}

pub async fn load(context: &ImportContext, import: &ImportRecord) -> Result<u64, PipelineError> {
    let db = &context.db;
    let id = &import.import_id;
    let mut rejected: HashMap<FileType, HashSet<i64>> = HashMap::new();
    for file_type in FileType::ALL {
        rejected.insert(
            file_type,
            imports::rejected_lines(db, id, file_type.name()).await?,
        );
    }
    let places = super::enrich::places(context, import).await?;
    let bulk = bulk_loads(import);
    // On PostgreSQL an initial load's runs and steps wait in work tables, typed by the
    // validate stage (see `storage::bulk_load`).
    let work_tables = uses_work_tables(db, import);
    let mut connection = db.bulk_connection().await?;
    let mut tx = connection.begin().await?;

    let mut state = DropState::new(import.reference_ms);
    for file_type in REFERENCE_FILES {
        for_each_accepted(
            context,
            &mut tx,
            import,
            file_type,
            &rejected,
            |line, record| {
                state
                    .check(file_type, &record)
                    .map(|_| ())
                    .map_err(|errors| changed(file_type, line, &errors))
            },
        )
        .await?;
    }
    let orphans = orphans_without(&mut tx, &state.catalog).await?;
    if !orphans.is_empty() {
        return Err(PipelineError::Integrity(format!(
            "the drop's references lack what stored facts name: {}",
            orphans.join(", ")
        )));
    }
    write_catalog(&mut tx, db.engine(), &state.catalog).await?;
    remove_references_not_in(&mut tx, &state.catalog).await?;
    let mut touched = Touched::default();
    for window in &state.catalog.maintenance_windows {
        touched.add(window.starts_at_ms, window.ends_at_ms);
    }
    let mut loaded = (state.catalog.products.len()
        + state.catalog.services.len()
        + state.catalog.journey_steps.len()
        + state.catalog.probes.len()
        + state.catalog.error_codes.len()
        + state.catalog.maintenance_windows.len()) as u64;

    let mut facts = load_facts::spawn(FactSource {
        db: db.clone(),
        cipher: context.cipher.clone(),
        import_id: id.clone(),
        now_ms: import.reference_ms,
        references: std::mem::take(&mut state.references),
        rejected,
        places,
        files: load_facts::FACT_FILES
            .into_iter()
            .filter(|file| {
                !(work_tables && [FileType::ProbeRuns, FileType::ProbeSteps].contains(file))
            })
            .collect(),
    });
    let engine = db.engine();
    // An initial load's runs and steps are checked against their probes and runs in one
    // join per key at the end instead of row by row (validation already checked them).
    if bulk {
        runs::suspend_fact_keys(&mut tx, engine).await?;
    }
    while let Some(batch) = facts.recv().await {
        match batch? {
            FactBatch::Runs(runs) => {
                for run in &runs {
                    touched.add(run.started_at_ms, run.started_at_ms + 1);
                }
                runs::upsert_runs(&mut tx, engine, &runs, import.reference_ms).await?;
                loaded += runs.len() as u64;
            }
            FactBatch::Steps(steps) => {
                for (_, step) in &steps {
                    touched.add(step.started_at_ms, step.started_at_ms + 1);
                }
                runs::upsert_steps(&mut tx, engine, &steps).await?;
                loaded += steps.len() as u64;
            }
            FactBatch::Prospects(prospects) => {
                journeys::upsert_prospects(&mut tx, engine, &prospects).await?;
                loaded += prospects.len() as u64;
            }
            FactBatch::Events(events) => {
                journeys::upsert_events(&mut tx, engine, &events).await?;
                loaded += events.len() as u64;
            }
            FactBatch::FileDone(FileType::ProbeRuns) => {
                // Killed here, the references and runs written so far are rolled back.
                context.hold_point(Stage::Load).await;
            }
            FactBatch::FileDone(_) => {}
        }
        context.progress.rows(loaded);
    }
    if work_tables {
        let moved = bulk_load::move_into(&mut tx, id).await?;
        if let Some((first, last)) = moved.span {
            touched.add(first, last + 1);
        }
        loaded += moved.rows;
        // Killed here, the references and facts moved so far are rolled back.
        context.hold_point(Stage::Load).await;
    }
    if bulk {
        runs::check_fact_keys(&mut tx, engine).await?;
    }
    imports::set_touched(&mut tx, id, touched.0).await?;
    imports::stage_succeeded(
        &mut tx,
        id,
        Stage::Load.name(),
        loaded as i64,
        Stage::Load.next().name(),
        crate::clock::now_ms(),
    )
    .await?;
    // The references and the facts of the touched range changed (committed with them,
    // so that a window of recent facts never misses them, even if the rollups stage
    // fails).
    let (from, to) = touched.0.unwrap_or((0, 0));
    record_change_in(db, &mut tx, from, to, None).await?;
    tx.commit().await?;
    Ok(loaded)
}

/// Calls `accept` with each accepted row of a reference file, in file order.
async fn for_each_accepted(
    context: &ImportContext,
    connection: &mut AnyConnection,
    import: &ImportRecord,
    file_type: FileType,
    rejected: &HashMap<FileType, HashSet<i64>>,
    mut accept: impl FnMut(i64, Record) -> Result<(), PipelineError>,
) -> Result<(), PipelineError> {
    let chunks = imports::chunk_count(&context.db, &import.import_id, file_type.name()).await?;
    for chunk in 0..chunks {
        let opened = open_chunk(
            connection,
            &import.import_id,
            file_type,
            chunk,
            &context.cipher,
            &rejected[&file_type],
        )
        .await?;
        for (line, record) in opened.records {
            accept(line, record)?;
        }
    }
    Ok(())
}
