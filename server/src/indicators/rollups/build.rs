//! Building rollups. [`refresh`] recomputes the days that a few stored runs touch (their
//! change is logged first, so that a failure leaves no window of recent facts without
//! it; a retry repairs the rollups); [`rebuild`] recomputes every day of a range (after
//! a bulk load, or `vigie rollups rebuild`) and logs the range when it ends. The finest
//! level of a day is tallied from its facts, each coarser one from the level below it;
//! Paris week and month rows are summed from day rows.
//!
//! A rebuild reads and writes at once. Tasks read and tally three days at a time (each
//! on a task of its own, aborted if the rebuild stops, handed over in order, up to
//! twelve days ahead of the writers). Facts are read without an allocation per row
//! (`storage::packed::visit_rows` hands each row to a sink that borrows its text), each
//! fact holding the indexes of its codes (`indicators::codes::Codes`), and are tallied
//! by integer keys with `hashing::FastHasher`. Whole consecutive days are written in
//! transactions of at least 50,000 rows, two at once on PostgreSQL (disjoint days, the
//! rows sent with `COPY`), one at a time on SQLite. Rows are written in key order, so
//! that PostgreSQL's heap keeps each kind and level of those days together and a range
//! of hourly rows is read from a few pages instead of one page per row.

use std::collections::{BTreeSet, HashMap};

use futures::StreamExt;
use tokio_util::task::AbortOnDropHandle;

use super::read::{read_rows, RowFilter};
use super::{tally_facts, Resolution, RowKey, RowTallies};
use crate::indicators::facts::{fetch_facts, FactKind, Tally};
use crate::indicators::maintenance::MaintenanceIndex;
use crate::storage::changes::record_change;
use crate::storage::copy::CopyRows;
use crate::storage::{BatchInsert, Database, Engine, StorageResult};

/// Recomputes the rollups of every Paris day that meets `[from, to)`, for one probe or
/// all, then the weeks and months those days belong to. Answers the number of days
/// recomputed.
///
/// Tasks read and tally the next days (see [`spawn_day_tallies`]) while the current ones
/// are written.
pub async fn rebuild(db: &Database, from: i64, to: i64, probe: Option<&str>) -> StorageResult<u64> {
    let maintenance = MaintenanceIndex::load(db).await?;
    let mut tallied = spawn_day_tallies(db.clone(), maintenance, from, to, probe);
    let mut days = 0;
    let mut periods = BTreeSet::new();
    let mut writers = DayWriters::new(db, probe);
    // Consecutive whole days are written together, at least `ROWS_PER_REBUILD_WRITE`
    // rows per transaction (the last one fewer).
    let mut batch: Option<DayTally> = None;
    while let Some(tally) = tallied.recv().await {
        let (day, next, rows) = tally?;
        periods.extend(periods_of(day));
        days += 1;
        let (_, batch_end, batch_rows) = batch.get_or_insert_with(|| (day, next, Vec::new()));
        *batch_end = next;
        batch_rows.extend(rows);
        if batch_rows.len() >= ROWS_PER_REBUILD_WRITE {
            writers.write(batch.take()).await?;
        }
    }
    writers.write(batch.take()).await?;
    writers.finish().await?;
    for (resolution, start) in periods {
        sum_period(db, resolution, start, probe).await?;
    }
    record_change(db, from, to, probe).await?;
    Ok(days)
}

/// Writes batches of day rows, each in a transaction of its own, several at once on
/// PostgreSQL: the engine spends one core on a `COPY` into the indexed rollups, which
/// was the slowest step of a rebuild (its batches cover disjoint days, so they do not
/// wait for each other). SQLite takes one writer at a time.
struct DayWriters {
    db: Database,
    probe: Option<String>,
    running: tokio::task::JoinSet<StorageResult<()>>,
    at_once: usize,
}

/// Batches of days written at once on PostgreSQL.
const POSTGRES_WRITERS: usize = 2;

impl DayWriters {
    fn new(db: &Database, probe: Option<&str>) -> DayWriters {
        DayWriters {
            db: db.clone(),
            probe: probe.map(str::to_string),
            running: tokio::task::JoinSet::new(),
            at_once: match db.engine() {
                Engine::Postgres => POSTGRES_WRITERS,
                Engine::Sqlite => 1,
            },
        }
    }

