//! Imports of the daily file drop as the Imports page shows them.

use serde::{Deserialize, Serialize};

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
    pub failure: Option<String>,
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
}

/// A broken rule of a rejected row (never a personal value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RejectedRow {
    pub file_type: String,
    pub line: i64,
    pub column: String,
    pub rule: String,
    pub message: String,
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
    pub message: String,
}

/// What the banner needs: whether an import is loading data now.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportActivity {
    /// The import loading data (stages load and rollups), if any.
    pub loading: Option<String>,
}
