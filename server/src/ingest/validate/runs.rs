//! Probe runs and their steps (`probe_runs` and `probe_steps` in the file contract; in
//! the API, a run carries its steps in a `steps` array).

use std::collections::HashSet;

use app::domain::status::{RunStatus, StepStatus};
use app::i18n::Message;

use super::record::{FieldError, Record, Rule};
use super::references::References;
use crate::storage::runs::{ProbeRun, ProbeStep};

const MAX_DURATION_MS: i64 = 3_600_000;
const MAX_TEXT: usize = 2_000;

/// Validates a run and its steps against the references; answers the run ready to
/// store, or every broken rule.
// Over 80 lines: one rule per field, in the contract's column order
// (`docs/import-files.md`), so that each rule is found where its column is.
pub fn validate_run(
    run: &Record,
    steps: &[Record],
    references: &References,
    now_ms: i64,
) -> Result<ProbeRun, Vec<FieldError>> {
    let mut errors = Vec::new();
    let run_id = run.text("run_id", true, 64, &mut errors);
    let probe_code = run.code("probe_code", true, &mut errors);
    let started_at = run.timestamp("started_at", now_ms, true, &mut errors);
    let duration = run.integer("duration_ms", 0, MAX_DURATION_MS, true, &mut errors);
    let status: Option<RunStatus> = run.one_of_names("status", true, &mut errors);
    let failed_step = run.code("failed_step_code", false, &mut errors);
    let error_code = run.code("error_code", false, &mut errors);
    let error_message = run.text("error_message", false, MAX_TEXT, &mut errors);
    let agent = run.text("agent", false, 200, &mut errors);

    let product = probe_code.as_ref().and_then(|probe| {
        let product = references.probe_products.get(probe);
        if product.is_none() {
            errors.push(run.error(
                "probe_code",
                Rule::UnknownReference,
                Message::new("rejection.unknown_probe"),
            ));
        }
        product
    });
    if let Some(status) = status {
        if !status.is_failure() {
            if failed_step.is_some() {
                errors.push(run.error(
                    "failed_step_code",
                    Rule::Consistency,
                    Message::new("rejection.empty_when_ok"),
                ));
            }
        } else {
            if !run.has("failed_step_code") {
                errors.push(run.error(
                    "failed_step_code",
                    Rule::Mandatory,
                    Message::new("rejection.mandatory_unless_ok"),
                ));
            }
            if !run.has("error_code") {
                errors.push(run.error(
                    "error_code",
                    Rule::Mandatory,
                    Message::new("rejection.mandatory_unless_ok"),
                ));
            }
        }
    }
    if let (Some(product), Some(step)) = (product, &failed_step) {
        check_step(
            run,
            "failed_step_code",
            product,
            step,
            references,
            &mut errors,
        );
    }
    if let Some(code) = &error_code {
        check_error_code(run, "error_code", code, references, &mut errors);
    }

    let mut seen = HashSet::new();
    let mut valid_steps = Vec::with_capacity(steps.len());
    for step in steps {
        if let Some(step) = validate_step(step, product, references, now_ms, &mut errors) {
            if !seen.insert(step.step_code.clone()) {
                errors.push(FieldError::new(
                    "steps",
                    Rule::DuplicateKey,
                    Message::new("rejection.step_twice").arg(&step.step_code),
                ));
            }
            valid_steps.push(step);
        }
    }

    match (run_id, probe_code, started_at, duration, status) {
        (Some(run_id), Some(probe_code), Some(started_at_ms), Some(duration_ms), Some(status))
            if errors.is_empty() =>
        {
            valid_steps.sort_by_key(|step| step.position);
            Ok(ProbeRun {
                run_id,
                probe_code,
                started_at_ms,
                duration_ms,
                status,
                failed_step_code: failed_step,
                error_code,
                error_message,
                agent,
                steps: valid_steps,
            })
        }
        _ => Err(errors),
    }
}

/// Validates one row of the `probe_steps` file: the step and the `run_id` it belongs to.
/// `product` is the product of that run's probe, when known (the step must then be one
/// of its journey); the caller checks that the run exists.
pub fn validate_file_step(
    step: &Record,
    product: Option<&String>,
    references: &References,
    now_ms: i64,
) -> Result<(String, ProbeStep), Vec<FieldError>> {
    let mut errors = Vec::new();
    let run_id = step.text("run_id", true, 64, &mut errors);
    let valid = validate_step(step, product, references, now_ms, &mut errors);
    match (run_id, valid) {
        (Some(run_id), Some(valid)) if errors.is_empty() => Ok((run_id, valid)),
        _ => Err(errors),
    }
}

fn validate_step(
    step: &Record,
    product: Option<&String>,
    references: &References,
    now_ms: i64,
    errors: &mut Vec<FieldError>,
) -> Option<ProbeStep> {
    let before = errors.len();
    let step_code = step.code("step_code", true, errors);
    let position = step.integer("position", 1, 1_000, true, errors);
    let started_at = step.timestamp("started_at", now_ms, true, errors);
    let duration = step.integer("duration_ms", 0, MAX_DURATION_MS, true, errors);
    let status: Option<StepStatus> = step.one_of_names("status", true, errors);
    let http_status = step.integer("http_status", 100, 599, false, errors);
    let error_code = step.code("error_code", false, errors);
    let message = step.text("message", false, MAX_TEXT, errors);
    if let (Some(product), Some(code)) = (product, &step_code) {
        check_step(step, "step_code", product, code, references, errors);
    }
    if let Some(code) = &error_code {
        check_error_code(step, "error_code", code, references, errors);
    }
    if errors.len() > before {
        return None;
    }
    Some(ProbeStep {
        step_code: step_code?,
        position: position?,
        started_at_ms: started_at?,
        duration_ms: duration?,
        status: status?,
        http_status,
        error_code,
        message,
    })
}

fn check_step(
    record: &Record,
    column: &str,
    product: &str,
    step: &str,
    references: &References,
    errors: &mut Vec<FieldError>,
) {
    if !references
        .journey_steps
        .contains(&(product.to_string(), step.to_string()))
    {
        errors.push(
            record.error(
                column,
                Rule::StepNotInJourney,
                Message::new("rejection.step_not_in_journey")
                    .arg(step)
                    .arg(product),
            ),
        );
    }
}

fn check_error_code(
    record: &Record,
    column: &str,
    code: &str,
    references: &References,
    errors: &mut Vec<FieldError>,
) {
    if !references.error_codes.contains(code) {
        errors.push(record.error(
            column,
            Rule::UnknownReference,
            Message::new("rejection.unknown_error_code"),
        ));
    }
}
