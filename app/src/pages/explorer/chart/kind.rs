//! The explorer's charts: what each one asks the server for, how its series are named,
//! and the unit of its values.

use std::collections::BTreeMap;

use crate::domain::indicators::{Bucket, GroupBy, Metric, SeriesQuery};
use crate::domain::status::RunStatus;
use crate::i18n::{format_duration_ms, format_percent, Lang, Message};
use crate::pages::runs::RunsView;

use crate::components::environment_choice::PRODUCTION;
use crate::pages::explorer::url_state::{ViewState, DURATION_METRICS};
use crate::pages::url_query::{filter_pairs, query_string};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Availability,
    /// The success rate of steps (skipped steps take no part).
    SuccessRate,
    Durations,
    Failures,
    Runs,
    Events,
}

/// The unit of a chart's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Milliseconds,
    Count,
}

impl Unit {
    /// The value as a person reads it, with its unit, in `lang`.
    pub fn format(self, lang: Lang, value: f64) -> String {
        match self {
            Unit::Percent => format_percent(lang, value),
            Unit::Milliseconds => format_duration_ms(lang, value.round() as i64),
            Unit::Count => format!("{}", value.round() as i64),
        }
    }

    /// The unit as written after a CSV header (`%`, `ms`; nothing for counts).
    pub fn symbol(self) -> Option<&'static str> {
        match self {
            Unit::Percent => Some("%"),
            Unit::Milliseconds => Some("ms"),
            Unit::Count => None,
        }
    }
}

/// One request of a chart; `prefix` names its series when a chart draws several metrics.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartQuery {
    pub prefix: Option<&'static str>,
    pub query: SeriesQuery,
}

impl ChartKind {
    pub const ALL: [ChartKind; 6] = [
        ChartKind::Availability,
        ChartKind::SuccessRate,
        ChartKind::Durations,
        ChartKind::Failures,
        ChartKind::Runs,
        ChartKind::Events,
    ];

