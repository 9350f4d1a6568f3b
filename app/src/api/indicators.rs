use leptos::prelude::*;

use crate::domain::error::AppError;
use crate::domain::indicators::{
    ExplorerOptions, SeriesQuery, SeriesResponse, SummaryQuery, SummaryResponse,
};

#[cfg(feature = "ssr")]
use super::backend::{answer, backend, require, set_status};
#[cfg(feature = "ssr")]
use crate::domain::auth::Role;

/// Series of one metric, as `GET /api/v1/indicators/series` computes them.
#[server(endpoint = "indicators_series", input = server_fn::codec::Json)]
pub async fn indicators_series(query: SeriesQuery) -> Result<SeriesResponse, AppError> {
    require(Role::Viewer)?;
    answer(backend()?.indicators_series(query)).await
}

/// The summary table, as `GET /api/v1/indicators/summary` computes it.
#[server(endpoint = "indicators_summary", input = server_fn::codec::Json)]
pub async fn indicators_summary(query: SummaryQuery) -> Result<SummaryResponse, AppError> {
    require(Role::Viewer)?;
    answer(backend()?.indicators_summary(query)).await
}

/// What the explorer's filters can choose from.
#[server(endpoint = "explorer_options", input = server_fn::codec::GetUrl)]
pub async fn load_explorer_options() -> Result<ExplorerOptions, AppError> {
    require(Role::Viewer)?;
    answer(backend()?.explorer_options()).await
}

/// The same series as [`indicators_series`], sent in parts as they are computed: one
/// [`SeriesLine`](crate::domain::series_parts::SeriesLine) per line of JSON. Dropping the
/// stream in the browser closes the request, and the server stops computing.
#[server(
    endpoint = "indicators_series_stream",
    input = server_fn::codec::Json,
    output = server_fn::codec::StreamingText
)]
pub async fn indicators_series_stream(
    query: SeriesQuery,
) -> Result<server_fn::codec::TextStream<AppError>, AppError> {
    use futures::StreamExt;

    require(Role::Viewer)?;
    let lines = backend()?
        .indicators_series_parts(query)
        .inspect_err(set_status)?;
    Ok(server_fn::codec::TextStream::new(
        lines.map(|line| Ok(line.to_json_line())),
    ))
}
