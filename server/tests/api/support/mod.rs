//! Test helpers: a fresh database per test (a temporary SQLite file, or a uniquely named
//! PostgreSQL database that is dropped afterwards), the real server on 127.0.0.1:0, and a
//! fake geography service on loopback ([`geography`]).

pub mod drop;
pub mod geography;
pub mod tables;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use app::domain::auth::Role;
use reqwest::StatusCode;
use tokio::net::TcpListener;
use vigie::auth::AuthService;
use vigie::board::RunNotifier;
use vigie::crypto::{LocalKeyProvider, PersonalDataCipher};
use vigie::launch::{spawn, HttpOptions, RunningServer};
use vigie::storage::{Database, Engine};

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

pub const PASSWORD: &str = "test-password";

/// Runs a test body against SQLite and against PostgreSQL, as two tests.
#[macro_export]
macro_rules! on_both_engines {
    ($body:ident) => {
        mod $body {
            #[tokio::test]
            async fn on_sqlite() -> $crate::support::TestResult {
                super::$body(vigie::storage::Engine::Sqlite).await
            }

            #[tokio::test]
            async fn on_postgres() -> $crate::support::TestResult {
                super::$body(vigie::storage::Engine::Postgres).await
            }
        }
    };
}

/// A database of its own for one test; removed when dropped.
pub struct TestDatabase {
    pub url: String,
    pub db: Database,
    cleanup: Cleanup,
}

enum Cleanup {
    // Held so that the folder lives as long as the database.
    Folder(#[allow(dead_code)] tempfile::TempDir),
    Postgres { admin_url: String, name: String },
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    format!(
        "vigie_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        nanos
    )
}

pub fn postgres_admin_url() -> String {
    std::env::var("VIGIE_TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_string())
}

impl TestDatabase {
    pub async fn new(engine: Engine) -> Result<TestDatabase, Box<dyn std::error::Error>> {
        let (url, cleanup) = match engine {
            Engine::Sqlite => {
                let folder = tempfile::tempdir()?;
                let url = format!("sqlite://{}", folder.path().join("vigie.db").display());
                (url, Cleanup::Folder(folder))
            }
            Engine::Postgres => {
                let admin_url = postgres_admin_url();
                let name = unique_name();
                let admin = Database::connect(&admin_url).await?;
                sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(admin.pool())
                    .await?;
                admin.close().await;
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(base, _)| base)
                    .unwrap_or(&admin_url);
                (
                    format!("{base}/{name}"),
                    Cleanup::Postgres { admin_url, name },
                )
            }
        };
        let db = Database::open(&url).await?;
        Ok(TestDatabase { url, db, cleanup })
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if let Cleanup::Postgres { admin_url, name } = &self.cleanup {
            let (admin_url, name) = (admin_url.clone(), name.clone());
            // Dropping happens outside any async context: use a runtime of our own. The
            // test's pool is not closed first: closing waits for connections that tasks of
            // the (now blocked) test runtime may hold. FORCE ends those sessions.
            let _ = std::thread::spawn(move || {
                let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                else {
                    return;
                };
                runtime.block_on(async move {
                    let drop_database = async {
                        if let Ok(admin) = Database::connect(&admin_url).await {
                            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                            let _ = sqlx::query(&sql).execute(admin.pool()).await;
                            admin.close().await;
                        }
                    };
                    let limit = std::time::Duration::from_secs(20);
                    let _ = tokio::time::timeout(limit, drop_database).await;
                });
            })
            .join();
        }
    }
}

/// The real server on a free loopback port, with one account per role.
pub struct TestApp {
    pub database: TestDatabase,
    pub server: Option<RunningServer>,
    pub base: String,
    pub notifier: RunNotifier,
    _dist: tempfile::TempDir,
}

impl TestApp {
    pub async fn start(engine: Engine) -> Result<TestApp, Box<dyn std::error::Error>> {
        let database = TestDatabase::new(engine).await?;
        Self::start_with(database, 60).await
    }

    pub async fn start_with(
        database: TestDatabase,
        idle_minutes: u32,
    ) -> Result<TestApp, Box<dyn std::error::Error>> {
        let auth = AuthService::new(database.db.clone(), idle_minutes, false);
        for &role in Role::ALL {
            auth.upsert_account(
                role.as_str(),
                &format!("Test {}", role.as_str()),
                PASSWORD,
                &[role],
            )
            .await?;
        }
        let dist = tempfile::tempdir()?;
        std::fs::write(
            dist.path().join("index.html"),
            "<!DOCTYPE html><title>Vigie</title>",
        )?;
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let notifier = RunNotifier::default();
        let server = spawn(
            listener,
            database.db.clone(),
            notifier.clone(),
            HttpOptions {
                dist_dir: PathBuf::from(dist.path()),
                session_idle_minutes: idle_minutes,
                secure_cookie: false,
                cipher: PersonalDataCipher::new(Arc::new(LocalKeyProvider::demo())),
                geography: None,
                warm_up: false,
            },
        )?;
        let base = format!("http://{}", server.addr);
        Ok(TestApp {
            database,
            server: Some(server),
            base,
            notifier,
            _dist: dist,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client with its own cookie jar (one browser).
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap_or_default()
    }

    /// Logs `client` in through the login server function; answers the HTTP status.
    pub async fn login(
        &self,
        client: &reqwest::Client,
        username: &str,
        password: &str,
    ) -> Result<reqwest::Response, reqwest::Error> {
        client
            .post(self.url("/api/login"))
            .form(&[("username", username), ("password", password)])
            .send()
            .await
    }

    /// A client logged in with the account of `role`.
    pub async fn client_as(
        &self,
        role: Role,
    ) -> Result<reqwest::Client, Box<dyn std::error::Error>> {
        let client = self.client();
        let response = self.login(&client, role.as_str(), PASSWORD).await?;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "login as {}",
            role.as_str()
        );
        Ok(client)
    }

    pub async fn stop(&mut self) -> std::io::Result<()> {
        match self.server.take() {
            Some(server) => server.shutdown().await,
            None => Ok(()),
        }
    }
}
