//! The numbers of one chart: its series as the server sent them, named for people, and
//! flattened into rows (one per time and series) for the table and the CSV file.

use std::collections::BTreeMap;

use crate::domain::indicators::{Bucket, Choice, ExplorerOptions};
use crate::i18n::{translate, Lang};

/// A series ready to draw: a readable name and its points `(t_ms, value)`.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedSeries {
    pub name: String,
    /// The group values it stands for (`{"probe": "P1"}`; empty when not grouped).
    pub key: BTreeMap<String, String>,
    pub points: Vec<(i64, f64)>,
    /// Its buckets (fixed widths, or Paris days, weeks or months).
    pub bucket: Option<Bucket>,
}

/// One row of a chart's table: a time, a series name, a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub time_ms: i64,
    pub series: String,
    pub value: f64,
    /// Its series' group values and buckets (to open the runs behind it).
    pub key: BTreeMap<String, String>,
    pub bucket: Option<Bucket>,
}

/// A series as the server sent it, with the metric prefix of its query.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedSeries {
    pub prefix: Option<&'static str>,
    pub key: BTreeMap<String, String>,
    pub points: Vec<(i64, f64)>,
    /// Its buckets (fixed widths, or Paris days, weeks or months).
    pub bucket: Option<Bucket>,
}

/// Names the series for people; `fallback` names a series without key or prefix.
pub fn name_series(
    loaded: &[KeyedSeries],
    options: &ExplorerOptions,
    lang: Lang,
    fallback: &str,
) -> Vec<NamedSeries> {
    loaded
        .iter()
        .map(|series| NamedSeries {
            name: series_name(series.prefix, &series.key, options, lang, fallback),
            key: series.key.clone(),
            points: series.points.clone(),
            bucket: series.bucket,
        })
        .collect()
}

/// At most this many buckets are filled in.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const MAX_FILLED: i64 = 20_000;

/// The points of a count series over `[from, to)` with a zero in each empty bucket
/// (fixed widths, or Paris days, weeks and months): the server sends only buckets that
/// counted something, and a line drawn straight across an empty bucket would show counts
/// that never happened. Points are kept as they are when the range holds too many buckets.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn zero_filled(
    points: &[(i64, f64)],
    (from, to): (i64, i64),
    bucket: Bucket,
) -> Vec<(i64, f64)> {
    if bucket == Bucket::Auto || to <= from || (to - from) / bucket.nominal_ms() > MAX_FILLED {
        return points.to_vec();
    }
    let mut filled: BTreeMap<i64, f64> = points.iter().copied().collect();
    let mut start = bucket.start_of(from);
    while start < to {
        filled.entry(start).or_insert(0.0);
        start = bucket.next_start(start);
    }
    filled.into_iter().collect()
}

/// Stacked series with a point at every time any of them has one, zero where a series
/// has none: ECharts stacks series on a time axis by point index, not by time, so a
/// series with a gap would be drawn on top of the wrong bar of the series below.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn aligned_for_stacking(series: &[&[(i64, f64)]]) -> Vec<Vec<(i64, f64)>> {
    let times: std::collections::BTreeSet<i64> = series
        .iter()
        .flat_map(|points| points.iter().map(|(time, _)| *time))
        .collect();
    series
        .iter()
        .map(|points| {
            let values: BTreeMap<i64, f64> = points.iter().copied().collect();
            times
                .iter()
                .map(|time| (*time, values.get(time).copied().unwrap_or(0.0)))
                .collect()
        })
        .collect()
}

/// The buckets at the ends of `[from, to)` that the range covers only in part, as the
/// spans it covers: the bucket being counted now (this hour, today) or one cut by the
/// range's start. A count there reads low without anything having gone wrong, so the
/// chart shades them. At most two spans, in time order; one when both ends fall in one
/// bucket.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn partial_buckets((from, to): (i64, i64), bucket: Bucket) -> Vec<(i64, i64)> {
    if bucket == Bucket::Auto || to <= from {
        return Vec::new();
    }
    let first = bucket.start_of(from);
    let last = bucket.start_of(to - 1);
    if first == last {
        let whole = first == from && bucket.next_start(first) == to;
        return if whole { Vec::new() } else { vec![(from, to)] };
    }
    let mut spans = Vec::new();
    if first < from {
        spans.push((from, bucket.next_start(first)));
    }
    if bucket.next_start(last) > to {
        spans.push((last, to));
    }
    spans
}

