//! One process at a time runs a given import. Whoever runs it (`vigie import`, `resume`,
//! `restart`, the web app's buttons, the scheduler) first claims it:
//! - on PostgreSQL with a session advisory lock, held by a connection of its own;
//! - on SQLite with an exclusive lock on a file beside the database
//!   (`<database>.<import id>.lock`, removed on release).
//!
//! The operating system or the database server drops either lock when the process dies,
//! so an import killed in any stage can be resumed at once, and a second `resume` while
//! the first still runs is refused instead of racing it. (On PostgreSQL "at once" means
//! as soon as the server sees the dead client's socket closed; a client machine that
//! vanishes without closing it holds the lock until the server's TCP keepalive gives up.)
//! An in-memory SQLite database belongs to one process: a process-wide set guards it.
//!
//! The claim is checked before each stage ([`ImportClaim::check_held`]): an import
//! whose lock went away under it (its session ended, its lock file removed) stops with
//! `PipelineError::ClaimLost` instead of running beside the next claimant.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use sqlx::Connection;

use super::PipelineError;
use crate::storage::{Database, Engine};

/// Held while an import runs; dropping it releases the import.
pub struct ImportClaim {
    import_id: String,
    _hold: Hold,
}

enum Hold {
    /// The connection that holds the advisory lock (closing it unlocks).
    Postgres { connection: sqlx::AnyConnection },
    /// The locked file, removed from its folder on release.
    File { file: File, path: PathBuf },
    /// An in-memory SQLite database belongs to one process: the id in [`in_process`].
    Process { import_id: String },
}

/// The imports this process runs on an in-memory database.
fn in_process() -> &'static Mutex<HashSet<String>> {
    static RUNNING: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    RUNNING.get_or_init(Mutex::default)
}

impl ImportClaim {
    pub fn import_id(&self) -> &str {
        &self.import_id
    }

    /// Claims `import_id`, or fails with [`PipelineError::AlreadyRunning`] when another
    /// run (in this process or another) holds it.
    pub async fn take(db: &Database, import_id: &str) -> Result<ImportClaim, PipelineError> {
        let hold = match (db.engine(), db.sqlite_file()) {
            (Engine::Postgres, _) => lock_in_postgres(db, import_id).await?,
            (Engine::Sqlite, Some(database_file)) => {
                lock_file(&lock_path(database_file, import_id))
                    .map_err(|error| PipelineError::Staging(format!("import lock: {error}")))?
            }
            (Engine::Sqlite, None) => in_process()
                .lock()
                .map(|mut running| running.insert(import_id.to_string()))
                .unwrap_or(false)
                .then(|| Hold::Process {
                    import_id: import_id.to_string(),
                }),
        };
        match hold {
            Some(hold) => Ok(ImportClaim {
                import_id: import_id.to_string(),
                _hold: hold,
            }),
            None => Err(PipelineError::AlreadyRunning(import_id.to_string())),
        }
    }
}

impl Drop for Hold {
    fn drop(&mut self) {
        match self {
            // Removed while still locked: a process that opened the old file sees that
            // it is no longer the one at `path` and tries again.
            Hold::File { path, .. } => {
                let _ = std::fs::remove_file(path);
            }
            Hold::Process { import_id } => {
                if let Ok(mut running) = in_process().lock() {
                    running.remove(import_id.as_str());
                }
            }
            Hold::Postgres { .. } => {}
        }
    }
}

impl ImportClaim {
    /// Checks that the claim still holds, before each stage. On PostgreSQL the lock
    /// lives as long as its session, which the server may end under a running import (a
    /// restart, an administrator, an idle timeout); on SQLite the lock file may have been
    /// removed. The import then stops with [`PipelineError::ClaimLost`] rather than run
    /// beside whoever claims it next.
    pub async fn check_held(&mut self) -> Result<(), PipelineError> {
        let held = match &mut self._hold {
            Hold::Postgres { connection } => sqlx::query_scalar::<_, bool>(
                "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' \
                     AND pid = pg_backend_pid() AND granted) AS held",
            )
            .fetch_one(&mut *connection)
            .await
            .unwrap_or(false),
            Hold::File { file, path } => is_at_path(file, path).unwrap_or(false),
            Hold::Process { .. } => true,
        };
        if held {
            Ok(())
        } else {
            Err(PipelineError::ClaimLost(self.import_id.clone()))
        }
    }
}

