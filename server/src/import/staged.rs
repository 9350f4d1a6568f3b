//! Raw rows in staging: chunks of rows as read, each a JSON array of
//! `[line, cells or null, message or null]` (a row the CSV reader could not read keeps
//! its line and why). Cells follow the file type's column order; personal-data cells
//! are encrypted before a chunk is written.

use serde::{Deserialize, Serialize};

use super::files::FileType;
use crate::crypto::PersonalDataCipher;
use crate::ingest::validate::Record;

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
    cells: &[String],
    cipher: &PersonalDataCipher,
) -> Result<Record, crate::crypto::CryptoError> {
    let personal = file_type.personal_columns();
    if personal.is_empty() {
        return Ok(Record::from_cells(
            file_type
                .columns()
                .iter()
                .copied()
                .zip(cells.iter().map(String::as_str)),
        ));
    }
    let mut plain = Vec::with_capacity(cells.len());
    for (column, cell) in file_type.columns().iter().zip(cells) {
        if !cell.is_empty() && personal.contains(column) {
            plain.push(cipher.decrypt(cell)?);
        } else {
            plain.push(cell.clone());
        }
    }
    Ok(Record::from_cells(
        file_type
            .columns()
            .iter()
            .copied()
            .zip(plain.iter().map(String::as_str)),
    ))
}
