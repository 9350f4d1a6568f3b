//! The daily file drop (`contracts/import-files.md`): ten CSV files per business date.
//! This part reads them: which files a drop holds and whether it is complete
//! ([`drop`]), the columns each file type has ([`files`]), and a streaming RFC 4180
//! reader that never holds a file whole ([`csv_reader`]). Rows become
//! [`crate::ingest::validate::Record`]s, checked by the same rules as the ingest API.

pub mod csv_reader;
pub mod drop;
pub mod files;

/// Why a file or a drop cannot be imported at all (as opposed to a rejected row).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: missing from the drop")]
    MissingFile { file: String },
    #[error("{file}: cannot be read: {cause}")]
    Unreadable { file: String, cause: String },
    #[error("{file}: the header lacks the column '{column}'")]
    MissingColumn { file: String, column: String },
    #[error("{file}: the header has an unknown column '{column}'")]
    UnknownColumn { file: String, column: String },
    #[error("{file}: the header names '{column}' twice")]
    RepeatedColumn { file: String, column: String },
    #[error("{folder}: the drop mixes business dates ({dates})")]
    MixedDates { folder: String, dates: String },
    #[error("{folder}: no drop found (files named <type>_<YYYYMMDD>.csv)")]
    NoDrop { folder: String },
}
