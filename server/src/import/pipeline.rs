//! Runs an import through its stages, records each stage's start, end, rows and
//! status, and continues a failed or interrupted import (`resume`) or runs it again from
//! the start (`restart`). Every log line of an import is inside a span that carries its
//! id.
//!
//! Each stage is recorded in `import_stages`, the current one in `imports.stage`. Every
//! stage but load first clears what an earlier attempt of it wrote, so `resume` runs the
//! recorded stage again; load writes the final tables and moves the import to the
//! rollups stage in the same transaction, so a kill leaves either nothing or all of it.
//! `restart` clears the import's work and starts from check. Validation's "now"
//! (`imports.reference_ms`) is fixed when the import is created, so a resumed import
//! judges rows as the first attempt did. The claim is checked before each stage. A
//! failed stage records its reason, marks the import failed and raises an
//! `import_failed` alert; an import whose load ran at under a third of its recent peers'
//! median rate raises an `import_slow` warning. `VIGIE_IMPORT_HOLD_IN=<stage>` (tests
//! only) stops an import in the middle of a stage, after partial work, for the kill
//! tests.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use app::i18n::Message;
use tracing::Instrument;

use super::claim::ImportClaim;
use super::progress::{Progress, Silent};
use super::{enrich, load, read, validation, PipelineError};
use super::{ImportStatus, Phase, Stage};
use crate::clock::now_ms;
use crate::crypto::PersonalDataCipher;
use crate::enrich::GeographyClient;
use crate::indicators::refresh;
use crate::storage::alerts;
use crate::storage::imports::{self, ImportRecord, WorkTable};
use crate::storage::Database;
use app::domain::alerts::{AlertKind, Severity};

/// What an import needs.
#[derive(Clone)]
pub struct ImportContext {
    pub db: Database,
    pub cipher: PersonalDataCipher,
    /// The geography service; without it the enrich stage leaves places empty.
    pub geography: Option<GeographyClient>,
    pub progress: Arc<dyn Progress>,
    /// Test hook (`VIGIE_IMPORT_HOLD_IN`): stop in the middle of this stage, after
    /// partial work, and wait there to be killed.
    pub hold_in: Option<Stage>,
}

impl ImportContext {
    /// A context that shows no progress and holds nowhere (the server, the demo, the
    /// benchmark; the CLI sets its own progress).
    pub fn new(
        db: Database,
        cipher: PersonalDataCipher,
        geography: Option<GeographyClient>,
    ) -> ImportContext {
        ImportContext {
            db,
            cipher,
            geography,
            progress: Arc::new(Silent),
            hold_in: None,
        }
    }

    /// Waits forever when the test hook names `stage`.
    pub(super) async fn hold_point(&self, stage: Stage) {
        if self.hold_in == Some(stage) {
            eprintln!("vigie: holding in stage {}", stage.as_str());
            std::future::pending::<()>().await;
        }
    }
}

/// How an import ended.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportOutcome {
    pub import: ImportRecord,
}

/// Creates an import of the drop in `folder` and runs it.
pub async fn start(
    context: &ImportContext,
    phase: Phase,
    folder: &Path,
) -> Result<ImportOutcome, PipelineError> {
    let import_id = create_import(&context.db, phase, folder).await?;
    let claim = match ImportClaim::take(&context.db, &import_id).await {
        Ok(claim) => claim,
        Err(error) => {
            // Nobody will run it: record why rather than leave it "running".
            imports::fail(&context.db, &import_id, &error.to_string(), now_ms()).await?;
            return Err(error);
        }
    };
    run(context, claim).await
}

/// Continues a failed or interrupted import from the stage it stopped in; refused while
/// another process runs it.
pub async fn resume(
    context: &ImportContext,
    import_id: &str,
) -> Result<ImportOutcome, PipelineError> {
    let claim = claim_resumable(&context.db, import_id).await?;
    resume_claimed(context, claim).await
}

/// [`resume`] for an import already claimed.
pub async fn resume_claimed(
    context: &ImportContext,
    claim: ImportClaim,
) -> Result<ImportOutcome, PipelineError> {
    let import_id = claim.import_id().to_string();
    let import = resumable(&context.db, &import_id).await?;
    tracing::info!(import_id = %import.import_id, stage = %import.stage, "resuming the import");
    run(context, claim).await
}

/// Drops what an import staged and runs it again from the check stage; refused while
/// another process runs it.
pub async fn restart(
    context: &ImportContext,
    import_id: &str,
) -> Result<ImportOutcome, PipelineError> {
    let claim = claim_resumable(&context.db, import_id).await?;
    restart_claimed(context, claim).await
}

