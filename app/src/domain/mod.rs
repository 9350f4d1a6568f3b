//! Types shared by the browser and the server: what crosses a server function.

pub mod alerts;
pub mod auth;
pub mod board;
pub mod catalog;
pub mod csv;
pub mod error;
pub mod funnel;
pub mod imports;
pub mod incidents;
pub mod indicators;
pub mod runs;
pub mod series_parts;
pub mod status;
pub mod time_range;
pub mod tokens;
pub mod vocabulary;
