//! Indicators: rollups (pre-aggregated facts), incidents, and the service that answers
//! series and summaries from them — for the JSON API, the explorer's server functions
//! and the status board alike, so that all give the same numbers.
//!
//! A question goes to [`IndicatorService`]. The window of recent facts ([`recent`])
//! answers it when it holds the range (the last 35 Paris days); otherwise the
//! [`planner`] picks rollup levels and raw edges that [`series`] reads. Either way facts
//! and rows are counted into the same [`series::Cell`]s, whose `value` is each metric's
//! one definition (availability: OK runs over the runs outside maintenance windows).
//! Journey events are counted from their raw rows (`events`). [`refresh`] keeps rollups
//! and incidents in step with raw runs; [`maintenance`] is the one definition of "in a
//! maintenance window".

pub mod catalog;
mod codes;
mod events;
pub mod facts;
pub mod histogram;
pub mod incidents;
pub mod maintenance;
mod params;
pub mod planner;
pub mod recent;
pub mod refresh;
pub mod rollups;
pub mod series;
mod service;
mod stream;
mod summary;

pub use params::{
    parse_funnel_query, parse_incidents_query, parse_runs_query, parse_series_query,
    parse_summary_query, validate_filters,
};
pub use service::resolve_range;
pub use service::IndicatorService;

use crate::storage::StorageError;

#[derive(Debug, thiserror::Error)]
pub enum IndicatorError {
    #[error("invalid parameter '{parameter}': {message}")]
    BadParameter {
        parameter: &'static str,
        message: String,
    },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl IndicatorError {
    pub fn bad(parameter: &'static str, message: impl Into<String>) -> IndicatorError {
        IndicatorError::BadParameter {
            parameter,
            message: message.into(),
        }
    }
}

impl From<sqlx::Error> for IndicatorError {
    fn from(error: sqlx::Error) -> Self {
        IndicatorError::Storage(StorageError::from(error))
    }
}
