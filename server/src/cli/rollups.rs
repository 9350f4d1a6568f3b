use clap::{Args, Subcommand};

use super::config::DatabaseArgs;
use super::CliError;
use crate::clock::now_ms;
use crate::indicators::refresh;
use crate::storage::Database;
use app::domain::time_range::resolve;

#[derive(Debug, Subcommand)]
pub enum RollupsCommand {
    /// Recompute rollups and incidents from raw runs over [from, to) (whole Paris days).
    Rebuild(RebuildArgs),
}

#[derive(Debug, Args)]
pub struct RebuildArgs {
    #[command(flatten)]
    database: DatabaseArgs,
    /// Start: RFC 3339, epoch ms, or now-30d, now/d... Default: the oldest run.
    #[arg(long)]
    from: Option<String>,
    /// End (exclusive). Default: now.
    #[arg(long, default_value = "now")]
    to: String,
}

pub async fn run(command: RollupsCommand) -> Result<(), CliError> {
    match command {
        RollupsCommand::Rebuild(args) => {
            let now = now_ms();
            let db = Database::open(&args.database.database_url).await?;
            let from = match &args.from {
                Some(text) => resolve(text, now)
                    .map_err(|error| CliError::Usage(format!("--from: {error}")))?,
                None => crate::storage::runs::started_span(&db)
                    .await?
                    .map_or(now, |(first, _)| first),
            };
            let to = resolve(&args.to, now)
                .map_err(|error| CliError::Usage(format!("--to: {error}")))?;
            let started = std::time::Instant::now();
            let days = refresh::rebuild(&db, from, to.max(from + 1)).await?;
            db.close().await;
            println!(
                "rebuilt {days} days of rollups in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
    }
}
