//! The import pipeline's own tables: imports, their stages, their files, their rejected
//! rows, their raw staging chunks and the geography answers of their enrich stage
//! (migration 0006). Each import's work can be cleared table by table (`WorkTable`), so
//! that a stage run again, or a restart, starts from nothing.

use app::domain::imports::{ImportStatus, Phase, Stage};
use sqlx::AnyConnection;

use super::{BatchInsert, Database, StorageResult};

/// One import as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct ImportRecord {
    pub import_id: String,
    #[sqlx(try_from = "String")]
    pub phase: Phase,
    pub folder: String,
    pub business_date: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: ImportStatus,
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    /// "Now" for the future-timestamp rule, fixed when the import was created, so that a
    /// resumed import judges rows as the first attempt did.
    pub reference_ms: i64,
    #[sqlx(rename = "created_at")]
    pub created_at_ms: i64,
    #[sqlx(rename = "finished_at")]
    pub finished_at_ms: Option<i64>,
    pub failure: Option<String>,
    #[sqlx(rename = "touched_from")]
    pub touched_from_ms: Option<i64>,
    #[sqlx(rename = "touched_to")]
    pub touched_to_ms: Option<i64>,
}

const IMPORT_COLUMNS: &str = "import_id, phase, folder, business_date, status, stage, \
     reference_ms, created_at, finished_at, failure, touched_from, touched_to";

