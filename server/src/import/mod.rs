//! The daily file drop (`contracts/import-files.md`): ten CSV files per business date.
//! This part reads them: which files a drop holds and whether it is complete
//! ([`drop`]), the columns each file type has ([`files`]), and a streaming RFC 4180
//! reader that never holds a file whole ([`csv_reader`]). Rows become
//! [`crate::ingest::validate::Record`]s, checked by the same rules as the ingest API.
//!
//! The staged pipeline ([`pipeline`]) runs an import through its [`stage::Stage`]s:
//! check, read ([`read`]), validate ([`validation`]), enrich ([`enrich`]), load
//! ([`load`]), rollups, finish; `resume` and `restart` continue a failed one. One
//! process at a time runs a given import ([`claim`]).

pub mod claim;
pub mod csv_reader;
pub mod drop;
pub mod drop_writer;
mod enrich;
pub mod files;
mod load;
mod load_facts;
pub mod pipeline;
pub mod progress;
mod read;
pub mod runner;
pub mod scheduler;
pub mod stage;
mod staged;
mod validation;

pub use pipeline::{ImportContext, ImportOutcome};
pub use runner::ImportRunner;
pub use stage::{Phase, Stage};

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

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Drop(#[from] ImportError),
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    #[error("personal data: {0}")]
    Crypto(#[from] crate::crypto::CryptoError),
    #[error("integrity check failed: {0}")]
    Integrity(String),
    #[error("staging: {0}")]
    Staging(String),
    #[error("no import has the id {0}")]
    UnknownImport(String),
    #[error("the import {0} already succeeded")]
    AlreadySucceeded(String),
    #[error("the import {0} is already running (in this process or another)")]
    AlreadyRunning(String),
    #[error(
        "the import {0} lost its claim (the database ended the session that held it, or its \
         lock file was removed) and stopped so as not to run beside another; resume it"
    )]
    ClaimLost(String),
    #[error("too many imports created in the same second")]
    TooManyImports,
}

impl From<sqlx::Error> for PipelineError {
    fn from(error: sqlx::Error) -> Self {
        PipelineError::Storage(error.into())
    }
}
