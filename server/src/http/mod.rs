//! The HTTP face of Vigie: one origin (one port) for the built front end, the server
//! functions and the versioned JSON API.
//!
//! [`router`] puts together `/healthz` and `/readyz` (`health`), `/api/openapi.json`
//! (`openapi`), `/api/v1` (`api_v1`: probes, the board and its Server-Sent Events
//! (`stream`), users, indicators (`indicators`), exports (`export`), an import's
//! rejected rows as CSV (`rejections_csv`), ingest (`ingest`)), one route per server
//! function (`server_fns`, each answered by `backend::ServerBackend`, the Imports page's
//! reads in `imports`), and the built front end for every other path (`static_files`).
//! Every request first has its caller resolved (`auth::resolve_session`) and runs in a
//! span named by its matched route (`trace`). Errors answer as [`ApiError`]: a code and
//! a status, never SQL or a cause.

mod api_v1;
mod backend;
mod error;
mod export;
mod funnel;
mod health;
mod imports;
mod imports_api;
mod incidents;
mod indicators;
mod ingest;
mod openapi;
mod rejections_csv;
mod runs;
mod server_fns;
mod static_files;
mod stream;
pub mod trace;

use std::path::PathBuf;
use std::sync::Arc;

use axum::middleware;
use axum::Router;
use tokio::sync::watch;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};

pub use error::ApiError;

use crate::auth::{resolve_session, AuthService, TokenService};
use crate::board::{BoardService, RunNotifier};
use crate::crypto::PersonalDataCipher;
use crate::indicators::IndicatorService;
use crate::ingest::RunRecorder;
use crate::storage::Database;

/// Everything a request handler may need.
#[derive(Clone)]
pub struct AppState {
    pub db: Database,
    pub auth: AuthService,
    pub tokens: TokenService,
    /// Seals prospects' personal data before it is stored.
    pub cipher: PersonalDataCipher,
    /// The one write path for probe runs (ingest API).
    pub recorder: RunRecorder,
    pub board: BoardService,
    pub indicators: IndicatorService,
    /// The runs behind the numbers (runs list, run page).
    pub runs: crate::drilldown::RunService,
    /// The incidents behind the availability figures (incidents list, incident page).
    pub incidents: crate::drilldown::IncidentService,
    /// Real prospects' journeys per product (journeys page).
    pub funnel: crate::drilldown::FunnelService,
    pub notifier: RunNotifier,
    /// Runs imports continued from the web app.
    pub imports: crate::import::ImportRunner,
    /// Turns `true` when the server shuts down, so that open streams end.
    pub shutdown: watch::Receiver<bool>,
}

/// What to compress: not the streamed server-function answers (`application/octet-stream`,
/// one line per part), which gzip would hold back until the end.
fn not_streamed() -> impl Predicate {
    DefaultPredicate::new().and(NotForContentType::const_new("application/octet-stream"))
}

/// The whole application as one axum router.
pub fn router(state: AppState, dist_dir: PathBuf) -> Router {
    let backend: Arc<dyn app::api::backend::Backend> =
        Arc::new(backend::ServerBackend::new(state.clone()));
    Router::new()
        .merge(health::routes())
        .route(
            "/api/openapi.json",
            axum::routing::get(openapi::openapi_json),
        )
        .nest("/api/v1", api_v1::routes())
        .merge(server_fns::routes(backend))
        .fallback_service(static_files::service(&dist_dir))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            resolve_session,
        ))
        .layer(CompressionLayer::new().compress_when(not_streamed()))
        .layer(trace::layer())
        .with_state(state)
}
