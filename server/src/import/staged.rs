//! Raw rows in staging: chunks of rows as read, each a JSON array of
//! `[line, cells or null, message or null]` (a row the CSV reader could not read keeps
//! its line and why). Cells follow the file type's column order; personal-data cells
//! are encrypted before a chunk is written.
//!
//! A chunk holds up to [`CHUNK_ROWS`] rows. [`spawn_opened_chunks`] reads and opens the
//! next chunks of a file on a task of its own while the caller checks the current one.

use std::collections::HashSet;

use app::i18n::Message;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use tokio::sync::mpsc;

use super::files::FileType;
use super::PipelineError;
use crate::crypto::PersonalDataCipher;
use crate::ingest::validate::Record;
use crate::storage::{imports, Database};

/// Rows per staging chunk.
pub const CHUNK_ROWS: usize = 2_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StagedRow(pub i64, pub Option<Vec<String>>, pub Option<String>);

impl StagedRow {
    pub fn line(&self) -> i64 {
        self.0
    }
}

/// Encrypts the personal-data cells of a row of `file_type` in place (empty cells stay
/// empty).
pub fn seal_cells(
    file_type: FileType,
    cells: &mut [String],
    cipher: &PersonalDataCipher,
) -> Result<(), crate::crypto::CryptoError> {
    for (column, cell) in file_type.columns().iter().zip(cells.iter_mut()) {
        if !cell.is_empty() && file_type.personal_columns().contains(column) {
            *cell = cipher.encrypt(cell)?;
        }
    }
    Ok(())
}

/// The row as a record for the validation rules, personal-data cells decrypted (in
/// memory only).
pub fn open_record(
    file_type: FileType,
    cells: Vec<String>,
    cipher: &PersonalDataCipher,
) -> Result<Record, crate::crypto::CryptoError> {
    let personal = file_type.personal_columns();
    let mut opened = Vec::with_capacity(cells.len());
    for (column, cell) in file_type.columns().iter().copied().zip(cells) {
        if !cell.is_empty() && personal.contains(&column) {
            opened.push((column, cipher.decrypt(&cell)?));
        } else {
            opened.push((column, cell));
        }
    }
    Ok(Record::from_cells(opened))
}

/// One staged chunk's raw rows.
pub async fn staged_rows(
    connection: &mut AnyConnection,
    import_id: &str,
    file_type: FileType,
    chunk: i64,
) -> Result<Vec<StagedRow>, PipelineError> {
    let payload = imports::read_chunk(connection, import_id, file_type.name(), chunk).await?;
    serde_json::from_str(&payload).map_err(|error| PipelineError::Staging(error.to_string()))
}

/// One staged chunk with its rows opened as records.
pub struct OpenedChunk {
    /// Rows in the chunk, skipped ones included.
    pub rows: usize,
    /// (line, record) of each readable row not skipped.
    pub records: Vec<(i64, Record)>,
    /// (line, why) of each row the CSV reader could not read.
    pub unreadable: Vec<(i64, String)>,
}

/// Reads one chunk of `file_type` and opens its rows, except the lines in `skip`.
pub async fn open_chunk(
    connection: &mut AnyConnection,
    import_id: &str,
    file_type: FileType,
    chunk: i64,
    cipher: &PersonalDataCipher,
    skip: &HashSet<i64>,
) -> Result<OpenedChunk, PipelineError> {
    let rows = staged_rows(connection, import_id, file_type, chunk).await?;
    let mut opened = OpenedChunk {
        rows: rows.len(),
        records: Vec::with_capacity(rows.len()),
        unreadable: Vec::new(),
    };
    for StagedRow(line, cells, message) in rows {
        if skip.contains(&line) {
            continue;
        }
        match cells {
            Some(cells) => opened
                .records
                .push((line, open_record(file_type, cells, cipher)?)),
            None => opened.unreadable.push((
                line,
                message.unwrap_or_else(|| Message::new("rejection.unreadable_row").encode()),
            )),
        }
    }
    Ok(opened)
}

/// Reads and opens every chunk of one file in order, on a task of its own, a few chunks
/// ahead of the receiver.
pub fn spawn_opened_chunks(
    db: Database,
    cipher: PersonalDataCipher,
    import_id: String,
    file_type: FileType,
) -> mpsc::Receiver<Result<OpenedChunk, PipelineError>> {
    let (sender, receiver) = mpsc::channel(4);
    tokio::spawn(async move {
        let opened = async {
            let chunks = imports::chunk_count(&db, &import_id, file_type.name()).await?;
            let mut connection = db.pool().acquire().await?;
            let none = HashSet::new();
            for chunk in 0..chunks {
                let opened = open_chunk(
                    &mut connection,
                    &import_id,
                    file_type,
                    chunk,
                    &cipher,
                    &none,
                )
                .await?;
                if sender.send(Ok(opened)).await.is_err() {
                    break; // The receiver stopped.
                }
            }
            Ok::<(), PipelineError>(())
        };
        if let Err(error) = opened.await {
            let _ = sender.send(Err(error)).await;
        }
    });
    receiver
}
