//! `vigie import` through the real binary, on SQLite and PostgreSQL, with the geography
//! service on loopback: a drop with known defects imports its valid rows and rejects
//! exactly the invalid ones; a missing file fails the check stage and changes nothing;
//! the same drop twice changes nothing; a kill in any stage, then `resume` or
//! `restart`, gives the same final tables as an uninterrupted import; personal values
//! never appear in clear in staging, the import-error table or the logs.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Output, Stdio};
use std::sync::Arc;

use app::i18n::{Lang, Message};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use vigie::crypto::{LocalKeyProvider, PersonalDataCipher};
use vigie::import::claim::ImportClaim;
use vigie::import::PipelineError;
use vigie::storage::{Database, Engine};

use crate::support::drop::{write_drop, Expected, SECRET_NAMES};
use crate::support::geography::{FakeGeography, Fault};
use crate::support::tables::{final_tables, Tables};
use crate::support::{TestDatabase, TestResult};

/// Base64 of 32 bytes: the tests' personal-data key.
const DATA_KEY: &str = "dGVzdHMtb25seS1rZXktMzItYnl0ZXMtbG9uZyEhISE=";

fn cipher() -> Result<PersonalDataCipher, Box<dyn std::error::Error>> {
    Ok(PersonalDataCipher::new(Arc::new(
        LocalKeyProvider::from_base64(DATA_KEY)?,
    )))
}

fn vigie(database_url: &str, geography: &FakeGeography, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_vigie"));
    command
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("VIGIE_DATA_KEY", DATA_KEY)
        .env("VIGIE_GEOGRAPHY_URL", geography.base_url.as_str())
        .env("VIGIE_LOG_FORMAT", "json")
        .env_remove("VIGIE_IMPORT_HOLD_IN")
        .kill_on_drop(true);
    command
}

async fn import(
    database_url: &str,
    geography: &FakeGeography,
    args: &[&str],
) -> Result<Output, Box<dyn std::error::Error>> {
    Ok(vigie(database_url, geography, args).output().await?)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).to_string()
}

async fn fake_geography() -> Result<FakeGeography, Box<dyn std::error::Error>> {
    let geography = FakeGeography::start().await?;
    geography.fail_always("00666", Fault::Status(500));
    Ok(geography)
}

async fn latest_import(
    db: &Database,
) -> Result<(String, String, String), Box<dyn std::error::Error>> {
    Ok(sqlx::query_as(
        "SELECT import_id, status, stage FROM imports ORDER BY created_at DESC, import_id DESC LIMIT 1",
    )
    .fetch_one(db.pool())
    .await?)
}

async fn rejections(
    db: &Database,
    import_id: &str,
) -> Result<BTreeSet<Expected>, Box<dyn std::error::Error>> {
    let rows: Vec<(String, i64, String, String)> = sqlx::query_as(
        "SELECT file_type, line, column_name, rule FROM import_errors WHERE import_id = $1",
    )
    .bind(import_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().collect())
}

async fn count(db: &Database, table: &str) -> Result<i64, Box<dyn std::error::Error>> {
    Ok(sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(db.pool())
        .await?)
}

fn folder_arg(folder: &Path) -> String {
    folder.display().to_string()
}

