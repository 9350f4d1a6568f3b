//! The incidents behind the availability figures: a page of incidents with the range's
//! maintenance windows, and one incident with its runs and impact.

use leptos::prelude::*;

use crate::domain::error::AppError;
use crate::domain::incidents::{IncidentDetail, IncidentsPage, IncidentsQuery};

#[cfg(feature = "ssr")]
use super::backend::{answer, backend, require};
#[cfg(feature = "ssr")]
use crate::domain::auth::Role;

/// A page of the incidents that overlap the range, newest first.
#[server(endpoint = "list_incidents", input = server_fn::codec::Json)]
pub async fn list_incidents(query: IncidentsQuery) -> Result<IncidentsPage, AppError> {
    require(Role::Viewer)?;
    answer(backend()?.incidents_page(query)).await
}

/// One incident with its failed runs, its steps' errors and its impact.
#[server(endpoint = "show_incident", input = server_fn::codec::GetUrl)]
pub async fn show_incident(incident_id: String) -> Result<IncidentDetail, AppError> {
    require(Role::Viewer)?;
    answer(backend()?.incident_detail(incident_id)).await
}
