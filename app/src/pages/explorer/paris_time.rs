//! Conversions between the explorer's time expressions and what people read or type:
//! `datetime-local` inputs (Europe/Paris wall-clock time), ISO times for CSV files, and
//! the current time.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, TimeZone, Utc};
use chrono_tz::Europe::Paris;

use crate::domain::time_range::resolve;

const INPUT_FORMAT: &str = "%Y-%m-%dT%H:%M";

/// Now, in epoch milliseconds.
pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// A `datetime-local` value (`2026-11-26T14:05`, Paris time) as an RFC 3339 time with the
/// Paris offset, or `None` when unreadable. An ambiguous time (autumn DST) takes the earlier.
pub fn input_to_rfc3339(value: &str) -> Option<String> {
    let value = value.trim();
    let local = NaiveDateTime::parse_from_str(value, INPUT_FORMAT)
        .or_else(|_| NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    let time = Paris.from_local_datetime(&local).earliest()?;
    Some(time.to_rfc3339_opts(SecondsFormat::Secs, false))
}

/// A time expression as a `datetime-local` value in Paris time (empty when unreadable).
pub fn expression_to_input(expression: &str, now_ms: i64) -> String {
    resolve(expression, now_ms)
        .ok()
        .and_then(DateTime::<Utc>::from_timestamp_millis)
        .map(|time| time.with_timezone(&Paris).format(INPUT_FORMAT).to_string())
        .unwrap_or_default()
}

/// ISO 8601 time with the Paris offset, to the second: `2026-11-26T14:05:00+01:00`.
pub fn iso_paris(epoch_ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(epoch_ms)
        .map(|time| {
            time.with_timezone(&Paris)
                .to_rfc3339_opts(SecondsFormat::Secs, false)
        })
        .unwrap_or_default()
}

/// A time in Europe/Paris with a chrono `pattern` (for chart axes).
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn format_paris(epoch_ms: i64, pattern: &str) -> String {
    DateTime::<Utc>::from_timestamp_millis(epoch_ms)
        .map(|time| time.with_timezone(&Paris).format(pattern).to_string())
        .unwrap_or_default()
}

/// A label of the time axis: hours and minutes over two days or less; beyond, the
/// day and month, with the time only when the tick is not a Paris midnight.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
pub fn axis_time_label(epoch_ms: i64, span_ms: i64) -> String {
    if span_ms <= 2 * 86_400_000 {
        return format_paris(epoch_ms, "%H:%M");
    }
    if format_paris(epoch_ms, "%H:%M") == "00:00" {
        format_paris(epoch_ms, "%d/%m")
    } else {
        format_paris(epoch_ms, "%d/%m\n%H:%M")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_labels_show_the_time_only_where_it_says_something() {
        let day = 86_400_000;
        let paris_midnight = 1_792_969_200_000; // 2026-10-26T00:00+01:00
        assert_eq!(axis_time_label(paris_midnight, day), "00:00");
        assert_eq!(axis_time_label(paris_midnight, 7 * day), "26/10");
        assert_eq!(
            axis_time_label(paris_midnight + 3_600_000, 7 * day),
            "26/10\n01:00"
        );
    }

    #[test]
    fn inputs_are_read_as_paris_time_across_daylight_saving() {
        assert_eq!(
            input_to_rfc3339("2026-11-26T14:05").as_deref(),
            Some("2026-11-26T14:05:00+01:00")
        );
        assert_eq!(
            input_to_rfc3339("2026-07-01T08:00").as_deref(),
            Some("2026-07-01T08:00:00+02:00")
        );
        assert_eq!(input_to_rfc3339("not a date"), None);
    }

    #[test]
    fn expressions_show_in_inputs_as_paris_time() {
        let now = 1_764_153_000_000; // 2025-11-26T10:30:00Z
        assert_eq!(expression_to_input("now", now), "2025-11-26T11:30");
        assert_eq!(expression_to_input("now/d", now), "2025-11-26T00:00");
        assert_eq!(expression_to_input("bad", now), "");
    }

    #[test]
    fn csv_times_carry_the_paris_offset() {
        assert_eq!(iso_paris(1_764_153_000_000), "2025-11-26T11:30:00+01:00");
    }
}
