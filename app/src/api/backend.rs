//! The port between server functions (declared here) and the server's services
//! (implemented in the `server` crate). Server-only.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use http::request::Parts;
use http::StatusCode;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::ResponseOptions;

use crate::domain::alerts::AlertSummary;
use crate::domain::auth::{Role, SessionUser, UserSummary};
use crate::domain::board::BoardSnapshot;
use crate::domain::error::AppError;
use crate::domain::funnel::{Funnel, FunnelQuery};
use crate::domain::imports::{
    ImportActivity, ImportDetail, ImportSummary, RejectedPage, RejectedQuery,
};
use crate::domain::incidents::{IncidentDetail, IncidentsPage, IncidentsQuery};
use crate::domain::indicators::{
    ExplorerOptions, SeriesQuery, SeriesResponse, SummaryQuery, SummaryResponse,
};
use crate::domain::runs::{RunDetail, RunsPage, RunsQuery};
use crate::domain::series_parts::SeriesLine;
use crate::domain::tokens::{ApiTokenSummary, NewApiToken, Scope};

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;
/// A stream that owns what it needs (it outlives the request handler's borrows).
pub type BoxStream<T> = Pin<Box<dyn futures::Stream<Item = T> + Send + 'static>>;

/// A login that succeeded: the user and the `Set-Cookie` value that opens the session.
pub struct LoginOutcome {
    pub user: SessionUser,
    pub set_cookie: String,
}

/// What the server functions need from the server.
pub trait Backend: Send + Sync + 'static {
    fn login<'a>(
        &'a self,
        username: &'a str,
        password: &'a str,
    ) -> BoxFuture<'a, Result<LoginOutcome, AppError>>;
    /// Ends the session and answers the `Set-Cookie` value that clears the cookie.
    fn logout<'a>(&'a self, session_token: &'a str) -> BoxFuture<'a, Result<String, AppError>>;
    fn status_board(&self) -> BoxFuture<'_, Result<BoardSnapshot, AppError>>;
    fn list_users(&self) -> BoxFuture<'_, Result<Vec<UserSummary>, AppError>>;
    fn indicators_series(
        &self,
        query: SeriesQuery,
    ) -> BoxFuture<'_, Result<SeriesResponse, AppError>>;
    fn indicators_summary(
        &self,
        query: SummaryQuery,
    ) -> BoxFuture<'_, Result<SummaryResponse, AppError>>;
    /// The series of `query` in parts, each computed when the stream is read; a bad
    /// parameter is refused before the first part.
    fn indicators_series_parts(
        &self,
        query: SeriesQuery,
    ) -> Result<BoxStream<SeriesLine>, AppError>;
    fn explorer_options(&self) -> BoxFuture<'_, Result<ExplorerOptions, AppError>>;
    fn list_tokens(&self) -> BoxFuture<'_, Result<Vec<ApiTokenSummary>, AppError>>;
    fn create_token(
        &self,
        name: String,
        scopes: Vec<Scope>,
        created_by: String,
    ) -> BoxFuture<'_, Result<NewApiToken, AppError>>;
    fn revoke_token(
        &self,
        token_id: String,
        revoked_by: String,
    ) -> BoxFuture<'_, Result<(), AppError>>;
    fn list_imports(&self) -> BoxFuture<'_, Result<Vec<ImportSummary>, AppError>>;
    fn import_detail(&self, import_id: String) -> BoxFuture<'_, Result<ImportDetail, AppError>>;
    fn import_rejections(
        &self,
        query: RejectedQuery,
    ) -> BoxFuture<'_, Result<RejectedPage, AppError>>;
    /// Starts `resume` (or `restart`) of an import in the background.
    fn continue_import(
        &self,
        import_id: String,
        restart: bool,
    ) -> BoxFuture<'_, Result<(), AppError>>;
    fn recent_alerts(&self) -> BoxFuture<'_, Result<Vec<AlertSummary>, AppError>>;
    fn import_activity(&self) -> BoxFuture<'_, Result<ImportActivity, AppError>>;
    fn runs_page(&self, query: RunsQuery) -> BoxFuture<'_, Result<RunsPage, AppError>>;
    fn run_detail(&self, run_id: String) -> BoxFuture<'_, Result<RunDetail, AppError>>;
    fn incidents_page(
        &self,
        query: IncidentsQuery,
    ) -> BoxFuture<'_, Result<IncidentsPage, AppError>>;
    fn incident_detail(
        &self,
        incident_id: String,
    ) -> BoxFuture<'_, Result<IncidentDetail, AppError>>;
    fn funnel(&self, query: FunnelQuery) -> BoxFuture<'_, Result<Funnel, AppError>>;
}

/// The caller of a request, resolved by the server's session middleware and stored
/// in the request's extensions.
#[derive(Clone, Debug, Default)]
pub struct RequestAuth {
    pub user: Option<SessionUser>,
    pub session_token: Option<String>,
}

/// Makes the backend available to the server functions of one request.
pub fn provide_backend(backend: Arc<dyn Backend>) {
    provide_context(backend);
}

pub fn backend() -> Result<Arc<dyn Backend>, AppError> {
    use_context::<Arc<dyn Backend>>().ok_or(AppError::Internal)
}

pub fn request_auth() -> RequestAuth {
    use_context::<Parts>()
        .and_then(|parts| parts.extensions.get::<RequestAuth>().cloned())
        .unwrap_or_default()
}

/// Sets the HTTP status of the current server function's response.
pub fn set_status(error: &AppError) {
    if let Some(options) = use_context::<ResponseOptions>() {
        let status =
            StatusCode::from_u16(error.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        options.set_status(status);
    }
}

/// Answers the logged-in user if they hold `role`; otherwise 401 or 403.
pub fn require(role: Role) -> Result<SessionUser, AppError> {
    let outcome = match request_auth().user {
        None => Err(AppError::Unauthenticated),
        Some(user) if user.has(role) => Ok(user),
        Some(_) => Err(AppError::Forbidden),
    };
    outcome.inspect_err(set_status)
}

/// Runs a backend call and gives its error the right HTTP status.
pub async fn answer<T>(call: impl Future<Output = Result<T, AppError>>) -> Result<T, AppError> {
    call.await.inspect_err(set_status)
}