    /// Starts writing a batch (replacing the day-level rows of the days it covers) once
    /// fewer than `at_once` are being written; answers the first failure among them.
    async fn write(&mut self, batch: Option<DayTally>) -> StorageResult<()> {
        let Some((from, to, rows)) = batch else {
            return Ok(());
        };
        while self.running.len() >= self.at_once {
            self.join_next().await?;
        }
        let (db, probe) = (self.db.clone(), self.probe.clone());
        self.running.spawn(async move {
            replace_rows(&db, &DAY_LEVELS, from, to, probe.as_deref(), rows).await
        });
        Ok(())
    }

    /// Waits for every batch started.
    async fn finish(mut self) -> StorageResult<()> {
        while !self.running.is_empty() {
            self.join_next().await?;
        }
        Ok(())
    }

    async fn join_next(&mut self) -> StorageResult<()> {
        match self.running.join_next().await {
            Some(Ok(written)) => written,
            Some(Err(error)) => Err(crate::storage::StorageError::Interrupted(format!(
                "a batch of days' rollups: {error}"
            ))),
            None => Ok(()),
        }
    }
}

/// The week and month a day belongs to.
fn periods_of(day: i64) -> [(Resolution, i64); 2] {
    [Resolution::Week, Resolution::Month].map(|level| (level, level.floor(day)))
}

/// Recomputes the rollups of the days that the given (probe, time) pairs touch, and of
/// their weeks and months.
pub async fn refresh(db: &Database, touched: &[(String, i64)]) -> StorageResult<()> {
    let days: BTreeSet<(String, i64)> = touched
        .iter()
        .map(|(probe, time)| (probe.clone(), Resolution::Day.floor(*time)))
        .collect();
    if days.is_empty() {
        return Ok(());
    }
    // The facts are stored: their change is logged first, so that a failure below
    // leaves no window of recent facts without it (the rollups are repaired by a retry).
    for (probe, day) in &days {
        record_change(db, *day, Resolution::Day.next(*day), Some(probe)).await?;
    }
    let maintenance = MaintenanceIndex::load(db).await?;
    let mut periods = BTreeSet::new();
    for (probe, day) in days {
        rebuild_day(
            db,
            &maintenance,
            day,
            Resolution::Day.next(day),
            Some(&probe),
        )
        .await?;
        for (level, start) in periods_of(day) {
            periods.insert((probe.clone(), level, start));
        }
    }
    for (probe, level, start) in periods {
        sum_period(db, level, start, Some(&probe)).await?;
    }
    Ok(())
}

type NewRow = (FactKind, Resolution, RowKey, Tally);

/// Rollup rows a rebuild writes per transaction (whole days).
const ROWS_PER_REBUILD_WRITE: usize = 50_000;

/// The levels computed from raw rows one day at a time.
const DAY_LEVELS: [&str; 3] = ["q", "h", "d"];

/// New rows of one day or of consecutive days: (first day's start, the end, rows).
type DayTally = (i64, i64, Vec<NewRow>);

/// Days read and tallied at once, each on a task of its own, so that several days' raw
/// rows are read and tallied while the writer writes (a year's rebuild: 39 s with one day
/// at a time, 31–34 s with three).
const DAYS_IN_FLIGHT: usize = 3;

/// Tallied days waiting for the writer, at most.
const DAYS_AHEAD: usize = 12;