async fn a_defective_drop_imports_valid_rows_and_rejects_the_rest(engine: Engine) -> TestResult {
    let database = TestDatabase::new(engine).await?;
    let geography = fake_geography().await?;
    let folder = tempfile::tempdir()?;
    let written = write_drop(folder.path(), true)?;
    let output = import(
        &database.url,
        &geography,
        &["import", "daily", &folder_arg(folder.path())],
    )
    .await?;
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let db = &database.db;
    let (import_id, status, stage) = latest_import(db).await?;
    assert!(stdout.contains(&import_id), "{stdout}");
    assert_eq!((status.as_str(), stage.as_str()), ("succeeded", "finish"));
    assert!(
        import_id.starts_with("IMPORT_") && import_id.len() == 26,
        "{import_id}"
    );

    assert_eq!(
        rejections(db, &import_id).await?,
        written.expected_rejections
    );
    assert_eq!(count(db, "probe_runs").await?, written.valid_runs as i64);
    assert_eq!(count(db, "probe_steps").await?, written.valid_steps as i64);
    assert_eq!(
        count(db, "prospects").await?,
        written.valid_prospects as i64
    );
    assert_eq!(
        count(db, "journey_events").await?,
        written.valid_events as i64
    );
    assert_eq!(count(db, "products").await?, 2);
    // Quoted commas and newlines came through whole; the BOM did not stick to a column.
    let message: String =
        sqlx::query_scalar("SELECT error_message FROM probe_runs WHERE run_id = 'P_CARD_WEB-120'")
            .fetch_one(db.pool())
            .await?;
    assert_eq!(message, "partner said: \"no\", then\nclosed");
    let team: String =
        sqlx::query_scalar("SELECT owner_team FROM services WHERE service_code = 'SCORING'")
            .fetch_one(db.pool())
            .await?;
    assert_eq!(team, "Risque, scoring");
    // Per-file counts.
    let (read, accepted, rejected): (i64, i64, i64) = sqlx::query_as(
        "SELECT read_rows, accepted_rows, rejected_rows FROM import_files \
         WHERE import_id = $1 AND file_type = 'probe_runs'",
    )
    .bind(&import_id)
    .fetch_one(db.pool())
    .await?;
    assert_eq!((read, accepted, rejected), (582, 576, 6));
    // Rollups and incidents follow: the 10:00–10:30 partner outage is one incident.
    let incidents: Vec<(String, i64)> =
        sqlx::query_as("SELECT probe_code, failed_runs FROM incidents ORDER BY started_at")
            .fetch_all(db.pool())
            .await?;
    assert_eq!(incidents, vec![("P_CARD_WEB".to_string(), 6)]);
    let rolled: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM rollups WHERE kind = 'r' AND resolution = 'd'",
    )
    .fetch_one(db.pool())
    .await?;
    assert_eq!(rolled, written.valid_runs as i64);
    // Enrichment: resolved codes give a place; 99999 (unknown) and 00666 (failing) are
    // loaded without one, and the failure is logged with its line, not rejected.
    let places: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT prospect_id, commune, region_code FROM prospects WHERE prospect_id IN ('PR0000', 'PR0003', 'PR0004') ORDER BY prospect_id",
    )
    .fetch_all(db.pool())
    .await?;
    assert_eq!(
        places,
        vec![
            ("PR0000".into(), Some("Paris".into()), Some("11".into())),
            ("PR0003".into(), None, None),
            ("PR0004".into(), None, None),
        ]
    );
    let logs = format!("{stdout}{stderr}");
    assert!(
        logs.contains("postal code not resolved") && logs.contains("00666"),
        "{logs}"
    );
    assert!(
        logs.contains(&format!("\"import_id\":\"{import_id}\"")),
        "{logs}"
    );
    assert!(logs.contains("\"level\":\"WARN\""), "{logs}");
    // Personal values: never in the logs, the import-error table, or the database file.
    for secret in SECRET_NAMES.iter().chain(["not-an-email", "Dupont"].iter()) {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{secret} logged"
        );
    }
    let messages: Vec<String> = sqlx::query_scalar(
        "SELECT column_name || ' ' || rule || ' ' || message FROM import_errors",
    )
    .fetch_all(db.pool())
    .await?;
    for message in &messages {
        assert!(
            !message.contains("not-an-email") && !message.contains("Dupont"),
            "{message}"
        );
    }
    if engine == Engine::Sqlite {
        assert_no_clear_personal_data_on_disk(&database.url)?;
    }
    Ok(())
}
on_both_engines!(a_defective_drop_imports_valid_rows_and_rejects_the_rest);

/// Searches the SQLite file and its WAL, byte for byte, for the personal values.
fn assert_no_clear_personal_data_on_disk(url: &str) -> TestResult {
    let path = url.trim_start_matches("sqlite://");
    for file in [path.to_string(), format!("{path}-wal")] {
        let Ok(bytes) = std::fs::read(&file) else {
            continue;
        };
        for secret in SECRET_NAMES.iter().chain(["not-an-email", "Dupont"].iter()) {
            let found = bytes
                .windows(secret.len())
                .any(|window| window == secret.as_bytes());
            assert!(!found, "{secret} in clear in {file}");
        }
    }
    Ok(())
}

