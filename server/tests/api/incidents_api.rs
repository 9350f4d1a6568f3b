//! The incidents list and page through the JSON API, and MTTR/MTBF in the summary, from
//! a probe's runs written out by hand across the night the clocks go back
//! (2026-10-25, Europe/Paris): a lone failure (no incident), a streak of exactly K = 2,
//! a streak across the change of time, failures cut by a maintenance window, an OK run
//! inside a window that does not end a streak, and an incident still open. Durations,
//! counts, MTTR and MTBF are worked out in the comments. Paging, filters, 400 naming
//! the parameter, 401 without a session. Both engines.

use std::collections::HashSet;

use app::domain::auth::Role;
use app::domain::catalog::MaintenanceScope;
use app::domain::indicators::{Filters, GroupBy, SummaryQuery};
use app::domain::status::{EventOutcome, RunStatus, StepStatus};
use reqwest::StatusCode;
use serde_json::Value;
use vigie::board::RunNotifier;
use vigie::clock::rfc3339;
use vigie::indicators::IndicatorService;
use vigie::ingest::RunRecorder;
use vigie::storage::journeys::{insert_journeys, JourneyEvent};
use vigie::storage::reference::{upsert_catalog, MaintenanceWindow};
use vigie::storage::runs::{ProbeRun, ProbeStep};
use vigie::storage::Engine;

use crate::incidents::{catalog, MINUTE};
use crate::support::{TestApp, TestResult};

/// 2026-10-24T22:00:00Z: midnight in Paris (CEST) on the day the clocks go back at
/// 03:00 CEST (01:00Z) to 02:00 CET.
pub(crate) const DAY: i64 = 1_792_879_200_000;
/// The Paris day lasts 25 hours.
pub(crate) const DAY_END: i64 = DAY + 25 * 60 * MINUTE;
/// "Now" for the summary: 05:00Z.
const NOW: i64 = DAY + 7 * 60 * MINUTE;

pub(crate) fn at(slot: i64) -> i64 {
    DAY + slot * 15 * MINUTE
}

/// P1 runs every 15 minutes from 22:00Z (slot 0); `failed` slots fail at `step`.
pub(crate) fn run(slot: i64, failure: Option<(&str, &str)>) -> ProbeRun {
    let start = at(slot);
    let step = |code: &str, position: i64, status: StepStatus, error: Option<&str>| ProbeStep {
        step_code: code.into(),
        position,
        started_at_ms: start + (position - 1) * 1_000,
        duration_ms: 1_000,
        status,
        http_status: Some(if status == StepStatus::Ok { 200 } else { 500 }),
        error_code: error.map(str::to_string),
        message: None,
    };
    let steps = match failure {
        None => vec![
            step("FORM", 1, StepStatus::Ok, None),
            step("SIGN", 2, StepStatus::Ok, None),
        ],
        Some(("FORM", error)) => vec![
            step("FORM", 1, StepStatus::Ko, Some(error)),
            step("SIGN", 2, StepStatus::Skipped, None),
        ],
        Some((_, error)) => vec![
            step("FORM", 1, StepStatus::Ok, None),
            step("SIGN", 2, StepStatus::Ko, Some(error)),
        ],
    };
    ProbeRun {
        run_id: format!("P1-S{slot:02}"),
        probe_code: "P1".into(),
        started_at_ms: start,
        duration_ms: 2_000,
        status: if failure.is_some() {
            RunStatus::Ko
        } else {
            RunStatus::Ok
        },
        failed_step_code: failure.map(|(step, _)| step.into()),
        error_code: failure.map(|(_, error)| error.into()),
        error_message: None,
        agent: None,
        steps,
    }
}

