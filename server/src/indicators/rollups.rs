//! Rollups: pre-aggregated facts per quarter hour, hour and Europe/Paris day, week and
//! month, for each probe and each (probe, step). They are recomputed from raw rows one Paris day at a time,
//! which makes every update idempotent (re-ingesting a run changes nothing) and handles
//! late data (a late run recomputes its own day).

use std::collections::{BTreeSet, HashMap};

use app::domain::indicators::Bucket;

use super::codes::CodeId;
use super::facts::{fetch_facts, FactKind, Facts, Outcome, Tally};
use super::histogram::Histogram;
use super::maintenance::MaintenanceIndex;
use crate::hashing::FastBuildHasher;
use crate::storage::changes::record_change;
use crate::storage::copy::CopyRows;
use crate::storage::packed::{fetch_rows, Param};
use crate::storage::{BatchInsert, Database, Engine, StorageResult};

/// The version of the rollup rows this code writes; stored rows of an older format are
/// rebuilt from raw rows at start-up (`refresh::ensure_rollups_current`).
pub const ROLLUP_FORMAT: i64 = 3;

/// Bucket widths of rollup rows. Minute rows are never stored: raw facts are tallied per
/// minute on the fly when no stored level fits (see `FactKind::resolutions`).
/// Days and the finer levels are computed from raw rows one Paris day at a time; weeks
/// and months are summed from day rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Resolution {
    Minute,
    QuarterHour,
    Hour,
    Day,
    Week,
    Month,
}

impl Resolution {
    pub const ALL: [Resolution; 6] = [
        Resolution::Minute,
        Resolution::QuarterHour,
        Resolution::Hour,
        Resolution::Day,
        Resolution::Week,
        Resolution::Month,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Resolution::Minute => "m",
            Resolution::QuarterHour => "q",
            Resolution::Hour => "h",
            Resolution::Day => "d",
            Resolution::Week => "w",
            Resolution::Month => "M",
        }
    }

    /// Whether every bucket of `self` lies inside one bucket of `outer` (Paris weeks
    /// straddle months).
    pub fn nests_in(self, outer: Resolution) -> bool {
        self <= outer && !(self == Resolution::Week && outer == Resolution::Month)
    }

    /// The series bucket of the same span: its starts are this level's.
    fn bucket(self) -> Bucket {
        match self {
            Resolution::Minute => Bucket::Minute,
            Resolution::QuarterHour => Bucket::FifteenMinutes,
            Resolution::Hour => Bucket::Hour,
            Resolution::Day => Bucket::Day,
            Resolution::Week => Bucket::Week,
            Resolution::Month => Bucket::Month,
        }
    }

    /// The width of this level's buckets when fixed (`None` for Paris calendar levels).
    pub fn fixed_width_ms(self) -> Option<i64> {
        let bucket = self.bucket();
        (!bucket.is_calendar()).then(|| bucket.nominal_ms())
    }

    /// Whether rows of this level are summed from day rows rather than raw rows.
    fn is_summed_from_days(self) -> bool {
        self > Resolution::Day
    }

    /// Start of the bucket containing `time` (Paris days, weeks and months; hours and
    /// shorter in UTC, which Paris shares since its offsets are whole hours).
    pub fn floor(self, time: i64) -> i64 {
        self.bucket().start_of(time)
    }

    /// Start of the bucket after the one starting at `start`.
    pub fn next(self, start: i64) -> i64 {
        self.bucket().next_start(start)
    }
}

/// What a rollup row is about. Its order is the stored key's after kind and resolution.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RowKey {
    pub bucket_start: i64,
    pub probe_code: String,
    pub step_code: String,
    pub error_code: String,
    pub in_maintenance: bool,
}

/// A rollup row (or a raw fact seen as one).
#[derive(Debug, Clone)]
pub struct RollupRow {
    pub key: RowKey,
    pub tally: Tally,
}

/// Rollup rows being summed, by key.
pub type RowTallies = HashMap<RowKey, Tally, FastBuildHasher>;