async fn a_missing_file_fails_the_check_and_changes_nothing(engine: Engine) -> TestResult {
    let database = TestDatabase::new(engine).await?;
    let geography = fake_geography().await?;
    let first = tempfile::tempdir()?;
    write_drop(first.path(), false)?;
    let output = import(
        &database.url,
        &geography,
        &["import", "daily", &folder_arg(first.path())],
    )
    .await?;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let db = &database.db;
    let before = final_tables(db, &cipher()?).await?;

    let incomplete = tempfile::tempdir()?;
    write_drop(incomplete.path(), false)?;
    std::fs::remove_file(
        incomplete
            .path()
            .join(format!("probe_steps_{}.csv", crate::support::drop::DATE)),
    )?;
    let output = import(
        &database.url,
        &geography,
        &["import", "daily", &folder_arg(incomplete.path())],
    )
    .await?;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(text(&output.stderr).contains("probe_steps_20261120.csv: missing from the drop"));
    let (import_id, status, stage) = latest_import(db).await?;
    assert_eq!((status.as_str(), stage.as_str()), ("failed", "check"));
    let alerts: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, message FROM alerts WHERE subject = $1")
            .bind(&import_id)
            .fetch_all(db.pool())
            .await?;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(alerts[0].0, "import_failed");
    assert_eq!(
        Message::decode(&alerts[0].1).render(Lang::Fr),
        "étape « Contrôle du dépôt » : probe_steps_20261120.csv absent du dépôt"
    );
    assert_eq!(final_tables(db, &cipher()?).await?, before);

    // Usage errors exit with 2.
    let output = import(
        &database.url,
        &geography,
        &["import", "resume", "IMPORT_19990101_000000_001"],
    )
    .await?;
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let output = import(&database.url, &geography, &["import", "weekly"]).await?;
    assert_eq!(output.status.code(), Some(2));
    Ok(())
}
on_both_engines!(a_missing_file_fails_the_check_and_changes_nothing);

async fn the_same_drop_twice_changes_nothing(engine: Engine) -> TestResult {
    let database = TestDatabase::new(engine).await?;
    let geography = fake_geography().await?;
    let folder = tempfile::tempdir()?;
    let written = write_drop(folder.path(), true)?;
    let db = &database.db;
    let output = import(
        &database.url,
        &geography,
        &["import", "daily", &folder_arg(folder.path())],
    )
    .await?;
    assert!(output.status.success(), "{}", text(&output.stderr));
    let once = final_tables(db, &cipher()?).await?;
    let runs_once: Vec<(String, i64)> =
        sqlx::query_as("SELECT run_id, ingested_at FROM probe_runs ORDER BY run_id")
            .fetch_all(db.pool())
            .await?;
    let output = import(
        &database.url,
        &geography,
        &["import", "daily", &folder_arg(folder.path())],
    )
    .await?;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_eq!(final_tables(db, &cipher()?).await?, once);
    let runs_twice: Vec<(String, i64)> =
        sqlx::query_as("SELECT run_id, ingested_at FROM probe_runs ORDER BY run_id")
            .fetch_all(db.pool())
            .await?;
    assert_eq!(runs_twice, runs_once);
    assert_eq!(once["probe_runs"].len(), written.valid_runs);
    Ok(())
}
on_both_engines!(the_same_drop_twice_changes_nothing);

/// Runs an import held in `stage` by the test hook, kills it there (SIGKILL), and
/// answers the import's id.
async fn kill_in_stage(
    database_url: &str,
    geography: &FakeGeography,
    folder: &Path,
    stage: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    kill_in_phase_stage(database_url, geography, folder, "daily", stage).await
}

