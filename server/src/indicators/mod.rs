//! Indicators: rollups (pre-aggregated facts), incidents, and the service that answers
//! series and summaries from them — for the JSON API and the explorer's server functions
//! alike, so that both give the same numbers.

mod catalog;
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

pub use params::{parse_series_query, parse_summary_query};
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
