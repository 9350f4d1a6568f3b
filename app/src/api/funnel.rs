//! A product's journey funnel (the journeys page).

use leptos::prelude::*;

use crate::domain::error::AppError;
use crate::domain::funnel::{Funnel, FunnelQuery};

#[cfg(feature = "ssr")]
use super::backend::{answer, backend, require};
#[cfg(feature = "ssr")]
use crate::domain::auth::Role;

/// The funnel of a product's real journeys over a range.
#[server(endpoint = "journey_funnel", input = server_fn::codec::Json)]
pub async fn journey_funnel(query: FunnelQuery) -> Result<Funnel, AppError> {
    require(Role::Viewer)?;
    answer(backend()?.funnel(query)).await
}
