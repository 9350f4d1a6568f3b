//! Probe runs and their steps: writing (idempotent by natural key) and the reads the
//! status board needs.
//!
//! Live runs are inserted ([`insert_runs`]: `ON CONFLICT DO NOTHING`, a run is stored
//! once by `run_id`; with `COPY` from 200 runs on PostgreSQL); the file import upserts
//! ([`upsert_runs`], [`upsert_steps`]: a changed row is updated, a run keeps its first
//! `ingested_at`). Each table's columns, natural key and kept columns are named once, in
//! [`RUNS`] and [`STEPS`], which the batched upserts and PostgreSQL's bulk load
//! (`storage::bulk_load`) both use. Every step names a stored run and every run a stored
//! probe (foreign keys on both engines); a PostgreSQL initial load drops those keys
//! inside its load transaction and adds them back before commit ([`suspend_fact_keys`],
//! [`check_fact_keys`]): one join per key instead of a check per row.

use std::collections::{HashMap, HashSet};

use app::domain::status::{RunStatus, StepStatus};
use sqlx::{AnyConnection, Row};

use super::batch::AnyQuery;
use super::copy::{copy_into, CopyRows};
use super::{BatchInsert, Database, Engine, StorageResult};

#[derive(Debug, Clone, PartialEq)]
pub struct ProbeStep {
    pub step_code: String,
    pub position: i64,
    pub started_at_ms: i64,
    pub duration_ms: i64,
    pub status: StepStatus,
    pub http_status: Option<i64>,
    pub error_code: Option<String>,
    pub message: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProbeRun {
    pub run_id: String,
    pub probe_code: String,
    pub started_at_ms: i64,
    pub duration_ms: i64,
    pub status: RunStatus,
    pub failed_step_code: Option<String>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    pub agent: Option<String>,
    pub steps: Vec<ProbeStep>,
}

/// From this many runs on, PostgreSQL loads them with `COPY`.
const COPY_FROM_RUNS: usize = 200;

pub const RUN_COLUMNS: &str =
    "run_id, probe_code, started_at, duration_ms, status, failed_step_code, \
     error_code, error_message, agent, ingested_at";
pub const STEP_COLUMNS: &str =
    "run_id, step_code, position, started_at, duration_ms, status, http_status, error_code, message";

/// A fact table as an upsert sees it: its columns, its natural key, and the columns a
/// changed row keeps.
pub struct FactTable {
    pub table: &'static str,
    pub columns: &'static str,
    pub key: &'static [&'static str],
    /// Columns a changed row keeps (a run keeps its first `ingested_at`).
    pub kept: &'static [&'static str],
}

impl FactTable {
    /// The columns a changed row gets from new data: all but the key and the kept ones.
    pub fn updated(&self) -> Vec<&'static str> {
        self.columns
            .split(',')
            .map(str::trim)
            .filter(|column| !self.key.contains(column) && !self.kept.contains(column))
            .collect()
    }

    /// Multi-row inserts of every column, each statement ending with `tail`.
    fn insert(&self, tail: &str) -> BatchInsert {
        BatchInsert::new(
            &format!("INSERT INTO {} ({})", self.table, self.columns),
            self.columns.split(',').count(),
            tail,
        )
    }

    /// Multi-row inserts that update the stored row of the same key:
    /// `ON CONFLICT (<key>) DO UPDATE SET <column> = excluded.<column>, …`.
    fn upsert(&self) -> BatchInsert {
        let set: Vec<String> = self
            .updated()
            .iter()
            .map(|column| format!("{column} = excluded.{column}"))
            .collect();
        self.insert(&format!(
            "ON CONFLICT ({}) DO UPDATE SET {}",
            self.key.join(", "),
            set.join(", ")
        ))
    }
}

pub const RUNS: FactTable = FactTable {
    table: "probe_runs",
    columns: RUN_COLUMNS,
    key: &["run_id"],
    kept: &["ingested_at"],
};

