use leptos::prelude::*;

use crate::domain::auth::{SessionUser, UserSummary};
use crate::domain::error::AppError;

#[cfg(feature = "ssr")]
use super::backend::{answer, backend, request_auth, require, set_status};
#[cfg(feature = "ssr")]
use crate::domain::auth::Role;

/// Opens a session: a new session id, set as an HttpOnly cookie.
#[server(endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<SessionUser, AppError> {
    let outcome = answer(backend()?.login(&username, &password)).await?;
    set_cookie(&outcome.set_cookie)?;
    Ok(outcome.user)
}

/// Ends the current session (the session id stops working at once).
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let token = request_auth().session_token.unwrap_or_default();
    let clear = answer(backend()?.logout(&token)).await?;
    set_cookie(&clear)
}

/// The logged-in user, or 401.
#[server(endpoint = "current_user", input = server_fn::codec::GetUrl)]
pub async fn current_user() -> Result<SessionUser, AppError> {
    require(Role::Viewer)
}

/// Every local account with its roles (admin only).
#[server(endpoint = "list_users", input = server_fn::codec::GetUrl)]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    require(Role::Admin)?;
    answer(backend()?.list_users()).await
}

#[cfg(feature = "ssr")]
fn set_cookie(value: &str) -> Result<(), AppError> {
    use http::header::{HeaderValue, SET_COOKIE};
    let value = HeaderValue::from_str(value).map_err(|_| AppError::Internal)?;
    match use_context::<leptos_axum::ResponseOptions>() {
        Some(options) => {
            options.append_header(SET_COOKIE, value);
            Ok(())
        }
        None => {
            let error = AppError::Internal;
            set_status(&error);
            Err(error)
        }
    }
}