/// An import of `phase` (`initial` or `daily`) started in its own process and held in
/// `stage` (test hook).
async fn hold_in_phase_stage(
    database_url: &str,
    geography: &FakeGeography,
    folder: &Path,
    phase: &str,
    stage: &str,
) -> Result<tokio::process::Child, Box<dyn std::error::Error>> {
    let mut child = vigie(
        database_url,
        geography,
        &["import", phase, &folder_arg(folder)],
    )
    .env("VIGIE_IMPORT_HOLD_IN", stage)
    .stderr(Stdio::piped())
    .stdout(Stdio::null())
    .spawn()?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let mut lines = BufReader::new(stderr).lines();
    let wait = async {
        while let Some(line) = lines.next_line().await? {
            if line.contains(&format!("holding in stage {stage}")) {
                return Ok::<bool, std::io::Error>(true);
            }
        }
        Ok(false)
    };
    let held = tokio::time::timeout(std::time::Duration::from_secs(60), wait).await??;
    assert!(held, "the import never reached stage {stage}");
    Ok(child)
}

/// [`kill_in_stage`] for an import of `phase`.
async fn kill_in_phase_stage(
    database_url: &str,
    geography: &FakeGeography,
    folder: &Path,
    phase: &str,
    stage: &str,
) -> Result<String, Box<dyn std::error::Error>> {
    let mut child = hold_in_phase_stage(database_url, geography, folder, phase, stage).await?;
    child.start_kill()?;
    child.wait().await?;
    let db = Database::open(database_url).await?;
    let (import_id, status, current) = latest_import(&db).await?;
    db.close().await;
    assert_eq!((status.as_str(), current.as_str()), ("running", stage));
    Ok(import_id)
}

/// The final tables after an uninterrupted daily import of `folder` into a new database.
async fn uninterrupted_tables(
    engine: Engine,
    geography: &FakeGeography,
    folder: &Path,
    cipher: &PersonalDataCipher,
) -> Result<Tables, Box<dyn std::error::Error>> {
    let reference = TestDatabase::new(engine).await?;
    let output = import(
        &reference.url,
        geography,
        &["import", "daily", &folder_arg(folder)],
    )
    .await?;
    assert!(output.status.success(), "{}", text(&output.stderr));
    final_tables(&reference.db, cipher).await
}

async fn a_kill_in_any_stage_then_resume_or_restart_gives_the_same_tables(
    engine: Engine,
) -> TestResult {
    let geography = fake_geography().await?;
    let folder = tempfile::tempdir()?;
    write_drop(folder.path(), true)?;
    let cipher = cipher()?;
    let expected = uninterrupted_tables(engine, &geography, folder.path(), &cipher).await?;
    let empty = final_tables(&TestDatabase::new(engine).await?.db, &cipher).await?;

    for stage in [
        "check", "read", "validate", "enrich", "load", "rollups", "finish",
    ] {
        for action in ["resume", "restart"] {
            let database = TestDatabase::new(engine).await?;
            let import_id = kill_in_stage(&database.url, &geography, folder.path(), stage).await?;
            if ["check", "read", "validate", "enrich", "load"].contains(&stage) {
                assert_eq!(
                    final_tables(&database.db, &cipher).await?,
                    empty,
                    "killed in {stage}: final tables changed"
                );
            }
            let output = import(&database.url, &geography, &["import", action, &import_id]).await?;
            assert!(
                output.status.success(),
                "{action} after {stage}: {}",
                text(&output.stderr)
            );
            let (_, status, _) = latest_import(&database.db).await?;
            assert_eq!(status, "succeeded");
            assert_eq!(
                final_tables(&database.db, &cipher).await?,
                expected,
                "{action} after a kill in {stage}"
            );
            let leftover = count(&database.db, "import_staging").await?;
            assert_eq!(leftover, 0, "staging left after {action}");
        }
    }
    Ok(())
}
on_both_engines!(a_kill_in_any_stage_then_resume_or_restart_gives_the_same_tables);

