//! The check stage (is the drop complete and readable?) and the read stage (raw rows
//! into staging, personal-data cells encrypted before they are written). Files are
//! parsed on a blocking thread while the chunks before are written.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use sqlx::Connection;
use tokio::sync::mpsc;

use super::csv_reader::CsvFile;
use super::drop::{inspect, Drop};
use super::files::FileType;
use super::pipeline::ImportContext;
use super::staged::{seal_cells, StagedRow, CHUNK_ROWS};
use super::PipelineError;
use super::Stage;
use crate::crypto::PersonalDataCipher;
use crate::storage::imports::{self, ImportRecord, WorkTable};

/// The drop of the import's folder, with all ten files and their headers checked.
pub fn checked_drop(folder: &Path) -> Result<Drop, PipelineError> {
    let drop = inspect(folder)?;
    drop.check_headers()?;
    Ok(drop)
}

pub async fn check(context: &ImportContext, import: &ImportRecord) -> Result<u64, PipelineError> {
    let folder = PathBuf::from(&import.folder);
    let drop = tokio::task::spawn_blocking(move || checked_drop(&folder))
        .await
        .map_err(|error| PipelineError::Staging(error.to_string()))??;
    for name in &drop.ignored {
        tracing::info!(file = %name, "file ignored (not part of a drop)");
    }
    imports::set_business_date(
        &context.db,
        &import.import_id,
        &drop.business_date.format("%Y-%m-%d").to_string(),
    )
    .await?;
    context.hold_point(Stage::Check).await;
    Ok(drop.files.len() as u64)
}

/// One chunk ready for staging.
struct Chunk {
    index: i64,
    first_line: i64,
    rows: i64,
    payload: String,
}

pub async fn read(context: &ImportContext, import: &ImportRecord) -> Result<u64, PipelineError> {
    let db = &context.db;
    imports::clear(db, &import.import_id, WorkTable::Staging).await?;
    imports::clear(db, &import.import_id, WorkTable::Files).await?;
    // The check stage checked the headers; opening each file checks its header again.
    let drop = inspect(Path::new(&import.folder))?;
    let mut total = 0u64;
    let mut connection = db.bulk_connection().await?;
    for (position, (file_type, path)) in drop.files.iter().enumerate() {
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().to_string())
            .unwrap_or_default();
        let (sender, mut receiver) = mpsc::channel::<Result<Chunk, PipelineError>>(4);
        let reader = {
            let (path, name, cipher, file_type) = (
                path.clone(),
                name.clone(),
                context.cipher.clone(),
                *file_type,
            );
            tokio::task::spawn_blocking(move || {
                if let Err(error) = parse_file(file_type, &path, &name, &cipher, &sender) {
                    let _ = sender.blocking_send(Err(error));
                }
            })
        };
        let mut rows = 0i64;
        let mut tx = connection.begin().await?;
        let mut chunks_in_transaction = 0;
        while let Some(chunk) = receiver.recv().await {
            let chunk = chunk?;
            imports::insert_chunk(
                &mut tx,
                &import.import_id,
                file_type.name(),
                chunk.index,
                chunk.first_line,
                chunk.rows,
                &chunk.payload,
            )
            .await?;
            rows += chunk.rows;
            total += chunk.rows as u64;
            context.progress.rows(total);
            chunks_in_transaction += 1;
            if chunks_in_transaction == 50 {
                tx.commit().await?;
                tx = connection.begin().await?;
                chunks_in_transaction = 0;
            }
        }
        tx.commit().await?;
        reader
            .await
            .map_err(|error| PipelineError::Staging(error.to_string()))?;
        imports::file_read(db, &import.import_id, file_type.name(), &name, rows).await?;
        tracing::info!(file = %name, rows, "file staged");
        if position == 0 {
            context.hold_point(Stage::Read).await;
        }
    }
    Ok(total)
}

/// Reads one file into chunks (on a blocking thread).
fn parse_file(
    file_type: FileType,
    path: &Path,
    name: &str,
    cipher: &PersonalDataCipher,
    sender: &mpsc::Sender<Result<Chunk, PipelineError>>,
) -> Result<(), PipelineError> {
    let file = File::open(path).map_err(|error| super::ImportError::Unreadable {
        file: name.to_string(),
        cause: error.to_string(),
    })?;
    let mut csv = CsvFile::open(file_type, BufReader::with_capacity(1 << 20, file), name)?;
    let mut rows: Vec<StagedRow> = Vec::with_capacity(CHUNK_ROWS);
    let mut index = 0;
    let mut send = |rows: &mut Vec<StagedRow>| -> Result<bool, PipelineError> {
        let Some(first) = rows.first() else {
            return Ok(true);
        };
        let chunk = Chunk {
            index,
            first_line: first.line(),
            rows: rows.len() as i64,
            payload: serde_json::to_string(&rows)
                .map_err(|error| PipelineError::Staging(error.to_string()))?,
        };
        index += 1;
        rows.clear();
        Ok(sender.blocking_send(Ok(chunk)).is_ok())
    };
    while let Some(row) = csv.next_row() {
        let staged = match row {
            Ok(mut row) => {
                seal_cells(file_type, &mut row.cells, cipher)?;
                StagedRow(row.line as i64, Some(row.cells), None)
            }
            Err(unreadable) => StagedRow(
                unreadable.line as i64,
                None,
                Some(unreadable.message.encode()),
            ),
        };
        rows.push(staged);
        if rows.len() == CHUNK_ROWS && !send(&mut rows)? {
            return Ok(());
        }
    }
    send(&mut rows)?;
    Ok(())
}