/// Whether there is at least one point to show.
pub fn has_points(series: &[NamedSeries]) -> bool {
    series.iter().any(|series| !series.points.is_empty())
}

/// All points as rows, in time order then series order.
pub fn rows(series: &[NamedSeries]) -> Vec<Row> {
    let mut rows: Vec<Row> = series
        .iter()
        .flat_map(|series| {
            series.points.iter().map(|(time_ms, value)| Row {
                time_ms: *time_ms,
                series: series.name.clone(),
                value: *value,
                key: series.key.clone(),
                bucket: series.bucket,
            })
        })
        .collect();
    rows.sort_by_key(|row| row.time_ms);
    rows
}

/// The choices of a filter name (`probe`, `error_code`, ...).
pub fn choices<'a>(options: &'a ExplorerOptions, name: &str) -> &'a [Choice] {
    match name {
        "probe" => &options.probes,
        "product" => &options.products,
        "service" => &options.services,
        "step" => &options.steps,
        "channel" => &options.channels,
        "environment" => &options.environments,
        "error_code" => &options.error_codes,
        _ => &[],
    }
}

/// The label of a code in a filter's choices, or the code itself.
pub fn label_of(options: &ExplorerOptions, name: &str, code: &str) -> String {
    choices(options, name)
        .iter()
        .find(|choice| choice.code == code)
        .map(|choice| choice.label.clone())
        .unwrap_or_else(|| code.to_string())
}

