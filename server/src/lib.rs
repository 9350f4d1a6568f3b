//! The Vigie server: configuration, storage, authentication, the status board, the
//! demo generator and the HTTP layer. `main.rs` only parses the command line and calls
//! [`cli::run`].

pub mod auth;
pub mod bench;
pub mod board;
pub mod cli;
pub mod clock;
pub mod crypto;
pub mod demo;
pub mod enrich;
pub mod hashing;
pub mod http;
pub mod import;
pub mod indicators;
pub mod ingest;
pub mod launch;
pub mod storage;
pub mod telemetry;
