//! Journey events (`journey_events` in the file contract) and prospects (`prospects`;
//! in the API, an event may embed its prospect as a `prospect` object).

use app::domain::status::EventOutcome;
use app::i18n::Message;

use super::record::{FieldError, Record, Rule};
use super::references::References;
use crate::ingest::prospects::PlainProspect;
use crate::storage::journeys::JourneyEvent;

/// Validates an event (and its embedded prospect); answers both ready to store, or
/// every broken rule.
// Over 80 lines: one rule per field, in the contract's column order
// (`docs/import-files.md`), so that each rule is found where its column is.
pub fn validate_event(
    event: &Record,
    prospect: Option<&Record>,
    references: &References,
    now_ms: i64,
) -> Result<(JourneyEvent, Option<PlainProspect>), Vec<FieldError>> {
    let mut errors = Vec::new();
    let event_id = event.text("event_id", true, 64, &mut errors);
    let occurred_at = event.timestamp("occurred_at", now_ms, true, &mut errors);
    let product = event.code("product_code", true, &mut errors);
    let step = event.code("step_code", true, &mut errors);
    let journey_id = event.text("journey_id", true, 64, &mut errors);
    let mut prospect_id = event.text("prospect_id", false, 64, &mut errors);
    let outcome: Option<EventOutcome> = event.one_of_names("outcome", true, &mut errors);
    let error_code = event.code("error_code", false, &mut errors);
    let channel = event.one_of("channel", &["web", "mobile", "api"], true, &mut errors);
    let application = event.text("application", false, 200, &mut errors);

    if let Some(product) = &product {
        if !references.products.contains(product) {
            errors.push(event.error(
                "product_code",
                Rule::UnknownReference,
                Message::new("rejection.unknown_product"),
            ));
        } else if let Some(step) = &step {
            if !references
                .journey_steps
                .contains(&(product.clone(), step.clone()))
            {
                errors.push(
                    event.error(
                        "step_code",
                        Rule::StepNotInJourney,
                        Message::new("rejection.step_not_in_journey")
                            .arg(step)
                            .arg(product),
                    ),
                );
            }
        }
    }
    if outcome == Some(EventOutcome::Failed) && !event.has("error_code") {
        errors.push(event.error(
            "error_code",
            Rule::Mandatory,
            Message::new("rejection.mandatory_when_failed"),
        ));
    }
    if let Some(code) = &error_code {
        if !references.error_codes.contains(code) {
            errors.push(event.error(
                "error_code",
                Rule::UnknownReference,
                Message::new("rejection.unknown_error_code"),
            ));
        }
    }
    let prospect = match prospect.map(|record| validate_prospect(record, now_ms)) {
        Some(Ok(prospect)) => {
            match &prospect_id {
                Some(id) if *id != prospect.prospect_id => errors.push(event.error(
                    "prospect_id",
                    Rule::Consistency,
                    Message::new("rejection.prospect_mismatch"),
                )),
                _ => prospect_id = Some(prospect.prospect_id.clone()),
            }
            Some(prospect)
        }
        Some(Err(prospect_errors)) => {
            errors.extend(prospect_errors);
            None
        }
        None => None,
    };
    match (
        event_id,
        occurred_at,
        product,
        step,
        journey_id,
        outcome,
        channel,
    ) {
        (
            Some(event_id),
            Some(occurred_at_ms),
            Some(product_code),
            Some(step_code),
            Some(journey_id),
            Some(outcome),
            Some(channel),
        ) if errors.is_empty() => Ok((
            JourneyEvent {
                event_id,
                occurred_at_ms,
                product_code,
                step_code,
                journey_id,
                prospect_id,
                outcome,
                error_code,
                channel,
                application,
            },
            prospect,
        )),
        _ => Err(errors),
    }
}

/// Validates a prospect. Messages never quote a personal-data value.
pub fn validate_prospect(record: &Record, now_ms: i64) -> Result<PlainProspect, Vec<FieldError>> {
    let mut errors = Vec::new();
    let prospect_id = record.text("prospect_id", true, 64, &mut errors);
    let first_name = record.text("first_name", true, 100, &mut errors);
    let last_name = record.text("last_name", true, 100, &mut errors);
    let email = record.text("email", true, 254, &mut errors);
    let phone = record.text("phone", false, 32, &mut errors);
    let birth_date = record.date("birth_date", false, &mut errors);
    let postal_code = record.text("postal_code", false, 10, &mut errors);
    let created_at = record.timestamp("created_at", now_ms, true, &mut errors);
    let consent = record.boolean("contact_consent", true, &mut errors);
    if email.as_deref().is_some_and(|email| !is_email(email)) {
        errors.push(record.error("email", Rule::Type, Message::new("rejection.email")));
    }
    let phone = phone.map(|phone| normalise_phone(&phone));
    if phone.as_ref().is_some_and(Option::is_none) {
        errors.push(record.error("phone", Rule::Type, Message::new("rejection.phone")));
    }
    match (
        prospect_id,
        first_name,
        last_name,
        email,
        created_at,
        consent,
    ) {
        (
            Some(prospect_id),
            Some(first_name),
            Some(last_name),
            Some(email),
            Some(created_at_ms),
            Some(contact_consent),
        ) if errors.is_empty() => Ok(PlainProspect {
            prospect_id,
            first_name,
            last_name,
            email,
            phone: phone.flatten(),
            birth_date,
            postal_code,
            created_at_ms,
            contact_consent,
        }),
        _ => Err(errors),
    }
}

/// A syntactically valid address: one `@`, a local part, a dotted domain, no spaces.
fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && domain.split('.').all(|label| !label.is_empty())
}

/// A French national number (`0` then 9 digits) or an E.164 number, with spaces, dots
/// and dashes removed; `None` when it is neither.
fn normalise_phone(text: &str) -> Option<String> {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    if let Some(rest) = compact.strip_prefix('+') {
        let valid = (7..=15).contains(&rest.len()) && digits(rest) && !rest.starts_with('0');
        return valid.then_some(compact);
    }
    let valid = compact.len() == 10
        && compact.starts_with('0')
        && digits(&compact)
        && &compact[1..2] != "0";
    valid.then_some(compact)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mails_and_phones_are_checked() {
        assert!(is_email("camille.durand@example.test"));
        for bad in ["camille", "a@b", "a @b.fr", "@b.fr", "a@b..fr", "a@@b.fr"] {
            assert!(!is_email(bad), "{bad}");
        }
        assert_eq!(
            normalise_phone("06 12 34 56 78").as_deref(),
            Some("0612345678")
        );
        assert_eq!(
            normalise_phone("+33612345678").as_deref(),
            Some("+33612345678")
        );
        for bad in ["12345", "0012345678", "+0612", "06 12 34 56 7a"] {
            assert_eq!(normalise_phone(bad), None, "{bad}");
        }
    }
}
