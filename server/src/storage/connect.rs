//! Opening the database. [`Database`] holds an `AnyPool`, its [`Engine`] and, on
//! PostgreSQL, a native pool beside it for `COPY` and large typed reads. SQLite runs in
//! WAL mode with `synchronous = FULL` (a committed transaction survives a power loss),
//! foreign keys on; every PostgreSQL session runs with JIT off, `random_page_cost = 1.1`
//! and `plan_cache_mode = force_custom_plan` (`POSTGRES_SESSION`: a statement asked over
//! a day and over a year is planned for each). [`Database::bulk_connection`] is a long
//! bulk write's connection (on SQLite a 64 MiB page cache and in-memory statement
//! journals, closed after use). [`Database::refresh_lock`] makes the rollup refreshes of
//! one process take turns. Each engine's migrations are embedded at build time
//! (`server/build.rs` rebuilds when `migrations/` changes).

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Executor};

use super::{StorageError, StorageResult};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine a `DATABASE_URL` names, or an error naming the setting.
    pub fn from_url(url: &str) -> StorageResult<Engine> {
        let scheme = url.split(':').next().unwrap_or_default();
        match scheme {
            "sqlite" => Ok(Engine::Sqlite),
            "postgres" | "postgresql" => Ok(Engine::Postgres),
            _ => Err(StorageError::UnsupportedScheme(redact(url))),
        }
    }
}

/// The application's database: a connection pool and the engine behind it.
#[derive(Clone, Debug)]
pub struct Database {
    pool: AnyPool,
    engine: Engine,
    /// PostgreSQL only: a native pool for what the `Any` driver does not offer or does
    /// slowly: bulk loads through `COPY`, large typed reads. Connects on first use.
    pg_pool: Option<sqlx::PgPool>,
    /// Taken while derived data (rollups, incidents) is recomputed, shared by every
    /// clone of this database (one process; see ARCHITECTURE.md).
    refresh_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// SQLite only: the database file (`None` for an in-memory database).
    sqlite_file: Option<std::path::PathBuf>,
    /// What this process knows of the change log, shared by every clone.
    change_watch: std::sync::Arc<super::change_watch::ChangeWatch>,
}

/// Settings of every PostgreSQL session. Vigie's queries take milliseconds; compiling
/// one (JIT, chosen by the planner's cost estimate) took 15-30 ms more than it saved.
/// Its tables are read through their indexes from memory or SSD, where a random page
/// costs about what a sequential one does: at the default cost (4) the planner read a
/// day's steps by scanning all of them (1.7 s instead of 26 ms through the key). Every
/// execution of a prepared statement is planned for its own parameters: the same query
/// reads a day or a year, and once PostgreSQL had switched to a plan made for any range
/// (after five runs over a year), a month's incidents took 14 ms instead of 1.3 ms, a
/// time that grew with the history stored.
const POSTGRES_SESSION: &str =
    "SET jit = off; SET random_page_cost = 1.1; SET plan_cache_mode = force_custom_plan";