/// `p95 · Compte courant`: the metric prefix (if any) and the labels of the key's values;
/// a code without a label in the options (an event outcome) is translated as
/// `<name>.<code>` when the translation files have it.
fn series_name(
    prefix: Option<&str>,
    key: &BTreeMap<String, String>,
    options: &ExplorerOptions,
    lang: Lang,
    fallback: &str,
) -> String {
    let labels: Vec<String> = key
        .iter()
        .map(|(name, code)| {
            let label = label_of(options, name, code);
            if label != *code {
                return label;
            }
            let key = format!("{name}.{code}");
            let text = translate(lang, &key);
            if text == key {
                label
            } else {
                text
            }
        })
        .collect();
    let parts: Vec<String> = prefix
        .map(str::to_string)
        .into_iter()
        .chain(labels)
        .collect();
    if parts.is_empty() {
        fallback.to_string()
    } else {
        parts.join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stacked_series_share_every_time_with_zeros_in_their_gaps() {
        let aligned =
            aligned_for_stacking(&[&[(10, 1.0), (30, 2.0)], &[(20, 5.0), (30, 1.0)], &[]]);
        assert_eq!(
            aligned,
            vec![
                vec![(10, 1.0), (20, 0.0), (30, 2.0)],
                vec![(10, 0.0), (20, 5.0), (30, 1.0)],
                vec![(10, 0.0), (20, 0.0), (30, 0.0)],
            ]
        );
    }

    fn options() -> ExplorerOptions {
        ExplorerOptions {
            products: vec![Choice {
                code: "CCO".into(),
                label: "Compte courant".into(),
            }],
            ..ExplorerOptions::default()
        }
    }

    #[test]
    fn series_are_named_by_prefix_and_labels() {
        let key: BTreeMap<String, String> = [("product".to_string(), "CCO".to_string())].into();
        assert_eq!(
            series_name(Some("p95"), &key, &options(), Lang::Fr, "x"),
            "p95 · Compte courant"
        );
        let unknown: BTreeMap<String, String> =
            [("error_code".to_string(), "=X".to_string())].into();
        assert_eq!(series_name(None, &unknown, &options(), Lang::Fr, "x"), "=X");
        let outcome: BTreeMap<String, String> =
            [("outcome".to_string(), "COMPLETED".to_string())].into();
        assert_eq!(
            series_name(None, &outcome, &options(), Lang::Fr, "x"),
            "Terminés"
        );
        assert_eq!(
            series_name(
                None,
                &BTreeMap::new(),
                &options(),
                Lang::Fr,
                "Disponibilité"
            ),
            "Disponibilité"
        );
    }

    #[test]
    fn rows_come_in_time_order() {
        let series = vec![
            NamedSeries {
                name: "a".into(),
                key: Default::default(),
                points: vec![(2, 1.0), (3, 2.0)],
                bucket: None,
            },
            NamedSeries {
                name: "b".into(),
                key: Default::default(),
                points: vec![(1, 5.0)],
                bucket: None,
            },
        ];
        let times: Vec<i64> = rows(&series).iter().map(|row| row.time_ms).collect();
        assert_eq!(times, vec![1, 2, 3]);
        assert!(has_points(&series));
        assert!(!has_points(&[]));
    }

    #[test]
    fn empty_buckets_of_a_count_are_zeros() {
        const MINUTE: i64 = 60_000;
        // Minutes from 2 to 6; the range starts inside the minute of 2.
        let filled = zero_filled(
            &[(3 * MINUTE, 2.0), (5 * MINUTE, 1.0)],
            (2 * MINUTE + 500, 6 * MINUTE + 1),
            Bucket::Minute,
        );
        let minutes: Vec<(i64, f64)> = filled.iter().map(|(t, v)| (t / MINUTE, *v)).collect();
        assert_eq!(
            minutes,
            vec![(2, 0.0), (3, 2.0), (4, 0.0), (5, 1.0), (6, 0.0)]
        );
        // Too many buckets, or no resolved bucket: as sent.
        assert_eq!(
            zero_filled(&[(MINUTE, 2.0)], (0, 30_000 * MINUTE), Bucket::Minute),
            vec![(MINUTE, 2.0)]
        );
        assert_eq!(
            zero_filled(&[(MINUTE, 2.0)], (0, 10 * MINUTE), Bucket::Auto),
            vec![(MINUTE, 2.0)]
        );
    }

    #[test]
    fn buckets_cut_by_the_range_are_the_partial_ones() {
        const MINUTE: i64 = 60_000;
        const HOUR: i64 = 60 * MINUTE;
        // Whole hours: nothing partial.
        assert_eq!(
            partial_buckets((10 * HOUR, 14 * HOUR), Bucket::Hour),
            vec![]
        );
        // Now is 13:20: the current hour is partial, and so is the first one.
        assert_eq!(
            partial_buckets(
                (9 * HOUR + 20 * MINUTE, 13 * HOUR + 20 * MINUTE),
                Bucket::Hour
            ),
            vec![
                (9 * HOUR + 20 * MINUTE, 10 * HOUR),
                (13 * HOUR, 13 * HOUR + 20 * MINUTE)
            ]
        );
        // Both ends in one bucket: one span.
        assert_eq!(
            partial_buckets((HOUR + MINUTE, HOUR + 2 * MINUTE), Bucket::Hour),
            vec![(HOUR + MINUTE, HOUR + 2 * MINUTE)]
        );
        assert_eq!(partial_buckets((0, 5 * HOUR), Bucket::Auto), vec![]);
    }

    #[test]
    fn today_is_a_partial_paris_day_even_on_a_dst_change() {
        let day_24 = 1_792_792_800_000; // 2026-10-24T00:00+02:00
        let day_25 = 1_792_879_200_000; // 2026-10-25T00:00+02:00, 25 hours long
        let day_26 = 1_792_969_200_000; // 2026-10-26T00:00+01:00
        let noon_25 = day_25 + 13 * 3_600_000;
        assert_eq!(partial_buckets((day_24, day_26), Bucket::Day), vec![]);
        assert_eq!(
            partial_buckets((day_24, noon_25), Bucket::Day),
            vec![(day_25, noon_25)]
        );
    }

    #[test]
    fn empty_paris_days_of_a_count_are_zeros_across_a_dst_change() {
        // 24 to 27 October 2026 in Paris: the 25th has 25 hours (back to UTC+1).
        let day_24 = 1_792_792_800_000; // 2026-10-24T00:00+02:00
        let day_25 = 1_792_879_200_000; // 2026-10-25T00:00+02:00
        let day_26 = 1_792_969_200_000; // 2026-10-26T00:00+01:00
        let day_27 = 1_793_055_600_000; // 2026-10-27T00:00+01:00
        let filled = zero_filled(&[(day_25, 4.0)], (day_24, day_27), Bucket::Day);
        assert_eq!(filled, vec![(day_24, 0.0), (day_25, 4.0), (day_26, 0.0)]);
    }
}
