//! The status board through HTTP: states, availability against a straightforward
//! computation over raw runs (maintenance excluded), and live announcements over
//! Server-Sent Events.

use std::time::Duration;

use crate::support::TestApp;
use app::domain::auth::Role;
use app::domain::board::{BoardSnapshot, ProbeState};
use app::domain::catalog::{MaintenanceScope, ServiceKind};
use app::domain::status::RunStatus;
use futures::StreamExt;
use reqwest::StatusCode;
use vigie::clock::now_ms;
use vigie::ingest::RunRecorder;
use vigie::storage::reference::{
    upsert_catalog, Catalog, JourneyStep, MaintenanceWindow, Probe, Product, Service,
};
use vigie::storage::runs::ProbeRun;
use vigie::storage::Engine;

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

fn catalog(window: (i64, i64)) -> Catalog {
    let probe = |code: &str| Probe {
        probe_code: code.into(),
        label: format!("Livret {code}"),
        product_code: "LIVRET".into(),
        channel: "web".into(),
        environment: "prod".into(),
        interval_s: 1800,
        enabled: true,
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
        journey_steps: vec![JourneyStep {
            product_code: "LIVRET".into(),
            step_code: "ACCOUNT".into(),
            position: 1,
            label: "Ouverture".into(),
            service_code: "CORE".into(),
        }],
        probes: vec![probe("P_UP"), probe("P_DOWN")],
        error_codes: vec![],
        maintenance_windows: vec![MaintenanceWindow {
            window_id: "MW1".into(),
            scope: MaintenanceScope::Service,
            scope_code: Some("CORE".into()),
            starts_at_ms: window.0,
            ends_at_ms: window.1,
            reason: None,
        }],
    }
}

fn run(probe: &str, started_at_ms: i64, ok: bool) -> ProbeRun {
    ProbeRun {
        run_id: format!("{probe}-{started_at_ms}"),
        probe_code: probe.into(),
        started_at_ms,
        duration_ms: 12_000,
        status: if ok { RunStatus::Ok } else { RunStatus::Ko },
        failed_step_code: (!ok).then(|| "ACCOUNT".into()),
        error_code: None,
        error_message: None,
        agent: None,
        steps: vec![],
    }
}

/// Availability the straightforward way: runs in `[from, now]`, outside the window.
fn expected_availability(
    runs: &[ProbeRun],
    probe: &str,
    from: i64,
    window: (i64, i64),
) -> Option<f64> {
    let counted: Vec<&ProbeRun> = runs
        .iter()
        .filter(|run| run.probe_code == probe && run.started_at_ms >= from)
        .filter(|run| !(window.0 <= run.started_at_ms && run.started_at_ms < window.1))
        .collect();
    let ok = counted
        .iter()
        .filter(|run| !run.status.is_failure())
        .count();
    (!counted.is_empty()).then(|| ok as f64 * 100.0 / counted.len() as f64)
}

