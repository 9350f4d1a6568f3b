//! One storage layer over SQLite (embedded default) and PostgreSQL (production).
//!
//! Queries are written once, with `$n` placeholders that both engines accept, and run
//! through sqlx's `Any` driver. Timestamps are UTC epoch milliseconds, flags 0/1
//! integers, sums cast to BIGINT, so that both engines decode the same types.

pub mod alerts;
pub mod batch;
pub mod branches;
pub mod bulk_load;
pub mod change_watch;
pub mod changes;
mod connect;
pub mod copy;
pub mod imports;
pub mod journeys;
pub mod packed;
pub mod reference;
pub mod runs;
pub mod sessions;
pub mod tokens;
pub mod users;

pub use batch::BatchInsert;
pub use connect::{redact as redact_url, Database, Engine};

/// What can go wrong in the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("DATABASE_URL: unsupported scheme in '{0}' (use sqlite://path or postgres://...)")]
    UnsupportedScheme(String),
    #[error("DATABASE_URL: cannot open the database at {url}: {cause}")]
    Unreachable { url: String, cause: String },
    #[error("database migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Query(#[from] sqlx::Error),
    #[error("stored value is invalid: {0}")]
    Corrupt(String),
    #[error("a database task stopped before its end: {0}")]
    Interrupted(String),
}

impl StorageError {
    /// Whether the database itself is unavailable (as opposed to a bad query).
    pub fn is_unavailable(&self) -> bool {
        matches!(
            self,
            StorageError::Unreachable { .. }
                | StorageError::Query(sqlx::Error::PoolTimedOut)
                | StorageError::Query(sqlx::Error::PoolClosed)
                | StorageError::Query(sqlx::Error::Io(_))
        )
    }
}

pub type StorageResult<T> = Result<T, StorageError>;
