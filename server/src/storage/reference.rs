//! Reference data of the file contract: products, services, journey steps, probes,
//! error codes and maintenance windows.

use std::collections::HashMap;

use app::domain::catalog::{ErrorCategory, MaintenanceScope, ServiceKind};
use sqlx::AnyConnection;

use super::batch::AnyQuery;
use super::{BatchInsert, Database, Engine, StorageResult};

#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub product_code: String,
    pub label: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    pub service_code: String,
    pub label: String,
    pub kind: ServiceKind,
    pub owner_team: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct JourneyStep {
    pub product_code: String,
    pub step_code: String,
    pub position: i64,
    pub label: String,
    pub service_code: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub probe_code: String,
    pub label: String,
    pub product_code: String,
    pub channel: String,
    pub environment: String,
    pub interval_s: i64,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ErrorCode {
    pub error_code: String,
    pub label: String,
    #[sqlx(try_from = "String")]
    pub category: ErrorCategory,
    pub service_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct MaintenanceWindow {
    pub window_id: String,
    #[sqlx(try_from = "String")]
    pub scope: MaintenanceScope,
    pub scope_code: Option<String>,
    #[sqlx(rename = "starts_at")]
    pub starts_at_ms: i64,
    #[sqlx(rename = "ends_at")]
    pub ends_at_ms: i64,
    pub reason: Option<String>,
}

/// All reference data at once, as a drop or the demo provides it.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub products: Vec<Product>,
    pub services: Vec<Service>,
    pub journey_steps: Vec<JourneyStep>,
    pub probes: Vec<Probe>,
    pub error_codes: Vec<ErrorCode>,
    pub maintenance_windows: Vec<MaintenanceWindow>,
}

fn flag(value: bool) -> i64 {
    i64::from(value)
}

/// Inserts or updates every row of the catalog by natural key, in one transaction.
pub async fn upsert_catalog(db: &Database, catalog: &Catalog) -> StorageResult<()> {
    let mut tx = db.pool().begin().await?;
    write_catalog(&mut tx, db.engine(), catalog).await?;
    // Which facts lie in a maintenance window (by probe, product or service) may have
    // changed, anywhere in time.
    super::changes::record_change_in(db, &mut tx, i64::MIN, i64::MAX, None).await?;
    tx.commit().await?;
    Ok(())
}

/// Inserts or updates every row of the catalog by natural key, on `tx` (the caller's
/// transaction).
// Over 80 lines: six upserts, one per reference table, in the order keys need.
pub async fn write_catalog(
    tx: &mut AnyConnection,
    engine: Engine,
    catalog: &Catalog,
) -> StorageResult<()> {
    for product in &catalog.products {
        sqlx::query(
            "INSERT INTO products (product_code, label, active) VALUES ($1, $2, $3) \
             ON CONFLICT (product_code) DO UPDATE SET label = excluded.label, active = excluded.active",
        )
        .bind(&product.product_code)
        .bind(&product.label)
        .bind(flag(product.active))
        .execute(&mut *tx)
        .await?;
    }
    for service in &catalog.services {
        sqlx::query(
            "INSERT INTO services (service_code, label, kind, owner_team) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (service_code) DO UPDATE SET label = excluded.label, kind = excluded.kind, \
             owner_team = excluded.owner_team",
        )
        .bind(&service.service_code)
        .bind(&service.label)
        .bind(service.kind.as_str())
        .bind(&service.owner_team)
        .execute(&mut *tx)
        .await?;
    }
    for step in &catalog.journey_steps {
        sqlx::query(
            "INSERT INTO journey_steps (product_code, step_code, position, label, service_code) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (product_code, step_code) DO UPDATE SET \
             position = excluded.position, label = excluded.label, service_code = excluded.service_code",
        )
        .bind(&step.product_code)
        .bind(&step.step_code)
        .bind(step.position)
        .bind(&step.label)
        .bind(&step.service_code)
        .execute(&mut *tx)
        .await?;
    }
    for probe in &catalog.probes {
        sqlx::query(
            "INSERT INTO probes (probe_code, label, product_code, channel, environment, interval_s, enabled) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (probe_code) DO UPDATE SET \
             label = excluded.label, product_code = excluded.product_code, channel = excluded.channel, \
             environment = excluded.environment, interval_s = excluded.interval_s, enabled = excluded.enabled",
        )
        .bind(&probe.probe_code)
        .bind(&probe.label)
        .bind(&probe.product_code)
        .bind(&probe.channel)
        .bind(&probe.environment)
        .bind(probe.interval_s)
        .bind(flag(probe.enabled))
        .execute(&mut *tx)
        .await?;
    }
    for error in &catalog.error_codes {
        sqlx::query(
            "INSERT INTO error_codes (error_code, label, category, service_code) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (error_code) DO UPDATE SET label = excluded.label, category = excluded.category, \
             service_code = excluded.service_code",
        )
        .bind(&error.error_code)
        .bind(&error.label)
        .bind(error.category.as_str())
        .bind(&error.service_code)
        .execute(&mut *tx)
        .await?;
    }
    let windows = BatchInsert::new(
        "INSERT INTO maintenance_windows (window_id, scope, scope_code, starts_at, ends_at, reason)",
        6,
        "ON CONFLICT (window_id) DO UPDATE SET scope = excluded.scope, scope_code = excluded.scope_code, \
         starts_at = excluded.starts_at, ends_at = excluded.ends_at, reason = excluded.reason",
    );
    for chunk in catalog
        .maintenance_windows
        .chunks(windows.rows_per_statement(engine))
    {
        let sql = windows.sql(engine, chunk.len());
        let mut query: AnyQuery<'_> = sqlx::query(&sql);
        for window in chunk {
            query = query
                .bind(&window.window_id)
                .bind(window.scope.as_str())
                .bind(&window.scope_code)
                .bind(window.starts_at_ms)
                .bind(window.ends_at_ms)
                .bind(&window.reason);
        }
        query.execute(&mut *tx).await?;
    }
    Ok(())
}

/// Deletes the reference rows the catalog no longer holds (a drop's reference files
/// replace the tables whole), dependants first. Maintenance windows are facts and stay.
pub async fn remove_references_not_in(
    tx: &mut AnyConnection,
    catalog: &Catalog,
) -> StorageResult<()> {
    delete_missing(
        tx,
        "error_codes",
        "error_code",
        catalog
            .error_codes
            .iter()
            .map(|e| e.error_code.clone())
            .collect(),
    )
    .await?;
    delete_missing(
        tx,
        "probes",
        "probe_code",
        catalog
            .probes
            .iter()
            .map(|p| p.probe_code.clone())
            .collect(),
    )
    .await?;
    delete_missing(
        tx,
        "journey_steps",
        "product_code || '/' || step_code",
        catalog
            .journey_steps
            .iter()
            .map(|step| format!("{}/{}", step.product_code, step.step_code))
            .collect(),
    )
    .await?;
    delete_missing(
        tx,
        "services",
        "service_code",
        catalog
            .services
            .iter()
            .map(|s| s.service_code.clone())
            .collect(),
    )
    .await?;
    delete_missing(
        tx,
        "products",
        "product_code",
        catalog
            .products
            .iter()
            .map(|p| p.product_code.clone())
            .collect(),
    )
    .await
}

async fn delete_missing(
    tx: &mut AnyConnection,
    table: &str,
    key: &str,
    keep: Vec<String>,
) -> StorageResult<()> {
    let stored: Vec<String> = sqlx::query_scalar(&format!("SELECT {key} FROM {table}"))
        .fetch_all(&mut *tx)
        .await?;
    let keep: std::collections::HashSet<String> = keep.into_iter().collect();
    for gone in stored.iter().filter(|code| !keep.contains(*code)) {
        sqlx::query(&format!("DELETE FROM {table} WHERE {key} = $1"))
            .bind(gone)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Stored facts that name a reference the catalog lacks, as "table.column = code"
/// (the integrity check before reference tables are replaced). Only the codes that
/// would disappear are looked up, each through an index.
pub async fn orphans_without(
    tx: &mut AnyConnection,
    catalog: &Catalog,
) -> StorageResult<Vec<String>> {
    let probes: Vec<String> = catalog
        .probes
        .iter()
        .map(|p| p.probe_code.clone())
        .collect();
    let products: Vec<String> = catalog
        .products
        .iter()
        .map(|p| p.product_code.clone())
        .collect();
    let checks = [
        ("probes", "probe_code", "probe_runs", probes),
        ("products", "product_code", "journey_events", products),
    ];
    let mut orphans = Vec::new();
    for (reference, column, facts, keep) in checks {
        let keep: std::collections::HashSet<String> = keep.into_iter().collect();
        let stored: Vec<String> = sqlx::query_scalar(&format!("SELECT {column} FROM {reference}"))
            .fetch_all(&mut *tx)
            .await?;
        for gone in stored.into_iter().filter(|code| !keep.contains(code)) {
            let used: Option<i64> = sqlx::query_scalar(&format!(
                "SELECT 1 FROM {facts} WHERE {column} = $1 LIMIT 1"
            ))
            .bind(&gone)
            .fetch_optional(&mut *tx)
            .await?;
            if used.is_some() {
                orphans.push(format!("{facts}.{column} = {gone}"));
            }
        }
    }
    Ok(orphans)
}

/// A probe with the label of its product, as the board lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeWithProduct {
    pub probe: Probe,
    pub product_label: String,
}

/// A probe row with its product's label.
#[derive(sqlx::FromRow)]
struct ProbeRow {
    probe_code: String,
    label: String,
    product_code: String,
    channel: String,
    environment: String,
    interval_s: i64,
    enabled: i64,
    product_label: String,
}

/// Every probe with its product, ordered by product label, environment (prod first),
/// channel and label.
pub async fn probes_with_products(db: &Database) -> StorageResult<Vec<ProbeWithProduct>> {
    let rows: Vec<ProbeRow> = sqlx::query_as(
        "SELECT p.probe_code, p.label, p.product_code, p.channel, p.environment, p.interval_s, \
         p.enabled, pr.label AS product_label FROM probes p \
         JOIN products pr ON pr.product_code = p.product_code \
         ORDER BY pr.label, p.environment, p.channel, p.label",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| ProbeWithProduct {
            probe: Probe {
                probe_code: row.probe_code,
                label: row.label,
                product_code: row.product_code,
                channel: row.channel,
                environment: row.environment,
                interval_s: row.interval_s,
                enabled: row.enabled != 0,
            },
            product_label: row.product_label,
        })
        .collect())
}

/// Labels of error codes, by code.
pub async fn error_labels(db: &Database) -> StorageResult<HashMap<String, String>> {
    pairs(db, "SELECT error_code, label FROM error_codes").await
}

/// Every error code (label, category, service), by code.
pub async fn error_codes(db: &Database) -> StorageResult<HashMap<String, ErrorCode>> {
    let rows: Vec<ErrorCode> =
        sqlx::query_as("SELECT error_code, label, category, service_code FROM error_codes")
            .fetch_all(db.pool())
            .await?;
    Ok(rows
        .into_iter()
        .map(|error| (error.error_code.clone(), error))
        .collect())
}

/// Each service's kind (internal or partner), by service.
pub async fn service_kinds(db: &Database) -> StorageResult<HashMap<String, ServiceKind>> {
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT service_code, kind FROM services")
        .fetch_all(db.pool())
        .await?;
    rows.into_iter()
        .map(|(code, kind)| {
            let kind = kind
                .parse()
                .map_err(|error| super::StorageError::Corrupt(format!("services.kind: {error}")))?;
            Ok((code, kind))
        })
        .collect()
}

/// Each probe's product, by probe.
pub async fn probe_products(db: &Database) -> StorageResult<HashMap<String, String>> {
    pairs(db, "SELECT probe_code, product_code FROM probes").await
}

/// A journey step and the service it calls.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StepService {
    pub product_code: String,
    pub step_code: String,
    pub service_code: String,
}

