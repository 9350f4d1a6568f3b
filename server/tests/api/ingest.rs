//! The ingest API through HTTP with API tokens: scopes, partial acceptance with per-item
//! errors, duplicates, NDJSON, the body limit, and a run on the board and in the
//! indicators right after the answer.

use std::time::{Duration, Instant};

use crate::support::TestApp;
use app::domain::auth::Role;
use app::domain::board::BoardSnapshot;
use app::domain::catalog::{ErrorCategory, ServiceKind};
use app::domain::status::EventOutcome;
use reqwest::StatusCode;
use serde_json::{json, Value};
use vigie::auth::{Scope, TokenService};
use vigie::clock::{now_ms, rfc3339};
use vigie::storage::reference::{
    upsert_catalog, Catalog, ErrorCode, JourneyStep, Probe, Product, Service,
};
use vigie::storage::Engine;

const MINUTE: i64 = 60_000;

fn catalog() -> Catalog {
    let step = |code: &str, position: i64| JourneyStep {
        product_code: "LIVRET".into(),
        step_code: code.into(),
        position,
        label: code.to_lowercase(),
        service_code: "CORE".into(),
    };
    Catalog {
        products: vec![Product {
            product_code: "LIVRET".into(),
            label: "Livret".into(),
            active: true,
        }],
        services: vec![Service {
            service_code: "CORE".into(),
            label: "Cœur".into(),
            kind: ServiceKind::Internal,
            owner_team: None,
        }],
        journey_steps: vec![step("LANDING", 1), step("FORM", 2)],
        probes: vec![Probe {
            probe_code: "LIVRET_WEB".into(),
            label: "Livret web".into(),
            product_code: "LIVRET".into(),
            channel: "web".into(),
            environment: "prod".into(),
            interval_s: 300,
            enabled: true,
        }],
        error_codes: vec![ErrorCode {
            error_code: "FORM_500".into(),
            label: "Formulaire en erreur".into(),
            category: ErrorCategory::Technical,
            service_code: Some("CORE".into()),
        }],
        maintenance_windows: vec![],
    }
}

/// A valid run as a probe would post it.
fn run(run_id: &str, started_at_ms: i64, ok: bool) -> Value {
    let at = |offset: i64| rfc3339(started_at_ms + offset);
    json!({
        "run_id": run_id,
        "probe_code": "LIVRET_WEB",
        "started_at": at(0),
        "duration_ms": 4200,
        "status": if ok { "OK" } else { "KO" },
        "failed_step_code": if ok { Value::Null } else { json!("FORM") },
        "error_code": if ok { Value::Null } else { json!("FORM_500") },
        "agent": "robot-1",
        "steps": [
            {"step_code": "LANDING", "position": 1, "started_at": at(0), "duration_ms": 1200, "status": "OK", "http_status": 200},
            {"step_code": "FORM", "position": 2, "started_at": at(1200), "duration_ms": 3000,
             "status": if ok { "OK" } else { "KO" }, "http_status": if ok { 200 } else { 500 },
             "error_code": if ok { Value::Null } else { json!("FORM_500") }}
        ]
    })
}

