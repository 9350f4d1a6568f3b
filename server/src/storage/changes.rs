//! The log of fact changes (`rollup_changes`): what a process that keeps facts in memory
//! (`indicators::recent`) must reload, whichever process wrote them.
//!
//! A change is logged in the transaction that writes what it names (or, for a rollup
//! refresh, in a short one of its own right after the facts are stored), and bumps
//! `rollup_state.generation` under its row lock: the numbers follow commit order with no
//! gap, so a reader that saw number `n` and reads every change after `n` misses none
//! (only the last [`KEPT_CHANGES`] are kept; a reader further behind finds a gap and
//! reloads everything).
//!
//! Reading the log before every question costs a round trip. On PostgreSQL each change
//! is also announced (`NOTIFY`, delivered on commit) and a listener of this process
//! keeps a [`ChangeWatch`]: while it listens, a reader that is known to be current skips
//! the round trip. A change written by this process is known to the watch before its
//! commit (read-your-writes); one written by another process, once its announcement
//! arrives, a few milliseconds after its commit.

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

use sqlx::{AnyConnection, Row};

use super::{Database, Engine, StorageResult};

/// Changes kept in the log; older ones are deleted as new ones arrive.
pub const KEPT_CHANGES: i64 = 10_000;

/// The PostgreSQL channel on which each change is announced, its number as payload.
const CHANNEL: &str = "vigie_fact_changes";

/// What this process knows of the change log without reading it; one per [`Database`],
/// shared by its clones.
#[derive(Debug, Default)]
pub struct ChangeWatch {
    /// The highest change number known to exist: announced, or written by this process
    /// (known from before its commit, so a reader may read the log early and find
    /// nothing new yet; it reads it again at its next question).
    known: AtomicI64,
    /// Non-zero while a listener receives every announcement; a new value each time it
    /// starts listening, so that a reader reads the log once after each (re)start.
    epoch: AtomicU64,
    /// A listener task was started for this database.
    followed: AtomicBool,
}

/// A reading of a [`ChangeWatch`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WatchState {
    epoch: u64,
    known: i64,
}

impl WatchState {
    /// Whether a reader that read the log under this state's epoch (`read_in_epoch`) and
    /// applied every change up to `applied` is known to be current, without reading it.
    pub fn vouches_for(&self, read_in_epoch: u64, applied: i64) -> bool {
        self.epoch != 0 && self.epoch == read_in_epoch && applied >= self.known
    }

    /// The epoch a reader that reads the log now must remember (0: not listening).
    pub fn epoch(&self) -> u64 {
        self.epoch
    }
}

impl ChangeWatch {
    /// What the watch knows now (read before reading the log).
    pub fn state(&self) -> WatchState {
        WatchState {
            epoch: self.epoch.load(Ordering::SeqCst),
            known: self.known.load(Ordering::SeqCst),
        }
    }

    /// Whether a listener receives every announcement now.
    pub fn listening(&self) -> bool {
        self.epoch.load(Ordering::SeqCst) != 0
    }

    fn knows(&self, generation: i64) {
        self.known.fetch_max(generation, Ordering::SeqCst);
    }
}

/// On PostgreSQL, starts (once per database) a task that listens for the announcements
/// of changes and keeps the database's [`ChangeWatch`]; the task ends when the database
/// is closed. Does nothing on SQLite, where a reader reads the log before every question.
pub fn follow_changes(db: &Database) {
    let (Engine::Postgres, Some(pool)) = (db.engine(), db.pg_pool()) else {
        return;
    };
    let watch = db.change_watch().clone();
    if watch.followed.swap(true, Ordering::SeqCst) {
        return;
    }
    let pool = pool.clone();
    tokio::spawn(async move {
        let mut epoch = 0;
        loop {
            epoch += 1;
            let ended = listen(&pool, &watch, epoch).await;
            watch.epoch.store(0, Ordering::SeqCst);
            match ended {
                Err(sqlx::Error::PoolClosed) => break,
                Err(error) => {
                    tracing::warn!(%error, "listening for fact changes failed; retrying in 1 s");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Ok(()) => tracing::info!("fact change announcements lost; listening again"),
            }
            if pool.is_closed() {
                break;
            }
        }
    });
}

/// Listens for announcements under `epoch` until the connection is lost (`Ok`) or fails.
async fn listen(pool: &sqlx::PgPool, watch: &ChangeWatch, epoch: u64) -> Result<(), sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    // From here on every announcement reaches this listener; readers read the log
    // once more, for the changes committed before.
    watch.epoch.store(epoch, Ordering::SeqCst);
    while let Some(notification) = listener.try_recv().await? {
        match notification.payload().parse::<i64>() {
            Ok(generation) => watch.knows(generation),
            Err(_) => {
                tracing::warn!("a fact change announcement without a number; listening again");
                return Ok(());
            }
        }
    }
    Ok(())
}