/// While one process runs an import, `resume` and `restart` from another are refused
/// and change nothing; once that process is gone (killed), `resume` runs at once.
async fn a_running_import_is_not_run_twice(engine: Engine) -> TestResult {
    let geography = fake_geography().await?;
    let folder = tempfile::tempdir()?;
    write_drop(folder.path(), true)?;
    let database = TestDatabase::new(engine).await?;
    let mut running = hold_in_phase_stage(
        &database.url,
        &geography,
        folder.path(),
        "daily",
        "validate",
    )
    .await?;
    let (import_id, _, _) = latest_import(&database.db).await?;
    for action in ["resume", "restart"] {
        let output = import(&database.url, &geography, &["import", action, &import_id]).await?;
        assert_eq!(output.status.code(), Some(1), "{action} while running");
        let message = text(&output.stderr);
        assert!(message.contains("already running"), "{action}: {message}");
        let (_, status, stage) = latest_import(&database.db).await?;
        assert_eq!((status.as_str(), stage.as_str()), ("running", "validate"));
    }
    running.start_kill()?;
    running.wait().await?;
    // PostgreSQL ends the killed process's session (and its lock) when it reads the
    // closed socket, which may take a moment after the process is gone.
    let mut output = import(&database.url, &geography, &["import", "resume", &import_id]).await?;
    for _ in 0..20 {
        if output.status.success() || !text(&output.stderr).contains("already running") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        output = import(&database.url, &geography, &["import", "resume", &import_id]).await?;
    }
    assert!(output.status.success(), "{}", text(&output.stderr));
    let (_, status, _) = latest_import(&database.db).await?;
    assert_eq!(status, "succeeded");
    Ok(())
}
on_both_engines!(a_running_import_is_not_run_twice);

/// A claim whose lock went away under it (PostgreSQL ended the session that held it; the
/// SQLite lock file was removed) says so before the next stage, and the import can be
/// claimed again.
async fn a_lost_claim_is_noticed(engine: Engine) -> TestResult {
    let database = TestDatabase::new(engine).await?;
    let import_id = "IMPORT_20261127_051500_001";
    let mut claim = ImportClaim::take(&database.db, import_id).await?;
    claim.check_held().await?;
    match engine {
        Engine::Postgres => {
            let ended: Vec<bool> = sqlx::query_scalar(
                "SELECT pg_terminate_backend(pid) FROM pg_locks \
                 WHERE locktype = 'advisory' AND pid <> pg_backend_pid() \
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            )
            .fetch_all(database.db.pool())
            .await?;
            assert_eq!(ended, vec![true], "one session held the claim");
        }
        Engine::Sqlite => {
            let file = database.url.trim_start_matches("sqlite://");
            std::fs::remove_file(format!("{file}.{import_id}.lock"))?;
        }
    }
    assert!(matches!(
        claim.check_held().await,
        Err(PipelineError::ClaimLost(_))
    ));
    // The server ends the session a moment after it is asked to.
    let mut again = ImportClaim::take(&database.db, import_id).await;
    for _ in 0..20 {
        if again.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        again = ImportClaim::take(&database.db, import_id).await;
    }
    again?.check_held().await?;
    Ok(())
}
on_both_engines!(a_lost_claim_is_noticed);

/// Whether the database refuses both a step that names no stored run and a run that
/// names no stored probe.
async fn facts_need_what_they_name(db: &Database) -> Result<bool, Box<dyn std::error::Error>> {
    let orphan_step = sqlx::query(
        "INSERT INTO probe_steps (run_id, step_code, position, started_at, duration_ms, status) \
         VALUES ('NO_SUCH_RUN', 'HOME', 1, 0, 1, 'OK')",
    )
    .execute(db.pool())
    .await;
    let orphan_run = sqlx::query(
        "INSERT INTO probe_runs (run_id, probe_code, started_at, duration_ms, status, ingested_at) \
         VALUES ('RUN_OF_NO_PROBE', 'NO_SUCH_PROBE', 0, 1, 'OK', 0)",
    )
    .execute(db.pool())
    .await;
    Ok(orphan_step.is_err() && orphan_run.is_err())
}

/// How many work tables of bulk loads the database holds (PostgreSQL).
async fn bulk_work_tables(db: &Database) -> Result<i64, Box<dyn std::error::Error>> {
    if db.engine() != Engine::Postgres {
        return Ok(0);
    }
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM pg_tables WHERE tablename LIKE 'bulk\\_%'")
            .fetch_one(db.pool())
            .await?,
    )
}

