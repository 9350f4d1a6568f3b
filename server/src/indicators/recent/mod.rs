//! The recent window: the facts (runs and steps) of the last [`RECENT_DAYS`] Paris days,
//! held in memory, so that a question about the last month, week or day is answered
//! without reading rows from the database. Rollups answer everything older.
//!
//! The database stays the truth. Before each question the window reads the change log
//! (`storage::changes`), which every write of facts or references appends to, in
//! whatever process it runs, and reloads the probe days it names. Once
//! [`RecentFacts::follow_changes`] keeps the database's change watch
//! (`storage::change_watch`), the window reads the log only when the watch knows of a
//! change it has not applied. A Paris day is loaded the first
//! time a question needs it, then kept until it leaves the window.
//!
//! A fact holds the indexes of its codes in the window's [`Codes`], its outcome, whether
//! it lies in a maintenance window, and its duration's histogram bucket, all computed at
//! load time; a question only counts. A whole-range question (the summary, the board)
//! adds the totals of the days it covers wholly (`probe_day`), counted once per day.
//!
//! A question is counted from the held facts through the same `series::SeriesCells` as
//! rollup rows (`RecentView::series`, `rows_over`): durations are kept as histogram keys
//! and counted into each cell's histogram once, and a view of more than 20,000 facts is
//! counted in two halves side by side. The change watch vouches for the window only
//! while its last reading of the newest change number is recent (three polling
//! intervals; the server polls every second) and no change it knows of (read,
//! announced, or written through this `Database`) is newer than the last one applied:
//! another process's change is seen within an announcement's delay on PostgreSQL, a
//! polling interval on SQLite (or after a lost announcement).

mod probe_day;
mod scan;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tracing::Instrument;

use super::catalog::QueryCatalog;
use super::codes::{CodeId, Codes};
use super::facts::{fetch_facts, FactKind, Facts, Outcome};
use super::histogram::key_of;
use super::maintenance::MaintenanceIndex;
use super::rollups::Resolution;
use crate::storage::change_watch::follow_changes;
use crate::storage::changes::{changes_since, last_generation};
use crate::storage::{Database, StorageResult};

use probe_day::ProbeDay;
pub use scan::RecentView;

/// Paris days held in memory: today and the 34 days before (a "last 30 days" question
/// and a "this month" one both fit).
pub const RECENT_DAYS: i64 = 35;

/// One run or step held in memory. Its probe is that of the list it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct RecentFact {
    pub started_at_ms: i64,
    pub duration_ms: i64,
    /// The empty code for runs.
    pub step: CodeId,
    /// The empty code when there is none.
    pub error: CodeId,
    /// The histogram bucket of the duration.
    pub duration_key: u32,
    pub outcome: Outcome,
    pub in_maintenance: bool,
}

/// One Paris day of one kind of facts: per probe, its facts in time order.
type DayFacts = BTreeMap<CodeId, Arc<ProbeDay>>;

#[derive(Debug, Default)]
struct Store {
    /// The last change of the log applied (`None`: nothing loaded yet).
    generation: Option<i64>,
    /// The catalog, read again after a change of every probe (references or
    /// maintenance windows changed, or a range was rebuilt).
    catalog: Option<Arc<QueryCatalog>>,
    codes: Arc<Codes>,
    runs: BTreeMap<i64, DayFacts>,
    steps: BTreeMap<i64, DayFacts>,
}

impl Store {
    fn days(&mut self, kind: FactKind) -> &mut BTreeMap<i64, DayFacts> {
        match kind {
            FactKind::Runs => &mut self.runs,
            FactKind::Steps => &mut self.steps,
        }
    }

    fn clear(&mut self) {
        self.catalog = None;
        self.runs.clear();
        self.steps.clear();
    }
}

/// The facts of recent days, shared by every clone.
#[derive(Debug, Clone)]
pub struct RecentFacts {
    db: Database,
    store: Option<Arc<Mutex<Store>>>,
}

/// The first instant of the window when it is `now`.
pub fn window_start(now: i64) -> i64 {
    let mut start = Resolution::Day.floor(now);
    for _ in 1..RECENT_DAYS {
        start = Resolution::Day.floor(start - 1);
    }
    start
}

impl RecentFacts {
    pub fn new(db: Database) -> RecentFacts {
        RecentFacts {
            db,
            store: Some(Arc::default()),
        }
    }

    /// A window that holds nothing: every question goes to the rollups.
    pub fn disabled(db: Database) -> RecentFacts {
        RecentFacts { db, store: None }
    }

