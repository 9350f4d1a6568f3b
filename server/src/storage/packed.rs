//! Reading many rows fast, as a tuple type decoded through serde.
//!
//! sqlx hands SQLite rows from its worker thread one at a time (several microseconds per
//! row), so a query that answers tens of thousands of rows spends most of its time in
//! that hand-over. There the engine packs the whole result into one JSON array of row
//! arrays, which is decoded in one go (measured on 26,000 rollup rows: about 100 ms row by
//! row, 13 ms packed).
//!
//! PostgreSQL is the other way round: its native driver hands typed rows over cheaply,
//! and building JSON cost it more than the read (a month of hourly rollups: 80 ms packed,
//! 33 ms typed; one array per column, 52 ms). Its rows are decoded column by column with
//! each column's type looked at once per query instead of once per value (sqlx's checked
//! `try_get` clones and compares the type on every call: a third of the decoding time).
//!
//! [`fetch_rows`] decodes every row into a tuple; [`visit_rows`] hands each row to a
//! sink that borrows its text, so that a reader of millions of rows that keeps a few
//! distinct values (the rollups' facts) allocates nothing per row.

use serde::de::value::{Error as ValueError, SeqAccessDeserializer};
use serde::de::{DeserializeOwned, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::forward_to_deserialize_any;
use sqlx::any::AnyArguments;
use sqlx::postgres::PgRow;
use sqlx::query::{Query, QueryAs};
use sqlx::{Column, Encode, Row, Type, TypeInfo};

use super::{Database, StorageError, StorageResult};

/// SQLite SQL answering one text value, the JSON array of `[column, ...]` arrays of the
/// rows of `inner` (whose output columns are named `columns`). Row order is not kept:
/// sort after decoding when it matters.
fn packed_sql(columns: &[&str], inner: &str) -> String {
    format!(
        "SELECT json_group_array(json_array({})) FROM ({inner}) AS packed",
        columns.join(", ")
    )
}

/// A value bound to a [`fetch_rows`] query.
#[derive(Debug, Clone, Copy)]
pub enum Param<'a> {
    Int(i64),
    Text(&'a str),
}

/// The rows of `sql` (whose output columns are named `columns`) as `T` (a tuple in the
/// order of the columns, `Option` for nullable ones): typed rows through PostgreSQL's
/// native pool, packed on SQLite (see [`packed_sql`]). Columns are read as `i64` or
/// text: cast other types (INTEGER, booleans) to BIGINT.
pub async fn fetch_rows<T: DeserializeOwned>(
    db: &Database,
    columns: &[&str],
    sql: &str,
    params: &[Param<'_>],
) -> StorageResult<Vec<T>> {
    let mut rows = Collect(Vec::new());
    visit_rows(db, columns, sql, params, &mut rows).await?;
    Ok(rows.0)
}

/// Rows decoded into owned values, kept in order.
struct Collect<T>(Vec<T>);

impl<T: DeserializeOwned> RowSink for Collect<T> {
    fn row<'de, D: Deserializer<'de>>(&mut self, row: D) -> Result<(), D::Error> {
        self.0.push(T::deserialize(row)?);
        Ok(())
    }
}

/// Takes the rows of a [`visit_rows`] query one at a time, each as a serde deserializer
/// of the row's cells in column order, whose text it may borrow while it reads them.
pub trait RowSink {
    fn row<'de, D: Deserializer<'de>>(&mut self, row: D) -> Result<(), D::Error>;
}

/// Hands each row of `sql` (see [`fetch_rows`]) to `sink` instead of decoding every
/// row into owned values first: a reader that keeps a few distinct values of millions
/// of rows (the rollups' facts) allocates none per row.
pub async fn visit_rows<S: RowSink>(
    db: &Database,
    columns: &[&str],
    sql: &str,
    params: &[Param<'_>],
    sink: &mut S,
) -> StorageResult<()> {
    let corrupt = |error: ValueError| StorageError::Corrupt(format!("rows: {error}"));
    match db.pg_pool() {
        Some(pool) => {
            let rows = bind_all(sqlx::query(sql), params).fetch_all(pool).await?;
            let Some(first) = rows.first() else {
                return Ok(());
            };
            let kinds = column_kinds(first)?;
            for row in &rows {
                sink.row(SeqAccessDeserializer::new(PgCells {
                    row,
                    kinds: &kinds,
                    next: 0,
                }))
                .map_err(corrupt)?;
            }
            Ok(())
        }
        None => {
            let packed = packed_sql(columns, sql);
            let row = bind_all(sqlx::query(&packed), params)
                .fetch_one(db.pool())
                .await?;
            let text: Option<String> = row.try_get(0)?;
            let mut rows = serde_json::Deserializer::from_str(text.as_deref().unwrap_or("[]"));
            rows.deserialize_seq(RowsVisitor(sink))
                .and_then(|()| rows.end())
                .map_err(|error| StorageError::Corrupt(format!("packed rows: {error}")))
        }
    }
}

/// The packed JSON array of rows, each handed to the sink as it is read.
struct RowsVisitor<'s, S>(&'s mut S);

impl<'de, S: RowSink> Visitor<'de> for RowsVisitor<'_, S> {
    type Value = ();

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("an array of rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut rows: A) -> Result<(), A::Error> {
        while rows.next_element_seed(OneRow(&mut *self.0))?.is_some() {}
        Ok(())
    }
}

/// One packed row, handed to the sink.
struct OneRow<'s, S>(&'s mut S);

