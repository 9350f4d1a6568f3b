//! The ten file types of a drop, in import order, with their columns as the contract
//! lists them.

/// One file type of the drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileType {
    Products,
    Services,
    JourneySteps,
    Probes,
    ErrorCodes,
    MaintenanceWindows,
    ProbeRuns,
    ProbeSteps,
    Prospects,
    JourneyEvents,
}

impl FileType {
    /// In import order: references first, then facts.
    pub const ALL: [FileType; 10] = [
        FileType::Products,
        FileType::Services,
        FileType::JourneySteps,
        FileType::Probes,
        FileType::ErrorCodes,
        FileType::MaintenanceWindows,
        FileType::ProbeRuns,
        FileType::ProbeSteps,
        FileType::Prospects,
        FileType::JourneyEvents,
    ];

    /// The `<type>` part of the file name.
    pub fn name(self) -> &'static str {
        match self {
            FileType::Products => "products",
            FileType::Services => "services",
            FileType::JourneySteps => "journey_steps",
            FileType::Probes => "probes",
            FileType::ErrorCodes => "error_codes",
            FileType::MaintenanceWindows => "maintenance_windows",
            FileType::ProbeRuns => "probe_runs",
            FileType::ProbeSteps => "probe_steps",
            FileType::Prospects => "prospects",
            FileType::JourneyEvents => "journey_events",
        }
    }

    pub fn from_name(name: &str) -> Option<FileType> {
        FileType::ALL.into_iter().find(|file| file.name() == name)
    }

    /// The header's columns (in any order in a file).
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            FileType::Products => &["product_code", "label", "active"],
            FileType::Services => &["service_code", "label", "kind", "owner_team"],
            FileType::JourneySteps => &[
                "product_code",
                "step_code",
                "position",
                "label",
                "service_code",
            ],
            FileType::Probes => &[
                "probe_code",
                "label",
                "product_code",
                "channel",
                "environment",
                "interval_s",
                "enabled",
            ],
            FileType::ErrorCodes => &["error_code", "label", "category", "service_code"],
            FileType::MaintenanceWindows => &[
                "window_id",
                "scope",
                "scope_code",
                "starts_at",
                "ends_at",
                "reason",
            ],
            FileType::ProbeRuns => &[
                "run_id",
                "probe_code",
                "started_at",
                "duration_ms",
                "status",
                "failed_step_code",
                "error_code",
                "error_message",
                "agent",
            ],
            FileType::ProbeSteps => &[
                "run_id",
                "step_code",
                "position",
                "started_at",
                "duration_ms",
                "status",
                "http_status",
                "error_code",
                "message",
            ],
            FileType::Prospects => &[
                "prospect_id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "birth_date",
                "postal_code",
                "created_at",
                "contact_consent",
            ],
            FileType::JourneyEvents => &[
                "event_id",
                "occurred_at",
                "product_code",
                "step_code",
                "journey_id",
                "prospect_id",
                "outcome",
                "error_code",
                "channel",
                "application",
            ],
        }
    }

    /// Columns whose values are personal data: encrypted before anything is stored,
    /// masked in errors and logs.
    pub fn personal_columns(self) -> &'static [&'static str] {
        match self {
            FileType::Prospects => &["first_name", "last_name", "email", "phone", "birth_date"],
            _ => &[],
        }
    }
}
