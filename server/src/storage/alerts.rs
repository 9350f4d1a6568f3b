//! In-app alerts: an import that failed, a drop still incomplete at its cut-off, an
//! import much slower than its peers. The alerting channels will read them too.

use sqlx::Row;

use super::{Database, StorageResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Info,
    Warning,
    Critical,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Critical => "critical",
        }
    }
}

/// An alert as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredAlert {
    pub alert_id: i64,
    pub raised_at_ms: i64,
    /// What happened, such as `import_failed`, `drop_late`, `import_slow`.
    pub kind: String,
    pub severity: String,
    /// What it is about, such as an import id or a business date.
    pub subject: String,
    pub message: String,
    pub resolved_at_ms: Option<i64>,
}

pub async fn raise(
    db: &Database,
    kind: &str,
    severity: Severity,
    subject: &str,
    message: &str,
    now_ms: i64,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO alerts (raised_at, kind, severity, subject, message) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(now_ms)
    .bind(kind)
    .bind(severity.as_str())
    .bind(subject)
    .bind(message)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Whether an alert of `kind` about `subject` was raised (to raise it once).
pub async fn exists(db: &Database, kind: &str, subject: &str) -> StorageResult<bool> {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM alerts WHERE kind = $1 AND subject = $2")
            .bind(kind)
            .bind(subject)
            .fetch_one(db.pool())
            .await?;
    Ok(count > 0)
}

/// The newest alerts first.
pub async fn recent(db: &Database, limit: i64) -> StorageResult<Vec<StoredAlert>> {
    let rows = sqlx::query(
        "SELECT alert_id, raised_at, kind, severity, subject, message, resolved_at FROM alerts \
         ORDER BY raised_at DESC, alert_id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(StoredAlert {
                alert_id: row.try_get("alert_id")?,
                raised_at_ms: row.try_get("raised_at")?,
                kind: row.try_get("kind")?,
                severity: row.try_get("severity")?,
                subject: row.try_get("subject")?,
                message: row.try_get("message")?,
                resolved_at_ms: row.try_get("resolved_at")?,
            })
        })
        .collect()
}