/// Every journey step's service.
pub async fn step_services(db: &Database) -> StorageResult<Vec<StepService>> {
    Ok(
        sqlx::query_as("SELECT product_code, step_code, service_code FROM journey_steps")
            .fetch_all(db.pool())
            .await?,
    )
}

/// A product's journey: its steps in order (code, label, position).
pub async fn journey_of(db: &Database, product: &str) -> StorageResult<Vec<(String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT step_code, label, position FROM journey_steps WHERE product_code = $1 \
         ORDER BY position",
    )
    .bind(product)
    .fetch_all(db.pool())
    .await?)
}

/// Every maintenance window, by start.
pub async fn maintenance_windows(db: &Database) -> StorageResult<Vec<MaintenanceWindow>> {
    Ok(sqlx::query_as(
        "SELECT window_id, scope, scope_code, starts_at, ends_at, reason FROM maintenance_windows \
         ORDER BY starts_at",
    )
    .fetch_all(db.pool())
    .await?)
}

/// A two-column query as a map from the first column to the second.
async fn pairs(db: &Database, sql: &str) -> StorageResult<HashMap<String, String>> {
    let rows: Vec<(String, String)> = sqlx::query_as(sql).fetch_all(db.pool()).await?;
    Ok(rows.into_iter().collect())
}

