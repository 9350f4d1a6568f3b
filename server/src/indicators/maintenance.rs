//! Which runs fall in a planned maintenance window: the one definition of the contract's
//! rule (scope `all`, the probe's product, the probe itself, or the service of one of
//! its journey's steps), used by rollups, incidents, the board, and the summary's MTBF
//! (the time maintenance took out of a group's counted time).

use std::collections::{HashMap, HashSet};

use app::domain::catalog::MaintenanceScope;

use crate::storage::reference::{self, MaintenanceWindow};
use crate::storage::{Database, StorageResult};

#[derive(Debug, Clone, Default)]
pub struct MaintenanceIndex {
    windows: Vec<MaintenanceWindow>,
    product_of_probe: HashMap<String, String>,
    services_of_product: HashMap<String, HashSet<String>>,
}

impl MaintenanceIndex {
    pub async fn load(db: &Database) -> StorageResult<MaintenanceIndex> {
        let mut index = MaintenanceIndex {
            windows: reference::maintenance_windows(db).await?,
            product_of_probe: reference::probe_products(db).await?,
            ..MaintenanceIndex::default()
        };
        for step in reference::step_services(db).await? {
            index
                .services_of_product
                .entry(step.product_code)
                .or_default()
                .insert(step.service_code);
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

    /// How long, inside `[from_ms, to_ms)`, windows covered every one of `probes` at
    /// once (0 without probes). Coverage only changes at a window's start or end, so
    /// each stretch between two such instants is covered whole or not at all.
    pub fn covered_ms(&self, probes: &[&str], from_ms: i64, to_ms: i64) -> i64 {
        if probes.is_empty() || from_ms >= to_ms {
            return 0;
        }
        let mut instants = vec![from_ms, to_ms];
        for window in &self.windows {
            if window.starts_at_ms < to_ms && window.ends_at_ms > from_ms {
                instants.push(window.starts_at_ms.clamp(from_ms, to_ms));
                instants.push(window.ends_at_ms.clamp(from_ms, to_ms));
            }
        }
        instants.sort_unstable();
        instants.dedup();
        instants
            .windows(2)
            .filter(|stretch| probes.iter().all(|probe| self.covers(probe, stretch[0])))
            .map(|stretch| stretch[1] - stretch[0])
            .sum()
    }

    fn window_covers_probe(&self, window: &MaintenanceWindow, probe_code: &str) -> bool {
        let code = window.scope_code.as_deref().unwrap_or_default();
        let product = self.product_of_probe.get(probe_code);
        match window.scope {
            MaintenanceScope::All => true,
            MaintenanceScope::Probe => code == probe_code,
            MaintenanceScope::Product => product.is_some_and(|product| product == code),
            MaintenanceScope::Service => product
                .and_then(|product| self.services_of_product.get(product))
                .is_some_and(|services| services.contains(code)),
        }
    }
}
