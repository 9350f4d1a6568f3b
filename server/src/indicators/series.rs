//! Reading facts for a period through the planner, and turning them into series.
//!
//! The segments the planner chose (rollup levels and raw edges) are read side by side;
//! a segment of at least 336 fixed-width buckets, or of at least 26 Paris days, weeks or
//! months, is cut into up to four parts read on tasks of their own, so that decoding
//! rows uses every core. Rollup rows, and the facts the recent window holds, are counted
//! into [`SeriesCells`]: one [`Cell`] per group and bucket, whose [`Cell::value`] is each
//! metric's one definition (availability and success rate: OK over the facts counted,
//! those outside maintenance windows; a skipped step takes no part).

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use app::domain::indicators::{Bucket, Filters, GroupBy, Metric, Series};
use tokio_util::task::AbortOnDropHandle;

use super::catalog::QueryCatalog;
use super::facts::{fetch_facts, FactKind, Tally};
use super::maintenance::MaintenanceIndex;
use super::planner::{plan, Source, SummedInto};
use super::recent::RecentFact;
use super::rollups::{read_rows, tally_facts, Resolution, RollupRow, RowFilter};
use crate::hashing::FastBuildHasher;
use crate::storage::{Database, StorageError, StorageResult};

/// Fixed-width buckets per part: a segment of at least twice as many is read in parts.
const BUCKETS_PER_PART: i64 = 168;
/// At most this many parts per segment (each holds a pooled connection while it reads).
const MAX_PARTS: i64 = 4;

/// All facts of `[from, to)` as rollup-shaped rows: rollups where they cover whole
/// buckets, raw rows at the edges. The segments are read side by side (a year in months
/// has up to a dozen of them, each a round trip), long ones in parts on tasks of their
/// own so that decoding rows runs on every core (a month of hourly rows for 20 probes is
/// about 18,000 rows), the raw edges after the maintenance windows their tally needs.
pub async fn collect_rows(
    db: &Database,
    kind: FactKind,
    from: i64,
    to: i64,
    summed: SummedInto,
    filter: &RowFilter,
) -> StorageResult<Vec<RollupRow>> {
    let segments = plan(from, to, summed, kind.resolutions());
    let rollup_reads = segments.iter().filter_map(|segment| match segment.source {
        Source::Rollup(resolution) => Some(read_in_parts(
            db,
            kind,
            resolution,
            segment.from,
            segment.to,
            filter,
        )),
        Source::Raw => None,
    });
    let raw_edges: Vec<(i64, i64)> = segments
        .iter()
        .filter(|segment| segment.source == Source::Raw)
        .map(|segment| (segment.from, segment.to))
        .collect();
    let (parts, raw_rows) = futures::future::try_join(
        futures::future::try_join_all(rollup_reads),
        read_raw_edges(db, kind, &raw_edges, filter),
    )
    .await?;
    let mut rows = raw_rows;
    rows.extend(parts.into_iter().flatten());
    Ok(rows)
}

/// The rows of one rollup segment: read in place when short, else in [`parts`], each on
/// a task of its own.
async fn read_in_parts(
    db: &Database,
    kind: FactKind,
    resolution: Resolution,
    from: i64,
    to: i64,
    filter: &RowFilter,
) -> StorageResult<Vec<RollupRow>> {
    let parts = parts(resolution, from, to);
    if parts.len() == 1 {
        return read_rows(db, kind, resolution, from, to, filter).await;
    }
    let tasks = parts.into_iter().map(|(from, to)| {
        let (db, filter) = (db.clone(), filter.clone());
        AbortOnDropHandle::new(tokio::spawn(async move {
            read_rows(&db, kind, resolution, from, to, &filter).await
        }))
    });
    let mut rows = Vec::new();
    for part in futures::future::join_all(tasks).await {
        rows.extend(part.map_err(|error| {
            StorageError::Interrupted(format!("reading rollup rows: {error}"))
        })??);
    }
    Ok(rows)
}

/// `[from, to)` of one resolution cut into parts of whole buckets. Rows are picked by
/// their bucket start, so the parts share no row.
fn parts(resolution: Resolution, from: i64, to: i64) -> Vec<(i64, i64)> {
    let Some(width) = resolution.fixed_width_ms() else {
        return calendar_parts(resolution, from, to);
    };
    let buckets = (to - from) / width;
    let count = (buckets / BUCKETS_PER_PART).clamp(1, MAX_PARTS);
    let step = (buckets + count - 1) / count * width;
    let mut parts = Vec::new();
    let mut start = from;
    while start < to {
        let end = (start + step).min(to);
        parts.push((start, end));
        start = end;
    }
    parts
}

