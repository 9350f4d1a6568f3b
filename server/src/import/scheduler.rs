//! The daily import in `vigie serve`: watches an inbox folder; from the configured time
//! (default 05:00 Europe/Paris) a complete drop is moved into the archive, in a folder
//! of its own, and imported from there (so that `resume` and `restart` find its files);
//! past the cut-off (default 06:00) with no drop imported for yesterday, an alert is
//! raised, once.

use std::path::{Path, PathBuf};
use std::time::Duration;

use app::i18n::{Lang, Message};
use chrono::{Days, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Europe::Paris;

use super::drop::inspect;
use super::pipeline::{self, ImportContext};
use super::{ImportError, Phase, PipelineError};
use crate::storage::alerts;
use crate::storage::{imports, Database};
use app::domain::alerts::{AlertKind, Severity};

#[derive(Debug, Clone)]
pub struct ScheduleConfig {
    pub inbox: PathBuf,
    pub archive: PathBuf,
    /// Paris time from which the day's drop is imported.
    pub import_at: NaiveTime,
    /// Paris time by which yesterday's drop must be imported, or an alert is raised.
    pub cutoff: NaiveTime,
    pub poll: Duration,
}

/// What one look at the inbox did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tick {
    /// Before the import time, or nothing to do.
    Idle,
    /// A drop was imported (the import id; whether it succeeded).
    Imported {
        import_id: Option<String>,
        succeeded: bool,
    },
    /// The cut-off passed without yesterday's drop; the alert was raised now.
    LateAlert,
}

pub struct Scheduler {
    context: ImportContext,
    config: ScheduleConfig,
}

impl Scheduler {
    pub fn new(context: ImportContext, config: ScheduleConfig) -> Scheduler {
        Scheduler { context, config }
    }

    /// Looks at the inbox every `poll` until the task is dropped.
    pub async fn run(self) {
        tracing::info!(
            inbox = %self.config.inbox.display(),
            import_at = %self.config.import_at,
            cutoff = %self.config.cutoff,
            "daily import scheduled"
        );
        loop {
            if let Err(error) = self.tick(crate::clock::now_ms()).await {
                tracing::error!(error = %error, "daily import: the inbox could not be handled");
            }
            tokio::time::sleep(self.config.poll).await;
        }
    }

    /// One look at the inbox at `now_ms`.
    pub async fn tick(&self, now_ms: i64) -> Result<Tick, PipelineError> {
        let now = Paris
            .timestamp_millis_opt(now_ms)
            .single()
            .ok_or_else(|| PipelineError::Staging(format!("no Paris time for {now_ms}")))?;
        if now.time() < self.config.import_at {
            return Ok(Tick::Idle);
        }
        // A complete drop is imported even when a header is wrong: the check stage then
        // fails the import and raises its alert.
        match inspect(&self.config.inbox) {
            Ok(drop) => {
                let folder = self.archive_folder(drop.business_date, now_ms);
                move_drop(&drop.files.values().cloned().collect::<Vec<_>>(), &folder)?;
                tracing::info!(folder = %folder.display(), "daily drop moved to the archive, importing");
                let outcome = pipeline::start(&self.context, Phase::Daily, &folder).await;
                Ok(match outcome {
                    Ok(outcome) => Tick::Imported {
                        import_id: Some(outcome.import.import_id),
                        succeeded: true,
                    },
                    Err(error) => {
                        tracing::warn!(error = %error, "scheduled daily import failed");
                        Tick::Imported {
                            import_id: None,
                            succeeded: false,
                        }
                    }
                })
            }
            Err(missing) => {
                self.when_late(now.date_naive(), now.time(), now_ms, &missing)
                    .await
            }
        }
    }

    /// Raises the late-drop alert once per business date, past the cut-off.
    async fn when_late(
        &self,
        today: NaiveDate,
        time: NaiveTime,
        now_ms: i64,
        why: &ImportError,
    ) -> Result<Tick, PipelineError> {
        if time < self.config.cutoff {
            return Ok(Tick::Idle);
        }
        let expected = today.checked_sub_days(Days::new(1)).unwrap_or(today);
        let date = expected.format("%Y-%m-%d").to_string();
        let db: &Database = &self.context.db;
        if imports::succeeded_for_date(db, &date).await?
            || alerts::exists(db, AlertKind::DropLate, &date).await?
        {
            return Ok(Tick::Idle);
        }
        let reason = match why {
            ImportError::NoDrop { .. } => Message::new("alert.no_drop"),
            other => other.message(),
        };
        let message = Message::new("alert.drop_late")
            .arg(&date)
            .arg(self.config.cutoff.format("%H:%M"))
            .arg_message(reason);
        tracing::error!(business_date = %date, reason = %message.render(Lang::En), "daily drop late");
        alerts::raise(
            db,
            AlertKind::DropLate,
            Severity::Critical,
            &date,
            &message.encode(),
            now_ms,
        )
        .await?;
        Ok(Tick::LateAlert)
    }

    fn archive_folder(&self, date: NaiveDate, now_ms: i64) -> PathBuf {
        self.config
            .archive
            .join(format!("{}_{now_ms}", date.format("%Y%m%d")))
    }
}

/// Moves the drop's files into `folder` (created).
fn move_drop(files: &[PathBuf], folder: &Path) -> Result<(), PipelineError> {
    let failed = |cause: std::io::Error| {
        PipelineError::Drop(ImportError::Unreadable {
            file: folder.display().to_string(),
            cause: cause.to_string(),
        })
    };
    std::fs::create_dir_all(folder).map_err(failed)?;
    for file in files {
        let Some(name) = file.file_name() else {
            continue;
        };
        let target = folder.join(name);
        if std::fs::rename(file, &target).is_err() {
            // Another file system: copy, then remove.
            std::fs::copy(file, &target).map_err(failed)?;
            std::fs::remove_file(file).map_err(failed)?;
        }
    }
    Ok(())
}
