//! The current time as UTC epoch milliseconds, the unit of every stored timestamp.

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Epoch milliseconds as an RFC 3339 UTC string (`2026-11-26T14:05:00.000Z`), as the API
/// answers times.
pub fn rfc3339(epoch_ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(epoch_ms)
        .map(|time| time.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}
