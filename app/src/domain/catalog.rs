//! The reference data's own vocabularies, as the file drop names them
//! (`docs/import-files.md`): what kind of service a step calls, what category an error
//! code falls in, and what a maintenance window covers.

use crate::text_enum;

text_enum! {
    /// Who runs a service: the bank, or a partner (an unavailability is then the
    /// partner's).
    pub enum ServiceKind("service kind") {
        Internal = "internal",
        Partner = "partner",
    }
}

text_enum! {
    /// What an error code says went wrong.
    pub enum ErrorCategory("error category") {
        Technical = "technical",
        Functional = "functional",
        Partner = "partner",
    }
}

text_enum! {
    /// What a maintenance window covers: everything, or one product, service or probe
    /// (named by the window's `scope_code`).
    pub enum MaintenanceScope("maintenance scope") {
        All = "all",
        Product = "product",
        Service = "service",
        Probe = "probe",
    }
}
