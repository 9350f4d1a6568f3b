use app::api::backend::RequestAuth;
use axum::extract::{Request, State};
use axum::http::header::COOKIE;
use axum::middleware::Next;
use axum::response::Response;

use super::service::SESSION_COOKIE;
use crate::http::AppState;

/// Resolves the session cookie of every request into a [`RequestAuth`] extension,
/// which server functions and API handlers read to check roles.
pub async fn resolve_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = request
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_string())
        .filter(|value| !value.is_empty());
    let user = match &token {
        Some(token) => match state.auth.resolve(token).await {
            Ok(user) => user,
            Err(error) => {
                tracing::error!(%error, "session lookup failed");
                None
            }
        },
        None => None,
    };
    request.extensions_mut().insert(RequestAuth {
        user,
        session_token: token,
    });
    next.run(request).await
}