/// Reads and tallies each Paris day that meets `[from, to)`, a few days at once and
/// ahead of the receiver, which gets them in order.
fn spawn_day_tallies(
    db: Database,
    maintenance: MaintenanceIndex,
    from: i64,
    to: i64,
    probe: Option<&str>,
) -> tokio::sync::mpsc::Receiver<StorageResult<DayTally>> {
    // Room for the days tallied while a batch of days is written (about 2 MB a day).
    let (sender, receiver) = tokio::sync::mpsc::channel(DAYS_AHEAD);
    let probe = probe.map(str::to_string);
    let maintenance = std::sync::Arc::new(maintenance);
    let mut days = Vec::new();
    let mut day = Resolution::Day.floor(from);
    while day < to {
        let next = Resolution::Day.next(day);
        days.push((day, next));
        day = next;
    }
    tokio::spawn(async move {
        let mut tallies = futures::stream::iter(days)
            .map(|(day, next)| {
                let (db, maintenance, probe) = (db.clone(), maintenance.clone(), probe.clone());
                AbortOnDropHandle::new(tokio::spawn(async move {
                    day_rows(&db, &maintenance, day, next, probe.as_deref())
                        .await
                        .map(|rows| (day, next, rows))
                }))
            })
            .buffered(DAYS_IN_FLIGHT);
        while let Some(joined) = tallies.next().await {
            let tally = joined.unwrap_or_else(|error| {
                Err(crate::storage::StorageError::Interrupted(format!(
                    "a day's tally: {error}"
                )))
            });
            let failed = tally.is_err();
            if sender.send(tally).await.is_err() || failed {
                return;
            }
        }
    });
    receiver
}

async fn rebuild_day(
    db: &Database,
    maintenance: &MaintenanceIndex,
    day: i64,
    next: i64,
    probe: Option<&str>,
) -> StorageResult<()> {
    let rows = day_rows(db, maintenance, day, next, probe).await?;
    replace_rows(db, &DAY_LEVELS, day, next, probe, rows).await
}

/// The quarter-hour, hour and day rows of one day, tallied from raw rows.
async fn day_rows(
    db: &Database,
    maintenance: &MaintenanceIndex,
    day: i64,
    next: i64,
    probe: Option<&str>,
) -> StorageResult<Vec<NewRow>> {
    let mut rows = Vec::new();
    for kind in [FactKind::Runs, FactKind::Steps] {
        let facts = fetch_facts(db, kind, day, next, probe).await?;
        // The finest level from the facts, each coarser one from the level below it (a
        // few thousand rows instead of every fact again).
        let mut levels = kind
            .resolutions()
            .iter()
            .copied()
            .filter(|resolution| !resolution.is_summed_from_days());
        let Some(finest) = levels.next() else {
            continue;
        };
        let mut finer = (finest, tally_facts(kind, &facts, finest, maintenance)?);
        for resolution in levels {
            let coarser = coarsen(&finer.1, resolution);
            rows.extend(
                finer
                    .1
                    .into_iter()
                    .map(|(key, tally)| (kind, finer.0, key, tally)),
            );
            finer = (resolution, coarser);
        }
        rows.extend(
            finer
                .1
                .into_iter()
                .map(|(key, tally)| (kind, finer.0, key, tally)),
        );
    }
    Ok(rows)
}

/// Rows of a finer level merged into the buckets of `resolution`, which they nest in.
fn coarsen(rows: &RowTallies, resolution: Resolution) -> RowTallies {
    let mut coarser = RowTallies::default();
    for (key, tally) in rows {
        let key = RowKey {
            bucket_start: resolution.floor(key.bucket_start),
            ..key.clone()
        };
        coarser.entry(key).or_default().merge(tally);
    }
    coarser
}

/// Sums the day rows of one week or month (starting at `start`) into its rows.
async fn sum_period(
    db: &Database,
    level: Resolution,
    start: i64,
    probe: Option<&str>,
) -> StorageResult<()> {
    let end = level.next(start);
    let filter = RowFilter {
        probes: probe.map(|probe| vec![probe.to_string()]),
        with_histograms: true,
        ..RowFilter::default()
    };
    let mut rows = Vec::new();
    for kind in [FactKind::Runs, FactKind::Steps] {
        let mut sums: HashMap<RowKey, Tally> = HashMap::new();
        for row in read_rows(db, kind, Resolution::Day, start, end, &filter).await? {
            let key = RowKey {
                bucket_start: start,
                ..row.key
            };
            sums.entry(key).or_default().merge(&row.tally);
        }
        rows.extend(
            sums.into_iter()
                .map(|(key, tally)| (kind, level, key, tally)),
        );
    }
    // Only this period's own rows: bucket_start = start.
    replace_rows(db, &[level.code()], start, start + 1, probe, rows).await
}

