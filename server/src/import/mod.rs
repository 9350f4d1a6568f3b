//! The daily file drop (`docs/import-files.md`): ten CSV files per business date.
//! This part reads them: which files a drop holds and whether it is complete
//! ([`drop`]), the columns each file type has ([`files`]), and a streaming RFC 4180
//! reader that never holds a file whole ([`csv_reader`]). Rows become
//! [`crate::ingest::validate::Record`]s, checked by the same rules as the ingest API.
//!
//! The staged pipeline ([`pipeline`]) runs an import through its [`Stage`]s:
//! check, read ([`read`]), validate ([`validation`]), enrich ([`enrich`]), load
//! ([`load`]), rollups, finish; `resume` and `restart` continue a failed one. One
//! process at a time runs a given import ([`claim`]).
//!
//! The validate and load stages, and the rollups rebuild, each run as a reader and a
//! writer: a task reads, decodes and checks the next chunks (or tallies the next days)
//! on a connection of its own while the stage writes the previous ones, a few batches
//! apart through a bounded channel. Only the writer writes; staging is read-only by
//! then, so the reader needs no transaction of its own.
//!
//! [`ImportError`] says why a drop cannot be imported at all (a missing file, a wrong
//! header), [`PipelineError`] why an import stopped; both give their text as a catalog
//! message, stored and shown in the reader's language.

pub mod claim;
pub mod csv_reader;
pub mod drop;
pub mod drop_writer;
mod enrich;
pub mod files;
mod load;
pub mod pipeline;
pub mod progress;
mod read;
pub mod runner;
pub mod scheduler;
mod staged;
mod validation;

use app::i18n::{Lang, Message};

pub use app::domain::imports::{ImportStatus, Phase, Stage};
pub use pipeline::{ImportContext, ImportOutcome};
pub use runner::ImportRunner;

/// Why a file or a drop cannot be imported at all (as opposed to a rejected row). Its
/// text (English here, French on the Imports page) comes from [`ImportError::message`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    MissingFile { file: String },
    Unreadable { file: String, cause: String },
    MissingColumn { file: String, column: String },
    UnknownColumn { file: String, column: String },
    RepeatedColumn { file: String, column: String },
    MixedDates { folder: String, dates: String },
    NoDrop { folder: String },
}

impl ImportError {
    /// The error as a catalog message.
    pub fn message(&self) -> Message {
        match self {
            ImportError::MissingFile { file } => {
                Message::new("import_error.missing_file").arg(file)
            }
            ImportError::Unreadable { file, cause } => {
                Message::new("import_error.unreadable").arg(file).arg(cause)
            }
            ImportError::MissingColumn { file, column } => {
                Message::new("import_error.missing_column")
                    .arg(file)
                    .arg(column)
            }
            ImportError::UnknownColumn { file, column } => {
                Message::new("import_error.unknown_column")
                    .arg(file)
                    .arg(column)
            }
            ImportError::RepeatedColumn { file, column } => {
                Message::new("import_error.repeated_column")
                    .arg(file)
                    .arg(column)
            }
            ImportError::MixedDates { folder, dates } => Message::new("import_error.mixed_dates")
                .arg(folder)
                .arg(dates),
            ImportError::NoDrop { folder } => Message::new("import_error.no_drop").arg(folder),
        }
    }
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(&self.message().render(Lang::En))
    }
}

impl std::error::Error for ImportError {}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Drop(#[from] ImportError),
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    #[error("personal data: {0}")]
    Crypto(#[from] crate::crypto::CryptoError),
    #[error("{}", english("import_error.integrity", .0))]
    Integrity(String),
    #[error("staging: {0}")]
    Staging(String),
    #[error("no import has the id {0}")]
    UnknownImport(String),
    #[error("the import {0} already succeeded")]
    AlreadySucceeded(String),
    #[error("the import {0} is already running (in this process or another)")]
    AlreadyRunning(String),
    #[error("{}", english("import_error.claim_lost", .0))]
    ClaimLost(String),
    #[error("too many imports created in the same second")]
    TooManyImports,
}

/// The English text of a one-argument catalog message.
fn english(key: &str, arg: &str) -> String {
    Message::new(key).arg(arg).render(Lang::En)
}

impl PipelineError {
    /// Why the import stopped, as a catalog message (stored with the failed import and
    /// its alert). Technical causes keep their English detail.
    pub fn message(&self) -> Message {
        match self {
            PipelineError::Drop(error) => error.message(),
            PipelineError::Integrity(detail) => Message::new("import_error.integrity").arg(detail),
            PipelineError::ClaimLost(import_id) => {
                Message::new("import_error.claim_lost").arg(import_id)
            }
            other => Message::new("import_error.technical").arg(other),
        }
    }
}

impl From<sqlx::Error> for PipelineError {
    fn from(error: sqlx::Error) -> Self {
        PipelineError::Storage(error.into())
    }
}
