//! The explorer's view state and its place in the URL query: everything a colleague
//! should see when opening a shared link (range, bucket, group-by, filters, tab, tables,
//! zoom, auto-refresh, the summary's sort). Parsing never fails: an unreadable parameter takes its default.

use leptos_router::params::ParamsMap;

use crate::domain::indicators::{Bucket, Filters, GroupBy, Metric};
use crate::domain::time_range::resolve;
use crate::pages::url_query::{
    filter_pairs, filters_from, list, production_filters, query_string, repair_time,
};

use super::summary::sort::{sort_from_url, sort_to_url, SummaryColumn, SummarySort};

pub const EXPLORER_PATH: &str = "/explorer";
pub const DEFAULT_FROM: &str = "now-24h";
pub const DEFAULT_TO: &str = "now";

/// Which tab of the explorer is open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    Charts,
    Summary,
}

impl Tab {
    pub fn as_str(self) -> &'static str {
        match self {
            Tab::Charts => "charts",
            Tab::Summary => "summary",
        }
    }

    pub fn parse(text: &str) -> Option<Tab> {
        [Tab::Charts, Tab::Summary]
            .into_iter()
            .find(|tab| tab.as_str() == text)
    }
}

/// How often every chart is fetched again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Refresh {
    #[default]
    Off,
    TenSeconds,
    ThirtySeconds,
    OneMinute,
    FiveMinutes,
}

impl Refresh {
    pub const ALL: [Refresh; 5] = [
        Refresh::Off,
        Refresh::TenSeconds,
        Refresh::ThirtySeconds,
        Refresh::OneMinute,
        Refresh::FiveMinutes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Refresh::Off => "off",
            Refresh::TenSeconds => "10s",
            Refresh::ThirtySeconds => "30s",
            Refresh::OneMinute => "1m",
            Refresh::FiveMinutes => "5m",
        }
    }

    pub fn parse(text: &str) -> Option<Refresh> {
        Refresh::ALL
            .into_iter()
            .find(|refresh| refresh.as_str() == text)
    }

    /// The period in milliseconds, `None` when off.
    pub fn period_ms(self) -> Option<u64> {
        match self {
            Refresh::Off => None,
            Refresh::TenSeconds => Some(10_000),
            Refresh::ThirtySeconds => Some(30_000),
            Refresh::OneMinute => Some(60_000),
            Refresh::FiveMinutes => Some(300_000),
        }
    }
}

/// About how many points a chart draws when the bucket is automatic.
pub const CHART_POINTS: i64 = 300;

/// The percentiles the durations chart can show per group.
pub const DURATION_METRICS: [Metric; 3] = [
    Metric::DurationP50,
    Metric::DurationP95,
    Metric::DurationP99,
];

/// Everything the explorer shows, as written in the URL.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewState {
    /// Time expressions as the user chose them (`now-24h`, RFC 3339, epoch ms).
    pub from: String,
    pub to: String,
    pub bucket: Bucket,
    pub group_by: Option<GroupBy>,
    /// The percentile drawn per group on the durations chart.
    pub duration_metric: Metric,
    /// What the failures chart is split by, when chosen on the chart.
    pub failures_by: Option<GroupBy>,
    pub filters: Filters,
    pub tab: Tab,
    /// Charts shown as tables, by chart id.
    pub tables: Vec<String>,
    /// The range before the user zoomed in (`from~to`), to zoom back out.
    pub zoom: Option<(String, String)>,
    pub refresh: Refresh,
    /// The summary table's order; `None` keeps the server's.
    pub summary_sort: Option<SummarySort>,
}

impl Default for ViewState {
    fn default() -> Self {
        ViewState {
            from: DEFAULT_FROM.to_string(),
            to: DEFAULT_TO.to_string(),
            bucket: Bucket::Auto,
            group_by: None,
            duration_metric: Metric::DurationP95,
            failures_by: None,
            filters: production_filters(),
            tab: Tab::Charts,
            tables: Vec::new(),
            zoom: None,
            refresh: Refresh::Off,
            summary_sort: None,
        }
    }
}

fn is_time(expression: &str) -> bool {
    resolve(expression, 0).is_ok()
}

impl ViewState {
    /// Reads the view from the URL query.
    pub fn from_query(query: &ParamsMap) -> ViewState {
        ViewState::from_lookup(|name| query.get_all(name).unwrap_or_default())
    }

