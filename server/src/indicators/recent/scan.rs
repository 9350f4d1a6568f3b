//! Answering a question from the facts held in memory: series and whole-range rows, as
//! the rollups would give them.

use std::collections::HashMap;
use std::sync::Arc;

use app::domain::indicators::{Bucket, Filters, GroupBy, Metric, Series};

use super::probe_day::ProbeDay;
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
    pub(super) slices: Vec<Slice>,
    /// Views of more facts than this are counted in two halves side by side.
    pub(super) split_above: usize,
}

/// A probe's facts of one Paris day, in time order.
type Slice = (CodeId, Arc<ProbeDay>);

/// Views of more facts than this are counted in two halves side by side, one on a thread
/// of its own: a week of runs for 20 probes is 40,320 facts, a month 172,800, and both
/// cores count them (as the rollups' long segments are read in parts on tasks of their
/// own). Starting a thread costs some tens of microseconds; a day's runs stay on one.
pub(super) const SPLIT_ABOVE: usize = 20_000;

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
        self.codes(fact.step, fact.error)
    }

    fn codes(&self, step: CodeId, error: CodeId) -> bool {
        flag(&self.steps, step) && flag(&self.errors, error)
    }
}

fn flag(flags: &[bool], code: CodeId) -> bool {
    flags.get(code as usize).copied().unwrap_or(false)
}

