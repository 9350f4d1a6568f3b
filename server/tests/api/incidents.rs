//! Incidents in the summary: which ones overlap a range (started inside it, started
//! before it and ended inside or after it, or still open), and their downtime clipped
//! to the range, compared with the streaks written out by hand; a group's incidents are
//! its periods of unavailability (overlapping incidents of its probes count once). Both
//! engines.

use crate::support::TestDatabase;
use app::domain::catalog::{ErrorCategory, MaintenanceScope, ServiceKind};
use app::domain::indicators::{Filters, GroupBy, SummaryQuery};
use app::domain::status::RunStatus;
use vigie::board::RunNotifier;
use vigie::clock::rfc3339;
use vigie::indicators::IndicatorService;
use vigie::ingest::RunRecorder;
use vigie::storage::reference::{
    upsert_catalog, Catalog, ErrorCode, JourneyStep, MaintenanceWindow, Probe, Product, Service,
};
use vigie::storage::runs::ProbeRun;
use vigie::storage::Engine;

pub(crate) const MINUTE: i64 = 60_000;
/// 2026-11-20T09:00:00Z.
pub(crate) const BASE: i64 = 1_795_683_600_000;

pub(crate) fn catalog() -> Catalog {
    Catalog {
        products: vec![Product {
            product_code: "LIVRET".into(),
            label: "Livret".into(),
            active: true,
        }],
        probes: [("P1", "web"), ("P2", "mobile")]
            .into_iter()
            .map(|(code, channel)| Probe {
                probe_code: code.into(),
                label: format!("Livret {channel}"),
                product_code: "LIVRET".into(),
                channel: channel.into(),
                environment: "prod".into(),
                interval_s: 300,
                enabled: true,
            })
            .collect(),
        services: ["FRONT", "ESIGN"]
            .into_iter()
            .map(|code| Service {
                service_code: code.into(),
                label: code.into(),
                kind: ServiceKind::Internal,
                owner_team: None,
            })
            .collect(),
        journey_steps: [("FORM", "FRONT"), ("SIGN", "ESIGN")]
            .into_iter()
            .enumerate()
            .map(|(index, (step, service))| JourneyStep {
                product_code: "LIVRET".into(),
                step_code: step.into(),
                position: index as i64 + 1,
                label: step.into(),
                service_code: service.into(),
            })
            .collect(),
        error_codes: [
            ("E500", ErrorCategory::Technical),
            ("E503", ErrorCategory::Partner),
        ]
        .into_iter()
        .map(|(code, category)| ErrorCode {
            error_code: code.into(),
            label: "Erreur".into(),
            category,
            service_code: None,
        })
        .collect(),
        ..Catalog::default()
    }
}

/// A run of `probe` at `minute` after `BASE`: OK, or failed at a step with an error.
fn run_at(probe: &str, minute: i64, failed: Option<(&str, &str)>) -> ProbeRun {
    ProbeRun {
        run_id: format!("{probe}-R{minute}"),
        probe_code: probe.into(),
        started_at_ms: BASE + minute * MINUTE,
        duration_ms: 1_000,
        status: if failed.is_some() {
            RunStatus::Ko
        } else {
            RunStatus::Ok
        },
        failed_step_code: failed.map(|(step, _)| step.into()),
        error_code: failed.map(|(_, error)| error.into()),
        error_message: None,
        agent: None,
        steps: vec![],
    }
}

/// A run every 5 minutes from minute 0 to 50, failed at the minutes given, at `step`
/// with `error`.
fn runs_of(probe: &str, failed_at: &[i64], failure: (&str, &str)) -> Vec<ProbeRun> {
    (0..=10)
        .map(|slot| slot * 5)
        .map(|minute| {
            run_at(
                probe,
                minute,
                failed_at.contains(&minute).then_some(failure),
            )
        })
        .collect()
}

/// P1: streaks at minutes 5–15 (A), 25–40 (B) and from 45, still open (C).
fn runs() -> Vec<ProbeRun> {
    runs_of("P1", &[5, 10, 25, 30, 35, 45, 50], ("FORM", "E500"))
}

/// The summary's (incidents, downtime in seconds) of the row `key` (`""` for the one row
/// of an ungrouped summary) over a range in minutes after `BASE`; (0, 0) without a row.
async fn incidents_of(
    service: &IndicatorService,
    (group_by, filters): (Option<GroupBy>, Filters),
    (from, to): (i64, i64),
    key: &str,
    now: i64,
) -> Result<(i64, i64), Box<dyn std::error::Error>> {
    let query = SummaryQuery {
        group_by,
        filters,
        from: rfc3339(BASE + from * MINUTE),
        to: rfc3339(BASE + to * MINUTE),
    };
    let summary = service.summary(&query, now).await?;
    Ok(summary
        .rows
        .iter()
        .find(|row| row.key.values().next().map_or("", String::as_str) == key)
        .map(|row| (row.incidents, row.downtime_s))
        .unwrap_or((0, 0)))
}

