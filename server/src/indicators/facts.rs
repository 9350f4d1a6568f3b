//! Raw facts (runs or steps) as the rollups and the raw fallback read them, and the
//! tally that aggregates them.

use std::borrow::Cow;

use serde::de::{Deserialize, Deserializer, Visitor};

use super::codes::{CodeId, Codes};
use super::histogram::Histogram;
use super::rollups::Resolution;
use crate::storage::packed::{visit_rows, Param, RowSink};
use crate::storage::{Database, StorageError, StorageResult};
use app::domain::status::StepStatus;

/// Runs, or steps of runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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

/// One run or one step, placed in time by its run's `started_at`. Its codes are indexes
/// into the [`Facts`] it belongs to.
#[derive(Debug, Clone, Copy)]
pub struct Fact {
    pub probe: CodeId,
    /// The empty code for runs.
    pub step: CodeId,
    pub started_at_ms: i64,
    pub duration_ms: i64,
    pub status: CodeId,
    /// The empty code when there is none.
    pub error: CodeId,
}

/// Facts read together, and their codes.
#[derive(Debug, Default)]
pub struct Facts {
    pub codes: Codes,
    pub items: Vec<Fact>,
}

impl Facts {
    /// For each code, `keep(code)`, indexed like the codes (to filter facts by code
    /// without comparing text per fact).
    pub fn code_flags(&self, keep: impl Fn(&str) -> bool) -> Vec<bool> {
        self.codes.texts().map(keep).collect()
    }

    /// For each code, what it means as a status (codes that are no status, such as a
    /// probe's, mean nothing). A fact whose status names no status is an error that
    /// names the column.
    pub fn outcomes(&self) -> StorageResult<Vec<Outcome>> {
        let outcomes: Vec<Option<Outcome>> = self
            .codes
            .texts()
            .map(|text| text.parse::<StepStatus>().ok().map(Outcome::from))
            .collect();
        if let Some(unknown) = self.items.iter().find(|fact| {
            outcomes
                .get(fact.status as usize)
                .copied()
                .flatten()
                .is_none()
        }) {
            let text = self.codes.text(unknown.status);
            let error = text.parse::<StepStatus>().err();
            return Err(StorageError::Corrupt(format!(
                "status: {}",
                error.map_or_else(
                    || format!("unknown status `{text}`"),
                    |error| error.to_string()
                )
            )));
        }
        Ok(outcomes
            .into_iter()
            .map(|outcome| outcome.unwrap_or(Outcome::Failed))
            .collect())
    }
}

/// What a status says, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    Timeout,
    Skipped,
    /// KO.
    Failed,
}

impl From<StepStatus> for Outcome {
    fn from(status: StepStatus) -> Outcome {
        match status {
            StepStatus::Ok => Outcome::Ok,
            StepStatus::Timeout => Outcome::Timeout,
            StepStatus::Skipped => Outcome::Skipped,
            StepStatus::Ko => Outcome::Failed,
        }
    }
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
    pub fn add(&mut self, kind: FactKind, outcome: Outcome, duration_ms: i64) {
        if self.count(kind, outcome) {
            self.duration_sum += duration_ms;
            self.histogram.record(duration_ms);
        }
    }

    /// Counts one fact, without its duration; answers whether its duration counts (a
    /// skipped step has none).
    pub fn count(&mut self, kind: FactKind, outcome: Outcome) -> bool {
        self.total += 1;
        match (kind, outcome) {
            (_, Outcome::Ok) => self.ok += 1,
            (FactKind::Runs, Outcome::Timeout) => {
                self.failed += 1;
                self.other += 1;
            }
            (FactKind::Steps, Outcome::Skipped) => {
                self.other += 1;
                return false;
            }
            _ => self.failed += 1,
        }
        true
    }

    pub fn merge(&mut self, other: &Tally) {
        self.merge_counts(other);
        self.histogram.merge(&other.histogram);
    }

    /// Adds the other tally's counts and duration sum, not its histogram.
    pub fn merge_counts(&mut self, other: &Tally) {
        self.total += other.total;
        self.ok += other.ok;
        self.failed += other.failed;
        self.other += other.other;
        self.duration_sum += other.duration_sum;
    }
}

/// Facts of runs started in `[from, to)`, optionally of one probe, in no particular
/// order.
pub async fn fetch_facts(
    db: &Database,
    kind: FactKind,
    from: i64,
    to: i64,
    probe: Option<&str>,
) -> StorageResult<Facts> {
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
    let mut facts = Facts::default();
    visit_rows(db, &FACT_COLUMNS, &sql, &params, &mut facts).await?;
    Ok(facts)
}

impl RowSink for Facts {
    fn row<'de, D: Deserializer<'de>>(&mut self, row: D) -> Result<(), D::Error> {
        let (probe, step, started_at_ms, duration_ms, status, error): FactRow<'de> =
            Deserialize::deserialize(row)?;
        let fact = Fact {
            probe: self.codes.id(&probe.0),
            step: self.codes.id(&step.0),
            started_at_ms,
            duration_ms,
            status: self.codes.id(&status.0),
            error: self.codes.id(error.as_ref().map_or("", |error| &error.0)),
        };
        self.items.push(fact);
        Ok(())
    }
}

/// A fact as read: probe, step, started_at, duration, status, error code.
type FactRow<'de> = (Text<'de>, Text<'de>, i64, i64, Text<'de>, Option<Text<'de>>);

/// A text cell, borrowed from the row when the row allows it.
struct Text<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = Text<'de>;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("text")
            }

            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                text: &'de str,
            ) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(text)))
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(text.to_string())))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

const FACT_COLUMNS: [&str; 6] = [
    "probe_code",
    "step_code",
    "started_at",
    "duration_ms",
    "status",
    "error_code",
];
