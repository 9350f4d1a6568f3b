//! The HTTP face of Vigie: one origin (one port) for the built front end, the server
//! functions and the versioned JSON API.

mod api_v1;
mod backend;
mod error;
mod export;
mod health;
mod imports;
mod indicators;
mod ingest;
mod openapi;
mod rejections_csv;
mod server_fns;
mod static_files;
mod stream;

use std::path::PathBuf;
use std::sync::Arc;

use axum::middleware;
use axum::Router;
use tokio::sync::watch;
use tower_http::compression::predicate::{NotForContentType, Predicate};
use tower_http::compression::{CompressionLayer, DefaultPredicate};
use tower_http::trace::TraceLayer;

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
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
