//! The vocabulary of indicators (`docs/api.md`): metrics, buckets, group-by,
//! filters, and the series and summary they produce. Shared by the JSON API, the server
//! functions and the explorer page, so that a parameter means the same everywhere.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::time_range::{floor_calendar, next_calendar, CalendarUnit};

/// What a series measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// OK runs / counted runs × 100 (maintenance excluded).
    Availability,
    /// OK steps / counted steps × 100.
    SuccessRate,
    Runs,
    Failures,
    DurationP50,
    DurationP95,
    DurationP99,
    /// Journey events, by outcome.
    Events,
    /// Completed journeys / started journeys × 100.
    Conversion,
}

impl Metric {
    pub const ALL: [Metric; 9] = [
        Metric::Availability,
        Metric::SuccessRate,
        Metric::Runs,
        Metric::Failures,
        Metric::DurationP50,
        Metric::DurationP95,
        Metric::DurationP99,
        Metric::Events,
        Metric::Conversion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Metric::Availability => "availability",
            Metric::SuccessRate => "success_rate",
            Metric::Runs => "runs",
            Metric::Failures => "failures",
            Metric::DurationP50 => "duration_p50",
            Metric::DurationP95 => "duration_p95",
            Metric::DurationP99 => "duration_p99",
            Metric::Events => "events",
            Metric::Conversion => "conversion",
        }
    }

    pub fn parse(text: &str) -> Option<Metric> {
        Metric::ALL
            .into_iter()
            .find(|metric| metric.as_str() == text)
    }

    /// The quantile of a duration metric.
    pub fn quantile(self) -> Option<f64> {
        match self {
            Metric::DurationP50 => Some(0.50),
            Metric::DurationP95 => Some(0.95),
            Metric::DurationP99 => Some(0.99),
            _ => None,
        }
    }

    /// Unit of the values: `%`, `ms` or a count.
    pub fn unit(self) -> &'static str {
        match self {
            Metric::Availability | Metric::SuccessRate | Metric::Conversion => "%",
            Metric::DurationP50 | Metric::DurationP95 | Metric::DurationP99 => "ms",
            Metric::Runs | Metric::Failures | Metric::Events => "count",
        }
    }
}

/// Width of the points of a series. `1d` and longer follow the Europe/Paris calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Bucket {
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "1m")]
    Minute,
    #[serde(rename = "5m")]
    FiveMinutes,
    #[serde(rename = "15m")]
    FifteenMinutes,
    #[serde(rename = "1h")]
    Hour,
    #[serde(rename = "1d")]
    Day,
    #[serde(rename = "1w")]
    Week,
    #[serde(rename = "1M")]
    Month,
}