    /// Reads the view from `query(name)`, which gives every value of a parameter.
    pub fn from_lookup(query: impl Fn(&str) -> Vec<String>) -> ViewState {
        let query = &query;
        let last = |name: &str| query(name).pop();
        let defaults = ViewState::default();
        let time = |name: &str, default: String| {
            last(name)
                .map(|text| repair_time(&text))
                .filter(|text| is_time(text))
                .unwrap_or(default)
        };
        let filters = filters_from(query);
        let zoom = last("zoom").and_then(|text| {
            let (from, to) = text.split_once('~')?;
            let (from, to) = (repair_time(from), repair_time(to));
            (is_time(&from) && is_time(&to)).then_some((from, to))
        });
        ViewState {
            from: time("from", defaults.from),
            to: time("to", defaults.to),
            bucket: last("bucket")
                .as_deref()
                .and_then(Bucket::parse)
                .unwrap_or(defaults.bucket),
            group_by: last("group_by").as_deref().and_then(GroupBy::parse),
            duration_metric: last("metric")
                .as_deref()
                .and_then(Metric::parse)
                .filter(|metric| DURATION_METRICS.contains(metric))
                .unwrap_or(defaults.duration_metric),
            failures_by: last("failures_by").as_deref().and_then(GroupBy::parse),
            filters,
            tab: last("tab")
                .as_deref()
                .and_then(Tab::parse)
                .unwrap_or(defaults.tab),
            tables: list(query, "table"),
            zoom,
            refresh: last("refresh")
                .as_deref()
                .and_then(Refresh::parse)
                .unwrap_or(defaults.refresh),
            summary_sort: last("sort").as_deref().and_then(sort_from_url),
        }
    }

    /// The query string (with its `?`) that gives this view back; defaults are left out,
    /// except the time range, which is always written.
    pub fn to_query(&self) -> String {
        let defaults = ViewState::default();
        let mut pairs: Vec<(&str, String)> =
            vec![("from", self.from.clone()), ("to", self.to.clone())];
        if self.bucket != defaults.bucket {
            pairs.push(("bucket", self.bucket.as_str().to_string()));
        }
        if let Some(group) = self.group_by {
            pairs.push(("group_by", group.as_str().to_string()));
        }
        if self.duration_metric != defaults.duration_metric {
            pairs.push(("metric", self.duration_metric.as_str().to_string()));
        }
        if let Some(split) = self.failures_by {
            pairs.push(("failures_by", split.as_str().to_string()));
        }
        pairs.extend(filter_pairs(&self.filters));
        if self.tab != defaults.tab {
            pairs.push(("tab", self.tab.as_str().to_string()));
        }
        if !self.tables.is_empty() {
            pairs.push(("table", self.tables.join(",")));
        }
        if let Some((from, to)) = &self.zoom {
            pairs.push(("zoom", format!("{from}~{to}")));
        }
        if self.refresh != defaults.refresh {
            pairs.push(("refresh", self.refresh.as_str().to_string()));
        }
        if let Some(sort) = self.summary_sort {
            pairs.push(("sort", sort_to_url(sort)));
        }
        format!("?{}", query_string(&pairs))
    }

    /// The explorer URL (path and query) of this view.
    pub fn href(&self) -> String {
        format!("{EXPLORER_PATH}{}", self.to_query())
    }

    /// This view over another time range (a zoom is forgotten).
    pub fn with_range(&self, from: &str, to: &str) -> ViewState {
        ViewState {
            from: from.to_string(),
            to: to.to_string(),
            zoom: None,
            ..self.clone()
        }
    }

    /// This view narrowed to `[from_ms, to_ms)`, remembering the range to zoom back out to.
    pub fn zoomed(&self, from_ms: i64, to_ms: i64) -> ViewState {
        let before = self
            .zoom
            .clone()
            .unwrap_or_else(|| (self.from.clone(), self.to.clone()));
        ViewState {
            from: from_ms.to_string(),
            to: to_ms.to_string(),
            zoom: Some(before),
            ..self.clone()
        }
    }

    /// Back to the range before the first zoom.
    pub fn unzoomed(&self) -> ViewState {
        match &self.zoom {
            Some((from, to)) => self.with_range(from, to),
            None => self.clone(),
        }
    }

    /// The bucket charts ask for: the chosen one, or when automatic, the finest that
    /// keeps about [`CHART_POINTS`] points over the range (readable lines, same numbers
    /// in the chart, its table and its exports).
    pub fn chart_bucket(&self, now_ms: i64) -> Bucket {
        if self.bucket != Bucket::Auto {
            return self.bucket;
        }
        match (resolve(&self.from, now_ms), resolve(&self.to, now_ms)) {
            (Ok(from), Ok(to)) if to > from => Bucket::auto_for(to - from, CHART_POINTS),
            _ => Bucket::Auto,
        }
    }

    /// The same view with the summary sorted by a click on `column`'s header.
    pub fn with_summary_sorted(&self, column: SummaryColumn) -> ViewState {
        let sort = match self.summary_sort {
            Some(sort) => sort.clicked(column),
            None => SummarySort::ascending(column),
        };
        ViewState {
            summary_sort: Some(sort),
            ..self.clone()
        }
    }

    /// Whether any filter keeps only some rows.
    pub fn is_filtered(&self) -> bool {
        self.filters != production_filters()
    }

    /// Whether the chart `id` is shown as a table.
    pub fn shows_table(&self, id: &str) -> bool {
        self.tables.iter().any(|shown| shown == id)
    }

