//! The current time as UTC epoch milliseconds, the unit of every stored timestamp.

pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
