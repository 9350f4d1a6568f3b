//! Imports of the daily file drop as the Imports page shows them.

use serde::{Deserialize, Serialize};

use crate::i18n::Message;
use crate::text_enum;

text_enum! {
    /// Initial load (history, bulk) or daily load (one day).
    pub enum Phase("import phase") {
        Initial = "initial",
        Daily = "daily",
    }
}

text_enum! {
    /// Where an import, or one of its stages, stands.
    pub enum ImportStatus("import status") {
        Running = "running",
        Failed = "failed",
        Succeeded = "succeeded",
    }
}

text_enum! {
    /// The stages of an import, in order. Each stage but `load` first clears what an
    /// earlier attempt of it left, so that `resume` can run it again; `load` writes the
    /// final tables and moves the import to the next stage in one transaction.
    pub enum Stage("import stage") {
        /// All ten files, one business date, right headers.
        Check = "check",
        /// Raw rows into staging, personal-data cells encrypted.
        Read = "read",
        /// Every rule; rejected rows into the import-error table.
        Validate = "validate",
        /// Postal codes resolved through the geography service.
        Enrich = "enrich",
        /// References replaced whole, facts upserted, in one transaction.
        Load = "load",
        /// Rollups and incidents of the range the facts touched.
        Rollups = "rollups",
        /// Staging dropped, the import marked succeeded.
        Finish = "finish",
    }
}

impl Stage {
    /// The stage after this one (`Finish` is the last).
    pub fn next(self) -> Stage {
        let index = Stage::ALL
            .iter()
            .position(|stage| *stage == self)
            .unwrap_or(0);
        Stage::ALL.get(index + 1).copied().unwrap_or(Stage::Finish)
    }
}

/// One import in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub import_id: String,
    pub phase: Phase,
    /// `YYYY-MM-DD`, once the check stage read it.
    pub business_date: Option<String>,
    pub status: ImportStatus,
    /// The stage running, failed, or done last.
    pub stage: Stage,
    pub created_at_ms: i64,
    pub finished_at_ms: Option<i64>,
    pub failure: Option<Message>,
}

/// One stage of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStage {
    pub stage: Stage,
    pub status: ImportStatus,
    pub started_at_ms: i64,
    pub ended_at_ms: Option<i64>,
    pub rows: i64,
}

/// One file of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportFile {
    pub file_type: String,
    pub file_name: String,
    pub read_rows: i64,
    pub accepted_rows: i64,
    pub rejected_rows: i64,
}

/// An import with its stages and files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportDetail {
    pub import: ImportSummary,
    pub stages: Vec<ImportStage>,
    pub files: Vec<ImportFile>,
    /// The rules its rejected rows broke (the choices of the rule filter).
    #[serde(default)]
    pub rules: Vec<String>,
}

/// A running import with no stage started or ended for this long is taken as
/// interrupted (its process stopped): it may be resumed or restarted.
pub const INTERRUPTED_AFTER_MS: i64 = 6 * 3_600_000;

impl ImportDetail {
    /// When the import last moved: its creation, or a stage's start or end.
    pub fn last_activity_ms(&self) -> i64 {
        self.stages
            .iter()
            .flat_map(|stage| [Some(stage.started_at_ms), stage.ended_at_ms])
            .flatten()
            .fold(self.import.created_at_ms, i64::max)
    }

    /// Whether an admin may resume or restart it: it failed, or it is `running` but has
    /// not moved for [`INTERRUPTED_AFTER_MS`].
    pub fn can_continue(&self, now_ms: i64) -> bool {
        match self.import.status {
            ImportStatus::Failed => true,
            ImportStatus::Running => now_ms - self.last_activity_ms() >= INTERRUPTED_AFTER_MS,
            ImportStatus::Succeeded => false,
        }
    }
}

/// A broken rule of a rejected row (never a personal value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub file_type: String,
    pub line: i64,
    pub column: String,
    pub rule: String,
    /// Why, in the reader's language.
    pub message: Message,
}

/// Which rejected rows to show.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedQuery {
    pub import_id: String,
    pub file_type: Option<String>,
    pub rule: Option<String>,
    pub offset: i64,
    pub limit: i64,
}

/// A page of rejected rows and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedPage {
    pub rows: Vec<RejectedRow>,
    pub total: i64,
}

/// What the banner needs: whether an import is loading data now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportActivity {
    /// The import loading data (stages load and rollups), if any.
    pub loading: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detail(
        status: ImportStatus,
        created_at_ms: i64,
        stage_times: &[(i64, Option<i64>)],
    ) -> ImportDetail {
        ImportDetail {
            import: ImportSummary {
                import_id: "IMPORT_1".into(),
                phase: Phase::Daily,
                business_date: None,
                status,
                stage: Stage::Load,
                created_at_ms,
                finished_at_ms: None,
                failure: None,
            },
            stages: stage_times
                .iter()
                .map(|(started, ended)| ImportStage {
                    stage: Stage::Check,
                    status: ImportStatus::Succeeded,
                    started_at_ms: *started,
                    ended_at_ms: *ended,
                    rows: 0,
                })
                .collect(),
            files: vec![],
            rules: vec![],
        }
    }

    #[test]
    fn stages_follow_each_other() {
        assert_eq!(Stage::Check.next(), Stage::Read);
        assert_eq!(Stage::Load.next(), Stage::Rollups);
        assert_eq!(Stage::Finish.next(), Stage::Finish);
    }

    #[test]
    fn a_failed_import_may_continue_and_a_succeeded_one_may_not() {
        assert!(detail(ImportStatus::Failed, 0, &[]).can_continue(1));
        assert!(!detail(ImportStatus::Succeeded, 0, &[]).can_continue(INTERRUPTED_AFTER_MS * 10));
    }

    #[test]
    fn a_running_import_may_continue_only_once_it_stopped_moving() {
        let started = 1_000;
        let moving = detail(
            ImportStatus::Running,
            0,
            &[(started, Some(started + 5)), (started + 5, None)],
        );
        assert!(!moving.can_continue(started + 5 + INTERRUPTED_AFTER_MS - 1));
        assert!(moving.can_continue(started + 5 + INTERRUPTED_AFTER_MS));
    }
}
