//! Which runs fall in a planned maintenance window: the one definition of the contract's
//! rule (scope `all`, the probe's product, the probe itself, or the service of one of
//! its journey's steps), used by rollups, incidents and the board.

use std::collections::{HashMap, HashSet};

use sqlx::Row;

use crate::storage::reference::MaintenanceWindow;
use crate::storage::{Database, StorageResult};

#[derive(Debug, Clone, Default)]
pub struct MaintenanceIndex {
    windows: Vec<MaintenanceWindow>,
    product_of_probe: HashMap<String, String>,
    services_of_product: HashMap<String, HashSet<String>>,
}

impl MaintenanceIndex {
    pub async fn load(db: &Database) -> StorageResult<MaintenanceIndex> {
        let windows = sqlx::query(
            "SELECT window_id, scope, scope_code, starts_at, ends_at, reason FROM maintenance_windows ORDER BY starts_at",
        )
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|row| {
            Ok(MaintenanceWindow {
                window_id: row.try_get("window_id")?,
                scope: row.try_get("scope")?,
                scope_code: row.try_get("scope_code")?,
                starts_at_ms: row.try_get("starts_at")?,
                ends_at_ms: row.try_get("ends_at")?,
                reason: row.try_get("reason")?,
            })
        })
        .collect::<StorageResult<Vec<_>>>()?;
        let mut index = MaintenanceIndex {
            windows,
            ..MaintenanceIndex::default()
        };
        for row in sqlx::query("SELECT probe_code, product_code FROM probes")
            .fetch_all(db.pool())
            .await?
        {
            index
                .product_of_probe
                .insert(row.try_get("probe_code")?, row.try_get("product_code")?);
        }
        for row in sqlx::query("SELECT product_code, service_code FROM journey_steps")
            .fetch_all(db.pool())
            .await?
        {
            index
                .services_of_product
                .entry(row.try_get("product_code")?)
                .or_default()
                .insert(row.try_get("service_code")?);
        }
        Ok(index)
    }

    /// Whether a window covers `probe_code` at `at_ms` (`[starts_at, ends_at)`).
    pub fn covers(&self, probe_code: &str, at_ms: i64) -> bool {
        self.windows
            .iter()
            .filter(|window| window.starts_at_ms <= at_ms && at_ms < window.ends_at_ms)
            .any(|window| self.window_covers_probe(window, probe_code))
    }

    fn window_covers_probe(&self, window: &MaintenanceWindow, probe_code: &str) -> bool {
        let code = window.scope_code.as_deref().unwrap_or_default();
        let product = self.product_of_probe.get(probe_code);
        match window.scope.as_str() {
            "all" => true,
            "probe" => code == probe_code,
            "product" => product.is_some_and(|product| product == code),
            "service" => product
                .and_then(|product| self.services_of_product.get(product))
                .is_some_and(|services| services.contains(code)),
            _ => false,
        }
    }
}