/// (index, column, rule) of the first error of each rejected item.
fn first_errors(answer: &Value) -> Vec<(u64, String, String)> {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
    answer["rejected"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| {
                    (
                        item["index"].as_u64().unwrap_or(u64::MAX),
                        text(&item["errors"][0]["column"]),
                        text(&item["errors"][0]["rule"]),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

async fn token(app: &TestApp, scopes: &[Scope]) -> Result<String, Box<dyn std::error::Error>> {
    let created = TokenService::new(app.database.db.clone())
        .create("test robot", scopes, "test")
        .await?;
    Ok(created.secret)
}

async fn post(
    app: &TestApp,
    secret: Option<&str>,
    body: String,
) -> Result<(StatusCode, Value), reqwest::Error> {
    let mut request = app
        .client()
        .post(app.url("/api/v1/ingest/probe-runs"))
        .header("content-type", "application/json")
        .body(body);
    if let Some(secret) = secret {
        request = request.bearer_auth(secret);
    }
    let response = request.send().await?;
    let status = response.status();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

async fn ingest_accepts_valid_runs_and_rejects_each_invalid_one(
    engine: Engine,
) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    upsert_catalog(&app.database.db, &catalog()).await?;
    let secret = token(&app, &[Scope::Ingest]).await?;
    let now = now_ms();

    let mut missing_status = run("R_BAD_1", now - 30 * MINUTE, true);
    missing_status["status"] = Value::Null;
    let mut unknown_probe = run("R_BAD_2", now - 29 * MINUTE, true);
    unknown_probe["probe_code"] = json!("NO_SUCH_PROBE");
    let mut foreign_step = run("R_BAD_3", now - 28 * MINUTE, true);
    foreign_step["steps"][1]["step_code"] = json!("SIGNATURE");
    let future = run("R_BAD_4", now + 60 * MINUTE, true);
    let mut bad_enum = run("R_BAD_5", now - 27 * MINUTE, true);
    bad_enum["status"] = json!("MAYBE");
    let mut bad_time = run("R_BAD_6", now - 26 * MINUTE, true);
    bad_time["started_at"] = json!("26/11/2026 08:00");
    let mut ko_without_error = run("R_BAD_7", now - 25 * MINUTE, false);
    ko_without_error["error_code"] = Value::Null;
    let body = json!([
        run("R1", now - 20 * MINUTE, true),
        missing_status,
        unknown_probe,
        foreign_step,
        run("R2", now - 15 * MINUTE, false),
        future,
        bad_enum,
        bad_time,
        ko_without_error,
        "not an object",
        run("R1", now - 20 * MINUTE, true),
    ]);
    let (status, answer) = post(&app, Some(&secret), body.to_string()).await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["accepted"], 2, "{answer}");
    assert_eq!(
        answer["duplicates"], 1,
        "the repeated R1 is a duplicate: {answer}"
    );
    let rejected = first_errors(&answer);
    let expected: Vec<(u64, &str, &str)> = vec![
        (1, "status", "mandatory"),
        (2, "probe_code", "unknown_reference"),
        (3, "steps[1].step_code", "step_not_in_journey"),
        (5, "started_at", "future"),
        (6, "status", "enum"),
        (7, "started_at", "timestamp"),
        (8, "error_code", "mandatory"),
        (9, "", "type"),
    ];
    let expected: Vec<(u64, String, String)> = expected
        .into_iter()
        .map(|(index, column, rule)| (index, column.to_string(), rule.to_string()))
        .collect();
    assert_eq!(rejected, expected);

    // Stored with their steps; nothing of the rejected ones.
    let stored: Vec<String> = sqlx::query_scalar("SELECT run_id FROM probe_runs ORDER BY run_id")
        .fetch_all(app.database.db.pool())
        .await?;
    assert_eq!(stored, vec!["R1".to_string(), "R2".to_string()]);
    let steps: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM probe_steps")
        .fetch_one(app.database.db.pool())
        .await?;
    assert_eq!(steps, 4);

    // Posting the same runs again changes nothing.
    let again = json!([
        run("R1", now - 20 * MINUTE, true),
        run("R2", now - 15 * MINUTE, false)
    ]);
    let (status, answer) = post(&app, Some(&secret), again.to_string()).await?;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (answer["accepted"].clone(), answer["duplicates"].clone()),
        (json!(0), json!(2))
    );

    // NDJSON, with one line that is not JSON.
    let ndjson = format!(
        "{}\n\n{{not json\n{}\n",
        run("R3", now - 10 * MINUTE, true),
        run("R4", now - 5 * MINUTE, true)
    );
    let (status, answer) = post(&app, Some(&secret), ndjson).await?;
    assert_eq!(status, StatusCode::OK, "{answer}");
    assert_eq!(answer["accepted"], 2, "{answer}");
    assert_eq!(answer["rejected"][0]["index"], 1, "{answer}");

    // A body that is not JSON at all, and one over 10 MB.
    let (status, answer) = post(&app, Some(&secret), "[{".into()).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(answer["error"]["details"][0]["parameter"], "body");
    let (status, answer) = post(&app, Some(&secret), " ".repeat(10 * 1024 * 1024 + 1)).await?;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");
    assert_eq!(answer["error"]["code"], "payload_too_large");
    let (status, answer) = post(&app, Some(&secret), "{}\n".repeat(50_001)).await?;
    assert_eq!(status, StatusCode::BAD_REQUEST, "too many items: {answer}");
    assert_eq!(answer["error"]["details"][0]["parameter"], "body");
    Ok(())
}
on_both_engines!(ingest_accepts_valid_runs_and_rejects_each_invalid_one);

async fn ingest_needs_a_token_with_the_ingest_scope(engine: Engine) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    upsert_catalog(&app.database.db, &catalog()).await?;
    let body = json!([run("R1", now_ms() - MINUTE, true)]).to_string();
    let (status, _) = post(&app, None, body.clone()).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = post(&app, Some("vigie_not-a-real-token"), body.clone()).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let reader = token(&app, &[Scope::Read]).await?;
    let (status, _) = post(&app, Some(&reader), body.clone()).await?;
    assert_eq!(status, StatusCode::FORBIDDEN, "a read token cannot ingest");
    let probes = app
        .client()
        .get(app.url("/api/v1/probes"))
        .bearer_auth(&reader)
        .send()
        .await?;
    assert_eq!(probes.status(), StatusCode::OK, "a read token reads");

    let admin = app.client_as(Role::Admin).await?;
    let response = admin
        .post(app.url("/api/v1/ingest/probe-runs"))
        .body(body.clone())
        .send()
        .await?;
    assert_eq!(
        response.status(),
        StatusCode::FORBIDDEN,
        "a session is not a token"
    );

    let ingester = token(&app, &[Scope::Ingest]).await?;
    let probes = app
        .client()
        .get(app.url("/api/v1/probes"))
        .bearer_auth(&ingester)
        .send()
        .await?;
    assert_eq!(
        probes.status(),
        StatusCode::UNAUTHORIZED,
        "an ingest token does not read"
    );

    // Secrets are stored hashed; a revoked token stops working.
    let tokens = TokenService::new(app.database.db.clone());
    let hashes: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM api_tokens")
        .fetch_all(app.database.db.pool())
        .await?;
    assert!(hashes
        .iter()
        .all(|hash| *hash != ingester && hash.len() == 64));
    let listed = tokens.list().await?;
    let id = listed
        .iter()
        .find(|token| token.scopes.0 == [Scope::Ingest])
        .map(|token| token.token_id.clone())
        .unwrap_or_default();
    let (status, _) = post(&app, Some(&ingester), body.clone()).await?;
    assert_eq!(status, StatusCode::OK);
    assert!(tokens.revoke(&id, "test").await?);
    let (status, _) = post(&app, Some(&ingester), body).await?;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    Ok(())
}
on_both_engines!(ingest_needs_a_token_with_the_ingest_scope);

async fn an_ingested_run_is_on_the_board_and_in_the_indicators_within_two_seconds(
    engine: Engine,
) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    upsert_catalog(&app.database.db, &catalog()).await?;
    let secret = token(&app, &[Scope::Ingest, Scope::Read]).await?;
    let started_at = now_ms() - 2 * MINUTE;
    let (status, answer) = post(
        &app,
        Some(&secret),
        json!([run("LIVE_1", started_at, false)]).to_string(),
    )
    .await?;
    assert_eq!(
        (status, answer["accepted"].clone()),
        (StatusCode::OK, json!(1))
    );
    let answered = Instant::now();
    let client = app.client();
    let board: BoardSnapshot = client
        .get(app.url("/api/v1/board"))
        .bearer_auth(&secret)
        .send()
        .await?
        .json()
        .await?;
    let tile = board
        .products
        .iter()
        .flat_map(|product| product.probes.iter())
        .find(|tile| tile.probe_code == "LIVRET_WEB");
    assert_eq!(tile.and_then(|tile| tile.last_run_at_ms), Some(started_at));
    assert_eq!(
        tile.and_then(|tile| tile.last_error_code.clone())
            .as_deref(),
        Some("FORM_500")
    );
    let series: Value = client
        .get(app.url("/api/v1/indicators/series?metric=failures&bucket=1h&from=now-1h"))
        .bearer_auth(&secret)
        .send()
        .await?
        .json()
        .await?;
    let failures: f64 = series["series"][0]["points"]
        .as_array()
        .map(|points| points.iter().filter_map(|point| point[1].as_f64()).sum())
        .unwrap_or_default();
    assert_eq!(failures, 1.0, "{series}");
    assert!(answered.elapsed() < Duration::from_secs(2));
    Ok(())
}
on_both_engines!(an_ingested_run_is_on_the_board_and_in_the_indicators_within_two_seconds);

