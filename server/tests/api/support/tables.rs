//! The final tables of a database as text rows, to compare two databases (an import
//! interrupted then resumed against an uninterrupted one). Prospects' personal data is
//! decrypted (its ciphertext differs with each encryption); `ingested_at` is left out.

use std::collections::BTreeMap;

use vigie::crypto::PersonalDataCipher;
use vigie::storage::Database;

const TABLES: [(&str, &str); 11] = [
    ("products", "product_code, label, active"),
    ("services", "service_code, label, kind, owner_team"),
    ("journey_steps", "product_code, step_code, position, label, service_code"),
    ("probes", "probe_code, label, product_code, channel, environment, interval_s, enabled"),
    ("error_codes", "error_code, label, category, service_code"),
    ("maintenance_windows", "window_id, scope, scope_code, starts_at, ends_at, reason"),
    (
        "probe_runs",
        "run_id, probe_code, started_at, duration_ms, status, failed_step_code, error_code, error_message, agent",
    ),
    (
        "probe_steps",
        "run_id, step_code, position, started_at, duration_ms, status, http_status, error_code, message",
    ),
    (
        "journey_events",
        "event_id, occurred_at, product_code, step_code, journey_id, prospect_id, outcome, error_code, channel, application",
    ),
    (
        "rollups",
        "kind, resolution, bucket_start, probe_code, step_code, error_code, in_maintenance, total, ok, failed, other, duration_sum, histogram",
    ),
    (
        "incidents",
        "probe_code, started_at, ended_at, failed_runs, failed_step_code, error_code",
    ),
];

pub type Tables = BTreeMap<String, Vec<String>>;

/// id, first name, last name, e-mail, phone, birth date (encrypted), the rest as text.
type ProspectRow = (
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
);

pub async fn final_tables(
    db: &Database,
    cipher: &PersonalDataCipher,
) -> Result<Tables, Box<dyn std::error::Error>> {
    let mut tables = Tables::new();
    for (table, columns) in TABLES {
        let text: Vec<String> = columns
            .split(", ")
            .map(|column| format!("COALESCE(CAST({column} AS TEXT), '-')"))
            .collect();
        let sql = format!(
            "SELECT {} AS row_text FROM {table} ORDER BY 1",
            text.join(" || '|' || ")
        );
        let rows: Vec<String> = sqlx::query_scalar(&sql).fetch_all(db.pool()).await?;
        tables.insert(table.to_string(), rows);
    }
    let prospects: Vec<ProspectRow> = sqlx::query_as(
            "SELECT prospect_id, first_name_enc, last_name_enc, email_enc, phone_enc, birth_date_enc, \
             COALESCE(postal_code, '-') || '|' || CAST(created_at AS TEXT) || '|' || \
             CAST(contact_consent AS TEXT) || '|' || email_hash || '|' || COALESCE(phone_hash, '-') || '|' || \
             COALESCE(commune, '-') || '|' || COALESCE(department_code, '-') || '|' || \
             COALESCE(region_code, '-') || '|' || COALESCE(sales_branch, '-') \
             FROM prospects ORDER BY prospect_id",
        )
        .fetch_all(db.pool())
        .await?;
    let mut rows = Vec::new();
    for (id, first, last, email, phone, birth, rest) in prospects {
        let open = |value: Option<String>| -> Result<String, Box<dyn std::error::Error>> {
            Ok(match value {
                Some(value) => cipher.decrypt(&value)?,
                None => "-".to_string(),
            })
        };
        rows.push(format!(
            "{id}|{}|{}|{}|{}|{}|{rest}",
            open(Some(first))?,
            open(Some(last))?,
            open(Some(email))?,
            open(phone)?,
            open(birth)?
        ));
    }
    tables.insert("prospects".to_string(), rows);
    Ok(tables)
}
