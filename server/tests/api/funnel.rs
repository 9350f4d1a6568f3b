//! The journey funnel through the JSON API against a straightforward count over the raw
//! events written in the test, on the Paris day the clocks go back (25 hours): a
//! journey belongs to the day it started in and keeps its events after midnight; one
//! that started the day before does not count; a journey that failed then gave up
//! counts in both at its step and as abandoned overall; channels filter; the probes'
//! success rate per step sits beside the prospects' figures. Both engines.

use std::collections::{BTreeMap, BTreeSet};

use app::domain::auth::Role;
use app::domain::status::EventOutcome;
use reqwest::StatusCode;
use serde_json::Value;
use vigie::board::RunNotifier;
use vigie::ingest::RunRecorder;
use vigie::storage::journeys::{insert_journeys, JourneyEvent};
use vigie::storage::reference::upsert_catalog;
use vigie::storage::Engine;

use crate::incidents::{catalog, MINUTE};
use crate::incidents_api::{run, DAY, DAY_END};
use crate::support::{TestApp, TestResult};

const STEPS: [&str; 2] = ["FORM", "SIGN"];

/// One event: journey, minutes after the day's start, step, outcome, channel.
type Written = (&'static str, i64, &'static str, EventOutcome, &'static str);

fn written() -> Vec<Written> {
    use EventOutcome::{Abandoned, Completed, Failed, Started};
    let last = 25 * 60; // the day's length in minutes
    vec![
        // Completed.
        ("J1", 600, "FORM", Started, "web"),
        ("J1", 602, "FORM", Completed, "web"),
        ("J1", 605, "SIGN", Completed, "web"),
        // Failed at SIGN.
        ("J2", 660, "FORM", Started, "web"),
        ("J2", 661, "FORM", Completed, "web"),
        ("J2", 665, "SIGN", Failed, "web"),
        // Failed at FORM, then gave up there.
        ("J3", 720, "FORM", Started, "web"),
        ("J3", 721, "FORM", Failed, "web"),
        ("J3", 723, "FORM", Abandoned, "web"),
        // Started ten minutes before the day's end, completed after midnight.
        ("J4", last - 10, "FORM", Started, "web"),
        ("J4", last - 5, "FORM", Completed, "web"),
        ("J4", last + 10, "SIGN", Completed, "web"),
        // Started the day before: not this day's.
        ("J5", -5, "FORM", Started, "web"),
        ("J5", 5, "FORM", Completed, "web"),
        ("J5", 8, "SIGN", Completed, "web"),
        // On mobile, gave up at once; during the hour that happens twice (02:30 CEST
        // and 02:30 CET are 60 minutes apart).
        ("J6", 150, "FORM", Started, "mobile"),
        ("J6", 152, "FORM", Abandoned, "mobile"),
        ("J7", 210, "FORM", Started, "mobile"),
        ("J7", 211, "FORM", Completed, "mobile"),
    ]
}

fn events() -> Vec<JourneyEvent> {
    written()
        .into_iter()
        .enumerate()
        .map(
            |(index, (journey, minute, step, outcome, channel))| JourneyEvent {
                event_id: format!("EV{index}"),
                occurred_at_ms: DAY + minute * MINUTE,
                product_code: "LIVRET".into(),
                step_code: step.into(),
                journey_id: journey.into(),
                prospect_id: None,
                outcome,
                error_code: (outcome == EventOutcome::Failed).then(|| "E500".into()),
                channel: channel.into(),
                application: None,
            },
        )
        .collect()
}

/// Per step, the journeys (of `channel`, all when `None`) that started in the day with
/// each outcome there, and any event: counted the plain way.
fn expected(channel: Option<&str>) -> BTreeMap<(&'static str, &'static str), usize> {
    let rows = written();
    let mut first: BTreeMap<&str, i64> = BTreeMap::new();
    for (journey, minute, ..) in &rows {
        let at = first.entry(journey).or_insert(*minute);
        *at = (*at).min(*minute);
    }
    let in_day = |journey: &str| first.get(journey).is_some_and(|m| (0..25 * 60).contains(m));
    let mut sets: BTreeMap<(&str, &str), BTreeSet<&str>> = BTreeMap::new();
    for (journey, _, step, outcome, ch) in &rows {
        if !in_day(journey) || channel.is_some_and(|wanted| wanted != *ch) {
            continue;
        }
        sets.entry((step, "reached")).or_default().insert(journey);
        let name = match outcome {
            EventOutcome::Started => "started",
            EventOutcome::Completed => "completed",
            EventOutcome::Failed => "failed",
            EventOutcome::Abandoned => "abandoned",
        };
        sets.entry((step, name)).or_default().insert(journey);
    }
    sets.into_iter()
        .map(|(key, set)| (key, set.len()))
        .collect()
}

async fn get(client: &reqwest::Client, url: String) -> Result<(StatusCode, Value), reqwest::Error> {
    let answer = client.get(url).send().await?;
    let status = answer.status();
    Ok((status, answer.json().await.unwrap_or(Value::Null)))
}

async fn the_funnel_counts_journeys_from_their_start(engine: Engine) -> TestResult {
    let app = TestApp::start(engine).await?;
    let db = app.database.db.clone();
    upsert_catalog(&db, &catalog()).await?;
    insert_journeys(&db, &[], &events()).await?;
    // P1's runs: FORM always passes; SIGN fails once in four: 75 %.
    let runs = vec![
        run(0, None),
        run(1, Some(("SIGN", "E503"))),
        run(2, None),
        run(3, None),
    ];
    RunRecorder::new(db.clone(), RunNotifier::default())
        .record(&runs)
        .await?;
    let client = app.client_as(Role::Viewer).await?;

    for channel in [None, Some("mobile"), Some("web")] {
        let filter = channel.map(|c| format!("&channel={c}")).unwrap_or_default();
        let url = app.url(&format!(
            "/api/v1/funnel?product=LIVRET&from={DAY}&to={DAY_END}{filter}"
        ));
        let (status, body) = get(&client, url).await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        let want = expected(channel);
        let steps = body["steps"].as_array().cloned().unwrap_or_default();
        let codes: Vec<&str> = steps
            .iter()
            .filter_map(|s| s["step_code"].as_str())
            .collect();
        assert_eq!(codes, STEPS);
        for step in &steps {
            let code = step["step_code"].as_str().unwrap_or_default();
            for count in ["reached", "started", "completed", "failed", "abandoned"] {
                let got = step[count].as_u64().unwrap_or(u64::MAX) as usize;
                let wanted = want.get(&(code, count)).copied().unwrap_or(0);
                assert_eq!(got, wanted, "{channel:?} {code} {count}: {body}");
            }
        }
        // Every bucket's journeys add up to the day's.
        let buckets: i64 = body["buckets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|b| b["started"].as_i64())
            .sum();
        assert_eq!(Some(buckets), body["journeys"]["started"].as_i64());
        assert_eq!(body["bucket"], "hour");
    }

    // Written out: J1, J2, J3, J4, J6, J7 started in the day (J5 the day before);
    // J1 and J4 completed (J4 after midnight); J3 failed then gave up: abandoned.
    let url = app.url(&format!(
        "/api/v1/funnel?product=LIVRET&from={DAY}&to={DAY_END}"
    ));
    let (_, body) = get(&client, url).await?;
    assert_eq!(
        body["journeys"],
        serde_json::json!({"started": 6, "completed": 2, "failed": 1, "abandoned": 2})
    );
    let form = &body["steps"][0];
    assert_eq!(
        (form["failed"].as_i64(), form["abandoned"].as_i64()),
        (Some(1), Some(2))
    );
    // SIGN reached by J1, J2, J4 of the 5 that left FORM completed... of the 6 at FORM.
    assert_eq!(body["steps"][1]["reached"], 3);
    assert_eq!(body["steps"][1]["conversion_pct"], 50.0);
    assert_eq!(body["steps"][0]["probe_success_pct"], 100.0);
    assert_eq!(body["steps"][1]["probe_success_pct"], 75.0);
    // Two hours of the day hold 02:30 local time: J6 and J7 are in different buckets.
    let starts: Vec<&str> = body["buckets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|b| b["start"].as_str())
        .collect();
    assert_eq!(starts.len(), 6, "{starts:?}");

    for (query, parameter) in [
        ("from=now-1d", "product"),
        ("product=NOPE", "product"),
        ("product=LIVRET&channel=fax", "channel"),
        ("product=LIVRET&from=nope", "from"),
    ] {
        let (status, body) = get(&client, app.url(&format!("/api/v1/funnel?{query}"))).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(
            body["error"]["details"][0]["parameter"], parameter,
            "{query}: {body}"
        );
    }
    let (status, _) = get(&app.client(), app.url("/api/v1/funnel?product=LIVRET")).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    Ok(())
}
on_both_engines!(the_funnel_counts_journeys_from_their_start);
