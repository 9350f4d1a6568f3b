//! One folder per page.

pub mod board;
pub mod explorer;
pub mod imports;
pub mod incidents;
pub mod journeys;
pub mod login;
pub mod runs;
pub mod tokens;
pub mod url_query;
pub mod users;
