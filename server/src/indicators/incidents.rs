//! Incidents (periods of unavailability) of a probe: a streak of at least
//! [`INCIDENT_STREAK`] consecutive failed counted runs opens an incident at its first run;
//! the next OK counted run ends it. Runs inside maintenance windows are not counted.
//! Recomputed from raw runs over the touched period, so updates are idempotent.
//!
//! Reads stay bounded whatever the history stored: [`overlapping`] finds the incidents
//! that overlap a range in three parts, each bounded by an index (`incidents_by_time`,
//! `incidents_by_end`); [`totals_per_probe`] has the database work out each probe's
//! periods and their clipped downtime (a window over its incidents sorted by start: one
//! that starts after every earlier one ended opens a period) instead of sending them all.

use app::domain::status::RunStatus;

use super::maintenance::MaintenanceIndex;
use crate::board::state::INCIDENT_STREAK;
use crate::storage::packed::{fetch_rows, Param};
use crate::storage::{BatchInsert, Database, StorageResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incident {
    pub probe_code: String,
    pub started_at_ms: i64,
    pub ended_at_ms: Option<i64>,
    pub failed_runs: i64,
    pub failed_step_code: Option<String>,
    pub error_code: Option<String>,
}

struct RunRow {
    started_at_ms: i64,
    ok: bool,
    failed_step_code: Option<String>,
    error_code: Option<String>,
}

/// Incidents from a probe's runs in time order (maintenance runs already removed).
fn detect(probe_code: &str, runs: &[RunRow]) -> Vec<Incident> {
    let mut incidents = Vec::new();
    let mut streak: Vec<&RunRow> = Vec::new();
    let close = |streak: &[&RunRow], ended_at: Option<i64>, incidents: &mut Vec<Incident>| {
        if streak.len() >= INCIDENT_STREAK {
            let first = streak[0];
            incidents.push(Incident {
                probe_code: probe_code.to_string(),
                started_at_ms: first.started_at_ms,
                ended_at_ms: ended_at,
                failed_runs: streak.len() as i64,
                failed_step_code: first.failed_step_code.clone(),
                error_code: first.error_code.clone(),
            });
        }
    };
    for run in runs {
        if run.ok {
            close(&streak, Some(run.started_at_ms), &mut incidents);
            streak.clear();
        } else {
            streak.push(run);
        }
    }
    close(&streak, None, &mut incidents);
    incidents
}

/// A probe's incidents recomputed over a span, not yet written.
pub struct Recomputed {
    probe: String,
    start: i64,
    end: i64,
    incidents: Vec<Incident>,
}

/// Recomputes a probe's incidents around `[from, to)`: from its last OK counted run
/// before `from` up to its first OK counted run at or after `to`.
pub async fn recompute(
    db: &Database,
    maintenance: &MaintenanceIndex,
    probe: &str,
    from: i64,
    to: i64,
) -> StorageResult<()> {
    detect_around(db, maintenance, probe, from, to)
        .await?
        .write(db)
        .await
}

/// Reads a probe's runs around `[from, to)` (see [`recompute`]) and detects their
/// incidents.
pub async fn detect_around(
    db: &Database,
    maintenance: &MaintenanceIndex,
    probe: &str,
    from: i64,
    to: i64,
) -> StorageResult<Recomputed> {
    let start = boundary_ok_run(db, maintenance, probe, from, true)
        .await?
        .unwrap_or(i64::MIN);
    let start = open_at(db, probe, start)
        .await?
        .map_or(start, |at| at.min(start));
    let end = boundary_ok_run(db, maintenance, probe, to, false)
        .await?
        .map_or(i64::MAX, |at| at + 1);
    // Only a failed run's step and error are read (most runs are OK), in one go (see
    // `storage::packed`), then put in time order, runs that started at
    // the same instant by id, so that a recompute always sees the same sequence.
    type PackedRun = (i64, String, i64, Option<String>, Option<String>);
    let mut rows: Vec<PackedRun> = fetch_rows(
        db,
        &["started_at", "run_id", "ok", "failed_step_code", "error_code"],
        "SELECT started_at, run_id, CAST(CASE WHEN status = $4 THEN 1 ELSE 0 END AS BIGINT) AS ok, \
         CASE WHEN status = $4 THEN NULL ELSE failed_step_code END AS failed_step_code, \
         CASE WHEN status = $4 THEN NULL ELSE error_code END AS error_code FROM probe_runs \
         WHERE probe_code = $1 AND started_at >= $2 AND started_at < $3",
        &[
            Param::Text(probe),
            Param::Int(start),
            Param::Int(end),
            Param::Text(RunStatus::Ok.as_str()),
        ],
    )
    .await?;
    rows.sort_unstable_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    let runs: Vec<RunRow> = rows
        .into_iter()
        .filter(|(started_at_ms, ..)| !maintenance.covers(probe, *started_at_ms))
        .map(
            |(started_at_ms, _, ok, failed_step_code, error_code)| RunRow {
                started_at_ms,
                ok: ok == 1,
                failed_step_code,
                error_code,
            },
        )
        .collect();
    Ok(Recomputed {
        incidents: detect(probe, &runs),
        probe: probe.to_string(),
        start,
        end,
    })
}

impl Recomputed {
    /// Replaces the probe's stored incidents of the span with these, in one transaction.
    pub async fn write(self, db: &Database) -> StorageResult<()> {
        let Recomputed {
            probe,
            start,
            end,
            incidents,
        } = self;
        let mut tx = db.pool().begin().await?;
        sqlx::query(
            "DELETE FROM incidents WHERE probe_code = $1 AND started_at >= $2 AND started_at < $3",
        )
        .bind(&probe)
        .bind(start)
        .bind(end)
        .execute(&mut *tx)
        .await?;
        let insert = BatchInsert::new(
            "INSERT INTO incidents (incident_id, probe_code, started_at, ended_at, failed_runs, failed_step_code, error_code)",
            7,
            "",
        );
        insert
            .execute_all(&mut tx, db.engine(), &incidents, |query, incident| {
                query
                    .bind(format!(
                        "{}-{}",
                        incident.probe_code, incident.started_at_ms
                    ))
                    .bind(incident.probe_code.as_str())
                    .bind(incident.started_at_ms)
                    .bind(incident.ended_at_ms)
                    .bind(incident.failed_runs)
                    .bind(incident.failed_step_code.as_deref())
                    .bind(incident.error_code.as_deref())
            })
            .await?;
        tx.commit().await.map_err(Into::into)
    }
}

/// When the earliest stored incident of `probe` that is still open at `at` (started before
/// it, ended after it or not at all) started. A recompute reads from there: else, after
/// a maintenance window longer than the OK runs [`boundary_ok_run`] looks at, an
/// incident open before the window would be kept open beside the one detected anew.
async fn open_at(db: &Database, probe: &str, at: i64) -> StorageResult<Option<i64>> {
    if at == i64::MIN {
        return Ok(None);
    }
    sqlx::query_scalar(
        "SELECT MIN(started_at) FROM incidents WHERE probe_code = $1 AND started_at < $2 \
         AND (ended_at IS NULL OR ended_at > $2)",
    )
    .bind(probe)
    .bind(at)
    .fetch_one(db.pool())
    .await
    .map_err(Into::into)
}

/// The last OK counted run before `at` (`before`), or the first at or after it.
async fn boundary_ok_run(
    db: &Database,
    maintenance: &MaintenanceIndex,
    probe: &str,
    at: i64,
    before: bool,
) -> StorageResult<Option<i64>> {
    let sql = if before {
        "SELECT started_at FROM probe_runs WHERE probe_code = $1 AND started_at < $2 AND status = $3 \
         ORDER BY started_at DESC LIMIT 50"
    } else {
        "SELECT started_at FROM probe_runs WHERE probe_code = $1 AND started_at >= $2 AND status = $3 \
         ORDER BY started_at LIMIT 50"
    };
    let starts: Vec<i64> = sqlx::query_scalar(sql)
        .bind(probe)
        .bind(at)
        .bind(RunStatus::Ok.as_str())
        .fetch_all(db.pool())
        .await?;
    // Fifty OK runs in a row inside maintenance: fall back to the furthest one seen.
    Ok(starts
        .iter()
        .copied()
        .find(|&started_at| !maintenance.covers(probe, started_at))
        .or(starts.last().copied()))
}

/// `SELECT {columns}` from the incidents that overlap `[$2, $1)`, in three disjoint
/// parts, each bounded by an index: started inside the range; started before it and
/// ended inside or after it; started before it and still open.
fn overlapping_sql(columns: &str) -> String {
    [
        "started_at >= $2 AND started_at < $1",
        "ended_at > $2 AND started_at < $2",
        "ended_at IS NULL AND started_at < $2",
    ]
    .map(|part| format!("SELECT {columns} FROM incidents WHERE {part}"))
    .join(" UNION ALL ")
}

/// A probe's incidents over a period, added up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeIncidents {
    pub probe_code: String,
    /// Its periods of unavailability that overlap the period: its incidents, those that
    /// overlap or touch counted once.
    pub periods: i64,
    /// Their time inside the period (open ones until now), in milliseconds.
    pub downtime_ms: i64,
}