    /// Stable id, used in the URL (`table=`) and in element ids.
    pub fn id(self) -> &'static str {
        match self {
            ChartKind::Availability => "availability",
            ChartKind::SuccessRate => "success_rate",
            ChartKind::Durations => "durations",
            ChartKind::Failures => "failures",
            ChartKind::Runs => "runs",
            ChartKind::Events => "events",
        }
    }

    /// The runs behind one point of this chart: its series' group values added to the
    /// view's filters, over its bucket (the failures chart's failed runs only). `None`
    /// for journey events, which are no runs.
    pub fn runs_href(
        self,
        state: &ViewState,
        key: &BTreeMap<String, String>,
        time_ms: i64,
        bucket: Option<Bucket>,
    ) -> Option<String> {
        if self == ChartKind::Events {
            return None;
        }
        let bucket = bucket?;
        let start = bucket.start_of(time_ms);
        let mut filters = state.filters.clone();
        for (name, value) in key {
            if let Some(values) = filters.named_mut(name) {
                *values = vec![value.clone()];
            }
        }
        let statuses = if self == ChartKind::Failures {
            vec![RunStatus::Ko, RunStatus::Timeout]
        } else {
            Vec::new()
        };
        Some(
            RunsView {
                from: start.to_string(),
                to: bucket.next_start(start).to_string(),
                filters,
                statuses,
                cursor: None,
            }
            .href(),
        )
    }

    pub fn title_key(self) -> String {
        format!("explorer.chart.{}", self.id())
    }

    pub fn unit(self) -> Unit {
        match self {
            ChartKind::Availability | ChartKind::SuccessRate => Unit::Percent,
            ChartKind::Durations => Unit::Milliseconds,
            ChartKind::Failures | ChartKind::Runs | ChartKind::Events => Unit::Count,
        }
    }

    /// Failures are stacked bars; the others are lines.
    #[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
    pub fn is_stacked_bars(self) -> bool {
        self == ChartKind::Failures
    }

    /// The group-by of this chart: for failures, the split chosen on the chart, else the
    /// chosen group-by, else error codes; for journey events, the chosen group-by when
    /// events carry it; for rates, the chosen group-by unless it is an error dimension
    /// (see [`GroupBy::splits_rates`]); for the others, the chosen group-by.
    pub fn group_by(self, state: &ViewState) -> Option<GroupBy> {
        match self {
            ChartKind::Failures => state
                .failures_by
                .or(state.group_by)
                .or(Some(GroupBy::ErrorCode)),
            ChartKind::Events => state.group_by.filter(|group| group.groups_events()),
            ChartKind::Availability | ChartKind::SuccessRate => {
                state.group_by.filter(|group| group.splits_rates())
            }
            _ => state.group_by,
        }
    }

    /// Why this chart is not split by the chosen group-by (a message saying so), when
    /// it is not.
    pub fn unsplit_note(self, state: &ViewState) -> Option<Message> {
        let chosen = state.group_by?;
        if self == ChartKind::Failures || self.group_by(state) == Some(chosen) {
            return None;
        }
        let reason = match self {
            ChartKind::Events => "explorer.chart.not_split.events",
            _ => "explorer.chart.not_split.rates",
        };
        Some(Message::new(reason).arg_message(Message::new(&format!(
            "explorer.filter.{}",
            chosen.as_str()
        ))))
    }

    /// The filters of the view this chart cannot apply, a message naming each: journey
    /// events carry no probe nor environment (see [`GroupBy::groups_events`]).
    pub fn unfiltered_notes(self, state: &ViewState) -> Vec<Message> {
        if self != ChartKind::Events {
            return Vec::new();
        }
        state
            .filters
            .named()
            .into_iter()
            // Real prospects' events are production's: a production-only view filters
            // them already.
            .filter(|(name, values)| {
                let production_only = *name == "environment" && values.as_slice() == [PRODUCTION];
                !values.is_empty()
                    && !production_only
                    && GroupBy::ALL
                        .iter()
                        .any(|group| group.as_str() == *name && !group.groups_events())
            })
            .map(|(name, _)| {
                Message::new("explorer.chart.not_filtered.events")
                    .arg_message(Message::new(&format!("explorer.filter.{name}")))
            })
            .collect()
    }

    /// What the chart says under its title: why it is not split by the chosen group-by,
    /// which filter it cannot apply.
    pub fn notes(self, state: &ViewState) -> Vec<Message> {
        self.unsplit_note(state)
            .into_iter()
            .chain(self.unfiltered_notes(state))
            .collect()
    }

    /// The metrics drawn: durations show p50/p95/p99 as three series, or the chosen
    /// percentile per group.
    pub fn metrics(self, state: &ViewState) -> Vec<Metric> {
        match self {
            ChartKind::Availability => vec![Metric::Availability],
            ChartKind::SuccessRate => vec![Metric::SuccessRate],
            ChartKind::Durations if state.group_by.is_some() => vec![state.duration_metric],
            ChartKind::Durations => DURATION_METRICS.to_vec(),
            ChartKind::Failures => vec![Metric::Failures],
            ChartKind::Runs => vec![Metric::Runs],
            ChartKind::Events => vec![Metric::Events],
        }
    }

    /// The server requests behind this chart for the view `state` at `now_ms`.
    pub fn queries(self, state: &ViewState, now_ms: i64) -> Vec<ChartQuery> {
        let metrics = self.metrics(state);
        let several = metrics.len() > 1;
        metrics
            .into_iter()
            .map(|metric| ChartQuery {
                prefix: several.then(|| percentile_name(metric)).flatten(),
                query: SeriesQuery {
                    metric,
                    bucket: state.chart_bucket(now_ms),
                    group_by: self.group_by(state),
                    filters: state.filters.clone(),
                    from: state.from.clone(),
                    to: state.to.clone(),
                },
            })
            .collect()
    }

    /// The link that downloads this chart's numbers as an XLSX file (server side).
    pub fn xlsx_href(self, state: &ViewState, now_ms: i64) -> String {
        let metric = self
            .metrics(state)
            .into_iter()
            .find(|metric| *metric == state.duration_metric)
            .or_else(|| self.metrics(state).into_iter().next())
            .unwrap_or(Metric::Availability);
        let mut pairs: Vec<(&str, String)> = vec![
            ("metric", metric.as_str().to_string()),
            ("bucket", state.chart_bucket(now_ms).as_str().to_string()),
        ];
        if let Some(group) = self.group_by(state) {
            pairs.push(("group_by", group.as_str().to_string()));
        }
        pairs.push(("from", state.from.clone()));
        pairs.push(("to", state.to.clone()));
        pairs.extend(filter_pairs(&state.filters));
        format!("{XLSX_EXPORT_PATH}?{}", query_string(&pairs))
    }
}

/// Where the server exports series as a spreadsheet.
pub const XLSX_EXPORT_PATH: &str = "/api/v1/export/series.xlsx";

