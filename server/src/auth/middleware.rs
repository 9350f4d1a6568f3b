use app::api::backend::RequestAuth;
use app::domain::auth::{Role, SessionUser};
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use cookie::Cookie;

use super::service::SESSION_COOKIE;
use super::tokens::{Scope, TokenGrant};
use crate::http::trace::record_caller;
use crate::http::{ApiError, AppState};

/// Resolves the session cookie, or an `Authorization: Bearer` API token, of every
/// request into a [`RequestAuth`] extension, which server functions and API handlers
/// read to check roles. A token with the `read` scope reads as the viewer role; the
/// token itself is put in the extensions as a [`TokenGrant`] (for the ingest scope).
pub async fn resolve_session(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let token = session_cookie(request.headers());
    let mut user = match &token {
        Some(token) => match state.auth.resolve(token).await {
            Ok(user) => user,
            Err(error) => {
                tracing::error!(%error, "session lookup failed");
                None
            }
        },
        None => None,
    };
    record_caller(user.as_ref().map(|user| user.username.as_str()), None);
    if let Some(secret) = bearer(request.headers()) {
        match state.tokens.resolve(&secret).await {
            Ok(Some(grant)) => {
                record_caller(None, Some(&grant.token_id));
                if user.is_none() && grant.allows(Scope::Read) {
                    user = Some(token_reader(&grant));
                }
                request.extensions_mut().insert(grant);
            }
            Ok(None) => {}
            // A script told "401" would think its token bad: say the service is down.
            Err(error) => return ApiError::from(error).into_response(),
        }
    }
    request.extensions_mut().insert(RequestAuth {
        user,
        session_token: token,
    });
    next.run(request).await
}

fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|cookie| cookie.name() == SESSION_COOKIE)
        .map(|cookie| cookie.value().to_string())
        .filter(|value| !value.is_empty())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(|secret| secret.trim().to_string())
        .filter(|secret| !secret.is_empty())
}

/// The viewer a `read` token acts as.
fn token_reader(grant: &TokenGrant) -> SessionUser {
    SessionUser {
        username: format!("token:{}", grant.token_id),
        display_name: grant.name.clone(),
        roles: vec![Role::Viewer],
    }
}
