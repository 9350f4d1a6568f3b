//! Reading many rows as one. sqlx hands SQLite rows one at a time from its worker thread
//! (several microseconds per row), so a query that answers tens of thousands of rows
//! spends most of its time in that hand-over. Here the engine packs the whole result
//! into one JSON array of row arrays, which is decoded in one go (measured on 26,000
//! rollup rows: about 100 ms row by row, 13 ms packed). PostgreSQL is the other way
//! round: its native driver hands typed rows over cheaply, and building the JSON cost it
//! more than the read (a month of hourly rollups: 80 ms packed, 33 ms typed), so
//! [`fetch_rows`] reads typed rows there and packed rows on SQLite.

use serde::de::DeserializeOwned;
use sqlx::Row;

use super::batch::AnyQuery;
use super::{Database, Engine, StorageError, StorageResult};

/// SQL answering one text value, the JSON array of `[column, ...]` arrays of the rows
/// of `inner` (whose output columns are named `columns`). Row order is not kept: sort
/// after decoding when it matters.
fn packed_sql(engine: Engine, columns: &[&str], inner: &str) -> String {
    let list = columns.join(", ");
    match engine {
        Engine::Sqlite => {
            format!("SELECT json_group_array(json_array({list})) FROM ({inner}) AS packed")
        }
        Engine::Postgres => format!(
            "SELECT COALESCE(json_agg(json_build_array({list})), '[]'::json)::text FROM ({inner}) AS packed"
        ),
    }
}

/// Runs a query built on [`packed_sql`] and decodes its rows as `T` (a tuple in the
/// order of the columns, `Option` for nullable ones).
async fn fetch_packed<T: DeserializeOwned>(
    db: &Database,
    query: AnyQuery<'_>,
) -> StorageResult<Vec<T>> {
    let row = query.fetch_one(db.pool()).await?;
    let text: Option<String> = row.try_get(0)?;
    serde_json::from_str(text.as_deref().unwrap_or("[]"))
        .map_err(|error| StorageError::Corrupt(format!("packed rows: {error}")))
}

/// A value bound to a [`fetch_rows`] query.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Int(i64),
    Text(&'a str),
}

/// The rows of `sql` (whose output columns are named `columns`) as `T` (a tuple in the
/// order of the columns): typed rows through PostgreSQL's native pool, elsewhere packed
/// (see [`packed_sql`]). Columns are read as `i64`: cast INTEGER ones to BIGINT.
pub async fn fetch_rows<T>(
    db: &Database,
    columns: &[&str],
    sql: &str,
    params: &[Param<'_>],
) -> StorageResult<Vec<T>>
where
    T: DeserializeOwned + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
{
    match db.pg_pool() {
        Some(pool) => {
            let mut query = sqlx::query_as::<_, T>(sql);
            for param in params {
                query = match *param {
                    Param::Int(value) => query.bind(value),
                    Param::Text(value) => query.bind(value),
                };
            }
            Ok(query.fetch_all(pool).await?)
        }
        None => {
            let packed = packed_sql(db.engine(), columns, sql);
            let mut query = sqlx::query(&packed);
            for param in params {
                query = match *param {
                    Param::Int(value) => query.bind(value),
                    Param::Text(value) => query.bind(value),
                };
            }
            fetch_packed(db, query).await
        }
    }
}
