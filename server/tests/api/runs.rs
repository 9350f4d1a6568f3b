//! The runs list and the run page through the JSON API: pages that together hold every
//! run of the range once, newest first, even while runs are stored between two pages;
//! filters and counts per status against a straightforward count of the runs stored; a
//! run with its steps on a time axis, its neighbours and its incident; 400 naming the
//! parameter, 401 without a reader, 404 for an unknown run.

use std::collections::{BTreeMap, HashSet};

use app::domain::auth::Role;
use app::domain::status::{RunStatus, StepStatus};
use reqwest::StatusCode;
use serde_json::Value;
use vigie::auth::{Scope, TokenService};
use vigie::board::RunNotifier;
use vigie::clock::rfc3339;
use vigie::ingest::RunRecorder;
use vigie::storage::reference::upsert_catalog;
use vigie::storage::runs::{ProbeRun, ProbeStep};
use vigie::storage::Engine;

use crate::incidents::{catalog, BASE, MINUTE};
use crate::support::{TestApp, TestResult};

/// A run of `probe` at `minute` after `BASE` with its two steps (FORM then SIGN); a
/// failed run fails at SIGN with E503.
fn run(probe: &str, minute: i64, status: RunStatus) -> ProbeRun {
    let start = BASE + minute * MINUTE;
    let failed = status.is_failure();
    let sign_status = match status {
        RunStatus::Ok => StepStatus::Ok,
        RunStatus::Ko => StepStatus::Ko,
        RunStatus::Timeout => StepStatus::Timeout,
    };
    ProbeRun {
        run_id: format!("{probe}-R{minute:04}"),
        probe_code: probe.into(),
        started_at_ms: start,
        duration_ms: 3_000,
        status,
        failed_step_code: failed.then(|| "SIGN".into()),
        error_code: failed.then(|| "E503".into()),
        error_message: failed.then(|| "partner down".into()),
        agent: Some("agent-1".into()),
        steps: vec![
            ProbeStep {
                step_code: "FORM".into(),
                position: 1,
                started_at_ms: start,
                duration_ms: 1_200,
                status: StepStatus::Ok,
                http_status: Some(200),
                error_code: None,
                message: None,
            },
            ProbeStep {
                step_code: "SIGN".into(),
                position: 2,
                started_at_ms: start + 1_250,
                duration_ms: 1_750,
                status: sign_status,
                http_status: Some(if failed { 503 } else { 200 }),
                error_code: failed.then(|| "E503".into()),
                message: None,
            },
        ],
    }
}

/// Two probes, a run every 5 minutes for 4 hours; P1 fails from minute 60 to 75
/// (KO, then a TIMEOUT), P2 fails once at minute 200.
fn history() -> Vec<ProbeRun> {
    let mut runs = Vec::new();
    for minute in (0..240).step_by(5) {
        let p1 = match minute {
            60..=70 => RunStatus::Ko,
            75 => RunStatus::Timeout,
            _ => RunStatus::Ok,
        };
        runs.push(run("P1", minute, p1));
        let p2 = if minute == 200 {
            RunStatus::Ko
        } else {
            RunStatus::Ok
        };
        runs.push(run("P2", minute, p2));
    }
    runs
}

async fn get(client: &reqwest::Client, url: String) -> Result<(StatusCode, Value), reqwest::Error> {
    let answer = client.get(url).send().await?;
    let status = answer.status();
    Ok((status, answer.json().await.unwrap_or(Value::Null)))
}

/// Every run the list gives for `query`, page by page of `limit`; `between` runs after
/// the first page.
async fn all_pages(
    app: &TestApp,
    client: &reqwest::Client,
    query: &str,
    limit: usize,
    between: impl std::future::Future<Output = TestResult>,
) -> Result<(Vec<String>, Value), Box<dyn std::error::Error>> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    let mut between = Some(between);
    let mut first_counts = Value::Null;
    loop {
        let mut url = app.url(&format!("/api/v1/runs?{query}&limit={limit}"));
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let (status, body) = get(client, url).await?;
        assert_eq!(status, StatusCode::OK, "{body}");
        let items = body["items"].as_array().cloned().unwrap_or_default();
        assert!(items.len() <= limit);
        ids.extend(
            items
                .iter()
                .filter_map(|item| item["run_id"].as_str().map(str::to_string)),
        );
        if first_counts.is_null() {
            first_counts = body["counts"].clone();
        }
        if let Some(between) = between.take() {
            between.await?;
        }
        match body["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => return Ok((ids, first_counts)),
        }
    }
}

