//! The import pipeline's own tables: imports, their stages, their files, their rejected
//! rows and their raw staging chunks (migration 0006).

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{BatchInsert, Database, StorageResult};

/// One import as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRecord {
    pub import_id: String,
    /// `initial` or `daily`.
    pub phase: String,
    pub folder: String,
    pub business_date: Option<String>,
    /// `running`, `failed` or `succeeded`.
    pub status: String,
    pub stage: String,
    /// "Now" for the future-timestamp rule, fixed when the import was created, so that a
    /// resumed import judges rows as the first attempt did.
    pub reference_ms: i64,
    pub created_at_ms: i64,
    pub finished_at_ms: Option<i64>,
    pub failure: Option<String>,
    pub touched_from_ms: Option<i64>,
    pub touched_to_ms: Option<i64>,
}

const IMPORT_COLUMNS: &str = "import_id, phase, folder, business_date, status, stage, \
     reference_ms, created_at, finished_at, failure, touched_from, touched_to";

fn import_record(row: &AnyRow) -> StorageResult<ImportRecord> {
    Ok(ImportRecord {
        import_id: row.try_get("import_id")?,
        phase: row.try_get("phase")?,
        folder: row.try_get("folder")?,
        business_date: row.try_get("business_date")?,
        status: row.try_get("status")?,
        stage: row.try_get("stage")?,
        reference_ms: row.try_get("reference_ms")?,
        created_at_ms: row.try_get("created_at")?,
        finished_at_ms: row.try_get("finished_at")?,
        failure: row.try_get("failure")?,
        touched_from_ms: row.try_get("touched_from")?,
        touched_to_ms: row.try_get("touched_to")?,
    })
}

/// Stores a new import; answers false when its id is taken.
pub async fn create(db: &Database, import: &ImportRecord) -> StorageResult<bool> {
    let sql = format!(
        "INSERT INTO imports ({IMPORT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (import_id) DO NOTHING"
    );
    let done = sqlx::query(&sql)
        .bind(&import.import_id)
        .bind(&import.phase)
        .bind(&import.folder)
        .bind(&import.business_date)
        .bind(&import.status)
        .bind(&import.stage)
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
    let row = sqlx::query(&sql)
        .bind(import_id)
        .fetch_optional(db.pool())
        .await?;
    row.as_ref().map(import_record).transpose()
}

/// The newest imports first.
pub async fn list(db: &Database, limit: i64) -> StorageResult<Vec<ImportRecord>> {
    let sql = format!(
        "SELECT {IMPORT_COLUMNS} FROM imports ORDER BY created_at DESC, import_id DESC LIMIT $1"
    );
    let rows = sqlx::query(&sql).bind(limit).fetch_all(db.pool()).await?;
    rows.iter().map(import_record).collect()
}

/// Moves an import to `stage` with `status` (and clears an earlier failure).
pub async fn set_stage(
    connection: &mut AnyConnection,
    import_id: &str,
    stage: &str,
    status: &str,
) -> StorageResult<()> {
    sqlx::query("UPDATE imports SET stage = $1, status = $2, failure = NULL WHERE import_id = $3")
        .bind(stage)
        .bind(status)
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
        "UPDATE imports SET status = 'failed', failure = $1, finished_at = $2 WHERE import_id = $3",
    )
    .bind(reason)
    .bind(now_ms)
    .bind(import_id)
    .execute(db.pool())
    .await?;
    sqlx::query(
        "UPDATE import_stages SET status = 'failed', ended_at = $1 \
         WHERE import_id = $2 AND status = 'running'",
    )
    .bind(now_ms)
    .bind(import_id)
    .execute(db.pool())
    .await?;
    Ok(())
}

pub async fn succeed(db: &Database, import_id: &str, now_ms: i64) -> StorageResult<()> {
    sqlx::query(
        "UPDATE imports SET status = 'succeeded', stage = 'finish', finished_at = $1 \
         WHERE import_id = $2",
    )
    .bind(now_ms)
    .bind(import_id)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// One stage of an import as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StageRecord {
    pub stage: String,
    pub started_at_ms: i64,
    pub ended_at_ms: Option<i64>,
    pub status: String,
    pub rows_done: i64,
}

pub async fn stage_started(
    db: &Database,
    import_id: &str,
    stage: &str,
    now_ms: i64,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO import_stages (import_id, stage, started_at, status, rows_done) \
         VALUES ($1, $2, $3, 'running', 0) ON CONFLICT (import_id, stage) DO UPDATE SET \
         started_at = excluded.started_at, ended_at = NULL, status = 'running', rows_done = 0",
    )
    .bind(import_id)
    .bind(stage)
    .bind(now_ms)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Records a stage's end and moves the import to `next_stage`, in one statement
/// sequence on `connection` (the load stage passes its own transaction).
pub async fn stage_succeeded(
    connection: &mut AnyConnection,
    import_id: &str,
    stage: &str,
    rows_done: i64,
    next_stage: &str,
    now_ms: i64,
) -> StorageResult<()> {
    sqlx::query(
        "UPDATE import_stages SET status = 'succeeded', ended_at = $1, rows_done = $2 \
         WHERE import_id = $3 AND stage = $4",
    )
    .bind(now_ms)
    .bind(rows_done)
    .bind(import_id)
    .bind(stage)
    .execute(&mut *connection)
    .await?;
    set_stage(connection, import_id, next_stage, "running").await
}

