//! The log of fact changes (`rollup_changes`): what a process that keeps facts in memory
//! (`indicators::recent`) must reload, whichever process wrote them.
//!
//! A change is logged in the transaction that writes what it names (or, for a rollup
//! refresh, in a short one of its own right after the facts are stored), and bumps
//! `rollup_state.generation` under its row lock: the numbers follow commit order with no
//! gap, so a reader that saw number `n` and reads every change after `n` misses none
//! (only the last [`KEPT_CHANGES`] are kept; a reader further behind finds a gap and
//! reloads everything). On PostgreSQL each change is also announced on commit
//! (`NOTIFY`), which `storage::change_watch` listens for.

use sqlx::AnyConnection;

use super::{Database, Engine, StorageResult};

/// Changes kept in the log; older ones are deleted as new ones arrive.
pub const KEPT_CHANGES: i64 = 10_000;

/// The PostgreSQL channel on which each change is announced, its number as payload.
pub(super) const CHANNEL: &str = "vigie_fact_changes";

/// Facts of runs started in `[from_ms, to_ms)` changed, for one probe or for all.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct FactChange {
    pub generation: i64,
    pub from_ms: i64,
    pub to_ms: i64,
    pub probe_code: Option<String>,
}

/// Logs that facts of `[from_ms, to_ms)` changed (of `probe_code`, or of every probe),
/// in a transaction of its own.
pub async fn record_change(
    db: &Database,
    from_ms: i64,
    to_ms: i64,
    probe_code: Option<&str>,
) -> StorageResult<()> {
    let mut tx = db.pool().begin().await?;
    record_change_in(db, &mut tx, from_ms, to_ms, probe_code).await?;
    tx.commit().await?;
    Ok(())
}

/// Logs a change of `db` in the caller's transaction `tx` (the one that writes the facts
/// or references, so that both are committed together), as late in it as possible: the
/// row lock it takes on `rollup_state` is held until the commit. On PostgreSQL the
/// change is announced on commit.
pub async fn record_change_in(
    db: &Database,
    tx: &mut AnyConnection,
    from_ms: i64,
    to_ms: i64,
    probe_code: Option<&str>,
) -> StorageResult<()> {
    let generation: i64 = sqlx::query_scalar(
        "UPDATE rollup_state SET generation = generation + 1 WHERE id = 1 RETURNING generation",
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO rollup_changes (generation, from_ms, to_ms, probe_code) VALUES ($1, $2, $3, $4)",
    )
    .bind(generation)
    .bind(from_ms)
    .bind(to_ms)
    .bind(probe_code)
    .execute(&mut *tx)
    .await?;
    if db.engine() == Engine::Postgres {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(generation.to_string())
            .execute(&mut *tx)
            .await?;
    }
    db.change_watch().knows(generation);
    if generation % 100 == 0 {
        sqlx::query("DELETE FROM rollup_changes WHERE generation <= $1")
            .bind(generation - KEPT_CHANGES)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// The number of the last change committed (0 before any).
pub async fn last_generation(db: &Database) -> StorageResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT generation FROM rollup_state WHERE id = 1")
            .fetch_optional(db.pool())
            .await?
            .unwrap_or(0),
    )
}

/// Every change logged after `generation`, oldest first.
pub async fn changes_since(db: &Database, generation: i64) -> StorageResult<Vec<FactChange>> {
    Ok(sqlx::query_as(
        "SELECT generation, from_ms, to_ms, probe_code FROM rollup_changes \
         WHERE generation > $1 ORDER BY generation",
    )
    .bind(generation)
    .fetch_all(db.pool())
    .await?)
}
