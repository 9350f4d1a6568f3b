//! The runs behind the numbers: a page of runs, and one run with its steps.

use leptos::prelude::*;

use crate::domain::error::AppError;
use crate::domain::runs::{RunDetail, RunsPage, RunsQuery};

#[cfg(feature = "ssr")]
use super::backend::{answer, backend, require};
#[cfg(feature = "ssr")]
use crate::domain::auth::Role;

/// A page of runs, newest first, with the counts per status of the range.
#[server(endpoint = "list_runs", input = server_fn::codec::Json)]
pub async fn list_runs(query: RunsQuery) -> Result<RunsPage, AppError> {
    require(Role::Viewer)?;
    answer(backend()?.runs_page(query)).await
}

/// One run with its steps, its neighbours and its incident.
#[server(endpoint = "show_run", input = server_fn::codec::GetUrl)]
pub async fn show_run(run_id: String) -> Result<RunDetail, AppError> {
    require(Role::Viewer)?;
    answer(backend()?.run_detail(run_id)).await
}
