//! `vigie bench --mode ingest`: how soon a run posted to the ingest API is on the status
//! board. Per engine: a fresh database with `--scale` days of history, the real HTTP
//! server on loopback and an API token (scopes `ingest` and `read`); then `--repeat` runs,
//! one probe after the other, each posted to `/api/v1/ingest/probe-runs`, after which
//! `/api/v1/board` is read until the probe's tile shows that run. Prints the time from
//! the post to its 200, and from the 200 to the board showing the run.

use std::sync::Arc;
use std::time::{Duration, Instant};

use app::domain::board::BoardSnapshot;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde_json::{json, Value};

use super::queries::{percentile, query_error};
use super::{dataset, BenchArgs, BenchError, Scratch};
use crate::auth::{Scope, TokenService};
use crate::board::RunNotifier;
use crate::clock::{now_ms, rfc3339};
use crate::crypto::{LocalKeyProvider, PersonalDataCipher};
use crate::demo::catalog::probes;
use crate::demo::probe_runs::generate_run;
use crate::demo::scenario::Scenario;
use crate::launch::{self, HttpOptions};
use crate::storage::runs::ProbeRun;

/// The longest wait for a run to show on the board before the benchmark gives up.
const GIVE_UP: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Serialize)]
pub struct IngestFigures {
    pub engine: String,
    pub history_days: u32,
    pub runs_posted: u32,
    /// From sending the post to its 200.
    pub post_p50_ms: f64,
    pub post_p95_ms: f64,
    /// From the 200 to the first board read that shows the run.
    pub visible_p50_ms: f64,
    pub visible_p95_ms: f64,
    pub visible_max_ms: f64,
}

pub async fn run(args: &BenchArgs, days: u32) -> Result<Vec<IngestFigures>, BenchError> {
    let mut figures = Vec::new();
    for name in &args.engines {
        let engine = super::engine_of(name)?;
        let scratch = Scratch::create(engine, args, days).await?;
        println!("[bench ingest] {name}: generating {days} days of history");
        dataset::load(&scratch.db, days, args.probes).await?;
        let measured = measure(&scratch, args).await;
        scratch.remove().await?;
        let (posts, visible) = measured?;
        let figure = IngestFigures {
            engine: name.clone(),
            history_days: days,
            runs_posted: args.repeat,
            post_p50_ms: percentile(&posts, 0.5),
            post_p95_ms: percentile(&posts, 0.95),
            visible_p50_ms: percentile(&visible, 0.5),
            visible_p95_ms: percentile(&visible, 0.95),
            visible_max_ms: visible.last().copied().unwrap_or_default(),
        };
        println!(
            "[bench ingest] {name}: {} runs posted; post → 200 p50 {:.1} ms p95 {:.1} ms; \
             200 → on the board p50 {:.1} ms p95 {:.1} ms max {:.1} ms",
            figure.runs_posted,
            figure.post_p50_ms,
            figure.post_p95_ms,
            figure.visible_p50_ms,
            figure.visible_p95_ms,
            figure.visible_max_ms
        );
        figures.push(figure);
    }
    Ok(figures)
}

/// Posts the runs through a server on loopback; answers the sorted post times and the
/// sorted times from 200 to visible, in milliseconds.
async fn measure(scratch: &Scratch, args: &BenchArgs) -> Result<(Vec<f64>, Vec<f64>), BenchError> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(loopback)?;
    let server = launch::spawn(
        listener,
        scratch.db.clone(),
        RunNotifier::default(),
        HttpOptions {
            // Only the API is used: no front end to serve.
            dist_dir: args.work_dir.join("no-front-end"),
            session_idle_minutes: 30,
            secure_cookie: false,
            cipher: PersonalDataCipher::new(Arc::new(LocalKeyProvider::demo())),
            geography: None,
            warm_up: false,
        },
    )
    .map_err(loopback)?;
    let base = format!("http://{}", server.addr);
    let secret = TokenService::new(scratch.db.clone())
        .create("bench ingest", &[Scope::Ingest, Scope::Read], "bench")
        .await
        .map_err(query_error)?
        .secret;
    let client = reqwest::Client::new();
    let scenario = Scenario::new(now_ms());
    let probes: Vec<_> = probes().into_iter().take(args.probes as usize).collect();
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (mut posts, mut visible) = (Vec::new(), Vec::new());
    for (index, probe) in probes.iter().cycle().take(args.repeat as usize).enumerate() {
        let mut run = generate_run(probe, now_ms(), &mut rng, &scenario);
        run.run_id = format!("BENCH-INGEST-{index}-{}", run.started_at_ms);
        let posted = Instant::now();
        let answer = client
            .post(format!("{base}/api/v1/ingest/probe-runs"))
            .bearer_auth(&secret)
            .json(&json!([run_json(&run)]))
            .send()
            .await
            .map_err(query_error)?;
        let status = answer.status();
        let body: Value = answer.json().await.map_err(query_error)?;
        if !status.is_success() || body["accepted"] != json!(1) {
            return Err(BenchError::Query(format!(
                "the ingest API answered {status}: {body}"
            )));
        }
        posts.push(posted.elapsed().as_secs_f64() * 1000.0);
        let answered = Instant::now();
        while !on_board(&client, &base, &secret, &run).await? {
            if answered.elapsed() > GIVE_UP {
                return Err(BenchError::Query(format!(
                    "run {} not on the board {} s after its 200",
                    run.run_id,
                    GIVE_UP.as_secs()
                )));
            }
        }
        visible.push(answered.elapsed().as_secs_f64() * 1000.0);
    }
    server.shutdown().await.map_err(loopback)?;
    posts.sort_by(f64::total_cmp);
    visible.sort_by(f64::total_cmp);
    Ok((posts, visible))
}

/// Whether the board shows `run` as its probe's last run.
async fn on_board(
    client: &reqwest::Client,
    base: &str,
    secret: &str,
    run: &ProbeRun,
) -> Result<bool, BenchError> {
    let board: BoardSnapshot = client
        .get(format!("{base}/api/v1/board"))
        .bearer_auth(secret)
        .send()
        .await
        .map_err(query_error)?
        .json()
        .await
        .map_err(query_error)?;
    Ok(board
        .products
        .iter()
        .flat_map(|product| product.probes.iter())
        .any(|tile| {
            tile.probe_code == run.probe_code && tile.last_run_at_ms == Some(run.started_at_ms)
        }))
}

/// A run as the ingest API takes it (`docs/api.md`).
fn run_json(run: &ProbeRun) -> Value {
    let steps: Vec<Value> = run
        .steps
        .iter()
        .map(|step| {
            json!({
                "step_code": step.step_code,
                "position": step.position,
                "started_at": rfc3339(step.started_at_ms),
                "duration_ms": step.duration_ms,
                "status": step.status,
                "http_status": step.http_status,
                "error_code": step.error_code,
                "message": step.message,
            })
        })
        .collect();
    json!({
        "run_id": run.run_id,
        "probe_code": run.probe_code,
        "started_at": rfc3339(run.started_at_ms),
        "duration_ms": run.duration_ms,
        "status": run.status,
        "failed_step_code": run.failed_step_code,
        "error_code": run.error_code,
        "error_message": run.error_message,
        "agent": run.agent,
        "steps": steps,
    })
}

fn loopback(error: std::io::Error) -> BenchError {
    BenchError::Query(format!("serving on loopback: {error}"))
}