pub const STEPS: FactTable = FactTable {
    table: "probe_steps",
    columns: STEP_COLUMNS,
    key: &["run_id", "step_code"],
    kept: &[],
};

/// Stores runs and their steps in one transaction; a run whose `run_id` is already
/// stored is left as it is, steps included (idempotent retries; the steps of a run
/// are stored with it only). Answers how many runs were new.
pub async fn insert_runs(db: &Database, runs: &[ProbeRun], now_ms: i64) -> StorageResult<u64> {
    if let Some(pg_pool) = db.pg_pool().filter(|_| runs.len() >= COPY_FROM_RUNS) {
        return copy_runs(pg_pool, runs, now_ms).await;
    }
    let run_insert = RUNS.insert("ON CONFLICT (run_id) DO NOTHING RETURNING run_id");
    let step_insert = STEPS.insert("ON CONFLICT (run_id, step_code) DO NOTHING");
    let mut tx = db.pool().begin().await?;
    let mut new_runs: HashSet<String> = HashSet::new();
    for chunk in runs.chunks(run_insert.rows_per_statement(db.engine())) {
        let sql = run_insert.sql(db.engine(), chunk.len());
        let mut query: AnyQuery<'_> = sqlx::query(&sql);
        for run in chunk {
            query = bind_run(query, run, now_ms);
        }
        for row in query.fetch_all(&mut *tx).await? {
            new_runs.insert(row.try_get("run_id")?);
        }
    }
    let steps: Vec<(&str, &ProbeStep)> = new_runs_of(runs, &new_runs)
        .flat_map(|run| {
            run.steps
                .iter()
                .map(move |step| (run.run_id.as_str(), step))
        })
        .collect();
    for chunk in steps.chunks(step_insert.rows_per_statement(db.engine())) {
        let sql = step_insert.sql(db.engine(), chunk.len());
        let mut query: AnyQuery<'_> = sqlx::query(&sql);
        for (run_id, step) in chunk {
            query = bind_step(query, run_id, step);
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(new_runs.len() as u64)
}

fn bind_run<'q>(query: AnyQuery<'q>, run: &'q ProbeRun, ingested_at_ms: i64) -> AnyQuery<'q> {
    query
        .bind(&run.run_id)
        .bind(&run.probe_code)
        .bind(run.started_at_ms)
        .bind(run.duration_ms)
        .bind(run.status.as_str())
        .bind(&run.failed_step_code)
        .bind(&run.error_code)
        .bind(&run.error_message)
        .bind(&run.agent)
        .bind(ingested_at_ms)
}

fn bind_step<'q>(query: AnyQuery<'q>, run_id: &'q str, step: &'q ProbeStep) -> AnyQuery<'q> {
    query
        .bind(run_id)
        .bind(&step.step_code)
        .bind(step.position)
        .bind(step.started_at_ms)
        .bind(step.duration_ms)
        .bind(step.status.as_str())
        .bind(step.http_status)
        .bind(&step.error_code)
        .bind(&step.message)
}

/// Inserts runs, or updates them by `run_id` (a file import's upsert: a later drop may
/// correct a run; `ingested_at` keeps the first arrival). Their `steps` are not
/// written; see [`upsert_steps`].
pub async fn upsert_runs(
    connection: &mut AnyConnection,
    engine: Engine,
    runs: &[ProbeRun],
    ingested_at_ms: i64,
) -> StorageResult<()> {
    let insert = RUNS.upsert();
    insert
        .execute_all(connection, engine, runs, |query, run| {
            bind_run(query, run, ingested_at_ms)
        })
        .await
}

/// Inserts steps, or updates them by (`run_id`, `step_code`), whether their run came in
/// the same batch or was stored earlier.
pub async fn upsert_steps(
    connection: &mut AnyConnection,
    engine: Engine,
    steps: &[(String, ProbeStep)],
) -> StorageResult<()> {
    let insert = STEPS.upsert();
    insert
        .execute_all(connection, engine, steps, |query, (run_id, step)| {
            bind_step(query, run_id, step)
        })
        .await
}

