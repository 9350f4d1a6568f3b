//! Raw facts (runs or steps) as the rollups and the raw fallback read them, and the
//! tally that aggregates them.

use super::histogram::Histogram;
use super::rollups::Resolution;
use crate::storage::packed::{fetch_rows, Param};
use crate::storage::{Database, StorageResult};

/// Runs, or steps of runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactKind {
    Runs,
    Steps,
}

impl FactKind {
    /// The rollup resolutions stored for this kind. Nothing finer than a quarter hour:
    /// with a run every few minutes per probe, minute rows would be as many as raw runs.
    /// Steps stop at the hour (quarter-hour step rows would be a third of the raw steps
    /// table). Finer questions read raw rows (the planner knows).
    pub fn resolutions(self) -> &'static [Resolution] {
        match self {
            FactKind::Runs => &[
                Resolution::QuarterHour,
                Resolution::Hour,
                Resolution::Day,
                Resolution::Week,
                Resolution::Month,
            ],
            FactKind::Steps => &[
                Resolution::Hour,
                Resolution::Day,
                Resolution::Week,
                Resolution::Month,
            ],
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            FactKind::Runs => "r",
            FactKind::Steps => "s",
        }
    }
}

/// One run or one step, placed in time by its run's `started_at`.
#[derive(Debug, Clone)]
pub struct Fact {
    pub probe_code: String,
    /// Empty for runs.
    pub step_code: String,
    pub started_at_ms: i64,
    pub duration_ms: i64,
    pub status: String,
    pub error_code: Option<String>,
}

/// Counts of a set of facts. For runs `other` counts timeouts; for steps, skipped steps
/// (which take no part in success rates or durations).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    pub total: i64,
    pub ok: i64,
    pub failed: i64,
    pub other: i64,
    pub duration_sum: i64,
    pub histogram: Histogram,
}

impl Tally {
    pub fn add(&mut self, kind: FactKind, fact: &Fact) {
        self.total += 1;
        match (kind, fact.status.as_str()) {
            (_, "OK") => self.ok += 1,
            (FactKind::Runs, "TIMEOUT") => {
                self.failed += 1;
                self.other += 1;
            }
            (FactKind::Steps, "SKIPPED") => {
                self.other += 1;
                return;
            }
            _ => self.failed += 1,
        }
        self.duration_sum += fact.duration_ms;
        self.histogram.record(fact.duration_ms);
    }

    pub fn merge(&mut self, other: &Tally) {
        self.total += other.total;
        self.ok += other.ok;
        self.failed += other.failed;
        self.other += other.other;
        self.duration_sum += other.duration_sum;
        self.histogram.merge(&other.histogram);
    }
}

/// A fact as read: probe, step, started_at, duration, status, error code.
type FactRow = (String, String, i64, i64, String, Option<String>);

/// Facts of runs started in `[from, to)`, optionally of one probe, in time order.
pub async fn fetch_facts(
    db: &Database,
    kind: FactKind,
    from: i64,
    to: i64,
    probe: Option<&str>,
) -> StorageResult<Vec<Fact>> {
    let probe_clause = if probe.is_some() {
        " AND r.probe_code = $3"
    } else {
        ""
    };
    let sql = match kind {
        FactKind::Runs => format!(
            "SELECT r.probe_code, '' AS step_code, r.started_at, r.duration_ms, r.status, r.error_code \
             FROM probe_runs r WHERE r.started_at >= $1 AND r.started_at < $2{probe_clause}"
        ),
        FactKind::Steps => format!(
            "SELECT r.probe_code, s.step_code, r.started_at, s.duration_ms, s.status, s.error_code \
             FROM probe_steps s JOIN probe_runs r ON r.run_id = s.run_id \
             WHERE r.started_at >= $1 AND r.started_at < $2{probe_clause}"
        ),
    };
    let mut params = vec![Param::Int(from), Param::Int(to)];
    params.extend(probe.map(Param::Text));
    let rows: Vec<FactRow> = fetch_rows(db, &FACT_COLUMNS, &sql, &params).await?;
    let mut facts: Vec<Fact> = rows
        .into_iter()
        .map(
            |(probe_code, step_code, started_at_ms, duration_ms, status, error_code)| Fact {
                probe_code,
                step_code,
                started_at_ms,
                duration_ms,
                status,
                error_code,
            },
        )
        .collect();
    // By time only: comparing the codes of a run's steps (same start) cost a fifth of
    // a rollup rebuild, and no reader needs an order within one instant.
    facts.sort_unstable_by_key(|fact| fact.started_at_ms);
    Ok(facts)
}

const FACT_COLUMNS: [&str; 6] = [
    "probe_code",
    "step_code",
    "started_at",
    "duration_ms",
    "status",
    "error_code",
];
