//! Validation of incoming items, shared by the ingest API and the file import: a field
//! arrives as text (a CSV cell or a JSON scalar), each rule of `docs/import-files.md`
//! is checked, and every broken rule is reported with its column, never with the value
//! of a personal-data field.

mod journeys;
mod record;
mod reference;
mod references;
mod runs;

pub use journeys::{validate_event, validate_prospect};
pub use record::{FieldError, Record, Rule};
pub use reference::{
    validate_error_code, validate_journey_step, validate_maintenance_window, validate_probe,
    validate_product, validate_service,
};
pub use references::References;
pub use runs::{validate_file_step, validate_run};

/// How far in the future a timestamp may be (clock skew between systems).
pub const FUTURE_TOLERANCE_MS: i64 = 5 * 60_000;
