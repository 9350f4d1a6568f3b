//! API tokens. Only the SHA-256 of each secret is stored.

use app::domain::tokens::Scope;
use app::domain::vocabulary::NameList;

use super::{Database, StorageResult};

/// A stored token (never its secret).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredToken {
    pub token_id: String,
    pub name: String,
    /// Stored comma-separated.
    #[sqlx(try_from = "String")]
    pub scopes: NameList<Scope>,
    pub created_by: String,
    #[sqlx(rename = "created_at")]
    pub created_at_ms: i64,
    #[sqlx(rename = "last_used_at")]
    pub last_used_at_ms: Option<i64>,
    #[sqlx(rename = "revoked_at")]
    pub revoked_at_ms: Option<i64>,
}

const COLUMNS: &str = "token_id, name, scopes, created_by, created_at, last_used_at, revoked_at";

pub async fn insert(db: &Database, token: &StoredToken, token_hash: &str) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO api_tokens (token_id, name, scopes, token_hash, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&token.token_id)
    .bind(&token.name)
    .bind(token.scopes.to_string())
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
    Ok(sqlx::query_as(&sql).fetch_all(db.pool()).await?)
}

/// The token whose secret hashes to `token_hash`, revoked or not.
pub async fn find_by_hash(db: &Database, token_hash: &str) -> StorageResult<Option<StoredToken>> {
    let sql = format!("SELECT {COLUMNS} FROM api_tokens WHERE token_hash = $1");
    Ok(sqlx::query_as(&sql)
        .bind(token_hash)
        .fetch_optional(db.pool())
        .await?)
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