/// The runs of `[from, to)` kept by `keep`, newest first, as the list orders them.
fn expected(
    runs: &[ProbeRun],
    from: i64,
    to: i64,
    keep: impl Fn(&ProbeRun) -> bool,
) -> Vec<String> {
    let mut kept: Vec<&ProbeRun> = runs
        .iter()
        .filter(|run| (from..to).contains(&run.started_at_ms) && keep(run))
        .collect();
    kept.sort_by(|a, b| (b.started_at_ms, &b.run_id).cmp(&(a.started_at_ms, &a.run_id)));
    kept.into_iter().map(|run| run.run_id.clone()).collect()
}

fn counts_of(runs: &[ProbeRun], ids: &[String]) -> BTreeMap<String, i64> {
    let mut counts: BTreeMap<String, i64> = ["OK", "KO", "TIMEOUT"]
        .iter()
        .map(|status| (status.to_string(), 0))
        .collect();
    for run in runs.iter().filter(|run| ids.contains(&run.run_id)) {
        *counts.entry(run.status.to_string()).or_default() += 1;
    }
    counts
}

async fn pages_hold_every_run_once_with_filters_and_counts(engine: Engine) -> TestResult {
    let app = TestApp::start(engine).await?;
    let db = app.database.db.clone();
    upsert_catalog(&db, &catalog()).await?;
    let runs = history();
    let recorder = RunRecorder::new(db.clone(), RunNotifier::default());
    recorder.record(&runs).await?;
    let client = app.client_as(Role::Viewer).await?;
    let (from, to) = (BASE + 30 * MINUTE, BASE + 210 * MINUTE);
    let range = format!("from={}&to={}", from, to);

    // Whole range, pages of 7, a run stored after the first page: older than the
    // cursor (it shows up once) and one newer (it does not move any row).
    let late = vec![run("P2", 32, RunStatus::Ok), run("P2", 207, RunStatus::Ok)];
    let store_late = async {
        recorder.record(&late).await?;
        Ok(())
    };
    let (ids, counts) = all_pages(&app, &client, &range, 7, store_late).await?;
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "a run was listed twice");
    // The run stored behind the cursor shows up once, in its place; the one stored
    // ahead of it (newer than the first page) is not listed: no row moved.
    let with_late: Vec<ProbeRun> = runs.iter().chain(late.first()).cloned().collect();
    assert_eq!(ids, expected(&with_late, from, to, |_| true));
    let all = expected(&runs, from, to, |_| true);
    let want_counts = counts_of(&runs, &all);
    for (status, count) in &want_counts {
        assert_eq!(
            counts[status.as_str()],
            *count,
            "counts before the late runs: {counts}"
        );
    }

    // Failed runs only, of one probe, by failed step and error code. The counts are
    // those of the other filters, whatever statuses the list shows.
    type Keep = Box<dyn Fn(&ProbeRun) -> bool>;
    let cases: Vec<(&str, Keep, Keep)> = vec![
        (
            "status=KO,TIMEOUT",
            Box::new(|run| run.status.is_failure()),
            Box::new(|_| true),
        ),
        (
            "status=TIMEOUT&probe=P1",
            Box::new(|run| run.status == RunStatus::Timeout && run.probe_code == "P1"),
            Box::new(|run| run.probe_code == "P1"),
        ),
        (
            "step=SIGN&channel=mobile",
            Box::new(|run| run.status.is_failure() && run.probe_code == "P2"),
            Box::new(|run| run.status.is_failure() && run.probe_code == "P2"),
        ),
        (
            "service=ESIGN&error_code=E503",
            Box::new(|run| run.status.is_failure()),
            Box::new(|run| run.status.is_failure()),
        ),
        ("service=FRONT", Box::new(|_| false), Box::new(|_| false)),
        ("product=NOPE", Box::new(|_| false), Box::new(|_| false)),
    ];
    let runs_now: Vec<ProbeRun> = runs.iter().chain(late.iter()).cloned().collect();
    for (query, listed, counted) in cases {
        let (ids, counts) = all_pages(&app, &client, &format!("{range}&{query}"), 3, async {
            Ok(())
        })
        .await?;
        assert_eq!(ids, expected(&runs_now, from, to, &listed), "{query}");
        let want_counts = counts_of(&runs_now, &expected(&runs_now, from, to, &counted));
        for (status, count) in &want_counts {
            assert_eq!(
                counts[status.as_str()].as_i64().unwrap_or(0),
                *count,
                "{query}: {counts}"
            );
        }
    }

    // Bad parameters are named.
    for (query, parameter) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("limit=many", "limit"),
        ("status=BROKEN", "status"),
        ("cursor=garbage", "cursor"),
        ("from=now&to=now-1h", "from"),
        ("channel=fax", "channel"),
    ] {
        let (status, body) = get(&client, app.url(&format!("/api/v1/runs?{query}"))).await?;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
        assert_eq!(
            body["error"]["details"][0]["parameter"], parameter,
            "{query}: {body}"
        );
    }
    Ok(())
}
on_both_engines!(pages_hold_every_run_once_with_filters_and_counts);

