//! PostgreSQL bulk loads: rows sent with `COPY ... FROM STDIN (FORMAT csv)` into a
//! temporary table, then moved into the real table with `INSERT ... SELECT ... ON
//! CONFLICT DO NOTHING`, so that bulk loads stay idempotent by natural key. Used for
//! batches of 200 runs or more (`runs::insert_runs`); SQLite, and smaller batches, use
//! multi-row inserts ([`super::BatchInsert`]). The import's work tables are
//! [`super::bulk_load`]'s, and the rollups send their rows with a `COPY` of their own.

use std::fmt::Write;

use sqlx::{PgConnection, Postgres, Transaction};

use super::StorageResult;

/// CSV text for `COPY`: `None` is NULL (an empty unquoted field), text is always quoted
/// (so that an empty string stays an empty string).
#[derive(Default)]
pub struct CopyRows {
    text: String,
    first_in_row: bool,
}

impl CopyRows {
    pub fn new() -> CopyRows {
        CopyRows {
            text: String::new(),
            first_in_row: true,
        }
    }

    fn separate(&mut self) {
        if !self.first_in_row {
            self.text.push(',');
        }
        self.first_in_row = false;
    }

    pub fn text(&mut self, value: Option<&str>) -> &mut CopyRows {
        self.separate();
        if let Some(value) = value {
            self.text.push('"');
            // Each quote doubled, written in place: a bulk load writes tens of millions
            // of fields, and most hold no quote at all.
            let mut rest = value;
            while let Some(at) = rest.find('"') {
                self.text.push_str(&rest[..=at]);
                self.text.push('"');
                rest = &rest[at + 1..];
            }
            self.text.push_str(rest);
            self.text.push('"');
        }
        self
    }

    pub fn number(&mut self, value: Option<i64>) -> &mut CopyRows {
        self.separate();
        if let Some(value) = value {
            // Formatting into a `String` cannot fail.
            let _ = write!(self.text, "{value}");
        }
        self
    }

    pub fn end_row(&mut self) {
        self.text.push('\n');
        self.first_in_row = true;
    }

    /// Bytes of CSV text so far.
    pub fn bytes(&self) -> usize {
        self.text.len()
    }

    /// The CSV text, leaving the rows empty.
    pub fn take(&mut self) -> Vec<u8> {
        self.first_in_row = true;
        std::mem::take(&mut self.text).into_bytes()
    }
}

/// Copies `rows` into a temporary copy of `table` (emptied at commit), then inserts
/// them into `table`, skipping rows whose key is already there. Answers the `returning`
/// column (a text key) of the rows that were new.
pub async fn copy_into(
    tx: &mut Transaction<'_, Postgres>,
    table: &str,
    columns: &str,
    rows: CopyRows,
    returning: &str,
) -> StorageResult<Vec<String>> {
    let staging = format!("incoming_{table}");
    let connection: &mut PgConnection = tx;
    sqlx::query(&format!(
        "CREATE TEMP TABLE IF NOT EXISTS {staging} (LIKE {table} INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
    ))
    .execute(&mut *connection)
    .await?;
    let mut copy = connection
        .copy_in_raw(&format!(
            "COPY {staging} ({columns}) FROM STDIN (FORMAT csv)"
        ))
        .await?;
    copy.send(rows.text.into_bytes()).await?;
    copy.finish().await?;
    let inserted: Vec<String> = sqlx::query_scalar(&format!(
        "INSERT INTO {table} ({columns}) SELECT {columns} FROM {staging} ON CONFLICT DO NOTHING \
         RETURNING {returning}"
    ))
    .fetch_all(&mut *connection)
    .await?;
    sqlx::query(&format!("TRUNCATE {staging}"))
        .execute(&mut *connection)
        .await?;
    Ok(inserted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nulls_empty_strings_quotes_and_newlines_are_told_apart() {
        let mut rows = CopyRows::new();
        rows.text(Some("a,\"b\"\nc"))
            .text(None)
            .text(Some(""))
            .number(Some(-5))
            .number(None)
            .end_row();
        assert_eq!(rows.text, "\"a,\"\"b\"\"\nc\",,\"\",-5,\n");
        rows.text(Some("\""))
            .text(Some("x\""))
            .number(Some(i64::MIN))
            .end_row();
        assert!(rows
            .text
            .ends_with("\n\"\"\"\",\"x\"\"\",-9223372036854775808\n"));
    }
}
