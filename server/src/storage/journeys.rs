//! Real prospects (personal data encrypted by the caller) and their journey events.

use super::batch::AnyQuery;
use super::{BatchInsert, Database, StorageResult};

/// A prospect whose personal-data fields are already encrypted.
#[derive(Debug, Clone)]
pub struct EncryptedProspect {
    pub prospect_id: String,
    pub first_name_enc: String,
    pub last_name_enc: String,
    pub email_enc: String,
    pub email_hash: String,
    pub phone_enc: Option<String>,
    pub phone_hash: Option<String>,
    pub birth_date_enc: Option<String>,
    pub postal_code: Option<String>,
    pub created_at_ms: i64,
    pub contact_consent: bool,
}

#[derive(Debug, Clone)]
pub struct JourneyEvent {
    pub event_id: String,
    pub occurred_at_ms: i64,
    pub product_code: String,
    pub step_code: String,
    pub journey_id: String,
    pub prospect_id: Option<String>,
    /// `STARTED`, `COMPLETED`, `FAILED` or `ABANDONED`.
    pub outcome: String,
    pub error_code: Option<String>,
    pub channel: String,
    pub application: Option<String>,
}

/// Stores prospects and events in one transaction; rows already stored (by natural
/// key) are left as they are. Answers how many events were new.
pub async fn insert_journeys(
    db: &Database,
    prospects: &[EncryptedProspect],
    events: &[JourneyEvent],
) -> StorageResult<u64> {
    let prospect_insert = BatchInsert::new(
        "INSERT INTO prospects (prospect_id, first_name_enc, last_name_enc, email_enc, email_hash, \
         phone_enc, phone_hash, birth_date_enc, postal_code, created_at, contact_consent)",
        11,
        "ON CONFLICT (prospect_id) DO NOTHING",
    );
    let event_insert = BatchInsert::new(
        "INSERT INTO journey_events (event_id, occurred_at, product_code, step_code, journey_id, \
         prospect_id, outcome, error_code, channel, application)",
        10,
        "ON CONFLICT (event_id) DO NOTHING",
    );
    let mut tx = db.pool().begin().await?;
    let mut inserted = 0;
    for chunk in prospects.chunks(prospect_insert.rows_per_statement(db.engine())) {
        let sql = prospect_insert.sql(chunk.len());
        let mut query: AnyQuery<'_> = sqlx::query(&sql);
        for prospect in chunk {
            query = query
                .bind(&prospect.prospect_id)
                .bind(&prospect.first_name_enc)
                .bind(&prospect.last_name_enc)
                .bind(&prospect.email_enc)
                .bind(&prospect.email_hash)
                .bind(&prospect.phone_enc)
                .bind(&prospect.phone_hash)
                .bind(&prospect.birth_date_enc)
                .bind(&prospect.postal_code)
                .bind(prospect.created_at_ms)
                .bind(i64::from(prospect.contact_consent));
        }
        query.execute(&mut *tx).await?;
    }
    for chunk in events.chunks(event_insert.rows_per_statement(db.engine())) {
        let sql = event_insert.sql(chunk.len());
        let mut query: AnyQuery<'_> = sqlx::query(&sql);
        for event in chunk {
            query = query
                .bind(&event.event_id)
                .bind(event.occurred_at_ms)
                .bind(&event.product_code)
                .bind(&event.step_code)
                .bind(&event.journey_id)
                .bind(&event.prospect_id)
                .bind(&event.outcome)
                .bind(&event.error_code)
                .bind(&event.channel)
                .bind(&event.application);
        }
        inserted += query.execute(&mut *tx).await?.rows_affected();
    }
    tx.commit().await?;
    Ok(inserted)
}

/// Which of `prospect_ids` are stored.
pub async fn existing_prospects(
    db: &Database,
    prospect_ids: &[String],
) -> StorageResult<std::collections::HashSet<String>> {
    let mut found = std::collections::HashSet::new();
    for chunk in prospect_ids.chunks(500) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT prospect_id FROM prospects WHERE prospect_id IN ({})",
            placeholders.join(",")
        );
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        found.extend(query.fetch_all(db.pool()).await?);
    }
    Ok(found)
}
