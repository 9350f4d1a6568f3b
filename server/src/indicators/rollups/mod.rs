//! Rollups: pre-aggregated facts of each probe (runs, step code `''`) and each
//! (probe, step) (steps), one row per bucket, error code and maintenance flag, with
//! counts, a duration sum and a mergeable histogram. Runs have quarter-hour, hour and
//! Europe/Paris day, week and month rows; steps start at the hour (quarter-hour step rows
//! would be about as many as the raw steps, see `FactKind::resolutions`). Nothing finer is
//! stored: the planner reads raw rows for what no level covers whole. Each row says
//! whether its facts lie in a maintenance window (`MaintenanceIndex::covers`), so that
//! availability, failures and incidents leave them out.
//!
//! Rows are recomputed from raw rows one Paris day at a time ([`build`]), which makes
//! every update idempotent (re-ingesting a run changes nothing) and handles late data (a
//! late run recomputes its own day); [`read`] answers the rows a question needs.
//! [`ROLLUP_FORMAT`] and the `rollup_state` table make `serve` and `demo` rebuild every
//! rollup from raw rows after an upgrade that changes them
//! (`refresh::ensure_rollups_current`).

mod build;
mod read;

pub use build::{rebuild, refresh};
pub use read::{read_rows, Fold, RowFilter};

use std::collections::HashMap;

use app::domain::indicators::Bucket;

use super::codes::CodeId;
use super::facts::{FactKind, Facts, Outcome, Tally};
use super::maintenance::MaintenanceIndex;
use crate::hashing::FastBuildHasher;
use crate::storage::StorageResult;

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
) -> StorageResult<RowTallies> {
    // Keyed by code indexes while counting (a day holds tens of thousands of facts and
    // a few thousand keys); the codes' text is looked up once per row at the end.
    let outcomes = facts.outcomes()?;
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
    Ok(rows
        .into_iter()
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
        .collect())
}
