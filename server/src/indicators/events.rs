//! Journey-event metrics (`events` by outcome, `conversion`), computed from the raw
//! events of the period. Events carry a product, step, channel and error code; their
//! service is their step's and their category their error code's. Probes and
//! environments are the synthetic runs' own: their filters do not apply to events.
//!
//! There are no event rollups: every question reads the `journey_events` of its range
//! (`storage::journeys::events_between`, through the `journey_events_by_time` index).
//! `conversion` counts whole journeys (started in a bucket, completed at any time of
//! the range): it is grouped only by product or channel, cannot be filtered by step,
//! service or error code, and its streamed answer is not cut into parts
//! (`stream::parts_for`). A grouping that events do not carry is refused with a 400
//! naming `group_by`.

use std::collections::{BTreeMap, HashMap, HashSet};

use app::domain::indicators::{Bucket, Filters, GroupBy, Metric, Series};
use app::domain::status::EventOutcome;

use super::catalog::QueryCatalog;
use super::IndicatorError;
use crate::storage::journeys::{self, EventRow};
use crate::storage::Database;

/// A series' key (the group's value, and for `events` the outcome) and its points.
type Cells = HashMap<BTreeMap<String, String>, BTreeMap<i64, f64>>;

/// Series of `events` or `conversion` over `[from, to)`.
pub async fn event_series(
    db: &Database,
    metric: Metric,
    bucket: Bucket,
    group_by: Option<GroupBy>,
    filters: &Filters,
    from: i64,
    to: i64,
) -> Result<Vec<Series>, IndicatorError> {
    check_question(metric, group_by, filters)?;
    let catalog = QueryCatalog::load(db).await?;
    let events: Vec<EventRow> = journeys::events_between(db, from, to)
        .await?
        .into_iter()
        .filter(|event| keeps(&catalog, filters, event))
        .collect();
    let grouping = Grouping {
        catalog: &catalog,
        group_by,
    };
    let cells = match metric {
        Metric::Events => count_by_outcome(&events, &grouping, bucket),
        _ => conversion(&events, &grouping, bucket, &journeys::last_steps(db).await?),
    };
    let mut series: Vec<Series> = cells
        .into_iter()
        .map(|(key, points)| Series {
            key,
            points: points.into_iter().collect(),
        })
        .collect();
    series.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(series)
}

/// Refuses, naming the parameter, a grouping events do not carry, and for `conversion`
/// a grouping or filter that would split a journey.
fn check_question(
    metric: Metric,
    group_by: Option<GroupBy>,
    filters: &Filters,
) -> Result<(), IndicatorError> {
    if let Some(group) = group_by {
        if !group.groups_events() {
            return Err(IndicatorError::bad(
                "group_by",
                format!("journey events cannot be grouped by {}", group.as_str()),
            ));
        }
        if metric == Metric::Conversion && !matches!(group, GroupBy::Product | GroupBy::Channel) {
            return Err(IndicatorError::bad(
                "group_by",
                format!(
                    "conversion counts whole journeys: it is grouped by product or channel, not by {}",
                    group.as_str()
                ),
            ));
        }
    }
    if metric == Metric::Conversion {
        // A journey has no single step, service or error: keeping only some of its
        // events would count it started and never completed.
        for (parameter, list) in [
            ("step", &filters.step),
            ("service", &filters.service),
            ("error_code", &filters.error_code),
        ] {
            if !list.is_empty() {
                return Err(IndicatorError::bad(
                    parameter,
                    format!(
                        "conversion counts whole journeys: it cannot be filtered by {parameter}"
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// Whether an event passes the filters (its service is its step's).
fn keeps(catalog: &QueryCatalog, filters: &Filters, event: &EventRow) -> bool {
    let keeps = Filters::keeps;
    keeps(&filters.product, &event.product_code)
        && keeps(&filters.step, &event.step_code)
        && (filters.service.is_empty()
            || catalog
                .service_of_product_step(&event.product_code, &event.step_code)
                .is_some_and(|service| filters.service.contains(service)))
        && keeps(&filters.channel, &event.channel)
        && keeps(
            &filters.error_code,
            event.error_code.as_deref().unwrap_or_default(),
        )
}

/// Which series an event belongs to.
struct Grouping<'a> {
    catalog: &'a QueryCatalog,
    group_by: Option<GroupBy>,
}

impl Grouping<'_> {
    /// The event's value of the grouping; `None` when it has none (no error code).
    fn value(&self, event: &EventRow) -> Option<String> {
        match self.group_by {
            None => Some(String::new()),
            Some(GroupBy::Product) => Some(event.product_code.clone()),
            Some(GroupBy::Step) => Some(event.step_code.clone()),
            Some(GroupBy::Channel) => Some(event.channel.clone()),
            Some(GroupBy::Service) => self
                .catalog
                .service_of_product_step(&event.product_code, &event.step_code)
                .cloned(),
            Some(GroupBy::ErrorCode) => event.error_code.clone(),
            Some(GroupBy::ErrorCategory) => event
                .error_code
                .as_ref()
                .and_then(|code| self.catalog.error_category.get(code))
                .cloned(),
            // Refused by `check_question`: events carry neither.
            Some(GroupBy::Probe | GroupBy::Environment) => None,
        }
    }

    /// A series key: the group's value and, for `events`, the outcome.
    fn key(&self, value: String, outcome: Option<EventOutcome>) -> BTreeMap<String, String> {
        let mut key = BTreeMap::new();
        if let Some(group) = self.group_by {
            key.insert(group.as_str().to_string(), value);
        }
        if let Some(outcome) = outcome {
            key.insert("outcome".to_string(), outcome.to_string());
        }
        key
    }
}

/// `events`: the events of each bucket, by outcome.
fn count_by_outcome(events: &[EventRow], grouping: &Grouping, bucket: Bucket) -> Cells {
    let mut cells = Cells::new();
    for event in events {
        let Some(value) = grouping.value(event) else {
            continue;
        };
        *cells
            .entry(grouping.key(value, Some(event.outcome)))
            .or_default()
            .entry(bucket.start_of(event.occurred_at_ms))
            .or_insert(0.0) += 1.0;
    }
    cells
}

/// `conversion`: journeys completed (COMPLETED on the product's last step) over
/// journeys started (STARTED), per bucket of the journey's start.
fn conversion(
    events: &[EventRow],
    grouping: &Grouping,
    bucket: Bucket,
    last_steps: &HashMap<String, String>,
) -> Cells {
    let completed: HashSet<&str> = events
        .iter()
        .filter(|event| event.outcome == EventOutcome::Completed)
        .filter(|event| last_steps.get(&event.product_code) == Some(&event.step_code))
        .map(|event| event.journey_id.as_str())
        .collect();
    let mut counts: HashMap<BTreeMap<String, String>, BTreeMap<i64, (f64, f64)>> = HashMap::new();
    for event in events
        .iter()
        .filter(|event| event.outcome == EventOutcome::Started)
    {
        let Some(value) = grouping.value(event) else {
            continue;
        };
        let cell = counts
            .entry(grouping.key(value, None))
            .or_default()
            .entry(bucket.start_of(event.occurred_at_ms))
            .or_insert((0.0, 0.0));
        cell.0 += 1.0;
        if completed.contains(event.journey_id.as_str()) {
            cell.1 += 1.0;
        }
    }
    counts
        .into_iter()
        .map(|(key, buckets)| {
            let points = buckets
                .into_iter()
                .map(|(start, (started, done))| (start, done * 100.0 / started))
                .collect();
            (key, points)
        })
        .collect()
}