/// Stores a new import; answers false when its id is taken.
pub async fn create(db: &Database, import: &ImportRecord) -> StorageResult<bool> {
    let sql = format!(
        "INSERT INTO imports ({IMPORT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (import_id) DO NOTHING"
    );
    let done = sqlx::query(&sql)
        .bind(&import.import_id)
        .bind(import.phase.as_str())
        .bind(&import.folder)
        .bind(&import.business_date)
        .bind(import.status.as_str())
        .bind(import.stage.as_str())
        .bind(import.reference_ms)
        .bind(import.created_at_ms)
        .bind(import.finished_at_ms)
        .bind(&import.failure)
        .bind(import.touched_from_ms)
        .bind(import.touched_to_ms)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn find(db: &Database, import_id: &str) -> StorageResult<Option<ImportRecord>> {
    let sql = format!("SELECT {IMPORT_COLUMNS} FROM imports WHERE import_id = $1");
    Ok(sqlx::query_as(&sql)
        .bind(import_id)
        .fetch_optional(db.pool())
        .await?)
}

/// The newest imports first.
pub async fn list(db: &Database, limit: i64) -> StorageResult<Vec<ImportRecord>> {
    let sql = format!(
        "SELECT {IMPORT_COLUMNS} FROM imports ORDER BY created_at DESC, import_id DESC LIMIT $1"
    );
    Ok(sqlx::query_as(&sql)
        .bind(limit)
        .fetch_all(db.pool())
        .await?)
}

/// Moves an import to `stage` with `status` (and clears an earlier failure).
pub async fn set_stage(
    connection: &mut AnyConnection,
    import_id: &str,
    stage: Stage,
    status: ImportStatus,
) -> StorageResult<()> {
    sqlx::query("UPDATE imports SET stage = $1, status = $2, failure = NULL WHERE import_id = $3")
        .bind(stage.as_str())
        .bind(status.as_str())
        .bind(import_id)
        .execute(connection)
        .await?;
    Ok(())
}

pub async fn set_business_date(db: &Database, import_id: &str, date: &str) -> StorageResult<()> {
    sqlx::query("UPDATE imports SET business_date = $1 WHERE import_id = $2")
        .bind(date)
        .bind(import_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The range of facts the load stage wrote, for the rollups stage.
pub async fn set_touched(
    connection: &mut AnyConnection,
    import_id: &str,
    range: Option<(i64, i64)>,
) -> StorageResult<()> {
    sqlx::query("UPDATE imports SET touched_from = $1, touched_to = $2 WHERE import_id = $3")
        .bind(range.map(|(from, _)| from))
        .bind(range.map(|(_, to)| to))
        .bind(import_id)
        .execute(connection)
        .await?;
    Ok(())
}

pub async fn fail(db: &Database, import_id: &str, reason: &str, now_ms: i64) -> StorageResult<()> {
    sqlx::query(
        "UPDATE imports SET status = $1, failure = $2, finished_at = $3 WHERE import_id = $4",
    )
    .bind(ImportStatus::Failed.as_str())
    .bind(reason)
    .bind(now_ms)
    .bind(import_id)
    .execute(db.pool())
    .await?;
    sqlx::query(
        "UPDATE import_stages SET status = $1, ended_at = $2 WHERE import_id = $3 AND status = $4",
    )
    .bind(ImportStatus::Failed.as_str())
    .bind(now_ms)
    .bind(import_id)
    .bind(ImportStatus::Running.as_str())
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn succeed(db: &Database, import_id: &str, now_ms: i64) -> StorageResult<()> {
    sqlx::query(
        "UPDATE imports SET status = $1, stage = $2, finished_at = $3 WHERE import_id = $4",
    )
    .bind(ImportStatus::Succeeded.as_str())
    .bind(Stage::Finish.as_str())
    .bind(now_ms)
    .bind(import_id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// One stage of an import as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StageRecord {
    #[sqlx(try_from = "String")]
    pub stage: Stage,
    #[sqlx(rename = "started_at")]
    pub started_at_ms: i64,
    #[sqlx(rename = "ended_at")]
    pub ended_at_ms: Option<i64>,
    #[sqlx(try_from = "String")]
    pub status: ImportStatus,
    pub rows_done: i64,
}

pub async fn stage_started(
    db: &Database,
    import_id: &str,
    stage: Stage,
    now_ms: i64,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO import_stages (import_id, stage, started_at, status, rows_done) \
         VALUES ($1, $2, $3, $4, 0) ON CONFLICT (import_id, stage) DO UPDATE SET \
         started_at = excluded.started_at, ended_at = NULL, status = excluded.status, rows_done = 0",
    )
    .bind(import_id)
    .bind(stage.as_str())
    .bind(now_ms)
    .bind(ImportStatus::Running.as_str())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Records a stage's end and moves the import to `next_stage`, in one statement
/// sequence on `connection` (the load stage passes its own transaction).
pub async fn stage_succeeded(
    connection: &mut AnyConnection,
    import_id: &str,
    stage: Stage,
    rows_done: i64,
    now_ms: i64,
) -> StorageResult<()> {
    sqlx::query(
        "UPDATE import_stages SET status = $1, ended_at = $2, rows_done = $3 \
         WHERE import_id = $4 AND stage = $5",
    )
    .bind(ImportStatus::Succeeded.as_str())
    .bind(now_ms)
    .bind(rows_done)
    .bind(import_id)
    .bind(stage.as_str())
    .execute(&mut *connection)
    .await?;
    set_stage(connection, import_id, stage.next(), ImportStatus::Running).await
}

pub async fn stages(db: &Database, import_id: &str) -> StorageResult<Vec<StageRecord>> {
    Ok(sqlx::query_as(
        "SELECT stage, started_at, ended_at, status, rows_done FROM import_stages \
         WHERE import_id = $1 ORDER BY started_at, stage",
    )
    .bind(import_id)
    .fetch_all(db.pool())
    .await?)
}

/// The rows per second of `stage` in the latest succeeded imports of `phase` (to
/// notice an import much slower than its peers).
pub async fn recent_stage_rates(
    db: &Database,
    phase: Phase,
    stage: Stage,
    before_import: &str,
    limit: i64,
) -> StorageResult<Vec<f64>> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT s.rows_done, s.started_at, s.ended_at FROM import_stages s \
         JOIN imports i ON i.import_id = s.import_id \
         WHERE i.phase = $1 AND s.stage = $2 AND i.status = $3 AND i.import_id < $4 \
         AND s.ended_at IS NOT NULL ORDER BY i.import_id DESC LIMIT $5",
    )
    .bind(phase.as_str())
    .bind(stage.as_str())
    .bind(ImportStatus::Succeeded.as_str())
    .bind(before_import)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|(done, started, ended)| done as f64 * 1000.0 / (ended - started).max(1) as f64)
        .collect())
}

/// One file of an import: rows read, accepted and rejected.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct FileRecord {
    pub file_type: String,
    pub file_name: String,
    pub read_rows: i64,
    pub accepted_rows: i64,
    pub rejected_rows: i64,
}

