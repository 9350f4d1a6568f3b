//! The demo's scripted story, placed relative to the day the demo starts (Europe/Paris):
//! a 42-minute e-signature partner outage yesterday afternoon, a slow identity-check day
//! three days ago, a flapping recette probe, a planned core-banking maintenance, and a
//! recette probe that is down right now.

use app::domain::catalog::MaintenanceScope;
use chrono::{Days, NaiveTime, TimeZone, Utc};
use chrono_tz::Europe::Paris;

use crate::storage::reference::MaintenanceWindow;

/// How a step behaves at some instant for some probe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepCondition {
    /// Multiplies the step's usual duration.
    pub slowness: f64,
    /// Probability that the step fails, with the error and whether it is a timeout.
    pub failure: Option<(f64, &'static str, bool)>,
}

impl StepCondition {
    const NORMAL: StepCondition = StepCondition {
        slowness: 1.0,
        failure: None,
    };
}

#[derive(Debug, Clone)]
pub struct Scenario {
    esign_outage: (i64, i64),
    slow_identity: (i64, i64),
    core_maintenance: (i64, i64),
    planned_credit_maintenance: (i64, i64),
    recette_outage: (i64, i64),
}

/// The flapping recette probe.
pub const FLAPPING_PROBE: &str = "PRB_LIVRET_WEB_REC";
/// The recette probe that is down when the demo starts.
pub const DOWN_PROBE: &str = "PRB_PEA_WEB_REC";

impl Scenario {
    pub fn new(now_ms: i64) -> Scenario {
        Scenario {
            esign_outage: (paris(now_ms, 1, 14, 10), paris(now_ms, 1, 14, 52)),
            slow_identity: (paris(now_ms, 3, 8, 0), paris(now_ms, 3, 20, 0)),
            core_maintenance: (paris(now_ms, 5, 2, 0), paris(now_ms, 5, 4, 0)),
            planned_credit_maintenance: (paris(now_ms, -1, 22, 0), paris(now_ms, -1, 23, 30)),
            recette_outage: (now_ms - 25 * 60_000, now_ms + 2 * 3_600_000),
        }
    }

    pub fn maintenance_windows(&self) -> Vec<MaintenanceWindow> {
        vec![
            MaintenanceWindow {
                window_id: format!("MW_CORE_{}", self.core_maintenance.0 / 1000),
                scope: MaintenanceScope::Service,
                scope_code: Some("CORE_BANKING".into()),
                starts_at_ms: self.core_maintenance.0,
                ends_at_ms: self.core_maintenance.1,
                reason: Some("Montée de version du cœur bancaire".into()),
            },
            MaintenanceWindow {
                window_id: format!("MW_CREDIT_{}", self.planned_credit_maintenance.0 / 1000),
                scope: MaintenanceScope::Product,
                scope_code: Some("CREDIT".into()),
                starts_at_ms: self.planned_credit_maintenance.0,
                ends_at_ms: self.planned_credit_maintenance.1,
                reason: Some("Mise à jour du moteur d'octroi".into()),
            },
        ]
    }

    /// The condition of `step_code` (served by `service`) for `probe_code` at `at_ms`.
    pub fn step_condition(
        &self,
        probe_code: &str,
        environment: &str,
        step_code: &str,
        service: &str,
        at_ms: i64,
    ) -> StepCondition {
        let within = |(from, to): (i64, i64)| from <= at_ms && at_ms < to;
        if service == "ESIGN_PARTNER" && within(self.esign_outage) {
            return StepCondition {
                slowness: 1.0,
                failure: Some((1.0, "ESIGN_503", false)),
            };
        }
        if service == "CORE_BANKING" && within(self.core_maintenance) {
            return StepCondition {
                slowness: 1.0,
                failure: Some((1.0, "CORE_ACCOUNT_KO", false)),
            };
        }
        if probe_code == DOWN_PROBE && step_code == "DOCUMENTS" && within(self.recette_outage) {
            return StepCondition {
                slowness: 1.0,
                failure: Some((1.0, "DOC_UPLOAD_FAILED", false)),
            };
        }
        if service == "IDV_PARTNER" && within(self.slow_identity) {
            return StepCondition {
                slowness: 3.5,
                failure: Some((0.08, "IDV_TIMEOUT", true)),
            };
        }
        if probe_code == FLAPPING_PROBE && step_code == "DOCUMENTS" {
            return StepCondition {
                slowness: 1.3,
                failure: Some((0.35, "DOC_UPLOAD_FAILED", false)),
            };
        }
        let background = if environment == "prod" { 0.0012 } else { 0.004 };
        StepCondition {
            failure: Some((background, "", false)),
            ..StepCondition::NORMAL
        }
    }

    /// Whether a real prospect's step fails at `at_ms` because its service is down
    /// (partner outage, maintenance).
    pub fn service_down(&self, service: &str, at_ms: i64) -> Option<&'static str> {
        let within = |(from, to): (i64, i64)| from <= at_ms && at_ms < to;
        match service {
            "ESIGN_PARTNER" if within(self.esign_outage) => Some("ESIGN_503"),
            "CORE_BANKING" if within(self.core_maintenance) => Some("CORE_ACCOUNT_KO"),
            _ => None,
        }
    }

    /// Extra abandonment probability on a step (a slow partner makes people leave).
    pub fn extra_abandon(&self, service: &str, at_ms: i64) -> f64 {
        let within = |(from, to): (i64, i64)| from <= at_ms && at_ms < to;
        if service == "IDV_PARTNER" && within(self.slow_identity) {
            0.25
        } else {
            0.0
        }
    }
}

/// `hour:minute` in Europe/Paris, `days_ago` days before the Paris date of `now_ms`
/// (negative: in the future), as UTC epoch milliseconds.
fn paris(now_ms: i64, days_ago: i64, hour: u32, minute: u32) -> i64 {
    let fallback = now_ms - days_ago * 86_400_000;
    let Some(now) = Utc.timestamp_millis_opt(now_ms).single() else {
        return fallback;
    };
    let today = now.with_timezone(&Paris).date_naive();
    let day = if days_ago >= 0 {
        today.checked_sub_days(Days::new(days_ago.unsigned_abs()))
    } else {
        today.checked_add_days(Days::new(days_ago.unsigned_abs()))
    };
    day.zip(NaiveTime::from_hms_opt(hour, minute, 0))
        .and_then(|(day, time)| Paris.from_local_datetime(&day.and_time(time)).earliest())
        .map(|local| local.timestamp_millis())
        .unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_esign_outage_lasts_42_minutes_yesterday_afternoon() {
        let now = 1_795_000_000_000; // 2026-11-18
        let scenario = Scenario::new(now);
        let (from, to) = scenario.esign_outage;
        assert_eq!(to - from, 42 * 60_000);
        assert!(now - from > 12 * 3_600_000 && now - from < 48 * 3_600_000);
        let inside = scenario.step_condition(
            "PRB_CCO_WEB_PROD",
            "prod",
            "SIGNATURE",
            "ESIGN_PARTNER",
            from + 60_000,
        );
        assert_eq!(inside.failure, Some((1.0, "ESIGN_503", false)));
    }
}