/// An initial load keeps its validated runs and steps in work tables (PostgreSQL) and
/// checks runs against probes and steps against runs in one join per key at the end of
/// its load transaction (the per-row keys are dropped meanwhile): killed in the stages
/// that fill and empty them, nothing changed and the keys are still there; resumed, it
/// loads the same tables as a daily import, the keys are back and no work table is left.
async fn an_initial_load_killed_in_load_keeps_the_fact_keys(engine: Engine) -> TestResult {
    let geography = fake_geography().await?;
    let folder = tempfile::tempdir()?;
    write_drop(folder.path(), true)?;
    let cipher = cipher()?;
    let expected = uninterrupted_tables(engine, &geography, folder.path(), &cipher).await?;

    for stage in ["validate", "enrich", "load"] {
        let database = TestDatabase::new(engine).await?;
        let empty = final_tables(&database.db, &cipher).await?;
        let import_id =
            kill_in_phase_stage(&database.url, &geography, folder.path(), "initial", stage).await?;
        assert_eq!(final_tables(&database.db, &cipher).await?, empty);
        assert!(
            facts_need_what_they_name(&database.db).await?,
            "keys gone after a kill in {stage}"
        );
        if engine == Engine::Postgres && stage != "validate" {
            assert_eq!(bulk_work_tables(&database.db).await?, 2, "after {stage}");
        }
        let output = import(&database.url, &geography, &["import", "resume", &import_id]).await?;
        assert!(output.status.success(), "{}", text(&output.stderr));
        assert_eq!(
            final_tables(&database.db, &cipher).await?,
            expected,
            "resumed after a kill in {stage}"
        );
        assert!(
            facts_need_what_they_name(&database.db).await?,
            "keys gone after the load"
        );
        assert_eq!(bulk_work_tables(&database.db).await?, 0, "work tables left");
    }
    Ok(())
}
on_both_engines!(an_initial_load_killed_in_load_keeps_the_fact_keys);

/// Columns (type, collation, nullability, default, position), constraints, indexes and
/// persistence of the fact tables, one line each, sorted.
async fn fact_tables_schema(db: &Database) -> Result<String, Box<dyn std::error::Error>> {
    Ok(sqlx::query_scalar(
        "SELECT string_agg(line, E'\\n' ORDER BY line) FROM ( \
           SELECT 'column ' || c.relname || ' ' || a.attname || ' ' \
               || format_type(a.atttypid, a.atttypmod) || ' ' || COALESCE(co.collname, '-') \
               || ' ' || a.attnotnull::TEXT || ' ' || COALESCE(pg_get_expr(d.adbin, d.adrelid), '-') \
               || ' ' || row_number() OVER (PARTITION BY c.relname ORDER BY a.attnum) AS line \
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
           LEFT JOIN pg_collation co ON co.oid = a.attcollation \
           LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
           WHERE c.oid IN ('probe_runs'::REGCLASS, 'probe_steps'::REGCLASS) \
             AND a.attnum > 0 AND NOT a.attisdropped \
           UNION ALL SELECT 'constraint ' || conrelid::REGCLASS::TEXT || ' ' || conname || ' ' \
               || pg_get_constraintdef(oid) FROM pg_constraint \
           WHERE conrelid IN ('probe_runs'::REGCLASS, 'probe_steps'::REGCLASS) \
           UNION ALL SELECT 'index ' || indexdef FROM pg_indexes \
           WHERE schemaname = current_schema() AND tablename IN ('probe_runs', 'probe_steps') \
           UNION ALL SELECT 'table ' || relname || ' ' || relpersistence::TEXT || ' ' || relkind::TEXT FROM pg_class \
           WHERE oid IN ('probe_runs'::REGCLASS, 'probe_steps'::REGCLASS)) lines",
    )
    .fetch_one(db.pool())
    .await?)
}