/// The foreign keys from facts to what they name (PostgreSQL): table, key name and
/// definition. Runs name their probe, steps their run.
const FACT_KEYS: [(&str, &str, &str); 2] = [
    (
        "probe_runs",
        "probe_runs_probe_code_fkey",
        "FOREIGN KEY (probe_code) REFERENCES probes (probe_code)",
    ),
    (
        "probe_steps",
        "probe_steps_run_id_fkey",
        "FOREIGN KEY (run_id) REFERENCES probe_runs (run_id)",
    ),
];

/// A bulk load's way around PostgreSQL's per-row foreign-key checks (one trigger query
/// per row: more than half of a step upsert's cost, and three quarters of moving a year of
/// runs): the run → probe and step → run keys are dropped inside the caller's
/// transaction, and [`check_fact_keys`] adds them back, which checks every fact in one
/// join per key before the transaction can commit. Dropping them locks the tables until
/// then. Does nothing on SQLite, whose checks are cheap.
pub async fn suspend_fact_keys(
    connection: &mut AnyConnection,
    engine: Engine,
) -> StorageResult<()> {
    if engine == Engine::Postgres {
        for (table, key, _) in FACT_KEYS {
            sqlx::query(&format!("ALTER TABLE {table} DROP CONSTRAINT {key}"))
                .execute(&mut *connection)
                .await?;
        }
    }
    Ok(())
}

/// Adds back the keys [`suspend_fact_keys`] dropped; fails if a run names no stored
/// probe or a step no stored run.
pub async fn check_fact_keys(connection: &mut AnyConnection, engine: Engine) -> StorageResult<()> {
    if engine == Engine::Postgres {
        for (table, key, definition) in FACT_KEYS {
            sqlx::query(&format!(
                "ALTER TABLE {table} ADD CONSTRAINT {key} {definition}"
            ))
            .execute(&mut *connection)
            .await?;
        }
    }
    Ok(())
}

/// The probe of each of `run_ids` that is stored.
pub async fn stored_run_probes(
    connection: &mut AnyConnection,
    run_ids: &[String],
) -> StorageResult<HashMap<String, String>> {
    let mut found = HashMap::new();
    for chunk in run_ids.chunks(200) {
        let placeholders: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
        let sql = format!(
            "SELECT run_id, probe_code FROM probe_runs WHERE run_id IN ({})",
            placeholders.join(",")
        );
        let mut query = sqlx::query(&sql);
        for id in chunk {
            query = query.bind(id);
        }
        for row in query.fetch_all(&mut *connection).await? {
            found.insert(row.try_get("run_id")?, row.try_get("probe_code")?);
        }
    }
    Ok(found)
}

/// The same as the batched inserts, through PostgreSQL's `COPY` (bulk loads).
async fn copy_runs(pool: &sqlx::PgPool, runs: &[ProbeRun], now_ms: i64) -> StorageResult<u64> {
    let mut run_rows = CopyRows::new();
    for run in runs {
        copy_run_row(&mut run_rows, run, now_ms);
    }
    let mut tx = pool.begin().await?;
    let new_runs: HashSet<String> =
        copy_into(&mut tx, RUNS.table, RUNS.columns, run_rows, "run_id")
            .await?
            .into_iter()
            .collect();
    let mut step_rows = CopyRows::new();
    for run in new_runs_of(runs, &new_runs) {
        for step in &run.steps {
            copy_step_row(&mut step_rows, &run.run_id, step);
        }
    }
    copy_into(&mut tx, STEPS.table, STEPS.columns, step_rows, "run_id").await?;
    tx.commit().await?;
    Ok(new_runs.len() as u64)
}

