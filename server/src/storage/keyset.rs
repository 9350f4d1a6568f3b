//! Keyset paging of the lists read newest first (runs, incidents): a page starts right
//! after the last row of the one before, by (time, id), both descending. Read from a
//! time index, a page costs the same at the start and at the end of a year, and a row
//! stored while someone pages never moves the rows of the pages still to come.

use super::packed::Param;

/// Where a page starts: after the row at this time with this id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PagePosition {
    pub at_ms: i64,
    pub id: String,
}

/// Appends the condition "after `after`" on `time_column` and `id_column` to `sql`,
/// its values bound after `params`.
pub fn push_after<'a>(
    sql: &mut String,
    params: &mut Vec<Param<'a>>,
    (time_column, id_column): (&str, &str),
    after: &'a PagePosition,
) {
    let n = params.len() + 1;
    sql.push_str(&format!(
        " AND ({time_column} < ${n} OR ({time_column} = ${n} AND {id_column} < ${}))",
        n + 1
    ));
    params.push(Param::Int(after.at_ms));
    params.push(Param::Text(&after.id));
}