/// On PostgreSQL an initial load into empty fact tables puts its work tables in their
/// place instead of copying their rows once more: the tables it leaves have the same
/// columns, keys, checks and indexes as the migrations made, and the same rows as a
/// daily import of the drop.
#[tokio::test]
async fn an_initial_load_into_empty_tables_puts_its_work_tables_in_place() -> TestResult {
    let geography = fake_geography().await?;
    let folder = tempfile::tempdir()?;
    write_drop(folder.path(), true)?;
    let cipher = cipher()?;
    let expected =
        uninterrupted_tables(Engine::Postgres, &geography, folder.path(), &cipher).await?;
    let database = TestDatabase::new(Engine::Postgres).await?;
    let schema = fact_tables_schema(&database.db).await?;
    assert!(
        schema.contains("constraint probe_steps probe_steps_pkey PRIMARY KEY (run_id, step_code)")
    );
    assert!(
        schema.contains("column probe_steps run_id text C true - 1"),
        "{schema}"
    );

    let output = import(
        &database.url,
        &geography,
        &["import", "initial", &folder_arg(folder.path())],
    )
    .await?;
    let log = text(&output.stdout) + &text(&output.stderr);
    assert!(output.status.success(), "{log}");
    for table in ["probe_runs", "probe_steps"] {
        assert!(
            log.contains(&format!("\"table\":\"{table}\""))
                && log.contains("put in place of their empty table"),
            "{table} not put in place: {log}"
        );
    }
    assert_eq!(fact_tables_schema(&database.db).await?, schema);
    assert_eq!(final_tables(&database.db, &cipher).await?, expected);
    assert!(facts_need_what_they_name(&database.db).await?);
    assert_eq!(bulk_work_tables(&database.db).await?, 0, "work tables left");
    Ok(())
}

/// Changes the duration of the first data row of one of the drop's files.
fn change_first_duration(folder: &Path, file: &str, column: usize) -> TestResult {
    let path = folder.join(format!("{file}_{}.csv", crate::support::drop::DATE));
    let text = std::fs::read_to_string(&path)?;
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let mut cells: Vec<String> = lines[1].split(',').map(str::to_string).collect();
    cells[column] = "4321".into();
    lines[1] = cells.join(",");
    std::fs::write(&path, lines.join("\n"))?;
    Ok(())
}

/// An initial load onto stored facts upserts them as a daily import does: changed rows
/// are updated, the rest stay as they were, whether the load rebuilds the tables'
/// indexes (PostgreSQL, when the drop outnumbers what is stored) or keeps them (when it
/// does not); the keys still hold afterwards.
async fn an_initial_load_onto_stored_facts_upserts_them(engine: Engine) -> TestResult {
    let geography = fake_geography().await?;
    let (original, changed) = (tempfile::tempdir()?, tempfile::tempdir()?);
    write_drop(original.path(), false)?;
    write_drop(changed.path(), false)?;
    change_first_duration(changed.path(), "probe_runs", 3)?;
    change_first_duration(changed.path(), "probe_steps", 4)?;
    let cipher = cipher()?;
    let expected = uninterrupted_tables(engine, &geography, changed.path(), &cipher).await?;

    let database = TestDatabase::new(engine).await?;
    let daily = ["import", "daily", &folder_arg(original.path())];
    let output = import(&database.url, &geography, &daily).await?;
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert_ne!(final_tables(&database.db, &cipher).await?, expected);
    // Fewer steps stored than the drop brings: the first load rebuilds their key.
    sqlx::query("DELETE FROM probe_steps WHERE run_id NOT LIKE '%-00_'")
        .execute(database.db.pool())
        .await?;
    let initial = ["import", "initial", &folder_arg(changed.path())];
    for (round, indexes) in [(1, "rebuilt"), (2, "kept")] {
        let output = import(&database.url, &geography, &initial).await?;
        let log = text(&output.stdout) + &text(&output.stderr);
        assert!(output.status.success(), "{log}");
        assert_eq!(
            final_tables(&database.db, &cipher).await?,
            expected,
            "initial load {round}"
        );
        if engine == Engine::Postgres {
            let moved =
                format!("\"table\":\"probe_steps\",\"rows\":1440,\"indexes\":\"{indexes}\"");
            assert!(log.contains(&moved), "load {round}: {log}");
        }
        assert!(facts_need_what_they_name(&database.db).await?);
        let duplicate = sqlx::query(
            "INSERT INTO probe_steps (run_id, step_code, position, started_at, duration_ms, status) \
             SELECT run_id, step_code, position, started_at, duration_ms, status FROM probe_steps LIMIT 1",
        )
        .execute(database.db.pool())
        .await;
        assert!(
            duplicate.is_err(),
            "the steps' key is gone after load {round}"
        );
    }
    Ok(())
}
on_both_engines!(an_initial_load_onto_stored_facts_upserts_them);