/// In one transaction: deletes the rows of `levels` with `from <= bucket_start < to`
/// (of one probe or all), then inserts `rows`.
async fn replace_rows(
    db: &Database,
    levels: &[&str],
    from: i64,
    to: i64,
    probe: Option<&str>,
    mut rows: Vec<NewRow>,
) -> StorageResult<()> {
    // In key order: PostgreSQL's heap then holds each kind and level of a batch of days
    // together, so that a range of hourly rows is read from a few pages instead of one
    // page per row (a month of them: 16,600 pages before).
    rows.sort_unstable_by(|a, b| {
        (a.0.code(), a.1.code(), &a.2).cmp(&(b.0.code(), b.1.code(), &b.2))
    });
    let level_list: Vec<String> = levels.iter().map(|level| format!("'{level}'")).collect();
    // `kind` leads the primary key: naming it lets both engines use the index instead
    // of scanning every rollup (which made a full rebuild quadratic).
    let mut delete = format!(
        "DELETE FROM rollups WHERE kind IN ('r', 's') AND resolution IN ({}) \
         AND bucket_start >= $1 AND bucket_start < $2",
        level_list.join(",")
    );
    if probe.is_some() {
        delete.push_str(" AND probe_code = $3");
    }
    if let Some(pool) = db.pg_pool() {
        return copy_rows(pool, &delete, (from, to, probe), &rows).await;
    }
    let mut tx = db.pool().begin().await?;
    let mut query = sqlx::query(&delete).bind(from).bind(to);
    if let Some(probe) = probe {
        query = query.bind(probe);
    }
    query.execute(&mut *tx).await?;
    let insert = BatchInsert::new(&format!("INSERT INTO rollups ({ROLLUP_COLUMNS})"), 13, "");
    insert
        .execute_all(
            &mut tx,
            db.engine(),
            &rows,
            |query, (kind, resolution, key, tally)| {
                query
                    .bind(kind.code())
                    .bind(resolution.code())
                    .bind(key.bucket_start)
                    .bind(key.probe_code.as_str())
                    .bind(key.step_code.as_str())
                    .bind(key.error_code.as_str())
                    .bind(i64::from(key.in_maintenance))
                    .bind(tally.total)
                    .bind(tally.ok)
                    .bind(tally.failed)
                    .bind(tally.other)
                    .bind(tally.duration_sum)
                    .bind(tally.histogram.encode())
            },
        )
        .await?;
    tx.commit().await?;
    Ok(())
}

const ROLLUP_COLUMNS: &str = "kind, resolution, bucket_start, probe_code, step_code, \
     error_code, in_maintenance, total, ok, failed, other, duration_sum, histogram";

/// [`replace_rows`] on PostgreSQL: the new rows go in with `COPY` (a year's rebuild
/// writes 2.3 million rows; bound into multi-row inserts they took 40% of its time).
async fn copy_rows(
    pool: &sqlx::PgPool,
    delete: &str,
    (from, to, probe): (i64, i64, Option<&str>),
    rows: &[NewRow],
) -> StorageResult<()> {
    let mut tx = pool.begin().await?;
    let mut query = sqlx::query(delete).bind(from).bind(to);
    if let Some(probe) = probe {
        query = query.bind(probe);
    }
    query.execute(&mut *tx).await?;
    let mut copied = CopyRows::new();
    for (kind, resolution, key, tally) in rows {
        copied
            .text(Some(kind.code()))
            .text(Some(resolution.code()))
            .number(Some(key.bucket_start))
            .text(Some(&key.probe_code))
            .text(Some(&key.step_code))
            .text(Some(&key.error_code))
            .number(Some(i64::from(key.in_maintenance)))
            .number(Some(tally.total))
            .number(Some(tally.ok))
            .number(Some(tally.failed))
            .number(Some(tally.other))
            .number(Some(tally.duration_sum))
            .text(Some(&tally.histogram.encode()))
            .end_row();
    }
    let connection: &mut sqlx::PgConnection = &mut tx;
    let mut copy = connection
        .copy_in_raw(&format!(
            "COPY rollups ({ROLLUP_COLUMNS}) FROM STDIN (FORMAT csv)"
        ))
        .await?;
    copy.send(copied.take()).await?;
    copy.finish().await?;
    tx.commit().await?;
    Ok(())
}