    /// The facts of `kind` over `[from, to)` when the window covers that range at `now`
    /// (from the window's first day to the end of tomorrow; `None`: ask the rollups),
    /// brought up to date with the change log first.
    pub async fn view(
        &self,
        kind: FactKind,
        from: i64,
        to: i64,
        now: i64,
    ) -> StorageResult<Option<RecentView>> {
        let Some(store) = &self.store else {
            return Ok(None);
        };
        let start = window_start(now);
        let end = Resolution::Day.next(Resolution::Day.next(Resolution::Day.floor(now)));
        if from < start || to > end || to <= from {
            return Ok(None);
        }
        let mut store = store.lock().await;
        let mut maintenance = None;
        self.apply_changes(&mut store, &mut maintenance).await?;
        store.runs = store.runs.split_off(&start);
        store.steps = store.steps.split_off(&start);
        let mut day = Resolution::Day.floor(from);
        let mut slices = Vec::new();
        while day < to {
            let next = Resolution::Day.next(day);
            if !store.days(kind).contains_key(&day) {
                self.load(&mut store, kind, (day, next), None, &mut maintenance)
                    .await?;
            }
            if let Some(facts) = store.days(kind).get(&day) {
                slices.extend(facts.iter().map(|(probe, facts)| (*probe, facts.clone())));
            }
            day = next;
        }
        let catalog = match &store.catalog {
            Some(catalog) => catalog.clone(),
            None => {
                let catalog = Arc::new(QueryCatalog::load(&self.db).await?);
                store.catalog = Some(catalog.clone());
                catalog
            }
        };
        Ok(Some(RecentView {
            catalog,
            codes: store.codes.clone(),
            kind,
            from,
            to,
            slices,
            split_above: scan::SPLIT_ABOVE,
        }))
    }

    /// Keeps the database's change watch (reading the newest change number every
    /// `poll_every`, and listening for announcements on PostgreSQL), so that a question
    /// asked when nothing changed does not read the log; see `storage::change_watch`.
    pub fn follow_changes(&self, poll_every: Duration) {
        if self.store.is_some() {
            follow_changes(&self.db, poll_every);
        }
    }

    /// Whether the window skips reading the change log when the watch knows of no
    /// change it has not applied (once the watch has read the newest number).
    pub fn follows_changes(&self) -> bool {
        self.store.is_some() && self.db.change_watch().fresh()
    }

    /// Loads every day of the window at `now` (at start-up, so that the first
    /// questions do not wait for it).
    #[tracing::instrument(name = "recent_warm_up", skip(self), err)]
    pub async fn warm_up(&self, now: i64) -> StorageResult<()> {
        for kind in [FactKind::Runs, FactKind::Steps] {
            self.view(kind, window_start(now), now.max(window_start(now) + 1), now)
                .await?;
        }
        Ok(())
    }

    /// Paris days held in memory (runs, steps).
    pub async fn days_held(&self) -> (usize, usize) {
        match &self.store {
            Some(store) => {
                let store = store.lock().await;
                (store.runs.len(), store.steps.len())
            }
            None => (0, 0),
        }
    }

    /// Applies the changes logged since the last one applied: a probe's days are
    /// reloaded (once, however many changes name them), days of every probe dropped
    /// (and loaded again when asked for).
    async fn apply_changes(
        &self,
        store: &mut Store,
        maintenance: &mut Option<MaintenanceIndex>,
    ) -> StorageResult<()> {
        let Some(seen) = store.generation else {
            // Nothing is held yet: what is loaded from now on is at least this recent.
            store.generation = Some(last_generation(&self.db).await?);
            return Ok(());
        };
        if self.db.change_watch().vouches_for(seen) {
            return Ok(());
        }
        let changes = changes_since(&self.db, seen).await?;
        let Some(last) = changes.last().map(|change| change.generation) else {
            return Ok(());
        };
        if changes.first().map(|change| change.generation) != Some(seen + 1) {
            // Older changes were pruned from the log: nothing held can be trusted.
            store.clear();
        }
        let mut stale: BTreeSet<(FactKind, i64, &str)> = BTreeSet::new();
        for change in &changes {
            if change.probe_code.is_none() {
                store.catalog = None;
            }
            for kind in [FactKind::Runs, FactKind::Steps] {
                let days = store.days(kind);
                let touched: Vec<i64> = days
                    .keys()
                    .copied()
                    .filter(|&day| day < change.to_ms && Resolution::Day.next(day) > change.from_ms)
                    .collect();
                for day in touched {
                    match &change.probe_code {
                        Some(probe) => {
                            stale.insert((kind, day, probe));
                        }
                        None => {
                            days.remove(&day);
                        }
                    }
                }
            }
        }
        if !stale.is_empty() {
            let span = tracing::info_span!("recent_reload", probe_days = stale.len());
            async {
                for (kind, day, probe) in stale {
                    // A later change of every probe may have dropped the day since.
                    if store.days(kind).contains_key(&day) {
                        let next = Resolution::Day.next(day);
                        self.load(store, kind, (day, next), Some(probe), maintenance)
                            .await?;
                    }
                }
                StorageResult::Ok(())
            }
            .instrument(span)
            .await?;
        }
        // Only now: a failure above leaves the log to be read again.
        store.generation = Some(last);
        Ok(())
    }

