//! The Vigie server: the command line and its configuration ([`cli`]), storage over
//! SQLite and PostgreSQL ([`storage`]), accounts, sessions and API tokens ([`auth`]),
//! the runs behind the numbers ([`drilldown`]), getting data in ([`ingest`]; the daily file import, [`import`], and its [`enrich`]
//! stage), indicators ([`indicators`]), the status board ([`board`]), the HTTP layer
//! ([`http`], started by [`launch`]), personal-data encryption ([`crypto`]), the demo
//! ([`demo`]) and the benchmark ([`bench`]); and small shared pieces ([`clock`],
//! [`hashing`], [`telemetry`]). `main.rs` only parses the command line and calls
//! [`cli::run`]. ARCHITECTURE.md maps the modules.

pub mod auth;
pub mod bench;
pub mod board;
pub mod cli;
pub mod clock;
pub mod crypto;
pub mod demo;
pub mod drilldown;
pub mod enrich;
pub mod hashing;
pub mod http;
pub mod import;
pub mod indicators;
pub mod ingest;
pub mod launch;
pub mod storage;
pub mod telemetry;