/// The advisory lock's key: a stable 64-bit hash of the import id (FNV-1a).
fn advisory_key(import_id: &str) -> i64 {
    let hash = import_id
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    i64::from_ne_bytes(hash.to_ne_bytes())
}

async fn lock_in_postgres(db: &Database, import_id: &str) -> Result<Option<Hold>, PipelineError> {
    let mut connection = db.pool().acquire().await?.detach();
    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1) AS locked")
        .bind(advisory_key(import_id))
        .fetch_one(&mut connection)
        .await?;
    if locked {
        Ok(Some(Hold::Postgres { connection }))
    } else {
        // Refused either way: a failed close changes nothing.
        let _ = connection.close().await;
        Ok(None)
    }
}

/// Whether `file` is still the file at `path` (not removed, not replaced).
fn is_at_path(file: &File, path: &Path) -> std::io::Result<bool> {
    match std::fs::metadata(path) {
        Ok(at_path) => {
            let held = file.metadata()?;
            Ok((at_path.dev(), at_path.ino()) == (held.dev(), held.ino()))
        }
        Err(_) => Ok(false),
    }
}

/// `vigie.db` → `vigie.db.IMPORT_20261127_051500_001.lock`, beside the database.
fn lock_path(database_file: &Path, import_id: &str) -> PathBuf {
    let mut name = database_file.as_os_str().to_owned();
    name.push(format!(".{import_id}.lock"));
    PathBuf::from(name)
}

/// Locks the file at `path` (creating it), or `None` when another holder has it.
fn lock_file(path: &Path) -> std::io::Result<Option<Hold>> {
    loop {
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
            Err(std::fs::TryLockError::Error(error)) => return Err(error),
        }
        // The file may have been released and removed between open and lock.
        if is_at_path(&file, path)? {
            return Ok(Some(Hold::File {
                file,
                path: path.to_path_buf(),
            }));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_locked_file_is_refused_until_released() -> std::io::Result<()> {
        let folder = tempfile::tempdir()?;
        let path = lock_path(
            &folder.path().join("vigie.db"),
            "IMPORT_20261127_051500_001",
        );
        assert!(path.ends_with("vigie.db.IMPORT_20261127_051500_001.lock"));
        let first = lock_file(&path)?;
        assert!(first.is_some());
        assert!(
            lock_file(&path)?.is_none(),
            "a second claim must be refused"
        );
        drop(first);
        assert!(!path.exists(), "the lock file is removed on release");
        assert!(lock_file(&path)?.is_some());
        Ok(())
    }

    #[tokio::test]
    async fn an_in_memory_database_is_guarded_in_the_process() -> Result<(), PipelineError> {
        let db = Database::connect("sqlite::memory:").await?;
        let id = "IMPORT_20261127_051500_009";
        let first = ImportClaim::take(&db, id).await?;
        assert!(matches!(
            ImportClaim::take(&db, id).await,
            Err(PipelineError::AlreadyRunning(_))
        ));
        assert!(ImportClaim::take(&db, "IMPORT_20261127_051500_010")
            .await
            .is_ok());
        drop(first);
        assert!(ImportClaim::take(&db, id).await.is_ok());
        Ok(())
    }

    #[test]
    fn advisory_keys_differ_between_imports() {
        assert_ne!(
            advisory_key("IMPORT_20261127_051500_001"),
            advisory_key("IMPORT_20261127_051500_002")
        );
        assert_eq!(
            advisory_key("IMPORT_20261127_051500_001"),
            advisory_key("IMPORT_20261127_051500_001")
        );
    }
}
