//! The daily import schedule of `vigie serve`, one look at the inbox at a time: nothing
//! before 05:00 Paris; a complete drop imported from 05:00 and moved to the archive;
//! past the 06:00 cut-off without yesterday's drop, one alert naming what is missing.

use std::sync::Arc;
use std::time::Duration;

use app::i18n::{Lang, Message};
use chrono::{NaiveTime, TimeZone};
use chrono_tz::Europe::Paris;
use vigie::crypto::{LocalKeyProvider, PersonalDataCipher};
use vigie::import::progress::Silent;
use vigie::import::scheduler::{ScheduleConfig, Scheduler, Tick};
use vigie::import::ImportContext;
use vigie::storage::Engine;

use crate::support::drop::{write_drop, DATE};
use crate::support::{TestDatabase, TestResult};

fn paris_ms(day: u32, hour: u32, minute: u32) -> i64 {
    Paris
        .with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .single()
        .map(|time| time.timestamp_millis())
        .unwrap_or_default()
}

fn time(text: &str) -> NaiveTime {
    NaiveTime::parse_from_str(text, "%H:%M").unwrap_or_default()
}

async fn the_drop_is_imported_from_five_and_late_drops_raise_one_alert(
    engine: Engine,
) -> TestResult {
    let database = TestDatabase::new(engine).await?;
    let inbox = tempfile::tempdir()?;
    let archive = tempfile::tempdir()?;
    let scheduler = Scheduler::new(
        ImportContext {
            db: database.db.clone(),
            cipher: PersonalDataCipher::new(Arc::new(LocalKeyProvider::demo())),
            geography: None,
            progress: Arc::new(Silent),
            hold_in: None,
        },
        ScheduleConfig {
            inbox: inbox.path().to_path_buf(),
            archive: archive.path().to_path_buf(),
            import_at: time("05:00"),
            cutoff: time("06:00"),
            poll: Duration::from_secs(30),
        },
    );
    let db = &database.db;
    // The drop of 2026-11-20 arrives during the night of the 21st.
    let written = write_drop(inbox.path(), false)?;
    assert_eq!(scheduler.tick(paris_ms(21, 4, 59)).await?, Tick::Idle);
    let runs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM probe_runs")
        .fetch_one(db.pool())
        .await?;
    assert_eq!(runs, 0, "imported before 05:00");

    let tick = scheduler.tick(paris_ms(21, 5, 0)).await?;
    assert!(
        matches!(
            tick,
            Tick::Imported {
                succeeded: true,
                ..
            }
        ),
        "{tick:?}"
    );
    let runs: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM probe_runs")
        .fetch_one(db.pool())
        .await?;
    assert_eq!(runs, written.valid_runs as i64);
    let left: Vec<_> = std::fs::read_dir(inbox.path())?.flatten().collect();
    assert!(left.is_empty(), "the inbox still holds {left:?}");
    let archived: Vec<String> = std::fs::read_dir(archive.path())?
        .flatten()
        .flat_map(|folder| {
            std::fs::read_dir(folder.path())
                .into_iter()
                .flatten()
                .flatten()
        })
        .map(|file| file.file_name().to_string_lossy().to_string())
        .collect();
    assert_eq!(archived.len(), 10, "{archived:?}");
    assert!(archived.contains(&format!("probe_runs_{DATE}.csv")));
    // Yesterday's drop is in: no alert at the cut-off.
    assert_eq!(scheduler.tick(paris_ms(21, 6, 30)).await?, Tick::Idle);

    // The night of the 22nd, only part of the drop of the 21st arrives.
    std::fs::write(
        inbox.path().join("products_20261121.csv"),
        "product_code,label,active\n",
    )?;
    assert_eq!(scheduler.tick(paris_ms(22, 5, 30)).await?, Tick::Idle);
    assert_eq!(scheduler.tick(paris_ms(22, 6, 1)).await?, Tick::LateAlert);
    assert_eq!(
        scheduler.tick(paris_ms(22, 6, 2)).await?,
        Tick::Idle,
        "alert raised twice"
    );
    let alerts: Vec<(String, String, String)> =
        sqlx::query_as("SELECT kind, subject, message FROM alerts WHERE kind = 'drop_late'")
            .fetch_all(db.pool())
            .await?;
    assert_eq!(alerts.len(), 1);
    assert_eq!(alerts[0].1, "2026-11-21");
    // Stored as a catalog message: read in English here, in French on the Imports page.
    let message = Message::decode(&alerts[0].2);
    assert_eq!(
        message.render(Lang::En),
        "the drop of 2026-11-21 is not complete at the cut-off 06:00: \
         services_20261121.csv: missing from the drop"
    );
    assert_eq!(
        message.render(Lang::Fr),
        "le dépôt du 2026-11-21 n'est pas complet à l'heure limite 06:00 : \
         services_20261121.csv absent du dépôt"
    );
    Ok(())
}
on_both_engines!(the_drop_is_imported_from_five_and_late_drops_raise_one_alert);
