//! The reference data a query needs to filter and group: each probe's product, channel
//! and environment, each (product, step)'s service and each error code's category.

use std::collections::{HashMap, HashSet};

use crate::storage::{reference, Database, StorageResult};
use app::domain::indicators::{Filters, GroupBy};

#[derive(Debug, Clone)]
pub struct ProbeInfo {
    pub product: String,
    pub channel: String,
    pub environment: String,
}

#[derive(Debug, Clone, Default)]
pub struct QueryCatalog {
    pub probes: HashMap<String, ProbeInfo>,
    pub step_service: HashMap<(String, String), String>,
    pub error_category: HashMap<String, String>,
}

impl QueryCatalog {
    pub async fn load(db: &Database) -> StorageResult<QueryCatalog> {
        let codes = reference::query_codes(db).await?;
        Ok(QueryCatalog {
            probes: codes
                .probes
                .into_iter()
                .map(|probe| {
                    let info = ProbeInfo {
                        product: probe.product_code,
                        channel: probe.channel,
                        environment: probe.environment,
                    };
                    (probe.probe_code, info)
                })
                .collect(),
            step_service: codes
                .step_services
                .into_iter()
                .map(|step| ((step.product_code, step.step_code), step.service_code))
                .collect(),
            error_category: codes.error_categories.into_iter().collect(),
        })
    }

    /// Probes kept by the probe, product, channel and environment filters (`None`: no
    /// such filter, every probe).
    pub fn probes_matching(&self, filters: &Filters) -> Option<Vec<String>> {
        let constrained = !(filters.probe.is_empty()
            && filters.product.is_empty()
            && filters.channel.is_empty()
            && filters.environment.is_empty());
        if !constrained {
            return None;
        }
        let keeps = Filters::keeps;
        let mut probes: Vec<String> = self
            .probes
            .iter()
            .filter(|(code, info)| {
                keeps(&filters.probe, code)
                    && keeps(&filters.product, &info.product)
                    && keeps(&filters.channel, &info.channel)
                    && keeps(&filters.environment, &info.environment)
            })
            .map(|(code, _)| code.clone())
            .collect();
        probes.sort();
        Some(probes)
    }

    /// The service of a probe's step.
    pub fn service_of(&self, probe: &str, step: &str) -> Option<&String> {
        self.service_of_product_step(&self.probes.get(probe)?.product, step)
    }

    /// The service of a product's step.
    pub fn service_of_product_step(&self, product: &str, step: &str) -> Option<&String> {
        self.step_service
            .get(&(product.to_string(), step.to_string()))
    }

    /// Steps kept by the step and service filters, as codes for SQL (`None`: all), and a
    /// check per (probe, step) for the service filter.
    pub fn steps_matching(&self, filters: &Filters) -> Option<Vec<String>> {
        if filters.step.is_empty() && filters.service.is_empty() {
            return None;
        }
        let services: HashSet<&String> = filters.service.iter().collect();
        let mut steps: Vec<String> = self
            .step_service
            .iter()
            .filter(|((_, step), service)| {
                Filters::keeps(&filters.step, step)
                    && (services.is_empty() || services.contains(service))
            })
            .map(|((_, step), _)| step.clone())
            .collect();
        steps.sort();
        steps.dedup();
        Some(steps)
    }

    /// Whether a fact of `probe` at `step` passes the step and service filters.
    pub fn step_passes(&self, filters: &Filters, probe: &str, step: &str) -> bool {
        Filters::keeps(&filters.step, step)
            && (filters.service.is_empty()
                || self
                    .service_of(probe, step)
                    .is_some_and(|service| filters.service.contains(service)))
    }

    /// The value of `group` for a row; `None` drops the row from a grouped query.
    pub fn group_value(
        &self,
        group: GroupBy,
        probe: &str,
        step: &str,
        error_code: &str,
    ) -> Option<String> {
        let info = self.probes.get(probe);
        match group {
            GroupBy::Probe => Some(probe.to_string()),
            GroupBy::Product => info.map(|info| info.product.clone()),
            GroupBy::Channel => info.map(|info| info.channel.clone()),
            GroupBy::Environment => info.map(|info| info.environment.clone()),
            GroupBy::Step => (!step.is_empty()).then(|| step.to_string()),
            GroupBy::Service => self.service_of(probe, step).cloned(),
            // Successful facts carry no error code: they belong to no error group.
            GroupBy::ErrorCode => (!error_code.is_empty()).then(|| error_code.to_string()),
            // A code missing from `error_codes` (ingest checks them; a later reference
            // drop may remove one) belongs to no category.
            GroupBy::ErrorCategory => self.error_category.get(error_code).cloned(),
        }
    }
}