async fn the_summary_counts_overlapping_incidents_and_clipped_downtime(
    engine: Engine,
) -> crate::support::TestResult {
    let test = TestDatabase::new(engine).await?;
    upsert_catalog(&test.db, &catalog()).await?;
    RunRecorder::new(test.db.clone(), RunNotifier::default())
        .record(&runs())
        .await?;
    let service = IndicatorService::new(test.db.clone());
    let now = BASE + 60 * MINUTE;
    // (from, to) in minutes → (incidents, downtime in seconds), written out by hand.
    let cases = [
        ((30, 48), (2, (40 - 30 + 48 - 45) * 60)), // B started before, ended inside; C started inside
        ((50, 55), (1, 5 * 60)),                   // C started before, still open
        ((16, 20), (0, 0)),                        // between A and B
        ((0, 60), (3, (10 + 15 + 15) * 60)),       // A, B whole; C open until now
        ((14, 26), (2, (1 + 1) * 60)),             // A's end, B's start
    ];
    // Grouped by probe with no filter on an incident's step or error, the database adds
    // up each probe's incidents; with an error filter that keeps them all, the summary
    // reads each incident and merges its periods. Both must give the same numbers.
    let every_error = Filters {
        error_code: vec!["E500".into()],
        ..Filters::default()
    };
    for (range, expected) in cases {
        for filters in [Filters::default(), every_error.clone()] {
            let scope = (Some(GroupBy::Probe), filters.clone());
            let got = incidents_of(&service, scope, range, "P1", now).await?;
            assert_eq!(got, expected, "range {range:?} min, {filters:?}");
        }
    }
    Ok(())
}
on_both_engines!(the_summary_counts_overlapping_incidents_and_clipped_downtime);

/// Two runs at the same instant, an OK one sorted before a failed one, end an incident
/// and open the next: the two touch and make one period of unavailability, whether the
/// summary reads each incident or the database adds them up per probe.
async fn incidents_that_touch_make_one_period(engine: Engine) -> crate::support::TestResult {
    let test = TestDatabase::new(engine).await?;
    upsert_catalog(&test.db, &catalog()).await?;
    // P2 fails at 5 and 10 (A, ended by the OK run at 15), then at 15 (a second run,
    // sorted after the OK one by its id) and 20 (B, ended by the OK run at 25).
    let mut all = runs_of("P2", &[5, 10, 20], ("FORM", "E500"));
    let mut again = run_at("P2", 15, Some(("FORM", "E500")));
    again.run_id = "P2-R15-retry".into();
    all.push(again);
    RunRecorder::new(test.db.clone(), RunNotifier::default())
        .record(&all)
        .await?;
    let starts: Vec<i64> = sqlx::query_scalar(
        "SELECT started_at FROM incidents WHERE probe_code = 'P2' ORDER BY started_at",
    )
    .fetch_all(test.db.pool())
    .await?;
    assert_eq!(
        starts,
        vec![BASE + 5 * MINUTE, BASE + 15 * MINUTE],
        "two incidents that touch at 15"
    );
    let service = IndicatorService::new(test.db.clone());
    let now = BASE + 60 * MINUTE;
    let every_error = Filters {
        error_code: vec!["E500".into()],
        ..Filters::default()
    };
    // (range in minutes) → one period from 5 to 25, clipped.
    for (range, expected) in [
        ((0, 60), (1, 20 * 60)),
        ((10, 20), (1, 10 * 60)),
        ((15, 30), (1, 10 * 60)),
    ] {
        for filters in [Filters::default(), every_error.clone()] {
            let scope = (Some(GroupBy::Probe), filters.clone());
            let got = incidents_of(&service, scope, range, "P2", now).await?;
            assert_eq!(got, expected, "range {range:?} min, {filters:?}");
        }
    }
    Ok(())
}
on_both_engines!(incidents_that_touch_make_one_period);

