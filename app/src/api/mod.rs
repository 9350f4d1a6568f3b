//! Server functions: thin doors from the browser to the server's services.
//! Each body checks the caller's role, then calls the [`Backend`](backend::Backend)
//! that the server provides in context.

pub mod auth;
#[cfg(feature = "ssr")]
pub mod backend;
pub mod board;
pub mod funnel;
pub mod imports;
pub mod incidents;
pub mod indicators;
pub mod runs;
pub mod tokens;
