//! The load stage's reader: a task of its own reads the accepted fact rows from staging
//! (on a connection of its own, outside the load transaction), opens and validates them
//! into typed facts and hands them over in batches, so that decoding and validating the
//! next chunk overlap with writing the current one.
//!
//! The reader only reads: staging is read-only once validation is done, so it needs no
//! transaction of its own, and only the writer touches the final tables. Rows the
//! validate stage rejected are skipped; a row that no longer passes its rules (staging
//! or references changed under the import) ends the stream with an error asking for a
//! restart. At most `BATCHES_AHEAD` batches wait for the writer. On PostgreSQL an
//! initial load's runs and steps are not read here: they wait, typed, in the import's
//! work tables (`storage::bulk_load`).

use std::collections::{HashMap, HashSet};

use tokio::sync::mpsc;

use crate::crypto::PersonalDataCipher;
use crate::import::files::FileType;
use crate::import::staged::open_chunk;
use crate::import::PipelineError;
use crate::ingest::validate::{
    validate_event, validate_file_step, validate_prospect, validate_run, FieldError, Record,
    References,
};
use crate::storage::journeys::{EncryptedProspect, JourneyEvent, ProspectPlace};
use crate::storage::runs::{ProbeRun, ProbeStep};
use crate::storage::{imports, Database};

/// The fact files, in load order (a step's run and an event's prospect come first).
pub const FACT_FILES: [FileType; 4] = [
    FileType::ProbeRuns,
    FileType::ProbeSteps,
    FileType::Prospects,
    FileType::JourneyEvents,
];

/// Staged chunks decoded ahead of the writer.
const BATCHES_AHEAD: usize = 4;

/// One staged chunk's accepted facts, typed.
pub enum FactBatch {
    Runs(Vec<ProbeRun>),
    Steps(Vec<(String, ProbeStep)>),
    Prospects(Vec<EncryptedProspect>),
    Events(Vec<JourneyEvent>),
    /// Every accepted row of this file was sent.
    FileDone(FileType),
}

/// What the reader needs: where staging is, what the validate stage rejected, and what
/// the rows are checked against.
pub struct FactSource {
    pub db: Database,
    pub cipher: PersonalDataCipher,
    pub import_id: String,
    pub now_ms: i64,
    pub references: References,
    pub rejected: HashMap<FileType, HashSet<i64>>,
    pub places: HashMap<String, ProspectPlace>,
    /// The fact files to read, in [`FACT_FILES`] order.
    pub files: Vec<FileType>,
}

/// Starts the reader; the batches arrive in file order, then the channel closes. A row
/// that no longer passes its rules ends the stream with an error.
pub fn spawn(source: FactSource) -> mpsc::Receiver<Result<FactBatch, PipelineError>> {
    let (sender, receiver) = mpsc::channel(BATCHES_AHEAD);
    tokio::spawn(async move {
        if let Err(error) = source.send_all(&sender).await {
            let _ = sender.send(Err(error)).await;
        }
    });
    receiver
}

impl FactSource {
    async fn send_all(
        &self,
        sender: &mpsc::Sender<Result<FactBatch, PipelineError>>,
    ) -> Result<(), PipelineError> {
        let mut connection = self.db.pool().acquire().await?;
        for &file_type in &self.files {
            let chunks = imports::chunk_count(&self.db, &self.import_id, file_type.name()).await?;
            for chunk in 0..chunks {
                // Unreadable rows were rejected by the validate stage, so they are skipped.
                let opened = open_chunk(
                    &mut connection,
                    &self.import_id,
                    file_type,
                    chunk,
                    &self.cipher,
                    &self.rejected[&file_type],
                )
                .await?;
                let batch = self.typed(file_type, &opened.records)?;
                if sender.send(Ok(batch)).await.is_err() {
                    return Ok(()); // The writer stopped.
                }
            }
            if sender
                .send(Ok(FactBatch::FileDone(file_type)))
                .await
                .is_err()
            {
                return Ok(());
            }
        }
        Ok(())
    }

    /// The records as facts, each checked again against its rules.
    fn typed(
        &self,
        file_type: FileType,
        records: &[(i64, Record)],
    ) -> Result<FactBatch, PipelineError> {
        let (references, now) = (&self.references, self.now_ms);
        let checked = |line: i64, errors: Vec<FieldError>| changed(file_type, line, &errors);
        Ok(match file_type {
            FileType::ProbeRuns => FactBatch::Runs(
                records
                    .iter()
                    .map(|(line, record)| {
                        validate_run(record, &[], references, now).map_err(|e| checked(*line, e))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            FileType::ProbeSteps => FactBatch::Steps(
                records
                    .iter()
                    .map(|(line, record)| {
                        validate_file_step(record, None, references, now)
                            .map_err(|e| checked(*line, e))
                    })
                    .collect::<Result<_, _>>()?,
            ),
            FileType::Prospects => {
                let mut sealed = Vec::with_capacity(records.len());
                for (line, record) in records {
                    let prospect = validate_prospect(record, now).map_err(|e| checked(*line, e))?;
                    let mut stored = prospect.seal(&self.cipher)?;
                    stored.place = prospect
                        .postal_code
                        .as_ref()
                        .and_then(|code| self.places.get(code))
                        .cloned();
                    sealed.push(stored);
                }
                FactBatch::Prospects(sealed)
            }
            _ => FactBatch::Events(
                records
                    .iter()
                    .map(|(line, record)| {
                        validate_event(record, None, references, now)
                            .map(|(event, _)| event)
                            .map_err(|e| checked(*line, e))
                    })
                    .collect::<Result<_, _>>()?,
            ),
        })
    }
}

/// A row accepted by the validate stage that fails now: staging or references changed
/// under the import.
pub fn changed(file_type: FileType, line: i64, errors: &[FieldError]) -> PipelineError {
    let rules: Vec<&str> = errors.iter().map(|error| error.rule.as_str()).collect();
    PipelineError::Staging(format!(
        "{} line {line} was accepted but now breaks {}; restart the import",
        file_type.name(),
        rules.join(", ")
    ))
}