pub async fn file_read(
    db: &Database,
    import_id: &str,
    file_type: &str,
    file_name: &str,
    read_rows: i64,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO import_files (import_id, file_type, file_name, read_rows) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (import_id, file_type) DO UPDATE SET file_name = excluded.file_name, \
         read_rows = excluded.read_rows, accepted_rows = 0, rejected_rows = 0",
    )
    .bind(import_id)
    .bind(file_type)
    .bind(file_name)
    .bind(read_rows)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn file_validated(
    connection: &mut AnyConnection,
    import_id: &str,
    file_type: &str,
    accepted_rows: i64,
    rejected_rows: i64,
) -> StorageResult<()> {
    sqlx::query(
        "UPDATE import_files SET accepted_rows = $1, rejected_rows = $2 \
         WHERE import_id = $3 AND file_type = $4",
    )
    .bind(accepted_rows)
    .bind(rejected_rows)
    .bind(import_id)
    .bind(file_type)
    .execute(connection)
    .await?;
    Ok(())
}

pub async fn files(db: &Database, import_id: &str) -> StorageResult<Vec<FileRecord>> {
    Ok(sqlx::query_as(
        "SELECT file_type, file_name, read_rows, accepted_rows, rejected_rows FROM import_files \
         WHERE import_id = $1",
    )
    .bind(import_id)
    .fetch_all(db.pool())
    .await?)
}

/// A rejected row's broken rule, as the import-error table holds it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RejectedRow {
    pub file_type: String,
    pub line: i64,
    #[sqlx(rename = "column_name")]
    pub column: String,
    pub rule: String,
    pub message: String,
}

pub async fn insert_errors(
    connection: &mut AnyConnection,
    engine: super::Engine,
    import_id: &str,
    errors: &[(RejectedRow, i64)],
) -> StorageResult<()> {
    let insert = BatchInsert::new(
        "INSERT INTO import_errors (import_id, file_type, line, seq, column_name, rule, message)",
        7,
        "",
    );
    insert
        .execute_all(connection, engine, errors, |query, (error, seq)| {
            query
                // Owned: the closure binds for any statement's lifetime.
                .bind(import_id.to_string())
                .bind(&error.file_type)
                .bind(error.line)
                .bind(*seq)
                .bind(&error.column)
                .bind(&error.rule)
                .bind(&error.message)
        })
        .await
}

/// Which rows the errors are about, filtered by file type and rule (empty: all).
#[derive(Debug, Clone, Default)]
pub struct ErrorFilter {
    pub file_type: Option<String>,
    pub rule: Option<String>,
}

/// A page of rejected rows, in file order, and how many match in all.
pub async fn errors(
    db: &Database,
    import_id: &str,
    filter: &ErrorFilter,
    offset: i64,
    limit: i64,
) -> StorageResult<(Vec<RejectedRow>, i64)> {
    let condition =
        "import_id = $1 AND ($2 IS NULL OR file_type = $2) AND ($3 IS NULL OR rule = $3)";
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM import_errors WHERE {condition}"
    ))
    .bind(import_id)
    .bind(&filter.file_type)
    .bind(&filter.rule)
    .fetch_one(db.pool())
    .await?;
    let rows = sqlx::query_as(&format!(
        "SELECT file_type, line, column_name, rule, message FROM import_errors WHERE {condition} \
         ORDER BY file_type, line, seq LIMIT $4 OFFSET $5"
    ))
    .bind(import_id)
    .bind(&filter.file_type)
    .bind(&filter.rule)
    .bind(limit)
    .bind(offset)
    .fetch_all(db.pool())
    .await?;
    Ok((rows, total))
}

/// The rules an import's rejected rows broke, in alphabetical order (the page's rule filter).
pub async fn error_rules(db: &Database, import_id: &str) -> StorageResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT rule FROM import_errors WHERE import_id = $1 ORDER BY rule",
    )
    .bind(import_id)
    .fetch_all(db.pool())
    .await?)
}

/// The lines rejected in one file of an import.
pub async fn rejected_lines(
    db: &Database,
    import_id: &str,
    file_type: &str,
) -> StorageResult<std::collections::HashSet<i64>> {
    let lines: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT line FROM import_errors WHERE import_id = $1 AND file_type = $2",
    )
    .bind(import_id)
    .bind(file_type)
    .fetch_all(db.pool())
    .await?;
    Ok(lines.into_iter().collect())
}

/// The work tables an import fills, from which a stage restarts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkTable {
    Staging,
    Errors,
    Geography,
    Files,
    Stages,
}

impl WorkTable {
    fn table(self) -> &'static str {
        match self {
            WorkTable::Staging => "import_staging",
            WorkTable::Errors => "import_errors",
            WorkTable::Geography => "import_geography",
            WorkTable::Files => "import_files",
            WorkTable::Stages => "import_stages",
        }
    }
}

