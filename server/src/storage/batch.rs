//! Multi-row inserts ([`BatchInsert`]): up to 1,000 rows per statement, within 9,000
//! parameters on SQLite (anonymous `?` placeholders: sqlx looked each named `$n` up
//! among all of a statement's parameters) and 30,000 on PostgreSQL (`$n`); the next
//! statement is bound while the database runs the current one.

use sqlx::any::AnyArguments;
use sqlx::query::Query;
use sqlx::Any;

use super::Engine;

/// Parameters per statement on SQLite (its limit is 32,766).
const SQLITE_PARAMETERS: usize = 9_000;

/// A multi-row `INSERT ... VALUES (...), (...)`, with the placeholders each engine binds
/// fastest: `?` on SQLite, `$n` on PostgreSQL. The tail must not hold placeholders.
pub struct BatchInsert {
    head: String,
    tail: String,
    columns: usize,
}

impl BatchInsert {
    /// `head` is `INSERT INTO t (a, b)`, `tail` what follows the values
    /// (such as `ON CONFLICT DO NOTHING`).
    pub fn new(head: &str, columns: usize, tail: &str) -> BatchInsert {
        BatchInsert {
            head: head.to_string(),
            tail: tail.to_string(),
            columns,
        }
    }

    /// How many rows to put in one statement on `engine`.
    ///
    /// On SQLite the placeholders are anonymous (`?`), which sqlx binds in order: named
    /// ones (`$n`) made sqlx look each name up among all of the statement's parameters,
    /// so that a statement cost the square of its parameter count. PostgreSQL allows
    /// 65,535 parameters and prefers large statements.
    pub fn rows_per_statement(&self, engine: Engine) -> usize {
        let parameters = match engine {
            Engine::Sqlite => SQLITE_PARAMETERS,
            Engine::Postgres => 30_000,
        };
        (parameters / self.columns.max(1)).clamp(1, 1_000)
    }

    /// The SQL for `rows` rows on `engine`.
    pub fn sql(&self, engine: Engine, rows: usize) -> String {
        let mut sql = String::with_capacity(self.head.len() + rows * self.columns * 5);
        sql.push_str(&self.head);
        sql.push_str(" VALUES ");
        let mut parameter = 1;
        for row in 0..rows {
            if row > 0 {
                sql.push(',');
            }
            sql.push('(');
            for column in 0..self.columns {
                if column > 0 {
                    sql.push(',');
                }
                match engine {
                    Engine::Sqlite => sql.push('?'),
                    Engine::Postgres => {
                        sql.push('$');
                        sql.push_str(&parameter.to_string());
                        parameter += 1;
                    }
                }
            }
            sql.push(')');
        }
        sql.push(' ');
        sql.push_str(&self.tail);
        sql
    }
}

/// A query over `Any` ready for binding.
pub type AnyQuery<'q> = Query<'q, Any, AnyArguments<'q>>;

impl BatchInsert {
    /// Writes every row on `connection`, as many per statement as suit `engine`; `bind`
    /// binds one row's values in column order. The next statement is bound while the
    /// database runs the current one.
    pub async fn execute_all<'r, T>(
        &self,
        connection: &mut sqlx::AnyConnection,
        engine: Engine,
        rows: &'r [T],
        bind: impl for<'q> Fn(AnyQuery<'q>, &'q T) -> AnyQuery<'q>,
    ) -> super::StorageResult<()> {
        let per_statement = self.rows_per_statement(engine);
        let full_sql = if rows.len() >= per_statement {
            self.sql(engine, per_statement)
        } else {
            String::new()
        };
        let last_sql = self.sql(engine, rows.len() % per_statement);
        let build = |chunk: &'r [T]| {
            let sql = if chunk.len() == per_statement {
                full_sql.as_str()
            } else {
                last_sql.as_str()
            };
            bound(sql, chunk, &bind)
        };
        let mut chunks = rows.chunks(per_statement);
        let mut next = chunks.next().map(&build);
        while let Some(query) = next.take() {
            let mut execution = std::pin::pin!(query.execute(&mut *connection));
            // The first poll hands the statement to the database; bind the next meanwhile.
            let started = futures::poll!(execution.as_mut());
            next = chunks.next().map(&build);
            match started {
                std::task::Poll::Ready(result) => result?,
                std::task::Poll::Pending => execution.await?,
            };
        }
        Ok(())
    }
}

/// `sql` with the values of `rows` bound in order.
fn bound<'q, T>(
    sql: &'q str,
    rows: &'q [T],
    bind: &impl Fn(AnyQuery<'q>, &'q T) -> AnyQuery<'q>,
) -> AnyQuery<'q> {
    rows.iter().fold(sqlx::query(sql), bind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_in_order() {
        let insert = BatchInsert::new("INSERT INTO t (a, b)", 2, "ON CONFLICT DO NOTHING");
        assert_eq!(
            insert.sql(Engine::Postgres, 2),
            "INSERT INTO t (a, b) VALUES ($1,$2),($3,$4) ON CONFLICT DO NOTHING"
        );
        assert_eq!(
            insert.sql(Engine::Sqlite, 2),
            "INSERT INTO t (a, b) VALUES (?,?),(?,?) ON CONFLICT DO NOTHING"
        );
    }
}