/// A run as a `COPY` row of [`RUN_COLUMNS`].
pub fn copy_run_row(rows: &mut CopyRows, run: &ProbeRun, ingested_at_ms: i64) {
    rows.text(Some(&run.run_id))
        .text(Some(&run.probe_code))
        .number(Some(run.started_at_ms))
        .number(Some(run.duration_ms))
        .text(Some(run.status.as_str()))
        .text(run.failed_step_code.as_deref())
        .text(run.error_code.as_deref())
        .text(run.error_message.as_deref())
        .text(run.agent.as_deref())
        .number(Some(ingested_at_ms))
        .end_row();
}

/// A step as a `COPY` row of [`STEP_COLUMNS`].
pub fn copy_step_row(rows: &mut CopyRows, run_id: &str, step: &ProbeStep) {
    rows.text(Some(run_id))
        .text(Some(&step.step_code))
        .number(Some(step.position))
        .number(Some(step.started_at_ms))
        .number(Some(step.duration_ms))
        .text(Some(step.status.as_str()))
        .number(step.http_status)
        .text(step.error_code.as_deref())
        .text(step.message.as_deref())
        .end_row();
}

/// The runs whose id is in `new_runs`, each once (the first of repeated ids).
fn new_runs_of<'a>(
    runs: &'a [ProbeRun],
    new_runs: &'a HashSet<String>,
) -> impl Iterator<Item = &'a ProbeRun> + 'a {
    let mut seen = HashSet::new();
    runs.iter()
        .filter(move |run| new_runs.contains(&run.run_id) && seen.insert(run.run_id.as_str()))
}

/// A run without its steps, as the board and the runs list read it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct RunSummary {
    pub run_id: String,
    pub probe_code: String,
    #[sqlx(rename = "started_at")]
    pub started_at_ms: i64,
    pub duration_ms: i64,
    #[sqlx(try_from = "String")]
    pub status: RunStatus,
    pub failed_step_code: Option<String>,
    pub error_code: Option<String>,
}

pub const RUN_SUMMARY_COLUMNS: &str =
    "run_id, probe_code, started_at, duration_ms, status, failed_step_code, error_code";

/// Runs started at or after `since_ms`, grouped by probe, oldest first.
pub async fn recent_runs(
    db: &Database,
    since_ms: i64,
) -> StorageResult<HashMap<String, Vec<RunSummary>>> {
    // Ordered by time only, and grouped here: ordered by probe too, SQLite read the whole
    // (probe, time) index for its order instead of the recent end of the time index (the
    // board took 82 ms instead of 11 over a year of runs).
    let sql = format!(
        "SELECT {RUN_SUMMARY_COLUMNS} FROM probe_runs WHERE started_at >= $1 ORDER BY started_at"
    );
    let runs: Vec<RunSummary> = sqlx::query_as(&sql)
        .bind(since_ms)
        .fetch_all(db.pool())
        .await?;
    let mut by_probe: HashMap<String, Vec<RunSummary>> = HashMap::new();
    for run in runs {
        by_probe
            .entry(run.probe_code.clone())
            .or_default()
            .push(run);
    }
    Ok(by_probe)
}

/// The newest run of a probe, if it has any.
pub async fn last_run(db: &Database, probe_code: &str) -> StorageResult<Option<RunSummary>> {
    let sql = format!(
        "SELECT {RUN_SUMMARY_COLUMNS} FROM probe_runs WHERE probe_code = $1 ORDER BY started_at DESC LIMIT 1"
    );
    Ok(sqlx::query_as(&sql)
        .bind(probe_code)
        .fetch_optional(db.pool())
        .await?)
}

/// When the newest stored run started, if any.
pub async fn latest_started_at(db: &Database) -> StorageResult<Option<i64>> {
    Ok(started_span(db).await?.map(|(_, last)| last))
}

/// When the oldest and the newest stored runs started, if there is any.
pub async fn started_span(db: &Database) -> StorageResult<Option<(i64, i64)>> {
    let span: (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT MIN(started_at), MAX(started_at) FROM probe_runs")
            .fetch_one(db.pool())
            .await?;
    Ok(span.0.zip(span.1))
}
