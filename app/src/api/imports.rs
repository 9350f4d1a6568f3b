use leptos::prelude::*;

use crate::domain::alerts::AlertSummary;
use crate::domain::error::AppError;
use crate::domain::imports::{
    ImportActivity, ImportDetail, ImportSummary, RejectedPage, RejectedQuery,
};

#[cfg(feature = "ssr")]
use super::backend::{answer, backend, require};
#[cfg(feature = "ssr")]
use crate::domain::auth::Role;

/// The latest imports, newest first (support and admins).
#[server(endpoint = "list_imports", input = server_fn::codec::GetUrl)]
pub async fn list_imports() -> Result<Vec<ImportSummary>, AppError> {
    require(Role::Support)?;
    answer(backend()?.list_imports()).await
}

/// One import's stages and files.
#[server(endpoint = "show_import", input = server_fn::codec::GetUrl)]
pub async fn show_import(import_id: String) -> Result<ImportDetail, AppError> {
    require(Role::Support)?;
    answer(backend()?.import_detail(import_id)).await
}

/// A page of an import's rejected rows, filtered by file and rule.
#[server(endpoint = "import_rejections", input = server_fn::codec::Json)]
pub async fn import_rejections(query: RejectedQuery) -> Result<RejectedPage, AppError> {
    require(Role::Support)?;
    answer(backend()?.import_rejections(query)).await
}

/// Continues a failed or interrupted import in the background (admins).
#[server(endpoint = "resume_import", input = server_fn::codec::Json)]
pub async fn resume_import(import_id: String) -> Result<(), AppError> {
    require(Role::Admin)?;
    answer(backend()?.continue_import(import_id, false)).await
}

/// Runs an import again from the check stage in the background (admins).
#[server(endpoint = "restart_import", input = server_fn::codec::Json)]
pub async fn restart_import(import_id: String) -> Result<(), AppError> {
    require(Role::Admin)?;
    answer(backend()?.continue_import(import_id, true)).await
}

/// The latest in-app alerts (support and admins).
#[server(endpoint = "recent_alerts", input = server_fn::codec::GetUrl)]
pub async fn recent_alerts() -> Result<Vec<AlertSummary>, AppError> {
    require(Role::Support)?;
    answer(backend()?.recent_alerts()).await
}

/// Whether an import is loading data now (every signed-in user; the banner).
#[server(endpoint = "import_banner", input = server_fn::codec::GetUrl)]
pub async fn import_banner() -> Result<ImportActivity, AppError> {
    require(Role::Viewer)?;
    answer(backend()?.import_activity()).await
}
