//! The load stage: in one transaction, the reference tables are replaced whole
//! ([`references`]), then the accepted facts are upserted by natural key ([`facts`]),
//! and the import moves to the rollups stage. A kill at any moment leaves the final
//! tables as they were before. The change of the range loaded is logged in the same
//! transaction (`storage::changes::record_change_in`), so that a window of recent facts
//! never misses it, even when the rollups stage fails; the span of time the facts cover
//! (`imports.touched_from`, `touched_to`, maintenance windows included) tells the
//! rollups stage what to rebuild.
//!
//! Only this stage writes the final tables. The facts come from a reader task
//! ([`reader`]) that decodes and checks the next staged chunks again on a connection of
//! its own while the transaction writes the batch before; staging is read-only by then,
//! so the reader needs no transaction. On PostgreSQL an initial load's runs and steps
//! skip that reader: the validate stage already copied them, typed, into the import's
//! work tables, which `storage::bulk_load::move_into` puts in place of an empty final
//! table (renamed, then keyed and indexed) or moves into a stored one. An initial load
//! checks the run → probe and step → run keys once at the end
//! (`storage::runs::suspend_fact_keys`, `check_fact_keys`).

mod facts;
mod reader;
mod references;

use std::collections::{HashMap, HashSet};

use sqlx::Connection;

use super::files::FileType;
use super::pipeline::ImportContext;
use super::validation::{bulk_loads, uses_work_tables};
use super::{PipelineError, Stage};
use crate::storage::changes::record_change_in;
use crate::storage::imports::{self, ImportRecord};

/// Lines of each file that the validate stage rejected (the load skips them).
type Rejected = HashMap<FileType, HashSet<i64>>;

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

/// Runs the load stage; answers the number of rows written.
pub async fn load(context: &ImportContext, import: &ImportRecord) -> Result<u64, PipelineError> {
    let db = &context.db;
    let id = &import.import_id;
    let mut rejected = Rejected::new();
    for file_type in FileType::ALL {
        rejected.insert(
            file_type,
            imports::rejected_lines(db, id, file_type.name()).await?,
        );
    }
    let places = super::enrich::places(context, import).await?;
    let mut connection = db.bulk_connection().await?;
    let mut tx = connection.begin().await?;
    let mut touched = Touched::default();

    let replaced = references::replace(context, &mut tx, import, &rejected, &mut touched).await?;
    let plan = facts::FactLoad {
        bulk: bulk_loads(import),
        // On PostgreSQL an initial load's runs and steps wait in work tables, typed by
        // the validate stage (see `storage::bulk_load`).
        work_tables: uses_work_tables(db, import),
    };
    let reader = reader::spawn(reader::FactSource {
        db: db.clone(),
        cipher: context.cipher.clone(),
        import_id: id.clone(),
        now_ms: import.reference_ms,
        references: replaced.references,
        rejected,
        places,
        files: plan.files_to_read(),
    });
    let loaded = replaced.rows
        + facts::upsert(
            context,
            &mut tx,
            import,
            &plan,
            reader,
            replaced.rows,
            &mut touched,
        )
        .await?;

    imports::set_touched(&mut tx, id, touched.0).await?;
    imports::stage_succeeded(
        &mut tx,
        id,
        Stage::Load,
        loaded as i64,
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
