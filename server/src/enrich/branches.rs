//! The sales branch of each region, read once per import from `sales_branches`.

use std::collections::HashMap;

use crate::storage::branches::list_branches;
use crate::storage::{Database, StorageResult};

/// Region code → sales branch, as stored when the import read it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SalesBranches {
    by_region: HashMap<String, String>,
}

impl SalesBranches {
    pub async fn load(db: &Database) -> StorageResult<SalesBranches> {
        let by_region = list_branches(db)
            .await?
            .into_iter()
            .map(|row| (row.region_code, row.branch))
            .collect();
        Ok(SalesBranches { by_region })
    }

    /// The branch of a region, if an admin assigned one.
    pub fn branch_for(&self, region_code: &str) -> Option<&str> {
        self.by_region.get(region_code).map(String::as_str)
    }

    pub fn len(&self) -> usize {
        self.by_region.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_region.is_empty()
    }
}
