//! The drop's references (products, services, journey steps, probes, error codes,
//! maintenance windows), checked again in file order, replace the stored ones whole:
//! written (`storage::reference::write_catalog`), then what the drop no longer holds is
//! removed. Before that, a stored fact that names a reference the drop drops fails the
//! import with `PipelineError::Integrity` (`storage::reference::orphans_without`).

use sqlx::AnyConnection;

use super::reader::changed;
use super::{Rejected, Touched};
use crate::import::files::FileType;
use crate::import::pipeline::ImportContext;
use crate::import::staged::open_chunk;
use crate::import::validation::DropState;
use crate::import::PipelineError;
use crate::ingest::validate::{Record, References};
use crate::storage::imports::{self, ImportRecord};
use crate::storage::reference::{orphans_without, remove_references_not_in, write_catalog};

const REFERENCE_FILES: [FileType; 6] = [
    FileType::Products,
    FileType::Services,
    FileType::JourneySteps,
    FileType::Probes,
    FileType::ErrorCodes,
    FileType::MaintenanceWindows,
];

/// What replacing the references leaves for the facts.
pub(super) struct Replaced {
    /// The rules' view of the new references, for the facts' checks.
    pub references: References,
    /// Reference rows written.
    pub rows: u64,
}

/// Replaces the stored references by the drop's, in `tx`; maintenance windows count as
/// touched time (availability over them changes).
pub(super) async fn replace(
    context: &ImportContext,
    tx: &mut AnyConnection,
    import: &ImportRecord,
    rejected: &Rejected,
    touched: &mut Touched,
) -> Result<Replaced, PipelineError> {
    let mut state = DropState::new(import.reference_ms);
    for file_type in REFERENCE_FILES {
        for_each_accepted(context, tx, import, file_type, rejected, |line, record| {
            state
                .check(file_type, &record)
                .map(|_| ())
                .map_err(|errors| changed(file_type, line, &errors))
        })
        .await?;
    }
    let catalog = &state.catalog;
    let orphans = orphans_without(tx, catalog).await?;
    if !orphans.is_empty() {
        return Err(PipelineError::Integrity(format!(
            "the drop's references lack what stored facts name: {}",
            orphans.join(", ")
        )));
    }
    write_catalog(tx, context.db.engine(), catalog).await?;
    remove_references_not_in(tx, catalog).await?;
    for window in &catalog.maintenance_windows {
        touched.add(window.starts_at_ms, window.ends_at_ms);
    }
    let rows = catalog.products.len()
        + catalog.services.len()
        + catalog.journey_steps.len()
        + catalog.probes.len()
        + catalog.error_codes.len()
        + catalog.maintenance_windows.len();
    Ok(Replaced {
        references: std::mem::take(&mut state.references),
        rows: rows as u64,
    })
}

/// Calls `accept` with each accepted row of a reference file, in file order.
async fn for_each_accepted(
    context: &ImportContext,
    connection: &mut AnyConnection,
    import: &ImportRecord,
    file_type: FileType,
    rejected: &Rejected,
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