async fn the_board_computes_states_and_availability(engine: Engine) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    let now = now_ms();
    let window = (now - 3 * DAY, now - 3 * DAY + 2 * 60 * MINUTE);
    upsert_catalog(&app.database.db, &catalog(window)).await?;
    let mut runs = Vec::new();
    // Every 30 minutes for 40 days; a failure every 7th run; everything fails in the
    // maintenance window (which must not count); P_DOWN fails its last three runs.
    // Off the day grid, so that the server's slightly later "now" moves no run across a boundary.
    let mut at = now - 40 * DAY + 7 * MINUTE;
    let mut index = 0;
    while at < now - MINUTE {
        let in_window = window.0 <= at && at < window.1;
        runs.push(run("P_UP", at, index % 7 != 0 && !in_window));
        let last_three = at > now - 91 * MINUTE;
        runs.push(run(
            "P_DOWN",
            at + 1_000,
            index % 5 != 0 && !in_window && !last_three,
        ));
        at += 30 * MINUTE;
        index += 1;
    }
    let recorder = RunRecorder::new(app.database.db.clone(), app.notifier.clone());
    let stored = recorder.record(&runs).await?;
    assert_eq!(stored as usize, runs.len());
    assert_eq!(
        recorder.record(&runs).await?,
        0,
        "recording the same runs again adds nothing"
    );

    let client = app.client_as(Role::Viewer).await?;
    let response = client.get(app.url("/api/v1/board")).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    let board: BoardSnapshot = response.json().await?;
    assert_eq!(board.products.len(), 1);
    let tiles = &board.products[0].probes;
    let tile = |code: &str| tiles.iter().find(|tile| tile.probe_code == code);
    let (Some(up), Some(down)) = (tile("P_UP"), tile("P_DOWN")) else {
        return Err("both probes should be on the board".into());
    };
    assert_eq!(down.state, ProbeState::Down);
    assert_ne!(up.state, ProbeState::Down);
    // The down probe's tile names its open incident, which started with its streak.
    let since = down.down_since_ms.ok_or("a down probe says since when")?;
    assert_eq!(down.incident_id, Some(format!("P_DOWN-{since}")));
    assert_eq!(up.incident_id, None);
    assert_eq!(board.down().len(), 1);
    for (tile, code) in [(up, "P_UP"), (down, "P_DOWN")] {
        let close = |actual: Option<f64>, expected: Option<f64>| match (actual, expected) {
            (Some(a), Some(e)) => (a - e).abs() < 1e-9,
            (None, None) => true,
            _ => false,
        };
        let expected_7d = expected_availability(&runs, code, now - 7 * DAY, window);
        let expected_30d = expected_availability(&runs, code, now - 30 * DAY, window);
        assert!(
            close(tile.availability_7d, expected_7d),
            "{code} 7d: {:?} vs {expected_7d:?}",
            tile.availability_7d
        );
        assert!(
            close(tile.availability_30d, expected_30d),
            "{code} 30d: {:?} vs {expected_30d:?}",
            tile.availability_30d
        );
        assert!(tile.availability_30d.unwrap_or(100.0) < 100.0);
    }
    let last = runs
        .iter()
        .filter(|run| run.probe_code == "P_UP")
        .map(|run| run.started_at_ms)
        .max();
    assert_eq!(up.last_run_at_ms, last);
    assert!(!up.recent.is_empty());

    // The server function the page uses gives the same board.
    let through_server_fn: BoardSnapshot = client
        .get(app.url("/api/status_board"))
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(through_server_fn.products[0].probes.len(), 2);
    Ok(())
}
on_both_engines!(the_board_computes_states_and_availability);

async fn a_stored_run_is_announced_to_open_boards(engine: Engine) -> crate::support::TestResult {
    let app = TestApp::start(engine).await?;
    upsert_catalog(&app.database.db, &catalog((0, 1))).await?;
    let client = app.client_as(Role::Viewer).await?;
    let response = client.get(app.url("/api/v1/board/stream")).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    let mut stream = response.bytes_stream();

    let recorder = RunRecorder::new(app.database.db.clone(), app.notifier.clone());
    recorder.record(&[run("P_UP", now_ms(), true)]).await?;

    let received = tokio::time::timeout(Duration::from_secs(2), async {
        let mut text = String::new();
        while let Some(chunk) = stream.next().await {
            text.push_str(&String::from_utf8_lossy(&chunk.ok()?));
            if text.contains("event: run") && text.contains("P_UP") {
                return Some(text);
            }
        }
        None
    })
    .await?;
    assert!(received.is_some(), "no run event within 2 seconds");
    Ok(())
}
on_both_engines!(a_stored_run_is_announced_to_open_boards);

async fn shutdown_ends_open_streams_and_finishes(engine: Engine) -> crate::support::TestResult {
    let mut app = TestApp::start(engine).await?;
    let client = app.client_as(Role::Viewer).await?;
    let response = client.get(app.url("/api/v1/board/stream")).send().await?;
    assert_eq!(response.status(), StatusCode::OK);
    let stopped = tokio::time::timeout(Duration::from_secs(5), app.stop()).await;
    assert!(
        matches!(stopped, Ok(Ok(()))),
        "the server did not stop gracefully"
    );
    Ok(())
}
on_both_engines!(shutdown_ends_open_streams_and_finishes);
