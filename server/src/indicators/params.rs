//! Reading the API's query strings (`metric=..&bucket=..&product=A,B&product=C`) into the
//! typed queries, with a 400 that names the parameter at fault.

use app::domain::funnel::FunnelQuery;
use app::domain::incidents::IncidentsQuery;
use app::domain::indicators::{Bucket, Filters, GroupBy, Metric, SeriesQuery, SummaryQuery};
use app::domain::runs::{RunsQuery, DEFAULT_PAGE};
use app::domain::status::RunStatus;

use super::IndicatorError;

const CHANNELS: [&str; 3] = ["web", "mobile", "api"];
const ENVIRONMENTS: [&str; 2] = ["prod", "recette"];

struct Params {
    pairs: Vec<(String, String)>,
}

impl Params {
    fn new(raw: &str) -> Params {
        Params {
            pairs: url::form_urlencoded::parse(raw.as_bytes())
                .into_owned()
                .collect(),
        }
    }

    fn single(&self, name: &'static str) -> Result<Option<&str>, IndicatorError> {
        let mut values = self
            .pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str());
        let first = values.next();
        if values.next().is_some() {
            return Err(IndicatorError::bad(name, "given more than once"));
        }
        Ok(first.filter(|value| !value.is_empty()))
    }

    fn filters(&self) -> Result<Filters, IndicatorError> {
        let mut filters = Filters::default();
        for (key, value) in &self.pairs {
            if let Some(list) = filters.named_mut(key) {
                list.extend(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|v| !v.is_empty())
                        .map(str::to_string),
                );
            }
        }
        validate_filters(&filters)?;
        Ok(filters)
    }

    fn group_by(&self) -> Result<Option<GroupBy>, IndicatorError> {
        self.single("group_by")?
            .map(|text| {
                GroupBy::parse(text).ok_or_else(|| {
                    IndicatorError::bad("group_by", format!("'{text}' is not one of probe, product, service, step, channel, environment, error_code"))
                })
            })
            .transpose()
    }

    /// A page's `limit` (its bounds are the list's to check).
    fn limit(&self) -> Result<i64, IndicatorError> {
        match self.single("limit")? {
            None => Ok(DEFAULT_PAGE),
            Some(text) => text
                .parse()
                .map_err(|_| IndicatorError::bad("limit", format!("'{text}' is not a number"))),
        }
    }

    fn range(&self) -> Result<(String, String), IndicatorError> {
        Ok((
            self.single("from")?.unwrap_or("now-24h").to_string(),
            self.single("to")?.unwrap_or("now").to_string(),
        ))
    }
}

/// Channel and environment take fixed values; a typo is an error, not an empty answer.
pub fn validate_filters(filters: &Filters) -> Result<(), IndicatorError> {
    if let Some(bad) = filters
        .channel
        .iter()
        .find(|value| !CHANNELS.contains(&value.as_str()))
    {
        return Err(IndicatorError::bad(
            "channel",
            format!("'{bad}' is not one of web, mobile, api"),
        ));
    }
    if let Some(bad) = filters
        .environment
        .iter()
        .find(|value| !ENVIRONMENTS.contains(&value.as_str()))
    {
        return Err(IndicatorError::bad(
            "environment",
            format!("'{bad}' is not one of prod, recette"),
        ));
    }
    Ok(())
}

pub fn parse_series_query(raw: &str) -> Result<SeriesQuery, IndicatorError> {
    let params = Params::new(raw);
    let metric_text = params
        .single("metric")?
        .ok_or_else(|| IndicatorError::bad("metric", "is required"))?;
    let metric = Metric::parse(metric_text).ok_or_else(|| {
        IndicatorError::bad("metric", format!("'{metric_text}' is not a metric (availability, success_rate, runs, failures, duration_p50, duration_p95, duration_p99, events, conversion)"))
    })?;
    let bucket = match params.single("bucket")? {
        None => Bucket::Auto,
        Some(text) => Bucket::parse(text).ok_or_else(|| {
            IndicatorError::bad(
                "bucket",
                format!("'{text}' is not a bucket (auto, 1m, 5m, 15m, 1h, 1d, 1w, 1M)"),
            )
        })?,
    };
    let (from, to) = params.range()?;
    Ok(SeriesQuery {
        metric,
        bucket,
        group_by: params.group_by()?,
        filters: params.filters()?,
        from,
        to,
    })
}