/// Empties one work table of an import.
pub async fn clear(db: &Database, import_id: &str, table: WorkTable) -> StorageResult<()> {
    let sql = format!("DELETE FROM {} WHERE import_id = $1", table.table());
    sqlx::query(&sql).bind(import_id).execute(db.pool()).await?;
    Ok(())
}

/// Stores one chunk of raw rows.
pub async fn insert_chunk(
    connection: &mut AnyConnection,
    import_id: &str,
    file_type: &str,
    chunk: i64,
    first_line: i64,
    row_count: i64,
    payload: &str,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO import_staging (import_id, file_type, chunk, first_line, row_count, payload) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(import_id)
    .bind(file_type)
    .bind(chunk)
    .bind(first_line)
    .bind(row_count)
    .bind(payload)
    .execute(connection)
    .await?;
    Ok(())
}

/// How many chunks one file of an import has in staging.
pub async fn chunk_count(db: &Database, import_id: &str, file_type: &str) -> StorageResult<i64> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM import_staging WHERE import_id = $1 AND file_type = $2",
    )
    .bind(import_id)
    .bind(file_type)
    .fetch_one(db.pool())
    .await?;
    Ok(count)
}

/// One chunk's payload.
pub async fn read_chunk(
    connection: &mut AnyConnection,
    import_id: &str,
    file_type: &str,
    chunk: i64,
) -> StorageResult<String> {
    let payload: String = sqlx::query_scalar(
        "SELECT payload FROM import_staging WHERE import_id = $1 AND file_type = $2 AND chunk = $3",
    )
    .bind(import_id)
    .bind(file_type)
    .bind(chunk)
    .fetch_one(connection)
    .await?;
    Ok(payload)
}

app::text_enum! {
    /// What the geography service answered for a postal code.
    pub enum LookupStatus("postal code lookup status") {
        Resolved = "resolved",
        Unknown = "unknown",
        Failed = "failed",
    }
}

/// A postal code's answer from the enrich stage.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct GeographyRow {
    pub postal_code: String,
    #[sqlx(try_from = "String")]
    pub status: LookupStatus,
    pub commune: Option<String>,
    pub department_code: Option<String>,
    pub region_code: Option<String>,
}

pub async fn insert_geography(
    db: &Database,
    import_id: &str,
    rows: &[GeographyRow],
) -> StorageResult<()> {
    let insert = BatchInsert::new(
        "INSERT INTO import_geography (import_id, postal_code, status, commune, department_code, region_code)",
        6,
        "ON CONFLICT (import_id, postal_code) DO NOTHING",
    );
    let mut tx = db.pool().begin().await?;
    insert
        .execute_all(&mut tx, db.engine(), rows, |query, row| {
            query
                .bind(import_id.to_string())
                .bind(&row.postal_code)
                .bind(row.status.as_str())
                .bind(&row.commune)
                .bind(&row.department_code)
                .bind(&row.region_code)
        })
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn geography(db: &Database, import_id: &str) -> StorageResult<Vec<GeographyRow>> {
    Ok(sqlx::query_as(
        "SELECT postal_code, status, commune, department_code, region_code FROM import_geography \
         WHERE import_id = $1",
    )
    .bind(import_id)
    .fetch_all(db.pool())
    .await?)
}

/// Whether an import of `business_date` (`YYYY-MM-DD`) succeeded.
pub async fn succeeded_for_date(db: &Database, business_date: &str) -> StorageResult<bool> {
    let count: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM imports WHERE business_date = $1 AND status = $2")
            .bind(business_date)
            .bind(ImportStatus::Succeeded.as_str())
            .fetch_one(db.pool())
            .await?;
    Ok(count > 0)
}

/// The import loading data now (stage load or rollups started within the last six
/// hours and not ended), if any: the app shows a banner meanwhile.
pub async fn loading_now(db: &Database, now_ms: i64) -> StorageResult<Option<String>> {
    let import: Option<String> = sqlx::query_scalar(
        "SELECT s.import_id FROM import_stages s JOIN imports i ON i.import_id = s.import_id \
         WHERE s.stage IN ($1, $2) AND s.status = $3 AND i.status = $3 \
         AND s.started_at > $4 ORDER BY s.started_at DESC LIMIT 1",
    )
    .bind(Stage::Load.as_str())
    .bind(Stage::Rollups.as_str())
    .bind(ImportStatus::Running.as_str())
    .bind(now_ms - 6 * 3_600_000)
    .fetch_optional(db.pool())
    .await?;
    Ok(import)
}
