//! The `vigie` command line: `serve`, `demo`, `migrate`, `users`, `tokens`, `rollups`,
//! `bench`, `import`. Each setting is a flag or an environment variable (`config`); a
//! wrong one stops start-up with a [`CliError`] that names it.

mod config;
mod import;
mod rollups;
mod serve;
mod tokens;
mod users;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use config::{DatabaseArgs, ServeArgs};

use crate::telemetry::{self, LogFormat};

/// Vigie: supervision of the online subscription chain.
#[derive(Debug, Parser)]
#[command(name = "vigie", version, about)]
pub struct Cli {
    /// Log output: human-readable text, or JSON lines for a central log system.
    #[arg(
        long,
        env = "VIGIE_LOG_FORMAT",
        value_enum,
        default_value = "text",
        global = true
    )]
    pub log_format: LogFormat,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web application and the API.
    Serve(ServeArgs),
    /// Serve with demo accounts, 30 days of demo data and a live simulation.
    Demo(serve::DemoArgs),
    /// Apply the database migrations and exit.
    Migrate(DatabaseArgs),
    /// Manage local accounts.
    #[command(subcommand)]
    Users(users::UsersCommand),
    /// Manage API tokens (scopes ingest, read).
    #[command(subcommand)]
    Tokens(tokens::TokensCommand),
    /// Benchmark ingestion and indicator queries on fresh databases (prints figures).
    Bench(crate::bench::BenchArgs),
    /// Maintain the pre-aggregated indicators.
    #[command(subcommand)]
    Rollups(rollups::RollupsCommand),
    /// Import the daily file drop (exit code 1: the import failed; 2: usage error).
    #[command(subcommand)]
    Import(import::ImportCommand),
}

/// Runs a command; exit code 0 on success, 1 on failure (the reason printed on stderr).
pub async fn run(cli: Cli) -> ExitCode {
    telemetry::init(cli.log_format);
    let outcome = match cli.command {
        Command::Serve(args) => serve::serve(args).await,
        Command::Demo(args) => serve::demo(args).await,
        Command::Migrate(args) => serve::migrate(args).await,
        Command::Users(command) => users::run(command).await,
        Command::Tokens(command) => tokens::run(command).await,
        Command::Rollups(command) => rollups::run(command).await,
        Command::Import(command) => import::run(command).await,
        Command::Bench(args) => crate::bench::run(args)
            .await
            .and_then(|report| report.check_agreement())
            .map_err(CliError::from),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error @ CliError::Usage(_)) => {
            eprintln!("vigie: {error}");
            ExitCode::from(2)
        }
        Err(error) => {
            eprintln!("vigie: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Why a command stopped. Each message names the setting or the step that failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
    #[error("cannot listen on {addr} (VIGIE_HOST/VIGIE_PORT): {cause}")]
    Listen { addr: String, cause: std::io::Error },
    #[error("server error: {0}")]
    Server(std::io::Error),
    #[error(transparent)]
    Auth(#[from] crate::auth::AuthError),
    #[error(transparent)]
    Demo(#[from] crate::demo::DemoError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Bench(#[from] crate::bench::BenchError),
    #[error(transparent)]
    Token(#[from] crate::auth::tokens::TokenError),
    #[error("import failed: {0}")]
    Import(crate::import::PipelineError),
}