/// Per probe, its periods of unavailability over `[from, to)` (open incidents until
/// `now`), worked out by the database as the summary works them out from incidents
/// read whole: each incident clipped to the range; sorted by start, one that starts
/// after every earlier one has ended opens a period, and only its time past their end
/// counts. (Detection makes a probe's incidents follow one another, but runs at the
/// same instant can make two touch.)
pub async fn totals_per_probe(
    db: &Database,
    from: i64,
    to: i64,
    now: i64,
) -> StorageResult<Vec<ProbeIncidents>> {
    let ends = overlapping_sql(
        "probe_code, CASE WHEN started_at > $2 THEN started_at ELSE $2 END AS span_start, \
         CASE WHEN COALESCE(ended_at, $3) < $1 THEN COALESCE(ended_at, $3) ELSE $1 END AS span_end",
    );
    // `reach`: the furthest end of the probe's earlier spans.
    let sql = format!(
        "SELECT probe_code, \
         CAST(SUM(CASE WHEN reach IS NULL OR span_start > reach THEN 1 ELSE 0 END) AS BIGINT) AS periods, \
         CAST(SUM(CASE WHEN reach IS NULL OR span_start > reach THEN span_end - span_start \
                       WHEN span_end > reach THEN span_end - reach ELSE 0 END) AS BIGINT) AS downtime_ms \
         FROM (SELECT probe_code, span_start, span_end, MAX(span_end) OVER (PARTITION BY probe_code \
               ORDER BY span_start, span_end ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reach \
               FROM (SELECT probe_code, span_start, \
                     CASE WHEN span_end > span_start THEN span_end ELSE span_start END AS span_end \
                     FROM ({ends}) AS clipped) AS spans) AS reached \
         GROUP BY probe_code"
    );
    let rows: Vec<(String, i64, i64)> = fetch_rows(
        db,
        &["probe_code", "periods", "downtime_ms"],
        &sql,
        &[Param::Int(to), Param::Int(from), Param::Int(now)],
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(probe_code, periods, downtime_ms)| ProbeIncidents {
            probe_code,
            periods,
            downtime_ms,
        })
        .collect())
}