/// Calendar buckets (Paris days, weeks, months) per part: a segment of at least twice as
/// many is read in parts. A year of weeks is read in four parts (some 1,900 rows each
/// for 20 probes), a year of months in one.
const CALENDAR_BUCKETS_PER_PART: usize = 13;

/// `[from, to)`, whole buckets of a calendar resolution, cut into parts of whole buckets.
fn calendar_parts(resolution: Resolution, from: i64, to: i64) -> Vec<(i64, i64)> {
    let mut starts = vec![from];
    while let Some(&last) = starts.last() {
        let next = resolution.next(last);
        if next >= to || next <= last {
            break;
        }
        starts.push(next);
    }
    let count = (starts.len() / CALENDAR_BUCKETS_PER_PART).clamp(1, MAX_PARTS as usize);
    let per_part = starts.len().div_ceil(count);
    let mut bounds: Vec<i64> = starts.iter().step_by(per_part).copied().collect();
    bounds.push(to);
    bounds.windows(2).map(|pair| (pair[0], pair[1])).collect()
}

/// Raw facts of the `edges` that pass `filter`, tallied per minute: each keeps its own
/// minute as bucket.
async fn read_raw_edges(
    db: &Database,
    kind: FactKind,
    edges: &[(i64, i64)],
    filter: &RowFilter,
) -> StorageResult<Vec<RollupRow>> {
    if edges.is_empty() {
        return Ok(Vec::new());
    }
    let index = MaintenanceIndex::load(db).await?;
    let mut rows = Vec::new();
    for &(from, to) in edges {
        let mut facts = fetch_facts(db, kind, from, to, None).await?;
        let probes = facts.code_flags(|code| keeps(filter.probes.as_ref(), code));
        let steps =
            facts.code_flags(|code| kind == FactKind::Runs || keeps(filter.steps.as_ref(), code));
        let errors = facts.code_flags(|code| keeps(filter.error_codes.as_ref(), code));
        let kept = |flags: &[bool], code: u32| flags.get(code as usize).copied().unwrap_or(false);
        facts.items.retain(|fact| {
            kept(&probes, fact.probe) && kept(&steps, fact.step) && kept(&errors, fact.error)
        });
        rows.extend(
            tally_facts(kind, &facts, Resolution::Minute, &index)?
                .into_iter()
                .map(|(key, tally)| RollupRow { key, tally }),
        );
    }
    Ok(rows)
}

/// Whether a resolved list of codes keeps `value`: `None` keeps everything, and a list
/// exactly its codes (an empty one nothing: filters that match no probe keep no row,
/// as the rollups' `IN ()` does).
pub(super) fn keeps(list: Option<&Vec<String>>, value: &str) -> bool {
    list.is_none_or(|list| list.iter().any(|kept| kept == value))
}

/// Which facts a metric reads: steps for step-level questions, runs otherwise.
pub fn fact_kind(metric: Metric, group_by: Option<GroupBy>, filters: &Filters) -> FactKind {
    let step_level = metric == Metric::SuccessRate
        || matches!(group_by, Some(GroupBy::Step | GroupBy::Service))
        || !filters.step.is_empty()
        || !filters.service.is_empty();
    if step_level {
        FactKind::Steps
    } else {
        FactKind::Runs
    }
}

/// The coarsest rollup whose buckets nest in the series' buckets.
pub fn coarsest_for(bucket: Bucket) -> Resolution {
    match bucket {
        Bucket::Day => Resolution::Day,
        Bucket::Week => Resolution::Week,
        Bucket::Month => Resolution::Month,
        Bucket::Hour => Resolution::Hour,
        Bucket::FifteenMinutes => Resolution::QuarterHour,
        _ => Resolution::Minute,
    }
}

/// What one (group, bucket) cell holds: every fact, and the counted ones (outside
/// maintenance windows) for availability, success rate and failures.
#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub all: Tally,
    pub counted: Tally,
    /// Histogram keys of the durations of facts added one by one, not yet in `all`'s
    /// histogram (see [`Cell::settle`]).
    held_keys: Vec<u32>,
}

impl Cell {
    pub fn add(&mut self, row: &RollupRow) {
        self.all.merge(&row.tally);
        if !row.key.in_maintenance {
            self.counted.total += row.tally.total;
            self.counted.ok += row.tally.ok;
            self.counted.failed += row.tally.failed;
            self.counted.other += row.tally.other;
        }
    }