pub fn parse_summary_query(raw: &str) -> Result<SummaryQuery, IndicatorError> {
    let params = Params::new(raw);
    let (from, to) = params.range()?;
    Ok(SummaryQuery {
        group_by: params.group_by()?,
        filters: params.filters()?,
        from,
        to,
    })
}

/// A runs list's query: the filters and range, `status` (names, repeated or
/// comma-separated), `limit` and `cursor`.
pub fn parse_runs_query(raw: &str) -> Result<RunsQuery, IndicatorError> {
    let params = Params::new(raw);
    let (from, to) = params.range()?;
    let mut statuses = Vec::new();
    for (_, value) in params.pairs.iter().filter(|(key, _)| key == "status") {
        for name in value
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
        {
            let status: RunStatus = name.parse().map_err(|_| {
                IndicatorError::bad("status", format!("'{name}' is not one of OK, KO, TIMEOUT"))
            })?;
            if !statuses.contains(&status) {
                statuses.push(status);
            }
        }
    }
    Ok(RunsQuery {
        filters: params.filters()?,
        statuses,
        from,
        to,
        limit: params.limit()?,
        cursor: params.single("cursor")?.map(str::to_string),
    })
}

/// A funnel's query: `product` (required), the range, and `channel`.
pub fn parse_funnel_query(raw: &str) -> Result<FunnelQuery, IndicatorError> {
    let params = Params::new(raw);
    let (from, to) = params.range()?;
    Ok(FunnelQuery {
        product: params
            .single("product")?
            .ok_or_else(|| IndicatorError::bad("product", "is required"))?
            .to_string(),
        from,
        to,
        channel: params.filters()?.channel,
    })
}

/// An incidents list's query: the filters and range, `limit` and `cursor`.
pub fn parse_incidents_query(raw: &str) -> Result<IncidentsQuery, IndicatorError> {
    let params = Params::new(raw);
    let (from, to) = params.range()?;
    Ok(IncidentsQuery {
        filters: params.filters()?,
        from,
        to,
        limit: params.limit()?,
        cursor: params.single("cursor")?.map(str::to_string),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parameter_of(result: Result<SeriesQuery, IndicatorError>) -> Option<&'static str> {
        match result {
            Err(IndicatorError::BadParameter { parameter, .. }) => Some(parameter),
            _ => None,
        }
    }

    #[test]
    fn filters_take_repeated_and_comma_separated_codes() -> Result<(), IndicatorError> {
        let query = parse_series_query(
            "metric=runs&product=CCO,PEA&product=LIVRET&channel=web&bucket=1h&group_by=probe",
        )?;
        assert_eq!(query.filters.product, vec!["CCO", "PEA", "LIVRET"]);
        assert_eq!(query.filters.channel, vec!["web"]);
        assert_eq!(query.bucket, Bucket::Hour);
        assert_eq!(query.group_by, Some(GroupBy::Probe));
        assert_eq!((query.from.as_str(), query.to.as_str()), ("now-24h", "now"));
        Ok(())
    }

    #[test]
    fn bad_parameters_are_named() {
        assert_eq!(
            parameter_of(parse_series_query("bucket=1h")),
            Some("metric")
        );
        assert_eq!(
            parameter_of(parse_series_query("metric=speed")),
            Some("metric")
        );
        assert_eq!(
            parameter_of(parse_series_query("metric=runs&bucket=2h")),
            Some("bucket")
        );
        assert_eq!(
            parameter_of(parse_series_query("metric=runs&group_by=colour")),
            Some("group_by")
        );
        assert_eq!(
            parameter_of(parse_series_query("metric=runs&channel=fax")),
            Some("channel")
        );
        assert_eq!(
            parameter_of(parse_series_query("metric=runs&environment=dev")),
            Some("environment")
        );
        assert_eq!(
            parameter_of(parse_series_query("metric=runs&from=a&from=b")),
            Some("from")
        );
    }
}
