//! The numbers of one chart: its series as the server sent them, named for people, and
//! flattened into rows (one per time and series) for the table and the CSV file.

use std::collections::BTreeMap;

use crate::domain::indicators::{Choice, ExplorerOptions};
use crate::i18n::{translate, Lang};

/// A series ready to draw: a readable name and its points `(t_ms, value)`.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedSeries {
    pub name: String,
    pub points: Vec<(i64, f64)>,
    /// Width of its buckets when fixed (not Paris days, weeks or months).
    pub step_ms: Option<i64>,
}

/// One row of a chart's table: a time, a series name, a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub time_ms: i64,
    pub series: String,
    pub value: f64,
}

/// A series as the server sent it, with the metric prefix of its query.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyedSeries {
    pub prefix: Option<&'static str>,
    pub key: BTreeMap<String, String>,
    pub points: Vec<(i64, f64)>,
    /// Width of its buckets when fixed (not Paris days, weeks or months).
    pub step_ms: Option<i64>,
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
            points: series.points.clone(),
            step_ms: series.step_ms,
        })
        .collect()
}

/// At most this many buckets are filled in.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
const MAX_FILLED: i64 = 20_000;

/// The points of a count series over `[from, to)` with a zero in each empty bucket of
/// `step_ms` (bucket starts are multiples of it): the server sends only buckets that
/// counted something, and a line drawn straight across an empty bucket would show counts
/// that never happened. Points are kept as they are when the range holds too many buckets.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn zero_filled(points: &[(i64, f64)], (from, to): (i64, i64), step_ms: i64) -> Vec<(i64, f64)> {
    if step_ms <= 0 || to <= from || (to - from) / step_ms > MAX_FILLED {
        return points.to_vec();
    }
    let mut filled: BTreeMap<i64, f64> = points.iter().copied().collect();
    let mut start = from - from.rem_euclid(step_ms);
    while start < to {
        filled.entry(start).or_insert(0.0);
        start += step_ms;
    }
    filled.into_iter().collect()
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
                points: vec![(2, 1.0), (3, 2.0)],
                step_ms: None,
            },
            NamedSeries {
                name: "b".into(),
                points: vec![(1, 5.0)],
                step_ms: None,
            },
        ];
        let times: Vec<i64> = rows(&series).iter().map(|row| row.time_ms).collect();
        assert_eq!(times, vec![1, 2, 3]);
        assert!(has_points(&series));
        assert!(!has_points(&[]));
    }

    #[test]
    fn empty_buckets_of_a_count_are_zeros() {
        // Buckets of 10 from 20 to 60; the range starts inside the bucket of 20.
        let filled = zero_filled(&[(30, 2.0), (50, 1.0)], (25, 61), 10);
        assert_eq!(
            filled,
            vec![(20, 0.0), (30, 2.0), (40, 0.0), (50, 1.0), (60, 0.0)]
        );
        // Too many buckets, or no width: as sent.
        assert_eq!(
            zero_filled(&[(30, 2.0)], (0, 1_000_000), 1),
            vec![(30, 2.0)]
        );
        assert_eq!(zero_filled(&[(30, 2.0)], (0, 100), 0), vec![(30, 2.0)]);
    }
}
