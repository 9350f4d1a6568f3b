//! The reference files of a drop: products, services, journey steps, probes, error codes
//! and maintenance windows. Each row is checked on its own and against the references
//! read before it (the drop's files are read in that order, so a journey step names a
//! product of the same drop).

use app::domain::catalog::{ErrorCategory, MaintenanceScope, ServiceKind};
use app::i18n::Message;

use super::record::{FieldError, Record, Rule};
use super::references::References;
use crate::storage::reference::{
    ErrorCode, JourneyStep, MaintenanceWindow, Probe, Product, Service,
};

const MAX_LABEL: usize = 200;

/// The value when every field is valid, otherwise the errors.
fn outcome<T>(value: Option<T>, errors: Vec<FieldError>) -> Result<T, Vec<FieldError>> {
    match value {
        Some(value) if errors.is_empty() => Ok(value),
        _ => Err(errors),
    }
}

fn known(
    record: &Record,
    column: &str,
    code: &Option<String>,
    set: &std::collections::HashSet<String>,
    what: &str,
    errors: &mut Vec<FieldError>,
) {
    if let Some(code) = code {
        if !set.contains(code) {
            errors.push(record.error(
                column,
                Rule::UnknownReference,
                Message::new(&format!("rejection.unknown_{what}")),
            ));
        }
    }
}

pub fn validate_product(record: &Record) -> Result<Product, Vec<FieldError>> {
    let mut errors = Vec::new();
    let code = record.code("product_code", true, &mut errors);
    let label = record.text("label", true, MAX_LABEL, &mut errors);
    let active = record.boolean("active", true, &mut errors);
    let product = (|| {
        Some(Product {
            product_code: code?,
            label: label?,
            active: active?,
        })
    })();
    outcome(product, errors)
}

pub fn validate_service(record: &Record) -> Result<Service, Vec<FieldError>> {
    let mut errors = Vec::new();
    let code = record.code("service_code", true, &mut errors);
    let label = record.text("label", true, MAX_LABEL, &mut errors);
    let kind: Option<ServiceKind> = record.one_of_names("kind", true, &mut errors);
    let owner_team = record.text("owner_team", false, MAX_LABEL, &mut errors);
    let service = (|| {
        Some(Service {
            service_code: code?,
            label: label?,
            kind: kind?,
            owner_team,
        })
    })();
    outcome(service, errors)
}

pub fn validate_journey_step(
    record: &Record,
    references: &References,
) -> Result<JourneyStep, Vec<FieldError>> {
    let mut errors = Vec::new();
    let product = record.code("product_code", true, &mut errors);
    let step = record.code("step_code", true, &mut errors);
    let position = record.integer("position", 1, 1_000, true, &mut errors);
    let label = record.text("label", true, MAX_LABEL, &mut errors);
    let service = record.code("service_code", true, &mut errors);
    known(
        record,
        "product_code",
        &product,
        &references.products,
        "product",
        &mut errors,
    );
    known(
        record,
        "service_code",
        &service,
        &references.services,
        "service",
        &mut errors,
    );
    let step = (|| {
        Some(JourneyStep {
            product_code: product?,
            step_code: step?,
            position: position?,
            label: label?,
            service_code: service?,
        })
    })();
    outcome(step, errors)
}

pub fn validate_probe(record: &Record, references: &References) -> Result<Probe, Vec<FieldError>> {
    let mut errors = Vec::new();
    let code = record.code("probe_code", true, &mut errors);
    let label = record.text("label", true, MAX_LABEL, &mut errors);
    let product = record.code("product_code", true, &mut errors);
    let channel = record.one_of("channel", &["web", "mobile", "api"], true, &mut errors);
    let environment = record.one_of("environment", &["prod", "recette"], true, &mut errors);
    let interval = record.integer("interval_s", 10, 86_400, true, &mut errors);
    let enabled = record.boolean("enabled", true, &mut errors);
    known(
        record,
        "product_code",
        &product,
        &references.products,
        "product",
        &mut errors,
    );
    let probe = (|| {
        Some(Probe {
            probe_code: code?,
            label: label?,
            product_code: product?,
            channel: channel?,
            environment: environment?,
            interval_s: interval?,
            enabled: enabled?,
        })
    })();
    outcome(probe, errors)
}

pub fn validate_error_code(
    record: &Record,
    references: &References,
) -> Result<ErrorCode, Vec<FieldError>> {
    let mut errors = Vec::new();
    let code = record.code("error_code", true, &mut errors);
    let label = record.text("label", true, MAX_LABEL, &mut errors);
    let category: Option<ErrorCategory> = record.one_of_names("category", true, &mut errors);
    let service = record.code("service_code", false, &mut errors);
    known(
        record,
        "service_code",
        &service,
        &references.services,
        "service",
        &mut errors,
    );
    let error_code = (|| {
        Some(ErrorCode {
            error_code: code?,
            label: label?,
            category: category?,
            service_code: service,
        })
    })();
    outcome(error_code, errors)
}

