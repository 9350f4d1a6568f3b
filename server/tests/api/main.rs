//! The server's integration tests, in one binary so that they link once: one module per
//! area, with their helpers in `support` (a database of its own per test on both
//! engines, the real server on loopback, the drop writer, a fake geography service, the
//! final tables compared after an import). Tests that run on both engines use
//! `on_both_engines!`; PostgreSQL is found at `VIGIE_TEST_POSTGRES_URL`.
//! ARCHITECTURE.md's invariant table names the test that checks each invariant.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[macro_use]
mod support;

mod auth;
mod board;
mod config_errors;
mod funnel;
mod geography;
mod import;
mod imports_http;
mod incidents;
mod incidents_api;
mod indicators;
mod ingest;
mod request_logs;
mod runs;
mod scheduler;
mod series_stream;
mod storage;
mod tokens_cli;