/// Facts of runs started in `[from_ms, to_ms)` changed, for one probe or for all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactChange {
    pub generation: i64,
    pub from_ms: i64,
    pub to_ms: i64,
    pub probe_code: Option<String>,
}

/// Logs that facts of `[from_ms, to_ms)` changed (of `probe_code`, or of every probe),
/// in a transaction of its own.
pub async fn record_change(
    db: &Database,
    from_ms: i64,
    to_ms: i64,
    probe_code: Option<&str>,
) -> StorageResult<()> {
    let mut tx = db.pool().begin().await?;
    record_change_in(db, &mut tx, from_ms, to_ms, probe_code).await?;
    tx.commit().await?;
    Ok(())
}

/// Logs a change of `db` in the caller's transaction `tx` (the one that writes the facts
/// or references, so that both are committed together), as late in it as possible: the
/// row lock it takes on `rollup_state` is held until the commit. On PostgreSQL the
/// change is announced on commit.
pub async fn record_change_in(
    db: &Database,
    tx: &mut AnyConnection,
    from_ms: i64,
    to_ms: i64,
    probe_code: Option<&str>,
) -> StorageResult<()> {
    let generation: i64 = sqlx::query_scalar(
        "UPDATE rollup_state SET generation = generation + 1 WHERE id = 1 RETURNING generation",
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO rollup_changes (generation, from_ms, to_ms, probe_code) VALUES ($1, $2, $3, $4)",
    )
    .bind(generation)
    .bind(from_ms)
    .bind(to_ms)
    .bind(probe_code)
    .execute(&mut *tx)
    .await?;
    if db.engine() == Engine::Postgres {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(CHANNEL)
            .bind(generation.to_string())
            .execute(&mut *tx)
            .await?;
    }
    db.change_watch().knows(generation);
    if generation % 100 == 0 {
        sqlx::query("DELETE FROM rollup_changes WHERE generation <= $1")
            .bind(generation - KEPT_CHANGES)
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// The number of the last change committed (0 before any).
pub async fn last_generation(db: &Database) -> StorageResult<i64> {
    Ok(
        sqlx::query_scalar("SELECT generation FROM rollup_state WHERE id = 1")
            .fetch_optional(db.pool())
            .await?
            .unwrap_or(0),
    )
}

/// Every change logged after `generation`, oldest first.
pub async fn changes_since(db: &Database, generation: i64) -> StorageResult<Vec<FactChange>> {
    let rows = sqlx::query(
        "SELECT generation, from_ms, to_ms, probe_code FROM rollup_changes \
         WHERE generation > $1 ORDER BY generation",
    )
    .bind(generation)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|row| {
            Ok(FactChange {
                generation: row.try_get("generation")?,
                from_ms: row.try_get("from_ms")?,
                to_ms: row.try_get("to_ms")?,
                probe_code: row.try_get("probe_code")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_is_vouched_for_only_when_listened_in_the_same_epoch_and_up_to_date() {
        let watch = ChangeWatch::default();
        watch.knows(7);
        // Nobody listens: the log must be read.
        assert!(!watch.state().vouches_for(0, 7));
        watch.epoch.store(3, Ordering::SeqCst);
        let state = watch.state();
        assert!(state.vouches_for(3, 7));
        assert!(state.vouches_for(3, 8));
        // Behind the newest change known, or read before this listener listened.
        assert!(!state.vouches_for(3, 6));
        assert!(!state.vouches_for(2, 7));
        // Changes only ever move the watch forward.
        watch.knows(5);
        assert!(watch.state().vouches_for(3, 7));
    }
}