pub fn validate_maintenance_window(
    record: &Record,
    references: &References,
) -> Result<MaintenanceWindow, Vec<FieldError>> {
    let mut errors = Vec::new();
    let window_id = record.text("window_id", true, 64, &mut errors);
    let scope: Option<MaintenanceScope> = record.one_of_names("scope", true, &mut errors);
    let scope_code = record.code("scope_code", false, &mut errors);
    let starts_at = record.instant("starts_at", true, &mut errors);
    let ends_at = record.instant("ends_at", true, &mut errors);
    let reason = record.text("reason", false, 2_000, &mut errors);
    match scope {
        Some(MaintenanceScope::All) if record.has("scope_code") => errors.push(record.error(
            "scope_code",
            Rule::Consistency,
            Message::new("rejection.empty_when_all"),
        )),
        Some(scope) if scope != MaintenanceScope::All && !record.has("scope_code") => {
            errors.push(record.error(
                "scope_code",
                Rule::Mandatory,
                Message::new("rejection.mandatory_unless_all"),
            ))
        }
        Some(MaintenanceScope::Product) => known(
            record,
            "scope_code",
            &scope_code,
            &references.products,
            "product",
            &mut errors,
        ),
        Some(MaintenanceScope::Service) => known(
            record,
            "scope_code",
            &scope_code,
            &references.services,
            "service",
            &mut errors,
        ),
        Some(MaintenanceScope::Probe) => {
            if let Some(code) = &scope_code {
                if !references.probe_products.contains_key(code) {
                    errors.push(record.error(
                        "scope_code",
                        Rule::UnknownReference,
                        Message::new("rejection.unknown_probe"),
                    ));
                }
            }
        }
        Some(MaintenanceScope::All) | None => {}
    }
    if let (Some(starts), Some(ends)) = (starts_at, ends_at) {
        if ends <= starts {
            errors.push(record.error(
                "ends_at",
                Rule::Consistency,
                Message::new("rejection.ends_after_starts"),
            ));
        }
    }
    let window = (|| {
        Some(MaintenanceWindow {
            window_id: window_id?,
            scope: scope?,
            scope_code,
            starts_at_ms: starts_at?,
            ends_at_ms: ends_at?,
            reason,
        })
    })();
    outcome(window, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(cells: &[(&'static str, &str)]) -> Record {
        Record::from_cells(cells.iter().copied())
    }

    fn rules<T>(outcome: Result<T, Vec<FieldError>>) -> Vec<(String, Rule)> {
        outcome
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|error| (error.column, error.rule))
            .collect()
    }

    #[test]
    fn reference_rows_are_checked_against_the_drop() {
        let mut references = References::default();
        references.products.insert("PEA".into());
        references.services.insert("CORE".into());
        references
            .probe_products
            .insert("PRB_PEA".into(), "PEA".into());

        assert!(validate_product(&record(&[
            ("product_code", "PEA"),
            ("label", "PEA"),
            ("active", "true")
        ]))
        .is_ok());
        assert_eq!(
            rules(validate_product(&record(&[
                ("product_code", "pea"),
                ("label", "PEA"),
                ("active", "yes")
            ]))),
            vec![
                ("product_code".into(), Rule::Code),
                ("active".into(), Rule::Type)
            ]
        );
        assert_eq!(
            rules(validate_journey_step(
                &record(&[
                    ("product_code", "CCO"),
                    ("step_code", "FORM"),
                    ("position", "0"),
                    ("label", "F"),
                    ("service_code", "CORE")
                ]),
                &references
            )),
            vec![
                ("position".into(), Rule::Range),
                ("product_code".into(), Rule::UnknownReference)
            ]
        );
        assert_eq!(
            rules(validate_probe(
                &record(&[
                    ("probe_code", "P1"),
                    ("label", "P"),
                    ("product_code", "PEA"),
                    ("channel", "fax"),
                    ("environment", "prod"),
                    ("interval_s", "5"),
                    ("enabled", "true")
                ]),
                &references
            )),
            vec![
                ("channel".into(), Rule::Enum),
                ("interval_s".into(), Rule::Range)
            ]
        );
        assert_eq!(
            rules(validate_error_code(
                &record(&[
                    ("error_code", "E1"),
                    ("label", "E"),
                    ("category", "technical"),
                    ("service_code", "NOPE")
                ]),
                &references
            )),
            vec![("service_code".into(), Rule::UnknownReference)]
        );
    }

    #[test]
    fn maintenance_windows_need_a_scope_code_and_an_end_after_the_start() {
        let mut references = References::default();
        references
            .probe_products
            .insert("PRB_PEA".into(), "PEA".into());
        let window = |scope: &str, code: &str, ends: &str| {
            validate_maintenance_window(
                &record(&[
                    ("window_id", "MW1"),
                    ("scope", scope),
                    ("scope_code", code),
                    ("starts_at", "2027-01-10T22:00:00+01:00"),
                    ("ends_at", ends),
                ]),
                &references,
            )
        };
        assert!(
            window("probe", "PRB_PEA", "2027-01-11T02:00:00+01:00").is_ok(),
            "planned windows may be in the future"
        );
        assert_eq!(
            rules(window("product", "", "2027-01-11T02:00:00+01:00")),
            vec![("scope_code".into(), Rule::Mandatory)]
        );
        assert_eq!(
            rules(window("all", "PEA", "2027-01-10T21:00:00+01:00")),
            vec![
                ("scope_code".into(), Rule::Consistency),
                ("ends_at".into(), Rule::Consistency)
            ]
        );
        assert_eq!(
            rules(window("probe", "PRB_X", "2027-01-11T02:00:00+01:00")),
            vec![("scope_code".into(), Rule::UnknownReference)]
        );
    }
}
