//! Time expressions of the API (`now`, `now-24h`, `now/d`, `now-1d/d`, RFC 3339, epoch
//! milliseconds) and the Europe/Paris calendar (days of 23 or 25 hours on DST changes,
//! weeks from Monday, months).

use chrono::{DateTime, Datelike, Days, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Paris;

const MINUTE_MS: i64 = 60_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeError {
    #[error(
        "'{0}' is not a time: use RFC 3339, epoch milliseconds, or now, now-24h, now/d, now-1d/d"
    )]
    Unreadable(String),
}

/// Calendar units that `/unit` rounds down to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarUnit {
    Day,
    Week,
    Month,
}

/// Resolves a time expression to epoch milliseconds, relative to `now_ms`.
pub fn resolve(expression: &str, now_ms: i64) -> Result<i64, TimeError> {
    let text = expression.trim();
    let unreadable = || TimeError::Unreadable(expression.to_string());
    if text.is_empty() {
        return Err(unreadable());
    }
    if text.bytes().all(|byte| byte.is_ascii_digit()) {
        return text.parse().map_err(|_| unreadable());
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(time.timestamp_millis());
    }
    let Some(rest) = text.strip_prefix("now") else {
        return Err(unreadable());
    };
    let (offset, rounding) = match rest.split_once('/') {
        Some((offset, unit)) => (offset, Some(calendar_unit(unit).ok_or_else(unreadable)?)),
        None => (rest, None),
    };
    let mut time = now_ms;
    if !offset.is_empty() {
        let (sign, amount) = match offset.as_bytes()[0] {
            b'-' => (-1, &offset[1..]),
            b'+' => (1, &offset[1..]),
            _ => return Err(unreadable()),
        };
        let unit = amount.chars().last().ok_or_else(unreadable)?;
        let count: i64 = amount[..amount.len() - unit.len_utf8()]
            .parse()
            .map_err(|_| unreadable())?;
        time = shift(time, sign * count, unit).ok_or_else(unreadable)?;
    }
    Ok(match rounding {
        Some(unit) => floor_calendar(time, unit),
        None => time,
    })
}

fn calendar_unit(text: &str) -> Option<CalendarUnit> {
    match text {
        "d" => Some(CalendarUnit::Day),
        "w" => Some(CalendarUnit::Week),
        "M" => Some(CalendarUnit::Month),
        _ => None,
    }
}

/// `time` moved by `count` units; days, weeks and months move on the Paris calendar
/// (so `now-1d` at 10:00 is 10:00 yesterday, even across a DST change).
fn shift(time: i64, count: i64, unit: char) -> Option<i64> {
    let fixed = |unit_ms: i64| {
        count
            .checked_mul(unit_ms)
            .and_then(|delta| time.checked_add(delta))
    };
    match unit {
        's' => fixed(1_000),
        'm' => fixed(MINUTE_MS),
        'h' => fixed(60 * MINUTE_MS),
        'd' | 'w' | 'M' => {
            let local = paris_time(time)?.naive_local();
            let magnitude = u32::try_from(count.unsigned_abs()).ok()?;
            let moved = match unit {
                'd' => add_days(local.date(), count.signum(), u64::from(magnitude)),
                'w' => add_days(local.date(), count.signum(), u64::from(magnitude) * 7),
                _ => {
                    if count >= 0 {
                        local.date().checked_add_months(Months::new(magnitude))
                    } else {
                        local.date().checked_sub_months(Months::new(magnitude))
                    }
                }
            }?;
            local_to_utc(moved.and_time(local.time()))
        }
        _ => None,
    }
}

fn add_days(date: NaiveDate, sign: i64, days: u64) -> Option<NaiveDate> {
    if sign < 0 {
        date.checked_sub_days(Days::new(days))
    } else {
        date.checked_add_days(Days::new(days))
    }
}

/// An instant (epoch milliseconds) on Paris clocks.
pub fn paris_time(time: i64) -> Option<DateTime<chrono_tz::Tz>> {
    Utc.timestamp_millis_opt(time)
        .single()
        .map(|utc| utc.with_timezone(&Paris))
}

/// A Paris wall-clock time as epoch milliseconds (the earlier instant when ambiguous,
/// the first valid instant after a skipped hour).
fn local_to_utc(local: chrono::NaiveDateTime) -> Option<i64> {
    match Paris.from_local_datetime(&local) {
        chrono::LocalResult::Single(time) => Some(time.timestamp_millis()),
        chrono::LocalResult::Ambiguous(earlier, _) => Some(earlier.timestamp_millis()),
        chrono::LocalResult::None => Paris
            .from_local_datetime(&(local + chrono::Duration::hours(1)))
            .earliest()
            .map(|time| time.timestamp_millis()),
    }
}