/// The sequence, slot by slot (times UTC; CEST is +2 until 01:00Z, CET +1 after):
/// - 22:15 a lone failure: no incident (shorter than K).
/// - 22:45, 23:00 failed, 23:15 OK: A = [22:45, 23:15), 30 min, exactly K.
/// - 00:30 to 01:15 failed, 01:30 OK: B = [00:30, 01:30), 60 min across the change
///   (02:30 CEST to 02:30 CET: the wall clock says 0).
/// - 02:00 to 02:30 failed inside P1's window [02:00, 02:40), 02:45 failed, 03:00 OK:
///   one counted failure, no incident.
/// - 03:15 failed at SIGN (E503, a partner error), 03:30 OK inside the window for all
///   [03:25, 03:35) (not counted, so it ends nothing), 03:45 failed, 04:00 OK:
///   C = [03:15, 04:00), 45 min, 2 failed runs counted.
/// - 04:15, 04:30 failed: D open from 04:15 (45 min at 05:00).
fn sequence() -> Vec<ProbeRun> {
    let form = Some(("FORM", "E500"));
    let sign = Some(("SIGN", "E503"));
    let failures: &[(i64, Option<(&str, &str)>)] = &[
        (1, form),
        (3, form),
        (4, form),
        (10, form),
        (11, form),
        (12, form),
        (13, form),
        (16, form),
        (17, form),
        (18, form),
        (19, form),
        (21, sign),
        (23, sign),
        (25, form),
        (26, form),
    ];
    (0..=26)
        .map(|slot| {
            let failure = failures
                .iter()
                .find(|(failed, _)| *failed == slot)
                .and_then(|(_, failure)| *failure);
            run(slot, failure)
        })
        .collect()
}

fn windows() -> Vec<MaintenanceWindow> {
    vec![
        MaintenanceWindow {
            window_id: "MW_P1".into(),
            scope: MaintenanceScope::Probe,
            scope_code: Some("P1".into()),
            starts_at_ms: DAY + 240 * MINUTE,
            ends_at_ms: DAY + 280 * MINUTE,
            reason: Some("mise à jour".into()),
        },
        MaintenanceWindow {
            window_id: "MW_ALL".into(),
            scope: MaintenanceScope::All,
            scope_code: None,
            starts_at_ms: DAY + 325 * MINUTE,
            ends_at_ms: DAY + 335 * MINUTE,
            reason: None,
        },
    ]
}

/// P2 runs OK all along (it shares only the window for all).
fn p2_runs() -> Vec<ProbeRun> {
    (0..=26)
        .map(|slot| ProbeRun {
            run_id: format!("P2-S{slot:02}"),
            probe_code: "P2".into(),
            ..run(slot, None)
        })
        .collect()
}

/// Failed journeys at FORM during B (two, one failing twice), one at SIGN during B and
/// one at FORM after B: B's impact is 2.
fn events() -> Vec<JourneyEvent> {
    let event = |id: &str, journey: &str, minute: i64, step: &str| JourneyEvent {
        event_id: id.into(),
        occurred_at_ms: DAY + minute * MINUTE,
        product_code: "LIVRET".into(),
        step_code: step.into(),
        journey_id: journey.into(),
        prospect_id: None,
        outcome: EventOutcome::Failed,
        error_code: Some("E500".into()),
        channel: "web".into(),
        application: None,
    };
    vec![
        event("E1", "J1", 155, "FORM"),
        event("E2", "J1", 160, "FORM"),
        event("E3", "J2", 170, "FORM"),
        event("E4", "J3", 165, "SIGN"),
        event("E5", "J4", 215, "FORM"),
    ]
}

async fn get(client: &reqwest::Client, url: String) -> Result<(StatusCode, Value), reqwest::Error> {
    let answer = client.get(url).send().await?;
    let status = answer.status();
    Ok((status, answer.json().await.unwrap_or(Value::Null)))
}

/// (incidents, downtime_s, mttr_s, mtbf_s) of the summary's row `key` ("" ungrouped).
async fn reliability(
    service: &IndicatorService,
    group_by: Option<GroupBy>,
    (from, to): (i64, i64),
    key: &str,
) -> Result<(i64, i64, Option<i64>, Option<i64>), Box<dyn std::error::Error>> {
    let query = SummaryQuery {
        group_by,
        filters: Filters::default(),
        from: rfc3339(from),
        to: rfc3339(to),
    };
    let summary = service.summary(&query, NOW).await?;
    let row = summary
        .rows
        .iter()
        .find(|row| row.key.values().next().map_or("", String::as_str) == key)
        .ok_or("no row")?;
    Ok((row.incidents, row.downtime_s, row.mttr_s, row.mtbf_s))
}