async fn a_run_has_its_steps_neighbours_and_incident(engine: Engine) -> TestResult {
    let app = TestApp::start(engine).await?;
    let db = app.database.db.clone();
    upsert_catalog(&db, &catalog()).await?;
    RunRecorder::new(db.clone(), RunNotifier::default())
        .record(&history())
        .await?;
    let client = app.client_as(Role::Viewer).await?;

    let (status, failed) = get(&client, app.url("/api/v1/runs/P1-R0065")).await?;
    assert_eq!(status, StatusCode::OK, "{failed}");
    assert_eq!(failed["status"], "KO");
    assert_eq!(failed["started_at"], rfc3339(BASE + 65 * MINUTE));
    assert_eq!(failed["error_code"], "E503");
    assert_eq!(failed["error_category"], "partner");
    assert_eq!(failed["error_label"], "Erreur");
    assert_eq!(failed["error_message"], "partner down");
    assert_eq!(failed["agent"], "agent-1");
    assert_eq!(failed["previous_run_id"], "P1-R0060");
    assert_eq!(failed["next_run_id"], "P1-R0070");
    // P1 failed from minute 60: its incident opened then.
    assert_eq!(failed["incident_id"], format!("P1-{}", BASE + 60 * MINUTE));
    let steps = failed["steps"].as_array().cloned().unwrap_or_default();
    let shape: Vec<(String, i64, i64, String)> = steps
        .iter()
        .map(|step| {
            (
                step["step_code"].as_str().unwrap_or_default().to_string(),
                step["offset_ms"].as_i64().unwrap_or(-1),
                step["duration_ms"].as_i64().unwrap_or(-1),
                step["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            ("FORM".to_string(), 0, 1_200, "OK".to_string()),
            ("SIGN".to_string(), 1_250, 1_750, "KO".to_string()),
        ]
    );

    let (_, ok) = get(&client, app.url("/api/v1/runs/P1-R0000")).await?;
    assert_eq!(ok["previous_run_id"], Value::Null);
    assert_eq!(ok["incident_id"], Value::Null);
    let (status, _) = get(&client, app.url("/api/v1/runs/NO-SUCH-RUN")).await?;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // No reader, no runs: without a session, and with a token that may only ingest.
    let (status, _) = get(&app.client(), app.url("/api/v1/runs")).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let ingest_only = TokenService::new(db.clone())
        .create("robot", &[Scope::Ingest], "test")
        .await?;
    let answer = app
        .client()
        .get(app.url("/api/v1/runs/P1-R0065"))
        .bearer_auth(&ingest_only.secret)
        .send()
        .await?;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
    Ok(())
}
on_both_engines!(a_run_has_its_steps_neighbours_and_incident);
