//! The summary table: per group, runs, availability, percentiles, failures, incidents
//! and downtime over the period. Grouped by (or filtered on) step or service, its rows
//! are about steps: a service's runs are its steps' records (skipped ones included, as
//! the `runs` series counts them at step level), its availability and percentiles
//! those of the steps that ran, its incidents those whose failed step it serves. The
//! filters keep incidents by probe, failed step, service and error code.
//!
//! MTTR is a group's downtime over its periods; MTBF its counted time (the period up to
//! now, less the time maintenance covered every probe of the group) not down, over its
//! periods (`docs/api.md`).
//!
//! A group's incidents are its periods of unavailability: the incidents of its probes
//! that overlap (or touch) in time make one period, so a partner outage seen by five
//! probes is one incident of the service, and its downtime is counted once, not five
//! times. Grouped by probe, with no filter on an incident's step or error, the database
//! works out each probe's periods the same way instead of sending every incident.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use app::domain::indicators::{Filters, GroupBy, Metric, SummaryRow};

use super::catalog::QueryCatalog;
use super::facts::FactKind;
use super::incidents::{Incident, ProbeIncidents};
use super::maintenance::MaintenanceIndex;
use super::rollups::RollupRow;
use super::series::{group_key, keeps, Cell};

/// The period of a summary: `[from, to)`, and now (the end of open incidents).
#[derive(Debug, Clone, Copy)]
pub struct Period {
    pub from: i64,
    pub to: i64,
    pub now: i64,
}

impl Period {
    /// The part of the period that has passed: `[from, min(to, now))`.
    fn elapsed(&self) -> (i64, i64) {
        (self.from, self.to.min(self.now).max(self.from))
    }
}

/// What a summary is over: its group-by, its filters, the probes they keep (`None`:
/// all) and the facts its rows count (runs, or steps).
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    pub group_by: Option<GroupBy>,
    pub filters: &'a Filters,
    pub probes: Option<&'a Vec<String>>,
    pub kind: FactKind,
}

impl Scope<'_> {
    /// Whether a fact of `probe` at `step` passes the step and service filters (always,
    /// for runs).
    fn keeps_step(&self, catalog: &QueryCatalog, probe: &str, step: &str) -> bool {
        self.kind == FactKind::Runs || catalog.step_passes(self.filters, probe, step)
    }

    /// Whether an incident of `probe` that failed at `step` with `error` passes the
    /// filters.
    fn keeps_incident(&self, catalog: &QueryCatalog, probe: &str, step: &str, error: &str) -> bool {
        keeps(self.probes, probe)
            && self.keeps_step(catalog, probe, step)
            && Filters::keeps(&self.filters.error_code, error)
    }
}

/// Whether each group of the summary is one probe and every incident of its probe
/// counts: then a group's periods of unavailability are its probe's, which the database
/// can work out ([`super::incidents::totals_per_probe`]).
pub fn counts_incidents_per_probe(group_by: Option<GroupBy>, filters: &Filters) -> bool {
    group_by == Some(GroupBy::Probe)
        && filters.step.is_empty()
        && filters.service.is_empty()
        && filters.error_code.is_empty()
}

impl IncidentsRead {
    /// Whether no incident overlaps the period (then no row has an MTBF to work out).
    pub fn is_empty(&self) -> bool {
        match self {
            IncidentsRead::Each(incidents) => incidents.is_empty(),
            IncidentsRead::PerProbe(totals) => totals.is_empty(),
        }
    }
}

/// The incidents a summary counts, as read from the database.
#[derive(Debug, Clone)]
pub enum IncidentsRead {
    /// Each incident that overlaps the period.
    Each(Vec<Incident>),
    /// Per probe, its periods and their time inside the period: enough when
    /// [`counts_incidents_per_probe`].
    PerProbe(Vec<ProbeIncidents>),
}

/// Rows of the summary from rollup rows (of `scope.kind`) and the incidents overlapping
/// the period; `maintenance` gives the time each group was not counted (for MTBF).
pub fn summarise(
    catalog: &QueryCatalog,
    rows: &[RollupRow],
    incidents: IncidentsRead,
    maintenance: &MaintenanceIndex,
    scope: Scope,
    period: Period,
) -> Vec<SummaryRow> {
    let Scope { group_by, kind, .. } = scope;
    let mut cells: HashMap<BTreeMap<String, String>, Cell> = HashMap::new();
    for row in rows {
        if !scope.keeps_step(catalog, &row.key.probe_code, &row.key.step_code) {
            continue;
        }
        let codes = [
            row.key.probe_code.as_str(),
            row.key.step_code.as_str(),
            row.key.error_code.as_str(),
        ];
        if let Some(key) = group_key(catalog, group_by, codes) {
            cells.entry(key).or_default().add(row);
        }
    }
    let mut downtimes = match incidents {
        IncidentsRead::Each(incidents) => periods_per_group(catalog, &incidents, scope, period),
        IncidentsRead::PerProbe(totals) => totals
            .into_iter()
            .filter(|probe| keeps(scope.probes, &probe.probe_code))
            .filter_map(|probe| {
                let key = group_key(catalog, group_by, [probe.probe_code.as_str(), "", ""])?;
                Some((key, (probe.periods, probe.downtime_ms)))
            })
            .collect(),
    };
    // A group with incidents and no run in the period still has a row.
    for key in downtimes.keys() {
        cells.entry(key.clone()).or_default();
    }
    let probes = probes_per_group(catalog, scope);
    let (from, to) = period.elapsed();
    let mut summary: Vec<SummaryRow> = cells
        .into_iter()
        .map(|(key, cell)| {
            let (incidents, downtime_ms) = downtimes.remove(&key).unwrap_or((0, 0));
            let downtime_s = downtime_ms / 1000;
            let (mttr_s, mtbf_s) = if incidents > 0 {
                let group: Vec<&str> = probes
                    .get(&key)
                    .map(|probes| probes.iter().map(String::as_str).collect())
                    .unwrap_or_default();
                let counted_ms = (to - from) - maintenance.covered_ms(&group, from, to);
                let mean =
                    |ms: i64| Some((ms.max(0) as f64 / incidents as f64 / 1000.0).round() as i64);
                (mean(downtime_ms), mean(counted_ms - downtime_ms))
            } else {
                (None, None)
            };
            SummaryRow {
                mttr_s,
                mtbf_s,
                runs: cell.all.total,
                ok: cell.counted.ok,
                failed: cell.counted.failed,
                availability_pct: cell.value(Metric::Availability, kind),
                p50_ms: cell.value(Metric::DurationP50, kind),
                p95_ms: cell.value(Metric::DurationP95, kind),
                p99_ms: cell.value(Metric::DurationP99, kind),
                incidents,
                downtime_s,
                key,
            }
        })
        .collect();
    summary.sort_by(|a, b| a.key.cmp(&b.key));
    summary
}

