//! The demo's file imports: yesterday's drop (the catalogue as reference files, a few
//! prospects and journey events, and rows with known defects, one of them a line with a
//! stray quote), imported through the real pipeline; then an incomplete drop (no
//! `probe_steps` file) that fails at the check stage and raises an alert. The Imports
//! page then has something to show.

use app::domain::status::{EventOutcome, RunStatus};
use std::path::Path;

use chrono::{Days, NaiveDate};

use super::DemoError;
use crate::clock::rfc3339;
use crate::crypto::PersonalDataCipher;
use crate::import::drop_writer::DropWriter;
use crate::import::files::FileType;
use crate::import::pipeline::{self, ImportContext};
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
    let context = ImportContext::new(db.clone(), cipher.clone(), None);
    for folder in [&complete, &incomplete] {
        if let Err(error) = pipeline::start(&context, Phase::Daily, folder).await {
            tracing::info!(error = %error, "demo import failed, as scripted");
        }
    }
    // The folders stay: resuming or restarting a demo import reads them again.
    Ok(())
}

fn file_name(file_type: FileType, date: NaiveDate) -> String {
    format!("{}_{}.csv", file_type.name(), date.format("%Y%m%d"))
}

/// Writes the ten files of the demo drop of `date` into `folder`.
// Over 80 lines: the demo drop's ten files written in the order they are read.
fn write_drop(
    folder: &Path,
    catalog: &Catalog,
    date: NaiveDate,
    now_ms: i64,
) -> std::io::Result<()> {
    let mut drop = DropWriter::create(folder, date)?;
    drop.catalog(catalog)?;
    let noon = now_ms - 12 * 3_600_000;
    let at = |offset_minutes: i64| rfc3339(noon + offset_minutes * 60_000);
    let probe = catalog
        .probes
        .first()
        .map(|p| p.probe_code.clone())
        .unwrap_or_default();
    for run in [
        [
            "DEMO-IMPORT-1",
            &probe,
            &at(0),
            "1200",
            "MAYBE",
            "",
            "",
            "",
            "batch",
        ],
        [
            "DEMO-IMPORT-2",
            "P_UNKNOWN",
            &at(5),
            "1200",
            RunStatus::Ok.as_str(),
            "",
            "",
            "",
            "batch",
        ],
        [
            "DEMO-IMPORT-3",
            &probe,
            "2099-01-01T00:00:00Z",
            "1200",
            RunStatus::Ok.as_str(),
            "",
            "",
            "",
            "batch",
        ],
    ] {
        drop.row(FileType::ProbeRuns, &run)?;
    }
    let (product, step) = catalog
        .journey_steps
        .first()
        .map(|s| (s.product_code.clone(), s.step_code.clone()))
        .unwrap_or_default();
    for index in 0..5 {
        let id = format!("DEMO-IMPORT-PR{index}");
        drop.row(
            FileType::Prospects,
            &[
                id.clone(),
                format!("Camille{index}"),
                format!("Import{index}"),
                format!("camille{index}.import@example.org"),
                String::new(),
                String::new(),
                "75008".to_string(),
                at(index),
                "true".to_string(),
            ],
        )?;
        drop.row(
            FileType::JourneyEvents,
            &[
                format!("DEMO-IMPORT-EV{index}"),
                at(index + 1),
                product.clone(),
                step.clone(),
                format!("DEMO-IMPORT-J{index}"),
                id,
                EventOutcome::Started.to_string(),
                String::new(),
                "web".to_string(),
                "batch".to_string(),
            ],
        )?;
    }
    drop.row(
        FileType::Prospects,
        &[
            "DEMO-IMPORT-PR9",
            "Dominique",
            "Sansmail",
            "pas-une-adresse",
            "",
            "",
            "",
            &at(9),
            "false",
        ],
    )?;
    drop.finish()?;
    // A line no CSV writer would make: its stray quote opens a field that runs to the end
    // of the file. The import rejects that line alone and reads the events after it.
    insert_line(
        &folder.join(file_name(FileType::JourneyEvents, date)),
        3,
        &format!(
            "DEMO-IMPORT-EV8,{},{product},{step},DEMO-IMPORT-J8,DEMO-IMPORT-PR0,\"STARTED,,web,batch",
            at(8)
        ),
    )
}

/// Puts `line` into the file at `path` before its line number `before` (from 1), in a
/// file without quoted line ends.
fn insert_line(path: &Path, before: usize, line: &str) -> std::io::Result<()> {
    let text = std::fs::read_to_string(path)?;
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert((before - 1).min(lines.len()), line);
    std::fs::write(path, lines.join("\n") + "\n")
}