/// Tallies facts into rows of one resolution.
pub fn tally_facts(
    kind: FactKind,
    facts: &Facts,
    resolution: Resolution,
    maintenance: &MaintenanceIndex,
) -> RowTallies {
    // Keyed by code indexes while counting (a day holds tens of thousands of facts and
    // a few thousand keys); the codes' text is looked up once per row at the end.
    let outcomes = facts.outcomes();
    let mut rows: HashMap<(i64, CodeId, CodeId, CodeId, bool), Tally, FastBuildHasher> =
        HashMap::default();
    for fact in &facts.items {
        let key = (
            resolution.floor(fact.started_at_ms),
            fact.probe,
            fact.step,
            fact.error,
            maintenance.covers(facts.codes.text(fact.probe), fact.started_at_ms),
        );
        let outcome = outcomes
            .get(fact.status as usize)
            .copied()
            .unwrap_or(Outcome::Failed);
        rows.entry(key)
            .or_default()
            .add(kind, outcome, fact.duration_ms);
    }
    rows.into_iter()
        .map(
            |((bucket_start, probe, step, error, in_maintenance), tally)| {
                let key = RowKey {
                    bucket_start,
                    probe_code: facts.codes.text(probe).to_string(),
                    step_code: facts.codes.text(step).to_string(),
                    error_code: facts.codes.text(error).to_string(),
                    in_maintenance,
                };
                (key, tally)
            },
        )
        .collect()
}

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
    use futures::StreamExt;

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
                AbortOnDrop(tokio::spawn(async move {
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

/// A spawned task that is aborted when dropped: a rebuild that stops early (an error, a
/// receiver gone) leaves no day being read behind it.
pub(super) struct AbortOnDrop<T>(pub(super) tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl<T> std::future::Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        std::pin::Pin::new(&mut self.0).poll(context)
    }
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
        let mut finer = (finest, tally_facts(kind, &facts, finest, maintenance));
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

/// Which rollup rows a query reads.
#[derive(Debug, Clone, Default)]
pub struct RowFilter {
    /// Probes to read (`None`: all).
    pub probes: Option<Vec<String>>,
    /// Steps to read (`None`: all); only for step facts.
    pub steps: Option<Vec<String>>,
    /// Error codes to read (`None`: all).
    pub error_codes: Option<Vec<String>>,
    /// Whether histograms are needed (percentiles).
    pub with_histograms: bool,
    /// Without histograms: how far the database may sum rows before they are read.
    pub fold: Option<Fold>,
}

/// Rows summed in the database, for questions without percentiles: the engine returns
/// one row per series bucket and kept column instead of every stored row (a week of
/// quarter-hour rows for 20 probes, ungrouped: 672 rows instead of 13,440).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fold {
    /// Width of the series' buckets when fixed (bucket starts are multiples of it);
    /// 0 for calendar buckets, whose rows keep their own start.
    pub width_ms: i64,
    /// Whether rows of different probes stay apart (grouping by probe or by what a
    /// probe belongs to, or step facts, whose steps are told apart per product).
    pub probe: bool,
    /// Whether rows of different error codes stay apart (grouping by error code).
    pub error_code: bool,
}

/// Rollup rows of one resolution with `from <= bucket_start < to`.
pub async fn read_rows(
    db: &Database,
    kind: FactKind,
    resolution: Resolution,
    from: i64,
    to: i64,
    filter: &RowFilter,
) -> StorageResult<Vec<RollupRow>> {
    // Summing costs the engine a sort: only worth it when it leaves far fewer rows, that
    // is when probes are summed together or several stored buckets make a series one
    // (a month of hourly rows per probe for hourly buckets would only lose the rows
    // split by error code).
    let fold = filter.fold.filter(|fold| {
        !filter.with_histograms
            && (!fold.probe || fold.width_ms > resolution.fixed_width_ms().unwrap_or(i64::MAX))
    });
    let mut sql = match fold {
        None => {
            let histogram = if filter.with_histograms {
                "histogram"
            } else {
                "'' AS histogram"
            };
            format!(
                "SELECT bucket_start, probe_code, step_code, error_code, CAST(in_maintenance AS BIGINT) AS in_maintenance, \
                 total, ok, failed, other, duration_sum, {histogram} FROM rollups"
            )
        }
        Some(fold) => {
            let bucket = if fold.width_ms > 0 {
                format!("bucket_start - bucket_start % {}", fold.width_ms)
            } else {
                "bucket_start".to_string()
            };
            let probe = if fold.probe { "probe_code" } else { "''" };
            let error_code = if fold.error_code { "error_code" } else { "''" };
            format!(
                "SELECT {bucket} AS bucket_start, {probe} AS probe_code, step_code, \
                 {error_code} AS error_code, CAST(in_maintenance AS BIGINT) AS in_maintenance, \
                 CAST(SUM(total) AS BIGINT) AS total, \
                 CAST(SUM(ok) AS BIGINT) AS ok, CAST(SUM(failed) AS BIGINT) AS failed, \
                 CAST(SUM(other) AS BIGINT) AS other, \
                 CAST(SUM(duration_sum) AS BIGINT) AS duration_sum, '' AS histogram FROM rollups"
            )
        }
    };
    sql.push_str(
        " WHERE kind = $1 AND resolution = $2 AND bucket_start >= $3 AND bucket_start < $4",
    );
    let mut params = vec![
        Param::Text(kind.code()),
        Param::Text(resolution.code()),
        Param::Int(from),
        Param::Int(to),
    ];
    for (column, list) in [
        ("probe_code", &filter.probes),
        ("step_code", &filter.steps),
        ("error_code", &filter.error_codes),
    ] {
        if let Some(list) = list {
            if list.is_empty() {
                return Ok(Vec::new());
            }
            let first = params.len() + 1;
            let placeholders: Vec<String> = (first..first + list.len())
                .map(|n| format!("${n}"))
                .collect();
            sql.push_str(&format!(" AND {column} IN ({})", placeholders.join(",")));
            params.extend(list.iter().map(|value| Param::Text(value)));
        }
    }
    if fold.is_some() {
        sql.push_str(" GROUP BY 1, 2, 3, 4, 5");
    }
    let rows: Vec<PackedRow> = fetch_rows(db, &ROW_COLUMNS, &sql, &params).await?;
    Ok(rows
        .into_iter()
        .map(
            |(
                bucket_start,
                probe_code,
                step_code,
                error_code,
                in_maintenance,
                total,
                ok,
                failed,
                other,
                duration_sum,
                histogram,
            )| {
                RollupRow {
                    key: RowKey {
                        bucket_start,
                        probe_code,
                        step_code,
                        error_code,
                        in_maintenance: in_maintenance != 0,
                    },
                    tally: Tally {
                        total,
                        ok,
                        failed,
                        other,
                        duration_sum,
                        histogram: Histogram::decode(&histogram),
                    },
                }
            },
        )
        .collect())
}

const ROW_COLUMNS: [&str; 11] = [
    "bucket_start",
    "probe_code",
    "step_code",
    "error_code",
    "in_maintenance",
    "total",
    "ok",
    "failed",
    "other",
    "duration_sum",
    "histogram",
];

/// A rollup row as [`fetch_rows`] decodes it, in the order of [`ROW_COLUMNS`].
type PackedRow = (
    i64,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    String,
);
