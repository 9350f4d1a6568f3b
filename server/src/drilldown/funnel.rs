//! A product's journey funnel from real prospects' events, and beside each step the
//! probes' success rate there.
//!
//! A journey belongs to the range by its first event; every event of it counts, even
//! after the range's end (a journey started at 23:50 that completes at 00:10 counts as
//! completed in the day it started), as long as it comes within [`JOURNEY_HORIZON_MS`]
//! of the range. Per step, a journey is counted once per outcome it had there: `reached`
//! with any event, `started`, `completed`, `failed`, `abandoned` with one of that
//! outcome (a journey that failed and then gave up counts in both `failed` and
//! `abandoned`). A journey has `completed` when it completed the product's last step;
//! otherwise it is `abandoned` if it gave up, `failed` if it only failed.
//!
//! Buckets over time are the journeys started in each Paris day (each hour when the
//! range is two days or less).

use std::collections::HashMap;

use app::domain::funnel::{percent, Funnel, FunnelBucket, FunnelQuery, FunnelStep, JourneyCounts};
use app::domain::indicators::{Filters, GroupBy, SummaryQuery};
use app::domain::status::EventOutcome;
use app::domain::time_range::start_of_paris_day;

use crate::indicators::{resolve_range, validate_filters, IndicatorError, IndicatorService};
use crate::storage::journeys::{self, FunnelEvent};
use crate::storage::{reference, Database};

/// How long after its first event a journey's events are looked for (and how far before
/// the range a journey's first event is looked for).
pub const JOURNEY_HORIZON_MS: i64 = 86_400_000;
const HOUR_MS: i64 = 3_600_000;

#[derive(Clone)]
pub struct FunnelService {
    db: Database,
    indicators: IndicatorService,
}

/// What one journey did: when it began, and per step (in journey order) the outcomes it
/// had there, one bit each.
struct Trace {
    first_ms: i64,
    steps: Vec<u8>,
}

fn bit(outcome: EventOutcome) -> u8 {
    match outcome {
        EventOutcome::Started => 1,
        EventOutcome::Completed => 2,
        EventOutcome::Failed => 4,
        EventOutcome::Abandoned => 8,
    }
}

impl FunnelService {
    pub fn new(db: Database, indicators: IndicatorService) -> FunnelService {
        FunnelService { db, indicators }
    }