/// Incidents of every probe that overlap `[from, to)`.
pub async fn overlapping(db: &Database, from: i64, to: i64) -> StorageResult<Vec<Incident>> {
    type PackedIncident = (
        String,
        i64,
        Option<i64>,
        i64,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<PackedIncident> = fetch_rows(
        db,
        &[
            "probe_code",
            "started_at",
            "ended_at",
            "failed_runs",
            "failed_step_code",
            "error_code",
        ],
        &overlapping_sql(
            "probe_code, started_at, ended_at, failed_runs, failed_step_code, error_code",
        ),
        &[Param::Int(to), Param::Int(from)],
    )
    .await?;
    let mut incidents: Vec<Incident> = rows
        .into_iter()
        .map(
            |(
                probe_code,
                started_at_ms,
                ended_at_ms,
                failed_runs,
                failed_step_code,
                error_code,
            )| {
                Incident {
                    probe_code,
                    started_at_ms,
                    ended_at_ms,
                    failed_runs,
                    failed_step_code,
                    error_code,
                }
            },
        )
        .collect();
    incidents
        .sort_by(|a, b| (a.started_at_ms, &a.probe_code).cmp(&(b.started_at_ms, &b.probe_code)));
    Ok(incidents)
}

/// The id of `probe`'s incident that a run started at `at` belongs to: one that started
/// at or before it and had not ended (an incident ends at the next OK run's start).
pub async fn containing(db: &Database, probe: &str, at: i64) -> StorageResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT incident_id FROM incidents WHERE probe_code = $1 AND started_at <= $2 \
         AND (ended_at IS NULL OR ended_at > $2) ORDER BY started_at DESC LIMIT 1",
    )
    .bind(probe)
    .bind(at)
    .fetch_optional(db.pool())
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(statuses: &[&str]) -> Vec<RunRow> {
        statuses
            .iter()
            .enumerate()
            .map(|(index, status)| RunRow {
                started_at_ms: index as i64 * 300_000,
                ok: !status
                    .parse::<RunStatus>()
                    .expect("a run status")
                    .is_failure(),
                failed_step_code: None,
                error_code: None,
            })
            .collect()
    }

    #[test]
    fn two_failures_in_a_row_make_an_incident_until_the_next_success() {
        let found = detect(
            "P",
            &runs(&["OK", "KO", "OK", "KO", "TIMEOUT", "KO", "OK", "KO", "KO"]),
        );
        assert_eq!(found.len(), 2);
        assert_eq!(
            (found[0].started_at_ms, found[0].ended_at_ms),
            (900_000, Some(1_800_000))
        );
        assert_eq!(found[0].failed_runs, 3);
        assert_eq!(
            (found[1].started_at_ms, found[1].ended_at_ms),
            (2_100_000, None)
        );
    }
}
