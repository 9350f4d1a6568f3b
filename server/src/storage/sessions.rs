//! Server-side sessions. Only a SHA-256 hash of the session token is stored.

use super::{Database, StorageResult};

pub async fn create(
    db: &Database,
    token_hash: &str,
    user_id: i64,
    now_ms: i64,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(now_ms)
    .bind(now_ms)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// The session's user id and last activity, if the session exists.
pub async fn find(db: &Database, token_hash: &str) -> StorageResult<Option<(i64, i64)>> {
    Ok(
        sqlx::query_as("SELECT user_id, last_seen_at FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .fetch_optional(db.pool())
            .await?,
    )
}

pub async fn touch(db: &Database, token_hash: &str, now_ms: i64) -> StorageResult<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now_ms)
        .bind(token_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn delete(db: &Database, token_hash: &str) -> StorageResult<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Removes sessions idle since before `idle_before_ms`.
pub async fn delete_idle(db: &Database, idle_before_ms: i64) -> StorageResult<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1")
        .bind(idle_before_ms)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}