/// An incident open when a long maintenance window starts (more OK runs inside it than
/// a recompute looks back at) goes on after it when the probe fails again: runs that
/// arrive after the window extend it instead of opening a second one beside it.
async fn an_incident_open_across_a_long_maintenance_window_goes_on(
    engine: Engine,
) -> crate::support::TestResult {
    let test = TestDatabase::new(engine).await?;
    let mut with_window = catalog();
    // P1's runs from minute 10 to 395 (78 OK runs) are in maintenance.
    with_window.maintenance_windows = vec![MaintenanceWindow {
        window_id: "MW_P1".into(),
        scope: MaintenanceScope::Probe,
        scope_code: Some("P1".into()),
        starts_at_ms: BASE + 10 * MINUTE,
        ends_at_ms: BASE + 400 * MINUTE,
        reason: None,
    }];
    upsert_catalog(&test.db, &with_window).await?;
    let run = |minute: i64, ok: bool| run_at("P1", minute, (!ok).then_some(("FORM", "E500")));
    let recorder = RunRecorder::new(test.db.clone(), RunNotifier::default());
    // Failed at 0 and 5 (an incident opens), OK all through the window.
    let before: Vec<ProbeRun> = (0..80).map(|slot| run(slot * 5, slot >= 2)).collect();
    recorder.record(&before).await?;
    // Failed at 400 and 405, OK at 410: the incident ends at 410.
    recorder
        .record(&[run(400, false), run(405, false), run(410, true)])
        .await?;
    let stored: Vec<(i64, Option<i64>)> = sqlx::query_as(
        "SELECT started_at, ended_at FROM incidents WHERE probe_code = 'P1' ORDER BY started_at",
    )
    .fetch_all(test.db.pool())
    .await?;
    assert_eq!(stored, vec![(BASE, Some(BASE + 410 * MINUTE))]);
    Ok(())
}
on_both_engines!(an_incident_open_across_a_long_maintenance_window_goes_on);

async fn a_groups_incidents_are_its_periods_of_unavailability(
    engine: Engine,
) -> crate::support::TestResult {
    let test = TestDatabase::new(engine).await?;
    upsert_catalog(&test.db, &catalog()).await?;
    // P2 (same product, failing at SIGN, served by ESIGN, with E503) is down from 30 to
    // 45: inside P1's B (at FORM, served by FRONT, with E500), and up to the start of
    // P1's C.
    let mut all = runs();
    all.extend(runs_of("P2", &[30, 35, 40], ("SIGN", "E503")));
    RunRecorder::new(test.db.clone(), RunNotifier::default())
        .record(&all)
        .await?;
    let service = IndicatorService::new(test.db.clone());
    let now = BASE + 60 * MINUTE;
    // (group, range in minutes) → (key, incidents, downtime in seconds), by hand:
    // P1 [5,15) [25,40) [45,60); P2 [30,45); together [5,15) and [25,60).
    let only = |set: fn(&mut Filters, Vec<String>), code: &str| {
        let mut filters = Filters::default();
        set(&mut filters, vec![code.to_string()]);
        filters
    };
    let all_runs = Filters::default();
    let cases = [
        (
            Some(GroupBy::Probe),
            all_runs.clone(),
            (0, 60),
            "P1",
            (3, 40 * 60),
        ),
        (
            Some(GroupBy::Probe),
            all_runs.clone(),
            (0, 60),
            "P2",
            (1, 15 * 60),
        ),
        (
            Some(GroupBy::Product),
            all_runs.clone(),
            (0, 60),
            "LIVRET",
            (2, 45 * 60),
        ),
        (
            Some(GroupBy::Channel),
            all_runs.clone(),
            (0, 60),
            "mobile",
            (1, 15 * 60),
        ),
        (None, all_runs.clone(), (0, 60), "", (2, 45 * 60)),
        (
            Some(GroupBy::Product),
            all_runs.clone(),
            (33, 50),
            "LIVRET",
            (1, 17 * 60),
        ),
        (
            Some(GroupBy::Product),
            all_runs.clone(),
            (16, 20),
            "LIVRET",
            (0, 0),
        ),
        // Each incident belongs to the service and step of its failed step.
        (
            Some(GroupBy::Service),
            all_runs.clone(),
            (0, 60),
            "FRONT",
            (3, 40 * 60),
        ),
        (
            Some(GroupBy::Service),
            all_runs.clone(),
            (0, 60),
            "ESIGN",
            (1, 15 * 60),
        ),
        (
            Some(GroupBy::Step),
            all_runs.clone(),
            (0, 60),
            "SIGN",
            (1, 15 * 60),
        ),
        // Filters keep incidents by failed step, service and error code.
        (
            None,
            only(|f, v| f.service = v, "ESIGN"),
            (0, 60),
            "",
            (1, 15 * 60),
        ),
        (
            None,
            only(|f, v| f.step = v, "FORM"),
            (0, 60),
            "",
            (3, 40 * 60),
        ),
        (
            None,
            only(|f, v| f.error_code = v, "E503"),
            (0, 60),
            "",
            (1, 15 * 60),
        ),
        (
            None,
            only(|f, v| f.probe = v, "P1"),
            (25, 50),
            "",
            (2, 20 * 60),
        ),
    ];
    for (group, filters, range, key, expected) in cases {
        let context = format!("{group:?} {filters:?} {key} {range:?} min");
        let got = incidents_of(&service, (group, filters), range, key, now).await?;
        assert_eq!(got, expected, "{context}");
    }
    Ok(())
}
on_both_engines!(a_groups_incidents_are_its_periods_of_unavailability);
