//! PostgreSQL's initial load of runs and steps. Upserting millions of rows one by one
//! through the tables' indexes cost more than all the rest of a year's import; instead
//! the typed rows are copied (`COPY`) into unlogged work tables of the import, outside
//! its load transaction, then moved into the final tables inside it: stored rows that
//! the drop changes are updated in one join, and the new rows are inserted in one
//! statement. When the new rows outnumber what the table holds, its indexes are dropped
//! first and built again afterwards, one sort each instead of one descent per row
//! (measured on 14.6 million steps into an empty table: 56 s through the primary key,
//! 22 s inserting then building it).
//!
//! Into an empty table (a first initial load, the usual case) even that move is one
//! copy too many: the work table is then created logged, with the final table's columns,
//! defaults and checks, and the load transaction drops the empty final table and renames
//! the work table in its place, then builds its keys and indexes (measured on a year:
//! the steps' `INSERT ... SELECT` alone took 16 to 22 s). This happens only when nothing
//! else hangs on the final table (no grants, views, triggers, policies, publications,
//! options, inheritance, or keys of other tables pointing at it); otherwise the rows are
//! moved as above.
//!
//! A kill leaves at most a work table behind: [`BulkLoad::start`] replaces it and
//! [`drop_work_tables`] removes it; the final tables are only touched by the caller's
//! transaction.

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgCopyIn, PgPoolCopyExt};
use sqlx::{AnyConnection, PgPool, Postgres};

use super::copy::CopyRows;
use super::runs::{
    copy_run_row, copy_step_row, FactTable as Target, ProbeRun, ProbeStep, RUNS, STEPS,
};
use super::{StorageError, StorageResult};

/// Bytes of CSV gathered before they are sent.
const SEND_BYTES: usize = 4 << 20;

/// The work tables of one import, filled in file order: runs, then steps.
pub struct BulkLoad {
    pool: PgPool,
    import_id: String,
    pending: CopyRows,
    /// The `COPY` in progress, and the table it fills.
    open: Option<(&'static Target, PgCopyIn<PoolConnection<Postgres>>)>,
}

/// The name of an import's work table for `target`.
fn work_table(import_id: &str, target: &Target) -> StorageResult<String> {
    if import_id.is_empty()
        || !import_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(StorageError::Corrupt(format!(
            "import id '{import_id}' cannot name a work table"
        )));
    }
    Ok(format!(
        "bulk_{}_{}",
        target.table,
        import_id.to_ascii_lowercase()
    ))
}

/// Removes the work tables of an import (when it finishes or restarts).
pub async fn drop_work_tables(pool: &PgPool, import_id: &str) -> StorageResult<()> {
    for target in [&RUNS, &STEPS] {
        let table = work_table(import_id, target)?;
        sqlx::query(&format!("DROP TABLE IF EXISTS {table}"))
            .execute(pool)
            .await?;
    }
    Ok(())
}

