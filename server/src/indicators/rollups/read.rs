//! Reading rollups: the rows of one level with `from <= bucket_start < to`
//! ([`read_rows`]), kept by probe, step and error code ([`RowFilter`]) and decoded
//! through `storage::packed`. Rows are read by `(kind, resolution, bucket_start)`
//! ranges, the key's order, so that a query's cost follows its range and not the
//! history stored. A question without percentiles may have the engine sum the rows into
//! the series' fixed-width buckets first ([`Fold`]), keeping probes and error codes
//! apart only when the series tells them apart; it is asked only when that leaves far
//! fewer rows (summing costs the engine a sort).

use super::{Resolution, RollupRow, RowKey};
use crate::indicators::facts::{FactKind, Tally};
use crate::indicators::histogram::Histogram;
use crate::storage::packed::{fetch_rows, push_in, Param};
use crate::storage::{Database, StorageResult};

/// Which rollup rows a query reads.
#[derive(Debug, Clone, Default)]
pub struct RowFilter {
    /// Probes to read (`None`: all).
    pub probes: Option<Vec<String>>,
    /// Steps to read (`None`: all); only for step facts.
    pub steps: Option<Vec<String>>,
    /// Error codes to read (`None`: all).
    pub error_codes: Option<Vec<String>>,
    /// Whether histograms are needed (percentiles).
    pub with_histograms: bool,
    /// Without histograms: how far the database may sum rows before they are read.
    pub fold: Option<Fold>,
}

/// Rows summed in the database, for questions without percentiles: the engine returns
/// one row per series bucket and kept column instead of every stored row (a week of
/// quarter-hour rows for 20 probes, ungrouped: 672 rows instead of 13,440).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Fold {
    /// Width of the series' buckets when fixed (bucket starts are multiples of it);
    /// 0 for calendar buckets, whose rows keep their own start.
    pub width_ms: i64,
    /// Whether rows of different probes stay apart (grouping by probe or by what a
    /// probe belongs to, or step facts, whose steps are told apart per product).
    pub probe: bool,
    /// Whether rows of different error codes stay apart (grouping by error code).
    pub error_code: bool,
}

/// Rollup rows of one resolution with `from <= bucket_start < to`.
pub async fn read_rows(
    db: &Database,
    kind: FactKind,
    resolution: Resolution,
    from: i64,
    to: i64,
    filter: &RowFilter,
) -> StorageResult<Vec<RollupRow>> {
    // Summing costs the engine a sort: only worth it when it leaves far fewer rows, that
    // is when probes are summed together or several stored buckets make a series one
    // (a month of hourly rows per probe for hourly buckets would only lose the rows
    // split by error code).
    let fold = filter.fold.filter(|fold| {
        !filter.with_histograms
            && (!fold.probe || fold.width_ms > resolution.fixed_width_ms().unwrap_or(i64::MAX))
    });
    let mut sql = select_clause(fold, filter.with_histograms);
    sql.push_str(
        " WHERE kind = $1 AND resolution = $2 AND bucket_start >= $3 AND bucket_start < $4",
    );
    let mut params = vec![
        Param::Text(kind.code()),
        Param::Text(resolution.code()),
        Param::Int(from),
        Param::Int(to),
    ];
    for (column, list) in [
        ("probe_code", &filter.probes),
        ("step_code", &filter.steps),
        ("error_code", &filter.error_codes),
    ] {
        if let Some(list) = list {
            if list.is_empty() {
                return Ok(Vec::new());
            }
            push_in(
                &mut sql,
                &mut params,
                column,
                list.iter().map(String::as_str),
            );
        }
    }
    if fold.is_some() {
        sql.push_str(" GROUP BY 1, 2, 3, 4, 5");
    }
    let rows: Vec<PackedRow> = fetch_rows(db, &ROW_COLUMNS, &sql, &params).await?;
    Ok(rows.into_iter().map(decode).collect())
}

/// The columns of [`ROW_COLUMNS`], as stored or summed into the fold's buckets.
fn select_clause(fold: Option<Fold>, with_histograms: bool) -> String {
    match fold {
        None => {
            let histogram = if with_histograms {
                "histogram"
            } else {
                "'' AS histogram"
            };
            format!(
                "SELECT bucket_start, probe_code, step_code, error_code, CAST(in_maintenance AS BIGINT) AS in_maintenance, \
                 total, ok, failed, other, duration_sum, {histogram} FROM rollups"
            )
        }
        Some(fold) => {
            let bucket = if fold.width_ms > 0 {
                format!("bucket_start - bucket_start % {}", fold.width_ms)
            } else {
                "bucket_start".to_string()
            };
            let probe = if fold.probe { "probe_code" } else { "''" };
            let error_code = if fold.error_code { "error_code" } else { "''" };
            format!(
                "SELECT {bucket} AS bucket_start, {probe} AS probe_code, step_code, \
                 {error_code} AS error_code, CAST(in_maintenance AS BIGINT) AS in_maintenance, \
                 CAST(SUM(total) AS BIGINT) AS total, \
                 CAST(SUM(ok) AS BIGINT) AS ok, CAST(SUM(failed) AS BIGINT) AS failed, \
                 CAST(SUM(other) AS BIGINT) AS other, \
                 CAST(SUM(duration_sum) AS BIGINT) AS duration_sum, '' AS histogram FROM rollups"
            )
        }
    }
}

fn decode(row: PackedRow) -> RollupRow {
    let (
        bucket_start,
        probe_code,
        step_code,
        error_code,
        in_maintenance,
        total,
        ok,
        failed,
        other,
        duration_sum,
        histogram,
    ) = row;
    RollupRow {
        key: RowKey {
            bucket_start,
            probe_code,
            step_code,
            error_code,
            in_maintenance: in_maintenance != 0,
        },
        tally: Tally {
            total,
            ok,
            failed,
            other,
            duration_sum,
            histogram: Histogram::decode(&histogram),
        },
    }
}

const ROW_COLUMNS: [&str; 11] = [
    "bucket_start",
    "probe_code",
    "step_code",
    "error_code",
    "in_maintenance",
    "total",
    "ok",
    "failed",
    "other",
    "duration_sum",
    "histogram",
];

/// A rollup row as [`fetch_rows`] decodes it, in the order of [`ROW_COLUMNS`].
type PackedRow = (
    i64,
    String,
    String,
    String,
    i64,
    i64,
    i64,
    i64,
    i64,
    i64,
    String,
);
