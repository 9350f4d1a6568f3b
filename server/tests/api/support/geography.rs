//! A loopback stand-in for the geography service: a real axum server on 127.0.0.1:0
//! answering `GET /geo/communes?codePostal=…` from a fixed table, like the public
//! service does, with knobs to slow it down, make a code fail, and count what it was
//! asked.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use url::Url;
use vigie::enrich::GeographyConfig;

/// How a code's calls go wrong.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// Answer this status, with an empty body.
    Status(u16),
    /// Answer normally, but only after this long (beyond the client's timeout).
    Stall(Duration),
}

/// A commune as the service describes it: name, INSEE code, department, region.
type Commune = (String, String, String, String);

/// How many generated codes the table holds: `GENERATED_FIRST`, the next, and so on.
pub const GENERATED: u32 = 100;
pub const GENERATED_FIRST: u32 = 50_000;

/// The generated postal codes `first..first + count` (each in the table).
pub fn generated_codes(count: u32) -> Vec<String> {
    (GENERATED_FIRST..GENERATED_FIRST + count.min(GENERATED))
        .map(|code| format!("{code:05}"))
        .collect()
}

fn table() -> HashMap<String, Vec<Commune>> {
    let commune = |name: &str, insee: &str, department: &str, region: &str| -> Commune {
        (name.into(), insee.into(), department.into(), region.into())
    };
    let mut table = HashMap::from([
        (
            "75001".to_string(),
            vec![commune("Paris", "75056", "75", "11")],
        ),
        (
            "69001".to_string(),
            vec![commune("Lyon", "69123", "69", "84")],
        ),
        (
            "13001".to_string(),
            vec![commune("Marseille", "13055", "13", "93")],
        ),
        (
            "01400".to_string(),
            vec![
                commune("Châtillon-sur-Chalaronne", "01093", "01", "84"),
                commune("L'Abergement-Clémenciat", "01001", "01", "84"),
                commune("Dompierre-sur-Chalaronne", "01145", "01", "84"),
            ],
        ),
    ]);
    for index in 0..GENERATED {
        let code = format!("{:05}", GENERATED_FIRST + index);
        let name = format!("Commune {index}");
        table.insert(code.clone(), vec![commune(&name, &code, "50", "28")]);
    }
    table
}

#[derive(Default)]
struct Knobs {
    delay: Duration,
    /// Code → (calls still to fail, how).
    faults: HashMap<String, (u32, Fault)>,
    calls: HashMap<String, u32>,
}

struct Shared {
    table: HashMap<String, Vec<Commune>>,
    knobs: Mutex<Knobs>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Shared {
    fn knobs(&self) -> MutexGuard<'_, Knobs> {
        self.knobs.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Counts a request in flight for as long as it lives (also when the client gives up
/// and the handler is dropped).
struct InFlight(Arc<Shared>);

impl InFlight {
    fn enter(shared: &Arc<Shared>) -> InFlight {
        let now = shared.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        shared.max_in_flight.fetch_max(now, Ordering::SeqCst);
        InFlight(shared.clone())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn communes(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let _in_flight = InFlight::enter(&shared);
    let code = query.get("codePostal").cloned().unwrap_or_default();
    let (delay, fault) = {
        let mut knobs = shared.knobs();
        *knobs.calls.entry(code.clone()).or_default() += 1;
        let fault = match knobs.faults.get_mut(&code) {
            Some((remaining, fault)) if *remaining > 0 => {
                *remaining -= 1;
                Some(*fault)
            }
            _ => None,
        };
        (knobs.delay, fault)
    };
    match fault {
        Some(Fault::Stall(stall)) => tokio::time::sleep(stall).await,
        _ => tokio::time::sleep(delay).await,
    }
    if let Some(Fault::Status(status)) = fault {
        return StatusCode::from_u16(status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response();
    }
    let answer: Vec<Value> = shared
        .table
        .get(&code)
        .into_iter()
        .flatten()
        .map(|(name, insee, department, region)| {
            json!({"nom": name, "code": insee, "codeDepartement": department, "codeRegion": region})
        })
        .collect();
    Json(answer).into_response()
}

/// The fake service, stopped when dropped.
pub struct FakeGeography {
    /// Its root, with a path (`http://127.0.0.1:port/geo`), as a deployment may have.
    pub base_url: Url,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl FakeGeography {
    pub async fn start() -> Result<FakeGeography, Box<dyn std::error::Error>> {
        let shared = Arc::new(Shared {
            table: table(),
            knobs: Mutex::default(),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        });
        let router = Router::new()
            .route("/geo/communes", get(communes))
            .with_state(shared.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base_url = Url::parse(&format!("http://{}/geo", listener.local_addr()?))?;
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        Ok(FakeGeography {
            base_url,
            shared,
            server,
        })
    }

    /// A client configuration for this service, with the default timeout, attempts and
    /// concurrency but a short backoff (10 ms, 20 ms, …) to keep tests quick.
    pub fn config(&self) -> GeographyConfig {
        GeographyConfig {
            backoff: Duration::from_millis(10),
            ..GeographyConfig::new(self.base_url.clone())
        }
    }

    /// Every answer waits this long first.
    pub fn set_delay(&self, delay: Duration) {
        self.shared.knobs().delay = delay;
    }

    /// The next `times` calls for `code` go wrong as `fault` says.
    pub fn fail_first(&self, code: &str, times: u32, fault: Fault) {
        self.shared
            .knobs()
            .faults
            .insert(code.to_string(), (times, fault));
    }

    /// Every call for `code` goes wrong as `fault` says.
    pub fn fail_always(&self, code: &str, fault: Fault) {
        self.fail_first(code, u32::MAX, fault);
    }

    /// How many requests asked for `code`.
    pub fn calls(&self, code: &str) -> u32 {
        self.shared
            .knobs()
            .calls
            .get(code)
            .copied()
            .unwrap_or_default()
    }

    /// How many requests were made, for any code.
    pub fn total_calls(&self) -> u32 {
        self.shared.knobs().calls.values().sum()
    }

    /// The most requests that were in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.shared.max_in_flight.load(Ordering::SeqCst)
    }
}

impl Drop for FakeGeography {
    fn drop(&mut self) {
        self.server.abort();
    }
}