impl Database {
    /// Opens (and for SQLite, creates) the database, without migrating it.
    pub async fn connect(url: &str) -> StorageResult<Database> {
        sqlx::any::install_default_drivers();
        let engine = Engine::from_url(url)?;
        let full_url = match engine {
            Engine::Sqlite if !url.contains("mode=") => {
                let separator = if url.contains('?') { '&' } else { '?' };
                format!("{url}{separator}mode=rwc")
            }
            _ => url.to_string(),
        };
        let unreachable = |cause: String| StorageError::Unreachable {
            url: redact(url),
            cause,
        };
        let options =
            AnyConnectOptions::from_str(&full_url).map_err(|e| unreachable(e.to_string()))?;
        let pool = AnyPoolOptions::new()
            .max_connections(match engine {
                Engine::Sqlite => 8,
                Engine::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |connection, _meta| {
                Box::pin(async move {
                    if engine == Engine::Sqlite {
                        // WAL for concurrent readers; FULL so that a committed transaction
                        // survives a power loss; wait rather than fail on a busy writer.
                        connection
                            .execute(
                                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                            )
                            .await?;
                    } else {
                        connection.execute(POSTGRES_SESSION).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(|e| unreachable(e.to_string()))?;
        let pg_pool = match engine {
            Engine::Postgres => Some(
                sqlx::postgres::PgPoolOptions::new()
                    // One of them listens for fact change announcements.
                    .max_connections(7)
                    .acquire_timeout(Duration::from_secs(5))
                    .after_connect(|connection, _meta| {
                        Box::pin(async move {
                            connection.execute(POSTGRES_SESSION).await?;
                            Ok(())
                        })
                    })
                    .connect_lazy(url)
                    .map_err(|e| unreachable(e.to_string()))?,
            ),
            Engine::Sqlite => None,
        };
        Ok(Database {
            pool,
            engine,
            pg_pool,
            refresh_lock: std::sync::Arc::default(),
            change_watch: std::sync::Arc::default(),
            sqlite_file: match engine {
                Engine::Sqlite => sqlite_file(url),
                Engine::Postgres => None,
            },
        })
    }

    /// Opens the database and applies the migrations of its engine.
    pub async fn open(url: &str) -> StorageResult<Database> {
        let database = Database::connect(url).await?;
        database.migrate().await?;
        Ok(database)
    }

    pub async fn migrate(&self) -> StorageResult<()> {
        let migrator = match self.engine {
            Engine::Sqlite => &SQLITE_MIGRATIONS,
            Engine::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    /// Whether the database answers a trivial query.
    pub async fn is_ready(&self) -> bool {
        sqlx::query("SELECT 1").execute(&self.pool).await.is_ok()
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// A connection for a long bulk write. On SQLite its page cache is widened (64 MiB
    /// instead of 2) and its statement journals kept in memory, so that a transaction of
    /// millions of rows keeps its hot pages instead of spilling them to the WAL again and
    /// again; it is closed when dropped rather than returned to the pool with that cache.
    pub async fn bulk_connection(&self) -> StorageResult<PoolConnection<Any>> {
        let mut connection = self.pool.acquire().await?;
        if self.engine == Engine::Sqlite {
            connection.close_on_drop();
            (&mut *connection)
                .execute("PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;")
                .await?;
        }
        Ok(connection)
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The lock that recomputations of derived data take turns on.
    pub fn refresh_lock(&self) -> &tokio::sync::Mutex<()> {
        &self.refresh_lock
    }

    /// The SQLite database file (`None` on PostgreSQL and for an in-memory database).
    pub fn sqlite_file(&self) -> Option<&std::path::Path> {
        self.sqlite_file.as_deref()
    }

    /// What this process knows of the change log (see `storage::changes`).
    pub fn change_watch(&self) -> &std::sync::Arc<super::change_watch::ChangeWatch> {
        &self.change_watch
    }

    /// The native PostgreSQL pool (`None` on SQLite).
    pub fn pg_pool(&self) -> Option<&sqlx::PgPool> {
        self.pg_pool.as_ref()
    }

    /// Closes every connection (SQLite checkpoints its WAL on the last close).
    pub async fn close(&self) {
        if let Some(pg_pool) = &self.pg_pool {
            pg_pool.close().await;
        }
        self.pool.close().await;
    }
}

/// The file a `sqlite:` URL names, as sqlx reads it (percent-decoded; `?mode=memory`
/// and `:memory:` in memory), made absolute when it exists so that two spellings of one
/// file give one path; `None` for an in-memory database.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    if !url.starts_with("sqlite:") {
        return None;
    }
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    let in_memory = url.contains("mode=memory") || url.contains(":memory:");
    let path = options.get_filename();
    if in_memory || path.as_os_str().is_empty() {
        return None;
    }
    Some(std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// The URL without its password, for messages and logs.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        let file = |url| sqlite_file(url).map(|path| path.display().to_string());
        assert_eq!(file("sqlite://no-dir/v.db"), Some("no-dir/v.db".into()));
        assert_eq!(file("sqlite:no-dir/v.db"), Some("no-dir/v.db".into()));
        assert_eq!(
            file("sqlite:///no-dir/v%20w.db?mode=rwc"),
            Some("/no-dir/v w.db".into())
        );
        assert_eq!(file("sqlite::memory:"), None);
        assert_eq!(file("sqlite://v.db?mode=memory"), None);
        assert_eq!(file("postgres://h/db"), None);
    }

    #[test]
    fn engines_are_chosen_by_scheme() {
        assert_eq!(
            Engine::from_url("sqlite://vigie.db").ok(),
            Some(Engine::Sqlite)
        );
        assert_eq!(
            Engine::from_url("postgres://u@h/db").ok(),
            Some(Engine::Postgres)
        );
        assert_eq!(
            Engine::from_url("postgresql://u@h/db").ok(),
            Some(Engine::Postgres)
        );
        let error = Engine::from_url("mysql://u:secret@h/db")
            .err()
            .map(|e| e.to_string());
        let message = error.unwrap_or_default();
        assert!(
            message.starts_with("DATABASE_URL: unsupported scheme"),
            "{message}"
        );
        assert!(!message.contains("secret"), "{message}");
    }
}
