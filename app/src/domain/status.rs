//! What happened to a probe run, a step and a prospect's journey event, with the names
//! the file drop and the API use (`docs/import-files.md`).

use crate::text_enum;

text_enum! {
    /// Outcome of one probe run.
    pub enum RunStatus("run status") {
        Ok = "OK",
        Ko = "KO",
        Timeout = "TIMEOUT",
    }
}

impl RunStatus {
    /// KO and TIMEOUT count as failures (in availability and incidents).
    pub fn is_failure(self) -> bool {
        self != RunStatus::Ok
    }
}

text_enum! {
    /// Outcome of one step of a probe run; `SKIPPED` when an earlier step failed.
    pub enum StepStatus("step status") {
        Ok = "OK",
        Ko = "KO",
        Timeout = "TIMEOUT",
        Skipped = "SKIPPED",
    }
}

text_enum! {
    /// What a real prospect's journey event says happened at a step.
    pub enum EventOutcome("event outcome") {
        Started = "STARTED",
        Completed = "COMPLETED",
        Failed = "FAILED",
        Abandoned = "ABANDONED",
    }
}
