//! Sales branches: the branch that calls prospects back, one per region.

use super::{Database, StorageResult};

/// A region's sales branch.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct SalesBranch {
    pub region_code: String,
    pub branch: String,
    #[sqlx(rename = "updated_at")]
    pub updated_at_ms: i64,
}

/// Sets the branch of a region, replacing the one it had.
pub async fn upsert_branch(
    db: &Database,
    region_code: &str,
    branch: &str,
    now_ms: i64,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO sales_branches (region_code, branch, updated_at) VALUES ($1, $2, $3) \
         ON CONFLICT (region_code) DO UPDATE \
         SET branch = excluded.branch, updated_at = excluded.updated_at",
    )
    .bind(region_code)
    .bind(branch)
    .bind(now_ms)
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Every region's branch, by region code.
pub async fn list_branches(db: &Database) -> StorageResult<Vec<SalesBranch>> {
    Ok(sqlx::query_as(
        "SELECT region_code, branch, updated_at FROM sales_branches ORDER BY region_code",
    )
    .fetch_all(db.pool())
    .await?)
}
