//! The enrich stage: each accepted prospect's postal code resolved through the
//! geography service into commune, department and region. The initial load resolves
//! the distinct codes in parallel (bounded, cached); the daily load resolves record by
//! record. A code that cannot be resolved is logged and recorded as failed; its
//! prospects are loaded without a place, never rejected.

use std::collections::HashMap;

use super::files::FileType;
use super::pipeline::ImportContext;
use super::staged::staged_rows;
use super::PipelineError;
use super::{Phase, Stage};
use crate::enrich::{GeographyClient, Lookup, SalesBranches};
use crate::storage::imports::{self, GeographyRow, ImportRecord, LookupStatus, WorkTable};
use crate::storage::journeys::ProspectPlace;

pub async fn enrich(context: &ImportContext, import: &ImportRecord) -> Result<u64, PipelineError> {
    let db = &context.db;
    imports::clear(db, &import.import_id, WorkTable::Geography).await?;
    let Some(client) = &context.geography else {
        tracing::warn!("no geography service configured (VIGIE_GEOGRAPHY_URL): places left empty");
        return Ok(0);
    };
    let codes = postal_codes(context, import).await?;
    let lookups = match import.phase {
        Phase::Initial => resolve_in_batch(client, &codes).await,
        Phase::Daily => resolve_record_by_record(client, &codes).await,
    };
    let mut rows: Vec<GeographyRow> = lookups
        .into_iter()
        .map(|(postal_code, lookup)| geography_row(postal_code, lookup))
        .collect();
    rows.sort_by(|a, b| a.postal_code.cmp(&b.postal_code));
    let half = rows.len() / 2;
    imports::insert_geography(db, &import.import_id, &rows[..half]).await?;
    context.hold_point(Stage::Enrich).await;
    imports::insert_geography(db, &import.import_id, &rows[half..]).await?;
    context.progress.rows(codes.len() as u64);
    Ok(codes.len() as u64)
}

/// The postal codes of the accepted prospects, in file order (with repeats), and the
/// line each comes from.
async fn postal_codes(
    context: &ImportContext,
    import: &ImportRecord,
) -> Result<Vec<(i64, String)>, PipelineError> {
    let db = &context.db;
    let file_type = FileType::Prospects;
    let rejected = imports::rejected_lines(db, &import.import_id, file_type.name()).await?;
    let column = file_type
        .columns()
        .iter()
        .position(|column| *column == "postal_code")
        .unwrap_or_default();
    let chunks = imports::chunk_count(db, &import.import_id, file_type.name()).await?;
    let mut connection = db.pool().acquire().await?;
    let mut codes = Vec::new();
    for chunk in 0..chunks {
        for row in staged_rows(&mut connection, &import.import_id, file_type, chunk).await? {
            if rejected.contains(&row.line()) {
                continue;
            }
            if let Some(code) = row.1.as_ref().and_then(|cells| cells.get(column)) {
                if !code.is_empty() {
                    codes.push((row.line(), code.clone()));
                }
            }
        }
    }
    Ok(codes)
}

async fn resolve_in_batch(
    client: &GeographyClient,
    codes: &[(i64, String)],
) -> HashMap<String, Lookup> {
    let lookups = client
        .resolve_all(codes.iter().map(|(_, code)| code.clone()))
        .await;
    for (line, code) in codes {
        if let Some(Lookup::Failed(reason)) = lookups.get(code) {
            tracing::warn!(file = "prospects", line, postal_code = %code, reason = %reason, "postal code not resolved; prospect loaded without a place");
        }
    }
    lookups
}

async fn resolve_record_by_record(
    client: &GeographyClient,
    codes: &[(i64, String)],
) -> HashMap<String, Lookup> {
    let mut lookups = HashMap::new();
    for (line, code) in codes {
        let lookup = client.resolve(code).await;
        if let Lookup::Failed(reason) = &lookup {
            tracing::warn!(file = "prospects", line, postal_code = %code, reason = %reason, "postal code not resolved; prospect loaded without a place");
        }
        lookups.insert(code.clone(), lookup);
    }
    lookups
}

fn geography_row(postal_code: String, lookup: Lookup) -> GeographyRow {
    let (status, place) = match lookup {
        Lookup::Resolved(place) => (LookupStatus::Resolved, Some(place)),
        Lookup::Unknown => (LookupStatus::Unknown, None),
        Lookup::Failed(_) => (LookupStatus::Failed, None),
    };
    GeographyRow {
        postal_code,
        status,
        commune: place.as_ref().map(|place| place.commune.clone()),
        department_code: place.as_ref().map(|place| place.department_code.clone()),
        region_code: place.map(|place| place.region_code),
    }
}

/// Each resolved postal code's place, with its region's sales branch (for the load
/// stage).
pub async fn places(
    context: &ImportContext,
    import: &ImportRecord,
) -> Result<HashMap<String, ProspectPlace>, PipelineError> {
    let rows = imports::geography(&context.db, &import.import_id).await?;
    if rows.is_empty() {
        return Ok(HashMap::new());
    }
    let branches = SalesBranches::load(&context.db).await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let place = place_of(row.commune, row.department_code, row.region_code, &branches)?;
            Some((row.postal_code, place))
        })
        .collect())
}

/// A prospect's place from the enrich stage's answer and the region's sales branch.
fn place_of(
    commune: Option<String>,
    department_code: Option<String>,
    region_code: Option<String>,
    branches: &SalesBranches,
) -> Option<ProspectPlace> {
    let (commune, department_code, region_code) = (commune?, department_code?, region_code?);
    Some(ProspectPlace {
        sales_branch: branches.branch_for(&region_code).map(str::to_string),
        commune,
        department_code,
        region_code,
    })
}
