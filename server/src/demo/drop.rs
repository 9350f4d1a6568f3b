//! The demo's file imports: yesterday's drop (the catalogue as reference files, a few
//! prospects and journey events, and rows with known defects), imported through the real
//! pipeline; then an incomplete drop (no `probe_steps` file) that fails at the check
//! stage and raises an alert. The Imports page then has something to show.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Days, NaiveDate};

use super::DemoError;
use crate::clock::rfc3339;
use crate::crypto::PersonalDataCipher;
use crate::import::files::FileType;
use crate::import::pipeline::{self, ImportContext};
use crate::import::progress::Silent;
use crate::import::Phase;
use crate::storage::reference::Catalog;
use crate::storage::{imports, Database};

/// Imports the demo drops once (a database that has imports keeps them).
pub async fn seed_imports(
    db: &Database,
    cipher: &PersonalDataCipher,
    catalog: &Catalog,
    now_ms: i64,
) -> Result<(), DemoError> {
    if !imports::list(db, 1).await?.is_empty() {
        return Ok(());
    }
    let today = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(now_ms)
        .unwrap_or_default()
        .with_timezone(&chrono_tz::Europe::Paris)
        .date_naive();
    let yesterday = today.checked_sub_days(Days::new(1)).unwrap_or(today);
    let root = std::env::temp_dir().join(format!("vigie-demo-drops-{}", std::process::id()));
    let complete = root.join("complete");
    let incomplete = root.join("incomplete");
    let written = write_drop(&complete, catalog, yesterday, now_ms)
        .and_then(|()| write_drop(&incomplete, catalog, yesterday, now_ms))
        .and_then(|()| {
            std::fs::remove_file(incomplete.join(file_name(FileType::ProbeSteps, yesterday)))
        });
    if let Err(error) = written {
        tracing::warn!(error = %error, "demo drops could not be written; no demo import");
        return Ok(());
    }
    let context = ImportContext {
        db: db.clone(),
        cipher: cipher.clone(),
        geography: None,
        progress: Arc::new(Silent),
        hold_in: None,
    };
    for folder in [&complete, &incomplete] {
        if let Err(error) = pipeline::start(&context, Phase::Daily, folder).await {
            tracing::info!(error = %error, "demo import failed, as scripted");
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    Ok(())
}

fn file_name(file_type: FileType, date: NaiveDate) -> String {
    format!("{}_{}.csv", file_type.name(), date.format("%Y%m%d"))
}

fn flag(value: bool) -> String {
    value.to_string()
}

/// Writes the ten files of the demo drop of `date` into `folder`.
fn write_drop(
    folder: &Path,
    catalog: &Catalog,
    date: NaiveDate,
    now_ms: i64,
) -> std::io::Result<()> {
    std::fs::create_dir_all(folder)?;
    let noon = now_ms - 12 * 3_600_000;
    let at = |offset_minutes: i64| rfc3339(noon + offset_minutes * 60_000);
    let mut rows: Vec<(FileType, Vec<Vec<String>>)> = Vec::new();
    rows.push((
        FileType::Products,
        catalog
            .products
            .iter()
            .map(|p| vec![p.product_code.clone(), p.label.clone(), flag(p.active)])
            .collect(),
    ));
    rows.push((
        FileType::Services,
        catalog
            .services
            .iter()
            .map(|s| {
                vec![
                    s.service_code.clone(),
                    s.label.clone(),
                    s.kind.clone(),
                    s.owner_team.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    ));
    rows.push((
        FileType::JourneySteps,
        catalog
            .journey_steps
            .iter()
            .map(|s| {
                vec![
                    s.product_code.clone(),
                    s.step_code.clone(),
                    s.position.to_string(),
                    s.label.clone(),
                    s.service_code.clone(),
                ]
            })
            .collect(),
    ));
    rows.push((
        FileType::Probes,
        catalog
            .probes
            .iter()
            .map(|p| {
                vec![
                    p.probe_code.clone(),
                    p.label.clone(),
                    p.product_code.clone(),
                    p.channel.clone(),
                    p.environment.clone(),
                    p.interval_s.to_string(),
                    flag(p.enabled),
                ]
            })
            .collect(),
    ));
    rows.push((
        FileType::ErrorCodes,
        catalog
            .error_codes
            .iter()
            .map(|e| {
                vec![
                    e.error_code.clone(),
                    e.label.clone(),
                    e.category.clone(),
                    e.service_code.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    ));
    rows.push((
        FileType::MaintenanceWindows,
        catalog
            .maintenance_windows
            .iter()
            .map(|w| {
                vec![
                    w.window_id.clone(),
                    w.scope.clone(),
                    w.scope_code.clone().unwrap_or_default(),
                    rfc3339(w.starts_at_ms),
                    rfc3339(w.ends_at_ms),
                    w.reason.clone().unwrap_or_default(),
                ]
            })
            .collect(),
    ));
    let probe = catalog
        .probes
        .first()
        .map(|p| p.probe_code.clone())
        .unwrap_or_default();
    let text = |cells: &[&str]| cells.iter().map(|cell| cell.to_string()).collect();
    rows.push((
        FileType::ProbeRuns,
        vec![
            text(&[
                "DEMO-IMPORT-1",
                &probe,
                &at(0),
                "1200",
                "MAYBE",
                "",
                "",
                "",
                "batch",
            ]),
            text(&[
                "DEMO-IMPORT-2",
                "P_UNKNOWN",
                &at(5),
                "1200",
                "OK",
                "",
                "",
                "",
                "batch",
            ]),
            text(&[
                "DEMO-IMPORT-3",
                &probe,
                "2099-01-01T00:00:00Z",
                "1200",
                "OK",
                "",
                "",
                "",
                "batch",
            ]),
        ],
    ));
    rows.push((FileType::ProbeSteps, Vec::new()));
    let (product, step) = catalog
        .journey_steps
        .first()
        .map(|s| (s.product_code.clone(), s.step_code.clone()))
        .unwrap_or_default();
    let mut prospects = Vec::new();
    let mut events = Vec::new();
    for index in 0..5 {
        let id = format!("DEMO-IMPORT-PR{index}");
        prospects.push(text(&[
            &id,
            &format!("Camille{index}"),
            &format!("Import{index}"),
            &format!("camille{index}.import@example.org"),
            "",
            "",
            "75008",
            &at(index),
            "true",
        ]));
        events.push(text(&[
            &format!("DEMO-IMPORT-EV{index}"),
            &at(index + 1),
            &product,
            &step,
            &format!("DEMO-IMPORT-J{index}"),
            &id,
            "STARTED",
            "",
            "web",
            "batch",
        ]));
    }
    prospects.push(text(&[
        "DEMO-IMPORT-PR9",
        "Dominique",
        "Sansmail",
        "pas-une-adresse",
        "",
        "",
        "",
        &at(9),
        "false",
    ]));
    rows.push((FileType::Prospects, prospects));
    rows.push((FileType::JourneyEvents, events));
    for (file_type, rows) in rows {
        write_file(&folder.join(file_name(file_type, date)), file_type, &rows)?;
    }
    Ok(())
}

fn write_file(path: &PathBuf, file_type: FileType, rows: &[Vec<String>]) -> std::io::Result<()> {
    let mut writer = csv::Writer::from_path(path)?;
    writer.write_record(file_type.columns())?;
    for row in rows {
        writer.write_record(row)?;
    }
    writer.flush()?;
    Ok(())
}