impl RecentView {
    /// `scan` over every slice: in two halves side by side when they hold many facts
    /// to count one by one (`work` of a slice), their results put together by `merge`.
    fn scan_in_halves<T: Send>(
        &self,
        work: impl Fn(&ProbeDay) -> usize,
        scan: impl Fn(&[Slice]) -> T + Sync,
        merge: impl FnOnce(T, T) -> T,
    ) -> T {
        let total: usize = self.slices.iter().map(|(_, day)| work(day)).sum();
        if total <= self.split_above {
            return scan(&self.slices);
        }
        let mut seen = 0;
        let middle = self
            .slices
            .iter()
            .position(|(_, day)| {
                seen += work(day);
                2 * seen >= total
            })
            .map_or(self.slices.len(), |index| index + 1);
        let (first, second) = self.slices.split_at(middle);
        std::thread::scope(|scope| {
            let other = scope.spawn(|| scan(second));
            let mine = scan(first);
            match other.join() {
                Ok(theirs) => merge(mine, theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    /// Each fact of `[from, to)` in `slices` that `kept` keeps, with its probe.
    fn for_each_fact(
        &self,
        slices: &[Slice],
        kept: &Kept,
        mut visit: impl FnMut(CodeId, &RecentFact),
    ) {
        for (probe, day) in slices {
            if !kept.probe(*probe) {
                continue;
            }
            for fact in self.in_range(day.facts()).0 {
                if kept.fact(fact) {
                    visit(*probe, fact);
                }
            }
        }
    }

    /// The facts of a slice inside `[from, to)`, and whether that is all of them.
    fn in_range<'s>(&self, facts: &'s [RecentFact]) -> (&'s [RecentFact], bool) {
        // Most slices lie wholly inside the range: no search (a search touches a dozen
        // places of a slice that may not be in the cache yet).
        let starts_inside = facts.first().is_some_and(|f| f.started_at_ms >= self.from);
        let ends_inside = facts.last().is_some_and(|f| f.started_at_ms < self.to);
        let first = match starts_inside {
            true => 0,
            false => facts.partition_point(|fact| fact.started_at_ms < self.from),
        };
        let end = match ends_inside {
            true => facts.len(),
            false => facts.partition_point(|fact| fact.started_at_ms < self.to),
        };
        let inside = facts.get(first..end).unwrap_or_default();
        (inside, starts_inside && ends_inside)
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
        let kept = Kept::new(&self.codes, self.kind, filter);
        let scan = |slices: &[Slice]| {
            let mut cells = SeriesCells::new(&self.catalog, self.kind, group_by, filters);
            let mut last_group = None;
            // Facts come in time order within a slice: the bucket is computed again only
            // when a fact leaves the current one.
            let mut bucket_span = (i64::MAX, i64::MIN);
            let mut consecutive = Consecutive::default();
            self.for_each_fact(slices, &kept, |probe, fact| {
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
                    |(group, start), cell| cells.cell(group, start).take_from(cell),
                );
            });
            consecutive.finish(|(group, start), cell| cells.cell(group, start).take_from(cell));
            cells
        };
        let every_fact = |day: &ProbeDay| day.facts().len();
        let cells = self.scan_in_halves(every_fact, scan, |mut first, second| {
            first.absorb(second);
            first
        });
        cells.into_series(metric)
    }

    /// The kept facts summed into one row per (probe, step, error code, in maintenance)
    /// over the whole range, as rollup rows (their bucket is the range's start). The
    /// days that lie wholly inside the range are added as their totals; only those at
    /// its edges are counted fact by fact.
    pub fn rows_over(&self, filter: &RowFilter) -> Vec<RollupRow> {
        let counting = (self.kind, filter.with_histograms);
        let kept = Kept::new(&self.codes, self.kind, filter);
        let scan = |slices: &[Slice]| {
            let mut cells: HashMap<RowCodes, Cell, FastBuildHasher> = HashMap::default();
            let mut consecutive = Consecutive::default();
            for (probe, day) in slices.iter().filter(|(probe, _)| kept.probe(*probe)) {
                let (facts, whole) = self.in_range(day.facts());
                if whole {
                    for total in day.totals(self.kind) {
                        if kept.codes(total.step, total.error) {
                            let codes = (*probe, total.step, total.error, total.in_maintenance);
                            let cell = cells.entry(codes).or_default();
                            cell.add_cell(&total.cell, filter.with_histograms);
                        }
                    }
                    continue;
                }
                for fact in facts.iter().filter(|fact| kept.fact(fact)) {
                    let key = (*probe, fact.step, fact.error, fact.in_maintenance);
                    consecutive.add(key, fact, counting, |key, cell| {
                        cells.entry(key).or_default().take_from(cell)
                    });
                }
            }
            consecutive.finish(|key, cell| cells.entry(key).or_default().take_from(cell));
            cells
        };
        // Whole days cost a few additions each once their totals are counted (the
        // first question that covers them counts them); the others are counted fact
        // by fact.
        let facts_to_count = |day: &ProbeDay| match self.in_range(day.facts()) {
            (_, true) if day.has_totals() => 0,
            (facts, _) => facts.len(),
        };
        let cells = self.scan_in_halves(facts_to_count, scan, |mut first, second| {
            for (key, cell) in second {
                first.entry(key).or_default().absorb(cell);
            }
            first
        });
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

/// Facts counted into one cell for as long as their key stays the same, what the cell
/// holds handed over (and the cell emptied) when it changes: consecutive facts of a
/// probe mostly share their bucket and group, so that most of them cost no map look-up.
struct Consecutive<K> {
    current: Option<K>,
    cell: Cell,
}

impl<K> Default for Consecutive<K> {
    fn default() -> Self {
        Consecutive {
            current: None,
            cell: Cell::default(),
        }
    }
}

impl<K: PartialEq> Consecutive<K> {
    /// `hand_over` must empty the cell it is given (`Cell::take_from`).
    fn add(
        &mut self,
        key: K,
        fact: &RecentFact,
        (kind, with_histogram): (FactKind, bool),
        hand_over: impl FnOnce(K, &mut Cell),
    ) {
        if self.current.as_ref() != Some(&key) {
            if let Some(previous) = self.current.replace(key) {
                hand_over(previous, &mut self.cell);
            }
        }
        self.cell.add_fact(kind, fact, with_histogram);
    }

    fn finish(mut self, hand_over: impl FnOnce(K, &mut Cell)) {
        if let Some(key) = self.current.take() {
            hand_over(key, &mut self.cell);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::catalog::ProbeInfo;
    use crate::indicators::facts::{Outcome, Tally};
    use std::collections::BTreeMap;

    /// A month of facts for three probes, some failed, timed out or in maintenance.
    fn view(split_above: usize) -> RecentView {
        let mut codes = Codes::default();
        let empty = codes.id("");
        let errors = [codes.id("E1"), codes.id("E2")];
        let mut catalog = QueryCatalog::default();
        let mut slices = Vec::new();
        let day_ms = 86_400_000;
        let from = 1_790_000_000_000 - 1_790_000_000_000 % day_ms;
        for (index, probe) in ["P1", "P2", "P3"].iter().enumerate() {
            catalog.probes.insert(
                probe.to_string(),
                ProbeInfo {
                    product: if index == 0 { "A" } else { "B" }.into(),
                    channel: "web".into(),
                    environment: "prod".into(),
                },
            );
            let probe = codes.id(probe);
            for day in 0..30 {
                let facts = (0..1_000_i64)
                    .map(|n| {
                        let failed = (n * 7 + day + index as i64) % 9 == 0;
                        RecentFact {
                            started_at_ms: from + day * day_ms + n * 86_000,
                            duration_ms: 100 + (n * 37) % 5_000,
                            step: empty,
                            error: if failed {
                                errors[(n % 2) as usize]
                            } else {
                                empty
                            },
                            duration_key: crate::indicators::histogram::key_of(
                                100 + (n * 37) % 5_000,
                            ),
                            outcome: match (failed, n % 4) {
                                (false, _) => Outcome::Ok,
                                (true, 0) => Outcome::Timeout,
                                (true, _) => Outcome::Failed,
                            },
                            in_maintenance: n % 50 == 0,
                        }
                    })
                    .collect();
                slices.push((probe, Arc::new(ProbeDay::new(facts))));
            }
        }
        RecentView {
            catalog: Arc::new(catalog),
            codes: Arc::new(codes),
            kind: FactKind::Runs,
            from: from + 3_600_000,
            to: from + 29 * day_ms,
            slices,
            split_above,
        }
    }

    #[test]
    fn rows_over_give_what_counting_each_kept_fact_gives() {
        let view = view(1_000);
        let texts = |list: &[&str]| Some(list.iter().map(|text| text.to_string()).collect());
        let filters = [
            (None, None, true),
            (texts(&["P2", "P3"]), None, false),
            (None, texts(&["E1", ""]), true),
            (texts(&["P1"]), texts(&["E2"]), true),
        ];
        for (probes, error_codes, with_histograms) in filters {
            let filter = RowFilter {
                probes,
                error_codes,
                with_histograms,
                ..RowFilter::default()
            };
            let mut expected: BTreeMap<RowKey, Tally> = BTreeMap::new();
            for (probe, day) in &view.slices {
                for fact in day.facts() {
                    let [probe, _, error] = view.texts(*probe, fact);
                    let inside = (view.from..view.to).contains(&fact.started_at_ms);
                    let kept = keeps(filter.probes.as_ref(), probe)
                        && keeps(filter.error_codes.as_ref(), error);
                    if !inside || !kept {
                        continue;
                    }
                    let key = RowKey {
                        bucket_start: view.from,
                        probe_code: probe.to_string(),
                        step_code: String::new(),
                        error_code: error.to_string(),
                        in_maintenance: fact.in_maintenance,
                    };
                    let tally = expected.entry(key).or_default();
                    match with_histograms {
                        true => tally.add(FactKind::Runs, fact.outcome, fact.duration_ms),
                        false => {
                            tally.count(FactKind::Runs, fact.outcome);
                            tally.duration_sum += fact.duration_ms;
                        }
                    }
                }
            }
            // Asked twice: the first question counts the whole days' totals.
            for _ in 0..2 {
                let got: BTreeMap<RowKey, Tally> = view
                    .rows_over(&filter)
                    .into_iter()
                    .map(|row| (row.key, row.tally))
                    .collect();
                assert!(!got.is_empty());
                assert_eq!(got, expected, "{filter:?}");
            }
        }
    }

    #[test]
    fn halves_counted_side_by_side_give_what_one_pass_gives() {
        let (whole, halves) = (view(usize::MAX), view(1_000));
        let filters = Filters::default();
        for metric in [Metric::Availability, Metric::Failures, Metric::DurationP95] {
            for group_by in [None, Some(GroupBy::Product), Some(GroupBy::ErrorCode)] {
                let filter = RowFilter {
                    with_histograms: metric.quantile().is_some(),
                    ..RowFilter::default()
                };
                let one = whole.series(&filter, metric, Bucket::Day, (group_by, &filters));
                let two = halves.series(&filter, metric, Bucket::Day, (group_by, &filters));
                assert!(!one.is_empty());
                assert_eq!(one, two, "{metric:?} {group_by:?}");
            }
        }
        let filter = RowFilter {
            with_histograms: true,
            ..RowFilter::default()
        };
        let sorted = |view: &RecentView| {
            let mut rows: Vec<_> = view
                .rows_over(&filter)
                .into_iter()
                .map(|row| (row.key, row.tally))
                .collect();
            rows.sort_by(|a, b| a.0.cmp(&b.0));
            rows
        };
        let rows = sorted(&whole);
        assert_eq!(
            rows.iter().map(|row| row.1.total).sum::<i64>(),
            3 * 29 * 1_000 - 3 * 42
        );
        assert_eq!(rows, sorted(&halves));
    }
}
