//! In-app alerts as the Imports page lists them: what happened, how grave, and whether
//! it is still going on.

use serde::{Deserialize, Serialize};

use crate::i18n::Message;
use crate::text_enum;

text_enum! {
    /// What an alert is about.
    pub enum AlertKind("alert kind") {
        /// An import stopped on an error.
        ImportFailed = "import_failed",
        /// The day's drop was still incomplete at its cut-off time.
        DropLate = "drop_late",
        /// An import loaded rows much more slowly than its peers.
        ImportSlow = "import_slow",
    }
}

text_enum! {
    /// How grave an alert is.
    pub enum Severity("alert severity") {
        Info = "info",
        Warning = "warning",
        Critical = "critical",
    }
}

text_enum! {
    /// Whether the condition behind an alert still holds.
    pub enum AlertState("alert state") {
        Firing = "firing",
        Resolved = "resolved",
    }
}

/// An in-app alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertSummary {
    pub raised_at_ms: i64,
    pub kind: AlertKind,
    pub severity: Severity,
    pub state: AlertState,
    pub subject: String,
    pub message: Message,
}
