//! In-app alerts: an import that failed, a drop still incomplete at its cut-off, an
//! import much slower than its peers. The alerting channels will read them too.

use app::domain::alerts::{AlertKind, Severity};

use super::{Database, StorageResult};

/// An alert as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredAlert {
    pub alert_id: i64,
    #[sqlx(rename = "raised_at")]
    pub raised_at_ms: i64,
    #[sqlx(try_from = "String")]
    pub kind: AlertKind,
    #[sqlx(try_from = "String")]
    pub severity: Severity,
    /// What it is about, such as an import id or a business date.
    pub subject: String,
    /// An encoded [`app::i18n::Message`].
    pub message: String,
    #[sqlx(rename = "resolved_at")]
    pub resolved_at_ms: Option<i64>,
}

pub async fn raise(
    db: &Database,
    kind: AlertKind,
    severity: Severity,
    subject: &str,
    message: &str,
    now_ms: i64,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO alerts (raised_at, kind, severity, subject, message) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now_ms)
    .bind(kind.as_str())
    .bind(severity.as_str())
    .bind(subject)
    .bind(message)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Whether an alert of `kind` about `subject` was raised (to raise it once).
pub async fn exists(db: &Database, kind: AlertKind, subject: &str) -> StorageResult<bool> {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM alerts WHERE kind = $1 AND subject = $2")
            .bind(kind.as_str())
            .bind(subject)
            .fetch_one(db.pool())
            .await?;
    Ok(count > 0)
}

/// The newest alerts first.
pub async fn recent(db: &Database, limit: i64) -> StorageResult<Vec<StoredAlert>> {
    Ok(sqlx::query_as(
        "SELECT alert_id, raised_at, kind, severity, subject, message, resolved_at FROM alerts \
         ORDER BY raised_at DESC, alert_id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?)
}
