//! Incidents in the summary: which ones overlap a range (started inside it, started
//! before it and ended inside or after it, or still open), and their downtime clipped
//! to the range, compared with the streaks written out by hand; a group's incidents are
//! its periods of unavailability (overlapping incidents of its probes count once). Both
//! engines.

mod support;

use app::domain::indicators::{Filters, GroupBy, SummaryQuery};
use support::TestDatabase;
use vigie::board::RunNotifier;
use vigie::clock::rfc3339;
use vigie::indicators::IndicatorService;
use vigie::ingest::RunRecorder;
use vigie::storage::reference::{
    upsert_catalog, Catalog, ErrorCode, JourneyStep, Probe, Product, Service,
};
use vigie::storage::runs::ProbeRun;
use vigie::storage::Engine;

const MINUTE: i64 = 60_000;
/// 2026-11-20T09:00:00Z.
const BASE: i64 = 1_795_683_600_000;

fn catalog() -> Catalog {
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
        services: vec![Service {
            service_code: "FRONT".into(),
            label: "Portail".into(),
            kind: "internal".into(),
            owner_team: None,
        }],
        journey_steps: vec![JourneyStep {
            product_code: "LIVRET".into(),
            step_code: "FORM".into(),
            position: 1,
            label: "Formulaire".into(),
            service_code: "FRONT".into(),
        }],
        error_codes: vec![ErrorCode {
            error_code: "E500".into(),
            label: "Erreur".into(),
            category: "technical".into(),
            service_code: None,
        }],
        ..Catalog::default()
    }
}

/// A run every 5 minutes from minute 0 to 50, failed at the minutes given.
fn runs_of(probe: &str, failed_at: &[i64]) -> Vec<ProbeRun> {
    (0..=10)
        .map(|slot| {
            let minute = slot * 5;
            let failed = failed_at.contains(&minute);
            ProbeRun {
                run_id: format!("{probe}-R{minute}"),
                probe_code: probe.into(),
                started_at_ms: BASE + minute * MINUTE,
                duration_ms: 1_000,
                status: if failed { "KO" } else { "OK" }.into(),
                failed_step_code: failed.then(|| "FORM".into()),
                error_code: failed.then(|| "E500".into()),
                error_message: None,
                agent: None,
                steps: vec![],
            }
        })
        .filter(|run| run.started_at_ms <= BASE + 50 * MINUTE)
        .collect()
}

/// P1: streaks at minutes 5–15 (A), 25–40 (B) and from 45, still open (C).
fn runs() -> Vec<ProbeRun> {
    runs_of("P1", &[5, 10, 25, 30, 35, 45, 50])
}

/// The summary's (incidents, downtime in seconds) of the row `key` (`""` for the one row
/// of an ungrouped summary) over a range in minutes after `BASE`; (0, 0) without a row.
async fn incidents_of(
    service: &IndicatorService,
    group_by: Option<GroupBy>,
    (from, to): (i64, i64),
    key: &str,
    now: i64,
) -> Result<(i64, i64), Box<dyn std::error::Error>> {
    let query = SummaryQuery {
        group_by,
        filters: Filters::default(),
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
) -> support::TestResult {
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
    for (range, expected) in cases {
        let got = incidents_of(&service, Some(GroupBy::Probe), range, "P1", now).await?;
        assert_eq!(got, expected, "range {range:?} min");
    }
    Ok(())
}
on_both_engines!(the_summary_counts_overlapping_incidents_and_clipped_downtime);

async fn a_groups_incidents_are_its_periods_of_unavailability(
    engine: Engine,
) -> support::TestResult {
    let test = TestDatabase::new(engine).await?;
    upsert_catalog(&test.db, &catalog()).await?;
    // P2 (same product, same failing step) is down from 30 to 45: inside P1's B, and
    // up to the start of P1's C.
    let mut all = runs();
    all.extend(runs_of("P2", &[30, 35, 40]));
    RunRecorder::new(test.db.clone(), RunNotifier::default())
        .record(&all)
        .await?;
    let service = IndicatorService::new(test.db.clone());
    let now = BASE + 60 * MINUTE;
    // (group, range in minutes) → (key, incidents, downtime in seconds), by hand:
    // P1 [5,15) [25,40) [45,60); P2 [30,45); together [5,15) and [25,60).
    let cases = [
        (Some(GroupBy::Probe), (0, 60), "P1", (3, 40 * 60)),
        (Some(GroupBy::Probe), (0, 60), "P2", (1, 15 * 60)),
        (
            Some(GroupBy::Product),
            (0, 60),
            "LIVRET",
            (2, (10 + 35) * 60),
        ),
        (
            Some(GroupBy::Service),
            (0, 60),
            "FRONT",
            (2, (10 + 35) * 60),
        ),
        (Some(GroupBy::Channel), (0, 60), "mobile", (1, 15 * 60)),
        (None, (0, 60), "", (2, (10 + 35) * 60)),
        (Some(GroupBy::Product), (33, 50), "LIVRET", (1, 17 * 60)),
        (Some(GroupBy::Product), (16, 20), "LIVRET", (0, 0)),
    ];
    for (group, range, key, expected) in cases {
        let got = incidents_of(&service, group, range, key, now).await?;
        assert_eq!(got, expected, "{group:?} {key} {range:?} min");
    }
    Ok(())
}
on_both_engines!(a_groups_incidents_are_its_periods_of_unavailability);
