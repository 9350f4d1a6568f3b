//! What items refer to: probes and their products, each product's journey steps, and
//! error codes.

use std::collections::{HashMap, HashSet};

use sqlx::Row;

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
        let mut references = References::default();
        for row in sqlx::query("SELECT probe_code, product_code FROM probes")
            .fetch_all(db.pool())
            .await?
        {
            references
                .probe_products
                .insert(row.try_get("probe_code")?, row.try_get("product_code")?);
        }
        for row in sqlx::query("SELECT product_code, step_code FROM journey_steps")
            .fetch_all(db.pool())
            .await?
        {
            references
                .journey_steps
                .insert((row.try_get("product_code")?, row.try_get("step_code")?));
        }
        references.error_codes = sqlx::query_scalar("SELECT error_code FROM error_codes")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .collect();
        references.products = sqlx::query_scalar("SELECT product_code FROM products")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .collect();
        references.services = sqlx::query_scalar("SELECT service_code FROM services")
            .fetch_all(db.pool())
            .await?
            .into_iter()
            .collect();
        Ok(references)
    }
}