/// [`restart`] for an import already claimed.
pub async fn restart_claimed(
    context: &ImportContext,
    claim: ImportClaim,
) -> Result<ImportOutcome, PipelineError> {
    let import_id = claim.import_id().to_string();
    let import_id = import_id.as_str();
    resumable(&context.db, import_id).await?;
    for table in [
        WorkTable::Staging,
        WorkTable::Errors,
        WorkTable::Geography,
        WorkTable::Files,
        WorkTable::Stages,
    ] {
        imports::clear(&context.db, import_id, table).await?;
    }
    if let Some(pool) = context.db.pg_pool() {
        crate::storage::bulk_load::drop_work_tables(pool, import_id).await?;
    }
    let mut connection = context.db.pool().acquire().await?;
    imports::set_stage(
        &mut connection,
        import_id,
        Stage::Check,
        ImportStatus::Running,
    )
    .await?;
    drop(connection);
    tracing::info!(import_id, "restarting the import from the check stage");
    run(context, claim).await
}

/// Claims an import that may continue. An unknown or succeeded id is told as such
/// before anything is locked in its name; the claimed run checks again under the claim.
pub async fn claim_resumable(db: &Database, import_id: &str) -> Result<ImportClaim, PipelineError> {
    resumable(db, import_id).await?;
    ImportClaim::take(db, import_id).await
}

async fn resumable(db: &Database, import_id: &str) -> Result<ImportRecord, PipelineError> {
    let import = imports::find(db, import_id)
        .await?
        .ok_or_else(|| PipelineError::UnknownImport(import_id.to_string()))?;
    if import.status == ImportStatus::Succeeded {
        return Err(PipelineError::AlreadySucceeded(import_id.to_string()));
    }
    Ok(import)
}

/// A new id `IMPORT_YYYYMMDD_HHMMSS_NNN` (Paris time; NNN counts imports created in the
/// same second) and its row.
async fn create_import(
    db: &Database,
    phase: Phase,
    folder: &Path,
) -> Result<String, PipelineError> {
    let now = now_ms();
    let stamp = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(now)
        .unwrap_or_default()
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%Y%m%d_%H%M%S");
    for sequence in 1..=999 {
        let import_id = format!("IMPORT_{stamp}_{sequence:03}");
        let created = imports::create(
            db,
            &ImportRecord {
                import_id: import_id.clone(),
                phase,
                folder: folder.display().to_string(),
                business_date: None,
                status: ImportStatus::Running,
                stage: Stage::Check,
                reference_ms: now,
                created_at_ms: now,
                finished_at_ms: None,
                failure: None,
                touched_from_ms: None,
                touched_to_ms: None,
            },
        )
        .await?;
        if created {
            return Ok(import_id);
        }
    }
    Err(PipelineError::TooManyImports)
}

/// Runs the claimed import's stages from the one it is at.
/// The claim is held (moved in) until the run ends.
async fn run(
    context: &ImportContext,
    mut claim: ImportClaim,
) -> Result<ImportOutcome, PipelineError> {
    let span = tracing::info_span!("import", import_id = %claim.import_id());
    let outcome = run_stages(context, &mut claim).instrument(span).await;
    drop(claim);
    outcome
}

