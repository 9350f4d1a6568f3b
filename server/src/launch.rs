//! Starting and stopping the HTTP server. Tests call [`spawn`] with a listener on
//! `127.0.0.1:0`; `vigie serve` calls it with the configured port and waits for a signal.

use std::net::SocketAddr;
use std::path::PathBuf;

use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::auth::{AuthService, TokenService};
use crate::board::{BoardService, RunNotifier};
use crate::crypto::PersonalDataCipher;
use crate::enrich::GeographyClient;
use crate::http::{router, AppState};
use crate::import::{ImportContext, ImportRunner};
use crate::indicators::IndicatorService;
use crate::ingest::RunRecorder;
use crate::storage::Database;

/// What the HTTP server needs besides its database.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub dist_dir: PathBuf,
    pub session_idle_minutes: u32,
    pub secure_cookie: bool,
    /// Seals personal data that arrives through the API or the file import.
    pub cipher: PersonalDataCipher,
    /// The geography service imports enrich prospects with, when configured.
    pub geography: Option<GeographyClient>,
    /// Whether to load the window of recent facts at start (else at the first question
    /// that needs each day).
    pub warm_up: bool,
}

/// A server running in the background.
pub struct RunningServer {
    pub addr: SocketAddr,
    pub notifier: RunNotifier,
    stop: watch::Sender<bool>,
    task: JoinHandle<std::io::Result<()>>,
}

impl RunningServer {
    /// Stops accepting connections, ends open event streams, lets in-flight requests
    /// finish, and waits for the server to stop.
    pub async fn shutdown(self) -> std::io::Result<()> {
        let _ = self.stop.send(true);
        self.task
            .await
            .unwrap_or_else(|join| Err(std::io::Error::other(join)))
    }

    /// Waits until the server stops (after [`RunningServer::stopper`] is triggered).
    pub async fn wait(self) -> std::io::Result<()> {
        self.task
            .await
            .unwrap_or_else(|join| Err(std::io::Error::other(join)))
    }

    /// A handle that stops the server when sent `true`.
    pub fn stopper(&self) -> watch::Sender<bool> {
        self.stop.clone()
    }
}

/// Serves the application on `listener` until [`RunningServer::shutdown`].
pub fn spawn(
    listener: TcpListener,
    db: Database,
    notifier: RunNotifier,
    options: HttpOptions,
) -> std::io::Result<RunningServer> {
    let addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let indicators = IndicatorService::new(db.clone());
    indicators
        .recent()
        .follow_changes(crate::storage::change_watch::POLL_EVERY);
    if options.warm_up {
        let warming = indicators.clone();
        tokio::spawn(async move {
            let timer = std::time::Instant::now();
            match warming.recent().warm_up(crate::clock::now_ms()).await {
                Ok(()) => tracing::info!(
                    seconds = timer.elapsed().as_secs_f64(),
                    "recent facts loaded in memory"
                ),
                Err(error) => tracing::warn!(%error, "recent facts could not be loaded ahead"),
            }
        });
    }
    let state = AppState {
        auth: AuthService::new(
            db.clone(),
            options.session_idle_minutes,
            options.secure_cookie,
        ),
        tokens: TokenService::new(db.clone()),
        cipher: options.cipher.clone(),
        recorder: RunRecorder::new(db.clone(), notifier.clone()),
        board: BoardService::new(db.clone(), indicators.clone()),
        runs: crate::drilldown::RunService::new(db.clone()),
        incidents: crate::drilldown::IncidentService::new(db.clone()),
        funnel: crate::drilldown::FunnelService::new(db.clone(), indicators.clone()),
        indicators,
        notifier: notifier.clone(),
        imports: ImportRunner::new(ImportContext::new(
            db.clone(),
            options.cipher.clone(),
            options.geography.clone(),
        )),
        shutdown: stopped.clone(),
        db,
    };
    let app = router(state, options.dist_dir);
    let mut until_stopped = stopped;
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = until_stopped.wait_for(|stop| *stop).await;
            })
            .await
    });
    Ok(RunningServer {
        addr,
        notifier,
        stop,
        task,
    })
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn termination_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