impl BulkLoad {
    /// Creates the import's empty work tables (replacing those a killed stage left):
    /// logged when the final table is empty, so that the load can put it in place,
    /// unlogged otherwise (its rows are then copied once more by the load).
    pub async fn start(pool: &PgPool, import_id: &str) -> StorageResult<BulkLoad> {
        drop_work_tables(pool, import_id).await?;
        for target in [&RUNS, &STEPS] {
            let work = work_table(import_id, target)?;
            let table = target.table;
            let empty: bool =
                sqlx::query_scalar(&format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"))
                    .fetch_one(pool)
                    .await?;
            let persistence = if empty { "" } else { "UNLOGGED " };
            sqlx::query(&format!(
                "CREATE {persistence}TABLE {work} (LIKE {table} INCLUDING ALL EXCLUDING INDEXES)"
            ))
            .execute(pool)
            .await?;
        }
        Ok(BulkLoad {
            pool: pool.clone(),
            import_id: import_id.to_string(),
            pending: CopyRows::new(),
            open: None,
        })
    }

    pub async fn copy_runs(&mut self, runs: &[ProbeRun], ingested_at_ms: i64) -> StorageResult<()> {
        if runs.is_empty() {
            return Ok(());
        }
        self.switch_to(&RUNS).await?;
        for run in runs {
            copy_run_row(&mut self.pending, run, ingested_at_ms);
        }
        self.send_if_full().await
    }

    pub async fn copy_steps(&mut self, steps: &[(String, ProbeStep)]) -> StorageResult<()> {
        if steps.is_empty() {
            return Ok(());
        }
        self.switch_to(&STEPS).await?;
        for (run_id, step) in steps {
            copy_step_row(&mut self.pending, run_id, step);
        }
        self.send_if_full().await
    }

    /// Ends the open `COPY`, if another work table is next.
    async fn switch_to(&mut self, target: &'static Target) -> StorageResult<()> {
        if self
            .open
            .as_ref()
            .is_some_and(|(open, _)| open.table == target.table)
        {
            return Ok(());
        }
        self.finish_copy().await?;
        let table = work_table(&self.import_id, target)?;
        let copy = self
            .pool
            .copy_in_raw(&format!(
                "COPY {table} ({}) FROM STDIN (FORMAT csv)",
                target.columns
            ))
            .await?;
        self.open = Some((target, copy));
        Ok(())
    }

    async fn send_if_full(&mut self) -> StorageResult<()> {
        if self.pending.bytes() >= SEND_BYTES {
            self.send().await?;
        }
        Ok(())
    }

    async fn send(&mut self) -> StorageResult<()> {
        if let Some((_, copy)) = self.open.as_mut() {
            if self.pending.bytes() > 0 {
                copy.send(self.pending.take()).await?;
            }
        }
        Ok(())
    }

    async fn finish_copy(&mut self) -> StorageResult<()> {
        self.send().await?;
        if let Some((_, copy)) = self.open.take() {
            copy.finish().await?;
        }
        Ok(())
    }

    /// Sends what is left and commits the rows copied.
    pub async fn finish(mut self) -> StorageResult<()> {
        self.finish_copy().await
    }
}

/// What [`move_into`] moved: rows, and the span of their `started_at` (first, last).
#[derive(Debug, Default)]
pub struct Moved {
    pub rows: u64,
    pub span: Option<(i64, i64)>,
}

/// Moves an import's copied runs, then steps, into the final tables, inside `tx`. The
/// facts' keys must be suspended (see `runs::suspend_fact_keys`): the runs' primary key
/// may be rebuilt. Fails if the work tables are gone (the import must
/// restart).
pub async fn move_into(tx: &mut AnyConnection, import_id: &str) -> StorageResult<Moved> {
    let mut moved = Moved::default();
    for target in [&RUNS, &STEPS] {
        let work = work_table(import_id, target)?;
        let found: Option<String> = sqlx::query_scalar("SELECT to_regclass($1)::TEXT")
            .bind(&work)
            .fetch_one(&mut *tx)
            .await?;
        if found.is_none() {
            return Err(StorageError::Corrupt(format!(
                "the work table {work} is gone; restart the import"
            )));
        }
        let (rows, first, last): (i64, Option<i64>, Option<i64>) = sqlx::query_as(&format!(
            "SELECT COUNT(*), MIN(started_at), MAX(started_at) FROM {work}"
        ))
        .fetch_one(&mut *tx)
        .await?;
        if let (Some(first), Some(last)) = (first, last) {
            moved.span = Some(match moved.span {
                Some((from, to)) => (from.min(first), to.max(last)),
                None => (first, last),
            });
        }
        if can_take_place(tx, target.table, &work).await? {
            take_place(tx, target.table, &work, rows as u64).await?;
        } else {
            move_rows(tx, target, &work, rows as u64).await?;
        }
        moved.rows += rows as u64;
    }
    Ok(moved)
}

/// Whether `work` can replace `table` whole: the table is empty and plain (nothing
/// depends on it that a rename would leave behind), the work table logged and owned by
/// the same role. Locks the table until the transaction ends.
async fn can_take_place(tx: &mut AnyConnection, table: &str, work: &str) -> StorageResult<bool> {
    sqlx::query(&format!("LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))
        .execute(&mut *tx)
        .await?;
    let plain: bool = sqlx::query_scalar(&format!(
        "SELECT w.relpersistence = 'p' AND t.relkind = 'r' AND t.relowner = w.relowner \
             AND t.relacl IS NULL AND t.reloptions IS NULL AND NOT t.relrowsecurity \
             AND NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = t.oid) \
             AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = t.oid) \
             AND NOT EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = t.oid OR inhparent = t.oid) \
             AND NOT EXISTS (SELECT 1 FROM pg_publication_rel WHERE prrelid = t.oid) \
             AND NOT EXISTS (SELECT 1 FROM pg_statistic_ext WHERE stxrelid = t.oid) \
             AND NOT EXISTS (SELECT 1 FROM pg_depend WHERE refobjid = t.oid \
                 AND classid = 'pg_rewrite'::REGCLASS) \
             AND NOT EXISTS (SELECT 1 FROM {table}) \
         FROM pg_class t, pg_class w \
         WHERE t.oid = $1::TEXT::REGCLASS AND w.oid = $2::TEXT::REGCLASS"
    ))
    .bind(table)
    .bind(work)
    .fetch_one(&mut *tx)
    .await?;
    Ok(plain)
}

/// Drops the empty `table` and renames `work` in its place, then builds the keys and
/// indexes `table` had.
async fn take_place(
    tx: &mut AnyConnection,
    table: &str,
    work: &str,
    work_rows: u64,
) -> StorageResult<()> {
    let creates: Vec<String> = index_statements(tx, table)
        .await?
        .into_iter()
        .map(|(_, create)| create)
        .collect();
    sqlx::query(&format!("DROP TABLE {table}"))
        .execute(&mut *tx)
        .await?;
    sqlx::query(&format!("ALTER TABLE {work} RENAME TO {table}"))
        .execute(&mut *tx)
        .await?;
    build_indexes(tx, table, creates).await?;
    tracing::info!(
        table,
        rows = work_rows,
        indexes = "built",
        "bulk rows put in place of their empty table"
    );
    Ok(())
}

/// Upserts the rows of `work` into the target table by its key.
async fn move_rows(
    tx: &mut AnyConnection,
    target: &Target,
    work: &str,
    work_rows: u64,
) -> StorageResult<()> {
    let table = target.table;
    let same_key: Vec<String> = target
        .key
        .iter()
        .map(|column| format!("t.{column} = w.{column}"))
        .collect();
    let same_key = same_key.join(" AND ");
    let updated = target.updated();
    let sets: Vec<String> = updated
        .iter()
        .map(|column| format!("{column} = w.{column}"))
        .collect();
    let list = |prefix: &str| {
        updated
            .iter()
            .map(|column| format!("{prefix}.{column}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let stored: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut *tx)
        .await?;
    // Into an empty table (a first initial load) there is nothing to update, and joining
    // the work table with it would still read every work row.
    if stored > 0 {
        sqlx::query(&format!(
            "UPDATE {table} t SET {} FROM {work} w WHERE {same_key} AND ({}) IS DISTINCT FROM ({})",
            sets.join(", "),
            list("t"),
            list("w"),
        ))
        .execute(&mut *tx)
        .await?;
    }
    let rebuild = work_rows as i64 > stored;
    let indexes = if rebuild {
        drop_indexes(tx, table).await?
    } else {
        Vec::new()
    };
    let columns = target.columns;
    let new_only = if stored > 0 {
        format!(" WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {same_key})")
    } else {
        String::new()
    };
    sqlx::query(&format!(
        "INSERT INTO {table} ({columns}) SELECT {columns} FROM {work} w{new_only}"
    ))
    .execute(&mut *tx)
    .await?;
    build_indexes(tx, table, indexes).await?;
    tracing::info!(
        table,
        rows = work_rows,
        indexes = if rebuild { "rebuilt" } else { "kept" },
        "bulk rows moved into their table"
    );
    Ok(())
}

/// Runs the statements that build a table's keys and indexes, then analyzes it.
async fn build_indexes(
    tx: &mut AnyConnection,
    table: &str,
    creates: Vec<String>,
) -> StorageResult<()> {
    if !creates.is_empty() {
        sqlx::query("SET LOCAL maintenance_work_mem = '512MB'")
            .execute(&mut *tx)
            .await?;
    }
    for create in creates {
        sqlx::query(&create).execute(&mut *tx).await?;
    }
    sqlx::query(&format!("ANALYZE {table}"))
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Drops the table's primary key, unique constraints and indexes; answers the
/// statements that create them again.
async fn drop_indexes(tx: &mut AnyConnection, table: &str) -> StorageResult<Vec<String>> {
    let mut creates = Vec::new();
    for (drop, create) in index_statements(tx, table).await? {
        sqlx::query(&drop).execute(&mut *tx).await?;
        creates.push(create);
    }
    Ok(creates)
}

/// The statements that drop and create again each of the table's primary key, unique
/// constraints and other indexes.
async fn index_statements(
    tx: &mut AnyConnection,
    table: &str,
) -> StorageResult<Vec<(String, String)>> {
    Ok(sqlx::query_as(
        "SELECT 'ALTER TABLE ' || $1 || ' DROP CONSTRAINT ' || quote_ident(conname), \
                'ALTER TABLE ' || $1 || ' ADD CONSTRAINT ' || quote_ident(conname) || ' ' \
                    || pg_get_constraintdef(oid) \
         FROM pg_constraint WHERE conrelid = $1::TEXT::REGCLASS AND contype IN ('p', 'u') \
         UNION ALL \
         SELECT 'DROP INDEX ' || quote_ident(indexname), indexdef FROM pg_indexes \
         WHERE schemaname = current_schema() AND tablename = $1 AND indexname NOT IN \
             (SELECT conname FROM pg_constraint WHERE conrelid = $1::TEXT::REGCLASS)",
    )
    .bind(table)
    .fetch_all(&mut *tx)
    .await?)
}