async fn run_stages(
    context: &ImportContext,
    claim: &mut ImportClaim,
) -> Result<ImportOutcome, PipelineError> {
    let db = &context.db;
    let import_id = claim.import_id().to_string();
    let import_id = import_id.as_str();
    loop {
        // A lost claim stops the import as it is, without recording a failure: whoever
        // claims it next may already be running it.
        if let Err(lost) = claim.check_held().await {
            tracing::error!(reason = %lost, "import stopped");
            return Err(lost);
        }
        let import = imports::find(db, import_id)
            .await?
            .ok_or_else(|| PipelineError::UnknownImport(import_id.to_string()))?;
        let stage = import.stage;
        imports::set_stage(
            &mut *db.pool().acquire().await?,
            import_id,
            stage,
            ImportStatus::Running,
        )
        .await?;
        imports::stage_started(db, import_id, stage, now_ms()).await?;
        context.progress.stage(import_id, stage);
        tracing::info!(stage = stage.as_str(), "stage started");
        let started = Instant::now();
        let outcome = run_stage(context, &import, stage)
            .instrument(tracing::info_span!("stage", stage = stage.as_str()))
            .await;
        let rows = match outcome {
            Ok(rows) => rows,
            Err(error) => {
                let reason = error.message();
                tracing::error!(stage = stage.as_str(), reason = %error, "import failed");
                imports::fail(db, import_id, &reason.encode(), now_ms()).await?;
                let alert = Message::new("alert.import_failed")
                    .arg_message(Message::new(&format!("imports.stage.{}", stage.as_str())))
                    .arg_message(reason);
                alerts::raise(
                    db,
                    AlertKind::ImportFailed,
                    Severity::Critical,
                    import_id,
                    &alert.encode(),
                    now_ms(),
                )
                .await?;
                return Err(error);
            }
        };
        let elapsed = started.elapsed();
        let rate = rows as f64 / elapsed.as_secs_f64().max(0.001);
        tracing::info!(
            stage = stage.as_str(),
            rows,
            seconds = elapsed.as_secs_f64(),
            rows_per_second = rate.round(),
            "stage done"
        );
        context.progress.stage_done(stage, rows, elapsed);
        if stage != Stage::Load {
            // The load stage records its end in its own transaction.
            let mut connection = db.pool().acquire().await?;
            imports::stage_succeeded(&mut connection, import_id, stage, rows as i64, now_ms())
                .await?;
        }
        if stage == Stage::Finish {
            imports::succeed(db, import_id, now_ms()).await?;
            warn_when_slow(db, &import).await?;
            tracing::info!("import succeeded");
            let import = imports::find(db, import_id)
                .await?
                .ok_or_else(|| PipelineError::UnknownImport(import_id.to_string()))?;
            return Ok(ImportOutcome { import });
        }
    }
}

/// Runs one stage; answers how many rows it handled.
async fn run_stage(
    context: &ImportContext,
    import: &ImportRecord,
    stage: Stage,
) -> Result<u64, PipelineError> {
    let db = &context.db;
    match stage {
        Stage::Check => read::check(context, import).await,
        Stage::Read => read::read(context, import).await,
        Stage::Validate => validation::validate(context, import).await,
        Stage::Enrich => enrich::enrich(context, import).await,
        Stage::Load => load::load(context, import).await,
        Stage::Rollups => {
            let import = imports::find(db, &import.import_id)
                .await?
                .ok_or_else(|| PipelineError::UnknownImport(import.import_id.clone()))?;
            context.hold_point(Stage::Rollups).await;
            match (import.touched_from_ms, import.touched_to_ms) {
                (Some(from), Some(to)) => {
                    let _turn = db.refresh_lock().lock().await;
                    Ok(refresh::rebuild(db, from, to).await?)
                }
                _ => Ok(0),
            }
        }
        Stage::Finish => {
            context.hold_point(Stage::Finish).await;
            imports::clear(db, &import.import_id, WorkTable::Staging).await?;
            imports::clear(db, &import.import_id, WorkTable::Geography).await?;
            if let Some(pool) = db.pg_pool() {
                crate::storage::bulk_load::drop_work_tables(pool, &import.import_id).await?;
            }
            Ok(0)
        }
    }
}

/// Raises a warning when this import loaded rows much more slowly than its recent
/// peers of the same phase (under a third of their median rate).
async fn warn_when_slow(db: &Database, import: &ImportRecord) -> Result<(), PipelineError> {
    let stages = imports::stages(db, &import.import_id).await?;
    let Some(load) = stages.iter().find(|stage| stage.stage == Stage::Load) else {
        return Ok(());
    };
    let Some(ended) = load.ended_at_ms else {
        return Ok(());
    };
    if load.rows_done < 1_000 {
        return Ok(());
    }
    let rate = load.rows_done as f64 * 1000.0 / (ended - load.started_at_ms).max(1) as f64;
    let mut peers =
        imports::recent_stage_rates(db, import.phase, Stage::Load, &import.import_id, 5).await?;
    if peers.len() < 3 {
        return Ok(());
    }
    peers.sort_by(f64::total_cmp);
    let median = peers[peers.len() / 2];
    if rate < median / 3.0 {
        let message = Message::new("alert.import_slow")
            .arg(format!("{rate:.0}"))
            .arg(format!("{median:.0}"));
        tracing::warn!(
            rows_per_second = rate.round(),
            peers = median.round(),
            "import much slower than its peers"
        );
        alerts::raise(
            db,
            AlertKind::ImportSlow,
            Severity::Warning,
            &import.import_id,
            &message.encode(),
            now_ms(),
        )
        .await?;
    }
    Ok(())
}
