//! How a probe's state now follows from its recent runs. Pure functions, unit-tested.

use app::domain::board::ProbeState;

use crate::storage::runs::RunSummary;

/// Consecutive failed runs that open an incident (the API contract's K).
pub const INCIDENT_STREAK: usize = 2;
/// Recent runs considered for "degraded".
const DEGRADED_WINDOW: usize = 6;

/// The state of a probe from its runs (oldest first), its interval, whether a
/// maintenance window covers it now, and the current time.
pub fn probe_state(
    recent: &[RunSummary],
    interval_s: i64,
    enabled: bool,
    in_maintenance: bool,
    now_ms: i64,
) -> ProbeState {
    if in_maintenance {
        return ProbeState::Maintenance;
    }
    let Some(last) = recent.last() else {
        return ProbeState::NoData;
    };
    let silent_after_ms = (interval_s * 3 * 1000).max(15 * 60 * 1000);
    if !enabled || now_ms - last.started_at_ms > silent_after_ms {
        return ProbeState::NoData;
    }
    let failed = |run: &RunSummary| run.status.is_failure();
    let streak = recent.iter().rev().take_while(|run| failed(run)).count();
    if streak >= INCIDENT_STREAK {
        return ProbeState::Down;
    }
    let window = &recent[recent.len().saturating_sub(DEGRADED_WINDOW)..];
    if window.iter().any(failed) || is_slow(recent) {
        return ProbeState::Degraded;
    }
    ProbeState::Up
}

/// When the current streak of failed runs began (the first failed run after the last OK).
pub fn failing_streak_start(recent: &[RunSummary]) -> Option<i64> {
    recent
        .iter()
        .rev()
        .take_while(|run| run.status.is_failure())
        .last()
        .map(|run| run.started_at_ms)
}

/// Whether the last run took more than twice the median of the recent OK runs.
fn is_slow(recent: &[RunSummary]) -> bool {
    let Some(last) = recent.last() else {
        return false;
    };
    let mut durations: Vec<i64> = recent
        .iter()
        .filter(|run| !run.status.is_failure())
        .map(|run| run.duration_ms)
        .collect();
    if durations.len() < 6 {
        return false;
    }
    durations.sort_unstable();
    let median = durations[durations.len() / 2];
    last.duration_ms > median * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_800_000_000_000;

    fn runs(statuses: &[&str]) -> Vec<RunSummary> {
        let count = statuses.len() as i64;
        statuses
            .iter()
            .enumerate()
            .map(|(index, status)| RunSummary {
                run_id: format!("P-{index}"),
                probe_code: "P".into(),
                started_at_ms: NOW - (count - index as i64) * 300_000,
                duration_ms: 20_000,
                status: status.parse().expect("a run status"),
                failed_step_code: None,
                error_code: None,
            })
            .collect()
    }

    #[test]
    fn two_failures_in_a_row_mean_down() {
        assert_eq!(
            probe_state(&runs(&["OK", "KO", "TIMEOUT"]), 300, true, false, NOW),
            ProbeState::Down
        );
    }

    #[test]
    fn a_down_probe_is_down_since_its_first_failure_in_a_row() {
        let recent = runs(&["KO", "OK", "KO", "TIMEOUT"]);
        assert_eq!(failing_streak_start(&recent), Some(recent[2].started_at_ms));
        assert_eq!(failing_streak_start(&runs(&["KO", "OK"])), None);
    }

    #[test]
    fn one_recent_failure_means_degraded() {
        assert_eq!(
            probe_state(&runs(&["OK", "KO", "OK"]), 300, true, false, NOW),
            ProbeState::Degraded
        );
        assert_eq!(
            probe_state(&runs(&["OK", "OK", "KO"]), 300, true, false, NOW),
            ProbeState::Degraded
        );
    }

    #[test]
    fn only_successes_mean_up() {
        assert_eq!(
            probe_state(&runs(&["OK"; 8]), 300, true, false, NOW),
            ProbeState::Up
        );
    }

    #[test]
    fn maintenance_wins_over_failures() {
        assert_eq!(
            probe_state(&runs(&["KO", "KO"]), 300, true, true, NOW),
            ProbeState::Maintenance
        );
    }

    #[test]
    fn a_silent_probe_has_no_data() {
        let mut old = runs(&["OK"]);
        old[0].started_at_ms = NOW - 3_600_000;
        assert_eq!(probe_state(&old, 300, true, false, NOW), ProbeState::NoData);
        assert_eq!(probe_state(&[], 300, true, false, NOW), ProbeState::NoData);
    }

    #[test]
    fn a_run_twice_as_slow_as_usual_means_degraded() {
        let mut slow = runs(&["OK"; 8]);
        if let Some(last) = slow.last_mut() {
            last.duration_ms = 60_000;
        }
        assert_eq!(
            probe_state(&slow, 300, true, false, NOW),
            ProbeState::Degraded
        );
    }
}