impl Bucket {
    pub const FIXED: [Bucket; 7] = [
        Bucket::Minute,
        Bucket::FiveMinutes,
        Bucket::FifteenMinutes,
        Bucket::Hour,
        Bucket::Day,
        Bucket::Week,
        Bucket::Month,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Auto => "auto",
            Bucket::Minute => "1m",
            Bucket::FiveMinutes => "5m",
            Bucket::FifteenMinutes => "15m",
            Bucket::Hour => "1h",
            Bucket::Day => "1d",
            Bucket::Week => "1w",
            Bucket::Month => "1M",
        }
    }

    pub fn parse(text: &str) -> Option<Bucket> {
        std::iter::once(Bucket::Auto)
            .chain(Bucket::FIXED)
            .find(|bucket| bucket.as_str() == text)
    }

    /// Nominal width in milliseconds (a Paris day may have 23 or 25 hours, a month 28 to 31 days).
    pub fn nominal_ms(self) -> i64 {
        const MINUTE: i64 = 60_000;
        match self {
            Bucket::Auto | Bucket::Minute => MINUTE,
            Bucket::FiveMinutes => 5 * MINUTE,
            Bucket::FifteenMinutes => 15 * MINUTE,
            Bucket::Hour => 60 * MINUTE,
            Bucket::Day => 24 * 60 * MINUTE,
            Bucket::Week => 7 * 24 * 60 * MINUTE,
            Bucket::Month => 30 * 24 * 60 * MINUTE,
        }
    }

    /// Whether buckets follow the Europe/Paris calendar (day, week, month).
    pub fn is_calendar(self) -> bool {
        self.calendar_unit().is_some()
    }

    /// The Paris calendar unit of a day, week or month bucket.
    fn calendar_unit(self) -> Option<CalendarUnit> {
        match self {
            Bucket::Day => Some(CalendarUnit::Day),
            Bucket::Week => Some(CalendarUnit::Week),
            Bucket::Month => Some(CalendarUnit::Month),
            _ => None,
        }
    }

    /// Start of the bucket containing `time`: a Paris day, week or month, or a multiple
    /// of the bucket's width.
    pub fn start_of(self, time: i64) -> i64 {
        match self.calendar_unit() {
            Some(unit) => floor_calendar(time, unit),
            None => time - time.rem_euclid(self.nominal_ms()),
        }
    }

    /// Start of the bucket after the one containing `time`.
    pub fn next_start(self, time: i64) -> i64 {
        match self.calendar_unit() {
            Some(unit) => next_calendar(time, unit),
            None => self.start_of(time) + self.nominal_ms(),
        }
    }

    /// The finest fixed bucket that keeps a range of `range_ms` at or under `max_points`.
    pub fn auto_for(range_ms: i64, max_points: i64) -> Bucket {
        Bucket::FIXED
            .into_iter()
            .find(|bucket| range_ms / bucket.nominal_ms() <= max_points)
            .unwrap_or(Bucket::Month)
    }
}

/// What series are split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Probe,
    Product,
    Service,
    Step,
    Channel,
    Environment,
    ErrorCode,
    /// The category of the error code (`technical`, `functional`, `partner`).
    ErrorCategory,
}

impl GroupBy {
    pub const ALL: [GroupBy; 8] = [
        GroupBy::Probe,
        GroupBy::Product,
        GroupBy::Service,
        GroupBy::Step,
        GroupBy::Channel,
        GroupBy::Environment,
        GroupBy::ErrorCode,
        GroupBy::ErrorCategory,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Probe => "probe",
            GroupBy::Product => "product",
            GroupBy::Service => "service",
            GroupBy::Step => "step",
            GroupBy::Channel => "channel",
            GroupBy::Environment => "environment",
            GroupBy::ErrorCode => "error_code",
            GroupBy::ErrorCategory => "error_category",
        }
    }

    pub fn parse(text: &str) -> Option<GroupBy> {
        GroupBy::ALL
            .into_iter()
            .find(|group| group.as_str() == text)
    }

    /// Whether rates (availability, success rate) can be split this way: per error code
    /// (or category) they would count only failures, and be 0 % by construction. The
    /// summary table, made of rates, is grouped only this way.
    pub fn splits_rates(self) -> bool {
        !matches!(self, GroupBy::ErrorCode | GroupBy::ErrorCategory)
    }

    /// Whether journey events carry this dimension: their product, step, channel and
    /// error code, the service of their step and the category of their error code (not
    /// probes nor environments, which are the synthetic runs' own).
    pub fn groups_events(self) -> bool {
        !matches!(self, GroupBy::Probe | GroupBy::Environment)
    }
}

/// Filters: each list keeps the rows whose code is in it (an empty list keeps all).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filters {
    #[serde(default)]
    pub probe: Vec<String>,
    #[serde(default)]
    pub product: Vec<String>,
    #[serde(default)]
    pub service: Vec<String>,
    #[serde(default)]
    pub step: Vec<String>,
    #[serde(default)]
    pub channel: Vec<String>,
    #[serde(default)]
    pub environment: Vec<String>,
    #[serde(default)]
    pub error_code: Vec<String>,
}

