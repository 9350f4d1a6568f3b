//! Real prospects (personal data encrypted by the caller) and their journey events.

use std::collections::HashMap;

use app::domain::status::EventOutcome;

use super::batch::AnyQuery;
use sqlx::AnyConnection;

use super::{BatchInsert, Database, Engine, StorageResult};

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
    /// Where the postal code lies, when the file import's enrich stage resolved it.
    pub place: Option<ProspectPlace>,
}

/// A prospect's commune, department and region, and the sales branch of that region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProspectPlace {
    pub commune: String,
    pub department_code: String,
    pub region_code: String,
    pub sales_branch: Option<String>,
}

#[derive(Debug, Clone)]
pub struct JourneyEvent {
    pub event_id: String,
    pub occurred_at_ms: i64,
    pub product_code: String,
    pub step_code: String,
    pub journey_id: String,
    pub prospect_id: Option<String>,
    pub outcome: EventOutcome,
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
        &format!("INSERT INTO prospects ({PROSPECT_COLUMNS})"),
        15,
        "ON CONFLICT (prospect_id) DO NOTHING",
    );
    let event_insert = BatchInsert::new(
        &format!("INSERT INTO journey_events ({EVENT_COLUMNS})"),
        10,
        "ON CONFLICT (event_id) DO NOTHING",
    );
    let mut tx = db.pool().begin().await?;
    let mut inserted = 0;
    for chunk in prospects.chunks(prospect_insert.rows_per_statement(db.engine())) {
        let sql = prospect_insert.sql(db.engine(), chunk.len());
        let mut query: AnyQuery<'_> = sqlx::query(&sql);
        for prospect in chunk {
            query = bind_prospect(query, prospect);
        }
        query.execute(&mut *tx).await?;
    }
    for chunk in events.chunks(event_insert.rows_per_statement(db.engine())) {
        let sql = event_insert.sql(db.engine(), chunk.len());
        let mut query: AnyQuery<'_> = sqlx::query(&sql);
        for event in chunk {
            query = bind_event(query, event);
        }
        inserted += query.execute(&mut *tx).await?.rows_affected();
    }
    tx.commit().await?;
    Ok(inserted)
}

const PROSPECT_COLUMNS: &str =
    "prospect_id, first_name_enc, last_name_enc, email_enc, email_hash, \
     phone_enc, phone_hash, birth_date_enc, postal_code, created_at, contact_consent, commune, \
     department_code, region_code, sales_branch";
const EVENT_COLUMNS: &str = "event_id, occurred_at, product_code, step_code, journey_id, \
     prospect_id, outcome, error_code, channel, application";

fn bind_prospect<'q>(query: AnyQuery<'q>, prospect: &'q EncryptedProspect) -> AnyQuery<'q> {
    let place = prospect.place.as_ref();
    query
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
        .bind(i64::from(prospect.contact_consent))
        .bind(place.map(|place| place.commune.as_str()))
        .bind(place.map(|place| place.department_code.as_str()))
        .bind(place.map(|place| place.region_code.as_str()))
        .bind(place.and_then(|place| place.sales_branch.as_deref()))
}

fn bind_event<'q>(query: AnyQuery<'q>, event: &'q JourneyEvent) -> AnyQuery<'q> {
    query
        .bind(&event.event_id)
        .bind(event.occurred_at_ms)
        .bind(&event.product_code)
        .bind(&event.step_code)
        .bind(&event.journey_id)
        .bind(&event.prospect_id)
        .bind(event.outcome.as_str())
        .bind(&event.error_code)
        .bind(&event.channel)
        .bind(&event.application)
}

/// Inserts prospects, or updates them by `prospect_id` (a file import's upsert).
pub async fn upsert_prospects(
    connection: &mut AnyConnection,
    engine: Engine,
    prospects: &[EncryptedProspect],
) -> StorageResult<()> {
    let insert = BatchInsert::new(
        &format!("INSERT INTO prospects ({PROSPECT_COLUMNS})"),
        15,
        "ON CONFLICT (prospect_id) DO UPDATE SET first_name_enc = excluded.first_name_enc, \
         last_name_enc = excluded.last_name_enc, email_enc = excluded.email_enc, \
         email_hash = excluded.email_hash, phone_enc = excluded.phone_enc, \
         phone_hash = excluded.phone_hash, birth_date_enc = excluded.birth_date_enc, \
         postal_code = excluded.postal_code, created_at = excluded.created_at, \
         contact_consent = excluded.contact_consent, commune = excluded.commune, \
         department_code = excluded.department_code, region_code = excluded.region_code, \
         sales_branch = excluded.sales_branch",
    );
    insert
        .execute_all(connection, engine, prospects, bind_prospect)
        .await
}