fn event(event_id: &str, occurred_at_ms: i64, outcome: EventOutcome) -> Value {
    json!({
        "event_id": event_id,
        "occurred_at": rfc3339(occurred_at_ms),
        "product_code": "LIVRET",
        "step_code": "FORM",
        "journey_id": "J1",
        "outcome": outcome,
        "error_code": if outcome == EventOutcome::Failed { json!("FORM_500") } else { Value::Null },
        "channel": "web",
        "application": "site-public"
    })
}

fn prospect(prospect_id: &str, email: &str) -> Value {
    json!({
        "prospect_id": prospect_id,
        "first_name": "Camille",
        "last_name": "Durandeau",
        "email": email,
        "phone": "06 12 34 56 78",
        "birth_date": "1987-04-12",
        "postal_code": "69003",
        "created_at": rfc3339(now_ms() - 3_600_000),
        "contact_consent": true
    })
}

async fn journey_events_are_ingested_with_their_prospects_sealed(
    engine: Engine,
) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    upsert_catalog(&app.database.db, &catalog()).await?;
    let secret = token(&app, &[Scope::Ingest]).await?;
    let now = now_ms();

    let mut with_prospect = event("E1", now - 10 * MINUTE, EventOutcome::Started);
    with_prospect["prospect"] = prospect("P1", "camille.durandeau@example.test");
    let mut same_prospect = event("E2", now - 9 * MINUTE, EventOutcome::Failed);
    same_prospect["prospect_id"] = json!("P1");
    let mut unknown_prospect = event("E3", now - 8 * MINUTE, EventOutcome::Started);
    unknown_prospect["prospect_id"] = json!("P_NOBODY");
    let mut bad_email = event("E4", now - 7 * MINUTE, EventOutcome::Started);
    bad_email["prospect"] = prospect("P2", "dominique.secret-at-example.test");
    let mut failed_without_code = event("E5", now - 6 * MINUTE, EventOutcome::Failed);
    failed_without_code["error_code"] = Value::Null;
    let mut foreign_step = event("E6", now - 5 * MINUTE, EventOutcome::Started);
    foreign_step["step_code"] = json!("SIGNATURE");
    let body = json!([
        with_prospect,
        same_prospect,
        unknown_prospect,
        bad_email,
        failed_without_code,
        foreign_step
    ]);
    let response = app
        .client()
        .post(app.url("/api/v1/ingest/journey-events"))
        .bearer_auth(&secret)
        .body(body.to_string())
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await?;
    let answer: Value = serde_json::from_str(&text)?;
    assert_eq!(answer["accepted"], 2, "{answer}");
    let rejected = first_errors(&answer);
    let expected = [
        (2, "prospect_id", "unknown_reference"),
        (3, "prospect.email", "type"),
        (4, "error_code", "mandatory"),
        (5, "step_code", "step_not_in_journey"),
    ]
    .map(|(index, column, rule)| (index, column.to_string(), rule.to_string()));
    assert_eq!(rejected, expected.to_vec());
    assert!(
        !text.contains("dominique") && !text.contains("Camille"),
        "no personal value in the answer: {text}"
    );

    // Personal data is stored sealed, never in clear.
    let row: (String, String, String, Option<String>, Option<String>) = sqlx::query_as(
        "SELECT first_name_enc, last_name_enc, email_enc, phone_enc, birth_date_enc FROM prospects",
    )
    .fetch_one(app.database.db.pool())
    .await?;
    let stored = format!("{row:?}");
    for clear in [
        "Camille",
        "Durandeau",
        "camille.durandeau",
        "0612345678",
        "1987-04-12",
    ] {
        assert!(!stored.contains(clear), "{clear} stored in clear");
    }
    assert!(row.0.starts_with("v1:"));

    // The same events again are duplicates.
    let again = app
        .client()
        .post(app.url("/api/v1/ingest/journey-events"))
        .bearer_auth(&secret)
        .header("content-type", "application/x-ndjson")
        .body(format!("{}\n{}\n", body[0], body[1]))
        .send()
        .await?
        .json::<Value>()
        .await?;
    assert_eq!(
        (again["accepted"].clone(), again["duplicates"].clone()),
        (json!(0), json!(2))
    );
    Ok(())
}
on_both_engines!(journey_events_are_ingested_with_their_prospects_sealed);
