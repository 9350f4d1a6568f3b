use std::net::SocketAddr;
use std::sync::Arc;

use clap::Args;
use tokio::net::TcpListener;

use super::config::{DatabaseArgs, ServeArgs};
use super::CliError;
use crate::board::RunNotifier;
use crate::crypto::{LocalKeyProvider, PersonalDataCipher};
use crate::demo::{self, DemoOptions};
use crate::enrich::GeographyClient;
use crate::import::scheduler::Scheduler;
use crate::import::ImportContext;
use crate::indicators::refresh;
use crate::launch::{self, HttpOptions, RunningServer};
use crate::storage::{redact_url, Database};

#[derive(Debug, Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub serve: ServeArgs,

    /// Seed of the demo generator (same seed, same data).
    #[arg(long, env = "VIGIE_DEMO_SEED", default_value_t = 42)]
    pub seed: u64,

    /// Days of history to generate.
    #[arg(long, env = "VIGIE_DEMO_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=400))]
    pub days: u32,

    /// Milliseconds between two simulated live runs (probes in turn). The default keeps
    /// each of the 20 demo probes at one run every 5 minutes, as in the history, so that
    /// run volumes do not jump at "now"; lower it for a livelier board.
    #[arg(long, env = "VIGIE_DEMO_TICK_MS", default_value_t = 15_000,
          value_parser = clap::value_parser!(u64).range(200..=600_000))]
    pub tick_ms: u64,
}

pub async fn migrate(args: DatabaseArgs) -> Result<(), CliError> {
    let db = Database::open(&args.database_url).await?;
    tracing::info!(database = %redact_url(&args.database_url), "migrations applied");
    db.close().await;
    Ok(())
}

pub async fn serve(args: ServeArgs) -> Result<(), CliError> {
    let cipher = PersonalDataCipher::new(Arc::new(args.key_provider()?));
    args.check_front_end()?;
    let listener = bind(&args).await?;
    let db = Database::open(&args.database.database_url).await?;
    refresh::ensure_rollups_current(&db).await?;
    let schedule = args.schedule.config()?;
    let geography = args.geography.client()?;
    let server = start(
        listener,
        db.clone(),
        RunNotifier::default(),
        cipher.clone(),
        geography.clone(),
        &args,
    )?;
    let scheduler = schedule.map(|config| {
        let context = ImportContext::new(db.clone(), cipher, geography);
        tokio::spawn(Scheduler::new(context, config).run())
    });
    println!("Vigie is running on http://{}", server.addr);
    let outcome = run_until_signal(server, db).await;
    if let Some(scheduler) = scheduler {
        scheduler.abort();
    }
    outcome
}

pub async fn demo(args: DemoArgs) -> Result<(), CliError> {
    let keys = match args.serve.data_key {
        Some(_) => args.serve.key_provider()?,
        None => {
            tracing::warn!("VIGIE_DATA_KEY is not set: the demo uses its own fixed key, never use it for real data");
            LocalKeyProvider::demo()
        }
    };
    args.serve.check_front_end()?;
    let listener = bind(&args.serve).await?;
    let db = Database::open(&args.serve.database.database_url).await?;
    refresh::ensure_rollups_current(&db).await?;
    let notifier = RunNotifier::default();
    let options = DemoOptions {
        seed: args.seed,
        days: args.days,
        tick_ms: args.tick_ms,
    };
    let cipher = PersonalDataCipher::new(Arc::new(keys));
    let accounts = demo::prepare(&db, &cipher, &options).await?;
    let server = start(
        listener,
        db.clone(),
        notifier.clone(),
        cipher.clone(),
        args.serve.geography.client()?,
        &args.serve,
    )?;
    let simulation = tokio::spawn(demo::simulate(db.clone(), notifier, cipher, options));
    println!();
    println!("Vigie demo is running on http://{}", server.addr);
    println!("Demo accounts (username / password / roles):");
    for account in &accounts {
        println!(
            "  {:<8} / {:<14} / {}",
            account.username, account.password, account.roles
        );
    }
    println!();
    let outcome = run_until_signal(server, db).await;
    simulation.abort();
    outcome
}

async fn bind(args: &ServeArgs) -> Result<TcpListener, CliError> {
    let addr = SocketAddr::new(args.host, args.port);
    TcpListener::bind(addr)
        .await
        .map_err(|cause| CliError::Listen {
            addr: addr.to_string(),
            cause,
        })
}

fn start(
    listener: TcpListener,
    db: Database,
    notifier: RunNotifier,
    cipher: PersonalDataCipher,
    geography: Option<GeographyClient>,
    args: &ServeArgs,
) -> Result<RunningServer, CliError> {
    launch::spawn(
        listener,
        db,
        notifier,
        HttpOptions {
            dist_dir: args.dist_dir.clone(),
            session_idle_minutes: args.session_idle_minutes,
            secure_cookie: args.secure_cookie,
            cipher,
            geography,
            warm_up: true,
        },
    )
    .map_err(CliError::Server)
}

async fn run_until_signal(server: RunningServer, db: Database) -> Result<(), CliError> {
    let stopper = server.stopper();
    tokio::spawn(async move {
        launch::termination_signal().await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = stopper.send(true);
    });
    let outcome = server.wait().await.map_err(CliError::Server);
    db.close().await;
    tracing::info!("stopped");
    outcome
}
