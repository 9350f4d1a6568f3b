//! `vigie demo`: demo accounts, a realistic French catalogue, 30 days of probe history
//! with scripted incidents, real-prospect journeys, two file imports (one with rejected
//! rows, one incomplete), and a live simulation. Deterministic
//! from a seed (for a given start time).

mod accounts;
pub mod catalog;
mod drop;
pub mod journeys;
pub mod probe_runs;
pub mod scenario;
mod simulation;

pub use accounts::DemoAccount;
pub use simulation::simulate;

use crate::auth::{AuthError, AuthService};
use crate::clock::now_ms;
use crate::crypto::{CryptoError, PersonalDataCipher};
use crate::indicators::refresh;
use crate::storage::{reference, Database, StorageError};

#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub seed: u64,
    pub days: u32,
    pub tick_ms: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("demo data could not be stored: {0}")]
    Storage(#[from] StorageError),
    #[error("demo accounts could not be created: {0}")]
    Accounts(#[from] AuthError),
    #[error("demo personal data could not be encrypted: {0}")]
    Crypto(#[from] CryptoError),
}

/// Creates the demo accounts, catalogue and history (only what is missing, so that a
/// second start is quick). Answers the accounts to print.
pub async fn prepare(
    db: &Database,
    cipher: &PersonalDataCipher,
    options: &DemoOptions,
) -> Result<Vec<DemoAccount>, DemoError> {
    let now = now_ms();
    let auth = AuthService::new(db.clone(), 60, false);
    let accounts = accounts::create(&auth).await?;
    let scenario = scenario::Scenario::new(now);
    let catalog = catalog::catalog(&scenario);
    reference::upsert_catalog(db, &catalog).await?;
    let from = now - i64::from(options.days) * 24 * 3_600_000;
    tracing::info!(
        days = options.days,
        "preparing demo history (about 20 seconds on the first start, less afterwards)"
    );
    let (stored, added_from) =
        probe_runs::fill_history(db, &scenario, options.seed, from, now).await?;
    let journeys = journeys::fill_history(db, cipher, &scenario, options.seed, from, now).await?;
    // Rollups and incidents of what was just added. Rollups missing or of an older format
    // are rebuilt before, at start-up (`refresh::ensure_rollups_current`).
    if stored > 0 {
        refresh::rebuild(db, added_from, now + 1).await?;
    }
    drop::seed_imports(db, cipher, &catalog, now).await?;
    tracing::info!(runs = stored, journeys, "demo history ready");
    Ok(accounts)
}
