//! The storage layer on both engines: migrations, idempotent writes, SQLite durability.

mod support;

use support::TestDatabase;
use vigie::storage::reference::{probes_with_products, upsert_catalog, Catalog, Probe, Product};
use vigie::storage::Engine;

fn one_probe_catalog(label: &str) -> Catalog {
    Catalog {
        products: vec![Product {
            product_code: "PEA".into(),
            label: label.into(),
            active: true,
        }],
        probes: vec![Probe {
            probe_code: "PRB_PEA".into(),
            label: "PEA web".into(),
            product_code: "PEA".into(),
            channel: "web".into(),
            environment: "prod".into(),
            interval_s: 300,
            enabled: true,
        }],
        ..Catalog::default()
    }
}

async fn reference_data_is_upserted_by_natural_key(engine: Engine) -> support::TestResult {
    let test = TestDatabase::new(engine).await?;
    upsert_catalog(&test.db, &one_probe_catalog("Plan d'épargne")).await?;
    upsert_catalog(&test.db, &one_probe_catalog("Plan d'épargne en actions")).await?;
    let probes = probes_with_products(&test.db).await?;
    assert_eq!(probes.len(), 1);
    assert_eq!(probes[0].product_label, "Plan d'épargne en actions");
    // Migrating again is a no-op.
    test.db.migrate().await?;
    Ok(())
}
on_both_engines!(reference_data_is_upserted_by_natural_key);

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_full_synchronous() -> support::TestResult {
    use sqlx::Row;
    let test = TestDatabase::new(Engine::Sqlite).await?;
    let mode: String = sqlx::query("PRAGMA journal_mode")
        .fetch_one(test.db.pool())
        .await?
        .try_get(0)?;
    let synchronous: i64 = sqlx::query("PRAGMA synchronous")
        .fetch_one(test.db.pool())
        .await?
        .try_get(0)?;
    assert_eq!(mode, "wal");
    assert_eq!(synchronous, 2, "FULL is 2");
    Ok(())
}
