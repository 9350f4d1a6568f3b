//! The storage layer on both engines: migrations, idempotent writes, SQLite durability.

use app::domain::status::{RunStatus, StepStatus};

use crate::support::TestDatabase;
use vigie::storage::reference::{probes_with_products, upsert_catalog, Catalog, Probe, Product};
use vigie::storage::runs::{insert_runs, ProbeRun, ProbeStep};
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

async fn reference_data_is_upserted_by_natural_key(engine: Engine) -> crate::support::TestResult {
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

/// Runs with awkward text, some fields NULL and others empty.
fn awkward_runs(count: usize) -> Vec<ProbeRun> {
    (0..count)
        .map(|index| ProbeRun {
            run_id: format!("R{index:05}"),
            probe_code: "PRB_PEA".into(),
            started_at_ms: 1_790_000_000_000 + index as i64 * 300_000,
            duration_ms: 1_000 + index as i64,
            status: if index % 7 == 0 {
                RunStatus::Ko
            } else {
                RunStatus::Ok
            },
            failed_step_code: (index % 7 == 0).then(|| "FORM".into()),
            error_code: None,
            error_message: (index % 7 == 0).then(|| "a \"quoted\", comma\nand a new line".into()),
            agent: (index % 2 == 0).then(String::new),
            steps: vec![ProbeStep {
                step_code: "FORM".into(),
                position: 1,
                started_at_ms: 1_790_000_000_000 + index as i64 * 300_000,
                duration_ms: 900,
                status: StepStatus::Ok,
                http_status: (index % 3 == 0).then_some(200),
                error_code: None,
                message: Some("ok, \"fine\"".into()),
            }],
        })
        .collect()
}

async fn bulk_and_small_batches_store_runs_exactly_and_idempotently(
    engine: Engine,
) -> crate::support::TestResult {
    let test = TestDatabase::new(engine).await?;
    upsert_catalog(&test.db, &one_probe_catalog("PEA")).await?;
    // 300 runs go through COPY on PostgreSQL; 3 through batched inserts on both.
    let runs = awkward_runs(303);
    assert_eq!(insert_runs(&test.db, &runs[..300], 1).await?, 300);
    assert_eq!(insert_runs(&test.db, &runs[300..], 1).await?, 3);
    assert_eq!(
        insert_runs(&test.db, &runs, 1).await?,
        0,
        "all are duplicates"
    );
    // A stored run sent again with other steps, in a batch of each size, keeps its own.
    let mut altered = runs.clone();
    for run in &mut altered {
        run.steps[0].step_code = "OTHER".into();
    }
    assert_eq!(insert_runs(&test.db, &altered[..300], 1).await?, 0);
    assert_eq!(insert_runs(&test.db, &altered[300..], 1).await?, 0);
    let stored: Vec<(String, Option<String>, Option<String>)> =
        sqlx::query_as("SELECT run_id, error_message, agent FROM probe_runs ORDER BY run_id")
            .fetch_all(test.db.pool())
            .await?;
    let expected: Vec<(String, Option<String>, Option<String>)> = runs
        .iter()
        .map(|run| {
            (
                run.run_id.clone(),
                run.error_message.clone(),
                run.agent.clone(),
            )
        })
        .collect();
    assert_eq!(stored, expected);
    let steps: Vec<(String, Option<i64>, Option<String>)> =
        sqlx::query_as("SELECT run_id, http_status, message FROM probe_steps ORDER BY run_id")
            .fetch_all(test.db.pool())
            .await?;
    let expected: Vec<(String, Option<i64>, Option<String>)> = runs
        .iter()
        .map(|run| {
            (
                run.run_id.clone(),
                run.steps[0].http_status,
                run.steps[0].message.clone(),
            )
        })
        .collect();
    assert_eq!(steps, expected);
    Ok(())
}
on_both_engines!(bulk_and_small_batches_store_runs_exactly_and_idempotently);

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_full_synchronous() -> crate::support::TestResult {
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
