//! A probe's facts of one Paris day as the window holds them, and their totals: a day
//! that lies wholly inside a question's range is added as a handful of totals instead of
//! being counted fact by fact again.
//!
//! A [`ProbeDay`] is never changed once held (a change of its facts replaces it), so its
//! totals per step, error code and maintenance flag, counted the first time a
//! whole-range question covers the whole day, cannot go stale.

use std::sync::OnceLock;

use super::RecentFact;
use crate::indicators::codes::CodeId;
use crate::indicators::facts::FactKind;
use crate::indicators::series::Cell;

/// A probe's facts of one Paris day, in time order. Never changed once held: a change
/// of the day's facts replaces it, so its totals cannot go stale.
#[derive(Debug)]
pub struct ProbeDay {
    facts: Vec<RecentFact>,
    totals: OnceLock<Vec<DayTotal>>,
}

/// The facts of a probe's day that share a step, an error code and whether they lie in
/// a maintenance window, counted (durations in the histogram).
#[derive(Debug)]
pub struct DayTotal {
    pub step: CodeId,
    pub error: CodeId,
    pub in_maintenance: bool,
    pub cell: Cell,
}

impl ProbeDay {
    pub fn new(facts: Vec<RecentFact>) -> ProbeDay {
        ProbeDay {
            facts,
            totals: OnceLock::new(),
        }
    }

    pub fn facts(&self) -> &[RecentFact] {
        &self.facts
    }

    /// Whether the day's totals are counted already.
    pub fn has_totals(&self) -> bool {
        self.totals.get().is_some()
    }

    /// The day's totals (its facts are all of `kind`): counted the first time they are
    /// asked for, then kept.
    pub fn totals(&self, kind: FactKind) -> &[DayTotal] {
        self.totals.get_or_init(|| {
            let mut totals: Vec<DayTotal> = Vec::new();
            let mut last = 0;
            for fact in &self.facts {
                let same = |total: &DayTotal| {
                    (total.step, total.error, total.in_maintenance)
                        == (fact.step, fact.error, fact.in_maintenance)
                };
                // Consecutive facts mostly share their codes; a day has few totals.
                if !totals.get(last).is_some_and(same) {
                    last = match totals.iter().position(same) {
                        Some(index) => index,
                        None => {
                            totals.push(DayTotal {
                                step: fact.step,
                                error: fact.error,
                                in_maintenance: fact.in_maintenance,
                                cell: Cell::default(),
                            });
                            totals.len() - 1
                        }
                    };
                }
                if let Some(total) = totals.get_mut(last) {
                    total.cell.add_fact(kind, fact, true);
                }
            }
            totals.iter_mut().for_each(|total| total.cell.settle());
            totals
        })
    }
}