/// Inserts journey events, or updates them by `event_id` (a file import's upsert).
pub async fn upsert_events(
    connection: &mut AnyConnection,
    engine: Engine,
    events: &[JourneyEvent],
) -> StorageResult<()> {
    let insert = BatchInsert::new(
        &format!("INSERT INTO journey_events ({EVENT_COLUMNS})"),
        10,
        "ON CONFLICT (event_id) DO UPDATE SET occurred_at = excluded.occurred_at, \
         product_code = excluded.product_code, step_code = excluded.step_code, \
         journey_id = excluded.journey_id, prospect_id = excluded.prospect_id, \
         outcome = excluded.outcome, error_code = excluded.error_code, \
         channel = excluded.channel, application = excluded.application",
    );
    insert
        .execute_all(connection, engine, events, bind_event)
        .await
}

/// Which of `prospect_ids` are stored.
pub async fn existing_prospects(
    db: &Database,
    prospect_ids: &[String],
) -> StorageResult<std::collections::HashSet<String>> {
    let mut connection = db.pool().acquire().await?;
    stored_prospects(&mut connection, prospect_ids).await
}

/// Which of `prospect_ids` are stored, read on `connection`.
pub async fn stored_prospects(
    connection: &mut AnyConnection,
    prospect_ids: &[String],
) -> StorageResult<std::collections::HashSet<String>> {
    let mut found = std::collections::HashSet::new();
    for chunk in prospect_ids.chunks(200) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT prospect_id FROM prospects WHERE prospect_id IN ({})",
            placeholders.join(",")
        );
        let mut query = sqlx::query_scalar::<_, String>(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        found.extend(query.fetch_all(&mut *connection).await?);
    }
    Ok(found)
}

/// A journey event as the event metrics read it (no prospect).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct EventRow {
    #[sqlx(rename = "occurred_at")]
    pub occurred_at_ms: i64,
    pub product_code: String,
    pub step_code: String,
    pub journey_id: String,
    #[sqlx(try_from = "String")]
    pub outcome: EventOutcome,
    pub channel: String,
    pub error_code: Option<String>,
}

/// The events that occurred in `[from, to)`.
pub async fn events_between(db: &Database, from: i64, to: i64) -> StorageResult<Vec<EventRow>> {
    Ok(sqlx::query_as(
        "SELECT occurred_at, product_code, step_code, journey_id, outcome, channel, error_code \
         FROM journey_events WHERE occurred_at >= $1 AND occurred_at < $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?)
}

/// How many events of `product` at `step` in `[from, to)` had each outcome.
pub async fn outcomes_at_step(
    db: &Database,
    product: &str,
    step: &str,
    (from, to): (i64, i64),
) -> StorageResult<Vec<(EventOutcome, i64)>> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT outcome, COUNT(*) FROM journey_events WHERE product_code = $1 \
         AND occurred_at >= $2 AND occurred_at < $3 AND step_code = $4 GROUP BY outcome",
    )
    .bind(product)
    .bind(from)
    .bind(to)
    .bind(step)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter()
        .map(|(outcome, count)| {
            let outcome = outcome.parse().map_err(|error| {
                super::StorageError::Corrupt(format!("journey_events.outcome: {error}"))
            })?;
            Ok((outcome, count))
        })
        .collect()
}

/// A journey event as the funnel reads it: journey id, time, step, outcome, channel.
pub type FunnelEvent = (String, i64, String, String, String);

/// Every event of `product` in `[from, to)`, read in one go (see [`super::packed`]).
pub async fn product_events(
    db: &Database,
    product: &str,
    (from, to): (i64, i64),
) -> StorageResult<Vec<FunnelEvent>> {
    super::packed::fetch_rows(
        db,
        &[
            "journey_id",
            "occurred_at",
            "step_code",
            "outcome",
            "channel",
        ],
        "SELECT journey_id, occurred_at, step_code, outcome, channel FROM journey_events \
         WHERE product_code = $1 AND occurred_at >= $2 AND occurred_at < $3",
        &[
            super::packed::Param::Text(product),
            super::packed::Param::Int(from),
            super::packed::Param::Int(to),
        ],
    )
    .await
}

/// Each product's last journey step (where a journey completes).
pub async fn last_steps(db: &Database) -> StorageResult<HashMap<String, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT js.product_code, js.step_code FROM journey_steps js WHERE js.position = \
         (SELECT MAX(other.position) FROM journey_steps other WHERE other.product_code = js.product_code)",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().collect())
}

/// When the newest stored event occurred, if any.
pub async fn latest_occurred_at(db: &Database) -> StorageResult<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT MAX(occurred_at) FROM journey_events")
            .fetch_one(db.pool())
            .await?,
    )
}
