use leptos::prelude::*;

use crate::domain::board::BoardSnapshot;
use crate::domain::error::AppError;

#[cfg(feature = "ssr")]
use super::backend::{answer, backend, require};
#[cfg(feature = "ssr")]
use crate::domain::auth::Role;

/// The live status board: every product, its probes and their state now.
#[server(endpoint = "status_board", input = server_fn::codec::GetUrl)]
pub async fn status_board() -> Result<BoardSnapshot, AppError> {
    require(Role::Viewer)?;
    answer(backend()?.status_board()).await
}