    /// The same view with the chart `id` switched between chart and table.
    pub fn with_table_toggled(&self, id: &str) -> ViewState {
        let mut next = self.clone();
        if next.shows_table(id) {
            next.tables.retain(|shown| shown != id);
        } else {
            next.tables.push(id.to_string());
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> ViewState {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        ViewState::from_lookup(move |name| {
            pairs
                .iter()
                .filter(|(known, _)| known == name)
                .map(|(_, value)| value.clone())
                .collect()
        })
    }

    #[test]
    fn an_empty_query_gives_the_last_24_hours_of_everything() {
        let state = query(&[]);
        assert_eq!(state, ViewState::default());
        assert_eq!(state.to_query(), "?from=now-24h&to=now&environment=prod");
    }

    #[test]
    fn a_full_view_round_trips_through_the_query() {
        let mut state = ViewState {
            from: "now-1d/d".into(),
            to: "now/d".into(),
            bucket: Bucket::Hour,
            group_by: Some(GroupBy::ErrorCode),
            duration_metric: Metric::DurationP99,
            failures_by: Some(GroupBy::ErrorCategory),
            tab: Tab::Summary,
            tables: vec!["failures".into(), "runs".into()],
            zoom: Some(("now-7d".into(), "now".into())),
            refresh: Refresh::ThirtySeconds,
            summary_sort: Some(SummarySort {
                column: SummaryColumn::P95,
                ascending: false,
            }),
            ..ViewState::default()
        };
        state.filters.product = vec!["CCO".into(), "PEA".into()];
        state.filters.error_code = vec!["IDV_TIMEOUT".into()];
        let text = state.to_query();
        assert!(text.contains("product=CCO&product=PEA"), "{text}");
        assert!(text.contains("refresh=30s"), "{text}");
        assert!(text.contains("sort=-p95"), "{text}");
        assert!(text.contains("failures_by=error_category"), "{text}");
        assert!(text.contains("from=now-1d%2Fd"), "{text}");
        let decoded: Vec<(String, String)> = text
            .trim_start_matches('?')
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .map(|(name, value)| (name.to_string(), decode(value)))
            .collect();
        let pairs: Vec<(&str, &str)> = decoded
            .iter()
            .map(|(name, value)| (name.as_str(), value.as_str()))
            .collect();
        assert_eq!(query(&pairs), state);
    }

    fn decode(text: &str) -> String {
        percent_encoding::percent_decode_str(text)
            .decode_utf8_lossy()
            .into_owned()
    }

    #[test]
    fn filters_accept_repeated_and_comma_separated_codes() {
        let state = query(&[
            ("probe", "PRB_A,PRB_B"),
            ("probe", "PRB_C"),
            ("probe", "PRB_A"),
            ("channel", " web , "),
        ]);
        assert_eq!(state.filters.probe, vec!["PRB_A", "PRB_B", "PRB_C"]);
        assert_eq!(state.filters.channel, vec!["web"]);
        assert!(state.is_filtered());
    }

    #[test]
    fn an_offset_plus_decoded_as_a_space_is_put_back() {
        let state = query(&[("from", "2026-11-26T14:05:00 01:00"), ("to", "now")]);
        assert_eq!(state.from, "2026-11-26T14:05:00+01:00");
    }

    #[test]
    fn unreadable_parameters_take_their_defaults() {
        let state = query(&[
            ("from", "yesterday"),
            ("to", "now-5x"),
            ("bucket", "2h"),
            ("group_by", "colour"),
            ("metric", "availability"),
            ("tab", "nope"),
            ("refresh", "1s"),
            ("zoom", "garbage"),
            ("sort", "colour"),
        ]);
        assert_eq!(state, ViewState::default());
    }

    #[test]
    fn zooming_remembers_the_first_range_and_zooming_out_restores_it() {
        let state = ViewState::default();
        let zoomed = state.zoomed(1_000, 2_000).zoomed(1_200, 1_800);
        assert_eq!((zoomed.from.as_str(), zoomed.to.as_str()), ("1200", "1800"));
        assert_eq!(zoomed.zoom, Some(("now-24h".into(), "now".into())));
        assert_eq!(zoomed.unzoomed(), state);
    }

    #[test]
    fn an_automatic_bucket_keeps_charts_readable() {
        let state = ViewState::default();
        assert_eq!(state.chart_bucket(1_764_153_000_000), Bucket::FiveMinutes);
        let chosen = ViewState {
            bucket: Bucket::Hour,
            ..state
        };
        assert_eq!(chosen.chart_bucket(0), Bucket::Hour);
    }

    #[test]
    fn a_summary_header_sorts_ascending_then_flips() {
        let state = ViewState::default().with_summary_sorted(SummaryColumn::Runs);
        assert_eq!(
            state.to_query(),
            "?from=now-24h&to=now&environment=prod&sort=runs"
        );
        let again = state.with_summary_sorted(SummaryColumn::Runs);
        assert_eq!(
            again.to_query(),
            "?from=now-24h&to=now&environment=prod&sort=-runs"
        );
    }

    #[test]
    fn tables_toggle_per_chart() {
        let state = ViewState::default().with_table_toggled("runs");
        assert!(state.shows_table("runs"));
        assert!(!state.shows_table("events"));
        assert!(!state.with_table_toggled("runs").shows_table("runs"));
    }
}