fn percentile_name(metric: Metric) -> Option<&'static str> {
    match metric {
        Metric::DurationP50 => Some("p50"),
        Metric::DurationP95 => Some("p95"),
        Metric::DurationP99 => Some("p99"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_show_three_percentiles_or_the_chosen_one_per_group() {
        let state = ViewState::default();
        let names: Vec<_> = ChartKind::Durations
            .queries(&state, 0)
            .into_iter()
            .map(|query| query.prefix)
            .collect();
        assert_eq!(names, vec![Some("p50"), Some("p95"), Some("p99")]);
        let grouped = ViewState {
            group_by: Some(GroupBy::Probe),
            duration_metric: Metric::DurationP99,
            ..state
        };
        let queries = ChartKind::Durations.queries(&grouped, 0);
        assert_eq!(queries.len(), 1);
        assert_eq!(queries[0].query.metric, Metric::DurationP99);
        assert_eq!(queries[0].prefix, None);
    }

    #[test]
    fn a_chart_not_split_by_the_chosen_group_says_why() {
        let by = |group| ViewState {
            group_by: Some(group),
            ..ViewState::default()
        };
        let note = |kind: ChartKind, group| {
            kind.unsplit_note(&by(group))
                .map(|note| note.render(Lang::En))
        };
        // Rates per error code would count only failures: not split, and said so.
        assert_eq!(
            ChartKind::Availability.group_by(&by(GroupBy::ErrorCode)),
            None
        );
        assert_eq!(
            note(ChartKind::Availability, GroupBy::ErrorCode).as_deref(),
            Some("Not split by “Error code”: a rate per error would count only failures.")
        );
        assert_eq!(
            ChartKind::SuccessRate.group_by(&by(GroupBy::ErrorCategory)),
            None
        );
        assert_eq!(
            ChartKind::Runs.group_by(&by(GroupBy::ErrorCode)),
            Some(GroupBy::ErrorCode)
        );
        // Events carry a service (their step's) and a category, not a probe.
        assert_eq!(
            ChartKind::Events.group_by(&by(GroupBy::Service)),
            Some(GroupBy::Service)
        );
        assert_eq!(note(ChartKind::Events, GroupBy::Service), None);
        assert_eq!(ChartKind::Events.group_by(&by(GroupBy::Probe)), None);
        assert!(
            note(ChartKind::Events, GroupBy::Probe).is_some_and(|text| text.contains("“Probe”"))
        );
        assert_eq!(note(ChartKind::Availability, GroupBy::Product), None);
        assert_eq!(note(ChartKind::Failures, GroupBy::ErrorCode), None);
        assert_eq!(
            ChartKind::Availability.unsplit_note(&ViewState::default()),
            None
        );
    }

    #[test]
    fn the_events_chart_says_which_filter_it_cannot_apply() {
        let mut state = ViewState::default();
        // Production only (the default) is what events are: no note.
        assert!(ChartKind::Events.notes(&state).is_empty());
        state.filters.environment = vec!["recette".into()];
        let rendered = |state: &ViewState| -> Vec<String> {
            ChartKind::Events
                .notes(state)
                .iter()
                .map(|note| note.render(Lang::En))
                .collect()
        };
        assert_eq!(
            rendered(&state),
            vec!["Not filtered by “Environment”: journey events do not carry it.".to_string()]
        );
        state.filters.probe = vec!["PEA_WEB".into()];
        state.filters.channel = vec!["web".into()];
        state.group_by = Some(GroupBy::Probe);
        let notes = rendered(&state);
        assert_eq!(notes.len(), 3, "{notes:?}");
        assert!(notes[0].starts_with("Not split by “Probe”"), "{notes:?}");
        assert!(notes[1].contains("“Probe”"), "{notes:?}");
        assert!(notes[2].contains("“Environment”"), "{notes:?}");
        // Probe runs carry both: the other charts apply these filters.
        assert!(ChartKind::Runs.notes(&state).is_empty());
    }

    #[test]
    fn failures_are_split_by_error_code_unless_grouped_or_split_otherwise() {
        let mut state = ViewState::default();
        assert_eq!(
            ChartKind::Failures.group_by(&state),
            Some(GroupBy::ErrorCode)
        );
        assert_eq!(ChartKind::Runs.group_by(&state), None);
        state.group_by = Some(GroupBy::Product);
        assert_eq!(ChartKind::Failures.group_by(&state), Some(GroupBy::Product));
        state.failures_by = Some(GroupBy::ErrorCategory);
        assert_eq!(
            ChartKind::Failures.group_by(&state),
            Some(GroupBy::ErrorCategory)
        );
        assert_eq!(ChartKind::Runs.group_by(&state), Some(GroupBy::Product));
    }

    #[test]
    fn journey_events_keep_only_the_groups_they_carry() {
        let mut state = ViewState {
            group_by: Some(GroupBy::Channel),
            ..ViewState::default()
        };
        assert_eq!(ChartKind::Events.group_by(&state), Some(GroupBy::Channel));
        state.group_by = Some(GroupBy::Probe);
        assert_eq!(ChartKind::Events.group_by(&state), None);
    }

    #[test]
    fn the_xlsx_link_uses_the_api_parameter_names() {
        let mut state = ViewState::default();
        state.filters.product = vec!["CCO".into(), "PEA".into()];
        assert_eq!(
            ChartKind::Failures.xlsx_href(&state, 1_764_153_000_000),
            "/api/v1/export/series.xlsx?metric=failures&bucket=5m&group_by=error_code\
             &from=now-24h&to=now&product=CCO&product=PEA&environment=prod"
        );
    }

    #[test]
    fn values_carry_their_unit() {
        assert_eq!(Unit::Percent.format(Lang::Fr, 99.54), "99,5 %");
        assert_eq!(Unit::Milliseconds.format(Lang::En, 1_234.0), "1.2 s");
        assert_eq!(Unit::Count.format(Lang::Fr, 12.0), "12");
    }
}
