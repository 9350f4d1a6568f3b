//! Imports of the daily file drop as the Imports page shows them.

use serde::{Deserialize, Serialize};

use crate::i18n::Message;

/// One import in the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    pub import_id: String,
    /// `initial` or `daily`.
    pub phase: String,
    /// `YYYY-MM-DD`, once the check stage read it.
    pub business_date: Option<String>,
    /// `running`, `failed` or `succeeded`.
    pub status: String,
    /// The stage running, failed, or done last.
    pub stage: String,
    pub created_at_ms: i64,
    pub finished_at_ms: Option<i64>,
    pub failure: Option<Message>,
}

/// One stage of an import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStage {
    pub stage: String,
    pub status: String,
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
        match self.import.status.as_str() {
            "failed" => true,
            "running" => now_ms - self.last_activity_ms() >= INTERRUPTED_AFTER_MS,
            _ => false,
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

/// An in-app alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertSummary {
    pub raised_at_ms: i64,
    pub kind: String,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    pub subject: String,
    pub message: Message,
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
        status: &str,
        created_at_ms: i64,
        stage_times: &[(i64, Option<i64>)],
    ) -> ImportDetail {
        ImportDetail {
            import: ImportSummary {
                import_id: "IMPORT_1".into(),
                phase: "daily".into(),
                business_date: None,
                status: status.into(),
                stage: "load".into(),
                created_at_ms,
                finished_at_ms: None,
                failure: None,
            },
            stages: stage_times
                .iter()
                .map(|(started, ended)| ImportStage {
                    stage: "check".into(),
                    status: "succeeded".into(),
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
    fn a_failed_import_may_continue_and_a_succeeded_one_may_not() {
        assert!(detail("failed", 0, &[]).can_continue(1));
        assert!(!detail("succeeded", 0, &[]).can_continue(INTERRUPTED_AFTER_MS * 10));
    }

    #[test]
    fn a_running_import_may_continue_only_once_it_stopped_moving() {
        let started = 1_000;
        let moving = detail(
            "running",
            0,
            &[(started, Some(started + 5)), (started + 5, None)],
        );
        assert!(!moving.can_continue(started + 5 + INTERRUPTED_AFTER_MS - 1));
        assert!(moving.can_continue(started + 5 + INTERRUPTED_AFTER_MS));
    }
}
