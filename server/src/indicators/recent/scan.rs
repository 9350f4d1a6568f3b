//! Answering a question from the facts held in memory: series and whole-range rows, as
//! the rollups would give them.

use std::collections::HashMap;
use std::sync::Arc;

use app::domain::indicators::{Bucket, Filters, GroupBy, Metric, Series};

use super::RecentFact;
use crate::hashing::FastBuildHasher;
use crate::indicators::catalog::QueryCatalog;
use crate::indicators::codes::{CodeId, Codes};
use crate::indicators::facts::FactKind;
use crate::indicators::rollups::{RollupRow, RowFilter, RowKey};
use crate::indicators::series::{keeps, Cell, SeriesCells};

/// The facts of one kind over `[from, to)`, per probe, as held when the question came.
#[derive(Debug)]
pub struct RecentView {
    /// The catalog as it was when the question came.
    pub catalog: Arc<QueryCatalog>,
    pub(super) codes: Arc<Codes>,
    pub(super) kind: FactKind,
    pub(super) from: i64,
    pub(super) to: i64,
    /// Per probe and Paris day, facts in time order (the first and last days may reach
    /// beyond `[from, to)`).
    pub(super) slices: Vec<(CodeId, Arc<Vec<RecentFact>>)>,
}

/// Per code, whether `filter` keeps facts that carry it as probe, step and error code.
struct Kept {
    probes: Vec<bool>,
    steps: Vec<bool>,
    errors: Vec<bool>,
}

impl Kept {
    fn new(codes: &Codes, kind: FactKind, filter: &RowFilter) -> Kept {
        let flags = |list: Option<&Vec<String>>| -> Vec<bool> {
            codes.texts().map(|code| keeps(list, code)).collect()
        };
        Kept {
            probes: flags(filter.probes.as_ref()),
            steps: match kind {
                FactKind::Runs => vec![true; codes.texts().count()],
                FactKind::Steps => flags(filter.steps.as_ref()),
            },
            errors: flags(filter.error_codes.as_ref()),
        }
    }

    fn probe(&self, probe: CodeId) -> bool {
        flag(&self.probes, probe)
    }

    fn fact(&self, fact: &RecentFact) -> bool {
        flag(&self.steps, fact.step) && flag(&self.errors, fact.error)
    }
}

fn flag(flags: &[bool], code: CodeId) -> bool {
    flags.get(code as usize).copied().unwrap_or(false)
}

impl RecentView {
    /// Each kept fact of `[from, to)` with its probe.
    fn for_each_fact(&self, filter: &RowFilter, mut visit: impl FnMut(CodeId, &RecentFact)) {
        let kept = Kept::new(&self.codes, self.kind, filter);
        for (probe, facts) in &self.slices {
            if !kept.probe(*probe) {
                continue;
            }
            let first = facts.partition_point(|fact| fact.started_at_ms < self.from);
            let end = facts.partition_point(|fact| fact.started_at_ms < self.to);
            for fact in facts.get(first..end).unwrap_or_default() {
                if kept.fact(fact) {
                    visit(*probe, fact);
                }
            }
        }
    }

    fn texts(&self, probe: CodeId, fact: &RecentFact) -> [&str; 3] {
        [
            self.codes.text(probe),
            self.codes.text(fact.step),
            self.codes.text(fact.error),
        ]
    }

    /// Series of `metric` in `bucket`s, one per group, as `series::build_series` gives
    /// them from rollup rows.
    pub fn series(
        &self,
        filter: &RowFilter,
        metric: Metric,
        bucket: Bucket,
        (group_by, filters): (Option<GroupBy>, &Filters),
    ) -> Vec<Series> {
        let counting = (self.kind, metric.quantile().is_some());
        let mut cells = SeriesCells::new(&self.catalog, self.kind, group_by, filters);
        let mut last_group = None;
        // Facts come in time order within a slice: the bucket is computed again only
        // when a fact leaves the current one.
        let mut bucket_span = (i64::MAX, i64::MIN);
        let mut consecutive = Consecutive::default();
        self.for_each_fact(filter, |probe, fact| {
            let identity = (probe, fact.step, fact.error);
            let group = match last_group {
                Some((last, group)) if last == identity => group,
                _ => {
                    let group = cells.group(identity, self.texts(probe, fact));
                    last_group = Some((identity, group));
                    group
                }
            };
            let Some(group) = group else {
                return;
            };
            let at = fact.started_at_ms;
            if at < bucket_span.0 || at >= bucket_span.1 {
                let start = bucket.start_of(at);
                bucket_span = (start, bucket.next_start(start));
            }
            consecutive.add(
                (group, bucket_span.0),
                fact,
                counting,
                |(group, start), cell| cells.cell(group, start).absorb(cell),
            );
        });
        consecutive.finish(|(group, start), cell| cells.cell(group, start).absorb(cell));
        cells.into_series(metric)
    }

    /// The kept facts summed into one row per (probe, step, error code, in maintenance)
    /// over the whole range, as rollup rows (their bucket is the range's start).
    pub fn rows_over(&self, filter: &RowFilter) -> Vec<RollupRow> {
        let counting = (self.kind, filter.with_histograms);
        let mut cells: HashMap<RowCodes, Cell, FastBuildHasher> = HashMap::default();
        let mut consecutive = Consecutive::default();
        self.for_each_fact(filter, |probe, fact| {
            let key = (probe, fact.step, fact.error, fact.in_maintenance);
            consecutive.add(key, fact, counting, |key, cell| {
                cells.entry(key).or_default().absorb(cell)
            });
        });
        consecutive.finish(|key, cell| cells.entry(key).or_default().absorb(cell));
        cells
            .into_iter()
            .map(|((probe, step, error, in_maintenance), mut cell)| {
                cell.settle();
                RollupRow {
                    key: RowKey {
                        bucket_start: self.from,
                        probe_code: self.codes.text(probe).to_string(),
                        step_code: self.codes.text(step).to_string(),
                        error_code: self.codes.text(error).to_string(),
                        in_maintenance,
                    },
                    tally: cell.all,
                }
            })
            .collect()
    }
}

/// A row's codes: probe, step, error code, in maintenance.
type RowCodes = (CodeId, CodeId, CodeId, bool);

/// Facts counted into one cell for as long as their key stays the same, the cell handed
/// over when it changes: consecutive facts of a probe mostly share their bucket and
/// group, so that most of them cost no map look-up.
struct Consecutive<K> {
    current: Option<(K, Cell)>,
}

impl<K> Default for Consecutive<K> {
    fn default() -> Self {
        Consecutive { current: None }
    }
}

impl<K: PartialEq> Consecutive<K> {
    fn add(
        &mut self,
        key: K,
        fact: &RecentFact,
        (kind, with_histogram): (FactKind, bool),
        hand_over: impl FnOnce(K, Cell),
    ) {
        if let Some((current, cell)) = &mut self.current {
            if *current == key {
                cell.add_fact(kind, fact, with_histogram);
                return;
            }
        }
        let mut cell = Cell::default();
        cell.add_fact(kind, fact, with_histogram);
        if let Some((previous, full)) = self.current.replace((key, cell)) {
            hand_over(previous, full);
        }
    }

    fn finish(self, hand_over: impl FnOnce(K, Cell)) {
        if let Some((key, cell)) = self.current {
            hand_over(key, cell);
        }
    }
}