    /// Adds one fact held in memory; its duration is kept for the histogram only
    /// `with_histogram` (percentiles), until [`Cell::settle`].
    #[inline]
    pub fn add_fact(&mut self, kind: FactKind, fact: &RecentFact, with_histogram: bool) {
        if self.all.count(kind, fact.outcome) {
            self.all.duration_sum += fact.duration_ms;
            if with_histogram {
                self.held_keys.push(fact.duration_key);
            }
        }
        if !fact.in_maintenance {
            self.counted.count(kind, fact.outcome);
        }
    }

    /// Adds what a settled cell holds (its histogram only `with_histogram`).
    pub fn add_cell(&mut self, other: &Cell, with_histogram: bool) {
        self.all.merge_counts(&other.all);
        if with_histogram {
            self.all.histogram.merge(&other.all.histogram);
        }
        self.counted.merge_counts(&other.counted);
    }

    /// Adds what another cell holds.
    pub fn absorb(&mut self, mut other: Cell) {
        self.take_from(&mut other);
    }

    /// Adds what `other` holds and empties it, keeping its room for held keys (a cell
    /// filled and emptied again and again allocates once).
    pub fn take_from(&mut self, other: &mut Cell) {
        self.all.merge(&other.all);
        self.counted.merge(&other.counted);
        self.held_keys.append(&mut other.held_keys);
        other.all = Tally::default();
        other.counted = Tally::default();
    }

    /// Puts the durations of the facts added one by one into the histogram: counted
    /// at once, rather than one tree insertion per fact.
    pub fn settle(&mut self) {
        if !self.held_keys.is_empty() {
            self.all.histogram.record_keys(&self.held_keys);
            self.held_keys = Vec::new();
        }
    }

    /// The metric's value, `None` when the cell gives it no meaning (no counted fact).
    pub fn value(&self, metric: Metric, kind: FactKind) -> Option<f64> {
        match metric {
            Metric::Availability | Metric::SuccessRate => {
                let counted = match kind {
                    FactKind::Runs => self.counted.total,
                    FactKind::Steps => self.counted.total - self.counted.other,
                };
                (counted > 0).then(|| self.counted.ok as f64 * 100.0 / counted as f64)
            }
            Metric::Runs => Some(self.all.total as f64),
            Metric::Failures => Some(self.counted.failed as f64),
            Metric::DurationP50 | Metric::DurationP95 | Metric::DurationP99 => metric
                .quantile()
                .and_then(|q| self.all.histogram.quantile(q)),
            Metric::Events | Metric::Conversion => None,
        }
    }
}

/// Group key of facts of `probe` at `step` with `error` (codes; empty when none), or
/// `None` when they belong to no group of `group_by`.
pub fn group_key(
    catalog: &QueryCatalog,
    group_by: Option<GroupBy>,
    [probe, step, error]: [&str; 3],
) -> Option<BTreeMap<String, String>> {
    let mut key = BTreeMap::new();
    if let Some(group) = group_by {
        let value = catalog.group_value(group, probe, step, error)?;
        key.insert(group.as_str().to_string(), value);
    }
    Some(key)
}

/// The cells of series being built. Facts are many and their codes few: each (probe,
/// step, error code) is placed in its group once, looked up by an identity of the
/// caller's choosing (the codes' text for rollup rows, their indexes for facts held in
/// memory).
pub struct SeriesCells<'a, K> {
    catalog: &'a QueryCatalog,
    kind: FactKind,
    group_by: Option<GroupBy>,
    filters: &'a Filters,
    groups: Vec<(BTreeMap<String, String>, BTreeMap<i64, Cell>)>,
    group_of: HashMap<K, Option<usize>, FastBuildHasher>,
    group_index: HashMap<BTreeMap<String, String>, usize>,
}

impl<'a, K: Hash + Eq> SeriesCells<'a, K> {
    pub fn new(
        catalog: &'a QueryCatalog,
        kind: FactKind,
        group_by: Option<GroupBy>,
        filters: &'a Filters,
    ) -> Self {
        SeriesCells {
            catalog,
            kind,
            group_by,
            filters,
            groups: Vec::new(),
            group_of: HashMap::default(),
            group_index: HashMap::new(),
        }
    }

    /// The group of facts with these `codes` (probe, step, error code), known by
    /// `identity`; `None` when the step and service filters leave them out or they
    /// belong to no group.
    pub fn group(&mut self, identity: K, codes: [&str; 3]) -> Option<usize> {
        let Self {
            catalog,
            kind,
            group_by,
            filters,
            groups,
            group_index,
            ..
        } = self;
        *self.group_of.entry(identity).or_insert_with(|| {
            let [probe, step, _] = codes;
            if *kind == FactKind::Steps && !catalog.step_passes(filters, probe, step) {
                return None;
            }
            let key = group_key(catalog, *group_by, codes)?;
            Some(*group_index.entry(key.clone()).or_insert_with(|| {
                groups.push((key, BTreeMap::new()));
                groups.len() - 1
            }))
        })
    }

