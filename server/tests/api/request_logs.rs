//! Request logs through the real binary: `vigie serve --log-format json` writes one
//! line per request whose span names the matched route (never the path with its values
//! or the query), the method, the status, the latency and the caller (an API token's
//! id), and never the token's secret.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

const KEY: &str = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

/// The server, killed when dropped.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

/// The JSON log lines whose span is a request for `route`.
fn requests_for<'a>(lines: &'a [Value], route: &str) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|line| line["span"]["name"] == "request" && line["span"]["route"] == route)
        .collect()
}

#[tokio::test]
async fn each_request_is_logged_with_its_route_status_latency_and_caller() {
    let folder = tempfile::tempdir().expect("a folder");
    let url = format!("sqlite://{}", folder.path().join("vigie.db").display());
    let dist = folder.path().join("dist");
    std::fs::create_dir_all(&dist).expect("a dist folder");
    std::fs::write(dist.join("index.html"), "<!DOCTYPE html>").expect("an index");
    let created = Command::new(env!("CARGO_BIN_EXE_vigie"))
        .args(["tokens", "create", "--name", "reader", "--scopes", "read"])
        .env("DATABASE_URL", &url)
        .output()
        .expect("vigie tokens create");
    let out = String::from_utf8_lossy(&created.stdout).to_string();
    let secret = out
        .lines()
        .find_map(|line| line.strip_prefix("secret (shown once, keep it safe): "))
        .expect("a secret")
        .to_string();
    let token_id = out
        .split_whitespace()
        .find(|word| word.starts_with("tok_"))
        .expect("a token id")
        .to_string();

    let port = free_port();
    let mut server = Server(
        Command::new(env!("CARGO_BIN_EXE_vigie"))
            .args(["serve", "--log-format", "json", "--port", &port.to_string()])
            .env("DATABASE_URL", &url)
            .env("VIGIE_DATA_KEY", KEY)
            .env("VIGIE_DIST_DIR", &dist)
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("vigie serve"),
    );
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut ready = false;
    for _ in 0..100 {
        if client.get(format!("{base}/healthz")).send().await.is_ok() {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ready, "the server did not start");
    let series = client
        .get(format!(
            "{base}/api/v1/indicators/series?metric=availability&from=now-1h&to=now"
        ))
        .bearer_auth(&secret)
        .send()
        .await
        .expect("a series");
    assert_eq!(series.status(), 200);
    let refused = client
        .get(format!("{base}/api/v1/probes"))
        .send()
        .await
        .expect("an answer");
    assert_eq!(refused.status(), 401);
    // The logs are read once the server stops (its pipe then ends).
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = server.0.kill();
    let stdout = server.0.stdout.take().expect("the server's output");
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .collect();
    let logs: Vec<Value> = lines
        .iter()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();

    let answered = requests_for(&logs, "/api/v1/indicators/series");
    let closed = answered
        .iter()
        .find(|line| line["fields"]["message"] == "close")
        .unwrap_or_else(|| panic!("no closed request span in {lines:#?}"));
    let span = &closed["span"];
    assert_eq!(span["method"], "GET");
    assert_eq!(span["status"], 200);
    assert_eq!(span["token"], token_id.as_str());
    assert!(
        span["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{span}"
    );
    let refused = requests_for(&logs, "/api/v1/probes");
    assert!(
        refused.iter().any(|line| line["span"]["status"] == 401),
        "{refused:#?}"
    );
    for line in &lines {
        assert!(
            !line.contains(&secret),
            "a log line holds the secret: {line}"
        );
        assert!(
            !line.contains("metric=availability"),
            "a log line holds the query: {line}"
        );
    }
}