impl Filters {
    /// The filter names of the contract, with their values.
    pub fn named(&self) -> [(&'static str, &Vec<String>); 7] {
        [
            ("probe", &self.probe),
            ("product", &self.product),
            ("service", &self.service),
            ("step", &self.step),
            ("channel", &self.channel),
            ("environment", &self.environment),
            ("error_code", &self.error_code),
        ]
    }

    /// Whether one filter's `list` keeps `value`: an empty list keeps every value.
    pub fn keeps(list: &[String], value: &str) -> bool {
        list.is_empty() || list.iter().any(|item| item == value)
    }

    pub fn named_mut(&mut self, name: &str) -> Option<&mut Vec<String>> {
        match name {
            "probe" => Some(&mut self.probe),
            "product" => Some(&mut self.product),
            "service" => Some(&mut self.service),
            "step" => Some(&mut self.step),
            "channel" => Some(&mut self.channel),
            "environment" => Some(&mut self.environment),
            "error_code" => Some(&mut self.error_code),
            _ => None,
        }
    }
}

/// A request for series. `from` and `to` are time expressions (`now-24h`, `now/d`,
/// RFC 3339 or epoch milliseconds), resolved by the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesQuery {
    pub metric: Metric,
    pub bucket: Bucket,
    pub group_by: Option<GroupBy>,
    pub filters: Filters,
    pub from: String,
    pub to: String,
}

/// One series: its key (group-by value, or empty) and its points `[t_ms, value]`;
/// a bucket without data has no point.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub key: BTreeMap<String, String>,
    pub points: Vec<(i64, f64)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesResponse {
    pub metric: Metric,
    pub bucket: Bucket,
    pub bucket_ms: i64,
    pub from: String,
    pub to: String,
    pub series: Vec<Series>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryQuery {
    pub group_by: Option<GroupBy>,
    pub filters: Filters,
    pub from: String,
    pub to: String,
}

/// One row of the summary table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub key: BTreeMap<String, String>,
    pub runs: i64,
    pub ok: i64,
    pub failed: i64,
    pub availability_pct: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub incidents: i64,
    pub downtime_s: i64,
    /// Mean time to repair: `downtime_s` / `incidents`; `None` without incident.
    pub mttr_s: Option<i64>,
    /// Mean time between failures: the counted time (the range up to now, less the
    /// maintenance that covered every probe of the group) not down, / `incidents`.
    pub mtbf_s: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SummaryResponse {
    pub from: String,
    pub to: String,
    pub rows: Vec<SummaryRow>,
}

/// A code and its label, for the explorer's filter lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub code: String,
    pub label: String,
}

/// Everything the explorer's filters can choose from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplorerOptions {
    pub products: Vec<Choice>,
    pub probes: Vec<Choice>,
    pub services: Vec<Choice>,
    pub steps: Vec<Choice>,
    pub error_codes: Vec<Choice>,
    pub channels: Vec<Choice>,
    pub environments: Vec<Choice>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for metric in Metric::ALL {
            assert_eq!(Metric::parse(metric.as_str()), Some(metric));
        }
        for bucket in Bucket::FIXED {
            assert_eq!(Bucket::parse(bucket.as_str()), Some(bucket));
        }
        for group in GroupBy::ALL {
            assert_eq!(GroupBy::parse(group.as_str()), Some(group));
        }
        assert_eq!(Bucket::parse("1M"), Some(Bucket::Month));
        assert_eq!(Bucket::parse("1m"), Some(Bucket::Minute));
    }

    #[test]
    fn auto_buckets_keep_series_under_the_point_budget() {
        const HOUR: i64 = 3_600_000;
        assert_eq!(Bucket::auto_for(HOUR, 1_500), Bucket::Minute);
        assert_eq!(
            Bucket::auto_for(7 * 24 * HOUR, 1_500),
            Bucket::FifteenMinutes
        );
        assert_eq!(Bucket::auto_for(30 * 24 * HOUR, 1_500), Bucket::Hour);
        assert_eq!(Bucket::auto_for(3 * 365 * 24 * HOUR, 1_500), Bucket::Day);
    }
}