async fn staging_holds_personal_data_encrypted(engine: Engine) -> TestResult {
    let database = TestDatabase::new(engine).await?;
    let geography = fake_geography().await?;
    let folder = tempfile::tempdir()?;
    write_drop(folder.path(), true)?;
    kill_in_stage(&database.url, &geography, folder.path(), "validate").await?;
    let payloads: Vec<String> =
        sqlx::query_scalar("SELECT payload FROM import_staging WHERE file_type = 'prospects'")
            .fetch_all(database.db.pool())
            .await?;
    assert!(!payloads.is_empty());
    for payload in &payloads {
        for secret in SECRET_NAMES.iter().chain(["not-an-email", "Dupont"].iter()) {
            assert!(!payload.contains(secret), "{secret} in clear in staging");
        }
        assert!(payload.contains("PR0000") && payload.contains("75001"));
    }
    if engine == Engine::Sqlite {
        assert_no_clear_personal_data_on_disk(&database.url)?;
    }
    Ok(())
}
on_both_engines!(staging_holds_personal_data_encrypted);

async fn an_initial_load_resolves_distinct_postal_codes_in_parallel(engine: Engine) -> TestResult {
    let database = TestDatabase::new(engine).await?;
    let geography = fake_geography().await?;
    geography.set_delay(std::time::Duration::from_millis(50));
    let folder = tempfile::tempdir()?;
    write_drop(folder.path(), false)?;
    vigie::storage::branches::upsert_branch(&database.db, "11", "Agence Île-de-France", 0).await?;
    let output = vigie(
        &database.url,
        &geography,
        &["import", "initial", &folder_arg(folder.path())],
    )
    .env("VIGIE_GEOGRAPHY_CONCURRENCY", "3")
    .output()
    .await?;
    assert!(output.status.success(), "{}", text(&output.stderr));
    // Twenty prospects share five postal codes: each resolved once, several at a time,
    // never more than the concurrency; the failing one is retried, then left empty.
    for code in ["75001", "69001", "13001", "99999"] {
        assert_eq!(geography.calls(code), 1, "{code}");
    }
    assert_eq!(geography.calls("00666"), 3, "retried up to the attempts");
    assert!(
        (2..=3).contains(&geography.max_in_flight()),
        "{}",
        geography.max_in_flight()
    );
    let places: Vec<(String, Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT postal_code, commune, department_code FROM prospects ORDER BY prospect_id LIMIT 5",
    )
    .fetch_all(database.db.pool())
    .await?;
    assert_eq!(
        places,
        vec![
            ("75001".into(), Some("Paris".into()), Some("75".into())),
            ("69001".into(), Some("Lyon".into()), Some("69".into())),
            ("13001".into(), Some("Marseille".into()), Some("13".into())),
            ("99999".into(), None, None),
            ("00666".into(), None, None),
        ]
    );
    let branches: Vec<(String, Option<String>)> = sqlx::query_as(
        "SELECT postal_code, sales_branch FROM prospects WHERE prospect_id IN ('PR0000', 'PR0001')",
    )
    .fetch_all(database.db.pool())
    .await?;
    assert!(
        branches.contains(&("75001".into(), Some("Agence Île-de-France".into()))),
        "{branches:?}"
    );
    assert!(branches.contains(&("69001".into(), None)), "{branches:?}");
    Ok(())
}
on_both_engines!(an_initial_load_resolves_distinct_postal_codes_in_parallel);