    /// Loads the facts of `kind` of the Paris day `[day, next)`, of one probe (replacing
    /// what is held of it) or of all. The maintenance windows are read once per question.
    async fn load(
        &self,
        store: &mut Store,
        kind: FactKind,
        (day, next): (i64, i64),
        probe: Option<&str>,
        maintenance: &mut Option<MaintenanceIndex>,
    ) -> StorageResult<()> {
        let facts = fetch_facts(&self.db, kind, day, next, probe).await?;
        let maintenance = match maintenance {
            Some(index) => index,
            None => maintenance.insert(MaintenanceIndex::load(&self.db).await?),
        };
        let loaded = held(&facts, Arc::make_mut(&mut store.codes), maintenance)?;
        let replaced = probe.map(|probe| Arc::make_mut(&mut store.codes).id(probe));
        let held_day = store.days(kind).entry(day).or_default();
        if let Some(id) = replaced {
            held_day.remove(&id);
        }
        held_day.extend(
            loaded
                .into_iter()
                .map(|(probe, facts)| (probe, Arc::new(ProbeDay::new(facts)))),
        );
        Ok(())
    }
}

/// Facts as the window holds them: per probe, in time order, their codes indexes into
/// `codes`.
fn held(
    facts: &Facts,
    codes: &mut Codes,
    maintenance: &MaintenanceIndex,
) -> StorageResult<HashMap<CodeId, Vec<RecentFact>>> {
    let ids: Vec<CodeId> = facts.codes.texts().map(|text| codes.id(text)).collect();
    let outcomes = facts.outcomes()?;
    let id = |local: CodeId| ids.get(local as usize).copied().unwrap_or(CodeId::MAX);
    let mut by_probe: HashMap<CodeId, Vec<RecentFact>> = HashMap::new();
    for fact in &facts.items {
        let probe_text = facts.codes.text(fact.probe);
        by_probe
            .entry(id(fact.probe))
            .or_default()
            .push(RecentFact {
                started_at_ms: fact.started_at_ms,
                duration_ms: fact.duration_ms,
                step: id(fact.step),
                error: id(fact.error),
                duration_key: key_of(fact.duration_ms),
                outcome: outcomes
                    .get(fact.status as usize)
                    .copied()
                    .unwrap_or(Outcome::Failed),
                in_maintenance: maintenance.covers(probe_text, fact.started_at_ms),
            });
    }
    for facts in by_probe.values_mut() {
        facts.sort_by_key(|fact| fact.started_at_ms);
    }
    Ok(by_probe)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paris(date: &str) -> i64 {
        let local =
            chrono::NaiveDateTime::parse_from_str(date, "%Y-%m-%d %H:%M").unwrap_or_default();
        chrono::TimeZone::from_local_datetime(&chrono_tz::Europe::Paris, &local)
            .single()
            .map_or(0, |time| time.timestamp_millis())
    }

    #[test]
    fn the_window_starts_at_midnight_in_paris_thirty_four_days_before_today() {
        // Across the autumn change of time (25 October 2026): a 25-hour day inside.
        assert_eq!(
            window_start(paris("2026-11-05 14:30")),
            paris("2026-10-02 00:00")
        );
        assert_eq!(
            window_start(paris("2026-11-05 00:00")),
            paris("2026-10-02 00:00")
        );
        // Across the spring one (29 March 2026): a 23-hour day inside.
        assert_eq!(
            window_start(paris("2026-04-10 23:59")),
            paris("2026-03-07 00:00")
        );
    }
}