pub async fn stages(db: &Database, import_id: &str) -> StorageResult<Vec<StageRecord>> {
    let rows = sqlx::query(
        "SELECT stage, started_at, ended_at, status, rows_done FROM import_stages \
         WHERE import_id = $1 ORDER BY started_at, stage",
    )
    .bind(import_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(StageRecord {
                stage: row.try_get("stage")?,
                started_at_ms: row.try_get("started_at")?,
                ended_at_ms: row.try_get("ended_at")?,
                status: row.try_get("status")?,
                rows_done: row.try_get("rows_done")?,
            })
        })
        .collect()
}

/// The rows per second of `stage` in the latest succeeded imports of `phase` (to
/// notice an import much slower than its peers).
pub async fn recent_stage_rates(
    db: &Database,
    phase: &str,
    stage: &str,
    before_import: &str,
    limit: i64,
) -> StorageResult<Vec<f64>> {
    let rows = sqlx::query(
        "SELECT s.rows_done, s.started_at, s.ended_at FROM import_stages s \
         JOIN imports i ON i.import_id = s.import_id \
         WHERE i.phase = $1 AND s.stage = $2 AND i.status = 'succeeded' AND i.import_id < $3 \
         AND s.ended_at IS NOT NULL ORDER BY i.import_id DESC LIMIT $4",
    )
    .bind(phase)
    .bind(stage)
    .bind(before_import)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    let mut rates = Vec::new();
    for row in rows {
        let done: i64 = row.try_get("rows_done")?;
        let started: i64 = row.try_get("started_at")?;
        let ended: i64 = row.try_get("ended_at")?;
        rates.push(done as f64 * 1000.0 / (ended - started).max(1) as f64);
    }
    Ok(rates)
}

/// One file of an import: rows read, accepted and rejected.
#[derive(Debug, Clone, PartialEq)]
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
    let rows = sqlx::query(
        "SELECT file_type, file_name, read_rows, accepted_rows, rejected_rows FROM import_files \
         WHERE import_id = $1",
    )
    .bind(import_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(FileRecord {
                file_type: row.try_get("file_type")?,
                file_name: row.try_get("file_name")?,
                read_rows: row.try_get("read_rows")?,
                accepted_rows: row.try_get("accepted_rows")?,
                rejected_rows: row.try_get("rejected_rows")?,
            })
        })
        .collect()
}

/// A rejected row's broken rule, as the import-error table holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRow {
    pub file_type: String,
    pub line: i64,
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
    let rows = sqlx::query(&format!(
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
    let rows = rows
        .iter()
        .map(|row| {
            Ok(RejectedRow {
                file_type: row.try_get("file_type")?,
                line: row.try_get("line")?,
                column: row.try_get("column_name")?,
                rule: row.try_get("rule")?,
                message: row.try_get("message")?,
            })
        })
        .collect::<StorageResult<Vec<_>>>()?;
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

/// A postal code's answer from the enrich stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeographyRow {
    pub postal_code: String,
    /// `resolved`, `unknown` or `failed`.
    pub status: String,
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
                .bind(&row.status)
                .bind(&row.commune)
                .bind(&row.department_code)
                .bind(&row.region_code)
        })
        .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn geography(db: &Database, import_id: &str) -> StorageResult<Vec<GeographyRow>> {
    let rows = sqlx::query(
        "SELECT postal_code, status, commune, department_code, region_code FROM import_geography \
         WHERE import_id = $1",
    )
    .bind(import_id)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(GeographyRow {
                postal_code: row.try_get("postal_code")?,
                status: row.try_get("status")?,
                commune: row.try_get("commune")?,
                department_code: row.try_get("department_code")?,
                region_code: row.try_get("region_code")?,
            })
        })
        .collect()
}

/// Whether an import of `business_date` (`YYYY-MM-DD`) succeeded.
pub async fn succeeded_for_date(db: &Database, business_date: &str) -> StorageResult<bool> {
    let count: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM imports WHERE business_date = $1 AND status = 'succeeded'",
    )
    .bind(business_date)
    .fetch_one(db.pool())
    .await?;
    Ok(count > 0)
}

/// The import loading data now (stage load or rollups started within the last six
/// hours and not ended), if any: the app shows a banner meanwhile.
pub async fn loading_now(db: &Database, now_ms: i64) -> StorageResult<Option<String>> {
    let import: Option<String> = sqlx::query_scalar(
        "SELECT s.import_id FROM import_stages s JOIN imports i ON i.import_id = s.import_id \
         WHERE s.stage IN ('load', 'rollups') AND s.status = 'running' AND i.status = 'running' \
         AND s.started_at > $1 ORDER BY s.started_at DESC LIMIT 1",
    )
    .bind(now_ms - 6 * 3_600_000)
    .fetch_optional(db.pool())
    .await?;
    Ok(import)
}
