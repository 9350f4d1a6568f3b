//! What this process knows of the change log (`storage::changes`) without reading it.
//!
//! Reading the log before every question costs a round trip to the database. A
//! [`ChangeWatch`] lets a reader skip it when the newest change number it knows of is one
//! the reader has applied. The watch learns change numbers three ways:
//!
//! - a change written through this [`Database`] (or a clone), from before its commit, so
//!   that the process reads its own writes at once;
//! - on PostgreSQL, the announcement (`NOTIFY`) of a change by any process, delivered a
//!   few milliseconds after its commit to a listener of this process;
//! - a reading of the newest number every `poll_every` (both engines), which finds what
//!   announcements missed (a lost connection) and, on SQLite, which has none, the changes
//!   of other processes (a `vigie import` from the command line).
//!
//! The watch vouches for a reader only while its last reading is recent (three polling
//! intervals): when the database stops answering, readers read the log again.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::changes::{last_generation, CHANNEL};
use super::Database;

/// How often the server reads the newest change number.
pub const POLL_EVERY: Duration = Duration::from_secs(1);

/// What this process knows of the change log; one per [`Database`], shared by its clones.
#[derive(Debug)]
pub struct ChangeWatch {
    /// The highest change number known to exist. A change written by this process is
    /// known before its commit: a reader may then read the log early, find nothing new
    /// yet, and read it again at its next question.
    known: AtomicI64,
    /// Milliseconds from `origin` to the last reading of the newest number (-1: none).
    read_at_ms: AtomicI64,
    /// How long a reading is trusted (milliseconds).
    trusted_for_ms: AtomicI64,
    origin: Instant,
    /// The tasks that keep the watch were started.
    followed: AtomicBool,
}

impl Default for ChangeWatch {
    fn default() -> ChangeWatch {
        ChangeWatch {
            known: AtomicI64::new(0),
            read_at_ms: AtomicI64::new(-1),
            trusted_for_ms: AtomicI64::new(0),
            origin: Instant::now(),
            followed: AtomicBool::new(false),
        }
    }
}

impl ChangeWatch {
    /// Whether a reader that applied every change up to `applied` is known to be current
    /// (to within an announcement's delay, or a polling interval when one was lost).
    pub fn vouches_for(&self, applied: i64) -> bool {
        // The reading's time first: a reading stores its number before its time.
        self.fresh() && applied >= self.known.load(Ordering::SeqCst)
    }

    /// Whether the newest change number was read recently enough to be trusted.
    pub fn fresh(&self) -> bool {
        let read_at = self.read_at_ms.load(Ordering::SeqCst);
        read_at >= 0 && self.elapsed_ms() - read_at <= self.trusted_for_ms.load(Ordering::SeqCst)
    }

    pub(super) fn knows(&self, generation: i64) {
        self.known.fetch_max(generation, Ordering::SeqCst);
    }

    fn read(&self, generation: i64) {
        self.knows(generation);
        self.read_at_ms.store(self.elapsed_ms(), Ordering::SeqCst);
    }

    fn elapsed_ms(&self) -> i64 {
        i64::try_from(self.origin.elapsed().as_millis()).unwrap_or(i64::MAX)
    }
}

/// Starts (once per database) the tasks that keep `db`'s [`ChangeWatch`]: one reads the
/// newest change number every `poll_every`, and on PostgreSQL one listens for
/// announcements. Both end when the database is closed.
pub fn follow_changes(db: &Database, poll_every: Duration) {
    let watch = db.change_watch().clone();
    if watch.followed.swap(true, Ordering::SeqCst) {
        return;
    }
    let trusted_for = (poll_every * 3).as_millis();
    watch.trusted_for_ms.store(
        i64::try_from(trusted_for).unwrap_or(i64::MAX),
        Ordering::SeqCst,
    );
    if let Some(pool) = db.pg_pool() {
        tokio::spawn(listen(pool.clone(), watch.clone()));
    }
    tokio::spawn(poll(db.clone(), watch, poll_every));
}

async fn poll(db: Database, watch: Arc<ChangeWatch>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if db.pool().is_closed() {
            return;
        }
        match last_generation(&db).await {
            Ok(generation) => watch.read(generation),
            Err(error) => tracing::debug!(%error, "the newest fact change could not be read"),
        }
    }
}

/// Listens for announcements until the pool is closed, connecting again after a failure.
async fn listen(pool: sqlx::PgPool, watch: Arc<ChangeWatch>) {
    loop {
        match listen_until_failure(&pool, &watch).await {
            Err(sqlx::Error::PoolClosed) => return,
            Err(error) => {
                tracing::warn!(%error, "listening for fact changes failed; retrying in 1 s");
            }
            Ok(never) => match never {},
        }
        if pool.is_closed() {
            return;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

async fn listen_until_failure(
    pool: &sqlx::PgPool,
    watch: &ChangeWatch,
) -> Result<std::convert::Infallible, sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    loop {
        // `None`: the connection was lost and opened again; the changes announced in
        // between are found by the next reading of the newest number.
        if let Some(notification) = listener.try_recv().await? {
            match notification.payload().parse::<i64>() {
                Ok(generation) => watch.knows(generation),
                Err(_) => tracing::warn!("a fact change announcement without a number"),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reader_is_vouched_for_only_after_a_recent_reading_and_when_up_to_date() {
        let watch = ChangeWatch::default();
        watch.knows(7);
        // Never read: the log must be read.
        assert!(!watch.vouches_for(7));
        watch.trusted_for_ms.store(60_000, Ordering::SeqCst);
        watch.read(5);
        assert!(watch.vouches_for(7));
        assert!(watch.vouches_for(8));
        // Behind the newest change known.
        assert!(!watch.vouches_for(6));
        // Numbers only ever move the watch forward.
        watch.knows(3);
        assert!(watch.vouches_for(7));
        // A reading too old is not trusted.
        watch.trusted_for_ms.store(0, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(5));
        assert!(!watch.vouches_for(7));
    }
}
