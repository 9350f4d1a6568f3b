//! What items refer to: probes and their products, each product's journey steps, and
//! error codes.

use std::collections::{HashMap, HashSet};

use crate::storage::reference::{self, ReferenceTable};
use crate::storage::{Database, StorageResult};

#[derive(Debug, Clone, Default)]
pub struct References {
    /// Probe code → product code.
    pub probe_products: HashMap<String, String>,
    /// (product code, step code) of every journey step.
    pub journey_steps: HashSet<(String, String)>,
    pub error_codes: HashSet<String>,
    pub products: HashSet<String>,
    pub services: HashSet<String>,
}

impl References {
    /// The references stored in the database.
    pub async fn load(db: &Database) -> StorageResult<References> {
        let set = |codes: Vec<String>| codes.into_iter().collect::<HashSet<String>>();
        Ok(References {
            probe_products: reference::probe_products(db).await?,
            journey_steps: reference::step_services(db)
                .await?
                .into_iter()
                .map(|step| (step.product_code, step.step_code))
                .collect(),
            error_codes: set(reference::codes_of(db, ReferenceTable::ErrorCodes).await?),
            products: set(reference::codes_of(db, ReferenceTable::Products).await?),
            services: set(reference::codes_of(db, ReferenceTable::Services).await?),
        })
    }
}