impl<'de, S: RowSink> DeserializeSeed<'de> for OneRow<'_, S> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, row: D) -> Result<(), D::Error> {
        self.0.row(row)
    }
}

/// Appends ` AND {column} IN ($n, ...)` to `sql`, its values bound after `params`.
pub fn push_in<'a>(
    sql: &mut String,
    params: &mut Vec<Param<'a>>,
    column: &str,
    values: impl ExactSizeIterator<Item = &'a str>,
) {
    let first = params.len() + 1;
    let placeholders: Vec<String> = (first..first + values.len())
        .map(|n| format!("${n}"))
        .collect();
    sql.push_str(&format!(" AND {column} IN ({})", placeholders.join(", ")));
    params.extend(values.map(Param::Text));
}

/// A `query_as` on the `Any` pool with `params` bound in order.
pub fn bind_all_as<'q, O>(
    mut query: QueryAs<'q, sqlx::Any, O, AnyArguments<'q>>,
    params: &[Param<'q>],
) -> QueryAs<'q, sqlx::Any, O, AnyArguments<'q>> {
    for param in params {
        query = match *param {
            Param::Int(value) => query.bind(value),
            Param::Text(value) => query.bind(value),
        };
    }
    query
}

/// `query` with `params` bound in order, whichever driver runs it.
fn bind_all<'q, DB>(
    mut query: Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>,
    params: &[Param<'q>],
) -> Query<'q, DB, <DB as sqlx::Database>::Arguments<'q>>
where
    DB: sqlx::Database,
    i64: Encode<'q, DB> + Type<DB>,
    &'q str: Encode<'q, DB> + Type<DB>,
{
    for param in params {
        query = match *param {
            Param::Int(value) => query.bind(value),
            Param::Text(value) => query.bind(value),
        };
    }
    query
}

/// How a PostgreSQL column is decoded.
#[derive(Debug, Clone, Copy)]
enum ColumnKind {
    Int,
    Text,
}

/// The kind of each column of `row`, checked once for all rows of a query.
fn column_kinds(row: &PgRow) -> StorageResult<Vec<ColumnKind>> {
    row.columns()
        .iter()
        .map(|column| match column.type_info().name() {
            "INT8" => Ok(ColumnKind::Int),
            "TEXT" | "VARCHAR" | "BPCHAR" | "NAME" => Ok(ColumnKind::Text),
            other => Err(StorageError::Corrupt(format!(
                "column {} is {other}: read columns as BIGINT or text",
                column.name()
            ))),
        })
        .collect()
}

/// The cells of one PostgreSQL row, handed to serde in column order.
struct PgCells<'r> {
    row: &'r PgRow,
    kinds: &'r [ColumnKind],
    next: usize,
}

impl<'de> SeqAccess<'de> for PgCells<'de> {
    type Error = ValueError;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, ValueError> {
        let Some(kind) = self.kinds.get(self.next) else {
            return Ok(None);
        };
        let index = self.next;
        self.next += 1;
        // The column's type was checked by `column_kinds`.
        let cell = match kind {
            ColumnKind::Int => Cell::Int(
                self.row
                    .try_get_unchecked(index)
                    .map_err(serde::de::Error::custom)?,
            ),
            ColumnKind::Text => Cell::Text(
                self.row
                    .try_get_unchecked(index)
                    .map_err(serde::de::Error::custom)?,
            ),
        };
        seed.deserialize(cell).map(Some)
    }
}

/// One value of a row, handed to serde as what it is.
enum Cell<'r> {
    Int(Option<i64>),
    Text(Option<&'r str>),
}

impl<'de> Deserializer<'de> for Cell<'de> {
    type Error = ValueError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self {
            Cell::Int(Some(value)) => visitor.visit_i64(value),
            Cell::Text(Some(value)) => visitor.visit_borrowed_str(value),
            Cell::Int(None) | Cell::Text(None) => visitor.visit_none(),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, ValueError> {
        match self {
            Cell::Int(None) | Cell::Text(None) => visitor.visit_none(),
            value => visitor.visit_some(value),
        }
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}