async fn incidents_listed_with_mttr_and_mtbf_across_the_dst_night(engine: Engine) -> TestResult {
    let app = TestApp::start(engine).await?;
    let db = app.database.db.clone();
    let mut reference = catalog();
    reference.maintenance_windows = windows();
    upsert_catalog(&db, &reference).await?;
    let recorder = RunRecorder::new(db.clone(), RunNotifier::default());
    recorder.record(&sequence()).await?;
    recorder.record(&p2_runs()).await?;
    insert_journeys(&db, &[], &events()).await?;

    // MTTR and MTBF over the Paris day, at 05:00Z: 7 hours have passed (420 min).
    // Down: A 30 + B 60 + C 45 + D 45 = 180 min in 4 incidents: MTTR 45 min.
    // P1: maintenance took 40 + 10 min: (420 − 50 − 180) / 4 = 47.5 min.
    // Both probes (ungrouped): only the window for all covered both: (420 − 10 − 180) / 4.
    let service = IndicatorService::new(db.clone());
    let day = (DAY, DAY_END);
    let by_probe = reliability(&service, Some(GroupBy::Probe), day, "P1").await?;
    assert_eq!(by_probe, (4, 180 * 60, Some(45 * 60), Some(2_850)));
    let whole = reliability(&service, None, day, "").await?;
    assert_eq!(whole, (4, 180 * 60, Some(45 * 60), Some(3_450)));
    // Clipped to [00:00Z, 01:00Z): B's first 30 min; 30 min up; one incident.
    let clipped = (DAY + 120 * MINUTE, DAY + 180 * MINUTE);
    let got = reliability(&service, Some(GroupBy::Probe), clipped, "P1").await?;
    assert_eq!(got, (1, 30 * 60, Some(30 * 60), Some(30 * 60)));
    // No incident: no MTTR, no MTBF.
    let p2 = reliability(&service, Some(GroupBy::Probe), day, "P2").await?;
    assert_eq!(p2, (0, 0, None, None));

    // The list over the day, newest first.
    let client = app.client_as(Role::Viewer).await?;
    let range = format!("from={DAY}&to={DAY_END}");
    let (status, body) = get(&client, app.url(&format!("/api/v1/incidents?{range}"))).await?;
    assert_eq!(status, StatusCode::OK, "{body}");
    let items = body["items"].as_array().cloned().unwrap_or_default();
    let shape: Vec<(String, Value, i64, i64, String, String)> = items
        .iter()
        .map(|item| {
            (
                item["started_at"].as_str().unwrap_or_default().to_string(),
                item["ended_at"].clone(),
                item["failed_runs"].as_i64().unwrap_or(-1),
                item["impacted_prospects"].as_i64().unwrap_or(-1),
                item["failed_step_code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                item["cause"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let ended = |slot: i64| Value::String(rfc3339(at(slot)));
    let form = || "FORM".to_string();
    let internal = || "internal".to_string();
    assert_eq!(
        shape,
        vec![
            (rfc3339(at(25)), Value::Null, 2, 0, form(), internal()),
            (
                rfc3339(at(21)),
                ended(24),
                2,
                0,
                "SIGN".into(),
                "partner".into()
            ),
            (rfc3339(at(10)), ended(14), 4, 2, form(), internal()),
            (rfc3339(at(3)), ended(5), 2, 0, form(), internal()),
        ]
    );
    let durations: Vec<i64> = items
        .iter()
        .skip(1)
        .filter_map(|item| item["duration_s"].as_i64())
        .collect();
    assert_eq!(durations, vec![45 * 60, 60 * 60, 30 * 60]);
    assert!(
        items[0]["duration_s"].as_i64().unwrap_or(0) > 45 * 60,
        "open until now"
    );
    assert_eq!(items[2]["service_code"], "FRONT");
    assert_eq!(items[2]["product_code"], "LIVRET");
    let reasons: Vec<&str> = body["maintenance"]
        .as_array()
        .map(|windows| windows.iter().filter_map(|w| w["scope"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(reasons, vec!["probe", "all"]);

    // Pages of 1 and 3 hold the same incidents once each.
    let all_ids: Vec<String> = items
        .iter()
        .filter_map(|item| item["id"].as_str().map(str::to_string))
        .collect();
    for limit in [1, 3] {
        let mut ids = Vec::new();
        let mut cursor = String::new();
        loop {
            let url = app.url(&format!(
                "/api/v1/incidents?{range}&limit={limit}&cursor={cursor}"
            ));
            let (status, page) = get(&client, url).await?;
            assert_eq!(status, StatusCode::OK, "{page}");
            ids.extend(
                page["items"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|item| item["id"].as_str().map(str::to_string)),
            );
            match page["next_cursor"].as_str() {
                Some(next) => cursor = next.to_string(),
                None => break,
            }
        }
        assert_eq!(ids, all_ids, "pages of {limit}");
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), ids.len());
    }

    // Filters: by failed step, its service, the error, the probe's channel.
    for (query, want) in [
        ("step=SIGN", vec![1]),
        ("service=FRONT", vec![0, 2, 3]),
        ("error_code=E503", vec![1]),
        ("channel=mobile", vec![]),
        ("probe=P1&from=now-1h", vec![]),
    ] {
        let url = app.url(&format!("/api/v1/incidents?{range}&{query}"));
        let url = if query.contains("from=") {
            app.url(&format!("/api/v1/incidents?{query}"))
        } else {
            url
        };
        let (status, page) = get(&client, url).await?;
        assert_eq!(status, StatusCode::OK, "{query}: {page}");
        let ids: Vec<String> = page["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| item["id"].as_str().map(str::to_string))
            .collect();
        let expected: Vec<String> = want
            .iter()
            .map(|index: &usize| all_ids[*index].clone())
            .collect();
        if query.starts_with("probe=") {
            // The open incident overlaps the last hour whatever the clock says.
            assert_eq!(ids, vec![all_ids[0].clone()], "{query}");
        } else {
            assert_eq!(ids, expected, "{query}");
        }
    }

    // B's page: its failed runs oldest first, its steps' errors, the run that ended it.
    let (status, b) = get(
        &client,
        app.url(&format!("/api/v1/incidents/{}", all_ids[2])),
    )
    .await?;
    assert_eq!(status, StatusCode::OK, "{b}");
    let runs: Vec<&str> = b["runs"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|run| run["run_id"].as_str())
        .collect();
    assert_eq!(runs, vec!["P1-S10", "P1-S11", "P1-S12", "P1-S13"]);
    assert_eq!(b["step_errors"][0]["step_code"], "FORM");
    assert_eq!(b["step_errors"][0]["error_code"], "E500");
    assert_eq!(b["step_errors"][0]["count"], 4);
    assert_eq!(b["recovery_run_id"], "P1-S14");
    assert_eq!(b["duration_s"], 3_600);
    // A run of B names its incident, and the prospects' events around it at its step.
    let (_, run) = get(&client, app.url("/api/v1/runs/P1-S11")).await?;
    assert_eq!(run["incident_id"], all_ids[2]);
    assert_eq!(run["step_events"]["failed"], 3, "{run}");

    // Bad parameters are named; no session, no incidents; unknown incident, 404.
    for (query, parameter) in [
        ("limit=0", "limit"),
        ("cursor=zz", "cursor"),
        ("channel=fax", "channel"),
        ("from=soon", "from"),
    ] {
        let (status, body) = get(&client, app.url(&format!("/api/v1/incidents?{query}"))).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(
            body["error"]["details"][0]["parameter"], parameter,
            "{body}"
        );
    }
    let (status, _) = get(&app.client(), app.url("/api/v1/incidents")).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = get(&client, app.url("/api/v1/incidents/NOPE")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);
    Ok(())
}
on_both_engines!(incidents_listed_with_mttr_and_mtbf_across_the_dst_night);