    /// Adds the cells of `other` (built over other facts of the same question).
    pub fn absorb(&mut self, other: SeriesCells<'a, K>) {
        for (key, cells) in other.groups {
            let index = match self.group_index.get(&key) {
                Some(index) => *index,
                None => {
                    self.groups.push((key.clone(), BTreeMap::new()));
                    self.group_index.insert(key, self.groups.len() - 1);
                    self.groups.len() - 1
                }
            };
            let target = &mut self.groups[index].1;
            for (start, cell) in cells {
                target.entry(start).or_default().absorb(cell);
            }
        }
    }

    /// The cell of `group` for the series bucket starting at `start`.
    pub fn cell(&mut self, group: usize, start: i64) -> &mut Cell {
        self.groups[group].1.entry(start).or_default()
    }

    /// One series per group, one point per bucket where `metric` has a value.
    pub fn into_series(self, metric: Metric) -> Vec<Series> {
        let kind = self.kind;
        let mut series: Vec<Series> = self
            .groups
            .into_iter()
            .map(|(key, cells)| Series {
                key,
                points: cells
                    .into_iter()
                    .filter_map(|(start, mut cell)| {
                        cell.settle();
                        cell.value(metric, kind).map(|value| (start, value))
                    })
                    .collect(),
            })
            .collect();
        series.sort_by(|a, b| a.key.cmp(&b.key));
        series
    }
}

/// Series of `metric` from rows: one per group, one point per bucket with a value.
pub fn build_series(
    catalog: &QueryCatalog,
    rows: &[RollupRow],
    metric: Metric,
    kind: FactKind,
    bucket: Bucket,
    (group_by, filters): (Option<GroupBy>, &Filters),
) -> Vec<Series> {
    let mut cells = SeriesCells::new(catalog, kind, group_by, filters);
    // Each rollup bucket is placed in its series bucket once (Paris calendar maths).
    let mut start_of: HashMap<i64, i64> = HashMap::new();
    for row in rows {
        let codes = [
            row.key.probe_code.as_str(),
            row.key.step_code.as_str(),
            row.key.error_code.as_str(),
        ];
        let Some(group) = cells.group(codes, codes) else {
            continue;
        };
        let start = *start_of
            .entry(row.key.bucket_start)
            .or_insert_with(|| bucket.start_of(row.key.bucket_start));
        cells.cell(group, start).add(row);
    }
    cells.into_series(metric)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: i64 = 3_600_000;

    #[test]
    fn long_segments_are_cut_into_whole_buckets_that_cover_them_once() {
        let from = 1_790_000_000_000 - 1_790_000_000_000 % HOUR;
        let to = from + 721 * HOUR;
        let cut = parts(Resolution::Hour, from, to);
        assert_eq!(cut.len(), MAX_PARTS as usize);
        assert_eq!(cut.first().map(|part| part.0), Some(from));
        assert_eq!(cut.last().map(|part| part.1), Some(to));
        for pair in cut.windows(2) {
            assert_eq!(pair[0].1, pair[1].0);
        }
        for (start, end) in &cut {
            assert_eq!((start - from) % HOUR, 0);
            assert!(end > start);
        }
    }

    #[test]
    fn short_segments_are_read_whole_and_long_calendar_ones_cut_on_bucket_starts() {
        let from = 1_790_000_000_000 - 1_790_000_000_000 % HOUR;
        assert_eq!(
            parts(Resolution::Hour, from, from + 24 * HOUR),
            vec![(from, from + 24 * HOUR)]
        );
        let after = |resolution: Resolution, start: i64, buckets: usize| {
            (0..buckets).fold(start, |start, _| resolution.next(start))
        };
        let day = Resolution::Day.floor(1_790_000_000_000);
        let ten_days_later = after(Resolution::Day, day, 10);
        assert_eq!(
            parts(Resolution::Day, day, ten_days_later),
            vec![(day, ten_days_later)]
        );
        // A year of Paris weeks, across both DST changes.
        let week = Resolution::Week.floor(1_790_000_000_000);
        let year_later = after(Resolution::Week, week, 52);
        let cut = parts(Resolution::Week, week, year_later);
        assert_eq!(cut.len(), MAX_PARTS as usize);
        assert_eq!(cut.first().map(|part| part.0), Some(week));
        assert_eq!(cut.last().map(|part| part.1), Some(year_later));
        for pair in cut.windows(2) {
            assert_eq!(pair[0].1, pair[1].0);
            assert_eq!(Resolution::Week.floor(pair[0].1), pair[0].1);
        }
    }
}
