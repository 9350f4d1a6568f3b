//! API tokens. Only the SHA-256 of each secret is stored.

use sqlx::any::AnyRow;
use sqlx::Row;

use super::{Database, StorageResult};

/// A stored token (never its secret).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredToken {
    pub token_id: String,
    pub name: String,
    /// Comma-separated scopes.
    pub scopes: String,
    pub created_by: String,
    pub created_at_ms: i64,
    pub last_used_at_ms: Option<i64>,
    pub revoked_at_ms: Option<i64>,
}

const COLUMNS: &str = "token_id, name, scopes, created_by, created_at, last_used_at, revoked_at";

fn stored_token(row: &AnyRow) -> StorageResult<StoredToken> {
    Ok(StoredToken {
        token_id: row.try_get("token_id")?,
        name: row.try_get("name")?,
        scopes: row.try_get("scopes")?,
        created_by: row.try_get("created_by")?,
        created_at_ms: row.try_get("created_at")?,
        last_used_at_ms: row.try_get("last_used_at")?,
        revoked_at_ms: row.try_get("revoked_at")?,
    })
}

pub async fn insert(db: &Database, token: &StoredToken, token_hash: &str) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO api_tokens (token_id, name, scopes, token_hash, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&token.token_id)
    .bind(&token.name)
    .bind(&token.scopes)
    .bind(token_hash)
    .bind(&token.created_by)
    .bind(token.created_at_ms)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Every token, newest first.
pub async fn list(db: &Database) -> StorageResult<Vec<StoredToken>> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens ORDER BY created_at DESC, token_id");
    let rows = sqlx::query(&sql).fetch_all(db.pool()).await?;
    rows.iter().map(stored_token).collect()
}

/// The token whose secret hashes to `token_hash`, revoked or not.
pub async fn find_by_hash(db: &Database, token_hash: &str) -> StorageResult<Option<StoredToken>> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1");
    let row = sqlx::query(&sql)
        .bind(token_hash)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(stored_token).transpose()
}

pub async fn touch(db: &Database, token_id: &str, now_ms: i64) -> StorageResult<()> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_id = $2")
        .bind(now_ms)
        .bind(token_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Revokes a token; answers whether a token that was still active was revoked.
pub async fn revoke(db: &Database, token_id: &str, now_ms: i64) -> StorageResult<bool> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE token_id = $2 AND revoked_at IS NULL",
    )
    .bind(now_ms)
    .bind(token_id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}
