use leptos::prelude::*;

use crate::domain::error::AppError;
use crate::domain::tokens::{ApiTokenSummary, NewApiToken, Scope};

#[cfg(feature = "ssr")]
use super::backend::{answer, backend, require};
#[cfg(feature = "ssr")]
use crate::domain::auth::Role;

/// Every API token, newest first (admin only).
#[server(endpoint = "list_tokens", input = server_fn::codec::GetUrl)]
pub async fn list_tokens() -> Result<Vec<ApiTokenSummary>, AppError> {
    require(Role::Admin)?;
    answer(backend()?.list_tokens()).await
}

/// Creates a token; the answer carries its secret, shown once (admin only).
#[server(endpoint = "create_token", input = server_fn::codec::Json)]
pub async fn create_token(name: String, scopes: Vec<Scope>) -> Result<NewApiToken, AppError> {
    let admin = require(Role::Admin)?;
    answer(backend()?.create_token(name, scopes, admin.username)).await
}

/// Revokes a token (admin only).
#[server(endpoint = "revoke_token", input = server_fn::codec::Json)]
pub async fn revoke_token(token_id: String) -> Result<(), AppError> {
    let admin = require(Role::Admin)?;
    answer(backend()?.revoke_token(token_id, admin.username)).await
}