/// What a probe is, for filtering and grouping.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProbeCodes {
    pub probe_code: String,
    pub product_code: String,
    pub channel: String,
    pub environment: String,
}

/// The codes a query filters and groups by, read one after the other on one pooled
/// connection (an explorer page asks for several series at once; each should hold few
/// connections).
pub struct QueryCodes {
    pub probes: Vec<ProbeCodes>,
    pub step_services: Vec<StepService>,
    /// (error code, category).
    pub error_categories: Vec<(String, String)>,
}

pub async fn query_codes(db: &Database) -> StorageResult<QueryCodes> {
    let mut connection = db.pool().acquire().await?;
    let probes =
        sqlx::query_as("SELECT probe_code, product_code, channel, environment FROM probes")
            .fetch_all(&mut *connection)
            .await?;
    let step_services =
        sqlx::query_as("SELECT product_code, step_code, service_code FROM journey_steps")
            .fetch_all(&mut *connection)
            .await?;
    let error_categories = sqlx::query_as("SELECT error_code, category FROM error_codes")
        .fetch_all(&mut *connection)
        .await?;
    Ok(QueryCodes {
        probes,
        step_services,
        error_categories,
    })
}

/// Every code of one reference table (`products`, `services`, `error_codes`): the
/// column is `<table without its s>_code`.
pub async fn codes_of(db: &Database, table: ReferenceTable) -> StorageResult<Vec<String>> {
    let (table, column) = table.names();
    Ok(sqlx::query_scalar(&format!("SELECT {column} FROM {table}"))
        .fetch_all(db.pool())
        .await?)
}

/// Codes and labels of one reference table, as the explorer's filters offer them.
pub async fn labelled(
    db: &Database,
    table: ReferenceTable,
) -> StorageResult<Vec<(String, String)>> {
    let (table, column) = table.names();
    // A step code names a step in several products: one label each (the first).
    let sql = if table == "journey_steps" {
        format!("SELECT {column}, MIN(label) FROM {table} GROUP BY {column} ORDER BY {column}")
    } else {
        format!("SELECT {column}, label FROM {table} ORDER BY label, {column}")
    };
    Ok(sqlx::query_as(&sql).fetch_all(db.pool()).await?)
}

/// The reference tables whose codes are read whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReferenceTable {
    Products,
    Services,
    Probes,
    JourneySteps,
    ErrorCodes,
}

impl ReferenceTable {
    fn names(self) -> (&'static str, &'static str) {
        match self {
            ReferenceTable::Products => ("products", "product_code"),
            ReferenceTable::Services => ("services", "service_code"),
            ReferenceTable::Probes => ("probes", "probe_code"),
            ReferenceTable::JourneySteps => ("journey_steps", "step_code"),
            ReferenceTable::ErrorCodes => ("error_codes", "error_code"),
        }
    }
}