/// Per group, the probes whose facts it counts (those the filters keep; grouped by step
/// or service, those whose journey has a step of the group).
fn probes_per_group(
    catalog: &QueryCatalog,
    scope: Scope,
) -> HashMap<BTreeMap<String, String>, BTreeSet<String>> {
    let mut groups: HashMap<BTreeMap<String, String>, BTreeSet<String>> = HashMap::new();
    for (probe, info) in &catalog.probes {
        if !keeps(scope.probes, probe) {
            continue;
        }
        let steps = catalog
            .step_service
            .keys()
            .filter(|(product, step)| {
                product == &info.product && scope.keeps_step(catalog, probe, step)
            })
            .map(|(_, step)| step.as_str());
        // Runs carry no step: a probe is in its run-level group once.
        let run_level = (scope.kind == FactKind::Runs).then_some("");
        for step in run_level.into_iter().chain(steps) {
            if let Some(key) = group_key(catalog, scope.group_by, [probe, step, ""]) {
                groups.entry(key).or_default().insert(probe.clone());
            }
        }
    }
    groups
}

/// Per group, the periods of unavailability that the incidents kept by `scope` make
/// (see [`periods`]): how many, and their total length inside the period.
fn periods_per_group(
    catalog: &QueryCatalog,
    incidents: &[Incident],
    scope: Scope,
    Period { from, to, now }: Period,
) -> HashMap<BTreeMap<String, String>, (i64, i64)> {
    let mut spans: HashMap<BTreeMap<String, String>, Vec<(i64, i64)>> = HashMap::new();
    for incident in incidents {
        let probe = incident.probe_code.as_str();
        let step = incident.failed_step_code.as_deref().unwrap_or_default();
        let error = incident.error_code.as_deref().unwrap_or_default();
        if !scope.keeps_incident(catalog, probe, step, error) {
            continue;
        }
        let Some(key) = group_key(catalog, scope.group_by, [probe, step, error]) else {
            continue;
        };
        let start = incident.started_at_ms.max(from);
        let end = incident.ended_at_ms.unwrap_or(now).min(to).max(start);
        spans.entry(key).or_default().push((start, end));
    }
    spans
        .into_iter()
        .map(|(key, spans)| (key, periods(spans)))
        .collect()
}

/// The periods that `spans` make once those that overlap or touch are merged: how many,
/// and their total length.
fn periods(mut spans: Vec<(i64, i64)>) -> (i64, i64) {
    spans.sort_unstable();
    let mut count = 0;
    let mut total = 0;
    let mut current: Option<(i64, i64)> = None;
    for (start, end) in spans {
        match &mut current {
            Some((_, current_end)) if start <= *current_end => {
                *current_end = (*current_end).max(end);
            }
            _ => {
                if let Some((from, to)) = current.replace((start, end)) {
                    count += 1;
                    total += to - from;
                }
            }
        }
    }
    if let Some((from, to)) = current {
        count += 1;
        total += to - from;
    }
    (count, total)
}

/// Whether the summary can answer this group-by: an availability per error code (or
/// category) would count only failures.
pub fn check_group(group_by: Option<GroupBy>) -> Result<(), &'static str> {
    match group_by {
        Some(group) if !group.splits_rates() => {
            Err("the summary groups by probe, product, channel, environment, step or service")
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::periods;

    #[test]
    fn overlapping_and_touching_spans_make_one_period() {
        assert_eq!(periods(vec![]), (0, 0));
        assert_eq!(periods(vec![(30, 45), (5, 15), (25, 40)]), (2, 10 + 20));
        assert_eq!(periods(vec![(0, 10), (10, 20)]), (1, 20));
        assert_eq!(periods(vec![(0, 100), (10, 20), (30, 40)]), (1, 100));
        assert_eq!(periods(vec![(0, 10), (11, 20)]), (2, 19));
    }
}
