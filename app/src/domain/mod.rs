//! Types shared by the browser and the server: what crosses a server function.

pub mod auth;
pub mod board;
pub mod error;
pub mod imports;
pub mod indicators;
pub mod series_parts;
pub mod time_range;
pub mod tokens;