    pub async fn funnel(&self, query: &FunnelQuery, now_ms: i64) -> Result<Funnel, IndicatorError> {
        if query.product.is_empty() {
            return Err(IndicatorError::bad("product", "is required"));
        }
        let filters = Filters {
            channel: query.channel.clone(),
            ..Filters::default()
        };
        validate_filters(&filters)?;
        let (from_ms, to_ms) = resolve_range(&query.from, &query.to, now_ms)?;
        let journey = reference::journey_of(&self.db, &query.product).await?;
        if journey.is_empty() {
            return Err(IndicatorError::bad(
                "product",
                format!("'{}' is not a product with a journey", query.product),
            ));
        }
        let events = journeys::product_events(
            &self.db,
            &query.product,
            (from_ms - JOURNEY_HORIZON_MS, to_ms + JOURNEY_HORIZON_MS),
        )
        .await?;
        let index: HashMap<&str, usize> = journey
            .iter()
            .enumerate()
            .map(|(at, (code, ..))| (code.as_str(), at))
            .collect();
        let traces = traces(&events, &index, &query.channel);
        let hourly = to_ms - from_ms <= 2 * 86_400_000;
        let bucket_of = |time: i64| {
            if hourly {
                time - time.rem_euclid(HOUR_MS)
            } else {
                start_of_paris_day(time)
            }
        };
        let probe_rates = self.probe_success(query, from_ms, to_ms, now_ms).await?;
        let last = journey.len() - 1;
        let mut totals = JourneyCounts::default();
        let mut per_step = vec![[0i64; 5]; journey.len()];
        let mut buckets: std::collections::BTreeMap<i64, FunnelBucket> = Default::default();
        for trace in traces
            .values()
            .filter(|t| (from_ms..to_ms).contains(&t.first_ms))
        {
            let bucket = buckets
                .entry(bucket_of(trace.first_ms))
                .or_insert_with(|| FunnelBucket {
                    start_ms: bucket_of(trace.first_ms),
                    started: 0,
                    reached: vec![0; journey.len()],
                    completed: 0,
                });
            let any = |flag: EventOutcome| trace.steps.iter().any(|bits| bits & bit(flag) != 0);
            let completed = trace.steps[last] & bit(EventOutcome::Completed) != 0;
            totals.started += 1;
            bucket.started += 1;
            if completed {
                totals.completed += 1;
                bucket.completed += 1;
            } else if any(EventOutcome::Abandoned) {
                totals.abandoned += 1;
            } else if any(EventOutcome::Failed) {
                totals.failed += 1;
            }
            for (at, bits) in trace.steps.iter().enumerate() {
                if *bits == 0 {
                    continue;
                }
                bucket.reached[at] += 1;
                let counts = &mut per_step[at];
                counts[0] += 1;
                for (slot, outcome) in EventOutcome::ALL.iter().enumerate() {
                    if bits & bit(*outcome) != 0 {
                        counts[slot + 1] += 1;
                    }
                }
            }
        }
        let slot = |outcome: EventOutcome| {
            1 + EventOutcome::ALL
                .iter()
                .position(|known| *known == outcome)
                .unwrap_or(0)
        };
        let mut before = totals.started;
        let steps = journey
            .into_iter()
            .zip(per_step)
            .map(|((step_code, label, position), counts)| {
                let reached = counts[0];
                let step = FunnelStep {
                    probe_success_pct: probe_rates.get(&step_code).copied().flatten(),
                    conversion_pct: percent(reached, before),
                    failure_pct: percent(counts[slot(EventOutcome::Failed)], reached),
                    started: counts[slot(EventOutcome::Started)],
                    completed: counts[slot(EventOutcome::Completed)],
                    failed: counts[slot(EventOutcome::Failed)],
                    abandoned: counts[slot(EventOutcome::Abandoned)],
                    reached,
                    step_code,
                    label,
                    position,
                };
                before = reached;
                step
            })
            .collect();
        Ok(Funnel {
            product: query.product.clone(),
            from_ms,
            to_ms,
            journeys: totals,
            steps,
            hourly,
            buckets: buckets.into_values().collect(),
        })
    }

    /// The production probes' success rate per step of the product over the range.
    async fn probe_success(
        &self,
        query: &FunnelQuery,
        from_ms: i64,
        to_ms: i64,
        now_ms: i64,
    ) -> Result<HashMap<String, Option<f64>>, IndicatorError> {
        let summary = SummaryQuery {
            group_by: Some(GroupBy::Step),
            filters: Filters {
                product: vec![query.product.clone()],
                environment: vec!["prod".into()],
                channel: query.channel.clone(),
                ..Filters::default()
            },
            from: from_ms.to_string(),
            to: to_ms.to_string(),
        };
        let answer = self.indicators.summary(&summary, now_ms).await?;
        Ok(answer
            .rows
            .into_iter()
            .filter_map(|row| {
                let step = row.key.get(GroupBy::Step.as_str())?.clone();
                Some((step, row.availability_pct))
            })
            .collect())
    }
}

/// Each journey's trace from its events (of the kept channels), steps placed by `index`;
/// events at a step the journey does not have are left out.
fn traces<'a>(
    events: &'a [FunnelEvent],
    index: &HashMap<&str, usize>,
    channels: &[String],
) -> HashMap<&'a str, Trace> {
    let mut traces: HashMap<&str, Trace> = HashMap::new();
    for (journey_id, occurred_at, step, outcome, channel) in events {
        if !Filters::keeps(channels, channel) {
            continue;
        }
        let (Some(&at), Ok(outcome)) = (index.get(step.as_str()), outcome.parse::<EventOutcome>())
        else {
            continue;
        };
        let trace = traces.entry(journey_id.as_str()).or_insert_with(|| Trace {
            first_ms: *occurred_at,
            steps: vec![0; index.len()],
        });
        trace.first_ms = trace.first_ms.min(*occurred_at);
        trace.steps[at] |= bit(outcome);
    }
    traces
}
