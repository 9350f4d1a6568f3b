//! Journey-event metrics (`events` by outcome, `conversion`), computed from the raw
//! events of the period. Events carry a product, step, channel and error code; their
//! service is their step's and their category their error code's. Probes and
//! environments are the synthetic runs' own: their filters do not apply to events.

use std::collections::{BTreeMap, HashMap, HashSet};

use app::domain::indicators::{Bucket, Filters, GroupBy, Metric, Series};
use sqlx::Row;

use super::catalog::QueryCatalog;
use super::IndicatorError;
use crate::storage::Database;

struct Event {
    occurred_at_ms: i64,
    product_code: String,
    step_code: String,
    journey_id: String,
    outcome: String,
    channel: String,
    error_code: Option<String>,
}

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
    let rows = sqlx::query(
        "SELECT occurred_at, product_code, step_code, journey_id, outcome, channel, error_code \
         FROM journey_events WHERE occurred_at >= $1 AND occurred_at < $2",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db.pool())
    .await?;
    let catalog = QueryCatalog::load(db).await?;
    let service_of =
        |event: &Event| catalog.service_of_product_step(&event.product_code, &event.step_code);
    let mut events = Vec::with_capacity(rows.len());
    for row in &rows {
        let event = Event {
            occurred_at_ms: row.try_get("occurred_at")?,
            product_code: row.try_get("product_code")?,
            step_code: row.try_get("step_code")?,
            journey_id: row.try_get("journey_id")?,
            outcome: row.try_get("outcome")?,
            channel: row.try_get("channel")?,
            error_code: row.try_get("error_code")?,
        };
        let keeps = Filters::keeps;
        if keeps(&filters.product, &event.product_code)
            && keeps(&filters.step, &event.step_code)
            && (filters.service.is_empty()
                || service_of(&event).is_some_and(|service| filters.service.contains(service)))
            && keeps(&filters.channel, &event.channel)
            && keeps(
                &filters.error_code,
                event.error_code.as_deref().unwrap_or_default(),
            )
        {
            events.push(event);
        }
    }
    let group_value = |event: &Event| -> Option<String> {
        match group_by {
            None => Some(String::new()),
            Some(GroupBy::Product) => Some(event.product_code.clone()),
            Some(GroupBy::Step) => Some(event.step_code.clone()),
            Some(GroupBy::Channel) => Some(event.channel.clone()),
            Some(GroupBy::Service) => service_of(event).cloned(),
            Some(GroupBy::ErrorCode) => event.error_code.clone(),
            Some(GroupBy::ErrorCategory) => event
                .error_code
                .as_ref()
                .and_then(|code| catalog.error_category.get(code))
                .cloned(),
            // Refused above: events carry neither.
            Some(GroupBy::Probe | GroupBy::Environment) => None,
        }
    };
    let key_of = |value: String, outcome: Option<&str>| {
        let mut key = BTreeMap::new();
        if let Some(group) = group_by {
            key.insert(group.as_str().to_string(), value);
        }
        if let Some(outcome) = outcome {
            key.insert("outcome".to_string(), outcome.to_string());
        }
        key
    };
    let mut cells: HashMap<BTreeMap<String, String>, BTreeMap<i64, f64>> = HashMap::new();
    match metric {
        Metric::Events => {
            for event in &events {
                let Some(value) = group_value(event) else {
                    continue;
                };
                *cells
                    .entry(key_of(value, Some(&event.outcome)))
                    .or_default()
                    .entry(bucket.start_of(event.occurred_at_ms))
                    .or_insert(0.0) += 1.0;
            }
        }
        _ => {
            // Conversion: journeys completed (COMPLETED on the product's last step) over
            // journeys started (STARTED), per bucket of the journey's start.
            let last_steps = last_steps(db).await?;
            let completed: HashSet<&str> = events
                .iter()
                .filter(|event| event.outcome == "COMPLETED")
                .filter(|event| last_steps.get(&event.product_code) == Some(&event.step_code))
                .map(|event| event.journey_id.as_str())
                .collect();
            let mut counts: HashMap<BTreeMap<String, String>, BTreeMap<i64, (f64, f64)>> =
                HashMap::new();
            for event in events.iter().filter(|event| event.outcome == "STARTED") {
                let Some(value) = group_value(event) else {
                    continue;
                };
                let cell = counts
                    .entry(key_of(value, None))
                    .or_default()
                    .entry(bucket.start_of(event.occurred_at_ms))
                    .or_insert((0.0, 0.0));
                cell.0 += 1.0;
                if completed.contains(event.journey_id.as_str()) {
                    cell.1 += 1.0;
                }
            }
            for (key, buckets) in counts {
                cells.insert(
                    key,
                    buckets
                        .into_iter()
                        .map(|(start, (started, done))| (start, done * 100.0 / started))
                        .collect(),
                );
            }
        }
    }
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

async fn last_steps(db: &Database) -> Result<HashMap<String, String>, IndicatorError> {
    let rows = sqlx::query(
        "SELECT js.product_code, js.step_code FROM journey_steps js WHERE js.position = \
         (SELECT MAX(other.position) FROM journey_steps other WHERE other.product_code = js.product_code)",
    )
    .fetch_all(db.pool())
    .await?;
    let mut last = HashMap::new();
    for row in &rows {
        last.insert(row.try_get("product_code")?, row.try_get("step_code")?);
    }
    Ok(last)
}