fn midnight(date: NaiveDate) -> Option<i64> {
    date.and_hms_opt(0, 0, 0).and_then(local_to_utc)
}

/// Start of the Paris day, week (Monday) or month containing `time`.
pub fn floor_calendar(time: i64, unit: CalendarUnit) -> i64 {
    let Some(local) = paris_time(time) else {
        return time;
    };
    let date = local.date_naive();
    let start = match unit {
        CalendarUnit::Day => Some(date),
        CalendarUnit::Week => {
            date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))
        }
        CalendarUnit::Month => date.with_day(1),
    };
    start.and_then(midnight).unwrap_or(time)
}

/// Start of the next Paris day, week or month after the one containing `time`.
pub fn next_calendar(time: i64, unit: CalendarUnit) -> i64 {
    let start = floor_calendar(time, unit);
    let Some(date) = paris_time(start).map(|local| local.date_naive()) else {
        return time + 86_400_000;
    };
    let next = match unit {
        CalendarUnit::Day => date.checked_add_days(Days::new(1)),
        CalendarUnit::Week => date.checked_add_days(Days::new(7)),
        CalendarUnit::Month => date.checked_add_months(Months::new(1)),
    };
    next.and_then(midnight).unwrap_or(start + 86_400_000)
}

/// Start of the Paris day containing `time` (a day has 23 or 25 hours on DST changes).
pub fn start_of_paris_day(time: i64) -> i64 {
    floor_calendar(time, CalendarUnit::Day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> i64 {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.timestamp_millis())
            .unwrap_or(i64::MIN)
    }

    const NOW: &str = "2026-11-26T10:30:00Z"; // 11:30 in Paris (CET)

    #[test]
    fn relative_expressions_resolve() {
        let now = utc(NOW);
        assert_eq!(resolve("now", now), Ok(now));
        assert_eq!(resolve("now-15m", now), Ok(now - 15 * MINUTE_MS));
        assert_eq!(resolve("now-24h", now), Ok(now - 24 * 60 * MINUTE_MS));
        assert_eq!(resolve("now/d", now), Ok(utc("2026-11-25T23:00:00Z")));
        assert_eq!(resolve("now-1d/d", now), Ok(utc("2026-11-24T23:00:00Z")));
        assert_eq!(resolve("now/w", now), Ok(utc("2026-11-22T23:00:00Z")));
        assert_eq!(resolve("now/M", now), Ok(utc("2026-10-31T23:00:00Z")));
        assert_eq!(resolve("1764153000000", now), Ok(1_764_153_000_000));
        assert_eq!(
            resolve("2026-11-21T08:15:00+01:00", now),
            Ok(utc("2026-11-21T07:15:00Z"))
        );
    }

    #[test]
    fn garbage_is_refused() {
        for bad in [
            "",
            "yesterday",
            "now-",
            "now-5x",
            "now/y",
            "now*2h",
            "2026-13-01",
        ] {
            assert!(resolve(bad, 0).is_err(), "{bad}");
        }
    }

    #[test]
    fn days_follow_the_paris_calendar_across_dst() {
        // 2026-03-29: clocks go from 02:00 to 03:00, the day has 23 hours.
        let spring = utc("2026-03-29T12:00:00Z");
        let start = floor_calendar(spring, CalendarUnit::Day);
        let end = next_calendar(spring, CalendarUnit::Day);
        assert_eq!(start, utc("2026-03-28T23:00:00Z"));
        assert_eq!(end - start, 23 * 3_600_000);
        // 2026-10-25: clocks go back, the day has 25 hours.
        let autumn = utc("2026-10-25T12:00:00Z");
        let (start, end) = (
            floor_calendar(autumn, CalendarUnit::Day),
            next_calendar(autumn, CalendarUnit::Day),
        );
        assert_eq!(end - start, 25 * 3_600_000);
        // now-1d across the change keeps the wall-clock time.
        let after = utc("2026-03-29T10:00:00Z"); // 12:00 CEST
        assert_eq!(resolve("now-1d", after), Ok(utc("2026-03-28T11:00:00Z"))); // 12:00 CET
    }
}
