//! One storage layer over SQLite (embedded default) and PostgreSQL (production).
//!
//! Queries are written once, with `$n` placeholders that both engines accept, and run
//! through sqlx's `Any` driver. Timestamps are UTC epoch milliseconds, flags 0/1
//! integers, sums cast to BIGINT, so that both engines decode the same types.
//!
//! Personal-data columns of `prospects` hold `v<key version>:<base64>` ciphertext;
//! e-mail and phone also carry a keyed hash for exact search.
//!
//! SQL lives here, one file per table family (`reference`, `runs`, `journeys`, `users`,
//! `sessions`, `tokens`, `branches`, `imports`, `alerts`, `changes`); ARCHITECTURE.md
//! names the few exceptions. What one engine gets of its own: `COPY` on PostgreSQL
//! ([`copy`], [`bulk_load`]), how large results are read ([`packed`]), each engine's
//! session settings ([`Database::connect`]), and the announcements of [`changes`] heard
//! by [`change_watch`] (PostgreSQL's `NOTIFY`).
//!
//! Migrations are one file per change in `migrations/sqlite/` and `migrations/postgres/`,
//! with the same number in both (a `SELECT 1;` where one engine needs nothing, as 0008),
//! embedded at build time and applied by [`Database::migrate`]. The schemas differ where
//! it pays: on PostgreSQL the text keys of `probe_runs`, `probe_steps` and `rollups`
//! compare as bytes (collation `"C"`, 0007), as SQLite's `BINARY` does, so that both
//! engines order codes and ids alike and B-tree comparisons stay cheap; on SQLite
//! `rollups` is a `WITHOUT ROWID` table (0008), stored in key order, so that a range of
//! buckets is read from consecutive pages (PostgreSQL gets much the same from the
//! rebuild writing rows in key order); PostgreSQL compresses staging chunks with lz4
//! rather than pglz (0009).

pub mod alerts;
pub mod batch;
pub mod branches;
pub mod bulk_load;
pub mod change_watch;
pub mod changes;
mod connect;
pub mod copy;
pub mod imports;
pub mod incident_pages;
pub mod journeys;
pub mod keyset;
pub mod packed;
pub mod reference;
pub mod run_pages;
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
